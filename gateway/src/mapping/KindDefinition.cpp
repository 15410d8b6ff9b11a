// KindDefinition: source rows → canonical records (header resolution, source layouts,
// department, identity). Loaded by MappingCatalog.

#include <cstdio>
#include "MappingInternal.h"

namespace creditgw {

using mapping::matchKey;
using mapping::trim;
using mapping::upperAscii;

KindDefinition::KindDefinition(std::unique_ptr<Impl> impl) : _impl(std::move(impl)) {}
KindDefinition::~KindDefinition() = default;

const std::string& KindDefinition::id() const { return _impl->id; }
const std::string& KindDefinition::name() const { return _impl->name; }
const std::string& KindDefinition::decisionDateField() const { return _impl->decisionDate; }
const std::string& KindDefinition::sourceFile() const { return _impl->file; }

std::vector<std::string> KindDefinition::fieldCodes() const {
    std::vector<std::string> codes;
    for (const auto& f : _impl->fields) codes.push_back(f.code);
    return codes;
}

std::string KindDefinition::fieldName(const std::string& code) const {
    auto it = _impl->fieldIndex.find(code);
    return it == _impl->fieldIndex.end() ? std::string() : _impl->fields[it->second].name;
}

std::string KindDefinition::resolveHeader(const std::string& header) const {
    auto it = _impl->headerToCode.find(matchKey(header));
    return it == _impl->headerToCode.end() ? std::string() : it->second;
}

void KindDefinition::Impl::put(Record& record, const std::string& code,
                               const std::string& value) const {
    if (value.empty()) {
        record.fields.try_emplace(code);  // known column, empty value: the field exists
        return;
    }
    std::string& slot = record.fields[code];
    if (slot.empty()) {
        slot = value;
        return;
    }
    auto it = fieldIndex.find(code);
    const std::string& join = it == fieldIndex.end() ? std::string() : fields[it->second].join;
    if (!join.empty()) slot += join + value;
}

namespace {

/// Applies a layout column's transform to a value; on failure adds a Violation and returns
/// nullopt (the field is then left empty, so a required rule cannot pass on garbage).
std::optional<std::string> transform(const SourceLayout::Impl::Column& column,
                                     const std::string& value, const KindDefinition& kind,
                                     Record& record) {
    if (value.empty()) return value;
    auto fail = [&](const std::string& rule,
                    const std::string& what) -> std::optional<std::string> {
        std::string label = column.field + " (" + kind.fieldName(column.field) + ")";
        record.problems.push_back(
            {column.field, rule, label + ": column \"" + column.header + "\" " + what});
        return std::nullopt;
    };
    if (!column.datePattern.empty()) {
        auto date = CivilDate::parseWithPattern(value, column.datePattern);
        if (!date)
            return fail("date", "value \"" + value + "\" is not a date in the form " +
                                    column.datePattern +
                                    "; fix the export or the layout's datePattern");
        return date->toIso();
    }
    if (column.yuanToWanyuan) {
        std::string why;
        auto decimal = mapping::parseDecimal(value, &why);
        if (!decimal) return fail("amount", "value \"" + value + "\" (元) " + why);
        return mapping::shiftLeftAndRound(*decimal, 4, column.amountScale).toString();
    }
    if (column.codes) {
        std::string unknown;
        auto standard = column.codes->lookup(value, &unknown);
        if (!standard)
            return fail("code_table", "value \"" + unknown +
                                          "\" is not a known local code; known: " +
                                          column.codes->knownValues() + " (add it to the layout)");
        return *standard;
    }
    return value;
}

/// The first control character in `value` (C0, DEL, C1; tab and line breaks only where
/// `breaksAllowed`), described with its character position, or "" when there is none.
std::string controlCharacter(const std::string& value, bool breaksAllowed) {
    std::size_t character = 0;
    for (std::size_t i = 0; i < value.size(); ++i) {
        unsigned char c = static_cast<unsigned char>(value[i]);
        if ((c & 0xC0) != 0x80) ++character;
        unsigned code = c;
        if (c == 0xC2 && i + 1 < value.size()) {
            unsigned char next = static_cast<unsigned char>(value[i + 1]);
            if (next >= 0x80 && next <= 0x9F) code = next;  // U+0080..U+009F
            else continue;
        } else if (c >= 0x20 && c != 0x7F) {
            continue;
        }
        if (breaksAllowed && (code == '\t' || code == '\n' || code == '\r')) continue;
        char hex[8];
        std::snprintf(hex, sizeof hex, "U+%04X", code);
        return std::string("control character ") + hex + " at character " + std::to_string(character);
    }
    return {};
}

}  // namespace

void KindDefinition::checkControlCharacters(const SourceRow& row, std::size_t index, const std::string& code,
                                            const std::string& value, Record& record) const {
    auto it = _impl->fieldIndex.find(code);
    bool breaks = it != _impl->fieldIndex.end() && _impl->fields[it->second].multiline;
    std::string found = controlCharacter(value, breaks);
    if (found.empty()) return;
    const std::string& column = row.columns[index].first;
    std::string where = index < row.locations.size() ? row.file + ": " + row.locations[index]
                                                     : row.file + ":" + std::to_string(row.line);
    record.problems.push_back({code, "control",
                               where + ": column " + column + " (" + code +
                                   "): " + found + (breaks ? "" : " (tab and line breaks are not allowed here either)") +
                                   "; remove it from the source (a NUL or control character is never uploaded)"});
}

Record KindDefinition::toRecord(const SourceRow& row, const SourceLayout* layout) const {
    Record record;
    record.kind = _impl->id;
    record.sourceFile = row.file;
    record.sourceLine = row.line;
    record.problems = row.problems;
    const SourceLayout::Impl* lay =
        layout && layout->kind() == _impl->id ? &layout->impl() : nullptr;
    for (std::size_t index = 0; index < row.columns.size(); ++index) {
        const auto& [header, rawValue] = row.columns[index];
        std::string value = trim(rawValue);
        std::string key = matchKey(header);
        if (lay) {
            auto it = lay->byHeader.find(key);
            if (it != lay->byHeader.end()) {
                const auto& column = lay->columns[it->second];
                checkControlCharacters(row, index, column.field, value, record);
                if (auto out = transform(column, value, *this, record))
                    _impl->put(record, column.field, *out);
                continue;
            }
        }
        auto it = _impl->headerToCode.find(key);
        if (it == _impl->headerToCode.end()) continue;
        checkControlCharacters(row, index, it->second, value, record);
        _impl->put(record, it->second, value);
    }
    if (lay)
        for (const auto& [field, value] : lay->constants)
            if (record.field(field).empty()) record.fields[field] = value;
    record.department = record.field(_impl->departmentField);
    if (record.department.empty()) record.department = record.field(_impl->departmentFallback);
    return record;
}

std::vector<std::string> KindDefinition::unknownColumns(const std::vector<std::string>& header,
                                                        const SourceLayout* layout) const {
    const SourceLayout::Impl* lay =
        layout && layout->kind() == _impl->id ? &layout->impl() : nullptr;
    std::vector<std::string> unknown;
    for (const auto& name : header) {
        std::string key = matchKey(name);
        if (lay && lay->byHeader.count(key)) continue;
        if (_impl->headerToCode.count(key) || _impl->ignoredHeaders.count(key)) continue;
        unknown.push_back(name);
    }
    return unknown;
}

std::string KindDefinition::identityOf(const Record& record) const {
    std::string authority = upperAscii(trim(record.field(_impl->identityAuthority)));
    std::string document = trim(record.field(_impl->identityDocument));
    if (document.empty() && !_impl->identityDocumentFallback.empty())
        document = trim(record.field(_impl->identityDocumentFallback));
    if (authority.empty() || document.empty()) return {};
    std::string subject;
    for (const auto& code : _impl->identitySubjects) {
        subject = upperAscii(trim(record.field(code)));
        if (!subject.empty()) break;
    }
    // Only a placeholder subject changes how the identity is formed: every other record keeps
    // the identity it was stored under.
    if (!_impl->identityPlaceholder.empty() && subject == upperAscii(_impl->identityPlaceholder))
        subject = subjectInsteadOfPlaceholder(record);
    return authority + "|" + document + "|" + subject + "|" + _impl->id;
}

std::string KindDefinition::revocationOf(const Record& record) const {
    if (_impl->revocationField.empty()) return {};
    std::string value = trim(record.field(_impl->revocationField));
    for (const auto& revoked : _impl->revokedValues)
        if (value == revoked) return _impl->revocationField + "=" + value;
    return {};
}

std::string KindDefinition::subjectInsteadOfPlaceholder(const Record& record) const {
    // Tagged with the field it came from, so a 工商注册号 never equals a name of another record.
    for (const auto& code : _impl->identityInsteadOfPlaceholder) {
        std::string value = upperAscii(trim(record.field(code)));
        if (!value.empty() && value != upperAscii(_impl->identityPlaceholder)) return code + "=" + value;
    }
    return {};
}

}  // namespace creditgw
