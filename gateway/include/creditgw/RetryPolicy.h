#pragma once
// When to try an upload again: exponential backoff with full jitter, capped, honouring the
// platform's Retry-After. Jitter spreads the retries of many batches after an outage so the
// platform is not hit by a synchronised storm when it comes back.

#include <chrono>
#include <cstdint>
#include <optional>
#include <random>

namespace creditgw {

class RetryPolicy {
    /// Attempts are numbered from 1 = the first retry (the first send is not counted).
    /// The delay before attempt n is drawn uniformly from [0, min(maximum, initial * 2^(n-1))]
    /// ("full jitter"), then raised to the platform's Retry-After when that is longer.
    ///
    /// Not thread-safe: delayBefore() advances the random generator. Use one policy per
    /// uploading thread (or guard it).
public:
    /// `initial` and `maximum` are clamped to be non-negative and maximum >= initial;
    /// `maxAttempts` below 0 counts as 0 (never retry). `seed` 0 draws a seed from the system
    /// (std::random_device); any other value makes the delays reproducible (tests).
    /// `retryAfterCap` bounds what a platform's Retry-After can ask for: a misconfigured or
    /// hostile answer of "a year" must not park a batch until its records are long overdue.
    RetryPolicy(std::chrono::milliseconds initial, std::chrono::milliseconds maximum,
                int maxAttempts, std::uint64_t seed = 0,
                std::chrono::seconds retryAfterCap = std::chrono::hours(1));

    /// Delay before attempt number `attempt` (1 = first retry; values below 1 count as 1);
    /// at least `retryAfter` (capped at retryAfterCap) if given, even when that exceeds
    /// `maximum`: the platform said when it can take the batch, and sending earlier only earns
    /// another 429/503.
    std::chrono::milliseconds delayBefore(
        int attempt, std::optional<std::chrono::seconds> retryAfter = std::nullopt);

    /// The upper bound of the jitter window for `attempt`: min(maximum, initial * 2^(attempt-1)).
    std::chrono::milliseconds ceilingFor(int attempt) const;

    /// False once `attempt` exceeds maxAttempts: the batch is then 'dead' (kept, visible).
    bool shouldRetry(int attempt) const;

    int maxAttempts() const { return _maxAttempts; }

private:
    std::chrono::milliseconds _initial;
    std::chrono::milliseconds _maximum;
    int _maxAttempts;
    std::chrono::seconds _retryAfterCap;
    std::mt19937_64 _random;
};

}  // namespace creditgw
