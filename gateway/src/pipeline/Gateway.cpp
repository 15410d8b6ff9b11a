#include "creditgw/Gateway.h"
#include "creditgw/DaemonState.h"
#include "creditgw/RateLimiter.h"

#include <Poco/UUIDGenerator.h>

#include <algorithm>
#include <filesystem>
#include <limits>
#include <set>
#include <string_view>
#include <thread>

#include "creditgw/CivilDate.h"
#include "creditgw/Envelope.h"
#include "creditgw/FaultInjection.h"
#include "creditgw/RetryPolicy.h"
#include "creditgw/Sm2Signer.h"

#include "Withdrawals.h"

namespace creditgw {

namespace {

// Rows are written in chunks: one transaction per chunk keeps SQLite fast (a commit per
// record is ~100x slower) while memory stays bounded by the chunk, not the file.
constexpr std::size_t kChunkSize = 1000;

std::string nowTimestamp() { return shanghaiTimestamp(std::chrono::system_clock::now()); }

// The target's output columns in order, with the Chinese titles csv/xlsx headers show.
std::vector<EnvelopeColumn> columnsOf(const TargetMapping& mapping) {
    std::vector<std::string> names = mapping.outputNames();
    std::vector<std::string> titles = mapping.titles();
    std::vector<EnvelopeColumn> columns;
    for (std::size_t i = 0; i < names.size(); ++i)
        columns.push_back({names[i], i < titles.size() ? titles[i] : std::string()});
    return columns;
}

std::string isoDecisionDate(const KindDefinition& kind, const Record& record) {
    auto date = CivilDate::parse(record.field(kind.decisionDateField()));
    return date ? date->toIso() : std::string();
}

}  // namespace

Gateway::~Gateway() {
    // The store and mappings go before the plugin libraries are unloaded.
    _store.reset();
}

Result<std::unique_ptr<Gateway>> Gateway::open(const GatewaySettings& settings) {
    std::unique_ptr<Gateway> gateway(new Gateway());
    gateway->_settings = settings;
    gateway->_plugins = std::make_unique<PluginHost>();
    auto loaded = gateway->_plugins->loadDirectory(settings.pluginDir);
    if (!loaded) return loaded.status();
    auto mappings = MappingCatalog::load(settings.dataDir + "/mappings");
    if (!mappings) return mappings.status();
    gateway->_mappings = *mappings;
    auto calendar = WorkingDayCalendar::loadWithLocal(settings.dataDir + "/data/holidays");
    if (!calendar) return calendar.status();
    gateway->_calendar = std::move(*calendar);
    std::error_code ec;
    if (settings.storeMustExist && !std::filesystem::exists(settings.storePath, ec))
        return Status::notFound(settings.storePath + ": no such store (check --store, or ingest first)");
    auto store = RecordStore::open(settings.storePath, settings.quickCheck);
    if (!store) return store.status();
    gateway->_store = std::move(*store);
    return gateway;
}

std::string sourceForPath(const std::string& path) {
    std::string lower = path;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (const char* ext : {".xlsx", ".xlsm"})
        if (lower.ends_with(ext)) return "xlsx";
    for (const char* ext : {".json", ".jsonl", ".ndjson"})
        if (lower.ends_with(ext)) return "json";
    for (const char* ext : {".dbsource", ".database"})
        if (lower.ends_with(ext)) return "database";
    return "csv";
}

namespace {
std::string joinNames(const std::vector<std::string>& names) {
    std::string out;
    for (std::size_t i = 0; i < names.size() && i < 8; ++i) out += (i ? ", " : "") + names[i];
    return names.size() > 8 ? out + ", …" : out;
}
}  // namespace

Status Gateway::readRecords(const IngestRequest& request, IngestReport& report,
                            const std::function<Status(IncomingRecord&&)>& sink) {
    const KindDefinition* kind = _mappings->kind(request.kind);
    if (!kind) {
        std::string known;
        for (const auto& id : _mappings->kindIds()) known += (known.empty() ? "" : ", ") + id;
        return Status::invalidArgument("unknown record kind \"" + request.kind + "\"; known: " + known);
    }
    std::shared_ptr<const SourceLayout> layout;
    if (!request.layoutPath.empty()) {
        auto loaded = _mappings->loadLayout(request.layoutPath);
        if (!loaded) return loaded.status();
        layout = *loaded;
    }
    const std::string sourceName = request.source.empty() ? sourceForPath(request.path) : request.source;
    auto source = _plugins->createSource(sourceName);
    if (!source) {
        std::string known;
        for (const auto& name : _plugins->sourceNames()) known += (known.empty() ? "" : ", ") + name;
        return Status::invalidArgument("--source " + sourceName + ": no such source plugin in " +
                                       _settings.pluginDir + "; known: " + known);
    }
    SourceOptions options;
    options.path = request.path;
    options.encoding = request.encoding;
    options.sheet = request.sheet;
    auto reader = source->open(options);
    if (!reader) return reader.status();
    const auto& header = (*reader)->header();
    auto unknown = kind->unknownColumns(header, layout.get());
    if (!header.empty() && unknown.size() == header.size())
        return Status::invalidArgument(request.path + ": none of the columns (" + joinNames(header) +
                                       ") maps to a " + request.kind + " field; is this the right " +
                                       (sourceName == "xlsx" ? "sheet (--sheet)" : "file") +
                                       ", or does it need a layout (--layout mappings/sources/NAME.xml)?");
    for (const auto& column : unknown)
        report.warnings.push_back(request.path + ": column \"" + column + "\" maps to no " + request.kind +
                                  " field and is ignored; map it in a layout (--layout "
                                  "mappings/sources/NAME.xml) if it carries a field");
    const std::string watermarkKey = request.resume ? (*reader)->watermarkKey() : std::string();
    report.watermarkKey = watermarkKey.empty() ? "" : watermarkKey + "|" + request.kind;
    if (!report.watermarkKey.empty()) {
        auto from = _store->sourceWatermark(report.watermarkKey);
        if (!from) return from.status();
        if (!from->empty())
            if (Status resumed = (*reader)->resumeAfter(*from); !resumed) return resumed;
    }
    SourceRow row;
    while ((*reader)->next(row)) {
        IncomingRecord incoming;
        incoming.watermark = row.watermark;
        incoming.record = kind->toRecord(row, layout.get());
        incoming.identity = kind->identityOf(incoming.record);
        incoming.decisionDate = isoDecisionDate(*kind, incoming.record);
        Status accepted = sink(std::move(incoming));
        if (!accepted) return accepted;
        row = SourceRow();
    }
    return (*reader)->finalStatus();
}

Result<TargetProfile> Gateway::profileOf(const std::string& target) const {
    const TargetProfile* profile = _mappings->profile(target);
    if (!profile)
        return Status::invalidArgument("unknown target \"" + target + "\": no folder " + _settings.dataDir +
                                       "/mappings/" + target);
    return *profile;
}

Result<std::size_t> Gateway::exportRecords(const std::string& target, const std::string& kind,
                                           const std::string& format, bool onlyUnsent, std::string& bytes,
                                           std::vector<std::string>& leftOut) {
    const TargetMapping* mapping = _mappings->target(target, kind);
    if (!mapping) return Status::invalidArgument("no mapping for target " + target + " and kind " + kind);
    auto profile = profileOf(target);
    if (!profile) return profile.status();
    auto parsedFormat = parseEnvelopeFormat(format);
    if (!parsedFormat) return Status::invalidArgument("--format: " + parsedFormat.status().message());
    profile->envelopeFormat = format;
    auto settings = envelopeSettingsFor(*profile, kind);
    if (!settings) return settings.status();
    // What an officer uploads by hand: dates and amounts typed as the template has them, and
    // the kind's name (行政处罚) as the sheet unless the profile names one.
    settings->xlsxCellTypes = mapping->valueTypes();
    settings->keyColumn.clear();  // the template's columns only: no record keys for people
    const KindDefinition* definition = _mappings->kind(kind);
    if (settings->sheetName == EnvelopeSettings{}.sheetName && definition) settings->sheetName = definition->name();
    std::vector<MappedRecord> records;
    std::vector<std::int64_t> recordIds;
    for (std::int64_t lastId = 0;;) {
        auto chunk = _store->publishableRecords(target, kind, onlyUnsent, lastId, kChunkSize);
        if (!chunk) return chunk.status();
        if (chunk->empty()) break;
        lastId = chunk->back().recordId;
        for (auto& r : *chunk) {
            if (!r.corruption.empty()) {
                leftOut.push_back(r.mapped.key + ": " + r.corruption);
                continue;
            }
            records.push_back(std::move(r.mapped));
            recordIds.push_back(r.recordId);
        }
    }
    BatchHeader header{"export-" + Poco::UUIDGenerator::defaultGenerator().createRandom().toString(), target,
                       kind, _settings.unitCode, _settings.unitName, nowTimestamp(), mapping->version()};
    auto written = writeEnvelope(*settings, header, columnsOf(*mapping), records);
    if (!written) return written.status();
    // Remembered by the file's hash, so `mark-submitted` can count it once the officer uploaded it.
    if (Status remembered = _store->recordExport(*written, target, kind, recordIds); !remembered) return remembered;
    bytes = std::move(*written);
    return records.size();
}

Result<std::unique_ptr<TargetPlugin>> Gateway::targetPlugin(const std::string& target) const {
    auto profile = profileOf(target);
    if (!profile) return profile.status();
    auto plugin = _plugins->createTarget(profile->plugin);
    if (!plugin)
        return Status::invalidArgument("no target plugin \"" + profile->plugin + "\" loaded from " +
                                       _settings.pluginDir + " (needed by target " + target + ")");
    Status configured = plugin->configure(*profile);
    if (!configured) return configured;
    return plugin;
}

std::vector<std::string> Gateway::kindsOf(const std::string& target) const { return _mappings->kindsOf(target); }

Result<std::vector<DeliveryFact>> Gateway::deliveryFacts(const std::string& target) {
    return _store->deliveryFacts(target, kindsOf(target));
}

namespace {

// Counts rows the source could not decode. A wrong --encoding makes most rows fail: refused
// before anything is stored when the first chunk shows it, warned about when only the whole
// file does (records already stored can be retired with `creditgw discard --source`). One bad row
// alone is a damaged row, not evidence of a wrong encoding: it is held with its reason instead.
class DecodingWatch {
public:
    void count(const Record& record) {
        ++_rows;
        for (const auto& p : record.problems)
            if (p.rule == "encoding") {
                ++_failed;
                return;
            }
    }
    bool mostFailed() const { return _failed >= 2 && _failed * 2 > _rows; }
    std::string summary(const IngestRequest& request) const {
        return request.path + ": " + std::to_string(_failed) + " of " + std::to_string(_rows) +
               " rows could not be decoded as " + request.encoding +
               "; the file is probably in another encoding (try --encoding " +
               (request.encoding == "utf-8" ? "gb18030" : "utf-8") + ")";
    }

private:
    std::size_t _rows = 0;
    std::size_t _failed = 0;
};

}  // namespace

Result<IngestReport> Gateway::ingest(const IngestRequest& request) {
    IngestReport report;
    std::vector<IncomingRecord> chunk;
    chunk.reserve(kChunkSize);
    DecodingWatch decoding;
    bool anyStored = false;
    auto flush = [&]() -> Status {
        if (chunk.empty()) return Status::ok();
        if (!anyStored && decoding.mostFailed())
            return Status::invalidArgument(decoding.summary(request) + "; nothing was stored");
        anyStored = true;
        auto counts = _store->storeRecords(chunk, report.watermarkKey, chunk.back().watermark);
        chunk.clear();
        if (!counts) return counts.status();
        faultPoint("after-store-chunk");
        report.counts += *counts;
        return Status::ok();
    };
    Status read = readRecords(request, report, [&](IncomingRecord&& incoming) {
        decoding.count(incoming.record);
        chunk.push_back(std::move(incoming));
        return chunk.size() >= kChunkSize ? flush() : Status::ok();
    });
    // Rows read before a failure (a dropped connection) are whole: store them with their
    // watermark, then report the failure; the next run resumes after them.
    Status flushed = flush();
    if (!read) return read;
    if (!flushed) return flushed;
    if (decoding.mostFailed())
        report.warnings.push_back(decoding.summary(request) +
                                  "; retire the stored rows with `creditgw discard --source " + request.path + "`");
    return report;
}


DeliveryDecision Gateway::decide(const StoredRecord& stored, const TargetMapping& mapping,
                                 const MappingContext& context) const {
    DeliveryDecision decision;
    decision.recordId = stored.id;
    decision.recordKey = recordKeyFor(stored.record.kind, stored.identity);
    decision.mappingVersion = mapping.version();
    if (!stored.corruption.empty()) {
        decision.held = true;
        decision.violations.push_back({"", "store-corrupt", stored.corruption});
        return decision;
    }
    MappingOutcome outcome = mapping.apply(stored.record, context);
    decision.indicatorsDefined = outcome.indicatorsDefined;
    decision.indicatorsFilled = outcome.indicatorsFilled;
    decision.violations = std::move(outcome.violations);
    if (stored.identity.rfind("unidentified|", 0) == 0 && decision.violations.empty())
        decision.violations.push_back({"", "identity",
                                       "the record has no 机关代码 or 文书号, so it cannot be identified"});
    // Source problems (bad bytes, wrong column count) were stored with the record; they hold
    // it too, and are reported from the problems table alongside these.
    decision.held = !decision.violations.empty() || !stored.record.problems.empty();
    if (!decision.held) {
        decision.mappedFields = std::move(outcome.record.fields);
        decision.publicityEnd = std::move(outcome.publicityEnd);
    }
    return decision;
}

Result<std::size_t> Gateway::queueTakedowns(const std::string& target, const CivilDate& today) {
    return _store->queueTakedowns(target, today);
}

// Records whose source status field says 撤销 are revoked before their chunk is mapped: in one
// transaction of their own, idempotent, so a crash before the chunk is saved repeats nothing.
namespace {
Status revokeFromSourceStatus(const MappingCatalog& mappings, RecordStore& store, const std::vector<StoredRecord>& chunk,
                              std::set<std::string>& revoked) {
    std::vector<std::pair<std::string, std::string>> found;
    for (const auto& stored : chunk) {
        if (revoked.count(stored.identity)) continue;
        const KindDefinition* kind = mappings.kind(stored.record.kind);
        std::string status = kind ? kind->revocationOf(stored.record) : std::string();
        if (status.empty()) continue;
        found.emplace_back(stored.identity, status + " (" + stored.record.sourceFile + ":" +
                                                std::to_string(stored.record.sourceLine) + ")");
        revoked.insert(stored.identity);
    }
    if (found.empty()) return Status::ok();
    auto outcome = store.revokeFromSource(found);
    return outcome ? Status::ok() : outcome.status();
}
}  // namespace

Result<MapReport> Gateway::mapPending(const std::string& target) {
    MapReport report;
    MappingContext context{CivilDate::todayInShanghai()};
    std::vector<std::string> kinds = kindsOf(target);
    if (kinds.empty())
        return Status::invalidArgument("target \"" + target + "\" has no mapping files under " +
                                       _settings.dataDir + "/mappings/" + target);
    auto revokedList = _store->revokedIdentities(kinds);
    if (!revokedList) return revokedList.status();
    std::set<std::string> revoked(revokedList->begin(), revokedList->end());
    for (std::int64_t lastId = 0;;) {
        auto pending = _store->recordsAwaitingMapping(target, kinds, lastId, kChunkSize);
        if (!pending) return pending.status();
        if (pending->empty()) break;
        lastId = pending->back().id;
        Status sourceRevocations = revokeFromSourceStatus(*_mappings, *_store, *pending, revoked);
        if (!sourceRevocations) return sourceRevocations;
        std::vector<DeliveryDecision> decisions;
        decisions.reserve(pending->size());
        for (const auto& stored : *pending) {
            const TargetMapping* mapping = _mappings->target(target, stored.record.kind);
            if (!mapping)
                return Status::invalidArgument("no mapping for target " + target + " and kind " +
                                               stored.record.kind + " under " + _settings.dataDir +
                                               "/mappings");
            decisions.push_back(decide(stored, *mapping, context));
            if (revoked.count(stored.identity)) {
                // A revoked record is never sent as 新增 again, whatever a later version says.
                decisions.back().held = true;
                decisions.back().mappedFields.clear();
                decisions.back().violations.push_back(
                    {"", "revoked", "the decision was revoked (creditgw revoke): never sent as 新增 again"});
            }
            ++(decisions.back().held ? report.held : report.ready);
            if (!stored.corruption.empty()) ++report.corrupt;
        }
        Status saved = _store->saveDeliveries(target, decisions);
        if (!saved) return saved;
    }
    return report;
}

namespace {
constexpr const char* kUnitHint =
    "pass --unit-code and --unit-name (or set CREDITGW_UNIT_CODE / CREDITGW_UNIT_NAME): every package "
    "head names the reporting authority";
}  // namespace

Result<PackageReport> Gateway::packageReady(const TargetSettings& target) {
    if (_settings.unitCode.empty() || _settings.unitName.empty())
        return Status::invalidArgument(std::string("no reporting unit: ") + kUnitHint);
    auto plugin = targetPlugin(target.name);
    if (!plugin) return plugin.status();
    auto signer = Sm2Signer::fromPrivateKeyFile(target.signingKeyFile, target.signerId);
    if (!signer) return signer.status();
    PackageReport report;
    for (const auto& kind : kindsOf(target.name)) {
        if (!target.kinds.empty() && std::find(target.kinds.begin(), target.kinds.end(), kind) == target.kinds.end())
            continue;  // not enabled for this target
        for (;;) {
            auto ready = _store->readyRecords(target.name, kind, target.batchSize);
            if (!ready) return ready.status();
            if (ready->empty()) break;
            BatchHeader header{Poco::UUIDGenerator::defaultGenerator().createRandom().toString(),
                               target.name, kind, _settings.unitCode, _settings.unitName,
                               nowTimestamp(), ready->front().mappingVersion};
            std::vector<MappedRecord> records;
            std::vector<std::int64_t> ids;
            for (auto& r : *ready) {
                if (!r.corruption.empty()) {
                    Status held = _store->holdReady(target.name, r.recordId, {"", "store-corrupt", r.corruption});
                    if (!held) return held;
                    ++report.held;
                    ++report.corrupt;
                    continue;
                }
                records.push_back(std::move(r.mapped));
                ids.push_back(r.recordId);
            }
            if (records.empty()) continue;
            QueuedBatch batch;
            batch.id = header.batchId;
            batch.target = target.name;
            batch.kind = kind;
            batch.mappingVersion = header.mappingVersion;
            batch.contentType = (*plugin)->contentType();
            const TargetMapping* mapping = _mappings->target(target.name, kind);
            if (!mapping) return Status::invalidArgument("no mapping for target " + target.name + " and kind " + kind);
            auto payload = (*plugin)->encodeBatch(header, columnsOf(*mapping), records);
            if (!payload) {
                // Find the records the envelope cannot carry and hold them, so one bad record
                // does not block every later one; then try the rest again.
                std::size_t held = 0;
                for (std::size_t i = 0; i < records.size(); ++i) {
                    auto alone = (*plugin)->encodeBatch(header, columnsOf(*mapping), {records[i]});
                    if (alone) continue;
                    Status heldOne = _store->holdReady(target.name, ids[i], {"", "envelope", alone.status().message()});
                    if (!heldOne) return heldOne;
                    ++held;
                }
                if (held == 0) return payload.status();
                report.held += held;
                continue;
            }
            batch.payload = std::move(*payload);
            auto signature = signer->sign(batch.payload);  // one signature per batch, not per record
            if (!signature) return signature.status();
            batch.signature = std::move(*signature);
            batch.signerId = target.signerId;
            Status queued = _store->enqueueBatch(batch, ids);
            if (!queued) return queued;
            faultPoint("after-enqueue");
            ++report.batches;
            report.records += ids.size();
        }
        // Withdrawals after the kind's additions; each waits for the batch carrying its add.
        const TargetMapping* mapping = _mappings->target(target.name, kind);
        auto profile = profileOf(target.name);
        if (!mapping || !profile) continue;
        BatchHeader header{"", target.name, kind, _settings.unitCode, _settings.unitName, nowTimestamp(), ""};
        auto withdrawn = packageWithdrawals(*_store, **plugin, *signer, *profile, columnsOf(*mapping), header,
                                            target.signerId, target.batchSize);
        if (!withdrawn) return withdrawn.status();
        report.records += *withdrawn;
    }
    return report;
}

namespace {

// The acceptance time the statistics will judge, in one form (Asia/Shanghai, with offset) so that
// times compare as text. A platform time that cannot be right (not a time from 1900 to 2199, or
// more than a day ahead of ours) is an anomaly: the outcomes still count, so the batch settles
// and is never sent again, but with the time we received the receipt, and the anomaly is said.
// (Left in doubt, it went dead after --retry-hours and requeue sent accepted records twice.)
std::string judgedAcceptanceTime(const std::string& platformTime, const std::string& batchId,
                                 UploadReport& report) {
    auto received = std::chrono::system_clock::now();
    auto acceptedAt = parseTimestamp(platformTime);
    const char* anomaly = !acceptedAt ? "is not a time from 1900 to 2199 with its offset"
                          : *acceptedAt > received + std::chrono::hours(24) ? "lies in the future"
                                                                            : nullptr;
    if (!anomaly) return shanghaiTimestamp(*acceptedAt);
    std::string receivedAt = shanghaiTimestamp(received);
    report.errors.push_back("batch " + batchId + ": receipt acceptedAt \"" + platformTime + "\" " + anomaly +
                            "; recorded the time it was received (" + receivedAt +
                            ") instead. The platform's clock or receipt is wrong: ask its operator");
    return receivedAt;
}

// A receipt that names a record the batch does not carry, or one record twice, is not an
// answer for this batch: applying it could count a record accepted that the platform never
// saw. "" when the receipt is consistent with the batch.
std::string receiptAnomaly(const BatchReceipt& receipt, const std::vector<std::string>& batchKeys) {
    std::set<std::string_view> carried(batchKeys.begin(), batchKeys.end());
    std::set<std::string_view> named;
    for (const auto& r : receipt.records) {
        if (!carried.count(r.key)) return "names record " + r.key + ", which the batch does not carry";
        if (!named.insert(r.key).second) return "names record " + r.key + " twice";
    }
    return {};
}

// Applies a platform answer; a body we cannot read leaves the outcome unknown. `httpStatus` is
// the send's own answer, 0 for a receipt fetched by query (the history tells them apart).
// A receipt for a batch already settled is ignored with a warning: Ok, and `*ignored` set.
Status applyResponse(RecordStore& store, const TargetPlugin& plugin, const QueuedBatch& batch,
                     const std::string& body, UploadReport& report, int httpStatus = 0,
                     bool* ignored = nullptr) {
    auto receipt = plugin.parseReceipt(body);
    if (!receipt) return Status::unknown("unreadable receipt: " + receipt.status().message());
    if (receipt->batchId != batch.id)
        return Status::unknown("receipt is for batch " + receipt->batchId + ", not " + batch.id);
    auto keys = store.batchRecordKeys(batch.id);
    if (!keys) return keys.status();
    if (std::string anomaly = receiptAnomaly(*receipt, *keys); !anomaly.empty())
        return Status::unknown("receipt anomaly: the platform's receipt for batch " + batch.id + " " + anomaly +
                               "; nothing of it is applied and the batch stays in doubt (ask the platform's "
                               "operator; the receipt is asked for again at the next attempt)");
    receipt->acceptedAt = judgedAcceptanceTime(receipt->acceptedAt, batch.id, report);
    auto applied = store.applyReceipt(batch.id, *receipt, body, httpStatus);
    if (!applied) return applied.status();
    if (!applied->applied) {
        // Another sender on this store settled it first (or the receipt came twice): the
        // records may have moved on since, so nothing of this one is applied or counted.
        report.errors.push_back("batch " + batch.id + ": a receipt came for a batch already " +
                                batchStateName(applied->settledAs) +
                                "; ignored as a duplicate (nothing re-settled, nothing counted twice)");
        if (ignored) *ignored = true;
        return Status::ok();
    }
    for (const auto& r : receipt->records) ++(r.accepted ? report.accepted : report.rejected);
    ++report.batchesDone;
    return Status::ok();
}

}  // namespace

namespace {

ChannelBatch channelBatchOf(const QueuedBatch& batch) {
    return {batch.id, batch.target, batch.kind, batch.contentType, batch.payload,
            batch.signature, batch.signerId, batch.createdAt};
}

}  // namespace

Result<std::string> Gateway::channelOf(const std::string& target) const {
    auto profile = profileOf(target);
    if (!profile) return profile.status();
    auto named = profile->settings.find("channel");
    return named == profile->settings.end() || named->second.empty() ? std::string(kHttpsChannel) : named->second;
}

Result<std::unique_ptr<ChannelPlugin>> Gateway::channelFor(const TargetSettings& target) const {
    auto name = channelOf(target.name);
    if (!name) return name.status();
    if (*name == kHttpsChannel) return std::unique_ptr<ChannelPlugin>();
    auto profile = profileOf(target.name);
    if (!profile) return profile.status();
    auto channel = _plugins->createChannel(*name);
    if (!channel)
        return Status::invalidArgument("target " + target.name + ": no channel plugin \"" + *name + "\" loaded from " +
                                       _settings.pluginDir + " (named by " + profile->directory +
                                       "/profile.xml, setting channel)");
    // The profile describes the platform (zip, envelope); the run-time settings where it is.
    std::map<std::string, std::string> settings;
    for (const auto& [key, value] : profile->settings)
        if (key.rfind("channel.", 0) == 0) settings[key.substr(8)] = value;
    for (const auto& [key, value] : target.channel) settings[key] = value;
    Status configured = channel->configure(*profile, settings);
    if (!configured)
        return Status::invalidArgument("target " + target.name + ": channel " + *name + ": " + configured.message());
    return channel;
}

Status Gateway::sendByChannel(const TargetSettings& target, const TargetPlugin& plugin, ChannelPlugin& channel,
                              const QueuedBatch& batch, UploadReport& report, bool& skipped) {
    skipped = false;
    const ChannelBatch carried = channelBatchOf(batch);
    auto settle = [&](const ChannelAnswer& answer, int httpStatus) -> Status {
        if (!answer.hasReceipt) {
            // Handed over, the receipt comes later: not a failed attempt, just ask again soon.
            skipped = true;
            return _store->awaitReceipt(batch.id, std::chrono::system_clock::now() + target.receiptPoll);
        }
        bool ignored = false;
        Status applied = applyResponse(*_store, plugin, batch, answer.receipt, report, httpStatus, &ignored);
        if (!applied) return applied;
        // A duplicate is left where the channel found it: tidying up belongs to the receipt
        // that settled the batch, and moving this one could overwrite that one in done/.
        if (ignored) return Status::ok();
        if (Status tidied = channel.acknowledge(carried); !tidied)
            report.errors.push_back("batch " + batch.id + ": receipt applied, but " + tidied.message());
        return Status::ok();
    };
    // After a crash or a lost answer the platform may already have this batch: ask before
    // handing anything over again. Only a clear "never got it" (NotFound) leads to sending.
    if (batch.state == BatchState::Inflight || batch.state == BatchState::Unknown) {
        auto known = channel.collect(carried);
        faultPoint("after-receipt-check");
        if (known) return settle(*known, 0);
        StatusCode code = known.status().code();
        if (code == StatusCode::Permanent || code == StatusCode::Unknown) return known.status();
        if (code != StatusCode::NotFound)
            return Status::unknown("receipt check failed, the batch stays in doubt: " + known.status().message());
    }
    auto taken = leaseForSending(target, batch);
    if (!taken) return taken.status();
    if (!*taken) {
        skipped = true;  // another sender on this store has it
        return Status::ok();
    }
    auto sent = channel.send(carried);
    faultPoint("after-send");
    if (!sent) return sent.status();
    return settle(*sent, 0);
}

// Leases the batch to this process for one send, outlasting the exchange's own timeout; false
// when another sender on this store holds it.
Result<bool> Gateway::leaseForSending(const TargetSettings& target, const QueuedBatch& batch) {
    auto taken = _store->markInflight(batch.id, std::chrono::system_clock::now(),
                                      std::max(target.lease, target.tls.timeout + std::chrono::seconds(1)));
    if (taken && *taken) faultPoint("after-mark-inflight");
    return taken;
}

Status Gateway::sendBatch(const TargetSettings& target, const TargetPlugin& plugin, HttpsUploader& uploader,
                          const QueuedBatch& batch, UploadReport& report, bool& skipped) {
    skipped = false;
    // After a crash or a lost answer the platform may already have this batch: ask before
    // sending anything again. Only a clear "unknown batch" (404) leads to sending.
    if (batch.state == BatchState::Inflight || batch.state == BatchState::Unknown) {
        auto receipt = uploader.queryReceipt(target.endpoint, batch.id);
        faultPoint("after-receipt-check");
        if (receipt) return applyResponse(*_store, plugin, batch, receipt->body, report);
        if (receipt.status().code() != StatusCode::NotFound)
            return Status::unknown("receipt query failed, the batch stays in doubt: " + receipt.status().message());
    }
    auto taken = leaseForSending(target, batch);
    if (!taken) return taken.status();
    if (!*taken) {
        skipped = true;  // another sender on this store has it
        return Status::ok();
    }
    UploadRequest request{target.endpoint, batch.id, batch.contentType, batch.payload,
                          base64Encode(batch.signature), batch.signerId};
    auto response = uploader.post(request);
    faultPoint("after-send");
    if (!response) return response.status();
    return applyResponse(*_store, plugin, batch, response->body, report, response->httpStatus);
}

std::optional<std::chrono::system_clock::time_point> Gateway::nextAttemptAfter(const TargetSettings& target,
                                                                              RetryPolicy& policy,
                                                                              const QueuedBatch& batch,
                                                                              const Status& failure) const {
    if (failure.code() == StatusCode::Permanent) return std::nullopt;
    int attempt = batch.attempts + 1;
    if (target.maxAttempts > 0 && attempt > target.maxAttempts) return std::nullopt;
    auto queuedAt = parseTimestamp(batch.createdAt);
    auto now = std::chrono::system_clock::now();
    if (queuedAt && now - *queuedAt > target.retryFor) return std::nullopt;
    return now + policy.delayBefore(attempt, HttpsUploader::retryAfterOf(failure));
}

std::chrono::system_clock::time_point Gateway::pacingNow() const {
    return _pacing.now ? _pacing.now() : std::chrono::system_clock::now();
}

void Gateway::waitForSlot(std::chrono::system_clock::time_point at) {
    if (_pacing.sleepUntil) return _pacing.sleepUntil(at);
    // In slices, so that a SIGTERM is not kept waiting for a slow rate limit's next slot.
    for (auto now = std::chrono::system_clock::now(); now < at; now = std::chrono::system_clock::now()) {
        if (_stopRequested && _stopRequested()) return;
        std::this_thread::sleep_for(std::min<std::chrono::system_clock::duration>(at - now, std::chrono::milliseconds(200)));
    }
}

Result<UploadReport> Gateway::uploadDue(const TargetSettings& target, bool untilSettled) {
    auto plugin = targetPlugin(target.name);
    if (!plugin) return plugin.status();
    auto channel = channelFor(target);
    if (!channel) return channel.status();
    std::unique_ptr<HttpsUploader> uploader;
    if (!*channel) {
        auto created = HttpsUploader::create(target.tls);
        if (!created) return created.status();
        uploader = std::move(*created);
    }
    RetryPolicy policy(target.retryInitial, target.retryMaximum, std::numeric_limits<int>::max(), 0,
                       target.retryAfterCap);
    UploadReport report;
    // One pace per target for the gateway's life: a daemon's next cycle keeps the spacing too.
    RateLimiter& pace = _pacers.try_emplace(target.name, target.rateLimitPerMinute).first->second;
    if (pace.spacing() != RateLimiter(target.rateLimitPerMinute).spacing())
        pace = RateLimiter(target.rateLimitPerMinute);  // the limit changed (SIGHUP)
    auto settleBy = std::chrono::system_clock::now() + target.settleWithin;
    for (;;) {
        auto dueList = _store->dueBatches(target.name, std::chrono::system_clock::now());
        if (!dueList) return dueList.status();
        for (const auto& due : *dueList) {
            if (_stopRequested && _stopRequested()) return report;  // the rest stays queued, untouched
            if (pace.limited()) {
                auto now = pacingNow();
                auto at = pace.reserve(now);
                if (at > now) waitForSlot(at);
                if (_stopRequested && _stopRequested()) return report;
            }
            auto loaded = _store->batch(due.id);
            if (!loaded) return loaded.status();
            bool skipped = false;
            Status outcome = *channel ? sendByChannel(target, **plugin, **channel, *loaded, report, skipped)
                                      : sendBatch(target, **plugin, *uploader, *loaded, report, skipped);
            if (skipped) continue;
            ++report.attempts[attemptOutcomeOf(outcome.code())];
            if (outcome) continue;
            ++report.attemptsFailed;
            report.errors.push_back("batch " + loaded->id + ": " + outcome.toString());
            auto next = nextAttemptAfter(target, policy, *loaded, outcome);
            if (!next && *channel) {
                // A dead batch's records may be re-queued and sent in a new batch: first take
                // this one back. If the platform already has it, it stays in doubt instead.
                Status withdrawn = (*channel)->withdraw(channelBatchOf(*loaded));
                if (!withdrawn) {
                    outcome = Status::unknown(outcome.message() + "; not given up: " + withdrawn.message());
                    report.errors.push_back("batch " + loaded->id + ": not given up: " + withdrawn.message());
                    next = std::chrono::system_clock::now() + policy.delayBefore(loaded->attempts + 1);
                }
            }
            if (!next) ++report.batchesDead;
            Status recorded = _store->recordFailedAttempt(loaded->id, outcome, next);
            if (!recorded) return recorded;
        }
        auto next = _store->nextAttemptTime(target.name);
        if (!next) return next.status();
        if (!*next) break;
        if (!untilSettled || **next > settleBy) {
            auto waiting = _store->batchSummary(target.name);
            if (!waiting) return waiting.status();
            for (const auto& [state, count] : waiting->byState)
                if (state == "pending" || state == "inflight" || state == "unknown") report.batchesWaiting += count;
            break;
        }
        auto wait = **next - std::chrono::system_clock::now();
        if (wait > std::chrono::seconds(0)) std::this_thread::sleep_for(wait);
    }
    return report;
}

Result<ExplainResult> Gateway::explain(const IngestRequest& request, const std::string& target,
                                       std::size_t line) {
    const TargetMapping* mapping = _mappings->target(target, request.kind);
    if (!mapping)
        return Status::invalidArgument("no mapping for target " + target + " and kind " + request.kind);
    std::optional<ExplainResult> found;
    IngestReport ignored;
    IngestRequest fromStart = request;  // explaining reads the whole source, never resumes
    fromStart.resume = false;
    Status read = readRecords(fromStart, ignored, [&](IncomingRecord&& incoming) {
        if (found || incoming.record.sourceLine != line) return Status::ok();
        ExplainResult result;
        result.record = std::move(incoming.record);
        result.outcome = mapping->apply(result.record, MappingContext{CivilDate::todayInShanghai()}, &result.trace);
        found = std::move(result);
        return Status::ok();
    });
    if (!read) return read;
    if (!found) return Status::notFound(request.path + ": no record starts at line " + std::to_string(line));
    return std::move(*found);
}

Result<DryRunResult> Gateway::dryRun(const IngestRequest& request, const std::string& target,
                                     const DryRunOptions& options) {
    const TargetMapping* mapping = _mappings->target(target, request.kind);
    if (!mapping)
        return Status::invalidArgument("no mapping for target " + target + " and kind " + request.kind);
    auto plugin = targetPlugin(target);
    if (!plugin) return plugin.status();
    DryRunResult result;
    std::vector<MappedRecord> valid;
    MappingContext context{options.today.value_or(CivilDate::todayInShanghai())};
    IngestReport readReport;
    IngestRequest fromStart = request;  // a dry run reads the whole source, never resumes
    fromStart.resume = false;
    Status read = readRecords(fromStart, readReport, [&](IncomingRecord&& incoming) {
        StoredRecord stored;
        stored.identity = incoming.identity.empty() ? "unidentified|" + request.kind + "|" +
                                                          incoming.record.sourceFile + ":" +
                                                          std::to_string(incoming.record.sourceLine)
                                                    : incoming.identity;
        stored.record = std::move(incoming.record);
        DeliveryDecision decision = decide(stored, *mapping, context);
        DryRunRow row{stored.record.sourceLine, decision.recordKey, stored.record.problems};
        row.violations.insert(row.violations.end(), decision.violations.begin(), decision.violations.end());
        if (decision.held) {
            ++result.held;
        } else {
            ++result.valid;
            valid.push_back({decision.recordKey, request.kind, std::move(decision.mappedFields)});
        }
        result.rows.push_back(std::move(row));
        return Status::ok();
    });
    if (!read) return read;
    result.warnings = std::move(readReport.warnings);
    BatchHeader header{options.batchId, target, request.kind, _settings.unitCode, _settings.unitName,
                       options.createdAt.value_or(nowTimestamp()), mapping->version()};
    auto payload = (*plugin)->encodeBatch(header, columnsOf(*mapping), valid);
    if (!payload && _settings.unitCode.empty())
        return Status::invalidArgument(payload.status().message() + "\n(" + kUnitHint + ")");
    if (!payload) return payload.status();
    result.payload = std::move(*payload);
    return result;
}

}  // namespace creditgw
