#define PCRE2_CODE_UNIT_WIDTH 8
#include "creditgw/Pattern.h"

#include <pcre2.h>

namespace creditgw {

namespace {

// Enough for any sane check of a field; a pattern that needs more is backtracking badly.
constexpr uint32_t kMatchLimit = 1'000'000;
constexpr uint32_t kHeapLimitKib = 16 * 1024;

/// Values that make badly nested quantifiers blow up: long runs, with and without a final
/// character that forces every alternative to be tried.
const std::string* probes() {
    static const std::string values[] = {std::string(40000, 'a') + "!", std::string(40000, '1') + "!",
                                         std::string(40000, ' ') + "!", std::string(40000, 'A') + "!",
                                         std::string(40000, 'x')};
    return values;
}

}  // namespace

Pattern::~Pattern() {
    pcre2_code_free(static_cast<pcre2_code*>(_code));
    pcre2_match_context_free(static_cast<pcre2_match_context*>(_matchContext));
}

Result<std::shared_ptr<const Pattern>> Pattern::compile(const std::string& text) {
    std::shared_ptr<Pattern> pattern(new Pattern());
    pattern->_text = text;
    int error = 0;
    PCRE2_SIZE offset = 0;
    // Compiled alone first, so an error's position is in the text the operator wrote.
    pcre2_code* alone = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(text.data()), text.size(), PCRE2_UTF, &error,
                                      &offset, nullptr);
    if (!alone) {
        PCRE2_UCHAR message[256];
        pcre2_get_error_message(error, message, sizeof message);
        return Status::invalidArgument("pattern \"" + text + "\" is not a valid regular expression: " +
                                       reinterpret_cast<const char*>(message) + " at character " +
                                       std::to_string(offset + 1) + " (PCRE2/Perl syntax)");
    }
    pcre2_code_free(alone);
    // Anchored at both ends: the whole value must match, as std::regex_match did.
    std::string whole = "(?:" + text + ")\\z";
    pattern->_code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(whole.data()), whole.size(),
                                   PCRE2_UTF | PCRE2_ANCHORED, &error, &offset, nullptr);
    if (!pattern->_code) return Status::invalidArgument("pattern \"" + text + "\" cannot be anchored");
    auto* context = pcre2_match_context_create(nullptr);
    pcre2_set_match_limit(context, kMatchLimit);
    pcre2_set_heap_limit(context, kHeapLimitKib);
    pattern->_matchContext = context;
    for (std::size_t i = 0; i < 5; ++i)
        if (pattern->match(probes()[i]) == PatternMatch::TooComplex)
            return Status::invalidArgument("pattern \"" + text + "\" cannot be run safely: on a long value it "
                                           "backtracks past the match limit (nested quantifiers such as (a+)+ "
                                           "or (a|a)*); rewrite it without nesting repeats");
    return std::shared_ptr<const Pattern>(std::move(pattern));
}

PatternMatch Pattern::match(std::string_view value) const {
    auto* code = static_cast<pcre2_code*>(_code);
    pcre2_match_data* data = pcre2_match_data_create_from_pattern(code, nullptr);
    // PCRE2_NO_UTF_CHECK is not set: invalid UTF-8 is a no-match, never undefined behaviour.
    int rc = pcre2_match(code, reinterpret_cast<PCRE2_SPTR>(value.data()), value.size(), 0, 0, data,
                         static_cast<pcre2_match_context*>(_matchContext));
    pcre2_match_data_free(data);
    if (rc >= 0) return PatternMatch::Match;
    if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_HEAPLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT)
        return PatternMatch::TooComplex;
    return PatternMatch::NoMatch;
}

}  // namespace creditgw
