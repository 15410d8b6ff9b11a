#include "creditgw/Statistics.h"

#include <gtest/gtest.h>

#include "TestSupport.h"

using namespace creditgw;

namespace {

const WorkingDayCalendar& calendar() {
    static WorkingDayCalendar c = *WorkingDayCalendar::loadDirectory(test::sourcePath("data/holidays"));
    return c;
}

DeliveryFact fact(const std::string& decided, const std::string& state, const std::string& acceptedAt = "",
                  std::size_t defined = 10, std::size_t filled = 10, const std::string& department = "一大队") {
    DeliveryFact f;
    f.kind = "cf";
    f.department = department;
    f.decisionDate = decided;
    f.state = state;
    f.firstAcceptedAt = acceptedAt;
    f.indicatorsDefined = defined;
    f.indicatorsFilled = filled;
    return f;
}

StatisticsQuery asOf(const char* today) {
    StatisticsQuery q;
    q.today = *CivilDate::parse(today);
    return q;
}

}  // namespace

TEST(StatisticsTest, AcceptedOnTheDeadlineDayUntilMidnightShanghaiIsOnTime) {
    // Decided Fri 2024-09-27 → deadline Sat 2024-10-12 (调休 working day).
    std::vector<DeliveryFact> facts = {
        fact("2024-09-27", "accepted", "2024-10-12T23:59:59+08:00"),
        fact("2024-09-27", "accepted", "2024-10-12T16:00:00Z"),  // = 10-13 00:00 in Shanghai
    };
    auto report = computeStatistics("creditchina", facts, calendar(), asOf("2024-12-01"));
    EXPECT_EQ(report.total.onTime, 1u);
    EXPECT_EQ(report.total.late, 1u);
    EXPECT_DOUBLE_EQ(*report.total.timelinessRate(), 0.5);
}

TEST(StatisticsTest, UnacceptedRecordsArePendingUntilTheDeadlineThenLate) {
    std::vector<DeliveryFact> facts = {fact("2026-11-20", "held"), fact("2026-11-02", "queued")};
    auto report = computeStatistics("creditchina", facts, calendar(), asOf("2026-11-23"));
    EXPECT_EQ(report.total.pendingWithinDeadline, 1u);
    EXPECT_EQ(report.total.late, 1u);
    EXPECT_EQ(report.total.timelinessDenominator(), 1u);
    EXPECT_DOUBLE_EQ(*report.total.timelinessRate(), 0.0);
}

TEST(StatisticsTest, ReportingAndComplianceRatesStateTheirCounts) {
    std::vector<DeliveryFact> facts = {
        fact("2026-11-20", "accepted", "2026-11-23T09:00:00+08:00"),
        fact("2026-11-20", "rejected"),
        fact("2026-11-20", "held"),
        fact("2026-11-20", "ready"),
    };
    facts[0].everRejected = true;  // accepted only after a correction: not compliant
    auto report = computeStatistics("creditchina", facts, calendar(), asOf("2026-11-23"));
    EXPECT_EQ(report.total.mustReport, 4u);
    EXPECT_EQ(report.total.accepted, 1u);
    EXPECT_DOUBLE_EQ(*report.total.reportingRate(), 0.25);
    EXPECT_EQ(report.total.submitted, 2u);
    EXPECT_EQ(report.total.compliant, 0u);
    EXPECT_DOUBLE_EQ(*report.total.complianceRate(), 0.0);
    std::string json = statisticsToJson(report);
    EXPECT_NE(json.find("\"must_report\":4"), std::string::npos) << json;
    EXPECT_NE(json.find("\"reporting_rate\":0.250000"), std::string::npos) << json;
}

TEST(StatisticsTest, SixtyPercentFilledCountsAsComplete) {
    std::vector<DeliveryFact> facts = {
        fact("2026-11-20", "accepted", "2026-11-23T09:00:00+08:00", 10, 6),
        fact("2026-11-20", "accepted", "2026-11-23T09:00:00+08:00", 10, 5),
        fact("2026-11-20", "rejected", "", 5, 3),
    };
    auto report = computeStatistics("creditchina", facts, calendar(), asOf("2026-11-23"));
    EXPECT_EQ(report.total.complete, 2u);
    EXPECT_DOUBLE_EQ(*report.total.completenessRate(), 2.0 / 3.0);
}

TEST(StatisticsTest, PeriodDepartmentAndUnknownYearsAreHonoured) {
    std::vector<DeliveryFact> facts = {
        fact("2026-10-01", "accepted", "2026-10-09T09:00:00+08:00", 10, 10, "一大队"),
        fact("2026-11-20", "accepted", "2026-11-23T09:00:00+08:00", 10, 10, "二大队"),
        fact("2026-12-30", "held", "", 10, 10, "二大队"),  // deadline runs into 2027: no data
        fact("", "held"),
    };
    StatisticsQuery query = asOf("2026-11-23");
    query.from = CivilDate::parse("2026-11-01");
    auto report = computeStatistics("creditchina", facts, calendar(), query);
    EXPECT_EQ(report.total.mustReport, 2u);
    EXPECT_EQ(report.total.deadlineUnknown, 1u);
    EXPECT_EQ(report.undated, 1u);
    ASSERT_EQ(report.missingYears.size(), 1u);
    EXPECT_NE(report.missingYears[0].find("2027"), std::string::npos);
    EXPECT_EQ(report.byDepartment.at("二大队").mustReport, 2u);
    EXPECT_EQ(report.byDepartment.count("一大队"), 0u);
    query.department = "一大队";
    query.from.reset();
    EXPECT_EQ(computeStatistics("creditchina", facts, calendar(), query).total.mustReport, 1u);
}

TEST(StatisticsTest, EmptyPeriodHasUndefinedRatesNotZero) {
    auto report = computeStatistics("creditchina", {}, calendar(), asOf("2026-11-23"));
    EXPECT_FALSE(report.total.reportingRate());
    EXPECT_NE(statisticsToJson(report).find("\"reporting_rate\":null"), std::string::npos);
    EXPECT_NE(statisticsToChineseText(report).find("无数据"), std::string::npos);
}

TEST(StatisticsTest, DeadlineWatchListsOverdueAcceptedLateAndAtRiskRecords) {
    std::vector<DeliveryFact> facts = {
        fact("2026-11-02", "held"),                                           // deadline 11-11: overdue
        fact("2026-11-02", "accepted", "2026-11-12T09:00:00+08:00"),          // accepted a day late
        fact("2026-11-02", "accepted", "2026-11-11T09:00:00+08:00"),          // on time: not listed
        fact("2026-11-13", "queued"),                                         // deadline 11-24: 2 days left
        fact("2026-11-20", "ready"),                                          // deadline 12-01: 6 days left
    };
    facts[0].documentNumber = "示交罚〔2026〕1号";
    auto items = deadlineWatch(facts, calendar(), asOf("2026-11-22"), 2);
    ASSERT_EQ(items.size(), 3u);
    EXPECT_EQ(items[0].status, DeadlineItem::Status::Overdue);
    EXPECT_EQ(items[0].deadline.toIso(), "2026-11-11");
    EXPECT_EQ(items[1].status, DeadlineItem::Status::AcceptedLate);
    EXPECT_EQ(items[2].status, DeadlineItem::Status::AtRisk);
    EXPECT_EQ(items[2].workingDaysLeft, 2);
    std::string text = deadlineWatchToChineseText(items);
    EXPECT_NE(text.find("逾期未报送"), std::string::npos);
    EXPECT_NE(text.find("示交罚〔2026〕1号"), std::string::npos);
    EXPECT_NE(text.find("还剩 2 个工作日"), std::string::npos);
}

TEST(StatisticsTest, ARecordPublishedOnceStaysReportedWhileItsCorrectionIsOnItsWay) {
    // Version 1 was accepted; version 2 (a correction) is held by validation.
    DeliveryFact corrected = fact("2026-11-20", "held", "2026-11-23T09:00:00+08:00");
    auto report = computeStatistics("creditchina", {corrected}, calendar(), asOf("2026-11-23"));
    EXPECT_EQ(report.total.accepted, 1u);
    EXPECT_EQ(report.total.held, 0u);
    EXPECT_EQ(report.total.onTime, 1u);
    EXPECT_DOUBLE_EQ(*report.total.reportingRate(), 1.0);
}
