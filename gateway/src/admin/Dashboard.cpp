#include "Dashboard.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>

#include "creditgw/CodeChecks.h"
#include "creditgw/HistoryLabels.h"
#include "creditgw/RecordHistory.h"
#include "creditgw/RuleMessages.h"
#include "creditgw/RecordStore.h"
#include "creditgw/Statistics.h"

namespace creditgw {

namespace {

constexpr std::size_t kPageSize = 20;
// Records still within their deadline are listed once this few working days (or fewer) are left.
constexpr int kAtRiskWorkingDays = 3;

// Every text the pages show passes here: escaped, and any 身份证号 in it masked.
std::string html(const std::string& raw) {
    std::string text = maskIdNumbersIn(raw);
    std::string out;
    for (char c : text) {
        switch (c) {
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '&': out += "&amp;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&#39;"; break;
            default: out += c;
        }
    }
    return out;
}

std::string percent(std::optional<double> rate) {
    if (!rate) return "无数据";
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "%.1f%%", *rate * 100.0);
    return buffer;
}

std::string parameter(const Poco::URI::QueryParameters& query, const std::string& name) {
    for (const auto& [key, value] : query)
        if (key == name) return value;
    return "";
}

// The dashboard's state, as its links carry it.
struct View {
    std::string target, month, kind, department, asOf;
    std::optional<CivilDate> from, to;
    std::size_t riskPage = 1, latePage = 1, heldPage = 1;
    CivilDate today;
    const RuleMessages* rules = nullptr;  ///< officers read rule texts in Chinese

    // What a rule's English message says, for officers.
    std::string problemText(const std::string& rule, const std::string& message) const {
        return rules ? rules->describe(rule, message) : message;
    }

    // The link to this view with one parameter changed (pages go back to 1 on a new filter).
    std::string link(const std::string& name, const std::string& value) const {
        std::map<std::string, std::string> p = {{"target", target}, {"month", month}, {"kind", kind},
                                                {"department", department}, {"as_of", asOf}};
        if (!month.empty() || name == "month") p["month"] = month;
        if (month.empty() && from) p["from"] = from->toIso();
        if (month.empty() && to) p["to"] = to->toIso();
        bool paging = name.size() > 5 && name.compare(name.size() - 5, 5, "_page") == 0;
        if (paging) {
            p["risk_page"] = std::to_string(riskPage);
            p["late_page"] = std::to_string(latePage);
            p["held_page"] = std::to_string(heldPage);
        }
        if (name == "month") p.erase("from"), p.erase("to");
        p[name] = value;
        Poco::URI uri("/dashboard");
        for (const auto& [key, v] : p)
            if (!v.empty() && v != "1") uri.addQueryParameter(key, v);
        return html(uri.toString());
    }
};

Result<std::size_t> pageParameter(const Poco::URI::QueryParameters& query, const std::string& name) {
    std::string text = parameter(query, name);
    if (text.empty()) return std::size_t{1};
    if (text.size() > 6 || text.find_first_not_of("0123456789") != std::string::npos || text == "0")
        return Status::invalidArgument(name + " \"" + text + "\" is not a page number");
    return static_cast<std::size_t>(std::stoul(text));
}

Result<View> viewOf(const DashboardSources& sources, const Poco::URI::QueryParameters& query) {
    View view;
    view.rules = sources.ruleMessages;
    view.target = parameter(query, "target");
    if (view.target.empty()) view.target = sources.targets.empty() ? "creditchina" : sources.targets.front();
    if (std::find(sources.targets.begin(), sources.targets.end(), view.target) == sources.targets.end())
        return Status::invalidArgument("unknown target \"" + view.target + "\"");
    view.today = CivilDate::todayInShanghai();
    view.asOf = parameter(query, "as_of");
    if (!view.asOf.empty()) {
        auto asOf = CivilDate::parse(view.asOf);
        if (!asOf) return Status::invalidArgument("as_of \"" + view.asOf + "\" is not a date");
        view.today = *asOf;
        view.asOf = asOf->toIso();
    }
    view.month = parameter(query, "month");
    if (!view.month.empty()) {
        auto first = CivilDate::parse(view.month + "-01");
        if (!first || view.month.size() != 7) return Status::invalidArgument("month \"" + view.month + "\" is not YYYY-MM");
        view.from = *first;
        CivilDate next = first->month == 12 ? CivilDate{first->year + 1, 1, 1} : CivilDate{first->year, first->month + 1, 1};
        view.to = next.addDays(-1);
    }
    for (const char* name : {"from", "to"}) {
        std::string text = parameter(query, name);
        if (text.empty() || !view.month.empty()) continue;
        auto date = CivilDate::parse(text);
        if (!date) return Status::invalidArgument(std::string(name) + " \"" + text + "\" is not a date");
        (std::string(name) == "from" ? view.from : view.to) = date;
    }
    view.kind = parameter(query, "kind");
    view.department = parameter(query, "department");
    for (auto [name, page] : {std::pair{"risk_page", &view.riskPage}, std::pair{"late_page", &view.latePage},
                              std::pair{"held_page", &view.heldPage}}) {
        auto number = pageParameter(query, name);
        if (!number) return number.status();
        *page = *number;
    }
    return view;
}

StatisticsQuery statisticsQuery(const View& view) {
    StatisticsQuery q;
    q.from = view.from;
    q.to = view.to;
    q.kind = view.kind;
    q.department = view.department;
    q.today = view.today;
    return q;
}

std::string kindName(const MappingCatalog& mappings, const std::string& kind) {
    const KindDefinition* definition = mappings.kind(kind);
    return definition ? definition->name() : kind;
}

std::string departmentName(const std::string& department) { return department.empty() ? "（未填）" : department; }

std::string recordLink(const View& view, const DeliveryFact& fact) {
    std::string label = fact.documentNumber.empty() ? "（无文书号）" : fact.documentNumber;
    return "<a class=record href=\"/records/" + std::to_string(fact.recordId) + "?target=" + html(view.target) +
           (view.asOf.empty() ? "" : "&amp;as_of=" + view.asOf) + "\">" + html(label) + "</a>";
}

// What keeps a record from the platform, as an officer acts on it.
std::string blockingReason(const View& view, const DeliveryFact& fact,
                           const std::map<std::string, const ProblemRecord*>& problems) {
    auto problem = problems.find(fact.identity);
    std::string detail =
        problem == problems.end() ? "" : "：" + view.problemText(problem->second->rule, problem->second->message);
    if (fact.state == "held") return "校验未通过（暂存）" + detail;
    if (fact.state == "rejected") return "平台退回" + detail;
    if (fact.state == "dead") return "发送失败，已停止重试" + detail;
    if (fact.state == "queued") return "排队待上传";
    if (fact.state == "ready") return "待打包上传";
    if (fact.state.empty()) return "尚未映射校验";
    return deliveryStateInChinese(fact.state);
}

// "第 2/5 页" with previous/next links; "" when everything fits on one page.
std::string pager(const View& view, const std::string& name, std::size_t page, std::size_t total) {
    std::size_t pages = (total + kPageSize - 1) / kPageSize;
    if (pages <= 1) return "";
    std::string out = "<p class=pager>";
    if (page > 1) out += "<a rel=prev href=\"" + view.link(name, std::to_string(page - 1)) + "\">上一页</a> ";
    out += "第 " + std::to_string(std::min(page, pages)) + "/" + std::to_string(pages) + " 页";
    if (page < pages) out += " <a rel=next href=\"" + view.link(name, std::to_string(page + 1)) + "\">下一页</a>";
    return out + "</p>";
}

template <typename T>
std::pair<std::size_t, std::size_t> pageRange(const std::vector<T>& items, std::size_t page) {
    std::size_t begin = std::min(items.size(), (page - 1) * kPageSize);
    return {begin, std::min(items.size(), begin + kPageSize)};
}

std::string filterLinks(const View& view, const std::string& title, const std::string& name,
                        const std::vector<std::pair<std::string, std::string>>& choices, const std::string& current) {
    std::string out = "<p class=filter data-filter=" + name + "><b>" + title + "：</b>";
    for (const auto& [value, label] : choices) {
        bool active = value == current;
        out += active ? "<span class=active>" + html(label) + "</span> "
                      : "<a href=\"" + view.link(name, value) + "\">" + html(label) + "</a> ";
    }
    return out + "</p>";
}

std::vector<std::string> monthsOf(const std::vector<DeliveryFact>& facts, const CivilDate& today) {
    std::set<std::string> months;
    std::string latest = today.toIso().substr(0, 7);
    for (const auto& fact : facts)
        if (fact.decisionDate.size() >= 7 && fact.decisionDate.substr(0, 7) <= latest)
            months.insert(fact.decisionDate.substr(0, 7));
    std::vector<std::string> recent(months.begin(), months.end());
    if (recent.size() > 12) recent.erase(recent.begin(), recent.end() - 12);
    return recent;
}

std::string filters(const View& view, const DashboardSources& sources, const std::vector<DeliveryFact>& facts,
                    const std::vector<std::string>& months) {
    std::vector<std::pair<std::string, std::string>> periods = {{"", "全部"}};
    for (auto it = months.rbegin(); it != months.rend(); ++it) periods.emplace_back(*it, *it);
    std::vector<std::pair<std::string, std::string>> kinds = {{"", "全部"}};
    for (const auto& kind : sources.mappings->kindsOf(view.target))
        kinds.emplace_back(kind, kindName(*sources.mappings, kind));
    std::vector<std::pair<std::string, std::string>> targets;
    for (const auto& target : sources.targets) targets.emplace_back(target, target);
    std::set<std::string> departments;
    for (const auto& fact : facts) departments.insert(fact.department);
    std::vector<std::pair<std::string, std::string>> byDepartment = {{"", "全部"}};
    for (const auto& d : departments)
        if (!d.empty()) byDepartment.emplace_back(d, d);
    return "<nav id=filters>" + filterLinks(view, "期间（决定日期）", "month", periods, view.month) +
           filterLinks(view, "类别", "kind", kinds, view.kind) + filterLinks(view, "平台", "target", targets, view.target) +
           filterLinks(view, "责任部门", "department", byDepartment, view.department) + "</nav>";
}

std::string atRiskSection(const View& view, const DashboardSources& sources, const std::vector<DeadlineItem>& items,
                          const std::map<std::string, const ProblemRecord*>& problems) {
    std::vector<const DeadlineItem*> risk;
    for (const auto& item : items)
        if (item.status == DeadlineItem::Status::AtRisk) risk.push_back(&item);
    std::stable_sort(risk.begin(), risk.end(), [](const DeadlineItem* a, const DeadlineItem* b) {
        return a->workingDaysLeft < b->workingDaysLeft;
    });
    std::string out = "<section id=at-risk><h2>临期：期限将到、平台尚未接收（" + std::to_string(risk.size()) +
                      " 条）</h2><p class=hint>剩余 " + std::to_string(kAtRiskWorkingDays) +
                      " 个工作日及以内。请先处理暂存和退回的记录，再确认排队的记录已上传。</p>";
    if (risk.empty()) return out + "<p>没有临期记录。</p></section>";
    out += "<table><tr><th>剩余工作日</th><th>期限</th><th>文书号</th><th>类别</th><th>责任部门</th><th>阻塞原因</th></tr>";
    auto [begin, end] = pageRange(risk, view.riskPage);
    for (std::size_t i = begin; i < end; ++i) {
        const DeadlineItem& item = *risk[i];
        out += "<tr class=risk-row><td class=days-left>" + std::to_string(item.workingDaysLeft) + "</td><td>" +
               item.deadline.toIso() + (item.provisional ? "（暂定）" : "") + "</td><td>" +
               recordLink(view, item.fact) + "</td><td>" + html(kindName(*sources.mappings, item.fact.kind)) +
               "</td><td>" + html(departmentName(item.fact.department)) + "</td><td class=reason>" +
               html(blockingReason(view, item.fact, problems)) + "</td></tr>";
    }
    return out + "</table>" + pager(view, "risk_page", view.riskPage, risk.size()) + "</section>";
}

std::string rateRow(const char* name, std::optional<double> rate, std::size_t numerator, std::size_t denominator,
                    const char* explanation) {
    return std::string("<tr><th>") + name + "</th><td class=rate>" + percent(rate) + "</td><td class=counts>" +
           std::to_string(numerator) + " / " + std::to_string(denominator) + "</td><td>" + explanation + "</td></tr>";
}

// 撤销及时率 beside the four rates: withdrawals selected by the day their revocation was recorded.
std::string withdrawalRow(const std::optional<WithdrawalCounts>& w) {
    if (!w) return "";
    auto rate = w->rate();
    return std::string("<tr id=withdrawal-timeliness><th>撤销及时率</th><td class=rate>") +
           (rate ? percent(rate) : "无应撤销记录") + "</td><td class=counts>" + std::to_string(w->onTime) + " / " +
           std::to_string(w->due()) + "</td><td>期限内撤下 / 应完成撤销（按撤销登记日期；未到期待撤 " +
           std::to_string(w->pendingWithinDeadline) + " 条不计入）</td></tr>";
}

std::string ratesSection(const StatisticsReport& report) {
    const RateCounts& c = report.total;
    std::string out =
        "<section id=rates><h2>四率与撤销及时率</h2><table><tr><th>指标</th><th>比率</th><th>分子 / 分母</th><th>口径</th></tr>" +
        rateRow("上报率", c.reportingRate(), c.accepted, c.mustReport, "平台已接收 / 应报送") +
        rateRow("合规率", c.complianceRate(), c.compliant, c.submitted, "无平台校验退回 / 已报送") +
        rateRow("及时率", c.timelinessRate(), c.onTime, c.timelinessDenominator(), "7个工作日内接收 / 已到期应报送") +
        rateRow("完整率", c.completenessRate(), c.complete, c.submitted, "指标非空率≥60% / 已报送") +
        withdrawalRow(report.withdrawals) + "</table>";
    out += "<p>期限内待报 " + std::to_string(c.pendingWithinDeadline) + " 条（不计入及时率分母）；暂存 " +
           std::to_string(c.held) + "，退回 " + std::to_string(c.rejected) + "，发送失败 " + std::to_string(c.dead) +
           "，处理中 " + std::to_string(c.inProgress) + "。</p>";
    if (c.deadlineUnknown > 0)
        out += "<p class=warning>另有 " + std::to_string(c.deadlineUnknown) +
               " 条记录的期限涉及尚未公布节假日的年份，统计不作判断：" +
               html(report.missingYears.empty() ? "" : report.missingYears.front()) + "</p>";
    return out + "</section>";
}

std::string trendSection(const View& view, const std::vector<DeliveryFact>& facts, const WorkingDayCalendar& calendar,
                         const std::vector<std::string>& months) {
    const int barWidth = 18, groupWidth = 64, height = 160, top = 20;
    int width = 40 + groupWidth * static_cast<int>(std::max<std::size_t>(months.size(), 1));
    std::string svg = "<svg id=trend-chart xmlns=\"http://www.w3.org/2000/svg\" width=\"" + std::to_string(width) +
                      "\" height=\"" + std::to_string(height + 60) + "\" role=img aria-label=\"按月趋势\">"
                      "<line x1=30 y1=" + std::to_string(top + height) + " x2=" + std::to_string(width) +
                      " y2=" + std::to_string(top + height) + " stroke=#888 />";
    int x = 40;
    for (const auto& month : months) {
        StatisticsQuery q = statisticsQuery(view);
        q.from = CivilDate::parse(month + "-01");
        CivilDate next = q.from->month == 12 ? CivilDate{q.from->year + 1, 1, 1} : CivilDate{q.from->year, q.from->month + 1, 1};
        q.to = next.addDays(-1);
        RateCounts c = computeStatistics(view.target, facts, calendar, q).total;
        svg += "<a href=\"" + view.link("month", month) + "\"><g class=month data-month=\"" + month + "\">";
        int bar = 0;
        for (auto [rate, colour, name] : {std::tuple{c.reportingRate(), "#3b6fb6", "上报率"},
                                          std::tuple{c.timelinessRate(), "#2e9d5b", "及时率"}}) {
            int h = rate ? static_cast<int>(*rate * height + 0.5) : 0;
            int bx = x + bar * (barWidth + 4);
            svg += "<rect x=" + std::to_string(bx) + " y=" + std::to_string(top + height - h) + " width=" +
                   std::to_string(barWidth) + " height=" + std::to_string(h) + " fill=\"" + colour + "\"><title>" +
                   month + " " + name + " " + percent(rate) + "</title></rect>";
            svg += "<text x=" + std::to_string(bx + barWidth / 2) + " y=" + std::to_string(top + height - h - 4) +
                   " font-size=9 text-anchor=middle>" + (rate ? percent(rate) : "—") + "</text>";
            ++bar;
        }
        svg += "<text x=" + std::to_string(x + barWidth + 2) + " y=" + std::to_string(top + height + 16) +
               " font-size=11 text-anchor=middle>" + month + "</text></g></a>";
        x += groupWidth;
    }
    svg += "<rect x=40 y=" + std::to_string(top + height + 30) + " width=10 height=10 fill=#3b6fb6 /><text x=54 y=" +
           std::to_string(top + height + 39) + " font-size=11>上报率</text><rect x=110 y=" +
           std::to_string(top + height + 30) + " width=10 height=10 fill=#2e9d5b /><text x=124 y=" +
           std::to_string(top + height + 39) + " font-size=11>及时率</text></svg>";
    return "<section id=trend><h2>按月趋势（决定月份）</h2>" + svg + "</section>";
}

std::string departmentSection(const View& view, const StatisticsReport& report) {
    std::string out = "<section id=departments><h2>按责任部门</h2><table><tr><th>责任部门</th><th>应报送</th>"
                      "<th>上报率</th><th>及时率</th><th>暂存</th><th>退回</th></tr>";
    for (const auto& [department, d] : report.byDepartment)
        out += "<tr><td><a href=\"" + view.link("department", department) + "\">" + html(departmentName(department)) +
               "</a></td><td>" + std::to_string(d.mustReport) + "</td><td>" + percent(d.reportingRate()) + "（" +
               std::to_string(d.accepted) + "/" + std::to_string(d.mustReport) + "）</td><td>" +
               percent(d.timelinessRate()) + "（" + std::to_string(d.onTime) + "/" +
               std::to_string(d.timelinessDenominator()) + "）</td><td>" + std::to_string(d.held) + "</td><td>" +
               std::to_string(d.rejected) + "</td></tr>";
    return out + "</table></section>";
}

std::string lateSection(const View& view, const DashboardSources& sources, const std::vector<DeadlineItem>& items,
                        const std::map<std::string, const ProblemRecord*>& problems) {
    std::vector<const DeadlineItem*> late;
    for (const auto& item : items)
        if (item.status != DeadlineItem::Status::AtRisk) late.push_back(&item);
    std::string out = "<section id=late><h2>逾期（" + std::to_string(late.size()) + " 条）</h2>";
    if (late.empty()) return out + "<p>没有逾期记录。</p></section>";
    out += "<table><tr><th>情况</th><th>期限</th><th>文书号</th><th>类别</th><th>责任部门</th><th>原因</th></tr>";
    auto [begin, end] = pageRange(late, view.latePage);
    for (std::size_t i = begin; i < end; ++i) {
        const DeadlineItem& item = *late[i];
        bool accepted = item.status == DeadlineItem::Status::AcceptedLate;
        out += "<tr class=late-row><td>" + std::string(accepted ? "逾期报送（已接收）" : "逾期未报送") + "</td><td>" +
               item.deadline.toIso() + "</td><td>" + recordLink(view, item.fact) + "</td><td>" +
               html(kindName(*sources.mappings, item.fact.kind)) + "</td><td>" +
               html(departmentName(item.fact.department)) + "</td><td>" +
               html(accepted ? "平台接收于 " + item.fact.firstAcceptedAt : blockingReason(view, item.fact, problems)) +
               "</td></tr>";
    }
    return out + "</table>" + pager(view, "late_page", view.latePage, late.size()) + "</section>";
}

std::string ruleName(const std::string& rule) {
    static const std::map<std::string, std::string> names = {
        {"required", "必填项缺失"}, {"required_if", "条件必填项缺失"}, {"idcard", "身份证号校验不通过"},
        {"uscc", "统一社会信用代码校验不通过"}, {"code_table", "不在代码表中"}, {"date", "日期无效"},
        {"date_order", "日期先后颠倒"}, {"max_length", "超过长度"}, {"encoding", "编码错误"},
        {"pattern", "格式不符"}, {"not_future", "日期晚于今天"}};
    auto found = names.find(rule);
    return found == names.end() ? rule : found->second + "（" + rule + "）";
}

std::string heldSection(const View& view, const std::vector<DeliveryFact>& facts,
                        const std::vector<ProblemRecord>& problems) {
    std::map<std::string, const DeliveryFact*> factByIdentity;
    for (const auto& fact : facts) factByIdentity[fact.identity] = &fact;
    std::map<std::string, std::vector<const ProblemRecord*>> byRule;
    std::vector<std::pair<const ProblemRecord*, const DeliveryFact*>> rows;
    for (const auto& p : problems) {
        auto fact = factByIdentity.find(p.identity);
        if (p.state != "held" || fact == factByIdentity.end()) continue;
        byRule[p.rule + "|" + p.field].push_back(&p);
        rows.emplace_back(&p, fact->second);
    }
    std::vector<std::pair<std::string, std::size_t>> counts;
    for (const auto& [key, list] : byRule) counts.emplace_back(key, list.size());
    std::stable_sort(counts.begin(), counts.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
    std::string out = "<section id=held><h2>暂存：校验未通过（" + std::to_string(rows.size()) +
                      " 项问题）</h2><table id=held-rules><tr><th>规则</th><th>字段</th><th>条数</th></tr>";
    for (const auto& [key, count] : counts) {
        std::string rule = key.substr(0, key.find('|')), field = key.substr(key.find('|') + 1);
        out += "<tr><td>" + html(ruleName(rule)) + "</td><td>" + html(field) + "</td><td>" + std::to_string(count) +
               "</td></tr>";
    }
    out += "</table>";
    std::stable_sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.first->rule < b.first->rule; });
    out += "<table><tr><th>规则</th><th>文书号</th><th>来源</th><th>责任部门</th><th>说明</th></tr>";
    auto [begin, end] = pageRange(rows, view.heldPage);
    for (std::size_t i = begin; i < end; ++i) {
        const auto& [p, fact] = rows[i];
        out += "<tr class=held-row><td>" + html(ruleName(p->rule)) + "</td><td>" + recordLink(view, *fact) + "</td><td>" +
               html(p->sourceFile.substr(p->sourceFile.find_last_of('/') + 1) + ":" + std::to_string(p->sourceLine)) +
               "</td><td>" + html(departmentName(p->department)) + "</td><td>" + html(view.problemText(p->rule, p->message)) +
               "</td></tr>";
    }
    return out + "</table>" + pager(view, "held_page", view.heldPage, rows.size()) + "</section>";
}

const char* kStyle =
    "<style>body{font-family:sans-serif;margin:1.5em;color:#222}table{border-collapse:collapse;margin-bottom:1em}"
    "td,th{border:1px solid #ccc;padding:.25em .5em;text-align:left;vertical-align:top}.rate{font-size:1.3em;"
    "font-weight:bold}.filter a,.filter span{margin-right:.4em}.active{font-weight:bold;background:#e6eefb;padding:0 .3em}"
    ".days-left{font-weight:bold;color:#b00020;text-align:center}.hint{color:#555}.warning{color:#b36b00}"
    "header form{display:inline;margin-left:2em}section{margin-top:1.2em}</style>";

std::string pageHead(const std::string& title) {
    return "<!doctype html><html lang=zh-CN><head><meta charset=utf-8><title>" + html(title) + "</title>" + kStyle +
           "</head><body>";
}

std::string pageHeader(const View& view) {
    return "<header><h1>信用信息报送工作台</h1><span>平台：" + html(view.target) + "　统计日：" + view.today.toIso() +
           "　决定日期：" + (view.from ? view.from->toIso() : std::string("最早")) + " 至 " +
           (view.to ? view.to->toIso() : std::string("今")) +
           "</span><form method=post action=/logout><button type=submit>退出</button></form></header>";
}

}  // namespace

Result<std::string> dashboardHtml(const DashboardSources& sources, const Poco::URI::QueryParameters& query) {
    auto view = viewOf(sources, query);
    if (!view) return view.status();
    auto store = RecordStore::openForReading(sources.storePath);
    if (!store) return store.status();
    auto facts = (*store)->deliveryFacts(view->target, sources.mappings->kindsOf(view->target));
    if (!facts) return facts.status();
    auto problems = (*store)->problemRecords(view->target, 100000);
    if (!problems) return problems.status();
    std::map<std::string, const ProblemRecord*> firstProblem;
    for (const auto& p : *problems) firstProblem.emplace(p.identity, &p);

    StatisticsQuery q = statisticsQuery(*view);
    StatisticsReport report = computeStatistics(view->target, *facts, *sources.calendar, q);
    if (const TargetProfile* profile = sources.mappings->profile(view->target)) {
        auto operations = (*store)->operationFacts(view->target);
        if (!operations) return operations.status();
        report.withdrawals = countWithdrawals(*operations, *profile, *sources.calendar, operationSelection(q));
    }
    std::vector<DeadlineItem> watch = deadlineWatch(*facts, *sources.calendar, q, kAtRiskWorkingDays);
    std::vector<DeliveryFact> filtered;
    for (const auto& fact : *facts)
        if ((q.kind.empty() || fact.kind == q.kind) && (q.department.empty() || fact.department == q.department))
            filtered.push_back(fact);
    std::vector<DeliveryFact> inPeriod;
    for (const auto& fact : filtered) {
        auto decided = CivilDate::parse(fact.decisionDate);
        if (!decided || ((!q.from || *decided >= *q.from) && (!q.to || *decided <= *q.to))) inPeriod.push_back(fact);
    }
    std::vector<std::string> months = monthsOf(*facts, view->today);
    return pageHead("信用信息报送工作台") + pageHeader(*view) + filters(*view, sources, *facts, months) +
           atRiskSection(*view, sources, watch, firstProblem) + ratesSection(report) +
           trendSection(*view, filtered, *sources.calendar, months) + departmentSection(*view, report) +
           lateSection(*view, sources, watch, firstProblem) + heldSection(*view, inPeriod, *problems) +
           "</body></html>\n";
}

namespace {

std::string versionsSection(const RecordHistory& history, const KindDefinition* kind) {
    std::string out;
    for (auto it = history.versions.rbegin(); it != history.versions.rend(); ++it) {
        const RecordVersionView& v = *it;
        out += "<section class=version><h2>第 " + std::to_string(v.version) + " 版" + (v.latest ? "（最新）" : "") +
               "</h2><p>来源：" + html(v.sourceFile) + ":" + std::to_string(v.sourceLine) + "　读取时间：" +
               html(v.ingestedAt) + "　决定日期：" + html(v.decisionDate.empty() ? "（缺失或无效）" : v.decisionDate) +
               "　责任部门：" + html(departmentName(v.department)) + "</p><table class=fields><tr><th>字段</th>"
               "<th>名称</th><th>值</th></tr>";
        for (const auto& [code, value] : v.fields)
            out += "<tr><td>" + html(code) + "</td><td>" + html(kind ? kind->fieldName(code) : "") + "</td><td>" +
                   html(value) + "</td></tr>";
        out += "</table></section>";
    }
    return out;
}

std::string deliveriesSection(const RecordHistory& history) {
    std::string out = "<section id=deliveries><h2>报送情况</h2>";
    if (history.deliveries.empty()) return out + "<p>尚未映射校验，未报送任何平台。</p></section>";
    out += "<table><tr><th>版本</th><th>平台</th><th>状态</th><th>平台接收时间</th><th>批次</th><th>原因</th>"
           "<th>更新时间</th></tr>";
    for (const auto& d : history.deliveries)
        out += "<tr class=delivery><td>" + std::to_string(d.version) + "</td><td>" + html(d.target) +
               "</td><td class=state>" + html(deliveryStateInChinese(d.state)) + "</td><td>" + html(d.acceptedAt) +
               "</td><td>" + html(d.batchId) + "</td><td>" +
               html(d.reasonCode.empty() ? d.reason : d.reasonCode + " " + d.reason) + "</td><td>" +
               html(d.updatedAt) + "</td></tr>";
    return out + "</table></section>";
}

// The record's timeline from the history log (the same events as `creditgw history`); every
// version of an identity shares it.
Result<std::string> timelineSection(RecordStore& store, const RecordHistory& history) {
    auto timeline = store.historyByIdentity(history.identity, history.kind);
    if (!timeline) return timeline.status();
    std::string out = "<section id=timeline><h2>处理历程</h2>";
    if (timeline->events.empty()) return out + "<p>尚无记录的处理事件。</p></section>";
    out += "<p>记录标识 " + html(timeline->key) + "</p><table><tr><th>时间</th><th>平台</th><th>事件</th><th>说明</th></tr>";
    for (const auto& e : timeline->events) {
        const char* label = historyEventInChinese(e.event);
        out += "<tr class=event><td>" + html(e.at) + "</td><td>" + html(e.target.empty() ? "—" : e.target) +
               "</td><td>" + html(label ? label : e.event) + "</td><td>" + html(e.detail) + "</td></tr>";
    }
    return out + "</table></section>";
}

std::string problemsSection(const View& view, const RecordHistory& history) {
    if (history.problems.empty()) return "";
    std::string out = "<section id=problems><h2>发现的问题</h2><table><tr><th>版本</th><th>环节</th><th>字段</th>"
                      "<th>规则</th><th>说明</th></tr>";
    for (const auto& p : history.problems)
        out += "<tr class=problem><td>" + std::to_string(p.version) + "</td><td>" +
               html(p.target.empty() ? "读取源文件" : "映射校验（" + p.target + "）") + "</td><td>" + html(p.field) +
               "</td><td>" + html(ruleName(p.rule)) + "</td><td>" + html(view.problemText(p.rule, p.message)) +
               "</td></tr>";
    return out + "</table></section>";
}

std::string deadlineLine(const RecordHistory& history, const WorkingDayCalendar& calendar) {
    if (history.versions.empty()) return "";
    auto decided = CivilDate::parse(history.versions.back().decisionDate);
    if (!decided) return "<p id=deadline>决定日期缺失或无效，无法计算报送期限。</p>";
    auto exact = calendar.deadline(*decided, 7);
    if (exact) return "<p id=deadline>报送期限（决定日后第 7 个工作日）：" + exact->toIso() + "</p>";
    EarliestDeadline earliest = calendar.earliestDeadline(*decided, 7);
    return "<p id=deadline>报送期限：" + earliest.date.toIso() + "（暂定：按最早可能日期，所涉年份节假日未公布）</p>";
}

}  // namespace

Result<std::string> recordHtml(const DashboardSources& sources, long long recordId,
                               const Poco::URI::QueryParameters& query) {
    auto view = viewOf(sources, query);
    if (!view) return view.status();
    auto store = RecordStore::openForReading(sources.storePath);
    if (!store) return store.status();
    auto history = recordHistory(**store, recordId);
    if (!history) return history.status();
    auto timeline = timelineSection(**store, *history);
    if (!timeline) return timeline.status();
    const KindDefinition* kind = sources.mappings->kind(history->kind);
    std::string document;
    if (!history->versions.empty())
        for (const auto& [code, value] : history->versions.back().fields)
            if (code.size() > 4 && code.compare(code.size() - 4, 4, "_WSH") == 0) document = value;
    std::string title = (kind ? kind->name() : history->kind) + " " + (document.empty() ? "（无文书号）" : document);
    return pageHead(title + " · 信用信息报送工作台") + "<p><a id=back href=\"/dashboard?target=" + html(view->target) +
           (view->asOf.empty() ? "" : "&amp;as_of=" + view->asOf) + "\">← 返回工作台</a></p><h1 id=record-title>" +
           html(title) + "</h1>" + deadlineLine(*history, *sources.calendar) + deliveriesSection(*history) +
           *timeline + problemsSection(*view, *history) + versionsSection(*history, kind) + "</body></html>\n";
}

}  // namespace creditgw
