// The real daemon under signals: SIGHUP reloads the configuration file (a bad edit is logged
// and the last good one kept, uploads go on), SIGTERM stops it cleanly; log lines carry ISO 8601
// times with the +08:00 offset and the target, also in a log file that rotates by size.

#include <gtest/gtest.h>

#include <Poco/Pipe.h>
#include <Poco/PipeStream.h>
#include <Poco/Process.h>

#include <csignal>
#include <atomic>
#include <filesystem>
#include <regex>
#include <sstream>
#include <thread>

#include "TestSupport.h"
#include "creditgw/MockPlatform.h"

using namespace creditgw;
namespace fs = std::filesystem;

namespace {

const char* kOnePenalty =
    "CF_XDR_MC,CF_XDR_LB,CF_XDR_SHXYM,CF_FRDB,CF_WSH,CF_WFXW,CF_SY,CF_YJ,CF_CFLB,CF_NR,CF_NR_FK,CF_JDRQ,"
    "CF_YXQ,CF_CFJG,CF_CFJGDM,CF_SJLY,CF_SJLYDM\n"
    "示范市顺达物流有限公司,法人及非法人组织,914403001922038216,李明,示交罚〔2026〕11号,超限运输,车货总重超限,"
    "《公路法》第七十六条,罚款,罚款2000元,0.2,2026-11-20,2027-11-20,示范市交通运输局,11100000000019713D,"
    "示范市交通运输局,11100000000019713D\n";

class DaemonSignalsTest : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(platform.start());
        fs::create_directories(dir.file("inbox/cf"));
        fs::create_directories(dir.file("log"));
    }

    std::string config(const std::string& extra = "") {
        std::string certs = test::devCertsDir();
        return "unit.code = 11371300MB20260018\n"
               "unit.name = 示范市交通运输局\n"
               "store = " + dir.file("store.db") + "\n"
               "data.dir = " CREDITGW_SOURCE_DIR "\n"
               "plugin.dir = " CREDITGW_TEST_PLUGIN_DIR "\n"
               "inbox = " + dir.file("inbox") + "\n"
               "interval = 1\n"
               "settle.seconds = 0\n"
               "log.file = " + dir.file("log/creditgw.log") + "\n"
               "target.creditchina.endpoint = " + platform.endpoint() + "\n"
               "target.creditchina.ca = " + certs + "/ca.pem\n"
               "target.creditchina.cert = " + certs + "/client.pem\n"
               "target.creditchina.key = " + certs + "/client.key\n"
               "target.creditchina.signing.key = " + certs + "/signing.key\n" + extra;
    }

    test::ScratchDir dir{"daemon-signals"};
    MockPlatform platform{test::devMockPlatformConfig()};
};

}  // namespace

TEST_F(DaemonSignalsTest, SighupReloadsKeepsTheLastGoodFileAndSigtermStops) {
    std::string file = dir.file("creditgw.properties");
    test::writeFile(file, config());
    Poco::Pipe errors;
    Poco::ProcessHandle daemon =
        Poco::Process::launch(CREDITGW_BINARY, {"run", "--config", file}, nullptr, nullptr, &errors);
    Poco::PipeInputStream log(errors);
    std::atomic<bool> finished{false};
    std::thread watchdog([&] {  // an expected line that never comes fails the test, never hangs it
        for (int i = 0; i < 300 && !finished; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
        if (!finished) Poco::Process::kill(daemon);
    });
    std::string seen;
    auto waitFor = [&](const std::string& text) {
        for (std::string line; std::getline(log, line);) {
            seen += line + "\n";
            if (line.find(text) != std::string::npos) return true;
        }
        return false;
    };
    ASSERT_TRUE(waitFor("started")) << seen;
    EXPECT_NE(seen.find(", targets creditchina, every 1s"), std::string::npos) << seen;
    ASSERT_TRUE(waitFor("creditchina: ready 0")) << seen;

    test::writeFile(file, config("target.creditchina.batch.size = many\n"));
    ::kill(daemon.id(), SIGHUP);
    EXPECT_TRUE(waitFor("SIGHUP: configuration reload refused, keeping the last good one")) << seen;
    EXPECT_NE(seen.find(file + ":15: target.creditchina.batch.size: needs a whole number"), std::string::npos) << seen;
    test::writeFile(dir.file("inbox/cf/penalty.csv"), kOnePenalty);
    EXPECT_TRUE(waitFor("accepted 1")) << "still running on the last good file: " << seen;

    test::writeFile(file, config("target.creditchina.batch.size = 100\n"));
    ::kill(daemon.id(), SIGHUP);
    EXPECT_TRUE(waitFor("SIGHUP: configuration and mappings reloaded")) << seen;

    ::kill(daemon.id(), SIGTERM);
    EXPECT_TRUE(waitFor("stopped")) << seen;
    EXPECT_EQ(daemon.wait(), 0);
    finished = true;
    watchdog.join();
    EXPECT_EQ(platform.counters().accepted, 1u);

    // The same lines in the file, each with an ISO 8601 time in Shanghai and a level.
    std::istringstream lines(test::readFile(dir.file("log/creditgw.log")));
    std::regex shape(R"(^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+08:00 (INFO|WARNING|ERROR) .+)");
    int count = 0;
    bool targetLine = false;
    for (std::string line; std::getline(lines, line); ++count) {
        EXPECT_TRUE(std::regex_match(line, shape)) << line;
        if (line.find(" INFO creditchina: ready 1") != std::string::npos) targetLine = true;
    }
    EXPECT_GT(count, 5);
    EXPECT_TRUE(targetLine) << "the cycle's line names its target";
}

TEST_F(DaemonSignalsTest, TheLogFileRotatesBySizeAndKeepsTheConfiguredNumber) {
    std::string file = dir.file("creditgw.properties");
    test::writeFile(file, config("log.rotation = 1 K\nlog.keep = 2\n"));
    for (int run = 0; run < 12; ++run) {
        auto result = test::runCommand(std::string(CREDITGW_BINARY) + " run --once --config '" + file + "'");
        ASSERT_EQ(result.exitCode, 0) << result.output;
    }
    EXPECT_TRUE(fs::exists(dir.file("log/creditgw.log")));
    EXPECT_TRUE(fs::exists(dir.file("log/creditgw.log.0"))) << "rotated at 1 KiB";
    EXPECT_FALSE(fs::exists(dir.file("log/creditgw.log.3"))) << "only 2 old files kept";
    EXPECT_LE(fs::file_size(dir.file("log/creditgw.log.0")), 2048u);
}

TEST_F(DaemonSignalsTest, ATargetThatKeepsFailingIsLeftAloneWhileItsBreakerIsOpen) {
    std::string file = dir.file("creditgw.properties");
    // Nothing listens on port 1: every attempt is refused (transient).
    std::string text = config("breaker.failures = 2\nbreaker.open.seconds = 3600\ntarget.creditchina.timeout = 2\n");
    text.replace(text.find(platform.endpoint()), platform.endpoint().size(), "https://127.0.0.1:1/api");
    test::writeFile(file, text);
    test::writeFile(dir.file("inbox/cf/penalty.csv"), kOnePenalty);
    Poco::Pipe errors;
    Poco::ProcessHandle daemon =
        Poco::Process::launch(CREDITGW_BINARY, {"run", "--config", file}, nullptr, nullptr, &errors);
    Poco::PipeInputStream log(errors);
    std::atomic<bool> finished{false};
    std::thread watchdog([&] {
        for (int i = 0; i < 400 && !finished; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
        if (!finished) Poco::Process::kill(daemon);
    });
    std::string seen;
    auto waitFor = [&](const std::string& text) {
        for (std::string line; std::getline(log, line);) {
            seen += line + "\n";
            if (line.find(text) != std::string::npos) return true;
        }
        return false;
    };
    EXPECT_TRUE(waitFor("creditchina: circuit breaker open after 2 failed cycles; next try ")) << seen;
    std::size_t opened = seen.size();
    EXPECT_TRUE(waitFor("creditchina: circuit breaker open until ")) << seen;
    EXPECT_TRUE(waitFor("creditchina: circuit breaker open until ")) << "every cycle while open: " << seen;
    EXPECT_EQ(seen.find("creditchina: ready", opened), std::string::npos) << "no send while open: " << seen;
    ::kill(daemon.id(), SIGTERM);
    EXPECT_TRUE(waitFor("stopped")) << seen;
    EXPECT_EQ(daemon.wait(), 0);
    finished = true;
    watchdog.join();
}

TEST_F(DaemonSignalsTest, SigtermInsideASendFinishesThatBatchStartsNoOtherAndARestartSendsTheRestOnce) {
    std::string file = dir.file("creditgw.properties");
    test::writeFile(file, config("target.creditchina.batch.size = 1\n"));  // two records, two batches
    test::writeFile(dir.file("inbox/cf/penalties.csv"), test::kTwoNovemberPenaltiesCsv);
    Poco::Pipe errors;
    Poco::Process::Env env{{"CREDITGW_PAUSE_POINT", "after-mark-inflight:2"}};  // leased, not yet POSTed
    Poco::ProcessHandle daemon =
        Poco::Process::launch(CREDITGW_BINARY, {"run", "--config", file}, "", nullptr, nullptr, &errors, env);
    Poco::PipeInputStream log(errors);
    std::atomic<bool> finished{false};
    std::thread watchdog([&] {
        for (int i = 0; i < 300 && !finished; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
        if (!finished) Poco::Process::kill(daemon);
    });
    std::string seen;
    auto waitFor = [&](const std::string& text) {
        for (std::string line; std::getline(log, line);) {
            seen += line + "\n";
            if (line.find(text) != std::string::npos) return true;
        }
        return false;
    };
    ASSERT_TRUE(waitFor("paused at after-mark-inflight")) << seen;
    auto signalled = std::chrono::steady_clock::now();
    ::kill(daemon.id(), SIGTERM);
    EXPECT_TRUE(waitFor("stopped")) << seen;
    EXPECT_EQ(daemon.wait(), 0);
    EXPECT_LT(std::chrono::steady_clock::now() - signalled, std::chrono::seconds(15)) << "bounded by one send";
    finished = true;
    watchdog.join();
    EXPECT_EQ(platform.counters().accepted, 1u) << "the batch in flight was finished, the next not started: " << seen;
    EXPECT_EQ(seen.find("paused at after-mark-inflight", seen.find("paused at after-mark-inflight") + 1),
              std::string::npos)
        << "no second batch leased after SIGTERM: " << seen;

    auto restarted = test::runCommand(std::string(CREDITGW_BINARY) + " run --once --config '" + file + "'");
    ASSERT_EQ(restarted.exitCode, 0) << restarted.output;
    auto counters = platform.counters();
    EXPECT_EQ(counters.accepted, 2u) << restarted.output;
    EXPECT_EQ(counters.duplicates, 0u) << "each record accepted exactly once";
    auto status = test::runCommand(std::string(CREDITGW_BINARY) + " status --format json --store " + dir.file("store.db") +
                                   " --data-dir " CREDITGW_SOURCE_DIR);
    EXPECT_EQ(status.exitCode, 0) << status.output;
    EXPECT_NE(status.output.find("\"accepted\":2"), std::string::npos) << status.output;
}

TEST_F(DaemonSignalsTest, SigtermDoesNotWaitForTheRateLimitsNextSlot) {
    std::string file = dir.file("creditgw.properties");
    // One batch a minute: after the first, the next slot is a minute away.
    test::writeFile(file, config("target.creditchina.batch.size = 1\ntarget.creditchina.rate.limit = 1\n"));
    test::writeFile(dir.file("inbox/cf/penalties.csv"), test::kTwoNovemberPenaltiesCsv);
    Poco::Pipe errors;
    Poco::ProcessHandle daemon =
        Poco::Process::launch(CREDITGW_BINARY, {"run", "--config", file}, nullptr, nullptr, &errors);
    Poco::PipeInputStream log(errors);
    std::atomic<bool> finished{false};
    std::thread watchdog([&] {
        for (int i = 0; i < 600 && !finished; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
        if (!finished) Poco::Process::kill(daemon);
    });
    for (int i = 0; i < 300 && platform.counters().accepted < 1; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    ASSERT_EQ(platform.counters().accepted, 1u) << "the first batch goes at once";
    auto signalled = std::chrono::steady_clock::now();
    ::kill(daemon.id(), SIGTERM);
    std::string seen;
    for (std::string line; std::getline(log, line);) seen += line + "\n";
    EXPECT_EQ(daemon.wait(), 0) << seen;
    EXPECT_LT(std::chrono::steady_clock::now() - signalled, std::chrono::seconds(10)) << "not a minute: " << seen;
    finished = true;
    watchdog.join();
    EXPECT_NE(seen.find("stopped"), std::string::npos) << seen;
    EXPECT_EQ(platform.counters().accepted, 1u) << "the second batch waited for its slot: " << seen;

    auto restarted = test::runCommand(std::string(CREDITGW_BINARY) + " run --once --config '" + file + "'");
    ASSERT_EQ(restarted.exitCode, 0) << restarted.output;
    EXPECT_EQ(platform.counters().accepted, 2u) << restarted.output;
    EXPECT_EQ(platform.counters().duplicates, 0u);
}
