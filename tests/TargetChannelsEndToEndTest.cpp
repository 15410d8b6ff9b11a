// End to end for every shipped target over the channel its profile names: the real creditgw
// binary ingests five 行政处罚, maps them for the target, signs and sends them — over mutual TLS
// to the real mock platform on 127.0.0.1, or as files on the exchange folder of the mock 前置机
// (MockFrontMachine, judging through the same mock platform) — applies the per-record receipt
// and counts the records in the four rates (上报率, 合规率, 及时率, 完整率).
//
// The mock knows the field names of creditchina and xyjt only; the other targets get its
// generic checks (MockPlatformConfig::genericTargets), which reject the record named 测试….

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
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

namespace fs = std::filesystem;

namespace {

struct TargetCase {
    std::string target;
    std::string channel;  ///< what the shipped profile names (the test checks it)
    std::string payload;  ///< the envelope's Content-Type start, as stored with the batch
};

void PrintTo(const TargetCase& c, std::ostream* out) { *out << c.target << " over " << c.channel; }

// Every shipped target. csv and xlsx carry the record key in a first column (the profiles'
// envelope.key.column), so that a receipt can answer per record there too.
const std::vector<TargetCase> kTargets = {
    {"creditchina", "https", "application/json"},     {"creditchina-v1", "https", "application/json"},
    {"creditchina-v2early", "https", "application/json"}, {"xyjt", "https", "application/json"},
    {"sd-xyjt", "https", "application/xml"},          {"sd-credit", "https", "application/json"},
    {"ha-xyjt", "filedrop", "application/xml"},       {"ha-credit", "filedrop", "text/csv"},
    {"cq-xyjt", "https", "application/json"},
    {"zj-xyjt", "https", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
};

class TargetChannelsEndToEndTest : public ::testing::TestWithParam<TargetCase> {
protected:
    void SetUp() override {
        certs = creditgw::test::devCertsDir();
        fs::create_directories(dir.file("data"));
        fs::copy(creditgw::test::sourcePath("mappings"), dir.file("data/mappings"), fs::copy_options::recursive);
        fs::create_directory_symlink(creditgw::test::sourcePath("data"), dir.file("data/data"));
        for (const char* sub : {"outbox", "inbox", "done"}) fs::create_directories(dir.file("exchange/") + sub);
        creditgw::test::writeFile(dir.file("cf.csv"), creditgw::test::fivePenaltiesCsv());
        auto config = creditgw::test::devMockPlatformConfig();
        config.clockOverride = "2026-11-23T10:00:00+08:00";
        for (const auto& c : kTargets)
            if (c.target != "creditchina" && c.target != "xyjt") config.genericTargets.push_back(c.target);
        platform = std::make_unique<MockPlatform>(config);
        ASSERT_TRUE(platform->start());
    }

    void TearDown() override {
        running = false;
        if (poller.joinable()) poller.join();
    }

    void startFrontMachine() {
        front = std::make_unique<MockFrontMachine>(MockFrontMachineConfig{dir.file("exchange"), ""}, *platform);
        running = true;
        poller = std::thread([this] {
            while (running) {
                auto done = front->processOutbox();
                if (!done) ADD_FAILURE() << done.status().toString();
                std::this_thread::sleep_for(std::chrono::milliseconds(100));
            }
        });
    }

    CommandResult gw(const std::string& arguments) {
        return runCommand(std::string(CREDITGW_BINARY) + " " + arguments + " --data-dir " + dir.file("data") +
                          " --store " + dir.file("store.db"));
    }

    std::string uploadArgs(const TargetCase& c) {
        std::string args = "upload --target " + c.target +
                           " --unit-code 11371300MB20260018 --unit-name 示范市交通运输局 --signing-key " + certs +
                           "/signing.key --wait 60";
        if (c.channel == "filedrop") return args + " --channel-dir " + dir.file("exchange") + " --receipt-poll 1";
        return args + " --endpoint " + platform->endpoint() + " --ca " + certs + "/ca.pem --cert " + certs +
               "/client.pem --key " + certs + "/client.key";
    }

    std::string sql(const std::string& query) {
        return runCommand("sqlite3 " + dir.file("store.db") + " \"" + query + "\"").output;
    }

    creditgw::test::ScratchDir dir{"target-channels-e2e"};
    std::string certs;
    std::unique_ptr<MockPlatform> platform;
    std::unique_ptr<MockFrontMachine> front;
    std::atomic<bool> running{false};
    std::thread poller;
};

TEST_P(TargetChannelsEndToEndTest, FivePenaltiesAreUploadedReceiptedPerRecordAndCountedInTheFourRates) {
    const TargetCase& c = GetParam();
    // Given the target's shipped profile, which names its channel
    const std::string profile = readFile(dir.file("data/mappings/" + c.target + "/profile.xml"));
    const bool namesFiledrop = profile.find("<setting name=\"channel\" value=\"filedrop\"/>") != std::string::npos;
    EXPECT_EQ(namesFiledrop ? "filedrop" : "https", c.channel) << c.target << "/profile.xml";
    if (c.channel == "filedrop") startFrontMachine();

    // When five penalties are ingested and uploaded to it
    ASSERT_EQ(gw("ingest --kind cf --input " + dir.file("cf.csv")).exitCode, 0);
    CommandResult upload = gw(uploadArgs(c));

    // Then the four valid ones went out in one batch in the target's envelope, and the
    // platform's receipt answered each: three accepted, the 测试 one rejected
    ASSERT_EQ(upload.exitCode, 0) << upload.output;
    EXPECT_NE(upload.output.find("queued 4 records in 1 batches"), std::string::npos) << upload.output;
    EXPECT_NE(upload.output.find("accepted 3, rejected 1"), std::string::npos) << upload.output;
    EXPECT_EQ(sql("SELECT state || ' ' || substr(content_type, 1, " + std::to_string(c.payload.size()) +
                  ") FROM batches WHERE target='" + c.target + "'"),
              "done " + c.payload + "\n");
    EXPECT_EQ(sql("SELECT state, COUNT(*) FROM deliveries WHERE target='" + c.target +
                  "' GROUP BY state ORDER BY state"),
              "accepted|3\nheld|1\nrejected|1\n");
    EXPECT_EQ(sql("SELECT reason_code FROM deliveries WHERE target='" + c.target + "' AND state='rejected'"),
              "E301\n");
    EXPECT_EQ(platform->counters().batches, 1u);
    EXPECT_EQ(platform->counters().accepted, 3u);
    EXPECT_EQ(platform->counters().rejected, 1u);
    if (front) {
        EXPECT_EQ(front->counters().receipts, 1u);
    }

    // and the statistics count them: 上报率 3/5, 合规率 3/4, 及时率 2/3, 完整率 over the four sent
    CommandResult stats = gw("stats --format json --as-of 2026-11-23 --target " + c.target);
    ASSERT_EQ(stats.exitCode, 0) << stats.output;
    auto json = Poco::JSON::Parser().parse(stats.output).extract<Poco::JSON::Object::Ptr>();
    auto counts = json->getObject("counts");
    EXPECT_EQ(counts->getValue<int>("must_report"), 5);
    EXPECT_EQ(counts->getValue<int>("accepted"), 3);
    EXPECT_EQ(counts->getValue<int>("rejected"), 1);
    EXPECT_EQ(counts->getValue<int>("on_time"), 2);
    EXPECT_NEAR(json->getValue<double>("reporting_rate"), 3.0 / 5.0, 1e-6);
    EXPECT_NEAR(json->getValue<double>("compliance_rate"), 3.0 / 4.0, 1e-6);
    EXPECT_NEAR(json->getValue<double>("timeliness_rate"), 2.0 / 3.0, 1e-6);
    ASSERT_TRUE(json->has("completeness_rate")) << stats.output;
    EXPECT_GT(json->getValue<double>("completeness_rate"), 0.0) << stats.output;
}

// Reconciliation over every https target: right after the upload the platform and the store
// agree (no record reported `behind` by a hash computed another way), and a correction the
// platform answered but lost leaves it a version behind, which is found and sent again.
class HttpsTargetReconcileTest : public TargetChannelsEndToEndTest {};

TEST_P(HttpsTargetReconcileTest, ReconciliationAgreesAfterTheUploadAndFindsAVersionThePlatformLost) {
    const TargetCase& c = GetParam();
    ASSERT_EQ(gw("ingest --kind cf --input " + dir.file("cf.csv")).exitCode, 0);
    ASSERT_EQ(gw(uploadArgs(c)).exitCode, 0);
    const std::string tls = " --endpoint " + platform->endpoint() + " --ca " + certs + "/ca.pem --cert " + certs +
                            "/client.pem --key " + certs + "/client.key";
    const std::string reconcile = "reconcile --target " + c.target + " --as-of 2026-11-23 --format json" + tls;
    CommandResult agreed = gw(reconcile);
    EXPECT_EQ(agreed.exitCode, 0) << agreed.output;
    EXPECT_NE(agreed.output.find("\"checked\":5,\"platform_held\":3"), std::string::npos) << agreed.output;

    // A correction of 示交罚〔2026〕1号 is answered accepted but lost: the platform keeps the first version.
    std::string csv = creditgw::test::fivePenaltiesCsv();
    csv.replace(csv.find("车货总重超过限定标准"), std::string("车货总重超过限定标准").size(), "车货总重超过限定标准（更正）");
    creditgw::test::writeFile(dir.file("cf-corrected.csv"), csv);
    ASSERT_EQ(gw("ingest --kind cf --input " + dir.file("cf-corrected.csv")).exitCode, 0);
    platform->setLoseShare(1.0);
    ASSERT_EQ(gw(uploadArgs(c)).exitCode, 0);
    platform->setLoseShare(0.0);
    ASSERT_EQ(platform->lostKeys().size(), 1u);
    CommandResult behind = gw(reconcile);
    // Only a target whose platform reports the hash of the mapped fields can tell (the creditchina
    // plugin, or reconcile.contentHash=fields in the profile); the others report no finding.
    const bool hashes = c.target.rfind("creditchina", 0) == 0 ||
                        readFile(dir.file("data/mappings/" + c.target + "/profile.xml"))
                                .find("<setting name=\"reconcile.contentHash\" value=\"fields\"/>") != std::string::npos;
    if (!hashes) {
        EXPECT_EQ(behind.exitCode, 0) << "never a false `behind`: " << behind.output;
        return;
    }
    EXPECT_EQ(behind.exitCode, 1) << behind.output;
    auto report = Poco::JSON::Parser().parse(behind.output).extract<Poco::JSON::Object::Ptr>();
    ASSERT_EQ(report->getArray("behind")->size(), 1u) << behind.output;
    EXPECT_EQ(report->getArray("behind")->getObject(0)->getValue<std::string>("key"), platform->lostKeys().front());
    EXPECT_EQ(report->getValue<int>("requeued"), 1);
    ASSERT_EQ(gw(uploadArgs(c)).exitCode, 0);
    CommandResult settled = gw(reconcile);
    EXPECT_EQ(settled.exitCode, 0) << "the re-sent version is the one held now: " << settled.output;
}

std::string caseName(const ::testing::TestParamInfo<TargetCase>& info) {
    std::string name = info.param.target;
    std::replace(name.begin(), name.end(), '-', '_');
    return name;
}

// The record query needs the https channel.
std::vector<TargetCase> httpsTargets() {
    std::vector<TargetCase> https;
    for (const auto& c : kTargets)
        if (c.channel == "https") https.push_back(c);
    return https;
}

INSTANTIATE_TEST_SUITE_P(ShippedTargets, TargetChannelsEndToEndTest, ::testing::ValuesIn(kTargets), caseName);
INSTANTIATE_TEST_SUITE_P(ShippedTargets, HttpsTargetReconcileTest, ::testing::ValuesIn(httpsTargets()), caseName);

}  // namespace
