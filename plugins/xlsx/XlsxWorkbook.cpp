#include "XlsxWorkbook.h"

#include <Poco/Exception.h>
#include <Poco/Zip/ZipStream.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <unistd.h>

namespace creditgw::xlsx {

namespace {

std::string damaged(const std::string& path, const std::string& why) {
    return path + ": not a readable Excel workbook (.xlsx): " + why +
           "; open it in Excel or WPS and save it again as .xlsx (Excel 97-2003 .xls files must be "
           "saved as .xlsx first)";
}

int temporaryFile() {
    std::FILE* f = std::tmpfile();
    if (!f) return -1;
    int fd = ::dup(::fileno(f));
    std::fclose(f);  // the dup keeps the unlinked file alive until it is closed
    return fd;
}

Status writeAll(int fd, const std::string& bytes) {
    std::size_t done = 0;
    while (done < bytes.size()) {
        ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (n <= 0) return Status::permanent(std::string("temporary file: ") + std::strerror(errno));
        done += static_cast<std::size_t>(n);
    }
    return Status::ok();
}

bool readAt(int fd, void* buffer, std::size_t size, std::uint64_t offset) {
    auto* out = static_cast<char*>(buffer);
    while (size > 0) {
        ssize_t n = ::pread(fd, out, size, static_cast<off_t>(offset));
        if (n <= 0) return false;
        out += n;
        size -= static_cast<std::size_t>(n);
        offset += static_cast<std::uint64_t>(n);
    }
    return true;
}

/// "worksheets/sheet1.xml" relative to xl/, or "/xl/worksheets/sheet1.xml".
std::string resolvePart(const std::string& target) {
    if (!target.empty() && target[0] == '/') return target.substr(1);
    return "xl/" + target;
}

/// A ZIP ends with its central directory record (signature PK\5\6, within the last 64 KiB + 22
/// bytes); a file cut short by an interrupted copy has none.
bool hasCentralDirectory(std::ifstream& file) {
    file.seekg(0, std::ios::end);
    std::streamoff size = file.tellg();
    std::streamoff tail = std::min<std::streamoff>(size, 65557);
    std::string bytes(static_cast<std::size_t>(tail), '\0');
    file.seekg(size - tail);
    file.read(bytes.data(), tail);
    file.clear();
    file.seekg(0);
    return bytes.rfind(std::string("PK\x05\x06", 4)) != std::string::npos;
}

void collectError(void* context, xmlErrorPtr error) {
    auto* message = static_cast<std::string*>(context);
    if (!message->empty() || !error || !error->message) return;
    *message = error->message;
    while (!message->empty() && (message->back() == '\n' || message->back() == ' ')) message->pop_back();
    *message += " (XML line " + std::to_string(error->line) + ")";
}

}  // namespace

// ---- EntryReader ----------------------------------------------------------------------------

EntryReader::EntryReader(std::istream& in, const std::string& name) : _in(in), _name(name) {
    _reader = xmlReaderForIO(&EntryReader::readCallback, nullptr, this, name.c_str(), nullptr,
                             XML_PARSE_NONET | XML_PARSE_HUGE);
    // Errors go into the message of the problem, not to stderr.
    if (_reader) xmlTextReaderSetStructuredErrorHandler(_reader, &collectError, &_xmlError);
}

EntryReader::~EntryReader() {
    if (_reader) xmlFreeTextReader(_reader);
}

int EntryReader::readCallback(void* context, char* buffer, int length) {
    auto* self = static_cast<EntryReader*>(context);
    try {
        self->_in.read(buffer, length);
        if (self->_in.bad()) {
            self->_streamError = "the compressed data is damaged";
            return -1;
        }
        return static_cast<int>(self->_in.gcount());
    } catch (const Poco::Exception& e) {
        self->_streamError = e.displayText();
    } catch (const std::exception& e) {
        self->_streamError = e.what();
    }
    return -1;
}

bool EntryReader::read() {
    if (!_reader || _failed) return false;
    int rc = xmlTextReaderRead(_reader);
    if (rc < 0) _failed = true;
    return rc == 1;
}

std::string EntryReader::name() const {
    const xmlChar* n = xmlTextReaderConstLocalName(_reader);
    return n ? reinterpret_cast<const char*>(n) : "";
}
bool EntryReader::isElement() const { return xmlTextReaderNodeType(_reader) == XML_READER_TYPE_ELEMENT; }
bool EntryReader::isEndElement() const {
    return xmlTextReaderNodeType(_reader) == XML_READER_TYPE_END_ELEMENT;
}
bool EntryReader::isEmptyElement() const { return xmlTextReaderIsEmptyElement(_reader) == 1; }
int EntryReader::depth() const { return xmlTextReaderDepth(_reader); }

std::string EntryReader::attribute(const char* name) const {
    xmlChar* value = xmlTextReaderGetAttribute(_reader, reinterpret_cast<const xmlChar*>(name));
    if (!value) return {};
    std::string out(reinterpret_cast<const char*>(value));
    xmlFree(value);
    return out;
}

std::string EntryReader::text() {
    if (isEmptyElement()) return {};
    std::string out;
    int start = depth();
    while (read()) {
        int type = xmlTextReaderNodeType(_reader);
        if (type == XML_READER_TYPE_END_ELEMENT && depth() == start) break;
        if (type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE ||
            type == XML_READER_TYPE_WHITESPACE || type == XML_READER_TYPE_CDATA) {
            const xmlChar* v = xmlTextReaderConstValue(_reader);
            if (v) out += reinterpret_cast<const char*>(v);
        }
    }
    return out;
}

std::string EntryReader::error() const {
    if (!_reader) return _name + ": cannot start the XML reader";
    if (!_streamError.empty()) return _name + ": " + _streamError;
    if (!_failed) return {};
    return _name + ": " + (_xmlError.empty() ? std::string("malformed XML") : _xmlError);
}

// ---- SharedStrings --------------------------------------------------------------------------

SharedStrings::SharedStrings() : _dataFd(temporaryFile()), _indexFd(temporaryFile()) {}

SharedStrings::~SharedStrings() {
    if (_dataFd >= 0) ::close(_dataFd);
    if (_indexFd >= 0) ::close(_indexFd);
}

Status SharedStrings::add(const std::string& text) {
    if (_dataFd < 0 || _indexFd < 0)
        return Status::permanent("cannot create a temporary file for the shared strings; check TMPDIR");
    char entry[16];
    std::uint64_t length = text.size();
    std::memcpy(entry, &_offset, 8);
    std::memcpy(entry + 8, &length, 8);
    _indexBuffer.append(entry, 16);
    _dataBuffer += text;
    _offset += length;
    ++_count;
    return _dataBuffer.size() > (1u << 20) ? flush() : Status::ok();
}

Status SharedStrings::flush() {
    if (Status s = writeAll(_dataFd, _dataBuffer); !s) return s;
    if (Status s = writeAll(_indexFd, _indexBuffer); !s) return s;
    _dataBuffer.clear();
    _indexBuffer.clear();
    return Status::ok();
}

Status SharedStrings::finish() { return _count == 0 ? Status::ok() : flush(); }

std::optional<std::string> SharedStrings::at(std::size_t index) const {
    if (index >= _count) return std::nullopt;
    std::uint64_t entry[2];
    if (!readAt(_indexFd, entry, sizeof entry, static_cast<std::uint64_t>(index) * 16)) return std::nullopt;
    std::string text(entry[1], '\0');
    if (entry[1] > 0 && !readAt(_dataFd, text.data(), entry[1], entry[0])) return std::nullopt;
    return text;
}

// ---- Workbook -------------------------------------------------------------------------------

Result<std::unique_ptr<Workbook>> Workbook::open(const std::string& path) {
    std::unique_ptr<Workbook> book(new Workbook(path));
    book->_file.open(path, std::ios::binary);
    if (!book->_file) return Status::notFound(path + ": no such file or not readable");
    if (!hasCentralDirectory(book->_file))
        return Status::invalidArgument(damaged(path, "broken ZIP container: no central directory at its end "
                                                     "(the file is cut short or is not a ZIP at all)"));
    try {
        book->_archive = std::make_unique<Poco::Zip::ZipArchive>(book->_file);
    } catch (const Poco::Exception& e) {
        return Status::invalidArgument(damaged(path, "broken ZIP container (" + e.displayText() + ")"));
    } catch (const std::exception& e) {
        return Status::invalidArgument(damaged(path, std::string("broken ZIP container (") + e.what() + ")"));
    }
    for (Status step : {book->readWorkbook(), book->readStyles(), book->readSharedStrings()})
        if (!step) return step;
    return book;
}

Result<std::unique_ptr<std::istream>> Workbook::entry(const std::string& part) {
    auto header = _archive->findHeader(part);
    if (header == _archive->headerEnd())
        return Status::notFound(damaged(_path, "the part " + part + " is missing"));
    try {
        _current.reset();
        _file.clear();
        auto stream = std::make_unique<Poco::Zip::ZipInputStream>(_file, header->second, true);
        return std::unique_ptr<std::istream>(std::move(stream));
    } catch (const Poco::Exception& e) {
        return Status::invalidArgument(damaged(_path, part + ": " + e.displayText()));
    }
}

std::map<std::string, std::string> Workbook::readRelationships(const std::string& part) {
    std::map<std::string, std::string> targets;
    auto in = entry(part);
    if (!in) return targets;
    EntryReader reader(**in, part);
    while (reader.read())
        if (reader.isElement() && reader.name() == "Relationship")
            targets[reader.attribute("Id")] = reader.attribute("Target");
    return targets;
}

Status Workbook::readWorkbook() {
    auto relationships = readRelationships("xl/_rels/workbook.xml.rels");
    auto in = entry("xl/workbook.xml");
    if (!in) return in.status();
    EntryReader reader(**in, "xl/workbook.xml");
    while (reader.read()) {
        if (!reader.isElement()) continue;
        std::string name = reader.name();
        if (name == "workbookPr") {
            std::string d = reader.attribute("date1904");
            _date1904 = d == "1" || d == "true";
        } else if (name == "sheet") {
            std::string id = reader.attribute("r:id");
            if (id.empty()) id = reader.attribute("id");
            auto target = relationships.find(id);
            if (target == relationships.end()) continue;  // a chart sheet or a broken link
            _sheets.push_back({reader.attribute("name"), resolvePart(target->second)});
        }
    }
    if (std::string error = reader.error(); !error.empty())
        return Status::invalidArgument(damaged(_path, error));
    if (_sheets.empty()) return Status::invalidArgument(damaged(_path, "the workbook lists no worksheet"));
    return Status::ok();
}

Status Workbook::readStyles() {
    auto in = entry("xl/styles.xml");
    if (!in) return Status::ok();  // no styles: no date formats, every number is a number
    EntryReader reader(**in, "xl/styles.xml");
    std::map<int, std::string> customFormats;
    bool inCellXfs = false;
    while (reader.read()) {
        std::string name = reader.name();
        if (reader.isEndElement() && name == "cellXfs") inCellXfs = false;
        if (!reader.isElement()) continue;
        if (name == "numFmt") {
            customFormats[std::atoi(reader.attribute("numFmtId").c_str())] = reader.attribute("formatCode");
        } else if (name == "cellXfs") {
            inCellXfs = !reader.isEmptyElement();
        } else if (name == "xf" && inCellXfs) {
            int id = std::atoi(reader.attribute("numFmtId").c_str());
            auto custom = customFormats.find(id);
            _dateStyles.push_back(isDateFormat(id, custom == customFormats.end() ? "" : custom->second));
        }
    }
    if (std::string error = reader.error(); !error.empty())
        return Status::invalidArgument(damaged(_path, error));
    return Status::ok();
}

Status Workbook::readSharedStrings() {
    auto in = entry("xl/sharedStrings.xml");
    if (!in) return Status::ok();  // writers with inline strings need none
    EntryReader reader(**in, "xl/sharedStrings.xml");
    std::string current;
    bool inItem = false;
    bool inPhonetic = false;  // phonetic guides (rPh) are not part of the value
    while (reader.read()) {
        std::string name = reader.name();
        if (name == "rPh") {
            inPhonetic = reader.isElement() && !reader.isEmptyElement();
        } else if (reader.isElement() && name == "si") {
            current.clear();
            inItem = true;
            if (reader.isEmptyElement()) {
                inItem = false;
                if (Status s = _strings.add(""); !s) return s;
            }
        } else if (reader.isEndElement() && name == "si" && inItem) {
            inItem = false;
            if (Status s = _strings.add(decodeEscapes(current)); !s) return s;
        } else if (reader.isElement() && name == "t" && inItem && !inPhonetic) {
            current += reader.text();
        }
    }
    if (std::string error = reader.error(); !error.empty())
        return Status::invalidArgument(damaged(_path, error));
    return _strings.finish();
}

Result<SheetEntry> Workbook::sheet(const std::string& selector) const {
    if (selector.empty()) return _sheets.front();
    for (const auto& s : _sheets)
        if (s.name == selector) return s;
    bool digits = selector.find_first_not_of("0123456789") == std::string::npos;
    if (digits) {
        std::size_t index = std::stoul(selector);
        if (index >= 1 && index <= _sheets.size()) return _sheets[index - 1];
    }
    std::string known;
    for (std::size_t i = 0; i < _sheets.size(); ++i)
        known += (i ? ", " : "") + std::to_string(i + 1) + " \"" + _sheets[i].name + "\"";
    return Status::invalidArgument(_path + ": --sheet " + selector + ": no such sheet; the workbook has " + known);
}

// ---- formats --------------------------------------------------------------------------------

bool isDateFormat(int id, const std::string& code) {
    if ((id >= 14 && id <= 22) || (id >= 27 && id <= 36) || (id >= 45 && id <= 47) ||
        (id >= 50 && id <= 58))
        return true;
    if (code.empty()) return false;
    // Look at the format code outside quoted text, [colour]/[locale] brackets and \escapes.
    bool quoted = false, bracket = false;
    for (std::size_t i = 0; i < code.size(); ++i) {
        char c = code[i];
        if (quoted) {
            quoted = c != '"';
            continue;
        }
        if (bracket) {
            bracket = c != ']';
            continue;
        }
        if (c == '"') quoted = true;
        else if (c == '[') bracket = true;
        else if (c == '\\' || c == '_' || c == '*') ++i;
        else if (std::strchr("ymdhsYMDHS", c)) return true;
    }
    return false;
}

std::string decodeEscapes(const std::string& text) {
    if (text.find("_x") == std::string::npos) return text;
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text.compare(i, 2, "_x") == 0 && i + 6 < text.size() && text[i + 6] == '_') {
            std::string hex = text.substr(i + 2, 4);
            if (hex.find_first_not_of("0123456789abcdefABCDEF") == std::string::npos) {
                unsigned code = static_cast<unsigned>(std::stoul(hex, nullptr, 16));
                if (code < 0x80) {
                    out += static_cast<char>(code);
                } else if (code < 0x800) {
                    out += static_cast<char>(0xC0 | (code >> 6));
                    out += static_cast<char>(0x80 | (code & 0x3F));
                } else {
                    out += static_cast<char>(0xE0 | (code >> 12));
                    out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
                    out += static_cast<char>(0x80 | (code & 0x3F));
                }
                i += 6;
                continue;
            }
        }
        out += text[i];
    }
    return out;
}

}  // namespace creditgw::xlsx
