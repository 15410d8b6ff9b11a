#pragma once
// The held / rejected / dead record list compliance officers read, in Chinese.

#include <string>
#include <vector>

#include "creditgw/Mapping.h"
#include "creditgw/RecordStore.h"

namespace creditgw::cli {

/// One block per record (file:line, 责任部门, state), one line per reason, with the field's
/// Chinese name. Identities are not printed: for 自然人 they hold a 身份证号.
std::string problemReportText(const std::vector<ProblemRecord>& problems, const MappingCatalog& mappings);

}  // namespace creditgw::cli
