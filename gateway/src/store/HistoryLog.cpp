// The history of each record: its schema, the writers RecordStore calls inside its own
// transactions, and the officers' reading of a timeline (`creditgw history`).

#include <algorithm>
#include <limits>
#include <map>
#include <tuple>

#include "HistoryLog.h"
#include "creditgw/RecordStore.h"

namespace creditgw {

namespace history {

const char* const kSchema = R"SQL(
CREATE TABLE IF NOT EXISTS history (
    id        INTEGER PRIMARY KEY,   -- commit order
    record_id INTEGER,               -- the record version concerned; NULL for a batch's own events
    target    TEXT NOT NULL,
    event     TEXT NOT NULL,
    detail    TEXT NOT NULL,
    batch_id  TEXT,
    at        TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS history_record ON history (record_id) WHERE record_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS history_batch ON history (batch_id) WHERE record_id IS NULL;
)SQL";

Writer::Writer(Database& db)
    : _insert(db.handle(), "INSERT INTO history (record_id, target, event, detail, at) VALUES (?,?,?,?,?)") {}

void Writer::record(std::int64_t recordId, const std::string& target, const char* event, const std::string& detail,
                    const std::string& at) {
    _insert.bind(1, recordId).bind(2, target).bind(3, event).bind(4, detail).bind(5, at).run();
}

void recordBatchDeliveries(Database& db, const std::string& batchId, const char* event,
                           const std::string& stateFilter, const std::string& detail, const std::string& at) {
    // A receipt's detail is the platform's code and reason for each record; packing names the batch.
    Statement insert(db.handle(),
                     "INSERT INTO history (record_id, target, event, detail, batch_id, at)"
                     " SELECT record_id, target, COALESCE(?1, state),"
                     " CASE WHEN ?2<>'' THEN ?2 ELSE TRIM(reason_code || ' ' || reason) END, batch_id, ?3"
                     " FROM deliveries WHERE batch_id=?4 AND (?5='' OR state=?5)");
    if (event) insert.bind(1, event);
    else insert.bindNull(1);
    insert.bind(2, detail).bind(3, at).bind(4, batchId).bind(5, stateFilter).run();
}

void recordSendAttempt(Database& db, const std::string& batchId, const std::string& outcome, const std::string& at) {
    Statement insert(db.handle(),
                     "INSERT INTO history (record_id, target, event, detail, batch_id, at)"
                     " SELECT NULL, target, 'sent', 'attempt ' || (attempts + 1) || ': ' || ?1, id, ?2"
                     " FROM batches WHERE id=?3");
    insert.bind(1, outcome).bind(2, at).bind(3, batchId).run();
}

void recordRequeued(Database& db, const std::string& target, const std::string& at) {
    Statement insert(db.handle(),
                     "INSERT INTO history (record_id, target, event, detail, at)"
                     " SELECT record_id, target, 'ready', 're-queued by an operator (creditgw requeue)', ?1"
                     " FROM deliveries WHERE target=?2 AND state='dead' AND mapped_fields<>''");
    insert.bind(1, at).bind(2, target).run();
}

}  // namespace history

namespace {

// The 文书号 of an identity "<机关>|<文书号>|<相对人>|<kind>"; "" for an unidentified record.
std::string documentPartOf(const std::string& identity) {
    if (identity.rfind("unidentified|", 0) == 0) return {};
    auto first = identity.find('|');
    if (first == std::string::npos) return {};
    auto second = identity.find('|', first + 1);
    return identity.substr(first + 1, second == std::string::npos ? std::string::npos : second - first - 1);
}

// Sorted by time, then by commit order. A version's ingest has no history row of its own: it
// sorts just before the first event of that version (or last in its second when it has none),
// so events of one second keep the order they happened in.
struct OrderedEvent {
    std::string at;
    std::int64_t sequence = 0;  // 2 × history id; 2 × first id − 1 for an ingest
    HistoryEvent event;
    bool operator<(const OrderedEvent& other) const {
        return std::tie(at, sequence) < std::tie(other.at, other.sequence);
    }
};

// The versions' own events and the send attempts of every batch one was packed into; `firstIds`
// gets each version's first own event.
void addDeliveryEvents(Database& db, const std::string& identity, const std::string& target,
                       std::vector<OrderedEvent>& out, std::map<std::int64_t, std::int64_t>& firstIds) {
    Statement select(db.handle(),
                     "SELECT h.id, h.record_id, h.at, h.target, h.event, h.detail, 1"
                     " FROM records r CROSS JOIN history h WHERE r.identity=?1 AND h.record_id=r.id"
                     " UNION ALL"
                     " SELECT b.id, p.record_id, b.at, b.target, b.event, b.detail, 0"
                     " FROM records r CROSS JOIN history p CROSS JOIN history b"
                     " WHERE r.identity=?1 AND p.record_id=r.id AND p.event IN ('packed','revoke_queued','takedown_queued','repair_queued')"
                     " AND b.batch_id=p.batch_id AND b.record_id IS NULL");
    select.bind(1, identity);
    while (select.step()) {
        std::int64_t id = select.integer(0);
        if (select.integer(6) == 1) {
            auto [it, inserted] = firstIds.emplace(select.integer(1), id);
            if (!inserted) it->second = std::min(it->second, id);
        }
        HistoryEvent event{select.text(2), select.text(3), select.text(4), select.text(5)};
        if (!target.empty() && event.target != target) continue;
        out.push_back({event.at, 2 * id, std::move(event)});
    }
}

void addIngestEvents(Database& db, const std::string& identity, const std::map<std::int64_t, std::int64_t>& firstIds,
                     std::vector<OrderedEvent>& out) {
    Statement versions(db.handle(),
                       "SELECT id, version, source_file, source_line, ingested_at FROM records WHERE identity=?");
    versions.bind(1, identity);
    while (versions.step()) {
        std::int64_t version = versions.integer(1);
        std::string detail = versions.text(2) + ":" + std::to_string(versions.integer(3));
        if (version > 1) detail += ", version " + std::to_string(version);
        auto first = firstIds.find(versions.integer(0));
        std::int64_t sequence =
            first == firstIds.end() ? std::numeric_limits<std::int64_t>::max() : 2 * first->second - 1;
        out.push_back({versions.text(4), sequence,
                       {versions.text(4), "", version == 1 ? "ingested" : "corrected", detail}});
    }
}

RecordTimeline timelineOf(Database& db, const std::string& identity, const std::string& kind,
                          const std::string& target) {
    std::vector<OrderedEvent> ordered;
    std::map<std::int64_t, std::int64_t> firstIds;
    addDeliveryEvents(db, identity, target, ordered, firstIds);
    addIngestEvents(db, identity, firstIds, ordered);
    std::stable_sort(ordered.begin(), ordered.end());
    RecordTimeline timeline{recordKeyFor(kind, identity), documentPartOf(identity), {}};
    for (auto& e : ordered) timeline.events.push_back(std::move(e.event));
    return timeline;
}

template <class F>
Result<std::vector<RecordTimeline>> reading(Database& db, F&& body) {
    try {
        return body();
    } catch (const SqliteError& e) {
        return Status::transient(db.path() + ": reading the history: " + e.what() +
                                 " (a store last written by an older creditgw has no history table yet:"
                                 " run ingest or upload once)");
    }
}

}  // namespace

Result<std::vector<RecordTimeline>> RecordStore::historyByKey(const std::string& key, const std::string& target) {
    return reading(*_db, [&]() -> Result<std::vector<RecordTimeline>> {
        std::vector<RecordTimeline> out;
        // Keys are hashes: found through the deliveries that carry them (a record is known to
        // officers by its key only once it was mapped).
        Statement select(_db->handle(),
                         "/* full-scan: an officer's look-up by platform key, not per record */"
                         " SELECT r.identity, r.kind FROM deliveries d JOIN records r ON r.id=d.record_id"
                         " WHERE d.record_key=? LIMIT 1");
        select.bind(1, key);
        if (select.step()) out.push_back(timelineOf(*_db, select.text(0), select.text(1), target));
        return out;
    });
}

Result<RecordTimeline> RecordStore::historyByIdentity(const std::string& identity, const std::string& kind) {
    try {
        return timelineOf(*_db, identity, kind, "");
    } catch (const SqliteError& e) {
        return Status::transient(_db->path() + ": reading the history: " + e.what());
    }
}

Result<std::vector<RecordTimeline>> RecordStore::historyByDocument(const std::string& wsh, const std::string& target) {
    return reading(*_db, [&]() -> Result<std::vector<RecordTimeline>> {
        std::vector<RecordTimeline> out;
        // Reads the identity index only (no record bodies); one 决定书 may name several 相对人,
        // listed in the order they were first ingested.
        Statement select(_db->handle(),
                         "/* full-scan: an officer's look-up by 文书号, not per record */"
                         " SELECT identity, MIN(id) FROM records WHERE instr(identity, '|' || ?1 || '|') > 0"
                         " GROUP BY identity ORDER BY 2");
        select.bind(1, wsh);
        while (select.step()) {
            std::string identity = select.text(0);
            if (documentPartOf(identity) != wsh) continue;
            std::string kind = identity.substr(identity.rfind('|') + 1);  // "<机关>|<文书号>|<相对人>|<kind>"
            out.push_back(timelineOf(*_db, identity, kind, target));
        }
        return out;
    });
}

}  // namespace creditgw
