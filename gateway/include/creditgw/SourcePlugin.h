#pragma once
// Source plugins read the authority's local exports and hand out rows one at a time.

#include <memory>
#include <string>

#include "creditgw/Record.h"
#include "creditgw/Status.h"

namespace creditgw {

struct SourceOptions {
    std::string path;                ///< the file to read
    std::string encoding = "utf-8";  ///< "utf-8" or "gb18030" (GBK files are read as GB18030)
    /// xlsx: the sheet to read, by name or by 1-based index ("2"); empty = the first sheet.
    std::string sheet;
};

/// Streams rows from one opened input. Not thread-safe; one reader per thread.
class RowReader {
public:
    virtual ~RowReader() = default;
    /// Column names as they appear in the input's header, decoded to UTF-8.
    virtual const std::vector<std::string>& header() const = 0;
    /// Fills `row` with the next row and returns true, or returns false at the end of input.
    /// A row that cannot be read cleanly is still returned, with row.problems set; rows are
    /// never skipped. Memory stays bounded by the longest row, whatever the file size.
    virtual bool next(SourceRow& row) = 0;
    /// Incremental sources name themselves here ("database:zhifa-cf"); the gateway then keeps
    /// the watermark of the last stored row under this key. "" = read everything every time.
    virtual std::string watermarkKey() const { return {}; }
    /// Before the first next(): continue after this watermark (one the reader produced).
    virtual Status resumeAfter(const std::string& watermark) {
        (void)watermark;
        return Status::ok();
    }
    /// Why next() returned false: ok at the end of the input, or the failure that stopped it
    /// (a dropped database connection that could not be re-established: Transient).
    virtual Status finalStatus() const { return Status::ok(); }
};

class SourcePlugin {
public:
    virtual ~SourcePlugin() = default;
    virtual std::string name() const = 0;
    /// Opens an input. Fails with NotFound for a missing file, InvalidArgument for an unknown
    /// encoding or an unreadable header (message names the file and line).
    virtual Result<std::unique_ptr<RowReader>> open(const SourceOptions& options) = 0;
};

}  // namespace creditgw
