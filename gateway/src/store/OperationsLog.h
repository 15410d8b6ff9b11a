#pragma once
// Operations (撤销, 下线, 终止公示) inside the store's own transactions: schema and the receipt hooks that
// RecordStore::applyReceipt and recordFailedAttempt call. Internal to the store.

#include <string>

#include "creditgw/Record.h"
#include "creditgw/Sqlite.h"
#include "creditgw/TargetPlugin.h"

namespace creditgw::operations {

/// Creates revocations, repairs and operations (and migrates an older operations table).
void createSchema(Database& db);
void widenOlderOperationsTable(Database& db);

/// Settles one receipt entry of an operations batch; false when the key is not an operation of it.
bool applyReceiptRecord(Database& db, const std::string& batchId, const RecordReceipt& r, const std::string& acceptedAt,
                        const std::string& at);
/// After a receipt: operations it left out are dead; history events for the batch's operations.
void settleBatch(Database& db, const std::string& batchId, const std::string& at);
/// The batch was given up: its queued operations are dead (with history events).
void markDead(Database& db, const std::string& batchId, const std::string& reason, const std::string& at);
/// History events of the batch's operations; `phase` "packed", "" (receipt), "queued-now-dead".
void recordEvents(Database& db, const std::string& batchId, const std::string& phase, const std::string& at);
/// The store's [[code, value], …] mapped fields.
FieldList fieldsFromPairs(const std::string& json);

}  // namespace creditgw::operations
