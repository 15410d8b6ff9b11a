// Specification of RetryPolicy: exponential growth, cap, full jitter, Retry-After, attempt limit.

#include "creditgw/RetryPolicy.h"

#include <gtest/gtest.h>

#include <set>

using namespace std::chrono_literals;
using creditgw::RetryPolicy;

TEST(RetryPolicyTest, GivenInitialOneSecond_WhenAttemptsGrow_ThenTheJitterCeilingDoubles) {
    RetryPolicy policy(1000ms, 60000ms, 10, 42);
    EXPECT_EQ(policy.ceilingFor(1), 1000ms);
    EXPECT_EQ(policy.ceilingFor(2), 2000ms);
    EXPECT_EQ(policy.ceilingFor(3), 4000ms);
    EXPECT_EQ(policy.ceilingFor(6), 32000ms);
}

TEST(RetryPolicyTest, GivenACap_WhenAttemptsGrowLarge_ThenTheCeilingStaysAtTheCapWithoutOverflow) {
    RetryPolicy policy(1000ms, 60000ms, 10, 42);
    EXPECT_EQ(policy.ceilingFor(7), 60000ms);
    EXPECT_EQ(policy.ceilingFor(1000), 60000ms);
    EXPECT_EQ(policy.ceilingFor(2147483647), 60000ms);
    for (int i = 0; i < 200; ++i) EXPECT_LE(policy.delayBefore(100), 60000ms);
}

TEST(RetryPolicyTest, GivenFullJitter_WhenDrawingManyDelays_ThenAllLieWithinZeroAndTheCeilingAndVary) {
    RetryPolicy policy(100ms, 10000ms, 10, 7);
    std::set<long long> seen;
    for (int i = 0; i < 500; ++i) {
        auto delay = policy.delayBefore(4);  // ceiling 800 ms
        EXPECT_GE(delay, 0ms);
        EXPECT_LE(delay, 800ms);
        seen.insert(delay.count());
    }
    // Spread over the window, not a constant: at least 100 distinct values and both halves hit.
    EXPECT_GT(seen.size(), 100u);
    EXPECT_LT(*seen.begin(), 400);
    EXPECT_GT(*seen.rbegin(), 400);
}

TEST(RetryPolicyTest, GivenTheSameSeed_WhenDrawing_ThenTheDelaysAreReproducible) {
    RetryPolicy a(100ms, 10000ms, 10, 99), b(100ms, 10000ms, 10, 99);
    for (int attempt = 1; attempt <= 8; ++attempt)
        EXPECT_EQ(a.delayBefore(attempt), b.delayBefore(attempt));
}

TEST(RetryPolicyTest, GivenRetryAfterLongerThanTheJitter_ThenTheDelayIsAtLeastRetryAfterEvenAboveTheCap) {
    RetryPolicy policy(100ms, 1000ms, 10, 3);
    for (int i = 0; i < 50; ++i) EXPECT_GE(policy.delayBefore(1, 1s), 1000ms);
    EXPECT_EQ(policy.delayBefore(1, 120s), 120000ms);
}

TEST(RetryPolicyTest, GivenARetryAfterOfAYear_ThenTheWaitStopsAtTheRetryAfterCap) {
    RetryPolicy capped(100ms, 1000ms, 10, 3, 3600s);
    EXPECT_EQ(capped.delayBefore(1, std::chrono::seconds(365 * 24 * 3600)), 3600000ms);
    EXPECT_EQ(capped.delayBefore(1, 120s), 120000ms) << "a wait below the cap is honoured as asked";
    RetryPolicy tight(100ms, 1000ms, 10, 3, 0s);
    EXPECT_LE(tight.delayBefore(1, 600s), 100ms) << "a cap of 0 ignores Retry-After: backoff alone";
}

TEST(RetryPolicyTest, GivenRetryAfterShorterThanTheJitterWindow_ThenTheDelayStaysWithinTheWindow) {
    RetryPolicy policy(10000ms, 60000ms, 10, 5);
    for (int i = 0; i < 50; ++i) {
        auto delay = policy.delayBefore(1, 0s);
        EXPECT_LE(delay, 10000ms);
    }
}

TEST(RetryPolicyTest, GivenThreeAttemptsAllowed_ThenTheFourthIsRefusedAndTheBatchIsDead) {
    RetryPolicy policy(100ms, 1000ms, 3, 1);
    EXPECT_TRUE(policy.shouldRetry(1));
    EXPECT_TRUE(policy.shouldRetry(3));
    EXPECT_FALSE(policy.shouldRetry(4));
    EXPECT_FALSE(policy.shouldRetry(100));
}

TEST(RetryPolicyTest, GivenNonsenseLimits_ThenTheyAreClampedInsteadOfMisbehaving) {
    RetryPolicy policy(-5ms, -10ms, -1, 1);
    EXPECT_FALSE(policy.shouldRetry(1));
    EXPECT_EQ(policy.delayBefore(1), 0ms);
    RetryPolicy inverted(500ms, 100ms, 1, 1);  // maximum below initial: the cap becomes initial
    EXPECT_EQ(inverted.ceilingFor(5), 500ms);
}
