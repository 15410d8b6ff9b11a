#include "DemoReplay.h"

#include <array>
#include <fstream>
#include <regex>
#include <sstream>

#include "creditgw/TextCodec.h"

namespace creditgw::cli {

namespace {

// The samples' newest decision is Fri 2026-11-20; the day after it anchors the shift.
const CivilDate kSamplesAnchor{2026, 11, 21};
const CivilDate kLongTerm{2099, 12, 31};

// Calendar days from a decision to its upload, as reporting units really work: most within
// days, some after a week or more (late), one in eight after two weeks or longer.
constexpr std::array<int, 16> kUploadDelays = {1, 1, 2, 2, 2, 3, 3, 4, 4, 5, 6, 7, 9, 12, 16, 23};

// Column names of the decision date and the 文书号 in the samples' two header styles.
const std::vector<std::string> kDecisionColumns = {"许可决定日期", "XK_JDRQ", "处罚决定日期", "CF_JDRQ"};
const std::vector<std::string> kDocumentColumns = {"行政许可决定文书号", "XK_WSH", "行政处罚决定书文号", "CF_WSH"};

// Splits at `separator` outside double quotes (a doubled quote toggles twice: still right).
std::vector<std::string> splitOutsideQuotes(const std::string& text, char separator) {
    std::vector<std::string> parts(1);
    bool quoted = false;
    for (char c : text) {
        if (c == '"') quoted = !quoted;
        if (c == separator && !quoted) {
            parts.emplace_back();
            continue;
        }
        parts.back() += c;
    }
    return parts;
}

std::string withoutLineEnd(const std::string& line) {
    std::string text = line;
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
    return text;
}

// Physical lines, joined into rows where a quoted field spans line ends.
std::vector<std::string> csvRows(const std::string& bytes) {
    std::vector<std::string> rows;
    std::string current;
    bool quoted = false;
    for (char c : bytes) {
        current += c;
        if (c == '"') quoted = !quoted;
        if (c == '\n' && !quoted) {
            rows.push_back(std::move(current));
            current.clear();
        }
    }
    if (!current.empty()) rows.push_back(std::move(current));
    return rows;
}

int columnOf(const std::vector<std::string>& header, const std::vector<std::string>& names,
             const TextEncoder& encoder) {
    for (const auto& name : names) {
        auto encoded = encoder.fromUtf8(name);
        if (!encoded) continue;
        for (std::size_t i = 0; i < header.size(); ++i)
            if (header[i] == *encoded) return static_cast<int>(i);
    }
    return -1;
}

// A whole-field date in either style the samples use, moved by `days`; anything else unchanged.
std::string shiftedField(const std::string& field, long long days) {
    static const std::regex date(R"((\d{4})([-/])(\d{2})[-/](\d{2}))");
    std::smatch m;
    if (!std::regex_match(field, m, date)) return field;
    auto parsed = CivilDate::parse(field);
    if (!parsed || *parsed == kLongTerm) return field;
    std::string separator = m[2].str();
    return parsed->addDays(days).format("yyyy" + separator + "MM" + separator + "dd");
}

std::size_t fnv1a(const std::string& text) {
    std::size_t hash = 1469598103934665603ull;
    for (unsigned char c : text) hash = (hash ^ c) * 1099511628211ull;
    return hash;
}

std::size_t lineBreaks(const std::string& text) {
    std::size_t count = 0;
    for (char c : text) count += c == '\n';
    return count;
}

}  // namespace

long long demoShiftDays(const CivilDate& asOf) {
    long long days = asOf.daysSinceEpoch() - kSamplesAnchor.daysSinceEpoch();
    long long weeks = days >= 0 ? days / 7 : -((-days + 6) / 7);
    return weeks * 7;
}

Result<ShiftedSample> shiftSample(const std::string& path, const std::string& encoding, long long shiftDays) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return Status::notFound(path + ": sample file not found");
    std::stringstream content;
    content << in.rdbuf();
    auto encoder = TextEncoder::create(encoding);
    if (!encoder) return Status::invalidArgument(path + ": " + encoder.status().message());
    std::vector<std::string> rows = csvRows(content.str());
    if (rows.empty()) return Status::invalidArgument(path + ": empty sample file");

    ShiftedSample sample;
    sample.path = path;
    sample.header = rows.front();
    sample.lineEnd = sample.header.size() >= 2 && sample.header[sample.header.size() - 2] == '\r' ? "\r\n" : "\n";
    std::string headerText = withoutLineEnd(sample.header);
    if (headerText.rfind("\xEF\xBB\xBF", 0) == 0) headerText.erase(0, 3);
    std::vector<std::string> header = splitOutsideQuotes(headerText, ',');
    int decisionColumn = columnOf(header, kDecisionColumns, *encoder);
    int documentColumn = columnOf(header, kDocumentColumns, *encoder);
    if (decisionColumn < 0)
        return Status::invalidArgument(path + ":1: no decision-date column (许可决定日期 / 处罚决定日期 or its code)");

    std::size_t line = 1 + lineBreaks(sample.header);
    for (std::size_t r = 1; r < rows.size(); ++r) {
        SampleRow row;
        row.firstLine = line;
        row.lineCount = std::max<std::size_t>(1, lineBreaks(rows[r]));
        line += row.lineCount;
        std::string body = withoutLineEnd(rows[r]);
        std::string ending = rows[r].substr(body.size());
        std::vector<std::string> fields = splitOutsideQuotes(body, ',');
        for (auto& field : fields) field = shiftedField(field, shiftDays);
        for (std::size_t i = 0; i < fields.size(); ++i) row.bytes += (i ? "," : "") + fields[i];
        row.bytes += ending;
        if (static_cast<std::size_t>(decisionColumn) < fields.size()) {
            auto decided = CivilDate::parse(fields[decisionColumn]);
            std::string document = documentColumn >= 0 && static_cast<std::size_t>(documentColumn) < fields.size()
                                       ? fields[documentColumn]
                                       : "";
            if (document.empty()) document = std::to_string(row.firstLine);
            if (decided) {
                row.dated = true;
                row.uploadDay = decided->addDays(kUploadDelays[fnv1a(document) % kUploadDelays.size()]);
            }
        }
        row.blank = body.empty();
        sample.rows.push_back(std::move(row));
    }
    return sample;
}

std::string sampleFileFor(const ShiftedSample& sample, const CivilDate& day, bool andLater, bool withUndated) {
    std::string out = sample.header;
    for (const auto& row : sample.rows) {
        bool chosen = row.dated ? (andLater ? row.uploadDay >= day : row.uploadDay == day) : withUndated && !row.blank;
        if (chosen) {
            out += row.bytes;
            continue;
        }
        for (std::size_t i = 0; i < row.lineCount; ++i) out += sample.lineEnd;
    }
    return out;
}

std::string wholeShiftedFile(const ShiftedSample& sample) {
    std::string out = sample.header;
    for (const auto& row : sample.rows) out += row.bytes;
    return out;
}

}  // namespace creditgw::cli
