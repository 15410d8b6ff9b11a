#pragma once
// The one durable store of the gateway: a single SQLite file (WAL) holding every ingested
// record and its versions, each record's delivery state per target, and the upload queue of
// signed batches with their receipts. Every record ends in exactly one visible state per
// target: held, ready, queued, accepted, rejected or dead. Nothing is ever deleted.
//
// Threading: one RecordStore per thread (each owns its connection). Writers use
// BEGIN IMMEDIATE, so two processes on the same file serialise instead of failing.

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "creditgw/Record.h"
#include "creditgw/Sqlite.h"
#include "creditgw/Status.h"
#include "creditgw/TargetPlugin.h"

namespace creditgw {

/// A record ready to be stored: the canonical record plus what the kind definition derived.
struct IncomingRecord {
    Record record;
    std::string identity;      ///< "" when it cannot be derived (such records are held)
    std::string decisionDate;  ///< ISO date, "" when missing or invalid
    std::string watermark;     ///< incremental sources: the position after this record
};

struct IngestCounts {
    std::size_t rows = 0;         ///< records offered to the store
    std::size_t inserted = 0;     ///< new identities
    std::size_t newVersions = 0;  ///< changed content of a known identity
    std::size_t unchanged = 0;    ///< identical to the latest version: nothing written
    std::size_t withProblems = 0; ///< rows that carried source problems (they will be held)
    std::size_t repaired = 0;     ///< of newVersions: a stored record changed on disk, written anew
    IngestCounts& operator+=(const IngestCounts& other);
};

/// A stored record (latest version) that has no delivery for a target yet.
struct StoredRecord {
    std::int64_t id = 0;
    std::string identity;
    int version = 0;
    Record record;
    /// Non-empty when the stored bytes no longer match the content hash taken at ingest; the
    /// record's fields are then left empty and it is held, never mapped.
    std::string corruption;
};

/// The result of mapping one stored record for one target.
struct DeliveryDecision {
    std::int64_t recordId = 0;
    std::string recordKey;
    bool held = false;
    std::vector<Violation> violations;  ///< why held (empty when ready)
    FieldList mappedFields;             ///< the target's fields, when ready
    std::string mappingVersion;
    std::size_t indicatorsDefined = 0;
    std::size_t indicatorsFilled = 0;
};

struct ReadyRecord {
    std::int64_t recordId = 0;
    MappedRecord mapped;
    std::string mappingVersion;
    /// Non-empty when the stored record or its mapped fields no longer match the hashes taken
    /// when they were written (a changed byte on disk): such a record is held, never signed.
    std::string corruption;
};

enum class BatchState { Pending, Inflight, Unknown, Done, Dead };
const char* batchStateName(BatchState state);

struct QueuedBatch {
    std::string id;
    std::string target;
    std::string kind;
    std::string mappingVersion;
    std::string contentType;
    std::string payload;    ///< the exact bytes that were signed; re-sent unchanged
    std::string signature;  ///< DER SM2-with-SM3 signature of payload
    std::string signerId;
    BatchState state = BatchState::Pending;
    int attempts = 0;
    std::size_t recordCount = 0;
    std::string createdAt;  ///< when it was queued (Asia/Shanghai ISO timestamp)
};

/// A held or rejected record, for reports.
struct ProblemRecord {
    std::string kind;
    std::string department;
    std::string sourceFile;
    std::size_t sourceLine = 0;
    std::string identity;
    std::string state;  ///< held / rejected / dead
    std::string field, rule, message;
};

/// One line per latest record version and target, for the statistics.
struct DeliveryFact {
    std::string kind;
    std::string department;
    std::string decisionDate;  ///< ISO or ""
    std::string state;         ///< held, ready, queued, accepted, rejected, dead, "" (not mapped)
    std::string firstAcceptedAt;  ///< earliest acceptance of any version of the identity
    bool everRejected = false;
    std::size_t indicatorsDefined = 0;
    std::size_t indicatorsFilled = 0;
    std::string documentNumber;  ///< 文书号 from the identity ("" when unidentified)
    std::string sourceFile;
    std::size_t sourceLine = 0;
    std::int64_t recordId = 0;  ///< the latest version's id (the dashboard's record page)
    std::string identity;       ///< never shown: it may hold a 证件号码
};

/// One target's state in the store, for `creditgw status` and the admin /health.
struct TargetHealth {
    std::string target;
    std::vector<std::pair<std::string, std::size_t>> records;  ///< per delivery state; sums to `total`
    std::size_t total = 0;
    std::vector<std::pair<std::string, std::size_t>> batches;  ///< per batch state
    std::size_t dead = 0;                  ///< dead records plus dead batches: needs an operator
    std::string oldestWaitingSince;        ///< "" when no batch is waiting
    long long waitedSeconds = -1;          ///< -1 when no batch is waiting
    std::string lastError;                 ///< of the oldest waiting batch
};

class RecordStore {
public:
    /// Opens or creates the store and creates (or upgrades) the schema. With quickCheck (the
    /// writers: ingest, upload, run) it first runs PRAGMA quick_check, Corrupt when that fails
    /// (the message says to restore from backup); the officers' reading commands skip it, as it
    /// reads the whole file (seconds at a million records).
    static Result<std::unique_ptr<RecordStore>> open(const std::string& path, bool quickCheck = true);
    /// Opens an existing store for reports, without the integrity check and schema set-up
    /// (those are the writer's job at its start); NotFound when there is no store yet.
    static Result<std::unique_ptr<RecordStore>> openForReading(const std::string& path);
    /// The content hash a record is stored with (its canonical fields JSON and 责任部门), taken at
    /// ingest and checked before the record is mapped, packed or exported.
    static std::string contentHash(std::string_view fieldsJson, std::string_view department);

    /// Stores a chunk of records in one transaction. An identity whose latest version has the
    /// same content is left alone; changed content becomes version n+1.
    Result<IngestCounts> storeRecords(const std::vector<IncomingRecord>& records);
    /// The same, and records `watermark` as how far the incremental source `sourceKey` has been
    /// read, in the same transaction: after a crash the source resumes exactly after the last
    /// committed record, skipping none and repeating none.
    Result<IngestCounts> storeRecords(const std::vector<IncomingRecord>& records, const std::string& sourceKey,
                                      const std::string& watermark);
    /// The last committed watermark of an incremental source, "" when it was never read.
    Result<std::string> sourceWatermark(const std::string& sourceKey);

    /// Latest versions with id > afterId and no delivery row for `target` yet, by id (at most
    /// `limit`). Page with the last id seen, so each call reads only new rows.
    /// Only records of `kinds` (the kinds the target publishes) are considered.
    Result<std::vector<StoredRecord>> recordsAwaitingMapping(const std::string& target,
                                                             const std::vector<std::string>& kinds,
                                                             std::int64_t afterId, std::size_t limit);
    /// Saves mapping outcomes in one transaction: held with reasons, or ready with fields.
    Status saveDeliveries(const std::string& target, const std::vector<DeliveryDecision>& decisions);

    /// Ready deliveries of one kind for a target, oldest first.
    Result<std::vector<ReadyRecord>> readyRecords(const std::string& target, const std::string& kind,
                                                  std::size_t limit);
    /// Valid records of one kind for a target (ready, queued, accepted or dead; latest versions), by
    /// record id after `afterId`: what an officer may still upload by hand.
    Result<std::vector<ReadyRecord>> publishableRecords(const std::string& target, const std::string& kind,
                                                        bool onlyUnsent, std::int64_t afterId,
                                                        std::size_t limit);
    /// A ready record the target's envelope cannot carry (e.g. a character GBK lacks) is held
    /// with the reason instead of blocking every later record.
    Status holdReady(const std::string& target, std::int64_t recordId, const Violation& reason);
    /// Commits a signed batch and marks its records queued, atomically, before any send.
    Status enqueueBatch(const QueuedBatch& batch, const std::vector<std::int64_t>& recordIds);

    /// Batches to send now: pending/unknown/inflight ones whose next attempt time has come,
    /// without payload and signature (read them with batch(id) just before sending).
    Result<std::vector<QueuedBatch>> dueBatches(const std::string& target,
                                                std::chrono::system_clock::time_point now);
    /// Taken just before the POST, with a lease: after a crash the batch is due again when the
    /// lease ends, and an inflight batch is resolved by a receipt query before anything is
    /// re-sent. False when the batch is no longer due (another sender has it).
    Result<bool> markInflight(const std::string& batchId, std::chrono::system_clock::time_point now,
                              std::chrono::seconds lease);
    /// A failed attempt (counted): back to pending (or unknown, when the platform may have the
    /// batch) with the next attempt time, or dead.
    Status recordFailedAttempt(const std::string& batchId, const Status& error,
                               std::optional<std::chrono::system_clock::time_point> nextAttempt);
    /// When the earliest waiting batch may be tried again (nullopt when none is waiting).
    Result<std::optional<std::chrono::system_clock::time_point>> nextAttemptTime(const std::string& target);
    /// The record keys a batch carries, to check a receipt against before it is applied.
    Result<std::vector<std::string>> batchRecordKeys(const std::string& batchId);
    /// Applies a platform receipt: records accepted/rejected, batch done, in one transaction.
    /// Keys in the receipt that are not in the batch are ignored and counted in the return
    /// (the gateway refuses such a receipt before it gets here: see receiptAnomaly).
    Result<std::size_t> applyReceipt(const std::string& batchId, const BatchReceipt& receipt,
                                     const std::string& rawReceipt);

    /// One fact per latest record of `kinds` (the kinds the target publishes).
    /// Puts the target's dead records back to ready (after the cause was fixed); returns how many.
    Result<std::size_t> requeueDead(const std::string& target);
    Result<std::vector<DeliveryFact>> deliveryFacts(const std::string& target, const std::vector<std::string>& kinds);
    Result<std::vector<ProblemRecord>> problemRecords(const std::string& target, std::size_t limit);
    /// Payload and signature of a stored batch (for `creditgw batch export`).
    Result<QueuedBatch> batch(const std::string& batchId);
    /// Count of records per delivery state for a target (ingested = sum).
    Result<std::vector<std::pair<std::string, std::size_t>>> stateCounts(const std::string& target,
                                                                       const std::vector<std::string>& kinds);

    /// Batches per state, and when the oldest still-waiting one was queued ("" when none).
    struct BatchSummary {
        std::vector<std::pair<std::string, std::size_t>> byState;
        std::string oldestWaitingSince;
        std::string lastError;
    };
    Result<BatchSummary> batchSummary(const std::string& target);
    /// Records (of `kinds`) and batches of one target per state, and the backlog's age.
    Result<TargetHealth> health(const std::string& target, const std::vector<std::string>& kinds);

    Database& database() { return *_db; }

private:
    explicit RecordStore(std::unique_ptr<Database> db) : _db(std::move(db)) {}
    void createSchema();
    std::unique_ptr<Database> _db;
};

/// The key a platform sees for a record: stable for the identity across versions.
std::string recordKeyFor(const std::string& kind, const std::string& identity);

}  // namespace creditgw
