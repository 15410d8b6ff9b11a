#pragma once
// `creditgw stats` beyond the summary: the rates grouped --by department | kind | target |
// month, and per-field fill rates (--by field), as CSV, JSON or Chinese text. Every group is
// counted by computeStatistics, so the groups agree with the summary and the workbook.

#include <string>
#include <vector>

#include "creditgw/Gateway.h"
#include "creditgw/ReportQueries.h"
#include "creditgw/Statistics.h"

namespace creditgw::cli {

struct StatsGroup {
    std::string name;  ///< 责任部门, kind id, target id or "2026-11"
    RateCounts counts;
};

/// The groups of `by` (department, kind, target, month). target: every target with deliveries
/// in the store; month: every month of a decision date in the query's period.
Result<std::vector<StatsGroup>> groupStatistics(Gateway& gateway, const std::string& target,
                                                const std::string& by, const StatisticsQuery& query);

/// Header `by,group,must_report,accepted,reporting_rate,…`; the first row is the whole
/// selection (by = all); rates as fractions with 6 decimals, empty when undefined.
std::string statisticsCsv(const std::string& by, const RateCounts& total, const std::vector<StatsGroup>& groups);
std::string groupsJson(const std::string& by, const StatisticsReport& report, const std::vector<StatsGroup>& groups);
std::string groupsChineseText(const std::string& by, const StatisticsReport& report,
                              const std::vector<StatsGroup>& groups, const MappingCatalog& mappings);

/// kind,field,field_name,filled,records,fill_rate: emptiest first.
std::string fillRatesCsv(const std::vector<FieldFill>& fills, const MappingCatalog& mappings);
std::string fillRatesJson(const std::vector<FieldFill>& fills, const MappingCatalog& mappings);
std::string fillRatesChineseText(const std::vector<FieldFill>& fills, const MappingCatalog& mappings);

}  // namespace creditgw::cli
