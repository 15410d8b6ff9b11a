#include "CommandLine.h"

#include <cstdlib>
#include <iostream>
#include <stdexcept>

#include "OptionTable.h"

namespace creditgw::cli {

Arguments::Arguments(int argc, char** argv, int first, const std::set<std::string>& flags)
    : _table(commandOptionsFor(argc, argv)) {
    auto isFlag = [&](const std::string& name) {
        if (!_table) return flags.count(name) > 0;
        const OptionSpec* spec = _table->find(name);
        return spec && spec->isFlag();
    };
    for (int i = first; i < argc; ++i) {
        std::string arg = argv[i];
        if (arg.rfind("--", 0) != 0 || arg.size() == 2) {
            _positional.push_back(arg);
            continue;
        }
        std::string name = arg.substr(2);
        auto equals = name.find('=');
        if (equals != std::string::npos) {
            _options[name.substr(0, equals)] = name.substr(equals + 1);
        } else if (isFlag(name)) {
            _flags.insert(name);
        } else if (i + 1 < argc) {
            _options[name] = argv[++i];
        } else {
            _error = "option --" + name + " needs a value";
        }
    }
}

void Arguments::requireDeclared(const std::string& name) const {
    if (!accepts(name))
        throw std::logic_error("option --" + name + " is read but not declared in the option table of creditgw " +
                               _table->name);
}

bool Arguments::accepts(const std::string& name) const { return !_table || _table->find(name) != nullptr; }

bool Arguments::flag(const std::string& name) const {
    requireDeclared(name);
    return _flags.count(name) > 0;
}

std::optional<std::string> Arguments::option(const std::string& name) const {
    requireDeclared(name);
    auto it = _options.find(name);
    if (it == _options.end()) return std::nullopt;
    return it->second;
}

std::string Arguments::option(const std::string& name, const std::string& fallback) const {
    return option(name).value_or(fallback);
}

Result<long long> integerOption(const Arguments& args, const std::string& name, long long fallback, long long min,
                                long long max) {
    auto text = args.option(name);
    if (!text) return fallback;
    std::size_t used = 0;
    long long value = 0;
    try {
        value = std::stoll(*text, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (used == 0 || used != text->size() || value < min || value > max)
        return Status::invalidArgument("--" + name + " needs a whole number from " + std::to_string(min) + " to " +
                                       std::to_string(max) + ", not \"" + *text + "\"");
    return value;
}

Result<double> numberOption(const Arguments& args, const std::string& name, double fallback, double min, double max) {
    auto text = args.option(name);
    if (!text) return fallback;
    std::size_t used = 0;
    double value = 0;
    try {
        value = std::stod(*text, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (used == 0 || used != text->size() || !(value >= min && value <= max))
        return Status::invalidArgument("--" + name + " needs a number from " + std::to_string(min) + " to " +
                                       std::to_string(max) + ", not \"" + *text + "\"");
    return value;
}

namespace {
std::string fromEnvironment(const char* variable, const std::string& fallback) {
    const char* value = std::getenv(variable);
    return value && *value ? std::string(value) : fallback;
}

// A shared option the command does not take keeps its environment or default value.
std::string sharedOption(const Arguments& args, const std::string& name, const std::string& fallback) {
    return args.accepts(name) ? args.option(name, fallback) : fallback;
}
}  // namespace

const char* const kCommonOptionsHelp =
    "  --data-dir DIR     mappings/ and data/holidays/ (env CREDITGW_DATA_DIR; default: the source tree)\n"
    "  --plugin-dir DIR   plugin .so files (env CREDITGW_PLUGIN_DIR; default: the build tree)\n"
    "  --store FILE       the SQLite store (env CREDITGW_STORE; default: ./creditgw.db)\n"
    "  --unit-code USCC   统一社会信用代码 of the reporting authority, for package heads\n"
    "                     (env CREDITGW_UNIT_CODE; required to upload)\n"
    "  --unit-name NAME   name of the reporting authority (env CREDITGW_UNIT_NAME)\n";

GatewaySettings gatewaySettings(const Arguments& args) {
    GatewaySettings settings;
    settings.dataDir =
        sharedOption(args, "data-dir", fromEnvironment("CREDITGW_DATA_DIR", CREDITGW_DEFAULT_DATA_DIR));
    settings.pluginDir =
        sharedOption(args, "plugin-dir", fromEnvironment("CREDITGW_PLUGIN_DIR", CREDITGW_DEFAULT_PLUGIN_DIR));
    settings.storePath = sharedOption(args, "store", fromEnvironment("CREDITGW_STORE", "creditgw.db"));
    settings.unitCode = sharedOption(args, "unit-code", fromEnvironment("CREDITGW_UNIT_CODE", ""));
    settings.unitName = sharedOption(args, "unit-name", fromEnvironment("CREDITGW_UNIT_NAME", ""));
    return settings;
}

int reportFailure(const Status& status) {
    std::cerr << "creditgw: " << status.message() << "\n";
    switch (status.code()) {
        case StatusCode::InvalidArgument:
        case StatusCode::NotFound: return kInvalid;
        case StatusCode::Undecidable: return kUndecidable;
        default: return kFailure;
    }
}

}  // namespace creditgw::cli
