// `creditgw run`: the daemon. Every interval it picks up mapping edits (keeping the last good
// ones on a bad edit), ingests the files dropped in the inbox, maps, signs, queues and uploads
// what is due for each target. Stops cleanly on SIGTERM/SIGINT once the batch being sent is
// answered (or left in doubt, asked for at the next start), without starting another.
//
// Inbox: INBOX/<kind>/*.csv (UTF-8), *.gb18030.csv or *.gbk.csv (GB18030), *.xlsx, *.json(l),
// plus the routes of INBOX/inbox.xml (InboxRoutes.h). An ingested file moves to
// INBOX/processed/<folder>/; a file that cannot be read at all moves to INBOX/failed/<folder>/
// with a .error.txt beside it. Rows with problems are not failures: they are
// stored and held with their reasons. A crash mid-file is harmless: re-reading a file changes
// nothing that was already stored.

#include <Poco/ConsoleChannel.h>
#include <Poco/FormattingChannel.h>
#include <Poco/Logger.h>
#include <Poco/PatternFormatter.h>
#include <Poco/StringTokenizer.h>

#include <unistd.h>

#include <csignal>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>

#include "CommandLine.h"
#include "DaemonConfig.h"
#include "DaemonLog.h"
#include "InboxRoutes.h"
#include "MonthlyReport.h"
#include "ReconcileSchedule.h"
#include "creditgw/AdminServer.h"
#include "creditgw/CircuitBreaker.h"
#include "creditgw/DaemonState.h"
#include "creditgw/MappingReloader.h"

namespace creditgw::cli {

namespace fs = std::filesystem;

namespace {

const char* kRunUsage =
    "Usage: creditgw run --inbox DIR --ca FILE --cert FILE --key FILE --signing-key FILE\n"
    "                    [--targets creditchina,xyjt] [--endpoint URL] [--interval 60] [--once]\n"
    "                    [--settle-seconds 10] [--admin-port N --admin-token-file F]\n"
    "                    [--inbox-config FILE] [--source csv|xlsx|json] [--sheet NAME|INDEX]\n"
    "                    [--reports-dir DIR [--as-of DATE]]\n"
    "The scheduled uploader. Each cycle: reload changed mapping files (a bad edit keeps the last\n"
    "good mappings and is logged), ingest INBOX/<kind>/*.csv (*.gb18030.csv / *.gbk.csv for\n"
    "GB18030; also *.xlsx, *.json, *.jsonl by extension) once a file has not changed for\n"
    "--settle-seconds (or was renamed from *.part), and the routes of INBOX/inbox.xml (or\n"
    "--inbox-config FILE): <route pattern=\"cf-county/*.xlsx\" kind=\"cf\" layout=\"mappings/\n"
    "sources/X.xml\" sheet=\"行政处罚\" source=\"...\" encoding=\"...\"/> and <poll input=\"X.dbsource\"\n"
    "kind=\"cf\"/> (a database query read every cycle after its watermark),\n"
    "then map, sign, queue and upload for each target. --endpoint overrides the\n"
    "target profile's endpoint (one target only). Stops on SIGTERM/SIGINT; --once runs one cycle.\n"
    "--admin-port N --admin-token-file F: health, statistics and a Chinese dashboard on\n"
    "http://127.0.0.1:N/ (/health, /metrics, /stats, /dashboard), each request with\n"
    "\"Authorization: Bearer <token>\"; the token file must be 0600. POST /api/targets/NAME/trigger\n"
    "runs that target's cycle at once, whatever its schedule (the circuit breaker still decides).\n"
    "--reports-dir DIR: from the first working day of each month, last month's workbook per target\n"
    "(DIR/report-YYYY-MM-TARGET.xlsx, as `creditgw report --format xlsx`); --as-of fixes today.\n"
    "--reconcile-schedule daily|off (reconcile.schedule): each target is reconciled with its platform\n"
    "(`creditgw reconcile`) at its first cycle of each day, before its upload; daily by default.\n";

Poco::Logger& logger() { return daemonLogger(); }  // DaemonLog.h: ISO 8601 times, optional file

std::string encodingOf(const fs::path& file) {
    std::string name = file.filename().string();
    for (const char* suffix : {".gb18030.csv", ".gbk.csv"})
        if (name.size() > std::strlen(suffix) && name.ends_with(suffix)) return "gb18030";
    return "utf-8";
}

// Moves `file` under INBOX/<bucket>/<folder>/, keeping its name unique.
fs::path moveTo(const fs::path& inbox, const char* bucket, const std::string& folder, const fs::path& file) {
    fs::path dir = inbox / bucket / folder;
    fs::create_directories(dir);
    fs::path target = dir / file.filename();
    if (fs::exists(target))
        target = dir / (file.stem().string() + "." + std::to_string(std::time(nullptr)) + file.extension().string());
    fs::rename(file, target);
    return target;
}

// A file is taken only once it has not changed for `settle`: a file still being copied into
// the inbox must not be read half and filed as done. Writers may also copy to NAME.part and
// rename when complete; .part and hidden files are never taken.
bool settled(const fs::path& file, std::chrono::seconds settle) {
    std::error_code ec;
    auto modified = fs::last_write_time(file, ec);
    if (ec) return false;
    return fs::file_time_type::clock::now() - modified >= settle;
}

void logIngestCounts(const std::string& input, const std::string& kind, const IngestCounts& c) {
    logger().information("%s (%s): rows %z, new %z, new versions %z (repaired %z), unchanged %z, with problems %z",
                         input, kind, c.rows, c.inserted, c.newVersions, c.repaired, c.unchanged, c.withProblems);
}

void ingestFile(Gateway& gateway, const fs::path& inbox, const InboxRoute& route, const fs::path& file) {
    IngestRequest request{file.string(), route.kind, route.encoding.empty() ? encodingOf(file) : route.encoding,
                          route.source, route.layout, route.sheet};
    auto report = gateway.ingest(request);
    if (!report && report.status().code() == StatusCode::Transient) {
        // The store was busy, the disk hiccuped or the database went away: the file stays for
        // the next cycle (re-reading it stores nothing twice).
        logger().warning("%s: not ingested this cycle, will retry: %s", file.string(), report.status().message());
        return;
    }
    const std::string folder = route.folder.empty() ? route.kind : route.folder;
    if (!report) {
        fs::path moved = moveTo(inbox, "failed", folder, file);
        std::ofstream(moved.string() + ".error.txt") << report.status().message() << "\n";
        logger().error("%s: not ingested, moved to %s: %s", file.string(), moved.string(), report.status().message());
        return;
    }
    for (const auto& warning : report->warnings) logger().warning(warning);
    logIngestCounts(file.filename().string(), route.kind, report->counts);
    moveTo(inbox, "processed", folder, file);
}

/// A polled source (a database query) is read every cycle from where it stopped; a failure is
/// logged and the next cycle tries again. It is never moved.
void pollSource(Gateway& gateway, const InboxRoute& route) {
    IngestRequest request{route.input, route.kind, "utf-8", route.source, route.layout, ""};
    auto report = gateway.ingest(request);
    if (!report) {
        logger().error("%s: %s", route.input, report.status().message());
        return;
    }
    if (report->counts.rows > 0) logIngestCounts(route.input, route.kind, report->counts);
}

/// The configured routes first (INBOX/inbox.xml or --inbox-config), then INBOX/<kind>/.
std::vector<InboxRoute> routesOf(Gateway& gateway, const std::vector<InboxRoute>& configured,
                                 const InboxRoute& defaults) {
    std::vector<InboxRoute> routes = configured;
    for (const auto& kind : gateway.mappings().kindIds()) {
        InboxRoute route = defaults;  // --source / --sheet of the command line
        route.folder = kind;
        route.glob = "*";
        route.kind = kind;
        routes.push_back(route);
    }
    return routes;
}

void ingestInbox(Gateway& gateway, const fs::path& inbox, const std::vector<InboxRoute>& configured,
                 const InboxRoute& defaults, std::chrono::seconds settle) {
    std::set<fs::path> taken;  // a file two routes match is read once, by the first
    for (const auto& route : routesOf(gateway, configured, defaults)) {
        if (!route.input.empty()) {
            pollSource(gateway, route);
            continue;
        }
        fs::path dir = route.folder.empty() ? inbox : inbox / route.folder;
        std::error_code ec;
        if (!fs::is_directory(dir, ec)) continue;
        std::vector<fs::path> files;
        for (const auto& entry : fs::directory_iterator(dir, ec))
            if (entry.is_regular_file(ec) && routeTakes(route, entry.path().filename().string()) &&
                settled(entry.path(), settle) && taken.insert(entry.path()).second)
                files.push_back(entry.path());
        std::sort(files.begin(), files.end());
        for (const auto& file : files) {
            try {
                ingestFile(gateway, inbox, route, file);
            } catch (const std::exception& e) {
                // A file that cannot be moved stays where it is; the daemon goes on.
                logger().error("%s: %s", file.string(), std::string(e.what()));
            }
        }
    }
}

// The attempts are counted in `state` before the cycle's line is logged: whoever reads that line
// and then asks /metrics sees them.
std::optional<UploadReport> uploadTarget(Gateway& gateway, TargetSettings target, const CivilDate& today,
                                         DaemonState& state) {
    auto mapped = gateway.mapPending(target.name);
    if (!mapped) {
        logger().error("%s: mapping failed: %s", target.name, mapped.status().message());
        return std::nullopt;
    }
    auto takedowns = gateway.queueTakedowns(target.name, today);
    if (!takedowns) {
        logger().error("%s: queueing 下线 failed: %s", target.name, takedowns.status().message());
        return std::nullopt;
    }
    if (*takedowns > 0) logger().information("%s: 下线 queued %z (公示截止期 passed)", target.name, *takedowns);
    auto packed = gateway.packageReady(target);
    if (!packed) {
        logger().error("%s: packaging failed: %s", target.name, packed.status().message());
        return std::nullopt;
    }
    if (std::size_t corrupt = mapped->corrupt + packed->corrupt; corrupt > 0)
        logger().error("%s: %z records changed in the store after they were written; held as store-corrupt "
                       "(`creditgw report` says for each what to do)", target.name, corrupt);
    auto sent = gateway.uploadDue(target, false);
    if (!sent) {
        logger().error("%s: upload failed: %s", target.name, sent.status().message());
        return std::nullopt;
    }
    state.countAttempts(target.name, sent->attempts);
    for (const auto& error : sent->errors) logger().warning("%s: %s", target.name, error);
    logger().information("%s: ready %z, held %z; queued %z records in %z batches; done %z, dead %z; accepted %z, rejected %z",
                         target.name, mapped->ready, mapped->held, packed->records, packed->batches,
                         sent->batchesDone, sent->batchesDead, sent->accepted, sent->rejected);
    return *sent;
}

// A cycle whose attempts all failed counts against the target's breaker; a delivery closes it;
// a cycle that tried nothing (backoff, empty queue) changes nothing.
// The new state is published to `state` (for /metrics) before it is logged.
void recordOutcome(CircuitBreaker& breaker, const std::string& target, const std::optional<UploadReport>& sent,
                   DaemonState& state) {
    auto now = std::chrono::system_clock::now();
    bool wasClosed = breaker.state() == CircuitBreaker::State::Closed;
    if (sent && sent->attemptsFailed > 0 && sent->batchesDone == 0) {
        breaker.recordFailure(now);
        state.publishBreaker(target, breaker.state());
        if (breaker.state() == CircuitBreaker::State::Open)
            logger().error("%s: circuit breaker open after %d failed cycles; next try %s", target,
                           breaker.consecutiveFailures(), shanghaiTimestamp(breaker.openUntil()));
    } else if (sent && sent->batchesDone > 0) {
        breaker.recordSuccess();
        state.publishBreaker(target, breaker.state());
        if (!wasClosed) logger().information("%s: circuit breaker closed: the platform answers again", target);
    }
}

// The monthly workbooks that are due (MonthlyReport.h); a failure is logged and retried next cycle.
void writeDueReports(Gateway& gateway, const std::string& reportsDir, const Poco::StringTokenizer& targets,
                     const std::optional<CivilDate>& asOf) {
    for (const auto& target : targets) {
        auto written = writeDueMonthlyReport(gateway, reportsDir, target, asOf.value_or(CivilDate::todayInShanghai()));
        if (!written) logger().error("%s: monthly workbook not written: %s", target, written.status().message());
        else if (!written->empty()) logger().information("%s: wrote the monthly workbook %s", target, *written);
    }
}

}  // namespace

int runCommand(int argc, char** argv) {
    // --config FILE: the file's settings join the command line where no flag gives them.
    auto configured = ConfiguredCommandLine::of(argc, argv);
    if (!configured) {
        std::cerr << configured.status().message() << "\ncreditgw run: the configuration file is not valid\n";
        return kInvalid;
    }
    Arguments args(configured->argc(), configured->argv(), 2, {"help", "once"});
    if (args.flag("help")) {
        std::cout << kRunUsage << kCommonOptionsHelp;
        return kOk;
    }
    auto inbox = args.option("inbox");
    auto parsed = targetSettings(args);
    auto interval = integerOption(args, "interval", 60, 1, 24 * 3600);
    auto adminPort = integerOption(args, "admin-port", 0, 1, 65535);
    auto settle = integerOption(args, "settle-seconds", 10, 0, 3600);
    for (const Status* problem : {&parsed.status(), &interval.status(), &adminPort.status(), &settle.status()})
        if (!problem->isOk()) {
            std::cerr << "creditgw run: " << problem->message() << "\n";
            return kUsage;
        }
    TargetSettings common = *parsed;
    bool perTargetFile = configured->configured();  // config check required each target's CA and key
    bool channelGiven = common.channel.count("dir") || common.channel.count("db");  // no TLS then
    if (!inbox || (!perTargetFile && (common.signingKeyFile.empty() || (common.tls.caFile.empty() && !channelGiven)))) {
        std::cerr << "creditgw run: --inbox, --ca and --signing-key are required\n" << kRunUsage;
        return kUsage;
    }
    Poco::StringTokenizer targets(args.option("targets", common.name), ",",
                                  Poco::StringTokenizer::TOK_IGNORE_EMPTY | Poco::StringTokenizer::TOK_TRIM);
    if (!common.endpoint.empty() && targets.count() != 1) {
        std::cerr << "creditgw run: --endpoint applies to one target; set the others' in their profile.xml\n";
        return kUsage;
    }
    if (auto logFile = args.option("log-file")) {
        auto keep = integerOption(args, "log-keep", 10, 1, 1000);
        Status logging = keep ? logToFile(*logFile, args.option("log-rotation", "10 M"), static_cast<int>(*keep))
                              : keep.status();
        if (!logging) return reportFailure(logging);
    }
    std::optional<CivilDate> asOf;
    if (auto text = args.option("as-of")) {
        asOf = CivilDate::parse(*text);
        if (!asOf) {
            std::cerr << "creditgw run: --as-of \"" << *text << "\" is not a date\n";
            return kUsage;
        }
    }
    auto reconcileSchedule = ReconcileSchedule::parse(args.option("reconcile-schedule", "daily"));
    if (!reconcileSchedule) {
        std::cerr << "creditgw run: " << reconcileSchedule.status().message() << "\n";
        return kUsage;
    }
    GatewaySettings settings = gatewaySettings(args);
    auto gateway = Gateway::open(settings);
    if (!gateway) return reportFailure(gateway.status());
    auto reloader = MappingReloader::create(settings.dataDir + "/mappings");
    if (!reloader) return reportFailure(reloader.status());
    InboxRoute defaults;
    defaults.source = args.option("source", "");
    defaults.sheet = args.option("sheet", "");
    std::vector<InboxRoute> routes;
    std::string routesFile = args.option("inbox-config", (fs::path(*inbox) / "inbox.xml").string());
    if (args.option("inbox-config") || fs::exists(routesFile)) {
        auto read = readInboxRoutes(routesFile, settings.dataDir, (*gateway)->mappings().kindIds());
        if (!read) return reportFailure(read.status());
        routes = std::move(*read);
        logger().information("inbox routes: %z from %s", routes.size(), routesFile);
    }

    // The stop signals are taken synchronously between cycles, never in the middle of one.
    // Blocked before any thread starts, so every thread inherits the mask.
    sigset_t stopSignals;
    sigemptyset(&stopSignals);
    sigaddset(&stopSignals, SIGINT);
    sigaddset(&stopSignals, SIGTERM);
    sigaddset(&stopSignals, SIGHUP);  // reload, not stop
    sigaddset(&stopSignals, SIGUSR1);  // a trigger from the admin interface: the next cycle now
    pthread_sigmask(SIG_BLOCK, &stopSignals, nullptr);
    // SIGTERM/SIGINT waiting to be taken: the cycle ends after the batch being sent (its answer
    // applied, or the batch left in doubt for the next start), not after every target.
    auto stopPending = [] {
        sigset_t pending;
        sigpending(&pending);
        return sigismember(&pending, SIGTERM) == 1 || sigismember(&pending, SIGINT) == 1;
    };
    (*gateway)->setStopRequested(stopPending);
    auto daemonState = std::make_shared<DaemonState>(std::vector<std::string>(targets.begin(), targets.end()));
    // Process-directed and blocked in every thread: it stays pending until the loop's
    // sigtimedwait takes it, so a trigger during a cycle starts the next one at once.
    daemonState->onTrigger([] { ::kill(::getpid(), SIGUSR1); });
    std::unique_ptr<AdminServer> admin;
    if (args.option("admin-port")) {
        AdminServerConfig config;
        config.port = static_cast<unsigned short>(*adminPort);
        config.tokenFile = args.option("admin-token-file", "");
        config.storePath = settings.storePath;
        config.dataDir = settings.dataDir;
        config.targets.assign(targets.begin(), targets.end());
        config.daemon = daemonState;
        auto backlogAlert = integerOption(args, "backlog-alert-seconds", 4 * 3600, 0, 30 * 24 * 3600);
        if (!backlogAlert) return reportFailure(backlogAlert.status());
        config.backlogLimit = std::chrono::seconds(*backlogAlert);
        admin = std::make_unique<AdminServer>(config);
        Status started = admin->start();
        if (!started) return reportFailure(started);
        logger().information("admin interface on http://127.0.0.1:%hu/ (token required)", admin->port());
    }
    auto breakerFailures = integerOption(args, "breaker-failures", 5, 1, 1000);
    auto breakerOpen = integerOption(args, "breaker-open-seconds", 300, 1, 24 * 3600);
    if (!breakerFailures || !breakerOpen)
        return reportFailure(!breakerFailures ? breakerFailures.status() : breakerOpen.status());
    CircuitBreaker::Settings breakerSettings{static_cast<int>(*breakerFailures), std::chrono::seconds(*breakerOpen)};
    std::map<std::string, CircuitBreaker> breakers;
    TargetSchedules schedules;
    for (const auto& name : targets) {
        auto settings = configured->targetSettingsOf(name, common);
        if (!settings) return reportFailure(settings.status());
        std::string schedule = configured->scheduleOf(name);
        if (schedule.empty()) continue;
        Status added = schedules.add(name, schedule, std::chrono::system_clock::now());
        if (!added) return reportFailure(added);
        logger().information("%s: schedule \"%s\", next run %s", name, schedule,
                             shanghaiTimestamp(*schedules.nextRun(name)));
    }
    auto publishSchedules = [&] {
        for (const auto& name : targets) daemonState->publishNextRun(name, schedules.nextRun(name));
    };
    publishSchedules();
    logger().information("started: inbox %s, targets %s, every %lds", *inbox, args.option("targets", common.name),
                         static_cast<long>(*interval));  // Poco's %ld is long; long long printed [ERRFMT]
    for (;;) {
        auto reload = (*reloader)->reloadIfChanged();
        if (reload.reloaded) logger().information("mapping files changed: reloaded");
        if (reload.changed && !reload.reloaded) logger().error(reload.status.message());
        (*gateway)->setMappings((*reloader)->current());
        ingestInbox(**gateway, *inbox, routes, defaults, std::chrono::seconds(*settle));
        for (const auto& name : targets) {
            if (stopPending()) break;
            bool triggered = daemonState->takeTrigger(name);
            bool due = schedules.due(name, std::chrono::system_clock::now());
            if (!due && !triggered) continue;
            if (triggered && !due) logger().information("%s: triggered from the admin interface, running now", name);
            auto configuredTarget = configured->targetSettingsOf(name, common);
            if (!configuredTarget) return reportFailure(configuredTarget.status());
            TargetSettings target = *configuredTarget;
            auto profile = (*gateway)->profileOf(name);
            if (!profile) {
                logger().error(profile.status().message());
                continue;
            }
            if (target.endpoint.empty()) target.endpoint = profile->endpointUrl;
            auto channel = (*gateway)->channelOf(name);
            bool overHttps = !channel || *channel == kHttpsChannel;  // a plugin channel needs no endpoint
            if (overHttps && target.endpoint.empty()) {
                logger().error("%s: no endpoint: set it in %s/profile.xml or pass --endpoint", name, profile->directory);
                continue;
            }
            CircuitBreaker& breaker = breakers.try_emplace(name, breakerSettings).first->second;
            bool allowed = breaker.allows(std::chrono::system_clock::now());
            daemonState->publishBreaker(name, breaker.state());
            if (!allowed) {
                logger().information("%s: circuit breaker open until %s, not sending", name,
                                     shanghaiTimestamp(breaker.openUntil()));
                continue;
            }
            CivilDate today = asOf.value_or(CivilDate::todayInShanghai());
            // Before the upload, so this cycle already sends what the platform turned out to lack.
            if (overHttps) reconcileIfDue(**gateway, target, *reconcileSchedule, today);
            recordOutcome(breaker, name, uploadTarget(**gateway, target, today, *daemonState), *daemonState);
        }
        publishSchedules();
        if (stopPending()) break;
        if (auto reportsDir = args.option("reports-dir")) writeDueReports(**gateway, *reportsDir, targets, asOf);
        if (args.flag("once")) break;
        timespec wait{static_cast<time_t>(*interval), 0};
        int signal = sigtimedwait(&stopSignals, nullptr, &wait);
        if (signal == SIGHUP) {
            // Mappings are reloaded at the start of every cycle; the file now, keeping the last
            // good one on a bad edit.
            std::vector<std::string> names(targets.begin(), targets.end());
            Status reloaded = configured->configured()
                                  ? reloadConfiguration(argc, argv, names, common, *configured, schedules)
                                  : Status::ok();
            publishSchedules();
            if (reloaded) logger().information("SIGHUP: configuration and mappings reloaded");
            else logger().error("SIGHUP: configuration reload refused, keeping the last good one: %s",
                                reloaded.message());
            continue;
        }
        if (signal == SIGUSR1) continue;  // POST /api/targets/<name>/trigger
        if (signal > 0) break;
    }
    logger().information("stopped");
    return kOk;
}

}  // namespace creditgw::cli
