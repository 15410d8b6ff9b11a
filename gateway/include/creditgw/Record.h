#pragma once
// The record types that flow through the gateway: source → record store → mapping &
// validation → package. Header-only: plugins share these types without linking the core.

#include <cstddef>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace creditgw {

/// One failed rule. `field` is a field code (CF_WSH) or a source column name; `rule` is a short
/// machine name (required, max_length, uscc, encoding, ...); `message` says what to fix.
struct Violation {
    std::string field;
    std::string rule;
    std::string message;
};

/// Ordered name/value pairs: order matters for the exact bytes a target produces.
using FieldList = std::vector<std::pair<std::string, std::string>>;

/// One row as a source plugin read it, before any mapping: column names exactly as in the
/// file's header, values decoded to UTF-8. A row the source could not read cleanly (bad byte
/// sequence, wrong column count) still comes out, with `problems` filled, so it can be held.
struct SourceRow {
    std::string file;
    std::size_t line = 0;  ///< 1-based physical line where the row starts.
    FieldList columns;
    std::vector<Violation> problems;
    /// Incremental sources (database): where reading resumes after this row, opaque text.
    std::string watermark;
    /// Optional, parallel to `columns`: where each value sits ("行政处罚!B17" for xlsx), so
    /// problems found later name the cell. Empty when the line says enough.
    std::vector<std::string> locations;
};

/// A record in canonical fields: for xk/cf the national 双公示 codes (domain.md §2).
struct Record {
    std::string kind;                           ///< "xk", "cf", ...
    std::map<std::string, std::string> fields;  ///< canonical code → UTF-8 value ("" = empty)
    std::string department;                     ///< 责任部门 (falls back to 数据来源单位)
    std::string sourceFile;
    std::size_t sourceLine = 0;
    std::vector<Violation> problems;  ///< from reading and source mapping; non-empty → held

    const std::string& field(const std::string& code) const {
        static const std::string empty;
        auto it = fields.find(code);
        return it == fields.end() ? empty : it->second;
    }
};

/// A record as one target will publish it: fields in the target's order, values final.
struct MappedRecord {
    std::string key;  ///< stable record key the platform echoes in its receipt
    std::string kind;
    FieldList fields;
};

}  // namespace creditgw
