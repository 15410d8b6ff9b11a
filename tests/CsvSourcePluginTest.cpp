// Specification of the `csv` source plugin, exercised through the real csv.so as the gateway
// loads it (Poco::ClassLoader), on real files. GB18030 bytes are made with the iconv tool, so
// the plugin's decoder is checked against an independent encoder.

#include <gtest/gtest.h>

#include <Poco/ClassLoader.h>
#include <Poco/SharedLibrary.h>

#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "SourcePluginSupport.h"
#include "TestSupport.h"
#include "creditgw/PluginAbi.h"
#include "creditgw/SourcePlugin.h"

using namespace creditgw;
using creditgw::test::ScratchDir;
using creditgw::test::allProblems;
using creditgw::test::columnValue;
using creditgw::test::contains;
using creditgw::test::peakResidentKib;
using creditgw::test::resetPeakResident;

namespace {

const std::string kPluginPath = std::string(CREDITGW_TEST_PLUGIN_DIR) + "/csv.so";

std::string fixture(const std::string& name) {
    return test::sourcePath("tests/fixtures/csv/" + name);
}

class CsvSourcePluginTest : public ::testing::Test {
protected:
    void SetUp() override {
        plugin = test::loadSourcePlugin("csv.so", "creditgw::CsvSourcePlugin");
        ASSERT_TRUE(plugin);
    }

    std::unique_ptr<RowReader> open(const std::string& path, const std::string& encoding = "utf-8") {
        Result<std::unique_ptr<RowReader>> reader = plugin->open({path, encoding, ""});
        EXPECT_TRUE(reader.isOk()) << reader.status().toString();
        return reader.isOk() ? std::move(*reader) : nullptr;
    }

    Status openFailure(const std::string& path, const std::string& encoding = "utf-8") {
        Result<std::unique_ptr<RowReader>> reader = plugin->open({path, encoding, ""});
        EXPECT_FALSE(reader.isOk()) << path << " opened";
        return reader.status();
    }

    static std::vector<SourceRow> readAll(RowReader& reader) {
        std::vector<SourceRow> rows;
        SourceRow row;
        while (reader.next(row)) rows.push_back(row);
        return rows;
    }

    std::vector<SourceRow> readFile(const std::string& path, const std::string& encoding = "utf-8") {
        std::unique_ptr<RowReader> reader = open(path, encoding);
        return reader ? readAll(*reader) : std::vector<SourceRow>{};
    }

    /// The bytes iconv makes of UTF-8 text in GB18030.
    std::string gb18030(const std::string& utf8) {
        test::writeFile(dir.file("iconv-in"), utf8);
        test::CommandResult made = test::runCommand("iconv -f UTF-8 -t GB18030 " +
                                                    dir.file("iconv-in") + " > " +
                                                    dir.file("iconv-out"));
        EXPECT_EQ(made.exitCode, 0) << made.output;
        return test::readFile(dir.file("iconv-out"));
    }

    ScratchDir dir{"csv-plugin"};
    std::unique_ptr<SourcePlugin> plugin;
};

}  // namespace

TEST_F(CsvSourcePluginTest, GivenTheBuiltLibrary_ThenItDeclaresTheHostAbiAsASourceNamedCsv) {
    Poco::SharedLibrary library(kPluginPath);
    ASSERT_TRUE(library.hasSymbol("creditgwPluginAbi"));
    ASSERT_TRUE(library.hasSymbol("creditgwPluginKind"));
    auto abi = reinterpret_cast<int (*)()>(library.getSymbol("creditgwPluginAbi"));
    auto kind = reinterpret_cast<const char* (*)()>(library.getSymbol("creditgwPluginKind"));
    EXPECT_EQ(abi(), kPluginAbiVersion);
    EXPECT_STREQ(kind(), "source");
    EXPECT_EQ(plugin->name(), "csv");
}

TEST_F(CsvSourcePluginTest, GivenUtf8WithBomAndCrlf_ThenHeaderWithoutBomAndTrimmedUnquotedValues) {
    std::unique_ptr<RowReader> reader = open(fixture("utf8-bom-crlf.csv"));
    ASSERT_TRUE(reader);
    EXPECT_EQ(reader->header(),
              (std::vector<std::string>{"行政相对人名称", "统一社会信用代码", "罚款金额"}));

    std::vector<SourceRow> rows = readAll(*reader);
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows[0].file, fixture("utf8-bom-crlf.csv"));
    EXPECT_EQ(rows[0].line, 2u);
    EXPECT_EQ(columnValue(rows[0], "行政相对人名称"), "济南顺达运输有限公司");
    EXPECT_EQ(columnValue(rows[0], "罚款金额"), "0.2");
    EXPECT_TRUE(rows[0].problems.empty());

    EXPECT_EQ(rows[1].line, 4u) << "the empty line 3 is skipped but still counted";
    EXPECT_EQ(columnValue(rows[1], "行政相对人名称"), "青岛港湾物流有限公司");
    EXPECT_EQ(columnValue(rows[1], "统一社会信用代码"), "91350100M000100Y43");
    EXPECT_EQ(columnValue(rows[1], "罚款金额"), " 1.5 ") << "quoted values are kept as they are";
    EXPECT_TRUE(rows[1].problems.empty());
}

TEST_F(CsvSourcePluginTest, GivenGb18030BytesMadeByIconv_WhenReadAsGbk_ThenChineseDecodes) {
    std::string path = dir.file("cf.gbk.csv");
    test::writeFile(path, gb18030(test::readFile(fixture("cf-chinese.utf8.csv"))));
    ASSERT_NE(test::readFile(path), test::readFile(fixture("cf-chinese.utf8.csv")));

    std::unique_ptr<RowReader> reader = open(path, "gbk");
    ASSERT_TRUE(reader);
    EXPECT_EQ(reader->header(),
              (std::vector<std::string>{"行政相对人名称", "处罚类别", "处罚机关"}));
    std::vector<SourceRow> rows = readAll(*reader);
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(columnValue(rows[0], "处罚机关"), "济南市交通运输局");
    EXPECT_EQ(columnValue(rows[1], "行政相对人名称"), "张喆");
    EXPECT_EQ(rows[1].line, 3u);
    EXPECT_TRUE(rows[0].problems.empty());
    EXPECT_TRUE(rows[1].problems.empty());
}

TEST_F(CsvSourcePluginTest, GivenAnInvalidByteAtLine3_ThenThatRowNamesLineAndColumnAndOthersRead) {
    std::string path = dir.file("damaged.gbk.csv");
    test::writeFile(path, gb18030("编号,名称,机关\n1,顺达运输,济南市交通运输局\n") +
                              "2,\xCB\xB3\xFF\x41,x\n" + gb18030("3,港湾物流,青岛\n"));

    std::vector<SourceRow> rows = readFile(path, "gbk");
    ASSERT_EQ(rows.size(), 3u) << "a damaged row is returned, never skipped";
    EXPECT_TRUE(rows[0].problems.empty());

    const SourceRow& damaged = rows[1];
    EXPECT_EQ(damaged.line, 3u);
    ASSERT_EQ(damaged.problems.size(), 1u);
    EXPECT_EQ(damaged.problems[0].rule, "encoding");
    EXPECT_EQ(damaged.problems[0].field, "名称");
    EXPECT_TRUE(contains(damaged.problems[0].message,
                         path + ":3: column 名称: invalid GB18030 byte sequence 0xFF 0x41 at byte 3"))
        << damaged.problems[0].message;
    EXPECT_TRUE(contains(damaged.problems[0].message, "--encoding"));
    EXPECT_EQ(columnValue(damaged, "名称"), "") << "no mojibake, no replacement characters";
    EXPECT_EQ(columnValue(damaged, "编号"), "2");
    EXPECT_EQ(columnValue(damaged, "机关"), "x");

    EXPECT_EQ(columnValue(rows[2], "名称"), "港湾物流");
    EXPECT_TRUE(rows[2].problems.empty());
}

TEST_F(CsvSourcePluginTest, GivenAGbkFileReadAsUtf8_ThenEncodingProblemsSuggestGb18030) {
    std::string path = dir.file("really-gbk.csv");
    test::writeFile(path, "id,name\n" + gb18030("1,济南\n"));

    std::vector<SourceRow> rows = readFile(path, "utf-8");
    ASSERT_EQ(rows.size(), 1u);
    ASSERT_EQ(rows[0].problems.size(), 1u);
    EXPECT_EQ(rows[0].problems[0].rule, "encoding");
    EXPECT_EQ(rows[0].problems[0].field, "name");
    EXPECT_TRUE(contains(rows[0].problems[0].message, "is the file really UTF-8?"));
    EXPECT_TRUE(contains(rows[0].problems[0].message, "--encoding gb18030"))
        << rows[0].problems[0].message;
}

TEST_F(CsvSourcePluginTest, GivenQuotedMultiLineFields_ThenEachRowStartsOnItsPhysicalLine) {
    std::vector<SourceRow> rows = readFile(fixture("multiline.csv"));
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_EQ(rows[0].line, 2u);
    EXPECT_EQ(columnValue(rows[0], "CF_SY"), "超限运输，\n车货总重 55 吨");
    EXPECT_EQ(columnValue(rows[0], "BZ"), "无");

    EXPECT_EQ(rows[1].line, 4u);
    EXPECT_EQ(columnValue(rows[1], "CF_SY"), "第一行\r\n第二行\r\n第三行");
    EXPECT_EQ(columnValue(rows[1], "BZ"), "他说\"好\"");

    EXPECT_EQ(rows[2].line, 7u);
    EXPECT_EQ(columnValue(rows[2], "CF_SY"), "逗号, 在引号内");
    EXPECT_EQ(columnValue(rows[2], "BZ"), "");
    for (const SourceRow& row : rows) EXPECT_TRUE(row.problems.empty()) << row.line;
}

TEST_F(CsvSourcePluginTest, GivenRowsWithTooFewOrTooManyColumns_ThenColumnsProblemsExpectedVsFound) {
    std::vector<SourceRow> rows = readFile(fixture("column-count.csv"));
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_TRUE(rows[0].problems.empty());

    ASSERT_EQ(rows[1].problems.size(), 1u);
    EXPECT_EQ(rows[1].problems[0].rule, "columns");
    EXPECT_TRUE(contains(rows[1].problems[0].message,
                         fixture("column-count.csv") + ":3: expected 3 columns as in the header "
                                                       "(line 1), found 2"))
        << rows[1].problems[0].message;
    EXPECT_EQ(rows[1].columns.size(), 3u) << "every header column is present";
    EXPECT_EQ(columnValue(rows[1], "c"), "");

    ASSERT_EQ(rows[2].problems.size(), 1u);
    EXPECT_EQ(rows[2].problems[0].rule, "columns");
    EXPECT_TRUE(contains(rows[2].problems[0].message, ":4: expected 3 columns"));
    EXPECT_TRUE(contains(rows[2].problems[0].message, "found 4"));
    EXPECT_EQ(columnValue(rows[2], "c"), "8");
}

TEST_F(CsvSourcePluginTest, GivenAFieldOver64KiB_ThenOversizedProblemAndOnlyItsStartIsKept) {
    std::string path = dir.file("oversized.csv");
    std::string huge;
    for (int i = 0; i < 40000; ++i) huge += "超";  // 120,000 bytes of 3-byte characters
    test::writeFile(path, "id,text,tail\n1," + huge + ",end\n2,short,end\n");

    std::vector<SourceRow> rows = readFile(path);
    ASSERT_EQ(rows.size(), 2u);
    ASSERT_EQ(rows[0].problems.size(), 1u);
    EXPECT_EQ(rows[0].problems[0].rule, "oversized");
    EXPECT_EQ(rows[0].problems[0].field, "text");
    EXPECT_TRUE(contains(rows[0].problems[0].message, path + ":2: column text: value is 120000 bytes"))
        << rows[0].problems[0].message;
    const std::string kept = columnValue(rows[0], "text");
    EXPECT_LE(kept.size(), 64u * 1024);
    EXPECT_GT(kept.size(), 64u * 1024 - 4);
    EXPECT_EQ(kept, huge.substr(0, kept.size())) << "cut on a character boundary";
    EXPECT_EQ(columnValue(rows[0], "tail"), "end");

    EXPECT_EQ(columnValue(rows[1], "text"), "short");
    EXPECT_TRUE(rows[1].problems.empty());
}

TEST_F(CsvSourcePluginTest, GivenAQuoteNeverClosed_ThenSyntaxProblemNamingWhereItOpened) {
    std::string path = dir.file("unterminated.csv");
    std::string body = "a,b\n1,ok\n2,\"opened here\n";
    for (int i = 0; i < 5000; ++i) body += "3,swallowed line\n";  // 80 KB: also oversized
    test::writeFile(path, body);

    std::vector<SourceRow> rows = readFile(path);
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_TRUE(rows[0].problems.empty());
    const SourceRow& broken = rows[1];
    EXPECT_EQ(broken.line, 3u);
    bool syntax = false, oversized = false;
    for (const Violation& problem : broken.problems) {
        if (problem.rule == "syntax") {
            syntax = true;
            EXPECT_EQ(problem.field, "b");
            EXPECT_TRUE(contains(problem.message, path + ":3: column b: the quote opened on line 3 "
                                                         "is never closed"))
                << problem.message;
        }
        if (problem.rule == "oversized") oversized = true;
    }
    EXPECT_TRUE(syntax);
    EXPECT_TRUE(oversized);
    EXPECT_LE(columnValue(broken, "b").size(), 64u * 1024);
}

TEST_F(CsvSourcePluginTest, GivenTextAfterAClosingQuote_ThenSyntaxProblemAndTheTextKept) {
    std::string path = dir.file("after-quote.csv");
    test::writeFile(path, "a,b\n\"x\"y,\"z\"  \n");
    std::vector<SourceRow> rows = readFile(path);
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(columnValue(rows[0], "a"), "xy");
    EXPECT_EQ(columnValue(rows[0], "b"), "z") << "blanks after a closing quote are not content";
    ASSERT_EQ(rows[0].problems.size(), 1u);
    EXPECT_EQ(rows[0].problems[0].rule, "syntax");
    EXPECT_EQ(rows[0].problems[0].field, "a");
}

TEST_F(CsvSourcePluginTest, GivenATabDelimitedHeader_ThenTabsSplitAndCommasAreText) {
    std::unique_ptr<RowReader> reader = open(fixture("tab-delimited.tsv"));
    ASSERT_TRUE(reader);
    EXPECT_EQ(reader->header(), (std::vector<std::string>{"CF_WSH", "CF_CFLB", "CF_NR"}));
    std::vector<SourceRow> rows = readAll(*reader);
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(columnValue(rows[0], "CF_CFLB"), "罚款,警告");
    EXPECT_EQ(columnValue(rows[0], "CF_NR"), "罚款 2000 元, 警告");
    EXPECT_TRUE(rows[0].problems.empty());
}

TEST_F(CsvSourcePluginTest, GivenBlankLinesAndBlankRows_ThenSkippedButQuotedEmptyRowsKept) {
    std::string path = dir.file("blanks.csv");
    test::writeFile(path, "a,b\n\n   \n1, x \n,\n\"\",\"\"\n\n");
    std::vector<SourceRow> rows = readFile(path);
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows[0].line, 4u);
    EXPECT_EQ(columnValue(rows[0], "b"), "x");
    EXPECT_EQ(rows[1].line, 6u);
    EXPECT_TRUE(rows[1].problems.empty());
}

TEST_F(CsvSourcePluginTest, Given50kGeneratedRows_ThenAllReadWithRightLinesAndBoundedMemory) {
    const int kRows = 50000;
    std::string path = dir.file("big.csv");
    {
        std::ofstream out(path, std::ios::binary);
        out << "序号,文书号,违法事实,罚款金额,备注\r\n";
        for (int i = 1; i <= kRows; ++i) {
            out << i << ",鲁交罚〔2024〕" << i << "号,";
            if (i % 7 == 0) out << "\"超限运输,\r\n车货总重 " << i << " 吨\"";
            else out << "未按规定携带道路运输证，车牌号鲁A" << i;
            out << ",0.2,  备注内容备注内容备注内容备注内容备注内容备注内容  \r\n";
        }
    }
    std::unique_ptr<RowReader> reader = open(path);
    ASSERT_TRUE(reader);

    resetPeakResident();
    long before = peakResidentKib();
    SourceRow row;
    int count = 0;
    std::size_t expectedLine = 2;
    bool allGood = true;
    while (reader->next(row)) {
        ++count;
        allGood = allGood && row.problems.empty() && row.line == expectedLine &&
                  columnValue(row, "序号") == std::to_string(count) &&
                  columnValue(row, "备注") == "备注内容备注内容备注内容备注内容备注内容备注内容";
        expectedLine += count % 7 == 0 ? 2 : 1;
        if (!allGood) break;
    }
    long grownKib = peakResidentKib() - before;

    EXPECT_TRUE(allGood) << "row " << count << " at line " << row.line;
    EXPECT_EQ(count, kRows);
    EXPECT_TRUE(row.columns.empty()) << "after the end, next() leaves the row empty";
    const long fileKib = static_cast<long>(std::ifstream(path, std::ios::ate).tellg() / 1024);
    EXPECT_GT(fileKib, 8 * 1024);
#if !defined(__SANITIZE_ADDRESS__)  // ASan's quarantine keeps freed memory resident
    EXPECT_LT(grownKib, fileKib / 4) << "reading must stream, not load the file";
#else
    (void)grownKib;
#endif
}

TEST_F(CsvSourcePluginTest, GivenAMissingFile_ThenNotFoundNamingIt) {
    Status status = openFailure(dir.file("nope.csv"));
    EXPECT_EQ(status.code(), StatusCode::NotFound);
    EXPECT_EQ(status.message(), dir.file("nope.csv") + ": no such file");
}

TEST_F(CsvSourcePluginTest, GivenAnUnknownEncoding_ThenInvalidArgumentListingKnownOnes) {
    Status status = openFailure(fixture("column-count.csv"), "latin1");
    EXPECT_EQ(status.code(), StatusCode::InvalidArgument);
    EXPECT_TRUE(contains(status.message(), "gb18030")) << status.message();
}

TEST_F(CsvSourcePluginTest, GivenADuplicateHeaderName_ThenOpenFailsNamingFileLineAndColumns) {
    Status status = openFailure(fixture("duplicate-header.csv"));
    EXPECT_EQ(status.code(), StatusCode::InvalidArgument);
    EXPECT_TRUE(contains(status.message(), fixture("duplicate-header.csv") +
                                               ":2: header: column 3 \"名称\" repeats column 1"))
        << status.message();
}

TEST_F(CsvSourcePluginTest, GivenAnEmptyHeaderName_ThenOpenFailsNamingTheColumn) {
    std::string path = dir.file("empty-name.csv");
    test::writeFile(path, "a,b,,\n1,2,3,4\n");
    Status status = openFailure(path);
    EXPECT_EQ(status.code(), StatusCode::InvalidArgument);
    EXPECT_TRUE(contains(status.message(), path + ":1: header: column 3 has no name"))
        << status.message();
}

TEST_F(CsvSourcePluginTest, GivenAnEmptyFile_ThenOpenFailsAskingForAHeader) {
    std::string path = dir.file("empty.csv");
    test::writeFile(path, "\r\n\r\n");
    Status status = openFailure(path);
    EXPECT_EQ(status.code(), StatusCode::InvalidArgument);
    EXPECT_TRUE(contains(status.message(), "header")) << status.message();
}

TEST_F(CsvSourcePluginTest, GivenAGbkHeaderReadAsUtf8_ThenOpenFailsSuggestingGb18030) {
    std::string path = dir.file("gbk-header.csv");
    test::writeFile(path, gb18030(test::readFile(fixture("cf-chinese.utf8.csv"))));
    Status status = openFailure(path, "utf-8");
    EXPECT_EQ(status.code(), StatusCode::InvalidArgument);
    EXPECT_TRUE(contains(status.message(), path + ":1: header: column 1: invalid UTF-8 byte sequence"))
        << status.message();
    EXPECT_TRUE(contains(status.message(), "--encoding gb18030")) << status.message();
}

TEST_F(CsvSourcePluginTest, GivenAUtf8BomButGbkEncoding_ThenOpenFailsSuggestingUtf8) {
    Status status = openFailure(fixture("utf8-bom-crlf.csv"), "gbk");
    EXPECT_EQ(status.code(), StatusCode::InvalidArgument);
    EXPECT_TRUE(contains(status.message(), "--encoding utf-8")) << status.message();
}
