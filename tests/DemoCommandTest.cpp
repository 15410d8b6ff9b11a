// `creditgw demo` on an injected "today": the shipped samples (fixed in November 2026) are
// shifted into a work copy and replayed, so the picture is realistic on any day.

#include <gtest/gtest.h>

#include <regex>

#include "TestSupport.h"

using namespace creditgw;

namespace {

std::string demo(const test::ScratchDir& dir, const std::string& asOf, int& exitCode) {
    auto run = test::runCommand(std::string(CREDITGW_BINARY) + " demo --work-dir " + dir.file("demo") +
                                " --as-of " + asOf);
    exitCode = run.exitCode;
    return run.output;
}

std::string statsJson(const test::ScratchDir& dir, const std::string& options) {
    auto run = test::runCommand(std::string(CREDITGW_BINARY) + " stats --store " + dir.file("demo/creditgw.db") +
                                " --format json " + options);
    EXPECT_EQ(run.exitCode, 0) << run.output;
    return run.output;
}

long long countIn(const std::string& json, const std::string& name) {
    std::smatch m;
    if (!std::regex_search(json, m, std::regex("\"" + name + "\":(\\d+)"))) return -1;
    return std::stoll(m[1].str());
}

}  // namespace

TEST(DemoCommandTest, OnAnInjectedDayInAnotherMonthTimelinessIsNeitherNoneNorAll) {
    test::ScratchDir dir{"demo-shifted"};
    int exitCode = -1;
    // Given a "today" six weeks before the samples' November and in a month of holidays (国庆),
    std::string output = demo(dir, "2026-10-14", exitCode);
    ASSERT_EQ(exitCode, 0) << output;

    // then the summary prints 及时率 with its numerator and denominator, strictly between 0 and 100%,
    std::smatch m;
    ASSERT_TRUE(std::regex_search(output, m, std::regex(R"(及时率  ([0-9.]+)%  \(7个工作日内接收 (\d+) / 已到期应报送 (\d+)\))")))
        << output;
    long onTime = std::stol(m[2].str()), decided = std::stol(m[3].str());
    EXPECT_GT(onTime, 0) << output;
    EXPECT_LT(onTime, decided) << output;
    EXPECT_NE(m[1].str(), "0.0");
    EXPECT_NE(m[1].str(), "100.0");
    // and says which records are on time, which late and why, and which still within their deadline.
    EXPECT_NE(output.find("统计日 2026-10-14"), std::string::npos) << output;
    ASSERT_TRUE(std::regex_search(output, m,
                                  std::regex(R"(逾期 (\d+) 条：平台接收晚于期限 (\d+) 条（上传延误）；期限已过仍未被接收 (\d+) 条)")))
        << output;
    EXPECT_GT(std::stol(m[2].str()), 0) << "some accepted after their deadline";
    EXPECT_GT(std::stol(m[3].str()), 0) << "some never accepted by their deadline";
    ASSERT_TRUE(std::regex_search(output, m, std::regex(R"(期限内待报 (\d+) 条)"))) << output;
    EXPECT_GT(std::stol(m[1].str()), 0) << "the newest decisions are still within their deadline";

    // The stats command reads the same store the same way on the same day.
    std::string json = statsJson(dir, "--as-of 2026-10-14");
    EXPECT_EQ(countIn(json, "on_time"), onTime) << json;
    EXPECT_EQ(countIn(json, "timeliness_denominator"), decided) << json;
    // Decisions fall over the weeks before "today", the newest in its last week, none after it.
    EXPECT_GT(countIn(statsJson(dir, "--as-of 2026-10-14 --from 2026-10-07 --to 2026-10-13"), "must_report"), 0);
    EXPECT_EQ(countIn(statsJson(dir, "--as-of 2026-10-14 --from 2026-10-14"), "must_report"), 0);
}

TEST(DemoCommandTest, TheShippedSamplesStayAsTheyAreAndHeldRowsKeepTheirLines) {
    test::ScratchDir dir{"demo-copy"};
    std::string shipped = test::readFile(test::sourcePath("samples/xk_2026_utf8.csv"));
    int exitCode = -1;
    std::string output = demo(dir, "2026-10-14", exitCode);
    ASSERT_EQ(exitCode, 0) << output;
    EXPECT_EQ(test::readFile(test::sourcePath("samples/xk_2026_utf8.csv")), shipped);
    std::string copy = test::readFile(dir.file("demo/samples/xk_2026_utf8.csv"));
    EXPECT_NE(copy, shipped);
    // Shifted by whole weeks; 长期 and the impossible planted date are left alone.
    EXPECT_NE(copy.find("2099/12/31"), std::string::npos);
    EXPECT_NE(copy.find("2027/02/30"), std::string::npos);
    // The planted defects are reported at the lines samples/README.md names.
    EXPECT_NE(output.find("xk_2026_utf8.csv:128"), std::string::npos) << output;
    EXPECT_NE(output.find("cf_2026_bad_bytes_gbk.csv:5"), std::string::npos) << output;
    EXPECT_NE(output.find("cf_2026_codes_utf8.csv:90"), std::string::npos) << output;
}

TEST(DemoCommandTest, ADayAfterTodayOrNotADateIsAUsageError) {
    test::ScratchDir dir{"demo-future"};
    int exitCode = -1;
    std::string output = demo(dir, "2199-01-01", exitCode);
    EXPECT_EQ(exitCode, 2) << output;
    EXPECT_NE(output.find("is after today"), std::string::npos) << output;
    output = demo(dir, "2026-13-01", exitCode);
    EXPECT_EQ(exitCode, 2) << output;
    EXPECT_NE(output.find("--as-of \"2026-13-01\" is not a date"), std::string::npos) << output;
}
