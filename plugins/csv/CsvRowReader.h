#pragma once
// The decoding level of the csv plugin: header, values in UTF-8, and the problems a row has.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "CsvTokenizer.h"
#include "creditgw/SourcePlugin.h"
#include "creditgw/TextCodec.h"

namespace creditgw::csv {

/// Most columns a header may have; a "header" wider than this is not one (e.g. binary data).
inline constexpr std::size_t kMaxColumns = 4096;

/// Reads one CSV file row by row (see plugins/csv/README.md for the accepted format).
/// Not thread-safe. Memory is bounded by header width × kMaxFieldBytes plus the read buffer.
class CsvRowReader : public RowReader {
public:
    /// Opens the file and reads its header. NotFound for a missing file; InvalidArgument for
    /// an unknown encoding, an empty file or a bad header ("<file>:<line>: ...").
    static Result<std::unique_ptr<RowReader>> open(const SourceOptions& options);

    const std::vector<std::string>& header() const override { return _header; }
    bool next(SourceRow& row) override;

private:
    CsvRowReader(std::string path, TextDecoder decoder);

    Status readHeader();
    bool nextContentRecord();
    bool readRow(SourceRow& row);
    /// Problems of the record as a whole: column count, a quote never closed.
    void addRecordProblems(SourceRow& row) const;
    std::string decodeField(const RawField& field, const std::string& column,
                            std::vector<Violation>& problems) const;
    /// "<file>:<line>: <where>: <failure>; is the file really ...? <what to do>".
    std::string encodingProblem(const RawField& field, const std::string& where,
                                const Status& failure) const;
    std::string columnName(std::size_t index) const;
    void reportReadError(SourceRow& row, bool haveRow);

    std::string _path;
    TextDecoder _decoder;
    std::optional<TextDecoder> _alternative;  ///< GB18030 when reading UTF-8, for hints
    CsvTokenizer _tokenizer;
    char _delimiter = ',';
    std::vector<std::string> _header;
    std::size_t _headerLine = 0;
    std::size_t _lastLine = 0;
    RawRecord _record;
    bool _finished = false;
};

}  // namespace creditgw::csv
