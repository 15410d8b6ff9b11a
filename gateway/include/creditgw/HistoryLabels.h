#pragma once
// Officers' words for the history events (docs/lifecycle.md): shared by `creditgw history`
// and the dashboard's record page so the two never disagree.

#include <string>

namespace creditgw {

/// The Chinese label of a history event ("accepted" → "平台已接收"), or nullptr for an event
/// this build does not know (shown as its code).
const char* historyEventInChinese(const std::string& event);

}  // namespace creditgw
