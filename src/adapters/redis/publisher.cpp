#include "adapters/redis/publisher.hpp"

#include <hiredis/hiredis.h>

#include <stdexcept>

#include "adapters/event_json.hpp"
#include "common/overloaded.hpp"

namespace allocation::adapters::redis {

namespace {

timeval as_timeval(std::chrono::milliseconds timeout) {
  return {static_cast<time_t>(timeout.count() / 1000),
          static_cast<suseconds_t>((timeout.count() % 1000) * 1000)};
}

}  // namespace

RedisPublisher::RedisPublisher(RedisAddress address, std::optional<RedisStream> stream,
                               std::chrono::milliseconds timeout)
    : address_{std::move(address)}, stream_{std::move(stream)}, timeout_{timeout} {}

std::string RedisPublisher::address() const {
  return "Redis at " + address_.host + ":" + std::to_string(address_.port);
}

std::string_view RedisPublisher::channel_of(const domain::Event& event) {
  return std::visit(
      Overloaded{
          [](const domain::events::BatchCreated&) { return "batch_created"; },
          [](const domain::events::BatchQuantityChanged&) { return "batch_quantity_changed"; },
          [](const domain::events::BatchEtaChanged&) { return "batch_eta_changed"; },
          [](const domain::events::Allocated&) { return "line_allocated"; },
          [](const domain::events::Deallocated&) { return "line_deallocated"; },
          [](const domain::events::LineShipped&) { return "line_shipped"; },
          [](const domain::events::LineUnallocated&) { return "line_unallocated"; },
          [](const domain::events::OrderHeld&) { return "order_held"; },
          [](const domain::events::HoldConfirmed&) { return "hold_confirmed"; },
          [](const domain::events::HoldReleased&) { return "hold_released"; },
          [](const domain::events::OutOfStock&) { return "out_of_stock"; },
      },
      event);
}

RedisPublisher::~RedisPublisher() {
  if (context_ != nullptr) redisFree(context_);
}

void RedisPublisher::connect() {
  context_ = redisConnectWithTimeout(address_.host.c_str(), address_.port, as_timeval(timeout_));
  if (context_ == nullptr || context_->err != 0) {
    std::string reason = context_ != nullptr ? context_->errstr : "out of memory";
    if (context_ != nullptr) redisFree(context_);
    context_ = nullptr;
    throw std::runtime_error{"cannot connect to Redis at " + address_.host + ":" +
                             std::to_string(address_.port) + ": " + reason};
  }
  redisSetTimeout(context_, as_timeval(timeout_));
}

void RedisPublisher::expect_accepted() {
  void* raw = nullptr;
  int status = redisGetReply(context_, &raw);
  auto* reply = static_cast<redisReply*>(raw);
  if (status == REDIS_OK && reply != nullptr && reply->type != REDIS_REPLY_ERROR) {
    freeReplyObject(reply);
    return;
  }
  std::string reason = reply != nullptr ? std::string{reply->str, reply->len} : context_->errstr;
  if (reply != nullptr) freeReplyObject(reply);
  redisFree(context_);
  context_ = nullptr;
  throw std::runtime_error{"Redis did not accept the event: " + reason};
}

void RedisPublisher::deliver(const service_layer::OutboxEntry& entry) {
  if (context_ == nullptr) connect();
  std::string payload = to_json(entry.event);
  std::string_view channel = channel_of(entry.event);
  redisAppendCommand(context_, "PUBLISH %b %b", channel.data(), channel.size(), payload.data(),
                     payload.size());
  if (stream_) {
    std::string length = std::to_string(stream_->length_max);
    std::string seq = std::to_string(entry.id);
    std::string_view event = domain::name_of(entry.event);
    redisAppendCommand(context_, "XADD %b MAXLEN ~ %b * seq %b event %b channel %b payload %b",
                       stream_->name.data(), stream_->name.size(), length.data(), length.size(),
                       seq.data(), seq.size(), event.data(), event.size(), channel.data(),
                       channel.size(), payload.data(), payload.size());
  }
  expect_accepted();
  if (stream_) expect_accepted();
}

}  // namespace allocation::adapters::redis
