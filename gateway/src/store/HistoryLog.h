#pragma once
// The append-only history of each record (issue 6): written by RecordStore inside the very
// transactions that change a record's state, so an event exists exactly when its state change
// was committed. Internal to the store.
//
// Cheap by construction (ingest and mapping must not slow by 10%): ingest writes nothing here,
// since the records table already holds each version's file, line and time; events are keyed
// by the version's record id, which grows as records are mapped, so the index is appended to
// rather than updated at random. A batch's own events (each send attempt) are one row per
// batch (record_id NULL, batch_id set) and reach a record's timeline through its "packed"
// event, so a 500-record batch costs one row per attempt, not 500.

#include <cstdint>
#include <string>

#include "creditgw/Sqlite.h"

namespace creditgw::history {

extern const char* const kSchema;

/// Prepared once per transaction; record() appends one record event.
class Writer {
public:
    explicit Writer(Database& db);
    void record(std::int64_t recordId, const std::string& target, const char* event, const std::string& detail,
                const std::string& at);

private:
    Statement _insert;
};

/// One event per delivery of `batchId` (packed, accepted/rejected/dead on a receipt).
/// `event` NULL takes the delivery's own state as the event; `stateFilter` "" for every state.
void recordBatchDeliveries(Database& db, const std::string& batchId, const char* event,
                           const std::string& stateFilter, const std::string& detail, const std::string& at);
/// The batch's own event (a send attempt), numbered from the batch's attempts so far.
void recordSendAttempt(Database& db, const std::string& batchId, const std::string& outcome, const std::string& at);
/// One "ready" event per dead delivery of `target` an operator put back (before the update).
void recordRequeued(Database& db, const std::string& target, const std::string& at);

}  // namespace creditgw::history
