// The older 信用中国 field sets (mappings/creditchina-v1, mappings/creditchina-v2early): the
// real binary's dry run maps one source file under 2.0, v1 and v2-early, and the same canonical
// values come out under each generation's names.

#include <gtest/gtest.h>

#include <Poco/JSON/Parser.h>

#include <filesystem>
#include <map>
#include <vector>

#include "TestSupport.h"

using creditgw::test::CommandResult;
using creditgw::test::runCommand;
namespace fs = std::filesystem;

namespace {

using Fields = std::map<std::string, std::string>;
using Records = std::map<std::string, Fields>;  // record key → fields

const char* kXkCsv =
    "XK_XDR_MC,XK_XDR_LB,XK_XDR_SHXYM,XK_XDR_ZZJG,XK_FRDB,XK_FR_ZJLX,XK_FR_ZJHM,XK_XDR_ZJLX,XK_XDR_ZJHM,"
    "XK_XKWS,XK_WSH,XK_XKLB,XK_XKBH,XK_NR,XK_JDRQ,XK_YXQZ,XK_YXQZI,XK_XKJG,XK_XKJGDM,XK_ZT,XK_LYDW,XK_LYDWDM,BZ\n"
    "示范市顺达物流有限公司,法人及非法人组织,914403001922038216,192203821,李明,身份证,11010519491231002X,,,"
    "准予行政许可决定书,示交许〔2026〕1号,01,示交运001,道路普通货物运输,2026-11-18,2026-11-18,长期,"
    "示范市交通运输局,11371300MB20260018,有效,示范市交通运输局,11371300MB20260018,首次申请\n"
    "王建国,自然人,,,,,,身份证,11010519491231002X,"
    "准予行政许可决定书,示交许〔2026〕2号,认可,示交驾002,出租汽车驾驶员从业资格,2026/11/19,2026/11/19,2032/11/18,"
    "示范市交通运输局,11371300MB20260018,无效,示范市交通运输局,11371300MB20260018,\n";

const char* kCfCsv =
    "CF_XDR_MC,CF_XDR_LB,CF_XDR_SHXYM,CF_FRDB,CF_XDR_ZJLX,CF_XDR_ZJHM,CF_WSH,CF_WFXW,CF_SY,CF_YJ,CF_CFLB,"
    "CF_NR,CF_NR_FK,CF_NR_WFFF,CF_JDRQ,CF_YXQ,CF_CFJG,CF_CFJGDM,CF_SJLY,CF_SJLYDM\n"
    "示范市远达运输有限公司,法人及非法人组织,91350100M000100Y43,赵强,,,示交罚〔2026〕3号,车辆违法超限运输,"
    "车货总重超过限定标准,《公路法》第七十六条,警告;罚款,警告并罚款2000元,0.2,,2026-11-20,2027-11-20,"
    "示范市交通运输局,11371300MB20260018,示范市交通运输局,11371300MB20260018\n";

class CreditChinaVariantsTest : public ::testing::Test {
protected:
    void SetUp() override {
        // A data dir with only the three creditchina targets: other targets' work in progress in
        // the shared tree cannot break this test.
        const fs::path source = creditgw::test::sourcePath("mappings");
        const fs::path mappings = dir.file("data/mappings");
        fs::create_directories(mappings);
        for (const char* part : {"kinds", "codes", "schema", "creditchina", "creditchina-v1", "creditchina-v2early"})
            fs::copy(source / part, mappings / part, fs::copy_options::recursive);
        fs::copy(source / "publicity-periods.xml", mappings / "publicity-periods.xml");
        fs::create_directories(dir.file("data/data"));
        fs::create_directory_symlink(creditgw::test::sourcePath("data/holidays"), dir.file("data/data/holidays"));
        creditgw::test::writeFile(dir.file("xk.csv"), kXkCsv);
        creditgw::test::writeFile(dir.file("cf.csv"), kCfCsv);
    }

    /// Dry-runs `kind` through `target`; returns the payload's records and their field order.
    Records map(const std::string& target, const std::string& kind, std::vector<std::string>* order = nullptr) {
        std::string out = dir.file("out-" + target + "-" + kind);
        CommandResult result = runCommand(std::string(CREDITGW_BINARY) + " map --target " + target + " --kind " + kind +
                                          " --input " + dir.file(kind + ".csv") + " --out " + out + " --data-dir " +
                                          dir.file("data") + " --store " + dir.file("store.db"));
        EXPECT_EQ(result.exitCode, 0) << result.output;
        Records records;
        if (result.exitCode != 0) return records;
        auto root = Poco::JSON::Parser().parse(creditgw::test::readFile(out + "/payload.json"))
                        .extract<Poco::JSON::Object::Ptr>();
        EXPECT_EQ(root->getObject("package")->getValue<std::string>("target"), target);
        auto array = root->getArray("records");
        for (std::size_t i = 0; i < array->size(); ++i) {
            auto record = array->getObject(static_cast<unsigned>(i));
            auto fields = record->getObject("fields");
            Fields values;
            for (const auto& name : fields->getNames()) values[name] = fields->getValue<std::string>(name);
            records[record->getValue<std::string>("key")] = values;
        }
        if (order != nullptr) {
            // Wire order, from the bytes (the parser does not keep it).
            std::string bytes = creditgw::test::readFile(out + "/payload.json");
            std::size_t from = bytes.find("\"fields\":{");
            std::size_t end = bytes.find('}', from);
            for (std::size_t at = bytes.find('"', from + 10); at < end; at = bytes.find(",\"", at) + 1) {
                std::size_t close = bytes.find('"', at + 1);
                order->push_back(bytes.substr(at + 1, close - at - 1));
                if (bytes.find(",\"", at) > end) break;
            }
        }
        return records;
    }

    creditgw::test::ScratchDir dir{"creditchina-variants"};
};

}  // namespace

TEST_F(CreditChinaVariantsTest, V1UsesTheV1FieldSetInItsOrder) {
    std::vector<std::string> xk, cf;
    map("creditchina-v1", "xk", &xk);
    map("creditchina-v1", "cf", &cf);
    EXPECT_EQ(xk, (std::vector<std::string>{"XK_WSH", "XK_XMMC", "XK_SPLB", "XK_NR", "XK_XDR", "XK_XDR_SHXYM",
                                            "XK_XDR_ZDM", "XK_XDR_GSDJ", "XK_XDR_SWDJ", "XK_XDR_SFZ", "XK_FR",
                                            "XK_JDRQ", "XK_JZQ", "XK_XZJG", "XK_ZT", "DFBM", "SJC", "BZ"}));
    EXPECT_EQ(cf, (std::vector<std::string>{"CF_WSH", "CF_CFMC", "CF_CFLB1", "CF_CFLB2", "CF_SY", "CF_YJ",
                                            "CF_XDR_MC", "CF_XDR_SHXYM", "CF_XDR_ZDM", "CF_XDR_GSDJ", "CF_XDR_SWDJ",
                                            "CF_XDR_SFZ", "CF_FR", "CF_JG", "CF_JDRQ", "CF_XZJG", "CF_ZT", "DFBM",
                                            "SJC", "BZ"}));
}

TEST_F(CreditChinaVariantsTest, V2EarlyHasNoSubjectCategoryAndOneLegalRepresentativeIdNumber) {
    for (const char* kind : {"xk", "cf"}) {
        SCOPED_TRACE(kind);
        std::vector<std::string> names;
        map("creditchina-v2early", kind, &names);
        std::string p = kind == std::string("xk") ? "XK_" : "CF_";
        ASSERT_FALSE(names.empty());
        auto has = [&](const std::string& name) { return std::find(names.begin(), names.end(), name) != names.end(); };
        EXPECT_FALSE(has(p + "XDR_LB"));
        EXPECT_FALSE(has(p + "FR_ZJLX"));
        EXPECT_FALSE(has(p + "FR_ZJHM"));
        EXPECT_TRUE(has(p + "FR_SFZH"));
        EXPECT_TRUE(has(p + "XDR_MC"));
        EXPECT_TRUE(has(p + "XDR_ZJHM"));  // the natural person's own 证件 stays
    }
}

TEST_F(CreditChinaVariantsTest, TheSameSourceRowGivesTheSameValuesUnderEachGenerationsNames) {
    Records v20 = map("creditchina", "xk"), v1 = map("creditchina-v1", "xk"), early = map("creditchina-v2early", "xk");
    ASSERT_EQ(v20.size(), 2u);
    ASSERT_EQ(v1.size(), 2u);
    ASSERT_EQ(early.size(), 2u);
    // 2.0 name → v1 name; v2-early keeps the 2.0 names except 法定代表人证件号码.
    const std::map<std::string, std::string> v1Names = {
        {"XK_WSH", "XK_WSH"},     {"XK_XKWS", "XK_XMMC"}, {"XK_XKLB", "XK_SPLB"},     {"XK_NR", "XK_NR"},
        {"XK_XDR_MC", "XK_XDR"},  {"XK_XDR_SHXYM", "XK_XDR_SHXYM"}, {"XK_XDR_ZZJG", "XK_XDR_ZDM"},
        {"XK_XDR_ZJHM", "XK_XDR_SFZ"}, {"XK_FRDB", "XK_FR"}, {"XK_JDRQ", "XK_JDRQ"}, {"XK_YXQZI", "XK_JZQ"},
        {"XK_XKJG", "XK_XZJG"},   {"BZ", "BZ"}};
    for (const auto& [key, fields] : v20) {
        SCOPED_TRACE(key);
        ASSERT_EQ(v1.count(key), 1u) << "the record key is the canonical identity, the same for every target";
        ASSERT_EQ(early.count(key), 1u);
        for (const auto& [name, v1Name] : v1Names) EXPECT_EQ(v1[key][v1Name], fields.at(name)) << name;
        for (const auto& [name, value] : fields) {
            if (name == "XK_XDR_LB" || name == "XK_FR_ZJLX" || name == "XK_FR_ZJHM") continue;
            EXPECT_EQ(early[key][name], value) << name;
        }
        EXPECT_EQ(early[key]["XK_FR_SFZH"], fields.at("XK_FR_ZJHM"));
    }
    Records cf20 = map("creditchina", "cf"), cf1 = map("creditchina-v1", "cf");
    ASSERT_EQ(cf20.size(), 1u);
    const auto& [key, fields] = *cf20.begin();
    EXPECT_EQ(cf1[key]["CF_CFMC"], fields.at("CF_WFXW"));
    EXPECT_EQ(cf1[key]["CF_JG"], fields.at("CF_NR"));
    EXPECT_EQ(cf1[key]["CF_XZJG"], fields.at("CF_CFJG"));
    EXPECT_EQ(cf1[key]["CF_CFLB1"] + ";" + cf1[key]["CF_CFLB2"], fields.at("CF_CFLB"));
}

TEST_F(CreditChinaVariantsTest, V1SendsItsOwnStatusCodesConstantsAndSplitCategories) {
    Records xk = map("creditchina-v1", "xk");
    ASSERT_EQ(xk.size(), 2u);
    for (const auto& [key, fields] : xk) {
        SCOPED_TRACE(key);
        EXPECT_EQ(fields.at("DFBM"), "371300");
        EXPECT_EQ(fields.at("SJC"), fields.at("XK_JDRQ"));
        if (fields.at("XK_XDR") == "王建国") {
            EXPECT_EQ(fields.at("XK_ZT"), "3");  // 无效 → 3 其他
            EXPECT_EQ(fields.at("XK_XDR_SFZ"), "11010519491231002X");
            EXPECT_EQ(fields.at("XK_FR"), "");
        } else {
            EXPECT_EQ(fields.at("XK_ZT"), "0");  // 有效 → 0 正常
            EXPECT_EQ(fields.at("XK_SPLB"), "普通");  // local code 01 through xklb
            EXPECT_EQ(fields.at("XK_JZQ"), "2099/12/31");  // 长期
            EXPECT_EQ(fields.at("XK_XDR_SFZ"), "");  // an organisation: no 身份证号
        }
    }
    Records cf = map("creditchina-v1", "cf");
    ASSERT_EQ(cf.size(), 1u);
    const Fields& f = cf.begin()->second;
    EXPECT_EQ(f.at("CF_CFLB1"), "警告");
    EXPECT_EQ(f.at("CF_CFLB2"), "罚款");
    EXPECT_EQ(f.at("CF_ZT"), "0");
}

TEST_F(CreditChinaVariantsTest, V2EarlyBlanksPerSubjectWithoutACategoryField) {
    Records early = map("creditchina-v2early", "xk");
    ASSERT_EQ(early.size(), 2u);
    for (const auto& [key, fields] : early) {
        SCOPED_TRACE(key);
        if (fields.at("XK_XDR_MC") == "王建国") {  // no USCC, a 证件号码: a natural person
            EXPECT_EQ(fields.at("XK_XDR_ZJLX"), "身份证");
            EXPECT_EQ(fields.at("XK_FRDB"), "");
            EXPECT_EQ(fields.at("XK_FR_SFZH"), "");
        } else {
            EXPECT_EQ(fields.at("XK_FR_SFZH"), "11010519491231002X");
            EXPECT_EQ(fields.at("XK_XDR_ZJHM"), "");
            EXPECT_EQ(fields.at("XK_XDR_ZZJG"), "192203821");
        }
    }
}
