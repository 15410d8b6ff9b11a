// Specification of TargetMapping::apply with the shipped creditchina mappings: a valid baseline
// record, then one defect at a time (domain.md §2, §3).

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <thread>

#include "TestSupport.h"
#include "creditgw/Mapping.h"

using namespace creditgw;

namespace {

const MappingCatalog& catalog() { return test::shippedMappings(); }

/// The shipped mappings plus the made-up province of tests/fixtures/mapping/targets, added the
/// way an operator adds one: by copying its folder next to creditchina/.
const MappingCatalog& provinceCatalog() { return test::mappingsWithDemoProvince(); }

const TargetMapping& province(const std::string& kind) {
    const TargetMapping* mapping = provinceCatalog().target("demo-province", kind);
    if (mapping == nullptr) throw std::runtime_error("no demo-province mapping for " + kind);
    return *mapping;
}

const TargetMapping& cfMapping() { return *catalog().target("creditchina", "cf"); }
const TargetMapping& xkMapping() { return *catalog().target("creditchina", "xk"); }

const MappingContext kToday{CivilDate{2024, 10, 8}};

/// A 行政处罚 of a company that is valid as it stands.
Record companyPenalty() {
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
                {"CF_CFLB", "罚款"},
                {"CF_NR", "罚款2000元"},
                {"CF_NR_FK", "0.2"},
                {"CF_JDRQ", "2024-09-27"},
                {"CF_YXQ", "2025-09-27"},
                {"CF_CFJG", "交通运输部"},
                {"CF_CFJGDM", "11100000000019713D"},
                {"CF_SJLY", "交通运输部"},
                {"CF_SJLYDM", "11100000000019713D"}};
    return r;
}

/// The same penalty given to a natural person.
Record personPenalty() {
    Record r = companyPenalty();
    r.fields.erase("CF_XDR_SHXYM");
    r.fields.erase("CF_FRDB");
    r.fields["CF_XDR_MC"] = "张三";
    r.fields["CF_XDR_LB"] = "自然人";
    r.fields["CF_XDR_ZJLX"] = "身份证";
    r.fields["CF_XDR_ZJHM"] = "11010519491231002X";
    return r;
}

/// A 行政许可 that is valid as it stands.
Record companyLicence() {
    Record r;
    r.kind = "xk";
    r.fields = {{"XK_XDR_MC", "深圳市某某运输有限公司"},
                {"XK_XDR_LB", "法人及非法人组织"},
                {"XK_XDR_SHXYM", "914403001922038216"},
                {"XK_FRDB", "李四"},
                {"XK_XKWS", "道路运输经营许可决定书"},
                {"XK_WSH", "交运许〔2024〕8号"},
                {"XK_XKLB", "普通"},
                {"XK_XKBH", "440300000001"},
                {"XK_NR", "道路普通货物运输"},
                {"XK_JDRQ", "2024/09/27"},
                {"XK_YXQZ", "2024/09/27"},
                {"XK_YXQZI", "2028/09/26"},
                {"XK_XKJG", "交通运输部"},
                {"XK_XKJGDM", "11100000000019713D"},
                {"XK_ZT", "1"},
                {"XK_LYDW", "交通运输部"},
                {"XK_LYDWDM", "11100000000019713D"}};
    return r;
}

/// A 信用评价结果 (pj) that is valid as it stands.
Record creditRating() {
    Record r;
    r.kind = "pj";
    r.fields = {{"PJ_XDR_MC", "深圳市某某运输有限公司"},
                {"PJ_XDR_SHXYM", "914403001922038216"},
                {"PJ_PJLX", "03"},
                {"PJ_PJZQ", "2023年度"},
                {"PJ_PJJG", "AA"},
                {"PJ_DF", "91.5"},
                {"PJ_WSH", "交运评〔2024〕3号"},
                {"PJ_PJRQ", "2024-03-31"},
                {"PJ_YXQZI", "2025-03-31"},
                {"PJ_PJDW", "交通运输部"},
                {"PJ_PJDWDM", "11100000000019713D"}};
    return r;
}

/// A 黑名单 entry (md) that is valid as it stands.
Record listEntry() {
    Record r;
    r.kind = "md";
    r.fields = {{"MD_XDR_MC", "深圳市某某运输有限公司"},
                {"MD_XDR_SHXYM", "914403001922038216"},
                {"MD_MDLX", "2"},
                {"MD_MDMC", "严重违法失信超限超载运输当事人名单"},
                {"MD_LRSY", "一年内违法超限运输超过3次"},
                {"MD_RDYJ", "《超限运输车辆行驶公路管理规定》第五十四条"},
                {"MD_RDWSH", "交运认〔2024〕12号"},
                {"MD_RDRQ", "2024-08-01"},
                {"MD_YXQZI", "长期"},
                {"MD_RDDW", "交通运输部"},
                {"MD_RDDWDM", "11100000000019713D"},
                {"MD_CLHP", "粤B12345"},
                {"MD_WFCS", "4"}};
    return r;
}

/// A 信用承诺 (cn), not yet checked, that is valid as it stands.
Record creditCommitment() {
    Record r;
    r.kind = "cn";
    r.fields = {{"CN_XDR_MC", "深圳市某某运输有限公司"},
                {"CN_XDR_SHXYM", "914403001922038216"},
                {"CN_LXDH", "13812345678"},
                {"CN_CNLX", "告知承诺"},
                {"CN_CNNR", "承诺所提交材料真实有效"},
                {"CN_CNBH", "CN-2024-0001"},
                {"CN_CNRQ", "2024-05-06"},
                {"CN_SLDW", "交通运输部"},
                {"CN_SLDWDM", "11100000000019713D"}};
    return r;
}

/// A 联合惩戒 applied (jc) that is valid as it stands.
Record rewardOrPunishment() {
    Record r;
    r.kind = "jc";
    r.fields = {{"JC_XDR_MC", "深圳市某某运输有限公司"},
                {"JC_XDR_SHXYM", "914403001922038216"},
                {"JC_JCLX", "联合惩戒"},
                {"JC_ZXCS", "限制参与政府采购"},
                {"JC_JTSX", "2024年道路养护项目招标"},
                {"JC_YJMD", "交运认〔2024〕12号"},
                {"JC_ZXWH", "JC-2024-0042"},
                {"JC_ZXRQ", "2024-09-02"},
                {"JC_ZXBM", "交通运输部"},
                {"JC_ZXBMDM", "11100000000019713D"}};
    return r;
}

std::size_t emptyFields(const MappingOutcome& outcome) {
    return static_cast<std::size_t>(
        std::count_if(outcome.record.fields.begin(), outcome.record.fields.end(),
                      [](const auto& field) { return field.second.empty(); }));
}

std::string valueOf(const MappingOutcome& outcome, const std::string& code) {
    for (const auto& [name, value] : outcome.record.fields)
        if (name == code) return value;
    ADD_FAILURE() << code << " is not an output field";
    return {};
}

/// "FIELD:rule" of every violation, for compact expectations.
std::vector<std::string> rules(const std::vector<Violation>& violations) {
    std::vector<std::string> out;
    for (const auto& v : violations) out.push_back(v.field + ":" + v.rule);
    return out;
}

const Violation* find(const MappingOutcome& outcome, const std::string& field,
                      const std::string& rule) {
    for (const auto& v : outcome.violations)
        if (v.field == field && v.rule == rule) return &v;
    return nullptr;
}

using Rules = std::vector<std::string>;

}  // namespace

// ---- baseline ---------------------------------------------------------------------------------

TEST(TargetMappingTest, GivenAValidCompanyPenalty_ThenNoViolationAndFieldsInStandardOrder) {
    MappingOutcome outcome = cfMapping().apply(companyPenalty(), kToday);
    EXPECT_EQ(rules(outcome.violations), Rules{});
    ASSERT_EQ(outcome.record.fields.size(), 30u);
    EXPECT_EQ(outcome.record.fields.front().first, "CF_XDR_MC");
    EXPECT_EQ(outcome.record.fields[13].first, "CF_WSH");
    EXPECT_EQ(outcome.record.fields.back().first, "BZ");
    EXPECT_EQ(outcome.record.kind, "cf");
    EXPECT_TRUE(outcome.record.key.empty());
    EXPECT_EQ(valueOf(outcome, "CF_JDRQ"), "2024/09/27");
    EXPECT_EQ(valueOf(outcome, "CF_NR_FK"), "0.2");
    EXPECT_EQ(cfMapping().version(), "2.0.1");
}

TEST(TargetMappingTest, GivenAValidLicence_ThenNoViolationAndDatesInSlashForm) {
    Record r = companyLicence();
    r.fields["XK_JDRQ"] = "2024年9月27日";
    MappingOutcome outcome = xkMapping().apply(r, kToday);
    EXPECT_EQ(rules(outcome.violations), Rules{});
    EXPECT_EQ(outcome.record.fields.size(), 28u);
    EXPECT_EQ(valueOf(outcome, "XK_JDRQ"), "2024/09/27");
}

// ---- required, several defects
// -------------------------------------------------------------------

TEST(TargetMappingTest, GivenNoDocumentNumber_ThenARequiredViolationNamingTheField) {
    Record r = companyPenalty();
    r.fields["CF_WSH"] = "  ";
    MappingOutcome outcome = cfMapping().apply(r, kToday);
    ASSERT_EQ(rules(outcome.violations), Rules{"CF_WSH:required"});
    EXPECT_NE(outcome.violations[0].message.find("行政处罚决定书文号"), std::string::npos);
}

TEST(TargetMappingTest, GivenSeveralDefects_ThenEveryOneIsReported) {
    Record r = companyPenalty();
    r.fields.erase("CF_WSH");
    r.fields["CF_XDR_SHXYM"] = "914403001922038217";
    r.fields["CF_JDRQ"] = "2024-10-09";
    r.fields["CF_CFJG"] = std::string(201, 'x');
    MappingOutcome outcome = cfMapping().apply(r, kToday);
    EXPECT_EQ(rules(outcome.violations), (Rules{"CF_XDR_SHXYM:uscc", "CF_WSH:required",
                                                "CF_JDRQ:future_date", "CF_CFJG:max_length"}));
}

// ---- identifiers -------------------------------------------------------------------------------

TEST(TargetMappingTest, GivenAWrongUsccCheckCharacter_ThenTheMessageSaysWhichIsExpected) {
    Record r = companyPenalty();
    r.fields["CF_XDR_SHXYM"] = "914403001922038217";
    MappingOutcome outcome = cfMapping().apply(r, kToday);
    const Violation* v = find(outcome, "CF_XDR_SHXYM", "uscc");
    ASSERT_NE(v, nullptr);
    EXPECT_EQ(v->message, "CF_XDR_SHXYM (统一社会信用代码): check character is '7', expected '6'");
}

TEST(TargetMappingTest, GivenALowerCaseUscc_ThenItIsAcceptedUpperCased) {
    Record r = companyPenalty();
    r.fields["CF_XDR_SHXYM"] = "91350100m000100y43";
    MappingOutcome outcome = cfMapping().apply(r, kToday);
    EXPECT_EQ(rules(outcome.violations), Rules{});
    EXPECT_EQ(valueOf(outcome, "CF_XDR_SHXYM"), "91350100M000100Y43");
}

TEST(TargetMappingTest, GivenAUsccWhoseOrgCodePartFails_ThenOnlyAWarning) {
    Record r = companyPenalty();
    r.fields["CF_XDR_SHXYM"] = "91440300123456780W";  // valid check character, bad 9-17
    MappingOutcome outcome = cfMapping().apply(r, kToday);
    EXPECT_EQ(rules(outcome.violations), Rules{});
    EXPECT_EQ(rules(outcome.warnings), Rules{"CF_XDR_SHXYM:orgcode"});
}

TEST(TargetMappingTest, GivenTheUsccPlaceholderWithoutGszc_ThenAPlaceholderViolation) {
    Record r = companyPenalty();
    r.fields["CF_XDR_SHXYM"] = "00000000000000000x";
    MappingOutcome outcome = cfMapping().apply(r, kToday);
    ASSERT_EQ(rules(outcome.violations), Rules{"CF_XDR_SHXYM:placeholder"});
    EXPECT_NE(outcome.violations[0].message.find("CF_XDR_GSZC"), std::string::npos);
}

TEST(TargetMappingTest, GivenTheUsccPlaceholderWithGszc_ThenItIsAccepted) {
    Record r = companyPenalty();
    r.fields["CF_XDR_SHXYM"] = "00000000000000000X";
    r.fields["CF_XDR_GSZC"] = "440301103456789";
    MappingOutcome outcome = cfMapping().apply(r, kToday);
    EXPECT_EQ(rules(outcome.violations), Rules{});
    EXPECT_EQ(valueOf(outcome, "CF_XDR_SHXYM"), "00000000000000000X");
}

TEST(TargetMappingTest, GivenACompanyWithoutUsccOrLegalRepresentative_ThenBothRequired) {
    Record r = companyPenalty();
    r.fields.erase("CF_XDR_SHXYM");
    r.fields.erase("CF_FRDB");
    MappingOutcome outcome = cfMapping().apply(r, kToday);
    EXPECT_EQ(rules(outcome.violations),
              (Rules{"CF_XDR_SHXYM:required_if", "CF_FRDB:required_if"}));
}

TEST(TargetMappingTest, GivenABadOrgCodeField_ThenAnOrgcodeViolation) {
    Record r = companyPenalty();
    r.fields["CF_XDR_ZZJG"] = "D21435691";
    EXPECT_EQ(rules(cfMapping().apply(r, kToday).violations), Rules{"CF_XDR_ZZJG:orgcode"});
    r.fields["CF_XDR_ZZJG"] = "D2143569X";
    EXPECT_EQ(rules(cfMapping().apply(r, kToday).violations), Rules{});
}

// ---- 自然人
// ----------------------------------------------------------------------------------------

TEST(TargetMappingTest, GivenANaturalPerson_ThenCompanyFieldsAreBlankedAndNotChecked) {
    Record r = personPenalty();
    r.fields["CF_XDR_SHXYM"] = "914403001922038217";  // wrong, but blanked for 自然人
    r.fields["CF_FRDB"] = "李四";
    r.fields["CF_FR_ZJHM"] = "110105194912310021";
    MappingOutcome outcome = cfMapping().apply(r, kToday);
    EXPECT_EQ(rules(outcome.violations), Rules{});
    EXPECT_EQ(valueOf(outcome, "CF_XDR_SHXYM"), "");
    EXPECT_EQ(valueOf(outcome, "CF_FRDB"), "");
    EXPECT_EQ(valueOf(outcome, "CF_FR_ZJHM"), "");
    EXPECT_EQ(valueOf(outcome, "CF_XDR_ZJHM"), "11010519491231002X");
}

TEST(TargetMappingTest, GivenACompany_ThenPersonalIdFieldsAreBlanked) {
    Record r = companyPenalty();
    r.fields["CF_XDR_ZJLX"] = "身份证";
    r.fields["CF_XDR_ZJHM"] = "110105194912310021";
    MappingOutcome outcome = cfMapping().apply(r, kToday);
    EXPECT_EQ(rules(outcome.violations), Rules{});
    EXPECT_EQ(valueOf(outcome, "CF_XDR_ZJLX"), "");
    EXPECT_EQ(valueOf(outcome, "CF_XDR_ZJHM"), "");
}

TEST(TargetMappingTest, GivenABadIdNumber_ThenTheMessageShowsItMaskedOnly) {
    Record r = personPenalty();
    r.fields["CF_XDR_ZJHM"] = "110105194912310021";
    MappingOutcome outcome = cfMapping().apply(r, kToday);
    ASSERT_EQ(rules(outcome.violations), Rules{"CF_XDR_ZJHM:idcard"});
    const std::string& message = outcome.violations[0].message;
    EXPECT_NE(message.find("110105********0021"), std::string::npos) << message;
    EXPECT_EQ(message.find("110105194912310021"), std::string::npos) << message;
    EXPECT_EQ(message.find("19491231"), std::string::npos) << message;
}

TEST(TargetMappingTest, GivenAnIdNumberWithAnImpossibleBirthDate_ThenTheDateIsNotQuoted) {
    Record r = personPenalty();
    r.fields["CF_XDR_ZJHM"] = "110105194902300021";
    MappingOutcome outcome = cfMapping().apply(r, kToday);
    ASSERT_EQ(rules(outcome.violations), Rules{"CF_XDR_ZJHM:idcard"});
    EXPECT_EQ(outcome.violations[0].message.find("19490230"), std::string::npos);
}

TEST(TargetMappingTest, GivenAPassportNumber_ThenNoIdCardCheck) {
    Record r = personPenalty();
    r.fields["CF_XDR_ZJLX"] = "02";
    r.fields["CF_XDR_ZJHM"] = "E12345678";
    MappingOutcome outcome = cfMapping().apply(r, kToday);
    EXPECT_EQ(rules(outcome.violations), Rules{});
    EXPECT_EQ(valueOf(outcome, "CF_XDR_ZJLX"), "护照号");
}

TEST(TargetMappingTest, GivenALegacy15DigitIdNumber_ThenConvertedWithAWarning) {
    Record r = personPenalty();
    r.fields["CF_XDR_ZJHM"] = "110105491231002";
    MappingOutcome outcome = cfMapping().apply(r, kToday);
    EXPECT_EQ(rules(outcome.violations), Rules{});
    EXPECT_EQ(rules(outcome.warnings), Rules{"CF_XDR_ZJHM:idcard"});
    EXPECT_EQ(valueOf(outcome, "CF_XDR_ZJHM"), "11010519491231002X");
}

TEST(TargetMappingTest, GivenANaturalPersonWithoutIdNumber_ThenRequired) {
    Record r = personPenalty();
    r.fields.erase("CF_XDR_ZJHM");
    r.fields.erase("CF_XDR_ZJLX");
    MappingOutcome outcome = cfMapping().apply(r, kToday);
    EXPECT_EQ(rules(outcome.violations),
              (Rules{"CF_XDR_ZJLX:required_if", "CF_XDR_ZJHM:required_if"}));
}

// ---- derived fields ----------------------------------------------------------------------------

TEST(TargetMappingTest, GivenNoCategory_ThenItIsDerivedFromTheCodes) {
    Record r = companyPenalty();
    r.fields.erase("CF_XDR_LB");
    EXPECT_EQ(valueOf(cfMapping().apply(r, kToday), "CF_XDR_LB"), "法人及非法人组织");

    r.fields["CF_XDR_SHXYM"] = "92440300L21435698J";
    MappingOutcome individual = cfMapping().apply(r, kToday);
    EXPECT_EQ(valueOf(individual, "CF_XDR_LB"), "个体工商户");
    EXPECT_EQ(rules(individual.violations), Rules{});

    Record p = personPenalty();
    p.fields.erase("CF_XDR_LB");
    p.fields.erase("CF_XDR_ZJLX");  // v1 exports carry only 身份证号
    MappingOutcome person = cfMapping().apply(p, kToday);
    EXPECT_EQ(valueOf(person, "CF_XDR_LB"), "自然人");
    EXPECT_EQ(valueOf(person, "CF_XDR_ZJLX"), "身份证");
    EXPECT_EQ(rules(person.violations), Rules{});
}

TEST(TargetMappingTest, GivenNoPublicityEnd_ThenComputedFromDecisionDateAndSeverity) {
    Record r = companyPenalty();
    EXPECT_EQ(valueOf(cfMapping().apply(r, kToday), "CF_GSJZQ"), "2025/09/27");  // 一般: 1 year

    r.fields["CF_SXYZCD"] = "严重失信";
    EXPECT_EQ(valueOf(cfMapping().apply(r, kToday), "CF_GSJZQ"), "2027/09/27");  // 严重: 3 years

    r.fields["CF_JDRQ"] = "2024-02-29";
    r.fields["CF_SXYZCD"] = "";
    EXPECT_EQ(valueOf(cfMapping().apply(r, kToday), "CF_GSJZQ"), "2025/02/28");

    r.fields["CF_GSJZQ"] = "2024-12-31";
    EXPECT_EQ(valueOf(cfMapping().apply(r, kToday), "CF_GSJZQ"), "2024/12/31");  // given wins
}

TEST(TargetMappingTest, GivenAnUnknownSeverity_ThenTheEndCannotBeComputed) {
    Record r = companyPenalty();
    r.fields["CF_SXYZCD"] = "特别严重";
    MappingOutcome outcome = cfMapping().apply(r, kToday);
    EXPECT_EQ(rules(outcome.violations), Rules{"CF_GSJZQ:code_table"});
}

TEST(TargetMappingTest, GivenALicenceWithoutDocumentNumber_ThenTheLicenceNumberIsUsed) {
    Record r = companyLicence();
    r.fields.erase("XK_WSH");
    MappingOutcome outcome = xkMapping().apply(r, kToday);
    EXPECT_EQ(rules(outcome.violations), Rules{});
    EXPECT_EQ(valueOf(outcome, "XK_WSH"), "440300000001");
}

// ---- 处罚类别 and amounts
// ------------------------------------------------------------------------

TEST(TargetMappingTest, GivenAFineWithoutAmount_ThenCfNrFkIsRequired) {
    Record r = companyPenalty();
    r.fields.erase("CF_NR_FK");
    MappingOutcome outcome = cfMapping().apply(r, kToday);
    ASSERT_EQ(rules(outcome.violations), Rules{"CF_NR_FK:required_if"});
    EXPECT_NE(outcome.violations[0].message.find("CF_CFLB contains 罚款"), std::string::npos);

    r.fields["CF_CFLB"] = "警告";
    EXPECT_EQ(rules(cfMapping().apply(r, kToday).violations), Rules{});
}

TEST(TargetMappingTest, GivenConfiscationOrRevocation_ThenTheirFieldsAreRequired) {
    Record r = companyPenalty();
    r.fields["CF_CFLB"] = "罚款，没收违法所得";
    EXPECT_EQ(rules(cfMapping().apply(r, kToday).violations), Rules{"CF_NR_WFFF:required_if"});

    r.fields["CF_CFLB"] = "罚款;暂扣许可证件";
    EXPECT_EQ(rules(cfMapping().apply(r, kToday).violations), Rules{"CF_NR_ZKDX:required_if"});
    r.fields["CF_NR_ZKDX"] = "道路运输证 粤B12345";
    EXPECT_EQ(rules(cfMapping().apply(r, kToday).violations), Rules{});
}

TEST(TargetMappingTest, GivenPre2021CompoundCategories_ThenNormalised) {
    Record r = companyPenalty();
    r.fields["CF_CFLB"] = "罚款、暂扣或者吊销许可证、暂扣或者吊销执照";
    r.fields["CF_NR_ZKDX"] = "道路运输经营许可证";
    MappingOutcome outcome = cfMapping().apply(r, kToday);
    EXPECT_EQ(rules(outcome.violations), Rules{});
    EXPECT_EQ(valueOf(outcome, "CF_CFLB"), "罚款;暂扣许可证件;吊销许可证件");

    r.fields["CF_CFLB"] = "警告；罚款";
    EXPECT_EQ(valueOf(cfMapping().apply(r, kToday), "CF_CFLB"), "警告;罚款");
}

TEST(TargetMappingTest, GivenAnUnknownCategory_ThenACodeTableViolationNotABlank) {
    Record r = companyPenalty();
    r.fields["CF_CFLB"] = "罚款;拘役";
    MappingOutcome outcome = cfMapping().apply(r, kToday);
    ASSERT_EQ(rules(outcome.violations), Rules{"CF_CFLB:code_table"});
    EXPECT_NE(outcome.violations[0].message.find("\"拘役\""), std::string::npos);
    EXPECT_EQ(valueOf(outcome, "CF_CFLB"), "罚款;拘役");
}

TEST(TargetMappingTest, GivenBadAmounts_ThenAmountViolations) {
    for (const char* bad : {"0.1234567", "-1", "abc", "1,000", "2000元", "1234567890123"}) {
        Record r = companyPenalty();
        r.fields["CF_NR_FK"] = bad;
        EXPECT_EQ(rules(cfMapping().apply(r, kToday).violations), Rules{"CF_NR_FK:amount"}) << bad;
    }
}

TEST(TargetMappingTest, GivenAmountsWithRedundantZeros_ThenNormalised) {
    Record r = companyPenalty();
    r.fields["CF_NR_FK"] = "000.200000";
    EXPECT_EQ(valueOf(cfMapping().apply(r, kToday), "CF_NR_FK"), "0.2");
    r.fields["CF_NR_FK"] = "12.123456";
    EXPECT_EQ(valueOf(cfMapping().apply(r, kToday), "CF_NR_FK"), "12.123456");
}

// ---- code tables
// ---------------------------------------------------------------------------------

TEST(TargetMappingTest, GivenLocalCodes_ThenStandardValues) {
    Record r = companyLicence();
    r.fields["XK_XKLB"] = "01";
    r.fields["XK_ZT"] = "有效";
    MappingOutcome outcome = xkMapping().apply(r, kToday);
    EXPECT_EQ(rules(outcome.violations), Rules{});
    EXPECT_EQ(valueOf(outcome, "XK_XKLB"), "普通");
    EXPECT_EQ(valueOf(outcome, "XK_ZT"), "1");

    r.fields["XK_XKLB"] = "其他-备案";
    r.fields["XK_ZT"] = "3";
    outcome = xkMapping().apply(r, kToday);
    EXPECT_EQ(rules(outcome.violations), Rules{"XK_ZT:code_table"});
    EXPECT_EQ(valueOf(outcome, "XK_XKLB"), "其他-备案");
}

// ---- dates
// ----------------------------------------------------------------------------------------

TEST(TargetMappingTest, GivenDateDefects_ThenDateRules) {
    struct Case {
        const char* field;
        const char* value;
        Rules expected;
    };
    const Case cases[] = {
        {"CF_JDRQ", "2023-02-29", {"CF_JDRQ:date"}},
        {"CF_JDRQ", "next week", {"CF_JDRQ:date"}},
        {"CF_JDRQ", "1989-12-31", {"CF_JDRQ:date"}},
        {"CF_JDRQ", "2024-10-09", {"CF_JDRQ:future_date"}},
        {"CF_JDRQ", "2024-10-08", {}},  // today is not the future
        {"CF_YXQ", "2024-09-26", {"CF_YXQ:date_order"}},
        {"CF_YXQ", "2099/12/31", {}},
        {"CF_YXQ", "长期", {}},
        {"CF_YXQ", "2100-01-01", {"CF_YXQ:date"}},
    };
    for (const auto& c : cases) {
        Record r = companyPenalty();
        r.fields[c.field] = c.value;
        r.fields["CF_GSJZQ"] = "2025-09-27";  // not derived from a broken decision date
        EXPECT_EQ(rules(cfMapping().apply(r, kToday).violations), c.expected)
            << c.field << "=" << c.value;
    }
}

TEST(TargetMappingTest, GivenAValidityEndBeforeItsStart_ThenDateOrder) {
    Record r = companyLicence();
    r.fields["XK_YXQZI"] = "2024-09-26";
    EXPECT_EQ(rules(xkMapping().apply(r, kToday).violations), Rules{"XK_YXQZI:date_order"});
    r.fields["XK_YXQZI"] = "长期";
    MappingOutcome outcome = xkMapping().apply(r, kToday);
    EXPECT_EQ(rules(outcome.violations), Rules{});
    EXPECT_EQ(valueOf(outcome, "XK_YXQZI"), "2099/12/31");
}

// ---- lengths
// ----------------------------------------------------------------------------------------

TEST(TargetMappingTest, GivenLengthsInCharacters_ThenChineseTextIsNotCountedInBytes) {
    std::string name;
    for (int i = 0; i < 200; ++i) name += "运";
    Record r = companyPenalty();
    r.fields["CF_XDR_MC"] = name;  // 200 characters, 600 bytes
    EXPECT_EQ(rules(cfMapping().apply(r, kToday).violations), Rules{});
    r.fields["CF_XDR_MC"] = name + "输";
    MappingOutcome outcome = cfMapping().apply(r, kToday);
    ASSERT_EQ(rules(outcome.violations), Rules{"CF_XDR_MC:max_length"});
    EXPECT_NE(outcome.violations[0].message.find("201 characters, at most 200"), std::string::npos);
}

TEST(TargetMappingTest, GivenBrokenUtf8_ThenAnEncodingViolation) {
    Record r = companyPenalty();
    r.fields["CF_SY"] = "\xE8\xBF";  // a truncated 运
    EXPECT_EQ(rules(cfMapping().apply(r, kToday).violations), Rules{"CF_SY:encoding"});
}

// ---- 完整率
// -------------------------------------------------------------------------------------------

TEST(TargetMappingTest, GivenACompanyAndAPerson_ThenIndicatorsCountFieldsDefinedForTheirCategory) {
    MappingOutcome company = cfMapping().apply(companyPenalty(), kToday);
    // 30 fields minus 证件类型/证件号码, which a company does not have.
    EXPECT_EQ(company.indicatorsDefined, 28u);
    // The 17 given + derived CF_GSJZQ.
    EXPECT_EQ(company.indicatorsFilled, 18u);

    MappingOutcome person = cfMapping().apply(personPenalty(), kToday);
    // 30 fields minus the six 代码 fields and the three 法定代表人 fields.
    EXPECT_EQ(person.indicatorsDefined, 21u);
    EXPECT_EQ(person.indicatorsFilled, 18u);
}

TEST(TargetMappingTest, GivenTheSameRecordTwice_ThenTheSameOutcome) {
    Record r = personPenalty();
    MappingOutcome first = cfMapping().apply(r, kToday);
    MappingOutcome second = cfMapping().apply(r, kToday);
    EXPECT_EQ(first.record.fields, second.record.fields);
}

TEST(TargetMappingTest, GivenConcurrentCallers_ThenEachGetsTheSingleThreadedOutcome) {
    const Record company = companyPenalty();
    const Record person = personPenalty();
    const FieldList expectedCompany = cfMapping().apply(company, kToday).record.fields;
    const FieldList expectedPerson = cfMapping().apply(person, kToday).record.fields;
    std::vector<int> mismatches(4, 0);
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&, t] {
            for (int i = 0; i < 500; ++i) {
                bool even = (i + t) % 2 == 0;
                FieldList got = cfMapping().apply(even ? company : person, kToday).record.fields;
                if (got != (even ? expectedCompany : expectedPerson))
                    ++mismatches[static_cast<std::size_t>(t)];
            }
        });
    for (auto& thread : threads) thread.join();
    EXPECT_EQ(mismatches, std::vector<int>(4, 0));
}

// ---- amounts consistent with 处罚类别 (amountRule) -----------------------------------------------

TEST(TargetMappingTest, GivenAFineOfZero_ThenAmountCategoryViolation) {
    Record r = companyPenalty();
    r.fields["CF_NR_FK"] = "0";
    MappingOutcome outcome = cfMapping().apply(r, kToday);
    ASSERT_EQ(rules(outcome.violations), Rules{"CF_NR_FK:amount_category"});
    EXPECT_NE(outcome.violations[0].message.find("is 0 but CF_CFLB contains 罚款"),
              std::string::npos);
}

TEST(TargetMappingTest, GivenAnAmountWithoutItsCategory_ThenAmountCategoryViolation) {
    Record r = companyPenalty();
    r.fields["CF_CFLB"] = "警告";
    EXPECT_EQ(rules(cfMapping().apply(r, kToday).violations), Rules{"CF_NR_FK:amount_category"});
    r.fields["CF_NR_FK"] = "0.000";  // an explicit 0 is as good as empty
    EXPECT_EQ(rules(cfMapping().apply(r, kToday).violations), Rules{});

    r = companyPenalty();
    r.fields["CF_NR_WFFF"] = "1.5";  // confiscated, but 没收 is not a category
    EXPECT_EQ(rules(cfMapping().apply(r, kToday).violations),
              Rules{"CF_NR_WFFF:amount_category"});
    r.fields["CF_CFLB"] = "罚款;没收违法所得";
    EXPECT_EQ(rules(cfMapping().apply(r, kToday).violations), Rules{});
}

// ---- target-side features, through the made-up province (tests/fixtures/mapping/targets) ---

/// The licence of companyLicence() as the province receives it.
TEST(TargetMappingTest, GivenARenamingTarget_ThenFieldsCarryOutputNamesAndCodesStayCanonical) {
    const TargetMapping& xk = province("xk");
    MappingOutcome outcome = xk.apply(companyLicence(), kToday);
    EXPECT_EQ(rules(outcome.violations), Rules{});
    std::vector<std::string> names;
    for (const auto& [name, value] : outcome.record.fields) names.push_back(name);
    EXPECT_EQ(names, xk.outputNames());
    EXPECT_EQ(names.front(), "xdrmc");
    EXPECT_EQ(xk.fieldCodes().front(), "XK_XDR_MC");
    EXPECT_EQ(xk.titles().front(), "行政相对人名称");
    ASSERT_EQ(xk.fieldCodes().size(), xk.outputNames().size());
    ASSERT_EQ(xk.titles().size(), xk.outputNames().size());
    auto at = std::find(names.begin(), names.end(), "xkjg") - names.begin();
    EXPECT_EQ(xk.titles()[static_cast<std::size_t>(at)], "许可机关(含代码)");
    EXPECT_EQ(valueOf(outcome, "xdrmc"), "深圳市某某运输有限公司");
    EXPECT_EQ(province("cf").outputNames().front(), "XDRMC");
}

TEST(TargetMappingTest, GivenATargetTableWithOutputCodes_ThenTheOutputCodeIsSent) {
    MappingOutcome company = province("xk").apply(companyLicence(), kToday);
    EXPECT_EQ(valueOf(company, "xdrlb"), "1");
    Record r = companyLicence();
    r.fields["XK_XDR_LB"] = "个人";  // alias → 自然人 → 2
    r.fields.erase("XK_XDR_SHXYM");
    r.fields["XK_XDR_ZJHM"] = "11010519491231002X";
    MappingOutcome person = province("xk").apply(r, kToday);
    EXPECT_EQ(rules(person.violations), Rules{});
    EXPECT_EQ(valueOf(person, "xdrlb"), "2");
    // Conditions saw the standard value: 自然人 blanked the USCC and required the ID.
    EXPECT_EQ(valueOf(person, "tyshxydm"), "");
    EXPECT_EQ(valueOf(person, "zjlx"), "身份证");
    // The global table is untouched for the other targets.
    EXPECT_EQ(valueOf(xkMapping().apply(companyLicence(), kToday), "XK_XDR_LB"), "法人及非法人组织");
}

TEST(TargetMappingTest, GivenAValueWithoutOutputCode_ThenAViolationNeverABlank) {
    Record r = companyLicence();
    r.fields["XK_XDR_LB"] = "个体工商户";
    MappingOutcome outcome = province("xk").apply(r, kToday);
    ASSERT_EQ(rules(outcome.violations), Rules{"XK_XDR_LB:output_code"});
    EXPECT_NE(outcome.violations[0].message.find("\"个体工商户\" has no output code"),
              std::string::npos);
    EXPECT_NE(outcome.violations[0].message.find("demo-province/codes/xdrlb.xml"),
              std::string::npos);
    EXPECT_EQ(valueOf(outcome, "xdrlb"), "个体工商户");
}

TEST(TargetMappingTest, GivenAConstant_ThenItIsSentWhateverTheRecordHolds) {
    MappingOutcome outcome = province("xk").apply(companyLicence(), kToday);
    EXPECT_EQ(valueOf(outcome, "sjly"), "信用交通·示范省");
    EXPECT_EQ(valueOf(province("cf").apply(companyPenalty(), kToday), "DFBM"), "370000");
}

TEST(TargetMappingTest, GivenAnEmptyFieldWithADefault_ThenTheDefaultGoesThroughItsCodeTable) {
    Record r = companyLicence();
    r.fields.erase("XK_ZT");
    MappingOutcome outcome = province("xk").apply(r, kToday);
    EXPECT_EQ(rules(outcome.violations), Rules{});
    EXPECT_EQ(valueOf(outcome, "sfyx"), "Y");  // default 有效 → output Y
    r.fields["XK_ZT"] = "2";
    EXPECT_EQ(valueOf(province("xk").apply(r, kToday), "sfyx"), "N");
}

TEST(TargetMappingTest, GivenConcat_ThenNonEmptyPartsJoinedWithTheSeparator) {
    Record r = companyLicence();
    EXPECT_EQ(valueOf(province("xk").apply(r, kToday), "xkjg"), "交通运输部/11100000000019713D");
    r.fields["XK_XKJG"] = "";
    EXPECT_EQ(valueOf(province("xk").apply(r, kToday), "xkjg"), "11100000000019713D");
}

TEST(TargetMappingTest, GivenSplit_ThenPartNAndItsPatternIsChecked) {
    Record r = companyLicence();
    r.fields["XK_XKBH"] = "SF-2024-000123";
    MappingOutcome outcome = province("xk").apply(r, kToday);
    EXPECT_EQ(rules(outcome.violations), Rules{});
    EXPECT_EQ(valueOf(outcome, "xkbhnd"), "2024");
    r.fields["XK_XKBH"] = "SF2024";  // no part 2: empty, and the field is optional
    EXPECT_EQ(valueOf(province("xk").apply(r, kToday), "xkbhnd"), "");
    r.fields["XK_XKBH"] = "SF-24-000123";
    outcome = province("xk").apply(r, kToday);
    ASSERT_EQ(rules(outcome.violations), Rules{"XKBH_ND:pattern"});
    EXPECT_NE(outcome.violations[0].message.find("\"24\" does not match the pattern"),
              std::string::npos);
}

TEST(TargetMappingTest, GivenDateFormats_ThenProfileDefaultAndPerFieldOverride) {
    Record r = companyLicence();
    r.fields["XK_YXQZI"] = "长期";
    MappingOutcome outcome = province("xk").apply(r, kToday);
    EXPECT_EQ(rules(outcome.violations), Rules{});
    EXPECT_EQ(valueOf(outcome, "jdrq"), "2024-09-27");  // profile.xml dateFormat
    EXPECT_EQ(valueOf(outcome, "yxqz"), "20240927");    // the field's own
    EXPECT_EQ(valueOf(outcome, "yxqzi"), "20991231");
}

TEST(TargetMappingTest, GivenUnitConversionAndFixedDecimals_ThenExactDecimalStrings) {
    Record r = companyPenalty();  // CF_NR_FK 0.2 万元
    r.fields["CF_CFLB"] = "罚款;没收违法所得";
    r.fields["CF_NR_WFFF"] = "1234.5";  // this fixture's canonical 没收金额 is in 元
    MappingOutcome outcome = province("cf").apply(r, kToday);
    EXPECT_EQ(rules(outcome.violations), Rules{});
    EXPECT_EQ(valueOf(outcome, "FKJE"), "2000.00");
    EXPECT_EQ(valueOf(outcome, "MSJE_WY"), "0.12345");
    r.fields["CF_NR_FK"] = "123456.789012";  // 万元 → 1234567890.12 元, exactly
    EXPECT_EQ(valueOf(province("cf").apply(r, kToday), "FKJE"), "1234567890.12");
    r.fields["CF_NR_WFFF"] = "0.5";  // 0.00005 万元 rounds half-up at 6 decimals
    EXPECT_EQ(valueOf(province("cf").apply(r, kToday), "MSJE_WY"), "0.00005");
    r.fields["CF_NR_WFFF"] = "0.005";
    EXPECT_EQ(valueOf(province("cf").apply(r, kToday), "MSJE_WY"), "0.000001");
}

TEST(TargetMappingTest, GivenANumberWithFixedDecimals_ThenRoundedHalfUp) {
    Record r = creditRating();
    r.fields["PJ_DF"] = "95";
    EXPECT_EQ(valueOf(province("pj").apply(r, kToday), "PJ_DF"), "95.0");
    r.fields["PJ_DF"] = "88.25";
    EXPECT_EQ(valueOf(province("pj").apply(r, kToday), "PJ_DF"), "88.3");
    r.fields["PJ_DF"] = "88.255";  // more decimals than scale 2: a violation, not a rounding
    EXPECT_EQ(rules(province("pj").apply(r, kToday).violations), Rules{"PJ_DF:amount"});
}

TEST(TargetMappingTest, GivenAnIdNumberToMask_ThenCheckedInFullAndSentMasked) {
    Record r = companyLicence();
    r.fields["XK_XDR_LB"] = "自然人";
    r.fields.erase("XK_XDR_SHXYM");
    r.fields["XK_XDR_ZJHM"] = "11010519491231002X";
    MappingOutcome outcome = province("xk").apply(r, kToday);
    EXPECT_EQ(rules(outcome.violations), Rules{});
    EXPECT_EQ(valueOf(outcome, "zjhm"), "110105********002X");

    r.fields["XK_XDR_ZJHM"] = "110105194912310021";  // wrong check digit: seen before masking
    outcome = province("xk").apply(r, kToday);
    ASSERT_EQ(rules(outcome.violations), Rules{"XK_XDR_ZJHM:idcard"});
    EXPECT_EQ(outcome.violations[0].message.find("110105194912310021"), std::string::npos);
}

TEST(TargetMappingTest, GivenPhoneAndAllMasks_ThenOnlyTheKeptCharactersShow) {
    MappingOutcome commitment = province("cn").apply(creditCommitment(), kToday);
    EXPECT_EQ(rules(commitment.violations), Rules{});
    EXPECT_EQ(valueOf(commitment, "CN_LXDH"), "138****5678");

    Record r = listEntry();
    r.fields["MD_XDR_LB"] = "自然人";
    r.fields.erase("MD_XDR_SHXYM");
    r.fields["MD_XDR_ZJHM"] = "11010519491231002X";
    MappingOutcome person = province("md").apply(r, kToday);
    EXPECT_EQ(rules(person.violations), Rules{});
    EXPECT_EQ(valueOf(person, "MD_XDR_ZJHM"), std::string(18, '*'));
}

TEST(TargetMappingTest, GivenAPatternMismatch_ThenAPatternViolation) {
    Record r = companyLicence();
    r.fields["XK_LYDWDM"] = "914403001922038216";  // a valid USCC, but not an authority's (1…)
    MappingOutcome outcome = province("xk").apply(r, kToday);
    EXPECT_EQ(rules(outcome.violations), Rules{"XK_LYDWDM:pattern"});

    Record c = creditCommitment();
    c.fields["CN_LXDH"] = "0531-1234567";
    outcome = province("cn").apply(c, kToday);
    ASSERT_EQ(rules(outcome.violations), Rules{"CN_LXDH:pattern"});
    // The target masks the phone: the message does not show it either.
    EXPECT_EQ(outcome.violations[0].message.find("1234567"), std::string::npos);
}

TEST(TargetMappingTest, GivenAValueOutsideTheEnumeration_ThenAnEnumerationViolation) {
    Record r = creditRating();
    r.fields["PJ_PJJG"] = "优秀";
    MappingOutcome outcome = province("pj").apply(r, kToday);
    ASSERT_EQ(rules(outcome.violations), Rules{"PJ_PJJG:enumeration"});
    EXPECT_NE(outcome.violations[0].message.find("AAA, AA, A, B, C, D"), std::string::npos);
}

TEST(TargetMappingTest, GivenAConditionOnAnotherField_ThenRequiredOnlyWhenItHolds) {
    Record r = listEntry();
    r.fields["MD_MDMC"] = "严重违法失信超限超载运输当事人名单";
    r.fields.erase("MD_CLHP");
    r.fields.erase("MD_WFCS");
    EXPECT_EQ(rules(province("md").apply(r, kToday).violations),
              (Rules{"MD_CLHP:required_if", "MD_WFCS:required_if"}));
    r.fields["MD_MDMC"] = "交通运输领域失信联合惩戒对象名单";
    EXPECT_EQ(rules(province("md").apply(r, kToday).violations), Rules{});
}

TEST(TargetMappingTest, GivenTheProvinceAmountRules_ThenTheyHoldOnConvertedAmounts) {
    Record r = companyPenalty();
    r.fields["CF_CFLB"] = "警告";
    EXPECT_EQ(rules(province("cf").apply(r, kToday).violations), Rules{"CF_NR_FK:amount_category"});
}

// ---- the new kinds, each mapped through the province --------------------------------------

TEST(TargetMappingTest, GivenEachNewKind_ThenASampleRecordMapsWithoutViolation) {
    struct Case {
        Record record;
        std::string field, expected;
    };
    std::vector<Case> cases = {{creditRating(), "PJ_PJLX", "道路运输企业质量信誉考核"},
                               {listEntry(), "MD_MDLX", "黑名单"},
                               {creditCommitment(), "CN_LYZT", "待核查"},
                               {rewardOrPunishment(), "JC_JCLX", "惩戒"}};
    for (const auto& c : cases) {
        MappingOutcome outcome = province(c.record.kind).apply(c.record, kToday);
        EXPECT_EQ(rules(outcome.violations), Rules{}) << c.record.kind;
        EXPECT_EQ(valueOf(outcome, c.field), c.expected) << c.record.kind;
        EXPECT_EQ(outcome.indicatorsFilled, outcome.record.fields.size() - emptyFields(outcome))
            << c.record.kind;
    }
}

TEST(TargetMappingTest, GivenNewKindsWithDefects_ThenTheSameChecksAsForXk) {
    Record pj = creditRating();
    pj.fields["PJ_XDR_SHXYM"] = "914403001922038217";
    pj.fields["PJ_PJRQ"] = "2024-10-09";  // after kToday
    EXPECT_EQ(rules(province("pj").apply(pj, kToday).violations),
              (Rules{"PJ_XDR_SHXYM:uscc", "PJ_PJRQ:future_date"}));

    Record md = listEntry();
    md.fields["MD_MDLX"] = "灰名单";
    md.fields["MD_YXQZI"] = "2023-01-01";
    EXPECT_EQ(rules(province("md").apply(md, kToday).violations),
              (Rules{"MD_MDLX:code_table", "MD_YXQZI:date_order"}));

    Record cn = creditCommitment();
    cn.fields["CN_LYZT"] = "履约";  // checked, so the check date is needed
    EXPECT_EQ(rules(province("cn").apply(cn, kToday).violations), Rules{"CN_HCRQ:required_if"});
    cn.fields["CN_HCRQ"] = "2024-06-30";
    EXPECT_EQ(rules(province("cn").apply(cn, kToday).violations), Rules{});

    Record jc = rewardOrPunishment();
    jc.fields["JC_JCLX"] = "表扬";
    jc.fields.erase("JC_ZXCS");
    EXPECT_EQ(rules(province("jc").apply(jc, kToday).violations),
              (Rules{"JC_JCLX:code_table", "JC_ZXCS:required"}));
}

TEST(TargetMappingTest, SplitWithRestKeepsEveryPartFromTheNthOn) {
    const TargetMapping* v1 = nullptr;
    auto catalog = MappingCatalog::load(CREDITGW_SOURCE_DIR "/mappings");
    ASSERT_TRUE(catalog) << catalog.status().toString();
    v1 = (*catalog)->target("creditchina-v1", "cf");
    ASSERT_NE(v1, nullptr);
    Record record;
    record.kind = "cf";
    record.fields["CF_CFLB"] = "警告;罚款;没收违法所得";
    MappingTrace trace;
    MappingOutcome outcome = v1->apply(record, MappingContext{*CivilDate::parse("2026-11-22")}, &trace);
    std::map<std::string, std::string> out(outcome.record.fields.begin(), outcome.record.fields.end());
    EXPECT_EQ(out["CF_CFLB1"], "警告");
    EXPECT_EQ(out["CF_CFLB2"], "罚款;没收违法所得");
    bool noted = false;
    for (const auto& f : trace.fields) noted |= f.name == "CF_CFLB2" && f.rule.find("and after") != std::string::npos;
    EXPECT_TRUE(noted);
}

TEST(TargetMappingTest, AnUnpublishedFieldFeedsOthersButIsNeitherSentNorCounted) {
    auto catalog = MappingCatalog::load(CREDITGW_SOURCE_DIR "/mappings");
    ASSERT_TRUE(catalog) << catalog.status().toString();
    const TargetMapping* v1 = (*catalog)->target("creditchina-v1", "xk");
    ASSERT_NE(v1, nullptr);
    auto names = v1->outputNames();
    EXPECT_EQ(std::find(names.begin(), names.end(), "XK_XKBH"), names.end());
    Record record;
    record.kind = "xk";
    record.fields = {{"XK_WSH", ""}, {"XK_XKBH", "鲁交运管许可示字0001"}};
    MappingOutcome outcome = v1->apply(record, MappingContext{*CivilDate::parse("2026-11-22")});
    std::map<std::string, std::string> out(outcome.record.fields.begin(), outcome.record.fields.end());
    EXPECT_EQ(out.count("XK_XKBH"), 0u);
    EXPECT_EQ(out["XK_WSH"], "鲁交运管许可示字0001");
    EXPECT_LE(outcome.indicatorsDefined, outcome.record.fields.size());  // only sent fields are indicators
}
