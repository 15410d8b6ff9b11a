#pragma once
// A target's rate limit: at most N sends a minute, evenly spaced (60/N seconds apart, no bursts),
// so that after an outage the backlog drains at the pace the platform allows instead of all at
// once. Time is injected: the caller says what "now" is and waits until the instant returned.
// Not thread-safe: one per uploadDue call.

#include <chrono>

namespace creditgw {

class RateLimiter {
public:
    using Clock = std::chrono::system_clock;
    /// `perMinute` 0 (or below): no limit.
    explicit RateLimiter(int perMinute);

    /// The instant the next send may start, given `now` (never before `now`), and reserves it:
    /// the send after that one may start one spacing later.
    Clock::time_point reserve(Clock::time_point now);
    bool limited() const { return _spacing.count() > 0; }
    std::chrono::microseconds spacing() const { return _spacing; }

private:
    std::chrono::microseconds _spacing{0};
    Clock::time_point _next{};
    bool _started = false;
};

}  // namespace creditgw
