// Specification of target profiles (mappings/<target>/profile.xml → TargetProfile through
// MappingCatalog::profile) and of target-local code tables: a platform is described in files,
// and a new province is added by copying a folder.

#include <gtest/gtest.h>

#include <algorithm>

#include <filesystem>

#include "TestSupport.h"
#include "creditgw/Mapping.h"

using namespace creditgw;
namespace fs = std::filesystem;

namespace {

const std::string kFixture = CREDITGW_SOURCE_DIR "/tests/fixtures/mapping/targets/demo-province";

/// The shipped mappings plus the made-up province, in a scratch directory a test may edit.
class Mappings {
public:
    explicit Mappings(const std::string& name) : _dir(name) {
        fs::copy(CREDITGW_SOURCE_DIR "/mappings", root(), fs::copy_options::recursive);
        fs::copy(kFixture, path("demo-province"), fs::copy_options::recursive);
    }
    std::string root() const { return _dir.path() + "/mappings"; }
    std::string path(const std::string& relative) const { return root() + "/" + relative; }

    /// Replaces the first `from` in a file; returns the line libxml2 reports for its element.
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
    std::shared_ptr<const MappingCatalog> load() const {
        auto result = MappingCatalog::load(root());
        if (!result) throw std::runtime_error(result.status().toString());
        return *result;
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

const MappingContext kToday{CivilDate{2024, 10, 8}};

Record licence() {
    Record r;
    r.kind = "xk";
    r.fields = {{"XK_XDR_MC", "深圳市某某运输有限公司"},
                {"XK_XDR_SHXYM", "914403001922038216"},
                {"XK_WSH", "交运许〔2024〕8号"},
                {"XK_XKLB", "普通"},
                {"XK_NR", "道路普通货物运输"},
                {"XK_JDRQ", "2024-09-27"},
                {"XK_YXQZ", "2024-09-27"},
                {"XK_YXQZI", "2028-09-26"},
                {"XK_XKJG", "交通运输部"},
                {"XK_XKJGDM", "11100000000019713D"},
                {"XK_ZT", "1"},
                {"XK_LYDWDM", "11100000000019713D"}};
    return r;
}

std::string valueOf(const MappingOutcome& outcome, const std::string& name) {
    for (const auto& [field, value] : outcome.record.fields)
        if (field == name) return value;
    ADD_FAILURE() << name << " is not an output field";
    return {};
}

}  // namespace

TEST(TargetProfileTest, GivenTheShippedCreditChinaProfile_ThenJsonUtf8ForItsPlugin) {
    auto catalog = MappingCatalog::load(CREDITGW_SOURCE_DIR "/mappings");
    ASSERT_TRUE(catalog.isOk()) << catalog.status().toString();
    auto names = (*catalog)->targetNames();
    EXPECT_NE(std::find(names.begin(), names.end(), "creditchina"), names.end());
    const TargetProfile* p = (*catalog)->profile("creditchina");
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(p->id, "creditchina");
    EXPECT_EQ(p->name, "信用中国");
    EXPECT_EQ(p->plugin, "creditchina");
    EXPECT_EQ(p->version, "2.0.1");
    EXPECT_FALSE(p->isTemplate);
    EXPECT_EQ(p->envelopeFormat, "json");
    EXPECT_EQ(p->envelopeEncoding, "UTF-8");
    EXPECT_EQ(p->envelopeSchema, "");
    EXPECT_EQ(p->packageTypes,
              (std::map<std::string, std::string>{{"cf", "XZCF"}, {"xk", "XZXK"}}));
    EXPECT_EQ(p->dateFormat, "yyyy/MM/dd");
    EXPECT_TRUE(fs::path(p->directory).is_absolute());
    EXPECT_EQ(fs::path(p->directory).filename(), "creditchina");
    EXPECT_EQ((*catalog)->profile("nowhere"), nullptr);
}

TEST(TargetProfileTest, GivenAProvinceProfile_ThenEverySettingIsParsed) {
    Mappings m("profile-province");
    auto catalog = m.load();
    auto names = catalog->targetNames();
    EXPECT_NE(std::find(names.begin(), names.end(), "creditchina"), names.end());
    EXPECT_NE(std::find(names.begin(), names.end(), "demo-province"), names.end());
    const TargetProfile* p = catalog->profile("demo-province");
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(p->name, "信用交通·示范省");
    EXPECT_EQ(p->plugin, "provincial");
    EXPECT_EQ(p->version, "0.9.0");
    EXPECT_TRUE(p->isTemplate);
    EXPECT_EQ(p->envelopeFormat, "xml");
    EXPECT_EQ(p->envelopeEncoding, "GBK");
    EXPECT_EQ(p->envelopeSchema,
              fs::path(m.path("demo-province/envelope.xsd")).lexically_normal().string());
    EXPECT_FALSE(p->headerTitles);
    EXPECT_EQ(p->packageTypes.at("md"), "HHMD");
    EXPECT_EQ(p->packageTypes.size(), 6u);
    EXPECT_EQ(p->dateFormat, "yyyy-MM-dd");
    EXPECT_EQ(p->endpointUrl, "https://127.0.0.1:8443/xyjt/upload");
    EXPECT_EQ(p->batchSize, 200u);
    EXPECT_EQ(p->timeoutSeconds, 30);
    EXPECT_EQ(p->signatureFormat, "raw");
    EXPECT_EQ(p->signerId, "1234567812345678");
    EXPECT_EQ(p->settings,
              (std::map<std::string, std::string>{{"appKey", "demo-app"}, {"compress", "zip"}}));
}

TEST(TargetProfileTest, GivenAFolderWithoutProfile_ThenTheDefaultProfileNamedAfterIt) {
    Mappings m("profile-default");
    fs::create_directories(m.path("xyjt"));
    auto catalog = m.load();
    const TargetProfile* p = catalog->profile("xyjt");
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(p->id, "xyjt");
    EXPECT_EQ(p->plugin, "xyjt");
    EXPECT_EQ(p->envelopeFormat, "json");
    EXPECT_EQ(p->envelopeEncoding, "UTF-8");
    EXPECT_EQ(p->batchSize, 500u);
    EXPECT_EQ(p->dateFormat, "yyyy/MM/dd");
}

TEST(TargetProfileTest, GivenAMappingWithItsOwnDateFormat_ThenItWinsOverTheProfile) {
    Mappings m("profile-dateformat");
    m.replace("demo-province/xk.xml", "version=\"0.9.0\">",
              "version=\"0.9.0\" dateFormat=\"yyyy.MM.dd\">");
    auto catalog = m.load();
    MappingOutcome outcome = catalog->target("demo-province", "xk")->apply(licence(), kToday);
    EXPECT_EQ(valueOf(outcome, "jdrq"), "2024.09.27");
    EXPECT_EQ(valueOf(outcome, "yxqz"), "20240927");  // a field's own format still wins
}

TEST(TargetProfileTest, GivenAProfileViolatingItsSchema_ThenFileAndLine) {
    Mappings m("profile-xsd");
    long line = m.replace("demo-province/profile.xml", "format=\"xml\"", "format=\"pdf\"");
    std::string error = m.loadError();
    EXPECT_NE(error.find(m.path("demo-province/profile.xml") + ":" + std::to_string(line) + ":"),
              std::string::npos)
        << error;
    EXPECT_NE(error.find("pdf"), std::string::npos) << error;
}

TEST(TargetProfileTest, GivenSemanticProfileErrors_ThenEachWithFileAndLine) {
    Mappings m("profile-semantic");
    long idLine = m.replace("demo-province/profile.xml", "id=\"demo-province\"", "id=\"sd-xyjt\"");
    long schemaLine =
        m.replace("demo-province/profile.xml", "schema=\"envelope.xsd\"", "schema=\"missing.xsd\"");
    long kindLine = m.replace("demo-province/profile.xml", "kind=\"jc\"", "kind=\"zz\"");
    std::string error = m.loadError();
    std::string file = m.path("demo-province/profile.xml");
    EXPECT_NE(error.find(file + ":" + std::to_string(idLine) +
                         ": profile id \"sd-xyjt\" differs from its directory \"demo-province\""),
              std::string::npos)
        << error;
    EXPECT_NE(error.find(file + ":" + std::to_string(schemaLine) +
                         ": envelope schema \"missing.xsd\" not found"),
              std::string::npos)
        << error;
    EXPECT_NE(
        error.find(file + ":" + std::to_string(kindLine) + ": packageType: unknown kind \"zz\""),
        std::string::npos)
        << error;
}

TEST(TargetProfileTest, GivenATargetLocalTable_ThenOtherTargetsCannotSeeIt) {
    Mappings m("profile-local-codes");
    long line = m.replace("creditchina/xk.xml", "codeTable=\"xkzt\"", "codeTable=\"sfyx\"");
    std::string error = m.loadError();
    EXPECT_NE(error.find(m.path("creditchina/xk.xml") + ":" + std::to_string(line) +
                         ": field XK_ZT: unknown code table \"sfyx\""),
              std::string::npos)
        << error;
}

TEST(TargetProfileTest, GivenAnOutputCodeTableOverride_ThenOnlyThatTargetSendsCodes) {
    Mappings m("profile-override");
    auto catalog = m.load();
    Record r = licence();
    MappingOutcome province = catalog->target("demo-province", "xk")->apply(r, kToday);
    EXPECT_EQ(valueOf(province, "xdrlb"), "1");
    r.fields["XK_XKWS"] = "许可决定书";
    r.fields["XK_FRDB"] = "李四";
    r.fields["XK_LYDW"] = "交通运输部";
    MappingOutcome national = catalog->target("creditchina", "xk")->apply(r, kToday);
    EXPECT_TRUE(national.violations.empty());
    EXPECT_EQ(valueOf(national, "XK_XDR_LB"), "法人及非法人组织");
}

TEST(TargetProfileTest, GivenAFifthProvinceCopiedFromAFolder_ThenItLoadsAndMaps) {
    Mappings m("profile-fifth");
    fs::copy(m.path("demo-province"), m.path("fifth-province"), fs::copy_options::recursive);
    // The only edits an operator makes: the folder's id in each file.
    for (const auto& entry : fs::directory_iterator(m.path("fifth-province"))) {
        if (entry.path().extension() != ".xml") continue;
        std::string text = test::readFile(entry.path().string());
        std::size_t pos = text.find("id=\"demo-province\"");
        ASSERT_NE(pos, std::string::npos) << entry.path();
        text.replace(pos, 18, "id=\"fifth-province\"");
        test::writeFile(entry.path().string(), text);
    }
    auto catalog = m.load();
    ASSERT_NE(catalog->profile("fifth-province"), nullptr);
    EXPECT_EQ(catalog->profile("fifth-province")->plugin, "provincial");
    const TargetMapping* xk = catalog->target("fifth-province", "xk");
    ASSERT_NE(xk, nullptr);
    MappingOutcome outcome = xk->apply(licence(), kToday);
    EXPECT_TRUE(outcome.violations.empty());
    EXPECT_EQ(valueOf(outcome, "xdrlb"), "1");  // its own codes/ came along
}

TEST(TargetProfileTest, GivenBrokenTargetFeatures_ThenEachWithFileAndLine) {
    Mappings m("profile-broken-features");
    std::string file = m.path("demo-province/xk.xml");
    long pattern = m.replace("demo-province/xk.xml", "pattern=\"(19|20)[0-9]{2}\"",
                             "pattern=\"(19|20[0-9]{2}\"");
    long constant = m.replace("demo-province/xk.xml", "constant=\"信用交通·示范省\" type=\"text\"",
                              "constant=\"信用交通·示范省\" type=\"text\" default=\"x\"");
    long concat = m.replace("demo-province/xk.xml", "concat=\"XK_XKJG XK_XKJGDM\"",
                            "concat=\"XK_XKJG XK_NOPE\"");
    long fallback = m.replace("demo-province/xk.xml", "default=\"有效\"", "default=\"作废\"");
    std::string error = m.loadError();
    auto has = [&](long line, const std::string& text) {
        return error.find(file + ":" + std::to_string(line) + ": " + text) != std::string::npos;
    };
    EXPECT_TRUE(has(pattern, "field XKBH_ND: pattern \"(19|20[0-9]{2}\" is not a valid")) << error;
    EXPECT_TRUE(has(constant, "field SJLY: a constant field needs no default")) << error;
    EXPECT_TRUE(has(concat, "field XKJG_QC: concat: \"XK_NOPE\" is not a field of kind xk"))
        << error;
    EXPECT_TRUE(has(fallback, "field XK_ZT: default \"作废\" is not in code table sfyx")) << error;
}
