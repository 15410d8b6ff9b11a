#pragma once
// Check-digit validation of the identifiers the standards require (domain.md §3.4–3.6).

#include <string>
#include <string_view>

namespace creditgw {

struct CodeCheck {
    bool valid = false;
    std::string reason;  ///< empty when valid; otherwise what is wrong, for the user
};

/// 统一社会信用代码 (GB 32100-2015). Lower-case input is upper-cased first. The placeholder
/// 00000000000000000X is reported invalid here; the 2.1 placeholder rule is the mapping's job.
CodeCheck checkUscc(std::string_view code);
/// 组织机构代码 (GB 11714), 9 characters.
CodeCheck checkOrgCode(std::string_view code);
/// 居民身份证号 (GB 11643), 18 characters; 15-digit legacy numbers are invalid here
/// (convertLegacyIdCard turns them into 18).
CodeCheck checkIdCard(std::string_view code);
/// 15-digit legacy 身份证号 → 18 digits with "19" century and a computed check digit;
/// returns "" when the input is not a 15-digit number.
std::string convertLegacyIdCard(std::string_view code);
/// Masked form for logs and reports: first 6 and last 4 kept (domain.md §4.3).
std::string maskIdNumber(std::string_view code);
/// Masks every 身份证号-shaped run inside free text (15 digits, or 17 digits and a check digit or
/// X, not part of a longer code such as a USCC): for officers' outputs that quote 文书号, names
/// and messages (report, dashboard, mapping explain).
std::string maskIdNumbersIn(std::string_view text);

inline constexpr std::string_view kUsccPlaceholder = "00000000000000000X";

}  // namespace creditgw
