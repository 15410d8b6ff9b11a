#include "creditgw/GoldenCases.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace creditgw {

namespace fs = std::filesystem;

namespace {

std::optional<std::string> readBytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream bytes;
    bytes << in.rdbuf();
    return bytes.str();
}

bool writeBytes(const std::string& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << bytes;
    return static_cast<bool>(out);
}

std::string heldText(const DryRunResult& result) {
    std::vector<std::string> lines;
    for (const auto& row : result.rows)
        for (const auto& v : row.violations)
            lines.push_back(std::to_string(row.line) + " " + (v.field.empty() ? "-" : v.field) + " " + v.rule);
    std::sort(lines.begin(), lines.end());
    std::string text;
    for (const auto& line : lines) text += line + "\n";
    return text;
}

// Names the first byte where two outputs part, with a little context, for the user.
std::string firstDifference(const std::string& expected, const std::string& actual) {
    std::size_t i = 0;
    while (i < expected.size() && i < actual.size() && expected[i] == actual[i]) ++i;
    std::size_t from = i > 40 ? i - 40 : 0;
    return "first difference at byte " + std::to_string(i) + ":\n    expected …" +
           expected.substr(from, 80) + "\n    actual   …" + actual.substr(from, 80);
}

}  // namespace

std::vector<GoldenCase> findGoldenCases(const std::string& mappingsDir, const std::string& target) {
    std::vector<GoldenCase> cases;
    std::error_code ec;
    for (const auto& targetDir : fs::directory_iterator(mappingsDir, ec)) {
        std::string targetName = targetDir.path().filename().string();
        if (!target.empty() && targetName != target) continue;
        fs::path golden = targetDir.path() / "golden";
        if (!fs::is_directory(golden, ec)) continue;
        for (const auto& entry : fs::directory_iterator(golden, ec)) {
            if (entry.path().extension() != ".csv") continue;
            std::string stem = entry.path().stem().string();
            auto dash = stem.find('-');
            if (dash == std::string::npos) continue;
            cases.push_back({targetName, stem.substr(0, dash), stem, entry.path().string(),
                             (golden / stem).string()});
        }
    }
    std::sort(cases.begin(), cases.end(),
              [](const GoldenCase& a, const GoldenCase& b) { return a.inputPath < b.inputPath; });
    return cases;
}

GoldenResult runGoldenCase(Gateway& gateway, const GoldenCase& goldenCase, bool update) {
    DryRunOptions options;
    options.today = CivilDate::parse(kGoldenToday);
    options.batchId = "golden";
    options.createdAt = kGoldenCreatedAt;
    IngestRequest request{goldenCase.inputPath, goldenCase.kind, "utf-8", "csv", "", ""};
    auto result = gateway.dryRun(request, goldenCase.target, options);
    if (!result) return {false, result.status().message()};
    std::string held = heldText(*result);
    std::string expectedPath = goldenCase.basePath + ".expected";
    std::string heldPath = goldenCase.basePath + ".held";
    if (update) {
        bool written = writeBytes(expectedPath, result->payload) && writeBytes(heldPath, held);
        return {written, written ? "updated" : "cannot write " + expectedPath};
    }
    auto expected = readBytes(expectedPath);
    if (!expected)
        return {false, expectedPath + " is missing: run `creditgw mapping test --update` to create it"};
    if (*expected != result->payload)
        return {false, expectedPath + ": output differs; " + firstDifference(*expected, result->payload)};
    auto expectedHeld = readBytes(heldPath).value_or("");
    if (expectedHeld != held)
        return {false, heldPath + ": held records differ\n    expected:\n" + expectedHeld + "    actual:\n" + held};
    return {true, std::to_string(result->valid) + " valid, " + std::to_string(result->held) + " held"};
}

}  // namespace creditgw
