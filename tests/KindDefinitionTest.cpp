// Specification of KindDefinition with the shipped kinds: header resolution, source row →
// canonical record, department, identity.

#include <gtest/gtest.h>

#include "TestSupport.h"

#include "creditgw/Mapping.h"

using namespace creditgw;

namespace {

const MappingCatalog& catalog() { return test::shippedMappings(); }

const KindDefinition& cf() { return *catalog().kind("cf"); }
const KindDefinition& xk() { return *catalog().kind("xk"); }

SourceRow row(FieldList columns) {
    SourceRow r;
    r.file = "/data/in/cf-2024-09.csv";
    r.line = 7;
    r.columns = std::move(columns);
    return r;
}

}  // namespace

TEST(KindDefinitionTest, GivenTheShippedKinds_ThenTheirIdentityIsAsInTheStandard) {
    EXPECT_EQ(cf().id(), "cf");
    EXPECT_EQ(cf().name(), "行政处罚");
    EXPECT_EQ(cf().decisionDateField(), "CF_JDRQ");
    EXPECT_EQ(xk().name(), "行政许可");
    EXPECT_EQ(xk().decisionDateField(), "XK_JDRQ");
    EXPECT_EQ(cf().fieldName("CF_NR_FK"), "罚款金额（万元）");
}

TEST(KindDefinitionTest, GivenHeaders_ThenResolvedByCodeNameOrAlias) {
    EXPECT_EQ(cf().resolveHeader("CF_WSH"), "CF_WSH");                // code
    EXPECT_EQ(cf().resolveHeader("cf_wsh"), "CF_WSH");                // case
    EXPECT_EQ(cf().resolveHeader("行政处罚决定书文号"), "CF_WSH");    // standard name
    EXPECT_EQ(cf().resolveHeader(" *行政相对人名称 "), "CF_XDR_MC");  // template marker, spaces
    EXPECT_EQ(cf().resolveHeader("罚款金额(万元)"), "CF_NR_FK");      // ASCII parentheses
    EXPECT_EQ(cf().resolveHeader("CF_CFMC"), "CF_WFXW");              // v1
    EXPECT_EQ(cf().resolveHeader("CF_XDR_SFZ"), "CF_XDR_ZJHM");       // v1
    EXPECT_EQ(cf().resolveHeader("CF_FR_SFZH"), "CF_FR_ZJHM");        // v2-early
    EXPECT_EQ(cf().resolveHeader("责任部门"), "ZRBM");
    EXPECT_EQ(xk().resolveHeader("XK_XDR"), "XK_XDR_MC");        // v1
    EXPECT_EQ(xk().resolveHeader("XK_XDR_SFZ"), "XK_XDR_ZJHM");  // v1
    EXPECT_EQ(xk().resolveHeader("行政相对人代码_1（统一社会信用代码）"), "XK_XDR_SHXYM");
    EXPECT_EQ(xk().resolveHeader("案件编号"), "");
    EXPECT_EQ(xk().resolveHeader("CF_WSH"), "");  // another kind's code
}

TEST(KindDefinitionTest, GivenARow_ThenACanonicalRecordWithSourcePosition) {
    SourceRow source = row({{"行政处罚决定书文号", " 深交罚〔2024〕101号 "},
                            {"CF_XDR_MC", "某某公司"},
                            {"数据来源单位", "交通运输部"},
                            {"无人认识的列", "x"}});
    source.problems.push_back({"CF_SY", "encoding", "bad bytes"});
    Record r = cf().toRecord(source);
    EXPECT_EQ(r.kind, "cf");
    EXPECT_EQ(r.sourceFile, "/data/in/cf-2024-09.csv");
    EXPECT_EQ(r.sourceLine, 7u);
    EXPECT_EQ(r.field("CF_WSH"), "深交罚〔2024〕101号");
    EXPECT_EQ(r.field("CF_XDR_MC"), "某某公司");
    EXPECT_EQ(r.fields.count("无人认识的列"), 0u);
    EXPECT_EQ(r.fields.size(), 3u);
    ASSERT_EQ(r.problems.size(), 1u);
    EXPECT_EQ(r.problems[0].rule, "encoding");
}

TEST(KindDefinitionTest, GivenADepartmentColumn_ThenItWinsOverTheDataSource) {
    Record withDepartment =
        cf().toRecord(row({{"责任部门", "执法支队"}, {"CF_SJLY", "交通运输局"}}));
    EXPECT_EQ(withDepartment.department, "执法支队");
    Record withoutDepartment = cf().toRecord(row({{"责任部门", ""}, {"CF_SJLY", "交通运输局"}}));
    EXPECT_EQ(withoutDepartment.department, "交通运输局");
    Record licence = xk().toRecord(row({{"XK_LYDW", "运管处"}}));
    EXPECT_EQ(licence.department, "运管处");
}

TEST(KindDefinitionTest, GivenV1CategoryColumns_ThenTheyAreJoined) {
    Record r = cf().toRecord(row({{"CF_CFLB1", "警告"}, {"CF_CFLB2", "罚款"}}));
    EXPECT_EQ(r.field("CF_CFLB"), "警告;罚款");
}

TEST(KindDefinitionTest, GivenAHeader_ThenUnknownColumnsAreListedOnce) {
    std::vector<std::string> header = {"序号", "CF_WSH", "案件编号", "DFBM", "备注", "经办人"};
    EXPECT_EQ(cf().unknownColumns(header), (std::vector<std::string>{"案件编号", "经办人"}));
}

TEST(KindDefinitionTest, GivenCanonicalFields_ThenTheIdentityUsesCodeElseIdNumber) {
    Record company = cf().toRecord(row({{"CF_CFJGDM", "11100000000019713d"},
                                        {"CF_WSH", "交罚〔2024〕1号"},
                                        {"CF_XDR_SHXYM", "914403001922038216"},
                                        {"CF_XDR_ZJHM", "11010519491231002X"}}));
    EXPECT_EQ(cf().identityOf(company), "11100000000019713D|交罚〔2024〕1号|914403001922038216|cf");

    Record person = cf().toRecord(row({{"CF_CFJGDM", "11100000000019713D"},
                                       {"CF_WSH", "交罚〔2024〕1号"},
                                       {"CF_XDR_ZJHM", "11010519491231002x"}}));
    EXPECT_EQ(cf().identityOf(person), "11100000000019713D|交罚〔2024〕1号|11010519491231002X|cf");

    Record noAuthority = cf().toRecord(row({{"CF_WSH", "交罚〔2024〕1号"}}));
    EXPECT_EQ(cf().identityOf(noAuthority), "");
    Record noDocument = cf().toRecord(row({{"CF_CFJGDM", "11100000000019713D"}}));
    EXPECT_EQ(cf().identityOf(noDocument), "");

    Record licence = xk().toRecord(row({{"XK_XKJGDM", "11100000000019713D"}, {"XK_WSH", "许1"}}));
    EXPECT_EQ(xk().identityOf(licence), "11100000000019713D|许1||xk");
}

// ---- the transport credit kinds (ours: docs/kinds.md) -------------------------------------

TEST(KindDefinitionTest, GivenTheNewKinds_ThenDecisionDateAndNamesAreDefined) {
    struct Case {
        const char* id;
        const char* name;
        const char* decisionDate;
        const char* uscc;
    };
    for (const Case& c : {Case{"pj", "信用评价结果", "PJ_PJRQ", "PJ_XDR_SHXYM"},
                          Case{"md", "红黑名单", "MD_RDRQ", "MD_XDR_SHXYM"},
                          Case{"cn", "信用承诺", "CN_CNRQ", "CN_XDR_SHXYM"},
                          Case{"jc", "联合奖惩成效", "JC_ZXRQ", "JC_XDR_SHXYM"}}) {
        const KindDefinition* kind = catalog().kind(c.id);
        ASSERT_NE(kind, nullptr) << c.id;
        EXPECT_EQ(kind->name(), c.name);
        EXPECT_EQ(kind->decisionDateField(), c.decisionDate);
        EXPECT_EQ(kind->fieldName(c.uscc), "统一社会信用代码")
            << c.id << " has the 相对人 fields parallel to XK";
    }
}

TEST(KindDefinitionTest, GivenLocalHeadersOfANewKind_ThenResolvedAndIdentified) {
    const KindDefinition& md = *catalog().kind("md");
    Record r = md.toRecord(row({{"序号", "1"},
                                {"当事人名称", "深圳市某某运输有限公司"},
                                {"统一社会信用代码", "914403001922038216"},
                                {"名单类别", "黑名单"},
                                {"车牌号", "粤B12345"},
                                {"超限超载次数", "4"},
                                {"认定文号", "交运认〔2024〕12号"},
                                {"列入日期", "2024-08-01"},
                                {"认定部门代码", "11100000000019713d"},
                                {"数据来源", "交通运输部"}}));
    EXPECT_EQ(r.kind, "md");
    EXPECT_EQ(r.field("MD_MDLX"), "黑名单");
    EXPECT_EQ(r.field("MD_CLHP"), "粤B12345");
    EXPECT_EQ(r.field("MD_WFCS"), "4");
    EXPECT_EQ(r.field("MD_RDRQ"), "2024-08-01");
    EXPECT_EQ(r.department, "交通运输部");  // no ZRBM: 数据来源单位
    EXPECT_EQ(md.identityOf(r), "11100000000019713D|交运认〔2024〕12号|914403001922038216|md");
    EXPECT_TRUE(md.unknownColumns({"序号", "当事人名称", "车牌号", "颜色"}) ==
                std::vector<std::string>{"颜色"});

    const KindDefinition& jc = *catalog().kind("jc");
    EXPECT_EQ(jc.resolveHeader("被执行主体"), "JC_XDR_MC");
    EXPECT_EQ(jc.resolveHeader("执行时间"), "JC_ZXRQ");
    EXPECT_EQ(catalog().kind("cn")->resolveHeader("履约情况"), "CN_LYZT");
    EXPECT_EQ(catalog().kind("pj")->resolveHeader("信用等级"), "PJ_PJJG");
}

TEST(KindDefinitionTest, LicenceNumberStandsInForAMissingDocumentNumberInTheIdentity) {
    const KindDefinition* xk = catalog().kind("xk");
    ASSERT_NE(xk, nullptr);
    Record record;
    record.kind = "xk";
    record.fields = {{"XK_XKJGDM", "11100000000019713d"}, {"XK_WSH", ""}, {"XK_XKBH", "鲁交运管许可示字0001"},
                     {"XK_XDR_SHXYM", "914403001922038216"}};
    EXPECT_EQ(xk->identityOf(record), "11100000000019713D|鲁交运管许可示字0001|914403001922038216|xk");
    record.fields["XK_WSH"] = "示交许〔2026〕1号";
    EXPECT_EQ(xk->identityOf(record), "11100000000019713D|示交许〔2026〕1号|914403001922038216|xk");
    record.fields["XK_WSH"] = "";
    record.fields["XK_XKBH"] = "";
    EXPECT_EQ(xk->identityOf(record), "");
}
