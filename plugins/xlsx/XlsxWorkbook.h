#pragma once
// The workbook level of the xlsx plugin: the ZIP container (Poco::Zip), the sheet list, the
// styles that make a number a date, and the shared strings (kept in a temporary file, so memory
// does not grow with a 200k-row sheet of unique 文书号).

#include <Poco/Zip/ZipArchive.h>

#include <cstdint>
#include <fstream>
#include <functional>
#include <map>
#include <istream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <libxml/xmlreader.h>

#include "creditgw/Status.h"

namespace creditgw::xlsx {

/// A streaming libxml2 reader over one ZIP entry. Owns the reader; the stream must outlive it.
/// Read errors of the underlying stream (a damaged deflate stream) are kept in `streamError`.
class EntryReader {
public:
    EntryReader(std::istream& in, const std::string& name);
    ~EntryReader();
    EntryReader(const EntryReader&) = delete;
    EntryReader& operator=(const EntryReader&) = delete;

    /// Advances; false at the end or on an error (then error() says why).
    bool read();
    xmlTextReaderPtr get() const { return _reader; }
    /// Local name of the current node, "" for text nodes.
    std::string name() const;
    bool isElement() const;
    bool isEndElement() const;
    bool isEmptyElement() const;
    int depth() const;
    std::string attribute(const char* name) const;
    /// The text content below the current element (reads to its end).
    std::string text();
    std::string error() const;

private:
    static int readCallback(void* context, char* buffer, int length);

    std::istream& _in;
    std::string _name;
    xmlTextReaderPtr _reader = nullptr;
    std::string _streamError;
    std::string _xmlError;
    bool _failed = false;
};

/// One sheet as the workbook lists it.
struct SheetEntry {
    std::string name;
    std::string part;  ///< ZIP entry name, e.g. "xl/worksheets/sheet1.xml"
};

/// Shared strings, written once to an unnamed temporary file and read back by index.
class SharedStrings {
public:
    SharedStrings();
    ~SharedStrings();
    SharedStrings(const SharedStrings&) = delete;
    SharedStrings& operator=(const SharedStrings&) = delete;

    Status add(const std::string& text);
    /// Ends writing; lookups may follow.
    Status finish();
    std::size_t size() const { return _count; }
    /// The string at `index`, or nullopt when there is none.
    std::optional<std::string> at(std::size_t index) const;

private:
    int _dataFd = -1;
    int _indexFd = -1;
    std::uint64_t _offset = 0;
    std::size_t _count = 0;
    std::string _dataBuffer;
    std::string _indexBuffer;
    Status flush();
};

/// An opened .xlsx file. Not thread-safe.
class Workbook {
public:
    /// Opens the ZIP and reads the workbook, styles and shared strings. InvalidArgument with the
    /// file name and what to do for a damaged or non-XLSX file.
    static Result<std::unique_ptr<Workbook>> open(const std::string& path);

    const std::vector<SheetEntry>& sheets() const { return _sheets; }
    /// The sheet named `selector`, or at 1-based index `selector`, or the first when empty.
    Result<SheetEntry> sheet(const std::string& selector) const;
    /// A fresh stream over a ZIP entry; only one may be read at a time.
    Result<std::unique_ptr<std::istream>> entry(const std::string& part);

    bool isDateStyle(std::size_t styleIndex) const {
        return styleIndex < _dateStyles.size() && _dateStyles[styleIndex];
    }
    bool date1904() const { return _date1904; }
    const SharedStrings& sharedStrings() const { return _strings; }
    const std::string& path() const { return _path; }

private:
    explicit Workbook(std::string path) : _path(std::move(path)) {}
    Status readWorkbook();
    Status readStyles();
    Status readSharedStrings();
    std::map<std::string, std::string> readRelationships(const std::string& part);

    std::string _path;
    std::ifstream _file;
    std::unique_ptr<Poco::Zip::ZipArchive> _archive;
    std::unique_ptr<std::istream> _current;
    std::vector<SheetEntry> _sheets;
    std::vector<bool> _dateStyles;  ///< per cellXfs index: number format is a date/time
    bool _date1904 = false;
    SharedStrings _strings;
};

/// True when an Excel number format shows a date or time (builtin id or format code).
bool isDateFormat(int numFmtId, const std::string& formatCode);

/// Decodes the OOXML escape _xHHHH_ (used for control characters) in cell text.
std::string decodeEscapes(const std::string& text);

}  // namespace creditgw::xlsx
