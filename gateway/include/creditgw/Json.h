#pragma once
// Writing JSON byte-exactly. Signed payloads must be produced once, in a fixed field order, and
// never re-serialised (platform-notes.md), so the gateway writes JSON text itself.

#include <string>
#include <string_view>

namespace creditgw {

/// Appends `value` as a JSON string literal (with quotes). UTF-8 passes through unescaped;
/// control characters, quote and backslash are escaped.
void appendJsonString(std::string& out, std::string_view value);
std::string jsonString(std::string_view value);

}  // namespace creditgw
