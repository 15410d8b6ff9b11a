#include "creditgw/RetryPolicy.h"

#include <algorithm>

namespace creditgw {

namespace {

std::uint64_t effectiveSeed(std::uint64_t seed) {
    if (seed != 0) return seed;
    std::random_device device;
    return (static_cast<std::uint64_t>(device()) << 32) ^ device();
}

}  // namespace

RetryPolicy::RetryPolicy(std::chrono::milliseconds initial, std::chrono::milliseconds maximum,
                         int maxAttempts, std::uint64_t seed, std::chrono::seconds retryAfterCap)
    : _initial(std::max(initial, std::chrono::milliseconds(0))),
      _maximum(std::max(maximum, _initial)),
      _maxAttempts(std::max(maxAttempts, 0)),
      _retryAfterCap(std::max(retryAfterCap, std::chrono::seconds(0))),
      _random(effectiveSeed(seed)) {}

std::chrono::milliseconds RetryPolicy::ceilingFor(int attempt) const {
    attempt = std::max(attempt, 1);
    // Double step by step instead of shifting: no overflow however large `attempt` gets.
    auto ceiling = _initial;
    for (int i = 1; i < attempt && ceiling < _maximum; ++i) ceiling *= 2;
    return std::min(ceiling, _maximum);
}

std::chrono::milliseconds RetryPolicy::delayBefore(int attempt,
                                                   std::optional<std::chrono::seconds> retryAfter) {
    std::uniform_int_distribution<std::chrono::milliseconds::rep> jitter(0, ceilingFor(attempt).count());
    std::chrono::milliseconds delay(jitter(_random));
    if (retryAfter) {
        std::chrono::milliseconds asked = std::min(*retryAfter, _retryAfterCap);
        if (asked > delay) delay = asked;
    }
    return delay;
}

bool RetryPolicy::shouldRetry(int attempt) const { return attempt <= _maxAttempts; }

}  // namespace creditgw
