#pragma once
// The store read for the officers' reports (creditgw report, the monthly workbook, stats'
// fill rates): whole lists, never cut short, so every total a report prints is the true one.
// Reading only; each call is one statement on the store's connection.

#include <optional>
#include <string>
#include <vector>

#include "creditgw/CivilDate.h"
#include "creditgw/RecordStore.h"

namespace creditgw {

/// One reason of one held, rejected or dead record (latest version), with what an officer
/// needs to find and fix it.
struct ProblemLine {
    std::string kind;
    std::string department;
    std::string decisionDate;    ///< ISO, "" when missing or invalid
    std::string documentNumber;  ///< "" when the record could not be identified
    std::string sourceFile;
    std::size_t sourceLine = 0;
    std::string state;  ///< held / rejected / dead
    std::string field, rule, message;
};

/// Which records a report covers: decided in [from, to] (either open), of one kind and one
/// 责任部门 ("" = all). Records without a valid decision date belong to no period and are
/// always included, so they never drop out of sight.
struct ReportSelection {
    std::optional<CivilDate> from, to;
    std::string kind, department;
};

/// Every problem line of the target's held, rejected and dead records in the selection, by
/// source file and line.
Result<std::vector<ProblemLine>> problemLines(RecordStore& store, const std::string& target,
                                              const ReportSelection& selection);

/// How often one indicator is filled in the records a target received.
struct FieldFill {
    std::string kind;
    std::string field;
    std::size_t filled = 0;
    std::size_t records = 0;  ///< submitted records of the kind that carry the field
};

/// Per kind and field, among the latest versions the target accepted or rejected (submitted,
/// the 完整率 denominator) decided in the selection: how many have the field non-empty.
/// Emptiest first (lowest fill share), then by kind and field.
Result<std::vector<FieldFill>> fieldFillRates(RecordStore& store, const std::string& target,
                                              const ReportSelection& selection);

/// Targets with at least one delivery in the store, sorted.
Result<std::vector<std::string>> targetsInStore(RecordStore& store);

}  // namespace creditgw
