#include "CsvTokenizer.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace creditgw::csv {

CsvTokenizer::~CsvTokenizer() {
    if (_fd >= 0) ::close(_fd);
}

Status CsvTokenizer::open(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        int error = errno;
        if (error == ENOENT || error == ENOTDIR) return Status::notFound(path + ": no such file");
        return Status::permanent(path + ": cannot open: " + std::strerror(error) +
                                 "; check the file's permissions");
    }
    struct stat info {};
    if (::fstat(fd, &info) == 0 && S_ISDIR(info.st_mode)) {
        ::close(fd);
        return Status::invalidArgument(path + ": is a directory; give the path of a .csv file");
    }
    _fd = fd;
    _buffer.resize(kReadBufferBytes);
    return Status::ok();
}

bool CsvTokenizer::refill() {
    if (_eof || _fd < 0) return false;
    for (;;) {
        ssize_t n = ::read(_fd, _buffer.data(), _buffer.size());
        if (n > 0) {
            _pos = 0;
            _end = static_cast<std::size_t>(n);
            _fileOffset += n;
            return true;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) _readError = std::strerror(errno);
        _eof = true;
        return false;
    }
}

void CsvTokenizer::rewindTo(long long offset) {
    if (::lseek(_fd, offset, SEEK_SET) < 0) {
        _readError = std::strerror(errno);
        _eof = true;
        return;
    }
    _pos = _end = 0;
    _fileOffset = offset;
    _eof = false;
}

bool CsvTokenizer::skipUtf8Bom() {
    if (peek() != 0xEF) return false;
    // The buffer holds at least three bytes unless the file is shorter than that.
    if (_end - _pos < 3 || static_cast<unsigned char>(_buffer[_pos + 1]) != 0xBB ||
        static_cast<unsigned char>(_buffer[_pos + 2]) != 0xBF)
        return false;
    _pos += 3;
    return true;
}

char CsvTokenizer::detectDelimiter() {
    long long start = offset();
    std::size_t commas = 0, tabs = 0;
    bool inQuotes = false, content = false;
    for (int c = get(); c >= 0; c = get()) {
        if (c == '"') inQuotes = !inQuotes;
        if (inQuotes) continue;
        if (c == '\r' || c == '\n') {
            if (content) break;
            commas = tabs = 0;  // a line of blanks is skipped like an empty one
            continue;
        }
        if (c == ',') ++commas;
        if (c == '\t') ++tabs;
        if (c != ' ' && c != '\t') content = true;
    }
    rewindTo(start);
    return tabs > 0 && commas == 0 ? '\t' : ',';
}

void CsvTokenizer::endOfLine(int c) {
    if (c == '\r' && peek() == '\n') get();
    ++_line;
}

RawField& CsvTokenizer::beginField(RawRecord& record, std::size_t keep) {
    ++record.fieldCount;
    RawField* field = &_overflow;
    if (record.fieldCount <= keep) {
        if (record.fields.size() < record.fieldCount) record.fields.emplace_back();
        record.kept = record.fieldCount;
        field = &record.fields[record.fieldCount - 1];
    }
    field->bytes.clear();
    field->size = 0;
    field->line = _line;
    field->quoted = false;
    field->textAfterQuote = false;
    return *field;
}

void CsvTokenizer::append(RawRecord& record, RawField& field, int c) {
    record.blank = false;
    if (field.bytes.size() < kMaxFieldBytes) field.bytes.push_back(static_cast<char>(c));
    ++field.size;
}

void CsvTokenizer::finishField(RawField& field) {
    if (field.quoted) return;
    while (!field.bytes.empty() && (field.bytes.back() == ' ' || field.bytes.back() == '\t'))
        field.bytes.pop_back();
}

bool CsvTokenizer::next(RawRecord& record, std::size_t keep) {
    for (int c = peek(); c == '\r' || c == '\n'; c = peek()) endOfLine(get());
    if (peek() < 0) return false;

    record.line = _line;
    record.fieldCount = record.kept = 0;
    record.blank = true;
    record.unterminatedField = record.unterminatedLine = 0;

    enum class State { Start, Unquoted, Quoted, AfterQuote } state = State::Start;
    RawField* field = &beginField(record, keep);
    for (;;) {
        int c = get();
        if (c < 0) {
            if (state == State::Quoted) {
                record.unterminatedField = record.fieldCount;
                record.unterminatedLine = field->line;
            }
            finishField(*field);
            return true;
        }
        if (state == State::Quoted) {
            if (c == '"') {
                if (peek() == '"') append(record, *field, get());
                else state = State::AfterQuote;
                continue;
            }
            if (c == '\n' || (c == '\r' && peek() != '\n')) ++_line;
            append(record, *field, c);
            continue;
        }
        if (c == _delimiter) {
            finishField(*field);
            field = &beginField(record, keep);
            state = State::Start;
            continue;
        }
        if (c == '\r' || c == '\n') {
            endOfLine(c);
            finishField(*field);
            return true;
        }
        if (state == State::Start && isBlank(c)) continue;  // leading blanks are trimmed
        if (state == State::Start && c == '"') {
            field->quoted = true;
            record.blank = false;
            state = State::Quoted;
            continue;
        }
        if (state == State::AfterQuote) {
            if (isBlank(c)) continue;
            field->textAfterQuote = true;  // kept literally; the reader reports it
            state = State::Unquoted;
        }
        if (state == State::Start) state = State::Unquoted;
        append(record, *field, c);
    }
}

}  // namespace creditgw::csv
