#pragma once
// The byte level of the csv plugin: splits a file into records and fields (RFC 4180) without
// decoding them. Splitting before decoding is safe for UTF-8 and GB18030 alike: neither uses
// the bytes of '"', ',', TAB, CR or LF inside a multi-byte character. Decoding afterwards, field
// by field, lets an error name its column.

#include <cstddef>
#include <string>
#include <vector>

#include "creditgw/Status.h"

namespace creditgw::csv {

/// Bytes read from the file per system call; the only buffer that scales with the input.
inline constexpr std::size_t kReadBufferBytes = 64 * 1024;
/// Longest field kept. Longer ones are truncated (and reported by the reader), so a stray quote
/// that swallows the rest of a 100 MB file costs 64 KiB, not 100 MB.
inline constexpr std::size_t kMaxFieldBytes = 64 * 1024;

/// One field as it appears in the file, quotes and "" escapes already resolved.
struct RawField {
    std::string bytes;           ///< at most kMaxFieldBytes; unquoted fields are trimmed
    std::size_t size = 0;        ///< full length in the file (before truncation)
    std::size_t line = 0;        ///< physical line where the field starts
    bool quoted = false;
    bool textAfterQuote = false; ///< `"ab"cd`: something other than blanks after the closing quote
};

/// One record. Only the first `kept` fields are stored; the rest are only counted, so a row
/// with a million commas cannot grow memory.
struct RawRecord {
    std::size_t line = 0;        ///< physical line where the record starts (1-based)
    std::size_t fieldCount = 0;  ///< fields in the file
    std::size_t kept = 0;        ///< fields stored in `fields` (the vector may be larger: reused)
    bool blank = true;           ///< no content at all (e.g. "  " or ",,,"): nothing to read
    std::size_t unterminatedField = 0;  ///< 1-based field whose quote never closed; 0 = none
    std::size_t unterminatedLine = 0;   ///< line where that quote opened
    std::vector<RawField> fields;
};

/// Streams records from one file through a fixed buffer. Not thread-safe. Never throws
/// except std::bad_alloc.
class CsvTokenizer {
public:
    CsvTokenizer() = default;
    CsvTokenizer(const CsvTokenizer&) = delete;
    CsvTokenizer& operator=(const CsvTokenizer&) = delete;
    ~CsvTokenizer();

    /// Opens `path`. NotFound when it does not exist, InvalidArgument for a directory,
    /// Permanent when it cannot be opened for another reason (permissions); messages start
    /// with the path.
    Status open(const std::string& path);

    /// Consumes a UTF-8 byte order mark at the current position (the start of the file);
    /// returns whether there was one.
    bool skipUtf8Bom();

    /// Looks at the first line with content from the current position: tab when it has tabs
    /// and no commas (outside quotes), comma otherwise. Rewinds to the position it started at
    /// (callers call it at the start of the file, after skipUtf8Bom).
    char detectDelimiter();

    void setDelimiter(char delimiter) { _delimiter = delimiter; }

    /// Reads the next record, skipping empty lines; keeps at most `keep` fields. Returns false
    /// at the end of the file (or after a read error; see readError()).
    bool next(RawRecord& record, std::size_t keep);

    /// Why reading stopped early ("Input/output error"); empty when it did not.
    const std::string& readError() const { return _readError; }

private:
    int get() {
        if (_pos == _end && !refill()) return -1;
        return static_cast<unsigned char>(_buffer[_pos++]);
    }
    int peek() {
        if (_pos == _end && !refill()) return -1;
        return static_cast<unsigned char>(_buffer[_pos]);
    }
    bool refill();
    void rewindTo(long long offset);
    long long offset() const { return _fileOffset - static_cast<long long>(_end - _pos); }
    bool isBlank(int c) const { return c == ' ' || (c == '\t' && _delimiter != '\t'); }
    void endOfLine(int c);
    RawField& beginField(RawRecord& record, std::size_t keep);
    void append(RawRecord& record, RawField& field, int c);
    static void finishField(RawField& field);

    int _fd = -1;
    std::vector<char> _buffer;
    std::size_t _pos = 0;
    std::size_t _end = 0;
    long long _fileOffset = 0;  ///< file offset of _buffer[_end]
    bool _eof = false;
    std::string _readError;
    char _delimiter = ',';
    std::size_t _line = 1;
    RawField _overflow;  ///< scratch for fields past `keep`
};

}  // namespace creditgw::csv
