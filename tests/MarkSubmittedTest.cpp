// `creditgw mark-submitted`: a file made by `creditgw export` and uploaded by hand counts in
// 上报率 and 及时率 from the time the officer gives. The real binary on a real store.

#include <gtest/gtest.h>

#include <Poco/JSON/Parser.h>

#include "TestSupport.h"

using creditgw::test::CommandResult;
using creditgw::test::runCommand;
using creditgw::test::writeFile;

namespace {

using creditgw::test::kPenaltyHeader;
using creditgw::test::penaltyRow;

class MarkSubmittedTest : public ::testing::Test {
protected:
    void SetUp() override {
        // Three within their deadline, one decided long ago, one the gateway holds (bad USCC).
        writeFile(dir.file("cf.csv"),
                  std::string(kPenaltyHeader) + penaltyRow("示范市顺达物流有限公司", "914403001922038216", "示交罚〔2026〕1号", "2026-11-20") +
                      penaltyRow("示范市安达物流有限公司", "914403001922038216", "示交罚〔2026〕2号", "2026-11-19") +
                      penaltyRow("示范市平安运输有限公司", "914403001922038216", "示交罚〔2026〕6号", "2026-11-18") +
                      penaltyRow("示范市远达运输有限公司", "91350100M000100Y43", "示交罚〔2026〕3号", "2026-09-01") +
                      penaltyRow("示范市坏码运输有限公司", "914403001922038217", "示交罚〔2026〕4号", "2026-11-18"));
        ASSERT_EQ(gw("ingest --kind cf --input " + dir.file("cf.csv")).exitCode, 0);
        // Mapped and validated, but not sent (only xk goes to the platform): ready for export.
        const std::string certs = creditgw::test::devCertsDir();
        CommandResult mapped = gw("upload --kinds xk --once --unit-code 11371300MB20260018 --unit-name 示范市交通运输局"
                                  " --endpoint https://127.0.0.1:1/api --ca " + certs + "/ca.pem --signing-key " + certs +
                                  "/signing.key");
        ASSERT_EQ(mapped.exitCode, 0) << mapped.output;
        CommandResult exported = gw("export --kind cf --format csv --out " + dir.file("export.csv"));
        ASSERT_EQ(exported.exitCode, 0) << exported.output;
        ASSERT_NE(exported.output.find("wrote 4 records"), std::string::npos) << exported.output;
    }

    CommandResult gw(const std::string& arguments) {
        return runCommand(std::string(CREDITGW_BINARY) + " " + arguments + " --store " + dir.file("store.db"));
    }

    std::string sql(const std::string& query) {
        return runCommand("sqlite3 " + dir.file("store.db") + " \"" + query + "\"").output;
    }

    creditgw::test::ScratchDir dir{"mark-submitted"};
};

}  // namespace

TEST_F(MarkSubmittedTest, AnUploadedExportCountsInTheReportingAndTimelinessRates) {
    CommandResult marked = gw("mark-submitted --file " + dir.file("export.csv") + " --accepted-at 2026-11-23T10:00");
    ASSERT_EQ(marked.exitCode, 0) << marked.output;
    EXPECT_NE(marked.output.find("marked accepted at 2026-11-23T10:00:00+08:00: 4"), std::string::npos) << marked.output;
    EXPECT_EQ(sql("SELECT state, accepted_at, count(*) FROM deliveries GROUP BY 1, 2 ORDER BY 1"),
              "accepted|2026-11-23T10:00:00+08:00|4\nheld||1\n");
    EXPECT_EQ(sql("SELECT count(*) FROM history WHERE detail LIKE '%mark-submitted%'"), "4\n");

    CommandResult stats = gw("stats --format json --as-of 2026-11-23");
    ASSERT_EQ(stats.exitCode, 0) << stats.output;
    auto json = Poco::JSON::Parser().parse(stats.output).extract<Poco::JSON::Object::Ptr>();
    auto counts = json->getObject("counts");
    EXPECT_EQ(counts->getValue<int>("must_report"), 5);
    EXPECT_EQ(counts->getValue<int>("accepted"), 4);
    EXPECT_EQ(counts->getValue<int>("on_time"), 3);  // 11-20, 11-19, 11-18; 09-01 was late
    EXPECT_EQ(counts->getValue<int>("late"), 1);
    EXPECT_NEAR(json->getValue<double>("reporting_rate"), 4.0 / 5.0, 1e-6);
    EXPECT_NEAR(json->getValue<double>("timeliness_rate"), 3.0 / 4.0, 1e-6);

    // Marked once: a second time changes nothing, and nothing is left to upload.
    CommandResult again = gw("mark-submitted --file " + dir.file("export.csv") + " --accepted-at 2026-11-23T11:00:30");
    EXPECT_NE(again.output.find(": 0; already accepted 4"), std::string::npos) << again.output;
    EXPECT_EQ(sql("SELECT count(*) FROM deliveries WHERE state='ready' OR accepted_at LIKE '%11:00%'"), "0\n");
}

TEST_F(MarkSubmittedTest, AnEditedFileABadTimeAndAnUnknownOptionAreRefused) {
    writeFile(dir.file("edited.csv"), creditgw::test::readFile(dir.file("export.csv")) + "\r\n");
    CommandResult edited = gw("mark-submitted --file " + dir.file("edited.csv") + " --accepted-at 2026-11-23T10:00");
    EXPECT_NE(edited.exitCode, 0);
    EXPECT_NE(edited.output.find("not made by `creditgw export`"), std::string::npos) << edited.output;
    for (const char* bad : {"2026-11-23", "2026-02-30T10:00", "2026-11-23T24:00", "2999-01-01T00:00"})
        EXPECT_EQ(gw("mark-submitted --file " + dir.file("export.csv") + " --accepted-at " + bad).exitCode, 2) << bad;
    EXPECT_EQ(gw("mark-submitted --file " + dir.file("export.csv") + " --acepted-at 2026-11-23T10:00").exitCode, 2);
    EXPECT_EQ(sql("SELECT count(*) FROM deliveries WHERE state='accepted'"), "0\n");
}
