#include "entrypoints/http/rate_limiter.hpp"

#include <algorithm>

namespace allocation::entrypoints::http {

RateLimiter::Clock::duration RateLimiter::admit(std::string_view client, Clock::time_point now) {
  auto found = buckets_.find(std::string{client});
  if (found == buckets_.end()) {
    found = buckets_.emplace(std::string{client}, Bucket{rate_per_second_, now}).first;
  }
  Bucket& bucket = found->second;
  std::chrono::duration<double> elapsed = now - bucket.refilled;
  bucket.tokens = std::min(rate_per_second_, bucket.tokens + elapsed.count() * rate_per_second_);
  bucket.refilled = now;
  if (bucket.tokens >= 1.0) {
    bucket.tokens -= 1.0;
    return Clock::duration::zero();
  }
  return std::chrono::duration_cast<Clock::duration>(
      std::chrono::duration<double>{(1.0 - bucket.tokens) / rate_per_second_});
}

}  // namespace allocation::entrypoints::http
