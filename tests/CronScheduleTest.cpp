// CronSchedule: when a target is sent to, in Asia/Shanghai time, with an injected "now".

#include <gtest/gtest.h>

#include "creditgw/CivilDate.h"
#include "creditgw/CronSchedule.h"

using namespace creditgw;
using namespace std::chrono;

namespace {

// A Shanghai wall-clock time as a system_clock instant (UTC+8).
system_clock::time_point shanghai(int y, unsigned m, unsigned d, int hour, int minute) {
    return sys_days(year(y) / month(m) / day(d)) + hours(hour) + minutes(minute) - hours(8);
}

}  // namespace

TEST(CronScheduleTest, WorkingHoursEveryQuarterHour) {
    auto schedule = CronSchedule::parse("*/15 8-20 * * 1-5");
    ASSERT_TRUE(schedule) << schedule.status().message();
    // Wednesday 2026-12-02 09:07 → 09:15 the same day.
    EXPECT_EQ(*schedule->nextAfter(shanghai(2026, 12, 2, 9, 7)), shanghai(2026, 12, 2, 9, 15));
    // Exactly on a slot: the next one, never the same minute twice.
    EXPECT_EQ(*schedule->nextAfter(shanghai(2026, 12, 2, 9, 15)), shanghai(2026, 12, 2, 9, 30));
    // Friday 20:50 → Monday 08:00.
    EXPECT_EQ(*schedule->nextAfter(shanghai(2026, 12, 4, 20, 50)), shanghai(2026, 12, 7, 8, 0));
    // 07:59 Shanghai is 23:59 UTC the day before: the day is Shanghai's.
    EXPECT_EQ(*schedule->nextAfter(shanghai(2026, 12, 3, 7, 59)), shanghai(2026, 12, 3, 8, 0));
}

TEST(CronScheduleTest, DayOfMonthAndWeekdayBothRestrictedMeansEither) {
    auto schedule = CronSchedule::parse("0 0 1 * 1");
    ASSERT_TRUE(schedule);
    EXPECT_EQ(*schedule->nextAfter(shanghai(2026, 12, 2, 12, 0)), shanghai(2026, 12, 7, 0, 0));
    auto sunday = CronSchedule::parse("30 6 * * 7");
    ASSERT_TRUE(sunday);
    EXPECT_EQ(*sunday->nextAfter(shanghai(2026, 12, 2, 12, 0)), shanghai(2026, 12, 6, 6, 30));
}

TEST(CronScheduleTest, AsapIsNowAndImpossibleDatesAreUndecidable) {
    auto asap = CronSchedule::parse("asap");
    ASSERT_TRUE(asap);
    EXPECT_TRUE(asap->asSoonAsPossible());
    EXPECT_EQ(*asap->nextAfter(shanghai(2026, 12, 2, 9, 7)), shanghai(2026, 12, 2, 9, 7));
    auto never = CronSchedule::parse("0 0 31 2 *");
    ASSERT_TRUE(never);
    auto next = never->nextAfter(shanghai(2026, 12, 2, 9, 7));
    ASSERT_FALSE(next);
    EXPECT_EQ(next.status().code(), StatusCode::Undecidable);
}

TEST(CronScheduleTest, BadExpressionsNameTheField) {
    struct Case {
        const char* expression;
        const char* message;
    };
    for (const Case& c : {Case{"61 * * * *", "minute: \"61\" is outside 0-59"},
                          Case{"* 8-25 * * *", "hour: \"8-25\" is outside 0-23"},
                          Case{"*/0 * * * *", "minute: bad step in \"*/0\""},
                          Case{"* * * *", "expected 5 fields"},
                          Case{"* * x * *", "day of month: \"x\" is not a number"},
                          Case{"* * * * 8", "day of week: \"8\" is outside 0-7"}}) {
        auto parsed = CronSchedule::parse(c.expression);
        ASSERT_FALSE(parsed) << c.expression;
        EXPECT_NE(parsed.status().message().find(c.message), std::string::npos)
            << c.expression << ": " << parsed.status().message();
    }
}
