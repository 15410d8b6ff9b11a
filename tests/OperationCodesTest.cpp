// Every shipped target can carry 撤销, 下线 and 终止公示 (docs/lifecycle.md): its profile names the
// operation field and codes, its envelope (and its package.xsd, for the XML provinces) takes
// them, and the platform's receipt settles the operation. Real store file, real plugin .so
// files, the shipped mappings; the payloads are read back with iconv and unzip.

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "TestSupport.h"
#include "creditgw/Gateway.h"
#include "creditgw/GoldenCases.h"
#include "creditgw/WithdrawalDeadlines.h"

using namespace creditgw;

namespace {

const std::vector<std::string> kShippedTargets = {
    "creditchina", "creditchina-v1", "creditchina-v2early", "xyjt",    "sd-xyjt",
    "sd-credit",   "ha-xyjt",        "ha-credit",           "cq-xyjt", "zj-xyjt"};

std::string shellQuoted(const std::string& text) { return "'" + text + "'"; }

/// The payload as UTF-8 text a person could read: an XLSX's sheet and shared strings, or the
/// bytes converted from the envelope's encoding by iconv.
std::string readable(const QueuedBatch& batch, const TargetProfile& profile, const test::ScratchDir& dir) {
    std::string file = dir.file(batch.id + ".payload");
    test::writeFile(file, batch.payload);
    std::string command = profile.envelopeFormat == "xlsx"
                              ? "unzip -p " + shellQuoted(file) + " xl/sharedStrings.xml xl/worksheets/sheet1.xml"
                              : "iconv -f " + (profile.envelopeEncoding == "GBK" ? std::string("GB18030") : "UTF-8") +
                                    " -t UTF-8 " + shellQuoted(file);
    test::CommandResult result = test::runCommand(command);
    EXPECT_EQ(result.exitCode, 0) << command << ": " << result.output;
    return result.output;
}

class OperationCodesTest : public ::testing::TestWithParam<std::string> {
protected:
    void SetUp() override {
        GatewaySettings settings{CREDITGW_SOURCE_DIR, CREDITGW_TEST_PLUGIN_DIR, dir.file("store.db"), kGoldenUnitCode,
                                 kGoldenUnitName};
        auto opened = Gateway::open(settings);
        ASSERT_TRUE(opened) << opened.status().toString();
        gateway = std::move(*opened);
        target.name = GetParam();
        target.signingKeyFile = test::devCertsDir() + "/signing.key";
        test::writeFile(dir.file("cf.csv"), test::kTwoNovemberPenaltiesCsv);
        IngestRequest request;
        request.path = dir.file("cf.csv");
        request.kind = "cf";
        auto ingested = gateway->ingest(request);
        ASSERT_TRUE(ingested) << ingested.status().toString();
    }

    /// Maps and packs what is ready; returns the batches now queued for the target.
    std::vector<QueuedBatch> pack() {
        auto mapped = gateway->mapPending(target.name);
        EXPECT_TRUE(mapped) << mapped.status().toString();
        auto packed = gateway->packageReady(target);
        EXPECT_TRUE(packed) << packed.status().toString();
        auto due = gateway->store().dueBatches(target.name, std::chrono::system_clock::now() + std::chrono::hours(1));
        EXPECT_TRUE(due) << due.status().toString();
        return due ? *due : std::vector<QueuedBatch>{};
    }

    /// The platform's answer: every record of the batch accepted.
    void acceptAll(const QueuedBatch& batch) {
        auto keys = gateway->store().batchRecordKeys(batch.id);
        ASSERT_TRUE(keys) << keys.status().toString();
        BatchReceipt receipt{batch.id, "2026-11-24T10:00:00+08:00", {}};
        for (const auto& key : *keys) receipt.records.push_back({key, true, "", ""});
        auto applied = gateway->store().applyReceipt(batch.id, receipt, "{}");
        ASSERT_TRUE(applied) << applied.status().toString();
    }

    test::ScratchDir dir{"operation-codes"};
    std::unique_ptr<Gateway> gateway;
    TargetSettings target;
};

}  // namespace

TEST_P(OperationCodesTest, ARevokedPenaltyLeavesInTheTargetsEnvelopeWithItsOperationCode) {
    auto profile = gateway->profileOf(target.name);
    ASSERT_TRUE(profile) << profile.status().toString();
    auto field = profile->settings.find("operation.field");
    ASSERT_NE(field, profile->settings.end())
        << "mappings/" << target.name << "/profile.xml names no operation.field: its withdrawals would wait";
    const std::string revokeCode = profile->settings.at("operation.revoke");

    std::vector<QueuedBatch> adds = pack();
    ASSERT_FALSE(adds.empty());
    for (const auto& batch : adds) acceptAll(batch);

    auto revoked = gateway->store().revokeRecords({"cf", "示交罚〔2026〕11号", "", "行政复议撤销", ""});
    ASSERT_TRUE(revoked) << revoked.status().toString();
    ASSERT_EQ(revoked->records, 1u);
    std::vector<QueuedBatch> operations = pack();
    ASSERT_EQ(operations.size(), 1u) << "one 撤销 batch, packed after the accepted adds";
    auto stored = gateway->store().batch(operations[0].id);
    ASSERT_TRUE(stored) << stored.status().toString();
    std::string text = readable(*stored, *profile, dir);
    EXPECT_NE(text.find(revokeCode), std::string::npos) << target.name << " payload lacks " << revokeCode << ":\n" << text;
    EXPECT_NE(text.find(profile->headerTitles && profile->envelopeFormat != "json" && profile->envelopeFormat != "xml"
                            ? std::string("操作类型")
                            : field->second),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("示交罚〔2026〕11号"), std::string::npos) << "the revoked record travels: " << text;
    EXPECT_EQ(text.find("示交罚〔2026〕12号"), std::string::npos) << "and only it: " << text;

    acceptAll(operations[0]);
    auto facts = gateway->store().operationFacts(target.name);
    ASSERT_TRUE(facts) << facts.status().toString();
    ASSERT_EQ(facts->size(), 1u);
    EXPECT_EQ((*facts)[0].operation, "revoke");
    EXPECT_EQ((*facts)[0].state, "accepted") << "the platform's receipt settled the 撤销";
    EXPECT_TRUE(pack().empty()) << "nothing is sent twice";
}

TEST_P(OperationCodesTest, ARevocationReplacesATakedownNotPackedYetSoTheBatchCarriesTheRecordOnce) {
    auto profile = gateway->profileOf(target.name);
    ASSERT_TRUE(profile) << profile.status().toString();
    for (const auto& batch : pack()) acceptAll(batch);
    // Decided 2026-11-20/21, 一般: published until 2027-11-20/21 at most. The 下线 is queued, not packed.
    auto takedowns = gateway->queueTakedowns(target.name, *CivilDate::parse("2027-12-01"));
    ASSERT_TRUE(takedowns) << takedowns.status().toString();
    ASSERT_EQ(*takedowns, 2u);
    auto revoked = gateway->store().revokeRecords({"cf", "示交罚〔2026〕11号", "", "行政复议撤销", ""});
    ASSERT_TRUE(revoked) << revoked.status().toString();

    std::vector<QueuedBatch> operations = pack();
    ASSERT_EQ(operations.size(), 1u);
    auto stored = gateway->store().batch(operations[0].id);
    ASSERT_TRUE(stored) << stored.status().toString();
    EXPECT_EQ(stored->recordCount, 2u) << "11号's 撤销 and 12号's 下线, each record once";
    std::string text = readable(*stored, *profile, dir);
    auto facts = gateway->store().operationFacts(target.name);
    ASSERT_TRUE(facts) << facts.status().toString();
    std::vector<std::string> seen;
    for (const auto& f : *facts) seen.push_back(f.operation + " " + f.documentNumber);
    std::sort(seen.begin(), seen.end());
    EXPECT_EQ(seen, (std::vector<std::string>{"revoke 示交罚〔2026〕11号", "takedown 示交罚〔2026〕12号"}))
        << "the unsent 下线 of the revoked record is gone";
    acceptAll(operations[0]);
    EXPECT_TRUE(pack().empty());
}

INSTANTIATE_TEST_SUITE_P(EveryShippedTarget, OperationCodesTest, ::testing::ValuesIn(kShippedTargets),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                             std::string name = info.param;
                             for (char& c : name)
                                 if (c == '-') c = '_';
                             return name;
                         });
