#include "adapters/redis/publisher.hpp"

#include <hiredis/hiredis.h>

#include <stdexcept>

#include "adapters/event_json.hpp"

namespace allocation::adapters::redis {

namespace {

timeval as_timeval(std::chrono::milliseconds timeout) {
  return {static_cast<time_t>(timeout.count() / 1000),
          static_cast<suseconds_t>((timeout.count() % 1000) * 1000)};
}

}  // namespace

RedisPublisher::RedisPublisher(RedisAddress address, std::string channel,
                               std::chrono::milliseconds timeout)
    : address_{std::move(address)}, channel_{std::move(channel)}, timeout_{timeout} {}

RedisPublisher::~RedisPublisher() {
  if (context_ != nullptr) redisFree(context_);
}

void RedisPublisher::deliver(const domain::Event& event) {
  if (context_ == nullptr) {
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
  std::string payload = to_json(event);
  auto* reply = static_cast<redisReply*>(redisCommand(
      context_, "PUBLISH %b %b", channel_.data(), channel_.size(), payload.data(), payload.size()));
  if (reply == nullptr || reply->type == REDIS_REPLY_ERROR) {
    std::string reason = reply != nullptr ? std::string{reply->str, reply->len} : context_->errstr;
    if (reply != nullptr) freeReplyObject(reply);
    redisFree(context_);
    context_ = nullptr;
    throw std::runtime_error{"Redis did not accept the event: " + reason};
  }
  freeReplyObject(reply);
}

}  // namespace allocation::adapters::redis
