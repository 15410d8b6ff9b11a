// POST /api/targets/<name>/trigger on the real daemon: `creditgw run --config` with its admin
// interface on 127.0.0.1, a real HTTP request, and the mock platform over mutual TLS. A target
// whose schedule is years away is uploaded at once after the trigger; an open circuit breaker
// still holds a triggered target back. The live daemon's /metrics (breaker state, attempts by
// outcome) passes promtool.

#include <gtest/gtest.h>

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Pipe.h>
#include <Poco/PipeStream.h>
#include <Poco/Process.h>
#include <Poco/StreamCopier.h>

#include <sys/stat.h>

#include <atomic>
#include <csignal>
#include <filesystem>
#include <thread>

#include "TestSupport.h"
#include "creditgw/CivilDate.h"
#include "creditgw/CronSchedule.h"
#include "creditgw/MockPlatform.h"

using namespace creditgw;
namespace fs = std::filesystem;

namespace {

const std::string kToken = "trigger-token-0123456789";

const char* kOnePenalty =
    "CF_XDR_MC,CF_XDR_LB,CF_XDR_SHXYM,CF_FRDB,CF_WSH,CF_WFXW,CF_SY,CF_YJ,CF_CFLB,CF_NR,CF_NR_FK,CF_JDRQ,"
    "CF_YXQ,CF_CFJG,CF_CFJGDM,CF_SJLY,CF_SJLYDM\n"
    "示范市顺达物流有限公司,法人及非法人组织,914403001922038216,李明,示交罚〔2026〕11号,超限运输,车货总重超限,"
    "《公路法》第七十六条,罚款,罚款2000元,0.2,2026-11-20,2027-11-20,示范市交通运输局,11100000000019713D,"
    "示范市交通运输局,11100000000019713D\n";

// 29 February at 03:00: the next slot is in a leap year, never within the test.
const char* kFarAway = "0 3 29 2 *";

struct Answer {
    int status = 0;
    std::string body;
};

Answer request(unsigned short port, const std::string& method, const std::string& path, bool withToken = true) {
    Poco::Net::HTTPClientSession session("127.0.0.1", port);
    session.setTimeout(Poco::Timespan(10, 0));
    Poco::Net::HTTPRequest request(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
    if (withToken) request.set("Authorization", "Bearer " + kToken);
    request.setContentLength(0);
    session.sendRequest(request);
    Poco::Net::HTTPResponse response;
    std::istream& in = session.receiveResponse(response);
    Answer answer;
    answer.status = response.getStatus();
    Poco::StreamCopier::copyToString(in, answer.body);
    return answer;
}

// A port nobody listens on right now, for the daemon's admin interface.
unsigned short freePort() {
    Poco::Net::ServerSocket probe(Poco::Net::SocketAddress("127.0.0.1", 0));
    return probe.address().port();
}

class AdminTriggerTest : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(platform.start());
        fs::create_directories(dir.file("inbox/cf"));
        test::writeFile(dir.file("token"), kToken + "\n");
        ::chmod(dir.file("token").c_str(), 0600);
    }

    void TearDown() override {
        if (daemon) {  // a test that failed half-way: stop the daemon, never leave it behind
            ::kill(daemon->id(), SIGTERM);
            daemon->wait();
        }
        finished = true;
        if (watchdog.joinable()) watchdog.join();
    }

    // Starts `creditgw run --config` with the admin interface; the target's schedule is years
    // away and a cycle comes only every 10 minutes, so only a trigger can make it send.
    void startDaemon(const std::string& endpoint, const std::string& extra = "") {
        std::string certs = test::devCertsDir();
        port = freePort();
        std::string file = dir.file("creditgw.properties");
        test::writeFile(file, "unit.code = 11371300MB20260018\n"
                              "unit.name = 示范市交通运输局\n"
                              "store = " + dir.file("store.db") + "\n"
                              "data.dir = " CREDITGW_SOURCE_DIR "\n"
                              "plugin.dir = " CREDITGW_TEST_PLUGIN_DIR "\n"
                              "inbox = " + dir.file("inbox") + "\n"
                              "interval = 600\n"
                              "settle.seconds = 0\n"
                              "admin.port = " + std::to_string(port) + "\n"
                              "admin.token.file = " + dir.file("token") + "\n"
                              "target.creditchina.endpoint = " + endpoint + "\n"
                              "target.creditchina.ca = " + certs + "/ca.pem\n"
                              "target.creditchina.cert = " + certs + "/client.pem\n"
                              "target.creditchina.key = " + certs + "/client.key\n"
                              "target.creditchina.signing.key = " + certs + "/signing.key\n"
                              "target.creditchina.schedule = " + kFarAway + "\n" + extra);
        daemon = std::make_unique<Poco::ProcessHandle>(
            Poco::Process::launch(CREDITGW_BINARY, {"run", "--config", file}, nullptr, nullptr, &errors));
        log = std::make_unique<Poco::PipeInputStream>(errors);
        watchdog = std::thread([this] {  // an expected line that never comes fails the test, never hangs it
            for (int i = 0; i < 600 && !finished; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
            if (!finished) Poco::Process::kill(*daemon);
        });
    }

    bool waitFor(const std::string& text) {
        for (std::string line; std::getline(*log, line);) {
            seen += line + "\n";
            if (line.find(text) != std::string::npos) return true;
        }
        return false;
    }

    void expectPromtoolClean(const std::string& metrics) {
        test::writeFile(dir.file("metrics.txt"), metrics);
        ASSERT_EQ(test::runCommand("command -v promtool").exitCode, 0)
            << "promtool (Debian package prometheus) is needed to check the exposition format";
        auto checked = test::runCommand("promtool check metrics < " + dir.file("metrics.txt"));
        EXPECT_EQ(checked.exitCode, 0) << checked.output << metrics;
        EXPECT_EQ(checked.output, "") << "no lint complaint";
    }

    int stop() {
        ::kill(daemon->id(), SIGTERM);
        EXPECT_TRUE(waitFor("stopped")) << seen;
        int code = daemon->wait();
        finished = true;
        watchdog.join();
        daemon.reset();
        return code;
    }

    test::ScratchDir dir{"admin-trigger"};
    MockPlatform platform{test::devMockPlatformConfig()};
    unsigned short port = 0;
    Poco::Pipe errors;
    std::unique_ptr<Poco::ProcessHandle> daemon;
    std::unique_ptr<Poco::PipeInputStream> log;
    std::atomic<bool> finished{false};
    std::thread watchdog;
    std::string seen;
};

}  // namespace

TEST_F(AdminTriggerTest, ATriggeredTargetIsUploadedAtOnceWhateverItsSchedule) {
    test::writeFile(dir.file("inbox/cf/penalty.csv"), kOnePenalty);
    startDaemon(platform.endpoint());
    ASSERT_TRUE(waitFor("admin interface on http://127.0.0.1:" + std::to_string(port) + "/")) << seen;
    ASSERT_TRUE(waitFor("started")) << seen;
    ASSERT_TRUE(waitFor("penalty.csv (cf): rows 1, new 1")) << seen;
    EXPECT_EQ(platform.counters().accepted, 0u) << "not due for years";
    // The daemon's /status carries what only its loop knows: the breaker and the next run.
    std::string next = shanghaiTimestamp(*CronSchedule::parse(kFarAway)->nextAfter(std::chrono::system_clock::now()));
    Answer status = request(port, "GET", "/status");
    EXPECT_EQ(status.status, 200);
    EXPECT_NE(status.body.find("\"breaker\":\"closed\",\"next_run\":\"" + next + "\""), std::string::npos)
        << next << "\n" << status.body;

    // The same authentication as every admin call, POST only, and only the targets served.
    EXPECT_EQ(request(port, "POST", "/api/targets/creditchina/trigger", false).status, 401);
    EXPECT_EQ(request(port, "GET", "/api/targets/creditchina/trigger").status, 405);
    Answer unknown = request(port, "POST", "/api/targets/creditchnia/trigger");
    EXPECT_EQ(unknown.status, 404);
    EXPECT_NE(unknown.body.find("unknown target \\\"creditchnia\\\"; this daemon serves: creditchina"), std::string::npos)
        << unknown.body;
    EXPECT_NE(unknown.body.find("\"known_targets\":[\"creditchina\"]"), std::string::npos) << unknown.body;

    auto triggeredAt = std::chrono::steady_clock::now();
    Answer accepted = request(port, "POST", "/api/targets/creditchina/trigger");
    EXPECT_EQ(accepted.status, 202) << accepted.body;
    EXPECT_NE(accepted.body.find("{\"target\":\"creditchina\",\"triggered\":true"), std::string::npos) << accepted.body;
    EXPECT_TRUE(waitFor("creditchina: triggered from the admin interface, running now")) << seen;
    EXPECT_TRUE(waitFor("creditchina: ready 1")) << seen;
    EXPECT_LT(std::chrono::steady_clock::now() - triggeredAt, std::chrono::seconds(60))
        << "woken by the trigger, not by the 10-minute interval";
    EXPECT_EQ(platform.counters().accepted, 1u) << seen;
    EXPECT_NE(seen.find("accepted 1, rejected 0"), std::string::npos) << seen;

    Answer metrics = request(port, "GET", "/metrics");
    ASSERT_EQ(metrics.status, 200);
    expectPromtoolClean(metrics.body);
    for (const char* line : {"# TYPE creditgw_breaker_state gauge\n", "creditgw_breaker_state{target=\"creditchina\"} 0\n",
                             "# TYPE creditgw_send_attempts_total counter\n",
                             "creditgw_send_attempts_total{target=\"creditchina\",outcome=\"ok\"} 1\n",
                             "creditgw_send_attempts_total{target=\"creditchina\",outcome=\"transient\"} 0\n",
                             "creditgw_rate_numerator{target=\"creditchina\",rate=\"withdrawal_timeliness\"} 0\n",
                             "creditgw_rate_denominator{target=\"creditchina\",rate=\"withdrawal_timeliness\"} 0\n"})
        EXPECT_NE(metrics.body.find(line), std::string::npos) << line << metrics.body;
    EXPECT_EQ(metrics.body.find("creditgw_rate{target=\"creditchina\",rate=\"withdrawal_timeliness\"}"),
              std::string::npos)
        << "no withdrawal due: no rate, only its counts\n" << metrics.body;
    EXPECT_EQ(stop(), 0);
}

TEST_F(AdminTriggerTest, AnOpenBreakerStillHoldsATriggeredTargetBack) {
    // Nothing listens on port 1: the triggered cycle fails and opens the breaker (1 failure).
    test::writeFile(dir.file("inbox/cf/penalty.csv"), kOnePenalty);
    startDaemon("https://127.0.0.1:1/api",
                "breaker.failures = 1\nbreaker.open.seconds = 3600\ntarget.creditchina.timeout = 2\n");
    ASSERT_TRUE(waitFor("started")) << seen;
    ASSERT_EQ(request(port, "POST", "/api/targets/creditchina/trigger").status, 202);
    ASSERT_TRUE(waitFor("creditchina: circuit breaker open after 1 failed cycles")) << seen;
    Answer status = request(port, "GET", "/status");
    EXPECT_NE(status.body.find("\"breaker\":\"open\""), std::string::npos) << status.body;

    Answer metrics = request(port, "GET", "/metrics");
    ASSERT_EQ(metrics.status, 200);
    expectPromtoolClean(metrics.body);
    for (const char* line : {"creditgw_breaker_state{target=\"creditchina\"} 2\n",
                             "creditgw_send_attempts_total{target=\"creditchina\",outcome=\"transient\"} 1\n",
                             "creditgw_send_attempts_total{target=\"creditchina\",outcome=\"ok\"} 0\n"})
        EXPECT_NE(metrics.body.find(line), std::string::npos) << line << metrics.body;

    ASSERT_EQ(request(port, "POST", "/api/targets/creditchina/trigger").status, 202);
    EXPECT_TRUE(waitFor("creditchina: circuit breaker open until ")) << seen;
    EXPECT_EQ(stop(), 0);
    EXPECT_EQ(seen.find("creditchina: ready", seen.find("circuit breaker open after")), std::string::npos)
        << "nothing sent while open: " << seen;
}
