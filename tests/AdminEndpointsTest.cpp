// The admin interface for monitoring: /health without a token (200, or 503 with the reason when
// a target has dead batches or an old backlog), /metrics in the Prometheus text format checked
// by promtool, correct reason phrases on the wire, and probes answered while clients sit idle.
// Stores made by the real binary against the real mock platform.

#include "creditgw/AdminServer.h"

#include <gtest/gtest.h>

#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>

#include <sys/stat.h>

#include <chrono>
#include <map>
#include <thread>

#include "TestSupport.h"
#include "creditgw/MockPlatform.h"
#include "creditgw/RecordStore.h"

using namespace creditgw;

namespace {

const std::string kToken = "0123456789abcdef-admin-token";

const char* kOnePenalty =
    "CF_XDR_MC,CF_XDR_LB,CF_XDR_SHXYM,CF_FRDB,CF_WSH,CF_WFXW,CF_SY,CF_YJ,CF_CFLB,CF_NR,CF_NR_FK,CF_JDRQ,"
    "CF_YXQ,CF_CFJG,CF_CFJGDM,CF_SJLY,CF_SJLYDM\n"
    "示范市顺达物流有限公司,法人及非法人组织,914403001922038216,李明,示交罚〔2026〕11号,超限运输,车货总重超限,"
    "《公路法》第七十六条,罚款,罚款2000元,0.2,2026-11-20,2027-11-20,示范市交通运输局,11100000000019713D,"
    "示范市交通运输局,11100000000019713D\n";

struct Raw {
    std::string statusLine;  ///< "HTTP/1.1 503 Service Unavailable"
    std::string body;
};

// One request over a plain socket, so the status line is seen as sent, reason phrase included.
Raw rawGet(unsigned short port, const std::string& path, const std::string& token = "") {
    Poco::Net::StreamSocket socket(Poco::Net::SocketAddress("127.0.0.1", port));
    socket.setReceiveTimeout(Poco::Timespan(10, 0));
    std::string request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" +
                          (token.empty() ? "" : "Authorization: Bearer " + token + "\r\n") + "\r\n";
    socket.sendBytes(request.data(), static_cast<int>(request.size()));
    std::string answer;
    char buffer[4096];
    for (int n; (n = socket.receiveBytes(buffer, sizeof buffer)) > 0;) answer.append(buffer, static_cast<std::size_t>(n));
    Raw raw;
    raw.statusLine = answer.substr(0, answer.find("\r\n"));
    auto bodyStart = answer.find("\r\n\r\n");
    if (bodyStart != std::string::npos) raw.body = answer.substr(bodyStart + 4);
    return raw;
}

class AdminEndpointsTest : public ::testing::Test {
protected:
    void SetUp() override {
        test::writeFile(dir.file("token"), kToken + "\n");
        ::chmod(dir.file("token").c_str(), 0600);
        config.tokenFile = dir.file("token");
        config.dataDir = CREDITGW_SOURCE_DIR;
        config.targets = {"creditchina"};
    }

    // A store holding one penalty that `creditgw upload --once` tried to send to `endpoint`
    // with the given signing key.
    void storeAfterUpload(const std::string& endpoint, const std::string& signingKey) {
        std::string certs = test::devCertsDir();
        test::writeFile(dir.file("penalty.csv"), kOnePenalty);
        auto ingest = test::runCommand(std::string(CREDITGW_BINARY) + " ingest --kind cf --input " + dir.file("penalty.csv") +
                                       " --store " + dir.file("store.db") + " --data-dir " CREDITGW_SOURCE_DIR);
        ASSERT_EQ(ingest.exitCode, 0) << ingest.output;
        auto upload = test::runCommand(std::string(CREDITGW_BINARY) + " upload --once --endpoint " + endpoint + " --ca " +
                                       certs + "/ca.pem --cert " + certs + "/client.pem --key " + certs +
                                       "/client.key --signing-key " + signingKey + " --store " + dir.file("store.db") +
                                       " --data-dir " CREDITGW_SOURCE_DIR
                                       " --unit-code 11371300MB20260018 --unit-name 示范市交通运输局 --timeout 5");
        EXPECT_EQ(upload.exitCode, 4) << "the batch did not go through: " << upload.output;
        config.storePath = dir.file("store.db");
    }

    test::ScratchDir dir{"admin-endpoints"};
    AdminServerConfig config;
};

}  // namespace

TEST_F(AdminEndpointsTest, HealthNeedsNoTokenAndMetricsPassPromtool) {
    auto demo = test::runCommand(std::string(CREDITGW_BINARY) + " demo --work-dir " + dir.file("demo"));
    ASSERT_EQ(demo.exitCode, 0) << demo.output;
    config.storePath = dir.file("demo/creditgw.db");
    // What the daemon's loop publishes: a half-open breaker after some attempts.
    config.daemon = std::make_shared<DaemonState>(std::vector<std::string>{"creditchina"});
    config.daemon->publishBreaker("creditchina", CircuitBreaker::State::HalfOpen);
    config.daemon->countAttempts("creditchina", {{"ok", 3}, {"transient", 2}});
    config.daemon->countAttempts("creditchina", {{"transient", 1}, {"unknown", 1}});
    AdminServer server(config);
    ASSERT_TRUE(server.start());

    Raw health = rawGet(server.port(), "/health");
    EXPECT_EQ(health.statusLine, "HTTP/1.1 200 OK");
    EXPECT_EQ(health.body, "{\"status\":\"ok\"}\n") << "readiness only, no figures";

    EXPECT_EQ(rawGet(server.port(), "/metrics").statusLine, "HTTP/1.1 401 Unauthorized");
    EXPECT_EQ(rawGet(server.port(), "/nothing", kToken).statusLine, "HTTP/1.1 404 Not Found");
    Raw metrics = rawGet(server.port(), "/metrics", kToken);
    ASSERT_EQ(metrics.statusLine, "HTTP/1.1 200 OK");
    test::writeFile(dir.file("metrics.txt"), metrics.body);
    if (test::runCommand("command -v promtool").exitCode == 0) {
        auto checked = test::runCommand("promtool check metrics < " + dir.file("metrics.txt"));
        EXPECT_EQ(checked.exitCode, 0) << checked.output << metrics.body;
        EXPECT_EQ(checked.output, "") << "no lint complaint";
    } else {
        ADD_FAILURE() << "promtool (Debian package prometheus) is needed to check the exposition format";
    }
    // The store's own figures, as `creditgw status` reads them.
    auto store = RecordStore::openForReading(config.storePath);
    ASSERT_TRUE(store);
    auto figures = (*store)->health("creditchina", test::shippedMappings().kindsOf("creditchina"));
    ASSERT_TRUE(figures);
    ASSERT_GT(figures->total, 100u);
    std::map<std::string, std::size_t> records(figures->records.begin(), figures->records.end());
    for (const char* state : {"accepted", "held", "rejected", "queued", "dead"})
        EXPECT_NE(metrics.body.find("creditgw_records{target=\"creditchina\",state=\"" + std::string(state) + "\"} " +
                                    std::to_string(records[state]) + "\n"),
                  std::string::npos)
            << state << "\n" << metrics.body;
    for (const auto& [state, count] : figures->batches)
        EXPECT_NE(metrics.body.find("creditgw_batches{target=\"creditchina\",state=\"" + state + "\"} " +
                                    std::to_string(count) + "\n"),
                  std::string::npos)
            << state << "\n" << metrics.body;
    for (const std::string& line : std::vector<std::string>{"# TYPE creditgw_rate gauge\n", "creditgw_rate{target=\"creditchina\",rate=\"reporting\"} ",
                                   "creditgw_rate_numerator{target=\"creditchina\",rate=\"reporting\"} " +
                                       std::to_string(records["accepted"]) + "\n",
                                   "creditgw_backlog_age_seconds{target=\"creditchina\"} ",
                                   "creditgw_last_acceptance_timestamp_seconds{target=\"creditchina\"} ",
                                   "# TYPE creditgw_breaker_state gauge\n",
                                   "creditgw_breaker_state{target=\"creditchina\"} 1\n",
                                   "# TYPE creditgw_send_attempts_total counter\n",
                                   "creditgw_send_attempts_total{target=\"creditchina\",outcome=\"ok\"} 3\n",
                                   "creditgw_send_attempts_total{target=\"creditchina\",outcome=\"transient\"} 3\n",
                                   "creditgw_send_attempts_total{target=\"creditchina\",outcome=\"unknown\"} 1\n",
                                   "creditgw_send_attempts_total{target=\"creditchina\",outcome=\"permanent\"} 0\n",
                                   // The demo revoked nothing: 撤销及时率 has its counts but no rate.
                                   "creditgw_rate_numerator{target=\"creditchina\",rate=\"withdrawal_timeliness\"} 0\n",
                                   "creditgw_rate_denominator{target=\"creditchina\",rate=\"withdrawal_timeliness\"} 0\n"})
        EXPECT_NE(metrics.body.find(line), std::string::npos) << line << metrics.body;
    EXPECT_EQ(metrics.body.find("creditgw_rate{target=\"creditchina\",rate=\"withdrawal_timeliness\"}"),
              std::string::npos)
        << "a null rate is omitted\n" << metrics.body;
}

TEST_F(AdminEndpointsTest, ADeadBatchMakesHealthFailWithTheReason) {
    MockPlatform platform(test::devMockPlatformConfig());
    ASSERT_TRUE(platform.start());
    // An SM2 key the platform has never registered: the signature is refused for good.
    auto made = test::runCommand("umask 077 && openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:SM2 -out " +
                                 dir.file("stranger.key"));
    ASSERT_EQ(made.exitCode, 0) << made.output;
    storeAfterUpload(platform.endpoint(), dir.file("stranger.key"));
    AdminServer server(config);
    ASSERT_TRUE(server.start());
    Raw health = rawGet(server.port(), "/health");
    EXPECT_EQ(health.statusLine, "HTTP/1.1 503 Service Unavailable");
    EXPECT_NE(health.body.find("\"status\":\"unavailable\""), std::string::npos) << health.body;
    EXPECT_NE(health.body.find("creditchina: 2 dead records and batches"), std::string::npos) << health.body;
    Raw metrics = rawGet(server.port(), "/metrics", kToken);
    EXPECT_NE(metrics.body.find("creditgw_batches{target=\"creditchina\",state=\"dead\"} 1\n"), std::string::npos)
        << metrics.body;
}

TEST_F(AdminEndpointsTest, ABacklogOlderThanTheLimitMakesHealthFail) {
    // Nothing listens on port 1: the batch stays pending, waiting for the platform.
    storeAfterUpload("https://127.0.0.1:1/api", test::devCertsDir() + "/signing.key");
    config.backlogLimit = std::chrono::seconds(3600);
    {
        AdminServer patient(config);
        ASSERT_TRUE(patient.start());
        EXPECT_EQ(rawGet(patient.port(), "/health").statusLine, "HTTP/1.1 200 OK") << "a fresh backlog is fine";
    }
    config.backlogLimit = std::chrono::seconds(0);
    AdminServer strict(config);
    ASSERT_TRUE(strict.start());
    Raw health = rawGet(strict.port(), "/health");
    EXPECT_EQ(health.statusLine, "HTTP/1.1 503 Service Unavailable");
    EXPECT_NE(health.body.find("creditchina: oldest waiting batch queued "), std::string::npos) << health.body;
    EXPECT_NE(health.body.find("(limit 0 s)"), std::string::npos) << health.body;
}

TEST_F(AdminEndpointsTest, IdleConnectionsDoNotLockOutTheProbe) {
    auto demo = test::runCommand(std::string(CREDITGW_BINARY) + " demo --work-dir " + dir.file("demo"));
    ASSERT_EQ(demo.exitCode, 0) << demo.output;
    config.storePath = dir.file("demo/creditgw.db");
    config.connectionTimeout = std::chrono::seconds(1);
    AdminServer server(config);
    ASSERT_TRUE(server.start());
    // Six clients connect and say nothing (the old pool had four threads).
    std::vector<Poco::Net::StreamSocket> idle;
    for (int i = 0; i < 6; ++i) idle.emplace_back(Poco::Net::SocketAddress("127.0.0.1", server.port()));
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    auto started = std::chrono::steady_clock::now();
    EXPECT_EQ(rawGet(server.port(), "/health").statusLine, "HTTP/1.1 200 OK");
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(900)) << "answered at once";
    // And an idle connection is dropped after the timeout rather than held for ever.
    idle[0].setReceiveTimeout(Poco::Timespan(5, 0));
    char byte;
    EXPECT_EQ(idle[0].receiveBytes(&byte, 1), 0) << "closed by the server";

    // Even more idle clients than threads: the timeouts free the threads for the probe.
    std::vector<Poco::Net::StreamSocket> many;
    for (int i = 0; i < 24; ++i) many.emplace_back(Poco::Net::SocketAddress("127.0.0.1", server.port()));
    EXPECT_EQ(rawGet(server.port(), "/health").statusLine, "HTTP/1.1 200 OK");
}
