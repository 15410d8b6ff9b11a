#include "StatsOutput.h"

#include <cstdio>
#include <set>

#include "creditgw/Json.h"
#include "creditgw/MonthlyWorkbook.h"

namespace creditgw::cli {

namespace {

std::string fraction(std::optional<double> rate) {
    if (!rate) return "";
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.6f", *rate);
    return buffer;
}

std::string percent(std::optional<double> rate) {
    if (!rate) return "无数据";
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.1f%%", *rate * 100.0);
    return buffer;
}

// RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled.
std::string csvField(const std::string& value) {
    if (value.find_first_of(",\"\r\n") == std::string::npos) return value;
    std::string out = "\"";
    for (char c : value) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

const char* kCsvHeader =
    "by,group,must_report,accepted,reporting_rate,submitted,compliant,compliance_rate,"
    "timeliness_denominator,on_time,timeliness_rate,complete,completeness_rate,rejected,held,in_progress,dead,"
    "late,pending_within_deadline,deadline_unknown\n";

std::string csvRow(const std::string& by, const std::string& group, const RateCounts& c) {
    auto n = [](std::size_t v) { return std::to_string(v); };
    return csvField(by) + "," + csvField(group) + "," + n(c.mustReport) + "," + n(c.accepted) + "," +
           fraction(c.reportingRate()) + "," + n(c.submitted) + "," + n(c.compliant) + "," +
           fraction(c.complianceRate()) + "," + n(c.timelinessDenominator()) + "," + n(c.onTime) + "," +
           fraction(c.timelinessRate()) + "," + n(c.complete) + "," + fraction(c.completenessRate()) + "," +
           n(c.rejected) + "," + n(c.held) + "," + n(c.inProgress) + "," + n(c.dead) + "," + n(c.late) + "," +
           n(c.pendingWithinDeadline) + "," + n(c.deadlineUnknown) + "\n";
}

std::vector<StatsGroup> fromMap(const std::map<std::string, RateCounts>& groups) {
    std::vector<StatsGroup> out;
    for (const auto& [name, counts] : groups) out.push_back({name, counts});
    return out;
}

// Per month of a decision date in the period, one pass over the summary: a month with facts
// that all fall out of the selection (another department, revoked unpublished) is still listed.
Result<std::vector<StatsGroup>> monthlyStatistics(Gateway& gateway, const std::string& target,
                                                  const StatisticsQuery& query) {
    std::map<CalendarMonth, StatisticsAccumulator> months;
    Status read = gateway.store().statisticsFacts(
        target, gateway.kindsOf(target), query.from ? query.from->toIso() : "", query.to ? query.to->toIso() : "",
        query.completenessThreshold, [&](const DeliveryFact& fact) {
            auto date = CivilDate::parse(fact.decisionDate);
            if (!date || (query.from && *date < *query.from) || (query.to && *date > *query.to)) return;
            CalendarMonth month = CalendarMonth::of(*date);
            auto found = months.find(month);
            if (found == months.end()) {
                StatisticsQuery one = query;
                one.from = month.firstDay();
                one.to = month.lastDay();
                found = months.emplace(month, StatisticsAccumulator(target, gateway.calendar(), one)).first;
            }
            found->second.add(fact);
        });
    if (!read) return read;
    std::vector<StatsGroup> out;
    for (auto& [month, accumulator] : months) out.push_back({month.toIso(), accumulator.finish().total});
    return out;
}

std::string fieldName(const MappingCatalog& mappings, const FieldFill& fill) {
    const KindDefinition* kind = mappings.kind(fill.kind);
    return kind ? kind->fieldName(fill.field) : "";
}

std::optional<double> fillShare(const FieldFill& fill) {
    if (fill.records == 0) return std::nullopt;
    return static_cast<double>(fill.filled) / static_cast<double>(fill.records);
}

}  // namespace

Result<std::vector<StatsGroup>> groupStatistics(Gateway& gateway, const std::string& target,
                                                const std::string& by, const StatisticsQuery& query) {
    if (by == "target") {
        auto targets = targetsInStore(gateway.store());
        if (!targets) return targets.status();
        std::vector<StatsGroup> out;
        for (const auto& name : *targets) {
            auto report = summaryStatistics(gateway.store(), name, gateway.kindsOf(name), gateway.calendar(), query);
            if (!report) return report.status();
            out.push_back({name, report->total});
        }
        return out;
    }
    if (by == "month") return monthlyStatistics(gateway, target, query);
    if (by != "department" && by != "kind")
        return Status::invalidArgument("--by \"" + by + "\" is unknown; known: department, kind, target, month, field");
    auto report = summaryStatistics(gateway.store(), target, gateway.kindsOf(target), gateway.calendar(), query);
    if (!report) return report.status();
    return fromMap(by == "department" ? report->byDepartment : report->byKind);
}

std::string statisticsCsv(const std::string& by, const RateCounts& total, const std::vector<StatsGroup>& groups) {
    std::string out = std::string(kCsvHeader) + csvRow("all", "", total);
    for (const auto& group : groups) out += csvRow(by, group.name, group.counts);
    return out;
}

std::string groupsJson(const std::string& by, const StatisticsReport& report, const std::vector<StatsGroup>& groups) {
    // The summary's own JSON (rates, counts, period), with the groups added before its end.
    std::string out = statisticsToJson(report);
    while (!out.empty() && out.back() == '\n') out.pop_back();
    if (!out.empty() && out.back() == '}') out.pop_back();
    out += ",\"by\":" + jsonString(by) + ",\"groups\":[";
    for (std::size_t i = 0; i < groups.size(); ++i) {
        const RateCounts& c = groups[i].counts;
        out += (i ? "," : "") + std::string("{\"group\":") + jsonString(groups[i].name);
        auto rate = [&](const char* name, std::optional<double> value) {
            out += std::string(",\"") + name + "\":" + (value ? fraction(value) : "null");
        };
        rate("reporting_rate", c.reportingRate());
        rate("compliance_rate", c.complianceRate());
        rate("timeliness_rate", c.timelinessRate());
        rate("completeness_rate", c.completenessRate());
        out += ",\"must_report\":" + std::to_string(c.mustReport) + ",\"accepted\":" + std::to_string(c.accepted) +
               ",\"submitted\":" + std::to_string(c.submitted) + ",\"compliant\":" + std::to_string(c.compliant) +
               ",\"on_time\":" + std::to_string(c.onTime) +
               ",\"timeliness_denominator\":" + std::to_string(c.timelinessDenominator()) +
               ",\"complete\":" + std::to_string(c.complete) + "}";
    }
    return out + "]}\n";
}

std::string groupsChineseText(const std::string& by, const StatisticsReport& report,
                              const std::vector<StatsGroup>& groups, const MappingCatalog& mappings) {
    static const std::map<std::string, std::string> kTitles = {
        {"department", "按责任部门"}, {"kind", "按信息类别"}, {"target", "按报送平台"}, {"month", "按月份"}};
    std::string out = statisticsToChineseText(report) + kTitles.at(by) + "（上报率 / 合规率 / 及时率 / 完整率）：\n";
    for (const auto& g : groups) {
        const RateCounts& c = g.counts;
        const KindDefinition* kind = by == "kind" ? mappings.kind(g.name) : nullptr;
        std::string name = kind ? kind->name() : g.name.empty() ? std::string("（未填）") : g.name;
        out += "  " + name + "：" + percent(c.reportingRate()) + "（" + std::to_string(c.accepted) + "/" +
               std::to_string(c.mustReport) + "） " + percent(c.complianceRate()) + "（" +
               std::to_string(c.compliant) + "/" + std::to_string(c.submitted) + "） " +
               percent(c.timelinessRate()) + "（" + std::to_string(c.onTime) + "/" +
               std::to_string(c.timelinessDenominator()) + "） " + percent(c.completenessRate()) + "（" +
               std::to_string(c.complete) + "/" + std::to_string(c.submitted) + "）\n";
    }
    return out;
}

std::string fillRatesCsv(const std::vector<FieldFill>& fills, const MappingCatalog& mappings) {
    std::string out = "kind,field,field_name,filled,records,fill_rate\n";
    for (const auto& f : fills)
        out += csvField(f.kind) + "," + csvField(f.field) + "," + csvField(fieldName(mappings, f)) + "," +
               std::to_string(f.filled) + "," + std::to_string(f.records) + "," + fraction(fillShare(f)) + "\n";
    return out;
}

std::string fillRatesJson(const std::vector<FieldFill>& fills, const MappingCatalog& mappings) {
    std::string out = "{\"fill_rates\":[";
    for (std::size_t i = 0; i < fills.size(); ++i) {
        const FieldFill& f = fills[i];
        out += (i ? "," : "") + std::string("{\"kind\":") + jsonString(f.kind) + ",\"field\":" + jsonString(f.field) +
               ",\"field_name\":" + jsonString(fieldName(mappings, f)) + ",\"filled\":" + std::to_string(f.filled) +
               ",\"records\":" + std::to_string(f.records) +
               ",\"fill_rate\":" + (fillShare(f) ? fraction(fillShare(f)) : "null") + "}";
    }
    return out + "]}\n";
}

std::string fillRatesChineseText(const std::vector<FieldFill>& fills, const MappingCatalog& mappings) {
    if (fills.empty()) return "没有已报送（有平台回执）的记录，无法计算指标填报率。\n";
    std::string out = "指标填报率（已报送记录中该指标非空的比例，最常为空的在前）：\n";
    for (const auto& f : fills) {
        std::string name = fieldName(mappings, f);
        out += "  " + f.kind + "  " + f.field + (name.empty() ? "" : "（" + name + "）") + "  " +
               percent(fillShare(f)) + "（" + std::to_string(f.filled) + "/" + std::to_string(f.records) + "）\n";
    }
    return out;
}

}  // namespace creditgw::cli
