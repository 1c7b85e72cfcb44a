#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "service_layer/outbox_relay.hpp"

struct redisContext;

namespace allocation::adapters::redis {

struct RedisAddress {
  std::string host;
  std::uint16_t port = 6379;
};

// Publishes Allocated events as JSON on the `line_allocated` channel. Connects on first use
// and again after any failure; a publish returns once Redis has accepted it.
class RedisPublisher final : public service_layer::EventDestination {
 public:
  explicit RedisPublisher(RedisAddress address,
                          std::chrono::milliseconds timeout = std::chrono::milliseconds{2000});
  ~RedisPublisher() override;
  void deliver(const domain::Event& event) override;

 private:
  RedisAddress address_;
  std::chrono::milliseconds timeout_;
  redisContext* context_ = nullptr;
};

}  // namespace allocation::adapters::redis
