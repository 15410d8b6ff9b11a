#pragma once
// The officers' monthly workbook (issue 8): one XLSX file per month and target, laid out like the
// monthly 工作进展 report. Sheets, in this order:
//   汇总      unit, period, the four rates with numerator and denominator beside last month's,
//             the same per 责任部门, per kind and per target, and the counting rules as a footnote;
//   逾期      overdue and accepted-late records, with their deadline and working days over;
//   临期      records still within their deadline but due soon, with the working days left;
//   不合规    reasons grouped by rule and field (most frequent first), then every reason with
//             file, line, field and message;
//   发送失败  only when some record's batch was given up.
// Numbers are numbers (percent formats), dates are dates, headers frozen, widths set, A4
// landscape. Every text cell has 身份证号 masked. The numbers come from computeStatistics and
// deadlineWatch, so the workbook always agrees with `stats` and `report`.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "creditgw/Mapping.h"
#include "creditgw/ReportQueries.h"
#include "creditgw/RuleMessages.h"
#include "creditgw/Statistics.h"

namespace creditgw {

/// A calendar month, "2026-11".
struct CalendarMonth {
    int year = 0;
    int month = 0;
    /// Accepts exactly YYYY-MM with a month 01–12.
    static std::optional<CalendarMonth> parse(std::string_view text);
    static CalendarMonth of(const CivilDate& date) { return {date.year, date.month}; }
    CivilDate firstDay() const { return {year, month, 1}; }
    CivilDate lastDay() const;
    CalendarMonth previous() const { return month == 1 ? CalendarMonth{year - 1, 12} : CalendarMonth{year, month - 1}; }
    std::string toIso() const;      ///< "2026-11"
    std::string toChinese() const;  ///< "2026年11月"
    auto operator<=>(const CalendarMonth&) const = default;
};

/// One target's totals for the month and the month before, for the per-target table.
struct TargetMonthRates {
    std::string target;
    std::string name;  ///< the profile's name (信用中国), or the id
    RateCounts current, previous;
};

struct MonthlyWorkbookData {
    std::string unitName, unitCode;
    CalendarMonth month;
    CivilDate asOf;  ///< the day deadlines are judged against (Asia/Shanghai, or --as-of)
    std::string target, targetName;
    StatisticsReport current, previous;  ///< the target's statistics for month and month before
    std::vector<TargetMonthRates> byTarget;
    std::vector<DeadlineItem> deadlines;  ///< deadlineWatch for the month
    int atRiskWorkingDays = 2;
    std::vector<ProblemLine> problems;  ///< held, rejected and dead records of the month (and undated)
    const MappingCatalog* mappings = nullptr;     ///< kind and field names
    const RuleMessages* rules = nullptr;          ///< Chinese rule explanations
    const WorkingDayCalendar* calendar = nullptr; ///< working days over the deadline
};

/// Writes the workbook to `path` (replacing it). Permanent naming the path when it cannot be
/// written; InvalidArgument when a value cannot go into a cell.
Status writeMonthlyWorkbook(const MonthlyWorkbookData& data, const std::string& path);

}  // namespace creditgw
