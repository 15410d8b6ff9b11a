#include "creditgw/EnvelopeTarget.h"

#include <gtest/gtest.h>

using namespace creditgw;

namespace {

class PlainTarget : public EnvelopeTarget {
public:
    std::string name() const override { return "plain"; }
};

TargetProfile profile(const std::string& format, const std::string& encoding = "UTF-8") {
    TargetProfile p;
    p.id = "test";
    p.plugin = "plain";
    p.directory = "/tmp/test-target";
    p.envelopeFormat = format;
    p.envelopeEncoding = encoding;
    p.packageTypes["cf"] = "XZCF";
    return p;
}

}  // namespace

TEST(EnvelopeTargetTest, EncodesWithTheProfilesEnvelopeAndPackageType) {
    PlainTarget target;
    ASSERT_TRUE(target.configure(profile("xml", "GBK")));
    EXPECT_NE(target.contentType().find("xml"), std::string::npos);
    BatchHeader header{"b1", "test", "cf", "11100000000019713D", "交通运输部", "2026-11-22T10:00:00+08:00", "1"};
    auto bytes = target.encodeBatch(header, {{"CF_XDR_MC", "行政相对人名称"}}, {{"k1", "cf", {{"CF_XDR_MC", "顺达物流"}}}});
    ASSERT_TRUE(bytes) << bytes.status().toString();
    EXPECT_NE(bytes->find("encoding=\"GBK\""), std::string::npos);
    EXPECT_NE(bytes->find("<SJBLX>XZCF</SJBLX>"), std::string::npos);
    EXPECT_EQ(bytes->find("顺达物流"), std::string::npos) << "GBK bytes, not UTF-8";
}

TEST(EnvelopeTargetTest, UnknownFormatIsRefusedNamingTheProfile) {
    PlainTarget target;
    Status configured = target.configure(profile("yaml"));
    ASSERT_FALSE(configured);
    EXPECT_NE(configured.message().find("/tmp/test-target/profile.xml"), std::string::npos);
    EXPECT_NE(configured.message().find("yaml"), std::string::npos);
}

TEST(EnvelopeTargetTest, ReadsJsonAndXmlReceipts) {
    PlainTarget target;
    ASSERT_TRUE(target.configure(profile("json")));
    auto json = target.parseReceipt(
        R"({"batchId":"b1","acceptedAt":"2026-11-23T10:00:00+08:00","records":[{"key":"k1","status":"accepted"},)"
        R"({"key":"k2","status":"rejected","code":"E301","reason":"疑似测试数据"}]})");
    ASSERT_TRUE(json) << json.status().toString();
    ASSERT_EQ(json->records.size(), 2u);
    EXPECT_FALSE(json->records[1].accepted);
    EXPECT_EQ(json->records[1].code, "E301");

    auto xml = target.parseReceipt(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Receipt><SJBBH>b1</SJBBH><JSSJ>2026-11-23T10:00:00+08:00</JSSJ>"
        "<Record key=\"k1\" status=\"accepted\"/><Record key=\"k2\" status=\"rejected\" code=\"E1\" reason=\"缺少字段\"/></Receipt>");
    ASSERT_TRUE(xml) << xml.status().toString();
    EXPECT_EQ(xml->batchId, "b1");
    ASSERT_EQ(xml->records.size(), 2u);
    EXPECT_EQ(xml->records[1].reason, "缺少字段");
}

TEST(EnvelopeTargetTest, MalformedReceiptsAreRefusedNotGuessed) {
    PlainTarget target;
    ASSERT_TRUE(target.configure(profile("json")));
    EXPECT_FALSE(target.parseReceipt("{\"batchId\":\"b1\",\"records\":[]}"));  // no acceptedAt
    EXPECT_FALSE(target.parseReceipt("{\"batchId\":\"b1\",\"acceptedAt\":\"x\",\"records\":[{\"key\":\"k\",\"status\":\"maybe\"}]}"));
    EXPECT_FALSE(target.parseReceipt("<Receipt><SJBBH>b1</SJBBH></Receipt>"));
    EXPECT_FALSE(target.parseReceipt("<Receipt><unclosed>"));
}
