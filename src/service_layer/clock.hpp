#pragma once

#include <chrono>

#include "domain/date.hpp"

namespace allocation::service_layer {

// Where handlers and queries take the time from, so that tests can set it.
class Clock {
 public:
  virtual ~Clock() = default;
  [[nodiscard]] virtual domain::Instant now() const = 0;
};

class SystemClock final : public Clock {
 public:
  [[nodiscard]] domain::Instant now() const override {
    return std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now());
  }
};

}  // namespace allocation::service_layer
