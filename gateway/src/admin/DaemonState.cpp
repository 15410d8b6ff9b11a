#include "creditgw/DaemonState.h"

#include <algorithm>

namespace creditgw {

const char* attemptOutcomeOf(StatusCode code) {
    switch (code) {
        case StatusCode::Ok: return "ok";
        case StatusCode::Transient: return "transient";
        case StatusCode::Permanent: return "permanent";
        case StatusCode::Unknown: return "unknown";
        default: return "other";
    }
}

const std::vector<std::string>& attemptOutcomes() {
    static const std::vector<std::string> outcomes{"ok", "transient", "permanent", "unknown", "other"};
    return outcomes;
}

DaemonState::DaemonState(std::vector<std::string> targets) : _targets(std::move(targets)) {
    for (const auto& target : _targets) {
        TargetView& view = _views[target];
        for (const auto& outcome : attemptOutcomes()) view.attempts[outcome] = 0;
    }
}

bool DaemonState::serves(const std::string& target) const {
    return std::find(_targets.begin(), _targets.end(), target) != _targets.end();
}

void DaemonState::publishBreaker(const std::string& target, CircuitBreaker::State state) {
    std::lock_guard lock(_mutex);
    _views[target].breaker = state;
}

void DaemonState::publishNextRun(const std::string& target,
                                 std::optional<std::chrono::system_clock::time_point> next) {
    std::lock_guard lock(_mutex);
    _views[target].nextRun = next;
}

void DaemonState::countAttempts(const std::string& target, const std::map<std::string, std::size_t>& byOutcome) {
    std::lock_guard lock(_mutex);
    for (const auto& [outcome, count] : byOutcome) _views[target].attempts[outcome] += count;
}

DaemonState::TargetView DaemonState::view(const std::string& target) const {
    std::lock_guard lock(_mutex);
    auto found = _views.find(target);
    return found == _views.end() ? TargetView{} : found->second;
}

Status DaemonState::requestTrigger(const std::string& target) {
    if (!serves(target)) {
        std::string known;
        for (const auto& name : _targets) known += (known.empty() ? "" : ", ") + name;
        return Status::notFound("unknown target \"" + target + "\"; this daemon serves: " + known);
    }
    std::function<void()> wake;
    {
        std::lock_guard lock(_mutex);
        _triggered.insert(target);
        wake = _wake;
    }
    if (wake) wake();
    return Status::ok();
}

bool DaemonState::takeTrigger(const std::string& target) {
    std::lock_guard lock(_mutex);
    return _triggered.erase(target) > 0;
}

void DaemonState::onTrigger(std::function<void()> wake) {
    std::lock_guard lock(_mutex);
    _wake = std::move(wake);
}

}  // namespace creditgw
