#pragma once
// Deadlines of withdrawals (撤销, issue 6; domain.md §4.4): a revoked decision leaves each
// platform within N working days of its revocation — 3 for 行政处罚 (行政处罚法 2021 arts. 48
// and 85, as commonly read), 5 otherwise — set per target and kind in the target's profile:
// <setting name="withdrawal.workingDays.cf" value="3"/>.

#include <string>
#include <vector>

#include "creditgw/CivilDate.h"
#include "creditgw/TargetPlugin.h"
#include "creditgw/WorkingDayCalendar.h"

namespace creditgw {

/// One 撤销 operation of a target, for the deadline lists.
struct WithdrawalFact {
    std::string kind;
    std::string documentNumber;  ///< 文书号
    std::string revokedAt;       ///< when the revocation was recorded (Asia/Shanghai ISO)
    std::string state;           ///< ready, queued, accepted, rejected, dead
    std::string acceptedAt;      ///< the platform's acceptance of the withdrawal, "" before
};

struct WithdrawalItem {
    enum class Status { Overdue, AcceptedLate, AtRisk, Unknown };
    Status status;
    WithdrawalFact fact;
    CivilDate deadline;
    int workingDaysLeft = 0;
    std::string unknownReason;  ///< Unknown: why the deadline cannot be computed
};

/// Working days a target allows for withdrawing a record of `kind`: the profile's setting
/// withdrawal.workingDays.<kind>, else 3 for cf and 5 for the rest.
int withdrawalWorkingDays(const TargetProfile& profile, const std::string& kind);

/// Overdue, accepted late and at-risk withdrawals (and those whose deadline is unknown), by status.
std::vector<WithdrawalItem> withdrawalWatch(const std::vector<WithdrawalFact>& facts, const TargetProfile& profile,
                                            const WorkingDayCalendar& calendar, const CivilDate& today,
                                            int atRiskWorkingDays);
/// The list in Chinese, for `creditgw report`.
std::string withdrawalWatchToChineseText(const std::vector<WithdrawalItem>& items);

}  // namespace creditgw
