// What the daemon's loop shares with its admin interface: triggers for the served targets only,
// each taken once, and a new outcome class counted from zero.

#include "creditgw/DaemonState.h"

#include <gtest/gtest.h>

using namespace creditgw;

TEST(DaemonStateTest, OnlyTheServedTargetsCanBeTriggeredEachRequestOnce) {
    DaemonState daemon({"creditchina"});
    int woken = 0;
    daemon.onTrigger([&] { ++woken; });
    Status unknown = daemon.requestTrigger("creditchnia");
    EXPECT_EQ(unknown.code(), StatusCode::NotFound);
    EXPECT_EQ(unknown.message(), "unknown target \"creditchnia\"; this daemon serves: creditchina");
    EXPECT_EQ(woken, 0);
    EXPECT_FALSE(daemon.takeTrigger("creditchina"));
    ASSERT_TRUE(daemon.requestTrigger("creditchina"));
    EXPECT_EQ(woken, 1) << "the loop is woken";
    EXPECT_TRUE(daemon.takeTrigger("creditchina"));
    EXPECT_FALSE(daemon.takeTrigger("creditchina")) << "one run per request";
}

TEST(DaemonStateTest, EveryOutcomeClassStartsAtZeroAndCountsAdd) {
    DaemonState daemon({"creditchina"});
    auto fresh = daemon.view("creditchina");
    EXPECT_EQ(fresh.breaker, CircuitBreaker::State::Closed);
    ASSERT_EQ(fresh.attempts.size(), attemptOutcomes().size());
    for (const auto& [outcome, count] : fresh.attempts) EXPECT_EQ(count, 0u) << outcome;
    daemon.countAttempts("creditchina", {{"ok", 2}});
    daemon.countAttempts("creditchina", {{"ok", 1}, {"transient", 4}});
    auto counted = daemon.view("creditchina");
    EXPECT_EQ(counted.attempts["ok"], 3u);
    EXPECT_EQ(counted.attempts["transient"], 4u);
    EXPECT_STREQ(attemptOutcomeOf(StatusCode::Corrupt), "other");
}
