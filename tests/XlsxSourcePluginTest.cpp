// Specification of the `xlsx` source plugin, through the real xlsx.so as the gateway loads it,
// on workbooks written at test time by libxlsxwriter and by openpyxl (a writer that is not
// ours), including the national 双公示 template layout, and on broken ones.

#include <gtest/gtest.h>

#include <Poco/ClassLoader.h>

#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include <xlsxwriter.h>

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

class XlsxSourcePluginTest : public ::testing::Test {
protected:
    void SetUp() override {
        plugin = test::loadSourcePlugin("xlsx.so", "creditgw::XlsxSourcePlugin");
        ASSERT_TRUE(plugin);
    }

    Result<std::unique_ptr<RowReader>> openSheet(const std::string& path, const std::string& sheet = "") {
        SourceOptions options;
        options.path = path;
        options.sheet = sheet;
        return plugin->open(options);
    }

    std::vector<SourceRow> readAll(const std::string& path, const std::string& sheet = "") {
        auto reader = openSheet(path, sheet);
        EXPECT_TRUE(reader.isOk()) << reader.status().toString();
        std::vector<SourceRow> rows;
        if (!reader) return rows;
        SourceRow row;
        while ((*reader)->next(row)) rows.push_back(row);
        return rows;
    }

    /// The 双公示 template shape, written by libxlsxwriter: a merged title, a header in row 3,
    /// typed cells below it and formatted empty rows after the data.
    std::string writeTemplateWithLibxlsxwriter() {
        std::string path = dir.file("lxw.xlsx");
        lxw_workbook* book = workbook_new(path.c_str());
        lxw_worksheet* notes = workbook_add_worksheet(book, "说明");
        worksheet_write_string(notes, 0, 0, "填报说明", nullptr);
        lxw_worksheet* sheet = workbook_add_worksheet(book, "行政处罚");
        lxw_format* date = workbook_add_format(book);
        format_set_num_format(date, "yyyy\"年\"m\"月\"d\"日\"");
        lxw_format* stamp = workbook_add_format(book);
        format_set_num_format(stamp, "yyyy-mm-dd hh:mm:ss");
        lxw_format* bold = workbook_add_format(book);
        format_set_bold(bold);
        worksheet_merge_range(sheet, 0, 0, 0, 6, "行政处罚信息（双公示）", bold);
        const char* header[] = {"行政相对人名称", "罚款金额（万元）", "处罚决定日期", "录入时间", "违法事实", "件数", "备注"};
        for (int c = 0; c < 7; ++c) worksheet_write_string(sheet, 2, static_cast<lxw_col_t>(c), header[c], nullptr);
        worksheet_write_string(sheet, 3, 0, "示范市正通物流有限公司", nullptr);
        worksheet_write_number(sheet, 3, 1, 0.1 + 0.2, nullptr);  // float noise 0.30000000000000004
        lxw_datetime decided = {2026, 11, 13, 0, 0, 0};
        worksheet_write_datetime(sheet, 3, 2, &decided, date);
        lxw_datetime entered = {2026, 11, 14, 9, 30, 15};
        worksheet_write_datetime(sheet, 3, 3, &entered, stamp);
        lxw_format* red = workbook_add_format(book);
        format_set_font_color(red, LXW_COLOR_RED);
        lxw_rich_string_tuple first = {nullptr, const_cast<char*>("超限")};
        lxw_rich_string_tuple second = {red, const_cast<char*>("运输")};
        lxw_rich_string_tuple* parts[] = {&first, &second, nullptr};
        worksheet_write_rich_string(sheet, 3, 4, parts, nullptr);
        worksheet_write_formula_num(sheet, 3, 5, "=1+2", nullptr, 3);
        worksheet_write_string(sheet, 4, 0, "示范市瑞通货运有限公司", nullptr);
        worksheet_write_number(sheet, 4, 1, 10000000, nullptr);    // 1.0E7 in some writers
        worksheet_write_number(sheet, 4, 2, 60, date);             // 1900-02-29: never existed
        worksheet_write_number(sheet, 4, 5, 371321197412169230.0, nullptr);  // an ID typed as a number
        for (lxw_row_t r = 5; r < 60; ++r) worksheet_write_blank(sheet, r, 0, bold);
        EXPECT_EQ(workbook_close(book), LXW_NO_ERROR);
        return path;
    }

    /// A CSV turned into the national template by openpyxl (tests/fixtures/xlsx/make-template.py).
    std::string writeTemplateWithOpenpyxl(const std::string& csv, const std::string& sheet, bool extra = false) {
        std::string path = dir.file(sheet + (extra ? "-extra" : "") + ".xlsx");
        auto made = test::runCommand("/usr/bin/python3 " + test::sourcePath("tests/fixtures/xlsx/make-template.py") +
                                     " " + csv + " " + path + " " + sheet + (extra ? " extra" : "") + " 2>&1");
        EXPECT_EQ(made.exitCode, 0) << made.output;
        return path;
    }

    ScratchDir dir{"xlsx-plugin"};
    std::unique_ptr<SourcePlugin> plugin;
};

}  // namespace

TEST_F(XlsxSourcePluginTest, GivenTheTemplateByLibxlsxwriter_ThenTheHeaderIsFoundBelowTheMergedTitle) {
    auto reader = openSheet(writeTemplateWithLibxlsxwriter(), "行政处罚");
    ASSERT_TRUE(reader.isOk()) << reader.status().toString();
    ASSERT_EQ((*reader)->header().size(), 7u);
    EXPECT_EQ((*reader)->header()[0], "行政相对人名称");
    EXPECT_EQ((*reader)->header()[6], "备注");
}

TEST_F(XlsxSourcePluginTest, GivenTypedCells_ThenValuesReadAsTheStandardWritesThem) {
    auto rows = readAll(writeTemplateWithLibxlsxwriter(), "2");
    ASSERT_EQ(rows.size(), 2u) << "the formatted empty rows after the data are no records";
    const SourceRow& first = rows[0];
    EXPECT_EQ(first.line, 4u) << "line is the sheet's row number";
    EXPECT_EQ(columnValue(first, "罚款金额（万元）"), "0.3") << "no float noise";
    EXPECT_EQ(columnValue(first, "处罚决定日期"), "2026-11-13") << "a date-formatted serial is a date";
    EXPECT_EQ(columnValue(first, "录入时间"), "2026-11-14 09:30:15");
    EXPECT_EQ(columnValue(first, "违法事实"), "超限运输") << "rich text runs are joined";
    EXPECT_EQ(columnValue(first, "件数"), "3") << "a formula gives its cached value";
    EXPECT_EQ(columnValue(first, "备注"), "");
    EXPECT_TRUE(first.problems.empty()) << allProblems(first);
    EXPECT_EQ(columnValue(rows[1], "罚款金额（万元）"), "10000000") << "never 1.0E7";
}

TEST_F(XlsxSourcePluginTest, GivenADateOutsideTheCalendarOrALongNumber_ThenProblemsNameTheCell) {
    auto rows = readAll(writeTemplateWithLibxlsxwriter(), "行政处罚");
    ASSERT_EQ(rows.size(), 2u);
    std::string problems = allProblems(rows[1]);
    EXPECT_TRUE(contains(problems, "date: ")) << problems;
    EXPECT_TRUE(contains(problems, "行政处罚!C5")) << problems;
    EXPECT_TRUE(contains(problems, "1900-02-29")) << problems;
    EXPECT_TRUE(contains(problems, "行政处罚!F5")) << problems;
    EXPECT_TRUE(contains(problems, "more than 15 digits")) << problems;
    EXPECT_EQ(columnValue(rows[1], "处罚决定日期"), "") << "no made-up date";
}

TEST_F(XlsxSourcePluginTest, GivenTheNationalTemplateByOpenpyxl_ThenEveryRecordReadsLikeTheCsv) {
    std::string csv = test::sourcePath("mappings/creditchina/golden/cf-chinese-headers.csv");
    auto rows = readAll(writeTemplateWithOpenpyxl(csv, "行政处罚"), "行政处罚");
    ASSERT_GE(rows.size(), 2u);
    EXPECT_EQ(rows[0].line, 4u);
    EXPECT_EQ(columnValue(rows[0], "行政相对人名称"), "示范市正通物流有限公司") << "the * required marker is not in the name";
    EXPECT_EQ(columnValue(rows[0], "罚款金额（万元）"), "1.05");
    EXPECT_EQ(columnValue(rows[0], "处罚决定日期"), "2026-11-13");
    EXPECT_EQ(columnValue(rows[0], "法定代表人证件号码"), "410502199204121849") << "text cells stay text";
    for (const auto& row : rows) EXPECT_TRUE(row.problems.empty()) << allProblems(row);
}

TEST_F(XlsxSourcePluginTest, GivenAFormulaWithoutCachedValue_ThenTheRowHasAProblemWithTheCell) {
    std::string csv = test::sourcePath("mappings/creditchina/golden/cf-chinese-headers.csv");
    auto rows = readAll(writeTemplateWithOpenpyxl(csv, "行政处罚", true), "行政处罚");
    ASSERT_GE(rows.size(), 1u);
    std::string problems = allProblems(rows[0]);
    EXPECT_TRUE(contains(problems, "formula: ")) << problems;
    EXPECT_TRUE(contains(problems, "行政处罚!T4")) << problems;
    EXPECT_TRUE(contains(problems, "recalculate")) << problems;
}

TEST_F(XlsxSourcePluginTest, GivenAnUnknownSheet_ThenTheErrorListsTheSheets) {
    auto reader = openSheet(writeTemplateWithLibxlsxwriter(), "行政许可");
    ASSERT_FALSE(reader.isOk());
    EXPECT_TRUE(contains(reader.status().message(), "1 \"说明\", 2 \"行政处罚\"")) << reader.status().message();
}

TEST_F(XlsxSourcePluginTest, GivenASheetWithoutHeader_ThenOpenFailsNamingTheSheet) {
    auto reader = openSheet(writeTemplateWithLibxlsxwriter(), "说明");
    ASSERT_FALSE(reader.isOk());
    EXPECT_TRUE(contains(reader.status().message(), "sheet \"说明\": no header row")) << reader.status().message();
}

TEST_F(XlsxSourcePluginTest, GivenABrokenZip_ThenOpenFailsNamingTheFileAndWhatToDo) {
    std::string good = test::readFile(writeTemplateWithLibxlsxwriter());
    test::writeFile(dir.file("cut.xlsx"), good.substr(0, good.size() / 2));
    test::writeFile(dir.file("text.xlsx"), "行政相对人名称,文书号\n");
    for (const char* name : {"cut.xlsx", "text.xlsx"}) {
        auto reader = openSheet(dir.file(name));
        ASSERT_FALSE(reader.isOk()) << name;
        EXPECT_TRUE(contains(reader.status().message(), dir.file(name) + ": not a readable Excel workbook"))
            << reader.status().message();
        EXPECT_TRUE(contains(reader.status().message(), "save it again")) << reader.status().message();
    }
}

TEST_F(XlsxSourcePluginTest, GivenADamagedSheetPart_ThenTheReadStopsWithAProblemNotSilently) {
    std::string good = test::readFile(writeTemplateWithLibxlsxwriter());
    // Flip bytes in the middle of the compressed data of the archive.
    std::string bad = good;
    for (std::size_t i = bad.size() / 3; i < bad.size() / 3 + 64; ++i) bad[i] = static_cast<char>(bad[i] ^ 0x5A);
    test::writeFile(dir.file("flipped.xlsx"), bad);
    auto reader = openSheet(dir.file("flipped.xlsx"), "行政处罚");
    if (!reader) {
        EXPECT_TRUE(contains(reader.status().message(), dir.file("flipped.xlsx"))) << reader.status().message();
        return;
    }
    SourceRow row;
    std::string problems;
    while ((*reader)->next(row)) problems += allProblems(row);
    EXPECT_TRUE(contains(problems, "io: " + dir.file("flipped.xlsx"))) << problems;
}

TEST_F(XlsxSourcePluginTest, Given200kRows_ThenMemoryStaysFlat) {
    std::string path = dir.file("big.xlsx");
    lxw_workbook* book = workbook_new(path.c_str());  // shared strings: one unique string per row
    lxw_worksheet* sheet = workbook_add_worksheet(book, "行政处罚");
    worksheet_write_string(sheet, 0, 0, "行政处罚决定书文号", nullptr);
    worksheet_write_string(sheet, 0, 1, "罚款金额（万元）", nullptr);
    worksheet_write_string(sheet, 0, 2, "违法事实", nullptr);
    const std::string fact(200, 'x');
    for (lxw_row_t r = 1; r <= 200000; ++r) {
        std::string document = "示交罚〔2026〕第" + std::to_string(r) + "号";
        worksheet_write_string(sheet, r, 0, document.c_str(), nullptr);
        worksheet_write_number(sheet, r, 1, r / 100.0, nullptr);
        worksheet_write_string(sheet, r, 2, (fact + std::to_string(r)).c_str(), nullptr);
    }
    ASSERT_EQ(workbook_close(book), LXW_NO_ERROR);
    long before = peakResidentKib();
    auto reader = openSheet(path);
    ASSERT_TRUE(reader.isOk()) << reader.status().toString();
    SourceRow row;
    std::size_t rows = 0;
    std::string last;
    while ((*reader)->next(row)) {
        ++rows;
        if (rows == 200000) last = columnValue(row, "行政处罚决定书文号");
    }
    EXPECT_EQ(rows, 200000u);
    EXPECT_EQ(last, "示交罚〔2026〕第200000号");
    // About 50 MB of shared strings: kept in a temporary file, not in memory.
    EXPECT_LT(peakResidentKib() - before, 20 * 1024) << "peak grew by " << (peakResidentKib() - before) << " KiB";
}

TEST_F(XlsxSourcePluginTest, GivenTheTemplateOfACsv_WhenMapped_ThenThePayloadIsTheCsvsByteForByte) {
    std::string csv = test::sourcePath("mappings/creditchina/golden/cf-chinese-headers.csv");
    std::string xlsx = writeTemplateWithOpenpyxl(csv, "行政处罚");
    std::string common = std::string(CREDITGW_BINARY) + " map --kind cf --unit-code 11371300MB20260018 --unit-name 示范 ";
    auto fromCsv = test::runCommand(common + "--input " + csv + " --out " + dir.file("csv"));
    ASSERT_EQ(fromCsv.exitCode, 0) << fromCsv.output;
    auto fromXlsx = test::runCommand(common + "--input " + xlsx + " --sheet 行政处罚 --out " + dir.file("xlsx"));
    ASSERT_EQ(fromXlsx.exitCode, 0) << fromXlsx.output;
    auto withoutTime = [](std::string payload) {
        auto at = payload.find("\"createdAt\":\"");
        if (at != std::string::npos) payload.erase(at, payload.find('"', at + 14) - at);
        return payload;
    };
    EXPECT_EQ(withoutTime(test::readFile(dir.file("xlsx/payload.json"))),
              withoutTime(test::readFile(dir.file("csv/payload.json"))));
    EXPECT_TRUE(contains(fromXlsx.output, "records 8, valid 8, held 0")) << fromXlsx.output;
    auto wrongSheet = test::runCommand(common + "--input " + xlsx + " --out " + dir.file("first"));
    EXPECT_EQ(wrongSheet.exitCode, 1) << wrongSheet.output;
    EXPECT_TRUE(contains(wrongSheet.output, "choose the sheet with --sheet")) << wrongSheet.output;
}

TEST_F(XlsxSourcePluginTest, GivenAControlCharacterInACell_WhenMapped_ThenTheRecordIsHeldNamingTheCell) {
    std::string path = dir.file("ctl.xlsx");
    lxw_workbook* book = workbook_new(path.c_str());
    lxw_worksheet* sheet = workbook_add_worksheet(book, "行政处罚");
    const char* header[] = {"行政相对人名称", "行政处罚决定书文号", "处罚机关统一社会信用代码"};
    for (int c = 0; c < 3; ++c) worksheet_write_string(sheet, 0, static_cast<lxw_col_t>(c), header[c], nullptr);
    worksheet_write_string(sheet, 1, 0, "示范\x01公司", nullptr);  // stored as _x0001_
    worksheet_write_string(sheet, 1, 1, "示交罚〔2026〕1号", nullptr);
    worksheet_write_string(sheet, 1, 2, "11371300MB20260018", nullptr);
    ASSERT_EQ(workbook_close(book), LXW_NO_ERROR);
    auto mapped = test::runCommand(std::string(CREDITGW_BINARY) + " map --kind cf --unit-code 11371300MB20260018 "
                                   "--unit-name 示范 --input " + path + " --out " + dir.file("out"));
    ASSERT_EQ(mapped.exitCode, 0) << mapped.output;
    std::string report = test::readFile(dir.file("out/report.json"));
    EXPECT_TRUE(contains(report, "\"line\":2,")) << report;
    EXPECT_TRUE(contains(report, "行政处罚!A2: column 行政相对人名称 (CF_XDR_MC): control character U+0001 at character 3"))
        << report;
}
