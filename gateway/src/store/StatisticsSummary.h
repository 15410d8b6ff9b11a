#pragma once
// The statistics summary (StatisticsSummary.cpp): counts of latest records per statistics fact,
// kept by triggers inside every transaction that changes a record, a delivery or a revocation.
// Internal to the store.

#include "creditgw/Sqlite.h"

namespace creditgw::statistics_summary {

/// Creates the summary's tables and triggers and counts it from the records, once (an existing
/// store migrates at its first writable open). Throws SqliteError.
void createSchema(Database& db);
/// Recounts the summary from the records (inside the caller's transaction). Throws SqliteError.
void fill(Database& db);
/// Whether this store has the summary (a store not yet opened by a writer may not).
bool present(Database& db);

}  // namespace creditgw::statistics_summary
