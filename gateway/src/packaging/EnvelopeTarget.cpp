#include "creditgw/EnvelopeTarget.h"

#include <Poco/JSON/Parser.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include <algorithm>
#include <filesystem>
#include <memory>

#include "creditgw/Sm2Signer.h"

namespace creditgw {

Status EnvelopeTarget::configure(const TargetProfile& profile) {
    _profile = profile;
    auto settings = envelopeSettingsFor(profile, "");
    if (!settings) return settings.status();
    if (!profile.envelopeSchema.empty() && !std::filesystem::exists(profile.envelopeSchema))
        return Status::invalidArgument(profile.directory + "/profile.xml: envelope schema " +
                                       profile.envelopeSchema + " does not exist");
    return Status::ok();
}

std::string EnvelopeTarget::contentType() const {
    auto settings = envelopeSettingsFor(_profile, "");
    return settings ? envelopeContentType(*settings) : "application/octet-stream";
}

void EnvelopeTarget::decorate(const BatchHeader&, std::vector<EnvelopeColumn>&, std::vector<MappedRecord>&) const {}

Result<std::string> EnvelopeTarget::encodeBatch(const BatchHeader& header,
                                                const std::vector<EnvelopeColumn>& columns,
                                                const std::vector<MappedRecord>& records) const {
    auto settings = envelopeSettingsFor(_profile, header.kind);
    if (!settings) return settings.status();
    std::vector<EnvelopeColumn> decoratedColumns = columns;
    std::vector<MappedRecord> decoratedRecords = records;
    decorate(header, decoratedColumns, decoratedRecords);
    return writeEnvelope(*settings, header, decoratedColumns, decoratedRecords);
}

Result<BatchReceipt> EnvelopeTarget::parseReceipt(const std::string& body) const {
    std::size_t start = body.find_first_not_of(" \t\r\n");
    if (start != std::string::npos && body[start] == '<') return parseXmlReceipt(body);
    return parseJsonReceipt(body);
}

Result<std::vector<HeldRecord>> EnvelopeTarget::parseHoldings(const std::string& body) const {
    try {
        Poco::JSON::Parser parser;
        auto root = parser.parse(body).extract<Poco::JSON::Object::Ptr>();
        auto records = root ? root->getArray("records") : nullptr;
        if (!records) return Status::invalidArgument("holdings answer has no records array");
        std::vector<HeldRecord> held;
        for (std::size_t i = 0; i < records->size(); ++i) {
            auto item = records->getObject(static_cast<unsigned>(i));
            std::string where = "holdings records[" + std::to_string(i) + "]";
            if (!item) return Status::invalidArgument(where + " is not an object");
            HeldRecord record{item->optValue<std::string>("key", ""), item->optValue<std::string>("kind", ""),
                              item->optValue<std::string>("contentHash", ""), item->optValue<std::string>("state", ""),
                              item->optValue<std::string>("decisionDate", "")};
            static const char* const kStates[] = {"published", "withdrawn", "taken_down", "repaired"};
            bool knownState = std::find(std::begin(kStates), std::end(kStates), record.state) != std::end(kStates);
            if (record.key.empty() || !knownState)
                return Status::invalidArgument(where + ": needs a key and a state (published, withdrawn, taken_down, "
                                               "repaired), got \"" + record.state + "\"");
            held.push_back(std::move(record));
        }
        return held;
    } catch (const Poco::Exception& e) {
        return Status::invalidArgument("holdings answer is not valid JSON: " + e.displayText());
    }
}

std::string EnvelopeTarget::contentHash(const MappedRecord& record) const {
    auto setting = _profile.settings.find("reconcile.contentHash");
    if (setting == _profile.settings.end() || setting->second != "fields") return {};
    return platformContentHash(record);
}

std::string platformContentHash(const MappedRecord& record) {
    std::vector<std::pair<std::string, std::string>> fields;
    for (const auto& [name, value] : record.fields)
        if (!value.empty()) fields.emplace_back(name, value);
    std::sort(fields.begin(), fields.end());
    std::string canonical = record.kind;
    for (const auto& [name, value] : fields) {
        canonical += '\0';
        canonical += name;
        canonical += '\0';
        canonical += value;
    }
    return sm3Hex(canonical);
}

Result<BatchReceipt> parseJsonReceipt(const std::string& body) {
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
        if (receipt.acceptedAt.empty()) return Status::invalidArgument("receipt has no acceptedAt time");
        return receipt;
    } catch (const Poco::Exception& e) {
        return Status::invalidArgument("receipt is not valid JSON: " + e.displayText());
    }
}

namespace {

std::string childText(xmlNode* parent, const char* name) {
    for (xmlNode* n = parent->children; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE || xmlStrcmp(n->name, BAD_CAST name) != 0) continue;
        xmlChar* text = xmlNodeGetContent(n);
        std::string value = text ? reinterpret_cast<const char*>(text) : "";
        xmlFree(text);
        return value;
    }
    return {};
}

std::string attribute(xmlNode* node, const char* name) {
    xmlChar* value = xmlGetProp(node, BAD_CAST name);
    std::string text = value ? reinterpret_cast<const char*>(value) : "";
    xmlFree(value);
    return text;
}

}  // namespace

Result<BatchReceipt> parseXmlReceipt(const std::string& body) {
    std::unique_ptr<xmlDoc, decltype(&xmlFreeDoc)> doc(
        xmlReadMemory(body.data(), static_cast<int>(body.size()), "receipt.xml", nullptr,
                      XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING),
        &xmlFreeDoc);
    if (!doc) return Status::invalidArgument("receipt is not well-formed XML");
    xmlNode* root = xmlDocGetRootElement(doc.get());
    if (!root || xmlStrcmp(root->name, BAD_CAST "Receipt") != 0)
        return Status::invalidArgument("XML receipt must have a <Receipt> root element");
    BatchReceipt receipt;
    receipt.batchId = childText(root, "SJBBH");
    receipt.acceptedAt = childText(root, "JSSJ");
    if (receipt.batchId.empty() || receipt.acceptedAt.empty())
        return Status::invalidArgument("XML receipt needs <SJBBH> and <JSSJ>");
    for (xmlNode* n = root->children; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE || xmlStrcmp(n->name, BAD_CAST "Record") != 0) continue;
        RecordReceipt r;
        r.key = attribute(n, "key");
        std::string status = attribute(n, "status");
        if (r.key.empty() || (status != "accepted" && status != "rejected"))
            return Status::invalidArgument("XML receipt <Record> needs key and status accepted|rejected");
        r.accepted = status == "accepted";
        r.code = attribute(n, "code");
        r.reason = attribute(n, "reason");
        receipt.records.push_back(std::move(r));
    }
    return receipt;
}

}  // namespace creditgw
