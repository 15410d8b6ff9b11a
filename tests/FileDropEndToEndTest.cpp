// End to end over the 前置机 channel: the real creditgw binary with the real filedrop.so,
// real files in an exchange folder, and the mock 前置机 (MockFrontMachine) answering from a
// thread of this test; artefacts checked with `openssl` and `unzip -t`.

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <regex>
#include <thread>

#include <Poco/JSON/Parser.h>

#include "TestSupport.h"
#include "creditgw/MockFrontMachine.h"
#include "creditgw/MockPlatform.h"

using namespace creditgw;
using creditgw::test::CommandResult;
using creditgw::test::readFile;
using creditgw::test::runCommand;
using creditgw::test::writeFile;

namespace fs = std::filesystem;

namespace {

using creditgw::test::fivePenaltiesCsv;
using creditgw::test::kPenaltyHeader;
using creditgw::test::penaltyRow;

class FileDropEndToEndTest : public ::testing::Test {
protected:
    void SetUp() override {
        certs = creditgw::test::devCertsDir();
        // The operator's way: a data folder whose creditchina profile names the filedrop channel.
        fs::create_directories(dir.file("data"));
        fs::copy(creditgw::test::sourcePath("mappings"), dir.file("data/mappings"), fs::copy_options::recursive);
        fs::create_directory_symlink(creditgw::test::sourcePath("data"), dir.file("data/data"));
        for (const char* sub : {"outbox", "inbox", "done"}) fs::create_directories(dir.file("exchange/") + sub);
        writeFile(dir.file("cf.csv"), fivePenaltiesCsv());
        ASSERT_EQ(runCommand("openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:SM2 -out " +
                             dir.file("platform-sm2.key") + " && chmod 600 " + dir.file("platform-sm2.key") +
                             " && openssl pkey -in " + dir.file("platform-sm2.key") + " -pubout -out " +
                             dir.file("platform-sm2.pub"))
                      .exitCode,
                  0);
        auto config = creditgw::test::devMockPlatformConfig();
        config.clockOverride = "2026-11-23T10:00:00+08:00";
        platform = std::make_unique<MockPlatform>(config);
    }

    void TearDown() override { stopPeer(); }

    void useChannel(const std::string& settings) {
        const std::string profile = dir.file("data/mappings/creditchina/profile.xml");
        std::string text = readFile(profile);
        text.replace(text.find("</profile>"), 10, "  <setting name=\"channel\" value=\"filedrop\"/>\n" + settings + "</profile>\n");
        writeFile(profile, text);
    }

    void startPeer() {
        peer = std::make_unique<MockFrontMachine>(
            MockFrontMachineConfig{dir.file("exchange"), dir.file("platform-sm2.key")}, *platform);
        running = true;
        poller = std::thread([this] {
            while (running) {
                auto done = peer->processOutbox();
                if (!done) ADD_FAILURE() << done.status().toString();
                std::this_thread::sleep_for(std::chrono::milliseconds(100));
            }
        });
    }

    void stopPeer() {
        running = false;
        if (poller.joinable()) poller.join();
    }

    CommandResult gw(const std::string& arguments, const std::string& environment = "") {
        return runCommand(environment + std::string(CREDITGW_BINARY) + " " + arguments + " --data-dir " +
                          dir.file("data") + " --store " + dir.file("store.db"));
    }

    std::string uploadArgs(const std::string& extra = "") {
        return "upload --unit-code 11371300MB20260018 --unit-name 示范市交通运输局 --signing-key " + certs +
               "/signing.key --channel-dir " + dir.file("exchange") + " --receipt-poll 1 --wait 60 " + extra;
    }

    std::vector<std::string> filesIn(const std::string& sub) {
        std::vector<std::string> names;
        for (const auto& entry : fs::directory_iterator(dir.file("exchange/" + sub)))
            names.push_back(entry.path().filename().string());
        std::sort(names.begin(), names.end());
        return names;
    }

    std::string onlyBatchId() {
        CommandResult ids = runCommand("sqlite3 " + dir.file("store.db") + " 'SELECT id FROM batches'");
        EXPECT_EQ(ids.exitCode, 0);
        std::string id = ids.output.substr(0, ids.output.find('\n'));
        EXPECT_EQ(ids.output, id + "\n") << "expected one batch";
        return id;
    }

    void expectTheFourRates() {
        CommandResult result = gw("stats --format json --as-of 2026-11-23");
        ASSERT_EQ(result.exitCode, 0) << result.output;
        auto json = Poco::JSON::Parser().parse(result.output).extract<Poco::JSON::Object::Ptr>();
        auto counts = json->getObject("counts");
        EXPECT_EQ(counts->getValue<int>("must_report"), 5);
        EXPECT_EQ(counts->getValue<int>("accepted"), 3);
        EXPECT_EQ(counts->getValue<int>("rejected"), 1);
        EXPECT_EQ(counts->getValue<int>("on_time"), 2);
        EXPECT_NEAR(json->getValue<double>("reporting_rate"), 3.0 / 5.0, 1e-6);
        EXPECT_NEAR(json->getValue<double>("compliance_rate"), 3.0 / 4.0, 1e-6);
        EXPECT_NEAR(json->getValue<double>("timeliness_rate"), 2.0 / 3.0, 1e-6);
        EXPECT_TRUE(json->has("completeness_rate")) << result.output;
    }

    creditgw::test::ScratchDir dir{"filedrop-e2e"};
    std::string certs;
    std::unique_ptr<MockPlatform> platform;
    std::unique_ptr<MockFrontMachine> peer;
    std::atomic<bool> running{false};
    std::thread poller;
};

}  // namespace

TEST_F(FileDropEndToEndTest, PlainPackagesAreReceiptedPerRecordAndCounted) {
    useChannel("");
    startPeer();
    ASSERT_EQ(gw("ingest --kind cf --input " + dir.file("cf.csv")).exitCode, 0);
    CommandResult upload = gw(uploadArgs());
    ASSERT_EQ(upload.exitCode, 0) << upload.output;
    EXPECT_NE(upload.output.find("accepted 3, rejected 1"), std::string::npos) << upload.output;
    EXPECT_EQ(platform->counters().accepted, 3u);
    EXPECT_EQ(platform->counters().rejected, 1u);
    EXPECT_EQ(peer->counters().receipts, 1u);
    expectTheFourRates();

    // Acknowledged: everything moved to done/, nothing left behind, nothing deleted.
    const std::string id = onlyBatchId();
    EXPECT_TRUE(filesIn("outbox").empty());
    EXPECT_TRUE(filesIn("inbox").empty());
    EXPECT_EQ(filesIn("done"), (std::vector<std::string>{id + ".json", id + ".manifest.json", id + ".receipt.json",
                                                          id + ".sig"}));
    // The signature verifies over the package with the stock openssl.
    CommandResult verified = runCommand("openssl dgst -sm3 -verify " + certs + "/signing.pub -sigopt distid:1234567812345678 "
                                        "-signature " + dir.file("exchange/done/" + id + ".sig") + " " +
                                        dir.file("exchange/done/" + id + ".json"));
    EXPECT_EQ(verified.exitCode, 0) << verified.output;
    // Every record has its own outcome in the receipt.
    std::string receipt = readFile(dir.file("exchange/done/" + id + ".receipt.json"));
    EXPECT_EQ(std::count(receipt.begin(), receipt.end(), '{') - 1, 4) << receipt;
}

TEST_F(FileDropEndToEndTest, ZippedPackagesInAnSm4EnvelopeOpenWithOpensslAndUnzip) {
    useChannel("  <setting name=\"channel.zip\" value=\"true\"/>\n  <setting name=\"channel.envelope\" value=\"sm4\"/>\n");
    ASSERT_EQ(gw("ingest --kind cf --input " + dir.file("cf.csv")).exitCode, 0);
    CommandResult noKey = gw(uploadArgs("--once"));
    EXPECT_EQ(noKey.exitCode, 1) << noKey.output;
    EXPECT_NE(noKey.output.find("--channel-peer-key"), std::string::npos) << noKey.output;

    // First without the peer: the package waits in outbox/ and is checked there by hand.
    CommandResult sent = gw(uploadArgs("--once --channel-peer-key " + dir.file("platform-sm2.pub")));
    EXPECT_NE(sent.output.find("still waiting 1"), std::string::npos) << sent.output;
    const std::string id = onlyBatchId();
    const std::string outbox = dir.file("exchange/outbox/");
    EXPECT_EQ(filesIn("outbox"), (std::vector<std::string>{id + ".json.zip.sm4", id + ".key", id + ".manifest.json",
                                                            id + ".sig"}));
    auto manifest = Poco::JSON::Parser().parse(readFile(outbox + id + ".manifest.json")).extract<Poco::JSON::Object::Ptr>();
    CommandResult sm4Key = runCommand("openssl pkeyutl -decrypt -inkey " + dir.file("platform-sm2.key") + " -in " + outbox +
                                      id + ".key | xxd -p | tr -d '\\n'");
    ASSERT_EQ(sm4Key.output.size(), 32u) << sm4Key.output;
    ASSERT_EQ(runCommand("openssl enc -d -sm4-cbc -K " + sm4Key.output + " -iv " + manifest->getValue<std::string>("iv") +
                         " -in " + outbox + id + ".json.zip.sm4 -out " + dir.file("opened.zip"))
                  .exitCode,
              0);
    CommandResult tested = runCommand("unzip -t " + dir.file("opened.zip"));
    EXPECT_EQ(tested.exitCode, 0) << tested.output;
    ASSERT_EQ(runCommand("cd " + dir.path() + " && unzip -o -q opened.zip").exitCode, 0);
    CommandResult verified = runCommand("openssl dgst -sm3 -verify " + certs + "/signing.pub -sigopt distid:1234567812345678 "
                                        "-signature " + outbox + id + ".sig " + dir.file(id + ".json"));
    EXPECT_EQ(verified.exitCode, 0) << verified.output;

    // Then the 前置机 answers; the waiting batch is collected, not written again.
    startPeer();
    CommandResult collected = gw(uploadArgs("--channel-peer-key " + dir.file("platform-sm2.pub")));
    ASSERT_EQ(collected.exitCode, 0) << collected.output;
    EXPECT_NE(collected.output.find("accepted 3, rejected 1"), std::string::npos) << collected.output;
    EXPECT_EQ(peer->counters().enveloped, 1u);
    EXPECT_EQ(peer->counters().zipped, 1u);
    EXPECT_EQ(platform->counters().duplicates, 0u);
    EXPECT_TRUE(filesIn("outbox").empty());
    expectTheFourRates();
}

TEST_F(FileDropEndToEndTest, ACrashAfterTheDropWritesNothingTwiceAndACrashBeforeItLosesNothing) {
    useChannel("");
    ASSERT_EQ(gw("ingest --kind cf --input " + dir.file("cf.csv")).exitCode, 0);
    CommandResult beforeDrop = gw(uploadArgs("--once"), "CREDITGW_FAULT_POINT=after-mark-inflight ");
    EXPECT_NE(beforeDrop.exitCode, 0);
    EXPECT_TRUE(filesIn("outbox").empty());
    ASSERT_EQ(runCommand("sqlite3 " + dir.file("store.db") + " 'UPDATE batches SET next_attempt_at=0'").exitCode, 0);
    CommandResult afterDrop = gw(uploadArgs("--once"), "CREDITGW_FAULT_POINT=after-send ");
    EXPECT_NE(afterDrop.exitCode, 0);
    const std::string id = onlyBatchId();
    ASSERT_EQ(filesIn("outbox").size(), 3u);
    auto written = fs::last_write_time(dir.file("exchange/outbox/" + id + ".manifest.json"));

    ASSERT_EQ(runCommand("sqlite3 " + dir.file("store.db") + " 'UPDATE batches SET next_attempt_at=0'").exitCode, 0);
    startPeer();
    CommandResult recovered = gw(uploadArgs());
    ASSERT_EQ(recovered.exitCode, 0) << recovered.output;
    EXPECT_NE(recovered.output.find("accepted 3, rejected 1"), std::string::npos) << recovered.output;
    EXPECT_EQ(fs::last_write_time(dir.file("exchange/done/" + id + ".manifest.json")), written);
    EXPECT_EQ(platform->counters().batches, 1u);
    EXPECT_EQ(platform->counters().duplicates, 0u);
}

TEST_F(FileDropEndToEndTest, NoReceiptWithinTheTimeoutLeavesTheBatchInDoubtAndThePackageInPlace) {
    useChannel("  <setting name=\"channel.receipt-timeout\" value=\"1\"/>\n");
    ASSERT_EQ(gw("ingest --kind cf --input " + dir.file("cf.csv")).exitCode, 0);
    CommandResult sent = gw(uploadArgs("--wait 4"));
    EXPECT_NE(sent.exitCode, 0);
    EXPECT_NE(sent.output.find("no receipt for batch"), std::string::npos) << sent.output;
    EXPECT_EQ(runCommand("sqlite3 " + dir.file("store.db") + " 'SELECT state FROM batches'").output, "unknown\n");
    EXPECT_EQ(filesIn("outbox").size(), 3u);

    // A refusal by the 前置机 (a signature it does not accept) makes the batch dead, visibly.
    const std::string id = onlyBatchId();
    writeFile(dir.file("exchange/inbox/" + id + ".error.json"), "{\"batchId\":\"" + id + "\",\"error\":\"signature\"}");
    ASSERT_EQ(runCommand("sqlite3 " + dir.file("store.db") + " 'UPDATE batches SET next_attempt_at=0'").exitCode, 0);
    CommandResult refused = gw(uploadArgs("--once"));
    EXPECT_NE(refused.output.find("dead 1"), std::string::npos) << refused.output;
    // Taken back before it went dead, so a requeue cannot send it twice; never deleted.
    EXPECT_TRUE(filesIn("outbox").empty());
    EXPECT_EQ(filesIn("withdrawn"), (std::vector<std::string>{id + ".json", id + ".manifest.json", id + ".sig"}));
}

TEST_F(FileDropEndToEndTest, ABatchThatGivesUpIsWithdrawnFromTheOutboxSoARequeueSendsItsRecordsOnce) {
    useChannel("  <setting name=\"channel.receipt-timeout\" value=\"1\"/>\n");
    ASSERT_EQ(gw("ingest --kind cf --input " + dir.file("cf.csv")).exitCode, 0);
    // Given a package no 前置机 answers, past its receipt timeout and its last attempt
    CommandResult gaveUp = gw(uploadArgs("--max-attempts 1 --wait 10"));
    EXPECT_NE(gaveUp.output.find("dead 1"), std::string::npos) << gaveUp.output;
    const std::string id = onlyBatchId();
    // Then it went dead only once its files were out of the 前置机's reach
    EXPECT_TRUE(filesIn("outbox").empty()) << gaveUp.output;
    EXPECT_EQ(filesIn("withdrawn"), (std::vector<std::string>{id + ".json", id + ".manifest.json", id + ".sig"}));
    EXPECT_EQ(runCommand("sqlite3 " + dir.file("store.db") + " 'SELECT state FROM batches'").output, "dead\n");

    // When the operator re-queues its records and the 前置机 runs again
    CommandResult requeued = gw("requeue");
    EXPECT_NE(requeued.output.find(": 4 dead records"), std::string::npos) << requeued.output;
    startPeer();
    CommandResult again = gw(uploadArgs());
    ASSERT_EQ(again.exitCode, 0) << again.output;
    // Then the platform received the records once, in the new batch only
    EXPECT_NE(again.output.find("accepted 3, rejected 1"), std::string::npos) << again.output;
    EXPECT_EQ(platform->counters().batches, 1u);
    EXPECT_EQ(platform->counters().accepted, 3u);
    EXPECT_EQ(peer->counters().receipts, 1u);
    expectTheFourRates();
}

TEST_F(FileDropEndToEndTest, APackageTheFrontMachineTookStaysInDoubtAndIsNeitherDeadNorWrittenAgain) {
    useChannel("  <setting name=\"channel.receipt-timeout\" value=\"1\"/>\n");
    ASSERT_EQ(gw("ingest --kind cf --input " + dir.file("cf.csv")).exitCode, 0);
    ASSERT_NE(gw(uploadArgs("--once")).output.find("still waiting 1"), std::string::npos);
    const std::string id = onlyBatchId();
    // Given a 前置机 that took the package away to its own folder and has not answered yet
    fs::create_directories(dir.file("front/outbox"));
    ASSERT_EQ(runCommand("mv " + dir.file("exchange/outbox") + "/* " + dir.file("front/outbox/")).exitCode, 0);

    // When the batch reaches its receipt timeout and its last attempt
    CommandResult inDoubt = gw(uploadArgs("--max-attempts 1 --wait 4"));
    // Then it cannot be withdrawn, so it is not given up: in doubt, not dead, nothing re-queued,
    // and the package is not written again
    EXPECT_NE(inDoubt.output.find("the 前置机 already took the package of batch " + id), std::string::npos)
        << inDoubt.output;
    EXPECT_NE(inDoubt.output.find("dead 0, still waiting 1"), std::string::npos) << inDoubt.output;
    EXPECT_EQ(runCommand("sqlite3 " + dir.file("store.db") + " 'SELECT state FROM batches'").output, "unknown\n");
    EXPECT_TRUE(filesIn("outbox").empty());
    EXPECT_NE(gw("requeue").output.find(": 0 dead records"), std::string::npos);

    // When the 前置机 finally answers from what it took
    for (const char* sub : {"inbox", "done"}) fs::create_directories(dir.file("front/") + sub);
    MockFrontMachine front(MockFrontMachineConfig{dir.file("front"), dir.file("platform-sm2.key")}, *platform);
    ASSERT_EQ(*front.processOutbox(), 1u);
    fs::copy_file(dir.file("front/inbox/" + id + ".receipt.json"), dir.file("exchange/inbox/" + id + ".receipt.json"));
    ASSERT_EQ(runCommand("sqlite3 " + dir.file("store.db") + " 'UPDATE batches SET next_attempt_at=0'").exitCode, 0);
    CommandResult answered = gw(uploadArgs());
    // Then its receipt settles the batch, and the platform saw the records once
    ASSERT_EQ(answered.exitCode, 0) << answered.output;
    EXPECT_NE(answered.output.find("accepted 3, rejected 1"), std::string::npos) << answered.output;
    EXPECT_EQ(platform->counters().batches, 1u);
    EXPECT_TRUE(filesIn("outbox").empty());
    expectTheFourRates();
}

TEST_F(FileDropEndToEndTest, AReceiptDroppedTwiceIsAppliedOnceWhileASecondSenderOvertakes) {
    useChannel("");
    ASSERT_EQ(gw("ingest --kind cf --input " + dir.file("cf.csv")).exitCode, 0);
    ASSERT_NE(gw(uploadArgs("--once")).output.find("still waiting 1"), std::string::npos);
    const std::string id = onlyBatchId();
    const std::string inboxReceipt = dir.file("exchange/inbox/" + id + ".receipt.json");
    startPeer();
    for (int i = 0; i < 100 && !fs::exists(inboxReceipt); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    stopPeer();
    ASSERT_TRUE(fs::exists(inboxReceipt));
    const std::string receipt = readFile(inboxReceipt);
    ASSERT_EQ(runCommand("sqlite3 " + dir.file("store.db") + " 'UPDATE batches SET next_attempt_at=0'").exitCode, 0);

    // Given one sender that has read the receipt and is held up before applying it
    CommandResult held;
    std::thread first([&] {
        held = runCommand("CREDITGW_PAUSE_POINT=after-receipt-check:6 " + std::string(CREDITGW_BINARY) + " " +
                          uploadArgs("--once") + " --data-dir " + dir.file("data") + " --store " + dir.file("store.db") +
                          " > " + dir.file("held.log") + " 2>&1");
    });
    auto heldLog = [&] { return fs::exists(dir.file("held.log")) ? readFile(dir.file("held.log")) : std::string(); };
    for (int i = 0; i < 200 && heldLog().find("paused at") == std::string::npos; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    if (heldLog().find("paused at after-receipt-check") == std::string::npos) {
        first.join();
        FAIL() << "the first sender never reached the receipt check: " << heldLog();
    }
    // When a second sender applies it first, and the 前置机 drops the same receipt again
    CommandResult overtaking = gw(uploadArgs("--once"));
    EXPECT_NE(overtaking.output.find("accepted 3, rejected 1"), std::string::npos) << overtaking.output;
    ASSERT_FALSE(fs::exists(inboxReceipt)) << "acknowledged: moved to done/";
    writeFile(inboxReceipt, receipt);
    first.join();
    held.output = heldLog();

    // Then the held sender applies nothing and says so, naming the batch
    EXPECT_EQ(held.exitCode, 0) << held.output;
    EXPECT_NE(held.output.find("batch " + id + ": a receipt came for a batch already done; ignored as a duplicate"),
              std::string::npos) << held.output;
    EXPECT_NE(held.output.find("batches done 0, dead 0, still waiting 0; accepted 0, rejected 0"), std::string::npos)
        << held.output;
    // and every record was settled once: one acceptance or rejection each in the history
    CommandResult events = runCommand("sqlite3 " + dir.file("store.db") +
                                      " \"SELECT event, COUNT(*) FROM history WHERE event IN ('accepted','rejected')"
                                      " GROUP BY event ORDER BY event\"");
    EXPECT_EQ(events.output, "accepted|3\nrejected|1\n");
    // The duplicate stays where it was dropped; the receipt that settled the batch is in done/.
    EXPECT_EQ(readFile(inboxReceipt), receipt);
    EXPECT_EQ(readFile(dir.file("exchange/done/" + id + ".receipt.json")), receipt);
    EXPECT_EQ(platform->counters().batches, 1u);
    expectTheFourRates();
}

TEST_F(FileDropEndToEndTest, TheDaemonServesAFiledropTargetFromItsConfigurationWithoutTls) {
    useChannel("");
    fs::create_directories(dir.file("inbox/cf"));
    writeFile(dir.file("creditgw.properties"),
              "unit.code = 11371300MB20260018\nunit.name = 示范市交通运输局\nstore = " + dir.file("store.db") +
                  "\ndata.dir = " + dir.file("data") + "\nplugin.dir = " CREDITGW_TEST_PLUGIN_DIR "\ninbox = " +
                  dir.file("inbox") + "\nsettle.seconds = 0\n\ntarget.creditchina.signing.key = " + certs +
                  "/signing.key\ntarget.creditchina.channel.dir = " + dir.file("exchange") +
                  "\ntarget.creditchina.receipt.poll = 1\ntarget.creditchina.schedule = asap\n");
    const std::string run = std::string(CREDITGW_BINARY) + " run --config " + dir.file("creditgw.properties") + " --once";
    CommandResult checked = runCommand(std::string(CREDITGW_BINARY) + " config check " + dir.file("creditgw.properties"));
    ASSERT_EQ(checked.exitCode, 0) << checked.output;
    writeFile(dir.file("inbox/cf/penalties.csv"), fivePenaltiesCsv());

    CommandResult first = runCommand(run);  // ingests and drops the package
    ASSERT_EQ(first.exitCode, 0) << first.output;
    ASSERT_EQ(filesIn("outbox").size(), 3u) << first.output;
    startPeer();
    std::this_thread::sleep_for(std::chrono::seconds(2));  // the 前置机 answers; the poll time passes
    CommandResult second = runCommand(run);  // collects the receipt
    ASSERT_EQ(second.exitCode, 0) << second.output;
    EXPECT_EQ(platform->counters().accepted, 3u) << second.output;
    EXPECT_TRUE(filesIn("outbox").empty()) << second.output;
    expectTheFourRates();
}
