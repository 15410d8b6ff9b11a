// Query plans are code: every SQL statement the pipeline, the statistics and the officers'
// commands prepare is EXPLAINed here against a real store, and a plan that would make a stage
// slow down as the store grows fails the test.
//
// Rules (docs/benchmarks.md, "Query plans"):
//  1. No SCAN of a store table. A statement that must read a whole table (a report listing, a
//     rebuild) says so in its SQL with the marker comment  /* full-scan: why */.
//  2. A correlated sub-query runs once per outer row, so its first loop must SEARCH by a
//     selective key (identity, rowid, record_id, batch_id, record_key, id): a search by target
//     and state alone walks every delivery of the target per row (the 2026-11 regressions).
//  3. A statement that takes a chunk (LIMIT) must not sort its whole candidate set for it
//     (USE TEMP B-TREE FOR ORDER BY) unless it carries the marker.

#include <gtest/gtest.h>

#include <sqlite3.h>

#include <map>
#include <set>
#include <sstream>
#include <vector>

#include "TestSupport.h"
#include "creditgw/MockPlatform.h"
#include "creditgw/Sqlite.h"

using namespace creditgw;
using creditgw::test::CommandResult;
using creditgw::test::runCommand;

namespace {

struct PlanLine {
    int id = 0;
    int parent = 0;
    std::string detail;
};

std::vector<PlanLine> explain(sqlite3* db, const std::string& sql) {
    Statement plan(db, ("EXPLAIN QUERY PLAN " + sql).c_str());
    std::vector<PlanLine> lines;
    while (plan.step())
        lines.push_back({static_cast<int>(plan.integer(0)), static_cast<int>(plan.integer(1)), plan.text(3)});
    return lines;
}

bool startsWith(const std::string& text, const std::string& prefix) { return text.rfind(prefix, 0) == 0; }

bool searchesBySelectiveKey(const std::string& detail) {
    if (!startsWith(detail, "SEARCH ")) return false;
    auto open = detail.find('(');
    if (open == std::string::npos) return false;
    std::string keys = detail.substr(open);
    for (const char* key : {"identity=", "rowid=", "record_id=", "batch_id=", "record_key=", "(id=", " id="})
        if (keys.find(key) != std::string::npos) return true;
    return false;
}

// The rule a plan breaks, or "" when it keeps them all.
std::string planViolation(const std::string& sql, const std::vector<PlanLine>& plan) {
    bool marked = sql.find("/* full-scan:") != std::string::npos;
    bool chunked = sql.find(" LIMIT ") != std::string::npos;
    std::map<int, std::vector<const PlanLine*>> children;
    for (const auto& line : plan) children[line.parent].push_back(&line);
    for (const auto& line : plan) {
        const std::string& d = line.detail;
        if (startsWith(d, "SCAN ") && d.find("VIRTUAL TABLE") == std::string::npos && !startsWith(d, "SCAN CONSTANT") &&
            d.find("(subquery") == std::string::npos && !marked)
            return "scans a table: " + d;
        if (startsWith(d, "CORRELATED")) {
            for (const PlanLine* child : children[line.id]) {
                if (!startsWith(child->detail, "SEARCH ") && !startsWith(child->detail, "SCAN ")) continue;
                if (!searchesBySelectiveKey(child->detail))
                    return "correlated sub-query led by a non-selective loop: " + child->detail;
                break;
            }
        }
        if (chunked && !marked && d == "USE TEMP B-TREE FOR ORDER BY") return "sorts its whole set for one chunk";
    }
    return {};
}

std::string planText(const std::vector<PlanLine>& plan) {
    std::string out;
    for (const auto& line : plan) out += "    " + line.detail + "\n";
    return out;
}

const char* kHeader =
    "CF_XDR_MC,CF_XDR_LB,CF_XDR_SHXYM,CF_FRDB,CF_WSH,CF_WFXW,CF_SY,CF_YJ,CF_CFLB,CF_NR,CF_NR_FK,CF_JDRQ,CF_YXQ,"
    "CF_CFJG,CF_CFJGDM,CF_SJLY,CF_SJLYDM,ZRBM\n";

std::string row(const std::string& name, const std::string& uscc, const std::string& docNumber,
                const std::string& legal) {
    return name + ",法人及非法人组织," + uscc + "," + legal + "," + docNumber +
           ",超限运输,车货总重超过限定标准,《公路法》第七十六条,罚款,罚款2000元,0.2,2026-11-20,2027-11-20,"
           "示范市交通运输局,11100000000019713D,示范市交通运输局,11100000000019713D,执法一大队\n";
}

class QueryPlanTest : public ::testing::Test {
protected:
    void SetUp() override {
        certs = creditgw::test::devCertsDir();
        auto config = creditgw::test::devMockPlatformConfig();
        config.clockOverride = "2026-11-23T10:00:00+08:00";
        platform = std::make_unique<MockPlatform>(config);
        ASSERT_TRUE(platform->start());
    }

    CommandResult gw(const std::string& arguments) {
        return runCommand("CREDITGW_SQL_LOG=" + dir.file("sql.log") + " " + CREDITGW_BINARY + " " + arguments +
                          " --store " + dir.file("store.db"));
    }

    std::string uploadArgs() {
        return "upload --unit-code 11371300MB20260018 --unit-name 示范市交通运输局 --endpoint " + platform->endpoint() +
               " --ca " + certs + "/ca.pem --cert " + certs + "/client.pem --key " + certs +
               "/client.key --signing-key " + certs + "/signing.key";
    }

    std::string reconcileArgs() {
        platform->plantRecord("cf-000000000000000000000000", "cf", "他交罚〔2026〕9号", "2026-11-21");
        return "reconcile --endpoint " + platform->endpoint() + " --ca " + certs + "/ca.pem --cert " + certs +
               "/client.pem --key " + certs + "/client.key";
    }

    // Runs every stage and every reading command once, with a correction and a held record,
    // so each statement they prepare is in sql.log.
    void runThePipeline() {
        std::string csv = std::string(kHeader) + row("示范市顺达物流有限公司", "914403001922038216", "示交罚〔2026〕1号", "李明") +
                          row("示范市远达运输有限公司", "91350100M000100Y43", "示交罚〔2026〕3号", "赵强") +
                          row("示范市坏码运输有限公司", "914403001922038217", "示交罚〔2026〕4号", "钱亮");
        creditgw::test::writeFile(dir.file("cf.csv"), csv);
        std::vector<std::string> commands = {"ingest --kind cf --input " + dir.file("cf.csv"), uploadArgs()};
        for (const auto& command : commands) ASSERT_EQ(gw(command).exitCode, 0) << command;
        csv.replace(csv.find("李明"), std::string("李明").size(), "李明华");
        creditgw::test::writeFile(dir.file("cf.csv"), csv);
        ASSERT_EQ(gw("ingest --kind cf --input " + dir.file("cf.csv")).exitCode, 0);
        ASSERT_EQ(gw(uploadArgs()).exitCode, 0);
        // A send that fails (nothing listens on port 1) runs the retry and in-doubt statements.
        csv.replace(csv.find("赵强"), std::string("赵强").size(), "赵强国");
        creditgw::test::writeFile(dir.file("cf.csv"), csv);
        ASSERT_EQ(gw("ingest --kind cf --input " + dir.file("cf.csv")).exitCode, 0);
        CommandResult failing = gw(uploadArgs() + " --endpoint https://127.0.0.1:1/api --once");
        EXPECT_NE(failing.exitCode, 0) << failing.output;
        for (const std::string& reading : std::vector<std::string>{"stats --format json --as-of 2026-11-23", "report --as-of 2026-11-23",
                                    "status --format json", "requeue --target creditchina",
                                    "history --wsh 示交罚〔2026〕1号 --format json",
                                    // 下线 of the records whose 公示截止期 (2027-11-20) passed
                                    uploadArgs().substr(0) + " --once --as-of 2027-12-01",
                                    // reconciliation, with a record only the platform knows
                                    reconcileArgs()}) {
            CommandResult result = gw(reading);
            // upload --once exits 4 while a batch still waits: the one sent to port 1 above is
            // due again only once its backoff has passed, which a loaded machine reaches first.
            bool waitingUpload = reading.rfind("upload", 0) == 0 && result.exitCode == 4 &&
                                 result.output.find("still waiting 1") != std::string::npos;
            EXPECT_TRUE(result.exitCode <= 1 || waitingUpload) << reading << "\n" << result.output;
        }
        CommandResult discarded = gw("discard --file " + dir.file("cf.csv") + " --line 4");  // the held one
        EXPECT_EQ(discarded.exitCode, 0) << discarded.output;
        CommandResult exported = gw("export --kind cf --format csv --out " + dir.file("export.csv"));
        EXPECT_EQ(exported.exitCode, 0) << exported.output;
        CommandResult unsent = gw("export --kind cf --format csv --unsent --out " + dir.file("unsent.csv"));
        EXPECT_EQ(unsent.exitCode, 0) << unsent.output;
    }

    creditgw::test::ScratchDir dir{"query-plan"};
    std::string certs;
    std::unique_ptr<MockPlatform> platform;
};

TEST_F(QueryPlanTest, EveryStatementThePipelineRunsSearchesInsteadOfScanning) {
    runThePipeline();
    std::istringstream log(creditgw::test::readFile(dir.file("sql.log")));
    auto db = Database::open(dir.file("store.db"));
    ASSERT_TRUE(db) << db.status().toString();
    std::size_t explained = 0;
    std::string line;
    std::set<std::string> seen;  // each process logs its statements once; several ran
    while (std::getline(log, line)) {
        if (line.empty() || !seen.insert(line).second) continue;
        auto plan = explain((*db)->handle(), line);
        if (plan.empty()) continue;  // PRAGMA, BEGIN: nothing to plan
        ++explained;
        std::string violation = planViolation(line, plan);
        EXPECT_EQ(violation, "") << line << "\n" << planText(plan);
    }
    // ingest, map, package, upload, receipts, statistics, report, status, requeue, history,
    // reconcile, discard and export.
    EXPECT_GE(explained, 20u);
}

TEST_F(QueryPlanTest, TheRulesCatchTheCorrectionGuardThatMadePackagingQuadratic) {
    runThePipeline();
    auto db = Database::open(dir.file("store.db"));
    ASSERT_TRUE(db);
    // The correction guard as it was before db5aedb: led by deliveries_state.
    std::string quadratic =
        "SELECT d.record_id FROM deliveries d JOIN records r ON r.id=d.record_id"
        " WHERE d.target=?1 AND d.state='ready' AND r.kind=?2 AND r.is_latest=1"
        " AND NOT EXISTS (SELECT 1 FROM records o JOIN deliveries od ON od.record_id=o.id"
        "   WHERE o.identity=r.identity AND o.id<>r.id AND od.target=?1 AND od.state='queued')"
        " ORDER BY d.record_id LIMIT ?3";
    EXPECT_NE(planViolation(quadratic, explain((*db)->handle(), quadratic)).find("correlated"), std::string::npos);
    std::string scan = "SELECT COUNT(*) FROM deliveries WHERE reason<>''";
    EXPECT_NE(planViolation(scan, explain((*db)->handle(), scan)).find("scans"), std::string::npos);
    std::string sorted = "SELECT id FROM records WHERE kind='cf' ORDER BY source_line LIMIT 10";
    EXPECT_NE(planViolation(sorted, explain((*db)->handle(), sorted)), "");
}

}  // namespace
