#pragma once
// Packing 撤销/下线/终止公示 operations for one target (issue 6), called by Gateway::packageReady after the
// target's 新增/更新 batches. Internal to the pipeline.

#include "creditgw/Gateway.h"
#include "creditgw/Sm2Signer.h"

namespace creditgw {

/// The operation code a target's profile gives a 撤销: settings "operation.field" (the column,
/// e.g. CZLX) and "operation.revoke" (its value). Empty field when the target has none.
struct OperationCode {
    std::string field;
    std::string revoke;    ///< operation.revoke, default 撤销
    std::string takedown;  ///< operation.takedown, default 下线
    std::string repair;    ///< operation.repair, default 终止公示
    /// The value for a stored operation name ("revoke", "takedown", "repair").
    const std::string& valueOf(const std::string& operation) const;
};
OperationCode operationCodeOf(const TargetProfile& profile);

/// Packs, signs and queues the target's ready withdrawals of `kind` with the mapping's columns
/// plus the operation field; returns how many were queued. A target whose profile names no
/// operation field keeps them ready and says so (InvalidArgument) once there is one to send.
Result<std::size_t> packageWithdrawals(RecordStore& store, const TargetPlugin& plugin, const Sm2Signer& signer,
                                       const TargetProfile& profile, const std::vector<EnvelopeColumn>& columns,
                                       BatchHeader header, const std::string& signerId, std::size_t batchSize);

}  // namespace creditgw
