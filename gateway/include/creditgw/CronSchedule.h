#pragma once
// When a target is sent to: a five-field cron expression in Asia/Shanghai time
// ("*/15 8-20 * * 1-5": every 15 minutes from 08:00 to 20:45 on working weekdays), or "asap"
// (every daemon cycle).

#include <bitset>
#include <chrono>
#include <string>

#include "creditgw/Status.h"

namespace creditgw {

class CronSchedule {
public:
    /// Parses "minute hour day-of-month month day-of-week" (each `*`, `N`, `A-B`, `*/S`,
    /// `A-B/S` or a comma list of them; day-of-week 0-7 with 0 and 7 Sunday), or "asap".
    /// InvalidArgument naming the field and the bad part otherwise.
    static Result<CronSchedule> parse(const std::string& expression);

    bool asSoonAsPossible() const { return _asap; }
    /// The first whole minute strictly after `after` that the schedule names (for "asap":
    /// `after` itself). Undecidable when none falls within the next 5 years ("0 0 31 2 *").
    Result<std::chrono::system_clock::time_point> nextAfter(std::chrono::system_clock::time_point after) const;
    const std::string& expression() const { return _expression; }

private:
    std::string _expression;
    bool _asap = false;
    std::bitset<60> _minutes;
    std::bitset<24> _hours;
    std::bitset<32> _days;
    std::bitset<13> _months;
    std::bitset<8> _weekdays;
    bool _daysRestricted = false, _weekdaysRestricted = false;
    bool matchesDay(int day, int month, int weekday) const;
};

}  // namespace creditgw
