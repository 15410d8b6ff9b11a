#include "XlsxRowReader.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <unordered_map>

#include "creditgw/CivilDate.h"

namespace creditgw::xlsx {

namespace {

std::string trimmed(const std::string& text) {
    std::size_t begin = text.find_first_not_of(" \t\r\n");
    if (begin == std::string::npos) return {};
    return text.substr(begin, text.find_last_not_of(" \t\r\n") - begin + 1);
}

/// "B17" → 1 (0-based column); npos when the reference has no letters.
std::size_t columnOf(const std::string& reference) {
    std::size_t column = 0, i = 0;
    for (; i < reference.size() && reference[i] >= 'A' && reference[i] <= 'Z'; ++i)
        column = column * 26 + static_cast<std::size_t>(reference[i] - 'A' + 1);
    return i == 0 ? std::string::npos : column - 1;
}

std::size_t nonEmptyCells(const SheetRow& row) {
    return static_cast<std::size_t>(std::count_if(row.cells.begin(), row.cells.end(),
                                                   [](const Cell& c) { return !trimmed(c.value).empty(); }));
}

}  // namespace

bool SheetRow::blank() const { return nonEmptyCells(*this) == 0 &&
    std::none_of(cells.begin(), cells.end(), [](const Cell& c) { return !c.problem.empty(); }); }

std::string columnLetters(std::size_t column) {
    std::string letters;
    for (std::size_t n = column + 1; n > 0; n = (n - 1) / 26)
        letters.insert(letters.begin(), static_cast<char>('A' + (n - 1) % 26));
    return letters;
}

std::string serialToDate(double serial, bool date1904, std::string& why) {
    if (!std::isfinite(serial) || serial < (date1904 ? 0 : 1) || serial >= 2958466) {
        why = "the date serial " + plainNumber(serial) +
              " is outside Excel's calendar (1900-01-01 to 9999-12-31); enter a real date";
        return {};
    }
    long long days = static_cast<long long>(std::floor(serial));
    long long seconds = std::llround((serial - static_cast<double>(days)) * 86400.0);
    if (seconds >= 86400) ++days, seconds -= 86400;
    if (!date1904 && days == 60) {
        why = "the date serial 60 is 1900-02-29, a day that never existed (Excel's 1900 "
              "leap-year bug); enter the real date";
        return {};
    }
    // Serial 1 is 1900-01-01; from 61 on, Excel counts the phantom 1900-02-29, so subtract it.
    CivilDate base = date1904 ? CivilDate{1904, 1, 1} : days < 60 ? CivilDate{1899, 12, 31} : CivilDate{1899, 12, 30};
    std::string text = base.addDays(days).toIso();
    if (seconds == 0) return text;
    char clock[32];
    std::snprintf(clock, sizeof clock, " %02lld:%02lld:%02lld", seconds / 3600, seconds / 60 % 60, seconds % 60);
    return text + clock;
}

std::string plainNumber(double value) {
    if (value == 0) return "0";
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.14e", std::fabs(value));  // d.dddddddddddddde±XX
    std::string digits;
    digits += buffer[0];
    digits.append(buffer + 2, buffer + 16);
    int exponent = std::atoi(buffer + 17);
    std::string integer, fraction;
    if (exponent >= 0) {
        std::size_t wholeDigits = static_cast<std::size_t>(exponent) + 1;
        if (wholeDigits >= digits.size()) {
            integer = digits + std::string(wholeDigits - digits.size(), '0');
        } else {
            integer = digits.substr(0, wholeDigits);
            fraction = digits.substr(wholeDigits);
        }
    } else {
        integer = "0";
        fraction = std::string(static_cast<std::size_t>(-exponent - 1), '0') + digits;
    }
    while (!fraction.empty() && fraction.back() == '0') fraction.pop_back();
    return (value < 0 ? "-" : "") + integer + (fraction.empty() ? "" : "." + fraction);
}

Result<std::unique_ptr<RowReader>> XlsxRowReader::open(const SourceOptions& options) {
    if (options.path.empty())
        return Status::invalidArgument("xlsx source: no input file given; set the source's path");
    std::unique_ptr<XlsxRowReader> reader(new XlsxRowReader());
    reader->_path = options.path;
    auto book = Workbook::open(options.path);
    if (!book) return book.status();
    reader->_book = std::move(*book);
    auto sheet = reader->_book->sheet(options.sheet);
    if (!sheet) return sheet.status();
    reader->_sheet = *sheet;
    auto stream = reader->_book->entry(sheet->part);
    if (!stream) return stream.status();
    reader->_stream = std::move(*stream);
    reader->_reader = std::make_unique<EntryReader>(*reader->_stream, sheet->part);
    if (Status header = reader->findHeader(); !header) return header;
    return std::unique_ptr<RowReader>(std::move(reader));
}

std::string XlsxRowReader::address(std::size_t column, std::size_t row) const {
    return _sheet.name + "!" + columnLetters(column) + std::to_string(row);
}

Status XlsxRowReader::findHeader() {
    SheetRow row;
    while (_pending.size() < kHeaderSearchRows && readRow(row))
        if (!row.blank()) _pending.push_back(std::move(row));
    if (std::string error = _reader->error(); !error.empty())
        return Status::invalidArgument(_path + ": sheet \"" + _sheet.name + "\": " + error +
                                       "; save the workbook again in Excel or WPS");
    std::size_t widest = 0;
    for (const auto& r : _pending) widest = std::max(widest, nonEmptyCells(r));
    // Title rows (one merged cell) and notes sit above the header; the header is the first row
    // that fills most of the columns the table uses.
    auto header = std::find_if(_pending.begin(), _pending.end(), [&](const SheetRow& r) {
        std::size_t n = nonEmptyCells(r);
        return n >= 2 && n * 10 >= widest * 6;
    });
    if (header == _pending.end())
        return Status::invalidArgument(_path + ": sheet \"" + _sheet.name + "\": no header row in the first " +
                                       std::to_string(kHeaderSearchRows) +
                                       " rows (a row of column names such as 行政相对人名称, 决定文书号); "
                                       "choose the sheet with --sheet or add the header row");
    _headerRow = header->number;
    std::unordered_map<std::string, std::size_t> seen;
    for (const Cell& cell : header->cells) {
        std::string name = trimmed(cell.value);
        if (cell.column >= _columnNames.size()) _columnNames.resize(cell.column + 1);
        if (name.empty()) continue;
        if (!cell.problem.empty())
            return Status::invalidArgument(_path + ": " + address(cell.column, _headerRow) + ": header: " + cell.problem);
        if (name.starts_with("*")) name = trimmed(name.substr(1));  // "*行政相对人名称": required marker
        auto [it, inserted] = seen.emplace(name, cell.column);
        if (!inserted)
            return Status::invalidArgument(_path + ": " + address(cell.column, _headerRow) + ": header: column \"" +
                                           name + "\" repeats column " + columnLetters(it->second) +
                                           "; column names must be unique");
        _columnNames[cell.column] = name;
        _header.push_back(name);
    }
    _pending.erase(_pending.begin(), header + 1);
    return Status::ok();
}

bool XlsxRowReader::readRow(SheetRow& row) {
    row = SheetRow();
    while (_reader->read()) {
        if (!_reader->isElement()) {
            if (_reader->isEndElement() && _reader->name() == "sheetData") return false;
            continue;
        }
        if (_reader->name() != "row") continue;
        std::string r = _reader->attribute("r");
        row.number = r.empty() ? _nextRowNumber : std::strtoul(r.c_str(), nullptr, 10);
        _nextRowNumber = row.number + 1;
        if (_reader->isEmptyElement()) return true;
        int depth = _reader->depth();
        std::size_t nextColumn = 0;
        while (_reader->read()) {
            if (_reader->isEndElement() && _reader->depth() == depth) break;
            if (!_reader->isElement() || _reader->name() != "c") continue;
            std::string reference = _reader->attribute("r");
            Cell cell = readCell();
            std::size_t column = columnOf(reference);
            cell.column = column == std::string::npos ? nextColumn : column;
            nextColumn = cell.column + 1;
            row.cells.push_back(std::move(cell));
        }
        return true;
    }
    return false;
}

Cell XlsxRowReader::readCell() {
    Cell cell;
    std::string type = _reader->attribute("t");
    std::string style = _reader->attribute("s");
    if (_reader->isEmptyElement()) return cell;
    int depth = _reader->depth();
    std::string raw, inlineText;
    bool hasValue = false, hasFormula = false, inPhonetic = false;
    while (_reader->read()) {
        if (_reader->isEndElement() && _reader->depth() == depth) break;
        std::string name = _reader->name();
        if (name == "rPh") inPhonetic = _reader->isElement() && !_reader->isEmptyElement();
        if (!_reader->isElement()) continue;
        if (name == "v") {
            raw = _reader->text();
            hasValue = true;
        } else if (name == "f") {
            hasFormula = true;
            if (!_reader->isEmptyElement()) _reader->text();
        } else if (name == "t" && !inPhonetic) {
            inlineText += _reader->text();
            hasValue = true;
        }
    }
    if (type == "inlineStr") raw = inlineText;
    cell.value = cellValue(type, style, raw, hasValue, hasFormula, cell);
    return cell;
}

std::string XlsxRowReader::cellValue(const std::string& type, const std::string& style, const std::string& raw,
                                     bool hasValue, bool hasFormula, Cell& cell) const {
    auto fail = [&](const char* rule, std::string why) {
        cell.rule = rule;
        cell.problem = std::move(why);
        return std::string();
    };
    if (hasFormula && (!hasValue || (raw.empty() && type != "str")))
        return fail("formula", "formula cell without a saved result; open the workbook in Excel or WPS, "
                               "recalculate and save it (or paste the values)");
    if (type == "s") {
        auto text = _book->sharedStrings().at(std::strtoul(raw.c_str(), nullptr, 10));
        if (!text) return fail("xlsx", "refers to shared string " + raw + ", which the workbook does not have");
        return *text;
    }
    if (type == "inlineStr" || type == "str") return decodeEscapes(raw);
    if (type == "b") return raw == "1" ? "TRUE" : "FALSE";
    if (type == "e") return fail(hasFormula ? "formula" : "cell_error", "the cell shows the error " + raw +
                                                                       "; correct the formula or the value");
    if (type == "d") {
        std::string iso = raw;
        std::replace(iso.begin(), iso.end(), 'T', ' ');
        if (iso.size() > 10 && iso.substr(10) == " 00:00:00") iso.resize(10);
        return iso;
    }
    if (!hasValue || raw.empty()) return {};
    char* end = nullptr;
    double number = std::strtod(raw.c_str(), &end);
    if (end == raw.c_str() || *end != '\0' || !std::isfinite(number))
        return fail("number", "\"" + raw + "\" is not a number although the cell says it is one");
    std::size_t styleIndex = style.empty() ? 0 : std::strtoul(style.c_str(), nullptr, 10);
    if (_book->isDateStyle(styleIndex)) {
        std::string why;
        std::string date = serialToDate(number, _book->date1904(), why);
        if (date.empty()) return fail("date", why);
        return date;
    }
    if (std::fabs(number) >= 1e15)
        return fail("number", "the number " + plainNumber(number) +
                                  " has more than 15 digits, which Excel cannot keep (a 身份证号 or code "
                                  "typed as a number loses its last digits); format the column as text "
                                  "and enter the value again");
    return plainNumber(number);
}

bool XlsxRowReader::next(SourceRow& row) {
    row = SourceRow();
    row.file = _path;
    if (_finished) return false;
    SheetRow sheetRow;
    for (;;) {
        if (!_pending.empty()) {
            sheetRow = std::move(_pending.front());
            _pending.pop_front();
        } else if (!readRow(sheetRow)) {
            _finished = true;
            std::string error = _reader->error();
            if (error.empty()) return false;
            row.line = _nextRowNumber - 1;
            row.problems.push_back({"", "io", _path + ": sheet \"" + _sheet.name + "\": reading stopped after row " +
                                                  std::to_string(row.line) + ": " + error +
                                                  "; the rest of the sheet was not read"});
            return true;
        }
        if (!sheetRow.blank()) break;  // empty rows, also the formatted ones after the data
    }
    toSourceRow(sheetRow, row);
    return true;
}

void XlsxRowReader::toSourceRow(const SheetRow& sheetRow, SourceRow& row) const {
    row.line = sheetRow.number;
    std::vector<const Cell*> byColumn(_columnNames.size(), nullptr);
    for (const Cell& cell : sheetRow.cells) {
        std::string where = _path + ": " + address(cell.column, sheetRow.number) + ": ";
        bool named = cell.column < _columnNames.size() && !_columnNames[cell.column].empty();
        if (!named) {
            if (!trimmed(cell.value).empty() || !cell.problem.empty())
                row.problems.push_back({"", "columns", where + "a value in a column without a header (row " +
                                                           std::to_string(_headerRow) +
                                                           "); give the column a name or move the value"});
            continue;
        }
        byColumn[cell.column] = &cell;
        if (!cell.problem.empty())
            row.problems.push_back({_columnNames[cell.column], cell.rule,
                                    where + "column " + _columnNames[cell.column] + ": " + cell.problem});
    }
    for (std::size_t c = 0; c < _columnNames.size(); ++c)
        if (!_columnNames[c].empty()) {
            row.columns.emplace_back(_columnNames[c], byColumn[c] ? byColumn[c]->value : "");
            row.locations.push_back(address(c, sheetRow.number));
        }
}

}  // namespace creditgw::xlsx
