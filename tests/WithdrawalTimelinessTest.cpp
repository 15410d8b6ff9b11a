// 撤销及时率 and the operations list of `creditgw report` (docs/lifecycle.md, Statistics):
// counted over the operations the store holds, with the State Council calendar shipped in data/.

#include <gtest/gtest.h>

#include "TestSupport.h"
#include "creditgw/Statistics.h"
#include "creditgw/WithdrawalDeadlines.h"

using namespace creditgw;

namespace {

const WorkingDayCalendar& shippedCalendar() {
    static WorkingDayCalendar calendar = *WorkingDayCalendar::loadDirectory(test::sourcePath("data/holidays"));
    return calendar;
}

OperationFact withdrawal(const std::string& wsh, const std::string& revokedAt, const std::string& state,
                         const std::string& acceptedAt = "", const std::string& kind = "cf") {
    return {"revoke", kind, wsh, "执法一大队", revokedAt, "", state, acceptedAt};
}

OperationSelection on(const char* today) { return {std::nullopt, std::nullopt, "", "", *CivilDate::parse(today)}; }

}  // namespace

TEST(WithdrawalTimelinessTest, AWithdrawalIsOnTimeWhenAcceptedByTheThirdWorkingDayForCfAndTheFifthOtherwise) {
    // Revoked Fri 2026-11-20: cf is due Wed 11-25 (3 working days), xk Fri 11-27 (5).
    std::vector<OperationFact> facts = {
        withdrawal("罚1", "2026-11-20T16:00:00+08:00", "accepted", "2026-11-25T23:59:59+08:00"),
        withdrawal("罚2", "2026-11-20T16:00:00+08:00", "accepted", "2026-11-26T00:00:01+08:00"),
        withdrawal("许1", "2026-11-20T16:00:00+08:00", "accepted", "2026-11-27T18:00:00+08:00", "xk"),
    };
    TargetProfile profile;
    WithdrawalCounts c = countWithdrawals(facts, profile, shippedCalendar(), on("2026-12-03"));
    EXPECT_EQ(c.registered, 3u);
    EXPECT_EQ(c.onTime, 2u);
    EXPECT_EQ(c.late, 1u);
    ASSERT_TRUE(c.rate());
    EXPECT_DOUBLE_EQ(*c.rate(), 2.0 / 3.0);
}

TEST(WithdrawalTimelinessTest, AnUnacceptedWithdrawalIsPendingUntilItsDeadlineAndLateAfter) {
    std::vector<OperationFact> facts = {withdrawal("罚1", "2026-11-20T16:00:00+08:00", "queued")};
    TargetProfile profile;
    WithdrawalCounts before = countWithdrawals(facts, profile, shippedCalendar(), on("2026-11-25"));
    EXPECT_EQ(before.pendingWithinDeadline, 1u);
    EXPECT_EQ(before.due(), 0u);
    EXPECT_FALSE(before.rate()) << "no withdrawal due: the rate is undefined, not 100%";
    WithdrawalCounts after = countWithdrawals(facts, profile, shippedCalendar(), on("2026-11-26"));
    EXPECT_EQ(after.late, 1u);
    EXPECT_DOUBLE_EQ(*after.rate(), 0.0);
}

TEST(WithdrawalTimelinessTest, TheProfileSetsTheWorkingDaysPerKind) {
    std::vector<OperationFact> facts = {
        withdrawal("罚1", "2026-11-20T16:00:00+08:00", "accepted", "2026-11-27T10:00:00+08:00")};
    TargetProfile profile;
    EXPECT_EQ(countWithdrawals(facts, profile, shippedCalendar(), on("2026-12-03")).late, 1u);
    profile.settings["withdrawal.workingDays.cf"] = "5";
    EXPECT_EQ(countWithdrawals(facts, profile, shippedCalendar(), on("2026-12-03")).onTime, 1u);
}

TEST(WithdrawalTimelinessTest, ThePeriodSelectsTheDayOfTheRevocationInShanghaiAndOnlyWithdrawals) {
    std::vector<OperationFact> facts = {
        withdrawal("罚1", "2026-10-31T17:30:00Z", "accepted", "2026-11-02T10:00:00+08:00"),  // 11-01 in Shanghai
        withdrawal("罚2", "2026-10-31T10:00:00+08:00", "accepted", "2026-11-02T10:00:00+08:00"),
        {"takedown", "cf", "罚3", "", "2026-11-05T00:10:00+08:00", "2026-11-05", "queued", ""},
        withdrawal("许1", "2026-11-03T10:00:00+08:00", "queued", "", "xk"),
    };
    OperationSelection november{CivilDate::parse("2026-11-01"), CivilDate::parse("2026-11-30"), "", "",
                                *CivilDate::parse("2026-12-03")};
    WithdrawalCounts c = countWithdrawals(facts, TargetProfile{}, shippedCalendar(), november);
    EXPECT_EQ(c.registered, 2u) << "罚1 (registered 11-01 Shanghai time) and 许1; not 罚2 nor the 下线";
    EXPECT_EQ(c.onTime, 1u);
    EXPECT_EQ(c.late, 1u);
    november.kind = "cf";
    EXPECT_EQ(countWithdrawals(facts, TargetProfile{}, shippedCalendar(), november).registered, 1u);
}

TEST(WithdrawalTimelinessTest, AYearWithoutHolidayDataLeavesTheDeadlineUnknownNotGuessed) {
    std::vector<OperationFact> facts = {withdrawal("罚1", "2031-06-02T10:00:00+08:00", "queued")};
    WithdrawalCounts c = countWithdrawals(facts, TargetProfile{}, shippedCalendar(), on("2031-07-01"));
    EXPECT_EQ(c.deadlineUnknown, 1u);
    EXPECT_EQ(c.due(), 0u);
}

TEST(WithdrawalTimelinessTest, TheStatisticsJsonCarriesTheRateWithItsCounts) {
    StatisticsReport report;
    report.target = "creditchina";
    report.query.today = *CivilDate::parse("2026-12-03");
    std::string without = statisticsToJson(report);
    EXPECT_EQ(without.find("withdrawal_timeliness_rate"), std::string::npos) << "not counted, not printed";
    report.withdrawals = WithdrawalCounts{3, 2, 1, 0, 0};
    std::string json = statisticsToJson(report);
    EXPECT_NE(json.find("\"withdrawal_timeliness_rate\":0.666"), std::string::npos) << json;
    EXPECT_NE(json.find("\"due\":3,\"on_time\":2,\"late\":1"), std::string::npos) << json;
    EXPECT_NE(statisticsToChineseText(report).find("撤销及时率 66.7%（按期撤下 2 / 应完成撤销 3"), std::string::npos)
        << statisticsToChineseText(report);
}

TEST(WithdrawalTimelinessTest, TheOperationsListShowsEachOperationWithItsStateAndAnOverdueTakedown) {
    std::vector<OperationFact> facts = {
        withdrawal("罚1", "2026-11-20T16:00:00+08:00", "accepted", "2026-11-23T10:00:00+08:00"),
        {"takedown", "cf", "罚3", "执法二大队", "2026-11-21T00:10:00+08:00", "2026-11-21", "queued", ""},
        {"repair", "cf", "罚4", "执法二大队", "2026-11-22T09:00:00+08:00", "2026-11-22", "ready", ""},
    };
    std::string text = operationsListToChineseText(facts, on("2026-11-24"), 10);
    EXPECT_NE(text.find("撤销：1 条\n  罚1  撤销登记 2026-11-20  平台已确认 2026-11-23  执法一大队"), std::string::npos)
        << text;
    EXPECT_NE(text.find("下线（公示期满）：1 条\n  罚3  应下线日 2026-11-21  待上传  逾期  执法二大队"), std::string::npos)
        << text;
    EXPECT_NE(text.find("终止公示（信用修复）：1 条\n  罚4  修复决定 2026-11-22  登记 2026-11-22  待打包"), std::string::npos)
        << text;
    std::string shortened = operationsListToChineseText(
        {facts[0], facts[0], facts[0]}, on("2026-11-24"), 2);
    EXPECT_NE(shortened.find("撤销：3 条"), std::string::npos) << shortened;
    EXPECT_NE(shortened.find("（以上仅列出前 2 条，共 3 条）"), std::string::npos) << shortened;
    EXPECT_EQ(operationsListToChineseText({}, on("2026-11-24"), 2), "统计期内没有撤销、下线或终止公示。\n");
}
