// `creditgw demo` (the main job on the embedded default) and `creditgw mock-platform`.

#include <Poco/Process.h>
#include <Poco/PipeStream.h>
#include <Poco/StreamCopier.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "CommandLine.h"
#include "DemoReplay.h"
#include "TextReport.h"
#include "creditgw/CodeChecks.h"
#include "creditgw/MockPlatform.h"
#include "creditgw/Statistics.h"

namespace creditgw::cli {


namespace fs = std::filesystem;

namespace {

struct DemoFile {
    std::string kind, encoding, path;
};

struct DemoManifest {
    std::string unitCode, unitName;
    std::vector<DemoFile> files;
};

// samples/demo-manifest.txt: "unit USCC NAME" and "KIND ENCODING FILE" lines; # comments.
Result<DemoManifest> readManifest(const std::string& samplesDir) {
    std::string path = samplesDir + "/demo-manifest.txt";
    std::ifstream in(path);
    if (!in) return Status::notFound(path + ": demo manifest not found (set --samples DIR)");
    DemoManifest manifest;
    std::string line;
    for (int number = 1; std::getline(in, line); ++number) {
        if (line.empty() || line[0] == '#') continue;
        std::istringstream words(line);
        std::string first, second, third;
        words >> first >> second;
        std::getline(words >> std::ws, third);
        if (first == "unit") {
            manifest.unitCode = second;
            manifest.unitName = third;
        } else if (!second.empty() && !third.empty()) {
            manifest.files.push_back({first, second, samplesDir + "/" + third});
        } else {
            return Status::invalidArgument(path + ":" + std::to_string(number) +
                                           ": expected \"KIND ENCODING FILE\" or \"unit USCC NAME\"");
        }
    }
    return manifest;
}

Status makeDevCertificates(const std::string& dataDir, const std::string& certsDir) {
    if (fs::exists(certsDir + "/signing.key")) return Status::ok();
    std::string script = dataDir + "/certs/make-dev-certs.sh";
    Poco::Pipe output;
    Poco::ProcessHandle handle = Poco::Process::launch("/bin/sh", {script, certsDir}, nullptr, &output, &output);
    Poco::PipeInputStream stream(output);
    std::string text;
    Poco::StreamCopier::copyToString(stream, text);
    if (handle.wait() != 0) return Status::permanent(script + " failed:\n" + text);
    return Status::ok();
}

void printIngest(const DemoFile& file, const IngestReport& report) {
    const auto& c = report.counts;
    std::cout << "  " << fs::path(file.path).filename().string() << " (" << file.kind << ", " << file.encoding
              << "): 读取 " << c.rows << " 条，新增 " << c.inserted << "，新版本 " << c.newVersions
              << "，未变化 " << c.unchanged << "，读取问题 " << c.withProblems << "\n";
    for (const auto& warning : report.warnings) std::cout << "    warning: " << warning << "\n";
}

}  // namespace

namespace {

// What the replay did, summed over its upload days.
struct ReplayTotals {
    std::map<std::string, IngestCounts> ingested;  ///< per sample file
    std::map<std::string, std::vector<std::string>> warnings;
    std::size_t ready = 0, held = 0, batches = 0, packed = 0, batchesDone = 0, batchesDead = 0;
    std::size_t accepted = 0, rejected = 0, uploadDays = 0, waitingInQueue = 0;
    CivilDate firstUpload, lastUpload;
    std::vector<std::string> errors;
};

void addCounts(IngestCounts& sum, const IngestCounts& c) {
    sum.rows += c.rows;
    sum.inserted += c.inserted;
    sum.newVersions += c.newVersions;
    sum.unchanged += c.unchanged;
    sum.withProblems += c.withProblems;
}

// One upload day of the replay: the files of that day are read, mapped, signed and queued,
// and (when `send`) uploaded with the platform's clock set to that day.
Status replayDay(Gateway& gateway, MockPlatform& platform, const TargetSettings& target,
                 const std::vector<DemoFile>& files, const std::vector<ShiftedSample>& samples,
                 const std::string& workSamples, const CivilDate& day, bool first, bool send,
                 ReplayTotals& totals) {
    for (std::size_t i = 0; i < files.size(); ++i) {
        std::string copy = workSamples + "/" + fs::path(files[i].path).filename().string();
        std::ofstream(copy, std::ios::binary) << sampleFileFor(samples[i], day, !send, first);
        auto report = gateway.ingest({copy, files[i].kind, files[i].encoding, "csv", "", ""});
        if (!report) return report.status();
        addCounts(totals.ingested[copy], report->counts);
        if (totals.warnings[copy].empty()) totals.warnings[copy] = report->warnings;
    }
    auto mapped = gateway.mapPending(target.name);
    if (!mapped) return mapped.status();
    totals.ready += mapped->ready;
    totals.held += mapped->held;
    auto packed = gateway.packageReady(target);
    if (!packed) return packed.status();
    totals.batches += packed->batches;
    totals.packed += packed->records;
    if (!send) {
        totals.waitingInQueue += packed->records;
        return Status::ok();
    }
    // The gateway's daily run in the afternoon; the platform stamps its receipts with that time.
    platform.setClockOverride(day.toIso() + "T16:30:00+08:00");
    auto sent = gateway.uploadDue(target, true);
    if (!sent) return sent.status();
    totals.batchesDone += sent->batchesDone;
    totals.batchesDead += sent->batchesDead;
    totals.accepted += sent->accepted;
    totals.rejected += sent->rejected;
    totals.errors.insert(totals.errors.end(), sent->errors.begin(), sent->errors.end());
    if (totals.uploadDays++ == 0) totals.firstUpload = day;
    totals.lastUpload = day;
    return Status::ok();
}

// The upload days of all rows before `asOf`, in order; the first also takes the undated rows.
std::vector<CivilDate> uploadDaysBefore(const std::vector<ShiftedSample>& samples, const CivilDate& asOf) {
    std::set<CivilDate> days;
    for (const auto& sample : samples)
        for (const auto& row : sample.rows)
            if (row.dated && row.uploadDay < asOf) days.insert(row.uploadDay);
    return {days.begin(), days.end()};
}

// Why 及时率 is what it is: which records are on time, which late and why, which still pending.
std::string timelinessExplanation(const StatisticsReport& report, const std::vector<DeadlineItem>& watch) {
    const RateCounts& c = report.total;
    std::size_t acceptedLate = 0;
    std::map<std::string, std::size_t> overdueByState;
    for (const auto& item : watch) {
        if (item.status == DeadlineItem::Status::AcceptedLate) ++acceptedLate;
        if (item.status == DeadlineItem::Status::Overdue) ++overdueByState[deliveryStateInChinese(item.fact.state)];
    }
    std::string overdue;
    for (const auto& [state, count] : overdueByState)
        overdue += (overdue.empty() ? "" : "，") + state + " " + std::to_string(count);
    std::size_t notAccepted = c.late >= acceptedLate ? c.late - acceptedLate : 0;
    std::string out = "及时率说明（统计日 " + report.query.today.toIso() + "，期限 = 决定日后第 7 个工作日）：\n";
    out += "  按时 " + std::to_string(c.onTime) + " 条：平台在期限内接收。\n";
    out += "  逾期 " + std::to_string(c.late) + " 条：平台接收晚于期限 " + std::to_string(acceptedLate) +
           " 条（上传延误）；期限已过仍未被接收 " + std::to_string(notAccepted) + " 条" +
           (overdue.empty() ? "" : "（" + overdue + "）") + "。\n";
    out += "  期限内待报 " + std::to_string(c.pendingWithinDeadline) +
           " 条：最近几天的决定，尚未被平台接收，期限未到，不计入及时率分母。\n";
    out += "  及时率 = 按时 / (按时 + 逾期) = " + std::to_string(c.onTime) + " / " +
           std::to_string(c.timelinessDenominator()) + "\n";
    return out;
}

Result<CivilDate> demoToday(const Arguments& args) {
    CivilDate today = CivilDate::todayInShanghai();
    auto text = args.option("as-of");
    if (!text) return today;
    auto asOf = CivilDate::parse(*text);
    if (!asOf) return Status::invalidArgument("--as-of \"" + *text + "\" is not a date (YYYY-MM-DD)");
    // The replay's uploads happen before "today"; the gateway refuses receipts from the future.
    if (*asOf > today)
        return Status::invalidArgument("--as-of " + asOf->toIso() + " is after today (" + today.toIso() +
                                       "): the demo replays uploads that already happened");
    return *asOf;
}

}  // namespace

int demoCommand(int argc, char** argv) {
    Arguments args(argc, argv, 2, {"help"});
    if (args.flag("help")) {
        std::cout << "Usage: creditgw demo [--work-dir DIR] [--samples DIR] [--as-of YYYY-MM-DD]\n"
                     "Runs the whole exchange with no configuration: makes a development PKI in\n"
                     "WORK_DIR/certs, starts the mock platform on 127.0.0.1 (mutual TLS), and replays\n"
                     "the weeks before today (or --as-of): the shipped sample records (UTF-8 and\n"
                     "GB18030, some invalid) are copied to WORK_DIR/samples with their dates moved so\n"
                     "the newest decisions fall in the last week, and each day's records are ingested,\n"
                     "mapped and validated for 信用中国, signed, queued and uploaded on their upload day\n"
                     "(decision + a realistic delay); the newest wait in the queue. It prints the\n"
                     "上报率 / 合规率 / 及时率 / 完整率 summary, why records are on time or late, and the\n"
                     "held records with reasons. The store stays in WORK_DIR/creditgw.db.\n"
                  << kCommonOptionsHelp;
        return kOk;
    }
    auto asOf = demoToday(args);
    if (!asOf) {
        std::cerr << "creditgw demo: " << asOf.status().message() << "\n";
        return kUsage;
    }
    GatewaySettings settings = gatewaySettings(args);
    std::string workDir = args.option("work-dir", "creditgw-demo");
    std::string samplesDir = args.option("samples", settings.dataDir + "/samples");
    fs::create_directories(workDir + "/samples");
    settings.storePath = workDir + "/creditgw.db";
    // The demo starts from an empty store every time, so its figures are those of the samples.
    for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(settings.storePath + suffix);

    auto manifest = readManifest(samplesDir);
    if (!manifest) return reportFailure(manifest.status());
    settings.unitCode = manifest->unitCode;
    settings.unitName = manifest->unitName;
    long long shift = demoShiftDays(*asOf);
    std::vector<ShiftedSample> samples;
    for (const auto& file : manifest->files) {
        auto sample = shiftSample(file.path, file.encoding, shift);
        if (!sample) return reportFailure(sample.status());
        samples.push_back(std::move(*sample));
    }
    std::string certs = workDir + "/certs";
    Status made = makeDevCertificates(settings.dataDir, certs);
    if (!made) return reportFailure(made);

    MockPlatformConfig platformConfig;
    platformConfig.certFile = certs + "/server.pem";
    platformConfig.keyFile = certs + "/server.key";
    platformConfig.caFile = certs + "/ca.pem";
    platformConfig.signerCertFile = certs + "/signing.pem";
    MockPlatform platform(platformConfig);
    Status started = platform.start();
    if (!started) return reportFailure(started);
    std::cout << "creditgw demo: mock 信用中国 platform on " << platform.endpoint() << " (mutual TLS)\n";
    std::cout << "统计日 " << asOf->toIso() << "：样例的日期整体平移 " << shift
              << " 天（整周，工作日仍是工作日），工作副本在 " << workDir << "/samples\n";

    auto gateway = Gateway::open(settings);
    if (!gateway) return reportFailure(gateway.status());
    for (const auto& error : (*gateway)->plugins().errors())
        std::cout << "warning: plugin " << error.file << ": " << error.reason << "\n";

    TargetSettings target;
    target.endpoint = platform.endpoint();
    target.tls.caFile = certs + "/ca.pem";
    target.tls.certFile = certs + "/client.pem";
    target.tls.keyFile = certs + "/client.key";
    target.signingKeyFile = certs + "/signing.key";
    target.batchSize = 100;

    ReplayTotals totals;
    std::vector<CivilDate> days = uploadDaysBefore(samples, *asOf);
    for (std::size_t i = 0; i < days.size(); ++i) {
        Status done = replayDay(**gateway, platform, target, manifest->files, samples, workDir + "/samples", days[i],
                                i == 0, true, totals);
        if (!done) return reportFailure(done);
    }
    Status queued = replayDay(**gateway, platform, target, manifest->files, samples, workDir + "/samples", *asOf,
                              days.empty(), false, totals);
    if (!queued) return reportFailure(queued);
    for (std::size_t i = 0; i < samples.size(); ++i)
        std::ofstream(workDir + "/samples/" + fs::path(manifest->files[i].path).filename().string(), std::ios::binary)
            << wholeShiftedFile(samples[i]);

    std::cout << "\n1. 读取本地数据 (ingest，按上传日分批读取)\n";
    for (std::size_t i = 0; i < manifest->files.size(); ++i) {
        const auto& file = manifest->files[i];
        std::string copy = workDir + "/samples/" + fs::path(file.path).filename().string();
        printIngest(file, {totals.ingested[copy], "", totals.warnings[copy]});
    }
    std::cout << "\n2. 映射与校验 (map & validate → 信用中国 2.0): 通过 " << totals.ready << " 条，暂存 "
              << totals.held << " 条\n";
    std::cout << "3. 打包签名入队 (SM2-with-SM3): " << totals.batches << " 个批次，" << totals.packed << " 条记录\n";
    std::cout << "4. 上传 (HTTPS): " << totals.uploadDays << " 个上传日";
    if (totals.uploadDays > 0)
        std::cout << "（" << totals.firstUpload.toIso() << " 至 " << totals.lastUpload.toIso() << "，每日 16:30）";
    std::cout << "，完成批次 " << totals.batchesDone << "，失败批次 " << totals.batchesDead << "；平台接收 "
              << totals.accepted << " 条，退回 " << totals.rejected << " 条；排队待下次上传 "
              << totals.waitingInQueue << " 条\n";
    for (const auto& error : totals.errors) std::cout << "   warning: " << error << "\n";

    // The same list as `creditgw report`: reasons in Chinese, 身份证号 masked.
    auto rules = RuleMessages::loadShipped((*gateway)->settings().dataDir);
    if (!rules) return reportFailure(rules.status());
    auto problems = problemLines((*gateway)->store(), target.name, ReportSelection{});
    if (!problems) return reportFailure(problems.status());
    std::cout << "\n5. " << maskIdNumbersIn(problemListText(*problems, (*gateway)->mappings(), *rules, 10000));

    auto facts = (*gateway)->deliveryFacts(target.name);
    if (!facts) return reportFailure(facts.status());
    StatisticsQuery query;
    query.today = *asOf;
    StatisticsReport report = computeStatistics(target.name, *facts, (*gateway)->calendar(), query);
    std::cout << "\n6. " << statisticsToChineseText(report);
    std::cout << "\n" << timelinessExplanation(report, deadlineWatch(*facts, (*gateway)->calendar(), query));
    std::cout << "\nstore: " << settings.storePath << "  (try: creditgw stats --store " << settings.storePath
              << " --as-of " << asOf->toIso() << " --format json)\n";
    platform.stop();
    return totals.batchesDead > 0 ? kFailure : kOk;
}

int mockPlatformCommand(int argc, char** argv) {
    Arguments args(argc, argv, 2, {"help", "no-client-cert"});
    auto cert = args.option("cert"), key = args.option("key"), ca = args.option("ca"),
         signer = args.option("signer-cert");
    if (args.flag("help") || !cert || !key || !ca || !signer) {
        (args.flag("help") ? std::cout : std::cerr)
            << "Usage: creditgw mock-platform --cert server.pem --key server.key --ca ca.pem\n"
               "                              --signer-cert signing.pem [--port 8443] [--state FILE]\n"
               "                              [--lose-share 0.3]\n"
               "Runs the local stand-in for 信用中国 on 127.0.0.1 until interrupted (Ctrl-C).\n"
               "See docs/mock-platform.md for the protocol and its checks.\n";
        return args.flag("help") ? kOk : kUsage;
    }
    MockPlatformConfig config;
    auto port = integerOption(args, "port", 8443, 1, 65535);
    if (!port) {
        std::cerr << "creditgw mock-platform: " << port.status().message() << "\n";
        return kUsage;
    }
    auto loseShare = numberOption(args, "lose-share", 0.0, 0.0, 1.0);
    if (!loseShare) {
        std::cerr << "creditgw mock-platform: " << loseShare.status().message() << "\n";
        return kUsage;
    }
    config.loseShare = *loseShare;
    config.port = static_cast<unsigned short>(*port);
    config.certFile = *cert;
    config.keyFile = *key;
    config.caFile = *ca;
    config.signerCertFile = *signer;
    config.stateFile = args.option("state", "");
    config.requireClientCertificate = !args.flag("no-client-cert");
    // Block the stop signals before the server threads start, so they inherit the mask and
    // only this thread receives them.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    MockPlatform platform(config);
    Status started = platform.start();
    if (!started) return reportFailure(started);
    std::cout << "mock platform listening on " << platform.endpoint() << "\n" << std::flush;
    int received = 0;
    sigwait(&signals, &received);
    platform.stop();
    return kOk;
}

}  // namespace creditgw::cli
