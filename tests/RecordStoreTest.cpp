#include "creditgw/RecordStore.h"

#include <gtest/gtest.h>

#include "TestSupport.h"
#include "creditgw/Sqlite.h"

using namespace creditgw;

namespace {

IncomingRecord incoming(const std::string& docNumber, const std::string& name, std::size_t line = 2) {
    IncomingRecord in;
    in.record.kind = "cf";
    in.record.fields = {{"CF_WSH", docNumber}, {"CF_XDR_MC", name}, {"CF_JDRQ", "2026-11-20"}};
    in.record.department = "一大队";
    in.record.sourceFile = "cf.csv";
    in.record.sourceLine = line;
    in.identity = "11100000000019713D|" + docNumber + "|914403001922038216|cf";
    in.decisionDate = "2026-11-20";
    return in;
}

DeliveryDecision ready(const StoredRecord& stored) {
    DeliveryDecision d;
    d.recordId = stored.id;
    d.recordKey = recordKeyFor("cf", stored.identity);
    d.mappedFields = {{"CF_WSH", stored.record.field("CF_WSH")}, {"CF_XDR_MC", stored.record.field("CF_XDR_MC")}};
    d.mappingVersion = "2.0.1";
    d.indicatorsDefined = 2;
    d.indicatorsFilled = 2;
    return d;
}

class RecordStoreTest : public ::testing::Test {
protected:
    std::unique_ptr<RecordStore> open() {
        auto store = RecordStore::open(dir.file("store.db"));
        EXPECT_TRUE(store) << store.status().toString();
        return std::move(*store);
    }

    // Stores two records, maps them ready and queues them in one batch "b1".
    void queueTwo(RecordStore& store) {
        ASSERT_TRUE(store.storeRecords({incoming("罚1", "甲公司"), incoming("罚2", "乙公司", 3)}));
        auto pending = store.recordsAwaitingMapping("creditchina", {"cf"}, 0, 100);
        ASSERT_EQ(pending->size(), 2u);
        ASSERT_TRUE(store.saveDeliveries("creditchina", {ready((*pending)[0]), ready((*pending)[1])}));
        auto readyRecords = store.readyRecords("creditchina", "cf", 100);
        ASSERT_EQ(readyRecords->size(), 2u);
        QueuedBatch batch;
        batch.id = "b1";
        batch.target = "creditchina";
        batch.kind = "cf";
        batch.mappingVersion = "2.0.1";
        batch.contentType = "application/json";
        batch.payload = "{\"exact\":\"bytes\"}";
        batch.signature = std::string("\x30\x44\x02\x20", 4);
        batch.signerId = "1234567812345678";
        ASSERT_TRUE(store.enqueueBatch(batch, {(*readyRecords)[0].recordId, (*readyRecords)[1].recordId}));
    }

    test::ScratchDir dir{"record-store"};
};

}  // namespace

TEST_F(RecordStoreTest, IdenticalRecordChangesNothingAndChangedOneIsANewVersion) {
    auto store = open();
    auto first = store->storeRecords({incoming("罚1", "甲公司")});
    EXPECT_EQ(first->inserted, 1u);
    auto same = store->storeRecords({incoming("罚1", "甲公司")});
    EXPECT_EQ(same->unchanged, 1u);
    auto changed = store->storeRecords({incoming("罚1", "甲公司（更正）")});
    EXPECT_EQ(changed->newVersions, 1u);
    auto pending = store->recordsAwaitingMapping("creditchina", {"cf"}, 0, 10);
    ASSERT_EQ(pending->size(), 1u);  // only the latest version
    EXPECT_EQ((*pending)[0].version, 2);
    EXPECT_EQ((*pending)[0].record.field("CF_XDR_MC"), "甲公司（更正）");
}

TEST_F(RecordStoreTest, RecordsWithoutIdentityAreKeptAndNotDuplicatedOnReRead) {
    auto store = open();
    IncomingRecord noIdentity = incoming("", "丙公司");
    noIdentity.identity.clear();
    noIdentity.record.problems.push_back({"CF_WSH", "required", "missing"});
    EXPECT_EQ(store->storeRecords({noIdentity})->inserted, 1u);
    EXPECT_EQ(store->storeRecords({noIdentity})->unchanged, 1u);
    auto pending = store->recordsAwaitingMapping("creditchina", {"cf"}, 0, 10);
    ASSERT_EQ(pending->size(), 1u);
    ASSERT_EQ((*pending)[0].record.problems.size(), 1u);
    EXPECT_EQ((*pending)[0].record.problems[0].rule, "required");
}

TEST_F(RecordStoreTest, QueuedBatchSurvivesACrashBeforeSending) {
    {
        auto store = open();
        queueTwo(*store);
    }  // process "dies" here: nothing was sent
    auto store = open();
    auto due = store->dueBatches("creditchina", std::chrono::system_clock::now());
    ASSERT_EQ(due->size(), 1u);
    EXPECT_EQ(store->batch((*due)[0].id)->payload, "{\"exact\":\"bytes\"}");
    EXPECT_EQ((*due)[0].state, BatchState::Pending);
    EXPECT_EQ((*due)[0].recordCount, 2u);
}

TEST_F(RecordStoreTest, ABatchMarkedInflightIsFoundAgainAsInflightAfterACrash) {
    {
        auto store = open();
        queueTwo(*store);
        auto taken = store->markInflight("b1", std::chrono::system_clock::now(), std::chrono::seconds(0));
        ASSERT_TRUE(taken && *taken);
    }
    auto store = open();
    auto due = store->dueBatches("creditchina", std::chrono::system_clock::now());
    ASSERT_EQ(due->size(), 1u);
    EXPECT_EQ((*due)[0].state, BatchState::Inflight);  // the uploader asks for a receipt first
}

TEST_F(RecordStoreTest, ReceiptMarksRecordsAndRecordsMissingFromItBecomeDead) {
    auto store = open();
    queueTwo(*store);
    auto pending = store->readyRecords("creditchina", "cf", 10);
    EXPECT_TRUE(pending->empty());
    BatchReceipt receipt;
    receipt.batchId = "b1";
    receipt.acceptedAt = "2026-11-23T10:00:00+08:00";
    receipt.records.push_back({recordKeyFor("cf", "11100000000019713D|罚1|914403001922038216|cf"), true, "", ""});
    receipt.records.push_back({"cf-unknown", false, "E999", "?"});
    auto unknownKeys = store->applyReceipt("b1", receipt, "{}");
    ASSERT_TRUE(unknownKeys);
    EXPECT_TRUE(unknownKeys->applied);
    EXPECT_EQ(unknownKeys->unknownKeys, 1u);
    auto counts = store->stateCounts("creditchina", {"cf"});
    std::map<std::string, std::size_t> byState(counts->begin(), counts->end());
    EXPECT_EQ(byState["accepted"], 1u);
    EXPECT_EQ(byState["dead"], 1u);  // 罚2 was not in the receipt: visible, not silently done
    EXPECT_TRUE(store->dueBatches("creditchina", std::chrono::system_clock::now())->empty());
}

namespace {

const std::string kKey1 = recordKeyFor("cf", "11100000000019713D|罚1|914403001922038216|cf");
const std::string kKey2 = recordKeyFor("cf", "11100000000019713D|罚2|914403001922038216|cf");

BatchReceipt receiptFor(const std::string& batchId, const std::string& acceptedAt, bool accepted) {
    BatchReceipt receipt;
    receipt.batchId = batchId;
    receipt.acceptedAt = acceptedAt;
    for (const auto& key : {kKey1, kKey2}) receipt.records.push_back({key, accepted, accepted ? "" : "E01", ""});
    return receipt;
}

// One column of the store file, read with plain SQL (a second connection, as a report would).
std::string column(const std::string& path, const std::string& sql) {
    auto db = Database::open(path);
    if (!db) return "error: " + db.status().toString();
    Statement select((*db)->handle(), sql.c_str());
    std::string out;
    while (select.step()) out += (out.empty() ? "" : ",") + select.text(0);
    return out;
}

}  // namespace

TEST_F(RecordStoreTest, ASecondReceiptForADoneBatchChangesNothing) {
    // Given batch b1 settled by its receipt (both accepted)
    {
        auto store = open();
        queueTwo(*store);
        ASSERT_TRUE(store->markInflight("b1", std::chrono::system_clock::now(), std::chrono::seconds(0)));
        auto first = store->applyReceipt("b1", receiptFor("b1", "2026-11-23T10:00:00+08:00", true), "{\"first\":1}");
        ASSERT_TRUE(first) << first.status().toString();
        EXPECT_TRUE(first->applied);
    }
    const std::string before = column(dir.file("store.db"), "SELECT COUNT(*) FROM history");
    // When a second, different receipt for it comes (a duplicate file, a late answer), in another process
    auto store = open();
    auto second = store->applyReceipt("b1", receiptFor("b1", "2026-11-30T10:00:00+08:00", false), "{\"second\":1}");
    // Then it is ignored: the records keep their acceptance and its time, the batch its receipt,
    // and nothing is written to the history
    ASSERT_TRUE(second) << second.status().toString();
    EXPECT_FALSE(second->applied);
    EXPECT_EQ(second->settledAs, BatchState::Done);
    EXPECT_EQ(column(dir.file("store.db"), "SELECT state || ' ' || accepted_at FROM deliveries ORDER BY record_id"),
              "accepted 2026-11-23T10:00:00+08:00,accepted 2026-11-23T10:00:00+08:00");
    EXPECT_EQ(column(dir.file("store.db"), "SELECT state || ' ' || receipt FROM batches"), "done {\"first\":1}");
    EXPECT_EQ(column(dir.file("store.db"), "SELECT COUNT(*) FROM history"), before);
    EXPECT_EQ(column(dir.file("store.db"), "SELECT COUNT(*) FROM history WHERE event='accepted'"), "2");
}

TEST_F(RecordStoreTest, ALateReceiptForADeadBatchWhoseRecordsWereRequeuedLeavesThemInTheirNewBatch) {
    // Given b1 given up (dead), its records re-queued and packed again into b2, leased for sending
    auto store = open();
    queueTwo(*store);
    ASSERT_TRUE(store->recordFailedAttempt("b1", Status::unknown("no receipt"), std::nullopt));
    ASSERT_EQ(*store->requeueDead("creditchina"), 2u);
    auto readyAgain = store->readyRecords("creditchina", "cf", 10);
    ASSERT_EQ(readyAgain->size(), 2u);
    QueuedBatch b2 = *store->batch("b1");
    b2.id = "b2";
    ASSERT_TRUE(store->enqueueBatch(b2, {(*readyAgain)[0].recordId, (*readyAgain)[1].recordId}));
    ASSERT_TRUE(*store->markInflight("b2", std::chrono::system_clock::now(), std::chrono::seconds(60)));
    // When b1's receipt comes late
    auto late = store->applyReceipt("b1", receiptFor("b1", "2026-11-23T10:00:00+08:00", true), "{}");
    // Then b1 stays dead and the records stay queued in b2, which alone may settle them
    ASSERT_TRUE(late) << late.status().toString();
    EXPECT_FALSE(late->applied);
    EXPECT_EQ(late->settledAs, BatchState::Dead);
    EXPECT_EQ(column(dir.file("store.db"), "SELECT id || ' ' || state FROM batches ORDER BY id"), "b1 dead,b2 inflight");
    EXPECT_EQ(column(dir.file("store.db"), "SELECT state || ' ' || batch_id FROM deliveries"), "queued b2,queued b2");
    auto settled = store->applyReceipt("b2", receiptFor("b2", "2026-11-24T10:00:00+08:00", true), "{}");
    ASSERT_TRUE(settled && settled->applied);
    EXPECT_EQ(column(dir.file("store.db"), "SELECT state || ' ' || accepted_at FROM deliveries"),
              "accepted 2026-11-24T10:00:00+08:00,accepted 2026-11-24T10:00:00+08:00");
    EXPECT_FALSE(store->applyReceipt("b9", receiptFor("b9", "", true), "{}")) << "no such batch";
}

TEST_F(RecordStoreTest, FailedAttemptsWaitForTheirTimeAndGivingUpKeepsRecordsVisible) {
    auto store = open();
    queueTwo(*store);
    auto later = std::chrono::system_clock::now() + std::chrono::hours(1);
    ASSERT_TRUE(store->recordFailedAttempt("b1", Status::transient("connection refused"), later));
    EXPECT_TRUE(store->dueBatches("creditchina", std::chrono::system_clock::now())->empty());
    EXPECT_EQ(store->dueBatches("creditchina", later)->size(), 1u);
    ASSERT_TRUE(store->recordFailedAttempt("b1", Status::permanent("401 signature"), std::nullopt));
    auto facts = store->deliveryFacts("creditchina", {"cf"});
    ASSERT_EQ(facts->size(), 2u);
    EXPECT_EQ((*facts)[0].state, "dead");
    auto problems = store->problemRecords("creditchina", 10);
    ASSERT_EQ(problems->size(), 2u);
    EXPECT_NE((*problems)[0].message.find("401 signature"), std::string::npos);
}

TEST_F(RecordStoreTest, ACorruptFileIsReportedNotRecreated) {
    test::writeFile(dir.file("store.db"), std::string(8192, 'x'));
    auto store = RecordStore::open(dir.file("store.db"));
    ASSERT_FALSE(store);
    EXPECT_NE(store.status().message().find("store.db"), std::string::npos);
}

TEST_F(RecordStoreTest, ATargetSeesOnlyTheKindsItPublishes) {
    auto store = open();
    IncomingRecord rating = incoming("评1", "丁公司");
    rating.record.kind = "pj";
    rating.identity = "x|评1|y|pj";
    ASSERT_TRUE(store->storeRecords({incoming("罚1", "甲公司"), rating}));
    auto forCreditChina = store->recordsAwaitingMapping("creditchina", {"xk", "cf"}, 0, 10);
    ASSERT_EQ(forCreditChina->size(), 1u);
    EXPECT_EQ((*forCreditChina)[0].record.kind, "cf");
    EXPECT_EQ(store->recordsAwaitingMapping("xyjt", {"cf", "pj"}, 0, 10)->size(), 2u);
    EXPECT_EQ(store->deliveryFacts("creditchina", {"xk", "cf"})->size(), 1u);
}

TEST_F(RecordStoreTest, ACorrectionWaitsUntilTheBatchWithTheOlderVersionIsSettled) {
    auto store = open();
    queueTwo(*store);  // 罚1 and 罚2 (version 1) are queued in batch b1
    ASSERT_TRUE(store->storeRecords({incoming("罚1", "甲公司（更正）")}));
    auto pending = store->recordsAwaitingMapping("creditchina", {"cf"}, 0, 10);
    ASSERT_EQ(pending->size(), 1u);
    ASSERT_TRUE(store->saveDeliveries("creditchina", {ready((*pending)[0])}));
    EXPECT_TRUE(store->readyRecords("creditchina", "cf", 10)->empty()) << "v2 must not overtake v1 in flight";

    BatchReceipt receipt;
    receipt.batchId = "b1";
    receipt.acceptedAt = "2026-11-23T10:00:00+08:00";
    for (const char* doc : {"罚1", "罚2"})
        receipt.records.push_back(
            {recordKeyFor("cf", std::string("11100000000019713D|") + doc + "|914403001922038216|cf"), true, "", ""});
    ASSERT_TRUE(store->applyReceipt("b1", receipt, "{}"));
    auto readyNow = store->readyRecords("creditchina", "cf", 10);
    ASSERT_EQ(readyNow->size(), 1u);
    std::map<std::string, std::string> fields(readyNow->front().mapped.fields.begin(),
                                              readyNow->front().mapped.fields.end());
    EXPECT_EQ(fields["CF_XDR_MC"], "甲公司（更正）");
}

namespace {

// Changes stored bytes behind the store's back, the way a disk or a hand edit would.
void tamper(const std::string& path, const std::string& sql) {
    auto db = Database::open(path);
    ASSERT_TRUE(db);
    (*db)->exec(sql.c_str());
}

}  // namespace

TEST_F(RecordStoreTest, ARecordChangedOnDiskAfterIngestIsReportedCorruptInsteadOfMapped) {
    auto store = open();
    ASSERT_TRUE(store->storeRecords({incoming("罚1", "甲公司")}));
    tamper(dir.file("store.db"), "UPDATE records SET fields=replace(fields, '甲公司', '乙公司')");
    auto pending = store->recordsAwaitingMapping("creditchina", {"cf"}, 0, 10);
    ASSERT_EQ(pending->size(), 1u);
    EXPECT_NE((*pending)[0].corruption.find("content hash mismatch"), std::string::npos);
    EXPECT_TRUE((*pending)[0].record.fields.empty()) << "nothing of a changed record is mapped";
}

TEST_F(RecordStoreTest, ReIngestingTheSourceRepairsARecordChangedOnDiskAsANewVersion) {
    auto store = open();
    ASSERT_TRUE(store->storeRecords({incoming("罚1", "甲公司"), incoming("罚2", "丙公司")}));
    tamper(dir.file("store.db"), "UPDATE records SET fields=replace(fields, '甲公司', '乙公司')");
    auto again = store->storeRecords({incoming("罚1", "甲公司"), incoming("罚2", "丙公司")});
    ASSERT_TRUE(again);
    EXPECT_EQ(again->repaired, 1u);
    EXPECT_EQ(again->newVersions, 1u);
    EXPECT_EQ(again->unchanged, 1u) << "the untouched record stays as it was";
    auto pending = store->recordsAwaitingMapping("creditchina", {"cf"}, 0, 10);
    ASSERT_EQ(pending->size(), 2u);
    for (const auto& p : *pending) EXPECT_EQ(p.corruption, "") << p.identity;
    auto third = store->storeRecords({incoming("罚1", "甲公司")});
    EXPECT_EQ(third->repaired, 0u);
    EXPECT_EQ(third->unchanged, 1u) << "a repaired record is not repaired again";
}

TEST_F(RecordStoreTest, MappedFieldsChangedOnDiskAreReportedCorruptBeforePacking) {
    auto store = open();
    ASSERT_TRUE(store->storeRecords({incoming("罚1", "甲公司"), incoming("罚2", "丙公司")}));
    auto pending = store->recordsAwaitingMapping("creditchina", {"cf"}, 0, 10);
    ASSERT_TRUE(store->saveDeliveries("creditchina", {ready((*pending)[0]), ready((*pending)[1])}));
    tamper(dir.file("store.db"),
           "UPDATE deliveries SET mapped_fields=replace(mapped_fields, '甲公司', '乙公司')");
    auto readyNow = store->readyRecords("creditchina", "cf", 10);
    ASSERT_EQ(readyNow->size(), 2u);
    EXPECT_NE((*readyNow)[0].corruption.find("hash mismatch"), std::string::npos);
    EXPECT_TRUE((*readyNow)[0].mapped.fields.empty());
    EXPECT_EQ((*readyNow)[1].corruption, "");
    tamper(dir.file("store.db"), "UPDATE records SET department='二大队' WHERE id=2");
    EXPECT_NE(store->readyRecords("creditchina", "cf", 10)->at(1).corruption, "");
}

TEST_F(RecordStoreTest, AStoreFromBeforeMappedHashesGainsTheColumnAndStillPacks) {
    {
        auto store = open();
        ASSERT_TRUE(store->storeRecords({incoming("罚1", "甲公司")}));
        auto pending = store->recordsAwaitingMapping("creditchina", {"cf"}, 0, 10);
        ASSERT_TRUE(store->saveDeliveries("creditchina", {ready((*pending)[0])}));
    }
    tamper(dir.file("store.db"), "ALTER TABLE deliveries DROP COLUMN mapped_hash");
    auto store = open();
    auto readyNow = store->readyRecords("creditchina", "cf", 10);
    ASSERT_EQ(readyNow->size(), 1u);
    EXPECT_EQ(readyNow->front().corruption, "");
    EXPECT_FALSE(readyNow->front().mapped.fields.empty());
}
