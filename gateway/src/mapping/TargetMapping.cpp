// TargetMapping::apply: one canonical record → what one target publishes, with every rule of
// the target's mapping file checked. Runs per record: everything is resolved at load, here we
// only walk vectors.

#include <algorithm>

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
    for (const auto& f : _impl->fields)
        if (f.published) codes.push_back(f.code);
    return codes;
}

std::vector<std::string> TargetMapping::outputNames() const {
    std::vector<std::string> names;
    for (const auto& f : _impl->fields)
        if (f.published) names.push_back(f.output);
    return names;
}

std::string TargetMapping::publicitySeverityField() const {
    for (const auto& f : _impl->fields)
        if (f.hasDerivation && f.derive.publicityFrom >= 0) return f.derive.severityField;
    return {};
}

std::optional<CivilDate> TargetMapping::earliestRepair(const CivilDate& decision,
                                                       const std::string& severityValue) const {
    if (_impl->publicity == nullptr || publicitySeverityField().empty()) return std::nullopt;
    auto severity = _impl->publicity->severityOf(severityValue);
    if (!severity) return std::nullopt;
    const auto* period = _impl->publicity->periodFor(decision, *severity);
    if (period == nullptr) return std::nullopt;
    return mapping::addMonths(decision, period->minMonths);
}

std::vector<std::string> TargetMapping::titles() const {
    std::vector<std::string> titles;
    for (const auto& f : _impl->fields)
        if (f.published) titles.push_back(f.name);
    return titles;
}

std::vector<std::string> TargetMapping::valueTypes() const {
    std::vector<std::string> types;
    for (const auto& f : _impl->fields) {
        if (!f.published) continue;
        bool plain = f.mask == Impl::Mask::None;
        types.push_back(!plain                          ? "text"
                        : f.type == Impl::Type::Date   ? "date"
                        : f.type == Impl::Type::Amount ? "amount"
                        : f.type == Impl::Type::Number ? "number"
                                                       : "text");
    }
    return types;
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
    /// Only sized when tracing: what was read and the steps taken, per field.
    bool tracing = false;
    std::vector<std::string> sources;
    std::vector<std::vector<std::string>> steps;
    bool shareOnly = false;  ///< a <shareOnly> field found a rule that holds
    std::string severity;    ///< the severity derivePublicityEnd used

    /// Callers test `tracing` first so that the step text is never built otherwise.
    void note(std::size_t i, std::string step) { steps[i].push_back(std::move(step)); }
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

/// `value` with all but the first `front` and last `back` characters replaced by '*'
/// (everything when it is that short): 身份证号 6+4 (domain.md §4.3), phone 3+4, all 0+0.
std::string masked(const std::string& value, Impl::Mask mask) {
    std::size_t front = mask == Impl::Mask::IdCard ? 6 : mask == Impl::Mask::Phone ? 3 : 0;
    std::size_t back = mask == Impl::Mask::All ? 0 : 4;
    std::vector<std::size_t> starts;
    for (std::size_t i = 0; i < value.size(); ++i)
        if ((static_cast<unsigned char>(value[i]) & 0xC0) != 0x80) starts.push_back(i);
    std::size_t n = starts.size();
    if (n <= front + back) return std::string(n, '*');
    std::string out = value.substr(0, starts[front]);
    out.append(n - front - back, '*');
    if (back > 0) out += value.substr(starts[n - back]);
    return out;
}

const char* maskName(Impl::Mask mask) {
    switch (mask) {
        case Impl::Mask::IdCard:
            return "idcard";
        case Impl::Mask::Phone:
            return "phone";
        case Impl::Mask::All:
            return "all";
        case Impl::Mask::None:
            break;
    }
    return "none";
}

/// How a value may be quoted in a message: never a 身份证号 or a value the target masks.
std::string shown(const Impl::Field& f, const std::string& value) {
    if (f.mask != Impl::Mask::None) return masked(value, f.mask);
    return f.check == Impl::Check::IdCard ? maskIdNumber(value) : value;
}

const std::string& dateFormatOf(const Run& run, std::size_t i) {
    const auto& f = run.map.fields[i];
    return f.dateFormat.empty() ? run.map.dateFormat : f.dateFormat;
}

/// `text` split on `separator`, keeping empty parts so that part numbers stay stable. With
/// `rest`, part `part` and everything after it.
std::string partOf(const std::string& text, const std::string& separator, int part, bool rest) {
    std::size_t start = 0;
    for (int n = 1;; ++n) {
        std::size_t end = text.find(separator, start);
        if (n == part && rest) return trim(text.substr(start));
        if (n == part) return trim(text.substr(start, end == std::string::npos ? end : end - start));
        if (end == std::string::npos) return {};
        start = end + separator.size();
    }
}

/// Reads the field's raw value: a constant, joined canonical fields, a part of one, or one.
void take(Run& run, std::size_t i) {
    const auto& f = run.map.fields[i];
    std::string& v = run.values[i];
    if (f.constant) {
        v = *f.constant;
        if (run.tracing) run.note(i, "constant");
        return;
    }
    if (f.derive.shareOnlyMark) return;  // derived from the rules, never read
    if (!f.concat.empty()) {
        for (const auto& code : f.concat) {
            std::string part = trim(run.record.field(code));
            if (part.empty()) continue;
            if (!v.empty()) v += f.separator;
            v += part;
        }
        if (run.tracing) {
            run.sources[i] = v;
            run.note(i, "concat " + mapping::joinList(f.concat, " + ") + " with \"" +
                            f.separator + "\"");
        }
        return;
    }
    v = trim(run.record.field(f.from));
    if (run.tracing) run.sources[i] = v;
    if (f.splitPart > 0) {
        v = partOf(v, f.separator, f.splitPart, f.splitRest);
        if (run.tracing)
            run.note(i, "split part " + std::to_string(f.splitPart) + (f.splitRest ? " and after" : "") + " of " +
                            f.from + " by \"" + f.separator + "\"");
        return;
    }
    if (!run.tracing) return;
    if (f.output != f.code || f.from != f.code)
        run.note(i, "rename from " + f.from);
    else
        run.note(i, "copy");
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
                    "\"" + v + "\" is not a date that exists; write it as " + dateFormatOf(run, i));
        return;
    }
    run.dates[i] = date;
    v = date->format(dateFormatOf(run, i));
    if (run.tracing && !f.dateFormat.empty()) run.note(i, "date format " + f.dateFormat);
}

/// 元 ↔ 万元 on the exact decimal digits; false (and a violation) when it is no number.
bool convertUnit(Run& run, std::size_t i) {
    const auto& f = run.map.fields[i];
    if (f.convert == Impl::Convert::None) return true;
    std::string& v = run.values[i];
    std::string why;
    auto decimal = mapping::parseDecimal(v, &why);
    bool toWanyuan = f.convert == Impl::Convert::YuanToWanyuan;
    if (!decimal) {
        run.violate(i, "amount",
                    "\"" + v + "\" " + why + "; give the amount in " + (toWanyuan ? "元" : "万元"));
        return false;
    }
    v = (toWanyuan ? mapping::shiftLeftAndRound(*decimal, 4, f.scale)
                   : mapping::shiftRight(*decimal, 4))
            .toString();
    if (run.tracing) run.note(i, toWanyuan ? "元 → 万元" : "万元 → 元");
    return true;
}

void normalizeAmount(Run& run, std::size_t i) {
    const auto& f = run.map.fields[i];
    std::string& v = run.values[i];
    bool amount = f.type == Impl::Type::Amount;
    std::string unit = amount && f.convert != Impl::Convert::WanyuanToYuan ? "万元" : "";
    std::string why;
    auto decimal = mapping::parseDecimal(v, &why);
    if (!decimal) {
        run.violate(i, "amount",
                    "\"" + v + "\" " + why + (unit.empty() ? "" : "; give the amount in " + unit));
        return;
    }
    if (decimal->fraction.size() > static_cast<std::size_t>(f.scale)) {
        run.violate(i, "amount",
                    "\"" + v + "\" has more than " + std::to_string(f.scale) + " decimals" +
                        (unit == "万元" ? " (the amount is in 万元: 2000 元 is 0.2)" : ""));
        return;
    }
    if (decimal->integer.size() > static_cast<std::size_t>(f.precision - f.scale)) {
        run.violate(i, "amount",
                    "\"" + v + "\" is too large for N(" + std::to_string(f.precision) + "," +
                        std::to_string(f.scale) + ")" +
                        (unit == "万元" ? "; is it in 元 instead of 万元?" : ""));
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
    if (run.tracing && *standard != run.values[i])
        run.note(i, "code table " + f.codeTable->id + ": " + run.values[i] + " → " + *standard);
    run.values[i] = *standard;
}

/// Brings the taken value to its type's standard form (dates, amounts, code tables).
void normalize(Run& run, std::size_t i) {
    const auto& f = run.map.fields[i];
    if (run.values[i].empty()) return;
    // Normally caught by the source; a record from elsewhere must not reach a package with
    // broken bytes (lengths would be miscounted too). The value is not quoted: it cannot print.
    if (!isValidUtf8(run.values[i])) {
        run.violate(i, "encoding",
                    "is not valid UTF-8; re-export the source in UTF-8 or declare its encoding");
        return;
    }
    if (isIdentifier(f)) run.values[i] = upperAscii(run.values[i]);
    if (!convertUnit(run, i)) return;
    switch (f.type) {
        case Impl::Type::Date:
            normalizeDate(run, i);
            break;
        case Impl::Type::Amount:
        case Impl::Type::Number:
            normalizeAmount(run, i);
            break;
        case Impl::Type::Code:
            normalizeCode(run, i);
            break;
        case Impl::Type::Text:
            break;
    }
}

/// Whether a publicity-periods.xml rule holds: over the mapped values, plus the record's own
/// value of fields the target does not send whole.
bool ruleHolds(const Run& run, const Impl::Derivation& d, const mapping::Condition& rule) {
    if (d.ruleRecordFields.empty()) return rule.eval(run.values);
    std::vector<std::string> values = run.values;
    for (const auto& code : d.ruleRecordFields) values.push_back(trim(run.record.field(code)));
    return rule.eval(values);
}

void derivePublicityEnd(Run& run, std::size_t i) {
    const auto& d = run.map.fields[i].derive;
    const auto& decision = run.dates[static_cast<std::size_t>(d.publicityFrom)];
    if (!decision || run.map.publicity == nullptr) return;  // the date rule reports it
    const std::string& given = run.record.field(d.severityField);
    auto severity = run.map.publicity->severityOf(given);
    if (trim(given).empty())
        for (const auto& [condition, named] : d.severityRules) {
            if (!ruleHolds(run, d, condition)) continue;
            severity = named;
            if (run.tracing) run.note(i, "severity " + named + " by rule: " + condition.text);
            break;
        }
    if (!severity) {
        run.violate(i, "code_table",
                    "cannot compute it: severity \"" + trim(given) + "\" in " + d.severityField +
                        " is not known in publicity-periods.xml");
        return;
    }
    const auto* period = run.map.publicity->periodFor(*decision, *severity);
    if (period == nullptr) return;
    run.severity = *severity;
    run.dates[i] = mapping::addMonths(*decision, period->maxMonths);
    run.values[i] = run.dates[i]->format(dateFormatOf(run, i));
    if (run.tracing)
        run.note(i, "derived: publicityEnd from " +
                        run.map.fields[static_cast<std::size_t>(d.publicityFrom)].code + " + " +
                        std::to_string(period->maxMonths) + " months (" + *severity + ")");
}

/// 共享不公示 (domain.md §4.2): the target's own mark for a penalty that is shared, not shown.
void deriveShareOnly(Run& run, std::size_t i) {
    const auto& d = run.map.fields[i].derive;
    for (const auto& condition : d.shareOnlyRules) {
        if (!ruleHolds(run, d, condition)) continue;
        run.values[i] = d.shareOnlyValue;
        run.shareOnly = true;
        if (run.tracing) run.note(i, "derived: 共享不公示 by rule: " + condition.text);
        return;
    }
    run.values[i] = d.shownValue;
    if (run.tracing) run.note(i, "derived: 公示 (no shareOnlyRule holds)");
}

void derive(Run& run, std::size_t i) {
    const auto& f = run.map.fields[i];
    if (!run.values[i].empty()) return;
    if (f.hasDerivation) {
        const auto& d = f.derive;
        if (d.copyFrom >= 0) {
            run.values[i] = run.values[static_cast<std::size_t>(d.copyFrom)];
            run.dates[i] = run.dates[static_cast<std::size_t>(d.copyFrom)];
            if (run.tracing && !run.values[i].empty())
                run.note(i, "derived: copy from " +
                                run.map.fields[static_cast<std::size_t>(d.copyFrom)].code);
        } else if (d.publicityFrom >= 0) {
            derivePublicityEnd(run, i);
        } else if (d.shareOnlyMark) {
            deriveShareOnly(run, i);
        } else {
            for (const auto& [condition, value] : d.cases) {
                if (!condition.eval(run.values)) continue;
                run.values[i] = value;
                if (run.tracing) run.note(i, "derived: when " + condition.text);
                break;
            }
            if (run.values[i].empty() && d.otherwise) {
                run.values[i] = *d.otherwise;
                if (run.tracing) run.note(i, "derived: otherwise");
            }
        }
    }
    if (!run.values[i].empty() || !f.defaultValue) return;
    run.values[i] = *f.defaultValue;
    if (run.tracing) run.note(i, "default");
    normalize(run, i);
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
    PatternMatch matched = f.pattern ? f.pattern->match(run.values[i]) : PatternMatch::Match;
    if (matched == PatternMatch::TooComplex)
        run.violate(i, "pattern", "the value (" + std::to_string(run.values[i].size()) +
                                      " bytes) could not be checked against the pattern " + f.patternText +
                                      " within the match limit; shorten the value or simplify the pattern");
    else if (matched == PatternMatch::NoMatch)
        run.violate(i, "pattern",
                    "\"" + prefix(shown(f, run.values[i]), 40) + "\" does not match the pattern " +
                        f.patternText + "; correct the value in the source");
    if (!f.enumeration.empty() &&
        std::find(f.enumeration.begin(), f.enumeration.end(), run.values[i]) ==
            f.enumeration.end())
        run.violate(i, "enumeration",
                    "\"" + prefix(shown(f, run.values[i]), 40) + "\" is not one of " +
                        mapping::joinList(f.enumeration));
}

bool isZero(const std::string& value) {
    auto decimal = mapping::parseDecimal(value, nullptr);
    return decimal && decimal->integer.empty() && decimal->fraction.empty();
}

/// 罚款 in 处罚类别 ⇔ CF_NR_FK > 0 (and the like). An empty amount where one is needed is left to
/// the field's requiredIf, which already says so.
void checkAmountRules(Run& run) {
    for (const auto& rule : run.map.amountRules) {
        std::size_t i = rule.amount;
        if (run.blanked[i] || !run.pending[i].empty()) continue;
        const std::string& v = run.values[i];
        bool needed = rule.when.eval(run.values);
        if (needed && (v.empty() || isZero(v)))
            run.violate(i, "amount_category",
                        (v.empty() ? std::string("is empty") : "is 0") + " but " + rule.when.text +
                            "; give the amount, or correct the category");
        else if (!needed && !v.empty() && !isZero(v))
            run.violate(i, "amount_category",
                        "is " + v + " but not (" + rule.when.text +
                            "); remove the amount, or add the category");
    }
}

/// What only the wire sees: output codes, fixed decimals, masking. After every check, so the
/// checks judged the real values.
void finish(Run& run, std::size_t i) {
    const auto& f = run.map.fields[i];
    std::string& v = run.values[i];
    if (v.empty() || !run.pending[i].empty()) return;
    if (f.codeTable != nullptr && f.codeTable->hasOutputs()) {
        std::string unmapped;
        auto output = f.codeTable->toOutput(v, &unmapped);
        if (!output) {
            run.violate(i, "output_code",
                        "\"" + unmapped + "\" has no output code for target " + run.map.target +
                            " in code table " + f.codeTable->id + " (" + f.codeTable->file +
                            "); add output=\"...\" to its value");
            return;
        }
        if (run.tracing) run.note(i, "code table " + f.codeTable->id + " → " + *output);
        v = *output;
    }
    if (f.decimals >= 0) {
        if (auto decimal = mapping::parseDecimal(v, nullptr)) {
            v = mapping::formatFixed(*decimal, f.decimals);
            if (run.tracing) run.note(i, std::to_string(f.decimals) + " decimals");
        }
    }
    if (f.mask != Impl::Mask::None) {
        v = masked(v, f.mask);
        if (run.tracing) run.note(i, std::string("masked (") + maskName(f.mask) + ")");
    }
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

MappingOutcome TargetMapping::apply(const Record& record, const MappingContext& context,
                                    MappingTrace* trace) const {
    const std::size_t n = _impl->fields.size();
    Run run{*_impl,
            record,
            context,
            std::vector<std::string>(n),
            std::vector<std::optional<CivilDate>>(n),
            std::vector<std::vector<Violation>>(n),
            {},
            std::vector<bool>(n, false),
            false,
            {},
            {},
            false,
            {}};
    if (trace != nullptr) {
        run.tracing = true;
        run.sources.resize(n);
        run.steps.resize(n);
    }
    for (std::size_t i = 0; i < n; ++i) {
        take(run, i);
        normalize(run, i);
    }
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
        if (run.tracing) run.note(i, "blanked: " + blankIf.text);
    }
    for (std::size_t i = 0; i < n; ++i)
        if (!run.blanked[i]) check(run, i);
    checkDateOrders(run);
    checkAmountRules(run);
    for (std::size_t i = 0; i < n; ++i) finish(run, i);

    MappingOutcome outcome;
    outcome.record.kind = record.kind;
    outcome.record.fields.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
        for (auto& v : run.pending[i]) outcome.violations.push_back(std::move(v));
        const auto& field = _impl->fields[i];
        if (field.hasDerivation && field.derive.publicityFrom >= 0 && run.dates[i] && !run.blanked[i])
            outcome.publicityEnd = run.dates[i]->toIso();
        // An unpublished field still holds the record when it fails, but is neither sent nor
        // counted as an indicator of the target format.
        if (!_impl->fields[i].published) continue;
        outcome.record.fields.emplace_back(_impl->fields[i].output, run.values[i]);
        // The 共享不公示 mark is always set: it is not an indicator the unit fills (完整率).
        if (run.blanked[i] || field.derive.shareOnlyMark) continue;
        ++outcome.indicatorsDefined;
        if (!run.values[i].empty()) ++outcome.indicatorsFilled;
    }
    outcome.warnings = std::move(run.warnings);
    outcome.shareOnly = run.shareOnly;
    outcome.severity = run.severity;
    if (trace != nullptr) {
        trace->fields.clear();
        for (std::size_t i = 0; i < n; ++i) {
            const auto& f = _impl->fields[i];
            // An explanation is printed: the source of a 身份证号 or masked field shows masked.
            std::string source = run.sources[i].empty() ? std::string() : shown(f, run.sources[i]);
            std::string rule = mapping::joinList(run.steps[i], "; ");
            if (!f.published) rule += rule.empty() ? "not published" : "; not published";
            trace->fields.push_back({f.output, f.code, run.values[i], std::move(source), std::move(rule)});
        }
    }
    return outcome;
}

}  // namespace creditgw
