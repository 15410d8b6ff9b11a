// Specification of the batch envelope writers (creditgw/Envelope.h): XML in UTF-8 and GBK
// against the shipped XSD, JSON identical to the creditchina plugin's bytes, RFC 4180 CSV, and
// XLSX read back from its zip container without external tools.

#include <Poco/InflatingStream.h>
#include <gtest/gtest.h>
#include <iconv.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlschemas.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <sstream>

#include "TestSupport.h"
#include "creditgw/Envelope.h"

namespace creditgw {
namespace {

const std::string kXsd = test::sourcePath("mappings/schema/package-envelope.xsd");

BatchHeader sampleHeader() {
    BatchHeader header;
    header.batchId = "cf-20261122-0001";
    header.target = "creditchina";
    header.kind = "cf";
    header.unitCode = "11100000000019713D";
    header.unitName = "交通运输部";
    header.createdAt = "2026-11-22T13:05:09+08:00";
    header.mappingVersion = "2.0.1";
    return header;
}

std::vector<EnvelopeColumn> sampleColumns() {
    return {{"CF_XDR_MC", "行政相对人名称"}, {"CF_WSH", "行政处罚决定书文号"}, {"BZ", "备注"}};
}

std::vector<MappedRecord> sampleRecords() {
    return {
        {"cf-1",
         "cf",
         {{"CF_XDR_MC", "济南某某运输有限公司"}, {"CF_WSH", "鲁交罚〔2026〕001号"}, {"BZ", ""}}},
        {"cf-2", "cf", {{"CF_XDR_MC", "张三"}, {"CF_WSH", "0012"}, {"BZ", "首次违法"}}}};
}

EnvelopeSettings settingsFor(EnvelopeFormat format, const std::string& encoding = "UTF-8") {
    EnvelopeSettings settings;
    settings.format = format;
    settings.encoding = encoding;
    settings.packageType = "XZCF";
    return settings;
}

std::string write(const EnvelopeSettings& settings, const std::vector<MappedRecord>& records,
                  const BatchHeader& header = sampleHeader()) {
    Result<std::string> bytes = writeEnvelope(settings, header, sampleColumns(), records);
    EXPECT_TRUE(bytes.isOk()) << bytes.status().toString();
    return bytes ? *bytes : std::string();
}

Status failure(const EnvelopeSettings& settings, const std::vector<MappedRecord>& records,
               const std::vector<EnvelopeColumn>& columns = sampleColumns()) {
    Result<std::string> bytes = writeEnvelope(settings, sampleHeader(), columns, records);
    EXPECT_FALSE(bytes.isOk()) << "expected a failure, got:\n" << (bytes ? *bytes : "");
    return bytes.status();
}

std::size_t count(const std::string& text, const std::string& needle) {
    std::size_t n = 0;
    for (auto pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + 1))
        ++n;
    return n;
}

/// Decodes with iconv directly, independent of the gateway's TextCodec.
std::string iconvToUtf8(const std::string& bytes, const char* from) {
    iconv_t cd = ::iconv_open("UTF-8", from);
    EXPECT_NE(cd, reinterpret_cast<iconv_t>(-1));
    std::string out(bytes.size() * 4 + 16, '\0');
    char* in = const_cast<char*>(bytes.data());
    std::size_t inLeft = bytes.size();
    char* outPtr = out.data();
    std::size_t outLeft = out.size();
    std::size_t rc = ::iconv(cd, &in, &inLeft, &outPtr, &outLeft);
    ::iconv_close(cd);
    EXPECT_NE(rc, static_cast<std::size_t>(-1)) << "bytes are not valid " << from;
    out.resize(out.size() - outLeft);
    return out;
}

// ---- libxml2 checks done by the test itself, not trusting the writer's own validation ----

struct ParsedXml {
    xmlDocPtr doc = nullptr;
    explicit ParsedXml(const std::string& bytes)
        : doc(xmlReadMemory(bytes.data(), static_cast<int>(bytes.size()), "envelope.xml", nullptr,
                            XML_PARSE_NONET)) {}
    ~ParsedXml() { xmlFreeDoc(doc); }
    ParsedXml(const ParsedXml&) = delete;
    ParsedXml& operator=(const ParsedXml&) = delete;
};

bool satisfiesXsd(const std::string& bytes, const std::string& xsd) {
    ParsedXml parsed(bytes);
    if (!parsed.doc) return false;
    xmlSchemaParserCtxtPtr parser = xmlSchemaNewParserCtxt(xsd.c_str());
    xmlSchemaPtr schema = xmlSchemaParse(parser);
    xmlSchemaFreeParserCtxt(parser);
    if (!schema) return false;
    xmlSchemaValidCtxtPtr validator = xmlSchemaNewValidCtxt(schema);
    int rc = xmlSchemaValidateDoc(validator, parsed.doc);
    xmlSchemaFreeValidCtxt(validator);
    xmlSchemaFree(schema);
    return rc == 0;
}

xmlNode* child(xmlNode* parent, const char* name, int nth = 0) {
    for (xmlNode* n = parent ? parent->children : nullptr; n; n = n->next)
        if (n->type == XML_ELEMENT_NODE && xmlStrEqual(n->name, BAD_CAST name) && nth-- == 0)
            return n;
    return nullptr;
}

std::string content(xmlNode* node) {
    xmlChar* text = xmlNodeGetContent(node);
    std::string out = text ? reinterpret_cast<const char*>(text) : "";
    xmlFree(text);
    return out;
}

std::string attribute(xmlNode* node, const char* name) {
    xmlChar* text = xmlGetProp(node, BAD_CAST name);
    std::string out = text ? reinterpret_cast<const char*>(text) : "";
    xmlFree(text);
    return out;
}

/// Text of Package/PackageHead/<name>.
std::string headField(const std::string& bytes, const char* name) {
    ParsedXml parsed(bytes);
    return content(child(child(xmlDocGetRootElement(parsed.doc), "PackageHead"), name));
}

// ---- a minimal zip reader: the central directory tells where each entry is ----

std::uint32_t le(const std::string& b, std::size_t at, int size) {
    std::uint32_t v = 0;
    for (int i = size - 1; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(b.at(at + i));
    return v;
}

std::map<std::string, std::string> unzip(const std::string& zip) {
    std::map<std::string, std::string> entries;
    std::size_t eocd = zip.rfind(std::string("PK\x05\x06", 4));
    if (eocd == std::string::npos) return entries;
    std::size_t total = le(zip, eocd + 10, 2);
    std::size_t at = le(zip, eocd + 16, 4);
    for (std::size_t i = 0; i < total; ++i) {
        if (le(zip, at, 4) != 0x02014b50) break;
        std::uint32_t method = le(zip, at + 10, 2), compressed = le(zip, at + 20, 4);
        std::uint32_t nameLength = le(zip, at + 28, 2), extra = le(zip, at + 30, 2),
                      comment = le(zip, at + 32, 2), local = le(zip, at + 42, 4);
        std::string name = zip.substr(at + 46, nameLength);
        std::size_t data = local + 30 + le(zip, local + 26, 2) + le(zip, local + 28, 2);
        std::string raw = zip.substr(data, compressed);
        if (method == 0) {
            entries[name] = raw;
        } else {
            std::istringstream in(raw);
            Poco::InflatingInputStream inflater(in, -15);  // raw deflate, as zip stores it
            std::ostringstream out;
            out << inflater.rdbuf();
            entries[name] = out.str();
        }
        at += 46 + nameLength + extra + comment;
    }
    return entries;
}

// ---- format names --------------------------------------------------------------------------

TEST(EnvelopeTest,
     GivenFormatNamesInAnyCase_WhenParsed_ThenKnownOnesRoundTripAndOthersListChoices) {
    for (EnvelopeFormat format :
         {EnvelopeFormat::Json, EnvelopeFormat::Xml, EnvelopeFormat::Csv, EnvelopeFormat::Xlsx}) {
        std::string upper = envelopeFormatName(format);
        for (char& c : upper) c = static_cast<char>(std::toupper(c));
        Result<EnvelopeFormat> parsed = parseEnvelopeFormat(upper);
        ASSERT_TRUE(parsed.isOk()) << upper;
        EXPECT_EQ(*parsed, format);
    }
    Result<EnvelopeFormat> unknown = parseEnvelopeFormat("yaml");
    ASSERT_FALSE(unknown.isOk());
    EXPECT_EQ(unknown.status().code(), StatusCode::InvalidArgument);
    EXPECT_NE(unknown.status().message().find("yaml"), std::string::npos);
    EXPECT_NE(unknown.status().message().find("json, xml, csv, xlsx"), std::string::npos);
}

TEST(EnvelopeTest, GivenSettings_WhenAskedForContentType_ThenCharsetFollowsTheEncoding) {
    EXPECT_EQ(envelopeContentType(settingsFor(EnvelopeFormat::Json)),
              "application/json; charset=utf-8");
    EXPECT_EQ(envelopeContentType(settingsFor(EnvelopeFormat::Xml, "gbk")),
              "application/xml; charset=GBK");
    EXPECT_EQ(envelopeContentType(settingsFor(EnvelopeFormat::Csv)), "text/csv; charset=UTF-8");
    EXPECT_EQ(envelopeContentType(settingsFor(EnvelopeFormat::Xlsx)),
              "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
}

// ---- XML -----------------------------------------------------------------------------------

TEST(EnvelopeTest, GivenUtf8Xml_WhenWritten_ThenItHasThePackageLayoutAndSatisfiesTheShippedXsd) {
    EnvelopeSettings settings = settingsFor(EnvelopeFormat::Xml);
    settings.schemaFile = kXsd;
    std::string bytes = write(settings, sampleRecords());

    EXPECT_EQ(bytes.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Package>", 0), 0u) << bytes;
    EXPECT_TRUE(satisfiesXsd(bytes, kXsd)) << bytes;
    EXPECT_EQ(headField(bytes, "SJBBH"), "cf-20261122-0001");
    EXPECT_EQ(headField(bytes, "SJBLX"), "XZCF");
    EXPECT_EQ(headField(bytes, "DWDM"), "11100000000019713D");
    EXPECT_EQ(headField(bytes, "DWMC"), "交通运输部");
    EXPECT_EQ(headField(bytes, "BBH"), "2.0.1");
    ParsedXml parsed(bytes);
    xmlNode* second = child(child(xmlDocGetRootElement(parsed.doc), "Data"), "Record", 1);
    ASSERT_NE(second, nullptr);
    EXPECT_EQ(attribute(second, "key"), "cf-2");
    EXPECT_EQ(content(child(second, "CF_WSH")), "0012");
    EXPECT_EQ(content(child(second, "BZ")), "首次违法");
}

TEST(EnvelopeTest,
     GivenGbkXml_WhenWritten_ThenBytesAreGbkThatDecodeToTheUtf8DocumentAndSatisfyTheXsd) {
    EnvelopeSettings gbk = settingsFor(EnvelopeFormat::Xml, "GBK");
    gbk.schemaFile = kXsd;
    std::string bytes = write(gbk, sampleRecords());
    std::string utf8 = write(settingsFor(EnvelopeFormat::Xml), sampleRecords());

    EXPECT_EQ(bytes.rfind("<?xml version=\"1.0\" encoding=\"GBK\"?>\n", 0), 0u);
    EXPECT_EQ(bytes.find("交通运输部"), std::string::npos) << "Chinese text must not stay UTF-8";
    std::string decoded = iconvToUtf8(bytes, "GBK");
    std::string expected = utf8;
    expected.replace(0, expected.find('\n'), "<?xml version=\"1.0\" encoding=\"GBK\"?>");
    EXPECT_EQ(decoded, expected);
    EXPECT_TRUE(satisfiesXsd(bytes, kXsd));
    EXPECT_EQ(headField(bytes, "DWMC"), "交通运输部");  // libxml2 reads the GBK declaration
}

TEST(EnvelopeTest,
     GivenACharacterOutsideGbk_WhenWrittenAsGbk_ThenTheErrorNamesRecordFieldAndCharacter) {
    std::vector<MappedRecord> records = sampleRecords();
    records[1].fields[0].second = "张𠀀";
    Status status = failure(settingsFor(EnvelopeFormat::Xml, "GBK"), records);
    EXPECT_EQ(status.code(), StatusCode::InvalidArgument);
    EXPECT_NE(status.message().find("record \"cf-2\""), std::string::npos) << status.message();
    EXPECT_NE(status.message().find("CF_XDR_MC"), std::string::npos) << status.message();
    EXPECT_NE(status.message().find("𠀀"), std::string::npos) << status.message();
    EXPECT_NE(status.message().find("U+20000"), std::string::npos) << status.message();

    records[1].fields[0].second = "张三😀";
    status = failure(settingsFor(EnvelopeFormat::Csv, "GBK"), records);
    EXPECT_NE(status.message().find("U+1F600"), std::string::npos) << status.message();

    BatchHeader header = sampleHeader();
    header.unitName = "交通运输部😀";
    Result<std::string> bytes = writeEnvelope(settingsFor(EnvelopeFormat::Xml, "GBK"), header,
                                              sampleColumns(), sampleRecords());
    ASSERT_FALSE(bytes.isOk());
    EXPECT_NE(bytes.status().message().find("unitName"), std::string::npos);
}

TEST(EnvelopeTest, GivenACharacterOutsideGbk_WhenWrittenAsGb18030_ThenItIsKept) {
    std::vector<MappedRecord> records = sampleRecords();
    records[1].fields[0].second = "张𠀀";
    std::string bytes = write(settingsFor(EnvelopeFormat::Xml, "GB18030"), records);
    EXPECT_NE(iconvToUtf8(bytes, "GB18030").find("张𠀀"), std::string::npos);
    EXPECT_EQ(count(bytes, "?"), 2u) << "only the declaration's two question marks";
}

TEST(EnvelopeTest,
     GivenMarkupCharactersInValuesAndKeys_WhenWrittenAsXml_ThenTheyAreEscapedAndReadBackIntact) {
    std::vector<MappedRecord> records = {
        {"cf-\"<&>",
         "cf",
         {{"CF_XDR_MC", "A&B <运输> \"公司\" 'x'"}, {"BZ", "第一行\r\n第二行\t"}}}};
    EnvelopeSettings settings = settingsFor(EnvelopeFormat::Xml);
    settings.schemaFile = kXsd;
    std::string bytes = write(settings, records);

    EXPECT_NE(bytes.find("A&amp;B &lt;运输&gt; &quot;公司&quot; 'x'"), std::string::npos) << bytes;
    EXPECT_EQ(bytes.find("<运输>"), std::string::npos);
    ParsedXml parsed(bytes);
    xmlNode* record = child(child(xmlDocGetRootElement(parsed.doc), "Data"), "Record");
    EXPECT_EQ(attribute(record, "key"), "cf-\"<&>");
    EXPECT_EQ(content(child(record, "CF_XDR_MC")), "A&B <运输> \"公司\" 'x'");
    EXPECT_EQ(content(child(record, "BZ")), "第一行\r\n第二行\t");
    EXPECT_EQ(content(child(record, "CF_WSH")), "") << "a missing column is written empty";
}

TEST(EnvelopeTest, GivenCreatedAtWithAnOffset_WhenWrittenAsXml_ThenScrqIsShanghaiWallClockTime) {
    EnvelopeSettings settings = settingsFor(EnvelopeFormat::Xml);
    BatchHeader header = sampleHeader();
    EXPECT_EQ(headField(write(settings, sampleRecords(), header), "SCRQ"), "20261122130509");
    header.createdAt = "2026-12-31T18:30:05Z";  // already 2027 in Shanghai
    EXPECT_EQ(headField(write(settings, sampleRecords(), header), "SCRQ"), "20270101023005");
    header.createdAt = "yesterday";
    Result<std::string> bytes = writeEnvelope(settings, header, sampleColumns(), sampleRecords());
    ASSERT_FALSE(bytes.isOk());
    EXPECT_NE(bytes.status().message().find("createdAt \"yesterday\""), std::string::npos);
}

TEST(EnvelopeTest, GivenThreeOrNoRecords_WhenWrittenAsXml_ThenJlsIsTheRecordCount) {
    EnvelopeSettings settings = settingsFor(EnvelopeFormat::Xml);
    settings.schemaFile = kXsd;
    std::vector<MappedRecord> records = sampleRecords();
    records.push_back({"cf-3", "cf", {{"CF_XDR_MC", "李四"}}});
    std::string bytes = write(settings, records);
    EXPECT_EQ(headField(bytes, "JLS"), "3");
    EXPECT_EQ(count(bytes, "<Record "), 3u);

    std::string empty = write(settings, {});
    EXPECT_EQ(headField(empty, "JLS"), "0");
    EXPECT_TRUE(satisfiesXsd(empty, kXsd));
}

TEST(EnvelopeTest,
     GivenAHeadTheXsdRefuses_WhenWrittenWithTheSchema_ThenInvalidArgumentWithLineAndElement) {
    EnvelopeSettings settings = settingsFor(EnvelopeFormat::Xml);
    settings.schemaFile = kXsd;
    settings.packageType = "";
    Status status = failure(settings, sampleRecords());
    EXPECT_EQ(status.code(), StatusCode::InvalidArgument);
    EXPECT_NE(status.message().find("line 5"), std::string::npos) << status.message();
    EXPECT_NE(status.message().find("SJBLX"), std::string::npos) << status.message();
    EXPECT_NE(status.message().find("package-envelope.xsd"), std::string::npos);

    settings.packageType = "XZCF";
    std::vector<MappedRecord> duplicates = sampleRecords();
    duplicates[1].key = "cf-1";
    status = failure(settings, duplicates);
    EXPECT_NE(status.message().find("uniqueRecordKey"), std::string::npos) << status.message();
}

TEST(EnvelopeTest, GivenAMissingOrBrokenSchemaFile_WhenWritingXml_ThenTheErrorNamesTheFile) {
    test::ScratchDir dir("envelope-schema");
    EnvelopeSettings settings = settingsFor(EnvelopeFormat::Xml);
    settings.schemaFile = dir.file("absent.xsd");
    Status status = failure(settings, sampleRecords());
    EXPECT_EQ(status.code(), StatusCode::NotFound);
    EXPECT_NE(status.message().find("absent.xsd"), std::string::npos);

    settings.schemaFile = dir.file("broken.xsd");
    test::writeFile(settings.schemaFile,
                    "<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\">");
    status = failure(settings, sampleRecords());
    EXPECT_EQ(status.code(), StatusCode::InvalidArgument);
    EXPECT_NE(status.message().find("broken.xsd"), std::string::npos);
}

TEST(EnvelopeTest,
     GivenAControlCharacterOrABadElementName_WhenWritingXml_ThenInvalidArgumentSaysWhere) {
    std::vector<MappedRecord> records = sampleRecords();
    records[0].fields[2].second = "备\x01注";
    Status status = failure(settingsFor(EnvelopeFormat::Xml), records);
    EXPECT_NE(status.message().find("record \"cf-1\": field BZ"), std::string::npos)
        << status.message();
    EXPECT_NE(status.message().find("U+0001 at character 2"), std::string::npos)
        << status.message();

    std::vector<EnvelopeColumn> columns = {{"1BAD", "坏名"}};
    status = failure(settingsFor(EnvelopeFormat::Xml), {}, columns);
    EXPECT_NE(status.message().find("\"1BAD\" is not a valid XML element name"), std::string::npos);
}

TEST(EnvelopeTest, GivenTheSameBatch_WhenWrittenTwice_ThenTheBytesAreIdentical) {
    for (EnvelopeFormat format :
         {EnvelopeFormat::Json, EnvelopeFormat::Xml, EnvelopeFormat::Csv, EnvelopeFormat::Xlsx}) {
        std::string first = write(settingsFor(format), sampleRecords());
        EXPECT_FALSE(first.empty());
        EXPECT_EQ(first, write(settingsFor(format), sampleRecords())) << envelopeFormatName(format);
    }
}

TEST(EnvelopeTest, GivenAKeyColumn_WhenWrittenAsCsv_ThenEachRowStartsWithItsRecordKeyAndJsonIsUnchanged) {
    EnvelopeSettings keyed = settingsFor(EnvelopeFormat::Csv);
    keyed.keyColumn = "JLBS";
    keyed.keyTitle = "记录标识";
    EXPECT_EQ(write(keyed, sampleRecords()),
              "记录标识,行政相对人名称,行政处罚决定书文号,备注\r\n"
              "cf-1,济南某某运输有限公司,鲁交罚〔2026〕001号,\r\n"
              "cf-2,张三,0012,首次违法\r\n");
    keyed.headerTitles = false;
    EXPECT_EQ(write(keyed, sampleRecords()).substr(0, 20), "JLBS,CF_XDR_MC,CF_WS");
    // json and xml carry the key already: the setting changes nothing there
    for (EnvelopeFormat format : {EnvelopeFormat::Json, EnvelopeFormat::Xml}) {
        EnvelopeSettings other = settingsFor(format);
        std::string plain = write(other, sampleRecords());
        other.keyColumn = "JLBS";
        EXPECT_EQ(write(other, sampleRecords()), plain) << envelopeFormatName(format);
    }
}

// ---- checks shared by all formats ------------------------------------------------------------

TEST(EnvelopeTest, GivenAFieldThatIsNoColumn_WhenWritten_ThenInvalidArgumentNamesRecordAndField) {
    std::vector<MappedRecord> records = sampleRecords();
    records[1].fields.emplace_back("CF_EXTRA", "x");
    for (EnvelopeFormat format :
         {EnvelopeFormat::Json, EnvelopeFormat::Xml, EnvelopeFormat::Csv, EnvelopeFormat::Xlsx}) {
        Status status = failure(settingsFor(format), records);
        EXPECT_EQ(status.code(), StatusCode::InvalidArgument);
        EXPECT_NE(status.message().find("record \"cf-2\": field \"CF_EXTRA\" is not a column"),
                  std::string::npos)
            << envelopeFormatName(format) << ": " << status.message();
    }
    records = sampleRecords();
    records[0].fields.emplace_back("BZ", "again");
    EXPECT_NE(failure(settingsFor(EnvelopeFormat::Csv), records)
                  .message()
                  .find("record \"cf-1\": field \"BZ\" appears twice"),
              std::string::npos);
}

TEST(EnvelopeTest, GivenBadColumnsOrSettings_WhenWritten_ThenInvalidArgumentExplains) {
    EXPECT_NE(failure(settingsFor(EnvelopeFormat::Csv), {}, {}).message().find("no columns"),
              std::string::npos);
    std::vector<EnvelopeColumn> twice = {{"BZ", "备注"}, {"BZ", "备注"}};
    EXPECT_NE(failure(settingsFor(EnvelopeFormat::Csv), {}, twice).message().find("used twice"),
              std::string::npos);
    EXPECT_NE(failure(settingsFor(EnvelopeFormat::Json, "GBK"), {}).message().find("always UTF-8"),
              std::string::npos);
    EXPECT_NE(failure(settingsFor(EnvelopeFormat::Xml, "latin1"), {}).message().find("latin1"),
              std::string::npos);
    EnvelopeSettings bom = settingsFor(EnvelopeFormat::Csv, "GBK");
    bom.csvBom = true;
    EXPECT_NE(failure(bom, {}).message().find("byte-order mark"), std::string::npos);
}

// ---- JSON ----------------------------------------------------------------------------------

TEST(EnvelopeTest,
     GivenTheCreditchinaSample_WhenWrittenAsJson_ThenBytesEqualTheCreditchinaPluginOutput) {
    std::vector<MappedRecord> records = sampleRecords();
    records[0].fields[0].second = "某某\"运输\"有限公司\\分部";
    records[0].fields[2].second = "第一行\n第二行\t\x01";
    // Produced by CreditChinaTarget::encodeBatch (plugin ABI 2) for this header and records.
    const std::string expected =
        R"({"package":{"batchId":"cf-20261122-0001","target":"creditchina","kind":"cf",)"
        R"("unitCode":"11100000000019713D","unitName":"交通运输部",)"
        R"("createdAt":"2026-11-22T13:05:09+08:00","mappingVersion":"2.0.1","count":2},)"
        R"("records":[{"key":"cf-1","fields":{"CF_XDR_MC":"某某\"运输\"有限公司\\分部",)"
        R"("CF_WSH":"鲁交罚〔2026〕001号","BZ":"第一行\n第二行\t\u0001"}},)"
        R"({"key":"cf-2","fields":{"CF_XDR_MC":"张三","CF_WSH":"0012","BZ":"首次违法"}}]})";
    EXPECT_EQ(write(settingsFor(EnvelopeFormat::Json), records), expected);
}

TEST(EnvelopeTest,
     GivenFieldsOutOfOrderAndMissing_WhenWrittenAsJson_ThenColumnOrderWithEmptyValues) {
    std::vector<MappedRecord> records = {{"cf-9", "cf", {{"BZ", "b"}, {"CF_XDR_MC", "m"}}}};
    std::string bytes = write(settingsFor(EnvelopeFormat::Json), records);
    EXPECT_NE(bytes.find(R"("fields":{"CF_XDR_MC":"m","CF_WSH":"","BZ":"b"})"), std::string::npos)
        << bytes;
}

// ---- CSV -----------------------------------------------------------------------------------

TEST(EnvelopeTest, GivenCommasQuotesAndNewlines_WhenWrittenAsCsv_ThenRfc4180QuotingWithCrlfRows) {
    std::vector<MappedRecord> records = {
        {"cf-1",
         "cf",
         {{"CF_XDR_MC", "甲,乙"}, {"CF_WSH", "say \"hi\""}, {"BZ", "第一行\n第二行"}}},
        {"cf-2", "cf", {{"CF_XDR_MC", "plain"}, {"CF_WSH", "0012"}}}};
    std::string bytes = write(settingsFor(EnvelopeFormat::Csv), records);
    EXPECT_EQ(bytes,
              "行政相对人名称,行政处罚决定书文号,备注\r\n"
              "\"甲,乙\",\"say \"\"hi\"\"\",\"第一行\n第二行\"\r\n"
              "plain,0012,\r\n");

    EnvelopeSettings codes = settingsFor(EnvelopeFormat::Csv);
    codes.headerTitles = false;
    codes.csvBom = true;
    std::string withCodes = write(codes, {});
    EXPECT_EQ(withCodes,
              "\xEF\xBB\xBF"
              "CF_XDR_MC,CF_WSH,BZ\r\n");
}

TEST(EnvelopeTest, GivenGbkCsv_WhenWritten_ThenBytesDecodeWithIconvToTheUtf8Csv) {
    std::string gbk = write(settingsFor(EnvelopeFormat::Csv, "gbk"), sampleRecords());
    std::string utf8 = write(settingsFor(EnvelopeFormat::Csv), sampleRecords());
    EXPECT_NE(gbk, utf8);
    EXPECT_EQ(iconvToUtf8(gbk, "GBK"), utf8);
}

// ---- XLSX ----------------------------------------------------------------------------------

class EnvelopeXlsxTest : public ::testing::Test {
protected:
    // A private TMPDIR shows that the temp file lands there and is removed afterwards.
    void SetUp() override {
        const char* old = std::getenv("TMPDIR");
        _oldTmpdir = old ? old : "";
        _hadTmpdir = old != nullptr;
        ::setenv("TMPDIR", _tmp.path().c_str(), 1);
    }
    void TearDown() override {
        if (_hadTmpdir)
            ::setenv("TMPDIR", _oldTmpdir.c_str(), 1);
        else
            ::unsetenv("TMPDIR");
    }
    bool tmpIsEmpty() const { return std::filesystem::is_empty(_tmp.path()); }

private:
    test::ScratchDir _tmp{"envelope-tmp"};
    std::string _oldTmpdir;
    bool _hadTmpdir = false;
};

TEST_F(EnvelopeXlsxTest, GivenRecords_WhenWrittenAsXlsx_ThenAZipWithTextCellsTitlesAndSheetName) {
    EnvelopeSettings settings = settingsFor(EnvelopeFormat::Xlsx);
    settings.sheetName = "行政处罚";
    std::string bytes = write(settings, sampleRecords());
    ASSERT_EQ(bytes.rfind(std::string("PK\x03\x04", 4), 0), 0u) << "zip local file header";
    EXPECT_TRUE(tmpIsEmpty()) << "the temp file is removed";

    std::map<std::string, std::string> files = unzip(bytes);
    ASSERT_TRUE(files.count("xl/workbook.xml")) << "entries: " << files.size();
    EXPECT_NE(files["xl/workbook.xml"].find("name=\"行政处罚\""), std::string::npos);
    const std::string& strings = files["xl/sharedStrings.xml"];
    for (const char* text : {"行政相对人名称", "行政处罚决定书文号", "济南某某运输有限公司",
                             "<t>0012</t>", "首次违法"})
        EXPECT_NE(strings.find(text), std::string::npos) << text << " in " << strings;
    // B3 is cf-2's 文书号 "0012": a shared-string cell (t="s"), never a number.
    const std::string& sheet = files["xl/worksheets/sheet1.xml"];
    EXPECT_NE(sheet.find("<c r=\"B3\" s=\"1\" t=\"s\">"), std::string::npos) << sheet;
    EXPECT_EQ(sheet.find("<v>12</v>"), std::string::npos);
    EXPECT_NE(sheet.find("state=\"frozen\""), std::string::npos);
    EXPECT_NE(files["xl/styles.xml"].find("<b/>"), std::string::npos) << "bold header";
    EXPECT_NE(files["docProps/core.xml"].find("2026-11-22T05:05:09Z"), std::string::npos)
        << "created = header.createdAt";
}

TEST_F(EnvelopeXlsxTest, GivenABadSheetNameOrAnEncoding_WhenWrittenAsXlsx_ThenInvalidArgument) {
    EnvelopeSettings settings = settingsFor(EnvelopeFormat::Xlsx);
    settings.sheetName = "a/b";
    Status status = failure(settings, sampleRecords());
    EXPECT_EQ(status.code(), StatusCode::InvalidArgument);
    EXPECT_NE(status.message().find("sheet name \"a/b\""), std::string::npos) << status.message();
    EXPECT_TRUE(tmpIsEmpty());
    EXPECT_NE(failure(settingsFor(EnvelopeFormat::Xlsx, "GBK"), {}).message().find("always UTF-8"),
              std::string::npos);
}

}  // namespace
}  // namespace creditgw
