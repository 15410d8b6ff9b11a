#pragma once
// Target plugins know one platform's wire format: they turn mapped records into the exact
// bytes of a batch, and read the platform's receipt for it. They never sign, store or send.

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "creditgw/Record.h"
#include "creditgw/Status.h"

namespace creditgw {

/// A platform described in files: mappings/<target>/profile.xml, parsed by MappingCatalog and
/// handed to the target's plugin. Adding a province means copying a folder, not writing C++.
struct TargetProfile {
    std::string id;           ///< folder name, e.g. "sd-xyjt"
    std::string name;         ///< 信用交通·山东
    std::string plugin;       ///< which target plugin encodes for it: creditchina | xyjt | provincial
    std::string version;      ///< profile version, stored with each package
    std::string directory;    ///< absolute path of the target folder
    bool isTemplate = false;  ///< 模板: the real spec is not public; adjust before production
    std::string envelopeFormat = "json";     ///< json | xml | csv | xlsx
    std::string envelopeEncoding = "UTF-8";  ///< UTF-8 | GBK
    std::string envelopeSchema;              ///< absolute path of the XSD for xml output ("" = none)
    std::map<std::string, std::string> packageTypes;  ///< kind → 包类型 (SJBLX)
    bool headerTitles = true;                ///< csv/xlsx header: Chinese titles or names
    std::string dateFormat = "yyyy/MM/dd";   ///< default output date format of its mappings
    std::string endpointUrl;                 ///< "" = set at run time
    std::size_t batchSize = 500;
    int timeoutSeconds = 60;
    std::string signatureFormat = "der";     ///< der | raw (r||s)
    std::string signerId = "1234567812345678";
    std::map<std::string, std::string> settings;  ///< free <setting name= value=/> for plugins
};

struct BatchHeader {
    std::string batchId;         ///< stable across re-sends; the platform's idempotency key
    std::string target;          ///< "creditchina"
    std::string kind;            ///< "xk" / "cf"
    std::string unitCode;        ///< 单位代码 of the reporting authority (USCC)
    std::string unitName;        ///< 单位名称
    std::string createdAt;       ///< "2026-11-22T10:15:00+08:00"
    std::string mappingVersion;  ///< version of the mapping file that produced the records
};

/// One output column of a batch: the field's name on the wire and its Chinese title (the
/// header of csv/xlsx files in the national template layout).
struct EnvelopeColumn {
    std::string name;   ///< e.g. "CF_XDR_MC" or a provincial name like "XDRMC"
    std::string title;  ///< e.g. "行政相对人名称"; csv/xlsx fall back to `name` when empty
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

/// One record a platform says it holds (its answer to a reconciliation query).
struct HeldRecord {
    std::string key;
    std::string kind;
    std::string contentHash;   ///< of the fields last accepted there (TargetPlugin::contentHash)
    std::string state;         ///< published, withdrawn, taken_down or repaired
    std::string decisionDate;  ///< ISO date, "" when the platform has none
};

class TargetPlugin {
public:
    virtual ~TargetPlugin() = default;
    virtual std::string name() const = 0;
    /// Called once, before any other call, with the profile of the target this instance serves.
    /// InvalidArgument (naming the profile's folder) when the plugin cannot serve it, e.g. an
    /// envelope format it does not speak.
    virtual Status configure(const TargetProfile& profile) = 0;
    /// MIME type of encodeBatch's output, sent as Content-Type.
    virtual std::string contentType() const = 0;
    /// Serialises one batch. Deterministic: the same input gives the same bytes. These bytes
    /// are what gets signed, stored and (re)sent, unchanged. `columns` are the target's output
    /// fields in order, with their Chinese titles. InvalidArgument when a value cannot be
    /// written (e.g. a character the envelope's encoding lacks), naming record and field.
    virtual Result<std::string> encodeBatch(const BatchHeader& header,
                                            const std::vector<EnvelopeColumn>& columns,
                                            const std::vector<MappedRecord>& records) const = 0;
    /// Parses the platform's answer to a batch. InvalidArgument when the body is malformed.
    virtual Result<BatchReceipt> parseReceipt(const std::string& body) const = 0;
    /// Parses the platform's answer to a query of what it holds (reconciliation). Default: the
    /// platform has no such query (Permanent, naming the plugin).
    virtual Result<std::vector<HeldRecord>> parseHoldings(const std::string& body) const {
        (void)body;
        return Status::permanent("target plugin " + name() + " cannot read a platform's holdings: reconciliation "
                                 "is not available for this target");
    }
    /// The content hash the platform reports for `record` once it accepted it, computed the
    /// platform's way, so reconciliation can tell a platform a version behind. Default: "" (no
    /// comparison; only missing and withdrawn records are found).
    virtual std::string contentHash(const MappedRecord& record) const {
        (void)record;
        return {};
    }
};

}  // namespace creditgw
