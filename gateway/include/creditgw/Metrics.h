#pragma once
// What the admin interface tells monitoring: a readiness verdict for /health (no token: it says
// only whether the daemon needs attention, and why) and the Prometheus text exposition for
// /metrics (format 0.0.4, checked with `promtool check metrics` in the tests).

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "creditgw/DaemonState.h"
#include "creditgw/RecordStore.h"
#include "creditgw/Statistics.h"

namespace creditgw {

/// One target's figures at one instant.
struct TargetMetrics {
    TargetHealth health;
    RateCounts rates;  ///< over every decision date, as `creditgw stats` without a period
    std::optional<std::chrono::system_clock::time_point> lastAcceptance;  ///< latest platform acceptance
    std::optional<WithdrawalCounts> withdrawals;  ///< 撤销及时率 over every revocation day, when counted
    /// Breaker and send attempts, when a daemon serves the target (it alone knows them).
    std::optional<DaemonState::TargetView> daemon;
};

struct HealthVerdict {
    bool ready = true;
    std::vector<std::string> reasons;  ///< why not ready, one per problem, naming the target
};

/// Not ready when a target has dead records or batches, or a batch has waited `backlogLimit`
/// or longer (a platform down for hours: the operator should know before the deadline does).
HealthVerdict healthVerdict(const std::vector<TargetHealth>& targets, std::chrono::seconds backlogLimit);
/// {"status":"ok"} or {"status":"unavailable","reasons":[...]}.
std::string healthVerdictJson(const HealthVerdict& verdict);

/// The latest acceptance among `facts` (their firstAcceptedAt), if any.
std::optional<std::chrono::system_clock::time_point> lastAcceptanceOf(const std::vector<DeliveryFact>& facts);

/// Prometheus text format: creditgw_records{target,state}, creditgw_batches{target,state},
/// creditgw_backlog_age_seconds{target}, creditgw_last_acceptance_timestamp_seconds{target},
/// creditgw_rate{target,rate} with creditgw_rate_numerator / _denominator (rate: reporting,
/// compliance, timeliness, completeness, withdrawal_timeliness), creditgw_up; from a daemon also
/// creditgw_breaker_state{target} (0 closed, 1 half-open, 2 open) and the counter
/// creditgw_send_attempts_total{target,outcome}.
std::string prometheusMetrics(const std::vector<TargetMetrics>& targets);

}  // namespace creditgw
