#include "creditgw/WithdrawalDeadlines.h"

#include <algorithm>

namespace creditgw {

int withdrawalWorkingDays(const TargetProfile& profile, const std::string& kind) {
    auto setting = profile.settings.find("withdrawal.workingDays." + kind);
    if (setting != profile.settings.end()) {
        try {
            int days = std::stoi(setting->second);
            if (days > 0) return days;
        } catch (const std::exception&) {
            // an unreadable value falls back to the rule; `mapping check` is where it is seen
        }
    }
    return kind == "cf" ? 3 : 5;
}

namespace {

std::optional<WithdrawalItem> judge(const OperationFact& fact, const TargetProfile& profile,
                                    const WorkingDayCalendar& calendar, const CivilDate& today, int atRisk) {
    auto revokedAt = parseTimestamp(fact.registeredAt);
    if (!revokedAt) return WithdrawalItem{WithdrawalItem::Status::Unknown, fact, {}, 0, "unreadable revocation time"};
    auto deadline = calendar.deadline(CivilDate::inShanghai(*revokedAt), withdrawalWorkingDays(profile, fact.kind));
    if (!deadline)
        return WithdrawalItem{WithdrawalItem::Status::Unknown, fact, {}, 0, deadline.status().message()};
    if (!fact.acceptedAt.empty()) {  // the first acceptance counts, even while a re-send waits
        auto acceptedAt = parseTimestamp(fact.acceptedAt);
        if (acceptedAt && CivilDate::inShanghai(*acceptedAt) > *deadline)
            return WithdrawalItem{WithdrawalItem::Status::AcceptedLate, fact, *deadline, 0, ""};
        return std::nullopt;
    }
    if (today > *deadline) return WithdrawalItem{WithdrawalItem::Status::Overdue, fact, *deadline, 0, ""};
    auto left = calendar.workingDaysBetween(today, *deadline);
    if (left && *left <= atRisk) return WithdrawalItem{WithdrawalItem::Status::AtRisk, fact, *deadline, *left, ""};
    return std::nullopt;
}

const char* stateInChinese(const std::string& state) {
    if (state == "ready") return "待打包";
    if (state == "queued") return "待上传";
    if (state == "accepted") return "平台已确认";
    if (state == "rejected") return "平台退回";
    if (state == "dead") return "发送失败（已停止重试）";
    return "未知";
}

}  // namespace

std::vector<WithdrawalItem> withdrawalWatch(const std::vector<OperationFact>& facts, const TargetProfile& profile,
                                            const WorkingDayCalendar& calendar, const CivilDate& today,
                                            int atRiskWorkingDays) {
    std::vector<WithdrawalItem> items;
    for (const auto& fact : facts) {
        if (fact.operation != "revoke") continue;  // 下线 and 终止公示 have no withdrawal deadline
        if (auto item = judge(fact, profile, calendar, today, atRiskWorkingDays)) items.push_back(std::move(*item));
    }
    std::stable_sort(items.begin(), items.end(),
                     [](const WithdrawalItem& a, const WithdrawalItem& b) { return a.status < b.status; });
    return items;
}

std::string withdrawalWatchToChineseText(const std::vector<WithdrawalItem>& items) {
    static const char* kTitles[] = {"撤销逾期（已过撤销期限，平台尚未撤下）", "撤销超期完成（平台撤下时已过期限）",
                                    "撤销临期（即将到期，平台尚未撤下）", "撤销期限无法计算"};
    std::string out;
    int current = -1;
    for (const auto& item : items) {
        int status = static_cast<int>(item.status);
        if (status != current) {
            current = status;
            auto count = std::count_if(items.begin(), items.end(),
                                       [&](const WithdrawalItem& i) { return static_cast<int>(i.status) == status; });
            out += std::string(kTitles[status]) + "：" + std::to_string(count) + " 条\n";
        }
        out += "  " + item.fact.documentNumber + "  撤销登记 " + item.fact.registeredAt.substr(0, 10);
        if (item.status == WithdrawalItem::Status::Unknown) {
            out += "  " + item.unknownReason + "\n";
            continue;
        }
        out += "  期限 " + item.deadline.toIso();
        if (item.status == WithdrawalItem::Status::AtRisk)
            out += "（还剩 " + std::to_string(item.workingDaysLeft) + " 个工作日）";
        out += "  " + std::string(stateInChinese(item.fact.state)) + "\n";
    }
    return out.empty() ? "没有逾期或临期的撤销。\n" : out;
}

std::optional<double> WithdrawalCounts::rate() const {
    if (due() == 0) return std::nullopt;
    return static_cast<double>(onTime) / static_cast<double>(due());
}

namespace {

std::optional<CivilDate> registeredDay(const OperationFact& fact) {
    auto at = parseTimestamp(fact.registeredAt);
    if (!at) return std::nullopt;
    return CivilDate::inShanghai(*at);
}

bool selected(const OperationFact& fact, const std::optional<CivilDate>& day, const OperationSelection& selection) {
    if (!selection.kind.empty() && fact.kind != selection.kind) return false;
    if (!selection.department.empty() && fact.department != selection.department) return false;
    if (!selection.from && !selection.to) return true;
    if (!day) return false;  // cannot be placed in a period (counted only when none is asked)
    return (!selection.from || *day >= *selection.from) && (!selection.to || *day <= *selection.to);
}

}  // namespace

WithdrawalCounts countWithdrawals(const std::vector<OperationFact>& facts, const TargetProfile& profile,
                                  const WorkingDayCalendar& calendar, const OperationSelection& selection) {
    WithdrawalCounts counts;
    for (const auto& fact : facts) {
        if (fact.operation != "revoke") continue;
        auto day = registeredDay(fact);
        if (!selected(fact, day, selection)) continue;
        ++counts.registered;
        if (!day) {
            ++counts.deadlineUnknown;
            continue;
        }
        auto deadline = calendar.deadline(*day, withdrawalWorkingDays(profile, fact.kind));
        if (!deadline) {
            ++counts.deadlineUnknown;
            continue;
        }
        auto acceptedAt = parseTimestamp(fact.acceptedAt);  // the first acceptance, even while re-sent
        if (acceptedAt) (CivilDate::inShanghai(*acceptedAt) > *deadline ? counts.late : counts.onTime)++;
        else if (selection.today > *deadline) ++counts.late;
        else ++counts.pendingWithinDeadline;
    }
    return counts;
}

namespace {

const char* operationInChinese(const std::string& operation) {
    if (operation == "revoke") return "撤销";
    if (operation == "takedown") return "下线（公示期满）";
    if (operation == "repair") return "终止公示（信用修复）";
    return "其他操作";
}

std::string operationLine(const OperationFact& fact, const std::optional<CivilDate>& day, const CivilDate& today) {
    std::string line = "  " + (fact.documentNumber.empty() ? std::string("（无文书号）") : fact.documentNumber);
    if (fact.operation == "revoke") line += "  撤销登记 " + (day ? day->toIso() : std::string("（时间无法读取）"));
    else if (fact.operation == "takedown") line += "  应下线日 " + fact.dueOn;
    else line += "  修复决定 " + fact.dueOn + "  登记 " + (day ? day->toIso() : std::string("？"));
    line += "  " + std::string(stateInChinese(fact.state));
    if (fact.state == "accepted" && !fact.acceptedAt.empty()) line += " " + fact.acceptedAt.substr(0, 10);
    auto due = CivilDate::parse(fact.dueOn);
    if (fact.operation == "takedown" && due && fact.state != "accepted" && today > *due) line += "  逾期";
    return line + "  " + (fact.department.empty() ? std::string("（未填责任部门）") : fact.department) + "\n";
}

}  // namespace

std::string operationsListToChineseText(const std::vector<OperationFact>& facts, const OperationSelection& selection,
                                        std::size_t limitPerSection) {
    std::string out;
    for (const char* operation : {"revoke", "takedown", "repair"}) {
        std::string lines;
        std::size_t count = 0;
        for (const auto& fact : facts) {
            if (fact.operation != operation) continue;
            // 下线 is placed by its due day, the others by the day they were registered.
            auto day = fact.operation == "takedown" ? CivilDate::parse(fact.dueOn) : registeredDay(fact);
            if (!selected(fact, day, selection)) continue;
            if (count++ < limitPerSection) lines += operationLine(fact, registeredDay(fact), selection.today);
        }
        if (count == 0) continue;
        out += std::string(operationInChinese(operation)) + "：" + std::to_string(count) + " 条\n" + lines;
        if (count > limitPerSection)
            out += "  （以上仅列出前 " + std::to_string(limitPerSection) + " 条，共 " + std::to_string(count) + " 条）\n";
    }
    return out.empty() ? "统计期内没有撤销、下线或终止公示。\n" : out;
}

}  // namespace creditgw
