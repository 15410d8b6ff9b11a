#pragma once
// Reconciliation in the CLI and the daemon (docs/lifecycle.md, "Reconciliation"): how a target is
// reached for its record query, when the daemon reconciles, and the line `status` shows.

#include <string>

#include "creditgw/Gateway.h"

namespace creditgw::cli {

/// The daemon's reconciliation duty, setting reconcile.schedule (--reconcile-schedule): "daily",
/// the default, reconciles each target once per day, at its first cycle of a day for which the
/// store holds no reconciliation of it (a manual `creditgw reconcile` counts); "off" never.
/// "Today" is --as-of when given, else today in Asia/Shanghai.
struct ReconcileSchedule {
    bool daily = true;
    /// InvalidArgument naming the setting for anything but daily or off.
    static Result<ReconcileSchedule> parse(const std::string& text);
};

/// The target with its endpoint (the profile's when none is given) and a CA: InvalidArgument
/// saying what to pass otherwise.
Result<TargetSettings> reachableTarget(Gateway& gateway, TargetSettings target);

/// Reconciles `target` when `schedule` says it is due on `today`, logging the outcome; a failure
/// is logged and tried again at the next cycle. True when a reconciliation was recorded.
bool reconcileIfDue(Gateway& gateway, const TargetSettings& target, const ReconcileSchedule& schedule,
                    const CivilDate& today);

/// "last reconciliation 2026-11-23T10:00:00+08:00: checked 10, missing 3, …, requeued 3".
std::string lastReconciliationText(const RecordStore::StoredReconciliation& last);

}  // namespace creditgw::cli
