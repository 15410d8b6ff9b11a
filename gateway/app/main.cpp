// creditgw: the command-line entry point. Each command lives in its own Command*.cpp.

#include <cstdlib>
#include <cstring>
#include <iostream>

#include "CommandLine.h"
#include "OptionTable.h"

namespace {

struct Command {
    const char* name;
    int (*run)(int, char**);
    const char* summary;
};

const Command kCommands[] = {
    {"demo", creditgw::cli::demoCommand, "run the whole exchange on shipped samples against a local mock platform"},
    {"run", creditgw::cli::runCommand, "the daemon: ingest an inbox and upload on a schedule, reloading mappings"},
    {"config", creditgw::cli::configCommand, "check the daemon's configuration file (config check FILE)"},
    {"check", creditgw::cli::checkCommand, "check a 统一社会信用代码, 身份证号 or 组织机构代码"},
    {"calendar", creditgw::cli::calendarCommand, "working-day deadlines by the official holiday calendar"},
    {"map", creditgw::cli::mapCommand, "dry run: map and validate a file, write the payload and a report"},
    {"ingest", creditgw::cli::ingestCommand, "read a local export into the record store"},
    {"upload", creditgw::cli::uploadCommand, "map, sign, queue and upload what is waiting, with retries"},
    {"stats", creditgw::cli::statsCommand, "上报率 / 合规率 / 及时率 / 完整率 with their counts"},
    {"mapping", creditgw::cli::mappingCommand, "check, test and explain mapping files (for IT staff)"},
    {"status", creditgw::cli::statusCommand, "health: records and batches per state, backlog age"},
    {"requeue", creditgw::cli::requeueCommand, "send dead records again once the cause is fixed"},
    {"history", creditgw::cli::historyCommand, "a record's timeline: ingested, validated, packed, sent, receipt"},
    {"repair", creditgw::cli::repairCommand, "信用修复: end a record's publication early (终止公示) after the minimum period"},
    {"revoke", creditgw::cli::revokeCommand, "撤销: withdraw a revoked decision from every platform that has it"},
    {"reconcile", creditgw::cli::reconcileCommand, "对账: compare what a platform holds with the store, re-send what it lacks"},
    {"discard", creditgw::cli::discardCommand, "retire records that should never have existed (kept in history)"},
    {"report", creditgw::cli::reportCommand, "held, rejected and dead records with their reasons"},
    {"export", creditgw::cli::exportCommand, "write valid records as XLSX/CSV in the template layout, for manual upload"},
    {"mark-submitted", creditgw::cli::markSubmittedCommand, "count an exported file uploaded by hand as accepted"},
    {"batch", creditgw::cli::batchCommand, "export a queued batch's payload and signature for checking"},
    {"plugins", creditgw::cli::pluginsCommand, "list the plugins found and why any failed to load"},
    {"mock-platform", creditgw::cli::mockPlatformCommand, "run the local mock platform (HTTPS on 127.0.0.1)"},
};

void printUsage(std::ostream& out) {
    out << "creditgw " << CREDITGW_VERSION
        << " — credit data exchange gateway for transport authorities (交通运输信用信息报送网关)\n\n"
           "Usage: creditgw COMMAND [ARGS] [OPTIONS]\n       creditgw COMMAND --help\n\nCommands:\n";
    for (const auto& command : kCommands) {
        std::string name = command.name;
        out << "  " << name << std::string(name.size() < 15 ? 15 - name.size() : 1, ' ') << command.summary << "\n";
    }
    out << "\nExit codes: 0 ok, 1 invalid input or check failed, 2 usage error, 3 undecidable, 4 failure.\n";
}

// The data folder the command will use, for checking --target and --kind names before it runs.
std::string dataDirOf(int argc, char** argv) {
    for (int i = 2; i < argc; ++i) {
        if (std::strcmp(argv[i], "--data-dir") == 0 && i + 1 < argc) return argv[i + 1];
        if (std::strncmp(argv[i], "--data-dir=", 11) == 0) return argv[i] + 11;
    }
    const char* fromEnvironment = std::getenv("CREDITGW_DATA_DIR");
    return fromEnvironment && *fromEnvironment ? fromEnvironment : CREDITGW_DEFAULT_DATA_DIR;
}

// Every command line is checked against the command's option table before the command runs:
// an unknown option or a bad closed value is a usage error (exit 2), never ignored.
int runChecked(const Command& command, int argc, char** argv) {
    const creditgw::cli::CommandOptions* options = creditgw::cli::commandOptionsFor(argc, argv);
    if (!options) return command.run(argc, argv);
    auto checked = creditgw::cli::checkCommandLine(*options, argc, argv, 2, dataDirOf(argc, argv));
    if (!checked) {
        std::cerr << "creditgw: " << checked.status().message() << "\n(see: creditgw " << options->name
                  << " --help)\n";
        return creditgw::cli::kUsage;
    }
    if (checked->help) {
        std::cout << creditgw::cli::helpText(*options);
        return creditgw::cli::kOk;
    }
    return command.run(argc, argv);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2 || std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0 ||
        std::strcmp(argv[1], "help") == 0) {
        printUsage(std::cout);
        return argc < 2 ? creditgw::cli::kUsage : creditgw::cli::kOk;
    }
    if (std::strcmp(argv[1], "--version") == 0) {
        std::cout << "creditgw " << CREDITGW_VERSION << "\n";
        return 0;
    }
    for (const auto& command : kCommands) {
        if (std::strcmp(argv[1], command.name) != 0) continue;
        try {
            return runChecked(command, argc, argv);
        } catch (const std::exception& e) {
            // Thread boundary of the CLI: anything unexpected becomes one clear line.
            std::cerr << "creditgw " << command.name << ": unexpected error: " << e.what() << "\n";
            return creditgw::cli::kFailure;
        }
    }
    std::cerr << "creditgw: unknown command \"" << argv[1] << "\"\n\n";
    printUsage(std::cerr);
    return creditgw::cli::kUsage;
}
