#pragma once
// Calendar dates as the rules count them: Asia/Shanghai civil dates, independent of the
// server's time zone. China has kept UTC+8 without daylight saving since 1991, so "now in
// Shanghai" is UTC now plus eight hours; no tz database is needed.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace creditgw {

struct CivilDate {
    int year = 0;
    int month = 0;
    int day = 0;

    /// True when the date exists in the proleptic Gregorian calendar (2023-02-29 does not).
    bool isValid() const;
    /// Days since 1970-01-01 (negative before it).
    long long daysSinceEpoch() const;
    static CivilDate fromDaysSinceEpoch(long long days);
    CivilDate addDays(long long n) const { return fromDaysSinceEpoch(daysSinceEpoch() + n); }
    /// ISO weekday: 1 = Monday … 7 = Sunday.
    int isoWeekday() const;
    /// "2024-09-27".
    std::string toIso() const;
    /// Formats with a pattern of yyyy, MM, dd (e.g. "yyyy/MM/dd", "yyyyMMdd").
    std::string format(std::string_view pattern) const;

    /// Parses the forms local systems export: 2024-09-27, 2024/9/27, 2024.09.27, 20240927,
    /// 2024年9月27日, and any of them followed by a time ("2024-09-27 10:00:00", "…T10:00").
    /// Returns nullopt for anything else and for dates that do not exist.
    static std::optional<CivilDate> parse(std::string_view text);
    /// Parses exactly the given pattern (yyyy, MM, dd; M/d accept 1 or 2 digits).
    static std::optional<CivilDate> parseWithPattern(std::string_view text, std::string_view pattern);

    /// The civil date in Asia/Shanghai at the given instant.
    static CivilDate inShanghai(std::chrono::system_clock::time_point instant);
    static CivilDate todayInShanghai() { return inShanghai(std::chrono::system_clock::now()); }

    auto operator<=>(const CivilDate&) const = default;
};

/// "2026-11-22T13:05:09+08:00" for an instant, in Asia/Shanghai.
std::string shanghaiTimestamp(std::chrono::system_clock::time_point instant);
/// Parses "yyyy-MM-ddTHH:mm:ss" (or with a space), optional fraction, and an offset or Z; a
/// time without offset is Asia/Shanghai, as Chinese platforms write it.
std::optional<std::chrono::system_clock::time_point> parseTimestamp(std::string_view text);

}  // namespace creditgw
