#pragma once
// The sheet level of the xlsx plugin: streams <row>s of one worksheet with libxml2's
// xmlTextReader (never a DOM of the sheet), finds the header row below title rows, and turns
// cells into text the way the 双公示 standard expects (dates ISO, numbers plain decimals).

#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "XlsxWorkbook.h"
#include "creditgw/SourcePlugin.h"

namespace creditgw::xlsx {

/// Rows among which the header is looked for (title and note rows come first).
inline constexpr std::size_t kHeaderSearchRows = 30;

struct Cell {
    std::size_t column = 0;  ///< 0-based
    std::string value;
    std::string problem;  ///< empty, or why the value could not be read (without the address)
    std::string rule;
};

struct SheetRow {
    std::size_t number = 0;  ///< 1-based row number as Excel shows it
    std::vector<Cell> cells;
    bool blank() const;
};

/// "B" for 1, "AA" for 26 (0-based column index → letters).
std::string columnLetters(std::size_t column);
/// Excel serial day number → "yyyy-MM-dd" or "yyyy-MM-dd HH:mm:ss"; empty with `why` set when
/// the serial is no real date (before 1900-01-01, Excel's phantom 1900-02-29, after 9999).
std::string serialToDate(double serial, bool date1904, std::string& why);
/// A number as the standard wants it: plain decimal, at most 15 significant digits (what Excel
/// keeps), no exponent, no float noise ("1E7" → "10000000", "0.30000000000000004" → "0.3").
std::string plainNumber(double value);

class XlsxRowReader : public RowReader {
public:
    static Result<std::unique_ptr<RowReader>> open(const SourceOptions& options);

    const std::vector<std::string>& header() const override { return _header; }
    bool next(SourceRow& row) override;

private:
    XlsxRowReader() = default;
    Status findHeader();
    /// Reads the next <row> of the sheet; false at the end of sheetData or on an error.
    bool readRow(SheetRow& row);
    Cell readCell();
    std::string cellValue(const std::string& type, const std::string& style, const std::string& raw,
                          bool hasValue, bool hasFormula, Cell& cell) const;
    std::string address(std::size_t column, std::size_t row) const;
    void toSourceRow(const SheetRow& sheetRow, SourceRow& row) const;

    std::string _path;
    std::unique_ptr<Workbook> _book;
    SheetEntry _sheet;
    std::unique_ptr<std::istream> _stream;
    std::unique_ptr<EntryReader> _reader;
    std::vector<std::string> _header;
    std::vector<std::string> _columnNames;  ///< per column index; "" for a column without a name
    std::deque<SheetRow> _pending;          ///< rows read while looking for the header
    std::size_t _headerRow = 0;
    std::size_t _nextRowNumber = 1;
    bool _finished = false;
    bool _errorReported = false;
};

}  // namespace creditgw::xlsx
