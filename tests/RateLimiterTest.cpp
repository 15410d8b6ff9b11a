// A target's rate limit with an injected clock: sends evenly spaced at 60/N seconds, the first at
// once, a late caller never owed a burst, and no limit at 0.

#include "creditgw/RateLimiter.h"

#include <gtest/gtest.h>

using namespace creditgw;
using namespace std::chrono_literals;

namespace {
const RateLimiter::Clock::time_point t0{std::chrono::seconds(1'795'000'000)};
}

TEST(RateLimiterTest, SendsAreSpacedSixtyOverNSecondsApartTheFirstAtOnce) {
    RateLimiter limit(30);  // one every 2 s
    EXPECT_EQ(limit.reserve(t0), t0);
    EXPECT_EQ(limit.reserve(t0), t0 + 2s) << "a caller asking at once waits one spacing";
    EXPECT_EQ(limit.reserve(t0 + 1s), t0 + 4s);
    EXPECT_EQ(limit.reserve(t0 + 4s), t0 + 6s);
}

TEST(RateLimiterTest, IdleTimeIsNotSavedUpForABurst) {
    RateLimiter limit(6);  // one every 10 s
    limit.reserve(t0);
    EXPECT_EQ(limit.reserve(t0 + 60s), t0 + 60s) << "late: at once";
    EXPECT_EQ(limit.reserve(t0 + 60s), t0 + 70s) << "but the one after still waits";
}

TEST(RateLimiterTest, ZeroMeansNoLimit) {
    RateLimiter none(0);
    EXPECT_FALSE(none.limited());
    for (int i = 0; i < 5; ++i) EXPECT_EQ(none.reserve(t0), t0);
}
