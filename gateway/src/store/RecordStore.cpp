#include "creditgw/RecordStore.h"

#include <Poco/Exception.h>
#include <openssl/evp.h>

#include <cstdio>
#include <filesystem>
#include <map>

#include "creditgw/CivilDate.h"
#include "creditgw/Json.h"
#include "HistoryLog.h"
#include "OperationsLog.h"
#include "ReconciliationLog.h"
#include "StatisticsSummary.h"

namespace creditgw {

namespace {

const char* kSchema = R"SQL(
CREATE TABLE IF NOT EXISTS records (
    id            INTEGER PRIMARY KEY,
    identity      TEXT NOT NULL,
    version       INTEGER NOT NULL,
    kind          TEXT NOT NULL,
    content_hash  TEXT NOT NULL,
    fields        TEXT NOT NULL,          -- canonical fields as a JSON object
    department    TEXT NOT NULL,
    decision_date TEXT NOT NULL,          -- ISO date or '' when missing/invalid
    source_file   TEXT NOT NULL,
    source_line   INTEGER NOT NULL,
    ingested_at   TEXT NOT NULL,
    is_latest     INTEGER NOT NULL DEFAULT 1,  -- 0 superseded; 2 latest but discarded (creditgw discard)
    UNIQUE (identity, version)
);
CREATE INDEX IF NOT EXISTS records_latest ON records (is_latest, kind);
CREATE TABLE IF NOT EXISTS problems (
    record_id INTEGER NOT NULL REFERENCES records(id),
    target    TEXT NOT NULL,              -- '' = found while reading the source
    field     TEXT NOT NULL,
    rule      TEXT NOT NULL,
    message   TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS problems_record ON problems (record_id);
CREATE TABLE IF NOT EXISTS batches (
    id              TEXT PRIMARY KEY,
    target          TEXT NOT NULL,
    kind            TEXT NOT NULL,
    mapping_version TEXT NOT NULL,
    content_type    TEXT NOT NULL,
    payload         BLOB NOT NULL,
    signature       BLOB NOT NULL,
    signer_id       TEXT NOT NULL,
    record_count    INTEGER NOT NULL,
    state           TEXT NOT NULL CHECK (state IN ('pending','inflight','unknown','done','dead')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL DEFAULT 0, -- unix seconds
    last_error      TEXT NOT NULL DEFAULT '',
    receipt         BLOB,
    created_at      TEXT NOT NULL,
    done_at         TEXT
);
CREATE INDEX IF NOT EXISTS batches_due ON batches (target, state, next_attempt_at);
CREATE TABLE IF NOT EXISTS deliveries (
    record_id          INTEGER NOT NULL REFERENCES records(id),
    target             TEXT NOT NULL,
    record_key         TEXT NOT NULL,
    state              TEXT NOT NULL CHECK (state IN ('held','ready','queued','accepted','rejected','dead')),
    mapped_fields      TEXT NOT NULL DEFAULT '',   -- JSON array of [code, value] pairs
    mapping_version    TEXT NOT NULL DEFAULT '',
    mapped_hash        TEXT NOT NULL DEFAULT '',   -- sha256 of mapped_fields; '' before schema 2
    indicators_defined INTEGER NOT NULL DEFAULT 0,
    indicators_filled  INTEGER NOT NULL DEFAULT 0,
    batch_id           TEXT REFERENCES batches(id),
    accepted_at        TEXT NOT NULL DEFAULT '',
    reason_code        TEXT NOT NULL DEFAULT '',
    reason             TEXT NOT NULL DEFAULT '',
    updated_at         TEXT NOT NULL,
    PRIMARY KEY (record_id, target)
);
CREATE INDEX IF NOT EXISTS deliveries_state ON deliveries (target, state, record_id);
CREATE INDEX IF NOT EXISTS deliveries_batch ON deliveries (batch_id, record_key);
-- Files made by `creditgw export` for manual upload, and the record versions each carries, so
-- `creditgw mark-submitted --file` can count them as submitted.
CREATE TABLE IF NOT EXISTS exports (
    sha256       TEXT PRIMARY KEY,
    target       TEXT NOT NULL,
    kind         TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    submitted_at TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS export_records (
    sha256    TEXT NOT NULL REFERENCES exports(sha256),
    record_id INTEGER NOT NULL,
    PRIMARY KEY (sha256, record_id)
);
-- How far an incremental source (a database query) has been read, committed in the same
-- transaction as the records it covers.
CREATE TABLE IF NOT EXISTS source_watermarks (
    source_key TEXT PRIMARY KEY,
    watermark  TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
)SQL";

std::string now() { return shanghaiTimestamp(std::chrono::system_clock::now()); }

std::int64_t unixSeconds(std::chrono::system_clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

std::string sha256Hex(std::string_view data) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    EVP_Digest(data.data(), data.size(), digest, &size, EVP_sha256(), nullptr);
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string hex(size * 2, '0');
    for (unsigned i = 0; i < size; ++i) {
        hex[2 * i] = kDigits[digest[i] >> 4];
        hex[2 * i + 1] = kDigits[digest[i] & 0xf];
    }
    return hex;
}

std::string fieldsToJson(const std::map<std::string, std::string>& fields) {
    std::string out = "{";
    for (const auto& [code, value] : fields) {
        if (out.size() > 1) out += ',';
        appendJsonString(out, code);
        out += ':';
        appendJsonString(out, value);
    }
    return out + "}";
}

// The store's own flat JSON, read with a cursor (no DOM): {"code":"value",…} and
// [["code","value"],…]. Anything else is corruption, reported by guarded().
class StoredJsonReader {
public:
    explicit StoredJsonReader(std::string_view text) : _text(text) {}
    void expect(char c) {
        skipSpace();
        if (_pos >= _text.size() || _text[_pos] != c) fail(std::string("expected '") + c + "'");
        ++_pos;
    }
    bool consume(char c) {
        skipSpace();
        if (_pos < _text.size() && _text[_pos] == c) {
            ++_pos;
            return true;
        }
        return false;
    }
    std::string string() {
        skipSpace();
        std::string out;
        if (!readJsonString(_text, _pos, out)) fail("unreadable string");
        return out;
    }
    void end() {
        skipSpace();
        if (_pos != _text.size()) fail("text after the value");
    }

private:
    void skipSpace() {
        while (_pos < _text.size() && (_text[_pos] == ' ' || _text[_pos] == '\n' || _text[_pos] == '\t' ||
                                       _text[_pos] == '\r'))
            ++_pos;
    }
    [[noreturn]] void fail(const std::string& what) const {
        throw Poco::DataFormatException(what + " at offset " + std::to_string(_pos));
    }
    std::string_view _text;
    std::size_t _pos = 0;
};

std::map<std::string, std::string> fieldsFromJson(const std::string& json) {
    std::map<std::string, std::string> fields;
    StoredJsonReader in(json);
    in.expect('{');
    if (!in.consume('}')) {
        do {
            std::string code = in.string();
            in.expect(':');
            fields[std::move(code)] = in.string();
        } while (in.consume(','));
        in.expect('}');
    }
    in.end();
    return fields;
}

// Kinds as a JSON array, for "kind IN (SELECT value FROM json_each(?))".
std::string kindsJson(const std::vector<std::string>& kinds) {
    std::string out = "[";
    for (const auto& kind : kinds) {
        if (out.size() > 1) out += ',';
        appendJsonString(out, kind);
    }
    return out + "]";
}

std::string pairsToJson(const FieldList& pairs) {
    std::string out = "[";
    for (const auto& [code, value] : pairs) {
        if (out.size() > 1) out += ',';
        out += '[';
        appendJsonString(out, code);
        out += ',';
        appendJsonString(out, value);
        out += ']';
    }
    return out + "]";
}

FieldList pairsFromJson(const std::string& json) {
    FieldList pairs;
    StoredJsonReader in(json);
    in.expect('[');
    if (!in.consume(']')) {
        do {
            in.expect('[');
            std::string code = in.string();
            in.expect(',');
            std::string value = in.string();
            in.expect(']');
            pairs.emplace_back(std::move(code), std::move(value));
        } while (in.consume(','));
        in.expect(']');
    }
    in.end();
    return pairs;
}

// The columns readReadyRecord reads: the delivery with what its integrity check needs.
constexpr const char* kReadyColumns =
    "d.record_id, d.record_key, d.mapped_fields, d.mapping_version, d.mapped_hash, r.fields, r.department,"
    " r.content_hash";

std::string storedContentCorruption(const Statement& row);

// Reads kReadyColumns from the current row. The hashes are checked before the JSON is read (a
// changed byte may also make it unreadable); a corrupt record comes back with only its id, key
// and the reason.
ReadyRecord readReadyRecord(const Statement& row, const std::string& kind) {
    ReadyRecord ready;
    ready.recordId = row.integer(0);
    ready.mapped.key = row.text(1);
    ready.mapped.kind = kind;
    ready.mappingVersion = row.text(3);
    ready.corruption = storedContentCorruption(row);
    if (ready.corruption.empty()) ready.mapped.fields = pairsFromJson(row.text(2));
    return ready;
}

constexpr const char* kRecordChanged =
    "the stored record changed after it was ingested (content hash mismatch): re-ingest its source file, "
    "which writes it again as a new version, or restore the store from a backup";

// What the mapped hash covers: everything of a delivery that is signed and sent.
std::string mappedHashOf(std::string_view recordKey, std::string_view mappingVersion, std::string_view mapped) {
    std::string text;
    text.reserve(recordKey.size() + mappingVersion.size() + mapped.size() + 2);
    text.append(recordKey).append("\x1f").append(mappingVersion).append("\x1f").append(mapped);
    return sha256Hex(text);
}

// Compares "record_key(1), mapped_fields(2), mapping_version(3), mapped_hash(4), fields(5),
// department(6), content_hash(7)" with the hashes taken when they were written; "" when they
// match. A mapped_hash of '' is a delivery written before the column existed.
std::string storedContentCorruption(const Statement& row) {
    if (RecordStore::contentHash(row.text(5), row.text(6)) != row.text(7)) return kRecordChanged;
    std::string mappedHash = row.text(4);
    if (!mappedHash.empty() && mappedHashOf(row.text(1), row.text(3), row.text(2)) != mappedHash)
        return "the stored mapped fields, key or mapping version changed after validation (hash mismatch): "
               "restore the store from a backup";
    return {};
}


std::string violationText(const Violation& v) {
    return (v.field.empty() ? "" : v.field + " ") + v.rule + ": " + v.message;
}

// Why a record was held, for its history; "" when it is ready.
std::string heldDetail(const DeliveryDecision& decision) {
    if (!decision.held) return {};
    if (decision.violations.empty()) return "problems found while reading the source (creditgw report)";
    std::string detail;
    for (const auto& v : decision.violations) detail += (detail.empty() ? "" : "; ") + violationText(v);
    return detail;
}

BatchState parseBatchState(const std::string& name) {
    if (name == "inflight") return BatchState::Inflight;
    if (name == "unknown") return BatchState::Unknown;
    if (name == "done") return BatchState::Done;
    if (name == "dead") return BatchState::Dead;
    return BatchState::Pending;
}

// Runs `body` and converts store-layer exceptions into a Status naming the database.
template <class F>
auto guarded(Database& db, const char* what, F&& body) -> decltype(body()) {
    try {
        return body();
    } catch (const SqliteError& e) {
        return Status::transient(db.path() + ": " + what + ": " + e.what());
    } catch (const Poco::Exception& e) {
        return Status::corrupt(db.path() + ": " + what + ": stored JSON unreadable: " + e.displayText());
    }
}

}  // namespace

FieldList operations::fieldsFromPairs(const std::string& json) { return pairsFromJson(json); }

IngestCounts& IngestCounts::operator+=(const IngestCounts& other) {
    rows += other.rows;
    inserted += other.inserted;
    newVersions += other.newVersions;
    unchanged += other.unchanged;
    withProblems += other.withProblems;
    repaired += other.repaired;
    return *this;
}

const char* batchStateName(BatchState state) {
    switch (state) {
        case BatchState::Pending: return "pending";
        case BatchState::Inflight: return "inflight";
        case BatchState::Unknown: return "unknown";
        case BatchState::Done: return "done";
        case BatchState::Dead: return "dead";
    }
    return "pending";
}

std::string documentNumberOf(const std::string& identity) {
    if (identity.rfind("unidentified|", 0) == 0) return {};
    auto first = identity.find('|');
    if (first == std::string::npos) return {};
    auto second = identity.find('|', first + 1);
    return identity.substr(first + 1, second == std::string::npos ? std::string::npos : second - first - 1);
}

std::string recordKeyFor(const std::string& kind, const std::string& identity) {
    return kind + "-" + sha256Hex(identity).substr(0, 24);
}

Result<std::unique_ptr<RecordStore>> RecordStore::open(const std::string& path, bool quickCheck) {
    auto db = Database::open(path);
    if (!db) return db.status();
    std::unique_ptr<RecordStore> store(new RecordStore(std::move(*db)));
    try {
        {
            // Finalized before the schema is touched: a statement still stepping keeps the
            // tables locked, and a migration's DROP TABLE would fail with "table is locked".
            Statement check(store->_db->handle(), quickCheck ? "PRAGMA quick_check" : "SELECT 'ok'");
            if (check.step() && check.text(0) != "ok")
                return Status::corrupt(path + ": integrity check failed (" + check.text(0) +
                                       "); restore the store from a backup before going on");
        }
        store->createSchema();
    } catch (const SqliteError& e) {
        return Status::corrupt(path + ": " + e.what());
    }
    return store;
}

std::string RecordStore::contentHash(std::string_view fieldsJson, std::string_view department) {
    std::string text;
    text.reserve(fieldsJson.size() + department.size() + 1);
    text.append(fieldsJson).append("\x1f").append(department);
    return sha256Hex(text);
}

Result<std::unique_ptr<RecordStore>> RecordStore::openForReading(const std::string& path) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) return Status::notFound(path + ": no store yet");
    auto db = Database::open(path);
    if (!db) return db.status();
    return std::unique_ptr<RecordStore>(new RecordStore(std::move(*db)));
}

void RecordStore::createSchema() {
    _db->exec(kSchema);
    _db->exec(history::kSchema);
    operations::createSchema(*_db);
    reconciliation::createSchema(*_db);
    statistics_summary::createSchema(*_db);
    addMappedHashColumn();
    addPublicityEndColumn();
    // Only accepted deliveries whose publication has an end are in it: the daily 下线 scan reads
    // the few that are due, not every delivery of the target.
    _db->exec("CREATE INDEX IF NOT EXISTS deliveries_publicity ON deliveries (target, publicity_end)"
              " WHERE state='accepted' AND publicity_end<>''");
}

bool RecordStore::hasColumn(const std::string& table, const std::string& column) {
    Statement columns(_db->handle(), "SELECT 1 FROM pragma_table_info(?) WHERE name=?");
    columns.bind(1, table).bind(2, column);
    return columns.step();
}

// Stores written before mapped_hash existed gain the column; their rows keep '' and are
// checked against the record's content hash only. Looked at again under the write lock, so
// that two processes opening an old store at once do not both add it.
void RecordStore::addMappedHashColumn() {
    if (hasColumn("deliveries", "mapped_hash")) return;
    Transaction tx(*_db);
    if (!hasColumn("deliveries", "mapped_hash"))
        _db->exec("ALTER TABLE deliveries ADD COLUMN mapped_hash TEXT NOT NULL DEFAULT ''");
    tx.commit();
}

// Stores written before 下线 existed gain publicity_end (ISO 公示截止期 of an accepted delivery,
// '' when it has none or its publication was already ended). Accepted rows are filled from the
// mapped 公示截止期 (a field whose name ends in GSJZQ, any y-M-d digit format), so records
// published before the upgrade are taken down too.
void RecordStore::addPublicityEndColumn() {
    if (hasColumn("deliveries", "publicity_end")) return;
    Transaction tx(*_db);
    if (hasColumn("deliveries", "publicity_end")) return;
    _db->exec("ALTER TABLE deliveries ADD COLUMN publicity_end TEXT NOT NULL DEFAULT ''");
    _db->exec("/* full-scan: a one-time migration */"
              " UPDATE deliveries SET publicity_end=COALESCE((SELECT substr(d,1,4)||'-'||substr(d,5,2)||'-'||substr(d,7,2)"
              "  FROM (SELECT replace(replace(replace(j.value->>1,'/',''),'-',''),'.','') AS d"
              "        FROM json_each(deliveries.mapped_fields) j WHERE upper(j.value->>0) LIKE '%GSJZQ')"
              "  WHERE length(d)=8 LIMIT 1), '')"
              " WHERE state='accepted' AND mapped_fields<>''"
              " AND NOT EXISTS (SELECT 1 FROM operations o JOIN records r ON r.identity=o.identity"
              "   WHERE r.id=deliveries.record_id AND o.target=deliveries.target)");
    tx.commit();
}

Result<IngestCounts> RecordStore::storeRecords(const std::vector<IncomingRecord>& records) {
    return storeRecords(records, "", "");
}

Result<std::string> RecordStore::sourceWatermark(const std::string& sourceKey) {
    return guarded(*_db, "reading a source watermark", [&]() -> Result<std::string> {
        Statement select(_db->handle(), "SELECT watermark FROM source_watermarks WHERE source_key=?");
        select.bind(1, sourceKey);
        return select.step() ? select.text(0) : std::string();
    });
}

Result<IngestCounts> RecordStore::storeRecords(const std::vector<IncomingRecord>& records,
                                               const std::string& sourceKey, const std::string& watermark) {
    return guarded(*_db, "storing records", [&]() -> Result<IngestCounts> {
        IngestCounts counts;
        Transaction tx(*_db);
        if (!sourceKey.empty() && !watermark.empty()) {
            Statement mark(_db->handle(),
                           "INSERT INTO source_watermarks (source_key, watermark, updated_at) VALUES (?,?,?)"
                           " ON CONFLICT(source_key) DO UPDATE SET watermark=excluded.watermark,"
                           " updated_at=excluded.updated_at");
            mark.bind(1, sourceKey).bind(2, watermark).bind(3, now()).run();
        }
        Statement latest(_db->handle(),
                         "SELECT id, version, content_hash, fields, department FROM records"
                         " WHERE identity=? AND +is_latest<>0");
        // '+' keeps the planner on UNIQUE(identity, version): the is_latest index would scan
        // every record per row and make ingest quadratic. A discarded latest version
        // (is_latest=2, `creditgw discard`) stays discarded when the same row is read again.
        Statement retire(_db->handle(), "UPDATE records SET is_latest=0 WHERE id=?");
        Statement insert(_db->handle(),
                         "INSERT INTO records (identity, version, kind, content_hash, fields, department,"
                         " decision_date, source_file, source_line, ingested_at)"
                         " VALUES (?,?,?,?,?,?,?,?,?,?)");
        Statement problem(_db->handle(),
                          "INSERT INTO problems (record_id, target, field, rule, message) VALUES (?, '', ?, ?, ?)");
        std::string ingestedAt = now();
        for (const auto& incoming : records) {
            const Record& record = incoming.record;
            ++counts.rows;
            if (!record.problems.empty()) ++counts.withProblems;
            std::string fields = fieldsToJson(record.fields);
            std::string hash = contentHash(fields, record.department);
            // A record without identity (e.g. no 文书号) is keyed by its content, so re-reading
            // the same file still changes nothing.
            std::string identity = incoming.identity.empty()
                                       ? "unidentified|" + record.kind + "|" + hash
                                       : incoming.identity;
            int version = 1;
            latest.bind(1, identity);
            if (latest.step()) {
                std::int64_t previousId = latest.integer(0);
                version = static_cast<int>(latest.integer(1)) + 1;
                bool same = latest.text(2) == hash;
                // Same content, but stored bytes that no longer are what was written (a change on
                // disk, held as store-corrupt): re-reading the source repairs it as a new version.
                bool repairs = same && (latest.text(3) != fields || latest.text(4) != record.department);
                latest.reset();
                if (same && !repairs) {
                    ++counts.unchanged;
                    continue;
                }
                retire.bind(1, previousId).run();
                ++counts.newVersions;
                if (repairs) ++counts.repaired;
            } else {
                latest.reset();
                ++counts.inserted;
            }
            insert.bind(1, identity).bind(2, std::int64_t{version}).bind(3, record.kind).bind(4, hash)
                .bind(5, fields).bind(6, record.department).bind(7, incoming.decisionDate)
                .bind(8, record.sourceFile).bind(9, static_cast<std::int64_t>(record.sourceLine))
                .bind(10, ingestedAt);
            insert.run();
            std::int64_t recordId = _db->lastInsertId();
            for (const auto& p : record.problems)
                problem.bind(1, recordId).bind(2, p.field).bind(3, p.rule).bind(4, p.message).run();
        }
        tx.commit();
        return counts;
    });
}

Result<std::vector<StoredRecord>> RecordStore::recordsAwaitingMapping(const std::string& target,
                                                                     const std::vector<std::string>& kinds,
                                                                     std::int64_t afterId,
                                                                     std::size_t limit) {
    return guarded(*_db, "reading records to map", [&]() -> Result<std::vector<StoredRecord>> {
        std::vector<StoredRecord> out;
        Statement select(_db->handle(),
                         "SELECT r.id, r.identity, r.version, r.kind, r.fields, r.department,"
                         " r.source_file, r.source_line, r.content_hash FROM records r"
                         // Walk the rowid from afterId ('+' keeps records_latest out): with
                         // that index each chunk sorted every remaining record to find its LIMIT.
                         " WHERE r.id>? AND +r.is_latest=1 AND +r.kind IN (SELECT value FROM json_each(?))"
                         " AND NOT EXISTS (SELECT 1 FROM deliveries d"
                         "   WHERE d.record_id=r.id AND d.target=?) ORDER BY r.id LIMIT ?");
        Statement problems(_db->handle(),
                           "SELECT field, rule, message FROM problems WHERE record_id=? AND target=''");
        select.bind(1, afterId).bind(2, kindsJson(kinds)).bind(3, target).bind(4, static_cast<std::int64_t>(limit));
        while (select.step()) {
            StoredRecord stored;
            stored.id = select.integer(0);
            stored.identity = select.text(1);
            stored.version = static_cast<int>(select.integer(2));
            stored.record.kind = select.text(3);
            stored.record.department = select.text(5);
            stored.record.sourceFile = select.text(6);
            stored.record.sourceLine = static_cast<std::size_t>(select.integer(7));
            // A record whose bytes changed on disk is mapped as nothing but held with the reason.
            if (contentHash(select.text(4), stored.record.department) != select.text(8))
                stored.corruption = kRecordChanged;
            else
                stored.record.fields = fieldsFromJson(select.text(4));
            problems.bind(1, stored.id);
            while (problems.step())
                stored.record.problems.push_back({problems.text(0), problems.text(1), problems.text(2)});
            problems.reset();
            out.push_back(std::move(stored));
        }
        return out;
    });
}

Status RecordStore::saveDeliveries(const std::string& target,
                                   const std::vector<DeliveryDecision>& decisions) {
    auto result = guarded(*_db, "saving mapping results", [&]() -> Result<bool> {
        Transaction tx(*_db);
        Statement insert(_db->handle(),
                         "INSERT INTO deliveries (record_id, target, record_key, state, mapped_fields,"
                         " mapping_version, indicators_defined, indicators_filled, updated_at, mapped_hash,"
                         " publicity_end) VALUES (?,?,?,?,?,?,?,?,?,?,?)");
        Statement problem(_db->handle(),
                          "INSERT INTO problems (record_id, target, field, rule, message) VALUES (?,?,?,?,?)");
        history::Writer events(*_db);
        std::string updatedAt = now();
        for (const auto& d : decisions) {
            std::string mapped = d.held ? std::string() : pairsToJson(d.mappedFields);
            insert.bind(1, d.recordId).bind(2, target).bind(3, d.recordKey)
                .bind(4, d.held ? "held" : "ready").bind(5, mapped)
                .bind(6, d.mappingVersion).bind(7, static_cast<std::int64_t>(d.indicatorsDefined))
                .bind(8, static_cast<std::int64_t>(d.indicatorsFilled)).bind(9, updatedAt)
                .bind(10, d.held ? std::string() : mappedHashOf(d.recordKey, d.mappingVersion, mapped))
                .bind(11, d.held ? std::string() : d.publicityEnd);
            insert.run();
            for (const auto& v : d.violations)
                problem.bind(1, d.recordId).bind(2, target).bind(3, v.field).bind(4, v.rule).bind(5, v.message).run();
            events.record(d.recordId, target, d.held ? "held" : "ready", heldDetail(d), updatedAt);
        }
        tx.commit();
        return true;
    });
    return result ? Status::ok() : result.status();
}

Result<std::vector<ReadyRecord>> RecordStore::readyRecords(const std::string& target,
                                                           const std::string& kind, std::size_t limit) {
    return guarded(*_db, "reading ready records", [&]() -> Result<std::vector<ReadyRecord>> {
        std::vector<ReadyRecord> out;
        Statement select(_db->handle(),
                         (std::string("SELECT ") + kReadyColumns +
                          " FROM deliveries d JOIN records r ON r.id=d.record_id"
                          " WHERE d.target=?1 AND d.state='ready' AND r.kind=?2 AND r.is_latest=1"
                         // A correction waits until the batch carrying the older version of the
                         // same record is settled, so the platform never ends on the older one.
                         // CROSS JOIN keeps the probe on this identity's few versions; a plain
                         // JOIN lets the planner walk every queued delivery per candidate row.
                         " AND NOT EXISTS (SELECT 1 FROM records o CROSS JOIN deliveries od"
                         "   WHERE o.identity=r.identity AND o.id<>r.id AND od.record_id=o.id"
                          "   AND od.target=?1 AND od.state='queued')"
                          " ORDER BY d.record_id LIMIT ?3")
                             .c_str());
        select.bind(1, target).bind(2, kind).bind(3, static_cast<std::int64_t>(limit));
        while (select.step()) out.push_back(readReadyRecord(select, kind));
        return out;
    });
}

Result<std::vector<ReadyRecord>> RecordStore::publishableRecords(const std::string& target,
                                                                const std::string& kind, bool onlyUnsent,
                                                                std::int64_t afterId, std::size_t limit) {
    return guarded(*_db, "reading publishable records", [&]() -> Result<std::vector<ReadyRecord>> {
        std::vector<ReadyRecord> out;
        // Led by the records' rowid from afterId, so each chunk reads only its own rows; led by
        // deliveries_state it sorted every remaining one.
        std::string sql = std::string("SELECT ") + kReadyColumns +
                          " FROM records r CROSS JOIN deliveries d"
                          " WHERE r.id>?3 AND +r.kind=?2 AND +r.is_latest=1 AND d.record_id=r.id"
                          " AND d.target=?1 AND +d.state IN " +
                          (onlyUnsent ? "('ready','dead')" : "('ready','queued','accepted','dead')") +
                          " ORDER BY r.id LIMIT ?4";
        Statement select(_db->handle(), sql.c_str());
        select.bind(1, target).bind(2, kind).bind(3, afterId).bind(4, static_cast<std::int64_t>(limit));
        while (select.step()) out.push_back(readReadyRecord(select, kind));
        return out;
    });
}

Status RecordStore::holdReady(const std::string& target, std::int64_t recordId, const Violation& reason) {
    auto result = guarded(*_db, "holding a record", [&]() -> Result<bool> {
        Transaction tx(*_db);
        Statement hold(_db->handle(),
                       "UPDATE deliveries SET state='held', mapped_fields='', mapped_hash='', updated_at=?"
                       " WHERE record_id=? AND target=? AND state='ready'");
        hold.bind(1, now()).bind(2, recordId).bind(3, target).run();
        Statement problem(_db->handle(),
                          "INSERT INTO problems (record_id, target, field, rule, message) VALUES (?,?,?,?,?)");
        problem.bind(1, recordId).bind(2, target).bind(3, reason.field).bind(4, reason.rule).bind(5, reason.message).run();
        history::Writer(*_db).record(recordId, target, "held", violationText(reason), now());
        tx.commit();
        return true;
    });
    return result ? Status::ok() : result.status();
}

Status RecordStore::enqueueBatch(const QueuedBatch& batch, const std::vector<std::int64_t>& recordIds) {
    auto result = guarded(*_db, "queueing a batch", [&]() -> Result<bool> {
        Transaction tx(*_db);
        Statement insert(_db->handle(),
                         "INSERT INTO batches (id, target, kind, mapping_version, content_type, payload,"
                         " signature, signer_id, record_count, state, created_at)"
                         " VALUES (?,?,?,?,?,?,?,?,?,'pending',?)");
        insert.bind(1, batch.id).bind(2, batch.target).bind(3, batch.kind).bind(4, batch.mappingVersion)
            .bind(5, batch.contentType).bindBlob(6, batch.payload).bindBlob(7, batch.signature)
            .bind(8, batch.signerId).bind(9, static_cast<std::int64_t>(recordIds.size())).bind(10, now());
        insert.run();
        Statement queue(_db->handle(),
                        "UPDATE deliveries SET state='queued', batch_id=?, updated_at=?"
                        " WHERE record_id=? AND target=? AND state='ready'");
        std::string updatedAt = now();
        for (std::int64_t id : recordIds) {
            queue.bind(1, batch.id).bind(2, updatedAt).bind(3, id).bind(4, batch.target).run();
            if (_db->changes() != 1)
                throw SqliteError("record " + std::to_string(id) + " was not ready for " + batch.target);
        }
        history::recordBatchDeliveries(*_db, batch.id, "packed", "", "batch " + batch.id, updatedAt);
        tx.commit();
        return true;
    });
    return result ? Status::ok() : result.status();
}

namespace {
QueuedBatch readBatch(Statement& s) {
    QueuedBatch batch;
    batch.id = s.text(0);
    batch.target = s.text(1);
    batch.kind = s.text(2);
    batch.mappingVersion = s.text(3);
    batch.contentType = s.text(4);
    batch.payload = s.text(5);
    batch.signature = s.text(6);
    batch.signerId = s.text(7);
    batch.recordCount = static_cast<std::size_t>(s.integer(8));
    batch.state = parseBatchState(s.text(9));
    batch.attempts = static_cast<int>(s.integer(10));
    batch.createdAt = s.text(11);
    return batch;
}
constexpr const char* kBatchColumns =
    "id, target, kind, mapping_version, content_type, payload, signature, signer_id, record_count,"
    " state, attempts, created_at";
constexpr const char* kBatchSummaryColumns =
    "id, target, kind, mapping_version, content_type, '', '', signer_id, record_count, state, attempts,"
    " created_at";
}  // namespace

Result<std::vector<QueuedBatch>> RecordStore::dueBatches(const std::string& target,
                                                        std::chrono::system_clock::time_point at) {
    return guarded(*_db, "reading due batches", [&]() -> Result<std::vector<QueuedBatch>> {
        std::vector<QueuedBatch> out;
        // Payloads stay on disk until the batch is sent (batch(id)): memory does not grow with
        // the backlog.
        std::string sql = std::string("SELECT ") + kBatchSummaryColumns +
                          " FROM batches WHERE target=? AND state IN ('pending','inflight','unknown')"
                          " AND next_attempt_at<=? ORDER BY rowid";
        Statement select(_db->handle(), sql.c_str());
        select.bind(1, target).bind(2, unixSeconds(at));
        while (select.step()) out.push_back(readBatch(select));
        return out;
    });
}

Result<QueuedBatch> RecordStore::batch(const std::string& batchId) {
    return guarded(*_db, "reading a batch", [&]() -> Result<QueuedBatch> {
        std::string sql = std::string("SELECT ") + kBatchColumns + " FROM batches WHERE id=?";
        Statement select(_db->handle(), sql.c_str());
        select.bind(1, batchId);
        if (!select.step()) return Status::notFound("no batch " + batchId);
        return readBatch(select);
    });
}

Result<std::optional<std::chrono::system_clock::time_point>> RecordStore::nextAttemptTime(
    const std::string& target) {
    using Time = std::optional<std::chrono::system_clock::time_point>;
    return guarded(*_db, "reading the retry schedule", [&]() -> Result<Time> {
        Statement select(_db->handle(),
                         "SELECT MIN(next_attempt_at) FROM batches WHERE target=?"
                         " AND state IN ('pending','inflight','unknown')");
        select.bind(1, target);
        if (!select.step() || select.isNull(0)) return Time();
        return Time(std::chrono::system_clock::time_point(std::chrono::seconds(select.integer(0))));
    });
}

Result<bool> RecordStore::markInflight(const std::string& batchId, std::chrono::system_clock::time_point now,
                                       std::chrono::seconds lease) {
    return guarded(*_db, "marking a batch in flight", [&]() -> Result<bool> {
        // Only a batch that is still due can be taken: a second sender on the same store
        // (`run` and a manual `upload`) finds it leased and leaves it alone.
        Statement update(_db->handle(),
                         "UPDATE batches SET state='inflight', next_attempt_at=? WHERE id=?"
                         " AND state IN ('pending','inflight','unknown') AND next_attempt_at<=?");
        update.bind(1, unixSeconds(now + lease)).bind(2, batchId).bind(3, unixSeconds(now)).run();
        return _db->changes() == 1;
    });
}

Status RecordStore::recordExport(std::string_view fileBytes, const std::string& target, const std::string& kind,
                                 const std::vector<std::int64_t>& recordIds) {
    auto result = guarded(*_db, "recording an export", [&]() -> Result<bool> {
        Transaction tx(*_db);
        const std::string hash = sha256Hex(fileBytes);
        Statement insert(_db->handle(),
                         "INSERT OR IGNORE INTO exports (sha256, target, kind, created_at) VALUES (?,?,?,?)");
        insert.bind(1, hash).bind(2, target).bind(3, kind).bind(4, now()).run();
        Statement member(_db->handle(), "INSERT OR IGNORE INTO export_records (sha256, record_id) VALUES (?,?)");
        for (std::int64_t id : recordIds) {
            member.reset();
            member.bind(1, hash).bind(2, id).run();
        }
        tx.commit();
        return true;
    });
    return result ? Status::ok() : result.status();
}

Result<RecordStore::ManualSubmission> RecordStore::markSubmitted(std::string_view fileBytes,
                                                                 const std::string& acceptedAt) {
    return guarded(*_db, "marking an export submitted", [&]() -> Result<ManualSubmission> {
        Transaction tx(*_db);
        const std::string hash = sha256Hex(fileBytes);
        ManualSubmission done;
        Statement find(_db->handle(), "SELECT target, kind FROM exports WHERE sha256=?");
        find.bind(1, hash);
        if (!find.step())
            return Status::notFound("this file was not made by `creditgw export` from this store, or it was changed "
                                    "after (SHA-256 " + hash.substr(0, 16) + "…); mark the file that was uploaded, "
                                    "as exported, with the --store it was exported from");
        done.target = find.text(0);
        done.kind = find.text(1);
        Statement states(_db->handle(),
                         "SELECT e.record_id, d.state, r.is_latest FROM export_records e"
                         " JOIN deliveries d ON d.record_id=e.record_id AND d.target=?2"
                         " JOIN records r ON r.id=e.record_id WHERE e.sha256=?1");
        states.bind(1, hash).bind(2, done.target);
        std::vector<std::int64_t> toMark;
        while (states.step()) {
            std::string state = states.text(1);
            bool latest = states.integer(2) != 0;
            if (latest && (state == "ready" || state == "dead")) toMark.push_back(states.integer(0));
            else if (state == "accepted") ++done.alreadyAccepted;
            else if (latest && state == "queued") ++done.stillQueued;
            else ++done.other;
        }
        std::string at = now();
        Statement mark(_db->handle(),
                       "UPDATE deliveries SET state='accepted', accepted_at=?, reason_code='', reason='', updated_at=?"
                       " WHERE record_id=? AND target=? AND state IN ('ready','dead')");
        history::Writer events(*_db);
        for (std::int64_t id : toMark) {
            mark.reset();
            mark.bind(1, acceptedAt).bind(2, at).bind(3, id).bind(4, done.target).run();
            events.record(id, done.target, "accepted", "uploaded by hand (mark-submitted), accepted " + acceptedAt, at);
            ++done.marked;
        }
        Statement submitted(_db->handle(), "UPDATE exports SET submitted_at=? WHERE sha256=?");
        submitted.bind(1, acceptedAt).bind(2, hash).run();
        tx.commit();
        return done;
    });
}

Status RecordStore::awaitReceipt(const std::string& batchId, std::chrono::system_clock::time_point nextCheck) {
    auto result = guarded(*_db, "waiting for a batch's receipt", [&]() -> Result<bool> {
        Statement update(_db->handle(),
                         "UPDATE batches SET next_attempt_at=? WHERE id=? AND state IN ('inflight','unknown')");
        update.bind(1, unixSeconds(nextCheck)).bind(2, batchId).run();
        return true;
    });
    return result ? Status::ok() : result.status();
}

Status RecordStore::recordFailedAttempt(const std::string& batchId, const Status& error,
                                        std::optional<std::chrono::system_clock::time_point> nextAttempt) {
    auto result = guarded(*_db, "recording a failed attempt", [&]() -> Result<bool> {
        Transaction tx(*_db);
        const char* state = !nextAttempt ? "dead" : error.code() == StatusCode::Unknown ? "unknown" : "pending";
        std::string at = now();
        history::recordSendAttempt(*_db, batchId, error.toString() + (nextAttempt ? "" : "; given up"), at);
        if (!nextAttempt) history::recordBatchDeliveries(*_db, batchId, "dead", "queued", error.toString(), at);
        if (!nextAttempt) operations::markDead(*_db, batchId, error.toString(), at);
        Statement update(_db->handle(),
                         "UPDATE batches SET state=?, next_attempt_at=?, last_error=?, attempts=attempts+1 WHERE id=?");
        update.bind(1, state).bind(2, nextAttempt ? unixSeconds(*nextAttempt) : std::int64_t{0})
            .bind(3, error.toString()).bind(4, batchId).run();
        if (!nextAttempt) {
            // A dead batch's records stay visible as dead with the reason; an operator can
            // re-queue them (`creditgw requeue`) once the cause is fixed.
            Statement dead(_db->handle(),
                           "UPDATE deliveries SET state='dead', reason=?, updated_at=? WHERE batch_id=? AND state='queued'");
            dead.bind(1, error.toString()).bind(2, now()).bind(3, batchId).run();
        }
        tx.commit();
        return true;
    });
    return result ? Status::ok() : result.status();
}

Result<std::vector<std::string>> RecordStore::batchRecordKeys(const std::string& batchId) {
    return guarded(*_db, "reading a batch's record keys", [&]() -> Result<std::vector<std::string>> {
        std::vector<std::string> keys;
        // A batch carries deliveries (新增/更新) or operations (撤销), never both.
        Statement select(_db->handle(),
                         "SELECT record_key FROM deliveries WHERE batch_id=?1"
                         " UNION ALL SELECT record_key FROM operations WHERE batch_id=?1");
        select.bind(1, batchId);
        while (select.step()) keys.push_back(select.text(0));
        return keys;
    });
}

Result<RecordStore::AppliedReceipt> RecordStore::applyReceipt(const std::string& batchId, const BatchReceipt& receipt,
                                                              const std::string& rawReceipt, int httpStatus) {
    return guarded(*_db, "applying a receipt", [&]() -> Result<AppliedReceipt> {
        Transaction tx(*_db);
        // A record re-sent by reconciliation keeps its first acceptance (the platform had
        // accepted it then; losing it was the platform's doing): 及时率 is judged on that time.
        AppliedReceipt outcome;
        Statement state(_db->handle(), "SELECT state FROM batches WHERE id=?");
        state.bind(1, batchId);
        if (!state.step()) return Status::notFound("no batch " + batchId);
        BatchState current = parseBatchState(state.text(0));
        if (current == BatchState::Done || current == BatchState::Dead) {
            outcome.settledAs = current;
            return outcome;  // settled before: the transaction rolls back, nothing was written
        }
        Statement update(_db->handle(),
                         "UPDATE deliveries SET state=?1,"
                         " accepted_at=CASE WHEN ?1='accepted' AND accepted_at<>'' THEN accepted_at ELSE ?2 END,"
                         " reason_code=?3, reason=?4, updated_at=?5 WHERE batch_id=?6 AND record_key=?7");
        std::string updatedAt = now();
        std::size_t& unknownKeys = outcome.unknownKeys;
        for (const auto& r : receipt.records) {
            update.bind(1, r.accepted ? "accepted" : "rejected").bind(2, r.accepted ? receipt.acceptedAt : "")
                .bind(3, r.code).bind(4, r.reason).bind(5, updatedAt).bind(6, batchId).bind(7, r.key).run();
            if (_db->changes() == 0 && !operations::applyReceiptRecord(*_db, batchId, r, receipt.acceptedAt, updatedAt))
                ++unknownKeys;
        }
        // A record the receipt does not mention is not silently "done": it stays visible as dead.
        Statement missing(_db->handle(),
                          "UPDATE deliveries SET state='dead', reason='not in the platform receipt',"
                          " updated_at=? WHERE batch_id=? AND state='queued'");
        missing.bind(1, updatedAt).bind(2, batchId).run();
        Statement done(_db->handle(),
                       "UPDATE batches SET state='done', receipt=?, done_at=?, last_error='' WHERE id=?");
        done.bindBlob(1, rawReceipt).bind(2, updatedAt).bind(3, batchId).run();
        history::recordSendAttempt(*_db, batchId,
                                   httpStatus > 0 ? "delivered, HTTP " + std::to_string(httpStatus)
                                                  : std::string("receipt fetched by query (the send's answer was lost)"),
                                   updatedAt);
        history::recordBatchDeliveries(*_db, batchId, nullptr, "", "", updatedAt);
        operations::settleBatch(*_db, batchId, updatedAt);
        tx.commit();
        outcome.applied = true;
        return outcome;
    });
}

Result<std::vector<DeliveryFact>> RecordStore::deliveryFacts(const std::string& target,
                                                             const std::vector<std::string>& kinds) {
    return guarded(*_db, "reading statistics", [&]() -> Result<std::vector<DeliveryFact>> {
        std::vector<DeliveryFact> out;
        // First acceptance of any version: a correction must not make an on-time record late.
        Statement select(_db->handle(),
                         "SELECT r.kind, r.department, r.decision_date, COALESCE(d.state, ''),"
                         // Both probes start from this identity's versions (CROSS JOIN fixes
                         // the order); led by deliveries they would walk the target's whole set.
                         " (SELECT MIN(d2.accepted_at) FROM records r2 CROSS JOIN deliveries d2"
                         "   WHERE r2.identity=r.identity AND d2.record_id=r2.id AND d2.target=?1"
                         "   AND d2.accepted_at<>''),"
                         " EXISTS (SELECT 1 FROM records r3 CROSS JOIN deliveries d3"
                         "   WHERE r3.identity=r.identity AND d3.record_id=r3.id AND d3.target=?1"
                         "   AND d3.state='rejected'),"
                         " COALESCE(d.indicators_defined, 0), COALESCE(d.indicators_filled, 0),"
                         " r.identity, r.source_file, r.source_line, r.id,"
                         " EXISTS (SELECT 1 FROM revocations v WHERE v.identity=r.identity)"
                         " FROM records r LEFT JOIN deliveries d ON d.record_id=r.id AND d.target=?1"
                         " WHERE r.is_latest=1 AND r.kind IN (SELECT value FROM json_each(?2))");
        select.bind(1, target).bind(2, kindsJson(kinds));
        while (select.step()) {
            DeliveryFact fact;
            fact.kind = select.text(0);
            fact.department = select.text(1);
            fact.decisionDate = select.text(2);
            fact.state = select.text(3);
            fact.firstAcceptedAt = select.isNull(4) ? "" : select.text(4);
            fact.everRejected = select.integer(5) != 0;
            fact.indicatorsDefined = static_cast<std::size_t>(select.integer(6));
            fact.indicatorsFilled = static_cast<std::size_t>(select.integer(7));
            fact.documentNumber = documentNumberOf(select.text(8));
            fact.sourceFile = select.text(9);
            fact.sourceLine = static_cast<std::size_t>(select.integer(10));
            fact.recordId = select.integer(11);
            fact.identity = select.text(8);
            fact.revoked = select.integer(12) != 0;
            out.push_back(std::move(fact));
        }
        return out;
    });
}

Status RecordStore::statisticsFacts(const std::string& target, const std::vector<std::string>& kinds,
                                    const std::string& from, const std::string& to, double completenessThreshold,
                                    const std::function<void(const DeliveryFact&)>& each) {
    auto read = guarded(*_db, "reading the statistics summary", [&]() -> Result<bool> {
        if (!statistics_summary::present(*_db)) return false;
        // Undated records (decision_date '') are in every period: computeStatistics counts them.
        const char* period =
            " AND (decision_date='' OR ((?3='' OR decision_date>=?3) AND (?4='' OR decision_date<=?4)))"
            " AND kind IN (SELECT value FROM json_each(?2))";
        // Latest records with no delivery for the target in any version are every record ('')
        // less those the target has: the few base rows (one per day, kind, department) first,
        // the target's rows subtracted as they stream by.
        auto baseKey = [](std::string_view date, std::string_view kind, std::string_view department, bool revoked) {
            std::string key;
            key.append(date).append(1, '\x1f').append(kind).append(1, '\x1f').append(department);
            return key.append(revoked ? "\x1f" "1" : "\x1f" "0");
        };
        std::map<std::string, std::int64_t> unmapped;
        Statement base(_db->handle(),
                       (std::string("SELECT decision_date, kind, department, revoked, records FROM stats_records"
                                    " WHERE target='' AND records<>0") + period).c_str());
        base.bind(2, kindsJson(kinds)).bind(3, from).bind(4, to);
        while (base.step())
            unmapped[baseKey(base.text(0), base.text(1), base.text(2), base.integer(3) != 0)] += base.integer(4);
        Statement rates(_db->handle(),
                        (std::string("SELECT decision_date, kind, department, state, first_accepted, ever_rejected,"
                                     " revoked, records FROM stats_records WHERE target=?1 AND records<>0") +
                         period)
                            .c_str());
        rates.bind(1, target).bind(2, kindsJson(kinds)).bind(3, from).bind(4, to);
        DeliveryFact fact;
        fact.part = DeliveryFact::Part::Rates;
        while (rates.step()) {
            fact.decisionDate = rates.text(0);
            fact.kind = rates.text(1);
            fact.department = rates.text(2);
            fact.state = rates.text(3);
            fact.firstAcceptedAt = rates.text(4);
            fact.everRejected = rates.integer(5) != 0;
            fact.revoked = rates.integer(6) != 0;
            fact.records = static_cast<std::size_t>(rates.integer(7));
            unmapped[baseKey(fact.decisionDate, fact.kind, fact.department, fact.revoked)] -=
                static_cast<std::int64_t>(fact.records);
            each(fact);
        }
        fact = DeliveryFact();
        fact.part = DeliveryFact::Part::Rates;
        for (const auto& [key, count] : unmapped) {
            if (count <= 0) continue;
            auto first = key.find('\x1f'), second = key.find('\x1f', first + 1), third = key.rfind('\x1f');
            fact.decisionDate = key.substr(0, first);
            fact.kind = key.substr(first + 1, second - first - 1);
            fact.department = key.substr(second + 1, third - second - 1);
            fact.revoked = key[third + 1] == '1';
            fact.records = static_cast<std::size_t>(count);
            each(fact);
        }
        // The comparison computeStatistics makes, in the same double arithmetic; summed per
        // month, kind and department, each sum carrying one of its decision days.
        Statement complete(_db->handle(),
                           (std::string("SELECT decision_date, kind, department, records FROM stats_indicators"
                                        " WHERE target=?1 AND records<>0 AND decision_date<>'' AND indicators_defined>0"
                                        " AND indicators_filled>=?5*indicators_defined-1e-9") +
                            period).c_str());
        complete.bind(1, target).bind(2, kindsJson(kinds)).bind(3, from).bind(4, to).bindReal(5, completenessThreshold);
        std::map<std::string, std::int64_t> completeRecords;
        while (complete.step()) {
            std::string date = complete.text(0);
            completeRecords[baseKey(date.substr(0, 7), complete.text(1), complete.text(2), false) + date] +=
                complete.integer(3);
        }
        fact = DeliveryFact();
        fact.part = DeliveryFact::Part::Complete;
        std::string lastMonth;
        for (auto it = completeRecords.begin(); it != completeRecords.end();) {
            // Keys sort by month, kind, department, then day: one fact per (month, kind, department).
            std::string group = it->first.substr(0, it->first.size() - 10);
            fact.decisionDate = it->first.substr(it->first.size() - 10);
            auto first = group.find('\x1f'), second = group.find('\x1f', first + 1), third = group.rfind('\x1f');
            fact.kind = group.substr(first + 1, second - first - 1);
            fact.department = group.substr(second + 1, third - second - 1);
            std::int64_t sum = 0;
            for (; it != completeRecords.end() && it->first.compare(0, group.size(), group) == 0 &&
                   it->first.size() == group.size() + 10;
                 ++it)
                sum += it->second;
            fact.records = static_cast<std::size_t>(sum);
            if (sum > 0) each(fact);
        }
        return true;
    });
    if (!read) return read.status();
    if (*read) return Status::ok();
    auto facts = deliveryFacts(target, kinds);
    if (!facts) return facts.status();
    for (const auto& fact : *facts) each(fact);
    return Status::ok();
}

Result<std::size_t> RecordStore::rebuildStatisticsSummary() {
    return guarded(*_db, "rebuilding the statistics summary", [&]() -> Result<std::size_t> {
        Transaction tx(*_db);
        statistics_summary::fill(*_db);
        Statement rows(_db->handle(),
                       "/* full-scan: counts the rebuilt summary, once */"
                       " SELECT (SELECT COUNT(*) FROM stats_records) + (SELECT COUNT(*) FROM stats_indicators)");
        rows.step();
        std::size_t count = static_cast<std::size_t>(rows.integer(0));
        tx.commit();
        return count;
    });
}

Result<std::vector<ProblemRecord>> RecordStore::problemRecords(const std::string& target, std::size_t limit) {
    return guarded(*_db, "reading problems", [&]() -> Result<std::vector<ProblemRecord>> {
        std::vector<ProblemRecord> out;
        Statement select(_db->handle(),
                         "/* full-scan: the report lists every held, rejected and dead record in file order */"
                         " SELECT r.kind, r.department, r.source_file, r.source_line, r.identity, d.state,"
                         " p.field, p.rule, p.message FROM deliveries d JOIN records r ON r.id=d.record_id"
                         " JOIN problems p ON p.record_id=r.id AND p.target IN ('', d.target)"
                         " WHERE d.target=?1 AND d.state='held' AND r.is_latest=1"
                         " UNION ALL"
                         " SELECT r.kind, r.department, r.source_file, r.source_line, r.identity, d.state,"
                         " '', d.reason_code, d.reason FROM deliveries d JOIN records r ON r.id=d.record_id"
                         " WHERE d.target=?1 AND d.state IN ('rejected','dead') AND r.is_latest=1"
                         " ORDER BY 3, 4 LIMIT ?2");
        select.bind(1, target).bind(2, static_cast<std::int64_t>(limit));
        while (select.step()) {
            out.push_back({select.text(0), select.text(1), select.text(2),
                           static_cast<std::size_t>(select.integer(3)), select.text(4), select.text(5),
                           select.text(6), select.text(7), select.text(8)});
        }
        return out;
    });
}

Result<RecordStore::BatchSummary> RecordStore::batchSummary(const std::string& target) {
    return guarded(*_db, "summarising batches", [&]() -> Result<BatchSummary> {
        BatchSummary summary;
        Statement byState(_db->handle(), "SELECT state, COUNT(*) FROM batches WHERE target=? GROUP BY 1 ORDER BY 1");
        byState.bind(1, target);
        while (byState.step())
            summary.byState.emplace_back(byState.text(0), static_cast<std::size_t>(byState.integer(1)));
        Statement oldest(_db->handle(),
                         // MIN over the waiting batches' index entries: no sort of the backlog.
                         "SELECT created_at, last_error FROM batches WHERE rowid=(SELECT MIN(rowid)"
                         " FROM batches WHERE target=? AND state IN ('pending','inflight','unknown'))");
        oldest.bind(1, target);
        if (oldest.step()) {
            summary.oldestWaitingSince = oldest.text(0);
            summary.lastError = oldest.text(1);
        }
        return summary;
    });
}

Result<TargetHealth> RecordStore::health(const std::string& target, const std::vector<std::string>& kinds) {
    auto states = stateCounts(target, kinds);
    if (!states) return states.status();
    auto batches = batchSummary(target);
    if (!batches) return batches.status();
    auto byKind = recordsPerKind(kinds);
    if (!byKind) return byKind.status();
    TargetHealth health;
    health.target = target;
    health.records = *states;
    health.byKind = *byKind;
    health.batches = batches->byState;
    health.oldestWaitingSince = batches->oldestWaitingSince;
    health.lastError = batches->lastError;
    for (const auto& [state, count] : health.records) {
        health.total += count;
        if (state == "dead") health.dead += count;
    }
    for (const auto& [state, count] : health.batches)
        if (state == "dead") health.dead += count;
    if (auto since = parseTimestamp(health.oldestWaitingSince))
        health.waitedSeconds =
            std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now() - *since).count();
    return health;
}

Result<std::size_t> RecordStore::requeueDead(const std::string& target) {
    return guarded(*_db, "re-queueing dead records", [&]() -> Result<std::size_t> {
        Transaction tx(*_db);
        // Their signed bytes stay with the dead batch for the record; the records are packed
        // and signed again, in new batches.
        history::recordRequeued(*_db, target, now());
        Statement update(_db->handle(),
                         "UPDATE deliveries SET state='ready', batch_id=NULL, reason='', reason_code='', updated_at=?"
                         " WHERE target=? AND state='dead' AND mapped_fields<>''");
        update.bind(1, now()).bind(2, target).run();
        std::size_t count = static_cast<std::size_t>(_db->changes());
        tx.commit();
        return count;
    });
}

Result<std::vector<std::pair<std::string, std::size_t>>> RecordStore::stateCounts(const std::string& target,
                                                                                      const std::vector<std::string>& kinds) {
    return guarded(*_db, "counting states",
                   [&]() -> Result<std::vector<std::pair<std::string, std::size_t>>> {
        std::vector<std::pair<std::string, std::size_t>> out;
        if (statistics_summary::present(*_db)) {
            // From the statistics summary: the target's rows by state; unmapped, every latest
            // record ('') less those the target has.
            Statement select(_db->handle(),
                             "SELECT state, SUM(records) FROM stats_records WHERE target=?1 AND records<>0"
                             " AND kind IN (SELECT value FROM json_each(?2)) GROUP BY state"
                             " UNION ALL SELECT 'all', SUM(records) FROM stats_records WHERE target=''"
                             " AND records<>0 AND kind IN (SELECT value FROM json_each(?2))");
            select.bind(1, target).bind(2, kindsJson(kinds));
            std::map<std::string, std::int64_t> counts;
            std::int64_t all = 0, mapped = 0;
            while (select.step()) {
                std::string state = select.text(0);
                std::int64_t count = select.integer(1);
                if (state == "all") all = count;
                else counts[state.empty() ? "unmapped" : state] += count, mapped += count;
            }
            counts["unmapped"] += all - mapped;
            for (const auto& [state, count] : counts)
                if (count > 0) out.emplace_back(state, static_cast<std::size_t>(count));
            return out;
        }
        Statement select(_db->handle(),
                         "SELECT COALESCE(d.state, 'unmapped'), COUNT(*) FROM records r"
                         " LEFT JOIN deliveries d ON d.record_id=r.id AND d.target=?"
                         " WHERE r.is_latest=1 AND r.kind IN (SELECT value FROM json_each(?)) GROUP BY 1 ORDER BY 1");
        select.bind(1, target).bind(2, kindsJson(kinds));
        while (select.step())
            out.emplace_back(select.text(0), static_cast<std::size_t>(select.integer(1)));
        return out;
    });
}

Result<std::vector<std::pair<std::string, std::size_t>>> RecordStore::recordsPerKind(
    const std::vector<std::string>& kinds) {
    using Counts = std::vector<std::pair<std::string, std::size_t>>;
    return guarded(*_db, "counting records per kind", [&]() -> Result<Counts> {
        Counts out;
        if (statistics_summary::present(*_db)) {
            Statement select(_db->handle(),
                             "SELECT kind, SUM(records) FROM stats_records WHERE target='' AND records<>0"
                             " AND kind IN (SELECT value FROM json_each(?)) GROUP BY kind HAVING SUM(records)>0"
                             " ORDER BY kind");
            select.bind(1, kindsJson(kinds));
            while (select.step()) out.emplace_back(select.text(0), static_cast<std::size_t>(select.integer(1)));
            return out;
        }
        Statement select(_db->handle(),
                         "SELECT kind, COUNT(*) FROM records WHERE is_latest=1"
                         " AND kind IN (SELECT value FROM json_each(?)) GROUP BY kind ORDER BY kind");
        select.bind(1, kindsJson(kinds));
        while (select.step()) out.emplace_back(select.text(0), static_cast<std::size_t>(select.integer(1)));
        return out;
    });
}

}  // namespace creditgw
