#include "Withdrawals.h"

#include <Poco/UUIDGenerator.h>

#include "creditgw/FaultInjection.h"

namespace creditgw {

OperationCode operationCodeOf(const TargetProfile& profile) {
    OperationCode code;
    auto field = profile.settings.find("operation.field");
    if (field != profile.settings.end()) code.field = field->second;
    auto setting = [&](const char* name, const char* fallback) {
        auto it = profile.settings.find(name);
        return it != profile.settings.end() ? it->second : std::string(fallback);
    };
    code.revoke = setting("operation.revoke", "撤销");
    code.takedown = setting("operation.takedown", "下线");
    code.repair = setting("operation.repair", "终止公示");
    return code;
}

const std::string& OperationCode::valueOf(const std::string& operation) const {
    if (operation == "takedown") return takedown;
    if (operation == "repair") return repair;
    return revoke;
}

Result<std::size_t> packageWithdrawals(RecordStore& store, const TargetPlugin& plugin, const Sm2Signer& signer,
                                       const TargetProfile& profile, const std::vector<EnvelopeColumn>& columns,
                                       BatchHeader header, const std::string& signerId, std::size_t batchSize) {
    OperationCode code = operationCodeOf(profile);
    std::size_t queued = 0;
    for (;;) {
        auto ready = store.readyOperations(header.target, header.kind, batchSize);
        if (!ready) return ready.status();
        if (ready->empty()) return queued;
        if (code.field.empty())
            return Status::invalidArgument("target " + header.target + ": " + std::to_string(ready->size()) +
                                           "+ operations (撤销/下线/终止公示) wait, but its profile names no operation field;"
                                           " add <setting name=\"operation.field\" value=\"…\"/> (and operation.revoke,"
                                           " operation.takedown, operation.repair)"
                                           " to mappings/" + header.target + "/profile.xml");
        std::vector<EnvelopeColumn> withOperation = columns;
        withOperation.push_back({code.field, "操作类型"});
        std::vector<MappedRecord> records;
        std::vector<std::int64_t> ids;
        for (auto& op : *ready) {
            op.mapped.fields.emplace_back(code.field, code.valueOf(op.operation));
            records.push_back(std::move(op.mapped));
            ids.push_back(op.id);
        }
        header.batchId = "op-" + Poco::UUIDGenerator::defaultGenerator().createRandom().toString();
        header.mappingVersion = ready->front().mappingVersion;
        auto payload = plugin.encodeBatch(header, withOperation, records);
        if (!payload) return payload.status();
        QueuedBatch batch;
        batch.id = header.batchId;
        batch.target = header.target;
        batch.kind = header.kind;
        batch.mappingVersion = header.mappingVersion;
        batch.contentType = plugin.contentType();
        batch.payload = std::move(*payload);
        auto signature = signer.sign(batch.payload);
        if (!signature) return signature.status();
        batch.signature = std::move(*signature);
        batch.signerId = signerId;
        Status enqueued = store.enqueueOperationBatch(batch, ids);
        if (!enqueued) return enqueued;
        faultPoint("after-enqueue-withdrawal");
        queued += ids.size();
    }
}

}  // namespace creditgw
