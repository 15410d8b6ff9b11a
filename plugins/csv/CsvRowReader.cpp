#include "CsvRowReader.h"

#include <exception>
#include <unordered_map>

#include "creditgw/Utf8.h"

namespace creditgw::csv {

namespace {

constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";

std::string trimmedName(std::string name) {
    std::size_t begin = name.find_first_not_of(" \t\r\n");
    if (begin == std::string::npos) return {};
    std::size_t end = name.find_last_not_of(" \t\r\n");
    return name.substr(begin, end - begin + 1);
}

std::string delimiterName(char delimiter) { return delimiter == '\t' ? "tab" : "comma"; }

}  // namespace

CsvRowReader::CsvRowReader(std::string path, TextDecoder decoder)
    : _path(std::move(path)), _decoder(std::move(decoder)) {}

Result<std::unique_ptr<RowReader>> CsvRowReader::open(const SourceOptions& options) {
    if (options.path.empty())
        return Status::invalidArgument("csv source: no input file given; set the source's path");
    Result<TextDecoder> decoder = TextDecoder::create(options.encoding);
    if (!decoder)
        return Status::invalidArgument(options.path + ": " + decoder.status().message());
    std::unique_ptr<CsvRowReader> reader(new CsvRowReader(options.path, std::move(*decoder)));
    if (reader->_decoder.encoding() == "UTF-8") {
        Result<TextDecoder> alternative = TextDecoder::create("gb18030");
        if (alternative) reader->_alternative.emplace(std::move(*alternative));
    }
    if (Status opened = reader->_tokenizer.open(options.path); !opened) return opened;
    if (Status header = reader->readHeader(); !header) return header;
    return std::unique_ptr<RowReader>(std::move(reader));
}

Status CsvRowReader::readHeader() {
    if (_tokenizer.skipUtf8Bom() && _decoder.encoding() != "UTF-8")
        return Status::invalidArgument(_path + ":1: the file starts with a UTF-8 byte order mark "
                                       "but is being read as " + _decoder.encoding() +
                                       "; use --encoding utf-8");
    _delimiter = _tokenizer.detectDelimiter();
    _tokenizer.setDelimiter(_delimiter);
    _tokenizer.skipUtf8Bom();  // detectDelimiter rewound to the start of the file

    bool found = false;
    while ((found = _tokenizer.next(_record, kMaxColumns)) && _record.blank) {
    }
    if (!_tokenizer.readError().empty())
        return Status::permanent(_path + ": read error: " + _tokenizer.readError());
    if (!found)
        return Status::invalidArgument(_path + ": the file is empty; expected a header line "
                                       "with the column names");
    _headerLine = _lastLine = _record.line;
    const std::string where = _path + ":" + std::to_string(_headerLine) + ": header: ";
    if (_record.fieldCount > kMaxColumns)
        return Status::invalidArgument(where + std::to_string(_record.fieldCount) +
                                       " columns, more than the " + std::to_string(kMaxColumns) +
                                       " allowed; is this a CSV file?");
    if (_record.unterminatedField != 0)
        return Status::invalidArgument(where + "the quote of column " +
                                       std::to_string(_record.unterminatedField) +
                                       " is never closed; close it or escape it as \"\"");

    std::unordered_map<std::string, std::size_t> seen;
    for (std::size_t i = 0; i < _record.kept; ++i) {
        const RawField& field = _record.fields[i];
        const std::string column = "column " + std::to_string(i + 1);
        if (field.size > kMaxFieldBytes)
            return Status::invalidArgument(where + column + " is longer than " +
                                           std::to_string(kMaxFieldBytes) +
                                           " bytes; is this a CSV file with a header line?");
        Result<std::string> name = _decoder.toUtf8(field.bytes);
        if (!name)
            return Status::invalidArgument(
                encodingProblem(field, "header: " + column, name.status()));
        std::string text = trimmedName(std::move(*name));
        // A GB18030 file may carry its own encoding of U+FEFF.
        if (i == 0 && text.starts_with(kByteOrderMark)) text = trimmedName(text.substr(3));
        if (text.empty())
            return Status::invalidArgument(where + column + " has no name; every column needs "
                                           "one (delete empty trailing columns in the spreadsheet)");
        auto [it, inserted] = seen.emplace(text, i + 1);
        if (!inserted)
            return Status::invalidArgument(where + column + " \"" + text + "\" repeats column " +
                                           std::to_string(it->second) +
                                           "; column names must be unique");
        _header.push_back(std::move(text));
    }
    return Status::ok();
}

bool CsvRowReader::nextContentRecord() {
    while (_tokenizer.next(_record, _header.size()))
        if (!_record.blank) return true;
    return false;
}

bool CsvRowReader::next(SourceRow& row) {
    row.file = _path;
    row.line = 0;
    row.columns.clear();
    row.problems.clear();
    if (_finished) return false;
    try {
        return readRow(row);
    } catch (const std::exception& e) {
        // Only allocation failures can get here; stop rather than return half-read rows.
        _finished = true;
        row.problems.push_back({"", "io", _path + ":" + std::to_string(_lastLine) +
                                              ": reading stopped: " + e.what()});
        return true;
    }
}

bool CsvRowReader::readRow(SourceRow& row) {
    if (!nextContentRecord()) {
        _finished = true;
        if (_tokenizer.readError().empty()) return false;
        reportReadError(row, false);
        return true;
    }
    row.line = _lastLine = _record.line;
    row.columns.reserve(_header.size());
    for (std::size_t i = 0; i < _header.size(); ++i) {
        std::string value =
            i < _record.kept ? decodeField(_record.fields[i], _header[i], row.problems) : "";
        row.columns.emplace_back(_header[i], std::move(value));
    }
    addRecordProblems(row);
    if (!_tokenizer.readError().empty()) reportReadError(row, true);
    return true;
}

void CsvRowReader::addRecordProblems(SourceRow& row) const {
    const std::string where = _path + ":" + std::to_string(row.line) + ": ";
    if (_record.fieldCount != _header.size())
        row.problems.push_back(
            {"", "columns",
             where + "expected " + std::to_string(_header.size()) +
                 " columns as in the header (line " + std::to_string(_headerLine) + "), found " +
                 std::to_string(_record.fieldCount) + "; check for a " +
                 delimiterName(_delimiter) + " inside a value that is not quoted, or a missing one"});
    if (_record.unterminatedField == 0) return;
    std::size_t index = _record.unterminatedField - 1;
    std::string column = columnName(index);
    row.problems.push_back(
        {index < _header.size() ? column : std::string(), "syntax",
         where + "column " + column + ": the quote opened on line " +
             std::to_string(_record.unterminatedLine) +
             " is never closed, so the rest of the file was read into this value; close it, or "
             "write a quote inside a quoted value as \"\""});
}

std::string CsvRowReader::decodeField(const RawField& field, const std::string& column,
                                      std::vector<Violation>& problems) const {
    const std::string where = _path + ":" + std::to_string(field.line) + ": column " + column + ": ";
    if (field.textAfterQuote)
        problems.push_back({column, "syntax",
                            where + "text after the closing quote; write a quote inside a "
                                    "quoted value as \"\""});
    std::string_view bytes = field.bytes;
    Result<std::string> text = _decoder.toUtf8(bytes);
    if (field.size > kMaxFieldBytes) {
        problems.push_back({column, "oversized",
                            where + "value is " + std::to_string(field.size) +
                                " bytes, more than the " + std::to_string(kMaxFieldBytes) +
                                " allowed; only its start was kept. Shorten it, or check for "
                                "an unclosed quote before it"});
        // The cut may have split a character: drop its leading bytes (at most three).
        for (int drop = 1; !text && drop <= 3 && bytes.size() > 0; ++drop) {
            bytes.remove_suffix(1);
            text = _decoder.toUtf8(bytes);
        }
    }
    if (text) return std::move(*text);
    problems.push_back(
        {column, "encoding", encodingProblem(field, "column " + column, text.status())});
    return {};
}

std::string CsvRowReader::encodingProblem(const RawField& field, const std::string& where,
                                          const Status& failure) const {
    std::string message = _path + ":" + std::to_string(field.line) + ": " + where + ": " +
                          failure.message() + "; is the file really " + _decoder.encoding() + "? ";
    if (_decoder.encoding() != "UTF-8") {
        if (isValidUtf8(field.bytes)) return message + "This value is valid UTF-8: use --encoding utf-8";
        return message + "Use --encoding utf-8 for UTF-8 files; otherwise the file is damaged here";
    }
    if (_alternative && _alternative->toUtf8(field.bytes))
        return message + "This value reads as GBK/GB18030: use --encoding gb18030";
    return message + "Use --encoding gb18030 for GBK/GB18030 files; otherwise the file is "
                     "damaged here";
}

std::string CsvRowReader::columnName(std::size_t index) const {
    if (index < _header.size()) return _header[index];
    return std::to_string(index + 1) + " (beyond the header)";
}

void CsvRowReader::reportReadError(SourceRow& row, bool haveRow) {
    _finished = true;
    if (!haveRow) row.line = _lastLine;
    row.problems.push_back({"", "io", _path + ":" + std::to_string(_lastLine) +
                                          ": read error after this line: " +
                                          _tokenizer.readError() +
                                          "; the rest of the file was not read"});
}

}  // namespace creditgw::csv
