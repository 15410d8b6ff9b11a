#include "creditgw/CircuitBreaker.h"

namespace creditgw {

bool CircuitBreaker::allows(Clock::time_point now) {
    if (_state != State::Open) return true;
    if (now < _openUntil) return false;
    _state = State::HalfOpen;
    return true;
}

void CircuitBreaker::recordSuccess() {
    _state = State::Closed;
    _failures = 0;
}

void CircuitBreaker::recordFailure(Clock::time_point now) {
    ++_failures;
    // A failed probe opens it again at once; a closed one after enough failures in a row.
    if (_state == State::HalfOpen || _failures >= _settings.failuresToOpen) {
        _state = State::Open;
        _openUntil = now + _settings.openFor;
    }
}

const char* CircuitBreaker::stateName(State state) {
    switch (state) {
        case State::Closed: return "closed";
        case State::Open: return "open";
        case State::HalfOpen: return "half-open";
    }
    return "closed";
}

}  // namespace creditgw
