// End to end for 信用交通: the real creditgw binary ingests 信用评价结果 (pj) and 红黑名单 (md)
// samples, maps them for target xyjt, signs and uploads them over mutual TLS to the real mock
// platform on 127.0.0.1, which checks the route columns the xyjt plugin adds.

#include <gtest/gtest.h>

#include <Poco/JSON/Parser.h>

#include "TestSupport.h"
#include "creditgw/MockPlatform.h"

using namespace creditgw;
using creditgw::test::CommandResult;
using creditgw::test::runCommand;

namespace {

// Two valid ratings (an enterprise and a driver, whose 身份证号 travels masked) and one the
// gateway holds (bad USCC check character).
const char* kPjCsv =
    "评价对象名称,评价对象类别,统一社会信用代码,证件号码,评价类型,评价周期,评价结果,评价文号,评价日期,"
    "评价单位,评价单位统一社会信用代码,数据来源单位,数据来源单位统一社会信用代码\n"
    "示范市顺达物流有限公司,法人及非法人组织,914403001922038216,,03,2025年度,AA,示交运评〔2026〕1号,2026-11-20,"
    "示范市交通运输局,11371300MB20260018,示范市交通运输局,11371300MB20260018\n"
    "王建国,自然人,,11010519491231002X,驾驶员诚信考核,2025年度,AAA,示交驾评2026110001,2026-11-19,"
    "示范市交通运输局,11371300MB20260018,示范市交通运输局,11371300MB20260018\n"
    "示范市坏码运输有限公司,法人及非法人组织,914403001922038217,,03,2025年度,B,示交运评〔2026〕2号,2026-11-18,"
    "示范市交通运输局,11371300MB20260018,示范市交通运输局,11371300MB20260018\n";

// A 超限超载 black-list entry the gateway passes, and one the platform rejects (测试 in the name).
const char* kMdCsv =
    "主体名称,主体类别,统一社会信用代码,名单类型,名单名称,列入事由,认定依据,认定文书号,认定日期,有效期至,"
    "认定单位,认定单位统一社会信用代码,车辆号牌,违法次数,数据来源单位,数据来源单位统一社会信用代码\n"
    "示范市远达运输有限公司,法人及非法人组织,91350100M000100Y43,2,严重违法失信超限超载运输当事人名单,"
    "一年内违法超限运输5次,《合作备忘录》,示交信认〔2026〕1号,2026-11-18,2027-11-18,示范市交通运输局,"
    "11371300MB20260018,示A·12345,5,示范市交通运输局,11371300MB20260018\n"
    "测试运输有限公司,法人及非法人组织,914403001922038216,红名单,道路运输守信激励对象名单,"
    "连续三年考核AAA级,《管理办法》第五条,示交信认〔2026〕2号,2026-11-18,长期,示范市交通运输局,"
    "11371300MB20260018,,,示范市交通运输局,11371300MB20260018\n";

class XyjtUploadTest : public ::testing::Test {
protected:
    void SetUp() override {
        certs = creditgw::test::devCertsDir();
        config = creditgw::test::devMockPlatformConfig();
        config.clockOverride = "2026-11-23T10:00:00+08:00";
        platform = std::make_unique<MockPlatform>(config);
        ASSERT_TRUE(platform->start());
        creditgw::test::writeFile(dir.file("pj.csv"), kPjCsv);
        creditgw::test::writeFile(dir.file("md.csv"), kMdCsv);
    }

    CommandResult gw(const std::string& arguments) {
        return runCommand(std::string(CREDITGW_BINARY) + " " + arguments + " --store " + dir.file("store.db") +
                          " --unit-code 11371300MB20260018 --unit-name 示范市交通运输局");
    }

    std::string uploadArgs() {
        return "upload --target xyjt --endpoint " + platform->endpoint() + " --ca " + certs + "/ca.pem --cert " +
               certs + "/client.pem --key " + certs + "/client.key --signing-key " + certs + "/signing.key";
    }

    creditgw::test::ScratchDir dir{"xyjt-upload"};
    std::string certs;
    MockPlatformConfig config;
    std::unique_ptr<MockPlatform> platform;
};

}  // namespace

TEST_F(XyjtUploadTest, RatingsAndListEntriesReachThePlatformWithTheirRoute) {
    CommandResult pj = gw("ingest --kind pj --input " + dir.file("pj.csv"));
    ASSERT_EQ(pj.exitCode, 0) << pj.output;
    EXPECT_NE(pj.output.find("rows 3, new 3"), std::string::npos) << pj.output;
    CommandResult md = gw("ingest --kind md --input " + dir.file("md.csv"));
    ASSERT_EQ(md.exitCode, 0) << md.output;

    CommandResult upload = gw(uploadArgs());
    ASSERT_EQ(upload.exitCode, 0) << upload.output;
    EXPECT_NE(upload.output.find("held 1"), std::string::npos) << upload.output;
    EXPECT_EQ(platform->counters().batches, 2u);  // one per kind
    EXPECT_EQ(platform->counters().accepted, 3u);
    EXPECT_EQ(platform->counters().rejected, 1u);  // 测试 in the name
    EXPECT_EQ(platform->counters().badSignatures, 0u);
}

TEST_F(XyjtUploadTest, TheStoredSignedPayloadCarriesTheRouteAndAMaskedIdNumber) {
    ASSERT_EQ(gw("ingest --kind pj --input " + dir.file("pj.csv")).exitCode, 0);
    ASSERT_EQ(gw(uploadArgs()).exitCode, 0);
    CommandResult ids = runCommand("sqlite3 " + dir.file("store.db") + " 'SELECT id FROM batches LIMIT 1'");
    ASSERT_EQ(ids.exitCode, 0) << ids.output;
    std::string batchId = ids.output.substr(0, ids.output.find('\n'));
    ASSERT_EQ(gw("batch export " + batchId + " --out " + dir.file("batch")).exitCode, 0);
    auto root = Poco::JSON::Parser().parse(creditgw::test::readFile(dir.file("batch/payload.bin")))
                    .extract<Poco::JSON::Object::Ptr>();
    EXPECT_EQ(root->getObject("package")->getValue<std::string>("target"), "xyjt");
    auto records = root->getArray("records");
    ASSERT_EQ(records->size(), 2u);
    bool sawPerson = false;
    for (std::size_t i = 0; i < records->size(); ++i) {
        auto fields = records->getObject(static_cast<unsigned>(i))->getObject("fields");
        EXPECT_EQ(fields->getValue<std::string>("BSDWDM"), "11371300MB20260018");
        EXPECT_EQ(fields->getValue<std::string>("BSLJ"), "市级→省级→部级");
        EXPECT_EQ(fields->getValue<std::string>("ZFBZ"), "0");  // pj is not forwarded to 信用中国
        EXPECT_EQ(fields->getValue<std::string>("GJJLBS"), "");
        if (fields->getValue<std::string>("PJ_XDR_LB") != "自然人") continue;
        sawPerson = true;
        EXPECT_EQ(fields->getValue<std::string>("PJ_XDR_ZJHM"), "110105********002X");
    }
    EXPECT_TRUE(sawPerson);
}
