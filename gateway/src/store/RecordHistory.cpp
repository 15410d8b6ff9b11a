#include "creditgw/RecordHistory.h"

#include <Poco/JSON/Parser.h>

namespace creditgw {

namespace {

std::vector<std::pair<std::string, std::string>> fieldsOf(const std::string& json) {
    std::vector<std::pair<std::string, std::string>> fields;
    try {
        Poco::JSON::Parser parser;
        auto object = parser.parse(json).extract<Poco::JSON::Object::Ptr>();
        for (const auto& name : object->getNames()) fields.emplace_back(name, object->getValue<std::string>(name));
    } catch (const Poco::Exception& e) {
        fields.emplace_back("(unreadable)", e.displayText());
    }
    return fields;
}

void readVersions(sqlite3* db, RecordHistory& history) {
    Statement select(db,
                     "SELECT id, version, is_latest, decision_date, department, source_file, source_line, ingested_at,"
                     " fields FROM records WHERE identity=?1 ORDER BY version");
    select.bind(1, history.identity);
    while (select.step()) {
        RecordVersionView v;
        v.id = select.integer(0);
        v.version = static_cast<int>(select.integer(1));
        v.latest = select.integer(2) != 0;
        v.decisionDate = select.text(3);
        v.department = select.text(4);
        v.sourceFile = select.text(5);
        v.sourceLine = static_cast<std::size_t>(select.integer(6));
        v.ingestedAt = select.text(7);
        v.fields = fieldsOf(select.text(8));
        history.versions.push_back(std::move(v));
    }
}

void readDeliveries(sqlite3* db, RecordHistory& history) {
    Statement select(db,
                     "SELECT r.version, d.target, d.record_key, d.state, d.accepted_at, d.reason_code, d.reason,"
                     " COALESCE(d.batch_id, ''), d.updated_at FROM records r JOIN deliveries d ON d.record_id=r.id"
                     " WHERE r.identity=?1 ORDER BY r.version, d.target");
    select.bind(1, history.identity);
    while (select.step())
        history.deliveries.push_back({static_cast<int>(select.integer(0)), select.text(1), select.text(2),
                                      select.text(3), select.text(4), select.text(5), select.text(6),
                                      select.text(7), select.text(8)});
    Statement problems(db,
                       "SELECT r.version, p.target, p.field, p.rule, p.message FROM records r"
                       " JOIN problems p ON p.record_id=r.id WHERE r.identity=?1 ORDER BY r.version");
    problems.bind(1, history.identity);
    while (problems.step())
        history.problems.push_back({static_cast<int>(problems.integer(0)), problems.text(1), problems.text(2),
                                    problems.text(3), problems.text(4)});
}

}  // namespace

Result<RecordHistory> recordHistory(RecordStore& store, std::int64_t recordId) {
    try {
        sqlite3* db = store.database().handle();
        RecordHistory history;
        Statement select(db, "SELECT identity, kind FROM records WHERE id=?1");
        select.bind(1, recordId);
        if (!select.step()) return Status::notFound("no record with id " + std::to_string(recordId));
        history.identity = select.text(0);
        history.kind = select.text(1);
        readVersions(db, history);
        readDeliveries(db, history);
        return history;
    } catch (const std::exception& e) {
        return Status::unknown("reading record " + std::to_string(recordId) + ": " + e.what());
    }
}

}  // namespace creditgw
