#pragma once
// The command-line contract of every `creditgw` command, declared once: which options it takes,
// which of them are flags, what values a closed option allows, how many plain arguments follow,
// and the help text. `main` checks every command line against it before the command runs
// (an unknown option is exit 2 with a did-you-mean, never ignored), `--help` is printed from it,
// and `Arguments` takes its flags from it and refuses to read an option it does not declare, so
// the table, the help and the code cannot disagree.

#include <string>
#include <vector>

#include "creditgw/Status.h"

namespace creditgw::cli {

/// What an option's value must be, checked before the command runs.
enum class OptionValues {
    Any,      ///< free text, checked (if at all) by the command
    Choices,  ///< one of OptionSpec::choices
    Targets,  ///< a target folder of DATA_DIR/mappings (one with profile.xml)
    TargetList,  ///< a comma-separated list of such targets
    Kinds,    ///< a record kind of DATA_DIR/mappings/kinds
    KindList,  ///< a comma-separated list of such kinds
};

struct OptionSpec {
    std::string name;       ///< without the leading "--"
    std::string valueName;  ///< shown in help ("FILE"); empty for a flag, which takes no value
    std::string help;
    OptionValues values = OptionValues::Any;
    std::vector<std::string> choices;  ///< for OptionValues::Choices
    bool isFlag() const { return valueName.empty(); }
};

struct CommandOptions {
    std::string name;      ///< "stats", or "mapping explain" for a subcommand
    std::string synopsis;  ///< plain arguments after the name ("uscc|id|orgcode CODE"), may be empty
    std::string description;
    int maxPositional = 0;  ///< plain arguments after the (sub)command name; -1 for any number
    std::vector<OptionSpec> options;

    const OptionSpec* find(const std::string& option) const;
};

/// The table of `command` (argv[1]) with, for commands that have subcommands, the subcommand
/// (argv[2] when it is not an option): "mapping explain" before "mapping". Null when unknown.
const CommandOptions* commandOptions(const std::string& command, const std::string& subcommand);
const CommandOptions* commandOptionsFor(int argc, char** argv);

/// Every (sub)command the table knows, in help order.
const std::vector<CommandOptions>& allCommandOptions();

/// What `creditgw NAME --help` prints: usage line, description, one line per option.
std::string helpText(const CommandOptions& command);

/// The outcome of checking a command line against its table.
struct CommandLineCheck {
    bool help = false;  ///< --help or -h was given: print helpText and exit 0
};

/// Checks argv[first..] against `command`: every option known (else "unknown option --frm; did you
/// mean --from?" or the list of known ones), a value after each non-flag and none after a flag
/// (an option given twice: the last counts), closed values among their choices (listing the known ones; targets and kinds
/// looked up in `dataDir`/mappings), and no more plain arguments than the command takes.
/// InvalidArgument with one line saying what is wrong.
Result<CommandLineCheck> checkCommandLine(const CommandOptions& command, int argc, char** argv, int first,
                                          const std::string& dataDir);

/// Levenshtein distance with adjacent transpositions counted as one edit ("form" → "from").
std::size_t editDistance(const std::string& a, const std::string& b);

/// The candidate closest to `word`, when close enough to be a likely typo; empty otherwise.
std::string closestMatch(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace creditgw::cli
