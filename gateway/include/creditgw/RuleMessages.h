#pragma once
// What a validation rule means, in Chinese, for the officers' outputs (report, monthly
// workbook). The CLI and the logs keep the English messages; the texts live in
// data/report/rule-messages.zh.tsv ("rule<TAB>说明"), not in code.

#include <map>
#include <string>

#include "creditgw/Status.h"

namespace creditgw {

class RuleMessages {
public:
    /// Reads the table; InvalidArgument naming file and line for a line without a tab.
    /// NotFound when the file is missing.
    static Result<RuleMessages> load(const std::string& path);
    /// The table shipped under a data directory (DATA/data/report/rule-messages.zh.tsv).
    static Result<RuleMessages> loadShipped(const std::string& dataDir);

    /// The Chinese explanation of `rule`, followed by the value the English message quotes
    /// (its first "…"), e.g. 格式不符合标准要求，请按标准格式改正（值：“2026-13-01”）.
    /// An unknown rule reads 校验未通过（规则 X）; an empty rule gives the message unchanged.
    std::string describe(const std::string& rule, const std::string& englishMessage) const;
    /// The explanation alone ("" for an unknown rule).
    std::string explanation(const std::string& rule) const;

private:
    std::map<std::string, std::string> _texts;
};

/// The value a message quotes: after `value "` when present, else its first "…" ("" if none).
std::string quotedValueIn(const std::string& message);

}  // namespace creditgw
