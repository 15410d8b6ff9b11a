// Reconciliation's side of the store (docs/lifecycle.md): reading what the store says a target
// has accepted, and queueing the re-sends a comparison with the platform asked for, in the same
// transaction as their history events and the report.

#include <Poco/Exception.h>

#include "HistoryLog.h"
#include "OperationsLog.h"
#include "ReconciliationLog.h"
#include "creditgw/CivilDate.h"
#include "creditgw/Json.h"
#include "creditgw/RecordStore.h"

namespace creditgw {

namespace reconciliation {

void createSchema(Database& db) {
    db.exec(R"SQL(
CREATE TABLE IF NOT EXISTS reconciliations (
    id        INTEGER PRIMARY KEY,
    target    TEXT NOT NULL,
    at        TEXT NOT NULL,      -- when it ran (Asia/Shanghai ISO timestamp)
    day       TEXT NOT NULL,      -- the ISO day it counts for (today or --as-of): the daemon's daily run
    from_date TEXT NOT NULL,
    to_date   TEXT NOT NULL,
    report    TEXT NOT NULL       -- the JSON report, as `creditgw reconcile --format json` printed it
);
CREATE INDEX IF NOT EXISTS reconciliations_target ON reconciliations (target, id);
-- A platform's keys are looked up here when they match no record of the range (unknown records).
CREATE INDEX IF NOT EXISTS deliveries_key ON deliveries (record_key, target);
)SQL");
}

}  // namespace reconciliation

namespace {

std::string nowText() { return shanghaiTimestamp(std::chrono::system_clock::now()); }

std::string kindsArray(const std::vector<std::string>& kinds) {
    std::string json = "[";
    for (const auto& kind : kinds) json += (json.size() > 1 ? "," : "") + jsonString(kind);
    return json + "]";
}

// The record's latest operation at the target (the highest id decides: a 撤销 after a 下线 is
// what the platform should show last).
void addLatestOperation(Statement& operations, ReconcileRecord& record) {
    operations.bind(1, record.identity);
    while (operations.step()) {
        if (operations.integer(0) < record.operationId) continue;
        record.operationId = operations.integer(0);
        record.operation = operations.text(1);
        record.operationState = operations.text(2);
    }
    operations.reset();
}

}  // namespace

Result<std::vector<ReconcileRecord>> RecordStore::reconcileRecords(const std::string& target,
                                                                   const std::vector<std::string>& kinds,
                                                                   const ReconcileRange& range, std::int64_t afterId,
                                                                   std::size_t limit) {
    try {
        std::vector<ReconcileRecord> out;
        // Led by the records' rowid from afterId ('+' keeps records_latest out), so each chunk
        // reads only its own rows instead of sorting every remaining one for its LIMIT.
        Statement select(_db->handle(),
                         "SELECT r.id, r.identity, r.kind, r.decision_date, d.record_key, d.state, d.mapped_fields, d.publicity_end"
                         " FROM records r CROSS JOIN deliveries d"
                         " WHERE r.id>?5 AND +r.is_latest=1 AND +r.kind IN (SELECT value FROM json_each(?2))"
                         " AND (?3='' OR r.decision_date>=?3) AND (?4='' OR r.decision_date<=?4)"
                         " AND d.record_id=r.id AND d.target=?1 ORDER BY r.id LIMIT ?6");
        Statement operations(_db->handle(),
                             "SELECT id, operation, state FROM operations WHERE identity=?1 AND target=?2");
        operations.bind(2, target);
        select.bind(1, target).bind(2, kindsArray(kinds)).bind(3, range.from).bind(4, range.to).bind(5, afterId)
            .bind(6, static_cast<std::int64_t>(limit));
        while (select.step()) {
            ReconcileRecord record;
            record.recordId = select.integer(0);
            record.identity = select.text(1);
            record.kind = select.text(2);
            record.decisionDate = select.text(3);
            record.key = select.text(4);
            record.deliveryState = select.text(5);
            if (record.deliveryState == "accepted" && !select.text(6).empty())
                record.mappedFields = operations::fieldsFromPairs(select.text(6));
            record.publicityEnd = select.text(7);
            addLatestOperation(operations, record);
            out.push_back(std::move(record));
        }
        return out;
    } catch (const SqliteError& e) {
        return Status::transient(_db->path() + ": reading records to reconcile: " + e.what());
    } catch (const Poco::Exception& e) {
        return Status::corrupt(_db->path() + ": reading records to reconcile: stored JSON unreadable: " +
                               e.displayText());
    }
}

Result<std::set<std::string>> RecordStore::knownKeys(const std::string& target, const std::vector<std::string>& keys) {
    try {
        std::set<std::string> known;
        Statement delivered(_db->handle(), "SELECT 1 FROM deliveries WHERE record_key=? AND target=? LIMIT 1");
        for (const auto& key : keys) {
            delivered.bind(1, key).bind(2, target);
            if (delivered.step()) known.insert(key);
            delivered.reset();
        }
        return known;
    } catch (const SqliteError& e) {
        return Status::transient(_db->path() + ": looking up platform keys: " + e.what());
    }
}

namespace {

// Back to ready only from the state the comparison saw, so a record that moved meanwhile (a
// concurrent upload, an earlier reconciliation's re-send) is not queued twice.
bool requeueDelivery(Database& db, const std::string& target, const Finding& finding, const std::string& at,
                     const std::string& askedAt) {
    // Still the latest version: only that one is ever packed (a correction that came meanwhile
    // is sent by its own delivery).
    Statement update(db.handle(),
                     "UPDATE deliveries SET state='ready', batch_id=NULL, reason='', reason_code='', updated_at=?1"
                     " WHERE record_id=?2 AND target=?3 AND state='accepted' AND mapped_fields<>''"
                     " AND (?4='' OR updated_at<=?4)"  // settled after the platform answered (to the second): its answer is older
                     " AND EXISTS (SELECT 1 FROM records WHERE id=?2 AND is_latest=1)");
    update.bind(1, at).bind(2, finding.recordId).bind(3, target).bind(4, askedAt).run();
    return db.changes() == 1;
}

bool requeueOperation(Database& db, const Finding& finding, const std::string& at, const std::string& askedAt) {
    Statement update(db.handle(),
                     "UPDATE operations SET state='ready', batch_id=NULL, reason='', reason_code='', updated_at=?1"
                     " WHERE id=?2 AND state IN ('accepted','dead') AND (?3='' OR updated_at<=?3)");
    update.bind(1, at).bind(2, finding.operationId).bind(3, askedAt).run();
    return db.changes() == 1;
}

}  // namespace

Result<std::size_t> RecordStore::applyReconciliation(ReconcileReport& report) {
    try {
        Transaction tx(*_db);
        std::string at = nowText();
        history::Writer events(*_db);
        std::size_t requeued = 0;
        for (const auto& finding : report.findings) {
            if (finding.recordId == 0) continue;  // unknown here: no record to write it on
            bool queued = finding.kind == FindingKind::WithdrawnStillHeld ? requeueOperation(*_db, finding, at, report.askedAt)
                          : finding.requeues()                           ? requeueDelivery(*_db, report.target, finding, at, report.askedAt)
                                                                         : false;
            if (queued) ++requeued;
            if (finding.requeues() && !queued) continue;  // it moved since: nothing was found after all
            events.record(finding.recordId, report.target, "reconciled", finding.detail(), at);
        }
        report.requeued = requeued;
        Statement keep(_db->handle(),
                       "INSERT INTO reconciliations (target, at, day, from_date, to_date, report) VALUES (?,?,?,?,?,?)");
        keep.bind(1, report.target).bind(2, report.at.empty() ? at : report.at).bind(3, report.day)
            .bind(4, report.range.from).bind(5, report.range.to).bind(6, reconcileReportJson(report, kStoredFindingsPerList)).run();
        tx.commit();
        return requeued;
    } catch (const SqliteError& e) {
        return Status::transient(_db->path() + ": recording a reconciliation: " + e.what());
    }
}

Result<std::optional<RecordStore::StoredReconciliation>> RecordStore::lastReconciliation(const std::string& target) {
    try {
        Statement select(_db->handle(),
                         "SELECT at, day, report FROM reconciliations WHERE target=? ORDER BY id DESC LIMIT 1");
        select.bind(1, target);
        if (!select.step()) return std::optional<StoredReconciliation>();
        return std::optional<StoredReconciliation>(StoredReconciliation{select.text(0), select.text(1), select.text(2)});
    } catch (const SqliteError& e) {
        // A store that was never opened by a writer since reconciliation existed has no table yet.
        if (std::string(e.what()).find("no such table") != std::string::npos)
            return std::optional<StoredReconciliation>();
        return Status::transient(_db->path() + ": reading the last reconciliation: " + e.what());
    }
}

}  // namespace creditgw
