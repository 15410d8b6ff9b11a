// The statistics summary: how many latest records share each statistics fact, per target,
// maintained by triggers in the same transaction as every change of a record, a delivery or a
// revocation, so that `creditgw stats` reads a few thousand rows instead of one per record.
//
// stats_records holds, per target, the facts computeStatistics needs except completeness: the
// decision day, kind, 责任部门, the latest version's delivery state, the first acceptance of any
// version (collapsed to its day when it is a normalised Asia/Shanghai time, as the deadline rule
// looks only at the day), ever rejected, revoked. Target '' counts every latest record whatever
// its deliveries: a record without a delivery for a target (not mapped yet) is that row minus
// the target's rows. stats_indicators holds the submitted records' (defined, filled) indicator
// counts, so that the completeness threshold stays a query option.
//
// The working-day arithmetic stays in C++ (per group), because the calendar is a data file that
// may change after the facts were stored.

#include "StatisticsSummary.h"

#include "creditgw/RecordStore.h"

namespace creditgw {
namespace statistics_summary {

namespace {

const char* const kTables = R"SQL(
CREATE TABLE stats_records (
    target         TEXT NOT NULL,     -- '' = every latest record
    decision_date  TEXT NOT NULL,
    kind           TEXT NOT NULL,
    department     TEXT NOT NULL,
    state          TEXT NOT NULL,     -- the latest version's delivery state, '' when none (unmapped)
    first_accepted TEXT NOT NULL,     -- first acceptance of any version ('' none)
    ever_rejected  INTEGER NOT NULL,
    revoked        INTEGER NOT NULL,
    records        INTEGER NOT NULL,
    PRIMARY KEY (target, decision_date, first_accepted, kind, department, state, ever_rejected, revoked)
) WITHOUT ROWID;
CREATE TABLE stats_indicators (
    target             TEXT NOT NULL,
    decision_date      TEXT NOT NULL,
    kind               TEXT NOT NULL,
    department         TEXT NOT NULL,
    indicators_defined INTEGER NOT NULL,
    indicators_filled  INTEGER NOT NULL,
    records            INTEGER NOT NULL,
    PRIMARY KEY (target, decision_date, kind, department, indicators_defined, indicators_filled)
) WITHOUT ROWID;
)SQL";

// A normalised time ("2026-10-12T10:00:00+08:00", shanghaiTimestamp) becomes midnight of its
// day, which the deadline rule judges alike; anything else is kept as it is and judged in C++.
std::string firstAcceptedKey(const std::string& column) {
    return "CASE WHEN " + column +
           " GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]+08:00'"
           " AND substr(" + column + ",12,2)<'24' THEN substr(" + column + ",1,10)||'T00:00:00+08:00'"
           " ELSE COALESCE(" + column + ",'') END";
}

// Per identity and target: the first acceptance and whether any version was rejected.
std::string perTarget(const std::string& where) {
    return "(SELECT r2.identity AS identity, d2.target AS target,"
           " MIN(NULLIF(d2.accepted_at,'')) AS first, MAX(d2.state='rejected') AS rejected"
           " FROM records r2 CROSS JOIN deliveries d2 WHERE " + where +
           " AND d2.record_id=r2.id GROUP BY r2.identity, d2.target)";
}

const char* const kRevoked = "EXISTS (SELECT 1 FROM revocations v WHERE v.identity=r.identity)";

// One row per latest record and target ('' included), in stats_records' column order.
// `r` and `r2` restrict the records read (an identity, or every record for the rebuild).
// `revoked` is the revocation test (kRevoked, or a constant for a revocation's own trigger).
std::string recordFacts(const std::string& r, const std::string& r2, const std::string& revoked = kRevoked) {
    return "SELECT '' AS target, r.decision_date, r.kind, r.department, '' AS state, '' AS first_accepted,"
           " 0 AS ever_rejected, " + revoked + " AS revoked"
           " FROM records r WHERE " + r + " AND +r.is_latest=1"
           " UNION ALL"
           " SELECT t.target, r.decision_date, r.kind, r.department,"
           " COALESCE((SELECT d.state FROM deliveries d WHERE d.record_id=r.id AND d.target=t.target), ''),"
           " " + firstAcceptedKey("t.first") + ", t.rejected, " + revoked +
           " FROM records r CROSS JOIN " + perTarget(r2) + " t"
           " WHERE " + r + " AND +r.is_latest=1 AND t.identity=r.identity";
}

// One row per submitted latest record and target (accepted in any version, or rejected), left
// out when revoked before any acceptance, as computeStatistics leaves it out.
std::string indicatorFacts(const std::string& r, const std::string& r2, const std::string& revoked = kRevoked) {
    return "SELECT t.target, r.decision_date, r.kind, r.department,"
           " COALESCE(d.indicators_defined, 0), COALESCE(d.indicators_filled, 0)"
           " FROM records r CROSS JOIN " + perTarget(r2) + " t"
           " LEFT JOIN deliveries d ON d.record_id=r.id AND d.target=t.target"
           " WHERE " + r + " AND +r.is_latest=1 AND t.identity=r.identity"
           " AND (t.first IS NOT NULL OR d.state IN ('accepted','rejected'))"
           " AND (t.first IS NOT NULL OR NOT " + revoked + ")";
}

const char* const kRecordsKey = "target, decision_date, kind, department, state, first_accepted, ever_rejected, revoked";
// In the primary key's order: rows read in it share (decision day, first acceptance), judged once.
const char* const kRecordsPk = "target, decision_date, first_accepted, kind, department, state, ever_rejected, revoked";
const char* const kIndicatorsKey = "target, decision_date, kind, department, indicators_defined, indicators_filled";

// Adds `sign` (+1 or -1) for every fact of the identity `identity` (an SQL expression).
std::string countIdentity(const std::string& identity, const char* sign, const std::string& revoked = kRevoked) {
    std::string r = "r.identity=" + identity, r2 = "r2.identity=" + identity;
    return std::string("INSERT INTO stats_records (") + kRecordsKey + ", records) SELECT *, " + sign + " FROM (" +
           recordFacts(r, r2, revoked) + ") WHERE true ON CONFLICT (" + kRecordsPk +
           ") DO UPDATE SET records=records+excluded.records;"
           " INSERT INTO stats_indicators (" + kIndicatorsKey + ", records) SELECT *, " + sign + " FROM (" +
           indicatorFacts(r, r2, revoked) + ") WHERE true ON CONFLICT (" + kIndicatorsKey +
           ") DO UPDATE SET records=records+excluded.records;";
}

// The delta of one delivery of a record that is its identity's only version (version 1 and
// latest): the identity's fact for the delivery's target is this row alone, so it is counted
// from the row without reading the identity's other rows. The pipeline's hot path: mapping,
// the receipts.
std::string countDelivery(const char* row, const char* sign) {
    std::string d = row;
    std::string revoked = "EXISTS (SELECT 1 FROM revocations v WHERE v.identity=r.identity)";
    return std::string("INSERT INTO stats_records (") + kRecordsKey + ", records) SELECT " + d + ".target,"
           " r.decision_date, r.kind, r.department, " + d + ".state, " +
           firstAcceptedKey("NULLIF(" + d + ".accepted_at,'')") + ", " + d + ".state='rejected', " + revoked + ", " +
           sign + " FROM records r WHERE r.id=" + d + ".record_id ON CONFLICT (" + kRecordsPk +
           ") DO UPDATE SET records=records+excluded.records;"
           " INSERT INTO stats_indicators (" + kIndicatorsKey + ", records) SELECT " + d + ".target, r.decision_date,"
           " r.kind, r.department, " + d + ".indicators_defined, " + d + ".indicators_filled, " + sign +
           " FROM records r WHERE r.id=" + d + ".record_id"
           " AND (" + d + ".accepted_at<>'' OR " + d + ".state IN ('accepted','rejected'))"
           " AND (" + d + ".accepted_at<>'' OR NOT " + revoked + ") ON CONFLICT (" + kIndicatorsKey +
           ") DO UPDATE SET records=records+excluded.records;";
}

// A BEFORE trigger takes the identity's facts out, the AFTER trigger puts them back as changed.
std::string triggerPair(const std::string& name, const std::string& event, const std::string& table,
                        const std::string& when, const std::string& identity) {
    std::string condition = when.empty() ? "" : " WHEN " + when;
    return "CREATE TRIGGER " + name + "_before BEFORE " + event + " ON " + table + " FOR EACH ROW" + condition +
           " BEGIN " + countIdentity(identity, "-1") + " END;"
           " CREATE TRIGGER " + name + "_after AFTER " + event + " ON " + table + " FOR EACH ROW" + condition +
           " BEGIN " + countIdentity(identity, "1") + " END;";
}

std::string trigger(const std::string& name, const std::string& event, const std::string& table,
                    const std::string& when, const std::string& body) {
    return "CREATE TRIGGER " + name + " AFTER " + event + " ON " + table + " FOR EACH ROW WHEN " + when + " BEGIN " +
           body + " END;";
}

std::string triggers() {
    const std::string deliveryChanged =
        "(OLD.state IS NOT NEW.state OR OLD.accepted_at IS NOT NEW.accepted_at"
        " OR OLD.indicators_defined IS NOT NEW.indicators_defined OR OLD.indicators_filled IS NOT NEW.indicators_filled"
        " OR OLD.target IS NOT NEW.target OR OLD.record_id IS NOT NEW.record_id)";
    const std::string recordChanged =
        "OLD.is_latest IS NOT NEW.is_latest OR OLD.kind IS NOT NEW.kind OR OLD.department IS NOT NEW.department"
        " OR OLD.decision_date IS NOT NEW.decision_date OR OLD.identity IS NOT NEW.identity";
    auto identityOf = [](const char* row) {
        return std::string("(SELECT identity FROM records WHERE id=") + row + ".record_id)";
    };
    auto soleVersion = [](const char* row) {
        return std::string("IFNULL((SELECT version=1 AND is_latest=1 FROM records WHERE id=") + row +
               ".record_id), 0)";
    };
    const std::string newRecord = "NEW.version=1 AND NEW.is_latest=1";
    const std::string sameRecord = "OLD.record_id IS NEW.record_id AND OLD.target IS NEW.target";
    // A change of a row's identity or record (never made by the gateway) is counted for the new
    // one only; `creditgw stats --rebuild` repairs such a hand edit.
    return
        // A first version: nothing of its identity was counted before.
        trigger("stats_v1_records_first", "INSERT", "records", newRecord,
                std::string("INSERT INTO stats_records (") + kRecordsKey + ", records) SELECT '', NEW.decision_date,"
                " NEW.kind, NEW.department, '', '', 0, EXISTS (SELECT 1 FROM revocations v WHERE"
                " v.identity=NEW.identity), 1 WHERE true ON CONFLICT (" + kRecordsPk +
                ") DO UPDATE SET records=records+excluded.records;") +
        triggerPair("stats_v1_records_insert", "INSERT", "records", "NOT (" + newRecord + ")", "NEW.identity") +
        triggerPair("stats_v1_records_update", "UPDATE", "records", recordChanged, "NEW.identity") +
        triggerPair("stats_v1_records_delete", "DELETE", "records", "", "OLD.identity") +
        trigger("stats_v1_deliveries_insert_sole", "INSERT", "deliveries", soleVersion("NEW"),
                countDelivery("NEW", "1")) +
        triggerPair("stats_v1_deliveries_insert", "INSERT", "deliveries", "NOT " + soleVersion("NEW"),
                    identityOf("NEW")) +
        trigger("stats_v1_deliveries_update_sole", "UPDATE", "deliveries",
                deliveryChanged + " AND " + sameRecord + " AND " + soleVersion("NEW"),
                countDelivery("OLD", "-1") + countDelivery("NEW", "1")) +
        triggerPair("stats_v1_deliveries_update", "UPDATE", "deliveries",
                    deliveryChanged + " AND NOT (" + sameRecord + " AND " + soleVersion("NEW") + ")",
                    identityOf("NEW")) +
        trigger("stats_v1_deliveries_delete_sole", "DELETE", "deliveries", soleVersion("OLD"),
                countDelivery("OLD", "-1")) +
        triggerPair("stats_v1_deliveries_delete", "DELETE", "deliveries", "NOT " + soleVersion("OLD"),
                    identityOf("OLD")) +
        // After the change only, from "not revoked" to "revoked" and back: a BEFORE trigger would
        // also fire for the INSERT OR IGNORE of a revocation already there.
        trigger("stats_v1_revocations_insert", "INSERT", "revocations", "true",
                countIdentity("NEW.identity", "-1", "0") + countIdentity("NEW.identity", "1", "1")) +
        trigger("stats_v1_revocations_delete", "DELETE", "revocations", "true",
                countIdentity("OLD.identity", "-1", "1") + countIdentity("OLD.identity", "1", "0"));
}

bool hasSummary(Database& db) {
    Statement table(db.handle(),
                    "/* full-scan: the schema, once at open */"
                    " SELECT 1 FROM sqlite_master WHERE type='trigger' AND name='stats_v1_revocations_delete'");
    return table.step();
}

}  // namespace

void fill(Database& db) {
    db.exec("DELETE FROM stats_records; DELETE FROM stats_indicators;");
    db.exec((std::string("/* full-scan: the summary is recounted from every latest record */"
                         " INSERT INTO stats_records (") + kRecordsKey + ", records) SELECT *, COUNT(*) FROM (" +
             recordFacts("1", "1") + ") GROUP BY 1, 2, 3, 4, 5, 6, 7, 8")
                .c_str());
    db.exec((std::string("/* full-scan: the summary is recounted from every submitted record */"
                         " INSERT INTO stats_indicators (") + kIndicatorsKey + ", records) SELECT *, COUNT(*) FROM (" +
             indicatorFacts("1", "1") + ") GROUP BY 1, 2, 3, 4, 5, 6")
                .c_str());
}

// Stores written before the summary gain its tables and triggers, and the summary counted from
// their records, under the write lock (looked at again inside it: two processes opening an old
// store migrate once).
void createSchema(Database& db) {
    if (hasSummary(db)) return;
    Transaction tx(db);
    if (hasSummary(db)) return;
    db.exec("DROP TABLE IF EXISTS stats_records; DROP TABLE IF EXISTS stats_indicators;");
    db.exec(kTables);
    db.exec(triggers().c_str());
    fill(db);
    tx.commit();
}

bool present(Database& db) { return hasSummary(db); }

}  // namespace statistics_summary
}  // namespace creditgw
