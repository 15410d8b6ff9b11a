// Specification of MappingTrace (TargetMapping::apply with a trace, for `creditgw mapping
// explain`): for each output field, its value, the canonical value it came from and the rule.

#include <gtest/gtest.h>

#include <filesystem>

#include "TestSupport.h"
#include "creditgw/Mapping.h"

using namespace creditgw;

namespace {

const MappingCatalog& catalog() { return test::mappingsWithDemoProvince(); }

const MappingContext kToday{CivilDate{2024, 10, 8}};

Record personLicence() {
    Record r;
    r.kind = "xk";
    r.fields = {{"XK_XDR_MC", "张三"},
                {"XK_XDR_LB", "个人"},
                {"XK_XDR_SHXYM", "914403001922038216"},  // to be blanked: 自然人
                {"XK_XDR_ZJHM", "11010519491231002X"},
                {"XK_WSH", "交运许〔2024〕8号"},
                {"XK_XKLB", "01"},
                {"XK_XKBH", "SF-2024-000123"},
                {"XK_NR", "道路普通货物运输"},
                {"XK_JDRQ", "2024/9/27"},
                {"XK_YXQZ", "2024-09-27"},
                {"XK_YXQZI", "2028-09-26"},
                {"XK_XKJG", "交通运输部"},
                {"XK_XKJGDM", "11100000000019713D"},
                {"XK_LYDWDM", "11100000000019713D"}};
    return r;
}

const FieldTrace& traced(const MappingTrace& trace, const std::string& name) {
    for (const auto& f : trace.fields)
        if (f.name == name) return f;
    throw std::runtime_error(name + " is not in the trace");
}

}  // namespace

TEST(MappingTraceTest, GivenATrace_ThenOneEntryPerOutputFieldWithTheFinalValues) {
    const TargetMapping& xk = *catalog().target("demo-province", "xk");
    MappingTrace trace;
    MappingOutcome outcome = xk.apply(personLicence(), kToday, &trace);
    ASSERT_EQ(trace.fields.size(), outcome.record.fields.size());
    for (std::size_t i = 0; i < trace.fields.size(); ++i) {
        EXPECT_EQ(trace.fields[i].name, outcome.record.fields[i].first);
        EXPECT_EQ(trace.fields[i].value, outcome.record.fields[i].second);
        EXPECT_EQ(trace.fields[i].code, xk.fieldCodes()[i]);
    }
}

TEST(MappingTraceTest, GivenEachKindOfRule_ThenTheTraceNamesIt) {
    MappingTrace trace;
    catalog().target("demo-province", "xk")->apply(personLicence(), kToday, &trace);
    const FieldTrace& name = traced(trace, "xdrmc");
    EXPECT_EQ(name.code, "XK_XDR_MC");
    EXPECT_EQ(name.sourceValue, "张三");
    EXPECT_EQ(name.rule, "rename from XK_XDR_MC");

    EXPECT_EQ(traced(trace, "xdrlb").rule,
              "rename from XK_XDR_LB; code table xdrlb: 个人 → 自然人; code table xdrlb → 2");
    EXPECT_EQ(traced(trace, "xdrlb").value, "2");
    EXPECT_EQ(traced(trace, "zjlx").rule,
              "rename from XK_XDR_ZJLX; derived: when XK_XDR_ZJHM notEmpty");
    EXPECT_EQ(traced(trace, "tyshxydm").rule,
              "rename from XK_XDR_SHXYM; blanked: XK_XDR_LB = 自然人");
    EXPECT_EQ(traced(trace, "tyshxydm").value, "");

    const FieldTrace& id = traced(trace, "zjhm");
    EXPECT_EQ(id.rule, "rename from XK_XDR_ZJHM; masked (idcard)");
    EXPECT_EQ(id.value, "110105********002X");
    EXPECT_EQ(id.sourceValue, "110105********002X");  // an explanation never shows it in full

    EXPECT_EQ(traced(trace, "sjly").rule, "constant");
    EXPECT_EQ(traced(trace, "sjly").sourceValue, "");
    EXPECT_EQ(traced(trace, "sfyx").rule, "rename from XK_ZT; default; code table sfyx → Y");
    EXPECT_EQ(traced(trace, "xkbhnd").rule, "split part 2 of XK_XKBH by \"-\"");
    EXPECT_EQ(traced(trace, "xkbhnd").sourceValue, "SF-2024-000123");
    EXPECT_EQ(traced(trace, "xkjg").rule, "concat XK_XKJG + XK_XKJGDM with \"/\"");
    EXPECT_EQ(traced(trace, "yxqz").rule, "rename from XK_YXQZ; date format yyyyMMdd");
    EXPECT_EQ(traced(trace, "jdrq").sourceValue, "2024/9/27");
    EXPECT_EQ(traced(trace, "jdrq").value, "2024-09-27");
}

TEST(MappingTraceTest, GivenDerivedPublicityEndAndUnitConversion_ThenTheTraceSaysHow) {
    Record r;
    r.kind = "cf";
    r.fields = {{"CF_XDR_MC", "深圳市某某运输有限公司"},
                {"CF_XDR_SHXYM", "914403001922038216"},
                {"CF_WSH", "深交罚〔2024〕101号"},
                {"CF_CFLB", "罚款"},
                {"CF_NR_FK", "0.2"},
                {"CF_JDRQ", "2024-09-27"},
                {"CF_CFJGDM", "11100000000019713D"}};
    MappingTrace trace;
    MappingOutcome outcome = catalog().target("demo-province", "cf")->apply(r, kToday, &trace);
    EXPECT_TRUE(outcome.violations.empty());
    EXPECT_EQ(traced(trace, "GSJZQ").rule,
              "rename from CF_GSJZQ; derived: publicityEnd from CF_JDRQ + 12 months (一般)");
    EXPECT_EQ(traced(trace, "FKJE").rule, "rename from CF_NR_FK; 万元 → 元; 2 decimals");
    EXPECT_EQ(traced(trace, "FKJE").sourceValue, "0.2");
    EXPECT_EQ(traced(trace, "FKJE").value, "2000.00");
    MappingTrace national;
    catalog().target("creditchina", "cf")->apply(r, kToday, &national);
    EXPECT_EQ(traced(national, "CF_WSH").rule, "copy");
}

TEST(MappingTraceTest, GivenNoTrace_ThenTheSameOutcome) {
    const TargetMapping& xk = *catalog().target("demo-province", "xk");
    MappingTrace trace;
    trace.fields.push_back({"stale", "", "", "", ""});  // cleared, not appended to
    MappingOutcome traced = xk.apply(personLicence(), kToday, &trace);
    MappingOutcome plain = xk.apply(personLicence(), kToday);
    EXPECT_EQ(traced.record.fields, plain.record.fields);
    EXPECT_EQ(traced.violations.size(), plain.violations.size());
    EXPECT_EQ(trace.fields.size(), plain.record.fields.size());
}
