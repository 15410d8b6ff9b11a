#pragma once
// Batch envelopes: how one batch of mapped records is wrapped for a platform (domain.md §6).
// A target profile picks the format, encoding and package type in files; target plugins call
// writeEnvelope() instead of hand-writing their wire format. See docs/envelopes.md.

#include <string>
#include <string_view>
#include <vector>

#include "creditgw/Record.h"
#include "creditgw/Status.h"
#include "creditgw/TargetPlugin.h"

namespace creditgw {

enum class EnvelopeFormat { Json, Xml, Csv, Xlsx };

/// "json" | "xml" | "csv" | "xlsx" (case-insensitive); InvalidArgument listing the known ones.
Result<EnvelopeFormat> parseEnvelopeFormat(std::string_view name);

/// "json", "xml", "csv" or "xlsx": the name parseEnvelopeFormat() reads, also the file extension.
const char* envelopeFormatName(EnvelopeFormat format);

struct EnvelopeSettings {
    EnvelopeFormat format = EnvelopeFormat::Json;
    /// "UTF-8" | "GBK" | "GB18030" (xml, csv); json/xlsx: UTF-8 only.
    std::string encoding = "UTF-8";
    std::string packageType;  ///< 包类型 (SJBLX), e.g. "XZCF" / "XZXK"
    std::string schemaFile;   ///< XSD the XML must satisfy; validated on every write when set
    /// xlsx; the profile's <setting name="xlsx.sheet.KIND" (or "xlsx.sheet") value="…"/>.
    std::string sheetName = "Sheet1";
    /// xlsx, for exports: per column "date" | "amount" | "number" | "text". A date that parses
    /// becomes a date cell, a plain decimal of at most 15 digits a number cell; anything else
    /// stays text. Empty (envelopes): every cell text, so codes keep their leading zeros.
    std::vector<std::string> xlsxCellTypes;
    /// csv/xlsx header row: Chinese titles (national template) or codes.
    bool headerTitles = true;
    bool csvBom = false;  ///< UTF-8 BOM for Excel users (csv, UTF-8 only)
    /// csv/xlsx: a first column carrying each record's key, so that the platform's receipt
    /// can name the record (json and xml carry the key anyway). The profile's
    /// <setting name="envelope.key.column" value="JLBS"/> and envelope.key.title (the
    /// header text with headerTitles). Empty: no such column. Never in exports.
    std::string keyColumn;
    std::string keyTitle;
};

/// The envelope a target profile asks for, for one kind (its 包类型). InvalidArgument naming
/// the profile when the format or encoding is unknown.
Result<EnvelopeSettings> envelopeSettingsFor(const TargetProfile& profile, const std::string& kind);

/// The MIME type for writeEnvelope's output with these settings, for Content-Type:
/// "application/json; charset=utf-8" (what creditchina sends today),
/// "application/xml; charset=GBK", "text/csv; charset=UTF-8",
/// "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".
std::string envelopeContentType(const EnvelopeSettings& settings);

/// Serialises one batch deterministically (same input → same bytes: these bytes are signed).
/// Records' fields are matched to `columns` by name; a field not in `columns` is an error
/// (InvalidArgument naming record key and field), a column missing in a record is written empty.
/// Column names must be unique and non-empty (for XML also valid element names); values must
/// be well-formed UTF-8 (for XML also free of characters XML 1.0 forbids, e.g. U+0001).
///
/// XML: <?xml version="1.0" encoding="UTF-8|GBK"?><Package><PackageHead><SJBBH>batchId</SJBBH>
///   <SJBLX>packageType</SJBLX><DWDM>unitCode</DWDM><DWMC>unitName</DWMC><JLS>count</JLS>
///   <SCRQ>yyyyMMddHHmmss (from header.createdAt, Asia/Shanghai)</SCRQ><BBH>mappingVersion</BBH>
///   </PackageHead><Data><Record key="…"><CF_XDR_MC>…</CF_XDR_MC>…</Record>…</Data></Package>
///   written with libxml2 (indented two spaces), encoded as asked, parsed back and validated
///   against schemaFile if set (failure = InvalidArgument with libxml2's line and message;
///   NotFound/InvalidArgument when the schema itself cannot be read).
/// JSON: the creditchina layout (plugins/creditchina/README.md), byte-identical to
///   CreditChinaTarget::encodeBatch when every record holds every column in column order.
/// CSV: RFC 4180, header row (titles or names) then one row per record; CRLF after every row;
///   a field is quoted when it holds a comma, quote, CR or LF.
/// XLSX: one sheet, bold frozen header row, every cell a text cell (leading zeros stay) unless
///   settings.xlsxCellTypes types it,
///   column widths from the content; document creation time = header.createdAt.
///
/// A character the chosen encoding cannot represent is InvalidArgument naming the record,
/// field and character; nothing is ever replaced. header.createdAt must be an ISO 8601
/// timestamp with offset for xml and xlsx. Failures writing XLSX's temp file ($TMPDIR or /tmp)
/// are Transient. Thread-safe: no shared state; each call uses its own libxml2/libxlsxwriter
/// objects.
Result<std::string> writeEnvelope(const EnvelopeSettings& settings, const BatchHeader& header,
                                  const std::vector<EnvelopeColumn>& columns,
                                  const std::vector<MappedRecord>& records);

}  // namespace creditgw
