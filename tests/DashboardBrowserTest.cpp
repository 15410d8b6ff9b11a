// The dashboard as an officer uses it, end to end: a real headless Chromium (Debian chromium,
// driven through its DevTools protocol by tests/support/browser.py) opens /, logs in with the
// token, reads the dashboard of the demo's store and follows a drill-down. The DOM it ends up
// with is checked here against the store; screenshots are kept under the build tree
// (test-artifacts/dashboard/) for a human to look at.

#include "creditgw/AdminServer.h"

#include <gtest/gtest.h>

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>

#include <sys/stat.h>

#include <filesystem>
#include <regex>

#include "TestSupport.h"
#include "creditgw/RecordStore.h"
#include "creditgw/Sqlite.h"
#include "creditgw/Statistics.h"

using namespace creditgw;

namespace {

const std::string kToken = "dashboard-token-0123456789";
const std::string kArtifacts = std::string(CREDITGW_TEST_BUILD_DIR) + "/test-artifacts/dashboard";

struct Answer {
    int status = 0;
    std::string body, location, setCookie;
};

Answer request(unsigned short port, const std::string& method, const std::string& path,
               const std::vector<std::pair<std::string, std::string>>& headers = {}, const std::string& body = "") {
    Poco::Net::HTTPClientSession session("127.0.0.1", port);
    Poco::Net::HTTPRequest request(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
    for (const auto& [name, value] : headers) request.set(name, value);
    if (!body.empty()) {
        request.setContentType("application/x-www-form-urlencoded");
        request.setContentLength(static_cast<std::streamsize>(body.size()));
    }
    session.sendRequest(request) << body;
    Poco::Net::HTTPResponse response;
    std::istream& in = session.receiveResponse(response);
    Answer answer;
    answer.status = response.getStatus();
    answer.location = response.get("Location", "");
    answer.setCookie = response.get("Set-Cookie", "");
    Poco::StreamCopier::copyToString(in, answer.body);
    return answer;
}

std::size_t count(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
}

class DashboardBrowserTest : public ::testing::Test {
protected:
    void SetUp() override {
        auto demo = test::runCommand(std::string(CREDITGW_BINARY) + " demo --as-of 2026-11-22 --work-dir " +
                                     dir.file("demo"));
        ASSERT_EQ(demo.exitCode, 0) << demo.output;
        test::writeFile(dir.file("token"), kToken + "\n");
        ::chmod(dir.file("token").c_str(), 0600);
        AdminServerConfig config;
        config.tokenFile = dir.file("token");
        config.storePath = dir.file("demo/creditgw.db");
        config.dataDir = CREDITGW_SOURCE_DIR;
        config.targets = {"creditchina"};
        server = std::make_unique<AdminServer>(config);
        ASSERT_TRUE(server->start());
        base = "http://127.0.0.1:" + std::to_string(server->port());
    }

    // Runs the browser through `steps`; its files land in the artefacts folder.
    void browse(const std::vector<std::string>& steps) {
        std::string command = "python3 " + test::sourcePath("tests/support/browser.py") + " " + kArtifacts;
        for (const auto& step : steps) command += " '" + step + "'";
        auto run = test::runCommand(command);
        ASSERT_EQ(run.exitCode, 0) << run.output;
    }

    std::string artefact(const std::string& name) { return test::readFile(kArtifacts + "/" + name); }

    // The rates the statistics compute from the same store on the same day.
    RateCounts expectedTotals() {
        auto store = RecordStore::openForReading(dir.file("demo/creditgw.db"));
        auto calendar = WorkingDayCalendar::loadDirectory(test::sourcePath("data/holidays"));
        auto facts = (*store)->deliveryFacts("creditchina", {"xk", "cf"});
        StatisticsQuery q;
        q.today = *CivilDate::parse("2026-11-22");
        return computeStatistics("creditchina", *facts, *calendar, q).total;
    }

    // The id of the record whose fields hold `text` (read with SQLite, not through the gateway).
    std::string recordIdHolding(const std::string& text) {
        auto db = Database::open(dir.file("demo/creditgw.db"));
        Statement select((*db)->handle(), "SELECT id FROM records WHERE is_latest=1 AND instr(fields, ?1) > 0");
        select.bind(1, text);
        return select.step() ? std::to_string(select.integer(0)) : "";
    }

    test::ScratchDir dir{"dashboard-browser"};
    std::unique_ptr<AdminServer> server;
    std::string base;
};

}  // namespace

TEST_F(DashboardBrowserTest, AnOfficerLogsInReadsTheAtRiskListFirstAndFollowsADrillDown) {
    std::filesystem::remove_all(kArtifacts);
    std::string idRecord = recordIdHolding("410502199204121849");
    ASSERT_FALSE(idRecord.empty());
    browse({"open:" + base + "/", "url:start", "dom:login", "shot:01-login",
            "fill:#token=" + kToken, "click:#login", "url:after-login", "cookies:cookies",
            "open:" + base + "/dashboard?as_of=2026-11-22", "dom:dashboard", "shot:02-dashboard",
            "script:sections=[...document.querySelectorAll(\"section\")].map(s => s.id)",
            "click:#at-risk a.record", "url:record", "dom:record", "shot:03-record",
            "click:#back", "click:#departments a", "url:department", "dom:department", "shot:04-department",
            "open:" + base + "/dashboard?as_of=2026-11-22", "click:#held a[rel=next]", "url:held-page-2", "dom:held-page-2",
            "open:" + base + "/records/" + idRecord + "?as_of=2026-11-22", "dom:id-record", "shot:05-record-with-id"});

    // `/` sends a browser without a session to the login page; the token logs it in once.
    EXPECT_EQ(artefact("start.url"), base + "/login");
    EXPECT_NE(artefact("login.html").find("type=\"password\""), std::string::npos);
    EXPECT_EQ(artefact("after-login.url"), base + "/dashboard");
    std::string cookies = artefact("cookies.json");
    EXPECT_NE(cookies.find("\"name\": \"creditgw_session\""), std::string::npos) << cookies;
    EXPECT_NE(cookies.find("\"httpOnly\": true"), std::string::npos) << cookies;
    EXPECT_NE(cookies.find("\"sameSite\": \"Strict\""), std::string::npos) << cookies;

    // The at-risk list comes first, then the rates, the trend, departments, late and held records.
    EXPECT_EQ(artefact("sections.json"), R"(["at-risk", "rates", "trend", "departments", "late", "held"])");
    std::string page = artefact("dashboard.html");
    RateCounts c = expectedTotals();
    for (const std::string& counts :
         {std::to_string(c.accepted) + " / " + std::to_string(c.mustReport),
          std::to_string(c.compliant) + " / " + std::to_string(c.submitted),
          std::to_string(c.onTime) + " / " + std::to_string(c.timelinessDenominator()),
          std::to_string(c.complete) + " / " + std::to_string(c.submitted)})
        EXPECT_NE(page.find("<td class=\"counts\">" + counts + "</td>"), std::string::npos) << counts;
    for (const char* text : {"上报率", "合规率", "及时率", "完整率", "按责任部门", "按月趋势", "阻塞原因", "排队待上传"})
        EXPECT_NE(page.find(text), std::string::npos) << text;
    // 撤销及时率 beside the four rates, in the same table: the demo revoked nothing, so no rate.
    std::size_t rates = page.find("<section id=\"rates\">");
    std::size_t withdrawals = page.find("<tr id=\"withdrawal-timeliness\"><th>撤销及时率</th><td class=\"rate\">"
                                        "无应撤销记录</td><td class=\"counts\">0 / 0</td>");
    ASSERT_NE(withdrawals, std::string::npos) << page;
    EXPECT_GT(withdrawals, page.find("<th>完整率</th>", rates));
    EXPECT_LT(withdrawals, page.find("</table>", rates)) << "a row of the rates table";
    EXPECT_NE(page.find("<svg id=\"trend-chart\""), std::string::npos);
    EXPECT_GE(count(page, "<g class=\"month\""), 3u);  // September to November
    std::size_t riskRows = count(page, "class=\"risk-row\"");
    EXPECT_GT(riskRows, 0u);
    EXPECT_LE(riskRows, 20u);  // paginated
    std::smatch m;
    std::string rest = page;
    while (std::regex_search(rest, m, std::regex(R"(<td class="days-left">(-?\d+)</td>)"))) {
        EXPECT_LE(std::stoi(m[1].str()), 3);
        rest = m.suffix();
    }
    EXPECT_EQ(page.find("410502199204121849"), std::string::npos);
    // Held records are explained in officers' words (data/report/rule-messages.zh.tsv), not the CLI's English.
    std::smatch held;
    ASSERT_TRUE(std::regex_search(page, held, std::regex(R"(<tr class="held-row">.*?</tr>)")));
    EXPECT_NE(held.str().find("请"), std::string::npos) << held.str();
    EXPECT_EQ(held.str().find("not in"), std::string::npos) << held.str();

    // The drill-down: the record page shows what the store knows of the first at-risk record.
    std::string record = artefact("record.html");
    EXPECT_NE(artefact("record.url").find("/records/"), std::string::npos);
    EXPECT_NE(record.find("id=\"record-title\""), std::string::npos);
    for (const char* text : {"报送情况", "报送期限", "第 1 版", "_JDRQ", "class=\"state\""})
        EXPECT_NE(record.find(text), std::string::npos) << text;
    // ... and its timeline from the history log, in officers' words.
    EXPECT_NE(record.find("<section id=\"timeline\">"), std::string::npos);
    EXPECT_GE(count(record, "<tr class=\"event\">"), 1u) << record;
    EXPECT_TRUE(record.find("暂存（校验未通过）") != std::string::npos || record.find("已打包签名") != std::string::npos)
        << record;

    // A department link filters the page to that department.
    std::string department = artefact("department.html");
    EXPECT_NE(artefact("department.url").find("department="), std::string::npos);
    EXPECT_NE(department.find("<span class=\"active\">"), std::string::npos);
    EXPECT_NE(artefact("held-page-2.url").find("held_page=2"), std::string::npos);
    EXPECT_NE(artefact("held-page-2.html").find("第 2/2 页"), std::string::npos);

    // A 身份证号 in the record's fields is shown masked only.
    std::string idPage = artefact("id-record.html");
    EXPECT_NE(idPage.find("410502********1849"), std::string::npos);
    EXPECT_EQ(idPage.find("410502199204121849"), std::string::npos);

    for (const char* shot : {"01-login.png", "02-dashboard.png", "03-record.png", "04-department.png",
                             "05-record-with-id.png"}) {
        std::string png = artefact(shot);
        EXPECT_GT(png.size(), 4000u) << shot;
        EXPECT_EQ(png.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8)) << shot;
    }
}

TEST_F(DashboardBrowserTest, AWithdrawalPastItsDeadlineShowsInTheWithdrawalTimelinessWithItsCounts) {
    // One accepted 行政处罚 of the demo is revoked now; nothing sends its 撤销, so once its 3
    // working days have passed it counts late: 0 on time of 1 due.
    auto db = Database::open(dir.file("demo/creditgw.db"));
    ASSERT_TRUE(db);
    Statement select((*db)->handle(),
                     "SELECT json_extract(r.fields, '$.CF_WSH') FROM records r JOIN deliveries d ON d.record_id = r.id "
                     "WHERE r.is_latest = 1 AND r.kind = 'cf' AND d.target = 'creditchina' AND d.state = 'accepted' "
                     "LIMIT 1");
    ASSERT_TRUE(select.step());
    std::string wsh = select.text(0);
    auto revoked = test::runCommand(std::string(CREDITGW_BINARY) + " revoke --kind cf --wsh '" + wsh +
                                    "' --reason 复议撤销 --store " + dir.file("demo/creditgw.db") +
                                    " --data-dir " CREDITGW_SOURCE_DIR);
    ASSERT_EQ(revoked.exitCode, 0) << revoked.output;
    std::string later = CivilDate::todayInShanghai().addDays(60).toIso();
    Answer page = request(server->port(), "GET", "/dashboard?as_of=" + later, {{"Authorization", "Bearer " + kToken}});
    ASSERT_EQ(page.status, 200);
    EXPECT_NE(page.body.find("<tr id=withdrawal-timeliness><th>撤销及时率</th><td class=rate>0.0%</td>"
                             "<td class=counts>0 / 1</td>"),
              std::string::npos)
        << page.body;
    // Before its deadline it is pending: not counted yet.
    Answer today = request(server->port(), "GET", "/dashboard?as_of=" + CivilDate::todayInShanghai().toIso(),
                           {{"Authorization", "Bearer " + kToken}});
    EXPECT_NE(today.body.find("<td class=rate>无应撤销记录</td><td class=counts>0 / 0</td><td>期限内撤下 / 应完成撤销"
                              "（按撤销登记日期；未到期待撤 1 条不计入）"),
              std::string::npos)
        << today.body;
}

TEST_F(DashboardBrowserTest, ScriptsUseTheBearerHeaderAndLoginIsGuardedAgainstCrossSitePosts) {
    unsigned short port = server->port();
    std::string self = "http://127.0.0.1:" + std::to_string(port);
    EXPECT_EQ(request(port, "GET", "/dashboard", {{"Authorization", "Bearer " + kToken}}).status, 200);
    Answer anonymous = request(port, "GET", "/dashboard");
    EXPECT_EQ(anonymous.status, 303);
    EXPECT_EQ(anonymous.location, "/login");
    EXPECT_EQ(request(port, "GET", "/stats").status, 401);

    std::string form = "token=" + kToken;
    EXPECT_EQ(request(port, "POST", "/login", {{"Origin", "http://evil.example"}}, form).status, 403);
    EXPECT_EQ(request(port, "POST", "/login", {}, form).status, 403);  // no Origin, no Referer
    // DNS rebinding: a page on rebind.example (resolving to 127.0.0.1) sends Origin and Host alike.
    std::string rebound = "rebind.example:" + std::to_string(port);
    EXPECT_EQ(request(port, "POST", "/login", {{"Host", rebound}, {"Origin", "http://" + rebound}}, form).status, 403);
    EXPECT_EQ(request(port, "POST", "/login", {{"Origin", self}}, "token=wrong-token-wrong-token").status, 401);
    Answer login = request(port, "POST", "/login", {{"Origin", self}}, form);
    ASSERT_EQ(login.status, 303);
    EXPECT_EQ(login.location, "/dashboard");
    EXPECT_NE(login.setCookie.find("HttpOnly"), std::string::npos) << login.setCookie;
    EXPECT_NE(login.setCookie.find("SameSite=Strict"), std::string::npos) << login.setCookie;
    std::string cookie = login.setCookie.substr(0, login.setCookie.find(';'));
    EXPECT_EQ(request(port, "GET", "/dashboard", {{"Cookie", cookie}}).status, 200);
    EXPECT_EQ(request(port, "GET", "/stats", {{"Cookie", cookie}}).status, 200);
    EXPECT_EQ(request(port, "GET", "/records/999999", {{"Cookie", cookie}}).status, 404);
    EXPECT_EQ(request(port, "GET", "/dashboard?risk_page=abc", {{"Cookie", cookie}}).status, 400);

    // Logging out is a POST from the page itself; afterwards the cookie opens nothing.
    EXPECT_EQ(request(port, "POST", "/logout", {{"Cookie", cookie}, {"Origin", "http://evil.example"}}).status, 403);
    EXPECT_EQ(request(port, "POST", "/logout", {{"Cookie", cookie}, {"Origin", self}}).status, 303);
    EXPECT_EQ(request(port, "GET", "/dashboard", {{"Cookie", cookie}}).status, 303);
    EXPECT_EQ(request(port, "GET", "/stats", {{"Cookie", cookie}}).status, 401);
}
