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

std::optional<WithdrawalItem> judge(const WithdrawalFact& fact, const TargetProfile& profile,
                                    const WorkingDayCalendar& calendar, const CivilDate& today, int atRisk) {
    auto revokedAt = parseTimestamp(fact.revokedAt);
    if (!revokedAt) return WithdrawalItem{WithdrawalItem::Status::Unknown, fact, {}, 0, "unreadable revocation time"};
    auto deadline = calendar.deadline(CivilDate::inShanghai(*revokedAt), withdrawalWorkingDays(profile, fact.kind));
    if (!deadline)
        return WithdrawalItem{WithdrawalItem::Status::Unknown, fact, {}, 0, deadline.status().message()};
    if (fact.state == "accepted") {
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
    if (state == "accepted") return "平台已撤下";
    if (state == "rejected") return "平台退回";
    if (state == "dead") return "发送失败（已停止重试）";
    return "未知";
}

}  // namespace

std::vector<WithdrawalItem> withdrawalWatch(const std::vector<WithdrawalFact>& facts, const TargetProfile& profile,
                                            const WorkingDayCalendar& calendar, const CivilDate& today,
                                            int atRiskWorkingDays) {
    std::vector<WithdrawalItem> items;
    for (const auto& fact : facts)
        if (auto item = judge(fact, profile, calendar, today, atRiskWorkingDays)) items.push_back(std::move(*item));
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
        out += "  " + item.fact.documentNumber + "  撤销登记 " + item.fact.revokedAt.substr(0, 10);
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

}  // namespace creditgw
