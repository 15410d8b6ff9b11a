#include "creditgw/Statistics.h"

#include <algorithm>
#include <cstdio>
#include <set>

#include "creditgw/Json.h"

namespace creditgw {

namespace {

std::optional<double> ratio(std::size_t numerator, std::size_t denominator) {
    if (denominator == 0) return std::nullopt;
    return static_cast<double>(numerator) / static_cast<double>(denominator);
}

bool inPeriod(const CivilDate& date, const StatisticsQuery& query) {
    return (!query.from || date >= *query.from) && (!query.to || date <= *query.to);
}

bool matchesQuery(const DeliveryFact& fact, const StatisticsQuery& query) {
    return (query.kind.empty() || fact.kind == query.kind) &&
           (query.department.empty() || fact.department == query.department);
}

// A decision revoked before any platform accepted it never had to be published; one revoked
// after publication stays counted as published (docs/lifecycle.md).
bool revokedUnpublished(const DeliveryFact& fact) { return fact.revoked && fact.firstAcceptedAt.empty(); }

using statistics_detail::Timeliness;
using statistics_detail::TimelinessVerdict;

// The 7-working-day rule for one record, judged once and shared by the statistics and the
// deadline watch. Accepted by 23:59:59 Asia/Shanghai on the deadline day is on time.
TimelinessVerdict judgeTimeliness(const DeliveryFact& fact, const CivilDate& decided,
                                  const WorkingDayCalendar& calendar, const StatisticsQuery& query) {
    TimelinessVerdict verdict;
    auto deadline = calendar.deadline(decided, query.deadlineDays);
    if (!deadline) {
        verdict.unknownReason = deadline.status().message();
        return verdict;
    }
    verdict.deadline = *deadline;
    if (!fact.firstAcceptedAt.empty()) {
        auto acceptedAt = parseTimestamp(fact.firstAcceptedAt);
        if (!acceptedAt) {
            verdict.unknownReason = "acceptance time \"" + fact.firstAcceptedAt + "\" is unreadable";
            return verdict;
        }
        verdict.timeliness =
            CivilDate::inShanghai(*acceptedAt) <= *deadline ? Timeliness::OnTime : Timeliness::AcceptedLate;
        return verdict;
    }
    verdict.timeliness = query.today > *deadline ? Timeliness::Overdue : Timeliness::Pending;
    return verdict;
}

bool isComplete(const DeliveryFact& fact, double completenessThreshold) {
    return fact.indicatorsDefined > 0 &&
           static_cast<double>(fact.indicatorsFilled) >=
               completenessThreshold * static_cast<double>(fact.indicatorsDefined) - 1e-9;
}

// Adds a fact standing for fact.records records; a summary's Indicators part only to complete.
void addFact(const DeliveryFact& fact, const TimelinessVerdict& verdict, double completenessThreshold,
             RateCounts& counts) {
    const std::size_t n = fact.records;
    if (fact.part == DeliveryFact::Part::Complete) {
        counts.complete += n;
        return;
    }
    counts.mustReport += n;
    // Published once is reported, even while a later correction is still on its way.
    bool accepted = fact.state == "accepted" || !fact.firstAcceptedAt.empty();
    if (accepted) counts.accepted += n;
    else if (fact.state == "rejected") counts.rejected += n;
    else if (fact.state == "held") counts.held += n;
    else if (fact.state == "dead") counts.dead += n;
    else counts.inProgress += n;
    if (accepted || fact.state == "rejected") {
        counts.submitted += n;
        if (accepted && !fact.everRejected) counts.compliant += n;
        if (fact.part == DeliveryFact::Part::Whole && isComplete(fact, completenessThreshold)) counts.complete += n;
    }
    switch (verdict.timeliness) {
        case Timeliness::OnTime: counts.onTime += n; break;
        case Timeliness::AcceptedLate:
        case Timeliness::Overdue: counts.late += n; break;
        case Timeliness::Pending: counts.pendingWithinDeadline += n; break;
        case Timeliness::Unknown: counts.deadlineUnknown += n; break;
    }
}

std::string percent(std::optional<double> rate) {
    if (!rate) return "—（无数据）";
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.1f%%", *rate * 100.0);
    return buffer;
}

std::string jsonNumber(std::optional<double> rate) {
    if (!rate) return "null";
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.6f", *rate);
    return buffer;
}

std::string countsJson(const RateCounts& c) {
    std::string out = "{";
    auto add = [&](const char* name, std::size_t value) {
        if (out.size() > 1) out += ',';
        out += std::string("\"") + name + "\":" + std::to_string(value);
    };
    add("must_report", c.mustReport);
    add("accepted", c.accepted);
    add("rejected", c.rejected);
    add("held", c.held);
    add("in_progress", c.inProgress);
    add("dead", c.dead);
    add("submitted", c.submitted);
    add("compliant", c.compliant);
    add("on_time", c.onTime);
    add("late", c.late);
    add("pending_within_deadline", c.pendingWithinDeadline);
    add("deadline_unknown", c.deadlineUnknown);
    add("timeliness_denominator", c.timelinessDenominator());
    add("complete", c.complete);
    return out + "}";
}

std::string ratesJson(const RateCounts& c) {
    return "\"reporting_rate\":" + jsonNumber(c.reportingRate()) +
           ",\"compliance_rate\":" + jsonNumber(c.complianceRate()) +
           ",\"timeliness_rate\":" + jsonNumber(c.timelinessRate()) +
           ",\"completeness_rate\":" + jsonNumber(c.completenessRate()) +
           ",\"counts\":" + countsJson(c);
}

std::string groupJson(const std::map<std::string, RateCounts>& groups) {
    std::string out = "{";
    for (const auto& [name, counts] : groups) {
        if (out.size() > 1) out += ',';
        appendJsonString(out, name);
        out += ":{" + ratesJson(counts) + "}";
    }
    return out + "}";
}

std::string rateLine(const char* name, std::optional<double> rate, std::size_t numerator,
                     std::size_t denominator, const char* numeratorName, const char* denominatorName) {
    return std::string("  ") + name + "  " + percent(rate) + "  (" + numeratorName + " " +
           std::to_string(numerator) + " / " + denominatorName + " " + std::to_string(denominator) + ")\n";
}

std::string ratesText(const RateCounts& c) {
    return rateLine("上报率", c.reportingRate(), c.accepted, c.mustReport, "已被平台接收", "应报送") +
           rateLine("合规率", c.complianceRate(), c.compliant, c.submitted, "无校验退回", "已报送") +
           rateLine("及时率", c.timelinessRate(), c.onTime, c.timelinessDenominator(), "7个工作日内接收",
                    "已到期应报送") +
           rateLine("完整率", c.completenessRate(), c.complete, c.submitted, "指标填报率≥60%", "已报送");
}

}  // namespace

std::optional<double> RateCounts::reportingRate() const { return ratio(accepted, mustReport); }
std::optional<double> RateCounts::complianceRate() const { return ratio(compliant, submitted); }
std::optional<double> RateCounts::timelinessRate() const { return ratio(onTime, timelinessDenominator()); }
std::optional<double> RateCounts::completenessRate() const { return ratio(complete, submitted); }

StatisticsAccumulator::StatisticsAccumulator(const std::string& target, const WorkingDayCalendar& calendar,
                                             const StatisticsQuery& query)
    : _calendar(calendar) {
    _report.target = target;
    _report.query = query;
}

void StatisticsAccumulator::add(const DeliveryFact& fact) {
    const StatisticsQuery& query = _report.query;
    if (!matchesQuery(fact, query) || revokedUnpublished(fact)) return;
    // The summary's rows come in (decision day, first acceptance) order: both judged once.
    if (fact.decisionDate != _lastDate) {
        _lastDate = fact.decisionDate;
        _lastDecided = CivilDate::parse(fact.decisionDate);
        _verdictFor.reset();
    }
    if (!_lastDecided) {
        // A Complete part stands for records already counted by their Rates part.
        if (fact.part != DeliveryFact::Part::Complete) _report.undated += fact.records;
        return;
    }
    if (!inPeriod(*_lastDecided, query)) return;
    TimelinessVerdict verdict;
    if (fact.part != DeliveryFact::Part::Complete) {
        bool accepted = !fact.firstAcceptedAt.empty();
        if (!_verdictFor || *_verdictFor != fact.firstAcceptedAt || _verdictAccepted != accepted) {
            _verdict = judgeTimeliness(fact, *_lastDecided, _calendar, query);
            _verdictFor = fact.firstAcceptedAt;
            _verdictAccepted = accepted;
            if (!_verdict.unknownReason.empty()) _missingYears.insert(_verdict.unknownReason);
        }
        verdict = _verdict;
    }
    for (RateCounts* counts : {&_report.total, &departmentCounts(fact.department), &kindCounts(fact.kind)})
        addFact(fact, verdict, query.completenessThreshold, *counts);
}

RateCounts& StatisticsAccumulator::departmentCounts(const std::string& department) {
    if (_lastDepartment && _lastDepartment->first == department) return _lastDepartment->second;
    _lastDepartment = &*_report.byDepartment.try_emplace(department).first;
    return _lastDepartment->second;
}

RateCounts& StatisticsAccumulator::kindCounts(const std::string& kind) {
    if (_lastKind && _lastKind->first == kind) return _lastKind->second;
    _lastKind = &*_report.byKind.try_emplace(kind).first;
    return _lastKind->second;
}

StatisticsReport StatisticsAccumulator::finish() {
    _report.missingYears.assign(_missingYears.begin(), _missingYears.end());
    return std::move(_report);
}

StatisticsReport computeStatistics(const std::string& target, const std::vector<DeliveryFact>& facts,
                                   const WorkingDayCalendar& calendar, const StatisticsQuery& query) {
    StatisticsAccumulator accumulator(target, calendar, query);
    for (const auto& fact : facts) accumulator.add(fact);
    return accumulator.finish();
}

Result<StatisticsReport> summaryStatistics(RecordStore& store, const std::string& target,
                                           const std::vector<std::string>& kinds, const WorkingDayCalendar& calendar,
                                           const StatisticsQuery& query) {
    StatisticsAccumulator accumulator(target, calendar, query);
    Status read = store.statisticsFacts(target, kinds, query.from ? query.from->toIso() : std::string(),
                                        query.to ? query.to->toIso() : std::string(), query.completenessThreshold,
                                        [&](const DeliveryFact& fact) { accumulator.add(fact); });
    if (!read) return read;
    return accumulator.finish();
}

namespace {
std::string countsObject(const std::vector<std::pair<std::string, std::size_t>>& counts) {
    std::string out = "{";
    for (std::size_t i = 0; i < counts.size(); ++i)
        out += (i ? "," : "") + jsonString(counts[i].first) + ":" + std::to_string(counts[i].second);
    return out + "}";
}
}  // namespace

std::string targetHealthJson(const TargetHealth& health) {
    return "{\"target\":" + jsonString(health.target) + ",\"records\":" + std::to_string(health.total) +
           ",\"by_state\":" + countsObject(health.records) +
           ",\"by_kind\":" + countsObject(health.byKind) + ",\"batches\":" + countsObject(health.batches) +
           ",\"oldest_waiting_batch_seconds\":" +
           (health.waitedSeconds < 0 ? std::string("null") : std::to_string(health.waitedSeconds)) +
           ",\"last_error\":" + jsonString(health.lastError) + "}";
}

std::string deliveryStateInChinese(const std::string& state) {
    if (state == "held") return "暂存（校验未通过，未报送）";
    if (state == "ready") return "待打包";
    if (state == "queued") return "待上传";
    if (state == "accepted") return "已接收";
    if (state == "rejected") return "平台退回";
    if (state == "dead") return "发送失败（已停止重试）";
    if (state.empty()) return "未映射";
    return state;
}

namespace {

// A record not yet accepted whose deadline runs into a year without holiday data: warned about
// at the earliest date its deadline could be, so the warning may come early but never late.
std::optional<DeadlineItem> provisionalWarning(const DeliveryFact& fact, const CivilDate& decided,
                                               const TimelinessVerdict& verdict, const WorkingDayCalendar& calendar,
                                               const StatisticsQuery& query, int atRiskWorkingDays) {
    bool calendarGap = verdict.timeliness == Timeliness::Unknown && fact.firstAcceptedAt.empty();
    if (!calendarGap) return std::nullopt;
    EarliestDeadline earliest = calendar.earliestDeadline(decided, query.deadlineDays);
    if (!earliest.provisional) return std::nullopt;
    int left = calendar.fewestWorkingDaysBetween(query.today, earliest.date);
    if (left > atRiskWorkingDays) return std::nullopt;
    return DeadlineItem{DeadlineItem::Status::AtRisk, fact, earliest.date, left, true};
}

}  // namespace

std::vector<DeadlineItem> deadlineWatch(const std::vector<DeliveryFact>& facts, const WorkingDayCalendar& calendar,
                                        const StatisticsQuery& query, int atRiskWorkingDays) {
    std::vector<DeadlineItem> items;
    for (const auto& fact : facts) {
        if (!matchesQuery(fact, query) || revokedUnpublished(fact)) continue;
        auto decided = CivilDate::parse(fact.decisionDate);
        if (!decided || !inPeriod(*decided, query)) continue;
        TimelinessVerdict verdict = judgeTimeliness(fact, *decided, calendar, query);
        if (auto provisional = provisionalWarning(fact, *decided, verdict, calendar, query, atRiskWorkingDays)) {
            items.push_back(*provisional);
            continue;
        }
        if (verdict.timeliness == Timeliness::AcceptedLate)
            items.push_back({DeadlineItem::Status::AcceptedLate, fact, verdict.deadline, 0});
        if (verdict.timeliness == Timeliness::Overdue)
            items.push_back({DeadlineItem::Status::Overdue, fact, verdict.deadline, 0});
        if (verdict.timeliness != Timeliness::Pending) continue;
        auto left = calendar.workingDaysBetween(query.today, verdict.deadline);
        if (left && *left <= atRiskWorkingDays)
            items.push_back({DeadlineItem::Status::AtRisk, fact, verdict.deadline, *left});
    }
    std::stable_sort(items.begin(), items.end(), [](const DeadlineItem& a, const DeadlineItem& b) {
        return a.status != b.status ? a.status < b.status : a.deadline < b.deadline;
    });
    return items;
}

std::string deadlineWatchToChineseText(const std::vector<DeadlineItem>& items, std::size_t limitPerSection) {
    static const char* kTitles[] = {"逾期未报送（已过7个工作日期限，平台尚未接收）",
                                    "逾期报送（平台接收时已过期限）", "临期（即将到期，尚未被平台接收）"};
    std::string out;
    int current = -1;
    std::size_t count = 0, listed = 0;
    auto leftOut = [&] {
        if (listed < count)
            out += "  （以上仅列出前 " + std::to_string(listed) + " 条，共 " + std::to_string(count) + " 条）\n";
    };
    for (const auto& item : items) {
        int status = static_cast<int>(item.status);
        if (status != current) {
            leftOut();
            current = status;
            count = std::count_if(items.begin(), items.end(), [&](const DeadlineItem& i) {
                return static_cast<int>(i.status) == status;
            });
            listed = 0;
            out += std::string(kTitles[status]) + "：" + std::to_string(count) + " 条\n";
        }
        if (listed == limitPerSection) continue;
        ++listed;
        const DeliveryFact& f = item.fact;
        out += "  " + (f.documentNumber.empty() ? std::string("（无文书号）") : f.documentNumber) + "  决定 " +
               f.decisionDate + "  期限 " + item.deadline.toIso();
        if (item.provisional) out += "（暂定：按最早可能日期，所涉年份节假日未公布）";
        if (item.status == DeadlineItem::Status::AtRisk)
            out += "（还剩 " + std::to_string(item.workingDaysLeft) + " 个工作日）";
        out += "  " + (f.department.empty() ? std::string("（未填责任部门）") : f.department) + "  " +
               deliveryStateInChinese(f.state) + "\n";
    }
    leftOut();
    return out.empty() ? "没有逾期或临期的记录。\n" : out;
}

OperationSelection operationSelection(const StatisticsQuery& query) {
    return {query.from, query.to, query.kind, query.department, query.today};
}

namespace {

std::string withdrawalsJson(const std::optional<WithdrawalCounts>& counts) {
    if (!counts) return "";
    auto rate = counts->rate();
    return ",\"withdrawal_timeliness_rate\":" + (rate ? jsonNumber(*rate) : std::string("null")) +
           ",\"withdrawals\":{\"selected_by\":\"revocation_date\",\"registered\":" + std::to_string(counts->registered) +
           ",\"due\":" + std::to_string(counts->due()) + ",\"on_time\":" + std::to_string(counts->onTime) +
           ",\"late\":" + std::to_string(counts->late) +
           ",\"pending_within_deadline\":" + std::to_string(counts->pendingWithinDeadline) +
           ",\"deadline_unknown\":" + std::to_string(counts->deadlineUnknown) + "}";
}

std::string withdrawalsText(const WithdrawalCounts& c) {
    return "  撤销及时率 " + percent(c.rate()) + "（按期撤下 " + std::to_string(c.onTime) + " / 应完成撤销 " +
           std::to_string(c.due()) + "；按撤销登记日期统计，共登记撤销 " + std::to_string(c.registered) +
           "，未到期待撤 " + std::to_string(c.pendingWithinDeadline) + "，无法计算期限 " +
           std::to_string(c.deadlineUnknown) + "）\n";
}

}  // namespace

std::string statisticsToJson(const StatisticsReport& report) {
    std::string out = "{\"target\":" + jsonString(report.target) + ",\"period\":{\"from\":" +
                      (report.query.from ? jsonString(report.query.from->toIso()) : "null") +
                      ",\"to\":" + (report.query.to ? jsonString(report.query.to->toIso()) : "null") +
                      "},\"as_of\":" + jsonString(report.query.today.toIso()) +
                      ",\"completeness_threshold\":" + jsonNumber(report.query.completenessThreshold) +
                      "," + ratesJson(report.total) + ",\"undated\":" + std::to_string(report.undated) +
                      ",\"by_department\":" + groupJson(report.byDepartment) +
                      ",\"by_kind\":" + groupJson(report.byKind) + withdrawalsJson(report.withdrawals) +
                      ",\"calendar_gaps\":[";
    for (std::size_t i = 0; i < report.missingYears.size(); ++i) {
        if (i > 0) out += ',';
        appendJsonString(out, report.missingYears[i]);
    }
    return out + "]}\n";
}

std::string statisticsToChineseText(const StatisticsReport& report) {
    const RateCounts& c = report.total;
    std::string period = (report.query.from ? report.query.from->toIso() : std::string("最早")) + " 至 " +
                         (report.query.to ? report.query.to->toIso() : std::string("今")) ;
    std::string out = "报送统计（平台：" + report.target + "；决定日期：" + period + "；统计日：" +
                      report.query.today.toIso() + "）\n";
    out += ratesText(c);
    out += "  记录状态：应报送 " + std::to_string(c.mustReport) + "，已接收 " + std::to_string(c.accepted) +
           "，平台退回 " + std::to_string(c.rejected) + "，校验未通过暂存 " + std::to_string(c.held) +
           "，处理中 " + std::to_string(c.inProgress) + "，发送失败 " + std::to_string(c.dead) + "\n";
    out += "  及时性：按期 " + std::to_string(c.onTime) + "，逾期 " + std::to_string(c.late) +
           "，未到期待报 " + std::to_string(c.pendingWithinDeadline) + "，无法计算期限 " +
           std::to_string(c.deadlineUnknown) + "\n";
    if (report.withdrawals) out += withdrawalsText(*report.withdrawals);
    if (report.undated > 0)
        out += "  另有 " + std::to_string(report.undated) + " 条记录决定日期缺失或无效，未计入统计期。\n";
    for (const auto& gap : report.missingYears) out += "  注意：" + gap + "\n";
    if (!report.byDepartment.empty()) {
        out += "按责任部门：\n";
        for (const auto& [department, counts] : report.byDepartment) {
            out += "  " + (department.empty() ? std::string("（未填）") : department) + "：上报率 " +
                   percent(counts.reportingRate()) + "（" + std::to_string(counts.accepted) + "/" +
                   std::to_string(counts.mustReport) + "），及时率 " + percent(counts.timelinessRate()) + "（" +
                   std::to_string(counts.onTime) + "/" + std::to_string(counts.timelinessDenominator()) +
                   "），暂存 " + std::to_string(counts.held) + "，退回 " + std::to_string(counts.rejected) + "\n";
        }
    }
    return out;
}

}  // namespace creditgw
