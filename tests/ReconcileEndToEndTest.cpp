// Reconciliation (issue 6, docs/lifecycle.md) through the real creditgw binary, real plugins, a
// real SQLite store and the real mock platform over mutual TLS on 127.0.0.1, in its test mode
// that answers "accepted" for a share of records and keeps none of them (loseShare).

#include <gtest/gtest.h>

#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <set>
#include <thread>

#include "TestSupport.h"
#include "creditgw/MockPlatform.h"
#include "creditgw/RecordStore.h"

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

// The keys of one list of a reconcile --format json report.
std::set<std::string> keysOf(const Poco::JSON::Object::Ptr& report, const char* list) {
    std::set<std::string> keys;
    auto items = report->getArray(list);
    for (std::size_t i = 0; items && i < items->size(); ++i)
        keys.insert(items->getObject(static_cast<unsigned>(i))->getValue<std::string>("key"));
    return keys;
}

// Ten 行政处罚 decided in November 2026, one 文书号 each.
std::string tenPenalties() {
    std::string csv = test::kPenaltyHeader;
    for (int i = 1; i <= 10; ++i)
        csv += test::penaltyRow("示范市第" + std::to_string(i) + "运输有限公司", "914403001922038216",
                                "示交罚〔2026〕" + std::to_string(100 + i) + "号", "2026-11-" + std::to_string(10 + i));
    return csv;
}

class ReconcileEndToEndTest : public ::testing::Test {
protected:
    void SetUp() override {
        certs = test::devCertsDir();
        config = test::devMockPlatformConfig();
        config.clockOverride = "2026-11-23T10:00:00+08:00";
        config.loseShare = 0.3;
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

    // Runs reconcile --format json over November 2026 and returns the report.
    Poco::JSON::Object::Ptr reconcile(int expectedExit) {
        CommandResult result = gw("reconcile --target creditchina --from 2026-11-01 --to 2026-11-30 --format json" + tls());
        EXPECT_EQ(result.exitCode, expectedExit) << result.output;
        return parseObject(result.output);
    }

    void ingest(const std::string& csv) {
        test::writeFile(dir.file("cf.csv"), csv);
        CommandResult ingested = gw("ingest --kind cf --input " + dir.file("cf.csv"));
        ASSERT_EQ(ingested.exitCode, 0) << ingested.output;
    }

    // The record keys the store accepted at creditchina.
    std::vector<std::string> acceptedKeys() {
        auto store = RecordStore::openForReading(dir.file("store.db"));
        EXPECT_TRUE(store) << store.status().toString();
        Statement select((*store)->database().handle(),
                         "SELECT record_key FROM deliveries WHERE target='creditchina' AND state='accepted'");
        std::vector<std::string> keys;
        while (select.step()) keys.push_back(select.text(0));
        return keys;
    }

    test::ScratchDir dir{"reconcile-e2e"};
    std::string certs;
    MockPlatformConfig config;
    std::unique_ptr<MockPlatform> platform;
};

}  // namespace

TEST_F(ReconcileEndToEndTest, EveryRecordThePlatformLostIsFoundMissingAndBroughtBack) {
    ingest(tenPenalties());
    CommandResult first = gw(upload());
    ASSERT_EQ(first.exitCode, 0) << first.output;
    ASSERT_EQ(acceptedKeys().size(), 10u) << "every record was answered accepted";
    std::vector<std::string> lostList = platform->lostKeys();
    std::set<std::string> lost(lostList.begin(), lostList.end());
    ASSERT_EQ(lost.size(), 3u) << "0.3 of 10";

    auto found = reconcile(1);
    EXPECT_EQ(found->getValue<int>("checked"), 10);
    EXPECT_EQ(found->getValue<int>("platform_held"), 7);
    EXPECT_EQ(keysOf(found, "missing"), lost);
    EXPECT_TRUE(keysOf(found, "behind").empty());
    EXPECT_TRUE(keysOf(found, "withdrawn_still_held").empty());
    EXPECT_TRUE(keysOf(found, "unknown").empty());
    EXPECT_EQ(found->getValue<int>("requeued"), 3);
    auto item = found->getArray("missing")->getObject(0);
    EXPECT_EQ(item->getValue<std::string>("wsh").rfind("示交罚〔2026〕", 0), 0u) << item->getValue<std::string>("wsh");

    // While those re-sends wait, a second run queues nothing.
    auto again = reconcile(0);
    EXPECT_TRUE(keysOf(again, "missing").empty());
    EXPECT_EQ(again->getValue<int>("pending"), 3);
    EXPECT_EQ(again->getValue<int>("requeued"), 0);

    // The platform's trouble is over. The upload that re-sends them dies right after its POST;
    // the next one settles the batch by its receipt instead of sending it again.
    platform->setLoseShare(0.0);
    std::size_t batchesBefore = platform->counters().batches;
    CommandResult crashed = runCommand("CREDITGW_FAULT_POINT=after-send " + std::string(CREDITGW_BINARY) + " " +
                                       upload() + " --timeout 1 --lease-seconds 1 --store " + dir.file("store.db"));
    EXPECT_NE(crashed.exitCode, 0) << crashed.output;
    CommandResult resent = gw(upload());
    ASSERT_EQ(resent.exitCode, 0) << resent.output;
    EXPECT_EQ(platform->counters().batches, batchesBefore + 1) << "the re-send went out once";
    EXPECT_EQ(platform->counters().duplicates, 0u);
    for (const auto& key : lost) EXPECT_TRUE(platform->holds(key)) << key;

    auto clean = reconcile(0);
    EXPECT_TRUE(keysOf(clean, "missing").empty()) << "reconciliation brought every lost record back";
    EXPECT_EQ(clean->getValue<int>("checked"), 10);
    EXPECT_EQ(clean->getValue<int>("requeued"), 0);

    // The finding is in the record's history, followed by the ordinary re-send.
    CommandResult history = gw("history --key " + *lost.begin() + " --format json");
    ASSERT_EQ(history.exitCode, 0) << history.output;
    auto events = parseObject(history.output)->getArray("records")->getObject(0)->getArray("events");
    std::vector<std::string> names;
    std::string reconciledDetail;
    for (std::size_t i = 0; i < events->size(); ++i) {
        auto event = events->getObject(static_cast<unsigned>(i));
        names.push_back(event->getValue<std::string>("event"));
        if (names.back() == "reconciled") reconciledDetail = event->getValue<std::string>("detail");
    }
    EXPECT_EQ(names, (std::vector<std::string>{"ingested", "ready", "packed", "sent", "accepted", "reconciled",
                                               "packed", "sent", "accepted"}))
        << history.output;
    EXPECT_NE(history.output.find("receipt fetched by query"), std::string::npos) << history.output;
    EXPECT_NE(reconciledDetail.find("missing on the platform"), std::string::npos) << reconciledDetail;
    EXPECT_NE(gw("history --key " + *lost.begin()).output.find("已对账"), std::string::npos);

    // The last reconciliation is in status, text and JSON.
    CommandResult status = gw("status --format json");
    ASSERT_EQ(status.exitCode, 0) << status.output;
    auto last = parseObject(status.output)->getObject("last_reconciliation");
    ASSERT_TRUE(last) << status.output;
    EXPECT_EQ(last->getValue<int>("checked"), 10);
    EXPECT_EQ(last->getArray("missing")->size(), 0u);
    CommandResult text = gw("status");
    EXPECT_NE(text.output.find("last reconciliation "), std::string::npos) << text.output;
    EXPECT_NE(text.output.find("missing 0"), std::string::npos) << text.output;
}

TEST_F(ReconcileEndToEndTest, AReconciliationThatDiesAfterItsCommitIsNotRepeatedAndEachRecordIsSentOnce) {
    ingest(tenPenalties());
    ASSERT_EQ(gw(upload()).exitCode, 0);
    ASSERT_EQ(platform->lostKeys().size(), 3u);
    CommandResult crashed = runCommand("CREDITGW_FAULT_POINT=after-reconcile " + std::string(CREDITGW_BINARY) +
                                       " reconcile --format json" + tls() + " --store " + dir.file("store.db"));
    EXPECT_EQ(crashed.exitCode, 86) << crashed.output;
    EXPECT_EQ(crashed.output.find("\"missing\""), std::string::npos) << "it died before printing: " << crashed.output;

    auto after = reconcile(0);
    EXPECT_EQ(after->getValue<int>("requeued"), 0) << "the crashed run's re-sends were committed";
    EXPECT_EQ(after->getValue<int>("pending"), 3);

    platform->setLoseShare(0.0);
    std::size_t batchesBefore = platform->counters().batches;
    std::size_t acceptedBefore = platform->counters().accepted;
    ASSERT_EQ(gw(upload()).exitCode, 0);
    EXPECT_EQ(platform->counters().batches, batchesBefore + 1);
    EXPECT_EQ(platform->counters().accepted, acceptedBefore + 3) << "each lost record sent once";
    EXPECT_TRUE(keysOf(reconcile(0), "missing").empty());
}

TEST_F(ReconcileEndToEndTest, AnUpdateThePlatformLostLeavesItBehindAndIsSentAgain) {
    platform->setLoseShare(0.0);
    std::string csv = tenPenalties();
    ingest(csv);
    ASSERT_EQ(gw(upload()).exitCode, 0);
    csv.replace(csv.find("示范市第1运输有限公司"), std::string("示范市第1运输有限公司").size(), "示范市第一运输有限公司");
    ingest(csv);
    platform->setLoseShare(1.0);
    CommandResult corrected = gw(upload());
    ASSERT_EQ(corrected.exitCode, 0) << corrected.output;
    ASSERT_EQ(platform->lostKeys().size(), 1u);
    std::string key = platform->lostKeys().front();
    EXPECT_TRUE(platform->holds(key)) << "the version before the lost update is still held";

    auto found = reconcile(1);
    EXPECT_EQ(keysOf(found, "behind"), std::set<std::string>{key});
    EXPECT_TRUE(keysOf(found, "missing").empty());
    EXPECT_EQ(found->getValue<int>("requeued"), 1);

    platform->setLoseShare(0.0);
    ASSERT_EQ(gw(upload()).exitCode, 0);
    auto clean = reconcile(0);
    EXPECT_TRUE(keysOf(clean, "behind").empty()) << "the platform now holds the corrected version";
}

TEST_F(ReconcileEndToEndTest, ARevokedRecordStillHeldGetsItsWithdrawalAgainAndAnUnknownOneIsOnlyListed) {
    platform->setLoseShare(0.0);
    ingest(tenPenalties());
    ASSERT_EQ(gw(upload()).exitCode, 0);
    CommandResult revoked = gw("revoke --kind cf --wsh 示交罚〔2026〕101号 --reason 行政复议决定撤销");
    ASSERT_EQ(revoked.exitCode, 0) << revoked.output;
    ASSERT_EQ(gw(upload()).exitCode, 0);
    ASSERT_EQ(platform->counters().withdrawn, 1u);
    CommandResult history = gw("history --wsh 示交罚〔2026〕101号 --format json");
    std::string key = parseObject(history.output)->getArray("records")->getObject(0)->getValue<std::string>("key");
    ASSERT_FALSE(platform->holds(key));

    // The platform restores an old backup (the withdrawn record is published again), and holds a
    // record no gateway of ours sent.
    platform->plantRecord(key, "cf", "示交罚〔2026〕101号", "2026-11-11");
    const std::string stranger = "cf-000000000000000000000000";
    platform->plantRecord(stranger, "cf", "他交罚〔2026〕9号", "2026-11-21");

    auto found = reconcile(1);
    EXPECT_EQ(keysOf(found, "withdrawn_still_held"), std::set<std::string>{key});
    EXPECT_EQ(keysOf(found, "unknown"), std::set<std::string>{stranger});
    EXPECT_TRUE(keysOf(found, "missing").empty()) << "a revoked record is never sent as 新增 again";
    EXPECT_EQ(found->getValue<int>("requeued"), 1) << "the 撤销 only; nothing for the unknown record";

    CommandResult withdrawal = gw(upload());
    ASSERT_EQ(withdrawal.exitCode, 0) << withdrawal.output;
    EXPECT_EQ(platform->counters().withdrawn, 2u) << "the 撤销 was sent again";
    EXPECT_FALSE(platform->holds(key));
    EXPECT_TRUE(platform->holds(stranger)) << "nothing was sent about the unknown record";

    auto clean = reconcile(1);  // the unknown record is still there, listed for the officer
    EXPECT_TRUE(keysOf(clean, "withdrawn_still_held").empty());
    EXPECT_EQ(keysOf(clean, "unknown"), std::set<std::string>{stranger});
    EXPECT_EQ(clean->getValue<int>("requeued"), 0);
    CommandResult text = gw("reconcile --target creditchina" + tls());
    EXPECT_NE(text.output.find("unknown: 1\n  " + stranger), std::string::npos) << text.output;
    EXPECT_EQ(gw("history --key " + stranger).exitCode, 1) << "the store has no such record";
}

TEST_F(ReconcileEndToEndTest, TheDaemonReconcilesOncePerDayBeforeItsUpload) {
    config.loseShare = 0.5;
    platform->setLoseShare(0.5);
    std::filesystem::create_directories(dir.file("inbox/cf"));
    test::writeFile(dir.file("inbox/cf/penalties.csv"), test::kTwoNovemberPenaltiesCsv);
    auto runOnce = [&](const std::string& asOf, const std::string& extra = "") {
        return gw("run --once --settle-seconds 0 --inbox " + dir.file("inbox") +
                  " --unit-code 11371300MB20260018 --unit-name 示范市交通运输局 --signing-key " + certs +
                  "/signing.key" + tls() + " --as-of " + asOf + extra + " 2>&1");
    };
    CommandResult first = runOnce("2026-11-24");
    ASSERT_EQ(first.exitCode, 0) << first.output;
    EXPECT_NE(first.output.find("creditchina: reconciled for 2026-11-24: checked 0"), std::string::npos) << first.output;
    ASSERT_EQ(platform->lostKeys().size(), 1u) << first.output;
    std::string lost = platform->lostKeys().front();
    EXPECT_FALSE(platform->holds(lost));

    CommandResult sameDay = runOnce("2026-11-24");
    ASSERT_EQ(sameDay.exitCode, 0) << sameDay.output;
    EXPECT_EQ(sameDay.output.find("reconciled for"), std::string::npos) << "once per day: " << sameDay.output;

    CommandResult off = runOnce("2026-11-25", " --reconcile-schedule off");
    ASSERT_EQ(off.exitCode, 0) << off.output;
    EXPECT_EQ(off.output.find("reconciled for"), std::string::npos) << off.output;

    CommandResult nextDay = runOnce("2026-11-25");
    ASSERT_EQ(nextDay.exitCode, 0) << nextDay.output;
    EXPECT_NE(nextDay.output.find("reconciled for 2026-11-25: checked 2, missing 1"), std::string::npos)
        << nextDay.output;
    EXPECT_TRUE(platform->holds(lost)) << "the same cycle's upload sent it again: " << nextDay.output;
}

// Records already settled (found by a review): an answer of the platform older than an upload,
// a 撤销 sent again, a 撤销 after a 下线.

TEST_F(ReconcileEndToEndTest, AnAnswerOlderThanASettledWithdrawalDoesNotSendItAgain) {
    platform->setLoseShare(0.0);
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

TEST_F(ReconcileEndToEndTest, AWithdrawalSentAgainByReconciliationKeepsItsOnTimeAcceptance) {
    platform->setLoseShare(0.0);
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

TEST_F(ReconcileEndToEndTest, ARecordTakenDownIsNotWithdrawnFromThatPlatformAgain) {
    platform->setLoseShare(0.0);
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

TEST_F(ReconcileEndToEndTest, LimitShortensEachListButTheCountsStayWhole) {
    ingest(tenPenalties());
    ASSERT_EQ(gw(upload()).exitCode, 0);
    ASSERT_EQ(platform->lostKeys().size(), 3u);
    CommandResult json = gw("reconcile --target creditchina --limit 2 --format json" + tls());
    EXPECT_EQ(json.exitCode, 1) << json.output;
    auto report = parseObject(json.output);
    EXPECT_EQ(report->getArray("missing")->size(), 2u);
    EXPECT_EQ(report->getObject("counts")->getValue<int>("missing"), 3);
    EXPECT_EQ(report->getValue<int>("listed_per_list"), 2);
    EXPECT_EQ(report->getValue<int>("requeued"), 3) << "--limit shortens the report, never the work";

    // The stored report keeps the whole count, which status shows.
    CommandResult status = gw("status");
    EXPECT_NE(status.output.find("missing 3"), std::string::npos) << status.output;
    CommandResult badLimit = gw("reconcile --target creditchina --limit two" + tls());
    EXPECT_EQ(badLimit.exitCode, 2) << badLimit.output;
    EXPECT_NE(badLimit.output.find("--limit"), std::string::npos) << badLimit.output;
}

TEST_F(ReconcileEndToEndTest, TheDaemonWaitsBeforeItTriesAFailedReconciliationAgain) {
    // Nothing listens on the platform's port any more: every cycle's reconciliation would fail.
    std::string endpoint = platform->endpoint();
    platform.reset();
    std::filesystem::create_directories(dir.file("inbox/cf"));
    std::string tlsToClosedPort = " --endpoint " + endpoint + " --ca " + certs + "/ca.pem --cert " + certs +
                                  "/client.pem --key " + certs + "/client.key";
    CommandResult ran = runCommand("timeout --preserve-status -s TERM 5 " + std::string(CREDITGW_BINARY) +
                                   " run --interval 1 --settle-seconds 0 --inbox " + dir.file("inbox") +
                                   " --unit-code 11371300MB20260018 --unit-name 示范市交通运输局 --signing-key " +
                                   certs + "/signing.key" + tlsToClosedPort + " --as-of 2026-11-24 --store " +
                                   dir.file("store.db") + " 2>&1");
    EXPECT_EQ(ran.exitCode, 0) << ran.output;
    std::size_t cycles = 0, failures = 0;
    for (std::size_t at = 0; (at = ran.output.find("creditchina: ready ", at)) != std::string::npos; ++at) ++cycles;
    for (std::size_t at = 0; (at = ran.output.find("reconciliation failed", at)) != std::string::npos; ++at)
        ++failures;
    EXPECT_GE(cycles, 3u) << "the daemon ran several cycles: " << ran.output;
    EXPECT_EQ(failures, 1u) << "and asked the platform once: " << ran.output;
    EXPECT_NE(ran.output.find("reconciliation failed, tried again in 5 min"), std::string::npos) << ran.output;
}

// 信用修复 announced by the platform (docs/lifecycle.md, "Credit repair"): read over the same
// mutual TLS, recorded like `creditgw repair`, refused before the minimum period, idempotent.
TEST_F(ReconcileEndToEndTest, RepairsThePlatformAnnouncesAreRecordedOnceAndSentAsTerminations) {
    platform->setLoseShare(0.0);
    ingest(tenPenalties());  // decided 2026-11-11 … 20, 一般: repair possible three months later
    ASSERT_EQ(gw(upload()).exitCode, 0);
    platform->announceRepair({"N-1", "cf", "示交罚〔2026〕101号", "", "2027-03-01", "示信修〔2027〕1号"});
    platform->announceRepair({"N-2", "cf", "示交罚〔2026〕102号", "", "2026-12-01", "示信修〔2026〕9号"});
    platform->announceRepair({"N-3", "cf", "示交罚〔2026〕999号", "", "2027-03-01", "示信修〔2027〕2号"});

    CommandResult first = gw("repair --from-platform --target creditchina --as-of 2027-03-02" + tls());
    EXPECT_EQ(first.exitCode, 1) << "two notices were not applied: " << first.output;
    EXPECT_NE(first.output.find("3 repair notices, applied 1, not applied 2"), std::string::npos) << first.output;
    EXPECT_NE(first.output.find("notice N-1"), std::string::npos) << first.output;
    EXPECT_NE(first.output.find("终止公示 queued 1"), std::string::npos) << first.output;
    EXPECT_NE(first.output.find("信用修复 is possible from 2027-02-12"), std::string::npos) << first.output;
    EXPECT_NE(first.output.find("no cf record has 文书号 示交罚〔2026〕999号"), std::string::npos) << first.output;

    // The daemon reads them on its daily round too; the repeated notice records nothing twice,
    // and the same cycle's upload sends the one 终止公示.
    std::filesystem::create_directories(dir.file("inbox/cf"));
    CommandResult daemon = gw("run --once --settle-seconds 0 --inbox " + dir.file("inbox") +
                              " --unit-code 11371300MB20260018 --unit-name 示范市交通运输局 --signing-key " + certs +
                              "/signing.key" + tls() + " --as-of 2027-03-03 2>&1");
    ASSERT_EQ(daemon.exitCode, 0) << daemon.output;
    EXPECT_NE(daemon.output.find("creditchina: repair notices: applied 1, not applied 2"), std::string::npos)
        << daemon.output;
    EXPECT_NE(daemon.output.find("(1 already repaired); 终止公示 queued 0"), std::string::npos) << daemon.output;
    EXPECT_EQ(platform->counters().repaired, 1u) << daemon.output;

    CommandResult history = gw("history --wsh 示交罚〔2026〕101号");
    EXPECT_NE(history.output.find("已终止公示（信用修复）"), std::string::npos) << history.output;

    CommandResult wrongMix = gw("repair --from-platform --wsh 示交罚〔2026〕101号 --target creditchina" + tls());
    EXPECT_EQ(wrongMix.exitCode, 2) << wrongMix.output;
}
