#include "creditgw/MockPlatform.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Logger.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/IPAddress.h>
#include <Poco/Net/NetSSL.h>
#include <Poco/Net/SSLException.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/SecureStreamSocket.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Net/X509Certificate.h>
#include <Poco/ThreadPool.h>
#include <Poco/String.h>
#include <Poco/URI.h>
#include <Poco/Zip/ZipArchive.h>
#include <Poco/Zip/ZipStream.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>
#include <vector>

#include "creditgw/HttpsUploader.h"
#include "creditgw/CivilDate.h"
#include "creditgw/CodeChecks.h"
#include "creditgw/Json.h"
#include "creditgw/MockPlatformRules.h"
#include "creditgw/TextCodec.h"
#include "creditgw/SecretFile.h"
#include "creditgw/Sm2Signer.h"

namespace creditgw {

namespace {

using Poco::Net::HTTPResponse;
using Poco::Net::HTTPServerRequest;
using Poco::Net::HTTPServerResponse;

constexpr std::size_t kMaxBodyBytes = 64u << 20;
constexpr const char* kBasePath = "api";
constexpr const char* kSignatureAlgorithm = "SM2-with-SM3";

/// One record of a POSTed package, as the platform read it.
struct IncomingRecord {
    std::string key;
    std::map<std::string, std::string> fields;
};

struct IncomingBatch {
    std::string batchId;
    std::string target;  ///< creditchina or xyjt (mockTargets())
    std::string kind;
    std::vector<IncomingRecord> records;
};

struct StoredBatch {
    std::string bodySm3;  ///< tells a true re-send from a different body under the same batchId
    std::string receipt;  ///< the exact bytes answered the first time
};

// What the record query answers for a record: held (published), or ended by an operation.
constexpr const char* kPublished = "published";

struct StoredRecord {
    std::string kind;
    std::string digest;  ///< of the fields: identical re-send vs. update; the query's contentHash
    std::string acceptedAt;
    std::string documentNumber;
    std::string state = kPublished;  ///< published, withdrawn, taken_down or repaired
    std::string decisionDate;        ///< ISO, "" when the record's date does not parse
    bool published() const { return state == kPublished; }
};

std::string errorJson(const std::string& message) {
    std::string out = "{\"error\":";
    appendJsonString(out, message);
    out += "}";
    return out;
}

void sendJson(HTTPServerResponse& response, HTTPResponse::HTTPStatus status, const std::string& body) {
    response.setStatusAndReason(status);
    response.setContentType("application/json; charset=utf-8");
    response.setContentLength(static_cast<std::streamsize>(body.size()));
    response.send().write(body.data(), static_cast<std::streamsize>(body.size()));
}

/// Replaces anything shaped like a 身份证号 (15 digits, or 17 digits and a check character)
/// by its masked form, so record keys and messages can be logged (domain.md §4.3). Digit-only
/// USCCs are masked too: harmless, and simpler than telling them apart.
std::string maskIdNumbers(const std::string& text) {
    std::string out;
    std::size_t i = 0;
    while (i < text.size()) {
        std::size_t j = i;
        while (j < text.size() && text[j] >= '0' && text[j] <= '9') ++j;
        std::size_t run = j - i;
        if (run == 17 && j < text.size() && (text[j] == 'X' || text[j] == 'x')) {
            ++run;
            ++j;
        }
        if (run == 15 || run == 18) out += maskIdNumber(std::string_view(text).substr(i, run));
        else out.append(text, i, j - i);
        if (j == i) out += text[j++];
        i = j;
    }
    return out;
}

/// Canonical digest of a record's content: non-empty fields sorted by code (std::map),
/// NUL-separated. The record query reports it as contentHash (docs/mock-platform.md).
std::string recordDigest(const std::string& kind, const std::map<std::string, std::string>& fields) {
    std::string canonical = kind;
    for (const auto& [code, value] : fields) {
        if (value.empty()) continue;
        canonical += '\0';
        canonical += code;
        canonical += '\0';
        canonical += value;
    }
    return sm3Hex(canonical);
}

Result<std::string> readLimited(std::istream& in, std::size_t limit) {
    std::string body;
    std::array<char, 16384> buffer;
    while (in) {
        in.read(buffer.data(), buffer.size());
        body.append(buffer.data(), static_cast<std::size_t>(in.gcount()));
        if (body.size() > limit) return Status::invalidArgument("body larger than " + std::to_string(limit) + " bytes");
    }
    if (in.bad()) return Status::transient("request body cut off after " + std::to_string(body.size()) + " bytes");
    return body;
}

/// The decoded segments of a request target's path. Split before decoding, so a batchId
/// holding an encoded '/' stays one segment (Poco::URI decodes first).
std::vector<std::string> pathSegments(const std::string& target) {
    const std::string path = target.substr(0, target.find_first_of("?#"));
    std::vector<std::string> segments;
    std::size_t start = 0;
    while (start <= path.size()) {
        std::size_t end = path.find('/', start);
        if (end == std::string::npos) end = path.size();
        if (end > start) {
            std::string decoded;
            Poco::URI::decode(path.substr(start, end - start), decoded);
            segments.push_back(std::move(decoded));
        }
        start = end + 1;
    }
    return segments;
}

Result<IncomingRecord> parseRecord(const Poco::Dynamic::Var& item, std::size_t index) {
    const std::string where = "records[" + std::to_string(index) + "]";
    if (item.type() != typeid(Poco::JSON::Object::Ptr)) return Status::invalidArgument(where + " is not an object");
    auto object = item.extract<Poco::JSON::Object::Ptr>();
    IncomingRecord record;
    auto key = object->get("key");
    if (!key.isString() || key.extract<std::string>().empty())
        return Status::invalidArgument(where + ".key is missing or not a non-empty string");
    record.key = key.extract<std::string>();
    auto fields = object->getObject("fields");
    if (!fields) return Status::invalidArgument(where + ".fields is missing or not an object");
    for (const auto& [code, value] : *fields) {
        if (value.isEmpty()) { record.fields[code] = ""; continue; }
        if (!value.isString()) return Status::invalidArgument(where + ".fields." + code + " is not a string");
        record.fields[code] = value.extract<std::string>();
    }
    return record;
}

/// The target a package is judged for when it is served with the generic checks only.
constexpr const char* kGenericTarget = "(generic)";

bool isGeneric(const MockPlatformConfig& config, const std::string& target) {
    return std::find(config.genericTargets.begin(), config.genericTargets.end(), target) != config.genericTargets.end();
}

std::string textOf(xmlNode* node) {
    xmlChar* text = xmlNodeGetContent(node);
    std::string out = text ? reinterpret_cast<const char*>(text) : "";
    xmlFree(text);
    return out;
}

std::string nameOf(xmlNode* node) { return reinterpret_cast<const char*>(node->name); }

/// The XML Package envelope (docs/envelopes.md): PackageHead (SJBBH, SJBLX, JLS) and Data/Record
/// elements with a key attribute, one child element per field. libxml2 reads the declared
/// encoding (GBK included) and hands back UTF-8.
Result<IncomingBatch> parseXmlBatch(const std::string& body, const std::string& headerBatchId) {
    std::unique_ptr<xmlDoc, void (*)(xmlDoc*)> doc(
        xmlReadMemory(body.data(), static_cast<int>(body.size()), "package.xml", nullptr, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING),
        xmlFreeDoc);
    xmlNode* root = doc ? xmlDocGetRootElement(doc.get()) : nullptr;
    if (!root || nameOf(root) != "Package") return Status::invalidArgument("malformed XML: no Package element");
    IncomingBatch batch;
    batch.target = kGenericTarget;
    std::string count;
    for (xmlNode* part = root->children; part; part = part->next) {
        if (part->type != XML_ELEMENT_NODE) continue;
        for (xmlNode* child = part->children; child; child = child->next) {
            if (child->type != XML_ELEMENT_NODE) continue;
            if (nameOf(part) == "PackageHead") {
                if (nameOf(child) == "SJBBH") batch.batchId = textOf(child);
                if (nameOf(child) == "SJBLX") batch.kind = Poco::toLower(textOf(child));
                if (nameOf(child) == "JLS") count = textOf(child);
                continue;
            }
            if (nameOf(part) != "Data" || nameOf(child) != "Record") continue;
            IncomingRecord record;
            xmlChar* key = xmlGetProp(child, reinterpret_cast<const xmlChar*>("key"));
            record.key = key ? reinterpret_cast<const char*>(key) : "";
            xmlFree(key);
            const std::string where = "Record " + std::to_string(batch.records.size() + 1);
            if (record.key.empty()) return Status::invalidArgument(where + " has no key attribute");
            for (xmlNode* field = child->children; field; field = field->next)
                if (field->type == XML_ELEMENT_NODE) record.fields[nameOf(field)] = textOf(field);
            batch.records.push_back(std::move(record));
        }
    }
    if (batch.batchId.empty() || batch.batchId != headerBatchId)
        return Status::invalidArgument("PackageHead/SJBBH \"" + batch.batchId + "\" differs from X-Batch-Id \"" +
                                       headerBatchId + "\"");
    if (count != std::to_string(batch.records.size()))
        return Status::invalidArgument("count mismatch: PackageHead/JLS is " + count + " but Data holds " +
                                       std::to_string(batch.records.size()) + " records");
    return batch;
}

/// The header cell of the record-key column a csv or xlsx package must carry (the profile's
/// envelope.key.column / envelope.key.title).
bool isKeyHeader(const std::string& cell) { return cell == "JLBS" || cell == "记录标识"; }

/// Rows of text into records: the first row is the header, one column of it the record key.
Result<IncomingBatch> tableBatch(std::vector<std::vector<std::string>> rows, const std::string& batchId) {
    if (rows.empty()) return Status::invalidArgument("the table has no header row");
    const auto& header = rows.front();
    auto key = std::find_if(header.begin(), header.end(), isKeyHeader);
    if (key == header.end())
        return Status::invalidArgument("the table has no record-key column (JLBS or 记录标识): a receipt could not "
                                       "name its records");
    const std::size_t keyAt = static_cast<std::size_t>(key - header.begin());
    IncomingBatch batch;
    batch.batchId = batchId;
    batch.target = kGenericTarget;
    for (std::size_t r = 1; r < rows.size(); ++r) {
        IncomingRecord record;
        rows[r].resize(header.size());
        record.key = rows[r][keyAt];
        if (record.key.empty()) return Status::invalidArgument("row " + std::to_string(r + 1) + " has no record key");
        for (std::size_t c = 0; c < header.size(); ++c)
            if (c != keyAt) record.fields[header[c]] = rows[r][c];
        batch.records.push_back(std::move(record));
    }
    return batch;
}

/// RFC 4180 (docs/envelopes.md), UTF-8 or GB18030 (GBK), CRLF after every row.
Result<IncomingBatch> parseCsvBatch(const std::string& body, const std::string& batchId) {
    std::string text = body;
    if (!TextDecoder::create("UTF-8")->toUtf8(body)) {
        auto decoded = TextDecoder::create("GB18030")->toUtf8(body);
        if (!decoded) return Status::invalidArgument("csv: " + decoded.status().message());
        text = std::move(*decoded);
    }
    if (text.rfind("\xEF\xBB\xBF", 0) == 0) text.erase(0, 3);
    std::vector<std::vector<std::string>> rows(1);
    std::string cell;
    bool quoted = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        char ch = text[i];
        if (quoted) {
            if (ch != '"') cell += ch;
            else if (i + 1 < text.size() && text[i + 1] == '"') cell += text[++i];
            else quoted = false;
        } else if (ch == '"') {
            quoted = true;
        } else if (ch == ',') {
            rows.back().push_back(std::move(cell));
            cell.clear();
        } else if (ch == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
            rows.back().push_back(std::move(cell));
            cell.clear();
            rows.emplace_back();
            ++i;
        } else {
            cell += ch;
        }
    }
    if (!cell.empty() || !rows.back().empty()) rows.back().push_back(std::move(cell));
    if (rows.back().empty()) rows.pop_back();
    return tableBatch(std::move(rows), batchId);
}

Result<std::string> zipEntry(const std::string& zip, const std::string& name) {
    try {
        std::istringstream in(zip, std::ios::binary);
        Poco::Zip::ZipArchive archive(in);
        auto header = archive.findHeader(name);
        if (header == archive.headerEnd()) return Status::invalidArgument("xlsx has no " + name);
        in.clear();
        Poco::Zip::ZipInputStream stream(in, header->second, true);
        std::ostringstream out;
        out << stream.rdbuf();
        return out.str();
    } catch (const Poco::Exception& e) {
        return Status::invalidArgument("xlsx is not a zip: " + e.displayText());
    }
}

using XmlDoc = std::unique_ptr<xmlDoc, void (*)(xmlDoc*)>;
XmlDoc readXml(const std::string& text) {
    return XmlDoc(xmlReadMemory(text.data(), static_cast<int>(text.size()), "part.xml", nullptr,
                                XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING),
                  xmlFreeDoc);
}

std::vector<xmlNode*> elements(xmlNode* parent, const char* name) {
    std::vector<xmlNode*> out;
    for (xmlNode* child = parent ? parent->children : nullptr; child; child = child->next)
        if (child->type == XML_ELEMENT_NODE && nameOf(child) == name) out.push_back(child);
    return out;
}

std::string propOf(xmlNode* node, const char* name) {
    xmlChar* value = xmlGetProp(node, reinterpret_cast<const xmlChar*>(name));
    std::string out = value ? reinterpret_cast<const char*>(value) : "";
    xmlFree(value);
    return out;
}

/// The first sheet of an xlsx (shared strings or inline strings; cells placed by their A1 reference).
Result<IncomingBatch> parseXlsxBatch(const std::string& body, const std::string& batchId) {
    std::vector<std::string> shared;
    if (auto strings = zipEntry(body, "xl/sharedStrings.xml")) {
        XmlDoc doc = readXml(*strings);
        for (xmlNode* si : elements(doc ? xmlDocGetRootElement(doc.get()) : nullptr, "si")) shared.push_back(textOf(si));
    }
    auto sheet = zipEntry(body, "xl/worksheets/sheet1.xml");
    if (!sheet) return sheet.status();
    XmlDoc doc = readXml(*sheet);
    if (!doc) return Status::invalidArgument("xlsx: sheet1.xml is not XML");
    std::vector<std::vector<std::string>> rows;
    for (xmlNode* data : elements(xmlDocGetRootElement(doc.get()), "sheetData"))
        for (xmlNode* row : elements(data, "row")) {
            std::vector<std::string> cells;
            for (xmlNode* c : elements(row, "c")) {
                std::size_t column = 0;
                for (char ch : propOf(c, "r"))
                    if (ch >= 'A' && ch <= 'Z') column = column * 26 + static_cast<std::size_t>(ch - 'A' + 1);
                if (column == 0) column = cells.size() + 1;
                std::string value;
                auto v = elements(c, "v");
                if (propOf(c, "t") == "s" && !v.empty()) {
                    std::size_t at = std::stoul(textOf(v.front()));
                    value = at < shared.size() ? shared[at] : "";
                } else if (propOf(c, "t") == "inlineStr") {
                    value = textOf(c);
                } else if (!v.empty()) {
                    value = textOf(v.front());
                }
                if (cells.size() < column) cells.resize(column);
                cells[column - 1] = std::move(value);
            }
            rows.push_back(std::move(cells));
        }
    return tableBatch(std::move(rows), batchId);
}

/// The package checks that make a whole POST a 400: JSON shape, batchId, kind, count.
Result<IncomingBatch> parseBatch(const std::string& body, const std::string& headerBatchId,
                                 const MockPlatformConfig& config) {
    std::size_t start = body.find_first_not_of(" \t\r\n");
    if (start != std::string::npos && body[start] == '<') {
        if (config.genericTargets.empty())
            return Status::invalidArgument("XML packages are not served here (no generic targets configured)");
        return parseXmlBatch(body, headerBatchId);
    }
    // A csv or xlsx table has no head: its batch id is the request's (X-Batch-Id, manifest).
    const bool xlsx = body.rfind("PK\x03\x04", 0) == 0;
    if (xlsx || (start != std::string::npos && body[start] != '{')) {
        if (config.genericTargets.empty())
            return Status::invalidArgument("csv and xlsx packages are not served here (no generic targets configured)");
        if (headerBatchId.empty()) return Status::invalidArgument("a csv or xlsx package needs its batch id (X-Batch-Id)");
        return xlsx ? parseXlsxBatch(body, headerBatchId) : parseCsvBatch(body, headerBatchId);
    }
    Poco::JSON::Object::Ptr root;
    try {
        Poco::JSON::Parser parser;
        auto parsed = parser.parse(body);
        if (parsed.type() != typeid(Poco::JSON::Object::Ptr))
            return Status::invalidArgument("body is not a JSON object");
        root = parsed.extract<Poco::JSON::Object::Ptr>();
    } catch (const Poco::Exception& e) {
        return Status::invalidArgument("malformed JSON: " + e.displayText());
    }
    auto package = root->getObject("package");
    auto records = root->getArray("records");
    if (!package || !records) return Status::invalidArgument("body needs a \"package\" object and a \"records\" array");
    IncomingBatch batch;
    batch.batchId = package->optValue<std::string>("batchId", "");
    if (batch.batchId.empty() || batch.batchId != headerBatchId)
        return Status::invalidArgument("package.batchId \"" + batch.batchId + "\" differs from X-Batch-Id \"" +
                                       headerBatchId + "\"");
    batch.target = package->optValue<std::string>("target", "");
    batch.kind = package->optValue<std::string>("kind", "");
    if (isGeneric(config, batch.target))
        batch.target = kGenericTarget;
    else if (auto problem = mockPackageProblem(batch.target, batch.kind))
        return Status::invalidArgument(*problem);
    auto count = package->get("count");
    if (!count.isInteger()) return Status::invalidArgument("package.count is missing or not an integer");
    if (count.convert<Poco::Int64>() != static_cast<Poco::Int64>(records->size()))
        return Status::invalidArgument("count mismatch: package.count is " + count.convert<std::string>() +
                                       " but records holds " + std::to_string(records->size()));
    for (std::size_t i = 0; i < records->size(); ++i) {
        auto record = parseRecord(records->get(static_cast<unsigned>(i)), i);
        if (!record) return record.status();
        batch.records.push_back(std::move(*record));
    }
    return batch;
}

}  // namespace

struct MockPlatform::Impl {
    MockPlatformConfig config;
    Poco::Logger& log = Poco::Logger::get("mock");
    std::unique_ptr<Poco::ThreadPool> pool;       // outlives the server: its threads run handlers
    std::unique_ptr<Poco::Net::HTTPServer> server;
    unsigned short boundPort = 0;

    mutable std::mutex mutex;  // guards everything below
    Counters counters;
    int failuresLeft = 0;
    std::optional<std::string> clock;
    std::map<std::string, StoredBatch> batches;
    std::map<std::string, StoredRecord> records;
    std::map<std::string, std::string> documentOwners;  // kind + '\x1f' + 文书号 → record key
    std::map<std::string, std::shared_ptr<const Sm2Verifier>> verifiers;  // by signer ID
    double loseShare = 0.0;
    std::size_t keptOrLost = 0;       // new or changed records accepted so far (loseShare's count)
    std::vector<std::string> lost;    // keys lost, in order
    std::vector<MockPlatform::RepairNotice> repairNotices;  // announced 信用修复, oldest first

    explicit Impl(MockPlatformConfig c)
        : config(std::move(c)), clock(config.clockOverride), loseShare(config.loseShare) {}

    Status checkConfig() const;
    Status loadState();
    Status saveState() const;
    Result<std::shared_ptr<const Sm2Verifier>> verifierFor(const std::string& signerId);

    void handle(HTTPServerRequest& request, HTTPServerResponse& response);
    Status authorizeClient(HTTPServerRequest& request) const;
    void handlePost(HTTPServerRequest& request, HTTPServerResponse& response);
    void handleReceipt(const std::string& batchId, HTTPServerResponse& response);
    void handleQuery(HTTPServerRequest& request, HTTPServerResponse& response);
    void handleRepairNotices(HTTPServerResponse& response);
    /// Whether the next new or changed record is lost (loseShare). Call with `mutex` held.
    bool loseNext();
    Status verifySignature(const HTTPServerRequest& request, const std::string& body);
    /// Judges the records and stores the outcome; returns the receipt. Call with `mutex` held.
    std::string process(const IncomingBatch& batch);
    void appendWithdrawal(std::string& receipt, const IncomingRecord& record, std::size_t& accepted);
    void appendVerdict(std::string& receipt, const std::string& target, const std::string& kind,
                       const IncomingRecord& record,
                       const std::string& acceptedAt, std::size_t& accepted);
};

namespace {

class MockRequestHandler : public Poco::Net::HTTPRequestHandler {
public:
    explicit MockRequestHandler(MockPlatform::Impl& impl) : _impl(impl) {}

    void handleRequest(HTTPServerRequest& request, HTTPServerResponse& response) override {
        // The thread boundary: nothing may escape into Poco's worker, which would only drop it.
        try {
            _impl.handle(request, response);
            return;
        } catch (const Poco::Exception& e) {
            _impl.log.error("mock: %s %s failed: %s", request.getMethod(), maskIdNumbers(request.getURI()),
                            maskIdNumbers(e.displayText()));
        } catch (const std::exception& e) {
            _impl.log.error("mock: %s %s failed: %s", request.getMethod(), maskIdNumbers(request.getURI()),
                            maskIdNumbers(e.what()));
        }
        if (!response.sent()) sendJson(response, HTTPResponse::HTTP_INTERNAL_SERVER_ERROR, errorJson("internal error"));
    }

private:
    MockPlatform::Impl& _impl;
};

class MockRequestHandlerFactory : public Poco::Net::HTTPRequestHandlerFactory {
public:
    explicit MockRequestHandlerFactory(MockPlatform::Impl& impl) : _impl(impl) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(const HTTPServerRequest&) override {
        return new MockRequestHandler(_impl);
    }

private:
    MockPlatform::Impl& _impl;
};

}  // namespace

// ---- configuration and state ----------------------------------------------------------------

Status MockPlatform::Impl::checkConfig() const {
    Poco::Net::IPAddress address;
    if (!Poco::Net::IPAddress::tryParse(config.host, address) || !address.isLoopback())
        return Status::invalidArgument("mock platform: host \"" + config.host +
                                       "\" is not a loopback address; the mock binds 127.0.0.1 (or ::1) only");
    auto needFile = [](const std::string& path, const char* setting) -> Status {
        if (path.empty()) return Status::invalidArgument(std::string("mock platform: ") + setting + " is not set");
        std::error_code ec;
        if (!std::filesystem::is_regular_file(path, ec))
            return Status::notFound(std::string("mock platform: ") + setting + " " + path + " does not exist");
        return Status::ok();
    };
    if (Status s = needFile(config.certFile, "certFile"); !s) return s;
    if (Status s = needFile(config.keyFile, "keyFile"); !s) return s;
    if (Status s = needFile(config.signerCertFile, "signerCertFile"); !s) return s;
    if (config.requireClientCertificate) {
        if (Status s = needFile(config.caFile, "caFile (needed to verify client certificates)"); !s) return s;
        if (config.allowedClientCommonName.empty())
            return Status::invalidArgument("mock platform: allowedClientCommonName is empty while client certificates are required");
    }
    return checkSecretFilePermissions(config.keyFile);
}

Status MockPlatform::Impl::loadState() {
    std::error_code ec;
    if (config.stateFile.empty() || !std::filesystem::exists(config.stateFile, ec)) return Status::ok();
    const std::string what = "mock platform: state file " + config.stateFile;
    try {
        std::ifstream in(config.stateFile, std::ios::binary);
        if (!in) return Status::permanent(what + " cannot be opened");
        Poco::JSON::Parser parser;
        auto root = parser.parse(in).extract<Poco::JSON::Object::Ptr>();
        auto storedBatches = root->getObject("batches");
        auto storedRecords = root->getObject("records");
        if (!storedBatches || !storedRecords) return Status::corrupt(what + " lacks \"batches\" or \"records\"; move it away to start empty");
        for (const auto& [id, value] : *storedBatches) {
            auto b = value.extract<Poco::JSON::Object::Ptr>();
            batches[id] = {b->getValue<std::string>("bodySm3"), b->getValue<std::string>("receipt")};
        }
        for (const auto& [key, value] : *storedRecords) {
            auto r = value.extract<Poco::JSON::Object::Ptr>();
            StoredRecord record{r->getValue<std::string>("kind"), r->getValue<std::string>("digest"),
                                r->getValue<std::string>("acceptedAt"), r->getValue<std::string>("documentNumber"),
                                r->optValue<std::string>("state", kPublished), r->optValue<std::string>("decisionDate", "")};
            if (record.published()) documentOwners[record.kind + '\x1f' + record.documentNumber] = key;
            records[key] = std::move(record);
        }
    } catch (const Poco::Exception& e) {
        return Status::corrupt(what + " is unreadable (" + e.displayText() + "); move it away to start empty");
    }
    log.information("mock: loaded %z batches and %z records from %s", batches.size(), records.size(), config.stateFile);
    return Status::ok();
}

Status MockPlatform::Impl::saveState() const {
    // The whole state, rewritten and renamed into place: a crash leaves the old file or the new.
    std::string out = "{\"version\":1,\"batches\":{";
    bool first = true;
    for (const auto& [id, batch] : batches) {
        if (!first) out += ',';
        first = false;
        appendJsonString(out, id);
        out += ":{\"bodySm3\":" + jsonString(batch.bodySm3) + ",\"receipt\":" + jsonString(batch.receipt) + "}";
    }
    out += "},\"records\":{";
    first = true;
    for (const auto& [key, record] : records) {
        if (!first) out += ',';
        first = false;
        appendJsonString(out, key);
        out += ":{\"kind\":" + jsonString(record.kind) + ",\"digest\":" + jsonString(record.digest) +
               ",\"acceptedAt\":" + jsonString(record.acceptedAt) +
               ",\"documentNumber\":" + jsonString(record.documentNumber) + ",\"state\":" + jsonString(record.state) +
               ",\"decisionDate\":" + jsonString(record.decisionDate) + "}";
    }
    out += "}}\n";
    const std::string temporary = config.stateFile + ".tmp";
    {
        std::ofstream file(temporary, std::ios::binary | std::ios::trunc);
        file.write(out.data(), static_cast<std::streamsize>(out.size()));
        file.close();
        if (!file) return Status::transient("cannot write " + temporary);
    }
    std::error_code ec;
    std::filesystem::rename(temporary, config.stateFile, ec);
    if (ec) return Status::transient("cannot rename " + temporary + " to " + config.stateFile + ": " + ec.message());
    return Status::ok();
}

Result<std::shared_ptr<const Sm2Verifier>> MockPlatform::Impl::verifierFor(const std::string& signerId) {
    std::lock_guard<std::mutex> lock(mutex);
    auto it = verifiers.find(signerId);
    if (it != verifiers.end()) return it->second;
    auto verifier = Sm2Verifier::fromPemFile(config.signerCertFile, signerId);
    if (!verifier) return verifier.status();
    auto shared = std::make_shared<const Sm2Verifier>(std::move(*verifier));
    verifiers.emplace(signerId, shared);
    return shared;
}

// ---- request handling -----------------------------------------------------------------------

void MockPlatform::Impl::handle(HTTPServerRequest& request, HTTPServerResponse& response) {
    if (config.requireClientCertificate) {
        if (Status s = authorizeClient(request); !s) {
            log.warning("mock: refused client: %s", s.message());
            sendJson(response, HTTPResponse::HTTP_FORBIDDEN, errorJson(s.message()));
            return;
        }
    }
    const std::vector<std::string> segments = pathSegments(request.getURI());
    const bool batches = segments.size() >= 2 && segments[0] == kBasePath && segments[1] == "batches";
    const std::string& method = request.getMethod();
    if (batches && segments.size() == 2) {
        if (method == "POST") return handlePost(request, response);
        response.set("Allow", "POST");
        return sendJson(response, HTTPResponse::HTTP_METHOD_NOT_ALLOWED, errorJson("use POST to upload a batch"));
    }
    if (batches && segments.size() == 4 && segments[3] == "receipt") {
        if (method == "GET") return handleReceipt(segments[2], response);
        response.set("Allow", "GET");
        return sendJson(response, HTTPResponse::HTTP_METHOD_NOT_ALLOWED, errorJson("use GET to query a receipt"));
    }
    if (segments.size() == 2 && segments[0] == kBasePath && segments[1] == "repair-notices") {
        if (method == "GET") return handleRepairNotices(response);
        response.set("Allow", "GET");
        return sendJson(response, HTTPResponse::HTTP_METHOD_NOT_ALLOWED, errorJson("use GET to read repair notices"));
    }
    if (segments.size() == 2 && segments[0] == kBasePath && segments[1] == "records") {
        if (method == "GET") return handleQuery(request, response);
        response.set("Allow", "GET");
        return sendJson(response, HTTPResponse::HTTP_METHOD_NOT_ALLOWED, errorJson("use GET to query records"));
    }
    sendJson(response, HTTPResponse::HTTP_NOT_FOUND,
             errorJson("no such resource; use POST /api/batches, GET /api/batches/<batchId>/receipt, "
                       "GET /api/records?from=YYYY-MM-DD&to=YYYY-MM-DD or GET /api/repair-notices"));
}

Status MockPlatform::Impl::authorizeClient(HTTPServerRequest& request) const {
    // The TLS layer already verified the chain against caFile; here the platform decides who
    // may talk to it, by the certificate's CN (Poco's own name check compares it with the
    // client's IP address, which is meaningless for a client certificate; platform-notes.md).
    auto* impl = dynamic_cast<Poco::Net::HTTPServerRequestImpl*>(&request);
    if (!impl) return Status::permanent("cannot inspect the connection of this request");
    Poco::Net::SecureStreamSocket socket(impl->socket());
    if (!socket.havePeerCertificate()) return Status::permanent("no client certificate presented");
    const std::string commonName = socket.peerCertificate().commonName();
    if (commonName != config.allowedClientCommonName)
        return Status::permanent("client certificate CN \"" + commonName + "\" is not allowed; this platform accepts \"" +
                                 config.allowedClientCommonName + "\"");
    return Status::ok();
}

Status MockPlatform::Impl::verifySignature(const HTTPServerRequest& request, const std::string& body) {
    const std::string algorithm = request.get("X-Signature-Algorithm", "");
    if (algorithm != kSignatureAlgorithm)
        return Status::permanent("signature: X-Signature-Algorithm \"" + algorithm + "\" is not supported; expected " +
                                 kSignatureAlgorithm);
    const std::string signerId = request.get("X-Signer-Id", "");
    if (signerId.empty()) return Status::permanent("signature: X-Signer-Id header missing");
    const std::string encoded = request.get("X-Signature", "");
    if (encoded.empty()) return Status::permanent("signature: X-Signature header missing");
    auto signature = base64Decode(encoded);
    if (!signature) return Status::permanent("signature: X-Signature is not base64: " + signature.status().message());
    auto verifier = verifierFor(signerId);
    if (!verifier) return Status::permanent("signature: cannot load the registered signing certificate: " +
                                            verifier.status().message());
    if (Status s = (*verifier)->verify(body, *signature); !s)
        return Status::permanent("signature: does not verify over the body with the registered signing certificate "
                                 "(signer ID " + signerId + "): " + s.message());
    return Status::ok();
}

void MockPlatform::Impl::handlePost(HTTPServerRequest& request, HTTPServerResponse& response) {
    auto body = readLimited(request.stream(), kMaxBodyBytes);
    if (!body) {
        if (body.status().code() == StatusCode::InvalidArgument)
            return sendJson(response, HTTPResponse::HTTP_REQUESTENTITYTOOLARGE, errorJson(body.status().message()));
        return;  // the client went away; there is no one to answer
    }
    {
        std::lock_guard<std::mutex> lock(mutex);
        if (failuresLeft > 0) {
            --failuresLeft;
            response.set("Retry-After", "1");
            return sendJson(response, HTTPResponse::HTTP_SERVICE_UNAVAILABLE,
                            errorJson("platform busy (simulated); retry after 1 s"));
        }
    }
    const std::string headerBatchId = request.get("X-Batch-Id", "");
    if (Status s = verifySignature(request, *body); !s) {
        {
            std::lock_guard<std::mutex> lock(mutex);
            ++counters.badSignatures;
        }
        log.warning("mock: batch %s refused: %s", maskIdNumbers(headerBatchId), maskIdNumbers(s.message()));
        return sendJson(response, HTTPResponse::HTTP_UNAUTHORIZED, errorJson(s.message()));
    }
    auto batch = parseBatch(*body, headerBatchId, config);
    if (!batch) {
        log.warning("mock: batch %s refused: %s", maskIdNumbers(headerBatchId),
                    maskIdNumbers(batch.status().message()));
        return sendJson(response, HTTPResponse::HTTP_BAD_REQUEST, errorJson(batch.status().message()));
    }
    const std::string bodySm3 = sm3Hex(*body);
    std::string receipt;
    {
        std::lock_guard<std::mutex> lock(mutex);
        auto stored = batches.find(batch->batchId);
        if (stored != batches.end() && stored->second.bodySm3 != bodySm3) {
            log.warning("mock: batch %s re-sent with a different body", maskIdNumbers(batch->batchId));
            return sendJson(response, HTTPResponse::HTTP_CONFLICT,
                            errorJson("batch " + batch->batchId + " was already processed with a different body; "
                                      "a changed batch needs a new batchId"));
        }
        if (stored != batches.end()) {
            ++counters.duplicates;
            receipt = stored->second.receipt;
            log.information("mock: batch %s re-sent; stored receipt returned", maskIdNumbers(batch->batchId));
        } else {
            receipt = process(*batch);
            batches[batch->batchId] = {bodySm3, receipt};
            if (!config.stateFile.empty())
                if (Status s = saveState(); !s) log.error("mock: state not saved: %s", s.message());
        }
    }
    sendJson(response, HTTPResponse::HTTP_OK, receipt);
}

namespace {
// What a platform can check without knowing its own field names: there are fields, and none
// looks like test data.
std::optional<MockRejection> checkGenericRecord(const std::map<std::string, std::string>& fields) {
    if (fields.empty()) return mockRejection("E101");
    for (const auto& [name, value] : fields)
        if (value.find("测试") != std::string::npos) return mockRejection("E301", name);
    return std::nullopt;
}
}  // namespace

std::string MockPlatform::Impl::process(const IncomingBatch& batch) {
    const std::string acceptedAt = clock ? *clock : shanghaiTimestamp(std::chrono::system_clock::now());
    std::string receipt = "{\"batchId\":" + jsonString(batch.batchId) + ",\"acceptedAt\":" + jsonString(acceptedAt) +
                          ",\"records\":[";
    std::size_t accepted = 0;
    for (std::size_t i = 0; i < batch.records.size(); ++i) {
        if (i > 0) receipt += ',';
        appendVerdict(receipt, batch.target, batch.kind, batch.records[i], acceptedAt, accepted);
    }
    receipt += "]}";
    const std::size_t rejected = batch.records.size() - accepted;
    ++counters.batches;
    counters.accepted += accepted;
    counters.rejected += rejected;
    log.information("mock: batch %s (%s, %z records): %z accepted, %z rejected", maskIdNumbers(batch.batchId),
                    batch.kind, batch.records.size(), accepted, rejected);
    return receipt;
}

// A 撤销, 下线 or 终止公示: the record accepted under the key is no longer held (published); an
// unknown key cannot be withdrawn.
void MockPlatform::Impl::appendWithdrawal(std::string& receipt, const IncomingRecord& record, std::size_t& accepted) {
    auto existing = records.find(record.key);
    if (existing == records.end() || !existing->second.published()) {
        auto rejection = mockRejection("E404", "");
        receipt += ",\"status\":\"rejected\",\"code\":" + jsonString(rejection.code) +
                   ",\"reason\":" + jsonString(rejection.reason) + "}";
        log.information("mock: withdrawal of unknown record %s rejected", maskIdNumbers(record.key));
        return;
    }
    auto owner = documentOwners.find(existing->second.kind + '\x1f' + existing->second.documentNumber);
    if (owner != documentOwners.end() && owner->second == record.key) documentOwners.erase(owner);
    // Kept with its end, so the record query can say what became of it.
    const std::string& value = record.fields.at(config.operationField);
    existing->second.state = value == config.takedownValue ? "taken_down"
                             : value == config.repairValue ? "repaired"
                                                           : "withdrawn";
    ++(value == config.takedownValue ? counters.takenDown
       : value == config.repairValue ? counters.repaired
                                     : counters.withdrawn);
    ++accepted;
    receipt += ",\"status\":\"accepted\"}";
}

void MockPlatform::Impl::appendVerdict(std::string& receipt, const std::string& target, const std::string& kind,
                                       const IncomingRecord& record,
                                       const std::string& acceptedAt, std::size_t& accepted) {
    receipt += "{\"key\":" + jsonString(record.key);
    auto operation = record.fields.find(config.operationField);
    if (!config.operationField.empty() && operation != record.fields.end() &&
        (operation->second == config.revokeValue || operation->second == config.takedownValue ||
         operation->second == config.repairValue)) {
        appendWithdrawal(receipt, record, accepted);
        return;
    }
    auto rejection = target == kGenericTarget ? checkGenericRecord(record.fields) : checkMockRecord(target, kind, record.fields);
    const auto wshField = record.fields.find(documentNumberField(kind));
    const std::string documentNumber = wshField == record.fields.end() ? "" : wshField->second;
    const std::string documentKey = kind + '\x1f' + documentNumber;
    if (!rejection && target != kGenericTarget) {  // a generic target's 文书号 field is unknown
        auto owner = documentOwners.find(documentKey);
        if (owner != documentOwners.end() && owner->second != record.key)
            rejection = mockRejection("E302", documentNumberField(kind));
    }
    if (rejection) {
        receipt += ",\"status\":\"rejected\",\"code\":" + jsonString(rejection->code) +
                   ",\"reason\":" + jsonString(rejection->reason) + "}";
        log.information("mock: record %s rejected %s %s", maskIdNumbers(record.key), rejection->code, rejection->field);
        return;
    }
    ++accepted;
    const std::string digest = recordDigest(kind, record.fields);
    auto existing = records.find(record.key);
    if (existing != records.end() && existing->second.published() && existing->second.digest == digest) {
        // An identical re-send under a new batchId: still accepted, at its first time.
        if (existing->second.acceptedAt != acceptedAt)
            receipt += ",\"acceptedAt\":" + jsonString(existing->second.acceptedAt);
        receipt += ",\"status\":\"accepted\"}";
        return;
    }
    if (loseNext()) {
        // Test mode: answered accepted, never kept (a lost update leaves the older version held).
        lost.push_back(record.key);
        ++counters.lost;
        receipt += ",\"status\":\"accepted\"}";
        log.information("mock: record %s accepted and lost (test mode)", maskIdNumbers(record.key));
        return;
    }
    if (existing != records.end()) {
        auto previous = documentOwners.find(existing->second.kind + '\x1f' + existing->second.documentNumber);
        if (previous != documentOwners.end() && previous->second == record.key) documentOwners.erase(previous);
    }
    auto decided = CivilDate::parse(record.fields.count(decisionDateField(kind)) ? record.fields.at(decisionDateField(kind))
                                                                                 : std::string());
    records[record.key] = {kind, digest, acceptedAt, documentNumber, kPublished, decided ? decided->toIso() : ""};
    if (target != kGenericTarget) documentOwners[documentKey] = record.key;
    receipt += ",\"status\":\"accepted\"}";
}

void MockPlatform::Impl::handleReceipt(const std::string& batchId, HTTPServerResponse& response) {
    std::string receipt;
    {
        std::lock_guard<std::mutex> lock(mutex);
        auto stored = batches.find(batchId);
        if (stored != batches.end()) receipt = stored->second.receipt;
    }
    if (receipt.empty())
        return sendJson(response, HTTPResponse::HTTP_NOT_FOUND, errorJson("unknown batch " + batchId));
    sendJson(response, HTTPResponse::HTTP_OK, receipt);
}

bool MockPlatform::Impl::loseNext() {
    // Spread evenly and exactly: after n records, floor(n × share) of them are lost (the epsilon
    // keeps 10 × 0.1 from being 0.999…).
    const std::size_t n = keptOrLost++;
    const double share = std::clamp(loseShare, 0.0, 1.0);
    auto lostAfter = [share](std::size_t count) {
        return static_cast<std::size_t>(static_cast<double>(count) * share + 1e-9);
    };
    return lostAfter(n + 1) > lostAfter(n);
}

// GET /api/records?from=YYYY-MM-DD&to=YYYY-MM-DD: every record held or ended here whose decision
// date is in the range (both ends optional; a record without a date only when neither is given).
void MockPlatform::Impl::handleQuery(HTTPServerRequest& request, HTTPServerResponse& response) {
    std::string from, to;
    for (const auto& [name, value] : Poco::URI(request.getURI()).getQueryParameters()) {
        if (name != "from" && name != "to")
            return sendJson(response, HTTPResponse::HTTP_BAD_REQUEST, errorJson("unknown query parameter " + name));
        auto date = CivilDate::parse(value);
        if (!date) return sendJson(response, HTTPResponse::HTTP_BAD_REQUEST, errorJson(name + " is not a date: " + value));
        (name == "from" ? from : to) = date->toIso();
    }
    std::string body = "{\"from\":" + jsonString(from) + ",\"to\":" + jsonString(to) + ",\"records\":[";
    std::size_t count = 0;
    {
        std::lock_guard<std::mutex> lock(mutex);
        for (const auto& [key, record] : records) {
            bool ranged = !from.empty() || !to.empty();
            if (ranged && (record.decisionDate.empty() || (!from.empty() && record.decisionDate < from) ||
                           (!to.empty() && record.decisionDate > to)))
                continue;
            if (count++ > 0) body += ',';
            body += "{\"key\":" + jsonString(key) + ",\"kind\":" + jsonString(record.kind) +
                    ",\"contentHash\":" + jsonString(record.digest) + ",\"state\":" + jsonString(record.state) +
                    ",\"decisionDate\":" + jsonString(record.decisionDate) + "}";
        }
    }
    body += "]}";
    log.information("mock: record query from %s to %s: %z records", from.empty() ? "-" : from, to.empty() ? "-" : to, count);
    sendJson(response, HTTPResponse::HTTP_OK, body);
}

void MockPlatform::Impl::handleRepairNotices(HTTPServerResponse& response) {
    std::string body = "{\"notices\":[";
    std::size_t count = 0;
    {
        std::lock_guard<std::mutex> lock(mutex);
        for (const auto& n : repairNotices) {
            if (count++ > 0) body += ',';
            body += "{\"id\":" + jsonString(n.id) + ",\"kind\":" + jsonString(n.kind) + ",\"wsh\":" +
                    jsonString(n.documentNumber) + ",\"xdr\":" + jsonString(n.subject) + ",\"decided\":" +
                    jsonString(n.decided) + ",\"basis\":" + jsonString(n.basis) + "}";
        }
    }
    body += "]}";
    log.information("mock: repair notices read: %z", count);
    sendJson(response, HTTPResponse::HTTP_OK, body);
}

// ---- lifecycle ------------------------------------------------------------------------------

MockPlatform::MockPlatform(MockPlatformConfig config) : _impl(std::make_unique<Impl>(std::move(config))) {}

MockPlatform::~MockPlatform() { stop(); }

Result<std::string> MockPlatform::acceptPackage(const std::string& batchId, const std::string& body,
                                                const std::string& derSignature,
                                                const std::string& signerId) {
    Impl& impl = *_impl;
    auto verifier = impl.verifierFor(signerId);
    if (!verifier) return Status::permanent("signature: cannot load the registered signing certificate: " +
                                            verifier.status().message());
    if (Status s = (*verifier)->verify(body, derSignature); !s) {
        std::lock_guard<std::mutex> lock(impl.mutex);
        ++impl.counters.badSignatures;
        return Status::permanent("signature: does not verify over the package with the registered signing "
                                 "certificate (signer ID " + signerId + "): " + s.message());
    }
    auto batch = parseBatch(body, batchId, impl.config);
    if (!batch) return Status::permanent(batch.status().message());
    std::lock_guard<std::mutex> lock(impl.mutex);
    auto stored = impl.batches.find(batch->batchId);
    if (stored != impl.batches.end()) {
        ++impl.counters.duplicates;
        return stored->second.receipt;
    }
    std::string receipt = impl.process(*batch);
    impl.batches[batch->batchId] = {sm3Hex(body), receipt};
    return receipt;
}

Status MockPlatform::start() {
    Impl& impl = *_impl;
    if (impl.server) return Status::invalidArgument("mock platform: already running on port " + std::to_string(impl.boundPort));
    if (Status s = impl.checkConfig(); !s) return s;
    if (auto verifier = impl.verifierFor(kDefaultSm2SignerId); !verifier)
        return Status::invalidArgument("mock platform: signerCertFile: " + verifier.status().message());
    if (Status s = impl.loadState(); !s) return s;

    static std::once_flag sslOnce;
    std::call_once(sslOnce, [] { Poco::Net::initializeSSL(); });
    const std::string address = impl.config.host + ":" + std::to_string(impl.config.port);
    try {
        Poco::Net::Context::Params params;
        params.certificateFile = impl.config.certFile;
        params.privateKeyFile = impl.config.keyFile;
        params.caLocation = impl.config.requireClientCertificate ? impl.config.caFile : "";
        params.verificationMode = impl.config.requireClientCertificate ? Poco::Net::Context::VERIFY_STRICT
                                                                         : Poco::Net::Context::VERIFY_NONE;
        params.loadDefaultCAs = false;
        params.cipherList = kForwardSecretAeadCiphers;
        Poco::Net::Context::Ptr context = new Poco::Net::Context(Poco::Net::Context::TLS_SERVER_USE, params);
        context->requireMinimumProtocol(Poco::Net::Context::PROTO_TLSV1_2);
        context->enableExtendedCertificateVerification(false);
        context->enableSessionCache(true, "creditgw-mock");

        Poco::Net::SecureServerSocket socket(context);
        // SO_REUSEADDR for quick restarts, but never SO_REUSEPORT: a second listener on a
        // taken port must fail, not silently share it.
        socket.bind(Poco::Net::SocketAddress(impl.config.host, impl.config.port), true, false);
        socket.listen(64);
        impl.boundPort = socket.address().port();

        Poco::Net::HTTPServerParams::Ptr serverParams = new Poco::Net::HTTPServerParams;
        serverParams->setMaxThreads(16);
        serverParams->setMaxQueued(64);
        serverParams->setKeepAlive(true);
        serverParams->setTimeout(Poco::Timespan(15, 0));
        serverParams->setServerName("creditgw-mock");
        impl.pool = std::make_unique<Poco::ThreadPool>("mock", 2, 16);
        impl.server = std::make_unique<Poco::Net::HTTPServer>(new MockRequestHandlerFactory(impl), *impl.pool,
                                                              socket, serverParams);
        impl.server->start();
    } catch (const Poco::Net::SSLException& e) {
        impl.server.reset();
        return Status::permanent("mock platform: TLS setup with " + impl.config.certFile + " / " + impl.config.keyFile +
                                 (impl.config.requireClientCertificate ? " / " + impl.config.caFile : "") +
                                 " failed: " + e.displayText());
    } catch (const Poco::Exception& e) {
        impl.server.reset();
        return Status::permanent("mock platform: cannot listen on " + address + ": " + e.displayText() +
                                 "; stop the process using it or choose another port (0 picks a free one)");
    }
    {
        std::lock_guard<std::mutex> lock(impl.mutex);
        impl.failuresLeft = impl.config.failFirstRequests;
    }
    impl.log.information("mock: listening on %s", endpoint());
    return Status::ok();
}

void MockPlatform::stop() {
    Impl& impl = *_impl;
    if (!impl.server) return;
    // Poco's acceptor thread looks at its stop flag only when its 250 ms poll returns; a few
    // throw-away connections make it return at once, so stopping (and each test) is not 250 ms.
    std::atomic<bool> stopped{false};
    std::thread waker([&] {
        const Poco::Net::SocketAddress address(impl.config.host, impl.boundPort);
        while (!stopped) {
            try {
                Poco::Net::StreamSocket(address).close();
            } catch (const Poco::Exception& e) {
                impl.log.debug("mock: stop wake-up connection failed (%s); stopping may take 250 ms", e.displayText());
                return;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
    });
    impl.server->stopAll(true);
    stopped = true;
    waker.join();
    impl.pool->joinAll();
    impl.server.reset();
    impl.pool.reset();
}

unsigned short MockPlatform::port() const { return _impl->boundPort; }

std::string MockPlatform::endpoint() const {
    const std::string& host = _impl->config.host;
    const bool v6 = host.find(':') != std::string::npos;
    return "https://" + (v6 ? "[" + host + "]" : host) + ":" + std::to_string(_impl->boundPort) + "/" + kBasePath;
}

bool MockPlatform::holds(const std::string& key) const {
    std::lock_guard<std::mutex> lock(_impl->mutex);
    auto record = _impl->records.find(key);
    return record != _impl->records.end() && record->second.published();
}

std::vector<std::string> MockPlatform::lostKeys() const {
    std::lock_guard<std::mutex> lock(_impl->mutex);
    return _impl->lost;
}

void MockPlatform::setLoseShare(double share) {
    std::lock_guard<std::mutex> lock(_impl->mutex);
    _impl->loseShare = share;
}

void MockPlatform::plantRecord(const std::string& key, const std::string& kind, const std::string& documentNumber,
                               const std::string& decisionDate) {
    std::lock_guard<std::mutex> lock(_impl->mutex);
    _impl->records[key] = {kind, sm3Hex(key), _impl->clock.value_or(shanghaiTimestamp(std::chrono::system_clock::now())), documentNumber, kPublished, decisionDate};
    _impl->documentOwners[kind + '\x1f' + documentNumber] = key;
}

void MockPlatform::announceRepair(RepairNotice notice) {
    std::lock_guard<std::mutex> lock(_impl->mutex);
    _impl->repairNotices.push_back(std::move(notice));
}

MockPlatform::Counters MockPlatform::counters() const {
    std::lock_guard<std::mutex> lock(_impl->mutex);
    return _impl->counters;
}

void MockPlatform::setClockOverride(std::optional<std::string> acceptedAt) {
    std::lock_guard<std::mutex> lock(_impl->mutex);
    _impl->clock = std::move(acceptedAt);
}

}  // namespace creditgw
