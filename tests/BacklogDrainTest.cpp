// After an outage the backlog drains at the target's rate limit, oldest batch first: four
// batches fail against a platform that is down, then go to the real mock platform (mutual TLS)
// with an injected pacing clock. The mock platform stamps each acceptance with that clock, so
// the store's acceptance times show the order and the spacing; nothing sleeps for the limit.

#include <gtest/gtest.h>

#include <map>
#include <thread>

#include "TestSupport.h"
#include "creditgw/CivilDate.h"
#include "creditgw/Gateway.h"
#include "creditgw/MockPlatform.h"

using namespace creditgw;
using namespace std::chrono_literals;

TEST(BacklogDrainTest, AfterAnOutageTheBacklogDrainsAtTheRateLimitOldestFirst) {
    test::ScratchDir dir("backlog-drain");
    GatewaySettings settings{CREDITGW_SOURCE_DIR, CREDITGW_TEST_PLUGIN_DIR, dir.file("store.db"), "11371300MB20260018",
                             "示范市交通运输局"};
    auto gateway = Gateway::open(settings);
    ASSERT_TRUE(gateway) << gateway.status().toString();
    // Four penalties, one batch each, queued in the order of their 文书号.
    std::string csv = test::kPenaltyHeader;
    for (int n = 1; n <= 4; ++n)
        csv += test::penaltyRow("示范市顺达物流有限公司", "914403001922038216", "示交罚〔2026〕" + std::to_string(n) + "号",
                                "2026-11-20");
    test::writeFile(dir.file("cf.csv"), csv);
    IngestRequest request;
    request.path = dir.file("cf.csv");
    request.kind = "cf";
    ASSERT_TRUE((*gateway)->ingest(request));
    TargetSettings target;
    target.name = "creditchina";
    target.endpoint = "https://127.0.0.1:1/api";  // the outage: nothing listens
    target.tls = test::devTlsClientConfig();
    target.tls.timeout = 2s;
    target.signingKeyFile = test::devCertsDir() + "/signing.key";
    target.batchSize = 1;
    target.retryInitial = 1ms;
    target.retryMaximum = 1ms;
    target.rateLimitPerMinute = 30;  // one batch every 2 s
    ASSERT_TRUE((*gateway)->mapPending(target.name));
    auto packed = (*gateway)->packageReady(target);
    ASSERT_TRUE(packed);
    ASSERT_EQ(packed->batches, 4u);

    MockPlatform platform(test::devMockPlatformConfig());
    auto t0 = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now() - 1h);
    std::chrono::system_clock::time_point fake = t0;
    std::vector<std::chrono::system_clock::time_point> waitedUntil;
    (*gateway)->setPacingClock({[&] { return fake; }, [&](std::chrono::system_clock::time_point at) {
                                    waitedUntil.push_back(at);
                                    fake = at;
                                    platform.setClockOverride(shanghaiTimestamp(at));
                                }});
    auto outage = (*gateway)->uploadDue(target, false);
    ASSERT_TRUE(outage) << outage.status().toString();
    EXPECT_EQ(outage->attemptsFailed, 4u);
    EXPECT_EQ(outage->attempts["transient"], 4u);
    ASSERT_EQ(waitedUntil.size(), 3u) << "paced during the outage too";

    // The platform is back; the backoff (at most 1 ms) has passed once all four are due again.
    ASSERT_TRUE(platform.start());
    for (int i = 0; i < 1000; ++i) {
        auto due = (*gateway)->store().dueBatches(target.name, std::chrono::system_clock::now());
        ASSERT_TRUE(due);
        if (due->size() == 4) break;
        std::this_thread::sleep_for(1ms);
    }
    target.endpoint = platform.endpoint();
    waitedUntil.clear();
    auto drained = (*gateway)->uploadDue(target, false);
    ASSERT_TRUE(drained) << drained.status().toString();
    EXPECT_EQ(drained->batchesDone, 4u);
    EXPECT_EQ(platform.counters().accepted, 4u);
    ASSERT_EQ(waitedUntil.size(), 4u) << "every send of the drain waited for its slot";
    for (std::size_t i = 1; i < waitedUntil.size(); ++i)
        EXPECT_EQ(waitedUntil[i] - waitedUntil[i - 1], 2s) << "no faster than the limit, send " << i;

    // Each record was accepted at its batch's slot, the oldest first.
    auto facts = (*gateway)->deliveryFacts(target.name);
    ASSERT_TRUE(facts);
    std::map<std::string, std::string> acceptedAt;
    for (const auto& fact : *facts) acceptedAt[fact.documentNumber] = fact.firstAcceptedAt;
    ASSERT_EQ(acceptedAt.size(), 4u);
    for (int n = 1; n <= 4; ++n)
        EXPECT_EQ(acceptedAt["示交罚〔2026〕" + std::to_string(n) + "号"], shanghaiTimestamp(waitedUntil[n - 1]))
            << "batch " << n;
}
