#pragma once
// Working days by the State Council calendar (domain.md §4.1): a date is a working day iff it
// is Mon–Fri and not a listed holiday, or it is a listed 调休 working day. A year without a
// holiday file is unknown: every question about it is Undecidable, never guessed Mon–Fri.

#include <map>
#include <set>
#include <string>

#include "creditgw/CivilDate.h"
#include "creditgw/Status.h"

namespace creditgw {

class WorkingDayCalendar {
public:
    /// Loads every <year>.json (holiday-cn format) in `directory`. A file may hold dates of the
    /// previous December; they count for the date's own year, which stays unknown unless its
    /// own file is loaded too. InvalidArgument names the file when one is malformed.
    static Result<WorkingDayCalendar> loadDirectory(const std::string& directory);

    /// Adds one year's data (the parsed content of <year>.json). For tests and loaders.
    Status addYearFile(const std::string& path);

    bool knowsYear(int year) const { return _knownYears.count(year) > 0; }
    /// Undecidable when the date's year has no data.
    Result<bool> isWorkingDay(const CivilDate& date) const;
    /// The `workingDays`-th working day after `decision` (the decision day is day 0).
    /// Undecidable, naming the missing year, when the count runs into a year without data.
    Result<CivilDate> deadline(const CivilDate& decision, int workingDays) const;
    /// Working days strictly after `from` up to and including `to` (0 when to <= from).
    Result<int> workingDaysBetween(const CivilDate& from, const CivilDate& to) const;

private:
    std::set<int> _knownYears;
    std::map<long long, bool> _listedDays;  ///< day number → isOffDay
};

}  // namespace creditgw
