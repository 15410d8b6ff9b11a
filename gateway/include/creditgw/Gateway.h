#pragma once
// The gateway's pipeline, one stage per method, data flowing one way:
//   ingest (source plugin → record store) → mapPending (mapping & validation → deliveries)
//   → packageReady (target plugin encodes, SM2 signs, batch queued) → uploadDue (HTTPS, receipts).
// Each stage reads its input from the store and commits its output before the next begins, so
// a crash at any point resumes where it stopped: nothing lost, nothing sent twice.

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "creditgw/HttpsUploader.h"
#include "creditgw/Mapping.h"
#include "creditgw/PluginHost.h"
#include "creditgw/RateLimiter.h"
#include "creditgw/RecordStore.h"
#include "creditgw/WorkingDayCalendar.h"

namespace creditgw {

class RetryPolicy;

struct GatewaySettings {
    std::string dataDir;    ///< holds mappings/ and data/holidays/
    std::string pluginDir;  ///< *.so plugins
    std::string storePath;  ///< the SQLite store
    std::string unitCode;   ///< 单位代码 of the reporting authority (USCC)
    std::string unitName;   ///< 单位名称
    /// For commands that only read (stats, report, status, export): a missing store is an
    /// error instead of a new empty one, so a mistyped --store is noticed.
    bool storeMustExist = false;
    /// PRAGMA quick_check at open: on for every command that writes (a damaged file must stop a
    /// writer), off for the read-only ones, where it would cost seconds on a large store.
    bool quickCheck = true;
};

struct TargetSettings {
    std::string name = "creditchina";
    std::string endpoint;  ///< "https://127.0.0.1:8443/api"
    TlsClientConfig tls;
    std::string signingKeyFile;
    std::string signerId = "1234567812345678";
    std::size_t batchSize = 500;
    /// A batch is given up (dead, records kept and re-queueable) only on a permanent refusal,
    /// after maxAttempts failed attempts (0 = no limit), or when it has waited longer than
    /// retryFor: a platform outage of hours must not lose records.
    int maxAttempts = 0;
    std::chrono::hours retryFor{72};
    std::chrono::milliseconds retryInitial{500};
    std::chrono::milliseconds retryMaximum{60000};
    /// The longest wait a platform's Retry-After can impose (--retry-after-cap, seconds).
    std::chrono::seconds retryAfterCap{3600};
    /// uploadDue(untilSettled): how long to keep waiting for retries before returning with
    /// batches still pending (they stay queued for the next run).
    std::chrono::seconds settleWithin{600};
    /// How long a sender holds a batch it is sending; after a crash the batch is asked for
    /// (and, if the platform never got it, sent) when the lease ends. Longer than a send.
    std::chrono::seconds lease{180};
    /// Kinds sent to this target; empty = every kind it maps. Records of other kinds are still
    /// mapped and validated (they show as ready) but never packed or sent.
    std::vector<std::string> kinds;
    /// Run-time settings of the target's channel plugin (ChannelPlugin::configure), e.g. "dir"
    /// (--channel-dir), "peer-key", "db", "db-password-file", "receipt-timeout". They override
    /// the profile's `channel.*` settings. Unused by the https channel.
    std::map<std::string, std::string> channel;
    /// A channel whose receipt comes later (filedrop, frontdb) is asked again this often.
    std::chrono::seconds receiptPoll{2};
    /// At most this many batch attempts a minute, evenly spaced (RateLimiter); 0 = no limit.
    int rateLimitPerMinute = 0;
};

/// The clock uploadDue paces its sends by (rate limit): the system clock and a real sleep, which
/// ends early once stopRequested() says so, unless a test injects its own.
struct PacingClock {
    std::function<std::chrono::system_clock::time_point()> now;
    std::function<void(std::chrono::system_clock::time_point)> sleepUntil;
};

struct IngestRequest {
    std::string path;
    std::string kind;              ///< "xk" / "cf"
    std::string encoding = "utf-8";
    std::string source;            ///< source plugin; "" = by extension (sourceForPath)
    std::string layoutPath;        ///< optional source layout (mappings/sources/*.xml)
    std::string sheet;             ///< xlsx: sheet name or 1-based index; "" = the first
    /// Incremental sources (database) continue after the stored watermark; only ingest does.
    bool resume = true;
};

/// The source plugin for a file by its extension: .xlsx/.xlsm → xlsx, .json/.jsonl/.ndjson →
/// json, .dbsource → database, anything else → csv.
std::string sourceForPath(const std::string& path);

struct IngestReport {
    IngestCounts counts;
    std::string watermarkKey;  ///< incremental sources: the key their watermark is kept under
    std::vector<std::string> warnings;  ///< e.g. columns nobody maps
};

struct MapReport {
    std::size_t ready = 0;
    std::size_t held = 0;
    std::size_t corrupt = 0;  ///< of those, records whose stored bytes changed (hash mismatch)
};

struct PackageReport {
    std::size_t batches = 0;
    std::size_t records = 0;
    std::size_t held = 0;  ///< records the envelope could not carry (held with the reason)
    std::size_t corrupt = 0;  ///< of those, records whose stored bytes changed (hash mismatch)
};

struct UploadReport {
    std::size_t batchesDone = 0;
    std::size_t batchesDead = 0;
    std::size_t attemptsFailed = 0;
    /// Every attempt that reached the platform or failed, by outcome class (attemptOutcomeOf,
    /// creditgw/DaemonState.h): "ok", "transient", "permanent", "unknown", "other".
    std::map<std::string, std::size_t> attempts;
    std::size_t accepted = 0;
    std::size_t rejected = 0;
    std::size_t batchesWaiting = 0;  ///< still queued when uploadDue returned (will be retried)
    std::vector<std::string> errors;  ///< one line per failed attempt, for the log
};

/// One row's fate in a dry run.
struct DryRunRow {
    std::size_t line = 0;
    std::string key;
    std::vector<Violation> violations;  ///< empty = valid
};

/// Fixed values for reproducible dry runs (golden cases): the batch header and "today".
struct DryRunOptions {
    std::optional<CivilDate> today;       ///< default: today in Asia/Shanghai
    std::string batchId = "dry-run";
    std::optional<std::string> createdAt; ///< default: now
};

struct DryRunResult {
    std::string payload;  ///< the exact bytes that would be signed for the valid records
    std::vector<DryRunRow> rows;
    std::size_t valid = 0;
    std::size_t held = 0;
    std::vector<std::string> warnings;  ///< e.g. columns nobody maps
};

/// One record explained field by field (`creditgw mapping explain`).
struct ExplainResult {
    Record record;
    MappingOutcome outcome;
    MappingTrace trace;
};

class Gateway {
public:
    /// Loads plugins, mappings (schema-checked), the holiday calendar and opens the store.
    /// A plugin that fails to load is reported in plugins().errors(); the gateway goes on.
    static Result<std::unique_ptr<Gateway>> open(const GatewaySettings& settings);

    Result<IngestReport> ingest(const IngestRequest& request);
    Result<MapReport> mapPending(const std::string& target);
    Result<PackageReport> packageReady(const TargetSettings& target);
    /// 下线: queues a take-down to `target` for every record it accepted whose 公示截止期 is
    /// before `today` (the injectable clock: --as-of). Sent by the next packageReady/uploadDue.
    Result<std::size_t> queueTakedowns(const std::string& target, const CivilDate& today);
    /// Reconciliation: asks the platform (over the target's https channel and mutual TLS) what it
    /// holds of the records decided within `range`, compares it with the store, and queues the
    /// re-sends (sent by the next packageReady/uploadDue), their history events and the report in
    /// one transaction. Running it again while those re-sends wait queues nothing. `today` is the
    /// day the run counts for (--as-of). Permanent when the target's plugin or channel cannot be
    /// queried; the platform's failures as HttpsUploader::queryHoldings.
    Result<ReconcileReport> reconcile(const TargetSettings& target, const ReconcileRange& range, const CivilDate& today);

    /// The 信用修复 decisions the target's platform announces (GET <endpoint>/repair-notices over
    /// its https channel and mutual TLS). Only reads: `creditgw repair --from-platform` applies
    /// them. Permanent for another channel or an answer that is not the notice list.
    Result<std::vector<RepairNotice>> repairNotices(const TargetSettings& target);
    /// Sends every due batch once, oldest first, no faster than target.rateLimitPerMinute. With `untilSettled`, keeps going (sleeping for
    /// backoff) until no batch is waiting any more: all are done or dead. Stops before the next
    /// batch once stopRequested() says so (the batch being sent is finished or left in doubt).
    Result<UploadReport> uploadDue(const TargetSettings& target, bool untilSettled);
    /// Replaces the clock the rate limit is kept by (tests); both functions must be set.
    void setPacingClock(PacingClock clock) { _pacing = std::move(clock); }
    /// The daemon's SIGTERM check, asked between batches; never by default.
    void setStopRequested(std::function<bool()> stopRequested) { _stopRequested = std::move(stopRequested); }
    /// Maps the record that starts at `line` of the request's file, with a trace of every field.
    /// NotFound when no record starts at that line.
    Result<ExplainResult> explain(const IngestRequest& request, const std::string& target, std::size_t line);
    /// Writes the valid records of one kind as one file in `format` (csv, xlsx, xml, json) with
    /// the target's columns and titles: the national template layout officers upload by hand
    /// when the interface is down. Changes no record's state; remembers which record versions the
    /// file carries (RecordStore::recordExport) for `mark-submitted`. `onlyUnsent`: just the ready ones. A record
    /// whose stored bytes changed (store-corrupt) is left out of the file and named in `leftOut`.
    Result<std::size_t> exportRecords(const std::string& target, const std::string& kind,
                                      const std::string& format, bool onlyUnsent, std::string& bytes,
                                      std::vector<std::string>& leftOut);
    /// The channel the target's profile names (<setting name="channel">), "https" by default.
    Result<std::string> channelOf(const std::string& target) const;
    /// The profile of `target` (mappings/<target>/profile.xml).
    Result<TargetProfile> profileOf(const std::string& target) const;
    /// Maps a file for one target without storing, signing or sending anything.
    Result<DryRunResult> dryRun(const IngestRequest& request, const std::string& target,
                                const DryRunOptions& options = {});

    /// The kinds `target` publishes (those with a mapping file in its folder).
    std::vector<std::string> kindsOf(const std::string& target) const;
    /// Statistics facts for `target`, over the kinds it publishes.
    Result<std::vector<DeliveryFact>> deliveryFacts(const std::string& target);

    RecordStore& store() { return *_store; }
    const WorkingDayCalendar& calendar() const { return _calendar; }
    const MappingCatalog& mappings() const { return *_mappings; }
    /// Puts a newer catalog in force (MappingReloader); used between units of work only.
    void setMappings(std::shared_ptr<const MappingCatalog> mappings) { _mappings = std::move(mappings); }
    PluginHost& plugins() { return *_plugins; }
    const GatewaySettings& settings() const { return _settings; }

    ~Gateway();

private:
    Gateway() = default;
    /// Reads a source file row by row and hands each canonical record to `sink`.
    Status readRecords(const IngestRequest& request, IngestReport& report,
                       const std::function<Status(IncomingRecord&&)>& sink);
    /// One attempt at one batch: receipt query first when it may already be there, then POST.
    /// `skipped` when another sender on the same store holds the batch.
    Result<bool> leaseForSending(const TargetSettings& target, const QueuedBatch& batch);
    Status sendBatch(const TargetSettings& target, const TargetPlugin& plugin, HttpsUploader& uploader,
                     const QueuedBatch& batch, UploadReport& report, bool& skipped);
    /// The same attempt through a channel plugin (files, front database): collect first when
    /// the batch may already be there, send only when the channel says it surely is not.
    Status sendByChannel(const TargetSettings& target, const TargetPlugin& plugin, ChannelPlugin& channel,
                         const QueuedBatch& batch, UploadReport& report, bool& skipped);
    /// The channel plugin serving `target`, configured; nullptr for the core's https channel.
    Result<std::unique_ptr<ChannelPlugin>> channelFor(const TargetSettings& target) const;
    /// When to try a failed batch again, or nullopt to give it up (permanent refusal, too many
    /// attempts, waited longer than target.retryFor).
    std::optional<std::chrono::system_clock::time_point> nextAttemptAfter(const TargetSettings& target,
                                                                          RetryPolicy& policy,
                                                                          const QueuedBatch& batch,
                                                                          const Status& failure) const;
    /// Waits until `at` by the pacing clock; a real wait ends early on stopRequested().
    void waitForSlot(std::chrono::system_clock::time_point at);
    std::chrono::system_clock::time_point pacingNow() const;
    /// The plugin serving `target`, configured with the target's profile.
    Result<std::unique_ptr<TargetPlugin>> targetPlugin(const std::string& target) const;
    DeliveryDecision decide(const StoredRecord& stored, const TargetMapping& mapping,
                            const MappingContext& context) const;

    GatewaySettings _settings;
    std::unique_ptr<PluginHost> _plugins;
    std::shared_ptr<const MappingCatalog> _mappings;
    WorkingDayCalendar _calendar;
    std::unique_ptr<RecordStore> _store;
    std::function<bool()> _stopRequested;
    std::map<std::string, RateLimiter> _pacers;  ///< per target, kept across uploadDue calls
    PacingClock _pacing;  ///< empty: the system clock (waitForSlot)
};

}  // namespace creditgw
