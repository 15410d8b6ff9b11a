// Envelope format names, the shared record plumbing, and the two text formats written by hand
// (JSON, CSV). XML and XLSX live in EnvelopeXml.cpp and EnvelopeXlsx.cpp.

#include <chrono>
#include <cstdio>
#include <exception>
#include <optional>

#include "EnvelopeInternal.h"
#include "creditgw/CivilDate.h"
#include "creditgw/Json.h"
#include "creditgw/Utf8.h"

namespace creditgw {

namespace envelope {

namespace {

std::string asciiLower(std::string_view text) {
    std::string lower(text);
    for (char& c : lower)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return lower;
}

std::string quoted(std::string_view text) {
    return "\"" + std::string(text) + "\"";
}

std::string columnList(const std::vector<EnvelopeColumn>& columns) {
    std::string out;
    for (const auto& column : columns) {
        if (!out.empty()) out += ", ";
        out += column.name;
    }
    return out;
}

/// The first of `texts` the encoder refuses, as "<label>: <encoder's message>".
std::optional<Status> firstUnencodable(
    const TextEncoder& encoder,
    const std::vector<std::pair<std::string, std::string_view>>& texts) {
    for (const auto& [label, text] : texts) {
        Result<std::string> encoded = encoder.fromUtf8(text);
        if (!encoded) return Status::invalidArgument(label + ": " + encoded.status().message());
    }
    return std::nullopt;
}

}  // namespace

Result<ColumnIndex> ColumnIndex::build(const std::vector<EnvelopeColumn>& columns) {
    if (columns.empty())
        return Status::invalidArgument(
            "the envelope has no columns; list the target's fields in its mapping");
    ColumnIndex index;
    for (std::size_t i = 0; i < columns.size(); ++i) {
        const EnvelopeColumn& column = columns[i];
        std::string where = "envelope column " + std::to_string(i + 1);
        if (column.name.empty()) return Status::invalidArgument(where + " has no name");
        if (!isValidUtf8(column.name) || !isValidUtf8(column.title))
            return Status::invalidArgument(where + ": name or title is not valid UTF-8");
        if (!index._positions.emplace(column.name, static_cast<long>(i)).second)
            return Status::invalidArgument(where + ": name " + quoted(column.name) +
                                           " is used twice; each field may appear once");
    }
    return index;
}

long ColumnIndex::find(std::string_view name) const {
    auto it = _positions.find(name);
    return it == _positions.end() ? -1 : it->second;
}

std::string recordLabel(const MappedRecord& record, std::size_t position) {
    if (record.key.empty()) return "record #" + std::to_string(position + 1);
    return "record " + quoted(record.key);
}

Status arrangeRecord(const Batch& batch, std::size_t position, std::vector<std::string_view>& row) {
    const MappedRecord& record = batch.records[position];
    row.assign(batch.columns.size(), std::string_view());
    std::vector<bool> seen(batch.columns.size(), false);
    for (const auto& [name, value] : record.fields) {
        long column = batch.index.find(name);
        std::string where = recordLabel(record, position) + ": field " + quoted(name);
        if (column < 0)
            return Status::invalidArgument(
                where +
                " is not a column of this envelope; add it to the target's columns or "
                "drop it from the mapping (columns: " +
                columnList(batch.columns) + ")");
        if (seen[column]) return Status::invalidArgument(where + " appears twice in the record");
        if (!isValidUtf8(value))
            return Status::invalidArgument(where + ": value is not valid UTF-8");
        seen[column] = true;
        row[column] = value;
    }
    return Status::ok();
}

std::string_view headerText(const Batch& batch, std::size_t column) {
    const EnvelopeColumn& c = batch.columns[column];
    return batch.settings.headerTitles && !c.title.empty() ? c.title : c.name;
}

Result<long long> createdAtSeconds(const BatchHeader& header) {
    auto instant = parseTimestamp(header.createdAt);
    if (!instant)
        return Status::invalidArgument("batch header createdAt " + quoted(header.createdAt) +
                                       " is not an ISO 8601 timestamp with offset, e.g. "
                                       "2026-11-22T10:15:00+08:00");
    return static_cast<long long>(
        std::chrono::duration_cast<std::chrono::seconds>(instant->time_since_epoch()).count());
}

std::string shanghaiCompactTime(long long epochSeconds) {
    constexpr long long kDay = 86400;
    long long local = epochSeconds + 8 * 3600;
    long long days = local / kDay - (local % kDay < 0 ? 1 : 0);
    int second = static_cast<int>(local - days * kDay);  // 0 .. 86399
    char time[16];
    std::snprintf(time, sizeof time, "%02d%02d%02d", second / 3600, second / 60 % 60, second % 60);
    return CivilDate::fromDaysSinceEpoch(days).format("yyyyMMdd") + time;
}

Result<std::string> encodeDocument(const Batch& batch, const TextEncoder& encoder,
                                   std::string utf8) {
    Result<std::string> encoded = encoder.fromUtf8(utf8);
    if (encoded) return encoded;
    // Rare path: the document-wide offset means nothing to the user, so find the source text.
    const BatchHeader& h = batch.header;
    std::vector<std::pair<std::string, std::string_view>> texts = {
        {"batch header batchId", h.batchId},
        {"batch header unitCode", h.unitCode},
        {"batch header unitName", h.unitName},
        {"batch header createdAt", h.createdAt},
        {"batch header mappingVersion", h.mappingVersion},
        {"batch header target", h.target},
        {"batch header kind", h.kind},
        {"envelope packageType", batch.settings.packageType}};
    for (const auto& column : batch.columns) {
        texts.emplace_back("envelope column " + quoted(column.name), column.name);
        texts.emplace_back("envelope column " + quoted(column.name) + " title", column.title);
    }
    if (auto status = firstUnencodable(encoder, texts)) return *status;
    for (std::size_t i = 0; i < batch.records.size(); ++i) {
        const MappedRecord& record = batch.records[i];
        std::string label = recordLabel(record, i);
        texts = {{label + ": key", record.key}};
        for (const auto& [name, value] : record.fields)
            texts.emplace_back(label + ": field " + name, value);
        if (auto status = firstUnencodable(encoder, texts)) return *status;
    }
    return encoded.status();
}

namespace {

void appendMember(std::string& out, const char* name, const std::string& value,
                  bool first = false) {
    if (!first) out += ',';
    appendJsonString(out, name);
    out += ':';
    appendJsonString(out, value);
}

// Mirrors CreditChinaTarget::encodeBatch byte for byte (the plugin is switching to this
// writer); the only difference is that fields follow the column order.
Result<std::string> writeJson(const Batch& batch, const TextEncoder& encoder) {
    const BatchHeader& header = batch.header;
    std::string out;
    out.reserve(256 + batch.records.size() * 1024);
    out += "{\"package\":{";
    appendMember(out, "batchId", header.batchId, true);
    appendMember(out, "target", header.target);
    appendMember(out, "kind", header.kind);
    appendMember(out, "unitCode", header.unitCode);
    appendMember(out, "unitName", header.unitName);
    appendMember(out, "createdAt", header.createdAt);
    appendMember(out, "mappingVersion", header.mappingVersion);
    out += ",\"count\":" + std::to_string(batch.records.size()) + "},\"records\":[";
    std::vector<std::string_view> row;
    for (std::size_t i = 0; i < batch.records.size(); ++i) {
        if (Status status = arrangeRecord(batch, i, row); !status) return status;
        if (i > 0) out += ',';
        out += '{';
        appendMember(out, "key", batch.records[i].key, true);
        out += ",\"fields\":{";
        for (std::size_t c = 0; c < row.size(); ++c) {
            if (c > 0) out += ',';
            appendJsonString(out, batch.columns[c].name);
            out += ':';
            appendJsonString(out, row[c]);
        }
        out += "}}";
    }
    out += "]}";
    return encodeDocument(batch, encoder, std::move(out));
}

void appendCsvField(std::string& out, std::string_view value) {
    if (value.find_first_of(",\"\r\n") == std::string_view::npos) {
        out += value;
        return;
    }
    out += '"';
    for (char c : value) {
        if (c == '"') out += '"';
        out += c;
    }
    out += '"';
}

Result<std::string> writeCsv(const Batch& batch, const TextEncoder& encoder) {
    std::string out;
    if (batch.settings.csvBom) out += "\xEF\xBB\xBF";
    for (std::size_t c = 0; c < batch.columns.size(); ++c) {
        if (c > 0) out += ',';
        appendCsvField(out, headerText(batch, c));
    }
    out += "\r\n";
    std::vector<std::string_view> row;
    for (std::size_t i = 0; i < batch.records.size(); ++i) {
        if (Status status = arrangeRecord(batch, i, row); !status) return status;
        for (std::size_t c = 0; c < row.size(); ++c) {
            if (c > 0) out += ',';
            appendCsvField(out, row[c]);
        }
        out += "\r\n";
    }
    return encodeDocument(batch, encoder, std::move(out));
}

/// The encoder for the settings, refusing encodings the format cannot carry.
Result<TextEncoder> encoderFor(const EnvelopeSettings& settings) {
    Result<TextEncoder> encoder = TextEncoder::create(settings.encoding);
    if (!encoder)
        return Status::invalidArgument("envelope encoding: " + encoder.status().message());
    bool utf8 = encoder->encoding() == "UTF-8";
    bool textFormat =
        settings.format == EnvelopeFormat::Xml || settings.format == EnvelopeFormat::Csv;
    if (!utf8 && !textFormat)
        return Status::invalidArgument(std::string(envelopeFormatName(settings.format)) +
                                       " envelopes are always UTF-8, not " + settings.encoding +
                                       "; drop the encoding setting or choose xml or csv");
    if (settings.csvBom && !utf8)
        return Status::invalidArgument("a CSV byte-order mark exists only for UTF-8, not " +
                                       settings.encoding + "; turn the BOM off or use UTF-8");
    return encoder;
}

Result<std::string> dispatch(const EnvelopeSettings& settings, const BatchHeader& header,
                             const std::vector<EnvelopeColumn>& columns,
                             const std::vector<MappedRecord>& records) {
    Result<TextEncoder> encoder = encoderFor(settings);
    if (!encoder) return encoder.status();
    const bool keyed = !settings.keyColumn.empty() &&
                       (settings.format == EnvelopeFormat::Csv || settings.format == EnvelopeFormat::Xlsx);
    if (keyed) {
        // The key goes first, as one more column: the writers stay as they are.
        std::vector<EnvelopeColumn> withKey{{settings.keyColumn, settings.keyTitle}};
        withKey.insert(withKey.end(), columns.begin(), columns.end());
        std::vector<MappedRecord> keyedRecords = records;
        for (auto& record : keyedRecords) record.fields.insert(record.fields.begin(), {settings.keyColumn, record.key});
        EnvelopeSettings plain = settings;
        plain.keyColumn.clear();
        return dispatch(plain, header, withKey, keyedRecords);
    }
    Result<ColumnIndex> index = ColumnIndex::build(columns);
    if (!index) return index.status();
    Batch batch{settings, header, columns, *index, records};
    switch (settings.format) {
        case EnvelopeFormat::Json:
            return writeJson(batch, *encoder);
        case EnvelopeFormat::Xml:
            return writeXml(batch, *encoder);
        case EnvelopeFormat::Csv:
            return writeCsv(batch, *encoder);
        case EnvelopeFormat::Xlsx:
            return writeXlsx(batch);
    }
    return Status::invalidArgument("unknown envelope format");
}

}  // namespace

}  // namespace envelope

Result<EnvelopeFormat> parseEnvelopeFormat(std::string_view name) {
    std::string lower = envelope::asciiLower(name);
    for (EnvelopeFormat format :
         {EnvelopeFormat::Json, EnvelopeFormat::Xml, EnvelopeFormat::Csv, EnvelopeFormat::Xlsx})
        if (lower == envelopeFormatName(format)) return format;
    return Status::invalidArgument("unknown envelope format \"" + std::string(name) +
                                   "\"; known: json, xml, csv, xlsx");
}

Result<EnvelopeSettings> envelopeSettingsFor(const TargetProfile& profile, const std::string& kind) {
    auto format = parseEnvelopeFormat(profile.envelopeFormat);
    if (!format)
        return Status::invalidArgument(profile.directory + "/profile.xml: " + format.status().message());
    EnvelopeSettings settings;
    settings.format = *format;
    settings.encoding = profile.envelopeEncoding.empty() ? "UTF-8" : profile.envelopeEncoding;
    auto type = profile.packageTypes.find(kind);
    settings.packageType = type == profile.packageTypes.end() ? kind : type->second;
    settings.schemaFile = profile.envelopeSchema;
    settings.headerTitles = profile.headerTitles;
    for (const std::string& key : {"xlsx.sheet." + kind, std::string("xlsx.sheet")}) {
        auto sheet = profile.settings.find(key);
        if (sheet == profile.settings.end()) continue;
        settings.sheetName = sheet->second;
        break;
    }
    if (auto key = profile.settings.find("envelope.key.column"); key != profile.settings.end())
        settings.keyColumn = key->second;
    if (auto title = profile.settings.find("envelope.key.title"); title != profile.settings.end())
        settings.keyTitle = title->second;
    return settings;
}

const char* envelopeFormatName(EnvelopeFormat format) {
    switch (format) {
        case EnvelopeFormat::Json:
            return "json";
        case EnvelopeFormat::Xml:
            return "xml";
        case EnvelopeFormat::Csv:
            return "csv";
        case EnvelopeFormat::Xlsx:
            return "xlsx";
    }
    return "?";
}

std::string envelopeContentType(const EnvelopeSettings& settings) {
    Result<TextEncoder> encoder = TextEncoder::create(settings.encoding);
    std::string charset = encoder ? encoder->encoding() : settings.encoding;
    switch (settings.format) {
        case EnvelopeFormat::Json:
            return "application/json; charset=utf-8";
        case EnvelopeFormat::Xml:
            return "application/xml; charset=" + charset;
        case EnvelopeFormat::Csv:
            return "text/csv; charset=" + charset;
        case EnvelopeFormat::Xlsx:
            return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    }
    return "application/octet-stream";
}

Result<std::string> writeEnvelope(const EnvelopeSettings& settings, const BatchHeader& header,
                                  const std::vector<EnvelopeColumn>& columns,
                                  const std::vector<MappedRecord>& records) {
    try {
        return envelope::dispatch(settings, header, columns, records);
    } catch (const std::exception& e) {
        // Only allocation failures can get here; a later attempt may have the memory.
        return Status::transient(std::string("cannot write the ") +
                                 envelopeFormatName(settings.format) + " envelope for batch " +
                                 header.batchId + ": " + e.what());
    }
}

}  // namespace creditgw
