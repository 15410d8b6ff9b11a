#pragma once
// Shared plumbing of the envelope writers (Envelope.cpp, EnvelopeXml.cpp, EnvelopeXlsx.cpp).
// Not installed: only the core's envelope sources include it.

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "creditgw/Envelope.h"
#include "creditgw/TextCodec.h"

namespace creditgw::envelope {

/// Column name → position, built once per batch.
class ColumnIndex {
public:
    /// InvalidArgument for no columns, an empty or a repeated name.
    static Result<ColumnIndex> build(const std::vector<EnvelopeColumn>& columns);
    /// Position of `name`, or -1.
    long find(std::string_view name) const;

private:
    std::unordered_map<std::string_view, long> _positions;
};

/// Everything a format writer needs about one batch. References only; lives for one call.
struct Batch {
    const EnvelopeSettings& settings;
    const BatchHeader& header;
    const std::vector<EnvelopeColumn>& columns;
    const ColumnIndex& index;
    const std::vector<MappedRecord>& records;
};

/// `record "cf-1"` (or `record #3` for a record without a key), to start error messages.
std::string recordLabel(const MappedRecord& record, std::size_t position);

/// Puts a record's values in column order into `row` (resized to the column count; a missing
/// column is an empty view). Views point into `record`. InvalidArgument for a field that is no
/// column, a field given twice, or a value that is not well-formed UTF-8.
Status arrangeRecord(const Batch& batch, std::size_t position, std::vector<std::string_view>& row);

/// The header row: titles (falling back to names) or names, per settings.headerTitles.
std::string_view headerText(const Batch& batch, std::size_t column);

/// header.createdAt as seconds since the epoch; InvalidArgument when it is no ISO 8601
/// timestamp with offset.
Result<long long> createdAtSeconds(const BatchHeader& header);

/// "20261122101500": the instant as Asia/Shanghai wall-clock time (UTC+8, no DST since 1991).
std::string shanghaiCompactTime(long long epochSeconds);

/// Converts a finished UTF-8 document to the target encoding in one pass. When a character
/// cannot be represented, finds where it came from (header field, column, record field) so the
/// error names it instead of an offset in the document.
Result<std::string> encodeDocument(const Batch& batch, const TextEncoder& encoder,
                                   std::string utf8);

Result<std::string> writeXml(const Batch& batch, const TextEncoder& encoder);
Result<std::string> writeXlsx(const Batch& batch);

}  // namespace creditgw::envelope
