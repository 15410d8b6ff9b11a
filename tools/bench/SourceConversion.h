#pragma once
// creditgw-bench --source xlsx|json|database: the generated CSV turned into the source the
// ingest stage then reads, so every source is measured on the same rows.

#include <string>

#include "creditgw/Status.h"

namespace creditgw::bench {

/// Writes the rows of `csvPath` (UTF-8, one record per line) as `source` into `workDir` and
/// returns the path to ingest: an .xlsx (libxlsxwriter, constant-memory mode: inline strings),
/// a .jsonl, or a .dbsource over table bench_cf loaded with psql \copy into `databaseUrl`.
/// "csv" returns `csvPath` itself.
Result<std::string> convertSource(const std::string& csvPath, const std::string& source, const std::string& workDir,
                                  const std::string& databaseUrl);

}  // namespace creditgw::bench
