// The officers' monthly outputs on a store built here with the real binary and the mock platform:
// the workbook (`report --format xlsx`), read back by openpyxl (python3-openpyxl, a reader we did
// not write); `report` totals under --limit and its Chinese rule messages; `stats --format csv`
// with --by and per-field fill rates. The workbook must agree with `stats` to the count.
//
// The store (decisions in November 2026 unless said, as of Fri 2026-11-27, platform accepting at
// 2026-11-23 10:00):
//   A 执法一大队 decided 11-20, accepted           → on time (deadline 12-01)
//   B 执法二大队 decided 11-02, accepted           → late (deadline 11-11)
//   C 执法一大队 decided 11-02, bad USCC, held     → overdue
//   D 执法二大队 decided 11-20, no 罚款金额, held   → at risk, 2 working days left; 文书号 holds a 身份证号
//   F 执法一大队 decided 11-20, platform rejects   → at risk, 2 working days left
//   E 执法二大队 decided 2026-10-20, accepted      → late (last month)

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <sstream>

#include "TestSupport.h"

using namespace creditgw;
using creditgw::test::CommandResult;

namespace {

const char* kHeader =
    "CF_XDR_MC,CF_XDR_LB,CF_XDR_SHXYM,CF_FRDB,CF_WSH,CF_WFXW,CF_SY,CF_YJ,CF_CFLB,CF_NR,CF_NR_FK,CF_JDRQ,CF_YXQ,"
    "CF_CFJG,CF_CFJGDM,CF_SJLY,CF_SJLYDM,ZRBM,BZ\n";

std::string row(const std::string& name, const std::string& uscc, const std::string& docNumber,
                const std::string& fine, const std::string& decided, const std::string& department,
                const std::string& remark) {
    return name + ",法人及非法人组织," + uscc + ",李明," + docNumber +
           ",超限运输,车货总重超过限定标准,《公路法》第七十六条,罚款,罚款2000元," + fine + "," + decided +
           ",2027-11-20,示范市交通运输局,11100000000019713D,示范市交通运输局,11100000000019713D," + department +
           "," + remark + "\n";
}

// One CSV line split on commas, with RFC 4180 quotes.
std::vector<std::string> csvFields(const std::string& line) {
    std::vector<std::string> fields(1);
    bool quoted = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
        char c = line[i];
        if (quoted && c == '"' && i + 1 < line.size() && line[i + 1] == '"') fields.back() += line[++i];
        else if (c == '"') quoted = !quoted;
        else if (c == ',' && !quoted) fields.emplace_back();
        else fields.back() += c;
    }
    return fields;
}

/// CSV text → rows of column name → value.
std::vector<std::map<std::string, std::string>> parseCsv(const std::string& text) {
    std::istringstream in(text);
    std::string line;
    std::getline(in, line);
    std::vector<std::string> header = csvFields(line);
    std::vector<std::map<std::string, std::string>> rows;
    while (std::getline(in, line)) {
        auto fields = csvFields(line);
        EXPECT_EQ(fields.size(), header.size()) << line;
        std::map<std::string, std::string> row;
        for (std::size_t i = 0; i < header.size() && i < fields.size(); ++i) row[header[i]] = fields[i];
        rows.push_back(row);
    }
    return rows;
}

const std::map<std::string, std::string>* findRow(const std::vector<std::map<std::string, std::string>>& rows,
                                                  const std::string& column, const std::string& value) {
    for (const auto& row : rows)
        if (row.at(column) == value) return &row;
    return nullptr;
}

// Reads the workbook with openpyxl and checks it against the `stats --format json` of the same
// month; prints OK, or the first failed expectation (and exits 1).
const char* kCheckWorkbook = R"PY(
import json, sys, datetime, openpyxl
book_path, stats_path, previous_path = sys.argv[1:4]
stats = json.load(open(stats_path, encoding="utf-8"))
previous = json.load(open(previous_path, encoding="utf-8"))
wb = openpyxl.load_workbook(book_path)
def check(condition, what):
    if not condition:
        print("FAILED:", what); sys.exit(1)
check(wb.sheetnames == ["汇总", "逾期", "临期", "不合规"], "sheet names %r" % wb.sheetnames)
for ws in wb.worksheets:
    check(ws.page_setup.orientation == "landscape", ws.title + " landscape")
    check(str(ws.page_setup.paperSize) == "9", ws.title + " A4")
    check(ws.freeze_panes is not None, ws.title + " frozen header")
    check(ws.column_dimensions["A"].width and ws.column_dimensions["A"].width >= 7, ws.title + " widths set")
    for row in ws.iter_rows():
        for c in row:
            if isinstance(c.value, str):
                check("197412169" not in c.value, "unmasked 身份证号 in %s!%s" % (ws.title, c.coordinate))
s = wb["汇总"]
check(s.freeze_panes == "B5", "汇总 freeze panes " + str(s.freeze_panes))
check("2026年11月" in s["A1"].value, "title names the month")
check(s["B2"].value == "示范市交通运输局", "unit")
check(isinstance(s["F3"].value, datetime.datetime) and s["F3"].value.date() == datetime.date(2026, 11, 27),
      "统计日 is a date")
rates = {"上报率": ("reporting_rate", "accepted", "must_report"),
         "合规率": ("compliance_rate", "compliant", "submitted"),
         "及时率（7个工作日）": ("timeliness_rate", "on_time", "timeliness_denominator"),
         "完整率": ("completeness_rate", "complete", "submitted")}
for r in range(6, 10):
    name = s.cell(r, 1).value
    key, num, den = rates[name]
    for col, source in ((2, stats), (5, previous)):
        cell = s.cell(r, col)
        check(isinstance(cell.value, (int, float)) and not isinstance(cell.value, bool), name + " is a number")
        check(abs(cell.value - source[key]) < 1e-6, "%s %r vs stats %r" % (name, cell.value, source[key]))
        check("%" in cell.number_format, name + " percent format")
        check(s.cell(r, col + 1).value == source["counts"][num], name + " numerator")
        check(s.cell(r, col + 2).value == source["counts"][den], name + " denominator")
check(s.cell(10, 1).value == "撤销及时率（按撤销登记日期）", "撤销及时率 row, got %r" % s.cell(10, 1).value)
for col, source in ((2, stats), (5, previous)):
    rate = source["withdrawal_timeliness_rate"]
    cell = s.cell(10, col).value
    check((rate is None and not isinstance(cell, (int, float))) or (rate is not None and abs(cell - rate) < 1e-6),
          "撤销及时率 %r vs stats %r" % (cell, rate))
    check(s.cell(10, col + 1).value == source["withdrawals"]["on_time"], "撤销及时率 numerator")
    check(s.cell(10, col + 2).value == source["withdrawals"]["due"], "撤销及时率 denominator")
# per 责任部门 rows agree with stats' by_department
found = {}
for row in s.iter_rows(min_row=1, max_row=s.max_row):
    if row[0].value in stats["by_department"] and isinstance(row[1].value, (int, float)):
        found[row[0].value] = row
check(set(found) == set(stats["by_department"]), "departments %r" % sorted(found))
for name, row in found.items():
    d = stats["by_department"][name]
    check(row[1].value == d["counts"]["must_report"] and row[2].value == d["counts"]["accepted"], name + " counts")
    check(abs(row[3].value - d["reporting_rate"]) < 1e-6, name + " 上报率")
    check(abs(row[9].value - d["timeliness_rate"]) < 1e-6, name + " 及时率")
footnote = [c.value for c in s["A"] if isinstance(c.value, str) and c.value.startswith("统计口径")]
check(len(footnote) == 1 and "7个工作日" in footnote[0], "one footnote with the counting rules")
late = wb["逾期"]
check([c.value for c in late[1]][:2] == ["类型", "文书号"] and late.freeze_panes == "A2", "逾期 header")
kinds = sorted(r[0].value for r in late.iter_rows(min_row=2))
check(kinds == ["逾期报送", "逾期未报送"], "逾期 rows %r" % kinds)
for r in late.iter_rows(min_row=2):
    check(isinstance(r[4].value, datetime.datetime) and isinstance(r[5].value, datetime.datetime), "逾期 dates")
    if r[0].value == "逾期未报送":
        check(r[1].value == "示交罚〔2026〕3号" and r[5].value.date() == datetime.date(2026, 11, 11), "overdue C")
        check(r[7].value == 12, "C is 12 working days over (11-12 … 11-27), got %r" % r[7].value)
soon = wb["临期"]
rows = list(soon.iter_rows(min_row=2, values_only=True))
check(len(rows) == 2, "临期 rows %r" % rows)
check(all(r[0] == 2 and r[1].date() == datetime.date(2026, 12, 1) for r in rows), "2 working days left, due 12-01")
check("示交罚〔2026〕371321********9230号" in [r[2] for r in rows], "masked 文书号 in 临期")
bad = wb["不合规"]
groups = []
for r in bad.iter_rows(min_row=2, values_only=True):
    if r[0] is None: break
    groups.append(r)
check(sorted((g[0], g[4]) for g in groups) == [("E301", 1), ("required_if", 1), ("uscc", 1)], "groups %r" % groups)
check(all(isinstance(g[4], int) for g in groups), "counts are numbers")
uscc = [g for g in groups if g[0] == "uscc"][0]
check(uscc[1] == "CF_XDR_SHXYM" and uscc[2] == "统一社会信用代码" and "统一社会信用代码" in uscc[3], "uscc group")
header_row = [i for i, r in enumerate(bad.iter_rows(values_only=True), 1) if r[0] == "来源文件"][0]
details = list(bad.iter_rows(min_row=header_row + 1, values_only=True))
check(len(details) == 3, "one line per reason: %r" % details)
check(all(d[0] == "cf.csv" and isinstance(d[1], int) for d in details), "file and line")
fine = [d for d in details if d[10] == "required_if"][0]
check(fine[7] == "CF_NR_FK" and fine[9].startswith("按条件必填") and "required when" in fine[11], "CF_NR_FK line")
rejected = [d for d in details if d[10] == "E301"][0]
check(rejected[6] == "平台退回" and "疑似测试数据" in rejected[9], "platform rejection line")
print("OK")
)PY";

class MonthlyWorkbookTest : public ::testing::Test {
protected:
    void SetUp() override {
        certs = test::devCertsDir();
        auto config = test::devMockPlatformConfig();
        config.clockOverride = "2026-11-23T10:00:00+08:00";
        platform = std::make_unique<MockPlatform>(config);
        ASSERT_TRUE(platform->start());
        std::string csv = std::string(kHeader) +
                          row("示范市顺达物流有限公司", "914403001922038216", "示交罚〔2026〕1号", "0.2", "2026-11-20", "执法一大队", "无") +
                          row("示范市远达运输有限公司", "91350100M000100Y43", "示交罚〔2026〕2号", "0.2", "2026-11-02", "执法二大队", "") +
                          row("示范市坏码运输有限公司", "914403001922038217", "示交罚〔2026〕3号", "0.2", "2026-11-02", "执法一大队", "") +
                          row("示范市远达运输有限公司", "91350100M000100Y43", "示交罚〔2026〕371321197412169230号", "", "2026-11-20", "执法二大队", "") +
                          row("示范市测试运输有限公司", "914403001922038216", "示交罚〔2026〕6号", "0.2", "2026-11-20", "执法一大队", "") +
                          row("示范市顺达物流有限公司", "914403001922038216", "示交罚〔2026〕5号", "0.2", "2026-10-20", "执法二大队", "");
        test::writeFile(dir.file("cf.csv"), csv);
        CommandResult ingested = gw("ingest --kind cf --input " + dir.file("cf.csv"));
        ASSERT_EQ(ingested.exitCode, 0) << ingested.output;
        CommandResult uploaded = gw("upload --unit-code 11371300MB20260018 --unit-name 示范市交通运输局 --endpoint " +
                                    platform->endpoint() + " --ca " + certs + "/ca.pem --cert " + certs +
                                    "/client.pem --key " + certs + "/client.key --signing-key " + certs +
                                    "/signing.key --once");
        ASSERT_LE(uploaded.exitCode, 4) << uploaded.output;
    }

    CommandResult gw(const std::string& arguments) {
        return test::runCommand(std::string(CREDITGW_BINARY) + " " + arguments + " --store " + dir.file("store.db") +
                                " 2>&1");
    }

    test::ScratchDir dir{"monthly-workbook"};
    std::string certs;
    std::unique_ptr<MockPlatform> platform;
};

TEST_F(MonthlyWorkbookTest, TheWorkbookReadBackByOpenpyxlShowsTheSameNumbersAsStats) {
    CommandResult written = gw("report --month 2026-11 --format xlsx --out " + dir.file("2026-11.xlsx") +
                               " --as-of 2026-11-27 --unit-name 示范市交通运输局");
    ASSERT_EQ(written.exitCode, 0) << written.output;
    CommandResult stats = gw("stats --format json --month 2026-11 --as-of 2026-11-27");
    ASSERT_EQ(stats.exitCode, 0) << stats.output;
    test::writeFile(dir.file("stats.json"), stats.output);
    CommandResult previous = gw("stats --format json --month 2026-10 --as-of 2026-11-27");
    ASSERT_EQ(previous.exitCode, 0) << previous.output;
    test::writeFile(dir.file("previous.json"), previous.output);
    // The store is what the header says, so the comparison is not between two empty sheets.
    EXPECT_NE(stats.output.find("\"must_report\":5,\"accepted\":2,\"rejected\":1,\"held\":2"), std::string::npos)
        << stats.output;
    EXPECT_NE(previous.output.find("\"on_time\":0,\"late\":1"), std::string::npos) << previous.output;

    test::writeFile(dir.file("check.py"), kCheckWorkbook);
    CommandResult checked = test::runCommand("/usr/bin/python3 " + dir.file("check.py") + " " +
                                             dir.file("2026-11.xlsx") + " " + dir.file("stats.json") + " " +
                                             dir.file("previous.json") + " 2>&1");
    EXPECT_EQ(checked.exitCode, 0) << checked.output;
    EXPECT_NE(checked.output.find("OK"), std::string::npos) << checked.output;
}

TEST_F(MonthlyWorkbookTest, AnUnknownFormatOrAnXlsxWithoutOutIsAUsageError) {
    CommandResult unknown = gw("report --month 2026-11 --format pdf --out " + dir.file("x.pdf"));
    EXPECT_EQ(unknown.exitCode, 2) << unknown.output;
    EXPECT_NE(unknown.output.find("known: text, xlsx"), std::string::npos) << unknown.output;
    CommandResult noOut = gw("report --month 2026-11 --format xlsx");
    EXPECT_EQ(noOut.exitCode, 2) << noOut.output;
    EXPECT_NE(noOut.output.find("--out"), std::string::npos) << noOut.output;
    CommandResult badMonth = gw("report --month 2026-13 --format xlsx --out " + dir.file("x.xlsx"));
    EXPECT_EQ(badMonth.exitCode, 2) << badMonth.output;
    EXPECT_FALSE(std::filesystem::exists(dir.file("x.xlsx")));
}

TEST_F(MonthlyWorkbookTest, ReportTotalsCountEveryRecordWhileLimitOnlyShortensTheLists) {
    CommandResult full = gw("report --month 2026-11 --as-of 2026-11-27");
    ASSERT_EQ(full.exitCode, 0) << full.output;
    CommandResult limited = gw("report --month 2026-11 --as-of 2026-11-27 --limit 1");
    ASSERT_EQ(limited.exitCode, 0) << limited.output;
    for (const CommandResult* report : {&full, &limited}) {
        EXPECT_NE(report->output.find("暂存（校验未通过，未报送） 2 条；平台退回 1 条；共 3 条"), std::string::npos)
            << report->output;
        EXPECT_NE(report->output.find("临期（即将到期，尚未被平台接收）：2 条"), std::string::npos) << report->output;
    }
    EXPECT_NE(limited.output.find("（以上仅列出前 1 条，共 3 条"), std::string::npos) << limited.output;
    EXPECT_NE(limited.output.find("（以上仅列出前 1 条，共 2 条）"), std::string::npos) << limited.output;
    EXPECT_EQ(full.output.find("仅列出前"), std::string::npos) << full.output;
    EXPECT_NE(full.output.find("示交罚〔2026〕3号"), std::string::npos) << full.output;
}

TEST_F(MonthlyWorkbookTest, RuleMessagesInTheReportAreChineseWithTheRuleCode) {
    CommandResult report = gw("report --month 2026-11 --as-of 2026-11-27");
    ASSERT_EQ(report.exitCode, 0) << report.output;
    EXPECT_NE(report.output.find("CF_XDR_SHXYM（统一社会信用代码）：统一社会信用代码校验未通过"), std::string::npos)
        << report.output;
    EXPECT_NE(report.output.find("CF_NR_FK（罚款金额（万元））：按条件必填的项为空"), std::string::npos) << report.output;
    EXPECT_NE(report.output.find("平台退回：疑似测试数据，不予接收"), std::string::npos) << report.output;
    // The English messages stay in the CLI and the logs only.
    EXPECT_EQ(report.output.find("is required when"), std::string::npos) << report.output;
    EXPECT_EQ(report.output.find("check character"), std::string::npos) << report.output;
}

TEST_F(MonthlyWorkbookTest, StatsCsvByDepartmentAndByMonthCountsTheStoreBuiltHere) {
    CommandResult byDepartment = gw("stats --format csv --by department --month 2026-11 --as-of 2026-11-27");
    ASSERT_EQ(byDepartment.exitCode, 0) << byDepartment.output;
    auto rows = parseCsv(byDepartment.output);
    ASSERT_EQ(rows.size(), 3u) << byDepartment.output;
    const auto* all = findRow(rows, "by", "all");
    ASSERT_NE(all, nullptr);
    EXPECT_EQ(all->at("must_report"), "5");
    EXPECT_EQ(all->at("accepted"), "2");
    EXPECT_EQ(all->at("reporting_rate"), "0.400000");
    EXPECT_EQ(all->at("compliance_rate"), "0.666667");
    EXPECT_EQ(all->at("timeliness_denominator"), "3");
    EXPECT_EQ(all->at("timeliness_rate"), "0.333333");
    EXPECT_EQ(all->at("pending_within_deadline"), "2");
    const auto* first = findRow(rows, "group", "执法一大队");
    ASSERT_NE(first, nullptr) << byDepartment.output;
    EXPECT_EQ(first->at("must_report"), "3");
    EXPECT_EQ(first->at("on_time"), "1");
    EXPECT_EQ(first->at("late"), "1");
    EXPECT_EQ(first->at("rejected"), "1");
    const auto* second = findRow(rows, "group", "执法二大队");
    ASSERT_NE(second, nullptr) << byDepartment.output;
    EXPECT_EQ(second->at("must_report"), "2");
    EXPECT_EQ(second->at("timeliness_rate"), "0.000000");
    EXPECT_EQ(second->at("held"), "1");

    CommandResult byMonth = gw("stats --format csv --by month --as-of 2026-11-27");
    ASSERT_EQ(byMonth.exitCode, 0) << byMonth.output;
    auto months = parseCsv(byMonth.output);
    const auto* october = findRow(months, "group", "2026-10");
    const auto* november = findRow(months, "group", "2026-11");
    ASSERT_TRUE(october && november) << byMonth.output;
    EXPECT_EQ(october->at("must_report"), "1");
    EXPECT_EQ(october->at("late"), "1");
    EXPECT_EQ(october->at("timeliness_rate"), "0.000000");
    EXPECT_EQ(november->at("must_report"), "5");
    EXPECT_EQ(findRow(months, "by", "all")->at("must_report"), "6");

    CommandResult byTarget = gw("stats --format csv --by target --month 2026-11 --as-of 2026-11-27");
    ASSERT_EQ(byTarget.exitCode, 0) << byTarget.output;
    const auto* creditchina = findRow(parseCsv(byTarget.output), "group", "creditchina");
    ASSERT_NE(creditchina, nullptr) << byTarget.output;
    EXPECT_EQ(creditchina->at("must_report"), "5");

    CommandResult unknown = gw("stats --by weekday");
    EXPECT_EQ(unknown.exitCode, 2) << unknown.output;
    EXPECT_NE(unknown.output.find("known: department, kind, target, month, field"), std::string::npos);
}

TEST_F(MonthlyWorkbookTest, FillRatesShowWhichIndicatorsAreMostOftenEmpty) {
    CommandResult fills = gw("stats --format csv --by field --month 2026-11 --as-of 2026-11-27");
    ASSERT_EQ(fills.exitCode, 0) << fills.output;
    auto rows = parseCsv(fills.output);
    ASSERT_FALSE(rows.empty()) << fills.output;
    // Submitted in November: A and B accepted, F rejected; only A has a 备注.
    const auto* remark = findRow(rows, "field", "BZ");
    ASSERT_NE(remark, nullptr) << fills.output;
    EXPECT_EQ(remark->at("filled"), "1");
    EXPECT_EQ(remark->at("records"), "3");
    EXPECT_EQ(remark->at("fill_rate"), "0.333333");
    EXPECT_EQ(remark->at("field_name"), "备注");
    const auto* name = findRow(rows, "field", "CF_XDR_MC");
    ASSERT_NE(name, nullptr);
    EXPECT_EQ(name->at("fill_rate"), "1.000000");
    // Emptiest first.
    for (std::size_t i = 1; i < rows.size(); ++i)
        EXPECT_LE(std::stod(rows[i - 1].at("fill_rate")), std::stod(rows[i].at("fill_rate"))) << fills.output;
}

}  // namespace
