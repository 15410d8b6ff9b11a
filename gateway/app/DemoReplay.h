#pragma once
// The demo's samples moved to "today": the shipped files are fixed in November 2026, so the
// demo shifts their dates into a work copy (never the shipped files) and replays the weeks
// before "today" one upload day at a time, with realistic delays between a decision and its
// upload. Some records are then on time, some late, and the newest still within their deadline,
// on whatever day the demo runs.

#include <cstddef>
#include <string>
#include <vector>

#include "creditgw/CivilDate.h"
#include "creditgw/Status.h"

namespace creditgw::cli {

/// One CSV row of a sample file, with the physical lines it spans.
struct SampleRow {
    std::size_t firstLine = 0;  ///< 1-based physical line where the row starts (header = 1)
    std::size_t lineCount = 1;  ///< a quoted multi-line field makes a row span several lines
    std::string bytes;          ///< the row as written, dates shifted, with its line ending
    bool dated = false;         ///< its decision date exists (undated rows go with the first upload)
    bool blank = false;         ///< an empty line, kept so that line numbers stay right
    CivilDate uploadDay;        ///< when the demo's gateway sends it (dated rows only)
};

struct ShiftedSample {
    std::string path;     ///< the shipped file
    std::string header;   ///< header line bytes, with its line ending
    std::string lineEnd;  ///< "\r\n" or "\n", as the file writes it
    std::vector<SampleRow> rows;
};

/// Whole weeks (so weekdays stay weekdays) that move the samples' newest decision
/// (Fri 2026-11-20) into the week before `asOf`. Negative for a day before November 2026.
long long demoShiftDays(const CivilDate& asOf);

/// Reads a sample CSV byte by byte (UTF-8 or GB18030: neither uses ASCII bytes inside a
/// multi-byte character, so commas, quotes and line ends are found safely), moves every
/// whole-field date by `shiftDays` — except 2099-12-31 (长期) and impossible dates, which are
/// planted defects and must stay so — and gives each row its upload day: decision date plus a
/// delay drawn from its 文书号, so rows of one 决定书 travel together.
/// NotFound for a missing file; InvalidArgument naming the file when it has no decision-date column.
Result<ShiftedSample> shiftSample(const std::string& path, const std::string& encoding, long long shiftDays);

/// The file the gateway reads on `day`: the header, the rows uploaded that day (`andLater`:
/// that day or later) at their own lines, blank lines for the others. The csv source skips
/// blank lines, so held records are reported at the lines of the shipped sample. Rows without
/// a decision date (they carry an impossible one) are added `withUndated`, on the first day.
std::string sampleFileFor(const ShiftedSample& sample, const CivilDate& day, bool andLater, bool withUndated);
/// Every row shifted, for the work copy kept for exploring.
std::string wholeShiftedFile(const ShiftedSample& sample);

}  // namespace creditgw::cli
