// Small mechanisms the mapping files are built from: text matching, exact decimals, code
// tables, conditions, publicity periods.

#include <algorithm>
#include <sstream>

#include "MappingInternal.h"

namespace creditgw::mapping {

// ---- text ----------------------------------------------------------------------------------

namespace {

/// Length of a "blank" sequence at `text[pos]`: ASCII space/control, U+3000, U+00A0, U+FEFF.
std::size_t blankAt(std::string_view text, std::size_t pos) {
    unsigned char c = static_cast<unsigned char>(text[pos]);
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v') return 1;
    if (text.substr(pos, 3) == "\xE3\x80\x80") return 3;  // U+3000
    if (text.substr(pos, 2) == "\xC2\xA0") return 2;      // U+00A0
    if (text.substr(pos, 3) == "\xEF\xBB\xBF") return 3;  // BOM
    return 0;
}

struct FullWidth {
    std::string_view from;
    char to;
};
constexpr FullWidth kFullWidth[] = {{"\xEF\xBC\x88", '('},
                                    {"\xEF\xBC\x89", ')'},
                                    {"\xEF\xBC\x9A", ':'},
                                    {"\xEF\xBC\x8C", ','},
                                    {"\xEF\xBC\x9B", ';'}};

}  // namespace

std::string trim(std::string_view text) {
    std::size_t begin = 0;
    while (begin < text.size()) {
        std::size_t n = blankAt(text, begin);
        if (n == 0) break;
        begin += n;
    }
    std::size_t end = text.size();
    while (end > begin) {
        // Step back to the start of the last character, then test it.
        std::size_t start = end - 1;
        while (start > begin && (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80) --start;
        if (blankAt(text, start) != end - start) break;
        end = start;
    }
    return std::string(text.substr(begin, end - begin));
}

std::string upperAscii(std::string_view text) {
    std::string out(text);
    for (char& c : out)
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    return out;
}

std::string matchKey(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        if (std::size_t n = blankAt(text, i)) {
            i += n;
            continue;
        }
        bool replaced = false;
        for (const auto& fw : kFullWidth) {
            if (text.substr(i, fw.from.size()) == fw.from) {
                out += fw.to;
                i += fw.from.size();
                replaced = true;
                break;
            }
        }
        if (replaced) continue;
        char c = text[i++];
        if (c == '*' && out.empty()) continue;  // "*行政相对人名称": a required marker
        out += (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
    }
    return out;
}

std::vector<std::string> splitAny(std::string_view text,
                                  const std::vector<std::string>& separators) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    for (std::size_t i = 0; i < text.size();) {
        std::size_t matched = 0;
        for (const auto& sep : separators)
            if (!sep.empty() && text.substr(i, sep.size()) == sep) {
                matched = sep.size();
                break;
            }
        if (matched == 0) {
            ++i;
            continue;
        }
        std::string part = trim(text.substr(start, i - start));
        if (!part.empty()) parts.push_back(std::move(part));
        i += matched;
        start = i;
    }
    std::string last = trim(text.substr(start));
    if (!last.empty()) parts.push_back(std::move(last));
    return parts;
}

std::string joinList(const std::vector<std::string>& items, const std::string& glue) {
    std::string out;
    for (const auto& item : items) {
        if (!out.empty()) out += glue;
        out += item;
    }
    return out;
}

// ---- decimals -------------------------------------------------------------------------------

std::string Decimal::toString() const {
    std::string out = integer.empty() ? "0" : integer;
    if (!fraction.empty()) out += "." + fraction;
    return out;
}

std::optional<Decimal> parseDecimal(std::string_view text, std::string* why) {
    auto fail = [&](const char* reason) -> std::optional<Decimal> {
        if (why) *why = reason;
        return std::nullopt;
    };
    if (!text.empty() && text.front() == '+') text.remove_prefix(1);
    if (text.empty()) return fail("is empty");
    if (text.front() == '-') return fail("must not be negative");
    std::size_t dot = text.find('.');
    std::string_view whole = text.substr(0, dot);
    std::string_view frac =
        dot == std::string_view::npos ? std::string_view() : text.substr(dot + 1);
    if (whole.empty() && frac.empty()) return fail("is not a number");
    auto digits = [](std::string_view s) {
        return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
    };
    if (!digits(whole) || !digits(frac))
        return fail("is not a plain decimal number (digits and one '.', no separators or units)");
    Decimal d;
    std::size_t nz = whole.find_first_not_of('0');
    d.integer = nz == std::string_view::npos ? "" : std::string(whole.substr(nz));
    std::size_t last = frac.find_last_not_of('0');
    d.fraction = last == std::string_view::npos ? "" : std::string(frac.substr(0, last + 1));
    return d;
}

Decimal shiftLeftAndRound(const Decimal& value, int places, int scale) {
    // All digits with the decimal point `pointPos` digits from the left.
    std::string digits = std::string(static_cast<std::size_t>(places), '0') + value.integer;
    std::size_t pointPos = digits.size() - static_cast<std::size_t>(places);
    digits += value.fraction;
    std::string whole = digits.substr(0, pointPos);
    std::string frac = digits.substr(pointPos);
    if (frac.size() > static_cast<std::size_t>(scale)) {
        bool roundUp = frac[static_cast<std::size_t>(scale)] >= '5';
        frac.resize(static_cast<std::size_t>(scale));
        if (roundUp) {
            std::string all = whole + frac;
            int i = static_cast<int>(all.size()) - 1;
            for (; i >= 0; --i) {
                if (all[static_cast<std::size_t>(i)] == '9') {
                    all[static_cast<std::size_t>(i)] = '0';
                    continue;
                }
                ++all[static_cast<std::size_t>(i)];
                break;
            }
            if (i < 0) all.insert(all.begin(), '1');
            whole = all.substr(0, all.size() - frac.size());
            frac = all.substr(all.size() - frac.size());
        }
    }
    Decimal out;
    std::size_t nz = whole.find_first_not_of('0');
    out.integer = nz == std::string::npos ? "" : whole.substr(nz);
    std::size_t last = frac.find_last_not_of('0');
    out.fraction = last == std::string::npos ? "" : frac.substr(0, last + 1);
    return out;
}

Decimal shiftRight(const Decimal& value, int places) {
    std::string fraction = value.fraction;
    fraction.resize(std::max(fraction.size(), static_cast<std::size_t>(places)), '0');
    std::string whole = value.integer + fraction.substr(0, static_cast<std::size_t>(places));
    std::string rest = fraction.substr(static_cast<std::size_t>(places));
    Decimal out;
    std::size_t nz = whole.find_first_not_of('0');
    out.integer = nz == std::string::npos ? "" : whole.substr(nz);
    std::size_t last = rest.find_last_not_of('0');
    out.fraction = last == std::string::npos ? "" : rest.substr(0, last + 1);
    return out;
}

std::string formatFixed(const Decimal& value, int decimals) {
    Decimal rounded = roundTo(value, decimals);
    std::string out = rounded.integer.empty() ? "0" : rounded.integer;
    if (decimals <= 0) return out;
    std::string fraction = rounded.fraction;
    fraction.resize(static_cast<std::size_t>(decimals), '0');
    return out + "." + fraction;
}

// ---- code tables ----------------------------------------------------------------------------

namespace {

void appendUnique(std::vector<std::string>& out, const std::vector<std::string>& values) {
    for (const auto& v : values)
        if (std::find(out.begin(), out.end(), v) == out.end()) out.push_back(v);
}

}  // namespace

std::optional<std::string> CodeTable::lookup(std::string_view input, std::string* unknown) const {
    std::string value = trim(input);
    auto single = [&](const std::string& part) -> std::optional<std::vector<std::string>> {
        auto it = byKey.find(matchKey(part));
        if (it != byKey.end()) return it->second;
        for (const auto& prefix : freePrefixes)
            if (part.size() > prefix.size() && part.compare(0, prefix.size(), prefix) == 0)
                return std::vector<std::string>{part};
        return std::nullopt;
    };
    if (auto whole = single(value)) return joinList(*whole, joiner);
    if (!multiple) {
        if (unknown) *unknown = value;
        return std::nullopt;
    }
    std::vector<std::string> out;
    for (const auto& part : splitAny(value, separators)) {
        auto found = single(part);
        if (!found) {
            if (unknown) *unknown = part;
            return std::nullopt;
        }
        appendUnique(out, *found);
    }
    if (out.empty()) {
        if (unknown) *unknown = value;
        return std::nullopt;
    }
    return joinList(out, joiner);
}

std::optional<std::string> CodeTable::toOutput(const std::string& standard,
                                               std::string* unmapped) const {
    auto one = [&](const std::string& value) -> std::optional<std::string> {
        auto it = outputs.find(value);
        if (it != outputs.end()) return it->second;
        for (const auto& prefix : freePrefixes) {
            if (value.compare(0, prefix.size(), prefix) != 0) continue;
            // "其他-" → the output of "其他": the prefix minus its suffix is the base value.
            for (const auto& [base, output] : outputs)
                if (prefix.compare(0, base.size(), base) == 0 && prefix.size() > base.size())
                    return output;
        }
        if (unmapped) *unmapped = value;
        return std::nullopt;
    };
    if (!multiple) return one(standard);
    std::vector<std::string> out;
    for (const auto& part : splitAny(standard, {joiner})) {
        auto mapped = one(part);
        if (!mapped) return std::nullopt;
        out.push_back(*mapped);
    }
    return joinList(out, joiner);
}

std::string CodeTable::knownValues() const {
    std::vector<std::string> shown(values.begin(),
                                   values.begin() + std::min<std::size_t>(values.size(), 16));
    std::string out = joinList(shown);
    if (values.size() > shown.size()) out += ", ...";
    return out;
}

// ---- conditions -----------------------------------------------------------------------------

namespace {

std::optional<double> numberOf(const std::string& text) {
    std::string t = trim(text);
    if (t.empty()) return std::nullopt;
    char* end = nullptr;
    double d = std::strtod(t.c_str(), &end);
    if (end == nullptr || *end != '\0') return std::nullopt;
    return d;
}

bool compareNumber(const std::string& value, Condition::Op op, double bound) {
    auto v = numberOf(value);
    if (!v) return false;
    switch (op) {
        case Condition::Op::Less: return *v < bound;
        case Condition::Op::LessEqual: return *v <= bound;
        case Condition::Op::Greater: return *v > bound;
        case Condition::Op::GreaterEqual: return *v >= bound;
        default: return false;
    }
}

/// Every ;-separated part of `value` is one of `allowed`'s (an empty value is within nothing).
bool isWithin(const std::string& value, const std::string& allowed) {
    auto parts = splitAny(value, {";"});
    if (parts.empty()) return false;
    auto permitted = splitAny(allowed, {";"});
    for (const auto& part : parts)
        if (std::find(permitted.begin(), permitted.end(), trim(part)) == permitted.end()) return false;
    return true;
}

}  // namespace

bool Condition::eval(const std::vector<std::string>& values) const {
    for (const auto& all : anyOf) {
        bool ok = true;
        for (const auto& c : all) {
            const std::string& v = values[c.field];
            switch (c.op) {
                case Op::Equals:
                    ok = v == c.value;
                    break;
                case Op::NotEquals:
                    ok = v != c.value;
                    break;
                case Op::Contains:
                    ok = v.find(c.value) != std::string::npos;
                    break;
                case Op::StartsWith:
                    ok = v.compare(0, c.value.size(), c.value) == 0;
                    break;
                case Op::Empty:
                    ok = v.empty();
                    break;
                case Op::NotEmpty:
                    ok = !v.empty();
                    break;
                case Op::Within:
                    ok = isWithin(v, c.value);
                    break;
                case Op::Less:
                case Op::LessEqual:
                case Op::Greater:
                case Op::GreaterEqual:
                    ok = compareNumber(v, c.op, c.number);
                    break;
            }
            if (!ok) break;
        }
        if (ok) return true;
    }
    return false;
}

namespace {

std::vector<std::string> splitWord(const std::string& text, const std::string& word) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    const std::string sep = " " + word + " ";
    for (std::size_t pos; (pos = text.find(sep, start)) != std::string::npos;
         start = pos + sep.size())
        parts.push_back(text.substr(start, pos - start));
    parts.push_back(text.substr(start));
    return parts;
}

bool parseClause(const std::string& text, const std::function<long(const std::string&)>& fieldIndex,
                 Condition::Clause& out, std::string& error) {
    std::istringstream in(trim(text));
    std::string field, op;
    in >> field >> op;
    std::string value;
    std::getline(in, value);
    value = trim(value);
    static const std::pair<const char*, Condition::Op> kOps[] = {
        {"=", Condition::Op::Equals},          {"!=", Condition::Op::NotEquals},
        {"contains", Condition::Op::Contains}, {"startsWith", Condition::Op::StartsWith},
        {"empty", Condition::Op::Empty},       {"notEmpty", Condition::Op::NotEmpty},
        {"within", Condition::Op::Within},     {"<", Condition::Op::Less},
        {"<=", Condition::Op::LessEqual},      {">", Condition::Op::Greater},
        {">=", Condition::Op::GreaterEqual}};
    auto it = std::find_if(std::begin(kOps), std::end(kOps),
                           [&](const auto& k) { return op == k.first; });
    if (field.empty() || it == std::end(kOps)) {
        error = "condition \"" + trim(text) +
                "\": expected FIELD OP [VALUE] with OP one of =, !=, contains, startsWith, empty, "
                "notEmpty, within, <, <=, >, >=";
        return false;
    }
    bool unary = it->second == Condition::Op::Empty || it->second == Condition::Op::NotEmpty;
    if (unary != value.empty()) {
        error = "condition \"" + trim(text) + "\": " +
                (unary ? "empty/notEmpty take no value" : "operator " + op + " needs a value");
        return false;
    }
    long index = fieldIndex(field);
    if (index < 0) {
        error = "condition \"" + trim(text) + "\": unknown field " + field;
        return false;
    }
    out = Condition::Clause{static_cast<std::size_t>(index), it->second, value};
    bool numeric = it->second == Condition::Op::Less || it->second == Condition::Op::LessEqual ||
                   it->second == Condition::Op::Greater || it->second == Condition::Op::GreaterEqual;
    if (numeric) {
        auto bound = numberOf(value);
        if (!bound) {
            error = "condition \"" + trim(text) + "\": " + op + " needs a number, not \"" + value + "\"";
            return false;
        }
        out.number = *bound;
    }
    return true;
}

}  // namespace

bool parseCondition(const std::string& text,
                    const std::function<long(const std::string&)>& fieldIndex, Condition& out,
                    std::string& error) {
    out = Condition{};
    out.text = trim(text);
    if (out.text.empty()) {
        error = "empty condition";
        return false;
    }
    for (const auto& alternative : splitWord(out.text, "or")) {
        std::vector<Condition::Clause> all;
        for (const auto& clauseText : splitWord(alternative, "and")) {
            Condition::Clause clause;
            if (!parseClause(clauseText, fieldIndex, clause, error)) return false;
            all.push_back(std::move(clause));
        }
        out.anyOf.push_back(std::move(all));
    }
    return true;
}

// ---- publicity periods ----------------------------------------------------------------------

CivilDate addMonths(const CivilDate& date, int months) {
    int total = date.year * 12 + (date.month - 1) + months;
    CivilDate out{total / 12, total % 12 + 1, date.day};
    while (!out.isValid() && out.day > 28) --out.day;  // 01-31 + 1 month → 02-28/29
    return out;
}

std::optional<std::string> PublicityPeriods::severityOf(const std::string& value) const {
    if (trim(value).empty()) return defaultSeverity;
    auto it = severityByKey.find(matchKey(value));
    if (it == severityByKey.end()) return std::nullopt;
    return it->second;
}

const PublicityPeriods::Period* PublicityPeriods::periodFor(const CivilDate& decision,
                                                           const std::string& severity) const {
    const Period* chosen = nullptr;
    for (const auto& p : periods) {
        if (p.severity != severity) continue;
        if (chosen == nullptr || p.effectiveFrom <= decision) chosen = &p;
        if (decision < p.effectiveFrom) break;
    }
    return chosen;
}

std::optional<CivilDate> PublicityPeriods::end(const CivilDate& decision,
                                               const std::string& severity) const {
    const Period* chosen = periodFor(decision, severity);
    if (chosen == nullptr) return std::nullopt;
    return addMonths(decision, chosen->maxMonths);
}

}  // namespace creditgw::mapping
