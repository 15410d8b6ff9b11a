// CircuitBreaker with an injected clock: opens after consecutive failures, probes half-open.

#include <gtest/gtest.h>

#include "creditgw/CircuitBreaker.h"

using namespace creditgw;
using namespace std::chrono;

namespace {
const CircuitBreaker::Clock::time_point kStart = sys_days(year(2026) / 12 / 2) + hours(1);
}

TEST(CircuitBreakerTest, OpensAfterConsecutiveFailuresAndStaysOpenForItsTime) {
    CircuitBreaker breaker({3, seconds(300)});
    for (int i = 0; i < 2; ++i) {
        ASSERT_TRUE(breaker.allows(kStart));
        breaker.recordFailure(kStart);
    }
    EXPECT_EQ(breaker.state(), CircuitBreaker::State::Closed) << "two failures are not yet an outage";
    breaker.recordFailure(kStart + seconds(10));
    EXPECT_EQ(breaker.state(), CircuitBreaker::State::Open);
    EXPECT_EQ(breaker.openUntil(), kStart + seconds(310));
    EXPECT_FALSE(breaker.allows(kStart + seconds(309)));
    EXPECT_TRUE(breaker.allows(kStart + seconds(310))) << "time is up: one probe";
    EXPECT_EQ(breaker.state(), CircuitBreaker::State::HalfOpen);
}

TEST(CircuitBreakerTest, AFailedProbeReopensAndASuccessfulOneCloses) {
    CircuitBreaker breaker({1, seconds(60)});
    breaker.recordFailure(kStart);
    ASSERT_TRUE(breaker.allows(kStart + seconds(60)));
    breaker.recordFailure(kStart + seconds(61));
    EXPECT_EQ(breaker.state(), CircuitBreaker::State::Open);
    EXPECT_FALSE(breaker.allows(kStart + seconds(120)));
    ASSERT_TRUE(breaker.allows(kStart + seconds(121)));
    breaker.recordSuccess();
    EXPECT_EQ(breaker.state(), CircuitBreaker::State::Closed);
    EXPECT_EQ(breaker.consecutiveFailures(), 0);
    EXPECT_STREQ(CircuitBreaker::stateName(breaker.state()), "closed");
}

TEST(CircuitBreakerTest, ASuccessInBetweenResetsTheCount) {
    CircuitBreaker breaker({2, seconds(60)});
    breaker.recordFailure(kStart);
    breaker.recordSuccess();
    breaker.recordFailure(kStart + seconds(1));
    EXPECT_EQ(breaker.state(), CircuitBreaker::State::Closed);
    breaker.recordFailure(kStart + seconds(2));
    EXPECT_EQ(breaker.state(), CircuitBreaker::State::Open);
}
