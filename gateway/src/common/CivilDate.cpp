#include "creditgw/CivilDate.h"

#include <cctype>
#include <cstdio>
#include <vector>

namespace creditgw {

namespace {

bool isLeapYear(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int daysInMonth(int y, int m) {
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && isLeapYear(y) ? 29 : days[m - 1];
}

constexpr long long kShanghaiOffsetSeconds = 8 * 3600;

// Reads up to `maxDigits` digits at text[pos], at least `minDigits`.
bool readNumber(std::string_view text, std::size_t& pos, int minDigits, int maxDigits, int& out) {
    int digits = 0;
    out = 0;
    while (pos < text.size() && digits < maxDigits && std::isdigit(static_cast<unsigned char>(text[pos]))) {
        out = out * 10 + (text[pos] - '0');
        ++pos;
        ++digits;
    }
    return digits >= minDigits;
}

// Strips a trailing time part ("10:00:00", "T10:00", " 00:00:00.0") after the date.
std::string_view datePart(std::string_view text) {
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
    std::size_t cut = text.find_first_of(" T");
    if (cut != std::string_view::npos && cut >= 8) text = text.substr(0, cut);
    return text;
}

}  // namespace

bool CivilDate::isValid() const {
    return year >= 1 && year <= 9999 && month >= 1 && month <= 12 && day >= 1 &&
           day <= daysInMonth(year, month);
}

// Howard Hinnant's days_from_civil.
long long CivilDate::daysSinceEpoch() const {
    int y = year - (month <= 2 ? 1 : 0);
    long long era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = static_cast<unsigned>(y - era * 400);
    unsigned mp = static_cast<unsigned>(month + (month > 2 ? -3 : 9));
    unsigned doy = (153 * mp + 2) / 5 + static_cast<unsigned>(day) - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<long long>(doe) - 719468;
}

CivilDate CivilDate::fromDaysSinceEpoch(long long z) {
    z += 719468;
    long long era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = static_cast<unsigned>(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long long y = static_cast<long long>(yoe) + era * 400;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    unsigned d = doy - (153 * mp + 2) / 5 + 1;
    unsigned m = mp < 10 ? mp + 3 : mp - 9;
    return CivilDate{static_cast<int>(y + (m <= 2 ? 1 : 0)), static_cast<int>(m), static_cast<int>(d)};
}

int CivilDate::isoWeekday() const {
    long long z = daysSinceEpoch();  // 1970-01-01 was a Thursday (4)
    long long w = (z % 7 + 7 + 3) % 7;  // 0 = Monday
    return static_cast<int>(w) + 1;
}

std::string CivilDate::toIso() const { return format("yyyy-MM-dd"); }

std::string CivilDate::format(std::string_view pattern) const {
    std::string out;
    char buffer[8];
    for (std::size_t i = 0; i < pattern.size();) {
        if (pattern.substr(i, 4) == "yyyy") {
            std::snprintf(buffer, sizeof buffer, "%04d", year);
            out += buffer;
            i += 4;
        } else if (pattern.substr(i, 2) == "MM") {
            std::snprintf(buffer, sizeof buffer, "%02d", month);
            out += buffer;
            i += 2;
        } else if (pattern.substr(i, 2) == "dd") {
            std::snprintf(buffer, sizeof buffer, "%02d", day);
            out += buffer;
            i += 2;
        } else {
            out += pattern[i++];
        }
    }
    return out;
}

std::optional<CivilDate> CivilDate::parseWithPattern(std::string_view text, std::string_view pattern) {
    CivilDate date;
    std::size_t pos = 0;
    for (std::size_t i = 0; i < pattern.size();) {
        bool ok = true;
        if (pattern.substr(i, 4) == "yyyy") { ok = readNumber(text, pos, 4, 4, date.year); i += 4; }
        else if (pattern.substr(i, 2) == "MM") { ok = readNumber(text, pos, 2, 2, date.month); i += 2; }
        else if (pattern.substr(i, 2) == "dd") { ok = readNumber(text, pos, 2, 2, date.day); i += 2; }
        else if (pattern[i] == 'M') { ok = readNumber(text, pos, 1, 2, date.month); i += 1; }
        else if (pattern[i] == 'd') { ok = readNumber(text, pos, 1, 2, date.day); i += 1; }
        else {
            // A literal: may be a multi-byte UTF-8 character such as 年.
            std::size_t len = 1;
            unsigned char c = static_cast<unsigned char>(pattern[i]);
            if (c >= 0xF0) len = 4; else if (c >= 0xE0) len = 3; else if (c >= 0xC0) len = 2;
            ok = text.substr(pos, len) == pattern.substr(i, len);
            pos += len;
            i += len;
        }
        if (!ok) return std::nullopt;
    }
    if (pos != text.size() || !date.isValid()) return std::nullopt;
    return date;
}

std::optional<CivilDate> CivilDate::parse(std::string_view text) {
    static const std::vector<std::string_view> patterns = {
        "yyyy-M-d", "yyyy/M/d", "yyyy.M.d", "yyyyMMdd", "yyyy年M月d日"};
    std::string_view date = datePart(text);
    for (std::string_view pattern : patterns)
        if (auto parsed = parseWithPattern(date, pattern)) return parsed;
    return std::nullopt;
}

CivilDate CivilDate::inShanghai(std::chrono::system_clock::time_point instant) {
    long long seconds =
        std::chrono::duration_cast<std::chrono::seconds>(instant.time_since_epoch()).count() +
        kShanghaiOffsetSeconds;
    long long days = seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400;
    return fromDaysSinceEpoch(days);
}

std::string shanghaiTimestamp(std::chrono::system_clock::time_point instant) {
    long long seconds =
        std::chrono::duration_cast<std::chrono::seconds>(instant.time_since_epoch()).count() +
        kShanghaiOffsetSeconds;
    long long days = seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400;
    long long rest = seconds - days * 86400;
    CivilDate date = CivilDate::fromDaysSinceEpoch(days);
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02lld:%02lld:%02lld+08:00", date.year,
                  date.month, date.day, rest / 3600, rest / 60 % 60, rest % 60);
    return buffer;
}

std::optional<std::chrono::system_clock::time_point> parseTimestamp(std::string_view text) {
    // yyyy-MM-dd(T| )HH:mm:ss[.fff][Z|±HH:MM]; without an offset the time is Asia/Shanghai,
    // as Chinese platforms write it.
    if (text.size() < 19) return std::nullopt;
    auto date = CivilDate::parseWithPattern(text.substr(0, 10), "yyyy-MM-dd");
    if (!date || (text[10] != 'T' && text[10] != ' ')) return std::nullopt;
    // system_clock counts nanoseconds: years outside about 1678–2262 overflow (9999 came out as
    // 1816). No credit record or receipt is dated outside 1900–2199.
    if (date->year < 1900 || date->year > 2199) return std::nullopt;
    std::size_t pos = 11;
    int h, m, s;
    if (!readNumber(text, pos, 2, 2, h) || text[pos++] != ':' || !readNumber(text, pos, 2, 2, m) ||
        pos >= text.size() || text[pos++] != ':' || !readNumber(text, pos, 2, 2, s))
        return std::nullopt;
    if (h > 23 || m > 59 || s > 60) return std::nullopt;
    if (pos < text.size() && text[pos] == '.') {
        ++pos;
        while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) ++pos;
    }
    long long offset = kShanghaiOffsetSeconds;
    if (pos == text.size()) {
        // no offset: Asia/Shanghai
    } else if (text[pos] == 'Z') {
        offset = 0;
        ++pos;
    } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
        int sign = text[pos++] == '-' ? -1 : 1;
        int oh, om;
        if (!readNumber(text, pos, 2, 2, oh) || pos >= text.size() || text[pos++] != ':' ||
            !readNumber(text, pos, 2, 2, om))
            return std::nullopt;
        offset = sign * (oh * 3600LL + om * 60LL);
    } else {
        return std::nullopt;
    }
    if (pos != text.size()) return std::nullopt;
    long long epoch = date->daysSinceEpoch() * 86400 + h * 3600LL + m * 60LL + s - offset;
    return std::chrono::system_clock::time_point(std::chrono::seconds(epoch));
}

}  // namespace creditgw
