// End to end over the 前置库 channel: the real creditgw binary with the real frontdb.so, and the
// real PostgreSQL of the ctest fixture (CREDITGW_TEST_POSTGRES). The test plays the platform's
// side with SQL through psql, a client we did not write.

#include <gtest/gtest.h>

#include <filesystem>
#include <regex>

#include <Poco/JSON/Parser.h>
#include <Poco/URI.h>

#include "TestSupport.h"

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

class FrontDbEndToEndTest : public ::testing::Test {
protected:
    void SetUp() override {
        certs = creditgw::test::devCertsDir();
        std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
        table = "qzk_xzcf_" + std::to_string(std::hash<std::string>()(name) % 100000);
        url = creditgw::test::testPostgresUrl();
        Poco::URI uri(url);
        connect = "host=" + uri.getHost() + " port=" + std::to_string(uri.getPort()) + " dbname=" +
                  uri.getPath().substr(1) + " user=" + uri.getUserInfo();
        // The 前置库 table as the platform defines it: one text column per field of the standard.
        std::string columns;
        std::string mapping = readFile(creditgw::test::sourcePath("mappings/creditchina/cf.xml"));
        std::regex code("<field code=\"([A-Z0-9_]+)\"");
        for (std::sregex_iterator it(mapping.begin(), mapping.end(), code), end; it != end; ++it)
            columns += ", " + Poco::toLower((*it)[1].str()) + " text";
        sql("DROP TABLE IF EXISTS " + table + "; CREATE TABLE " + table +
            " (batch_id text NOT NULL, record_key text NOT NULL, operation text NOT NULL" + columns +
            ", czlx text, status text, reason_code text, reason text, processed_at timestamptz,"
            " submitted_at timestamptz NOT NULL DEFAULT now(), UNIQUE (batch_id, record_key));");
        fs::create_directories(dir.file("data"));
        fs::copy(creditgw::test::sourcePath("mappings"), dir.file("data/mappings"), fs::copy_options::recursive);
        fs::create_directory_symlink(creditgw::test::sourcePath("data"), dir.file("data/data"));
        const std::string profile = dir.file("data/mappings/creditchina/profile.xml");
        std::string text = readFile(profile);
        text.replace(text.find("</profile>"), 10,
                     "  <setting name=\"channel\" value=\"frontdb\"/>\n  <setting name=\"channel.table\" value=\"" +
                         table + "\"/>\n</profile>\n");
        writeFile(profile, text);
        writeFile(dir.file("cf.csv"), fivePenaltiesCsv());
    }

    void TearDown() override { sql("DROP TABLE IF EXISTS " + table + ";"); }

    std::string sql(const std::string& statements) {
        writeFile(dir.file("run.sql"), statements);
        auto ran = runCommand("psql -q -X -v ON_ERROR_STOP=1 -t -A '" + url + "' -f " + dir.file("run.sql"));
        EXPECT_EQ(ran.exitCode, 0) << ran.output;
        return ran.output;
    }

    CommandResult gw(const std::string& arguments, const std::string& environment = "") {
        return runCommand(environment + std::string(CREDITGW_BINARY) + " " + arguments + " --data-dir " +
                          dir.file("data") + " --store " + dir.file("store.db"));
    }

    std::string uploadArgs(const std::string& extra) {
        return "upload --unit-code 11371300MB20260018 --unit-name 示范市交通运输局 --signing-key " + certs +
               "/signing.key --channel-db '" + connect + "' --receipt-poll 1 " + extra;
    }

    creditgw::test::ScratchDir dir{"frontdb-e2e"};
    std::string certs, table, url, connect;
};

}  // namespace

TEST_F(FrontDbEndToEndTest, RowsAreInsertedOnceEvenAfterACrashAndTheStatusColumnIsTheReceipt) {
    ASSERT_EQ(gw("ingest --kind cf --input " + dir.file("cf.csv")).exitCode, 0);
    // Killed right after the insert committed: the rows are there, the store still says inflight.
    CommandResult crashed = gw(uploadArgs("--once"), "CREDITGW_FAULT_POINT=after-send ");
    EXPECT_NE(crashed.exitCode, 0);
    EXPECT_EQ(sql("SELECT count(*) FROM " + table), "4\n");
    ASSERT_EQ(runCommand("sqlite3 " + dir.file("store.db") + " 'UPDATE batches SET next_attempt_at=0'").exitCode, 0);
    CommandResult waiting = gw(uploadArgs("--once"));
    EXPECT_NE(waiting.output.find("still waiting 1"), std::string::npos) << waiting.output;
    EXPECT_EQ(sql("SELECT count(*) FROM " + table), "4\n");  // asked, not inserted again
    EXPECT_EQ(sql("SELECT count(DISTINCT batch_id) || ' ' || min(operation) FROM " + table), "1 submit\n");
    EXPECT_EQ(sql("SELECT cf_wsh FROM " + table + " WHERE cf_xdr_mc = '示范市顺达物流有限公司'"), "示交罚〔2026〕1号\n");

    // The platform's side judges the rows.
    sql("UPDATE " + table + " SET status = 'accepted', processed_at = '2026-11-23T10:00:00+08:00';"
        "UPDATE " + table + " SET status = 'rejected', reason_code = 'E301', reason = '疑似测试数据，不予接收'"
        " WHERE cf_xdr_mc LIKE '测试%';");
    ASSERT_EQ(runCommand("sqlite3 " + dir.file("store.db") + " 'UPDATE batches SET next_attempt_at=0'").exitCode, 0);
    CommandResult collected = gw(uploadArgs("--wait 30"));
    ASSERT_EQ(collected.exitCode, 0) << collected.output;
    EXPECT_NE(collected.output.find("accepted 3, rejected 1"), std::string::npos) << collected.output;
    EXPECT_EQ(sql("SELECT count(*) FROM " + table), "4\n");

    CommandResult stats = gw("stats --format json --as-of 2026-11-23");
    ASSERT_EQ(stats.exitCode, 0) << stats.output;
    auto json = Poco::JSON::Parser().parse(stats.output).extract<Poco::JSON::Object::Ptr>();
    EXPECT_EQ(json->getObject("counts")->getValue<int>("accepted"), 3);
    EXPECT_EQ(json->getObject("counts")->getValue<int>("on_time"), 2);
    EXPECT_NEAR(json->getValue<double>("reporting_rate"), 3.0 / 5.0, 1e-6);
    EXPECT_NEAR(json->getValue<double>("compliance_rate"), 3.0 / 4.0, 1e-6);
    EXPECT_NEAR(json->getValue<double>("timeliness_rate"), 2.0 / 3.0, 1e-6);
}

TEST_F(FrontDbEndToEndTest, RowsWithoutStatusPastEveryLimitStayInDoubtAndAreNeverRequeued) {
    ASSERT_EQ(gw("ingest --kind cf --input " + dir.file("cf.csv")).exitCode, 0);
    // Given rows the platform's side never answers, past the receipt timeout and the last attempt
    CommandResult inDoubt = gw(uploadArgs("--receipt-timeout 1 --max-attempts 1 --wait 5"));
    // Then the batch is not given up (the platform may have read the rows): in doubt, not dead
    EXPECT_NE(inDoubt.output.find("not given up: 4 rows of batch"), std::string::npos) << inDoubt.output;
    EXPECT_NE(inDoubt.output.find("dead 0, still waiting 1"), std::string::npos) << inDoubt.output;
    EXPECT_EQ(runCommand("sqlite3 " + dir.file("store.db") + " 'SELECT state FROM batches'").output, "unknown\n");
    EXPECT_NE(gw("requeue").output.find(": 0 dead records"), std::string::npos);
    EXPECT_EQ(sql("SELECT count(*) FROM " + table), "4\n");
    // When the platform's side answers at last, its status is the receipt; nothing was inserted twice
    sql("UPDATE " + table + " SET status = 'accepted', processed_at = '2026-11-23T10:00:00+08:00';");
    ASSERT_EQ(runCommand("sqlite3 " + dir.file("store.db") + " 'UPDATE batches SET next_attempt_at=0'").exitCode, 0);
    CommandResult collected = gw(uploadArgs("--wait 30"));
    ASSERT_EQ(collected.exitCode, 0) << collected.output;
    EXPECT_NE(collected.output.find("accepted 4, rejected 0"), std::string::npos) << collected.output;
    EXPECT_EQ(sql("SELECT count(*) || ' ' || count(DISTINCT batch_id) FROM " + table), "4 1\n");
}

TEST_F(FrontDbEndToEndTest, AMissingTableSettingOrConnectionIsAClearError) {
    ASSERT_EQ(gw("ingest --kind cf --input " + dir.file("cf.csv")).exitCode, 0);
    CommandResult noDb = gw("upload --unit-code 11371300MB20260018 --unit-name 示范市交通运输局 --signing-key " + certs +
                            "/signing.key --once");
    EXPECT_NE(noDb.exitCode, 0);
    EXPECT_NE(noDb.output.find("--channel-db"), std::string::npos) << noDb.output;
    CommandResult down = gw(uploadArgs("--once").replace(uploadArgs("--once").find(connect), connect.size(),
                                                          "host=127.0.0.1 port=1 dbname=x user=x"));
    EXPECT_NE(down.exitCode, 0);
    EXPECT_NE(down.output.find("cannot connect"), std::string::npos) << down.output;
    EXPECT_EQ(runCommand("sqlite3 " + dir.file("store.db") + " 'SELECT state FROM batches'").output, "pending\n");
}
