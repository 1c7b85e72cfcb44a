#pragma once

#include <chrono>

#include "service_layer/clock.hpp"

namespace allocation::testing {

// A clock that stands still until a test moves it.
class SettableClock final : public service_layer::Clock {
 public:
  [[nodiscard]] domain::Instant now() const override { return now_; }
  void set(domain::Instant now) { now_ = now; }
  void advance(std::chrono::milliseconds by) { now_ += by; }

 private:
  domain::Instant now_{std::chrono::sys_days{std::chrono::year{2026} / 12 / 1}};
};

}  // namespace allocation::testing
