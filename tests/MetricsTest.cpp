// The Prometheus exposition of creditgw/Metrics.h on its own: 撤销及时率 as one more value of the
// rate families (absent while nothing is due, its counts always shown), the daemon's breaker
// state and attempt counters, each checked by promtool.

#include "creditgw/Metrics.h"

#include <gtest/gtest.h>

#include "TestSupport.h"

using namespace creditgw;

namespace {

TargetMetrics figures(const std::string& target) {
    TargetMetrics t;
    t.health.target = target;
    t.health.records = {{"accepted", 3}};
    t.health.total = 3;
    return t;
}

void expectPromtoolClean(const std::string& metrics) {
    test::ScratchDir dir("metrics");
    test::writeFile(dir.file("metrics.txt"), metrics);
    ASSERT_EQ(test::runCommand("command -v promtool").exitCode, 0) << "promtool (Debian package prometheus) is needed";
    auto checked = test::runCommand("promtool check metrics < " + dir.file("metrics.txt"));
    EXPECT_EQ(checked.exitCode, 0) << checked.output << metrics;
    EXPECT_EQ(checked.output, "") << metrics;
}

}  // namespace

TEST(MetricsTest, WithdrawalTimelinessIsARateOfTheSameFamiliesAndANullRateKeepsItsCounts) {
    TargetMetrics due = figures("creditchina");
    due.withdrawals = WithdrawalCounts{};
    due.withdrawals->registered = 4;
    due.withdrawals->onTime = 2;
    due.withdrawals->late = 1;
    due.withdrawals->pendingWithinDeadline = 1;
    TargetMetrics none = figures("xyjt");
    none.withdrawals = WithdrawalCounts{};
    std::string text = prometheusMetrics({due, none});
    expectPromtoolClean(text);
    for (const char* line : {"creditgw_rate{target=\"creditchina\",rate=\"withdrawal_timeliness\"} 0.666667\n",
                             "creditgw_rate_numerator{target=\"creditchina\",rate=\"withdrawal_timeliness\"} 2\n",
                             "creditgw_rate_denominator{target=\"creditchina\",rate=\"withdrawal_timeliness\"} 3\n",
                             "creditgw_rate_numerator{target=\"xyjt\",rate=\"withdrawal_timeliness\"} 0\n",
                             "creditgw_rate_denominator{target=\"xyjt\",rate=\"withdrawal_timeliness\"} 0\n"})
        EXPECT_NE(text.find(line), std::string::npos) << line << text;
    EXPECT_EQ(text.find("creditgw_rate{target=\"xyjt\",rate=\"withdrawal_timeliness\"}"), std::string::npos) << text;
    EXPECT_EQ(text.find("creditgw_breaker_state"), std::string::npos) << "no daemon, no breaker: " << text;
    EXPECT_EQ(text.find("creditgw_send_attempts_total"), std::string::npos) << text;
}

TEST(MetricsTest, TheDaemonsBreakerAndAttemptsPerTargetAndOutcome) {
    DaemonState daemon({"creditchina", "xyjt"});
    daemon.publishBreaker("creditchina", CircuitBreaker::State::Open);
    daemon.countAttempts("creditchina", {{attemptOutcomeOf(StatusCode::Transient), 5}});
    daemon.countAttempts("creditchina", {{attemptOutcomeOf(StatusCode::Unknown), 1}});
    daemon.countAttempts("xyjt", {{attemptOutcomeOf(StatusCode::Ok), 2}, {attemptOutcomeOf(StatusCode::Permanent), 1}});
    TargetMetrics a = figures("creditchina"), b = figures("xyjt");
    a.daemon = daemon.view("creditchina");
    b.daemon = daemon.view("xyjt");
    std::string text = prometheusMetrics({a, b});
    expectPromtoolClean(text);
    for (const char* line : {"# TYPE creditgw_breaker_state gauge\n", "creditgw_breaker_state{target=\"creditchina\"} 2\n",
                             "creditgw_breaker_state{target=\"xyjt\"} 0\n", "# TYPE creditgw_send_attempts_total counter\n",
                             "creditgw_send_attempts_total{target=\"creditchina\",outcome=\"transient\"} 5\n",
                             "creditgw_send_attempts_total{target=\"creditchina\",outcome=\"unknown\"} 1\n",
                             "creditgw_send_attempts_total{target=\"creditchina\",outcome=\"ok\"} 0\n",
                             "creditgw_send_attempts_total{target=\"xyjt\",outcome=\"ok\"} 2\n",
                             "creditgw_send_attempts_total{target=\"xyjt\",outcome=\"permanent\"} 1\n",
                             "creditgw_send_attempts_total{target=\"xyjt\",outcome=\"other\"} 0\n"})
        EXPECT_NE(text.find(line), std::string::npos) << line << text;
}
