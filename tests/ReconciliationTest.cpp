// The comparison of reconciliation (creditgw/Reconciliation.h) record by record, with the real
// creditchina and xyjt target plugins loaded from disk: what is a finding, what is left alone,
// and what the officers' report shows.

#include "creditgw/Reconciliation.h"

#include <gtest/gtest.h>

#include <Poco/JSON/Parser.h>

#include "creditgw/EnvelopeTarget.h"
#include "creditgw/PluginHost.h"

using namespace creditgw;

namespace {

const FieldList kFields = {{"CF_WSH", "示交罚〔2026〕1号"}, {"CF_XDR_MC", "示范市顺达物流有限公司"}, {"CF_BZ", ""}};

// A latest version of ours at the target; `identity` names its 文书号.
ReconcileRecord ours(const std::string& key, const std::string& deliveryState, const std::string& operation = "",
                     const std::string& operationState = "") {
    ReconcileRecord record;
    record.recordId = 7;
    record.identity = "11100000000019713D|示交罚〔2026〕1号|914403001922038216|cf";
    record.kind = "cf";
    record.key = key;
    record.decisionDate = "2026-11-20";
    record.deliveryState = deliveryState;
    record.mappedFields = kFields;
    record.operation = operation;
    record.operationId = operation.empty() ? 0 : 3;
    record.operationState = operationState;
    return record;
}

HeldRecord theirs(const std::string& key, const std::string& state, const std::string& hash) {
    return {key, "cf", hash, state, "2026-11-20"};
}

class ReconciliationTest : public ::testing::Test {
protected:
    void SetUp() override {
        auto loaded = host.loadDirectory(CREDITGW_TEST_PLUGIN_DIR);
        ASSERT_TRUE(loaded) << loaded.status().toString();
        creditchina = host.createTarget("creditchina");
        xyjt = host.createTarget("xyjt");
        ASSERT_NE(creditchina, nullptr);
        ASSERT_NE(xyjt, nullptr);
    }

    // The findings of comparing one record of ours with what the platform holds.
    std::vector<FindingKind> findingsOf(const std::vector<ReconcileRecord>& mine, const std::vector<HeldRecord>& held,
                                        const TargetPlugin* plugin = nullptr) {
        HoldingsComparison comparison(held, plugin ? *plugin : *creditchina);
        comparison.add(mine);
        report = comparison.finish();
        std::vector<FindingKind> kinds;
        for (const auto& finding : report.findings) kinds.push_back(finding.kind);
        return kinds;
    }

    std::string sameHash() const { return platformContentHash({"k1", "cf", kFields}); }

    PluginHost host;
    std::unique_ptr<TargetPlugin> creditchina, xyjt;
    ReconcileReport report;
};

using Kinds = std::vector<FindingKind>;

}  // namespace

TEST_F(ReconciliationTest, AnAcceptedRecordThePlatformHoldsWithItsContentIsInStep) {
    EXPECT_EQ(findingsOf({ours("k1", "accepted")}, {theirs("k1", "published", sameHash())}), Kinds{});
    EXPECT_EQ(report.checked, 1u);
    EXPECT_EQ(report.platformHeld, 1u);
}

TEST_F(ReconciliationTest, AnAcceptedRecordThePlatformLacksIsMissingAndOneWithOtherContentIsBehind) {
    EXPECT_EQ(findingsOf({ours("k1", "accepted")}, {}), Kinds{FindingKind::Missing});
    EXPECT_TRUE(report.findings[0].requeues());
    EXPECT_EQ(report.findings[0].documentNumber, "示交罚〔2026〕1号");
    EXPECT_EQ(report.findings[0].recordId, 7);
    EXPECT_EQ(findingsOf({ours("k1", "accepted")}, {theirs("k1", "published", "an-older-hash")}),
              Kinds{FindingKind::Behind});
    // A plugin that cannot compute the platform's hash (xyjt adds route columns) finds no Behind.
    EXPECT_EQ(findingsOf({ours("k1", "accepted")}, {theirs("k1", "published", "an-older-hash")}, xyjt.get()), Kinds{});
}

TEST_F(ReconciliationTest, ARecordWhosePublicityEndedIsNotPublishedAgainWhenThePlatformLacksIt) {
    ReconcileRecord ended = ours("k1", "accepted");
    ended.publicityEnd = "2026-11-09";  // 公示截止期 passed; its 下线 is queued by the next upload
    const std::vector<HeldRecord> nothingHeld;  // outlives the comparisons that refer to it
    HoldingsComparison comparison(nothingHeld, *creditchina);
    comparison.setToday("2026-11-25");
    comparison.add({ended});
    EXPECT_TRUE(comparison.finish().findings.empty()) << "a 新增 after 公示截止期 would publish it again";
    ended.publicityEnd = "2026-11-25";  // its last day: still published
    EXPECT_EQ(findingsOf({ended}, {}), Kinds{FindingKind::Missing}) << "without a day, no check";
    HoldingsComparison onItsLastDay(nothingHeld, *creditchina);
    onItsLastDay.setToday("2026-11-25");
    onItsLastDay.add({ended});
    EXPECT_EQ(onItsLastDay.finish().findings.size(), 1u);
}

TEST_F(ReconciliationTest, RecordsOnTheirWayAreCountedPendingAndOnesNeverAcceptedAreLeft) {
    EXPECT_EQ(findingsOf({ours("k1", "ready"), ours("k2", "queued")}, {}), Kinds{});
    EXPECT_EQ(report.pending, 2u);
    EXPECT_EQ(findingsOf({ours("k1", "held"), ours("k2", "rejected"), ours("k3", "dead")}, {}), Kinds{});
    EXPECT_EQ(report.pending, 0u);
}

TEST_F(ReconciliationTest, AnEndedRecordStillPublishedGetsItsOperationAgainAndIsNeverSentAsANewRecord) {
    EXPECT_EQ(findingsOf({ours("k1", "accepted", "revoke", "accepted")}, {theirs("k1", "published", sameHash())}),
              Kinds{FindingKind::WithdrawnStillHeld});
    EXPECT_EQ(report.findings[0].operationId, 3);
    EXPECT_NE(report.findings[0].detail().find("撤销 is queued again"), std::string::npos) << report.findings[0].detail();
    EXPECT_EQ(findingsOf({ours("k1", "accepted", "takedown", "dead")}, {theirs("k1", "published", sameHash())}),
              Kinds{FindingKind::WithdrawnStillHeld});
    // Gone from the platform, as it should be: no 新增 of a revoked record.
    EXPECT_EQ(findingsOf({ours("k1", "accepted", "revoke", "accepted")}, {}), Kinds{});
    EXPECT_EQ(findingsOf({ours("k1", "accepted", "repair", "accepted")}, {theirs("k1", "repaired", sameHash())}), Kinds{});
    EXPECT_EQ(findingsOf({ours("k1", "held", "revoke", "queued")}, {theirs("k1", "published", sameHash())}), Kinds{});
    EXPECT_EQ(report.pending, 1u);
    EXPECT_EQ(findingsOf({ours("k1", "accepted", "revoke", "rejected")}, {}), Kinds{});
}

TEST_F(ReconciliationTest, WhatOnlyThePlatformEndedOrKnowsIsListedAndNothingIsQueued) {
    EXPECT_EQ(findingsOf({ours("k1", "accepted")}, {theirs("k1", "withdrawn", sameHash()), theirs("k9", "published", "h")}),
              (Kinds{FindingKind::EndedOnPlatform, FindingKind::Unknown}));
    EXPECT_FALSE(report.findings[0].requeues());
    EXPECT_FALSE(report.findings[1].requeues());
    EXPECT_EQ(report.findings[1].key, "k9");
    EXPECT_EQ(report.findings[1].recordId, 0) << "no record of ours to write a history event on";
}

TEST_F(ReconciliationTest, TheReportListsEachFindingWithIdNumbersMasked) {
    ReconcileRecord natural = ours("k1", "accepted");
    natural.identity = "11100000000019713D|示交罚〔11010519491231002X〕号|11010519491231002X|cf";
    findingsOf({natural}, {theirs("k9", "published", "h")});
    report.target = "creditchina";
    report.requeued = 1;
    std::string json = reconcileReportJson(report);
    auto root = Poco::JSON::Parser().parse(json).extract<Poco::JSON::Object::Ptr>();
    EXPECT_EQ(root->getValue<int>("checked"), 1);
    EXPECT_EQ(root->getArray("missing")->getObject(0)->getValue<std::string>("key"), "k1");
    EXPECT_EQ(root->getArray("unknown")->getObject(0)->getValue<std::string>("key"), "k9");
    EXPECT_EQ(root->getArray("behind")->size(), 0u);
    EXPECT_EQ(root->getValue<int>("requeued"), 1);
    std::string text = reconcileReportText(report);
    EXPECT_NE(text.find("missing: 1\n  k1  cf"), std::string::npos) << text;
    for (const std::string& shown : {json, text}) {
        EXPECT_EQ(shown.find("11010519491231002X"), std::string::npos) << shown;
        EXPECT_NE(shown.find("110105********002X"), std::string::npos) << shown;
    }
}
