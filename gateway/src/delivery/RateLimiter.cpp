#include "creditgw/RateLimiter.h"

#include <algorithm>

namespace creditgw {

RateLimiter::RateLimiter(int perMinute) {
    if (perMinute > 0) _spacing = std::chrono::microseconds(60'000'000LL / perMinute);
}

RateLimiter::Clock::time_point RateLimiter::reserve(Clock::time_point now) {
    Clock::time_point at = _started ? std::max(now, _next) : now;
    _started = true;
    _next = at + _spacing;
    return at;
}

}  // namespace creditgw
