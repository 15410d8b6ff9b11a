// Operations on a published record (issue 6): today 撤销 (withdrawal) from `creditgw revoke`.
// An operation is queued like a 新增: its bytes are packed and signed once, stored in a batch
// before any send, and settled by the platform's receipt (RecordStore::applyReceipt).

#include <Poco/Exception.h>

#include "HistoryLog.h"
#include "OperationsLog.h"
#include "creditgw/CivilDate.h"
#include "creditgw/Json.h"
#include "creditgw/RecordStore.h"

namespace creditgw {

namespace operations {

// The operations table's columns, shared by the schema and by the migration that widens an
// older store's table (SQLite cannot alter a CHECK constraint, so the table is rebuilt).
std::string operationsTable(const std::string& name) {
    return "CREATE TABLE IF NOT EXISTS " + name + R"SQL( (
    id              INTEGER PRIMARY KEY,
    identity        TEXT NOT NULL,
    kind            TEXT NOT NULL,
    record_id       INTEGER NOT NULL REFERENCES records(id),  -- the version whose fields travel
    target          TEXT NOT NULL,
    record_key      TEXT NOT NULL,
    operation       TEXT NOT NULL CHECK (operation IN ('revoke','takedown','repair')),
    state           TEXT NOT NULL CHECK (state IN ('ready','queued','accepted','rejected','dead')),
    mapped_fields   TEXT NOT NULL,
    mapping_version TEXT NOT NULL,
    batch_id        TEXT REFERENCES batches(id),
    accepted_at     TEXT NOT NULL DEFAULT '',
    reason_code     TEXT NOT NULL DEFAULT '',
    reason          TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    due_on          TEXT NOT NULL DEFAULT '',  -- takedown: the day after 公示截止期; repair: decided on
    UNIQUE (identity, target, operation)
);)SQL";
}

const char* const kOperationIndexes = R"SQL(
CREATE INDEX IF NOT EXISTS operations_state ON operations (target, state, kind, id);
CREATE INDEX IF NOT EXISTS operations_batch ON operations (batch_id, record_key);
CREATE INDEX IF NOT EXISTS operations_identity ON operations (identity, target, state);
-- The foreign-key check of a new record version: with the statistics summary's triggers an
-- INSERT INTO records writes several tables, and SQLite then plans the check of its children.
CREATE INDEX IF NOT EXISTS operations_record ON operations (record_id);
)SQL";

const char* const kSchema = R"SQL(
CREATE TABLE IF NOT EXISTS revocations (
    identity   TEXT PRIMARY KEY,
    kind       TEXT NOT NULL,
    reason     TEXT NOT NULL,
    basis      TEXT NOT NULL,
    origin     TEXT NOT NULL,            -- 'command' (creditgw revoke)
    revoked_at TEXT NOT NULL
);
-- 信用修复 decisions (creditgw repair): publication ends early (终止公示).
CREATE TABLE IF NOT EXISTS repairs (
    identity    TEXT PRIMARY KEY,
    kind        TEXT NOT NULL,
    basis       TEXT NOT NULL,           -- 修复决定文号
    decided_on  TEXT NOT NULL,           -- ISO date of the repair decision
    recorded_at TEXT NOT NULL
);
)SQL";

void createSchema(Database& db) {
    db.exec(kSchema);
    db.exec(operationsTable("operations").c_str());
    widenOlderOperationsTable(db);
    db.exec(kOperationIndexes);
}

// Stores from issue 6 part 1 allow only 'revoke' and have no due_on: rebuild the table under the
// write lock (looked at again inside it, so two processes opening an old store migrate once).
void widenOlderOperationsTable(Database& db) {
    auto isOld = [&db] {
        Statement sql(db.handle(), "/* full-scan: the schema, once at open */ SELECT sql FROM sqlite_master WHERE type='table' AND name='operations'");
        return sql.step() && sql.text(0).find("'takedown'") == std::string::npos;
    };
    if (!isOld()) return;
    Transaction tx(db);
    if (!isOld()) return;
    db.exec("DROP TABLE IF EXISTS operations_widened");
    db.exec(operationsTable("operations_widened").c_str());
    db.exec("INSERT INTO operations_widened (id, identity, kind, record_id, target, record_key, operation, state,"
            " mapped_fields, mapping_version, batch_id, accepted_at, reason_code, reason, created_at, updated_at)"
            " SELECT id, identity, kind, record_id, target, record_key, operation, state, mapped_fields,"
            " mapping_version, batch_id, accepted_at, reason_code, reason, created_at, updated_at FROM operations");
    db.exec("DROP TABLE operations");
    db.exec("ALTER TABLE operations_widened RENAME TO operations");
    tx.commit();
}

bool applyReceiptRecord(Database& db, const std::string& batchId, const RecordReceipt& r, const std::string& acceptedAt,
                        const std::string& at) {
    Statement update(db.handle(),
                     // A re-send (reconciliation) keeps the first acceptance: 撤销及时率 is judged on it.
                     "UPDATE operations SET state=?1, accepted_at=CASE WHEN accepted_at<>'' THEN accepted_at ELSE ?2 END,"
                     " reason_code=?3, reason=?4, updated_at=?5 WHERE batch_id=?6 AND record_key=?7");
    update.bind(1, r.accepted ? "accepted" : "rejected").bind(2, r.accepted ? acceptedAt : "").bind(3, r.code)
        .bind(4, r.reason).bind(5, at).bind(6, batchId).bind(7, r.key).run();
    return db.changes() > 0;
}

void settleBatch(Database& db, const std::string& batchId, const std::string& at) {
    Statement missing(db.handle(),
                      "UPDATE operations SET state='dead', reason='not in the platform receipt', updated_at=?"
                      " WHERE batch_id=? AND state='queued'");
    missing.bind(1, at).bind(2, batchId).run();
    recordEvents(db, batchId, "", at);
}

void markDead(Database& db, const std::string& batchId, const std::string& reason, const std::string& at) {
    Statement dead(db.handle(),
                   "UPDATE operations SET state='dead', reason=?, updated_at=? WHERE batch_id=? AND state='queued'");
    dead.bind(1, reason).bind(2, at).bind(3, batchId).run();
    recordEvents(db, batchId, "queued-now-dead", at);
}

void recordEvents(Database& db, const std::string& batchId, const std::string& phase, const std::string& at) {
    // The history names a withdrawal by what happened to it: revoke_queued when packed, revoked
    // on the platform's acceptance, rejected / dead otherwise.
    Statement insert(db.handle(),
                     "INSERT INTO history (record_id, target, event, detail, batch_id, at)"
                     " SELECT record_id, target,"
                     " CASE WHEN ?1='packed' THEN operation || '_queued'"
                     "  WHEN state<>'accepted' THEN state WHEN operation='revoke' THEN 'revoked'"
                     "  WHEN operation='takedown' THEN 'taken_down' ELSE 'repaired' END,"
                     " CASE WHEN ?1='packed' THEN 'batch ' || batch_id ELSE TRIM(reason_code || ' ' || reason) END,"
                     " batch_id, ?2 FROM operations WHERE batch_id=?3"
                     " AND (?1<>'queued-now-dead' OR state='dead')");
    insert.bind(1, phase).bind(2, at).bind(3, batchId).run();
}

}  // namespace operations

namespace {

std::string nowText() { return shanghaiTimestamp(std::chrono::system_clock::now()); }

// "<机关>|<文书号>|<相对人>|<kind>" → its parts; empty for an unidentified record.
std::vector<std::string> identityParts(const std::string& identity) {
    if (identity.rfind("unidentified|", 0) == 0) return {};
    std::vector<std::string> parts;
    std::size_t start = 0;
    for (;;) {
        auto bar = identity.find('|', start);
        parts.push_back(identity.substr(start, bar == std::string::npos ? std::string::npos : bar - start));
        if (bar == std::string::npos) break;
        start = bar + 1;
    }
    return parts.size() == 4 ? parts : std::vector<std::string>();
}

std::string upper(std::string text) {
    for (char& c : text)
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    return text;
}

bool subjectMatches(const std::string& subject, const std::string& wanted) {
    if (wanted.empty()) return true;
    std::string w = upper(wanted);
    auto equals = subject.find('=');  // "CF_XDR_GSZC=…" for a placeholder USCC
    return subject == w || (equals != std::string::npos && subject.substr(equals + 1) == w);
}

std::vector<std::string> identitiesToRevoke(Database& db, const RevokeRequest& request) {
    Statement select(db.handle(),
                     "/* full-scan: an officer's 撤销 by 文书号, not per record */"
                     " SELECT DISTINCT identity FROM records WHERE instr(identity, '|' || ?1 || '|') > 0");
    select.bind(1, request.documentNumber);
    std::vector<std::string> out;
    while (select.step()) {
        auto parts = identityParts(select.text(0));
        if (parts.empty() || parts[1] != request.documentNumber || parts[3] != request.kind) continue;
        if (subjectMatches(parts[2], request.subject)) out.push_back(select.text(0));
    }
    return out;
}

// One 撤销 per target that accepted a version of the identity (or has one queued), carrying the
// fields of the latest such version.
std::size_t queueWithdrawals(Database& db, const std::string& identity, const std::string& kind, const std::string& at) {
    Statement published(db.handle(),
                        "SELECT d.target, d.record_key, d.mapped_fields, d.mapping_version, d.record_id"
                        " FROM records o CROSS JOIN deliveries d WHERE o.identity=? AND d.record_id=o.id"
                        " AND d.state IN ('accepted','queued') AND d.mapped_fields<>''"
                        // Taken down or repaired there already: the platform no longer publishes it,
                        // and a 撤销 of it would be refused (and counted late for ever).
                        " AND NOT EXISTS (SELECT 1 FROM operations e WHERE e.identity=o.identity AND e.target=d.target"
                        "   AND e.operation IN ('takedown','repair') AND e.accepted_at<>'')"
                        " ORDER BY d.target, o.version DESC");
    Statement insert(db.handle(),
                     "INSERT OR IGNORE INTO operations (identity, kind, record_id, target, record_key, operation, state,"
                     " mapped_fields, mapping_version, created_at, updated_at) VALUES (?,?,?,?,?,'revoke','ready',?,?,?,?)");
    // A 下线 not packed yet is replaced by the 撤销: never sent, so nothing to undo, and a batch
    // must not carry the record's key twice (its receipt would be an anomaly).
    Statement dropTakedown(db.handle(),
                           "DELETE FROM operations WHERE identity=? AND target=? AND operation='takedown' AND state='ready'"
                           " AND accepted_at='' AND batch_id IS NULL");
    published.bind(1, identity);
    std::string lastTarget;
    std::size_t queued = 0;
    while (published.step()) {
        if (published.text(0) == lastTarget) continue;  // an older version of the same target
        lastTarget = published.text(0);
        dropTakedown.bind(1, identity).bind(2, lastTarget).run();
        insert.bind(1, identity).bind(2, kind).bind(3, published.integer(4)).bind(4, lastTarget)
            .bind(5, published.text(1)).bind(6, published.text(2)).bind(7, published.text(3)).bind(8, at).bind(9, at).run();
        queued += static_cast<std::size_t>(db.changes());
    }
    return queued;
}

// Deliveries not sent yet (ready, or dead and so re-queueable) are held, so the revoked record
// never goes out as 新增.
std::size_t holdUnsent(Database& db, const std::string& identity, const std::string& why, const std::string& at) {
    Statement unsent(db.handle(),
                     "SELECT d.record_id, d.target FROM records o CROSS JOIN deliveries d"
                     " WHERE o.identity=? AND d.record_id=o.id AND d.state IN ('ready','dead')");
    Statement hold(db.handle(),
                   "UPDATE deliveries SET state='held', mapped_fields='', updated_at=? WHERE record_id=? AND target=?");
    Statement problem(db.handle(),
                      "INSERT INTO problems (record_id, target, field, rule, message) VALUES (?,?,'','revoked',?)");
    history::Writer events(db);
    unsent.bind(1, identity);
    std::vector<std::pair<std::int64_t, std::string>> rows;
    while (unsent.step()) rows.emplace_back(unsent.integer(0), unsent.text(1));
    for (const auto& [recordId, target] : rows) {
        hold.bind(1, at).bind(2, recordId).bind(3, target).run();
        problem.bind(1, recordId).bind(2, target).bind(3, why).run();
        events.record(recordId, target, "held", "revoked: " + why, at);
    }
    return rows.size();
}

}  // namespace

Result<RevokeOutcome> RecordStore::revokeRecords(const RevokeRequest& request) {
    try {
        RevokeOutcome outcome;
        Transaction tx(*_db);
        std::string at = nowText();
        std::string why = "撤销: " + request.reason + (request.basis.empty() ? "" : " (依据 " + request.basis + ")");
        Statement revoke(_db->handle(),
                         "INSERT OR IGNORE INTO revocations (identity, kind, reason, basis, origin, revoked_at)"
                         " VALUES (?,?,?,?,'command',?)");
        for (const auto& identity : identitiesToRevoke(*_db, request)) {
            revoke.bind(1, identity).bind(2, request.kind).bind(3, request.reason).bind(4, request.basis).bind(5, at).run();
            if (_db->changes() == 0) {
                ++outcome.alreadyRevoked;
                continue;
            }
            ++outcome.records;
            outcome.withdrawalsQueued += queueWithdrawals(*_db, identity, request.kind, at);
            outcome.heldUnsent += holdUnsent(*_db, identity, why, at);
        }
        tx.commit();
        return outcome;
    } catch (const SqliteError& e) {
        return Status::transient(_db->path() + ": revoking records: " + e.what());
    }
}

Result<RevokeOutcome> RecordStore::revokeFromSource(
    const std::vector<std::pair<std::string, std::string>>& identityReasons) {
    try {
        RevokeOutcome outcome;
        Transaction tx(*_db);
        std::string at = nowText();
        Statement revoke(_db->handle(),
                         "INSERT OR IGNORE INTO revocations (identity, kind, reason, basis, origin, revoked_at)"
                         " VALUES (?,?,?,'','source',?)");
        for (const auto& [identity, reason] : identityReasons) {
            auto parts = identityParts(identity);
            if (parts.empty()) continue;  // an unidentified record is held anyway
            revoke.bind(1, identity).bind(2, parts[3]).bind(3, reason).bind(4, at).run();
            if (_db->changes() == 0) {
                ++outcome.alreadyRevoked;
                continue;
            }
            ++outcome.records;
            outcome.withdrawalsQueued += queueWithdrawals(*_db, identity, parts[3], at);
            outcome.heldUnsent += holdUnsent(*_db, identity, "撤销 in the source: " + reason, at);
        }
        tx.commit();
        return outcome;
    } catch (const SqliteError& e) {
        return Status::transient(_db->path() + ": revoking records: " + e.what());
    }
}

Result<std::vector<OperationFact>> RecordStore::operationFacts(const std::string& target) {
    try {
        std::vector<OperationFact> out;
        Statement select(_db->handle(),
                         "SELECT o.operation, o.kind, o.identity, r.department,"
                         " CASE WHEN o.operation='revoke' THEN COALESCE(v.revoked_at, o.created_at) ELSE o.created_at END,"
                         " o.due_on, o.state, o.accepted_at"
                         " FROM operations o JOIN records r ON r.id=o.record_id"
                         " LEFT JOIN revocations v ON v.identity=o.identity"
                         " WHERE o.target=? ORDER BY o.id");
        select.bind(1, target);
        while (select.step()) {
            auto parts = identityParts(select.text(2));
            out.push_back({select.text(0), select.text(1), parts.size() > 1 ? parts[1] : "", select.text(3),
                           select.text(4), select.text(5), select.text(6), select.text(7)});
        }
        return out;
    } catch (const SqliteError& e) {
        return Status::transient(_db->path() + ": reading operations: " + e.what());
    }
}

Result<std::vector<std::string>> RecordStore::revokedIdentities(const std::vector<std::string>& kinds) {
    try {
        std::vector<std::string> out;
        std::string json = "[";
        for (const auto& kind : kinds) json += (json.size() > 1 ? "," : "") + jsonString(kind);
        json += "]";
        Statement select(_db->handle(),
                         "/* full-scan: revocations are few; read once per mapping run */"
                         " SELECT identity FROM revocations WHERE kind IN (SELECT value FROM json_each(?))");
        select.bind(1, json);
        while (select.step()) out.push_back(select.text(0));
        return out;
    } catch (const SqliteError& e) {
        return Status::transient(_db->path() + ": reading revocations: " + e.what());
    }
}

Result<std::vector<ReadyOperation>> RecordStore::readyOperations(const std::string& target, const std::string& kind,
                                                                 std::size_t limit) {
    try {
        std::vector<ReadyOperation> out;
        Statement select(_db->handle(),
                         "SELECT o.id, o.record_key, o.mapped_fields, o.mapping_version, o.operation FROM operations o"
                         " WHERE o.target=?1 AND o.state='ready' AND o.kind=?2"
                         " AND NOT EXISTS (SELECT 1 FROM records r CROSS JOIN deliveries d"
                         "   WHERE r.identity=o.identity AND d.record_id=r.id AND d.target=?1 AND d.state='queued')"
                         // Never overtakes the record's earlier operation still in flight, and one
                         // operation per record per batch: a later one waits for the earlier's receipt.
                         " AND NOT EXISTS (SELECT 1 FROM operations e WHERE e.identity=o.identity AND e.target=?1"
                         "   AND (e.state='queued' OR (e.state='ready' AND e.id<o.id)))"
                         " ORDER BY o.id LIMIT ?3");
        select.bind(1, target).bind(2, kind).bind(3, static_cast<std::int64_t>(limit));
        while (select.step()) {
            ReadyOperation op;
            op.id = select.integer(0);
            op.mapped.key = select.text(1);
            op.mapped.kind = kind;
            op.mapped.fields = operations::fieldsFromPairs(select.text(2));
            op.mappingVersion = select.text(3);
            op.operation = select.text(4);
            out.push_back(std::move(op));
        }
        return out;
    } catch (const SqliteError& e) {
        return Status::transient(_db->path() + ": reading operations: " + e.what());
    } catch (const Poco::Exception& e) {
        return Status::corrupt(_db->path() + ": reading operations: stored JSON unreadable: " + e.displayText());
    }
}

namespace {

struct TakedownCandidate {
    std::int64_t recordId = 0;
    std::string identity, kind;
};

// The latest accepted version of `identity` at `target` decides: its fields travel and its end
// counts (a correction may have moved 公示截止期). Empty key when none is accepted.
struct LatestAccepted {
    std::int64_t recordId = 0;
    std::string key, fields, mappingVersion, publicityEnd;
};
LatestAccepted latestAccepted(Database& db, const std::string& identity, const std::string& target) {
    Statement select(db.handle(),
                     "SELECT d.record_id, d.record_key, d.mapped_fields, d.mapping_version, d.publicity_end"
                     " FROM records o CROSS JOIN deliveries d WHERE o.identity=?1 AND d.record_id=o.id"
                     " AND d.target=?2 AND d.state='accepted' AND d.mapped_fields<>'' ORDER BY o.version DESC LIMIT 1");
    select.bind(1, identity).bind(2, target);
    if (!select.step()) return {};
    return {select.integer(0), select.text(1), select.text(2), select.text(3), select.text(4)};
}

bool isRevoked(Database& db, const std::string& identity) {
    Statement select(db.handle(), "SELECT 1 FROM revocations WHERE identity=?");
    select.bind(1, identity);
    return select.step();
}

// A repaired record's publication already ended by 终止公示: no 下线 follows it.
bool isRepaired(Database& db, const std::string& identity) {
    Statement select(db.handle(), "SELECT 1 FROM repairs WHERE identity=?");
    select.bind(1, identity);
    return select.step();
}

// A newer version than the accepted one waits at the target (a correction ready, queued or
// given up): its own 公示截止期 decides once it is accepted, so the old end must not take the
// record down meanwhile.
bool newerVersionPending(Database& db, const std::string& identity, const std::string& target,
                         std::int64_t acceptedRecordId) {
    Statement select(db.handle(),
                     "SELECT 1 FROM records o CROSS JOIN deliveries d WHERE o.identity=?1 AND d.record_id=o.id"
                     " AND d.target=?2 AND o.id>?3 AND d.state IN ('ready','queued','dead') LIMIT 1");
    select.bind(1, identity).bind(2, target).bind(3, acceptedRecordId);
    return select.step();
}

// Publication of the identity at the target has ended (or ends now): no delivery of it is a
// 下线 candidate any more.
void closePublicity(Database& db, const std::string& identity, const std::string& target, const std::string& at) {
    Statement close(db.handle(),
                    "UPDATE deliveries SET publicity_end='', updated_at=? WHERE target=? AND publicity_end<>''"
                    " AND record_id IN (SELECT id FROM records WHERE identity=?)");
    close.bind(1, at).bind(2, target).bind(3, identity).run();
}

}  // namespace

Result<std::size_t> RecordStore::queueTakedowns(const std::string& target, const CivilDate& today) {
    try {
        Transaction tx(*_db);
        std::string at = nowText();
        std::string todayIso = today.toIso();
        Statement due(_db->handle(),
                      "SELECT d.record_id, r.identity, r.kind FROM deliveries d JOIN records r ON r.id=d.record_id"
                      " WHERE d.target=?1 AND d.state='accepted' AND d.publicity_end<>'' AND d.publicity_end<?2");
        due.bind(1, target).bind(2, todayIso);
        std::vector<TakedownCandidate> candidates;
        while (due.step()) candidates.push_back({due.integer(0), due.text(1), due.text(2)});
        Statement insert(_db->handle(),
                         "INSERT OR IGNORE INTO operations (identity, kind, record_id, target, record_key, operation, state,"
                         " mapped_fields, mapping_version, created_at, updated_at, due_on)"
                         " VALUES (?,?,?,?,?,'takedown','ready',?,?,?,?,?)");
        std::size_t queued = 0;
        for (const auto& c : candidates) {
            LatestAccepted latest = latestAccepted(*_db, c.identity, target);
            bool ended = !latest.key.empty() && !latest.publicityEnd.empty() && latest.publicityEnd < todayIso;
            if (!latest.key.empty() && !ended && latest.recordId != c.recordId) {
                // A newer version publishes it until a later day: only this older row leaves the scan.
                Statement clear(_db->handle(), "UPDATE deliveries SET publicity_end='' WHERE record_id=? AND target=?");
                clear.bind(1, c.recordId).bind(2, target).run();
                continue;
            }
            if (ended && newerVersionPending(*_db, c.identity, target, latest.recordId)) continue;  // looked at again tomorrow
            if (ended && !isRevoked(*_db, c.identity) && !isRepaired(*_db, c.identity)) {
                std::string dueOn = CivilDate::parse(latest.publicityEnd)->addDays(1).toIso();
                insert.bind(1, c.identity).bind(2, c.kind).bind(3, latest.recordId).bind(4, target).bind(5, latest.key)
                    .bind(6, latest.fields).bind(7, latest.mappingVersion).bind(8, at).bind(9, at).bind(10, dueOn).run();
                queued += static_cast<std::size_t>(_db->changes());
            }
            closePublicity(*_db, c.identity, target, at);
        }
        tx.commit();
        return queued;
    } catch (const SqliteError& e) {
        return Status::transient(_db->path() + ": queueing 下线 operations: " + e.what());
    }
}

Result<std::vector<RepairCandidate>> RecordStore::repairCandidates(const RevokeRequest& which) {
    try {
        std::vector<RepairCandidate> out;
        Statement latest(_db->handle(),
                         "SELECT decision_date, fields FROM records WHERE identity=? AND +is_latest<>0"
                         " ORDER BY version DESC LIMIT 1");
        for (const auto& identity : identitiesToRevoke(*_db, which)) {
            latest.bind(1, identity);
            if (latest.step()) out.push_back({identity, latest.text(0), latest.text(1)});
            latest.reset();
        }
        return out;
    } catch (const SqliteError& e) {
        return Status::transient(_db->path() + ": reading records to repair: " + e.what());
    }
}

Result<RepairOutcome> RecordStore::repairRecords(const std::vector<std::string>& identities, const std::string& kind,
                                                 const std::string& basis, const CivilDate& decided) {
    try {
        RepairOutcome outcome;
        Transaction tx(*_db);
        std::string at = nowText();
        Statement repair(_db->handle(),
                         "INSERT OR IGNORE INTO repairs (identity, kind, basis, decided_on, recorded_at) VALUES (?,?,?,?,?)");
        Statement published(_db->handle(),
                            "SELECT d.target, d.record_key, d.mapped_fields, d.mapping_version, d.record_id"
                            " FROM records o CROSS JOIN deliveries d WHERE o.identity=?1 AND d.record_id=o.id"
                            " AND d.state IN ('accepted','queued') AND d.mapped_fields<>''"
                            " AND NOT EXISTS (SELECT 1 FROM operations e WHERE e.identity=?1 AND e.target=d.target"
                            "   AND e.state IN ('ready','queued','accepted'))"
                            " ORDER BY d.target, o.version DESC");
        Statement insert(_db->handle(),
                         "INSERT OR IGNORE INTO operations (identity, kind, record_id, target, record_key, operation, state,"
                         " mapped_fields, mapping_version, created_at, updated_at, due_on)"
                         " VALUES (?,?,?,?,?,'repair','ready',?,?,?,?,?)");
        Statement close(_db->handle(),
                        "UPDATE deliveries SET publicity_end='' WHERE publicity_end<>''"
                        " AND record_id IN (SELECT id FROM records WHERE identity=?)");
        for (const auto& identity : identities) {
            repair.bind(1, identity).bind(2, kind).bind(3, basis).bind(4, decided.toIso()).bind(5, at).run();
            if (_db->changes() == 0) {
                ++outcome.alreadyRepaired;
                continue;
            }
            ++outcome.records;
            published.bind(1, identity);
            std::string lastTarget;
            std::vector<std::vector<std::string>> rows;
            std::vector<std::int64_t> recordIds;
            while (published.step()) {
                if (published.text(0) == lastTarget) continue;  // an older version of the same target
                lastTarget = published.text(0);
                rows.push_back({published.text(0), published.text(1), published.text(2), published.text(3)});
                recordIds.push_back(published.integer(4));
            }
            published.reset();
            for (std::size_t i = 0; i < rows.size(); ++i) {
                insert.bind(1, identity).bind(2, kind).bind(3, recordIds[i]).bind(4, rows[i][0]).bind(5, rows[i][1])
                    .bind(6, rows[i][2]).bind(7, rows[i][3]).bind(8, at).bind(9, at).bind(10, decided.toIso()).run();
                outcome.operationsQueued += static_cast<std::size_t>(_db->changes());
            }
            close.bind(1, identity).run();
        }
        tx.commit();
        return outcome;
    } catch (const SqliteError& e) {
        return Status::transient(_db->path() + ": recording 信用修复: " + e.what());
    }
}

Status RecordStore::enqueueOperationBatch(const QueuedBatch& batch, const std::vector<std::int64_t>& operationIds) {
    try {
        Transaction tx(*_db);
        std::string at = nowText();
        Statement insert(_db->handle(),
                         "INSERT INTO batches (id, target, kind, mapping_version, content_type, payload,"
                         " signature, signer_id, record_count, state, created_at)"
                         " VALUES (?,?,?,?,?,?,?,?,?,'pending',?)");
        insert.bind(1, batch.id).bind(2, batch.target).bind(3, batch.kind).bind(4, batch.mappingVersion)
            .bind(5, batch.contentType).bindBlob(6, batch.payload).bindBlob(7, batch.signature)
            .bind(8, batch.signerId).bind(9, static_cast<std::int64_t>(operationIds.size())).bind(10, at);
        insert.run();
        Statement queue(_db->handle(),
                        "UPDATE operations SET state='queued', batch_id=?, updated_at=? WHERE id=? AND state='ready'");
        for (std::int64_t id : operationIds) {
            queue.bind(1, batch.id).bind(2, at).bind(3, id).run();
            if (_db->changes() != 1) throw SqliteError("operation " + std::to_string(id) + " was not ready");
        }
        operations::recordEvents(*_db, batch.id, "packed", at);
        tx.commit();
        return Status::ok();
    } catch (const SqliteError& e) {
        return Status::transient(_db->path() + ": queueing operations: " + e.what());
    }
}

}  // namespace creditgw
