#include "entrypoints/redis/consumer.hpp"

#include <poll.h>
#include <spdlog/spdlog.h>

#include <chrono>

#include "common/thread_name.hpp"
#include "entrypoints/http/request_decoding.hpp"

namespace allocation::entrypoints::redis {

namespace {

constexpr std::chrono::milliseconds poll_interval{200};
constexpr std::chrono::milliseconds backoff_max{5000};

}  // namespace

RedisConsumer::RedisConsumer(std::string host, std::uint16_t port,
                             service_layer::GroupCommitter& commands)
    : host_{std::move(host)}, port_{port}, commands_{commands}, thread_{[this] {
        name_this_thread("redis-consumer");
        run();
      }} {}

RedisConsumer::~RedisConsumer() {
  {
    std::lock_guard lock{mutex_};
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

ConsumedMessages RedisConsumer::statistics() const {
  std::lock_guard lock{mutex_};
  return statistics_;
}

bool RedisConsumer::stopping() const {
  std::lock_guard lock{mutex_};
  return stopping_;
}

void RedisConsumer::run() {
  std::chrono::milliseconds pause{100};
  while (!stopping()) {
    consume();
    connected_ = false;
    std::unique_lock lock{mutex_};
    if (wake_.wait_for(lock, pause, [&] { return stopping_; })) break;
    pause = std::min(pause * 2, backoff_max);
  }
}

void RedisConsumer::consume() {
  Context context = connect_to_redis(host_, port_, std::chrono::milliseconds{2000});
  if (!context) return;
  Reply subscribed{
      static_cast<redisReply*>(redisCommand(context.get(), "SUBSCRIBE change_batch_quantity"))};
  if (!subscribed) {
    spdlog::warn("msg=\"cannot subscribe on Redis; retrying\" error=\"{}\"", context->errstr);
    return;
  }
  spdlog::info("msg=\"consuming Redis channel\" channel=change_batch_quantity address={}:{}", host_,
               port_);
  connected_ = true;
  while (!stopping()) {
    pollfd descriptor{context->fd, POLLIN, 0};
    int ready = ::poll(&descriptor, 1, static_cast<int>(poll_interval.count()));
    if (ready == 0) continue;
    if (ready < 0 || redisBufferRead(context.get()) != REDIS_OK) {
      spdlog::warn("msg=\"Redis connection lost; reconnecting\" error=\"{}\"", context->errstr);
      return;
    }
    for (;;) {
      void* raw = nullptr;
      if (redisGetReplyFromReader(context.get(), &raw) != REDIS_OK) {
        spdlog::warn("msg=\"Redis protocol error; reconnecting\" error=\"{}\"", context->errstr);
        return;
      }
      if (raw == nullptr) break;
      Reply reply{static_cast<redisReply*>(raw)};
      if (reply->type == REDIS_REPLY_ARRAY && reply->elements == 3 &&
          reply->element[0]->type == REDIS_REPLY_STRING &&
          std::string_view{reply->element[0]->str, reply->element[0]->len} == "message") {
        handle(std::string{reply->element[2]->str, reply->element[2]->len});
      }
    }
  }
}

void RedisConsumer::handle(const std::string& payload) {
  {
    std::lock_guard lock{mutex_};
    ++statistics_.received;
  }
  auto decoded = http::decode_change_batch_quantity_message(payload);
  if (const auto* invalid = std::get_if<http::InvalidInput>(&decoded)) {
    std::lock_guard lock{mutex_};
    ++statistics_.malformed;
    spdlog::warn("msg=\"malformed change_batch_quantity message skipped\" problem=\"{}\" count={}",
                 invalid->message, statistics_.malformed);
    return;
  }
  commands_.submit(
      std::get<domain::commands::ChangeBatchQuantity>(decoded),
      [this](service_layer::Outcome outcome) {
        std::string reason;
        if (const auto* rejection = std::get_if<service_layer::Rejection>(&outcome)) {
          reason = rejection->message;
        } else if (const auto* result = std::get_if<service_layer::CommandResult>(&outcome);
                   result != nullptr && result->current_qty) {
          reason = "the batch's qty is " + std::to_string(*result->current_qty) +
                   ", not the expected_qty";
        }
        if (reason.empty()) return;
        std::lock_guard lock{mutex_};
        ++statistics_.rejected;
        spdlog::warn("msg=\"change_batch_quantity message rejected\" reason=\"{}\" count={}",
                     reason, statistics_.rejected);
      },
      service_layer::Actor{"", "redis:change_batch_quantity"});
}

}  // namespace allocation::entrypoints::redis
