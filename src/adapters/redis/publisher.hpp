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

// Publishes events as JSON on one channel. Connects on first use and again after any
// failure; a publish returns once Redis has accepted it.
class RedisPublisher final : public service_layer::EventDestination {
 public:
  RedisPublisher(RedisAddress address, std::string channel,
                 std::chrono::milliseconds timeout = std::chrono::milliseconds{2000});
  ~RedisPublisher() override;
  void deliver(const domain::Event& event) override;

 private:
  RedisAddress address_;
  std::string channel_;
  std::chrono::milliseconds timeout_;
  redisContext* context_ = nullptr;
};

}  // namespace allocation::adapters::redis
