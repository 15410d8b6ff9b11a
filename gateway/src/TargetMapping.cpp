// TargetMapping::apply: one canonical record → what one target publishes, with every rule of
// the target's mapping file checked. Runs per record: everything is resolved at load, here we
// only walk vectors.

#include "MappingInternal.h"
#include "creditgw/CodeChecks.h"
#include "creditgw/Utf8.h"

namespace creditgw {

using mapping::trim;
using mapping::upperAscii;
using Impl = TargetMapping::Impl;

TargetMapping::TargetMapping(std::unique_ptr<Impl> impl) : _impl(std::move(impl)) {}
TargetMapping::~TargetMapping() = default;

const std::string& TargetMapping::target() const { return _impl->target; }
const std::string& TargetMapping::kind() const { return _impl->kind; }
const std::string& TargetMapping::version() const { return _impl->version; }
const std::string& TargetMapping::sourceFile() const { return _impl->file; }

std::vector<std::string> TargetMapping::fieldCodes() const {
    std::vector<std::string> codes;
    for (const auto& f : _impl->fields) codes.push_back(f.code);
    return codes;
}

std::string Impl::label(std::size_t field) const {
    return fields[field].code + " (" + fields[field].name + ")";
}

namespace {

/// The working state of one apply() call.
struct Run {
    const Impl& map;
    const Record& record;
    const MappingContext& context;
    std::vector<std::string> values;
    std::vector<std::optional<CivilDate>> dates;
    std::vector<std::vector<Violation>> pending;  ///< per field; dropped when the field is blanked
    std::vector<Violation> warnings;
    std::vector<bool> blanked;

    void violate(std::size_t i, const std::string& rule, const std::string& what) {
        pending[i].push_back({map.fields[i].code, rule, map.label(i) + ": " + what});
    }
    void warn(std::size_t i, const std::string& rule, const std::string& what) {
        warnings.push_back({map.fields[i].code, rule, map.label(i) + ": " + what});
    }
};

bool isIdentifier(const Impl::Field& f) {
    return f.check != Impl::Check::None || !f.placeholder.empty();
}

std::string shown(const Impl::Field& f, const std::string& value) {
    return f.check == Impl::Check::IdCard ? maskIdNumber(value) : value;
}

/// The first `count` characters of UTF-8 `text`, for quoting long values in messages.
std::string prefix(const std::string& text, std::size_t count) {
    std::size_t i = 0;
    for (std::size_t seen = 0; i < text.size(); ++i)
        if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80 && seen++ == count) break;
    return text.substr(0, i);
}

void normalizeDate(Run& run, std::size_t i) {
    const auto& f = run.map.fields[i];
    std::string& v = run.values[i];
    for (const auto& word : f.longTermWords)
        if (v == word) v = f.longTermDate->toIso();
    auto date = CivilDate::parse(v);
    if (!date) {
        run.violate(i, "date",
                    "\"" + v + "\" is not a date that exists; write it as " + run.map.dateFormat);
        return;
    }
    run.dates[i] = date;
    v = date->format(run.map.dateFormat);
}

void normalizeAmount(Run& run, std::size_t i) {
    const auto& f = run.map.fields[i];
    std::string& v = run.values[i];
    std::string why;
    auto decimal = mapping::parseDecimal(v, &why);
    if (!decimal) {
        run.violate(i, "amount", "\"" + v + "\" " + why + "; give the amount in 万元");
        return;
    }
    if (decimal->fraction.size() > static_cast<std::size_t>(f.scale)) {
        run.violate(i, "amount",
                    "\"" + v + "\" has more than " + std::to_string(f.scale) +
                        " decimals (the amount is in 万元: 2000 元 is 0.2)");
        return;
    }
    if (decimal->integer.size() > static_cast<std::size_t>(f.precision - f.scale)) {
        run.violate(i, "amount",
                    "\"" + v + "\" is too large for N(" + std::to_string(f.precision) + "," +
                        std::to_string(f.scale) + "); is it in 元 instead of 万元?");
        return;
    }
    v = decimal->toString();
}

void normalizeCode(Run& run, std::size_t i) {
    const auto& f = run.map.fields[i];
    std::string unknown;
    auto standard = f.codeTable->lookup(run.values[i], &unknown);
    if (!standard) {
        run.violate(i, "code_table",
                    "\"" + unknown + "\" is not in the code table " + f.codeTable->id + " (" +
                        f.codeTable->name + "); known: " + f.codeTable->knownValues());
        return;
    }
    run.values[i] = *standard;
}

void normalize(Run& run, std::size_t i) {
    const auto& f = run.map.fields[i];
    run.values[i] = trim(run.record.field(f.from));
    if (run.values[i].empty()) return;
    // Normally caught by the source; a record from elsewhere must not reach a package with
    // broken bytes (lengths would be miscounted too). The value is not quoted: it cannot print.
    if (!isValidUtf8(run.values[i])) {
        run.violate(i, "encoding",
                    "is not valid UTF-8; re-export the source in UTF-8 or declare its encoding");
        return;
    }
    if (isIdentifier(f)) run.values[i] = upperAscii(run.values[i]);
    switch (f.type) {
        case Impl::Type::Date:
            normalizeDate(run, i);
            break;
        case Impl::Type::Amount:
            normalizeAmount(run, i);
            break;
        case Impl::Type::Code:
            normalizeCode(run, i);
            break;
        case Impl::Type::Text:
            break;
    }
}

void derive(Run& run, std::size_t i) {
    const auto& f = run.map.fields[i];
    if (!f.hasDerivation || !run.values[i].empty()) return;
    const auto& d = f.derive;
    if (d.copyFrom >= 0) {
        run.values[i] = run.values[static_cast<std::size_t>(d.copyFrom)];
        return;
    }
    if (d.publicityFrom >= 0) {
        const auto& decision = run.dates[static_cast<std::size_t>(d.publicityFrom)];
        if (!decision || run.map.publicity == nullptr) return;  // the date rule reports it
        const std::string& given = run.record.field(d.severityField);
        auto severity = run.map.publicity->severityOf(given);
        if (!severity) {
            run.violate(i, "code_table",
                        "cannot compute it: severity \"" + trim(given) + "\" in " +
                            d.severityField + " is not known in publicity-periods.xml");
            return;
        }
        if (auto end = run.map.publicity->end(*decision, *severity)) {
            run.dates[i] = end;
            run.values[i] = end->format(run.map.dateFormat);
        }
        return;
    }
    for (const auto& [condition, value] : d.cases)
        if (condition.eval(run.values)) {
            run.values[i] = value;
            return;
        }
    if (d.otherwise) run.values[i] = *d.otherwise;
}

void checkIdentifier(Run& run, std::size_t i) {
    const auto& f = run.map.fields[i];
    const std::string& v = run.values[i];
    if (!f.placeholder.empty() && v == f.placeholder) {
        auto other = static_cast<std::size_t>(f.placeholderRequires);
        if (f.placeholderRequires >= 0 && run.values[other].empty())
            run.violate(i, "placeholder",
                        "the placeholder " + f.placeholder + " is allowed only when " +
                            run.map.label(other) + " is filled; give the real code or fill " +
                            run.map.fields[other].code);
        return;
    }
    if (f.check == Impl::Check::None || (f.checkIf.isSet() && !f.checkIf.eval(run.values))) return;
    if (f.check == Impl::Check::Uscc) {
        CodeCheck c = checkUscc(v);
        if (!c.valid) {
            run.violate(i, "uscc", c.reason);
            return;
        }
        CodeCheck org = checkOrgCode(std::string_view(v).substr(8, 9));
        if (!org.valid)
            run.warn(i, "orgcode",
                     "positions 9-17 are not a valid 组织机构代码 (" + org.reason + ")");
        return;
    }
    if (f.check == Impl::Check::OrgCode) {
        CodeCheck c = checkOrgCode(v);
        if (!c.valid) run.violate(i, "orgcode", c.reason);
        return;
    }
    std::string converted = convertLegacyIdCard(v);
    if (!converted.empty()) {
        run.warn(i, "idcard",
                 "15-digit legacy 身份证号 " + maskIdNumber(v) + " converted to 18 digits");
        run.values[i] = converted;
    }
    CodeCheck c = checkIdCard(run.values[i]);
    if (c.valid) return;
    // The reason may quote the birth date, which the masked form hides on purpose.
    std::string reason =
        c.reason.rfind("birth date", 0) == 0 ? "its birth date does not exist" : c.reason;
    run.violate(i, "idcard", maskIdNumber(run.values[i]) + " is not a valid 身份证号: " + reason);
}

void checkDate(Run& run, std::size_t i) {
    const auto& f = run.map.fields[i];
    const auto& date = run.dates[i];
    if (!date) return;
    const char* fmt = "yyyy/MM/dd";
    if (f.minDate && *date < *f.minDate)
        run.violate(
            i, "date",
            date->format(fmt) + " is before " + f.minDate->format(fmt) + "; check the year");
    if (f.maxDate && *date > *f.maxDate)
        run.violate(i, "date",
                    date->format(fmt) + " is after " + f.maxDate->format(fmt) + " (write " +
                        f.maxDate->format(fmt) + " for 长期)");
    if (f.notFuture && *date > run.context.today)
        run.violate(i, "future_date",
                    date->format(fmt) + " is after today (" + run.context.today.format(fmt) +
                        "); a decision cannot be dated in the future");
}

void check(Run& run, std::size_t i) {
    const auto& f = run.map.fields[i];
    const std::string& v = run.values[i];
    if (v.empty()) {
        if (f.required)
            run.violate(i, "required", "is required; fill it in the source");
        else if (f.requiredIf.isSet() && f.requiredIf.eval(run.values))
            run.violate(i, "required_if",
                        "is required when " + f.requiredIf.text + "; fill it in the source");
        return;
    }
    if (!run.pending[i].empty()) return;  // the value could not even be read: one message is enough
    if (isIdentifier(f)) checkIdentifier(run, i);
    if (f.type == Impl::Type::Date) checkDate(run, i);
    std::size_t length = utf8Length(run.values[i]);
    if (f.maxLength > 0 && length > f.maxLength)
        run.violate(i, "max_length",
                    "has " + std::to_string(length) + " characters, at most " +
                        std::to_string(f.maxLength) + " are allowed (\"" +
                        prefix(shown(f, run.values[i]), 20) + "...\")");
}

void checkDateOrders(Run& run) {
    for (const auto& order : run.map.dateOrders) {
        const auto& earlier = run.dates[order.earlier];
        const auto& later = run.dates[order.later];
        if (!earlier || !later || run.blanked[order.earlier] || run.blanked[order.later]) continue;
        if (*later < *earlier)
            run.violate(order.later, "date_order",
                        run.values[order.later] + " is before " + run.map.label(order.earlier) +
                            " " + run.values[order.earlier] + "; swap or correct the dates");
    }
}

}  // namespace

MappingOutcome TargetMapping::apply(const Record& record, const MappingContext& context) const {
    const std::size_t n = _impl->fields.size();
    Run run{*_impl,
            record,
            context,
            std::vector<std::string>(n),
            std::vector<std::optional<CivilDate>>(n),
            std::vector<std::vector<Violation>>(n),
            {},
            std::vector<bool>(n, false)};
    for (std::size_t i = 0; i < n; ++i) normalize(run, i);
    for (std::size_t i = 0; i < n; ++i) derive(run, i);
    // Blank after deriving (类别 is derived from fields that may be blanked) and before
    // checking (a blanked field's defects do not matter).
    for (std::size_t i = 0; i < n; ++i) {
        const auto& blankIf = _impl->fields[i].blankIf;
        if (!blankIf.isSet() || !blankIf.eval(run.values)) continue;
        run.blanked[i] = true;
        run.pending[i].clear();
        run.values[i].clear();
        run.dates[i].reset();
    }
    for (std::size_t i = 0; i < n; ++i)
        if (!run.blanked[i]) check(run, i);
    checkDateOrders(run);

    MappingOutcome outcome;
    outcome.record.kind = record.kind;
    outcome.record.fields.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
        outcome.record.fields.emplace_back(_impl->fields[i].code, run.values[i]);
        for (auto& v : run.pending[i]) outcome.violations.push_back(std::move(v));
        if (run.blanked[i]) continue;
        ++outcome.indicatorsDefined;
        if (!run.values[i].empty()) ++outcome.indicatorsFilled;
    }
    outcome.warnings = std::move(run.warnings);
    return outcome;
}

}  // namespace creditgw
