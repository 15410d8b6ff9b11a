#pragma once
// The held / rejected / dead record list compliance officers read, in Chinese.

#include <string>
#include <vector>

#include "creditgw/Mapping.h"
#include "creditgw/RecordStore.h"
#include "creditgw/ReportQueries.h"
#include "creditgw/RuleMessages.h"

namespace creditgw::cli {

/// The list of `creditgw report` and the demo: one block per record (file:line, 责任部门, state),
/// one line per reason with the field's Chinese name. The summary counts every record of
/// `lines` (the true totals), the list shows the first `limit` records and says how many were
/// left out. Each reason in Chinese (RuleMessages), the rule code in brackets. Identities are
/// not printed: for 自然人 they hold a 身份证号.
std::string problemListText(const std::vector<ProblemLine>& lines, const MappingCatalog& mappings,
                            const RuleMessages& rules, std::size_t limit);

}  // namespace creditgw::cli
