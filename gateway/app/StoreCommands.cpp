// Commands that work on the record store: ingest, upload, stats, report, batch, plugins.

#include <Poco/StringTokenizer.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <regex>
#include <set>
#include <sstream>

#include "CommandLine.h"
#include "DaemonConfig.h"
#include "creditgw/CodeChecks.h"
#include "MonthlyReport.h"
#include "ReconcileSchedule.h"
#include "StatsOutput.h"
#include "TextReport.h"
#include "creditgw/CivilDate.h"
#include "creditgw/Json.h"
#include "creditgw/Statistics.h"

namespace creditgw::cli {

namespace {

bool wantsHelp(const Arguments& args, const char* usage) {
    if (!args.flag("help")) return false;
    std::cout << usage << kCommonOptionsHelp;
    return true;
}

int usageError(const char* usage, const std::string& why) {
    std::cerr << "creditgw: " << why << "\n" << usage;
    return kUsage;
}

// For commands on an existing store (stats, report, status, export, requeue): a mistyped
// --store is an error, not a new empty store. The read-only ones skip the whole-file
// quick_check; requeue writes and turns it back on.
GatewaySettings existingStoreSettings(const Arguments& args) {
    GatewaySettings settings = gatewaySettings(args);
    settings.storeMustExist = true;
    settings.quickCheck = false;
    return settings;
}

// --from, --to, --as-of, --kind, --department, --days, --completeness-threshold.
Result<StatisticsQuery> statisticsQuery(const Arguments& args) {
    StatisticsQuery query;
    query.today = CivilDate::todayInShanghai();
    for (const char* name : {"from", "to", "as-of"}) {
        auto text = args.option(name);
        if (!text) continue;
        auto date = CivilDate::parse(*text);
        if (!date) return Status::invalidArgument(std::string("--") + name + " \"" + *text + "\" is not a date");
        if (std::string(name) == "from") query.from = date;
        else if (std::string(name) == "to") query.to = date;
        else query.today = *date;
    }
    query.kind = args.option("kind", "");
    query.department = args.option("department", "");
    auto days = integerOption(args, "days", 7, 1, 60);
    if (!days) return days.status();
    query.deadlineDays = static_cast<int>(*days);
    auto threshold = numberOption(args, "completeness-threshold", 0.6, 0.0, 1.0);
    if (!threshold) return threshold.status();
    query.completenessThreshold = *threshold;
    return query;
}

// --month YYYY-MM: the period is that calendar month (instead of --from/--to).
Result<std::optional<CalendarMonth>> monthOption(const Arguments& args, StatisticsQuery& query) {
    auto text = args.option("month");
    if (!text) return std::optional<CalendarMonth>();
    auto month = CalendarMonth::parse(*text);
    if (!month) return Status::invalidArgument("--month \"" + *text + "\" is not a month; write YYYY-MM");
    if (args.option("from") || args.option("to"))
        return Status::invalidArgument("--month replaces --from/--to; give one or the other");
    query.from = month->firstDay();
    query.to = month->lastDay();
    return std::optional<CalendarMonth>(*month);
}

// stats --by field: each indicator's fill rate among the submitted records of the selection.
int printFillRates(Gateway& gateway, const std::string& target, const StatisticsQuery& query,
                   const std::string& format) {
    ReportSelection selection{query.from, query.to, query.kind, query.department};
    auto fills = fieldFillRates(gateway.store(), target, selection);
    if (!fills) return reportFailure(fills.status());
    if (format == "csv") std::cout << fillRatesCsv(*fills, gateway.mappings());
    else if (format == "json") std::cout << fillRatesJson(*fills, gateway.mappings());
    else std::cout << fillRatesChineseText(*fills, gateway.mappings());
    return kOk;
}

}  // namespace

Result<TargetSettings> targetSettings(const Arguments& args) {
    TargetSettings target;
    target.name = args.option("target", "creditchina");
    target.endpoint = args.option("endpoint", "");
    target.tls.caFile = args.option("ca", "");
    target.tls.certFile = args.option("cert", "");
    target.tls.keyFile = args.option("key", "");
    target.signingKeyFile = args.option("signing-key", "");
    target.signerId = args.option("signer-id", "1234567812345678");
    auto batchSize = integerOption(args, "batch-size", 500, 1, 100000);
    auto maxAttempts = integerOption(args, "max-attempts", 0, 0, 1000000);
    auto retryHours = integerOption(args, "retry-hours", 72, 1, 24 * 365);
    auto wait = integerOption(args, "wait", 600, 0, 7 * 24 * 3600);
    auto lease = integerOption(args, "lease-seconds", 180, 1, 24 * 3600);
    auto timeout = integerOption(args, "timeout", 60, 1, 3600);
    auto retryAfterCap = integerOption(args, "retry-after-cap", 3600, 0, 7 * 24 * 3600);
    auto receiptTimeout = integerOption(args, "receipt-timeout", 3600, 1, 30 * 24 * 3600);
    auto receiptPoll = integerOption(args, "receipt-poll", 2, 1, 3600);
    auto rateLimit = integerOption(args, "rate-limit", 0, 0, 6000);
    for (const auto* checked : {&batchSize, &maxAttempts, &retryHours, &wait, &lease, &timeout, &retryAfterCap,
                                &receiptTimeout, &receiptPoll, &rateLimit})
        if (!*checked) return checked->status();
    target.batchSize = static_cast<std::size_t>(*batchSize);
    target.maxAttempts = static_cast<int>(*maxAttempts);
    target.retryFor = std::chrono::hours(*retryHours);
    target.settleWithin = std::chrono::seconds(*wait);
    target.lease = std::chrono::seconds(*lease);
    target.tls.timeout = std::chrono::seconds(*timeout);
    target.retryAfterCap = std::chrono::seconds(*retryAfterCap);
    target.receiptPoll = std::chrono::seconds(*receiptPoll);
    target.rateLimitPerMinute = static_cast<int>(*rateLimit);
    if (args.option("receipt-timeout")) target.channel["receipt-timeout"] = std::to_string(*receiptTimeout);
    for (const auto& [option, key] : {std::pair{"channel-dir", "dir"}, {"channel-peer-key", "peer-key"},
                                      {"channel-db", "db"}, {"channel-db-password-file", "db-password-file"}})
        if (auto given = args.option(option)) target.channel[key] = *given;
    Poco::StringTokenizer kinds(args.option("kinds", ""), ",",
                                Poco::StringTokenizer::TOK_IGNORE_EMPTY | Poco::StringTokenizer::TOK_TRIM);
    target.kinds.assign(kinds.begin(), kinds.end());
    return target;
}

int ingestCommand(int argc, char** argv) {
    static const char* usage =
        "Usage: creditgw ingest --kind xk|cf --input FILE [--encoding utf-8|gb18030] [--layout FILE]\n"
        "                       [--source csv|xlsx|json|database] [--sheet NAME|INDEX]\n"
        "--source defaults by extension (.xlsx, .json/.jsonl, .dbsource, else csv).\n"
        "Reads a local export into the record store. Identical records change nothing; changed\n"
        "ones become new versions. Rows with problems are stored and held with their reasons.\n";
    Arguments args(argc, argv, 2, {"help"});
    if (wantsHelp(args, usage)) return kOk;
    auto input = args.option("input");
    auto kind = args.option("kind");
    if (!input || !kind) return usageError(usage, "--kind and --input are required");
    auto gateway = Gateway::open(gatewaySettings(args));
    if (!gateway) return reportFailure(gateway.status());
    IngestRequest request{*input, *kind, args.option("encoding", "utf-8"), args.option("source", ""),
                          args.option("layout", ""), args.option("sheet", "")};
    auto report = (*gateway)->ingest(request);
    if (!report) return reportFailure(report.status());
    for (const auto& warning : report->warnings) std::cerr << "warning: " << warning << "\n";
    const auto& c = report->counts;
    std::cout << *input << ": rows " << c.rows << ", new " << c.inserted << ", new versions "
              << c.newVersions << ", unchanged " << c.unchanged << ", with source problems "
              << c.withProblems << "\n";
    if (c.repaired > 0)
        std::cout << "repaired " << c.repaired << " records that had changed in the store (store-corrupt): "
                  << "written again from the source as new versions\n";
    return kOk;
}

int uploadCommand(int argc, char** argv) {
    static const char* usage =
        "Usage: creditgw upload --endpoint URL --ca FILE --cert FILE --key FILE --signing-key FILE\n"
        "       creditgw upload --signing-key FILE --channel-dir DIR [--channel-peer-key FILE]  (filedrop)\n"
        "                       [--target creditchina] [--batch-size 500] [--once] [--wait 600]\n"
        "                       [--retry-hours 72] [--max-attempts 0 (no limit)]\n"
        "                       [--timeout 60] [--lease-seconds 180] [--retry-after-cap 3600]\n"
        "                       [--as-of DATE]\n"
        "Maps and validates new records, packs valid ones into batches, signs each batch once\n"
        "(SM2-with-SM3), commits it to the queue, then sends due batches over mutual TLS and\n"
        "stores the per-record receipts. Without --once it waits out retries for up to --wait\n"
        "seconds; batches still failing stay queued for the next run. A batch is given up (its\n"
        "records shown as dead, and re-queueable with `creditgw requeue`) only when the platform\n"
        "refuses it for good, or it has failed for --retry-hours. --timeout bounds each whole\n"
        "exchange (connect, send, answer) in seconds; a platform's Retry-After is honoured up to\n"
        "--retry-after-cap seconds. Records whose 公示截止期 is before today (--as-of DATE fixes\n"
        "today, Asia/Shanghai) get a 下线 operation to every target that accepted them.\n"
        "Exits 4 when anything failed.\n";
    Arguments args(argc, argv, 2, {"help", "once"});
    if (wantsHelp(args, usage)) return kOk;
    auto parsed = targetSettings(args);
    if (!parsed) return usageError(usage, parsed.status().message());
    TargetSettings target = *parsed;
    if (target.signingKeyFile.empty()) return usageError(usage, "--signing-key is required");
    std::optional<CivilDate> today = CivilDate::todayInShanghai();
    if (auto text = args.option("as-of")) today = CivilDate::parse(*text);
    if (!today) return usageError(usage, "--as-of \"" + args.option("as-of", "") + "\" is not a date (YYYY-MM-DD)");
    auto gateway = Gateway::open(gatewaySettings(args));
    if (!gateway) return reportFailure(gateway.status());
    auto channel = (*gateway)->channelOf(target.name);
    if (!channel) return reportFailure(channel.status());
    if (*channel == kHttpsChannel && (target.endpoint.empty() || target.tls.caFile.empty()))
        return usageError(usage, "--endpoint and --ca are required (target " + target.name + " uploads over https)");
    auto mapped = (*gateway)->mapPending(target.name);
    if (!mapped) return reportFailure(mapped.status());
    auto takedowns = (*gateway)->queueTakedowns(target.name, *today);
    if (!takedowns) return reportFailure(takedowns.status());
    if (*takedowns > 0) std::cout << "下线 queued " << *takedowns << " (公示截止期 before " << today->toIso() << ")\n";
    auto packed = (*gateway)->packageReady(target);
    if (!packed) return reportFailure(packed.status());
    auto sent = (*gateway)->uploadDue(target, !args.flag("once"));
    if (!sent) return reportFailure(sent.status());
    for (const auto& error : sent->errors) std::cerr << "warning: " << error << "\n";
    if (std::size_t corrupt = mapped->corrupt + packed->corrupt; corrupt > 0)
        std::cerr << "error: " << corrupt << " records changed in the store after they were written and are held "
                  << "as store-corrupt; `creditgw report` says for each what to do\n";
    std::cout << "mapped: ready " << mapped->ready << ", held " << mapped->held << "; queued "
              << packed->records << " records in " << packed->batches << " batches"
              << (packed->held ? "; held by the envelope " + std::to_string(packed->held) : std::string())
              << "; batches done " << sent->batchesDone << ", dead " << sent->batchesDead << ", still waiting "
              << sent->batchesWaiting << "; accepted " << sent->accepted << ", rejected " << sent->rejected << "\n";
    return sent->batchesDead > 0 || sent->batchesWaiting > 0 ? kFailure : kOk;
}

namespace {

// 撤销及时率 of the query's period: the target's withdrawals by the day they were registered.
Result<WithdrawalCounts> withdrawalCountsOf(Gateway& gateway, const std::string& target, const StatisticsQuery& query) {
    auto operations = gateway.store().operationFacts(target);
    if (!operations) return operations.status();
    auto profile = gateway.profileOf(target);
    if (!profile) return profile.status();
    return countWithdrawals(*operations, *profile, gateway.calendar(), operationSelection(query));
}

}  // namespace

int statsCommand(int argc, char** argv) {
    static const char* usage =
        "Usage: creditgw stats [--format text|json|csv] [--from DATE --to DATE | --month YYYY-MM]\n"
        "                      [--kind xk|cf] [--department NAME] [--target creditchina] [--days 7]\n"
        "                      [--as-of DATE] [--by department|kind|target|month|field]\n"
        "上报率, 合规率, 及时率 (7 working days) and 完整率 (>= 60% of indicators filled) by decision\n"
        "date, each with its numerator and denominator; also per 责任部门 and per kind; and\n"
        "撤销及时率 (withdrawals accepted within 3 working days for cf, 5 otherwise / withdrawals due),\n"
        "its period picking the day each revocation was recorded.\n"
        "--by groups the rates (csv: one row per group after the \"all\" row); --by field lists\n"
        "each indicator's fill rate among the submitted records, the emptiest first.\n"
        "The rates are read from the store's statistics summary, kept up to date with every change;\n"
        "       creditgw stats --rebuild  recounts it from the records (after a restore or a hand edit).\n";
    Arguments args(argc, argv, 2, {"help", "rebuild"});
    if (wantsHelp(args, usage)) return kOk;
    if (args.flag("rebuild")) {
        GatewaySettings settings = existingStoreSettings(args);
        settings.quickCheck = true;
        auto gateway = Gateway::open(settings);
        if (!gateway) return reportFailure(gateway.status());
        auto rows = (*gateway)->store().rebuildStatisticsSummary();
        if (!rows) return reportFailure(rows.status());
        std::cout << "statistics summary recounted from the records: " << *rows << " rows\n";
        return kOk;
    }
    auto query = statisticsQuery(args);
    if (!query) return usageError(usage, query.status().message());
    auto month = monthOption(args, *query);
    if (!month) return usageError(usage, month.status().message());
    std::string format = args.option("format", "text");
    if (format != "text" && format != "json" && format != "csv")
        return usageError(usage, "--format \"" + format + "\" is unknown; known: text, json, csv");
    std::string by = args.option("by", "");
    static const std::set<std::string> kBy = {"", "department", "kind", "target", "month", "field"};
    if (!kBy.count(by))
        return usageError(usage, "--by \"" + by + "\" is unknown; known: department, kind, target, month, field");
    auto gateway = Gateway::open(existingStoreSettings(args));
    if (!gateway) return reportFailure(gateway.status());
    std::string target = args.option("target", "creditchina");
    if (by == "field") return printFillRates(**gateway, target, *query, format);
    auto computed = summaryStatistics((*gateway)->store(), target, (*gateway)->kindsOf(target),
                                      (*gateway)->calendar(), *query);
    if (!computed) return reportFailure(computed.status());
    StatisticsReport report = std::move(*computed);
    auto withdrawals = withdrawalCountsOf(**gateway, target, *query);
    if (!withdrawals) return reportFailure(withdrawals.status());
    report.withdrawals = *withdrawals;
    std::vector<StatsGroup> groups;
    if (!by.empty()) {
        auto grouped = groupStatistics(**gateway, target, by, *query);
        if (!grouped) return reportFailure(grouped.status());
        groups = std::move(*grouped);
    }
    if (format == "csv") std::cout << statisticsCsv(by.empty() ? "all" : by, report.total, groups);
    else if (format == "json") std::cout << (by.empty() ? statisticsToJson(report) : groupsJson(by, report, groups));
    else std::cout << (by.empty() ? statisticsToChineseText(report)
                                  : groupsChineseText(by, report, groups, (*gateway)->mappings()));
    return kOk;
}

int reportCommand(int argc, char** argv) {
    static const char* usage =
        "Usage: creditgw report [--target creditchina] [--limit N] [--at-risk-days 2]\n"
        "                       [--from DATE --to DATE | --month YYYY-MM] [--department NAME] [--kind K]\n"
        "                       [--as-of DATE] [--format text|xlsx --out FILE.xlsx]\n"
        "Lists, in Chinese: held records (failed validation, never sent), records the platform\n"
        "rejected and records whose batch was given up, each with file, line and reason; then the\n"
        "records overdue, accepted late, or at risk of missing the 7-working-day deadline; then\n"
        "withdrawals (撤销) overdue, late or at risk (3 working days for cf, 5 otherwise, or the\n"
        "profile's withdrawal.workingDays.<kind>); then every 撤销, 下线 and 终止公示 of the period\n"
        "(by the day it was registered, or for 下线 the day it is due) with its state.\n"
        "Totals count every record; --limit (default 1000) only shortens each list.\n"
        "--format xlsx --month YYYY-MM --out FILE writes the monthly workbook (sheets 汇总, 逾期,\n"
        "临期, 不合规) for the records decided in that month.\n";
    Arguments args(argc, argv, 2, {"help"});
    if (wantsHelp(args, usage)) return kOk;
    std::string format = args.option("format", "text");
    if (format != "text" && format != "xlsx")
        return usageError(usage, "--format \"" + format + "\" is unknown; known: text, xlsx");
    auto out = args.option("out");
    if (format == "xlsx" && !out) return usageError(usage, "--format xlsx needs --out FILE.xlsx");
    if (format == "text" && out) return usageError(usage, "--out is for --format xlsx; text goes to standard output");
    auto query = statisticsQuery(args);
    if (!query) return usageError(usage, query.status().message());
    auto month = monthOption(args, *query);
    if (!month) return usageError(usage, month.status().message());
    if (format == "xlsx" && !*month) return usageError(usage, "--format xlsx needs --month YYYY-MM");
    auto limit = integerOption(args, "limit", 1000, 1, 10000000);
    auto atRisk = integerOption(args, "at-risk-days", 2, 0, 30);
    if (!limit) return usageError(usage, limit.status().message());
    if (!atRisk) return usageError(usage, atRisk.status().message());
    auto gateway = Gateway::open(existingStoreSettings(args));
    if (!gateway) return reportFailure(gateway.status());
    std::string target = args.option("target", "creditchina");
    if (format == "xlsx") {
        MonthlyReportRequest request{target, **month, *query, static_cast<int>(*atRisk)};
        if (Status written = writeMonthlyReport(**gateway, request, *out); !written) return reportFailure(written);
        std::cout << "wrote the workbook for " << (*month)->toIso() << " (" << target << ") to " << *out << "\n";
        return kOk;
    }
    auto rules = RuleMessages::loadShipped((*gateway)->settings().dataDir);
    if (!rules) return reportFailure(rules.status());
    ReportSelection selection{query->from, query->to, query->kind, query->department};
    auto problems = problemLines((*gateway)->store(), target, selection);
    if (!problems) return reportFailure(problems.status());
    auto facts = (*gateway)->deliveryFacts(target);
    if (!facts) return reportFailure(facts.status());
    auto shown = static_cast<std::size_t>(*limit);
    // Officers' output: a 身份证号 inside a 文书号, name or message is masked too.
    std::cout << maskIdNumbersIn(problemListText(*problems, (*gateway)->mappings(), *rules, shown)) << "\n"
              << maskIdNumbersIn(deadlineWatchToChineseText(
                     deadlineWatch(*facts, (*gateway)->calendar(), *query, static_cast<int>(*atRisk)), shown));
    auto operations = (*gateway)->store().operationFacts(target);
    if (!operations) return reportFailure(operations.status());
    auto profile = (*gateway)->profileOf(target);
    if (!profile) return reportFailure(profile.status());
    std::cout << maskIdNumbersIn(withdrawalWatchToChineseText(
        withdrawalWatch(*operations, *profile, (*gateway)->calendar(), query->today, static_cast<int>(*atRisk))))
              << "\n撤销、下线与终止公示（按撤销登记、应下线或修复登记日期）：\n"
              << maskIdNumbersIn(operationsListToChineseText(*operations, operationSelection(*query), shown));
    return kOk;
}

int batchCommand(int argc, char** argv) {
    static const char* usage =
        "Usage: creditgw batch export BATCH_ID --out DIR\n"
        "Writes DIR/payload.bin (the exact signed bytes) and DIR/signature.der, so the signature\n"
        "can be checked with the stock openssl command (see docs/signing.md).\n";
    Arguments args(argc, argv, 2, {"help"});
    if (wantsHelp(args, usage)) return kOk;
    auto out = args.option("out");
    if (args.positional().size() != 2 || args.positional()[0] != "export" || !out)
        return usageError(usage, "expected: batch export BATCH_ID --out DIR");
    auto gateway = Gateway::open(existingStoreSettings(args));
    if (!gateway) return reportFailure(gateway.status());
    auto batch = (*gateway)->store().batch(args.positional()[1]);
    if (!batch) return reportFailure(batch.status());
    std::filesystem::create_directories(*out);
    std::ofstream(*out + "/payload.bin", std::ios::binary) << batch->payload;
    std::ofstream(*out + "/signature.der", std::ios::binary) << batch->signature;
    std::cout << "wrote " << *out << "/payload.bin and " << *out << "/signature.der (batch "
              << batch->id << ", " << batch->recordCount << " records, state "
              << batchStateName(batch->state) << ")\n";
    return kOk;
}

int pluginsCommand(int argc, char** argv) {
    static const char* usage = "Usage: creditgw plugins [--plugin-dir DIR]\nLists loaded plugins and load errors.\n";
    Arguments args(argc, argv, 2, {"help"});
    if (wantsHelp(args, usage)) return kOk;
    PluginHost host;
    auto loaded = host.loadDirectory(gatewaySettings(args).pluginDir);
    if (!loaded) return reportFailure(loaded.status());
    for (const auto& name : host.sourceNames()) std::cout << "source  " << name << "\n";
    for (const auto& name : host.targetNames()) std::cout << "target  " << name << "\n";
    for (const auto& name : host.channelNames()) std::cout << "channel " << name << "\n";
    for (const auto& error : host.errors()) std::cout << "error   " << error.file << ": " << error.reason << "\n";
    return host.errors().empty() ? kOk : kFailure;
}


int exportCommand(int argc, char** argv) {
    static const char* usage =
        "Usage: creditgw export --kind xk|cf --format xlsx|csv|xml|json --out FILE\n"
        "                       [--target creditchina] [--unsent]\n"
        "Writes the valid records of one kind in the target's template layout (Chinese column\n"
        "titles), for uploading by hand when the interface is down. Changes no state; --unsent\n"
        "limits it to records not yet queued for upload.\n";
    Arguments args(argc, argv, 2, {"help", "unsent"});
    if (wantsHelp(args, usage)) return kOk;
    auto kind = args.option("kind");
    auto out = args.option("out");
    if (!kind || !out) return usageError(usage, "--kind and --out are required");
    auto gateway = Gateway::open(existingStoreSettings(args));
    if (!gateway) return reportFailure(gateway.status());
    std::string bytes;
    std::vector<std::string> leftOut;
    auto count = (*gateway)->exportRecords(args.option("target", "creditchina"), *kind,
                                           args.option("format", "xlsx"), args.flag("unsent"), bytes, leftOut);
    if (!count) return reportFailure(count.status());
    for (const auto& record : leftOut) std::cerr << "error: left out of the export: " << record << "\n";
    std::ofstream file(*out, std::ios::binary | std::ios::trunc);
    file << bytes;
    file.close();
    if (!file) return reportFailure(Status::permanent(*out + ": cannot write"));
    std::cout << "wrote " << *count << " records to " << *out << "\n";
    if (!leftOut.empty()) {
        std::cerr << "error: " << leftOut.size() << " records changed in the store after they were written and "
                  << "are not in the file: restore the store from a backup\n";
        return kFailure;
    }
    return kOk;
}

namespace {

/// "2026-11-23T10:00[:SS]" in Asia/Shanghai → "2026-11-23T10:00:00+08:00"; nullopt when it is
/// not such a time or lies in the future.
std::optional<std::string> shanghaiAcceptance(const std::string& text) {
    static const std::regex shape("(\\d{4}-\\d{2}-\\d{2})T(\\d{2}):(\\d{2})(:(\\d{2}))?");
    std::smatch parts;
    if (!std::regex_match(text, parts, shape) || !CivilDate::parse(parts[1].str())) return std::nullopt;
    if (std::stoi(parts[2].str()) > 23 || std::stoi(parts[3].str()) > 59 ||
        (parts[5].matched && std::stoi(parts[5].str()) > 59))
        return std::nullopt;
    std::string iso = parts[1].str() + "T" + parts[2].str() + ":" + parts[3].str() + ":" +
                      (parts[5].matched ? parts[5].str() : "00") + "+08:00";
    auto at = parseTimestamp(iso);
    if (!at || *at > std::chrono::system_clock::now() + std::chrono::minutes(5)) return std::nullopt;
    return iso;
}

}  // namespace

int markSubmittedCommand(int argc, char** argv) {
    static const char* usage =
        "Usage: creditgw mark-submitted --file EXPORT --accepted-at YYYY-MM-DDTHH:MM[:SS]\n"
        "Counts a file made by `creditgw export` and uploaded by hand as accepted at that time\n"
        "(Asia/Shanghai), so 上报率 and 及时率 include its records.\n";
    Arguments args(argc, argv, 2, {"help"});
    if (wantsHelp(args, usage)) return kOk;
    auto file = args.option("file");
    auto at = args.option("accepted-at");
    if (!file || !at) return usageError(usage, "--file and --accepted-at are required");
    auto acceptedAt = shanghaiAcceptance(*at);
    if (!acceptedAt)
        return usageError(usage, "--accepted-at \"" + *at + "\" is not YYYY-MM-DDTHH:MM[:SS] in Asia/Shanghai time, "
                                 "or lies in the future");
    std::ifstream in(*file, std::ios::binary);
    if (!in) return reportFailure(Status::notFound(*file + ": not found"));
    std::ostringstream bytes;
    bytes << in.rdbuf();
    GatewaySettings settings = gatewaySettings(args);
    settings.storeMustExist = true;  // a mistyped --store must not mark a new empty one
    auto gateway = Gateway::open(settings);
    if (!gateway) return reportFailure(gateway.status());
    auto done = (*gateway)->store().markSubmitted(bytes.str(), *acceptedAt);
    if (!done) return reportFailure(done.status());
    std::cout << *file << " (" << done->target << ", " << done->kind << "): marked accepted at " << *acceptedAt << ": "
              << done->marked << "; already accepted " << done->alreadyAccepted << "; still queued for upload "
              << done->stillQueued << "; left (newer version, held or rejected) " << done->other << "\n";
    if (done->stillQueued > 0)
        std::cerr << "warning: " << done->stillQueued << " records of the file are in a batch being sent; they are "
                  << "counted when the platform's receipt comes\n";
    return kOk;
}

int statusCommand(int argc, char** argv) {
    static const char* usage =
        "Usage: creditgw status [--target creditchina] [--format text|json] [--config FILE]\n"
        "Health of the store for one target: records per state (they always add up to the\n"
        "records ingested), batches per state, and how long the oldest waiting batch has waited.\n"
        "--config FILE adds the target's next scheduled run (JSON: \"schedule\", \"next_run\" in\n"
        "ISO 8601 with +08:00, null when it runs every cycle).\n"
        "Exits 1 when any record or batch is dead, so monitoring can alert on it.\n";
    Arguments args(argc, argv, 2, {"help"});
    if (wantsHelp(args, usage)) return kOk;
    std::string format = args.option("format", "text");
    if (format != "text" && format != "json") return usageError(usage, "--format must be text or json");
    auto gateway = Gateway::open(existingStoreSettings(args));
    if (!gateway) return reportFailure(gateway.status());
    std::string target = args.option("target", "creditchina");
    auto health = (*gateway)->store().health(target, (*gateway)->kindsOf(target));
    if (!health) return reportFailure(health.status());
    auto reconciled = (*gateway)->store().lastReconciliation(target);
    if (!reconciled) return reportFailure(reconciled.status());
    if (format == "json") {
        std::string json = targetHealthJson(*health);
        // The last reconciliation's report, as `creditgw reconcile --format json` printed it.
        json.insert(json.rfind('}'), ",\"last_reconciliation\":" + (*reconciled ? (*reconciled)->reportJson : "null"));
        // The breaker lives in the daemon's process: its state is on the admin /metrics only.
        if (auto config = args.option("config"))
            json.insert(json.rfind('}'), nextRunJsonMembers(nextRunOf(*config, target, std::chrono::system_clock::now())));
        std::cout << json << "\n";
    } else {
        std::cout << target << ": " << health->total << " records";
        for (const auto& [state, count] : health->records) std::cout << ", " << state << " " << count;
        std::cout << "\nrecords per kind:";
        for (const auto& [kind, count] : health->byKind) std::cout << " " << kind << " " << count;
        std::cout << "\nbatches:";
        for (const auto& [state, count] : health->batches) std::cout << " " << state << " " << count;
        if (health->batches.empty()) std::cout << " none";
        std::cout << "\n";
        if (health->waitedSeconds >= 0)
            std::cout << "oldest waiting batch queued " << health->oldestWaitingSince << " (" << health->waitedSeconds
                      << " s ago)" << (health->lastError.empty() ? "" : "; last error: " + health->lastError) << "\n";
        std::cout << (*reconciled ? lastReconciliationText(**reconciled) : "last reconciliation: never") << "\n";
        if (auto config = args.option("config"))
            std::cout << nextRunText(*config, target, std::chrono::system_clock::now()) << "\n";
    }
    return health->dead > 0 ? kInvalid : kOk;
}


int requeueCommand(int argc, char** argv) {
    static const char* usage =
        "Usage: creditgw requeue [--target creditchina]\n"
        "Puts the target's dead records (their batch was given up) back to ready, to be packed,\n"
        "signed and sent again by the next `upload` or daemon cycle. Use it once the cause shown\n"
        "by `creditgw report` is fixed (certificate, endpoint, platform outage).\n";
    Arguments args(argc, argv, 2, {"help"});
    if (wantsHelp(args, usage)) return kOk;
    GatewaySettings settings = existingStoreSettings(args);
    settings.quickCheck = true;
    auto gateway = Gateway::open(settings);
    if (!gateway) return reportFailure(gateway.status());
    std::string target = args.option("target", "creditchina");
    auto count = (*gateway)->store().requeueDead(target);
    if (!count) return reportFailure(count.status());
    std::cout << target << ": " << *count << " dead records are ready to be sent again\n";
    return kOk;
}

}  // namespace creditgw::cli
