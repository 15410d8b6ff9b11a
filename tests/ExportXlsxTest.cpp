// `creditgw export --format xlsx`, the file an officer uploads by hand: dates are date cells and
// amounts number cells where the target's mapping types them, codes stay text (leading zeros),
// and the sheet is named by the profile (<setting name="xlsx.sheet.cf" …/>) or after the kind.
// Read back with openpyxl; the store is built with the real binary and the mock platform.

#include <gtest/gtest.h>

#include <filesystem>

#include "TestSupport.h"
#include "creditgw/MockPlatform.h"

using namespace creditgw;
namespace fs = std::filesystem;

namespace {

const char* kPenalties =
    "CF_XDR_MC,CF_XDR_LB,CF_XDR_SHXYM,CF_FRDB,CF_WSH,CF_WFXW,CF_SY,CF_YJ,CF_CFLB,CF_NR,CF_NR_FK,CF_JDRQ,"
    "CF_YXQ,CF_CFJG,CF_CFJGDM,CF_SJLY,CF_SJLYDM\n"
    "示范市顺达物流有限公司,法人及非法人组织,914403001922038216,李明,示交罚〔2026〕0011号,超限运输,车货总重超限,"
    "《公路法》第七十六条,罚款,罚款2000元,0.2,2026-11-20,2027-11-20,示范市交通运输局,11100000000019713D,"
    "示范市交通运输局,11100000000019713D\n";

// argv: workbook, expected sheet name. Prints OK or the first failed expectation.
const char* kCheck = R"PY(
import sys, datetime, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
def check(condition, what):
    if not condition:
        print("FAILED:", what); sys.exit(1)
check(wb.sheetnames == [sys.argv[2]], "sheet names %r" % wb.sheetnames)
ws = wb.worksheets[0]
header = [c.value for c in ws[1]]
row = dict(zip(header, [c.value for c in ws[2]]))
formats = dict(zip(header, [c.number_format for c in ws[2]]))
check(row["处罚决定日期"] == datetime.datetime(2026, 11, 20), "处罚决定日期 %r" % row["处罚决定日期"])
check(row["处罚有效期"] == datetime.datetime(2027, 11, 20), "处罚有效期 %r" % row["处罚有效期"])
check(formats["处罚决定日期"] == "yyyy-mm-dd", "date format %r" % formats["处罚决定日期"])
check(isinstance(row["罚款金额（万元）"], float) and abs(row["罚款金额（万元）"] - 0.2) < 1e-12,
      "罚款金额 %r" % row["罚款金额（万元）"])
check(row["统一社会信用代码"] == "914403001922038216", "USCC stays text")
check(row["行政处罚决定书文号"] == "示交罚〔2026〕0011号", "文书号 text")
check(ws.freeze_panes == "A2", "frozen header")
print("OK")
)PY";

class ExportXlsxTest : public ::testing::Test {
protected:
    void SetUp() override {
        certs = test::devCertsDir();
        platform = std::make_unique<MockPlatform>(test::devMockPlatformConfig());
        ASSERT_TRUE(platform->start());
        // A data directory of our own, so the profile can name the sheet.
        fs::create_directories(dir.file("data"));
        fs::copy(test::sourcePath("mappings"), dir.file("data/mappings"), fs::copy_options::recursive);
        fs::copy(test::sourcePath("data"), dir.file("data/data"), fs::copy_options::recursive);
        test::writeFile(dir.file("cf.csv"), kPenalties);
        test::writeFile(dir.file("check.py"), kCheck);
        ASSERT_EQ(gw("ingest --kind cf --input " + dir.file("cf.csv")).exitCode, 0);
        auto uploaded = gw("upload --unit-code 11371300MB20260018 --unit-name 示范市交通运输局 --endpoint " +
                           platform->endpoint() + " --ca " + certs + "/ca.pem --cert " + certs + "/client.pem --key " +
                           certs + "/client.key --signing-key " + certs + "/signing.key --once");
        ASSERT_EQ(uploaded.exitCode, 0) << uploaded.output;
    }

    test::CommandResult gw(const std::string& arguments) {
        return test::runCommand(std::string(CREDITGW_BINARY) + " " + arguments + " --store " + dir.file("store.db") +
                                " --data-dir " + dir.file("data") + " 2>&1");
    }

    test::CommandResult check(const std::string& workbook, const std::string& sheet) {
        return test::runCommand("/usr/bin/python3 " + dir.file("check.py") + " " + workbook + " " + sheet + " 2>&1");
    }

    test::ScratchDir dir{"export-xlsx"};
    std::string certs;
    std::unique_ptr<MockPlatform> platform;
};

TEST_F(ExportXlsxTest, DatesAreDatesAmountsAreNumbersAndTheSheetIsNamedAfterTheKind) {
    auto exported = gw("export --kind cf --format xlsx --out " + dir.file("cf.xlsx"));
    ASSERT_EQ(exported.exitCode, 0) << exported.output;
    auto checked = check(dir.file("cf.xlsx"), "行政处罚");
    EXPECT_EQ(checked.exitCode, 0) << checked.output;
    EXPECT_NE(checked.output.find("OK"), std::string::npos) << checked.output;
}

TEST_F(ExportXlsxTest, TheProfileNamesTheSheet) {
    std::string profile = dir.file("data/mappings/creditchina/profile.xml");
    std::string text = test::readFile(profile);
    text.replace(text.rfind("</profile>"), 10, "  <setting name=\"xlsx.sheet.cf\" value=\"处罚信息\"/>\n</profile>");
    test::writeFile(profile, text);
    auto exported = gw("export --kind cf --format xlsx --out " + dir.file("cf.xlsx"));
    ASSERT_EQ(exported.exitCode, 0) << exported.output;
    auto checked = check(dir.file("cf.xlsx"), "处罚信息");
    EXPECT_EQ(checked.exitCode, 0) << checked.output;
    EXPECT_NE(checked.output.find("OK"), std::string::npos) << checked.output;
}

}  // namespace
