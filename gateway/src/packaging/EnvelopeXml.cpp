// The XML Package envelope (domain.md §6): written with libxml2's text writer, which does the
// escaping and streams without building a tree, then encoded by TextEncoder (so a character
// GBK lacks is an error, never a character reference or '?'), then parsed back and checked
// against the target's XSD.

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlschemas.h>
#include <libxml/xmlwriter.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>

#include "EnvelopeInternal.h"

namespace creditgw::envelope {

namespace {

const xmlChar* xml(const char* text) {
    return reinterpret_cast<const xmlChar*>(text);
}

/// Offset of the first character XML 1.0 forbids (C0 controls other than tab, LF and CR;
/// U+FFFE, U+FFFF) in well-formed UTF-8, or nullopt.
std::optional<std::size_t> firstForbiddenXmlChar(std::string_view text) {
    const auto* s = reinterpret_cast<const unsigned char*>(text.data());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (s[i] < 0x20 && s[i] != '\t' && s[i] != '\n' && s[i] != '\r') return i;
        if (s[i] == 0xEF && i + 2 < text.size() && s[i + 1] == 0xBF &&
            (s[i + 2] == 0xBE || s[i + 2] == 0xBF))
            return i;
    }
    return std::nullopt;
}

Status checkXmlText(std::string_view text, const std::string& where) {
    std::optional<std::size_t> bad = firstForbiddenXmlChar(text);
    if (!bad) return Status::ok();
    const auto* s = reinterpret_cast<const unsigned char*>(text.data());
    unsigned codePoint = s[*bad] < 0x80 ? s[*bad] : (s[*bad + 2] == 0xBE ? 0xFFFE : 0xFFFF);
    char shown[16];
    std::snprintf(shown, sizeof shown, "U+%04X", codePoint);
    std::size_t character = 1;
    for (std::size_t i = 0; i < *bad; ++i)
        if ((s[i] & 0xC0) != 0x80) ++character;
    return Status::invalidArgument(where + ": control character " + shown + " at character " +
                                   std::to_string(character) +
                                   " cannot be written in XML 1.0; remove it at the source");
}

Status checkNames(const Batch& batch) {
    for (const auto& column : batch.columns)
        if (xmlValidateName(xml(column.name.c_str()), 0) != 0)
            return Status::invalidArgument(
                "envelope column \"" + column.name +
                "\" is not a valid XML element name; use letters, digits, '_', '-' and '.', "
                "starting with a letter or '_'");
    return Status::ok();
}

Status checkHeader(const Batch& batch) {
    const BatchHeader& h = batch.header;
    std::pair<const char*, const std::string*> texts[] = {
        {"batch header batchId", &h.batchId},
        {"batch header unitCode", &h.unitCode},
        {"batch header unitName", &h.unitName},
        {"batch header mappingVersion", &h.mappingVersion},
        {"envelope packageType", &batch.settings.packageType}};
    for (const auto& [where, text] : texts)
        if (Status status = checkXmlText(*text, where); !status) return status;
    return Status::ok();
}

/// libxml2's text writer into a memory buffer. Every call's failure (only out of memory in
/// practice) is remembered and reported once at the end, which keeps the writing code flat.
class XmlWriter {
public:
    XmlWriter() : _buffer(xmlBufferCreate()) {
        if (_buffer) _writer = xmlNewTextWriterMemory(_buffer, 0);
        if (!_writer) return;
        xmlTextWriterSetIndent(_writer, 1);
        xmlTextWriterSetIndentString(_writer, xml("  "));
    }
    ~XmlWriter() {
        if (_writer) xmlFreeTextWriter(_writer);
        if (_buffer) xmlBufferFree(_buffer);
    }
    XmlWriter(const XmlWriter&) = delete;
    XmlWriter& operator=(const XmlWriter&) = delete;

    void start(const char* name) { check(xmlTextWriterStartElement(_writer, xml(name))); }
    void end() { check(xmlTextWriterEndElement(_writer)); }
    void attribute(const char* name, const std::string& value) {
        check(xmlTextWriterWriteAttribute(_writer, xml(name), xml(value.c_str())));
    }
    /// <name>text</name>; an empty text gives <name></name>, not <name/>, which naive
    /// platform parsers handle more reliably.
    void element(const char* name, std::string_view text) {
        start(name);
        // WriteString needs a C string; values are views into the records.
        _scratch.assign(text);
        check(xmlTextWriterWriteString(_writer, xml(_scratch.c_str())));
        check(xmlTextWriterFullEndElement(_writer));
    }

    /// The document text after the last element was closed; nullopt if anything failed.
    std::optional<std::string> finish() {
        if (!_writer) return std::nullopt;
        check(xmlTextWriterEndDocument(_writer));
        xmlFreeTextWriter(_writer);  // flushes into _buffer
        _writer = nullptr;
        if (_failed) return std::nullopt;
        return std::string(reinterpret_cast<const char*>(xmlBufferContent(_buffer)),
                           static_cast<std::size_t>(xmlBufferLength(_buffer)));
    }

private:
    void check(int rc) {
        if (rc < 0) _failed = true;
    }
    xmlBufferPtr _buffer = nullptr;
    xmlTextWriterPtr _writer = nullptr;
    bool _failed = false;
    std::string _scratch;
};

void writeHead(XmlWriter& writer, const Batch& batch, long long createdAt) {
    const BatchHeader& h = batch.header;
    writer.start("PackageHead");
    writer.element("SJBBH", h.batchId);
    writer.element("SJBLX", batch.settings.packageType);
    writer.element("DWDM", h.unitCode);
    writer.element("DWMC", h.unitName);
    writer.element("JLS", std::to_string(batch.records.size()));
    writer.element("SCRQ", shanghaiCompactTime(createdAt));
    writer.element("BBH", h.mappingVersion);
    writer.end();
}

Status writeRecords(XmlWriter& writer, const Batch& batch) {
    std::vector<std::string_view> row;
    writer.start("Data");
    for (std::size_t i = 0; i < batch.records.size(); ++i) {
        if (Status status = arrangeRecord(batch, i, row); !status) return status;
        const MappedRecord& record = batch.records[i];
        std::string label = recordLabel(record, i);
        if (Status status = checkXmlText(record.key, label + ": key"); !status) return status;
        writer.start("Record");
        writer.attribute("key", record.key);
        for (std::size_t c = 0; c < row.size(); ++c) {
            const std::string& name = batch.columns[c].name;
            if (Status status = checkXmlText(row[c], label + ": field " + name); !status)
                return status;
            writer.element(name.c_str(), row[c]);
        }
        writer.end();
    }
    writer.end();
    return Status::ok();
}

// ---- validation -------------------------------------------------------------------------------

struct Diagnostics {
    std::vector<std::string> lines;

    std::string text() const {
        constexpr std::size_t kShown = 5;
        std::string out;
        for (std::size_t i = 0; i < lines.size() && i < kShown; ++i)
            out += (i ? "; " : "") + lines[i];
        if (lines.size() > kShown)
            out += "; and " + std::to_string(lines.size() - kShown) + " more";
        return out;
    }
};

void collect(void* context, xmlErrorPtr error) {
    if (error == nullptr || error->level == XML_ERR_WARNING) return;
    std::string message = error->message ? error->message : "unknown libxml2 error";
    while (!message.empty() &&
           (message.back() == '\n' || message.back() == ' ' || message.back() == '.'))
        message.pop_back();
    std::string line = error->line > 0 ? "line " + std::to_string(error->line) + ": " : "";
    static_cast<Diagnostics*>(context)->lines.push_back(line + message);
}

struct SchemaDeleter {
    void operator()(xmlSchema* schema) const { xmlSchemaFree(schema); }
};
struct DocDeleter {
    void operator()(xmlDoc* doc) const { xmlFreeDoc(doc); }
};
using SchemaPtr = std::unique_ptr<xmlSchema, SchemaDeleter>;
using DocPtr = std::unique_ptr<xmlDoc, DocDeleter>;

// Parsed on every write rather than cached: the file is small, a batch is rare in comparison,
// and an edited schema takes effect without a restart.
Result<SchemaPtr> loadSchema(const std::string& schemaFile) {
    std::error_code error;
    if (!std::filesystem::is_regular_file(schemaFile, error))
        return Status::notFound("XML schema " + schemaFile +
                                " does not exist; fix the target profile's schema setting");
    Diagnostics diagnostics;
    xmlSchemaParserCtxtPtr parser = xmlSchemaNewParserCtxt(schemaFile.c_str());
    if (!parser) return Status::transient("out of memory reading XML schema " + schemaFile);
    xmlSchemaSetParserStructuredErrors(parser, collect, &diagnostics);
    // A schema file that is not even well-formed XML is reported through the global handler.
    xmlSetStructuredErrorFunc(&diagnostics, collect);
    SchemaPtr schema(xmlSchemaParse(parser));
    xmlSetStructuredErrorFunc(nullptr, nullptr);
    xmlSchemaFreeParserCtxt(parser);
    if (!schema)
        return Status::invalidArgument(schemaFile +
                                       " is not a usable XML schema: " + diagnostics.text());
    return schema;
}

Status validate(const std::string& bytes, const std::string& schemaFile) {
    Result<SchemaPtr> schema = loadSchema(schemaFile);
    if (!schema) return schema.status();
    Diagnostics diagnostics;
    // libxml2 2.9 reports parse errors only through the (thread-local) global handler.
    xmlSetStructuredErrorFunc(&diagnostics, collect);
    DocPtr doc(xmlReadMemory(bytes.data(), static_cast<int>(bytes.size()), "envelope.xml", nullptr,
                             XML_PARSE_NONET | XML_PARSE_BIG_LINES));
    xmlSetStructuredErrorFunc(nullptr, nullptr);
    if (!doc)
        return Status::invalidArgument(
            "the XML envelope does not parse back (a creditgw bug; "
            "please report it): " +
            diagnostics.text());
    xmlSchemaValidCtxtPtr validator = xmlSchemaNewValidCtxt(schema->get());
    if (!validator) return Status::transient("out of memory validating the XML envelope");
    xmlSchemaSetValidStructuredErrors(validator, collect, &diagnostics);
    int rc = xmlSchemaValidateDoc(validator, doc.get());
    xmlSchemaFreeValidCtxt(validator);
    if (rc == 0) return Status::ok();
    if (diagnostics.lines.empty())
        diagnostics.lines.push_back("libxml2 error " + std::to_string(rc));
    return Status::invalidArgument("the XML envelope does not satisfy schema " + schemaFile + ": " +
                                   diagnostics.text() +
                                   "; fix the values or the target's columns and package type");
}

}  // namespace

Result<std::string> writeXml(const Batch& batch, const TextEncoder& encoder) {
    Result<long long> createdAt = createdAtSeconds(batch.header);
    if (!createdAt) return createdAt.status();
    if (Status status = checkNames(batch); !status) return status;
    if (Status status = checkHeader(batch); !status) return status;
    xmlInitParser();
    XmlWriter writer;
    writer.start("Package");
    writeHead(writer, batch, *createdAt);
    if (Status status = writeRecords(writer, batch); !status) return status;
    writer.end();
    std::optional<std::string> body = writer.finish();
    if (!body)
        return Status::transient("libxml2 could not write the XML envelope (out of memory?)");
    // The declaration is ours: libxml2 would convert the text itself and turn characters the
    // charset lacks into character references instead of reporting them.
    std::string document =
        "<?xml version=\"1.0\" encoding=\"" + encoder.encoding() + "\"?>\n" + *body;
    Result<std::string> bytes = encodeDocument(batch, encoder, std::move(document));
    if (!bytes || batch.settings.schemaFile.empty()) return bytes;
    if (Status status = validate(*bytes, batch.settings.schemaFile); !status) return status;
    return bytes;
}

}  // namespace creditgw::envelope
