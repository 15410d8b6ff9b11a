#pragma once
// Deadlines of withdrawals (撤销, issue 6; domain.md §4.4): a revoked decision leaves each
// platform within N working days of its revocation — 3 for 行政处罚 (行政处罚法 2021 arts. 48
// and 85, as commonly read), 5 otherwise — set per target and kind in the target's profile:
// <setting name="withdrawal.workingDays.cf" value="3"/>.

#include <optional>
#include <string>
#include <vector>

#include "creditgw/CivilDate.h"
#include "creditgw/TargetPlugin.h"
#include "creditgw/WorkingDayCalendar.h"

namespace creditgw {

/// One operation on a published record at a target (撤销, 下线 or 终止公示), for the deadline
/// lists, 撤销及时率 and the operations list of `creditgw report`.
struct OperationFact {
    std::string operation;       ///< "revoke" (撤销), "takedown" (下线), "repair" (终止公示)
    std::string kind;
    std::string documentNumber;  ///< 文书号
    std::string department;      ///< 责任部门 of the record
    std::string registeredAt;    ///< revoke: when the revocation was recorded; else when queued (ISO)
    std::string dueOn;           ///< takedown: the day after 公示截止期; repair: decided on; revoke: ""
    std::string state;           ///< ready, queued, accepted, rejected, dead
    std::string acceptedAt;      ///< the platform's acceptance of the operation, "" before
};

struct WithdrawalItem {
    enum class Status { Overdue, AcceptedLate, AtRisk, Unknown };
    Status status;
    OperationFact fact;
    CivilDate deadline;
    int workingDaysLeft = 0;
    std::string unknownReason;  ///< Unknown: why the deadline cannot be computed
};

/// Working days a target allows for withdrawing a record of `kind`: the profile's setting
/// withdrawal.workingDays.<kind>, else 3 for cf and 5 for the rest.
int withdrawalWorkingDays(const TargetProfile& profile, const std::string& kind);

/// Overdue, accepted late and at-risk withdrawals (and those whose deadline is unknown), by status.
std::vector<WithdrawalItem> withdrawalWatch(const std::vector<OperationFact>& facts, const TargetProfile& profile,
                                            const WorkingDayCalendar& calendar, const CivilDate& today,
                                            int atRiskWorkingDays);
/// The list in Chinese, for `creditgw report`.
std::string withdrawalWatchToChineseText(const std::vector<WithdrawalItem>& items);

/// 撤销及时率 = withdrawals the platform accepted by their deadline / withdrawals due (accepted,
/// or past their deadline unaccepted), like 及时率: one not yet accepted counts late once its
/// deadline has passed, pending before. Withdrawals are selected by the day their revocation was
/// recorded (Asia/Shanghai), not by the decision date: the revocation is what is judged.
struct WithdrawalCounts {
    std::size_t registered = 0;            ///< 撤销 operations selected
    std::size_t onTime = 0;
    std::size_t late = 0;
    std::size_t pendingWithinDeadline = 0;
    std::size_t deadlineUnknown = 0;       ///< the calendar lacks the year; excluded, never guessed
    std::size_t due() const { return onTime + late; }
    std::optional<double> rate() const;
};

/// Selection for WithdrawalCounts and the operations list: a range of registration days
/// (inclusive), kind and department ("" = all), and the day that decides passed deadlines.
struct OperationSelection {
    std::optional<CivilDate> from, to;
    std::string kind, department;
    CivilDate today;
};

WithdrawalCounts countWithdrawals(const std::vector<OperationFact>& facts, const TargetProfile& profile,
                                  const WorkingDayCalendar& calendar, const OperationSelection& selection);

/// Every 撤销, 下线 and 终止公示 of the selection, in Chinese, grouped by operation, with the
/// record's 文书号, the day it was registered or due, its state at the platform and, for
/// 下线 not yet accepted after its day, 逾期. At most `limitPerSection` lines per operation.
std::string operationsListToChineseText(const std::vector<OperationFact>& facts, const OperationSelection& selection,
                                        std::size_t limitPerSection);

}  // namespace creditgw
