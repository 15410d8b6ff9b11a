#pragma once
// Writing JSON byte-exactly. Signed payloads must be produced once, in a fixed field order, and
// never re-serialised (platform-notes.md), so the gateway writes JSON text itself.

#include <cstddef>
#include <string>
#include <string_view>

namespace creditgw {

/// Appends `value` as a JSON string literal (with quotes). UTF-8 passes through unescaped;
/// control characters, quote and backslash are escaped.
void appendJsonString(std::string& out, std::string_view value);
std::string jsonString(std::string_view value);

/// Reads the JSON string literal starting at text[pos] (the opening quote) into `out` and moves
/// pos past its closing quote. All JSON escapes are understood (\uXXXX with surrogate pairs, to
/// UTF-8). False, with pos where it stopped, when the text there is not a complete string literal.
/// For the store's own flat JSON, read per record per stage: a DOM parser was a third of the time.
bool readJsonString(std::string_view text, std::size_t& pos, std::string& out);

}  // namespace creditgw
