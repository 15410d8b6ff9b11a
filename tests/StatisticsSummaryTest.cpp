// The statistics summary (gateway/src/store/StatisticsSummary.cpp) kept by triggers: after any
// sequence of the changes the gateway makes to records, deliveries and revocations, the rates
// read from it are those computed record by record, and the maintained summary is the one
// counted afresh from the records (`creditgw stats --rebuild`, the migration).

#include <gtest/gtest.h>

#include <random>

#include "TestSupport.h"
#include "creditgw/RecordStore.h"
#include "creditgw/Sqlite.h"
#include "creditgw/Statistics.h"

using namespace creditgw;

namespace {

const std::vector<std::string> kTargets = {"creditchina", "xyjt"};
const std::vector<std::string> kKinds = {"xk", "cf"};

std::string dump(Database& db) {
    std::string out;
    for (auto [sql, columns] : {std::pair{"SELECT * FROM stats_records WHERE records<>0 ORDER BY 1, 2, 3, 4, 5, 6, 7, 8", 9},
                                std::pair{"SELECT * FROM stats_indicators WHERE records<>0 ORDER BY 1, 2, 3, 4, 5, 6", 7}}) {
        Statement rows(db.handle(), sql);
        while (rows.step()) {
            for (int i = 0; i < columns; ++i) out += rows.text(i) + "|";
            out += "\n";
        }
        out += "--\n";
    }
    return out;
}

std::int64_t negativeRows(Database& db) {
    Statement rows(db.handle(),
                   "SELECT (SELECT COUNT(*) FROM stats_records WHERE records<0)"
                   " + (SELECT COUNT(*) FROM stats_indicators WHERE records<0)");
    rows.step();
    return rows.integer(0);
}

// The gateway's changes, written as the store writes them, chosen at random.
class RandomOperations {
public:
    RandomOperations(Database& db, std::uint64_t seed) : _db(db), _random(seed), _prefix("id-" + std::to_string(seed) + "-") {}

    void step() {
        switch (pick(14)) {
            case 0: case 1: case 2: ingest(); break;
            case 3: correct(); break;
            case 4: case 5: map(); break;
            case 6: setState("ready", "queued", ""); break;
            case 7: case 8: setState("queued", "accepted", acceptedAt()); break;
            case 9: setState("queued", "rejected", ""); break;
            case 10: setState(pick(2) ? "rejected" : "dead", "ready", ""); break;
            case 11: revoke(); break;
            case 12: discard(); break;
            case 13: packAll(); break;
        }
    }

private:
    int pick(int n) { return static_cast<int>(_random() % static_cast<std::uint64_t>(n)); }

    std::string decisionDate() {
        static const char* dates[] = {"2025-12-30", "2026-01-05", "2026-02-10", "2026-09-27", "2026-09-30",
                                      "2026-10-08", "2026-11-25", "2026-12-18", "2026-12-28", "", "2026-12-31"};
        return dates[pick(11)];
    }

    std::string acceptedAt() {
        static const char* times[] = {"2026-01-06T10:00:00+08:00", "2026-01-20T23:59:59+08:00",
                                      "2026-02-11T08:00:00+08:00", "2026-10-12T16:30:00+08:00",
                                      "2026-10-12T16:30:00Z",      "2026-10-20 09:00:00",
                                      "2026-12-01T00:00:00.250+08:00", "yesterday",
                                      "2026-12-19T10:00:00+08:00", "2027-01-04T10:00:00+08:00"};
        return times[pick(10)];
    }

    std::vector<std::int64_t> ids(const std::string& sql) {
        Statement select(_db.handle(), sql.c_str());
        std::vector<std::int64_t> out;
        while (select.step()) out.push_back(select.integer(0));
        return out;
    }

    std::int64_t any(const std::string& sql) {
        auto found = ids(sql);
        return found.empty() ? 0 : found[static_cast<std::size_t>(pick(static_cast<int>(found.size())))];
    }

    void insertRecord(const std::string& identity, std::int64_t version, const std::string& kind) {
        static const char* departments[] = {"一大队", "二大队", "审批科"};
        Statement insert(_db.handle(),
                         "INSERT INTO records (identity, version, kind, content_hash, fields, department,"
                         " decision_date, source_file, source_line, ingested_at) VALUES (?,?,?,'h','{}',?,?,'f.csv',1,'t')");
        insert.bind(1, identity).bind(2, version).bind(3, kind).bind(4, departments[pick(3)])
            .bind(5, decisionDate()).run();
    }

    void ingest() {
        static const char* kinds[] = {"xk", "cf", "cf", "zz"};
        insertRecord(_prefix + std::to_string(++_identities), 1, kinds[pick(4)]);
    }

    void correct() {
        auto id = any("SELECT id FROM records WHERE is_latest=1");
        if (id == 0) return;
        Statement row(_db.handle(), "SELECT identity, version, kind FROM records WHERE id=?");
        row.bind(1, id);
        row.step();
        std::string identity = row.text(0), kind = row.text(2);
        std::int64_t version = row.integer(1);
        Statement retire(_db.handle(), "UPDATE records SET is_latest=0 WHERE id=?");
        retire.bind(1, id).run();
        insertRecord(identity, version + 1, kind);
    }

    void map() {
        const std::string& target = kTargets[static_cast<std::size_t>(pick(2))];
        auto id = any("SELECT id FROM records r WHERE is_latest=1 AND NOT EXISTS (SELECT 1 FROM deliveries d"
                      " WHERE d.record_id=r.id AND d.target='" + target + "')");
        if (id == 0) return;
        Statement insert(_db.handle(),
                         "INSERT INTO deliveries (record_id, target, record_key, state, indicators_defined,"
                         " indicators_filled, updated_at) VALUES (?,?,'k',?,?,?,'t')");
        int defined = pick(4) == 0 ? 0 : 10;
        insert.bind(1, id).bind(2, target).bind(3, pick(4) == 0 ? "held" : "ready")
            .bind(4, static_cast<std::int64_t>(defined)).bind(5, static_cast<std::int64_t>(pick(11))).run();
    }

    void setState(const std::string& from, const std::string& to, const std::string& at) {
        auto rowid = any("SELECT rowid FROM deliveries WHERE state='" + from + "'");
        if (rowid == 0) return;
        // As applyReceipt: a re-acceptance keeps the first acceptance time.
        Statement update(_db.handle(),
                         "UPDATE deliveries SET state=?1, accepted_at=CASE WHEN ?1='accepted' AND accepted_at<>''"
                         " THEN accepted_at WHEN ?1='accepted' THEN ?2 ELSE accepted_at END WHERE rowid=?3");
        update.bind(1, to).bind(2, at).bind(3, rowid).run();
    }

    void packAll() {
        Statement update(_db.handle(), "UPDATE deliveries SET state='queued' WHERE state='ready' AND target=?");
        update.bind(1, kTargets[static_cast<std::size_t>(pick(2))]).run();
    }

    void revoke() {
        Statement identity(_db.handle(), "SELECT identity FROM records WHERE id=?");
        identity.bind(1, any("SELECT id FROM records"));
        if (!identity.step()) return;
        Statement insert(_db.handle(),
                         "INSERT OR IGNORE INTO revocations (identity, kind, reason, basis, origin, revoked_at)"
                         " VALUES (?, 'cf', '撤销', '文号', 'command', '2026-12-01T10:00:00+08:00')");
        insert.bind(1, identity.text(0)).run();
    }

    void discard() {
        Statement update(_db.handle(), "UPDATE records SET is_latest=2 WHERE id=? AND is_latest=1");
        update.bind(1, any("SELECT id FROM records WHERE is_latest=1")).run();
    }

    Database& _db;
    std::mt19937_64 _random;
    std::string _prefix;
    int _identities = 0;
};

class StatisticsSummaryTest : public ::testing::Test {
protected:
    void SetUp() override {
        auto opened = RecordStore::open(dir.file("store.db"));
        ASSERT_TRUE(opened) << opened.status().toString();
        store = std::move(*opened);
        auto loaded = WorkingDayCalendar::loadDirectory(std::string(CREDITGW_SOURCE_DIR) + "/data/holidays");
        ASSERT_TRUE(loaded) << loaded.status().toString();
        calendar = std::move(*loaded);
    }

    std::vector<StatisticsQuery> queries() {
        std::vector<StatisticsQuery> out;
        StatisticsQuery all;
        all.today = *CivilDate::parse("2026-12-22");
        out.push_back(all);
        StatisticsQuery october = all;
        october.from = CivilDate::parse("2026-09-28");
        october.to = CivilDate::parse("2026-10-31");
        out.push_back(october);
        StatisticsQuery late = all;
        late.from = CivilDate::parse("2026-12-01");
        late.completenessThreshold = 0.5;
        out.push_back(late);
        StatisticsQuery kind = all;
        kind.kind = "cf";
        kind.completenessThreshold = 1.0;
        out.push_back(kind);
        StatisticsQuery department = all;
        department.department = "二大队";
        department.to = CivilDate::parse("2026-06-30");
        department.completenessThreshold = 0.0;
        out.push_back(department);
        return out;
    }

    void expectSummaryMatchesRecords(const std::string& when) {
        for (const auto& target : kTargets) {
            auto facts = store->deliveryFacts(target, kKinds);
            ASSERT_TRUE(facts) << facts.status().toString();
            for (const auto& query : queries()) {
                auto summary = summaryStatistics(*store, target, kKinds, calendar, query);
                ASSERT_TRUE(summary) << summary.status().toString();
                EXPECT_EQ(statisticsToJson(*summary), statisticsToJson(computeStatistics(target, *facts, calendar, query)))
                    << when << ", target " << target;
            }
        }
        ASSERT_EQ(negativeRows(store->database()), 0) << when;
        // `creditgw status` reads its counts from the summary too.
        for (const auto& target : kTargets) {
            auto counts = store->stateCounts(target, kKinds);
            ASSERT_TRUE(counts) << counts.status().toString();
            EXPECT_EQ(pairs(*counts), rows("SELECT COALESCE(d.state, 'unmapped'), COUNT(*) FROM records r"
                                           " LEFT JOIN deliveries d ON d.record_id=r.id AND d.target='" + target +
                                           "' WHERE r.is_latest=1 AND r.kind IN ('xk','cf') GROUP BY 1 ORDER BY 1"))
                << when << ", target " << target;
        }
        auto perKind = store->recordsPerKind(kKinds);
        ASSERT_TRUE(perKind) << perKind.status().toString();
        EXPECT_EQ(pairs(*perKind), rows("SELECT kind, COUNT(*) FROM records WHERE is_latest=1"
                                        " AND kind IN ('xk','cf') GROUP BY kind ORDER BY kind"))
            << when;
    }

    static std::string pairs(const std::vector<std::pair<std::string, std::size_t>>& counts) {
        std::string out;
        for (const auto& [name, count] : counts) out += name + "=" + std::to_string(count) + ";";
        return out;
    }

    std::string rows(const std::string& sql) {
        Statement select(store->database().handle(), sql.c_str());
        std::string out;
        while (select.step()) out += select.text(0) + "=" + select.text(1) + ";";
        return out;
    }

    void expectMaintainedEqualsRebuilt(const std::string& when) {
        std::string maintained = dump(store->database());
        auto rebuilt = store->rebuildStatisticsSummary();
        ASSERT_TRUE(rebuilt) << rebuilt.status().toString();
        EXPECT_EQ(dump(store->database()), maintained) << when;
    }

    test::ScratchDir dir{"statistics-summary"};
    std::unique_ptr<RecordStore> store;
    WorkingDayCalendar calendar;
};

TEST_F(StatisticsSummaryTest, RandomOperationsKeepTheSummaryEqualToTheRecordsAndToARebuild) {
    for (std::uint64_t seed : {1u, 2u, 3u}) {
        RandomOperations operations(store->database(), seed);
        for (int i = 1; i <= 400; ++i) {
            if (i % 7 == 0) {
                // Several changes in one transaction, as a chunk of ingest or a receipt.
                Transaction tx(store->database());
                for (int j = 0; j < 5; ++j) operations.step();
                tx.commit();
            } else {
                operations.step();
            }
            if (i % 50 == 0) {
                std::string when = "seed " + std::to_string(seed) + ", after operation " + std::to_string(i);
                expectSummaryMatchesRecords(when);
                expectMaintainedEqualsRebuilt(when);
                if (HasFailure()) return;
            }
        }
    }
}

TEST_F(StatisticsSummaryTest, AStoreFromBeforeTheSummaryIsCountedWhenItIsOpened) {
    RandomOperations operations(store->database(), 7);
    for (int i = 0; i < 300; ++i) operations.step();
    std::string maintained = dump(store->database());
    // Given a store without the summary (triggers and tables of an older gateway gone) ...
    std::vector<std::string> triggers;
    {
        Statement names(store->database().handle(),
                        "SELECT name FROM sqlite_master WHERE type='trigger' AND name LIKE 'stats_%'");
        while (names.step()) triggers.push_back(names.text(0));
    }
    ASSERT_FALSE(triggers.empty());
    for (const auto& name : triggers) store->database().exec(("DROP TRIGGER " + name).c_str());
    store->database().exec("DROP TABLE stats_records; DROP TABLE stats_indicators;");
    for (int i = 0; i < 100; ++i) operations.step();  // changes the old gateway made
    // ... when a writer opens it, the summary is there and counts every record.
    store.reset();
    auto reopened = RecordStore::open(dir.file("store.db"));
    ASSERT_TRUE(reopened) << reopened.status().toString();
    store = std::move(*reopened);
    expectSummaryMatchesRecords("after the migration");
    expectMaintainedEqualsRebuilt("after the migration");
    EXPECT_NE(dump(store->database()), maintained);  // the 100 later changes are in it
}

}  // namespace
