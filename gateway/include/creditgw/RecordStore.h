#pragma once
// The one durable store of the gateway: a single SQLite file (WAL) holding every ingested
// record and its versions, each record's delivery state per target, and the upload queue of
// signed batches with their receipts. Every record ends in exactly one visible state per
// target: held, ready, queued, accepted, rejected or dead. Nothing is ever deleted.
//
// Threading: one RecordStore per thread (each owns its connection). Writers use
// BEGIN IMMEDIATE, so two processes on the same file serialise instead of failing.

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "creditgw/CivilDate.h"
#include "creditgw/Reconciliation.h"
#include "creditgw/Record.h"
#include "creditgw/Sqlite.h"
#include "creditgw/Status.h"
#include "creditgw/TargetPlugin.h"
#include "creditgw/WithdrawalDeadlines.h"

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
    std::string publicityEnd;           ///< ISO 公示截止期 when ready and the kind has one, else ""
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
    bool revoked = false;  ///< 撤销: before any acceptance it is not "must report" (docs/lifecycle.md)
    /// A fact read from the statistics summary stands for `records` records alike, and for a part
    /// of what computeStatistics counts: Rates, everything but completeness (state, acceptance,
    /// timeliness); Complete, only that these submitted records are complete (their indicators
    /// compared with the threshold by the store; decisionDate is one of theirs). One record's
    /// fact (deliveryFacts) is Whole.
    enum class Part { Whole, Rates, Complete };
    Part part = Part::Whole;
    std::size_t records = 1;
};

/// One target's state in the store, for `creditgw status` and the admin /health.
struct TargetHealth {
    std::string target;
    std::vector<std::pair<std::string, std::size_t>> records;  ///< per delivery state; sums to `total`
    std::size_t total = 0;
    std::vector<std::pair<std::string, std::size_t>> byKind;   ///< latest records per kind; sums to `total`
    std::vector<std::pair<std::string, std::size_t>> batches;  ///< per batch state
    std::size_t dead = 0;                  ///< dead records plus dead batches: needs an operator
    std::string oldestWaitingSince;        ///< "" when no batch is waiting
    long long waitedSeconds = -1;          ///< -1 when no batch is waiting
    std::string lastError;                 ///< of the oldest waiting batch
};

/// One event in a record's history: ingested, corrected, held, ready, packed, sent, accepted,
/// rejected, dead, discarded, … (docs/lifecycle.md).
struct HistoryEvent {
    std::string at;      ///< Asia/Shanghai ISO 8601 with offset
    std::string target;  ///< "" for events before any target (ingested, corrected)
    std::string event;
    std::string detail;
};

/// The timeline of one record (all versions of one identity share its platform key).
struct RecordTimeline {
    std::string key;
    std::string wsh;  ///< 文书号 ("" when the record could not be identified)
    std::vector<HistoryEvent> events;  ///< oldest first
};

/// Which records `creditgw discard` retires: every current record read from `file`, or only the
/// one that starts at `line` (when non-zero).
struct DiscardRequest {
    std::vector<std::string> fileNames;  ///< the file as typed and as an absolute path
    std::size_t line = 0;
    std::string reason;
    bool force = false;  ///< also records a platform accepted (or that are queued to one)
};

struct DiscardOutcome {
    std::size_t matched = 0;
    std::size_t discarded = 0;
    /// "file:line key target state" of matched records a platform holds or is being sent;
    /// without `force` nothing was discarded when this is non-empty.
    std::vector<std::string> published;
};

/// A 信用修复 the platform announces to the reporting unit (GET <endpoint>/repair-notices).
struct RepairNotice {
    std::string id;              ///< the platform's notice id
    std::string kind;            ///< cf
    std::string documentNumber;  ///< 文书号 of the penalty
    std::string subject;         ///< 相对人 code ("" = every 相对人 of the decision)
    std::string decided;         ///< ISO day the repair was decided
    std::string basis;           ///< 修复决定文号
};

/// An officer's 撤销 of a decision (`creditgw revoke`).
struct RevokeRequest {
    std::string kind;
    std::string documentNumber;  ///< 文书号
    std::string subject;         ///< --xdr: only the 相对人 with this code ("" = every 相对人)
    std::string reason;
    std::string basis;           ///< 撤销决定文号 ("" when none)
};

struct RevokeOutcome {
    std::size_t records = 0;           ///< identities newly revoked
    std::size_t alreadyRevoked = 0;    ///< revoked before: nothing done again (idempotent)
    std::size_t withdrawalsQueued = 0; ///< 撤销 operations created, one per target that has the record
    std::size_t heldUnsent = 0;        ///< deliveries not yet sent, held so they never go out as 新增
};

/// A 撤销 waiting to be packed: the fields last accepted, sent again with the operation code.
/// A record `creditgw repair` names: its identity, ISO decision date and canonical fields (JSON).
struct RepairCandidate {
    std::string identity;
    std::string decisionDate;
    std::string fieldsJson;
};

struct RepairOutcome {
    std::size_t records = 0;          ///< identities newly repaired
    std::size_t alreadyRepaired = 0;  ///< repaired before: nothing done again (idempotent)
    std::size_t operationsQueued = 0; ///< 终止公示 operations, one per target that publishes it
};

struct ReadyOperation {
    std::int64_t id = 0;
    MappedRecord mapped;
    std::string mappingVersion;
    std::string operation;  ///< "revoke" (撤销), "takedown" (下线), "repair" (终止公示)
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
    /// A channel handed the batch over and its receipt comes later (filedrop, frontdb): the
    /// batch stays in flight, due again at `nextCheck` to be asked for, without counting a
    /// failed attempt. No-op (Ok) when the batch is settled (done or dead).
    Status awaitReceipt(const std::string& batchId, std::chrono::system_clock::time_point nextCheck);
    /// Remembers which record versions an export file (`creditgw export`) carries, under the
    /// SHA-256 of its bytes, so that `mark-submitted` finds them again whatever the format.
    Status recordExport(std::string_view fileBytes, const std::string& target, const std::string& kind,
                        const std::vector<std::int64_t>& recordIds);
    /// What `mark-submitted` did with the records of one export file.
    struct ManualSubmission {
        std::string target, kind;
        std::size_t marked = 0;           ///< ready or dead → accepted at the given time
        std::size_t alreadyAccepted = 0;  ///< left with their platform acceptance
        std::size_t stillQueued = 0;      ///< in a batch being sent: left to the upload
        std::size_t other = 0;            ///< superseded by a newer version, held, rejected: left
    };
    /// Marks the records of the export whose bytes are `fileBytes` accepted at `acceptedAt`
    /// (ISO 8601 with offset), one transaction, with a history event each. NotFound when no
    /// export of this store has these bytes (another store's, or the file was edited).
    Result<ManualSubmission> markSubmitted(std::string_view fileBytes, const std::string& acceptedAt);
    /// When the earliest waiting batch may be tried again (nullopt when none is waiting).
    Result<std::optional<std::chrono::system_clock::time_point>> nextAttemptTime(const std::string& target);
    /// The record keys a batch carries, to check a receipt against before it is applied.
    Result<std::vector<std::string>> batchRecordKeys(const std::string& batchId);
    /// What applyReceipt did.
    struct AppliedReceipt {
        bool applied = false;    ///< false: the batch was already settled, nothing changed
        BatchState settledAs = BatchState::Pending;  ///< when not applied: done or dead
        std::size_t unknownKeys = 0;  ///< receipt keys the batch does not carry (ignored)
    };
    /// Applies a platform receipt: records accepted/rejected, batch done, in one transaction.
    /// Only a batch still waiting (pending, inflight, unknown) takes a receipt. One already
    /// done or dead is settled: a second receipt for it (a duplicate receipt file, a late answer
    /// overtaken by a receipt query of another sender) changes nothing, not a record, not a
    /// count, not the history, and `applied` is false; its records may since have moved on
    /// (re-queued into a newer batch, superseded by a newer version). The state is read inside
    /// the write transaction, so two senders applying the same receipt apply it once.
    /// Keys in the receipt that are not in the batch are ignored and counted in `unknownKeys`
    /// (the gateway refuses such a receipt before it gets here: see receiptAnomaly).
    /// `httpStatus` is the answer's status when the receipt came back from the send itself, 0
    /// when it was fetched by a receipt query (for the history). NotFound for no such batch.
    Result<AppliedReceipt> applyReceipt(const std::string& batchId, const BatchReceipt& receipt,
                                        const std::string& rawReceipt, int httpStatus = 0);

    /// One fact per latest record of `kinds` (the kinds the target publishes).
    /// Puts the target's dead records back to ready (after the cause was fixed); returns how many.
    Result<std::size_t> requeueDead(const std::string& target);
    Result<std::vector<DeliveryFact>> deliveryFacts(const std::string& target, const std::vector<std::string>& kinds);
    /// The facts of deliveryFacts grouped by the statistics summary (maintained by triggers in
    /// the same transactions as the records): each call of `each` stands for fact.records
    /// records, its part Rates or Complete (the submitted records with at least
    /// `completenessThreshold` of their indicators filled, per kind, 责任部门 and month). Only
    /// decision dates in [from, to] ("" = open) and every undated record; a few thousand groups
    /// per month however many records. A store no writer has opened since the summary came in
    /// is read record by record (Whole facts) instead.
    Status statisticsFacts(const std::string& target, const std::vector<std::string>& kinds,
                           const std::string& from, const std::string& to, double completenessThreshold,
                           const std::function<void(const DeliveryFact&)>& each);
    /// Recounts the statistics summary from the records (`creditgw stats --rebuild`); returns
    /// the number of summary rows.
    Result<std::size_t> rebuildStatisticsSummary();
    Result<std::vector<ProblemRecord>> problemRecords(const std::string& target, std::size_t limit);
    /// Payload and signature of a stored batch (for `creditgw batch export`).
    Result<QueuedBatch> batch(const std::string& batchId);
    /// Count of records per delivery state for a target (ingested = sum).
    Result<std::vector<std::pair<std::string, std::size_t>>> stateCounts(const std::string& target,
                                                                       const std::vector<std::string>& kinds);

    /// Latest records per kind (of `kinds`): one per identity, so two 相对人 of one 决定书 count twice.
    Result<std::vector<std::pair<std::string, std::size_t>>> recordsPerKind(const std::vector<std::string>& kinds);

    /// Batches per state, and when the oldest still-waiting one was queued ("" when none).
    struct BatchSummary {
        std::vector<std::pair<std::string, std::size_t>> byState;
        std::string oldestWaitingSince;
        std::string lastError;
    };
    Result<BatchSummary> batchSummary(const std::string& target);
    /// Records (of `kinds`) and batches of one target per state, and the backlog's age.
    Result<TargetHealth> health(const std::string& target, const std::vector<std::string>& kinds);

    /// Timelines of every record with this 文书号 (one 决定书 may name several 相对人), oldest
    /// first; `target` "" for all targets (events before any target are always included).
    Result<std::vector<RecordTimeline>> historyByDocument(const std::string& wsh, const std::string& target);
    /// The timeline of the record with this platform key (empty when it has no history).
    Result<std::vector<RecordTimeline>> historyByKey(const std::string& key, const std::string& target);
    /// The timeline of the identity `identity` of `kind` on every target (the dashboard's
    /// record page, which knows the identity: an index search, not a scan by key).
    Result<RecordTimeline> historyByIdentity(const std::string& identity, const std::string& kind);

    /// Retires records that should never have existed (a wrong --encoding, a test file), in one
    /// transaction: they leave every count, are never mapped or packed again, stay discarded
    /// when the same rows are read again, and keep their history with a "discarded" event.
    Result<DiscardOutcome> discardRecords(const DiscardRequest& request);

    /// Revokes every current record of `kind` with the 文书号 (or only the given 相对人), in
    /// one transaction: a 撤销 operation for each target that accepted any version of it (or
    /// has one queued: the 撤销 then waits until that batch is settled), and its unsent
    /// deliveries held. Revoking again changes nothing.
    Result<RevokeOutcome> revokeRecords(const RevokeRequest& request);
    /// The same for records whose source status field says 撤销 (found while mapping), each
    /// with its reason ("CF_ZT=1 (file:line)"): one transaction, idempotent.
    Result<RevokeOutcome> revokeFromSource(const std::vector<std::pair<std::string, std::string>>& identityReasons);
    /// The target's operations (撤销 with its revocation time, 下线, 终止公示), oldest first,
    /// for the deadline lists, 撤销及时率 and `creditgw report`.
    Result<std::vector<OperationFact>> operationFacts(const std::string& target);
    /// Identities revoked so far, of `kinds`: mapping holds their new versions.
    Result<std::vector<std::string>> revokedIdentities(const std::vector<std::string>& kinds);
    /// 撤销 operations of one kind ready for `target`, oldest first; none of an identity while a
    /// batch carrying one of its versions is still queued (a withdrawal never overtakes its add).
    Result<std::vector<ReadyOperation>> readyOperations(const std::string& target, const std::string& kind,
                                                        std::size_t limit);
    /// Commits a signed batch of operations and marks them queued, atomically, before any send.
    Status enqueueOperationBatch(const QueuedBatch& batch, const std::vector<std::int64_t>& operationIds);
    /// 下线: one operation per accepted record of `target` whose 公示截止期 is before `today`
    /// (Asia/Shanghai), carrying the fields last accepted there; revoked records are skipped.
    /// Idempotent (one 下线 per record and target); returns how many were queued.
    Result<std::size_t> queueTakedowns(const std::string& target, const CivilDate& today);
    /// The latest versions of `which` (kind, 文书号, optional 相对人; its reason is unused).
    Result<std::vector<RepairCandidate>> repairCandidates(const RevokeRequest& which);
    /// 信用修复 decided on `decided` (修复决定文号 `basis`): one 终止公示 per target that accepted
    /// (or has queued) the record and has not ended its publication already; no 下线 follows.
    /// One transaction, idempotent.
    Result<RepairOutcome> repairRecords(const std::vector<std::string>& identities, const std::string& kind,
                                        const std::string& basis, const CivilDate& decided);

    /// Reconciliation (docs/lifecycle.md): the latest records of `kinds` that have a delivery to
    /// `target`, decided within `range`, each with its latest operation there; by record id after
    /// `afterId`, at most `limit` (page with the last id seen).
    Result<std::vector<ReconcileRecord>> reconcileRecords(const std::string& target, const std::vector<std::string>& kinds,
                                                          const ReconcileRange& range, std::int64_t afterId,
                                                          std::size_t limit);
    /// Of `keys`, those a delivery or operation to `target` carries (any version, any date).
    Result<std::set<std::string>> knownKeys(const std::string& target, const std::vector<std::string>& keys);
    /// In one transaction: each re-send of the report queued (an accepted delivery back to ready,
    /// keeping its first acceptance time; an accepted or dead operation back to ready), one
    /// `reconciled` history event per finding, and the report kept as the target's last
    /// reconciliation (reconcileReportJson, with `requeued` set). A record whose state changed
    /// since it was read is left as it is. Sets and returns report.requeued.
    Result<std::size_t> applyReconciliation(ReconcileReport& report);
    struct StoredReconciliation {
        std::string at, day, reportJson;
    };
    /// The target's last reconciliation, nullopt when it was never reconciled.
    Result<std::optional<StoredReconciliation>> lastReconciliation(const std::string& target);

    Database& database() { return *_db; }

private:
    explicit RecordStore(std::unique_ptr<Database> db) : _db(std::move(db)) {}
    void createSchema();
    bool hasColumn(const std::string& table, const std::string& column);
    void addMappedHashColumn();
    void addPublicityEndColumn();
    std::unique_ptr<Database> _db;
};

/// The key a platform sees for a record: stable for the identity across versions.
std::string recordKeyFor(const std::string& kind, const std::string& identity);

/// The 文书号 part of an identity "<机关>|<文书号>|<相对人>|<kind>" ("" for an unidentified
/// record); never the 相对人 part, which may be a 身份证号.
std::string documentNumberOf(const std::string& identity);

}  // namespace creditgw
