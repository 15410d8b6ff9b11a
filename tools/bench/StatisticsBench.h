#pragma once
// creditgw-bench --statistics-records N: the officers' reading commands on a large store.

#include <cstddef>
#include <string>

namespace creditgw {

/// Fills WORK_DIR/statistics-N.db with N records (written as store rows directly, in the
/// store's own schema: one creditchina delivery each, mostly accepted, some held, rejected,
/// queued and ready) unless it is already there, then times `creditgw stats --format json` for
/// one month and for all time, `report` and `status` of the real binary on it, each with its
/// own peak RSS. Prints a table and, last, one JSON line {"statistics":{…}}. Returns the exit code.
int runStatisticsBench(std::size_t records, const std::string& workDir, const std::string& creditgwBinary,
                       const std::string& dataDir);

}  // namespace creditgw
