#pragma once
// What the store knows of one record, for the dashboard's record page: every version as
// ingested (source file and line, fields), its deliveries per target (state, acceptance,
// platform reason, batch) and the problems found. Read-only; searched by the record id and
// the identity index, never a scan.

#include <cstdint>
#include <string>
#include <vector>

#include "creditgw/RecordStore.h"

namespace creditgw {

struct RecordVersionView {
    std::int64_t id = 0;
    int version = 0;
    bool latest = false;
    std::string decisionDate, department, sourceFile, ingestedAt;
    std::size_t sourceLine = 0;
    std::vector<std::pair<std::string, std::string>> fields;  ///< canonical code → value, by code
};

struct RecordDeliveryView {
    int version = 0;
    std::string target, recordKey, state, acceptedAt, reasonCode, reason, batchId, updatedAt;
};

struct RecordProblemView {
    int version = 0;
    std::string target;  ///< "" = found while reading the source
    std::string field, rule, message;
};

struct RecordHistory {
    std::string kind, identity;
    std::vector<RecordVersionView> versions;  ///< oldest first
    std::vector<RecordDeliveryView> deliveries;
    std::vector<RecordProblemView> problems;
};

/// The record whose version has id `recordId`, with all versions of its identity.
/// NotFound when no record has that id.
Result<RecordHistory> recordHistory(RecordStore& store, std::int64_t recordId);

}  // namespace creditgw
