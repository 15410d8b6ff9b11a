// The xyjt (信用交通) target: the real plugin from disk, configured with the real profile from
// mappings/xyjt/, tags every record with its route (mappings/xyjt/README.md).

#include <gtest/gtest.h>

#include <Poco/JSON/Parser.h>

#include <filesystem>
#include <fstream>

#include "TestSupport.h"
#include "creditgw/Mapping.h"
#include "creditgw/PluginHost.h"

using namespace creditgw;
namespace fs = std::filesystem;

namespace {

/// A mappings folder holding only what xyjt needs, so other targets' work in progress in the
/// shared tree cannot break these tests, and a copy can be edited safely.
std::string copyMappings(const creditgw::test::ScratchDir& dir) {
    const fs::path source = creditgw::test::sourcePath("mappings");
    const fs::path target = dir.file("mappings");
    fs::create_directories(target);
    for (const char* part : {"kinds", "codes", "schema", "xyjt"})
        fs::copy(source / part, target / part, fs::copy_options::recursive);
    fs::copy(source / "publicity-periods.xml", target / "publicity-periods.xml");
    return target.string();
}

class XyjtTargetTest : public ::testing::Test {
protected:
    void SetUp() override {
        mappings = copyMappings(dir);
        ASSERT_TRUE(host.loadLibrary(std::string(CREDITGW_TEST_PLUGIN_DIR) + "/xyjt.so"));
    }

    TargetProfile loadProfile() {
        auto catalog = MappingCatalog::load(mappings);
        EXPECT_TRUE(catalog) << catalog.status().toString();
        if (!catalog) return {};
        const TargetProfile* profile = (*catalog)->profile("xyjt");
        EXPECT_NE(profile, nullptr);
        return profile == nullptr ? TargetProfile{} : *profile;
    }

    /// Encodes one record of `kind` with the configured plugin; returns the record's fields.
    Poco::JSON::Object::Ptr encodeOne(const TargetProfile& profile, const std::string& kind,
                                      const std::string& key) {
        auto plugin = host.createTarget("xyjt");
        EXPECT_NE(plugin, nullptr);
        if (!plugin) return nullptr;
        Status configured = plugin->configure(profile);
        EXPECT_TRUE(configured) << configured.toString();
        BatchHeader header{"b-" + kind, "xyjt", kind, "11371300MB20260018", "示范市交通运输局",
                           "2026-11-22T10:00:00+08:00", "1.0.0"};
        std::string name = kind == "xk" ? "XK_XDR_MC" : kind == "cf" ? "CF_XDR_MC" : "PJ_XDR_MC";
        auto bytes = plugin->encodeBatch(header, {{name, "名称"}}, {{key, kind, {{name, "示范市顺达物流有限公司"}}}});
        EXPECT_TRUE(bytes) << bytes.status().toString();
        if (!bytes) return nullptr;
        auto root = Poco::JSON::Parser().parse(*bytes).extract<Poco::JSON::Object::Ptr>();
        return root->getArray("records")->getObject(0)->getObject("fields");
    }

    creditgw::test::ScratchDir dir{"xyjt-target"};
    std::string mappings;
    PluginHost host;
};

}  // namespace

TEST_F(XyjtTargetTest, GivenTheShippedProfileEveryRecordGetsTheFourRouteColumns) {
    TargetProfile profile = loadProfile();
    EXPECT_EQ(profile.plugin, "xyjt");
    auto fields = encodeOne(profile, "pj", "pj-0001");
    ASSERT_TRUE(fields);
    EXPECT_EQ(fields->getValue<std::string>("BSDWDM"), "11371300MB20260018");  // the reporting unit
    EXPECT_EQ(fields->getValue<std::string>("BSLJ"), "市级→省级→部级");        // route.path
    EXPECT_TRUE(fields->has("ZFBZ"));
    EXPECT_TRUE(fields->has("GJJLBS"));
}

TEST_F(XyjtTargetTest, OnlyShuangGongShiIsForwardedAndCarriesItsRecordKeyAsNationalKey) {
    TargetProfile profile = loadProfile();
    for (const char* kind : {"xk", "cf"}) {
        SCOPED_TRACE(kind);
        std::string key = std::string(kind) + "-99d2bb119bea113347a702f9";
        auto fields = encodeOne(profile, kind, key);
        ASSERT_TRUE(fields);
        EXPECT_EQ(fields->getValue<std::string>("ZFBZ"), "1");
        EXPECT_EQ(fields->getValue<std::string>("GJJLBS"), key);
    }
    for (const char* kind : {"pj", "md", "cn", "jc"}) {
        SCOPED_TRACE(kind);
        auto fields = encodeOne(profile, kind, std::string(kind) + "-0001");
        ASSERT_TRUE(fields);
        EXPECT_EQ(fields->getValue<std::string>("ZFBZ"), "0");
        EXPECT_EQ(fields->getValue<std::string>("GJJLBS"), "");
    }
}

TEST_F(XyjtTargetTest, GivenForwardKindsXkOnlyThenCfIsNotForwarded) {
    TargetProfile profile = loadProfile();
    profile.settings["route.forwardKinds"] = "xk";
    EXPECT_EQ(encodeOne(profile, "xk", "xk-1")->getValue<std::string>("ZFBZ"), "1");
    auto cf = encodeOne(profile, "cf", "cf-1");
    EXPECT_EQ(cf->getValue<std::string>("ZFBZ"), "0");
    EXPECT_EQ(cf->getValue<std::string>("GJJLBS"), "");
}

TEST_F(XyjtTargetTest, AProfileWithoutRoutePathIsRefusedNamingTheFileAndTheSetting) {
    // Given the shipped profile with its route.path setting removed (a real file edit)
    std::string file = mappings + "/xyjt/profile.xml";
    std::string text = creditgw::test::readFile(file);
    auto at = text.find("<setting name=\"route.path\"");
    ASSERT_NE(at, std::string::npos);
    text.erase(at, text.find("/>", at) + 2 - at);
    creditgw::test::writeFile(file, text);
    TargetProfile profile = loadProfile();
    ASSERT_EQ(profile.settings.count("route.path"), 0u);

    auto plugin = host.createTarget("xyjt");
    ASSERT_NE(plugin, nullptr);
    Status configured = plugin->configure(profile);
    ASSERT_FALSE(configured);
    EXPECT_EQ(configured.code(), StatusCode::InvalidArgument) << configured.toString();
    EXPECT_NE(configured.message().find("route.path"), std::string::npos) << configured.message();
    EXPECT_NE(configured.message().find("xyjt/profile.xml"), std::string::npos) << configured.message();
}

TEST_F(XyjtTargetTest, AnEmptyRoutePathIsRefusedToo) {
    TargetProfile profile = loadProfile();
    profile.settings["route.path"] = "";
    auto plugin = host.createTarget("xyjt");
    ASSERT_NE(plugin, nullptr);
    EXPECT_FALSE(plugin->configure(profile));
}
