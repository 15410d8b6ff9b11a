// Specification of the `json` source plugin, through the real json.so: JSON arrays and JSON
// Lines, UTF-8 and GB18030 (bytes made by Python's codec, not ours), nested field paths, and
// malformed input that must come out as problems with line and record, never silently.

#include <gtest/gtest.h>

#include <Poco/ClassLoader.h>

#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "SourcePluginSupport.h"
#include "TestSupport.h"
#include "creditgw/SourcePlugin.h"

using namespace creditgw;
using creditgw::test::ScratchDir;
using creditgw::test::allProblems;
using creditgw::test::columnValue;
using creditgw::test::contains;
using creditgw::test::peakResidentKib;
using creditgw::test::resetPeakResident;

namespace {

SourceOptions options(const std::string& path, const std::string& encoding) {
    SourceOptions o;
    o.path = path;
    o.encoding = encoding;
    return o;
}

class JsonSourcePluginTest : public ::testing::Test {
protected:
    void SetUp() override {
        plugin = test::loadSourcePlugin("json.so", "creditgw::JsonSourcePlugin");
        ASSERT_TRUE(plugin);
    }

    std::vector<SourceRow> readAll(const std::string& path, const std::string& encoding = "utf-8") {
        auto reader = plugin->open(options(path, encoding));
        EXPECT_TRUE(reader.isOk()) << reader.status().toString();
        std::vector<SourceRow> rows;
        if (!reader) return rows;
        SourceRow row;
        while ((*reader)->next(row)) rows.push_back(row);
        return rows;
    }

    std::string write(const std::string& name, const std::string& bytes) {
        test::writeFile(dir.file(name), bytes);
        return dir.file(name);
    }

    /// JSON of `records` as Python writes it, in `encoding` (an encoder that is not ours).
    std::string python(const std::string& name, const std::string& script) {
        std::string path = dir.file(name);
        test::writeFile(dir.file("make.py"), script);
        auto made = test::runCommand("/usr/bin/python3 " + dir.file("make.py") + " " + path + " 2>&1");
        EXPECT_EQ(made.exitCode, 0) << made.output;
        return path;
    }

    ScratchDir dir{"json-plugin"};
    std::unique_ptr<SourcePlugin> plugin;
};

}  // namespace

TEST_F(JsonSourcePluginTest, GivenAnArrayOfNestedRecords_ThenFieldsArePathsAndNumbersPlain) {
    auto rows = readAll(write("a.json", R"([
  {"文书号": "示交罚〔2026〕第1号", "当事人": {"名称": "示范市正通物流有限公司", "证件": {"号码": "410502199204121849"}},
   "处罚类别": ["罚款", "警告"], "罚款": 1.05, "没收": 1.0E7, "备注": null, "已公示": true},
  {"文书号": "示交罚〔2026〕第2号", "罚款": 0.50}
])"));
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows[0].line, 2u);
    EXPECT_EQ(columnValue(rows[0], "当事人.名称"), "示范市正通物流有限公司");
    EXPECT_EQ(columnValue(rows[0], "当事人.证件.号码"), "410502199204121849");
    EXPECT_EQ(columnValue(rows[0], "处罚类别[1]"), "警告");
    EXPECT_EQ(columnValue(rows[0], "罚款"), "1.05");
    EXPECT_EQ(columnValue(rows[0], "没收"), "10000000") << "no exponent";
    EXPECT_EQ(columnValue(rows[0], "备注"), "");
    EXPECT_EQ(columnValue(rows[0], "已公示"), "true");
    EXPECT_EQ(columnValue(rows[1], "罚款"), "0.50") << "the decimals as written";
    EXPECT_EQ(rows[1].line, 4u) << "the line the record starts on";
    for (const auto& row : rows) EXPECT_TRUE(row.problems.empty()) << allProblems(row);
}

TEST_F(JsonSourcePluginTest, GivenJsonLinesWithABadLine_ThenThatRecordHasAProblemAndTheOthersRead) {
    auto rows = readAll(write("a.jsonl", "{\"文书号\":\"1\"}\n{\"文书号\": }\n\n{\"文书号\":\"3\",\"x\":\"a\\u0000b\"}\n"));
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_EQ(columnValue(rows[0], "文书号"), "1");
    EXPECT_TRUE(contains(allProblems(rows[1]), "syntax: " + dir.file("a.jsonl") + ":2: record 2: JSON syntax error"))
        << allProblems(rows[1]);
    EXPECT_EQ(rows[2].line, 4u);
    EXPECT_EQ(columnValue(rows[2], "x"), std::string("a\0b", 3)) << "the NUL reaches the core, which refuses it";
}

TEST_F(JsonSourcePluginTest, GivenAnUnpairedSurrogateEscape_ThenThatRecordHasAProblemNotInvalidUtf8) {
    auto rows = readAll(write("s.jsonl", "{\"x\":\"\\ud83d\\ude00\"}\n{\"x\":\"\\ude00\"}\n{\"x\":\"\\ud83d!\"}\n"));
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_EQ(columnValue(rows[0], "x"), "\xF0\x9F\x98\x80");
    EXPECT_TRUE(contains(allProblems(rows[1]), "unpaired surrogate")) << allProblems(rows[1]);
    EXPECT_TRUE(contains(allProblems(rows[2]), "unpaired surrogate")) << allProblems(rows[2]);
}

TEST_F(JsonSourcePluginTest, GivenGb18030_ThenItDecodesAndInvalidBytesAreReportedWithTheirPosition) {
    std::string path = python("g.json", R"(import json, sys
records = [{"当事人": "示范市正通物流有限公司", "文书号": "示交罚〔2026〕第1号"}, {"当事人": "傅新民"}]
open(sys.argv[1], "wb").write(json.dumps(records, ensure_ascii=False).encode("gb18030"))
)");
    auto rows = readAll(path, "gb18030");
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(columnValue(rows[0], "当事人"), "示范市正通物流有限公司");
    EXPECT_EQ(columnValue(rows[0], "文书号"), "示交罚〔2026〕第1号");
    EXPECT_EQ(columnValue(rows[1], "当事人"), "傅新民");

    std::string bytes = test::readFile(path);
    std::size_t second = bytes.rfind("\":");  // inside the second record
    bytes.insert(second + 4, "\xFF");
    auto bad = readAll(write("bad.json", bytes), "gb18030");
    ASSERT_EQ(bad.size(), 2u);
    EXPECT_TRUE(bad[0].problems.empty()) << "the first record is clean: " << allProblems(bad[0]);
    std::string problems = allProblems(bad[1]);
    EXPECT_TRUE(contains(problems, "encoding: " + dir.file("bad.json") + ":1: record 2: invalid GB18030 byte "
                                   "sequence 0xFF")) << problems;
    EXPECT_TRUE(contains(problems, "at byte " + std::to_string(second + 5))) << problems;
}

TEST_F(JsonSourcePluginTest, GivenUtf8ReadAsIfNotUtf8_ThenTheProblemSaysWhichEncoding) {
    auto rows = readAll(write("latin.jsonl", "{\"名称\":\"\xB8\xB5\xD0\xC2\xC3\xF1\"}\n"));
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_TRUE(contains(allProblems(rows[0]), "use --encoding gb18030")) << allProblems(rows[0]);
}

TEST_F(JsonSourcePluginTest, GivenACutShortArray_ThenTheEndIsAProblemNotSilence) {
    auto rows = readAll(write("cut.json", "[{\"文书号\":\"1\"},\n{\"文书号\":\"2\""));
    ASSERT_GE(rows.size(), 2u);
    std::string problems = allProblems(rows.back());
    EXPECT_TRUE(contains(problems, "syntax: ")) << problems;
    EXPECT_TRUE(contains(problems, "the rest of the file was not read") || contains(problems, "never closed"))
        << problems;
}

TEST_F(JsonSourcePluginTest, GivenNoRecords_ThenOpenFailsWithWhatIsExpected) {
    auto empty = plugin->open(options(write("empty.json", "  \n"), "utf-8"));
    ASSERT_FALSE(empty.isOk());
    EXPECT_TRUE(contains(empty.status().message(), "the file is empty")) << empty.status().message();
    auto scalar = plugin->open(options(write("scalar.json", "42"), "utf-8"));
    ASSERT_FALSE(scalar.isOk());
    EXPECT_TRUE(contains(scalar.status().message(), "expected [ (an array) or { (JSON Lines)"));
}

TEST_F(JsonSourcePluginTest, Given200kRecords_ThenMemoryStaysFlat) {
    std::string path = dir.file("big.json");
    {
        std::ofstream out(path);
        out << "[";
        const std::string fact(300, 'x');
        for (int i = 1; i <= 200000; ++i)
            out << (i > 1 ? ",\n" : "\n") << "{\"文书号\":\"示交罚〔2026〕第" << i << "号\",\"罚款\":" << i / 100.0
                << ",\"当事人\":{\"名称\":\"" << fact << i << "\"}}";
        out << "\n]\n";
    }
    long before = peakResidentKib();
    auto reader = plugin->open(options(path, "utf-8"));
    ASSERT_TRUE(reader.isOk()) << reader.status().toString();
    SourceRow row;
    std::size_t records = 0;
    while ((*reader)->next(row)) {
        ++records;
        ASSERT_TRUE(row.problems.empty()) << allProblems(row);
    }
    EXPECT_EQ(records, 200000u);
    EXPECT_LT(peakResidentKib() - before, 10 * 1024) << "a 70 MB file must not be held in memory";
}

TEST_F(JsonSourcePluginTest, GivenTheCsvAsJson_WhenMapped_ThenThePayloadIsTheCsvsAndANulIsHeld) {
    std::string csv = test::sourcePath("mappings/creditchina/golden/cf-chinese-headers.csv");
    std::string json = python("cf.jsonl", R"(import csv, json, sys
rows = list(csv.reader(open(")" + csv + R"(", encoding="utf-8")))
with open(sys.argv[1], "w", encoding="utf-8") as out:
    for r in rows[1:]:
        out.write(json.dumps({k: (float(v) if "万元" in k else v) for k, v in zip(rows[0], r) if v}, ensure_ascii=False) + "\n")
)");
    std::string common = std::string(CREDITGW_BINARY) + " map --kind cf --unit-code 11371300MB20260018 --unit-name 示范 ";
    auto fromCsv = test::runCommand(common + "--input " + csv + " --out " + dir.file("csv"));
    ASSERT_EQ(fromCsv.exitCode, 0) << fromCsv.output;
    auto fromJson = test::runCommand(common + "--input " + json + " --out " + dir.file("json"));
    ASSERT_EQ(fromJson.exitCode, 0) << fromJson.output;
    auto withoutTime = [](std::string payload) {
        auto at = payload.find("\"createdAt\":\"");
        if (at != std::string::npos) payload.erase(at, payload.find('"', at + 13) - at);
        return payload;
    };
    EXPECT_EQ(withoutTime(test::readFile(dir.file("json/payload.json"))),
              withoutTime(test::readFile(dir.file("csv/payload.json"))));

    std::string lines = test::readFile(json);
    std::size_t name = lines.find("示范市正通物流");
    lines.replace(name, 0, "\\u0000");
    test::writeFile(dir.file("nul.jsonl"), lines);
    auto withNul = test::runCommand(common + "--input " + dir.file("nul.jsonl") + " --out " + dir.file("nul"));
    ASSERT_EQ(withNul.exitCode, 0) << withNul.output;
    EXPECT_TRUE(contains(withNul.output, "valid 7, held 1")) << withNul.output;
    std::string report = test::readFile(dir.file("nul/report.json"));
    EXPECT_TRUE(contains(report, "\"line\":1,")) << report;
    EXPECT_TRUE(contains(report, "\"rule\":\"control\"")) << report;
    EXPECT_TRUE(contains(report, "nul.jsonl:1: column 行政相对人名称 (CF_XDR_MC): control character U+0000 at character 1"))
        << report;
}

TEST_F(JsonSourcePluginTest, GivenALayoutWithFieldPaths_WhenMapped_ThenNestedFieldsAndUnitsApply) {
    std::string common = std::string(CREDITGW_BINARY) + " map --kind cf --unit-code 11371300MB20260018 --unit-name 示范 ";
    auto mapped = test::runCommand(common + "--input " + test::sourcePath("tests/fixtures/json/zhifa-cf.jsonl") +
                                   " --layout " + test::sourcePath("mappings/sources/example-cf-json.xml") + " --out " +
                                   dir.file("out"));
    ASSERT_EQ(mapped.exitCode, 0) << mapped.output;
    EXPECT_TRUE(contains(mapped.output, "records 2, valid 2, held 0")) << mapped.output;
    std::string payload = test::readFile(dir.file("out/payload.json"));
    EXPECT_TRUE(contains(payload, "\"CF_XDR_MC\":\"示范市正通物流有限公司\"")) << "当事人.名称";
    EXPECT_TRUE(contains(payload, "\"CF_NR_FK\":\"1.05\"")) << "罚款元 10500 → 万元";
    EXPECT_TRUE(contains(payload, "\"CF_JDRQ\":\"2026/11/13\"")) << payload.substr(0, 600);
    EXPECT_TRUE(contains(payload, "罚款;警告")) << "处罚类别[0] and [1] joined by the kind's join";

    auto unknown = test::runCommand(common + "--source jsn --input x.json --out " + dir.file("o2"));
    EXPECT_EQ(unknown.exitCode, 1) << unknown.output;
    EXPECT_TRUE(contains(unknown.output, "--source jsn: no such source plugin")) << unknown.output;
    EXPECT_TRUE(contains(unknown.output, "json")) << "lists the known ones: " << unknown.output;
}
