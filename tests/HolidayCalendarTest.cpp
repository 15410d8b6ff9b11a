// The operators' local holiday folder (a new year's State Council notice, or a corrected year)
// and provisional (暂定) deadlines for warnings when a year is still unknown.

#include <gtest/gtest.h>

#include <cstdlib>

#include "TestSupport.h"
#include "creditgw/Statistics.h"
#include "creditgw/WorkingDayCalendar.h"

using namespace creditgw;

namespace {

CivilDate date(const char* iso) { return *CivilDate::parse(iso); }

// A 2027 notice in the data/holidays format: 元旦 on Fri 01-01, and (to show why a Mon–Fri
// guess is unsafe) a 调休 working Saturday on 01-02.
const char* k2027 = R"({"year": 2027, "papers": [], "days": [
  {"name": "元旦", "date": "2027-01-01", "isOffDay": true},
  {"name": "元旦", "date": "2027-01-02", "isOffDay": false}]})";

class HolidayCalendarTest : public ::testing::Test {
protected:
    void SetUp() override { ::setenv("CREDITGW_HOLIDAYS_DIR", local.path().c_str(), 1); }
    void TearDown() override { ::unsetenv("CREDITGW_HOLIDAYS_DIR"); }

    WorkingDayCalendar load() {
        auto calendar = WorkingDayCalendar::loadWithLocal(test::sourcePath("data/holidays"));
        EXPECT_TRUE(calendar) << calendar.status().toString();
        return calendar ? *calendar : WorkingDayCalendar{};
    }
    test::ScratchDir local{"holidays-local"};
};

DeliveryFact queued(const std::string& decided) {
    DeliveryFact f;
    f.kind = "cf";
    f.department = "综合执法支队一大队";
    f.decisionDate = decided;
    f.state = "queued";
    f.documentNumber = "示交罚〔2026〕第0999号";
    return f;
}

StatisticsQuery on(const char* today) {
    StatisticsQuery q;
    q.today = date(today);
    return q;
}

}  // namespace

TEST_F(HolidayCalendarTest, ALocalFileAddsTheComingYear) {
    EXPECT_FALSE(load().knowsYear(2027));
    test::writeFile(local.file("2027.json"), k2027);
    WorkingDayCalendar calendar = load();
    ASSERT_TRUE(calendar.knowsYear(2027));
    // Mon 2026-12-28: 12-29, 12-30, 12-31, (01-01 off), 01-02 调休, 01-04, 01-05, 01-06.
    EXPECT_EQ(calendar.deadline(date("2026-12-28"), 7)->toIso(), "2027-01-06");
    auto years = calendar.knownYears();
    EXPECT_EQ(years.back(), std::make_pair(2027, local.file("2027.json")));
    EXPECT_EQ(years.front().first, 2007);
}

TEST_F(HolidayCalendarTest, ALocalFileReplacesTheShippedYear) {
    // A local 2026 that makes Mon 2026-11-23 a holiday (say, a provincial correction).
    test::writeFile(local.file("2026.json"),
                    R"({"year": 2026, "days": [{"name": "x", "date": "2026-11-23", "isOffDay": true}]})");
    WorkingDayCalendar calendar = load();
    EXPECT_FALSE(*calendar.isWorkingDay(date("2026-11-23")));
    EXPECT_TRUE(*calendar.isWorkingDay(date("2026-10-01")));  // the shipped 国庆 is gone with the file it came from
    EXPECT_EQ(calendar.deadline(date("2026-11-20"), 7)->toIso(), "2026-12-02");
}

TEST_F(HolidayCalendarTest, AMalformedLocalFileIsRefusedWithItsName) {
    test::writeFile(local.file("2027.json"), R"({"year": 2027, "days": [{"date": "2027-02-30", "isOffDay": true}]})");
    auto calendar = WorkingDayCalendar::loadWithLocal(test::sourcePath("data/holidays"));
    ASSERT_FALSE(calendar);
    EXPECT_NE(calendar.status().message().find(local.file("2027.json") + ": days[0]"), std::string::npos)
        << calendar.status().message();
    test::writeFile(local.file("2027.json"), R"({"year": 2027, "days": [{"date": "2028-01-03", "isOffDay": true}]})");
    calendar = WorkingDayCalendar::loadWithLocal(test::sourcePath("data/holidays"));
    ASSERT_FALSE(calendar);
    EXPECT_NE(calendar.status().message().find("neither in 2027"), std::string::npos) << calendar.status().message();
}

TEST_F(HolidayCalendarTest, NoLocalFolderIsNormal) {
    ::setenv("CREDITGW_HOLIDAYS_DIR", local.file("absent").c_str(), 1);
    EXPECT_TRUE(load().knowsYear(2026));
}

TEST_F(HolidayCalendarTest, TheEarliestDeadlineIsNeverAfterTheRealOne) {
    WorkingDayCalendar unknown = load();
    test::writeFile(local.file("2027.json"), k2027);
    WorkingDayCalendar known = load();
    auto earliest = unknown.earliestDeadline(date("2026-12-28"), 7);
    EXPECT_TRUE(earliest.provisional);
    EXPECT_EQ(earliest.unknownYears, std::vector<int>{2027});
    EXPECT_EQ(earliest.date.toIso(), "2027-01-04");  // 3 known days, then 01-01 … 01-04 all counted
    for (CivilDate d = date("2026-12-01"); d <= date("2026-12-31"); d = d.addDays(1)) {
        auto bound = unknown.earliestDeadline(d, 7);
        auto real = known.deadline(d, 7);
        ASSERT_TRUE(real);
        EXPECT_LE(bound.date, *real) << d.toIso();
        EXPECT_EQ(bound.provisional, !unknown.deadline(d, 7)) << d.toIso();
    }
    auto exact = known.earliestDeadline(date("2026-12-28"), 7);
    EXPECT_FALSE(exact.provisional);
    EXPECT_EQ(exact.date.toIso(), "2027-01-06");
}

TEST_F(HolidayCalendarTest, WarningsShowAProvisionalDeadlineWhileStatisticsRefuseToJudge) {
    WorkingDayCalendar calendar = load();
    std::vector<DeliveryFact> facts = {queued("2026-12-28")};
    // Four days are left at the least (01-01 … 01-04 all counted): listed when warning 5 days ahead.
    auto items = deadlineWatch(facts, calendar, on("2026-12-31"), 5);
    ASSERT_EQ(items.size(), 1u);
    EXPECT_EQ(items[0].status, DeadlineItem::Status::AtRisk);
    EXPECT_TRUE(items[0].provisional);
    EXPECT_EQ(items[0].deadline.toIso(), "2027-01-04");
    EXPECT_EQ(items[0].workingDaysLeft, 4);
    EXPECT_NE(deadlineWatchToChineseText(items).find("暂定"), std::string::npos);
    EXPECT_TRUE(deadlineWatch(facts, calendar, on("2026-12-31"), 2).empty());
    // Past its earliest date the record stays 临期 with 0 days left: its lateness is not known.
    items = deadlineWatch(facts, calendar, on("2027-01-05"), 2);
    ASSERT_EQ(items.size(), 1u);
    EXPECT_EQ(items[0].status, DeadlineItem::Status::AtRisk);
    EXPECT_EQ(items[0].workingDaysLeft, 0);
    // The statistics do not judge it, and say which year is missing.
    auto report = computeStatistics("creditchina", facts, calendar, on("2027-01-05"));
    EXPECT_EQ(report.total.deadlineUnknown, 1u);
    EXPECT_EQ(report.total.timelinessDenominator(), 0u);
    ASSERT_EQ(report.missingYears.size(), 1u);
    EXPECT_NE(report.missingYears[0].find("no holiday data for 2027"), std::string::npos);
    EXPECT_NE(report.missingYears[0].find(local.path() + "/2027.json"), std::string::npos);
}

TEST_F(HolidayCalendarTest, CalendarYearsListsTheKnownYearsAndWhereEachComesFrom) {
    std::string command = "CREDITGW_HOLIDAYS_DIR=" + local.path() + " " + CREDITGW_BINARY + " calendar years";
    auto before = test::runCommand(command);
    ASSERT_EQ(before.exitCode, 0) << before.output;
    EXPECT_NE(before.output.find("2026  " + test::sourcePath("data/holidays/2026.json") + "  (shipped)"),
              std::string::npos)
        << before.output;
    EXPECT_EQ(before.output.find("2027  "), std::string::npos) << before.output;
    test::writeFile(local.file("2027.json"), k2027);
    test::writeFile(local.file("2026.json"), R"({"year": 2026, "days": []})");
    auto after = test::runCommand(command);
    ASSERT_EQ(after.exitCode, 0) << after.output;
    EXPECT_NE(after.output.find("2027  " + local.file("2027.json") + "  (local)"), std::string::npos) << after.output;
    EXPECT_NE(after.output.find("2026  " + local.file("2026.json") + "  (local, replaces the shipped file)"),
              std::string::npos)
        << after.output;
    auto deadline = test::runCommand("CREDITGW_HOLIDAYS_DIR=" + local.path() + " " + CREDITGW_BINARY +
                                     " calendar deadline 2026-12-28");
    EXPECT_EQ(deadline.exitCode, 0) << deadline.output;
    EXPECT_NE(deadline.output.find("2027-01-06"), std::string::npos) << deadline.output;
}
