#include "MonthlyReport.h"

#include <filesystem>
#include <system_error>

namespace creditgw::cli {

namespace {

StatisticsQuery monthQuery(StatisticsQuery query, const CalendarMonth& month) {
    query.from = month.firstDay();
    query.to = month.lastDay();
    return query;
}

std::string targetName(const Gateway& gateway, const std::string& target) {
    const TargetProfile* profile = gateway.mappings().profile(target);
    return profile && !profile->name.empty() ? profile->name + "（" + target + "）" : target;
}

Result<std::vector<TargetMonthRates>> ratesPerTarget(Gateway& gateway, const MonthlyReportRequest& request) {
    auto targets = targetsInStore(gateway.store());
    if (!targets) return targets.status();
    std::vector<TargetMonthRates> out;
    for (const auto& target : *targets) {
        auto facts = gateway.deliveryFacts(target);
        if (!facts) return facts.status();
        const auto& calendar = gateway.calendar();
        out.push_back({target, targetName(gateway, target),
                       computeStatistics(target, *facts, calendar, monthQuery(request.query, request.month)).total,
                       computeStatistics(target, *facts, calendar, monthQuery(request.query, request.month.previous()))
                           .total});
    }
    return out;
}

}  // namespace

Result<MonthlyWorkbookData> gatherMonth(Gateway& gateway, const MonthlyReportRequest& request,
                                        const RuleMessages& rules) {
    MonthlyWorkbookData data;
    data.unitName = gateway.settings().unitName;
    data.unitCode = gateway.settings().unitCode;
    data.month = request.month;
    data.asOf = request.query.today;
    data.target = request.target;
    data.targetName = targetName(gateway, request.target);
    data.atRiskWorkingDays = request.atRiskWorkingDays;
    data.mappings = &gateway.mappings();
    data.rules = &rules;
    data.calendar = &gateway.calendar();

    auto facts = gateway.deliveryFacts(request.target);
    if (!facts) return facts.status();
    StatisticsQuery current = monthQuery(request.query, request.month);
    data.current = computeStatistics(request.target, *facts, gateway.calendar(), current);
    data.previous = computeStatistics(request.target, *facts, gateway.calendar(),
                                      monthQuery(request.query, request.month.previous()));
    auto operations = gateway.store().operationFacts(request.target);
    if (!operations) return operations.status();
    auto profile = gateway.profileOf(request.target);
    if (!profile) return profile.status();
    StatisticsQuery previous = monthQuery(request.query, request.month.previous());
    data.current.withdrawals = countWithdrawals(*operations, *profile, gateway.calendar(), operationSelection(current));
    data.previous.withdrawals = countWithdrawals(*operations, *profile, gateway.calendar(), operationSelection(previous));
    data.deadlines = deadlineWatch(*facts, gateway.calendar(), current, request.atRiskWorkingDays);
    ReportSelection selection{current.from, current.to, current.kind, current.department};
    auto problems = problemLines(gateway.store(), request.target, selection);
    if (!problems) return problems.status();
    data.problems = std::move(*problems);
    auto perTarget = ratesPerTarget(gateway, request);
    if (!perTarget) return perTarget.status();
    data.byTarget = std::move(*perTarget);
    return data;
}

Status writeMonthlyReport(Gateway& gateway, const MonthlyReportRequest& request, const std::string& path) {
    auto rules = RuleMessages::loadShipped(gateway.settings().dataDir);
    if (!rules) return rules.status();
    auto data = gatherMonth(gateway, request, *rules);
    if (!data) return data.status();
    std::string partial = path + ".part";
    if (Status written = writeMonthlyWorkbook(*data, partial); !written) {
        std::error_code ignored;
        std::filesystem::remove(partial, ignored);
        return written;
    }
    std::error_code ec;
    std::filesystem::rename(partial, path, ec);
    if (ec) return Status::permanent(path + ": cannot put the workbook in place: " + ec.message());
    return Status::ok();
}

namespace {

// True from the month's first working day on. Unknown years count every day as one (see header).
bool firstWorkingDayReached(const WorkingDayCalendar& calendar, const CivilDate& today) {
    for (CivilDate day = CalendarMonth::of(today).firstDay(); day < today; day = day.addDays(1)) {
        auto working = calendar.isWorkingDay(day);
        if (!working || *working) return true;
    }
    auto working = calendar.isWorkingDay(today);
    return !working || *working;
}

}  // namespace

Result<std::string> writeDueMonthlyReport(Gateway& gateway, const std::string& reportsDir, const std::string& target,
                                          const CivilDate& today) {
    if (!firstWorkingDayReached(gateway.calendar(), today)) return std::string();
    CalendarMonth month = CalendarMonth::of(today).previous();
    std::string path = reportsDir + "/report-" + month.toIso() + "-" + target + ".xlsx";
    std::error_code ec;
    if (std::filesystem::exists(path, ec)) return std::string();
    std::filesystem::create_directories(reportsDir, ec);
    if (ec) return Status::permanent(reportsDir + ": cannot create the reports folder: " + ec.message());
    MonthlyReportRequest request;
    request.target = target;
    request.month = month;
    request.query.today = today;
    if (Status written = writeMonthlyReport(gateway, request, path); !written) return written;
    return path;
}

}  // namespace creditgw::cli
