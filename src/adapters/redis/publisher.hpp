#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "service_layer/outbox_relay.hpp"

struct redisContext;

namespace allocation::adapters::redis {

struct RedisAddress {
  std::string host;
  std::uint16_t port = 6379;
};

// A stream that every event is also appended to, kept to about `length_max` entries.
struct RedisStream {
  std::string name = "allocation:events";
  std::int64_t length_max = 1'000'000;
};

// Publishes events as JSON on one channel, and appends each to a stream (fields `seq`, the
// outbox sequence number; `event`, its name; `channel`; `payload`, the JSON), where a
// consumer group keeps what a subscriber that is away would miss. Both in one round trip;
// delivered once Redis has accepted both. Connects on first use and again after any failure.
class RedisPublisher final : public service_layer::EventDestination {
 public:
  RedisPublisher(RedisAddress address, std::string channel, std::optional<RedisStream> stream,
                 std::chrono::milliseconds timeout = std::chrono::milliseconds{2000});
  ~RedisPublisher() override;
  void deliver(const service_layer::OutboxEntry& entry) override;

 private:
  void connect();
  // Reads one reply; throws, dropping the connection, unless Redis accepted the command.
  void expect_accepted();

  RedisAddress address_;
  std::string channel_;
  std::optional<RedisStream> stream_;
  std::chrono::milliseconds timeout_;
  redisContext* context_ = nullptr;
};

}  // namespace allocation::adapters::redis
