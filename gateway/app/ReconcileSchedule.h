#pragma once
// Reconciliation in the CLI and the daemon (docs/lifecycle.md, "Reconciliation"): how a target is
// reached for its record query, when the daemon reconciles, and the line `status` shows.

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "creditgw/Gateway.h"

namespace creditgw::cli {

/// The daemon's reconciliation duty, setting reconcile.schedule (--reconcile-schedule): "daily",
/// the default, reconciles each target once per day, at its first cycle of a day for which the
/// store holds no reconciliation of it (a manual `creditgw reconcile` counts); "off" never.
/// "Today" is --as-of when given, else today in Asia/Shanghai.
struct ReconcileSchedule {
    bool daily = true;
    /// After a failed reconciliation a target waits before it tries again, so that a platform
    /// without a working record query is not asked at every cycle: 5 minutes, doubling up to an
    /// hour. A success, or a new day, starts over. Kept by the daemon process only.
    struct Retry {
        std::string day;  ///< the day the failures were for
        std::chrono::steady_clock::time_point notBefore;
        std::chrono::minutes wait{0};  ///< the wait after the last failure
    };
    std::map<std::string, Retry> retries;  ///< by target
    static constexpr std::chrono::minutes kFirstRetry{5};
    static constexpr std::chrono::minutes kLongestRetry{60};
    /// InvalidArgument naming the setting for anything but daily or off.
    static Result<ReconcileSchedule> parse(const std::string& text);
};

/// The target with its endpoint (the profile's when none is given) and a CA: InvalidArgument
/// saying what to pass otherwise.
Result<TargetSettings> reachableTarget(Gateway& gateway, TargetSettings target);

/// Reconciles `target` when `schedule` says it is due on `today`, then records the repairs its
/// platform announces (applyRepairNotices), logging the outcomes; a failed reconciliation
/// is logged and tried again after the schedule's retry wait. True when a reconciliation was
/// recorded.
bool reconcileIfDue(Gateway& gateway, const TargetSettings& target, ReconcileSchedule& schedule,
                    const CivilDate& today);

/// One 信用修复 decision recorded (`creditgw repair`, or a platform's notice).
struct RepairResult {
    enum Kind { Repaired, Refused, Unknown, Failed } kind = Failed;
    std::string message;  ///< "repaired 1 records (…)" or why not, naming the first possible day
};
/// Records the repair of `which` decided on `decided`: refused before the minimum publicity
/// period (publicity-periods.xml), Unknown when no record has the 文书号.
RepairResult repairDecision(Gateway& gateway, const RevokeRequest& which, const CivilDate& decided,
                            const std::string& basis);

struct RepairNoticesOutcome {
    std::vector<std::string> applied;     ///< one line per notice recorded (or already recorded)
    std::vector<std::string> notApplied;  ///< refused (too early, decided later) or unknown record
};
/// Reads the target's repair notices and records each like `creditgw repair`. Repairing is
/// idempotent, so a notice the platform repeats does nothing the second time. A store failure
/// stops it (Transient); a refused or unknown notice is listed, and read again next time.
Result<RepairNoticesOutcome> applyRepairNotices(Gateway& gateway, const TargetSettings& target, const CivilDate& today);

/// "last reconciliation 2026-11-23T10:00:00+08:00: checked 10, missing 3, …, requeued 3".
std::string lastReconciliationText(const RecordStore::StoredReconciliation& last);

}  // namespace creditgw::cli
