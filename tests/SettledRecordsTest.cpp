// Reconciliation and withdrawals around records already settled (found by a review): an answer
// of the platform older than an upload, a 撤销 sent again, a 撤销 after a 下线. Real binary, real
// plugins, a real SQLite store and the real mock platform over mutual TLS on 127.0.0.1.

#include <gtest/gtest.h>

#include <Poco/JSON/Parser.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "TestSupport.h"
#include "creditgw/MockPlatform.h"

using namespace creditgw;
using creditgw::test::CommandResult;
using creditgw::test::runCommand;

namespace {

Poco::JSON::Object::Ptr parseObject(const std::string& text) {
    return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
}

// The "withdrawals" counts of `stats --format json` (all time, today).
Poco::JSON::Object::Ptr withdrawalsOf(const std::string& statsJson) {
    return parseObject(statsJson)->getObject("withdrawals");
}

// Ten 行政处罚 decided in November 2026, one 文书号 each.
std::string tenPenalties() {
    std::string csv = test::kPenaltyHeader;
    for (int i = 1; i <= 10; ++i)
        csv += test::penaltyRow("示范市第" + std::to_string(i) + "运输有限公司", "914403001922038216",
                                "示交罚〔2026〕" + std::to_string(100 + i) + "号", "2026-11-" + std::to_string(10 + i));
    return csv;
}

class SettledRecordsTest : public ::testing::Test {
protected:
    void SetUp() override {
        certs = test::devCertsDir();
        config = test::devMockPlatformConfig();
        config.clockOverride = "2026-11-23T10:00:00+08:00";
            platform = std::make_unique<MockPlatform>(config);
        ASSERT_TRUE(platform->start());
    }

    CommandResult gw(const std::string& arguments) {
        return runCommand(std::string(CREDITGW_BINARY) + " " + arguments + " --store " + dir.file("store.db"));
    }

    std::string tls() {
        return " --endpoint " + platform->endpoint() + " --ca " + certs + "/ca.pem --cert " + certs +
               "/client.pem --key " + certs + "/client.key";
    }

    std::string upload() {
        return "upload --unit-code 11371300MB20260018 --unit-name 示范市交通运输局 --signing-key " + certs +
               "/signing.key" + tls();
    }

    void ingest(const std::string& csv) {
        test::writeFile(dir.file("cf.csv"), csv);
        CommandResult ingested = gw("ingest --kind cf --input " + dir.file("cf.csv"));
        ASSERT_EQ(ingested.exitCode, 0) << ingested.output;
    }

    test::ScratchDir dir{"settled-records"};
    std::string certs;
    MockPlatformConfig config;
    std::unique_ptr<MockPlatform> platform;
};

}  // namespace

TEST_F(SettledRecordsTest, AnAnswerOlderThanASettledWithdrawalDoesNotSendItAgain) {
    // `creditgw reconcile` gets the platform's answer, then an upload (the daemon's cycle)
    // settles a 撤销 before reconcile reads the store: the answer still shows the record
    // published, but it is older than the withdrawal's acceptance, so nothing is sent again.
    ingest(tenPenalties());
    ASSERT_EQ(gw(upload()).exitCode, 0);
    ASSERT_EQ(gw("revoke --kind cf --wsh 示交罚〔2026〕101号 --reason 行政复议决定撤销").exitCode, 0);
    std::string log = dir.file("reconcile.log");
    CommandResult reconciled;
    std::thread reconciling([&] {
        reconciled = runCommand("CREDITGW_PAUSE_POINT=after-holdings-query:4 " + std::string(CREDITGW_BINARY) +
                                " reconcile --target creditchina --format json" + tls() + " --store " +
                                dir.file("store.db") + " > " + log + " 2>&1");
    });
    auto logText = [&] { return std::filesystem::exists(log) ? test::readFile(log) : std::string(); };
    for (int i = 0; i < 200 && logText().find("paused at") == std::string::npos; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    if (logText().find("paused at after-holdings-query") == std::string::npos) {
        reconciling.join();
        FAIL() << "reconcile never got the platform's answer: " << logText();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));  // a later second than the answer's
    CommandResult sent = gw(upload());
    ASSERT_EQ(sent.exitCode, 0) << sent.output;
    ASSERT_EQ(platform->counters().withdrawn, 1u);
    reconciling.join();
    std::string report = logText();
    EXPECT_NE(report.find("\"requeued\":0"), std::string::npos) << report;
    CommandResult again = gw(upload());
    EXPECT_EQ(platform->counters().withdrawn, 1u) << again.output;
    EXPECT_EQ(again.output.find("rejected 1"), std::string::npos) << again.output;
    auto w = withdrawalsOf(gw("stats --format json").output);
    EXPECT_EQ(w->getValue<int>("on_time"), 1);
    EXPECT_EQ(w->getValue<int>("late"), 0);
}

TEST_F(SettledRecordsTest, AWithdrawalSentAgainByReconciliationKeepsItsOnTimeAcceptance) {
    ingest(tenPenalties());
    ASSERT_EQ(gw(upload()).exitCode, 0);
    ASSERT_EQ(gw("revoke --kind cf --wsh 示交罚〔2026〕101号 --reason 行政复议决定撤销").exitCode, 0);
    platform->setClockOverride(std::nullopt);
    ASSERT_EQ(gw(upload()).exitCode, 0);
    ASSERT_EQ(withdrawalsOf(gw("stats --format json").output)->getValue<int>("on_time"), 1);
    CommandResult history = gw("history --wsh 示交罚〔2026〕101号 --format json");
    std::string key = parseObject(history.output)->getArray("records")->getObject(0)->getValue<std::string>("key");
    platform->plantRecord(key, "cf", "示交罚〔2026〕101号", "2026-11-11");  // the platform shows it again
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));
    CommandResult reconciled = gw("reconcile --target creditchina --format json" + tls());
    EXPECT_NE(reconciled.output.find("\"requeued\":1"), std::string::npos) << reconciled.output;
    auto waiting = withdrawalsOf(gw("stats --format json").output);
    EXPECT_EQ(waiting->getValue<int>("on_time"), 1) << "its first acceptance still counts while it is re-sent";
    EXPECT_EQ(waiting->getValue<int>("late"), 0);
    ASSERT_EQ(gw(upload()).exitCode, 0);
    auto settled = withdrawalsOf(gw("stats --format json").output);
    EXPECT_EQ(settled->getValue<int>("on_time"), 1);
    EXPECT_EQ(settled->getValue<int>("due"), 1);
}

TEST_F(SettledRecordsTest, ARecordTakenDownIsNotWithdrawnFromThatPlatformAgain) {
    // Decided 2025-11-10, 一般: 公示截止期 2026-11-10, so today (on any day of a test run) it is
    // taken down; revoked afterwards, the platform no longer publishes it.
    std::string csv = test::kPenaltyHeader;
    csv += test::penaltyRow("示范市第1运输有限公司", "914403001922038216", "示交罚〔2025〕7号", "2025-11-10");
    ingest(csv);
    ASSERT_EQ(gw(upload()).exitCode, 0);
    ASSERT_EQ(gw(upload()).exitCode, 0);
    ASSERT_EQ(platform->counters().takenDown, 1u);
    CommandResult revoked = gw("revoke --kind cf --wsh 示交罚〔2025〕7号 --reason 行政复议决定撤销");
    ASSERT_EQ(revoked.exitCode, 0) << revoked.output;
    EXPECT_NE(revoked.output.find("withdrawals queued 0"), std::string::npos) << revoked.output;
    CommandResult after = gw(upload());
    EXPECT_EQ(after.output.find("rejected 1"), std::string::npos) << after.output;
    EXPECT_EQ(platform->counters().withdrawn, 0u);
    EXPECT_EQ(withdrawalsOf(gw("stats --format json").output)->getValue<int>("late"), 0);
}
