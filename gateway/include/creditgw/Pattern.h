#pragma once
// Regular expressions for mapping `pattern` checks, on PCRE2 (not std::regex, whose recursive
// matcher overflowed the stack on a 40,000-character value and crash-looped the daemon).
// PCRE2 backtracks on the heap, and every match runs under a match limit and a heap limit, so a
// pathological pattern fails one check instead of taking the process down.

#include <memory>
#include <string>
#include <string_view>

#include "creditgw/Status.h"

namespace creditgw {

enum class PatternMatch { Match, NoMatch, TooComplex };

/// A compiled pattern (UTF-8, anchored at both ends: the whole value must match). Immutable
/// after compile; match() is thread-safe (each call has its own match data).
class Pattern {
public:
    /// InvalidArgument with PCRE2's message and offset for a pattern that does not compile, or
    /// for one that exceeds the limits on a probe of long adversarial values (a pattern `mapping
    /// check` cannot run safely on 40,000-character inputs, e.g. nested quantifiers like (a+)+$).
    static Result<std::shared_ptr<const Pattern>> compile(const std::string& text);
    ~Pattern();
    Pattern(const Pattern&) = delete;
    Pattern& operator=(const Pattern&) = delete;

    PatternMatch match(std::string_view value) const;
    const std::string& text() const { return _text; }

private:
    Pattern() = default;
    std::string _text;
    void* _code = nullptr;          ///< pcre2_code_8*
    void* _matchContext = nullptr;  ///< pcre2_match_context_8* with the limits
};

}  // namespace creditgw
