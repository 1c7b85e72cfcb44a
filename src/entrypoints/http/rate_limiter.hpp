#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <unordered_map>

namespace allocation::entrypoints::http {

// A token bucket per client: each may make `rate_per_second` requests a second on average and
// up to one second's worth at once. Used from one thread.
class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  explicit RateLimiter(double rate_per_second) : rate_per_second_{rate_per_second} {}

  // Zero when `client` may make a request now (which is then counted), else how long it must
  // wait before its next request will be admitted.
  Clock::duration admit(std::string_view client, Clock::time_point now);

 private:
  struct Bucket {
    double tokens;
    Clock::time_point refilled;
  };

  double rate_per_second_;
  std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace allocation::entrypoints::http
