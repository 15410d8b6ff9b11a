#pragma once
// What only the running daemon knows, shared between its loop and its admin interface: each
// target's circuit breaker state, next scheduled run and send attempts by outcome (for /metrics
// and /status), and the targets an operator asked to run now (POST /api/targets/<name>/trigger).
// Threading: every method may be called from any thread; the loop publishes and takes, the
// admin server's threads read and request. The wake callback runs on the requesting thread.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "creditgw/CircuitBreaker.h"
#include "creditgw/Status.h"

namespace creditgw {

/// The outcome class of one send attempt, as /metrics labels it: "ok" (the platform answered
/// and the answer was applied), "transient", "permanent", "unknown" (in doubt), "other".
const char* attemptOutcomeOf(StatusCode code);
/// Every outcome class, in the order /metrics lists them.
const std::vector<std::string>& attemptOutcomes();

class DaemonState {
public:
    /// `targets`: the targets the daemon serves; only they can be triggered.
    explicit DaemonState(std::vector<std::string> targets);

    const std::vector<std::string>& targets() const { return _targets; }
    bool serves(const std::string& target) const;

    /// The loop's breaker for `target` after a cycle (Closed until the first is published).
    void publishBreaker(const std::string& target, CircuitBreaker::State state);
    /// The target's next scheduled run; nullopt when it runs every cycle.
    void publishNextRun(const std::string& target, std::optional<std::chrono::system_clock::time_point> next);
    /// Adds one cycle's attempts (outcome class → count) to the target's counters.
    void countAttempts(const std::string& target, const std::map<std::string, std::size_t>& byOutcome);

    struct TargetView {
        CircuitBreaker::State breaker = CircuitBreaker::State::Closed;
        std::map<std::string, std::uint64_t> attempts;  ///< every class of attemptOutcomes(), 0 included
        std::optional<std::chrono::system_clock::time_point> nextRun;  ///< none: every cycle
    };
    TargetView view(const std::string& target) const;

    /// Asks the loop to run `target`'s cycle at once, whatever its schedule. NotFound listing the
    /// served targets for an unknown one. Calls the wake callback, so a loop waiting between
    /// cycles starts the next one now.
    Status requestTrigger(const std::string& target);
    /// True once for each request since the last take: the loop runs the target now.
    bool takeTrigger(const std::string& target);
    /// How the loop is woken (the daemon sends itself a signal it waits for); set before the
    /// admin server starts.
    void onTrigger(std::function<void()> wake);

private:
    std::vector<std::string> _targets;
    mutable std::mutex _mutex;
    std::map<std::string, TargetView> _views;
    std::set<std::string> _triggered;
    std::function<void()> _wake;
};

}  // namespace creditgw
