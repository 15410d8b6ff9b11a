// The mock platform's checks for the transport credit kinds and for target xyjt
// (gateway/include/creditgw/MockPlatformRules.h).

#include "creditgw/MockPlatformRules.h"

#include <gtest/gtest.h>

using namespace creditgw;

namespace {

using Fields = std::map<std::string, std::string>;

Fields validPj() {
    return {{"PJ_XDR_MC", "示范市顺达物流有限公司"}, {"PJ_XDR_LB", "法人及非法人组织"},
            {"PJ_XDR_SHXYM", "914403001922038216"}, {"PJ_WSH", "示交运评〔2026〕10号"},
            {"PJ_PJRQ", "2026/11/20"}, {"PJ_PJDWDM", "11371300MB20260018"}, {"PJ_LYDWDM", "11371300MB20260018"}};
}

Fields validMd() {
    return {{"MD_XDR_MC", "王建国"}, {"MD_XDR_LB", "自然人"}, {"MD_XDR_ZJLX", "身份证"},
            {"MD_XDR_ZJHM", "110105********002X"}, {"MD_MDMC", "严重违法失信超限超载运输当事人名单"},
            {"MD_CLHP", "示A·12345"}, {"MD_RDWSH", "示交信认〔2026〕30号"}, {"MD_RDRQ", "2026/11/18"},
            {"MD_YXQZI", "2027/11/18"}, {"MD_RDDWDM", "11371300MB20260018"}, {"MD_LYDWDM", "11371300MB20260018"}};
}

Fields withRoute(Fields fields, const std::string& forwarded, const std::string& key) {
    fields["BSDWDM"] = "11371300MB20260018";
    fields["BSLJ"] = "市级→省级→部级";
    fields["ZFBZ"] = forwarded;
    fields["GJJLBS"] = key;
    return fields;
}

}  // namespace

TEST(MockPlatformKindsTest, XyjtServesAllSixKindsAndCreditChinaOnlyShuangGongShi) {
    for (const char* kind : {"xk", "cf", "pj", "md", "cn", "jc"}) EXPECT_FALSE(mockPackageProblem("xyjt", kind)) << kind;
    EXPECT_FALSE(mockPackageProblem("creditchina", "xk"));
    auto refused = mockPackageProblem("creditchina", "pj");
    ASSERT_TRUE(refused);
    EXPECT_NE(refused->find("accepted: xk, cf"), std::string::npos) << *refused;
    auto unknown = mockPackageProblem("sd-xyjt", "xk");
    ASSERT_TRUE(unknown);
    EXPECT_NE(unknown->find("creditchina, xyjt"), std::string::npos) << *unknown;
}

TEST(MockPlatformKindsTest, GivenValidRecordsOfTheNewKindsThenTheyPass) {
    EXPECT_FALSE(checkMockRecord("pj", validPj()));
    EXPECT_FALSE(checkMockRecord("md", validMd()));
    EXPECT_FALSE(checkMockRecord("xyjt", "pj", withRoute(validPj(), "0", "")));
}

TEST(MockPlatformKindsTest, EachKindNeedsNameSubjectCodeDocumentNumberAndDate) {
    for (const char* field : {"PJ_XDR_MC", "PJ_XDR_SHXYM", "PJ_WSH", "PJ_PJRQ"}) {
        Fields f = validPj();
        f.erase(field);
        auto rejection = checkMockRecord("pj", f);
        ASSERT_TRUE(rejection) << field;
        EXPECT_EQ(rejection->code, "E101");
        EXPECT_EQ(rejection->field, field);
    }
    Fields person = validMd();
    person.erase("MD_XDR_ZJHM");
    EXPECT_EQ(checkMockRecord("md", person)->field, "MD_XDR_ZJHM");
    Fields overload = validMd();
    overload.erase("MD_CLHP");
    EXPECT_EQ(checkMockRecord("md", overload)->field, "MD_CLHP");
}

TEST(MockPlatformKindsTest, UsccAndDatesAreCheckedAsForShuangGongShi) {
    Fields badCode = validPj();
    badCode["PJ_XDR_SHXYM"] = "914403001922038217";
    EXPECT_EQ(checkMockRecord("pj", badCode)->code, "E201");
    Fields badAuthority = validPj();
    badAuthority["PJ_PJDWDM"] = "91350100M000100Y4Z";
    EXPECT_EQ(checkMockRecord("pj", badAuthority)->field, "PJ_PJDWDM");
    Fields badDate = validMd();
    badDate["MD_RDRQ"] = "2026-11-18";
    EXPECT_EQ(checkMockRecord("md", badDate)->code, "E202");
}

TEST(MockPlatformKindsTest, DocumentNumberFieldsFollowTheKinds) {
    EXPECT_EQ(documentNumberField("xk"), "XK_WSH");
    EXPECT_EQ(documentNumberField("pj"), "PJ_WSH");
    EXPECT_EQ(documentNumberField("md"), "MD_RDWSH");
    EXPECT_EQ(documentNumberField("cn"), "CN_CNBH");
    EXPECT_EQ(documentNumberField("jc"), "JC_ZXWH");
}

TEST(MockPlatformKindsTest, ForXyjtTheRouteColumnsMustBePresentAndConsistent) {
    for (const char* field : {"BSDWDM", "BSLJ", "ZFBZ"}) {
        Fields f = withRoute(validPj(), "0", "");
        f.erase(field);
        auto rejection = checkMockRecord("xyjt", "pj", f);
        ASSERT_TRUE(rejection) << field;
        EXPECT_EQ(rejection->code, "E101");
        EXPECT_EQ(rejection->reason, std::string("必填项缺失：") + field);
    }
    EXPECT_EQ(checkMockRecord("xyjt", "pj", withRoute(validPj(), "1", ""))->field, "GJJLBS");
    EXPECT_EQ(checkMockRecord("xyjt", "pj", withRoute(validPj(), "Y", ""))->field, "ZFBZ");
    Fields badUnit = withRoute(validPj(), "0", "");
    badUnit["BSDWDM"] = "914403001922038217";
    EXPECT_EQ(checkMockRecord("xyjt", "pj", badUnit)->code, "E201");
    // creditchina records carry no route and need none.
    EXPECT_FALSE(checkMockRecord("creditchina", "pj", validPj()));
}
