#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

#include "entrypoints/redis/redis_connection.hpp"
#include "service_layer/group_committer.hpp"

namespace allocation::entrypoints::redis {

// Subscribes to the `change_batch_quantity` channel and hands each message to the writer as
// a ChangeBatchQuantity command, on a thread of its own. Reconnects with backoff; a message
// that is malformed, or a command that is rejected, is logged, counted and skipped.
class RedisConsumer {
 public:
  RedisConsumer(std::string host, std::uint16_t port, service_layer::GroupCommitter& commands);
  RedisConsumer(const RedisConsumer&) = delete;
  RedisConsumer& operator=(const RedisConsumer&) = delete;
  ~RedisConsumer();

  [[nodiscard]] ConsumedMessages statistics() const;
  // Whether it is subscribed on a live connection now.
  [[nodiscard]] bool connected() const { return connected_; }

 private:
  void run();
  // Serves one connection until it fails or the consumer stops.
  void consume();
  void handle(const std::string& payload);
  bool stopping() const;

  std::string host_;
  std::uint16_t port_;
  service_layer::GroupCommitter& commands_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::atomic<bool> connected_ = false;
  ConsumedMessages statistics_;
  std::thread thread_;
};

}  // namespace allocation::entrypoints::redis
