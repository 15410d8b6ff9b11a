// Specification of the `database` source plugin and its watermark, against the real PostgreSQL
// server the ctest fixture starts (CREDITGW_TEST_POSTGRES): rows come in watermark order, a
// killed connection (pg_terminate_backend) is re-established without losing or repeating a row,
// a connection that stays broken fails the read with the rows so far intact, and the real binary
// killed after a committed chunk resumes exactly after it.

#include <gtest/gtest.h>

#include <Poco/ClassLoader.h>
#include <Poco/URI.h>

#include <sys/stat.h>

#include <filesystem>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "SourcePluginSupport.h"
#include "TestSupport.h"
#include "creditgw/MockPlatform.h"
#include "creditgw/SourcePlugin.h"

using namespace creditgw;
using creditgw::test::ScratchDir;
using creditgw::test::allProblems;
using creditgw::test::columnValue;
using creditgw::test::contains;
using creditgw::test::peakResidentKib;
using creditgw::test::resetPeakResident;

namespace {

class DatabaseSourcePluginTest : public ::testing::Test {
protected:
    void SetUp() override {
        // ctest runs the tests of this file in parallel: each gets its own table and role.
        std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
        suffix = std::to_string(std::hash<std::string>()(name) % 100000);
        table = "cases_" + suffix;
        role = "creditgw_reader_" + suffix;
        url = test::testPostgresUrl();
        Poco::URI uri(url);
        connect = "host=" + uri.getHost() + " port=" + std::to_string(uri.getPort()) + " dbname=" +
                  uri.getPath().substr(1) + " user=" + role;
        sql("DROP TABLE IF EXISTS " + table + "; DROP ROLE IF EXISTS " + role + ";"
            "CREATE ROLE " + role + " LOGIN PASSWORD 'zhifa-secret';"
            "CREATE TABLE " + table + " (id serial PRIMARY KEY, 案件编号 text, 当事人 text, 罚款金额 numeric(12,2),"
            " 处罚日期 date, updated_at timestamp(6) NOT NULL);"
            "GRANT SELECT ON " + table + " TO " + role + ";");
        insertCases(1, 2500);
        test::writeFile(dir.file("password"), "zhifa-secret\n");
        ::chmod(dir.file("password").c_str(), 0600);
        writeSource(100);
        plugin = test::loadSourcePlugin("database.so", "creditgw::DatabaseSourcePlugin");
        ASSERT_TRUE(plugin);
    }

    void TearDown() override { sql("DROP TABLE IF EXISTS " + table + "; DROP OWNED BY " + role + "; DROP ROLE IF EXISTS " + role + ";"); }

    /// Runs SQL as the fixture's superuser through psql, a client that is not ours.
    std::string sql(const std::string& statements) {
        test::writeFile(dir.file("run.sql"), statements);
        auto ran = test::runCommand("psql -q -X -v ON_ERROR_STOP=1 -t -A '" + url + "' -f " + dir.file("run.sql") +
                                    " 2>&1");
        EXPECT_EQ(ran.exitCode, 0) << ran.output;
        return ran.output;
    }

    /// Rows from..to; three share each updated_at, which has half seconds: the watermark must be
    /// (updated_at, id) and exact to the microsecond.
    void insertCases(int from, int to) {
        sql("INSERT INTO " + table + " (案件编号, 当事人, 罚款金额, 处罚日期, updated_at) SELECT '示交罚〔2026〕第' || g || '号', "
            "'示范公司' || g, g * 1.05, DATE '2026-01-01' + (g % 300), TIMESTAMP '2026-01-01' + (g / 3) * "
            "INTERVAL '1.5 second' FROM generate_series(" + std::to_string(from) + ", " + std::to_string(to) + ") g;");
    }

    void writeSource(int pageSize) {
        test::writeFile(dir.file("cf.dbsource"),
                        "# 执法系统 行政处罚\nname = county-cf\nconnector = postgresql\nconnect = " + connect +
                            "\npassword_file = " + dir.file("password") +
                            "\nquery = SELECT id, '11371300MB20260018' AS \"CF_CFJGDM\", 案件编号 AS \"CF_WSH\", 当事人 AS \"CF_XDR_MC\", 罚款金额 AS "
                            "\"CF_NR_FK\", 处罚日期 AS \"CF_JDRQ\", updated_at FROM " + table + "\n"
                            "watermark = updated_at, id\npage_size = " + std::to_string(pageSize) + "\n");
    }

    Result<std::unique_ptr<RowReader>> open() {
        SourceOptions options;
        options.path = dir.file("cf.dbsource");
        return plugin->open(options);
    }

    void killReaderConnections() {
        sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '" + role + "';");
    }

    std::string suffix, table, role, url, connect;
    ScratchDir dir{"database-plugin"};
    std::unique_ptr<SourcePlugin> plugin;
};

}  // namespace

TEST_F(DatabaseSourcePluginTest, GivenAQuery_ThenRowsComeTypedAsTextInWatermarkOrder) {
    auto reader = open();
    ASSERT_TRUE(reader.isOk()) << reader.status().toString();
    EXPECT_EQ((*reader)->watermarkKey(), "database:county-cf");
    ASSERT_EQ((*reader)->header().size(), 7u);
    SourceRow row;
    ASSERT_TRUE((*reader)->next(row));
    EXPECT_EQ(columnValue(row, "CF_WSH"), "示交罚〔2026〕第1号");
    EXPECT_EQ(columnValue(row, "CF_NR_FK"), "1.05");
    EXPECT_EQ(columnValue(row, "CF_JDRQ"), "2026-01-02");
    EXPECT_EQ(row.line, 1u);
    for (int i = 2; i <= 3; ++i) ASSERT_TRUE((*reader)->next(row));
    EXPECT_EQ(row.watermark, "[\"2026-01-01 00:00:01.5\",\"3\"]") << "exact, microseconds kept";
}

TEST_F(DatabaseSourcePluginTest, GivenTheConnectionKilledMidRead_ThenItReconnectsAndNoRowIsLostOrRepeated) {
    auto reader = open();
    ASSERT_TRUE(reader.isOk()) << reader.status().toString();
    std::vector<int> ids;
    SourceRow row;
    while ((*reader)->next(row)) {
        ids.push_back(std::stoi(columnValue(row, "id")));
        if (ids.size() == 350) killReaderConnections();  // mid-page: the next page needs a new connection
    }
    EXPECT_TRUE((*reader)->finalStatus().isOk()) << (*reader)->finalStatus().toString();
    ASSERT_EQ(ids.size(), 2500u);
    for (int i = 0; i < 2500; ++i) ASSERT_EQ(ids[static_cast<std::size_t>(i)], i + 1) << "in order, each once";
}

TEST_F(DatabaseSourcePluginTest, GivenTheDatabaseGoneForGood_ThenTheReadFailsAndResumesExactlyLater) {
    auto reader = open();
    ASSERT_TRUE(reader.isOk()) << reader.status().toString();
    std::set<int> seen;
    SourceRow row;
    std::string last;
    while ((*reader)->next(row)) {
        seen.insert(std::stoi(columnValue(row, "id")));
        last = row.watermark;
        if (seen.size() == 150) {
            sql("ALTER ROLE " + role + " NOLOGIN;");
            killReaderConnections();
        }
    }
    Status failed = (*reader)->finalStatus();
    EXPECT_EQ(failed.code(), StatusCode::Transient) << failed.toString();
    EXPECT_TRUE(contains(failed.message(), "could not be re-established")) << failed.message();
    EXPECT_FALSE(contains(failed.message(), "zhifa-secret")) << "never the password";
    EXPECT_EQ(seen.size(), 200u) << "the page already fetched is whole";

    sql("ALTER ROLE " + role + " LOGIN;");
    auto again = open();
    ASSERT_TRUE(again.isOk()) << again.status().toString();
    ASSERT_TRUE((*again)->resumeAfter(last).isOk());
    std::size_t more = 0;
    while ((*again)->next(row)) {
        ++more;
        EXPECT_TRUE(seen.insert(std::stoi(columnValue(row, "id"))).second) << "repeated id " << columnValue(row, "id");
    }
    EXPECT_EQ(more, 2300u);
    EXPECT_EQ(seen.size(), 2500u);
}

TEST_F(DatabaseSourcePluginTest, GivenABadSourceFile_ThenOpenNamesTheProblem) {
    ::chmod(dir.file("password").c_str(), 0644);
    auto open644 = open();
    ASSERT_FALSE(open644.isOk());
    EXPECT_TRUE(contains(open644.status().message(), "chmod 600")) << open644.status().message();
    ::chmod(dir.file("password").c_str(), 0600);

    test::writeFile(dir.file("cf.dbsource"), test::readFile(dir.file("cf.dbsource")) + "watermak = id\n");
    auto typo = open();
    ASSERT_FALSE(typo.isOk());
    EXPECT_TRUE(contains(typo.status().message(), "cf.dbsource:9: unknown key \"watermak\""))
        << typo.status().message();
}

TEST_F(DatabaseSourcePluginTest, GivenTheBinaryKilledAfterACommittedChunk_ThenTheNextIngestContinuesExactly) {
    writeSource(700);
    std::string ingest = std::string(CREDITGW_BINARY) + " ingest --kind cf --store " + dir.file("store.db") +
                         " --input " + dir.file("cf.dbsource");
    auto crashed = test::runCommand("CREDITGW_FAULT_POINT=after-store-chunk " + ingest);
    EXPECT_NE(crashed.exitCode, 0) << crashed.output;
    auto resumed = test::runCommand(ingest);
    ASSERT_EQ(resumed.exitCode, 0) << resumed.output;
    EXPECT_TRUE(contains(resumed.output, "rows 1500, new 1500, new versions 0, unchanged 0")) << resumed.output;

    insertCases(2501, 2510);
    sql("UPDATE " + table + " SET 当事人 = '示范公司更名', updated_at = TIMESTAMP '2027-01-01' WHERE id = 7;");
    auto later = test::runCommand(ingest);
    ASSERT_EQ(later.exitCode, 0) << later.output;
    EXPECT_TRUE(contains(later.output, "rows 11, new 10, new versions 1, unchanged 0")) << later.output;
    auto counted = test::runCommand("sqlite3 " + dir.file("store.db") +
                                    " 'SELECT count(*), count(DISTINCT identity) FROM records WHERE is_latest=1'");
    EXPECT_TRUE(contains(counted.output, "2510|2510")) << counted.output;
}

TEST_F(DatabaseSourcePluginTest, GivenAPollRoute_ThenTheDaemonReadsTheQueryEveryCycleFromItsWatermark) {
    MockPlatform platform(test::devMockPlatformConfig());
    ASSERT_TRUE(platform.start());
    const std::string certs = test::devCertsDir();
    std::filesystem::create_directories(dir.file("inbox"));
    test::writeFile(dir.file("inbox/inbox.xml"),
                    "<inbox><poll input=\"" + dir.file("cf.dbsource") + "\" kind=\"cf\"/></inbox>\n");
    std::string run = std::string(CREDITGW_BINARY) + " run --once --settle-seconds 0 --inbox " + dir.file("inbox") +
                      " --endpoint " + platform.endpoint() + " --ca " + certs + "/ca.pem --cert " + certs +
                      "/client.pem --key " + certs + "/client.key --signing-key " + certs +
                      "/signing.key --store " + dir.file("daemon.db") +
                      " --unit-code 11371300MB20260018 --unit-name 示范市交通运输局";
    auto first = test::runCommand(run);
    ASSERT_EQ(first.exitCode, 0) << first.output;
    EXPECT_TRUE(contains(first.output, "rows 2500, new 2500")) << first.output;
    EXPECT_TRUE(std::filesystem::exists(dir.file("cf.dbsource"))) << "a polled source is never moved";
    insertCases(2501, 2503);
    auto second = test::runCommand(run);
    ASSERT_EQ(second.exitCode, 0) << second.output;
    EXPECT_TRUE(contains(second.output, "rows 3, new 3")) << second.output;
}
