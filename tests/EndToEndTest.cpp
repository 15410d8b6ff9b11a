// End to end: the real creditgw binary, real plugins from disk, a real SQLite store, and the
// real mock platform over mutual TLS on 127.0.0.1.

#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

#include <Poco/JSON/Parser.h>

#include "ScriptedHttpsServer.h"
#include "TestSupport.h"
#include "creditgw/CivilDate.h"
#include "creditgw/Json.h"
#include "creditgw/MockPlatform.h"

using namespace creditgw;
using creditgw::test::CommandResult;
using creditgw::test::runCommand;

namespace {

const char* kHeader =
    "CF_XDR_MC,CF_XDR_LB,CF_XDR_SHXYM,CF_FRDB,CF_XDR_ZJLX,CF_XDR_ZJHM,CF_WSH,CF_WFXW,CF_SY,CF_YJ,CF_CFLB,"
    "CF_NR,CF_NR_FK,CF_JDRQ,CF_YXQ,CF_CFJG,CF_CFJGDM,CF_SJLY,CF_SJLYDM,ZRBM\n";

std::string row(const std::string& name, const std::string& category, const std::string& uscc,
                const std::string& legal, const std::string& idNumber, const std::string& docNumber,
                const std::string& decided, const std::string& department) {
    std::string idType = idNumber.empty() ? "" : "身份证";
    return name + "," + category + "," + uscc + "," + legal + "," + idType + "," + idNumber + "," + docNumber +
           ",超限运输,车货总重超过限定标准,《公路法》第七十六条,罚款,罚款2000元,0.2," + decided +
           ",2027-11-20,示范市交通运输局,11100000000019713D,示范市交通运输局,11100000000019713D," +
           department + "\n";
}

// Three valid records (two on time, one decided long ago), one the gateway holds (bad USCC),
// one the platform rejects (测试 in the name).
std::string sampleCsv() {
    return std::string(kHeader) +
           row("示范市顺达物流有限公司", "法人及非法人组织", "914403001922038216", "李明", "", "示交罚〔2026〕1号",
               "2026-11-20", "执法一大队") +
           row("王建国", "自然人", "", "", "11010519491231002X", "示交罚〔2026〕2号", "2026-11-19", "执法一大队") +
           row("示范市远达运输有限公司", "法人及非法人组织", "91350100M000100Y43", "赵强", "", "示交罚〔2026〕3号",
               "2026-09-01", "执法二大队") +
           row("示范市坏码运输有限公司", "法人及非法人组织", "914403001922038217", "钱亮", "", "示交罚〔2026〕4号",
               "2026-11-18", "执法二大队") +
           row("测试运输有限公司", "法人及非法人组织", "914403001922038216", "孙丽", "", "示交罚〔2026〕5号",
               "2026-11-18", "执法二大队");
}

class EndToEndTest : public ::testing::Test {
protected:
    void SetUp() override {
        certs = creditgw::test::devCertsDir();
        config = creditgw::test::devMockPlatformConfig();
        config.clockOverride = "2026-11-23T10:00:00+08:00";
        platform = std::make_unique<MockPlatform>(config);
        ASSERT_TRUE(platform->start());
        creditgw::test::writeFile(dir.file("cf.csv"), sampleCsv());
    }

    CommandResult gw(const std::string& arguments) {
        return runCommand(std::string(CREDITGW_BINARY) + " " + arguments + " --store " + dir.file("store.db"));
    }

    std::string uploadArgs() {
        return "upload --unit-code 11371300MB20260018 --unit-name 示范市交通运输局 --endpoint " + platform->endpoint() + " --ca " + certs + "/ca.pem --cert " + certs +
               "/client.pem --key " + certs + "/client.key --signing-key " + certs + "/signing.key";
    }

    Poco::JSON::Object::Ptr stats() {
        CommandResult result = gw("stats --format json --as-of 2026-11-23");
        EXPECT_EQ(result.exitCode, 0) << result.output;
        return Poco::JSON::Parser().parse(result.output).extract<Poco::JSON::Object::Ptr>();
    }

    creditgw::test::ScratchDir dir{"e2e"};
    std::string certs;
    MockPlatformConfig config;
    std::unique_ptr<MockPlatform> platform;
};

}  // namespace

TEST_F(EndToEndTest, CsvToAcceptedSignedUploadAndItsStatistics) {
    CommandResult ingest = gw("ingest --kind cf --input " + dir.file("cf.csv"));
    ASSERT_EQ(ingest.exitCode, 0) << ingest.output;
    EXPECT_NE(ingest.output.find("rows 5, new 5"), std::string::npos) << ingest.output;

    CommandResult upload = gw(uploadArgs());
    ASSERT_EQ(upload.exitCode, 0) << upload.output;
    EXPECT_NE(upload.output.find("held 1"), std::string::npos) << upload.output;
    EXPECT_NE(upload.output.find("accepted 3, rejected 1"), std::string::npos) << upload.output;
    EXPECT_EQ(platform->counters().accepted, 3u);
    EXPECT_EQ(platform->counters().rejected, 1u);

    auto json = stats();
    auto counts = json->getObject("counts");
    EXPECT_EQ(counts->getValue<int>("must_report"), 5);
    EXPECT_EQ(counts->getValue<int>("accepted"), 3);
    EXPECT_EQ(counts->getValue<int>("held"), 1);
    EXPECT_EQ(counts->getValue<int>("rejected"), 1);
    EXPECT_EQ(counts->getValue<int>("on_time"), 2);  // 11-20 and 11-19, accepted 11-23
    EXPECT_NEAR(json->getValue<double>("reporting_rate"), 3.0 / 5.0, 1e-6);
    EXPECT_NEAR(json->getValue<double>("compliance_rate"), 3.0 / 4.0, 1e-6);
    // Late: 09-01 (accepted late) plus held 11-18 and rejected 11-18 (deadline 11-27 not passed
    // as of 11-23 → pending, excluded). So 2 on time of 3 judged.
    EXPECT_EQ(counts->getValue<int>("late"), 1);
    EXPECT_EQ(counts->getValue<int>("pending_within_deadline"), 2);
    EXPECT_NEAR(json->getValue<double>("timeliness_rate"), 2.0 / 3.0, 1e-6);
}

TEST_F(EndToEndTest, ReingestingAndReuploadingChangesAndSendsNothing) {
    ASSERT_EQ(gw("ingest --kind cf --input " + dir.file("cf.csv")).exitCode, 0);
    ASSERT_EQ(gw(uploadArgs()).exitCode, 0);
    auto before = platform->counters();

    CommandResult again = gw("ingest --kind cf --input " + dir.file("cf.csv"));
    EXPECT_NE(again.output.find("new 0, new versions 0, unchanged 5"), std::string::npos) << again.output;
    CommandResult upload = gw(uploadArgs());
    ASSERT_EQ(upload.exitCode, 0) << upload.output;
    EXPECT_EQ(platform->counters().batches, before.batches);
    EXPECT_EQ(platform->counters().accepted, before.accepted);
}

TEST_F(EndToEndTest, AChangedRecordBecomesANewVersionSentAsAnUpdate) {
    ASSERT_EQ(gw("ingest --kind cf --input " + dir.file("cf.csv")).exitCode, 0);
    ASSERT_EQ(gw(uploadArgs()).exitCode, 0);
    std::string changed = sampleCsv();
    changed.replace(changed.find("李明"), std::string("李明").size(), "李明华");
    creditgw::test::writeFile(dir.file("cf.csv"), changed);
    CommandResult again = gw("ingest --kind cf --input " + dir.file("cf.csv"));
    EXPECT_NE(again.output.find("new 0, new versions 1, unchanged 4"), std::string::npos) << again.output;
    CommandResult upload = gw(uploadArgs());
    EXPECT_NE(upload.output.find("accepted 1, rejected 0"), std::string::npos) << upload.output;
    EXPECT_EQ(stats()->getObject("counts")->getValue<int>("must_report"), 5);
}

TEST_F(EndToEndTest, PlatformDownThenUpDeliversEachBatchOnce) {
    ASSERT_EQ(gw("ingest --kind cf --input " + dir.file("cf.csv")).exitCode, 0);
    std::string arguments = uploadArgs();  // remembers the endpoint while the platform is down
    config.port = platform->port();
    platform.reset();
    CommandResult down = gw(arguments + " --once");
    EXPECT_NE(down.output.find("Transient"), std::string::npos) << down.output;
    CommandResult status = gw("status --format json");
    EXPECT_EQ(status.exitCode, 0) << status.output;
    auto health = Poco::JSON::Parser().parse(status.output).extract<Poco::JSON::Object::Ptr>();
    EXPECT_EQ(health->getValue<int>("records"), 5);
    EXPECT_EQ(health->getObject("by_state")->getValue<int>("queued"), 4);
    EXPECT_EQ(health->getObject("batches")->getValue<int>("pending"), 1);
    EXPECT_GE(health->getValue<int>("oldest_waiting_batch_seconds"), 0);
    EXPECT_NE(health->getValue<std::string>("last_error").find("Transient"), std::string::npos);
    // A batch whose answer was lost is in doubt; while the platform cannot be asked, it stays in
    // doubt (it is never re-sent without asking first).
    ASSERT_EQ(runCommand("sqlite3 " + dir.file("store.db") + " \"UPDATE batches SET state='unknown', next_attempt_at=0\"").exitCode, 0);
    gw(arguments + " --once");
    EXPECT_EQ(runCommand("sqlite3 " + dir.file("store.db") + " 'SELECT state FROM batches'").output, "unknown\n");
    platform = std::make_unique<MockPlatform>(config);
    ASSERT_TRUE(platform->start());
    ASSERT_EQ(runCommand("sqlite3 " + dir.file("store.db") + " 'UPDATE batches SET next_attempt_at=0'").exitCode, 0);
    // The batch waits for its backoff; a plain upload waits it out and delivers it once.
    CommandResult up = gw(arguments);
    ASSERT_EQ(up.exitCode, 0) << up.output;
    EXPECT_EQ(platform->counters().duplicates, 0u);
    EXPECT_EQ(stats()->getObject("counts")->getValue<int>("accepted"), 3);
}

TEST_F(EndToEndTest, StoredBatchSignatureVerifiesWithStockOpenssl) {
    ASSERT_EQ(gw("ingest --kind cf --input " + dir.file("cf.csv")).exitCode, 0);
    ASSERT_EQ(gw(uploadArgs()).exitCode, 0);
    CommandResult ids = runCommand("sqlite3 " + dir.file("store.db") + " 'SELECT id FROM batches LIMIT 1'");
    ASSERT_EQ(ids.exitCode, 0) << ids.output;
    std::string batchId = ids.output.substr(0, ids.output.find('\n'));
    CommandResult exported = gw("batch export " + batchId + " --out " + dir.file("batch"));
    ASSERT_EQ(exported.exitCode, 0) << exported.output;
    CommandResult verified = runCommand("openssl dgst -sm3 -verify " + certs + "/signing.pub -sigopt distid:1234567812345678 -signature " +
                                        dir.file("batch/signature.der") + " " + dir.file("batch/payload.bin"));
    EXPECT_EQ(verified.exitCode, 0) << verified.output;
    EXPECT_NE(verified.output.find("Verified OK"), std::string::npos) << verified.output;
}

TEST_F(EndToEndTest, DryRunMapWritesPayloadAndReportWithoutSending) {
    CommandResult mapped = gw("map --target creditchina --kind cf --input " + dir.file("cf.csv") + " --out " + dir.file("out"));
    ASSERT_EQ(mapped.exitCode, 0) << mapped.output;
    auto report = Poco::JSON::Parser().parse(creditgw::test::readFile(dir.file("out/report.json")))
                      .extract<Poco::JSON::Object::Ptr>();
    EXPECT_EQ(report->getValue<int>("records"), 5);
    EXPECT_EQ(report->getValue<int>("valid"), 4);
    EXPECT_EQ(report->getValue<int>("held"), 1);
    auto held = report->getArray("held_records")->getObject(0);
    EXPECT_EQ(held->getValue<int>("line"), 5);
    EXPECT_EQ(held->getValue<std::string>("field"), "CF_XDR_SHXYM");
    std::string payload = creditgw::test::readFile(dir.file("out/payload.json"));
    EXPECT_NE(payload.find("\"count\":4"), std::string::npos);
    EXPECT_EQ(platform->counters().batches, 0u);
}

TEST(CommandLineTest, CheckAndCalendarFollowTheContract) {
    std::string gw = CREDITGW_BINARY;
    EXPECT_EQ(runCommand(gw + " check uscc 914403001922038216").output, "valid\n");
    CommandResult bad = runCommand(gw + " check uscc 914403001922038217");
    EXPECT_EQ(bad.exitCode, 1);
    EXPECT_NE(bad.output.find("expected '6'"), std::string::npos);
    EXPECT_EQ(runCommand(gw + " check id 11010519491231002X").exitCode, 0);
    EXPECT_EQ(runCommand(gw + " check id 110105194912310021").exitCode, 1);
    EXPECT_EQ(runCommand(gw + " check orgcode D2143569X").exitCode, 0);
    EXPECT_EQ(runCommand(gw + " calendar deadline 2024-09-27").output, "2024-10-12\n");
    EXPECT_EQ(runCommand(gw + " calendar deadline 2026-11-20 --days 3").output, "2026-11-25\n");
    CommandResult unknown = runCommand(gw + " calendar deadline 2027-03-01");
    EXPECT_EQ(unknown.exitCode, 3);
    EXPECT_NE(unknown.output.find("2027"), std::string::npos);
    for (const char* command : {"", "check", "calendar", "map", "ingest", "upload", "stats", "report", "run", "status",
                                "export", "mapping",
                                "batch", "plugins", "mock-platform", "demo"})
        EXPECT_EQ(runCommand(gw + " " + command + " --help").exitCode, 0) << command;
}

TEST_F(EndToEndTest, ACrashAtAnyPointOfTheUploadLosesNothingAndSendsNothingTwice) {
    ASSERT_EQ(gw("ingest --kind cf --input " + dir.file("cf.csv")).exitCode, 0);
    for (const char* point : {"after-enqueue", "after-mark-inflight", "after-send"}) {
        SCOPED_TRACE(point);
        // Each round adds one new record, then crashes the upload at `point`, then recovers.
        std::string csv = sampleCsv() + row("示范市新增运输有限公司" + std::string(point), "法人及非法人组织",
                                            "914403001922038216", "周立", "", std::string("示交罚〔2026〕") + point,
                                            "2026-11-20", "执法一大队");
        creditgw::test::writeFile(dir.file("cf.csv"), csv);
        ASSERT_EQ(gw("ingest --kind cf --input " + dir.file("cf.csv")).exitCode, 0);
        auto before = platform->counters();
        // A short lease: after the "crash" the batch is due again (and asked for) at once.
        CommandResult crashed = runCommand("CREDITGW_FAULT_POINT=" + std::string(point) + " " + CREDITGW_BINARY +
                                           " " + uploadArgs() + " --timeout 1 --lease-seconds 1 --store " +
                                           dir.file("store.db"));
        EXPECT_EQ(crashed.exitCode, 86) << crashed.output;
        CommandResult recovered = gw(uploadArgs());
        ASSERT_EQ(recovered.exitCode, 0) << recovered.output;
        auto after = platform->counters();
        EXPECT_EQ(after.duplicates, before.duplicates) << "a batch was sent twice";
        EXPECT_EQ(after.batches, before.batches + 1);
    }
    auto counts = stats()->getObject("counts");
    EXPECT_EQ(counts->getValue<int>("must_report"), 8);
    EXPECT_EQ(counts->getValue<int>("accepted"), 6);
    EXPECT_EQ(counts->getValue<int>("in_progress"), 0);
}

TEST_F(EndToEndTest, ALateReceiptQueryAfterAnotherSenderSettledTheBatchAppliesNothing) {
    ASSERT_EQ(gw("ingest --kind cf --input " + dir.file("cf.csv")).exitCode, 0);
    // Given a batch the platform has, whose answer was lost (a crash right after the send)
    CommandResult crashed = runCommand("CREDITGW_FAULT_POINT=after-send " + std::string(CREDITGW_BINARY) + " " +
                                       uploadArgs() + " --store " + dir.file("store.db"));
    ASSERT_EQ(crashed.exitCode, 86) << crashed.output;
    ASSERT_EQ(runCommand("sqlite3 " + dir.file("store.db") + " 'UPDATE batches SET next_attempt_at=0'").exitCode, 0);
    // and a sender that fetched its receipt by query and is held up before applying it
    CommandResult held;
    std::thread first([&] {
        held = runCommand("CREDITGW_PAUSE_POINT=after-receipt-check:6 " + std::string(CREDITGW_BINARY) + " " +
                          uploadArgs() + " --once --store " + dir.file("store.db") + " > " + dir.file("held.log") +
                          " 2>&1");
    });
    auto heldLog = [&] {
        return std::filesystem::exists(dir.file("held.log")) ? creditgw::test::readFile(dir.file("held.log"))
                                                             : std::string();
    };
    for (int i = 0; i < 200 && heldLog().find("paused at") == std::string::npos; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    if (heldLog().find("paused at after-receipt-check") == std::string::npos) {
        first.join();
        FAIL() << "the first sender never reached the receipt query: " << heldLog();
    }
    // When a second sender queries and applies the same receipt first
    CommandResult overtaking = gw(uploadArgs() + " --once");
    EXPECT_NE(overtaking.output.find("accepted 3, rejected 1"), std::string::npos) << overtaking.output;
    first.join();
    held.output = heldLog();
    // Then the late one applies and counts nothing, and says so naming the batch
    EXPECT_EQ(held.exitCode, 0) << held.output;
    EXPECT_NE(held.output.find(": a receipt came for a batch already done; ignored as a duplicate"),
              std::string::npos) << held.output;
    EXPECT_NE(held.output.find("accepted 0, rejected 0"), std::string::npos) << held.output;
    EXPECT_EQ(runCommand("sqlite3 " + dir.file("store.db") +
                         " \"SELECT event, COUNT(*) FROM history WHERE event IN ('accepted','rejected')"
                         " GROUP BY event ORDER BY event\"").output,
              "accepted|3\nrejected|1\n");
    EXPECT_EQ(platform->counters().batches, 1u);
    auto counts = stats()->getObject("counts");
    EXPECT_EQ(counts->getValue<int>("accepted"), 3);
    EXPECT_EQ(counts->getValue<int>("rejected"), 1);
}

TEST_F(EndToEndTest, ExportWritesTheTemplateLayoutForManualUploadWithoutChangingState) {
    ASSERT_EQ(gw("ingest --kind cf --input " + dir.file("cf.csv")).exitCode, 0);
    ASSERT_EQ(gw("map --target creditchina --kind cf --input " + dir.file("cf.csv") + " --out " + dir.file("dry")).exitCode, 0);
    CommandResult upload = gw(uploadArgs() + " --once");
    ASSERT_EQ(upload.exitCode, 0) << upload.output;
    CommandResult csv = gw("export --kind cf --format csv --out " + dir.file("cf-export.csv"));
    ASSERT_EQ(csv.exitCode, 0) << csv.output;
    EXPECT_NE(csv.output.find("wrote 3 records"), std::string::npos) << csv.output;  // the accepted ones
    std::string text = creditgw::test::readFile(dir.file("cf-export.csv"));
    EXPECT_EQ(text.rfind("行政相对人名称,", 0), 0u) << text.substr(0, 200);
    EXPECT_NE(text.find("示范市顺达物流有限公司"), std::string::npos);
    CommandResult xlsx = gw("export --kind cf --format xlsx --out " + dir.file("cf-export.xlsx"));
    ASSERT_EQ(xlsx.exitCode, 0) << xlsx.output;
    EXPECT_EQ(creditgw::test::readFile(dir.file("cf-export.xlsx")).substr(0, 2), "PK");
    EXPECT_EQ(stats()->getObject("counts")->getValue<int>("accepted"), 3);
}

TEST_F(EndToEndTest, ARefusedBatchIsDeadVisibleExportableAndCanBeSentAgainOnceFixed) {
    // A signing key the platform does not know: every batch is refused for good (401).
    ASSERT_EQ(runCommand("openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:SM2 -out " + dir.file("other.key") +
                         " && chmod 600 " + dir.file("other.key")).exitCode, 0);
    ASSERT_EQ(gw("ingest --kind cf --input " + dir.file("cf.csv")).exitCode, 0);
    std::string wrongKey = uploadArgs();
    wrongKey.replace(wrongKey.find(certs + "/signing.key"), (certs + "/signing.key").size(), dir.file("other.key"));
    CommandResult refused = gw(wrongKey);
    EXPECT_EQ(refused.exitCode, 4) << refused.output;
    EXPECT_NE(refused.output.find("dead 1"), std::string::npos) << refused.output;
    CommandResult status = gw("status");
    EXPECT_EQ(status.exitCode, 1) << status.output;
    EXPECT_NE(status.output.find("dead 4"), std::string::npos) << status.output;
    CommandResult exported = gw("export --kind cf --format csv --unsent --out " + dir.file("manual.csv"));
    EXPECT_NE(exported.output.find("wrote 4 records"), std::string::npos) << exported.output;

    CommandResult requeued = gw("requeue");
    EXPECT_NE(requeued.output.find("4 dead records"), std::string::npos) << requeued.output;
    CommandResult fixed = gw(uploadArgs());
    EXPECT_EQ(fixed.exitCode, 0) << fixed.output;
    EXPECT_EQ(stats()->getObject("counts")->getValue<int>("accepted"), 3);
}

TEST(CommandLineTest, BadNumbersAndAMistypedStoreAreUsageErrorsNotCrashes) {
    std::string gw = CREDITGW_BINARY;
    CommandResult days = runCommand(gw + " stats --days abc --store /tmp/none.db");
    EXPECT_EQ(days.exitCode, 2) << days.output;
    EXPECT_NE(days.output.find("--days needs a whole number"), std::string::npos) << days.output;
    EXPECT_EQ(runCommand(gw + " upload --batch-size -1 --endpoint https://127.0.0.1:1 --ca x --signing-key y").exitCode, 2);
    CommandResult missing = runCommand(gw + " stats --store /tmp/creditgw-no-such-store.db");
    EXPECT_EQ(missing.exitCode, 1) << missing.output;
    EXPECT_NE(missing.output.find("no such store"), std::string::npos) << missing.output;
    EXPECT_FALSE(std::filesystem::exists("/tmp/creditgw-no-such-store.db"));
}

namespace {

// The store integrity rules of issue 10, through the real binary and the mock platform.
class StoreIntegrityEndToEndTest : public EndToEndTest {};

TEST_F(StoreIntegrityEndToEndTest, AFineChangedOnDiskFrom3To9WanyuanIsHeldAsCorruptAndNeverSigned) {
    std::string csv = sampleCsv();
    std::size_t at = csv.find(",0.2,");
    csv.replace(at, 5, ",3,");  // the first record: 罚款 3 万元
    creditgw::test::writeFile(dir.file("cf.csv"), csv);
    ASSERT_EQ(gw("ingest --kind cf --input " + dir.file("cf.csv")).exitCode, 0);
    std::string store = dir.file("store.db");
    CommandResult tampered = runCommand("sqlite3 " + store +
                                        " \"UPDATE records SET fields=replace(fields, '\\\"CF_NR_FK\\\":\\\"3\\\"', "
                                        "'\\\"CF_NR_FK\\\":\\\"9\\\"') WHERE fields LIKE '%示交罚〔2026〕1号%'\" "
                                        "&& sqlite3 " + store + " 'SELECT changes()' && sqlite3 " + store +
                                        " 'PRAGMA integrity_check'");
    ASSERT_EQ(tampered.exitCode, 0) << tampered.output;
    EXPECT_NE(tampered.output.find("ok"), std::string::npos) << "SQLite itself sees nothing wrong";

    CommandResult upload = gw(uploadArgs());
    ASSERT_EQ(upload.exitCode, 0) << upload.output;
    EXPECT_NE(upload.output.find("accepted 2, rejected 1"), std::string::npos) << upload.output;
    CommandResult report = gw("report --as-of 2026-11-23");
    EXPECT_NE(report.output.find("store-corrupt"), std::string::npos) << report.output;
    CommandResult sent = runCommand("sqlite3 " + store +
                                    " \"SELECT COUNT(*) FROM batches WHERE CAST(payload AS TEXT) LIKE '%示交罚〔2026〕1号%'\"");
    EXPECT_EQ(sent.output, "0\n") << "the changed record is in no signed batch";
}

TEST_F(StoreIntegrityEndToEndTest, ExportLeavesAChangedRecordOutAndFailsAndReIngestRepairsIt) {
    ASSERT_EQ(gw("ingest --kind cf --input " + dir.file("cf.csv")).exitCode, 0);
    std::string store = dir.file("store.db");
    ASSERT_EQ(gw(uploadArgs()).exitCode, 0);
    CommandResult tampered = runCommand(
        "sqlite3 " + store + " \"UPDATE deliveries SET mapped_fields=replace(mapped_fields, '顺达', '顺发')"
        " WHERE record_id=(SELECT id FROM records WHERE fields LIKE '%示交罚〔2026〕1号%'); SELECT changes();\"");
    ASSERT_EQ(tampered.exitCode, 0) << tampered.output;
    ASSERT_EQ(tampered.output, "1\n") << "one delivery changed";

    CommandResult exported = gw("export --kind cf --format csv --out " + dir.file("manual.csv"));
    EXPECT_EQ(exported.exitCode, 4) << exported.output;
    EXPECT_NE(exported.output.find("left out of the export"), std::string::npos) << exported.output;
    std::string written = creditgw::test::readFile(dir.file("manual.csv"));
    EXPECT_NE(written.find("示交罚〔2026〕2号"), std::string::npos) << written;
    EXPECT_EQ(written.find("示交罚〔2026〕1号"), std::string::npos) << "the changed record is not in the file";

    CommandResult tamperedRecord = runCommand("sqlite3 " + store +
                                              " \"UPDATE records SET fields=replace(fields, '顺达', '顺发') WHERE fields LIKE '%示交罚〔2026〕1号%'\"");
    ASSERT_EQ(tamperedRecord.exitCode, 0) << tamperedRecord.output;
    CommandResult reingest = gw("ingest --kind cf --input " + dir.file("cf.csv"));
    EXPECT_EQ(reingest.exitCode, 0) << reingest.output;
    EXPECT_NE(reingest.output.find("repaired 1"), std::string::npos) << reingest.output;
}

// A receipt that names a record the batch does not carry, or one record twice, through the
// real binary: nothing of it is applied, the batch stays in doubt, and the real platform later
// gets it exactly once.
class ReceiptAnomalyTest : public EndToEndTest, public ::testing::WithParamInterface<const char*> {};

TEST_P(ReceiptAnomalyTest, KeepsTheBatchInDoubtAndAppliesNothing) {
    std::string anomaly = GetParam();
    creditgw::test::ScriptedHttpsServer wrongPlatform([&](const creditgw::test::ScriptedRequest& request) {
        auto package = Poco::JSON::Parser().parse(request.body).extract<Poco::JSON::Object::Ptr>();
        auto records = package->getArray("records");
        std::string listed;
        for (std::size_t i = 0; i < records->size(); ++i)
            listed += "{\"key\":" + jsonString(records->getObject(i)->getValue<std::string>("key")) +
                      ",\"status\":\"accepted\"},";
        listed += anomaly == "twice"
                      ? "{\"key\":" + jsonString(records->getObject(0)->getValue<std::string>("key")) +
                            ",\"status\":\"accepted\"}"
                      : std::string("{\"key\":\"ghost\",\"status\":\"accepted\"}");
        std::string body = "{\"batchId\":" + jsonString(request.headers.at("X-Batch-Id")) +
                           ",\"acceptedAt\":\"2026-11-23T10:00:00+08:00\",\"records\":[" + listed + "]}";
        return creditgw::test::ScriptedAnswer{creditgw::test::ScriptedHttpsServer::jsonResponse(200, "OK", body)};
    });
    ASSERT_EQ(gw("ingest --kind cf --input " + dir.file("cf.csv")).exitCode, 0);
    std::string toWrongPlatform = uploadArgs() + " --once --endpoint " + wrongPlatform.endpoint();
    CommandResult refused = gw(toWrongPlatform);
    EXPECT_EQ(refused.exitCode, 4) << refused.output;
    EXPECT_NE(refused.output.find("receipt anomaly"), std::string::npos) << refused.output;
    EXPECT_NE(refused.output.find(anomaly == "twice" ? "twice" : "record ghost"), std::string::npos) << refused.output;
    EXPECT_EQ(stats()->getObject("counts")->getValue<int>("accepted"), 0) << "nothing of the receipt counted";
    CommandResult doubt = runCommand("sqlite3 " + dir.file("store.db") + " \"SELECT state FROM batches\"");
    EXPECT_EQ(doubt.output, "unknown\n") << doubt.output;

    CommandResult settled = gw(uploadArgs());
    EXPECT_EQ(settled.exitCode, 0) << settled.output;
    EXPECT_NE(settled.output.find("accepted 3, rejected 1"), std::string::npos) << settled.output;
    EXPECT_EQ(platform->counters().batches, 1u);
    EXPECT_EQ(platform->counters().duplicates, 0u);
}

INSTANTIATE_TEST_SUITE_P(UnknownKeyOrKeyTwice, ReceiptAnomalyTest, ::testing::Values("ghost", "twice"),
                         [](const auto& info) { return std::string(info.param); });

class ImpossibleAcceptanceTimeTest : public EndToEndTest,
                                     public ::testing::WithParamInterface<std::pair<const char*, const char*>> {};

TEST_P(ImpossibleAcceptanceTimeTest, CountsTheOutcomeAtTheTimeItWasReceivedAndSaysSo) {
    platform.reset();
    config.clockOverride = GetParam().first;
    platform = std::make_unique<MockPlatform>(config);
    ASSERT_TRUE(platform->start());
    ASSERT_EQ(gw("ingest --kind cf --input " + dir.file("cf.csv")).exitCode, 0);
    std::string before = shanghaiTimestamp(std::chrono::system_clock::now() - std::chrono::seconds(1));
    CommandResult upload = gw(uploadArgs() + " --once");
    std::string after = shanghaiTimestamp(std::chrono::system_clock::now() + std::chrono::seconds(1));
    EXPECT_NE(upload.output.find(GetParam().second), std::string::npos) << upload.output;
    EXPECT_NE(upload.output.find("recorded the time it was received"), std::string::npos) << upload.output;
    EXPECT_NE(upload.output.find("accepted 3, rejected 1"), std::string::npos) << upload.output;
    // Settled, so never sent again; judged by when the gateway received the answer.
    std::string store = dir.file("store.db");
    EXPECT_EQ(runCommand("sqlite3 " + store + " \"SELECT DISTINCT state FROM batches\"").output, "done\n");
    CommandResult times = runCommand("sqlite3 " + store +
                                     " \"SELECT DISTINCT accepted_at FROM deliveries WHERE state='accepted'\"");
    ASSERT_EQ(times.exitCode, 0) << times.output;
    std::string acceptedAt = times.output.substr(0, times.output.find('\n'));
    EXPECT_EQ(times.output.size(), acceptedAt.size() + 1) << "one acceptance time: " << times.output;
    EXPECT_GE(acceptedAt, before);
    EXPECT_LE(acceptedAt, after);
    CommandResult again = gw(uploadArgs() + " --once");
    EXPECT_EQ(platform->counters().batches, 1u) << again.output;
}

// Year 9999 used to overflow into 1816-03-30 and count as on time.
INSTANTIATE_TEST_SUITE_P(StoreIntegrity, ImpossibleAcceptanceTimeTest,
                         ::testing::Values(std::make_pair("9999-01-01T10:00:00+08:00", "from 1900 to 2199"),
                                           std::make_pair("2100-01-01T10:00:00+08:00", "lies in the future")));

}  // namespace
