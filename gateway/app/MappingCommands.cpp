// `creditgw mapping check|test|explain`: tools for the IT staff who edit mappings/.

#include <filesystem>
#include <iostream>

#include "CommandLine.h"
#include "creditgw/GoldenCases.h"
#include "creditgw/Mapping.h"

namespace creditgw::cli {

namespace fs = std::filesystem;

namespace {

const char* kMappingUsage =
    "Usage: creditgw mapping check [DIR|FILE ...]\n"
    "       creditgw mapping test [--target T] [--update]\n"
    "       creditgw mapping explain --target T --kind K --input FILE --line N [--encoding E] [--layout F]\n"
    "check    lints every mapping, code table, profile and layout (default: DATA_DIR/mappings);\n"
    "         each problem as file:line: message; exits 1 on any problem.\n"
    "test     runs the golden cases beside each target (mappings/<target>/golden/); exits 1 on a\n"
    "         difference. --update rewrites the expected files after a deliberate change.\n"
    "explain  shows, for the record at line N of FILE, each output field with its value, the rule\n"
    "         that produced it and the source value.\n";

// The mappings root a file belongs to: the nearest ancestor holding schema/.
std::string mappingsRootOf(const fs::path& path) {
    for (fs::path dir = fs::absolute(path).parent_path(); !dir.empty() && dir != dir.root_path();
         dir = dir.parent_path())
        if (fs::is_directory(dir / "schema")) return dir.string();
    return {};
}

int check(const Arguments& args, const GatewaySettings& settings) {
    std::vector<std::string> targets(args.positional().begin() + 1, args.positional().end());
    if (targets.empty()) targets.push_back(settings.dataDir + "/mappings");
    bool failed = false;
    std::set<std::string> checkedRoots;
    for (const auto& target : targets) {
        bool isDirectory = fs::is_directory(target);
        if (!isDirectory && !fs::exists(target)) {
            std::cout << target << ": no such file or directory\n";
            failed = true;
            continue;
        }
        std::string root = isDirectory ? target : mappingsRootOf(target);
        if (root.empty()) {
            std::cout << target << ":1: not inside a mappings directory (none of its parents has schema/)\n";
            failed = true;
            continue;
        }
        auto catalog = MappingCatalog::load(root);
        if (!catalog) {
            if (checkedRoots.insert(root).second) std::cout << catalog.status().message() << "\n";
            failed = true;
            continue;
        }
        checkedRoots.insert(root);
        if (!isDirectory && fs::path(target).parent_path().filename() == "sources") {
            auto layout = (*catalog)->loadLayout(target);
            if (!layout) {
                std::cout << layout.status().message() << "\n";
                failed = true;
            }
        }
    }
    if (!failed) std::cout << "ok: " << targets.size() << " checked, no problems\n";
    return failed ? kInvalid : kOk;
}

int test(const Arguments& args, GatewaySettings settings) {
    settings.unitCode = kGoldenUnitCode;
    settings.unitName = kGoldenUnitName;
    settings.storePath = ":memory:";
    auto gateway = Gateway::open(settings);
    if (!gateway) return reportFailure(gateway.status());
    auto cases = findGoldenCases(settings.dataDir + "/mappings", args.option("target", ""));
    std::size_t passed = 0, failed = 0;
    for (const auto& goldenCase : cases) {
        GoldenResult result = runGoldenCase(**gateway, goldenCase, args.flag("update"));
        ++(result.passed ? passed : failed);
        std::cout << (result.passed ? "PASS " : "FAIL ") << goldenCase.target << "/" << goldenCase.name
                  << ": " << result.message << "\n";
    }
    std::cout << passed << " passed, " << failed << " failed\n";
    if (cases.empty()) std::cout << "(no golden cases found)\n";
    return failed == 0 ? kOk : kInvalid;
}

}  // namespace

int explainCommand(const Arguments& args, const GatewaySettings& settings);

int mappingCommand(int argc, char** argv) {
    Arguments args(argc, argv, 2, {"help", "update"});
    const auto& words = args.positional();
    if (args.flag("help") || words.empty()) {
        (args.flag("help") ? std::cout : std::cerr) << kMappingUsage << kCommonOptionsHelp;
        return args.flag("help") ? kOk : kUsage;
    }
    GatewaySettings settings = gatewaySettings(args);
    if (words[0] == "check") return check(args, settings);
    if (words[0] == "test") return test(args, settings);
    if (words[0] == "explain") return explainCommand(args, settings);
    std::cerr << "creditgw mapping: unknown subcommand \"" << words[0] << "\"\n" << kMappingUsage;
    return kUsage;
}

}  // namespace creditgw::cli
