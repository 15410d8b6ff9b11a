// Specification of the record-level publicity rules of mappings/publicity-periods.xml
// (domain.md §4.2): 失信严重程度 by rule when a record gives none, and 共享不公示 — penalties of
// only 警告/通报批评 or a 较低数额罚款 are shared but not shown, marked by each target its own way
// (<shareOnly> in a target field). The mappings are the shipped ones, copied and edited the way
// an operator would.

#include <gtest/gtest.h>

#include <filesystem>

#include "TestSupport.h"
#include "creditgw/Mapping.h"

using namespace creditgw;
namespace fs = std::filesystem;

namespace {

const MappingContext kToday{CivilDate{2024, 10, 8}};

/// Inserts `text` before the first occurrence of `marker` in `file`.
void insertBefore(const std::string& file, const std::string& marker, const std::string& text) {
    std::string body = test::readFile(file);
    auto at = body.find(marker);
    if (at == std::string::npos) throw std::runtime_error(marker + " not in " + file);
    body.insert(at, text);
    test::writeFile(file, body);
}

const char* const kMarkField =
    "  <field code=\"GSBZ\" output=\"GSBZ\" type=\"text\" maxLength=\"1\">\n"
    "    <deriveWhenEmpty><shareOnly shareOnly=\"0\" shown=\"1\"/></deriveWhenEmpty>\n"
    "  </field>\n";

/// The shipped mappings with two severity rules, and a 共享不公示 mark in creditchina (万元) and
/// sd-xyjt (which sends amounts in 元).
std::shared_ptr<const MappingCatalog> editedMappings(const test::ScratchDir& dir) {
    std::string mappings = dir.path() + "/mappings";
    fs::copy(test::sourcePath("mappings"), mappings, fs::copy_options::recursive);
    insertBefore(mappings + "/publicity-periods.xml", "  <shareOnlyRule",
                 "  <severityRule severity=\"严重\" when=\"CF_CFLB contains 吊销许可证件\" basis=\"test\"/>\n"
                 "  <severityRule severity=\"严重\" when=\"CF_NR_FK &gt;= 100\" basis=\"test\"/>\n");
    insertBefore(mappings + "/creditchina/cf.xml", "  <dateOrder", kMarkField);
    insertBefore(mappings + "/sd-xyjt/cf.xml", "  <dateOrder", kMarkField);
    auto loaded = MappingCatalog::load(mappings);
    if (!loaded) throw std::runtime_error(loaded.status().toString());
    return *loaded;
}

const MappingCatalog& catalog() {
    static test::ScratchDir dir("publicity-rules");
    static auto loaded = editedMappings(dir);
    return *loaded;
}

/// A fine of `wanyuan` 万元 to a company, decided 2024-09-27, without 失信严重程度.
Record companyPenalty(const std::string& categories, const std::string& wanyuan) {
    Record r;
    r.kind = "cf";
    r.fields = {{"CF_XDR_MC", "深圳市某某运输有限公司"},
                {"CF_XDR_LB", "法人及非法人组织"},
                {"CF_XDR_SHXYM", "914403001922038216"},
                {"CF_FRDB", "李四"},
                {"CF_WSH", "深交罚〔2024〕101号"},
                {"CF_WFXW", "超限运输"},
                {"CF_SY", "2024年9月1日，车辆超限运输"},
                {"CF_YJ", "《公路法》第七十六条"},
                {"CF_CFLB", categories},
                {"CF_NR", "处罚"},
                {"CF_JDRQ", "2024-09-27"},
                {"CF_YXQ", "2025-09-27"},
                {"CF_CFJG", "交通运输部"},
                {"CF_CFJGDM", "11100000000019713D"},
                {"CF_SJLY", "交通运输部"},
                {"CF_SJLYDM", "11100000000019713D"}};
    if (!wanyuan.empty()) r.fields["CF_NR_FK"] = wanyuan;
    if (categories.find("吊销") != std::string::npos) r.fields["CF_NR_ZKDX"] = "道路运输经营许可证 440300000001";
    return r;
}

Record personPenalty(const std::string& categories, const std::string& wanyuan) {
    Record r = companyPenalty(categories, wanyuan);
    r.fields.erase("CF_XDR_SHXYM");
    r.fields.erase("CF_FRDB");
    r.fields["CF_XDR_MC"] = "张三";
    r.fields["CF_XDR_LB"] = "自然人";
    r.fields["CF_XDR_ZJLX"] = "身份证";
    r.fields["CF_XDR_ZJHM"] = "11010519491231002X";
    return r;
}

MappingOutcome apply(const std::string& target, const Record& record) {
    const TargetMapping* mapping = catalog().target(target, "cf");
    if (mapping == nullptr) throw std::runtime_error("no " + target + " cf mapping");
    MappingOutcome outcome = mapping->apply(record, kToday);
    std::string problems;
    for (const auto& v : outcome.violations) problems += v.message + "\n";
    EXPECT_TRUE(outcome.violations.empty()) << problems;
    return outcome;
}

std::string fieldOf(const MappingOutcome& outcome, const std::string& name) {
    for (const auto& [field, value] : outcome.record.fields)
        if (field == name) return value;
    return "<absent>";
}

}  // namespace

TEST(PublicityRulesTest, GivenNoSeverityAndARevocation_ThenTheSevereRuleGivesThreeYears) {
    auto outcome = apply("creditchina", companyPenalty("罚款;吊销许可证件", "0.5"));
    EXPECT_EQ(outcome.publicityEnd, "2027-09-27");
}

TEST(PublicityRulesTest, GivenARuleThatDecided_ThenTheOutcomeNamesTheSeverityRepairTakesItsMinimumBy) {
    EXPECT_EQ(apply("creditchina", companyPenalty("罚款;吊销许可证件", "0.5")).severity, "严重");
    EXPECT_EQ(apply("creditchina", companyPenalty("罚款", "0.5")).severity, "一般");
}

TEST(PublicityRulesTest, GivenNoSeverityAndALargeFine_ThenTheAmountRuleGivesThreeYears) {
    EXPECT_EQ(apply("creditchina", companyPenalty("罚款", "100")).publicityEnd, "2027-09-27");
    EXPECT_EQ(apply("creditchina", companyPenalty("罚款", "99.99")).publicityEnd, "2025-09-27");
}

TEST(PublicityRulesTest, GivenAnExplicitSeverity_ThenNoRuleOverridesIt) {
    Record r = companyPenalty("罚款;吊销许可证件", "0.5");
    r.fields["CF_SXYZCD"] = "一般失信";
    EXPECT_EQ(apply("creditchina", r).publicityEnd, "2025-09-27");
}

TEST(PublicityRulesTest, GivenTheRuleThatHeld_ThenMappingExplainNamesIt) {
    MappingTrace trace;
    catalog().target("creditchina", "cf")->apply(companyPenalty("罚款", "120"), kToday, &trace);
    std::string rule;
    for (const auto& f : trace.fields)
        if (f.code == "CF_GSJZQ") rule = f.rule;
    EXPECT_NE(rule.find("severity 严重 by rule: CF_NR_FK >= 100"), std::string::npos) << rule;
}

TEST(PublicityRulesTest, GivenOnlyAWarningOrCriticism_ThenSharedNotShown) {
    for (const char* categories : {"警告", "通报批评", "警告;通报批评"}) {
        auto outcome = apply("creditchina", companyPenalty(categories, ""));
        EXPECT_EQ(fieldOf(outcome, "GSBZ"), "0") << categories;
        EXPECT_TRUE(outcome.shareOnly) << categories;
    }
}

TEST(PublicityRulesTest, GivenAWarningWithARevocation_ThenShown) {
    auto outcome = apply("creditchina", companyPenalty("警告;吊销许可证件", ""));
    EXPECT_EQ(fieldOf(outcome, "GSBZ"), "1");
    EXPECT_FALSE(outcome.shareOnly);
}

TEST(PublicityRulesTest, GivenSmallFines_ThenTheThresholdDependsOnWhoIsFined) {
    EXPECT_EQ(fieldOf(apply("creditchina", personPenalty("罚款", "0.02")), "GSBZ"), "0");   // 200 元
    EXPECT_EQ(fieldOf(apply("creditchina", personPenalty("罚款", "0.05")), "GSBZ"), "1");   // 500 元
    EXPECT_EQ(fieldOf(apply("creditchina", companyPenalty("罚款", "0.3")), "GSBZ"), "0");   // 3000 元
    EXPECT_EQ(fieldOf(apply("creditchina", companyPenalty("罚款", "0.31")), "GSBZ"), "1");  // 3100 元
    EXPECT_EQ(fieldOf(apply("creditchina", companyPenalty("罚款;警告", "0.1")), "GSBZ"), "0");
    // A 个体工商户 is a 公民 for the 简易程序 amounts: 200 元.
    Record soleTrader = companyPenalty("罚款", "0.25");
    soleTrader.fields["CF_XDR_LB"] = "个体工商户";
    soleTrader.fields["CF_XDR_SHXYM"] = "92440300MA5DXXXX0Q";
    soleTrader.fields.erase("CF_XDR_SHXYM");
    soleTrader.fields["CF_XDR_GSZC"] = "440300600000001";
    auto traded = catalog().target("creditchina", "cf")->apply(soleTrader, kToday);
    EXPECT_EQ(fieldOf(traded, "GSBZ"), "1");
}

TEST(PublicityRulesTest, GivenATargetThatSendsYuan_ThenTheThresholdIsComparedInYuan) {
    auto small = apply("sd-xyjt", companyPenalty("罚款", "0.3"));
    auto large = apply("sd-xyjt", companyPenalty("罚款", "0.31"));
    EXPECT_EQ(fieldOf(small, "GSBZ"), "0");
    EXPECT_EQ(fieldOf(large, "GSBZ"), "1");
    EXPECT_TRUE(small.shareOnly);
}

TEST(PublicityRulesTest, GivenATargetThatSplitsTheCategoriesAndSendsNoFine_ThenTheRecordsValuesDecide) {
    // 信用中国 v1 sends 处罚类别 in two fields and no 罚款金额: its 公示截止期 is still the record's.
    Record r = companyPenalty("罚款;吊销许可证件", "0.5");
    EXPECT_EQ(apply("creditchina-v1", r).publicityEnd, "2027-09-27");
    EXPECT_EQ(apply("creditchina-v1", companyPenalty("罚款", "120")).publicityEnd, "2027-09-27");
    EXPECT_EQ(apply("creditchina-v1", companyPenalty("罚款", "1")).publicityEnd, "2025-09-27");
}

TEST(PublicityRulesTest, GivenTheMark_ThenItIsNotAnIndicatorForCompleteness) {
    const TargetMapping* withMark = catalog().target("creditchina", "cf");
    const TargetMapping* shipped = test::shippedMappings().target("creditchina", "cf");
    Record r = companyPenalty("罚款", "0.5");
    auto marked = withMark->apply(r, kToday);
    auto plain = shipped->apply(r, kToday);
    EXPECT_EQ(marked.indicatorsDefined, plain.indicatorsDefined);
    EXPECT_EQ(marked.indicatorsFilled, plain.indicatorsFilled);
}

TEST(PublicityRulesTest, GivenShippedTargets_ThenNoneMarksAndTheRecordGoesAsBefore) {
    auto outcome = test::shippedMappings().target("creditchina", "cf")->apply(companyPenalty("警告", ""), kToday);
    EXPECT_FALSE(outcome.shareOnly);
    EXPECT_EQ(fieldOf(outcome, "GSBZ"), "<absent>");
}

TEST(PublicityRulesTest, GivenARuleNamingAFieldATargetLacks_ThenTheLoadFailsNamingFileLineAndTarget) {
    test::ScratchDir dir("publicity-rules-broken");
    std::string mappings = dir.path() + "/mappings";
    fs::copy(test::sourcePath("mappings"), mappings, fs::copy_options::recursive);
    insertBefore(mappings + "/publicity-periods.xml", "  <shareOnlyRule",
                 "  <severityRule severity=\"严重\" when=\"CF_NOSUCH = 1\"/>\n");
    auto loaded = MappingCatalog::load(mappings);
    ASSERT_FALSE(loaded);
    const std::string message = loaded.status().message();
    EXPECT_NE(message.find("publicity-periods.xml"), std::string::npos) << message;
    EXPECT_NE(message.find("target creditchina"), std::string::npos) << message;
    EXPECT_NE(message.find("unknown field CF_NOSUCH (not a field of kind cf)"), std::string::npos) << message;
}

TEST(PublicityRulesTest, GivenANumericComparisonWithoutANumber_ThenTheLoadSaysSo) {
    test::ScratchDir dir("publicity-rules-nan");
    std::string mappings = dir.path() + "/mappings";
    fs::copy(test::sourcePath("mappings"), mappings, fs::copy_options::recursive);
    insertBefore(mappings + "/publicity-periods.xml", "  <shareOnlyRule",
                 "  <severityRule severity=\"严重\" when=\"CF_NR_FK &gt;= 一百\"/>\n");
    auto loaded = MappingCatalog::load(mappings);
    ASSERT_FALSE(loaded);
    EXPECT_NE(loaded.status().message().find(">= needs a number, not \"一百\""), std::string::npos)
        << loaded.status().message();
}

TEST(PublicityRulesTest, GivenAMarkWithoutShareOnlyRules_ThenTheLoadFails) {
    test::ScratchDir dir("publicity-rules-none");
    std::string mappings = dir.path() + "/mappings";
    fs::copy(test::sourcePath("mappings"), mappings, fs::copy_options::recursive);
    std::string periods = test::readFile(mappings + "/publicity-periods.xml");
    for (std::size_t at; (at = periods.find("  <shareOnlyRule")) != std::string::npos;)
        periods.erase(at, periods.find("/>", at) + 3 - at);
    test::writeFile(mappings + "/publicity-periods.xml", periods);
    insertBefore(mappings + "/creditchina/cf.xml", "  <dateOrder", kMarkField);
    auto loaded = MappingCatalog::load(mappings);
    ASSERT_FALSE(loaded);
    EXPECT_NE(loaded.status().message().find("has no <shareOnlyRule>"), std::string::npos)
        << loaded.status().message();
}
