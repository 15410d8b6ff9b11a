#include "StatisticsBench.h"

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <random>
#include <sstream>
#include <vector>

#include "creditgw/CivilDate.h"
#include "creditgw/RecordStore.h"
#include "creditgw/Sqlite.h"

namespace fs = std::filesystem;

namespace creditgw {
namespace {

constexpr const char* kAsOf = "2026-11-30";
constexpr const char* kMonthFrom = "2026-10-01";
constexpr const char* kMonthTo = "2026-10-31";

/// The creditgw binary beside the build tree's bench (build/tools/bench → build/gateway).
std::string defaultBinary() {
    std::error_code ec;
    fs::path self = fs::read_symlink("/proc/self/exe", ec);
    return (self.parent_path().parent_path().parent_path() / "gateway" / "creditgw").string();
}

Status fillRows(const std::string& path, std::size_t count);

/// Takes the statistics summary (its triggers and tables) out of a new store, so that it is
/// filled as a store from before the summary, and counts it by the migration at the next open.
void dropStatisticsSummary(Database& db) {
    std::vector<std::string> triggers;
    Statement names(db.handle(), "SELECT name FROM sqlite_master WHERE type='trigger' AND name LIKE 'stats_%'");
    while (names.step()) triggers.push_back(names.text(0));
    for (const auto& name : triggers) db.exec(("DROP TRIGGER " + name).c_str());
    db.exec("DROP TABLE IF EXISTS stats_records; DROP TABLE IF EXISTS stats_indicators;");
}

/// Writes `count` records with their deliveries in transactions of 50,000 rows (the statistics
/// summary counted from them at the end, as when an existing store is upgraded).
Status fillStore(const std::string& path, std::size_t count) {
    Status filled = fillRows(path, count);
    if (!filled) return filled;
    auto start = std::chrono::steady_clock::now();
    auto migrated = RecordStore::open(path, false);
    if (!migrated) return migrated.status();
    std::cout << "creditgw-bench: statistics summary counted by the store's migration in " << std::fixed
              << std::setprecision(1) << std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()
              << " s\n" << std::flush;
    return Status::ok();
}

Status fillRows(const std::string& path, std::size_t count) {
    auto store = RecordStore::open(path);
    if (!store) return store.status();
    Database& db = (*store)->database();
    dropStatisticsSummary(db);
    std::mt19937_64 random(20261202);
    const char* departments[] = {"执法一大队", "执法二大队", "执法三大队", "运输管理科", "路政科",
                                 "审批科", "港航科", "安全监督科", "综合科", "海事处"};
    CivilDate first = *CivilDate::parse("2024-01-02");
    try {
        Statement record(db.handle(),
                         "INSERT INTO records (id, identity, version, kind, content_hash, fields, department,"
                         " decision_date, source_file, source_line, ingested_at) VALUES (?,?,1,?,?,?,?,?,?,?,?)");
        Statement delivery(db.handle(),
                           "INSERT INTO deliveries (record_id, target, record_key, state, mapped_fields,"
                           " mapping_version, indicators_defined, indicators_filled, accepted_at, updated_at)"
                           " VALUES (?,'creditchina',?,?,'[]','bench',20,?,?,?)");
        Statement problem(db.handle(),
                          "INSERT INTO problems (record_id, target, field, rule, message)"
                          " VALUES (?,'creditchina','CF_XDR_SHXYM','uscc','check character wrong')");
        for (std::size_t done = 0; done < count;) {
            Transaction tx(db);
            for (std::size_t i = 0; i < 50000 && done < count; ++i, ++done) {
                auto id = static_cast<std::int64_t>(done + 1);
                const char* kind = done % 3 == 0 ? "xk" : "cf";
                std::string identity = std::string("11100000000019713D|示交罚〔2026〕") + std::to_string(id) +
                                       "号|914403001922038216|" + kind;
                CivilDate decided = first.addDays(static_cast<int>(random() % 1064));
                std::string decision = decided.toIso();
                unsigned roll = static_cast<unsigned>(random() % 100);
                const char* state = roll < 90 ? "accepted" : roll < 93 ? "held" : roll < 95 ? "rejected"
                                                : roll < 97 ? "queued" : "ready";
                std::string accepted;
                if (roll < 90)
                    accepted = decided.addDays(static_cast<int>(random() % 14)).toIso() + "T10:00:00+08:00";
                const char* department = departments[random() % 10];
                record.bind(1, id).bind(2, identity).bind(3, kind).bind(4, RecordStore::contentHash("{}", department))
                    .bind(5, "{}").bind(6, department).bind(7, decision)
                    .bind(8, "bench.csv").bind(9, id + 1).bind(10, "2026-11-30T09:00:00+08:00").run();
                delivery.bind(1, id).bind(2, recordKeyFor(kind, identity)).bind(3, state)
                    .bind(4, static_cast<std::int64_t>(12 + random() % 9)).bind(5, accepted)
                    .bind(6, "2026-11-30T09:00:00+08:00").run();
                if (roll >= 90 && roll < 93) problem.bind(1, id).run();
            }
            tx.commit();
        }
    } catch (const SqliteError& e) {
        return Status::transient(path + ": filling the statistics store: " + e.what());
    }
    return Status::ok();
}

/// Fills the store in a child process: the parent stays small, so that the peak RSS measured for
/// each timed command (whose fork starts as a copy of the parent) is the command's own.
Status fillStoreInChild(const std::string& path, std::size_t count) {
    for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(path + suffix);  // an interrupted fill
    std::cout.flush();
    pid_t pid = fork();
    if (pid < 0) return Status::transient("fork failed");
    if (pid == 0) {
        Status filled = fillStore(path, count);
        if (!filled) std::cerr << "creditgw-bench: " << filled.toString() << "\n";
        _exit(filled ? 0 : 1);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return Status::transient(path + ": filling failed");
    for (const char* suffix : {"-wal", "-shm"}) fs::remove(path + suffix);
    return Status::ok();
}

struct Timed {
    std::string name;
    double seconds = 0;
    long peakRssKb = 0;
    int exitCode = -1;
};

/// Runs the binary with its output to /dev/null and measures its wall time and peak RSS.
Timed timeCommand(const std::string& name, const std::vector<std::string>& argv) {
    Timed timed{name};
    auto start = std::chrono::steady_clock::now();
    pid_t pid = fork();
    if (pid == 0) {
        std::freopen("/dev/null", "w", stdout);
        std::vector<char*> args;
        for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        execv(args[0], args.data());
        _exit(127);
    }
    int status = 0;
    rusage usage{};
    wait4(pid, &status, 0, &usage);
    timed.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    timed.peakRssKb = usage.ru_maxrss;
    timed.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return timed;
}

std::string fixed(double value, int decimals) {
    std::ostringstream out;
    out << std::fixed << std::setprecision(decimals) << value;
    return out.str();
}

}  // namespace

int runStatisticsBench(std::size_t records, const std::string& workDir, const std::string& creditgwBinary,
                       const std::string& dataDir) {
    std::string binary = creditgwBinary.empty() ? defaultBinary() : creditgwBinary;
    if (!fs::exists(binary)) {
        std::cerr << "creditgw-bench: no creditgw binary at " << binary << "; pass --creditgw PATH\n";
        return 1;
    }
    std::string store = workDir + "/statistics-" + std::to_string(records) + ".db";
    auto fillStart = std::chrono::steady_clock::now();
    if (!fs::exists(store)) {
        Status filled = fillStoreInChild(store + ".part", records);
        if (!filled) {
            std::cerr << "creditgw-bench: " << filled.toString() << "\n";
            return 1;
        }
        fs::rename(store + ".part", store);
    }
    double fillSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - fillStart).count();
    std::vector<std::string> common = {"--store", store, "--data-dir", dataDir, "--as-of", kAsOf};
    auto with = [&](std::vector<std::string> argv) {
        argv.insert(argv.begin(), binary);
        argv.insert(argv.end(), common.begin(), common.end());
        return argv;
    };
    std::vector<Timed> runs = {
        timeCommand("stats (month)", with({"stats", "--format", "json", "--from", kMonthFrom, "--to", kMonthTo})),
        timeCommand("stats (all)", with({"stats", "--format", "json"})),
        timeCommand("report", with({"report"})),
        timeCommand("status", {binary, "status", "--store", store, "--data-dir", dataDir}),
    };
    std::cout << "creditgw-bench: statistics on " << records << " records (" << store << ", filled in "
              << fixed(fillSeconds, 1) << " s)\n\n";
    long peak = 0;
    for (const auto& r : runs) {
        std::cout << std::left << std::setw(16) << r.name << std::right << std::setw(9) << fixed(r.seconds, 2)
                  << " s" << std::setw(9) << fixed(r.peakRssKb / 1024.0, 1) << " MB  exit " << r.exitCode << "\n";
        peak = std::max(peak, r.peakRssKb);
    }
    std::cout << "{\"statistics\":{\"records\":" << records << ",\"stats_month_s\":" << fixed(runs[0].seconds, 3)
              << ",\"stats_s\":" << fixed(runs[1].seconds, 3) << ",\"report_s\":" << fixed(runs[2].seconds, 3)
              << ",\"status_s\":" << fixed(runs[3].seconds, 3) << ",\"peak_rss_kb\":" << peak << "}}\n";
    // stats and report exit 0; status exits 1 when records are dead or need an operator, which a
    // store with held and rejected records may well do.
    for (const auto& r : runs)
        if (r.exitCode > 1 || r.exitCode < 0) return 1;
    return 0;
}

}  // namespace creditgw
