// The daemon's monthly workbook (`creditgw run --reports-dir`): written from the first working
// day of a month by the State Council calendar, once, for last month; read back with openpyxl.
// The real binary, a real inbox, the mock platform over mTLS; "today" injected with --as-of.

#include <gtest/gtest.h>

#include <filesystem>

#include "TestSupport.h"
#include "creditgw/MockPlatform.h"

using namespace creditgw;
namespace fs = std::filesystem;

namespace {

const char* kTwoNovemberPenalties =
    "CF_XDR_MC,CF_XDR_LB,CF_XDR_SHXYM,CF_FRDB,CF_WSH,CF_WFXW,CF_SY,CF_YJ,CF_CFLB,CF_NR,CF_NR_FK,CF_JDRQ,"
    "CF_YXQ,CF_CFJG,CF_CFJGDM,CF_SJLY,CF_SJLYDM\n"
    "示范市顺达物流有限公司,法人及非法人组织,914403001922038216,李明,示交罚〔2026〕11号,超限运输,车货总重超限,"
    "《公路法》第七十六条,罚款,罚款2000元,0.2,2026-11-20,2027-11-20,示范市交通运输局,11100000000019713D,"
    "示范市交通运输局,11100000000019713D\n"
    "示范市远达运输有限公司,法人及非法人组织,91350100M000100Y43,赵强,示交罚〔2026〕12号,超限运输,车货总重超限,"
    "《公路法》第七十六条,罚款,罚款3000元,0.3,2026-11-19,2027-11-19,示范市交通运输局,11100000000019713D,"
    "示范市交通运输局,11100000000019713D\n";

class MonthlyReportScheduleTest : public ::testing::Test {
protected:
    void SetUp() override {
        certs = test::devCertsDir();
        platform = std::make_unique<MockPlatform>(test::devMockPlatformConfig());
        ASSERT_TRUE(platform->start());
        fs::create_directories(dir.file("inbox/cf"));
    }

    test::CommandResult runOnce(const std::string& asOf) {
        return test::runCommand(std::string(CREDITGW_BINARY) + " run --once --settle-seconds 0 --inbox " +
                                dir.file("inbox") + " --endpoint " + platform->endpoint() + " --ca " + certs +
                                "/ca.pem --cert " + certs + "/client.pem --key " + certs + "/client.key --signing-key " +
                                certs + "/signing.key --store " + dir.file("store.db") +
                                " --unit-code 11371300MB20260018 --unit-name 示范市交通运输局 --reports-dir " +
                                dir.file("reports") + " --as-of " + asOf + " 2>&1");
    }

    test::ScratchDir dir{"monthly-schedule"};
    std::string certs;
    std::unique_ptr<MockPlatform> platform;
};

TEST_F(MonthlyReportScheduleTest, TheFirstWorkingDayBringsLastMonthsWorkbookOnce) {
    test::writeFile(dir.file("inbox/cf/penalties.csv"), kTwoNovemberPenalties);
    auto first = runOnce("2026-12-01");  // a Tuesday, a working day
    ASSERT_EQ(first.exitCode, 0) << first.output;
    std::string workbook = dir.file("reports/report-2026-11-creditchina.xlsx");
    ASSERT_TRUE(fs::exists(workbook)) << first.output;
    EXPECT_NE(first.output.find("wrote the monthly workbook"), std::string::npos) << first.output;
    EXPECT_FALSE(fs::exists(workbook + ".part"));

    test::writeFile(dir.file("check.py"),
                    "import sys, openpyxl\n"
                    "wb = openpyxl.load_workbook(sys.argv[1])\n"
                    "s = wb['汇总']\n"
                    "assert wb.sheetnames[0] == '汇总', wb.sheetnames\n"
                    "assert '2026年11月' in s['A1'].value, s['A1'].value\n"
                    "assert s['A6'].value == '上报率' and s['C6'].value == 2 and s['D6'].value == 2, "
                    "(s['C6'].value, s['D6'].value)\n"
                    "assert s['B6'].value == 1 and '%' in s['B6'].number_format\n"
                    "print('OK')\n");
    auto checked = test::runCommand("/usr/bin/python3 " + dir.file("check.py") + " " + workbook + " 2>&1");
    EXPECT_EQ(checked.exitCode, 0) << checked.output;
    EXPECT_NE(checked.output.find("OK"), std::string::npos) << checked.output;

    auto again = runOnce("2026-12-02");
    ASSERT_EQ(again.exitCode, 0) << again.output;
    EXPECT_EQ(again.output.find("wrote the monthly workbook"), std::string::npos) << "written once:\n" << again.output;
}

TEST_F(MonthlyReportScheduleTest, NothingIsWrittenBeforeTheMonthsFirstWorkingDay) {
    // 2026-10-01 … 10-07 are the National Day holidays: the first working day is 10-08.
    auto holiday = runOnce("2026-10-07");
    ASSERT_EQ(holiday.exitCode, 0) << holiday.output;
    EXPECT_FALSE(fs::exists(dir.file("reports/report-2026-09-creditchina.xlsx"))) << holiday.output;
    auto workingDay = runOnce("2026-10-08");
    ASSERT_EQ(workingDay.exitCode, 0) << workingDay.output;
    EXPECT_TRUE(fs::exists(dir.file("reports/report-2026-09-creditchina.xlsx"))) << workingDay.output;
}

}  // namespace
