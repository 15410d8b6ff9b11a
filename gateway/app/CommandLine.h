#pragma once
// Command-line parsing for `creditgw COMMAND [ARGS] [--option value] [--flag]` and the
// options every command shares (where the data, plugins and store are).

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "creditgw/Gateway.h"

namespace creditgw::cli {

/// Exit codes: 0 ok, 1 check failed / invalid input, 2 usage error, 3 undecidable, 4 runtime error.
enum ExitCode { kOk = 0, kInvalid = 1, kUsage = 2, kUndecidable = 3, kFailure = 4 };

struct CommandOptions;

class Arguments {
public:
    /// `flags` are options that take no value (e.g. "help", "keep"). When the command (argv[1],
    /// with its subcommand) has an option table (OptionTable.h), the table's flags are used and
    /// reading an option the table does not declare is a programming error (std::logic_error).
    Arguments(int argc, char** argv, int first, const std::set<std::string>& flags);
    const std::vector<std::string>& positional() const { return _positional; }
    std::optional<std::string> option(const std::string& name) const;
    std::string option(const std::string& name, const std::string& fallback) const;
    bool flag(const std::string& name) const;
    /// Whether the command declares the option (always true for a command without a table).
    bool accepts(const std::string& name) const;
    /// Non-empty when an option was given without its value.
    const std::string& error() const { return _error; }

private:
    std::vector<std::string> _positional;
    std::map<std::string, std::string> _options;
    std::set<std::string> _flags;
    std::string _error;
    const CommandOptions* _table = nullptr;
    void requireDeclared(const std::string& name) const;
};

/// The option as a whole number within [min, max] (or `fallback` when absent); InvalidArgument
/// naming the option otherwise, for a usage error rather than a crash.
Result<long long> integerOption(const Arguments& args, const std::string& name, long long fallback, long long min,
                                long long max);
Result<double> numberOption(const Arguments& args, const std::string& name, double fallback, double min, double max);

/// --data-dir, --plugin-dir, --store, --unit-code, --unit-name with environment fallbacks
/// (CREDITGW_DATA_DIR, CREDITGW_PLUGIN_DIR, CREDITGW_STORE) and built-in defaults.
GatewaySettings gatewaySettings(const Arguments& args);
/// The help text lines for the shared options.
extern const char* const kCommonOptionsHelp;

/// --target, --endpoint, --ca, --cert, --key, --signing-key, --signer-id, --batch-size,
/// --max-attempts, --retry-hours, --wait.
Result<TargetSettings> targetSettings(const Arguments& args);

/// Prints a failed Status to stderr as "creditgw: <message>" and returns the exit code for it.
int reportFailure(const Status& status);

int checkCommand(int argc, char** argv);
int calendarCommand(int argc, char** argv);
int mapCommand(int argc, char** argv);
int ingestCommand(int argc, char** argv);
int uploadCommand(int argc, char** argv);
int statsCommand(int argc, char** argv);
int reportCommand(int argc, char** argv);
int mockPlatformCommand(int argc, char** argv);
int batchCommand(int argc, char** argv);
int pluginsCommand(int argc, char** argv);
int demoCommand(int argc, char** argv);
int mappingCommand(int argc, char** argv);
int exportCommand(int argc, char** argv);
int markSubmittedCommand(int argc, char** argv);
int runCommand(int argc, char** argv);
int statusCommand(int argc, char** argv);
int requeueCommand(int argc, char** argv);
int configCommand(int argc, char** argv);
int historyCommand(int argc, char** argv);
int discardCommand(int argc, char** argv);
int revokeCommand(int argc, char** argv);
int repairCommand(int argc, char** argv);
int reconcileCommand(int argc, char** argv);

}  // namespace creditgw::cli
