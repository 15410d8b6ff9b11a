#pragma once
// The compliance officers' dashboard (GET /dashboard) and record page (GET /records/<id>), in
// Chinese, with no external assets: the at-risk list first, then the four rates and 撤销及时率
// with their numerators and denominators, a monthly trend (inline SVG), per 责任部门, the late records and
// the held ones grouped by rule. Filters (period, kind, target, department) and pages are
// plain links. Every text passes through one escaping function that also masks 身份证号.

#include <Poco/URI.h>

#include <string>
#include <vector>

#include "creditgw/Mapping.h"
#include "creditgw/Status.h"
#include "creditgw/WorkingDayCalendar.h"

namespace creditgw {

class RuleMessages;

struct DashboardSources {
    std::string storePath;
    const MappingCatalog* mappings = nullptr;
    const WorkingDayCalendar* calendar = nullptr;
    std::vector<std::string> targets;  ///< the first is the default
    const RuleMessages* ruleMessages = nullptr;  ///< Chinese rule texts; English messages when null
};

/// The page for `query` (target, month=YYYY-MM or from/to, kind, department, as_of, risk_page,
/// late_page, held_page). InvalidArgument naming the parameter for a bad value.
Result<std::string> dashboardHtml(const DashboardSources& sources, const Poco::URI::QueryParameters& query);
/// What the store knows of the record with id `recordId`; NotFound when there is none.
Result<std::string> recordHtml(const DashboardSources& sources, long long recordId,
                               const Poco::URI::QueryParameters& query);

}  // namespace creditgw
