#include "creditgw/CivilDate.h"

#include <gtest/gtest.h>

using creditgw::CivilDate;

TEST(CivilDateTest, ParsesTheFormsLocalSystemsExport) {
    for (const char* text : {"2024-09-27", "2024/9/27", "2024.09.27", "20240927", "2024年9月27日",
                             "2024-09-27 10:00:00", "2024/09/27T08:00", " 2024-09-27 "}) {
        auto parsed = CivilDate::parse(text);
        ASSERT_TRUE(parsed) << text;
        EXPECT_EQ(parsed->toIso(), "2024-09-27") << text;
    }
}

TEST(CivilDateTest, RejectsDatesThatDoNotExist) {
    EXPECT_FALSE(CivilDate::parse("2026-02-30"));
    EXPECT_FALSE(CivilDate::parse("2023-02-29"));
    EXPECT_TRUE(CivilDate::parse("2024-02-29"));
    EXPECT_FALSE(CivilDate::parse("2024-13-01"));
    EXPECT_FALSE(CivilDate::parse("yesterday"));
    EXPECT_FALSE(CivilDate::parse(""));
}

TEST(CivilDateTest, WeekdayAndArithmetic) {
    EXPECT_EQ(CivilDate::parse("2024-09-27")->isoWeekday(), 5);  // Friday
    EXPECT_EQ(CivilDate::parse("2026-11-22")->isoWeekday(), 7);  // Sunday
    EXPECT_EQ(CivilDate::parse("2024-12-31")->addDays(1).toIso(), "2025-01-01");
    EXPECT_EQ(CivilDate::parse("1969-12-31")->daysSinceEpoch(), -1);
    EXPECT_EQ(CivilDate::parse("2099-12-31")->format("yyyy/MM/dd"), "2099/12/31");
}

TEST(CivilDateTest, ShanghaiDateIgnoresTheServerTimeZone) {
    // 2026-11-22T16:30:00Z is already 2026-11-23 00:30 in Shanghai.
    auto instant = creditgw::parseTimestamp("2026-11-22T16:30:00Z");
    ASSERT_TRUE(instant);
    EXPECT_EQ(CivilDate::inShanghai(*instant).toIso(), "2026-11-23");
    EXPECT_EQ(creditgw::shanghaiTimestamp(*instant), "2026-11-23T00:30:00+08:00");
    auto roundTrip = creditgw::parseTimestamp("2026-11-23T00:30:00+08:00");
    ASSERT_TRUE(roundTrip);
    EXPECT_EQ(*roundTrip, *instant);
}

TEST(CivilDateTest, ATimestampWithoutOffsetIsShanghaiTime) {
    auto plain = creditgw::parseTimestamp("2024-10-12 23:30:00");
    auto explicitOffset = creditgw::parseTimestamp("2024-10-12T23:30:00+08:00");
    ASSERT_TRUE(plain);
    ASSERT_TRUE(explicitOffset);
    EXPECT_EQ(*plain, *explicitOffset);
    EXPECT_FALSE(creditgw::parseTimestamp("2024-10-12"));
    EXPECT_FALSE(creditgw::parseTimestamp("2024-10-12 25:00:00"));
}

TEST(CivilDateTest, TimestampsOutsideWhatTheClockCanHoldAreRefusedNotWrappedAround) {
    // system_clock counts nanoseconds; year 9999 used to come back as 1816-03-30.
    EXPECT_FALSE(creditgw::parseTimestamp("9999-01-01T10:00:00+08:00"));
    EXPECT_FALSE(creditgw::parseTimestamp("1677-12-31T10:00:00Z"));
    auto late = creditgw::parseTimestamp("2199-12-31T23:59:59+08:00");
    ASSERT_TRUE(late);
    EXPECT_EQ(creditgw::shanghaiTimestamp(*late), "2199-12-31T23:59:59+08:00");
}
