// `creditgw discard`: retire records that should never have existed (a file ingested with the
// wrong --encoding, a test export), keeping them in the history.

#include <filesystem>
#include <iostream>

#include "CommandLine.h"
#include "creditgw/RecordStore.h"

namespace creditgw::cli {

namespace {

const char* kDiscardUsage =
    "Usage: creditgw discard --file FILE --line N | --source FILE [--reason TEXT] [--force] [--store S]\n"
    "Retires the current records read from FILE (or only the one starting at line N): they leave\n"
    "every count and are never mapped, packed or sent again; reading the same rows again keeps\n"
    "them discarded; `creditgw history` still shows them, with the reason. Records a platform\n"
    "accepted (or that are queued to one) are refused, and nothing is discarded, unless --force\n"
    "is given; discard never withdraws anything from a platform.\n";

int usageError(const std::string& why) {
    std::cerr << "creditgw: " << why << "\n" << kDiscardUsage;
    return kUsage;
}

// The file as the officer typed it and as an absolute path: ingest stores what it was given.
std::vector<std::string> namesOf(const std::string& file) {
    std::vector<std::string> names{file};
    std::error_code ec;
    auto absolute = std::filesystem::absolute(file, ec).lexically_normal().string();
    if (!ec && absolute != file) names.push_back(absolute);
    return names;
}

}  // namespace

int discardCommand(int argc, char** argv) {
    Arguments args(argc, argv, 2, {"help", "force"});
    if (args.flag("help")) {
        std::cout << kDiscardUsage << kCommonOptionsHelp;
        return kOk;
    }
    if (!args.error().empty()) return usageError(args.error());
    auto file = args.option("file");
    auto source = args.option("source");
    if (!file == !source) return usageError("give --file FILE --line N, or --source FILE");
    DiscardRequest request;
    if (file) {
        auto line = integerOption(args, "line", 0, 1, 1LL << 40);
        if (!line) return usageError(line.status().message());
        if (!args.option("line")) return usageError("--file needs --line N (or use --source FILE for the whole file)");
        request.line = static_cast<std::size_t>(*line);
    }
    const std::string path = file ? *file : *source;
    request.fileNames = namesOf(path);
    request.reason = args.option("reason", "");
    request.force = args.flag("force");
    auto store = RecordStore::open(gatewaySettings(args).storePath);
    if (!store) return reportFailure(store.status());
    auto outcome = (*store)->discardRecords(request);
    if (!outcome) return reportFailure(outcome.status());
    std::string what = path + (request.line ? ":" + std::to_string(request.line) : std::string());
    if (outcome->matched == 0) {
        std::cerr << "creditgw: no current record was read from " << what << " (check the path as given to ingest)\n";
        return kInvalid;
    }
    if (!outcome->published.empty() && !request.force) {
        std::cerr << "creditgw: nothing discarded: " << outcome->published.size()
                  << " deliveries of records from " << what << " are accepted by or queued to a platform:\n";
        for (const auto& line : outcome->published) std::cerr << "  " << line << "\n";
        std::cerr << "withdraw them on the platform first, or pass --force to retire them here anyway\n";
        return kInvalid;
    }
    std::cout << "discarded " << outcome->discarded << " records from " << what
              << (outcome->published.empty() ? "" : " (--force: " + std::to_string(outcome->published.size()) +
                                                        " deliveries are still held by a platform)")
              << "\n";
    return kOk;
}

}  // namespace creditgw::cli
