// libxml2 plumbing for the mapping loader: parse, validate against an XSD, and report every
// error as "<file>:<line>: <message>".

#include <libxml/parser.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlschemas.h>

#include <algorithm>

#include "MappingInternal.h"

namespace creditgw::mapping {

void Problems::add(const std::string& file, long line, const std::string& message) {
    auto it = std::find(_files.begin(), _files.end(), file);
    std::size_t order = static_cast<std::size_t>(it - _files.begin());
    if (it == _files.end()) _files.push_back(file);
    _entries.push_back({order, line, file + ":" + std::to_string(line) + ": " + message});
}

std::string Problems::text() const {
    std::vector<Entry> sorted = _entries;
    std::stable_sort(sorted.begin(), sorted.end(), [](const Entry& a, const Entry& b) {
        return a.fileOrder != b.fileOrder ? a.fileOrder < b.fileOrder : a.line < b.line;
    });
    std::vector<std::string> lines;
    for (const auto& e : sorted) lines.push_back(e.text);
    return joinList(lines, "\n");
}

void XmlDocDeleter::operator()(xmlDoc* doc) const { xmlFreeDoc(doc); }

namespace {

struct ErrorSink {
    Problems* problems;
    std::string file;  ///< the file being read, used when libxml2 names none
};

std::string chomp(const char* message) {
    std::string out = message ? message : "";
    while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
    return out;
}

void collect(void* context, xmlErrorPtr error) {
    auto* sink = static_cast<ErrorSink*>(context);
    if (error == nullptr || error->level == XML_ERR_WARNING) return;
    std::string file = error->file ? error->file : sink->file;
    sink->problems->add(file, error->line, chomp(error->message));
}

}  // namespace

SchemaCache::~SchemaCache() {
    for (auto& [path, schema] : _schemas) xmlSchemaFree(schema);
}

xmlSchemaPtr SchemaCache::get(const std::string& schemaFile, Problems& problems) {
    auto it = _schemas.find(schemaFile);
    if (it != _schemas.end()) return it->second;
    ErrorSink sink{&problems, schemaFile};
    std::size_t before = problems.size();
    xmlSchemaParserCtxtPtr parser = xmlSchemaNewParserCtxt(schemaFile.c_str());
    xmlSchemaSetParserStructuredErrors(parser, collect, &sink);
    xmlSchemaPtr schema = xmlSchemaParse(parser);
    xmlSchemaFreeParserCtxt(parser);
    if (schema == nullptr) {
        if (problems.size() == before)
            problems.add(schemaFile, 0, "cannot read the XML schema; reinstall mappings/schema/");
        return nullptr;
    }
    _schemas.emplace(schemaFile, schema);
    return schema;
}

XmlDocPtr parseAndValidate(const std::string& file, const std::string& schemaFile,
                           SchemaCache& schemas, Problems& problems) {
    xmlInitParser();
    ErrorSink sink{&problems, file};
    std::size_t before = problems.size();
    xmlParserCtxtPtr parser = xmlNewParserCtxt();
    if (parser == nullptr) {
        problems.add(file, 0, "out of memory creating an XML parser");
        return nullptr;
    }
    // Structured errors go through the global (thread-local) handler during the parse only.
    xmlSetStructuredErrorFunc(&sink, collect);
    XmlDocPtr doc(xmlCtxtReadFile(parser, file.c_str(), nullptr,
                                  XML_PARSE_NONET | XML_PARSE_BIG_LINES | XML_PARSE_NOBLANKS));
    xmlSetStructuredErrorFunc(nullptr, nullptr);
    xmlFreeParserCtxt(parser);
    if (!doc) {
        if (problems.size() == before) problems.add(file, 0, "cannot read this XML file");
        return nullptr;
    }
    xmlSchemaPtr schema = schemas.get(schemaFile, problems);
    if (schema == nullptr) return nullptr;
    xmlSchemaValidCtxtPtr validator = xmlSchemaNewValidCtxt(schema);
    xmlSchemaSetValidStructuredErrors(validator, collect, &sink);
    int rc = xmlSchemaValidateDoc(validator, doc.get());
    xmlSchemaFreeValidCtxt(validator);
    if (rc != 0) {
        if (problems.size() == before)
            problems.add(file, 0, "does not match its schema " + schemaFile);
        return nullptr;
    }
    return doc;
}

std::string attr(xmlNode* node, const char* name) {
    xmlChar* value = xmlGetProp(node, reinterpret_cast<const xmlChar*>(name));
    if (value == nullptr) return {};
    std::string out(reinterpret_cast<const char*>(value));
    xmlFree(value);
    return out;
}

bool hasAttr(xmlNode* node, const char* name) {
    return xmlHasProp(node, reinterpret_cast<const xmlChar*>(name)) != nullptr;
}

std::string textOf(xmlNode* node) {
    xmlChar* value = xmlNodeGetContent(node);
    if (value == nullptr) return {};
    std::string out(reinterpret_cast<const char*>(value));
    xmlFree(value);
    return trim(out);
}

long lineOf(xmlNode* node) { return xmlGetLineNo(node); }

bool isElement(xmlNode* node, const char* name) {
    return node->type == XML_ELEMENT_NODE &&
           xmlStrcmp(node->name, reinterpret_cast<const xmlChar*>(name)) == 0;
}

std::vector<xmlNode*> children(xmlNode* node, const char* name) {
    std::vector<xmlNode*> out;
    for (xmlNode* child = node->children; child != nullptr; child = child->next)
        if (isElement(child, name)) out.push_back(child);
    return out;
}

}  // namespace creditgw::mapping
