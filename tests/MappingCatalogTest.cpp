// Specification of MappingCatalog::load: the shipped mappings load; broken copies (in a scratch
// directory) are refused with every problem named as file:line.

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "TestSupport.h"
#include "creditgw/Mapping.h"

using namespace creditgw;
namespace fs = std::filesystem;

namespace {

const std::string kShipped = CREDITGW_SOURCE_DIR "/mappings";

/// A copy of the shipped mappings that a test may break.
class BrokenCopy {
public:
    explicit BrokenCopy(const std::string& name) : _dir(name) {
        fs::copy(kShipped, _dir.path() + "/mappings", fs::copy_options::recursive);
    }
    std::string path(const std::string& relative) const {
        return _dir.path() + "/mappings/" + relative;
    }
    std::string root() const { return _dir.path() + "/mappings"; }

    /// Replaces the first occurrence of `from` in a file and returns the 1-based line libxml2
    /// gives the element it is in: the line where that start tag ends (its first '>').
    long replace(const std::string& relative, const std::string& from, const std::string& to) {
        std::string text = test::readFile(path(relative));
        std::size_t pos = text.find(from);
        if (pos == std::string::npos) throw std::runtime_error(from + " not in " + relative);
        text.replace(pos, from.size(), to);
        test::writeFile(path(relative), text);
        std::size_t tagEnd = text.find('>', pos);
        return 1 + static_cast<long>(
                       std::count(text.begin(), text.begin() + static_cast<long>(tagEnd), '\n'));
    }

    std::string loadError() const {
        auto result = MappingCatalog::load(root());
        if (result.isOk()) return "(loaded without error)";
        EXPECT_EQ(result.status().code(), StatusCode::InvalidArgument);
        return result.status().message();
    }

private:
    test::ScratchDir _dir;
};

}  // namespace

TEST(MappingCatalogTest, GivenTheShippedMappings_ThenEverythingLoads) {
    auto catalog = MappingCatalog::load(kShipped);
    ASSERT_TRUE(catalog.isOk()) << catalog.status().toString();
    EXPECT_EQ((*catalog)->kindIds(),
              (std::vector<std::string>{"cf", "cn", "jc", "md", "pj", "xk"}));
    using Pair = std::pair<std::string, std::string>;
    auto ids = (*catalog)->targetIds();
    for (const Pair& expected : {Pair{"creditchina", "cf"}, Pair{"creditchina", "xk"}})
        EXPECT_NE(std::find(ids.begin(), ids.end(), expected), ids.end()) << expected.first << "/" << expected.second;
    const TargetMapping* cf = (*catalog)->target("creditchina", "cf");
    ASSERT_NE(cf, nullptr);
    EXPECT_EQ(cf->target(), "creditchina");
    EXPECT_EQ(cf->kind(), "cf");
    EXPECT_EQ(cf->version(), "2.0.1");
    EXPECT_EQ(cf->sourceFile(), kShipped + "/creditchina/cf.xml");
    EXPECT_EQ((*catalog)->target("creditchina", "pj"), nullptr);  // 双公示 only
    EXPECT_NE((*catalog)->kind("pj"), nullptr);
    EXPECT_EQ((*catalog)->kind("xf"), nullptr);
}

TEST(MappingCatalogTest, GivenTheShippedTargets_ThenTheirFieldsAreExactlyTheStandardCodes) {
    auto catalog = MappingCatalog::load(kShipped);
    ASSERT_TRUE(catalog.isOk());
    EXPECT_EQ((*catalog)->target("creditchina", "xk")->fieldCodes(),
              (std::vector<std::string>{"XK_XDR_MC",   "XK_XDR_LB",   "XK_XDR_SHXYM", "XK_XDR_GSZC",
                                        "XK_XDR_ZZJG", "XK_XDR_SWDJ", "XK_XDR_SYDW",  "XK_XDR_SHZZ",
                                        "XK_FRDB",     "XK_FR_ZJLX",  "XK_FR_ZJHM",   "XK_XDR_ZJLX",
                                        "XK_XDR_ZJHM", "XK_XKWS",     "XK_WSH",       "XK_XKLB",
                                        "XK_XKZS",     "XK_XKBH",     "XK_NR",        "XK_JDRQ",
                                        "XK_YXQZ",     "XK_YXQZI",    "XK_XKJG",      "XK_XKJGDM",
                                        "XK_ZT",       "XK_LYDW",     "XK_LYDWDM",    "BZ"}));
    EXPECT_EQ((*catalog)->target("creditchina", "cf")->fieldCodes(),
              (std::vector<std::string>{
                  "CF_XDR_MC",   "CF_XDR_LB",   "CF_XDR_SHXYM", "CF_XDR_GSZC", "CF_XDR_ZZJG",
                  "CF_XDR_SWDJ", "CF_XDR_SYDW", "CF_XDR_SHZZ",  "CF_FRDB",     "CF_FR_ZJLX",
                  "CF_FR_ZJHM",  "CF_XDR_ZJLX", "CF_XDR_ZJHM",  "CF_WSH",      "CF_WFXW",
                  "CF_SY",       "CF_YJ",       "CF_CFLB",      "CF_NR",       "CF_NR_FK",
                  "CF_NR_WFFF",  "CF_NR_ZKDX",  "CF_JDRQ",      "CF_YXQ",      "CF_GSJZQ",
                  "CF_CFJG",     "CF_CFJGDM",   "CF_SJLY",      "CF_SJLYDM",   "BZ"}));
}

TEST(MappingCatalogTest, GivenAMissingDirectory_ThenInvalidArgumentNamingIt) {
    auto catalog = MappingCatalog::load("/nonexistent/mappings");
    ASSERT_FALSE(catalog.isOk());
    EXPECT_EQ(catalog.status().code(), StatusCode::InvalidArgument);
    EXPECT_NE(catalog.status().message().find("/nonexistent/mappings"), std::string::npos);
}

TEST(MappingCatalogTest, GivenMalformedXml_ThenTheParserErrorHasFileAndLine) {
    BrokenCopy copy("mapping-malformed");
    long line = copy.replace("codes/zjlx.xml", "<value code=\"护照号\">", "<value code=\"护照号\"");
    std::string error = copy.loadError();
    // libxml2 reports the unclosed tag where it notices it, on the next line.
    std::string file = copy.path("codes/zjlx.xml");
    EXPECT_TRUE(error.find(file + ":" + std::to_string(line) + ":") != std::string::npos ||
                error.find(file + ":" + std::to_string(line + 1) + ":") != std::string::npos)
        << error;
}

TEST(MappingCatalogTest, GivenAFieldThatViolatesTheSchema_ThenTheXsdErrorHasFileAndLine) {
    BrokenCopy copy("mapping-xsd");
    long line = copy.replace("creditchina/cf.xml", "<field code=\"CF_NR_FK\" type=\"amount\"",
                             "<field code=\"CF_NR_FK\" type=\"wanyuan\"");
    std::string error = copy.loadError();
    EXPECT_NE(error.find(copy.path("creditchina/cf.xml") + ":" + std::to_string(line) + ":"),
              std::string::npos)
        << error;
    EXPECT_NE(error.find("wanyuan"), std::string::npos) << error;
}

TEST(MappingCatalogTest, GivenAnUnknownCodeTable_ThenTheFieldAndKnownTablesAreNamed) {
    BrokenCopy copy("mapping-codetable");
    long line = copy.replace("creditchina/cf.xml", "codeTable=\"cflb\"", "codeTable=\"cflb2\"");
    std::string error = copy.loadError();
    EXPECT_NE(
        error.find(
            copy.path("creditchina/cf.xml") + ":" + std::to_string(line) +
            ": field CF_CFLB: unknown code table \"cflb2\"; known: cflb, cnlx, jclx, lyzt, mdlx, pjlx, xdrlb, xklb, xkzt, zjlx"),
        std::string::npos)
        << error;
}

TEST(MappingCatalogTest, GivenSemanticErrors_ThenEveryOneIsListedOnItsOwnLine) {
    BrokenCopy copy("mapping-semantic");
    long condition =
        copy.replace("creditchina/xk.xml", "requiredIf=\"XK_XDR_LB != 自然人\" blankIf",
                     "requiredIf=\"XK_XDR_LB is 自然人\" blankIf");
    long unknownField = copy.replace("creditchina/xk.xml", "checkIf=\"XK_FR_ZJLX = 身份证\"",
                                     "checkIf=\"XK_FR_ZJLXX = 身份证\"");
    long from = copy.replace("creditchina/cf.xml", "<field code=\"BZ\"",
                             "<field code=\"BZ\" from=\"CF_BZ\"");
    long kindRef =
        copy.replace("kinds/cf.xml", "<department field=\"ZRBM\"", "<department field=\"CF_ZRBM\"");
    std::string error = copy.loadError();
    auto at = [&](const std::string& file, long line) {
        return copy.path(file) + ":" + std::to_string(line) + ": ";
    };
    EXPECT_NE(error.find(at("creditchina/xk.xml", condition) +
                         "field XK_XDR_SHXYM: requiredIf: condition"),
              std::string::npos)
        << error;
    EXPECT_NE(error.find(at("creditchina/xk.xml", unknownField) +
                         "field XK_FR_ZJHM: checkIf: condition \"XK_FR_ZJLXX = "
                         "身份证\": unknown field XK_FR_ZJLXX"),
              std::string::npos)
        << error;
    EXPECT_NE(error.find(at("creditchina/cf.xml", from) +
                         "field BZ: from \"CF_BZ\" is not a field of kind cf"),
              std::string::npos)
        << error;
    EXPECT_NE(error.find(at("kinds/cf.xml", kindRef) +
                         "department field refers to unknown field \"CF_ZRBM\""),
              std::string::npos)
        << error;
    EXPECT_GE(std::count(error.begin(), error.end(), '\n'), 3);
}

TEST(MappingCatalogTest, GivenAnAliasUsedForTwoFields_ThenRefused) {
    BrokenCopy copy("mapping-alias");
    copy.replace("kinds/xk.xml", "<alias>许可日期</alias>", "<alias>有效期自</alias>");
    // Reported where the second use is: the standard name of XK_YXQZ.
    long line = copy.replace("kinds/xk.xml", "<field code=\"XK_YXQZ\"", "<field code=\"XK_YXQZ\"");
    std::string error = copy.loadError();
    EXPECT_NE(
        error.find(copy.path("kinds/xk.xml") + ":" + std::to_string(line) +
                   ": header \"有效期自\" already names XK_JDRQ; it cannot also name XK_YXQZ"),
        std::string::npos)
        << error;
}

TEST(MappingCatalogTest, GivenACompoundCategoryOutsideTheTable_ThenRefused) {
    BrokenCopy copy("mapping-compound");
    long line = copy.replace("codes/cflb.xml", "values=\"没收违法所得;没收非法财物\"",
                             "values=\"没收违法所得;没收财物\"");
    std::string error = copy.loadError();
    EXPECT_NE(error.find(copy.path("codes/cflb.xml") + ":" + std::to_string(line) +
                         ": code table cflb: compound value \"没收财物\""),
              std::string::npos)
        << error;
}
