#pragma once

#include <hiredis/hiredis.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace allocation::entrypoints::redis {

struct ContextFree {
  void operator()(redisContext* context) const { redisFree(context); }
};
struct ReplyFree {
  void operator()(redisReply* reply) const { freeReplyObject(reply); }
};
using Context = std::unique_ptr<redisContext, ContextFree>;
using Reply = std::unique_ptr<redisReply, ReplyFree>;

// A connection to Redis whose commands time out after `timeout`; null, with a warning logged,
// when it cannot be made.
Context connect_to_redis(const std::string& host, std::uint16_t port,
                         std::chrono::milliseconds timeout);

inline std::string_view text_of(const redisReply* reply) { return {reply->str, reply->len}; }

// What a consumer of messages counts.
struct ConsumedMessages {
  std::uint64_t received = 0;
  std::uint64_t malformed = 0;  // skipped
  std::uint64_t rejected = 0;   // the command failed
};

}  // namespace allocation::entrypoints::redis
