// The admin interface: loopback only, token required, health / stats / Chinese dashboard.

#include "creditgw/AdminServer.h"

#include <gtest/gtest.h>

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>

#include <sys/stat.h>

#include "TestSupport.h"

using namespace creditgw;

namespace {

const std::string kToken = "0123456789abcdef-admin-token";

struct Answer {
    int status = 0;
    std::string body;
};

Answer get(unsigned short port, const std::string& path, const std::string& token) {
    Poco::Net::HTTPClientSession session("127.0.0.1", port);
    Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, path, Poco::Net::HTTPMessage::HTTP_1_1);
    if (!token.empty()) request.set("Authorization", "Bearer " + token);
    session.sendRequest(request);
    Poco::Net::HTTPResponse response;
    std::istream& in = session.receiveResponse(response);
    Answer answer;
    answer.status = response.getStatus();
    Poco::StreamCopier::copyToString(in, answer.body);
    return answer;
}

class AdminServerTest : public ::testing::Test {
protected:
    void SetUp() override {
        // A store with the demo's records in it, made by the real binary.
        auto demo = test::runCommand(std::string(CREDITGW_BINARY) + " demo --as-of 2026-11-22 --work-dir " + dir.file("demo"));
        ASSERT_EQ(demo.exitCode, 0) << demo.output;
        test::writeFile(dir.file("token"), kToken + "\n");
        ::chmod(dir.file("token").c_str(), 0600);
        config.tokenFile = dir.file("token");
        config.storePath = dir.file("demo/creditgw.db");
        config.dataDir = CREDITGW_SOURCE_DIR;
        config.targets = {"creditchina"};
    }

    test::ScratchDir dir{"admin"};
    AdminServerConfig config;
};

}  // namespace

TEST_F(AdminServerTest, EveryRequestNeedsTheToken) {
    AdminServer server(config);
    ASSERT_TRUE(server.start());
    EXPECT_EQ(get(server.port(), "/status", "").status, 401);
    EXPECT_EQ(get(server.port(), "/status", "wrong-token-wrong-token-").status, 401);
    EXPECT_EQ(get(server.port(), "/status", kToken).status, 200);
}

TEST_F(AdminServerTest, HealthStatsAndTheChineseDashboard) {
    AdminServer server(config);
    ASSERT_TRUE(server.start());
    Answer health = get(server.port(), "/status", kToken);
    EXPECT_NE(health.body.find("\"accepted\":234"), std::string::npos) << health.body;
    Answer stats = get(server.port(), "/stats?target=creditchina&from=2026-11-01", kToken);
    EXPECT_EQ(stats.status, 200);
    EXPECT_NE(stats.body.find("\"reporting_rate\""), std::string::npos) << stats.body;
    EXPECT_NE(stats.body.find("\"from\":\"2026-11-01\""), std::string::npos);
    Answer page = get(server.port(), "/dashboard", kToken);
    EXPECT_EQ(page.status, 200);
    for (const char* text : {"上报率", "合规率", "及时率", "完整率", "按责任部门", "逾期"})
        EXPECT_NE(page.body.find(text), std::string::npos) << text;
    EXPECT_EQ(get(server.port(), "/stats?from=notadate", kToken).status, 400);
    EXPECT_EQ(get(server.port(), "/nothing", kToken).status, 404);
}

TEST_F(AdminServerTest, ATokenFileOthersCanReadIsRefused) {
    ::chmod(dir.file("token").c_str(), 0644);
    AdminServer server(config);
    Status started = server.start();
    ASSERT_FALSE(started);
    EXPECT_NE(started.message().find("chmod 600"), std::string::npos) << started.message();
}

TEST_F(AdminServerTest, ItListensOnLoopbackOnly) {
    AdminServer server(config);
    ASSERT_TRUE(server.start());
    auto listening = test::runCommand("ss -ltn 2>/dev/null | grep ':" + std::to_string(server.port()) + " '");
    if (listening.exitCode != 0) GTEST_SKIP() << "ss is not available here";
    EXPECT_NE(listening.output.find("127.0.0.1:" + std::to_string(server.port())), std::string::npos) << listening.output;
    EXPECT_EQ(listening.output.find("0.0.0.0:" + std::to_string(server.port())), std::string::npos) << listening.output;
}

TEST_F(AdminServerTest, TheDashboardMasksAnIdNumberInsideADocumentNumber) {
    test::writeFile(dir.file("cf.csv"), "行政相对人名称,行政处罚决定书文号,处罚机关统一社会信用代码,处罚决定日期\n"
                                        "傅新民371321197412169230,示交罚〔2026〕371321197412169230号,"
                                        "11371300MB20260018,2026-11-02\n");
    auto ingested = test::runCommand(std::string(CREDITGW_BINARY) + " ingest --kind cf --store " + dir.file("id.db") +
                                     " --input " + dir.file("cf.csv"));
    ASSERT_EQ(ingested.exitCode, 0) << ingested.output;
    config.storePath = dir.file("id.db");
    AdminServer server(config);
    ASSERT_TRUE(server.start());
    Answer page = get(server.port(), "/dashboard", kToken);
    EXPECT_EQ(page.status, 200);
    EXPECT_NE(page.body.find("371321********9230"), std::string::npos) << page.body;
    EXPECT_EQ(page.body.find("197412169"), std::string::npos) << page.body;
}
