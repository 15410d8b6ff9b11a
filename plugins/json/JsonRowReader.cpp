#include "JsonRowReader.h"

#include <cerrno>
#include <cstring>

#include "creditgw/Utf8.h"

namespace creditgw::json {

namespace {

constexpr std::size_t kChunk = 64 * 1024;
constexpr int kMaxDepth = 64;

std::string hexBytes(const char* bytes, std::size_t n) {
    std::string out;
    char buffer[8];
    for (std::size_t i = 0; i < n && i < 4; ++i) {
        std::snprintf(buffer, sizeof buffer, "%s0x%02X", i ? " " : "", static_cast<unsigned char>(bytes[i]));
        out += buffer;
    }
    return out;
}


}  // namespace

// ---- Utf8Input ------------------------------------------------------------------------------

Utf8Input::~Utf8Input() {
    if (_file) std::fclose(_file);
}

Status Utf8Input::open(const std::string& path, const std::string& encoding) {
    auto name = canonicalEncodingName(encoding);
    if (!name) return Status::invalidArgument(path + ": " + name.status().message());
    _file = std::fopen(path.c_str(), "rb");
    if (!_file) {
        if (errno == ENOENT) return Status::notFound(path + ": no such file");
        return Status::permanent(path + ": cannot open: " + std::strerror(errno));
    }
    if (*name == "GB18030") {
        iconv_t cd = ::iconv_open("UTF-8", "GB18030");
        if (cd == reinterpret_cast<iconv_t>(-1)) return Status::invalidArgument("iconv has no GB18030 converter");
        _iconv = IconvHandle(cd);
    }
    return Status::ok();
}

bool Utf8Input::fill() {
    if (_eof) return false;
    _text.erase(0, _pos);
    _textBase += _pos;
    _pos = 0;
    char buffer[kChunk];
    std::size_t n = std::fread(buffer, 1, sizeof buffer, _file);
    if (n < sizeof buffer) {
        _eof = true;
        if (std::ferror(_file)) _readError = std::strerror(errno);
    }
    if (!_iconv.isOpen()) {
        _text.append(buffer, n);
        return n > 0 || !_text.empty();
    }
    _raw.append(buffer, n);
    std::size_t start = 0;
    while (start < _raw.size()) {
        char* in = _raw.data() + start;
        std::size_t inLeft = _raw.size() - start;
        char out[kChunk * 2];
        char* outPtr = out;
        std::size_t outLeft = sizeof out;
        std::size_t rc = ::iconv(_iconv.get(), &in, &inLeft, &outPtr, &outLeft);
        int error = rc == static_cast<std::size_t>(-1) ? errno : 0;
        std::size_t consumed = static_cast<std::size_t>(in - (_raw.data() + start));
        for (std::size_t i = start; i < start + consumed; ++i)
            if (_raw[i] == '\n') ++_rawLine;
        _text.append(out, static_cast<std::size_t>(outPtr - out));
        start += consumed;
        _rawOffset += consumed;
        if (error == E2BIG) continue;
        if (error == EINVAL && !_eof) break;  // a character split by the buffer: wait for the rest
        if (error == EILSEQ || error == EINVAL) {
            _errors.emplace_back(_textBase + _text.size(), "invalid GB18030 byte sequence " + hexBytes(_raw.data() + start, _raw.size() - start) +
                              " at byte " + std::to_string(_rawOffset + 1) + " of the file (line " +
                              std::to_string(_rawLine) + "); is the file really GB18030? Use --encoding utf-8 "
                              "for UTF-8 exports; otherwise the file is damaged here");
            ++start;
            ++_rawOffset;
            continue;
        }
        break;
    }
    _raw.erase(0, start);
    return _pos < _text.size();
}

int Utf8Input::peek() {
    if (_pos >= _text.size() && !fill()) return -1;
    if (_pos >= _text.size()) return -1;
    return static_cast<unsigned char>(_text[_pos]);
}

int Utf8Input::get() {
    int c = peek();
    if (c < 0) return c;
    ++_pos;
    if (c == '\n') ++_line;
    return c;
}

std::vector<std::string> Utf8Input::takeErrors() {
    // Only the errors in text already consumed: the buffer decodes ahead of the parser.
    std::vector<std::string> out;
    std::size_t consumed = _textBase + _pos;
    while (!_errors.empty() && _errors.front().first <= consumed) {
        out.push_back(std::move(_errors.front().second));
        _errors.erase(_errors.begin());
    }
    return out;
}

// ---- JsonRowReader --------------------------------------------------------------------------

Result<std::unique_ptr<RowReader>> JsonRowReader::open(const SourceOptions& options) {
    if (options.path.empty())
        return Status::invalidArgument("json source: no input file given; set the source's path");
    std::unique_ptr<JsonRowReader> reader(new JsonRowReader());
    reader->_path = options.path;
    if (Status opened = reader->_in.open(options.path, options.encoding); !opened) return opened;
    // A UTF-8 byte order mark (some Windows exports) is no content.
    if (reader->_in.peek() == 0xEF) {
        reader->_in.get();
        if (reader->_in.get() != 0xBB || reader->_in.get() != 0xBF)
            return Status::invalidArgument(options.path + ":1: not JSON: starts with a stray byte 0xEF");
    }
    reader->skipBlanks();
    if (reader->_in.peek() < 0)
        return Status::invalidArgument(options.path + ": the file is empty; expected a JSON array of records "
                                       "or one JSON object per line");
    if (reader->_in.peek() == '[') {
        reader->_array = true;
        reader->_in.get();
    } else if (reader->_in.peek() != '{') {
        return Status::invalidArgument(options.path + ":" + std::to_string(reader->_in.line()) +
                                       ": not JSON records: expected [ (an array) or { (JSON Lines)");
    }
    SourceRow first;
    if (reader->next(first)) {
        for (const auto& column : first.columns) reader->_header.push_back(column.first);
        reader->_first = std::move(first);
    }
    return std::unique_ptr<RowReader>(std::move(reader));
}

std::string JsonRowReader::where() const {
    return _path + ":" + std::to_string(_recordLine) + ": record " + std::to_string(_records) + ": ";
}

void JsonRowReader::skipBlanks() {
    for (int c = _in.peek(); c == ' ' || c == '\t' || c == '\r' || c == '\n'; c = _in.peek()) _in.get();
}

void JsonRowReader::fail(SourceRow& row, const std::string& what) {
    if (_syntaxFailed) return;
    _syntaxFailed = true;
    row.problems.push_back({"", "syntax", where() + "JSON syntax error at line " + std::to_string(_in.line()) +
                                              ": " + what});
}

bool JsonRowReader::next(SourceRow& row) {
    row = SourceRow();
    row.file = _path;
    if (_first) {
        row = std::move(*_first);
        _first.reset();
        return true;
    }
    if (_finished) return false;
    return readRecord(row);
}

bool JsonRowReader::readRecord(SourceRow& row) {
    skipBlanks();
    if (_array) {
        if (_records > 0) {
            if (_in.peek() == ',') {
                _in.get();
                skipBlanks();
            } else if (_in.peek() != ']') {
                ++_records;
                _recordLine = _in.line();
                row.line = _recordLine;
                fail(row, "expected , or ] after a record; the rest of the file was not read");
                _finished = true;
                return true;
            }
        }
        if (_in.peek() == ']') {
            _in.get();
            skipBlanks();
            _finished = true;
            if (_in.peek() < 0) return false;
            row.line = _in.line();
            row.problems.push_back({"", "syntax", _path + ":" + std::to_string(row.line) +
                                                      ": text after the closing ] of the array was not read"});
            return true;
        }
    }
    if (_in.peek() < 0) {
        _finished = true;
        if (_array) {
            row.line = _in.line();
            row.problems.push_back({"", "syntax", _path + ":" + std::to_string(row.line) +
                                                      ": the array is never closed with ]; the file may be cut short"});
            return true;
        }
        for (const auto& e : _in.takeErrors()) row.problems.push_back({"", "encoding", _path + ": " + e});
        return !row.problems.empty();
    }
    ++_records;
    _recordLine = row.line = _in.line();
    _syntaxFailed = false;
    if (_in.peek() != '{') {
        fail(row, "each record must be a JSON object { ... }");
    } else {
        parseObject("", row, 0);
    }
    for (const auto& e : _in.takeErrors()) row.problems.push_back({"", "encoding", where() + e});
    for (auto& [name, value] : row.columns)
        if (!isValidUtf8(value)) {
            row.problems.push_back({name, "encoding", where() + "field " + name +
                                                          ": not valid UTF-8; use --encoding gb18030 for GBK/GB18030 exports"});
            value.clear();
        }
    if (_syntaxFailed) {
        // Resynchronise: JSON Lines at the next line; an array cannot be, so stop there.
        if (_array) {
            row.problems.back().message += "; the rest of the file was not read";
            _finished = true;
        } else {
            for (int c = _in.get(); c >= 0 && c != '\n'; c = _in.get()) {
            }
        }
    }
    return true;
}

bool JsonRowReader::parseObject(const std::string& path, SourceRow& row, int depth) {
    if (depth > kMaxDepth) return fail(row, "nested deeper than 64 levels"), false;
    _in.get();  // {
    skipBlanks();
    if (_in.peek() == '}') {
        _in.get();
        if (!path.empty()) row.columns.emplace_back(path, "");
        return true;
    }
    for (;;) {
        skipBlanks();
        if (_in.peek() != '"') return fail(row, "expected a quoted field name"), false;
        auto key = parseString(row, path);
        if (!key) return false;
        skipBlanks();
        if (_in.get() != ':') return fail(row, "expected : after field name \"" + *key + "\""), false;
        skipBlanks();
        if (!parseValue(path.empty() ? *key : path + "." + *key, row, depth + 1)) return false;
        skipBlanks();
        int c = _in.get();
        if (c == '}') return true;
        if (c != ',') return fail(row, "expected , or } in an object"), false;
    }
}

bool JsonRowReader::parseArray(const std::string& path, SourceRow& row, int depth) {
    if (depth > kMaxDepth) return fail(row, "nested deeper than 64 levels"), false;
    _in.get();  // [
    skipBlanks();
    if (_in.peek() == ']') {
        _in.get();
        row.columns.emplace_back(path, "");
        return true;
    }
    for (std::size_t index = 0;; ++index) {
        skipBlanks();
        if (!parseValue(path + "[" + std::to_string(index) + "]", row, depth + 1)) return false;
        skipBlanks();
        int c = _in.get();
        if (c == ']') return true;
        if (c != ',') return fail(row, "expected , or ] in an array"), false;
    }
}

bool JsonRowReader::parseValue(const std::string& path, SourceRow& row, int depth) {
    int c = _in.peek();
    if (c == '{') return parseObject(path, row, depth);
    if (c == '[') return parseArray(path, row, depth);
    if (c == '"') {
        auto text = parseString(row, path);
        if (!text) return false;
        row.columns.emplace_back(path, std::move(*text));
        return true;
    }
    auto literal = parseLiteral();
    if (!literal) return fail(row, "field " + path + ": expected a value (string, number, true, false or null)"), false;
    row.columns.emplace_back(path, std::move(*literal));
    return true;
}

std::optional<std::string> JsonRowReader::parseString(SourceRow& row, const std::string& path) {
    _in.get();  // "
    std::string out;
    bool cut = false;
    auto put = [&](const std::string& s) {
        if (out.size() + s.size() <= kMaxValueBytes) out += s;
        else cut = true;
    };
    for (;;) {
        int c = _in.get();
        if (c < 0) return fail(row, "a string is never closed; the file may be cut short"), std::nullopt;
        if (c == '"') break;
        if (c == '\n') return fail(row, "a line break inside a string (write it as \\n)"), std::nullopt;
        if (c != '\\') {
            if (out.size() < kMaxValueBytes) out += static_cast<char>(c);
            else cut = true;
            continue;
        }
        int e = _in.get();
        switch (e) {
            case '"': put("\""); break;
            case '\\': put("\\"); break;
            case '/': put("/"); break;
            case 'b': put("\b"); break;
            case 'f': put("\f"); break;
            case 'n': put("\n"); break;
            case 'r': put("\r"); break;
            case 't': put("\t"); break;
            case 'u': {
                auto hex4 = [&]() -> long {
                    std::string h;
                    for (int i = 0; i < 4; ++i) h += static_cast<char>(_in.get());
                    if (h.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos) return -1;
                    return std::stol(h, nullptr, 16);
                };
                long code = hex4();
                if (code < 0) return fail(row, "bad \\u escape"), std::nullopt;
                if (code >= 0xD800 && code <= 0xDBFF) {
                    if (_in.get() != '\\' || _in.get() != 'u') return fail(row, "unpaired surrogate \\u escape"), std::nullopt;
                    long low = hex4();
                    if (low < 0xDC00 || low > 0xDFFF) return fail(row, "unpaired surrogate \\u escape"), std::nullopt;
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
                } else if (code >= 0xDC00 && code <= 0xDFFF) {
                    return fail(row, "unpaired surrogate \\u escape"), std::nullopt;
                }
                std::string s;
                appendUtf8(s, static_cast<unsigned>(code));
                put(s);
                break;
            }
            default: return fail(row, "bad escape \\" + std::string(1, static_cast<char>(e))), std::nullopt;
        }
    }
    if (cut && !path.empty())
        row.problems.push_back({path, "oversized", where() + "field " + path + ": value longer than " +
                                                       std::to_string(kMaxValueBytes) + " bytes; only its start was kept"});
    // A cut may split a character: drop its incomplete tail.
    while (cut && !out.empty() && !isValidUtf8(out)) out.pop_back();
    return out;
}

std::optional<std::string> JsonRowReader::parseLiteral() {
    std::string word;
    for (int c = _in.peek(); c >= 0 && (std::isalnum(c) || c == '-' || c == '+' || c == '.'); c = _in.peek()) {
        word += static_cast<char>(_in.get());
        if (word.size() > 400) return std::nullopt;
    }
    if (word == "true" || word == "false") return word;
    if (word == "null") return std::string();
    if (word.empty() || !(std::isdigit(static_cast<unsigned char>(word[0])) || word[0] == '-')) return std::nullopt;
    std::string plain = plainDecimal(word);
    if (plain.empty()) return std::nullopt;
    return plain;
}

std::string plainDecimal(const std::string& literal) {
    std::size_t i = 0;
    bool negative = literal[0] == '-';
    if (negative) ++i;
    std::string digits;
    long pointAt = -1;
    for (; i < literal.size() && (std::isdigit(static_cast<unsigned char>(literal[i])) || literal[i] == '.'); ++i) {
        if (literal[i] == '.') {
            if (pointAt >= 0) return {};
            pointAt = static_cast<long>(digits.size());
        } else {
            digits += literal[i];
        }
    }
    if (digits.empty()) return {};
    if (pointAt < 0) pointAt = static_cast<long>(digits.size());
    if (i < literal.size()) {
        if (literal[i] != 'e' && literal[i] != 'E') return {};
        std::string exponent = literal.substr(i + 1);
        if (exponent.empty() || exponent.size() > 6 ||
            exponent.find_first_not_of("+-0123456789") != std::string::npos)
            return {};
        pointAt += std::stol(exponent);
    }
    while (pointAt > static_cast<long>(digits.size())) digits += '0';
    while (pointAt < 0) digits.insert(digits.begin(), '0'), ++pointAt;
    std::string integer = digits.substr(0, static_cast<std::size_t>(pointAt));
    std::string fraction = digits.substr(static_cast<std::size_t>(pointAt));
    integer.erase(0, std::min(integer.find_first_not_of('0'), integer.size()));
    if (integer.empty()) integer = "0";
    // Keep the fraction as written ("1.50" stays exact for 万元 with fixed decimals).
    std::string out = integer + (fraction.empty() ? "" : "." + fraction);
    bool zero = out.find_first_not_of("0.") == std::string::npos;
    return (negative && !zero ? "-" : "") + out;
}

}  // namespace creditgw::json
