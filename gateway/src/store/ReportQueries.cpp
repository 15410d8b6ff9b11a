#include "creditgw/ReportQueries.h"

#include <algorithm>

#include "creditgw/Sqlite.h"

namespace creditgw {

namespace {

template <typename F>
auto readingGuarded(RecordStore& store, const char* what, F&& body) -> decltype(body()) {
    try {
        return body();
    } catch (const SqliteError& e) {
        return Status::transient(store.database().path() + ": " + what + ": " + e.what());
    }
}

// The identity is 机关代码|文书号|相对人|kind; unidentified records have none.
std::string documentNumberOf(const std::string& identity) {
    if (identity.rfind("unidentified|", 0) == 0) return {};
    auto first = identity.find('|');
    if (first == std::string::npos) return {};
    auto second = identity.find('|', first + 1);
    return identity.substr(first + 1, second == std::string::npos ? std::string::npos : second - first - 1);
}

// ?2 from, ?3 to ('' = open), ?4 kind, ?5 department ('' = all); undated records always pass.
const char* kSelection =
    " AND (?4='' OR r.kind=?4) AND (?5='' OR r.department=?5)"
    " AND (r.decision_date='' OR ((?2='' OR r.decision_date>=?2) AND (?3='' OR r.decision_date<=?3)))";

void bindSelection(Statement& statement, const ReportSelection& s) {
    statement.bind(2, s.from ? s.from->toIso() : std::string())
        .bind(3, s.to ? s.to->toIso() : std::string())
        .bind(4, s.kind)
        .bind(5, s.department);
}

}  // namespace

Result<std::vector<ProblemLine>> problemLines(RecordStore& store, const std::string& target,
                                              const ReportSelection& selection) {
    return readingGuarded(store, "reading problems", [&]() -> Result<std::vector<ProblemLine>> {
        std::string sql =
            std::string("/* full-scan: the report lists every held, rejected and dead record in file order */"
                        " SELECT r.kind, r.department, r.decision_date, r.identity, r.source_file, r.source_line,"
                        " d.state, p.field, p.rule, p.message FROM deliveries d JOIN records r ON r.id=d.record_id"
                        " JOIN problems p ON p.record_id=r.id AND p.target IN ('', d.target)"
                        " WHERE d.target=?1 AND d.state='held' AND r.is_latest=1") +
            kSelection +
            " UNION ALL"
            " SELECT r.kind, r.department, r.decision_date, r.identity, r.source_file, r.source_line,"
            " d.state, '', d.reason_code, d.reason FROM deliveries d JOIN records r ON r.id=d.record_id"
            " WHERE d.target=?1 AND d.state IN ('rejected','dead') AND r.is_latest=1" +
            kSelection + " ORDER BY 5, 6";
        Statement select(store.database().handle(), sql.c_str());
        select.bind(1, target);
        bindSelection(select, selection);
        std::vector<ProblemLine> out;
        while (select.step()) {
            ProblemLine line;
            line.kind = select.text(0);
            line.department = select.text(1);
            line.decisionDate = select.text(2);
            line.documentNumber = documentNumberOf(select.text(3));
            line.sourceFile = select.text(4);
            line.sourceLine = static_cast<std::size_t>(select.integer(5));
            line.state = select.text(6);
            line.field = select.text(7);
            line.rule = select.text(8);
            line.message = select.text(9);
            out.push_back(std::move(line));
        }
        return out;
    });
}

Result<std::vector<FieldFill>> fieldFillRates(RecordStore& store, const std::string& target,
                                              const ReportSelection& selection) {
    return readingGuarded(store, "reading field fill rates", [&]() -> Result<std::vector<FieldFill>> {
        std::string sql =
            std::string("/* full-scan: fill rates read every submitted record's mapped fields */"
                        " SELECT r.kind, json_extract(f.value, '$[0]'),"
                        " SUM(COALESCE(json_extract(f.value, '$[1]'), '')<>''), COUNT(*)"
                        " FROM deliveries d JOIN records r ON r.id=d.record_id, json_each(d.mapped_fields) f"
                        " WHERE d.target=?1 AND d.state IN ('accepted','rejected') AND r.is_latest=1"
                        " AND d.mapped_fields<>''") +
            kSelection + " AND r.decision_date<>'' GROUP BY 1, 2";
        Statement select(store.database().handle(), sql.c_str());
        select.bind(1, target);
        bindSelection(select, selection);
        std::vector<FieldFill> out;
        while (select.step())
            out.push_back({select.text(0), select.text(1), static_cast<std::size_t>(select.integer(2)),
                           static_cast<std::size_t>(select.integer(3))});
        std::stable_sort(out.begin(), out.end(), [](const FieldFill& a, const FieldFill& b) {
            // a.filled/a.records < b.filled/b.records without division.
            auto left = a.filled * b.records, right = b.filled * a.records;
            if (left != right) return left < right;
            return a.kind != b.kind ? a.kind < b.kind : a.field < b.field;
        });
        return out;
    });
}

Result<std::vector<std::string>> targetsInStore(RecordStore& store) {
    return readingGuarded(store, "listing targets", [&]() -> Result<std::vector<std::string>> {
        Statement select(store.database().handle(),
                         "/* full-scan: distinct targets of the deliveries index, for the monthly workbook */"
                         " SELECT DISTINCT target FROM deliveries ORDER BY 1");
        std::vector<std::string> out;
        while (select.step()) out.push_back(select.text(0));
        return out;
    });
}

}  // namespace creditgw
