#include "entrypoints/redis/redis_connection.hpp"

#include <spdlog/spdlog.h>

namespace allocation::entrypoints::redis {

Context connect_to_redis(const std::string& host, std::uint16_t port,
                         std::chrono::milliseconds timeout) {
  timeval limit{static_cast<time_t>(timeout.count() / 1000),
                static_cast<suseconds_t>((timeout.count() % 1000) * 1000)};
  Context context{redisConnectWithTimeout(host.c_str(), port, limit)};
  if (!context || context->err != 0) {
    spdlog::warn("msg=\"cannot connect to Redis; retrying\" address={}:{} error=\"{}\"", host, port,
                 context ? context->errstr : "out of memory");
    return nullptr;
  }
  redisSetTimeout(context.get(), limit);
  return context;
}

}  // namespace allocation::entrypoints::redis
