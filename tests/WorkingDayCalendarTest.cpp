#include "creditgw/WorkingDayCalendar.h"

#include <gtest/gtest.h>

#include "TestSupport.h"

using creditgw::CivilDate;
using creditgw::StatusCode;
using creditgw::WorkingDayCalendar;

namespace {

const WorkingDayCalendar& shippedCalendar() {
    static WorkingDayCalendar calendar =
        *WorkingDayCalendar::loadDirectory(creditgw::test::sourcePath("data/holidays"));
    return calendar;
}

CivilDate date(const char* iso) { return *CivilDate::parse(iso); }

std::string deadlineOf(const char* decision, int days = 7) {
    auto result = shippedCalendar().deadline(date(decision), days);
    return result ? result->toIso() : result.status().toString();
}

}  // namespace

TEST(WorkingDayCalendarTest, DeadlineRunsOverNationalDayIntoTiaoxiuSaturday) {
    // domain.md §4.1: decided Fri 2024-09-27 → deadline Sat 2024-10-12 (a 调休 working day).
    EXPECT_EQ(deadlineOf("2024-09-27"), "2024-10-12");
}

TEST(WorkingDayCalendarTest, OrdinaryWeekSkipsTheWeekend) {
    EXPECT_EQ(deadlineOf("2026-11-20"), "2026-12-01");  // Fri → Tue after next
    EXPECT_EQ(deadlineOf("2026-11-16"), "2026-11-25");  // Mon → Wed next week
}

TEST(WorkingDayCalendarTest, DecisionOnAWeekendCountsFromTheNextWorkingDay) {
    EXPECT_EQ(deadlineOf("2026-11-22"), "2026-12-01");  // Sunday: day 1 is Mon 11-23
}

TEST(WorkingDayCalendarTest, SpringFestival2026HolidayAndTiaoxiuDays) {
    const auto& calendar = shippedCalendar();
    EXPECT_FALSE(*calendar.isWorkingDay(date("2026-02-16")));  // 春节, Monday
    EXPECT_TRUE(*calendar.isWorkingDay(date("2026-02-14")));   // 调休 Saturday
    EXPECT_FALSE(*calendar.isWorkingDay(date("2026-03-07")));  // ordinary Saturday
}

TEST(WorkingDayCalendarTest, PreviousDecemberEntriesInNextYearsFileAreUsed) {
    // 2019.json lists 2018-12-29 (Sat) as a working day and 2018-12-31 (Mon) as a holiday.
    const auto& calendar = shippedCalendar();
    EXPECT_TRUE(*calendar.isWorkingDay(date("2018-12-29")));
    EXPECT_FALSE(*calendar.isWorkingDay(date("2018-12-31")));
}

TEST(WorkingDayCalendarTest, YearWithoutDataIsUndecidableAndSaysWhichYear) {
    auto result = shippedCalendar().deadline(date("2026-12-28"), 7);
    ASSERT_FALSE(result);
    EXPECT_EQ(result.status().code(), StatusCode::Undecidable);
    EXPECT_NE(result.status().message().find("2027"), std::string::npos);
}

TEST(WorkingDayCalendarTest, ZeroDaysIsTheDecisionDay) {
    EXPECT_EQ(deadlineOf("2026-11-20", 0), "2026-11-20");
}

TEST(WorkingDayCalendarTest, WorkingDaysBetweenCountsTheEndNotTheStart) {
    auto count = shippedCalendar().workingDaysBetween(date("2024-09-27"), date("2024-10-12"));
    ASSERT_TRUE(count);
    EXPECT_EQ(*count, 7);
}

TEST(WorkingDayCalendarTest, MalformedYearFileIsRejectedWithItsName) {
    creditgw::test::ScratchDir dir("calendar-bad");
    creditgw::test::writeFile(dir.file("2030.json"), "{\"year\": 2030, \"days\": [");
    auto loaded = WorkingDayCalendar::loadDirectory(dir.path());
    ASSERT_FALSE(loaded);
    EXPECT_NE(loaded.status().message().find("2030.json"), std::string::npos);
}
