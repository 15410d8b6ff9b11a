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
