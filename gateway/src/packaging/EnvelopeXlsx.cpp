// The XLSX envelope for platforms that take a spreadsheet upload (national template style):
// libxlsxwriter writes a temp file, which is read back as the batch's bytes.
// Deterministic because libxlsxwriter stamps zip entries with a fixed date and the document's
// creation time comes from the batch header, not the clock.

#include <unistd.h>
#include <xlsxwriter.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>

#include "EnvelopeInternal.h"
#include "creditgw/CivilDate.h"

namespace creditgw::envelope {

namespace {

/// A file made with mkstemps in $TMPDIR (or /tmp), removed when the object dies.
class TempFile {
public:
    static Result<TempFile> create(const std::string& suffix) {
        const char* env = std::getenv("TMPDIR");
        std::string directory = env && *env ? env : "/tmp";
        std::string pattern = directory + "/creditgw-envelope-XXXXXX" + suffix;
        int fd = ::mkstemps(pattern.data(), static_cast<int>(suffix.size()));
        if (fd < 0)
            return Status::transient("cannot create a temporary file in " + directory + ": " +
                                     std::strerror(errno) + "; check TMPDIR and free space");
        ::close(fd);
        return TempFile(std::move(directory), std::move(pattern));
    }
    TempFile(TempFile&& other) noexcept
        : _directory(std::move(other._directory)), _path(std::move(other._path)) {
        other._path.clear();
    }
    TempFile& operator=(TempFile&&) = delete;
    ~TempFile() {
        if (!_path.empty()) ::unlink(_path.c_str());
    }
    const std::string& directory() const { return _directory; }
    const std::string& path() const { return _path; }

private:
    TempFile(std::string directory, std::string path)
        : _directory(std::move(directory)), _path(std::move(path)) {}
    std::string _directory;
    std::string _path;
};

/// Closes (and frees) a workbook that was not closed on the success path.
struct WorkbookCloser {
    void operator()(lxw_workbook* workbook) const { workbook_close(workbook); }
};
using WorkbookPtr = std::unique_ptr<lxw_workbook, WorkbookCloser>;

/// Approximate width in Excel's character units: CJK and other wide characters count two.
double displayWidth(std::string_view text) {
    double width = 0;
    double line = 0;
    const auto* s = reinterpret_cast<const unsigned char*>(text.data());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (s[i] == '\n') {
            width = std::max(width, line);
            line = 0;
        } else if (s[i] < 0x80) {
            line += 1;
        } else if (s[i] >= 0xC0) {
            // Lead bytes of 3/4-byte sequences: U+0800 and up, where CJK lives.
            line += s[i] >= 0xE1 ? 2 : 1;
        }
    }
    return std::max(width, line);
}

std::string libraryError(lxw_error error) {
    return lxw_strerror(error);
}

Result<std::string> readBack(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return Status::transient("cannot read back the XLSX file " + path + ": " +
                                 std::strerror(errno));
    std::ostringstream bytes;
    bytes << in.rdbuf();
    return bytes.str();
}

class SheetWriter {
public:
    SheetWriter(const Batch& batch, lxw_workbook* workbook, lxw_worksheet* sheet)
        : _batch(batch), _sheet(sheet), _widths(batch.columns.size(), 0) {
        // "@" is Excel's Text format: cells typed in later stay text too.
        _text = workbook_add_format(workbook);
        format_set_num_format(_text, "@");
        _bold = workbook_add_format(workbook);
        format_set_num_format(_bold, "@");
        format_set_bold(_bold);
        _date = workbook_add_format(workbook);
        format_set_num_format(_date, "yyyy-mm-dd");
        _number = workbook_add_format(workbook);
        format_set_num_format(_number, "General");
    }

    Status write() {
        for (std::size_t c = 0; c < _batch.columns.size(); ++c) {
            std::string title(headerText(_batch, c));
            if (Status s = cell(0, c, title, _bold, "header of column " + _batch.columns[c].name);
                !s)
                return s;
        }
        std::vector<std::string_view> row;
        for (std::size_t i = 0; i < _batch.records.size(); ++i) {
            if (Status status = arrangeRecord(_batch, i, row); !status) return status;
            for (std::size_t c = 0; c < row.size(); ++c) {
                std::string where =
                    recordLabel(_batch.records[i], i) + ": field " + _batch.columns[c].name;
                if (Status s = typedCell(i + 1, c, std::string(row[c]), where); !s) return s;
            }
        }
        return finishLayout();
    }

private:
    // worksheet_write_string, never a number writer: 文书号 and codes keep their leading zeros.
    Status cell(std::size_t row, std::size_t column, const std::string& value, lxw_format* format,
                const std::string& where) {
        if (row > LXW_ROW_MAX - 1)
            return Status::invalidArgument("the batch has more records than an XLSX sheet holds (" +
                                           std::to_string(LXW_ROW_MAX - 1) +
                                           "); send smaller batches");
        if (value.find('\0') != std::string::npos)
            return Status::invalidArgument(where +
                                           ": a NUL character (U+0000) cannot be written "
                                           "in an XLSX cell; remove it at the source");
        lxw_error error =
            worksheet_write_string(_sheet, static_cast<lxw_row_t>(row),
                                   static_cast<lxw_col_t>(column), value.c_str(), format);
        if (error != LXW_NO_ERROR)
            return Status::invalidArgument(where +
                                           ": cannot write the cell: " + libraryError(error));
        _widths[column] = std::max(_widths[column], displayWidth(value));
        return Status::ok();
    }

    // An export column the template types (xlsxCellTypes): a date cell or a number cell when the
    // value reads as one, text otherwise (a value the rules let through is never lost).
    Status typedCell(std::size_t row, std::size_t column, const std::string& value, const std::string& where) {
        const auto& types = _batch.settings.xlsxCellTypes;
        const std::string type = column < types.size() ? types[column] : "text";
        auto r = static_cast<lxw_row_t>(row);
        auto c = static_cast<lxw_col_t>(column);
        if (type == "date" && !value.empty()) {
            if (auto date = CivilDate::parse(value)) {
                lxw_datetime when{date->year, date->month, date->day, 0, 0, 0};
                return written(worksheet_write_datetime(_sheet, r, c, &when, _date), column, 10, where);
            }
        }
        if ((type == "amount" || type == "number") && isPlainDecimal(value))
            return written(worksheet_write_number(_sheet, r, c, std::strtod(value.c_str(), nullptr), _number), column,
                           displayWidth(value), where);
        return cell(row, column, value, _text, where);
    }

    Status written(lxw_error error, std::size_t column, double width, const std::string& where) {
        if (error != LXW_NO_ERROR)
            return Status::invalidArgument(where + ": cannot write the cell: " + libraryError(error));
        _widths[column] = std::max(_widths[column], width);
        return Status::ok();
    }

    // -?digits[.digits] with at most 15 significant digits: exactly what a double keeps.
    static bool isPlainDecimal(const std::string& value) {
        std::size_t i = value.size() > 1 && value[0] == '-' ? 1 : 0, digits = 0;
        bool point = false;
        if (i >= value.size()) return false;
        for (; i < value.size(); ++i) {
            if (value[i] == '.' && !point && digits > 0) point = true;
            else if (value[i] >= '0' && value[i] <= '9') ++digits;
            else return false;
        }
        return digits > 0 && digits <= 15 && value.back() != '.';
    }

    Status finishLayout() {
        constexpr double kMinWidth = 8, kMaxWidth = 60;
        for (std::size_t c = 0; c < _widths.size(); ++c) {
            double width = std::clamp(_widths[c] + 2, kMinWidth, kMaxWidth);
            lxw_error error = worksheet_set_column(_sheet, static_cast<lxw_col_t>(c),
                                                   static_cast<lxw_col_t>(c), width, _text);
            if (error != LXW_NO_ERROR)
                return Status::invalidArgument("column " + _batch.columns[c].name + ": " +
                                               libraryError(error));
        }
        worksheet_freeze_panes(_sheet, 1, 0);
        return Status::ok();
    }

    const Batch& _batch;
    lxw_worksheet* _sheet;
    lxw_format* _text = nullptr;
    lxw_format* _bold = nullptr;
    lxw_format* _date = nullptr;
    lxw_format* _number = nullptr;
    std::vector<double> _widths;
};

}  // namespace

Result<std::string> writeXlsx(const Batch& batch) {
    Result<long long> createdAt = createdAtSeconds(batch.header);
    if (!createdAt) return createdAt.status();
    if (batch.columns.size() > LXW_COL_MAX)
        return Status::invalidArgument("an XLSX sheet holds at most " +
                                       std::to_string(LXW_COL_MAX) + " columns");
    Result<TempFile> file = TempFile::create(".xlsx");
    if (!file) return file.status();

    lxw_workbook_options options{};
    options.tmpdir = const_cast<char*>(file->directory().c_str());  // libxlsxwriter copies it
    WorkbookPtr workbook(workbook_new_opt(file->path().c_str(), &options));
    if (!workbook)
        return Status::transient("libxlsxwriter cannot create " + file->path() +
                                 " (out of memory?)");
    lxw_doc_properties properties{};
    properties.created = static_cast<time_t>(*createdAt);
    workbook_set_properties(workbook.get(), &properties);

    const std::string& sheetName = batch.settings.sheetName;
    if (lxw_error error = workbook_validate_sheet_name(workbook.get(), sheetName.c_str()))
        return Status::invalidArgument("xlsx sheet name \"" + sheetName +
                                       "\": " + libraryError(error) +
                                       "; use at most 31 characters and none of []:*?/\\");
    lxw_worksheet* sheet = workbook_add_worksheet(workbook.get(), sheetName.c_str());
    if (!sheet) return Status::transient("libxlsxwriter cannot add a worksheet (out of memory?)");

    SheetWriter writer(batch, workbook.get(), sheet);
    if (Status status = writer.write(); !status) return status;

    lxw_error error = workbook_close(workbook.release());
    if (error != LXW_NO_ERROR)
        return Status::transient("libxlsxwriter cannot write " + file->path() + ": " +
                                 libraryError(error) + "; check free space in " +
                                 file->directory());
    return readBack(file->path());
}

}  // namespace creditgw::envelope
