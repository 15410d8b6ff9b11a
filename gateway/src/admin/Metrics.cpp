#include "creditgw/Metrics.h"

#include <cstdio>
#include <map>

#include "creditgw/CivilDate.h"
#include "creditgw/Json.h"

namespace creditgw {

namespace {

// A label value as the exposition format wants it: backslash, quote and newline escaped.
std::string label(const std::string& value) {
    std::string out;
    for (char c : value) {
        if (c == '\\') out += "\\\\";
        else if (c == '"') out += "\\\"";
        else if (c == '\n') out += "\\n";
        else out += c;
    }
    return out;
}

std::string number(double value) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.6g", value);
    return buffer;
}

struct Family {
    const char* name;
    const char* help;
    std::vector<std::string> samples;  ///< "{labels} value"
    const char* type = "gauge";
};

int breakerValue(CircuitBreaker::State state) {
    switch (state) {
        case CircuitBreaker::State::Closed: return 0;
        case CircuitBreaker::State::HalfOpen: return 1;
        case CircuitBreaker::State::Open: return 2;
    }
    return 2;
}

void add(Family& family, const std::string& labels, double value) {
    family.samples.push_back("{" + labels + "} " + number(value));
}

// The batch and record states always listed, so a state at zero is 0 rather than absent.
const char* const kRecordStates[] = {"held", "ready", "queued", "accepted", "rejected", "dead"};
const char* const kBatchStates[] = {"pending", "inflight", "unknown", "done", "dead"};

void addStates(Family& family, const std::string& target, const std::vector<std::pair<std::string, std::size_t>>& counts,
               const char* const* known, std::size_t knownCount) {
    std::map<std::string, std::size_t> byState;
    for (std::size_t i = 0; i < knownCount; ++i) byState[known[i]] = 0;
    for (const auto& [state, count] : counts) byState[state.empty() ? "unmapped" : state] += count;
    for (const auto& [state, count] : byState)
        add(family, "target=\"" + label(target) + "\",state=\"" + label(state) + "\"", static_cast<double>(count));
}

}  // namespace

HealthVerdict healthVerdict(const std::vector<TargetHealth>& targets, std::chrono::seconds backlogLimit) {
    HealthVerdict verdict;
    for (const auto& target : targets) {
        if (target.dead > 0)
            verdict.reasons.push_back(target.target + ": " + std::to_string(target.dead) +
                                      " dead records and batches (see creditgw report; requeue once fixed)");
        if (target.waitedSeconds >= 0 && target.waitedSeconds >= backlogLimit.count())
            verdict.reasons.push_back(target.target + ": oldest waiting batch queued " + target.oldestWaitingSince +
                                      ", " + std::to_string(target.waitedSeconds) + " s ago (limit " +
                                      std::to_string(backlogLimit.count()) + " s)" +
                                      (target.lastError.empty() ? "" : "; last error: " + target.lastError));
    }
    verdict.ready = verdict.reasons.empty();
    return verdict;
}

std::string healthVerdictJson(const HealthVerdict& verdict) {
    if (verdict.ready) return "{\"status\":\"ok\"}\n";
    std::string out = "{\"status\":\"unavailable\",\"reasons\":[";
    for (std::size_t i = 0; i < verdict.reasons.size(); ++i) out += (i ? "," : "") + jsonString(verdict.reasons[i]);
    return out + "]}\n";
}

std::optional<std::chrono::system_clock::time_point> lastAcceptanceOf(const std::vector<DeliveryFact>& facts) {
    std::optional<std::chrono::system_clock::time_point> last;
    for (const auto& fact : facts) {
        if (fact.firstAcceptedAt.empty()) continue;
        auto at = parseTimestamp(fact.firstAcceptedAt);
        if (at && (!last || *at > *last)) last = at;
    }
    return last;
}

std::string prometheusMetrics(const std::vector<TargetMetrics>& targets) {
    Family up{"creditgw_up", "1 while the daemon answers", {}};
    Family records{"creditgw_records", "latest record versions per delivery state", {}};
    Family batches{"creditgw_batches", "batches per state", {}};
    Family backlog{"creditgw_backlog_age_seconds", "how long the oldest waiting batch has waited (0: none waiting)", {}};
    Family last{"creditgw_last_acceptance_timestamp_seconds", "Unix time of the latest acceptance by the platform", {}};
    Family rate{"creditgw_rate", "the four rates (reporting 上报率, compliance 合规率, timeliness 及时率, "
                                 "completeness 完整率) and withdrawal_timeliness 撤销及时率 as ratios; absent "
                                 "while the denominator is 0", {}};
    Family numerator{"creditgw_rate_numerator", "numerator of each rate", {}};
    Family denominator{"creditgw_rate_denominator", "denominator of each rate", {}};
    Family breaker{"creditgw_breaker_state", "circuit breaker per target: 0 closed, 1 half-open, 2 open", {}};
    Family attempts{"creditgw_send_attempts_total",
                    "send attempts since the daemon started, by outcome (ok, transient, permanent, unknown: in "
                    "doubt, other)", {}, "counter"};
    add(up, "", 1);
    for (const auto& t : targets) {
        std::string target = "target=\"" + label(t.health.target) + "\"";
        addStates(records, t.health.target, t.health.records, kRecordStates, std::size(kRecordStates));
        addStates(batches, t.health.target, t.health.batches, kBatchStates, std::size(kBatchStates));
        add(backlog, target, static_cast<double>(std::max(0LL, t.health.waitedSeconds)));
        if (t.lastAcceptance)
            add(last, target,
                static_cast<double>(std::chrono::duration_cast<std::chrono::seconds>(
                                        t.lastAcceptance->time_since_epoch()).count()));
        const RateCounts& c = t.rates;
        struct Rate {
            const char* name;
            std::optional<double> value;
            std::size_t numerator, denominator;
        };
        std::vector<Rate> rates{Rate{"reporting", c.reportingRate(), c.accepted, c.mustReport},
                                Rate{"compliance", c.complianceRate(), c.compliant, c.submitted},
                                Rate{"timeliness", c.timelinessRate(), c.onTime, c.timelinessDenominator()},
                                Rate{"completeness", c.completenessRate(), c.complete, c.submitted}};
        if (t.withdrawals)
            rates.push_back({"withdrawal_timeliness", t.withdrawals->rate(), t.withdrawals->onTime, t.withdrawals->due()});
        if (t.daemon) {
            add(breaker, target, breakerValue(t.daemon->breaker));
            for (const auto& [outcome, count] : t.daemon->attempts)
                add(attempts, target + ",outcome=\"" + label(outcome) + "\"", static_cast<double>(count));
        }
        for (const Rate& r : rates) {
            std::string labels = target + ",rate=\"" + r.name + "\"";
            if (r.value) add(rate, labels, *r.value);
            add(numerator, labels, static_cast<double>(r.numerator));
            add(denominator, labels, static_cast<double>(r.denominator));
        }
    }
    std::string out;
    for (const Family* family :
         {&up, &records, &batches, &backlog, &last, &rate, &numerator, &denominator, &breaker, &attempts}) {
        if (family->samples.empty()) continue;
        out += std::string("# HELP ") + family->name + " " + family->help + "\n# TYPE " + family->name + " " +
               family->type + "\n";
        for (const auto& sample : family->samples)
            out += family->name + (sample.rfind("{} ", 0) == 0 ? sample.substr(2) : sample) + "\n";
    }
    return out;
}

}  // namespace creditgw
