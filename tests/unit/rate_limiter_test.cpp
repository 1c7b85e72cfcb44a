#include "entrypoints/http/rate_limiter.hpp"

#include <gtest/gtest.h>

namespace allocation::entrypoints::http {
namespace {

using namespace std::chrono_literals;
using Clock = RateLimiter::Clock;

TEST(RateLimiter, AdmitsABurstOfOneSecondsWorthThenAsksToWait) {
  RateLimiter limiter{4};
  Clock::time_point now{};
  for (int i = 0; i < 4; ++i) EXPECT_EQ(limiter.admit("shop", now), Clock::duration::zero());
  EXPECT_EQ(limiter.admit("shop", now), 250ms);
  EXPECT_EQ(limiter.admit("shop", now + 100ms), 150ms);
  EXPECT_EQ(limiter.admit("shop", now + 250ms), Clock::duration::zero());
}

TEST(RateLimiter, EachClientHasItsOwnBucket) {
  RateLimiter limiter{1};
  Clock::time_point now{};
  EXPECT_EQ(limiter.admit("greedy", now), Clock::duration::zero());
  EXPECT_GT(limiter.admit("greedy", now), Clock::duration::zero());
  EXPECT_EQ(limiter.admit("polite", now), Clock::duration::zero());
}

TEST(RateLimiter, ARefusedRequestIsNotCounted) {
  RateLimiter limiter{2};
  Clock::time_point now{};
  limiter.admit("shop", now);
  limiter.admit("shop", now);
  for (int i = 0; i < 100; ++i) limiter.admit("shop", now + 100ms);
  EXPECT_EQ(limiter.admit("shop", now + 500ms), Clock::duration::zero());
}

TEST(RateLimiter, AnIdleClientSavesUpOnlyOneSecondsWorth) {
  RateLimiter limiter{2};
  Clock::time_point now{};
  limiter.admit("shop", now);
  Clock::time_point later = now + 1h;
  EXPECT_EQ(limiter.admit("shop", later), Clock::duration::zero());
  EXPECT_EQ(limiter.admit("shop", later), Clock::duration::zero());
  EXPECT_GT(limiter.admit("shop", later), Clock::duration::zero());
}

}  // namespace
}  // namespace allocation::entrypoints::http
