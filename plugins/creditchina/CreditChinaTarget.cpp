#include "CreditChinaTarget.h"

#include <Poco/ClassLibrary.h>
#include <Poco/JSON/Parser.h>

#include "creditgw/Json.h"
#include "creditgw/PluginAbi.h"

namespace creditgw {

namespace {

void appendMember(std::string& out, const char* name, const std::string& value, bool first = false) {
    if (!first) out += ',';
    appendJsonString(out, name);
    out += ':';
    appendJsonString(out, value);
}

}  // namespace

Status CreditChinaTarget::configure(const TargetProfile& profile) {
    if (profile.envelopeFormat != "json")
        return Status::invalidArgument(profile.directory + "/profile.xml: the creditchina plugin speaks the "
                                       "json envelope only, not \"" + profile.envelopeFormat + "\"");
    return Status::ok();
}

// Written by hand, in a fixed order: these bytes are signed and must never be re-serialised.
std::string CreditChinaTarget::encodeBatch(const BatchHeader& header,
                                           const std::vector<MappedRecord>& records) const {
    std::string out;
    out.reserve(256 + records.size() * 1024);
    out += "{\"package\":{";
    appendMember(out, "batchId", header.batchId, true);
    appendMember(out, "target", header.target);
    appendMember(out, "kind", header.kind);
    appendMember(out, "unitCode", header.unitCode);
    appendMember(out, "unitName", header.unitName);
    appendMember(out, "createdAt", header.createdAt);
    appendMember(out, "mappingVersion", header.mappingVersion);
    out += ",\"count\":" + std::to_string(records.size()) + "},\"records\":[";
    for (std::size_t i = 0; i < records.size(); ++i) {
        if (i > 0) out += ',';
        out += '{';
        appendMember(out, "key", records[i].key, true);
        out += ",\"fields\":{";
        bool first = true;
        for (const auto& [code, value] : records[i].fields) {
            appendMember(out, code.c_str(), value, first);
            first = false;
        }
        out += "}}";
    }
    out += "]}";
    return out;
}

Result<BatchReceipt> CreditChinaTarget::parseReceipt(const std::string& body) const {
    try {
        Poco::JSON::Parser parser;
        auto root = parser.parse(body).extract<Poco::JSON::Object::Ptr>();
        BatchReceipt receipt;
        receipt.batchId = root->optValue<std::string>("batchId", "");
        receipt.acceptedAt = root->optValue<std::string>("acceptedAt", "");
        auto records = root->getArray("records");
        if (receipt.batchId.empty() || !records)
            return Status::invalidArgument("receipt has no batchId or no records array");
        for (std::size_t i = 0; i < records->size(); ++i) {
            auto item = records->getObject(static_cast<unsigned>(i));
            if (!item) return Status::invalidArgument("receipt records[" + std::to_string(i) + "] is not an object");
            RecordReceipt r;
            r.key = item->optValue<std::string>("key", "");
            std::string status = item->optValue<std::string>("status", "");
            if (r.key.empty() || (status != "accepted" && status != "rejected"))
                return Status::invalidArgument("receipt records[" + std::to_string(i) +
                                               "]: needs a key and status accepted|rejected");
            r.accepted = status == "accepted";
            r.code = item->optValue<std::string>("code", "");
            r.reason = item->optValue<std::string>("reason", "");
            receipt.records.push_back(std::move(r));
        }
        if (receipt.acceptedAt.empty())
            return Status::invalidArgument("receipt has no acceptedAt time");
        return receipt;
    } catch (const Poco::Exception& e) {
        return Status::invalidArgument("receipt is not valid JSON: " + e.displayText());
    }
}

}  // namespace creditgw

CREDITGW_DECLARE_PLUGIN("target")

POCO_BEGIN_MANIFEST(creditgw::TargetPlugin)
    POCO_EXPORT_CLASS(creditgw::CreditChinaTarget)
POCO_END_MANIFEST
