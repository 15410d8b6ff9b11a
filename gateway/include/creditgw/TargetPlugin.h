#pragma once
// Target plugins know one platform's wire format: they turn mapped records into the exact
// bytes of a batch, and read the platform's receipt for it. They never sign, store or send.

#include <string>
#include <vector>

#include "creditgw/Record.h"
#include "creditgw/Status.h"

namespace creditgw {

struct BatchHeader {
    std::string batchId;         ///< stable across re-sends; the platform's idempotency key
    std::string target;          ///< "creditchina"
    std::string kind;            ///< "xk" / "cf"
    std::string unitCode;        ///< 单位代码 of the reporting authority (USCC)
    std::string unitName;        ///< 单位名称
    std::string createdAt;       ///< "2026-11-22T10:15:00+08:00"
    std::string mappingVersion;  ///< version of the mapping file that produced the records
};

struct RecordReceipt {
    std::string key;
    bool accepted = false;
    std::string code;    ///< platform's reason code for a rejection
    std::string reason;  ///< platform's message for a rejection
};

struct BatchReceipt {
    std::string batchId;
    std::string acceptedAt;  ///< when the platform accepted the batch, ISO 8601 with offset
    std::vector<RecordReceipt> records;
};

class TargetPlugin {
public:
    virtual ~TargetPlugin() = default;
    virtual std::string name() const = 0;
    /// MIME type of encodeBatch's output, sent as Content-Type.
    virtual std::string contentType() const = 0;
    /// Serialises one batch. Deterministic: the same input gives the same bytes. These bytes
    /// are what gets signed, stored and (re)sent, unchanged.
    virtual std::string encodeBatch(const BatchHeader& header,
                                    const std::vector<MappedRecord>& records) const = 0;
    /// Parses the platform's answer to a batch. InvalidArgument when the body is malformed.
    virtual Result<BatchReceipt> parseReceipt(const std::string& body) const = 0;
};

}  // namespace creditgw
