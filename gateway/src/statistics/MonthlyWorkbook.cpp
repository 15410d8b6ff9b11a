#include "creditgw/MonthlyWorkbook.h"

#include <xlsxwriter.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <map>
#include <set>

#include "creditgw/CodeChecks.h"

namespace creditgw {

std::optional<CalendarMonth> CalendarMonth::parse(std::string_view text) {
    if (text.size() != 7 || text[4] != '-') return std::nullopt;
    for (std::size_t i : {0, 1, 2, 3, 5, 6})
        if (text[i] < '0' || text[i] > '9') return std::nullopt;
    CalendarMonth month{std::stoi(std::string(text.substr(0, 4))), std::stoi(std::string(text.substr(5, 2)))};
    if (month.month < 1 || month.month > 12 || month.year < 1900) return std::nullopt;
    return month;
}

CivilDate CalendarMonth::lastDay() const {
    CalendarMonth next = month == 12 ? CalendarMonth{year + 1, 1} : CalendarMonth{year, month + 1};
    return next.firstDay().addDays(-1);
}

std::string CalendarMonth::toIso() const {
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "%04d-%02d", year, month);
    return buffer;
}

std::string CalendarMonth::toChinese() const { return std::to_string(year) + "年" + std::to_string(month) + "月"; }

namespace {

struct Formats {
    lxw_format* title = nullptr;
    lxw_format* section = nullptr;
    lxw_format* header = nullptr;
    lxw_format* text = nullptr;
    lxw_format* wrap = nullptr;
    lxw_format* count = nullptr;
    lxw_format* percent = nullptr;
    lxw_format* change = nullptr;
    lxw_format* date = nullptr;
    lxw_format* footnote = nullptr;

    explicit Formats(lxw_workbook* book) {
        title = workbook_add_format(book);
        format_set_bold(title);
        format_set_font_size(title, 14);
        section = workbook_add_format(book);
        format_set_bold(section);
        header = workbook_add_format(book);
        format_set_bold(header);
        format_set_text_wrap(header);
        format_set_align(header, LXW_ALIGN_CENTER);
        format_set_align(header, LXW_ALIGN_VERTICAL_CENTER);
        format_set_bg_color(header, 0xDDEBF7);
        format_set_border(header, LXW_BORDER_THIN);
        text = workbook_add_format(book);
        format_set_num_format(text, "@");
        wrap = workbook_add_format(book);
        format_set_text_wrap(wrap);
        format_set_align(wrap, LXW_ALIGN_VERTICAL_TOP);
        count = workbook_add_format(book);
        format_set_num_format(count, "0");
        percent = workbook_add_format(book);
        format_set_num_format(percent, "0.0%");
        change = workbook_add_format(book);
        format_set_num_format(change, "+0.0%;-0.0%;0.0%");
        date = workbook_add_format(book);
        format_set_num_format(date, "yyyy-mm-dd");
        footnote = workbook_add_format(book);
        format_set_text_wrap(footnote);
        format_set_align(footnote, LXW_ALIGN_VERTICAL_TOP);
        format_set_font_size(footnote, 9);
    }
};

/// One worksheet, written row by row. Remembers the first library error, so the sheet code
/// stays linear and the workbook reports it once; every text is written with 身份证号 masked.
class Sheet {
public:
    Sheet(lxw_workbook* book, const char* name, const Formats& formats, lxw_error& firstError)
        : _sheet(workbook_add_worksheet(book, name)), _f(formats), _error(firstError) {
        if (!_sheet) {
            remember(LXW_ERROR_MEMORY_MALLOC_FAILED);
            return;
        }
        worksheet_set_landscape(_sheet);
        worksheet_set_paper(_sheet, 9);  // A4
        worksheet_fit_to_pages(_sheet, 1, 0);
        worksheet_set_margins(_sheet, 0.4, 0.4, 0.6, 0.6);
    }

    bool ok() const { return _sheet != nullptr; }
    lxw_row_t row() const { return _row; }
    void nextRow(lxw_row_t rows = 1) { _row += rows; }

    void text(lxw_col_t col, const std::string& value, lxw_format* format = nullptr) {
        if (!_sheet) return;
        std::string masked = maskIdNumbersIn(value);
        remember(worksheet_write_string(_sheet, _row, col, masked.c_str(), format ? format : _f.text));
    }
    void number(lxw_col_t col, double value, lxw_format* format) {
        if (_sheet) remember(worksheet_write_number(_sheet, _row, col, value, format));
    }
    void count(lxw_col_t col, std::size_t value) { number(col, static_cast<double>(value), _f.count); }
    /// A rate as a percent number; no data (denominator 0) as the words, never 0% or 100%.
    void rate(lxw_col_t col, std::optional<double> value) {
        if (value) number(col, *value, _f.percent);
        else text(col, "无数据");
    }
    void date(lxw_col_t col, const CivilDate& value) {
        if (!_sheet) return;
        lxw_datetime when{value.year, value.month, value.day, 0, 0, 0};
        remember(worksheet_write_datetime(_sheet, _row, col, &when, _f.date));
    }
    /// An ISO date as a date cell; anything unreadable as the text itself ("" → 缺失).
    void isoDate(lxw_col_t col, const std::string& iso) {
        auto parsed = CivilDate::parse(iso);
        if (parsed) date(col, *parsed);
        else text(col, iso.empty() ? "（缺失）" : iso);
    }
    void headers(const std::vector<std::string>& titles) {
        for (std::size_t c = 0; c < titles.size(); ++c) text(static_cast<lxw_col_t>(c), titles[c], _f.header);
        if (_sheet) remember(worksheet_set_row(_sheet, _row, 30, nullptr));
    }
    void merged(lxw_col_t last, const std::string& value, lxw_format* format) {
        if (!_sheet) return;
        std::string masked = maskIdNumbersIn(value);
        remember(worksheet_merge_range(_sheet, _row, 0, _row, last, masked.c_str(), format));
    }
    void rowHeight(double points) {
        if (_sheet) remember(worksheet_set_row(_sheet, _row, points, nullptr));
    }
    void widths(const std::vector<double>& columns) {
        for (std::size_t c = 0; c < columns.size(); ++c)
            if (_sheet)
                remember(worksheet_set_column(_sheet, static_cast<lxw_col_t>(c), static_cast<lxw_col_t>(c),
                                              columns[c], nullptr));
    }
    /// Rows above `rows` and columns left of `cols` stay in view; the header repeats on print.
    void freeze(lxw_row_t rows, lxw_col_t cols) {
        if (!_sheet) return;
        worksheet_freeze_panes(_sheet, rows, cols);
        if (rows > 0) remember(worksheet_repeat_rows(_sheet, 0, rows - 1));
    }

private:
    void remember(lxw_error error) {
        if (error != LXW_NO_ERROR && _error == LXW_NO_ERROR) _error = error;
    }

    lxw_worksheet* _sheet;
    const Formats& _f;
    lxw_error& _error;
    lxw_row_t _row = 0;
};

std::string orUnset(const std::string& value, const char* unset) { return value.empty() ? unset : value; }

std::string kindName(const MonthlyWorkbookData& data, const std::string& kind) {
    const KindDefinition* definition = data.mappings ? data.mappings->kind(kind) : nullptr;
    return definition ? definition->name() : kind;
}

std::string fieldName(const MonthlyWorkbookData& data, const std::string& kind, const std::string& field) {
    const KindDefinition* definition = data.mappings ? data.mappings->kind(kind) : nullptr;
    return definition && !field.empty() ? definition->fieldName(field) : "";
}

std::optional<double> change(std::optional<double> now, std::optional<double> before) {
    if (!now || !before) return std::nullopt;
    return *now - *before;
}

// ---- 汇总 ------------------------------------------------------------------------------------

struct RateRow {
    const char* name;
    std::optional<double> (RateCounts::*rate)() const;
    std::size_t (*numerator)(const RateCounts&);
    std::size_t (*denominator)(const RateCounts&);
};

const RateRow kRates[] = {
    {"上报率", &RateCounts::reportingRate, [](const RateCounts& c) { return c.accepted; },
     [](const RateCounts& c) { return c.mustReport; }},
    {"合规率", &RateCounts::complianceRate, [](const RateCounts& c) { return c.compliant; },
     [](const RateCounts& c) { return c.submitted; }},
    {"及时率（7个工作日）", &RateCounts::timelinessRate, [](const RateCounts& c) { return c.onTime; },
     [](const RateCounts& c) { return c.timelinessDenominator(); }},
    {"完整率", &RateCounts::completenessRate, [](const RateCounts& c) { return c.complete; },
     [](const RateCounts& c) { return c.submitted; }},
};

// 撤销及时率 (by the day each revocation was recorded), when the caller counted it.
void writeWithdrawalRow(Sheet& sheet, const Formats& f, const MonthlyWorkbookData& data) {
    if (!data.current.withdrawals || !data.previous.withdrawals) return;
    const WithdrawalCounts& now = *data.current.withdrawals;
    const WithdrawalCounts& before = *data.previous.withdrawals;
    sheet.text(0, "撤销及时率（按撤销登记日期）");
    sheet.rate(1, now.rate());
    sheet.count(2, now.onTime);
    sheet.count(3, now.due());
    sheet.rate(4, before.rate());
    sheet.count(5, before.onTime);
    sheet.count(6, before.due());
    if (auto delta = change(now.rate(), before.rate())) sheet.number(7, *delta, f.change);
    else sheet.text(7, "—");
    sheet.nextRow();
}

void writeHeadline(Sheet& sheet, const Formats& f, const MonthlyWorkbookData& data) {
    sheet.merged(15, orUnset(data.unitName, "") + "交通运输信用信息“双公示”数据报送工作进展（" +
                         data.month.toChinese() + "）", f.title);
    sheet.rowHeight(24);
    sheet.nextRow();
    sheet.text(0, "报送单位");
    sheet.text(1, orUnset(data.unitName, "（未设置，见 --unit-name）"));
    sheet.text(4, "单位代码");
    sheet.text(5, orUnset(data.unitCode, "（未设置）"));
    sheet.text(8, "报送平台");
    sheet.text(9, data.targetName);
    sheet.nextRow();
    sheet.text(0, "统计期间");
    sheet.text(1, data.month.firstDay().toIso() + " 至 " + data.month.lastDay().toIso() + "（按决定日期）");
    sheet.text(4, "统计日");
    sheet.date(5, data.asOf);
    sheet.text(8, "上月");
    sheet.text(9, data.month.previous().toChinese());
    sheet.nextRow(2);
    sheet.headers({"指标", "本月", "分子", "分母", "上月", "分子", "分母", "较上月"});
    sheet.nextRow();
    for (const auto& r : kRates) {
        const RateCounts& now = data.current.total;
        const RateCounts& before = data.previous.total;
        sheet.text(0, r.name);
        sheet.rate(1, (now.*r.rate)());
        sheet.count(2, r.numerator(now));
        sheet.count(3, r.denominator(now));
        sheet.rate(4, (before.*r.rate)());
        sheet.count(5, r.numerator(before));
        sheet.count(6, r.denominator(before));
        if (auto delta = change((now.*r.rate)(), (before.*r.rate)())) sheet.number(7, *delta, f.change);
        else sheet.text(7, "—");
        sheet.nextRow();
    }
    writeWithdrawalRow(sheet, f, data);
}

void writeStateCounts(Sheet& sheet, const MonthlyWorkbookData& data, std::size_t overdue, std::size_t atRisk,
                      std::size_t nonCompliant) {
    const RateCounts& c = data.current.total;
    sheet.nextRow();
    sheet.headers({"记录状态", "应报送", "已接收", "平台退回", "校验未通过暂存", "处理中", "发送失败", "按期",
                   "逾期", "未到期待报", "无法计算期限", "决定日期缺失", "逾期清单", "临期清单", "不合规记录"});
    sheet.nextRow();
    sheet.text(0, "本月");
    std::size_t values[] = {c.mustReport, c.accepted,    c.rejected, c.held,
                            c.inProgress, c.dead,        c.onTime,   c.late,
                            c.pendingWithinDeadline, c.deadlineUnknown, data.current.undated,
                            overdue,      atRisk,        nonCompliant};
    for (std::size_t i = 0; i < std::size(values); ++i) sheet.count(static_cast<lxw_col_t>(i + 1), values[i]);
    sheet.nextRow();
    for (const auto& gap : data.current.missingYears) {
        sheet.text(0, "注意：" + gap + "（这些记录的期限无法计算，未计入及时率）");
        sheet.nextRow();
    }
}

void groupHeaders(Sheet& sheet, const char* what) {
    sheet.headers({what, "应报送", "已接收", "上报率", "已报送", "无退回", "合规率", "已到期", "按期", "及时率",
                   "指标达标", "完整率", "上月上报率", "上月合规率", "上月及时率", "上月完整率"});
    sheet.nextRow();
}

void groupRow(Sheet& sheet, const std::string& name, const RateCounts& c, const RateCounts* before) {
    sheet.text(0, name);
    sheet.count(1, c.mustReport);
    sheet.count(2, c.accepted);
    sheet.rate(3, c.reportingRate());
    sheet.count(4, c.submitted);
    sheet.count(5, c.compliant);
    sheet.rate(6, c.complianceRate());
    sheet.count(7, c.timelinessDenominator());
    sheet.count(8, c.onTime);
    sheet.rate(9, c.timelinessRate());
    sheet.count(10, c.complete);
    sheet.rate(11, c.completenessRate());
    RateCounts none;
    const RateCounts& b = before ? *before : none;
    sheet.rate(12, b.reportingRate());
    sheet.rate(13, b.complianceRate());
    sheet.rate(14, b.timelinessRate());
    sheet.rate(15, b.completenessRate());
    sheet.nextRow();
}

const RateCounts* findGroup(const std::map<std::string, RateCounts>& groups, const std::string& name) {
    auto found = groups.find(name);
    return found == groups.end() ? nullptr : &found->second;
}

void writeGroups(Sheet& sheet, const Formats& f, const char* title, const char* what,
                 const std::map<std::string, RateCounts>& now, const std::map<std::string, RateCounts>& before,
                 const std::function<std::string(const std::string&)>& label) {
    sheet.nextRow();
    sheet.text(0, title, f.section);
    sheet.nextRow();
    groupHeaders(sheet, what);
    std::set<std::string> names;
    for (const auto& [name, counts] : now) names.insert(name);
    for (const auto& [name, counts] : before) names.insert(name);
    if (names.empty()) {
        sheet.text(0, "本月和上月均无记录");
        sheet.nextRow();
    }
    RateCounts none;
    for (const auto& name : names) {
        const RateCounts* current = findGroup(now, name);
        groupRow(sheet, label(name), current ? *current : none, findGroup(before, name));
    }
}

std::string countingRules(const MonthlyWorkbookData& data) {
    char threshold[16];
    std::snprintf(threshold, sizeof threshold, "%.0f%%", data.current.query.completenessThreshold * 100.0);
    std::string days = std::to_string(data.current.query.deadlineDays);
    return "统计口径：按决定日期归入统计期，每条记录只计最新版本，任一版本被平台接收即计为已接收。"
           "上报率＝平台已接收÷应报送（期内作出的全部决定，含校验未通过暂存的）；"
           "合规率＝已接收且从未被平台退回÷已报送（有平台回执的）；"
           "及时率＝在" + days + "个工作日内被平台接收÷已到期应报送（决定日为第0日，按国务院节假日及调休安排，"
           "期限日23:59:59前接收为按期；尚未到期且未接收的不计入分母，列在“临期”表）；"
           "完整率＝已填指标不少于标准规定指标" + threshold + "的记录÷已报送；"
           "撤销及时率＝在期限内（行政处罚3个工作日，其他5个工作日，自撤销登记日起算）被平台确认撤下的撤销÷已到期的撤销，"
           "按撤销登记日期归入统计期。"
           "分母为0时显示“无数据”。上月各率按同一统计日计算。临期指" + std::to_string(data.atRiskWorkingDays) +
           "个工作日内到期。";
}

void writeSummary(Sheet& sheet, const Formats& f, const MonthlyWorkbookData& data, std::size_t overdue,
                  std::size_t atRisk, std::size_t nonCompliant) {
    writeHeadline(sheet, f, data);
    writeStateCounts(sheet, data, overdue, atRisk, nonCompliant);
    writeGroups(sheet, f, "按责任部门", "责任部门", data.current.byDepartment, data.previous.byDepartment,
                [](const std::string& name) { return orUnset(name, "（未填责任部门）"); });
    writeGroups(sheet, f, "按信息类别", "信息类别", data.current.byKind, data.previous.byKind,
                [&](const std::string& kind) { return kindName(data, kind); });
    sheet.nextRow();
    sheet.text(0, "按报送平台", f.section);
    sheet.nextRow();
    groupHeaders(sheet, "报送平台");
    for (const auto& t : data.byTarget) groupRow(sheet, t.name, t.current, &t.previous);
    sheet.nextRow();
    sheet.merged(15, countingRules(data), f.footnote);
    sheet.rowHeight(75);
    sheet.widths({24, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 11, 11, 11, 11});
    sheet.freeze(4, 1);
}

// ---- 逾期, 临期 -------------------------------------------------------------------------------

void noRows(Sheet& sheet, const std::string& what) {
    sheet.text(0, what);
    sheet.nextRow();
}

void writeLate(Sheet& sheet, const MonthlyWorkbookData& data) {
    sheet.headers({"类型", "文书号", "信息类别", "责任部门", "决定日期", "报送期限", "平台接收日期", "超期工作日",
                   "当前状态", "来源文件", "行号"});
    sheet.nextRow();
    std::size_t rows = 0;
    for (const auto& item : data.deadlines) {
        bool overdue = item.status == DeadlineItem::Status::Overdue;
        if (!overdue && item.status != DeadlineItem::Status::AcceptedLate) continue;
        const DeliveryFact& fact = item.fact;
        std::optional<CivilDate> accepted;
        if (auto at = parseTimestamp(fact.firstAcceptedAt)) accepted = CivilDate::inShanghai(*at);
        sheet.text(0, overdue ? "逾期未报送" : "逾期报送");
        sheet.text(1, orUnset(fact.documentNumber, "（无文书号）"));
        sheet.text(2, kindName(data, fact.kind));
        sheet.text(3, orUnset(fact.department, "（未填责任部门）"));
        sheet.isoDate(4, fact.decisionDate);
        sheet.date(5, item.deadline);
        if (accepted) sheet.date(6, *accepted);
        CivilDate until = accepted ? *accepted : data.asOf;
        if (data.calendar)
            if (auto over = data.calendar->workingDaysBetween(item.deadline, until)) sheet.count(7, *over);
        sheet.text(8, deliveryStateInChinese(fact.state));
        sheet.text(9, std::filesystem::path(fact.sourceFile).filename().string());
        sheet.count(10, fact.sourceLine);
        sheet.nextRow();
        ++rows;
    }
    if (rows == 0) noRows(sheet, "本月没有逾期的记录。");
    sheet.widths({12, 30, 10, 18, 12, 12, 13, 11, 22, 28, 7});
    sheet.freeze(1, 0);
}

void writeAtRisk(Sheet& sheet, const MonthlyWorkbookData& data) {
    sheet.headers({"剩余工作日", "报送期限", "文书号", "信息类别", "责任部门", "决定日期", "当前状态（卡在哪里）",
                   "来源文件", "行号"});
    sheet.nextRow();
    std::size_t rows = 0;
    for (const auto& item : data.deadlines) {
        if (item.status != DeadlineItem::Status::AtRisk) continue;
        const DeliveryFact& fact = item.fact;
        sheet.count(0, static_cast<std::size_t>(item.workingDaysLeft));
        sheet.date(1, item.deadline);
        sheet.text(2, orUnset(fact.documentNumber, "（无文书号）"));
        sheet.text(3, kindName(data, fact.kind));
        sheet.text(4, orUnset(fact.department, "（未填责任部门）"));
        sheet.isoDate(5, fact.decisionDate);
        sheet.text(6, deliveryStateInChinese(fact.state));
        sheet.text(7, std::filesystem::path(fact.sourceFile).filename().string());
        sheet.count(8, fact.sourceLine);
        sheet.nextRow();
        ++rows;
    }
    if (rows == 0)
        noRows(sheet, "截至统计日，没有" + std::to_string(data.atRiskWorkingDays) + "个工作日内到期而未报送的记录。");
    sheet.widths({11, 12, 30, 10, 18, 12, 26, 28, 7});
    sheet.freeze(1, 0);
}

// ---- 不合规, 发送失败 ----------------------------------------------------------------------------

std::string problemText(const MonthlyWorkbookData& data, const ProblemLine& p) {
    if (p.state == "rejected") return "平台退回：" + p.message;
    if (p.state == "dead") return "发送失败：" + p.message;
    return data.rules ? data.rules->describe(p.rule, p.message) : p.message;
}

struct ReasonGroup {
    std::string rule, field, kind, explanation;
    std::size_t lines = 0;
};

std::vector<ReasonGroup> groupReasons(const MonthlyWorkbookData& data, const std::vector<const ProblemLine*>& lines) {
    std::map<std::pair<std::string, std::string>, ReasonGroup> groups;
    for (const ProblemLine* p : lines) {
        ReasonGroup& g = groups[{p->rule, p->field}];
        if (g.lines++ == 0) {
            g.rule = p->rule;
            g.field = p->field;
            g.kind = p->kind;
            g.explanation = p->state == "rejected" ? "平台退回：" + p->message
                            : data.rules            ? data.rules->explanation(p->rule)
                                                    : "";
            if (g.explanation.empty()) g.explanation = "校验未通过（规则 " + p->rule + "）";
        }
    }
    std::vector<ReasonGroup> out;
    for (auto& [key, group] : groups) out.push_back(std::move(group));
    std::stable_sort(out.begin(), out.end(), [](const ReasonGroup& a, const ReasonGroup& b) { return a.lines > b.lines; });
    return out;
}

void problemRow(Sheet& sheet, const MonthlyWorkbookData& data, const ProblemLine& p) {
    sheet.text(0, std::filesystem::path(p.sourceFile).filename().string());
    sheet.count(1, p.sourceLine);
    sheet.text(2, kindName(data, p.kind));
    sheet.text(3, orUnset(p.department, "（未填责任部门）"));
    sheet.text(4, orUnset(p.documentNumber, "（无文书号）"));
    sheet.isoDate(5, p.decisionDate);
    sheet.text(6, deliveryStateInChinese(p.state));
    sheet.text(7, p.field);
    sheet.text(8, fieldName(data, p.kind, p.field));
    sheet.text(9, problemText(data, p), nullptr);
    sheet.text(10, p.rule);
    sheet.text(11, p.message);
    sheet.nextRow();
}

const std::vector<std::string> kProblemHeaders = {"来源文件", "行号", "信息类别", "责任部门", "文书号", "决定日期",
                                                  "状态", "字段", "字段名称", "问题说明", "规则", "技术说明（原文）"};
const std::vector<double> kProblemWidths = {26, 7, 10, 16, 28, 12, 14, 16, 18, 50, 14, 50};

void writeNonCompliant(Sheet& sheet, const Formats& f, const MonthlyWorkbookData& data,
                       const std::vector<const ProblemLine*>& lines) {
    sheet.headers({"规则", "字段", "字段名称", "问题说明", "出现次数"});
    sheet.nextRow();
    for (const auto& g : groupReasons(data, lines)) {
        sheet.text(0, g.rule);
        sheet.text(1, g.field.empty() ? "（整条记录）" : g.field);
        sheet.text(2, fieldName(data, g.kind, g.field));
        sheet.text(3, g.explanation);
        sheet.count(4, g.lines);
        sheet.nextRow();
    }
    if (lines.empty()) noRows(sheet, "本月没有校验未通过或被平台退回的记录。");
    sheet.nextRow();
    sheet.text(0, "逐条明细（每条原因一行）", f.section);
    sheet.nextRow();
    sheet.headers(kProblemHeaders);
    sheet.nextRow();
    for (const ProblemLine* p : lines) problemRow(sheet, data, *p);
    sheet.widths(kProblemWidths);
    sheet.freeze(1, 0);
}

void writeDead(Sheet& sheet, const MonthlyWorkbookData& data, const std::vector<const ProblemLine*>& lines) {
    sheet.headers(kProblemHeaders);
    sheet.nextRow();
    for (const ProblemLine* p : lines) problemRow(sheet, data, *p);
    sheet.widths(kProblemWidths);
    sheet.freeze(1, 0);
}

std::size_t distinctRecords(const std::vector<const ProblemLine*>& lines) {
    std::set<std::pair<std::string, std::size_t>> records;
    for (const ProblemLine* p : lines) records.insert({p->sourceFile, p->sourceLine});
    return records.size();
}

}  // namespace

Status writeMonthlyWorkbook(const MonthlyWorkbookData& data, const std::string& path) {
    std::vector<const ProblemLine*> nonCompliant, dead;
    for (const auto& p : data.problems) (p.state == "dead" ? dead : nonCompliant).push_back(&p);
    std::size_t overdue = 0, atRisk = 0;
    for (const auto& item : data.deadlines) ++(item.status == DeadlineItem::Status::AtRisk ? atRisk : overdue);

    lxw_workbook* book = workbook_new(path.c_str());
    if (!book) return Status::permanent(path + ": cannot create the workbook (out of memory?)");
    lxw_doc_properties properties{};
    std::string title = "报送工作进展 " + data.month.toIso();
    properties.title = title.data();
    workbook_set_properties(book, &properties);
    Formats formats(book);
    lxw_error error = LXW_NO_ERROR;
    {
        Sheet summary(book, "汇总", formats, error);
        writeSummary(summary, formats, data, overdue, atRisk, distinctRecords(nonCompliant));
        Sheet late(book, "逾期", formats, error);
        writeLate(late, data);
        Sheet soon(book, "临期", formats, error);
        writeAtRisk(soon, data);
        Sheet problems(book, "不合规", formats, error);
        writeNonCompliant(problems, formats, data, nonCompliant);
        if (!dead.empty()) {
            Sheet failed(book, "发送失败", formats, error);
            writeDead(failed, data, dead);
        }
    }
    lxw_error closed = workbook_close(book);
    if (error != LXW_NO_ERROR)
        return Status::invalidArgument(path + ": cannot write a cell of the workbook: " + lxw_strerror(error));
    if (closed != LXW_NO_ERROR)
        return Status::permanent(path + ": cannot write the workbook: " + lxw_strerror(closed) +
                                 "; check that the folder exists and is writable");
    return Status::ok();
}

}  // namespace creditgw
