#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "entrypoints/redis/redis_connection.hpp"
#include "service_layer/group_committer.hpp"

namespace allocation::entrypoints::redis {

// Reads quantity changes from a Redis stream as a member of a consumer group (created at the
// stream's start when missing, so that what was written before the service first ran is
// applied too), one entry at a time in stream order: its field `payload` holds
// {"batchref","qty","expected_qty"?}, as on the change_batch_quantity channel, or it has those
// fields itself. An entry is
// acknowledged (XACK) only once its outcome is durable, and its id is its idempotency key, so
// an entry read again after a crash between the commit and the acknowledgement is answered
// from the record, not applied twice. An entry that is malformed or refused is logged,
// counted, copied with the reason to the dead-letter stream, and acknowledged; one that
// storage could not take now is tried again. Entries another consumer left unacknowledged
// for a minute (it stopped, perhaps to come back under another name) are taken over.
class RedisCommandStream {
 public:
  struct Settings {
    std::string host;
    std::uint16_t port = 6379;
    std::string stream = "allocation:commands";
    std::string group = "allocation";
    // Entries read and not acknowledged stay this consumer's; a restart under the same name
    // takes them up first.
    std::string consumer;
    std::string dead_letter_stream = "allocation:commands:dead";
  };

  RedisCommandStream(Settings settings, service_layer::GroupCommitter& commands);
  RedisCommandStream(const RedisCommandStream&) = delete;
  RedisCommandStream& operator=(const RedisCommandStream&) = delete;
  ~RedisCommandStream();

  [[nodiscard]] const Settings& settings() const { return settings_; }
  [[nodiscard]] ConsumedMessages statistics() const;
  // Whether it reads the stream on a live connection now.
  [[nodiscard]] bool connected() const { return connected_; }

 private:
  struct Entry {
    std::string id;
    // The command as JSON; absent when the entry was deleted after it was read.
    std::optional<std::string> payload;
  };

  void run();
  // Serves one connection until it fails or the consumer stops.
  void consume(redisContext* context);
  // Takes over the entries other consumers left unacknowledged for a minute; whether there
  // were any, or nullopt when the connection failed.
  std::optional<bool> claim_abandoned(redisContext* context);
  // Reads up to a few entries from `start` ("0": this consumer's unacknowledged ones, ">": new
  // ones, waiting a moment for them); nullopt when the connection failed.
  std::optional<std::vector<Entry>> read(redisContext* context, const char* start);
  // Handles one entry until its outcome is final and acknowledged; false when the connection
  // failed or the consumer is stopping first.
  bool handle(redisContext* context, const Entry& entry);
  // What became of an entry's command: applied (or applied before), refused for `reason`,
  // or not taken now, to be tried again.
  struct Verdict {
    enum class Kind { applied, refused, retry } kind = Kind::applied;
    std::string reason;
  };
  // Submits the entry's command under its key and waits for its outcome.
  Verdict apply(const Entry& entry, const domain::commands::ChangeBatchQuantity& change);
  bool acknowledge(redisContext* context, const Entry& entry,
                   const std::optional<std::string>& refusal);
  bool stopping() const;
  bool pause(std::chrono::milliseconds duration);

  Settings settings_;
  service_layer::GroupCommitter& commands_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::atomic<bool> connected_ = false;
  ConsumedMessages statistics_;
  std::thread thread_;
};

}  // namespace allocation::entrypoints::redis
