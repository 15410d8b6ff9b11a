// `creditgw discard`: retiring records that should never have existed.

#include "HistoryLog.h"
#include "creditgw/CivilDate.h"
#include "creditgw/Json.h"
#include "creditgw/RecordStore.h"

namespace creditgw {

namespace {

struct Candidate {
    std::int64_t id = 0;
    std::string identity;
    std::string location;
};

std::vector<Candidate> currentRecordsOf(Database& db, const DiscardRequest& request) {
    std::string names = "[";
    for (const auto& name : request.fileNames) names += (names.size() > 1 ? "," : "") + jsonString(name);
    names += "]";
    Statement select(db.handle(),
                     "/* full-scan: an officer's discard of one source file, not per record */"
                     " SELECT id, identity, source_file, source_line FROM records WHERE is_latest=1"
                     " AND source_file IN (SELECT value FROM json_each(?1)) AND (?2=0 OR source_line=?2)"
                     " ORDER BY id");
    select.bind(1, names).bind(2, static_cast<std::int64_t>(request.line));
    std::vector<Candidate> out;
    while (select.step())
        out.push_back({select.integer(0), select.text(1), select.text(2) + ":" + std::to_string(select.integer(3))});
    return out;
}

// Deliveries of any version of the identity that a platform holds or is being sent.
std::vector<std::string> publishedDeliveriesOf(Database& db, const Candidate& candidate) {
    Statement select(db.handle(),
                     "SELECT d.record_key, d.target, d.state FROM records o CROSS JOIN deliveries d"
                     " WHERE o.identity=? AND d.record_id=o.id AND d.state IN ('queued','accepted')");
    select.bind(1, candidate.identity);
    std::vector<std::string> out;
    while (select.step())
        out.push_back(candidate.location + " " + select.text(0) + " " + select.text(1) + " " + select.text(2));
    return out;
}

}  // namespace

Result<DiscardOutcome> RecordStore::discardRecords(const DiscardRequest& request) {
    try {
        DiscardOutcome outcome;
        Transaction tx(*_db);
        std::vector<Candidate> candidates = currentRecordsOf(*_db, request);
        outcome.matched = candidates.size();
        std::vector<bool> published;
        for (const auto& candidate : candidates) {
            auto held = publishedDeliveriesOf(*_db, candidate);
            published.push_back(!held.empty());
            outcome.published.insert(outcome.published.end(), held.begin(), held.end());
        }
        if (!outcome.published.empty() && !request.force) return outcome;  // rolled back: nothing changed
        Statement retire(_db->handle(), "UPDATE records SET is_latest=2 WHERE id=? AND is_latest=1");
        history::Writer events(*_db);
        std::string at = shanghaiTimestamp(std::chrono::system_clock::now());
        for (std::size_t i = 0; i < candidates.size(); ++i) {
            retire.bind(1, candidates[i].id).run();
            std::string detail = request.reason.empty() ? "discarded by an officer" : request.reason;
            if (published[i]) detail += " (--force: a platform still holds it; withdraw it there)";
            events.record(candidates[i].id, "", "discarded", detail, at);
            ++outcome.discarded;
        }
        tx.commit();
        return outcome;
    } catch (const SqliteError& e) {
        return Status::transient(_db->path() + ": discarding records: " + e.what());
    }
}

}  // namespace creditgw
