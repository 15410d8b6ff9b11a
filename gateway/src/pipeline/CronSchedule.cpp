#include "creditgw/CronSchedule.h"

#include <Poco/StringTokenizer.h>

#include <ctime>
#include <vector>

namespace creditgw {

namespace {

constexpr std::chrono::hours kShanghaiOffset{8};  // UTC+8, no DST since 1991

Result<int> number(const std::string& text, const std::string& field) {
    if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos || text.size() > 4)
        return Status::invalidArgument(field + ": \"" + text + "\" is not a number");
    return std::stoi(text);
}

// One comma-separated part of a field: *, N, A-B, */S, A-B/S, N/S.
template <std::size_t N>
Status parsePart(const std::string& part, const std::string& field, int low, int high, std::bitset<N>& bits) {
    std::string range = part, stepText;
    auto slash = part.find('/');
    if (slash != std::string::npos) {
        range = part.substr(0, slash);
        stepText = part.substr(slash + 1);
    }
    int from = low, to = high, step = 1;
    if (!stepText.empty() || slash != std::string::npos) {
        auto parsed = number(stepText, field);
        if (!parsed || *parsed == 0) return Status::invalidArgument(field + ": bad step in \"" + part + "\"");
        step = *parsed;
    }
    if (range != "*") {
        auto dash = range.find('-');
        auto first = number(range.substr(0, dash), field);
        if (!first) return first.status();
        from = to = *first;
        if (dash != std::string::npos) {
            auto last = number(range.substr(dash + 1), field);
            if (!last) return last.status();
            to = *last;
        } else if (slash != std::string::npos) {
            to = high;
        }
    }
    if (from < low || to > high || from > to)
        return Status::invalidArgument(field + ": \"" + part + "\" is outside " + std::to_string(low) + "-" +
                                       std::to_string(high));
    for (int v = from; v <= to; v += step) bits.set(static_cast<std::size_t>(v));
    return Status::ok();
}

template <std::size_t N>
Status parseField(const std::string& text, const std::string& field, int low, int high, std::bitset<N>& bits) {
    Poco::StringTokenizer parts(text, ",");
    if (parts.count() == 0) return Status::invalidArgument(field + ": empty");
    for (const auto& part : parts) {
        Status parsed = parsePart(part, field, low, high, bits);
        if (!parsed) return parsed;
    }
    return Status::ok();
}

}  // namespace

Result<CronSchedule> CronSchedule::parse(const std::string& expression) {
    CronSchedule schedule;
    schedule._expression = expression;
    if (expression == "asap") {
        schedule._asap = true;
        return schedule;
    }
    Poco::StringTokenizer fields(expression, " \t", Poco::StringTokenizer::TOK_IGNORE_EMPTY);
    if (fields.count() != 5)
        return Status::invalidArgument("schedule \"" + expression +
                                       "\": expected 5 fields (minute hour day month weekday) or \"asap\", got " +
                                       std::to_string(fields.count()));
    Status parsed = parseField(fields[0], "minute", 0, 59, schedule._minutes);
    if (parsed) parsed = parseField(fields[1], "hour", 0, 23, schedule._hours);
    if (parsed) parsed = parseField(fields[2], "day of month", 1, 31, schedule._days);
    if (parsed) parsed = parseField(fields[3], "month", 1, 12, schedule._months);
    if (parsed) parsed = parseField(fields[4], "day of week", 0, 7, schedule._weekdays);
    if (!parsed) return Status::invalidArgument("schedule \"" + expression + "\": " + parsed.message());
    if (schedule._weekdays.test(7)) schedule._weekdays.set(0);
    schedule._daysRestricted = fields[2] != "*";
    schedule._weekdaysRestricted = fields[4] != "*";
    return schedule;
}

bool CronSchedule::matchesDay(int day, int month, int weekday) const {
    if (!_months.test(static_cast<std::size_t>(month))) return false;
    bool dayOk = _days.test(static_cast<std::size_t>(day));
    bool weekdayOk = _weekdays.test(static_cast<std::size_t>(weekday));
    // Classic cron: when both are restricted, either one suffices.
    if (_daysRestricted && _weekdaysRestricted) return dayOk || weekdayOk;
    return dayOk && weekdayOk;
}

Result<std::chrono::system_clock::time_point> CronSchedule::nextAfter(std::chrono::system_clock::time_point after) const {
    using namespace std::chrono;
    if (_asap) return after;
    auto local = floor<minutes>(after + kShanghaiOffset) + minutes(1);
    auto limit = local + hours(24 * 366 * 5);
    while (local < limit) {
        auto day = floor<days>(local);
        year_month_day date{sys_days(day)};
        int weekday = static_cast<int>(std::chrono::weekday(sys_days(day)).c_encoding());
        if (!matchesDay(static_cast<int>(static_cast<unsigned>(date.day())),
                        static_cast<int>(static_cast<unsigned>(date.month())), weekday)) {
            local = day + days(1);
            continue;
        }
        hh_mm_ss time{local - day};
        if (!_hours.test(static_cast<std::size_t>(time.hours().count()))) {
            local = day + time.hours() + hours(1);
            continue;
        }
        if (_minutes.test(static_cast<std::size_t>(time.minutes().count()))) return system_clock::time_point(local - kShanghaiOffset);
        local += minutes(1);
    }
    return Status::undecidable("schedule \"" + _expression + "\" names no time in the next 5 years");
}

}  // namespace creditgw
