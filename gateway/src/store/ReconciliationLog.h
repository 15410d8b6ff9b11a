#pragma once
// The store's record of reconciliations (the last one per target for `creditgw status` and the
// daemon's daily run). Internal to the store.

#include "creditgw/Sqlite.h"

namespace creditgw::reconciliation {

/// Creates the reconciliations table and the delivery index reconciliation looks keys up by.
void createSchema(Database& db);

}  // namespace creditgw::reconciliation
