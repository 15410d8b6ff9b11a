// `creditgw mapping check|test` as IT staff run them: the real binary on real files.

#include <gtest/gtest.h>

#include <filesystem>

#include "TestSupport.h"

using namespace creditgw;
using test::runCommand;
namespace fs = std::filesystem;

namespace {

std::string gw(const std::string& arguments) { return std::string(CREDITGW_BINARY) + " " + arguments; }

// A copy of the shipped mappings with one file changed by `edit`.
void breakCopy(const test::ScratchDir& dir, const std::string& file, const std::string& from, const std::string& to) {
    fs::copy(test::sourcePath("mappings"), dir.file("mappings"), fs::copy_options::recursive);
    std::string text = test::readFile(dir.file("mappings/" + file));
    auto at = text.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    text.replace(at, from.size(), to);
    test::writeFile(dir.file("mappings/" + file), text);
}

}  // namespace

TEST(MappingCommandTest, ShippedMappingsPassTheCheck) {
    auto result = runCommand(gw("mapping check"));
    EXPECT_EQ(result.exitCode, 0) << result.output;
    EXPECT_NE(result.output.find("no problems"), std::string::npos);
}

TEST(MappingCommandTest, MalformedXmlIsReportedWithFileAndLine) {
    test::ScratchDir dir("mapping-check-xml");
    breakCopy(dir, "creditchina/cf.xml", "<field code=\"CF_WSH\"", "<field code=\"CF_WSH\" <oops");
    auto result = runCommand(gw("mapping check " + dir.file("mappings")));
    EXPECT_EQ(result.exitCode, 1) << result.output;
    EXPECT_NE(result.output.find("creditchina/cf.xml:"), std::string::npos) << result.output;
}

TEST(MappingCommandTest, UnknownCodeTableIsReportedWithFileLineAndTheKnownTables) {
    test::ScratchDir dir("mapping-check-table");
    breakCopy(dir, "creditchina/cf.xml", "codeTable=\"cflb\"", "codeTable=\"cflbx\"");
    auto result = runCommand(gw("mapping check " + dir.file("mappings/creditchina/cf.xml")));
    EXPECT_EQ(result.exitCode, 1) << result.output;
    EXPECT_NE(result.output.find("creditchina/cf.xml:"), std::string::npos) << result.output;
    EXPECT_NE(result.output.find("cflbx"), std::string::npos) << result.output;
    EXPECT_NE(result.output.find("cflb,"), std::string::npos) << result.output;
}

TEST(MappingCommandTest, SchemaViolationInACodeTableIsReported) {
    test::ScratchDir dir("mapping-check-xsd");
    breakCopy(dir, "codes/cflb.xml", "<codeTable ", "<codeTable bogus=\"1\" ");
    auto result = runCommand(gw("mapping check " + dir.file("mappings")));
    EXPECT_EQ(result.exitCode, 1) << result.output;
    EXPECT_NE(result.output.find("codes/cflb.xml:"), std::string::npos) << result.output;
}

TEST(MappingCommandTest, GoldenCasesRunFromTheCommandLine) {
    auto result = runCommand(gw("mapping test"));
    EXPECT_EQ(result.exitCode, 0) << result.output;
    EXPECT_NE(result.output.find("PASS creditchina/cf-basic"), std::string::npos) << result.output;
    EXPECT_NE(result.output.find(" 0 failed"), std::string::npos) << result.output;
}

TEST(MappingCommandTest, ExplainShowsEachFieldItsRuleAndWhyTheRecordIsHeldWithIdsMasked) {
    auto result = runCommand(gw("mapping explain --target creditchina --kind cf --input " +
                                test::sourcePath("samples/cf_2026_codes_utf8.csv") + " --line 3"));
    EXPECT_EQ(result.exitCode, 0) << result.output;
    EXPECT_NE(result.output.find("blanked: CF_XDR_LB = 自然人"), std::string::npos) << result.output;
    EXPECT_NE(result.output.find("derived: publicityEnd"), std::string::npos) << result.output;
    EXPECT_NE(result.output.find("held: this record would not be published"), std::string::npos);
    EXPECT_NE(result.output.find("[idcard]"), std::string::npos);
    EXPECT_NE(result.output.find("371321********9230"), std::string::npos);
    EXPECT_EQ(result.output.find("3713211974"), std::string::npos) << "an unmasked 身份证号 was printed";
}

TEST(MappingCommandTest, ExplainOfALineWithoutARecordSaysSo) {
    auto result = runCommand(gw("mapping explain --target creditchina --kind cf --input " +
                                test::sourcePath("samples/cf_2026_codes_utf8.csv") + " --line 9999"));
    EXPECT_EQ(result.exitCode, 1);
    EXPECT_NE(result.output.find("no record starts at line 9999"), std::string::npos) << result.output;
}

TEST(MappingCommandTest, APatternThatCannotRunSafelyIsRejectedWithFileAndLine) {
    test::ScratchDir dir("mapping-check-pattern");
    breakCopy(dir, "sd-xyjt/cf.xml", "pattern=\"37[0-9]{4}\"", "pattern=\"([0-9]+)+\"");
    auto result = runCommand(gw("mapping check " + dir.file("mappings")));
    EXPECT_EQ(result.exitCode, 1) << result.output;
    EXPECT_NE(result.output.find("sd-xyjt/cf.xml:"), std::string::npos) << result.output;
    EXPECT_NE(result.output.find("cannot be run safely"), std::string::npos) << result.output;
}

TEST(MappingCommandTest, ExplainMasksAnIdNumberInsideANameOrDocumentNumber) {
    test::ScratchDir dir("mapping-explain-mask");
    test::writeFile(dir.file("id.csv"), "行政相对人名称,行政处罚决定书文号,处罚机关统一社会信用代码\n"
                                        "傅新民371321197412169230,示交罚〔2026〕371321197412169230号,11371300MB20260018\n");
    auto result = runCommand(gw("mapping explain --target creditchina --kind cf --line 2 --input " + dir.file("id.csv")));
    EXPECT_EQ(result.output.find("197412169"), std::string::npos) << result.output;
    EXPECT_NE(result.output.find("傅新民371321***"), std::string::npos) << result.output;
}

TEST(MappingCommandTest, MapListsTheColumnsNobodyMapsAndSuggestsALayout) {
    test::ScratchDir dir("map-unmapped");
    test::writeFile(dir.file("cf.csv"), "行政处罚决定书文号,承办人,处罚机关统一社会信用代码\n示交罚〔2026〕1号,张三,11371300MB20260018\n");
    auto result = runCommand(gw("map --kind cf --unit-code 11371300MB20260018 --unit-name 示范 --input " +
                                dir.file("cf.csv") + " --out " + dir.file("out")));
    EXPECT_EQ(result.exitCode, 0) << result.output;
    EXPECT_NE(result.output.find("column \"承办人\" maps to no cf field"), std::string::npos) << result.output;
    EXPECT_NE(result.output.find("--layout"), std::string::npos) << result.output;
    EXPECT_NE(test::readFile(dir.file("out/report.json")).find("\"unmapped_columns\":[\""), std::string::npos);
}
