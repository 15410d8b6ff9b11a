// Every golden case shipped beside the mappings passes, and a golden case notices a change.

#include "creditgw/GoldenCases.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "TestSupport.h"

using namespace creditgw;
namespace fs = std::filesystem;

namespace {

std::unique_ptr<Gateway> openGateway(const std::string& dataDir, const test::ScratchDir& dir) {
    GatewaySettings settings{dataDir, CREDITGW_TEST_PLUGIN_DIR, dir.file("store.db"), kGoldenUnitCode,
                             kGoldenUnitName};
    auto gateway = Gateway::open(settings);
    EXPECT_TRUE(gateway) << gateway.status().toString();
    return gateway ? std::move(*gateway) : nullptr;
}

}  // namespace

TEST(GoldenCasesTest, EveryShippedCasePasses) {
    test::ScratchDir dir("golden");
    auto gateway = openGateway(CREDITGW_SOURCE_DIR, dir);
    ASSERT_NE(gateway, nullptr);
    auto cases = findGoldenCases(test::sourcePath("mappings"));
    ASSERT_FALSE(cases.empty());
    for (const auto& goldenCase : cases) {
        GoldenResult result = runGoldenCase(*gateway, goldenCase, false);
        EXPECT_TRUE(result.passed) << goldenCase.target << "/" << goldenCase.name << ": " << result.message;
    }
}

TEST(GoldenCasesTest, EveryShippedTargetAndKindHasAGoldenCase) {
    auto cases = findGoldenCases(test::sourcePath("mappings"));
    for (const auto& [target, kind] : test::shippedMappings().targetIds()) {
        bool covered = std::any_of(cases.begin(), cases.end(), [&, &t = target, &k = kind](const GoldenCase& c) {
            return c.target == t && c.kind == k;
        });
        EXPECT_TRUE(covered) << "no golden case for " << target << "/" << kind << " in mappings/" << target
                             << "/golden/";
    }
}

TEST(GoldenCasesTest, AChangedMappingMakesItsGoldenCaseFailWithTheDifference) {
    test::ScratchDir dir("golden-changed");
    fs::copy(test::sourcePath("mappings"), dir.file("mappings"), fs::copy_options::recursive);
    fs::copy(test::sourcePath("data"), dir.file("data"), fs::copy_options::recursive);
    // The mapping now publishes dates as yyyy-MM-dd: the expected bytes no longer match.
    std::string cf = test::readFile(dir.file("mappings/creditchina/cf.xml"));
    const std::string slashes = "dateFormat=\"yyyy/MM/dd\"";
    cf.replace(cf.find(slashes), slashes.size(), "dateFormat=\"yyyy-MM-dd\"");
    test::writeFile(dir.file("mappings/creditchina/cf.xml"), cf);
    auto gateway = openGateway(dir.path(), dir);
    ASSERT_NE(gateway, nullptr);
    auto cases = findGoldenCases(dir.file("mappings"), "creditchina");
    auto cfCase = std::find_if(cases.begin(), cases.end(), [](const GoldenCase& c) { return c.name == "cf-basic"; });
    ASSERT_NE(cfCase, cases.end());
    GoldenResult result = runGoldenCase(*gateway, *cfCase, false);
    EXPECT_FALSE(result.passed);
    EXPECT_NE(result.message.find("first difference at byte"), std::string::npos) << result.message;
    // --update accepts the change, after which the case passes again.
    EXPECT_TRUE(runGoldenCase(*gateway, *cfCase, true).passed);
    EXPECT_TRUE(runGoldenCase(*gateway, *cfCase, false).passed);
}
