#pragma once
// Golden cases: input rows beside a target's mappings with the exact bytes the target must
// produce for them, so IT staff can change a mapping and see at once what changed.
//
//   mappings/<target>/golden/<kind>-<name>.csv        input (UTF-8, any header the kind knows)
//   mappings/<target>/golden/<kind>-<name>.expected   exact payload bytes for the valid rows
//   mappings/<target>/golden/<kind>-<name>.held       one line per failed rule: "LINE FIELD RULE"
//
// A case is mapped with fixed values so its output never depends on the day it runs:
// today = kGoldenToday, batch id "golden", created at kGoldenCreatedAt, and the unit below.

#include <string>
#include <vector>

#include "creditgw/Gateway.h"

namespace creditgw {

inline constexpr const char* kGoldenToday = "2026-11-22";
inline constexpr const char* kGoldenCreatedAt = "2026-11-22T10:00:00+08:00";
inline constexpr const char* kGoldenUnitCode = "11371300MB20260018";
inline constexpr const char* kGoldenUnitName = "示范市交通运输局";

struct GoldenCase {
    std::string target;
    std::string kind;
    std::string name;       ///< "<kind>-<name>"
    std::string inputPath;  ///< …/golden/<kind>-<name>.csv
    std::string basePath;   ///< …/golden/<kind>-<name> (add .expected / .held)
};

struct GoldenResult {
    bool passed = false;
    std::string message;  ///< what differs, or "updated"
};

/// Every case under mappingsDir/*/golden/, sorted; only `target`'s when it is not empty.
std::vector<GoldenCase> findGoldenCases(const std::string& mappingsDir, const std::string& target = "");

/// Maps the case's input and compares with its expected files. With `update`, writes the
/// expected files from the actual output instead (after a deliberate mapping change).
/// The gateway must have been opened with unit code/name kGoldenUnitCode/kGoldenUnitName.
GoldenResult runGoldenCase(Gateway& gateway, const GoldenCase& goldenCase, bool update);

}  // namespace creditgw
