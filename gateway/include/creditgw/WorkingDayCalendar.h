#pragma once
// Working days by the State Council calendar (domain.md §4.1): a date is a working day iff it
// is Mon–Fri and not a listed holiday, or it is a listed 调休 working day. A year without a
// holiday file is unknown: every question about it is Undecidable, never guessed Mon–Fri.
// Only warnings may ask for the earliest a deadline could possibly be (earliestDeadline).

#include <map>
#include <string>
#include <vector>

#include "creditgw/CivilDate.h"
#include "creditgw/Status.h"

namespace creditgw {

/// A deadline for warnings: exact when every year it runs through is known, otherwise the
/// earliest date it could be (每天都算工作日 in the unknown years), marked provisional (暂定).
struct EarliestDeadline {
    CivilDate date;
    bool provisional = false;
    std::vector<int> unknownYears;  ///< the years counted as all working days
};

class WorkingDayCalendar {
public:
    /// The operators' holiday folder, read after the shipped data/holidays/ so that its files
    /// add years (a new State Council notice) or replace shipped ones: $CREDITGW_HOLIDAYS_DIR,
    /// or /etc/creditgw/holidays when that is not set.
    static std::string localDirectory();

    /// Loads every <year>.json (holiday-cn format) in `directory`. A file may hold dates of the
    /// previous December; they count for the date's own year, which stays unknown unless its
    /// own file is loaded too. InvalidArgument names the file when one is malformed.
    static Result<WorkingDayCalendar> loadDirectory(const std::string& directory);
    /// The shipped directory, then localDirectory() when it exists (a missing local folder is
    /// normal; a malformed file in it is InvalidArgument naming the file).
    static Result<WorkingDayCalendar> loadWithLocal(const std::string& shippedDirectory);

    /// Adds one year's data (the parsed content of <year>.json), replacing what an earlier
    /// file said about that year. For tests and loaders.
    Status addYearFile(const std::string& path);
    /// Every <year>.json of `directory` through addYearFile (NotFound when it is not a folder).
    Status addDirectory(const std::string& directory);

    bool knowsYear(int year) const { return _years.count(year) > 0; }
    /// The known years, ascending, each with the file it was read from.
    std::vector<std::pair<int, std::string>> knownYears() const;
    /// Undecidable when the date's year has no data.
    Result<bool> isWorkingDay(const CivilDate& date) const;
    /// The `workingDays`-th working day after `decision` (the decision day is day 0).
    /// Undecidable, naming the missing year, when the count runs into a year without data.
    Result<CivilDate> deadline(const CivilDate& decision, int workingDays) const;
    /// As deadline(), but a day of an unknown year counts as a working day: a 调休 Saturday
    /// can make the real deadline earlier than a Mon–Fri guess, so only this bound is safe
    /// for a warning (early, never late). Never for statistics.
    EarliestDeadline earliestDeadline(const CivilDate& decision, int workingDays) const;
    /// Working days strictly after `from` up to and including `to` (0 when to <= from).
    Result<int> workingDaysBetween(const CivilDate& from, const CivilDate& to) const;
    /// As workingDaysBetween(), counting every day of an unknown year: the fewest days left.
    int fewestWorkingDaysBetween(const CivilDate& from, const CivilDate& to) const;

private:
    struct YearData {
        std::string source;                ///< the file it came from
        std::map<long long, bool> listed;  ///< day number → isOffDay (may hold last December)
    };
    /// Known: the listed value or Mon–Fri; the value for an unknown year is `unknownIsWorking`.
    bool workingOrAssumed(const CivilDate& date, bool unknownIsWorking) const;

    std::map<int, YearData> _years;
};

}  // namespace creditgw
