#pragma once
// Gathers one month's numbers and lists from the store and writes the officers' workbook
// (creditgw/MonthlyWorkbook.h): used by `creditgw report --format xlsx` and by the daemon on
// the first working day of each month.

#include <string>

#include "creditgw/Gateway.h"
#include "creditgw/MonthlyWorkbook.h"

namespace creditgw::cli {

struct MonthlyReportRequest {
    std::string target = "creditchina";
    CalendarMonth month;
    StatisticsQuery query;  ///< today, deadline days, threshold, kind, department; period is set here
    int atRiskWorkingDays = 2;
};

/// The statistics, deadline watch and problem lists of the month (and the month before), as
/// `stats` and `report` compute them.
Result<MonthlyWorkbookData> gatherMonth(Gateway& gateway, const MonthlyReportRequest& request,
                                        const RuleMessages& rules);

/// gatherMonth, then the workbook written to `path` through a temporary file beside it, so a
/// reader never sees half a workbook.
Status writeMonthlyReport(Gateway& gateway, const MonthlyReportRequest& request, const std::string& path);

/// The daemon's monthly duty for one target: from the first working day of a month on (a
/// daemon that was down that day catches up later in the month), writes last month's workbook
/// as DIR/report-YYYY-MM-TARGET.xlsx unless it is already there. Returns the path written, or
/// "" when nothing was due. When the calendar lacks the year, the 1st counts as the first
/// working day: a report a few days early does no harm, while none at all would.
Result<std::string> writeDueMonthlyReport(Gateway& gateway, const std::string& reportsDir, const std::string& target,
                                          const CivilDate& today);

}  // namespace creditgw::cli
