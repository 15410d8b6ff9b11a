// `creditgw demo` (the main job on the embedded default) and `creditgw mock-platform`.

#include <Poco/Process.h>
#include <Poco/PipeStream.h>
#include <Poco/StreamCopier.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "CommandLine.h"
#include "TextReport.h"
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

int demoCommand(int argc, char** argv) {
    Arguments args(argc, argv, 2, {"help"});
    if (args.flag("help")) {
        std::cout << "Usage: creditgw demo [--work-dir DIR] [--samples DIR]\n"
                     "Runs the whole exchange with no configuration: makes a development PKI in\n"
                     "WORK_DIR/certs, starts the mock platform on 127.0.0.1 (mutual TLS), ingests the\n"
                     "shipped sample records (UTF-8 and GB18030, some invalid, some late), maps and\n"
                     "validates them for 信用中国, signs and queues batches, uploads them, and prints\n"
                     "the 上报率 / 合规率 / 及时率 / 完整率 summary and the held records with reasons.\n"
                     "The store stays in WORK_DIR/creditgw.db for `creditgw stats --store ...`.\n"
                  << kCommonOptionsHelp;
        return kOk;
    }
    GatewaySettings settings = gatewaySettings(args);
    std::string workDir = args.option("work-dir", "creditgw-demo");
    std::string samplesDir = args.option("samples", settings.dataDir + "/samples");
    fs::create_directories(workDir);
    settings.storePath = workDir + "/creditgw.db";
    // The demo starts from an empty store every time, so its figures are those of the samples.
    for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(settings.storePath + suffix);

    auto manifest = readManifest(samplesDir);
    if (!manifest) return reportFailure(manifest.status());
    settings.unitCode = manifest->unitCode;
    settings.unitName = manifest->unitName;
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

    auto gateway = Gateway::open(settings);
    if (!gateway) return reportFailure(gateway.status());
    for (const auto& error : (*gateway)->plugins().errors())
        std::cout << "warning: plugin " << error.file << ": " << error.reason << "\n";

    std::cout << "\n1. 读取本地数据 (ingest)\n";
    for (const auto& file : manifest->files) {
        auto report = (*gateway)->ingest({file.path, file.kind, file.encoding, "csv", "", ""});
        if (!report) return reportFailure(report.status());
        printIngest(file, *report);
    }

    TargetSettings target;
    target.endpoint = platform.endpoint();
    target.tls.caFile = certs + "/ca.pem";
    target.tls.certFile = certs + "/client.pem";
    target.tls.keyFile = certs + "/client.key";
    target.signingKeyFile = certs + "/signing.key";
    target.batchSize = 100;

    auto mapped = (*gateway)->mapPending(target.name);
    if (!mapped) return reportFailure(mapped.status());
    std::cout << "\n2. 映射与校验 (map & validate → 信用中国 2.0): 通过 " << mapped->ready << " 条，暂存 "
              << mapped->held << " 条\n";
    auto packed = (*gateway)->packageReady(target);
    if (!packed) return reportFailure(packed.status());
    std::cout << "3. 打包签名入队 (SM2-with-SM3): " << packed->batches << " 个批次，" << packed->records << " 条记录\n";
    auto sent = (*gateway)->uploadDue(target, true);
    if (!sent) return reportFailure(sent.status());
    std::cout << "4. 上传 (HTTPS): 完成批次 " << sent->batchesDone << "，失败批次 " << sent->batchesDead
              << "；平台接收 " << sent->accepted << " 条，退回 " << sent->rejected << " 条\n";
    for (const auto& error : sent->errors) std::cout << "   warning: " << error << "\n";

    auto problems = (*gateway)->store().problemRecords(target.name, 10000);
    if (!problems) return reportFailure(problems.status());
    std::cout << "\n5. " << problemReportText(*problems, (*gateway)->mappings());

    auto facts = (*gateway)->deliveryFacts(target.name);
    if (!facts) return reportFailure(facts.status());
    StatisticsQuery query;
    query.today = CivilDate::todayInShanghai();
    std::cout << "\n6. " << statisticsToChineseText(computeStatistics(target.name, *facts, (*gateway)->calendar(), query));
    std::cout << "\nstore: " << settings.storePath << "  (try: creditgw stats --store " << settings.storePath
              << " --format json)\n";
    platform.stop();
    return sent->batchesDead > 0 ? kFailure : kOk;
}

int mockPlatformCommand(int argc, char** argv) {
    Arguments args(argc, argv, 2, {"help", "no-client-cert"});
    auto cert = args.option("cert"), key = args.option("key"), ca = args.option("ca"),
         signer = args.option("signer-cert");
    if (args.flag("help") || !cert || !key || !ca || !signer) {
        (args.flag("help") ? std::cout : std::cerr)
            << "Usage: creditgw mock-platform --cert server.pem --key server.key --ca ca.pem\n"
               "                              --signer-cert signing.pem [--port 8443] [--state FILE]\n"
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
