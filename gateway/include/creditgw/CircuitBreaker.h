#pragma once
// One target's circuit breaker: after `failuresToOpen` consecutive cycles whose sends all failed
// transiently (platform down, refused, 5xx), the daemon stops trying that target for `openFor`;
// then one half-open cycle probes it: success closes the breaker, failure opens it again. Keeps
// a dead platform from being hammered every cycle, and says so in the log. Time is injected.
// Not thread-safe: one per target, used by the daemon's loop.

#include <chrono>
#include <string>

namespace creditgw {

class CircuitBreaker {
public:
    using Clock = std::chrono::system_clock;
    enum class State { Closed, Open, HalfOpen };
    struct Settings {
        int failuresToOpen = 5;
        std::chrono::seconds openFor{300};
    };

    explicit CircuitBreaker(Settings settings) : _settings(settings) {}

    /// Whether the target may be tried at `now`. An open breaker whose time is up becomes
    /// half-open and allows one probe.
    bool allows(Clock::time_point now);
    /// A cycle that delivered (or had nothing failing): closed, count reset.
    void recordSuccess();
    /// A cycle whose sends all failed transiently.
    void recordFailure(Clock::time_point now);

    State state() const { return _state; }
    Clock::time_point openUntil() const { return _openUntil; }
    int consecutiveFailures() const { return _failures; }
    static const char* stateName(State state);

private:
    Settings _settings;
    State _state = State::Closed;
    int _failures = 0;
    Clock::time_point _openUntil{};
};

}  // namespace creditgw
