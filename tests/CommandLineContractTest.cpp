// The command-line contract of every `creditgw` command, through the real binary: an unknown
// option is exit 2 naming it (with a did-you-mean), never ignored; --help lists the same options
// the command accepts; closed values (formats, targets, kinds) list the known ones.

#include <gtest/gtest.h>

#include <sstream>

#include "TestSupport.h"

using namespace creditgw;

namespace {

std::string binary() { return std::string(CREDITGW_BINARY) + " "; }

// The commands `creditgw --help` lists, as the operator sees them.
std::vector<std::string> listedCommands() {
    auto help = test::runCommand(binary() + "--help");
    std::istringstream lines(help.output);
    std::vector<std::string> commands;
    bool inList = false;
    for (std::string line; std::getline(lines, line);) {
        if (line == "Commands:") inList = true;
        else if (inList && line.empty()) break;
        else if (inList) commands.push_back(line.substr(2, line.find(' ', 2) - 2));
    }
    return commands;
}

// The options a command's --help lists ("  --name VALUE   help").
std::vector<std::string> helpOptions(const std::string& command) {
    auto help = test::runCommand(binary() + command + " --help");
    std::istringstream lines(help.output);
    std::vector<std::string> options;
    for (std::string line; std::getline(lines, line);)
        if (line.rfind("  --", 0) == 0) options.push_back(line.substr(4, line.find(' ', 4) - 4));
    return options;
}

// Every command and subcommand with its own option table.
std::vector<std::string> allCommands() {
    std::vector<std::string> commands = listedCommands();
    for (const char* sub : {"mapping check", "mapping test", "mapping explain", "config check"}) commands.push_back(sub);
    return commands;
}

}  // namespace

TEST(CommandLineContractTest, TheHelpListsEveryCommand) {
    auto commands = listedCommands();
    EXPECT_GE(commands.size(), 16u);
    for (const char* expected : {"run", "stats", "upload", "mapping", "report", "config"})
        EXPECT_NE(std::find(commands.begin(), commands.end(), expected), commands.end()) << expected;
}

TEST(CommandLineContractTest, EveryCommandRefusesAnUnknownOptionWithExitTwo) {
    for (const auto& command : allCommands()) {
        auto result = test::runCommand(binary() + command + " --frobnicate 2026-11-15");
        EXPECT_EQ(result.exitCode, 2) << command << ": " << result.output;
        EXPECT_NE(result.output.find("unknown option --frobnicate"), std::string::npos) << command << ": " << result.output;
        EXPECT_NE(result.output.find("takes --"), std::string::npos) << "lists what it takes: " << result.output;
    }
}

TEST(CommandLineContractTest, EveryCommandHasHelpFromItsTableAndSuggestsEachOfItsOptions) {
    for (const auto& command : allCommands()) {
        auto help = test::runCommand(binary() + command + " --help");
        EXPECT_EQ(help.exitCode, 0) << command << ": " << help.output;
        EXPECT_NE(help.output.find("Usage: creditgw " + command), std::string::npos) << help.output;
        auto options = helpOptions(command);
        EXPECT_NE(std::find(options.begin(), options.end(), "help"), options.end()) << command;
        for (const auto& option : options) {
            if (option.size() < 4) continue;  // too short for a typo to point at one option
            std::string typo = option;
            std::swap(typo[1], typo[2]);
            if (typo == option) std::swap(typo[2], typo[3]);  // --accepted-at: "cc" swaps into itself
            auto result = test::runCommand(binary() + command + " --" + typo + " x");
            EXPECT_EQ(result.exitCode, 2) << command << " --" << typo << ": " << result.output;
            EXPECT_NE(result.output.find("unknown option --" + typo + "; did you mean --" + option + "?"),
                      std::string::npos)
                << command << ": " << result.output;
        }
    }
}

TEST(CommandLineContractTest, StatsWithAMistypedFromIsRefusedNotTheWholePeriod) {
    auto result = test::runCommand(binary() + "stats --frm 2026-11-15 --store /nonexistent/never-opened.db");
    EXPECT_EQ(result.exitCode, 2) << result.output;
    EXPECT_NE(result.output.find("creditgw: unknown option --frm; did you mean --from?"), std::string::npos)
        << result.output;
}

TEST(CommandLineContractTest, ValuesFlagsAndRepetitionsAreChecked) {
    auto flagWithValue = test::runCommand(binary() + "export --unsent=yes --kind cf --out x.xlsx");
    EXPECT_EQ(flagWithValue.exitCode, 2);
    EXPECT_NE(flagWithValue.output.find("--unsent takes no value"), std::string::npos) << flagWithValue.output;
    auto missingValue = test::runCommand(binary() + "stats --from");
    EXPECT_EQ(missingValue.exitCode, 2);
    EXPECT_NE(missingValue.output.find("option --from needs a value (DATE)"), std::string::npos) << missingValue.output;
    auto twice = test::runCommand(binary() + "calendar deadline 2026-09-30 --days 7 --days 1 --data-dir " +
                                  CREDITGW_SOURCE_DIR);
    EXPECT_EQ(twice.exitCode, 0) << twice.output;
    EXPECT_EQ(twice.output, "2026-10-08\n") << "the last one counts";
    auto stray = test::runCommand(binary() + "stats 2026-11-15");
    EXPECT_EQ(stray.exitCode, 2);
    EXPECT_NE(stray.output.find("creditgw stats takes no plain arguments, got 1"), std::string::npos) << stray.output;
    auto singleDash = test::runCommand(binary() + "status -x");
    EXPECT_EQ(singleDash.exitCode, 2);
    EXPECT_NE(singleDash.output.find("unknown option -x"), std::string::npos) << singleDash.output;
}

TEST(CommandLineContractTest, UnknownFormatTargetAndKindListTheKnownOnes) {
    std::string data = std::string(" --data-dir ") + CREDITGW_SOURCE_DIR;
    auto format = test::runCommand(binary() + "stats --format xml" + data);
    EXPECT_EQ(format.exitCode, 2);
    EXPECT_NE(format.output.find("--format: unknown value \"xml\" (known: text, json, csv)"), std::string::npos)
        << format.output;
    auto exportFormat = test::runCommand(binary() + "export --kind cf --out x --format pdf" + data);
    EXPECT_EQ(exportFormat.exitCode, 2);
    EXPECT_NE(exportFormat.output.find("(known: xlsx, csv, xml, json)"), std::string::npos) << exportFormat.output;
    auto target = test::runCommand(binary() + "status --target creditchnia" + data);
    EXPECT_EQ(target.exitCode, 2);
    EXPECT_NE(target.output.find("--target: unknown target \"creditchnia\"; did you mean creditchina?"),
              std::string::npos)
        << target.output;
    EXPECT_NE(target.output.find("(known: cq-xyjt, creditchina, creditchina-v1"), std::string::npos) << target.output;
    EXPECT_NE(target.output.find("zj-xyjt"), std::string::npos) << target.output;
    auto targets = test::runCommand(binary() + "run --inbox x --targets creditchina,nowhere" + data);
    EXPECT_EQ(targets.exitCode, 2);
    EXPECT_NE(targets.output.find("--targets: unknown target \"nowhere\""), std::string::npos) << targets.output;
    auto kind = test::runCommand(binary() + "ingest --kind zz --input x.csv" + data);
    EXPECT_EQ(kind.exitCode, 2);
    EXPECT_NE(kind.output.find("--kind: unknown kind \"zz\" (known: cf, cn, jc, md, pj, xk)"), std::string::npos)
        << kind.output;
}

TEST(CommandLineContractTest, AKnownOptionStillReachesTheCommand) {
    auto result = test::runCommand(binary() + "calendar deadline 2026-09-30 --days 7 --data-dir " + CREDITGW_SOURCE_DIR);
    EXPECT_EQ(result.exitCode, 0) << result.output;
    EXPECT_EQ(result.output, "2026-10-15\n");
    auto equals = test::runCommand(binary() + "calendar deadline 2026-09-30 --days=1 --data-dir=" CREDITGW_SOURCE_DIR);
    EXPECT_EQ(equals.exitCode, 0) << equals.output;
    EXPECT_EQ(equals.output, "2026-10-08\n");
}
