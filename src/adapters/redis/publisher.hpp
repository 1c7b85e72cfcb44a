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

// Publishes each event as JSON on the channel of its kind (the book's `line_allocated` for
// Allocated, ...), and appends it to a stream (fields `seq`, the outbox sequence number;
// `event`, its name; `channel`; `payload`, the JSON), where a consumer group keeps what a
// subscriber that is away would miss. Both in one round trip; delivered once Redis has
// accepted both. Connects on first use and again after any failure.
class RedisPublisher final : public service_layer::EventDestination {
 public:
  RedisPublisher(RedisAddress address, std::optional<RedisStream> stream,
                 std::chrono::milliseconds timeout = std::chrono::milliseconds{2000});
  ~RedisPublisher() override;
  [[nodiscard]] std::string_view name() const override { return "redis"; }
  [[nodiscard]] std::string address() const override;
  [[nodiscard]] bool takes(const domain::Event&) const override { return true; }
  void deliver(const service_layer::OutboxEntry& entry) override;

  // The channel events of this kind are published on.
  static std::string_view channel_of(const domain::Event& event);

 private:
  void connect();
  // Reads one reply; throws, dropping the connection, unless Redis accepted the command.
  void expect_accepted();

  RedisAddress address_;
  std::optional<RedisStream> stream_;
  std::chrono::milliseconds timeout_;
  redisContext* context_ = nullptr;
};

}  // namespace allocation::adapters::redis
