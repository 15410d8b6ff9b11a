#pragma once
// The `json` source plugin's reader: a JSON array of records or JSON Lines, UTF-8 or GB18030,
// read through a 64 KiB buffer with its own streaming tokenizer, so a 1 GB export never sits in
// memory. Nested objects become field paths ("当事人.名称"), arrays indexes ("处罚类别[0]").

#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "creditgw/SourcePlugin.h"
#include "creditgw/TextCodec.h"

namespace creditgw::json {

/// Longest string value kept; longer ones are cut and reported (as the csv plugin does).
inline constexpr std::size_t kMaxValueBytes = 64 * 1024;

/// UTF-8 text of a file in UTF-8 or GB18030, one byte at a time, with the raw file position and
/// line of what comes next. An invalid GB18030 sequence is skipped and remembered with its place.
class Utf8Input {
public:
    Utf8Input() = default;
    ~Utf8Input();
    Utf8Input(const Utf8Input&) = delete;
    Utf8Input& operator=(const Utf8Input&) = delete;

    Status open(const std::string& path, const std::string& encoding);
    /// The next byte, or -1 at the end.
    int peek();
    int get();
    std::size_t line() const { return _line; }
    /// Encoding errors found since the last call, as messages.
    std::vector<std::string> takeErrors();
    const std::string& readError() const { return _readError; }

private:
    bool fill();

    std::FILE* _file = nullptr;
    IconvHandle _iconv;  ///< open for GB18030 only
    std::string _raw;     ///< undecoded bytes (GB18030) carried over between reads
    std::string _text;    ///< decoded UTF-8 not yet consumed
    std::size_t _pos = 0;
    std::size_t _rawOffset = 0;  ///< bytes of the file decoded so far
    std::size_t _line = 1;
    std::size_t _rawLine = 1;
    std::size_t _textBase = 0;  ///< decoded bytes dropped from the front of _text
    std::vector<std::pair<std::size_t, std::string>> _errors;  ///< at decoded offset
    std::string _readError;
    bool _eof = false;
};

class JsonRowReader : public RowReader {
public:
    static Result<std::unique_ptr<RowReader>> open(const SourceOptions& options);
    const std::vector<std::string>& header() const override { return _header; }
    bool next(SourceRow& row) override;

private:
    JsonRowReader() = default;
    bool readRecord(SourceRow& row);
    void skipBlanks();
    bool parseValue(const std::string& path, SourceRow& row, int depth);
    bool parseObject(const std::string& path, SourceRow& row, int depth);
    bool parseArray(const std::string& path, SourceRow& row, int depth);
    std::optional<std::string> parseString(SourceRow& row, const std::string& path);
    std::optional<std::string> parseLiteral();
    void fail(SourceRow& row, const std::string& what);
    std::string where() const;

    std::string _path;
    Utf8Input _in;
    bool _array = false;     ///< a top-level array, else JSON Lines
    bool _finished = false;
    bool _syntaxFailed = false;
    std::size_t _records = 0;
    std::size_t _recordLine = 0;
    std::vector<std::string> _header;
    std::optional<SourceRow> _first;  ///< read at open for the header
};

/// A JSON number literal as a plain decimal: "1.05" stays, "1.0E7" → "10000000", "-0" → "0".
std::string plainDecimal(const std::string& literal);

}  // namespace creditgw::json
