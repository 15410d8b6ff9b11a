#include "DaemonConfig.h"

#include <Poco/Exception.h>
#include <Poco/URI.h>
#include <Poco/Util/MapConfiguration.h>
#include <Poco/Util/PropertyFileConfiguration.h>

#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>

#include "CertificateChecks.h"
#include "CommandLine.h"
#include "OptionTable.h"
#include "creditgw/ChannelPlugin.h"
#include "creditgw/CivilDate.h"
#include "creditgw/CodeChecks.h"
#include "creditgw/CronSchedule.h"
#include "creditgw/Json.h"
#include "creditgw/Mapping.h"
#include "creditgw/SecretFile.h"
#include "creditgw/Sm2Signer.h"

namespace creditgw::cli {

namespace fs = std::filesystem;
using Check = ConfigKey::Check;

const std::vector<ConfigKey>& globalConfigKeys() {
    static const std::vector<ConfigKey> keys = {
        {"unit.code", "unit-code", Check::Uscc, 0, 0, "统一社会信用代码 of the reporting authority"},
        {"unit.name", "unit-name", Check::Text, 0, 0, "name of the reporting authority"},
        {"store", "store", Check::StoreFile, 0, 0, "the SQLite store; its folder must exist"},
        {"data.dir", "data-dir", Check::DataDir, 0, 0, "folder holding mappings/ and data/holidays/"},
        {"plugin.dir", "plugin-dir", Check::Folder, 0, 0, "folder of the plugin .so files"},
        {"inbox", "inbox", Check::Folder, 0, 0, "the inbox folder"},
        {"inbox.config", "inbox-config", Check::File, 0, 0, "inbox routes (default: INBOX/inbox.xml)"},
        {"interval", "interval", Check::Number, 1, 24 * 3600, "seconds between cycles"},
        {"settle.seconds", "settle-seconds", Check::Number, 0, 3600, "a file is taken once unchanged this long"},
        {"admin.port", "admin-port", Check::Number, 1, 65535, "admin interface on 127.0.0.1"},
        {"admin.token.file", "admin-token-file", Check::SecretFile, 0, 0, "bearer token of the admin interface"},
        {"admin.backlog.alert.seconds", "backlog-alert-seconds", Check::Number, 0, 30 * 24 * 3600,
         "/health fails once a batch has waited this long"},
        {"targets", "targets", Check::TargetList, 0, 0, "targets served (default: every target.<name>)"},
        {"breaker.failures", "breaker-failures", Check::Number, 1, 1000, "failed cycles in a row that open a breaker"},
        {"breaker.open.seconds", "breaker-open-seconds", Check::Number, 1, 24 * 3600, "how long a breaker stays open"},
        {"reports.dir", "reports-dir", Check::Folder, 0, 0, "last month's workbook per target is written here"},
        {"reconcile.schedule", "reconcile-schedule", Check::DailyOrOff, 0, 0,
         "daily (default): reconcile each target with its platform once a day; off: never"},
        {"log.file", "log-file", Check::StoreFile, 0, 0, "also log to this file; its folder must exist"},
        {"log.rotation", "log-rotation", Check::Text, 0, 0, "rotate the log file at this size (\"10 M\")"},
        {"log.keep", "log-keep", Check::Number, 1, 1000, "rotated log files kept"},
    };
    return keys;
}

const std::vector<ConfigKey>& targetConfigKeys() {
    static const std::vector<ConfigKey> keys = {
        {"endpoint", "endpoint", Check::Endpoint, 0, 0, "upload URL (default: the target profile's)"},
        {"ca", "ca", Check::CaFile, 0, 0, "CA certificates of the platform's TLS certificate"},
        {"cert", "cert", Check::CertFile, 0, 0, "client certificate for mutual TLS"},
        {"key", "key", Check::SecretFile, 0, 0, "client certificate's key (0600)"},
        {"signing.key", "signing-key", Check::SigningKey, 0, 0, "SM2 signing key (0600)"},
        {"signer.id", "signer-id", Check::Text, 0, 0, "SM2 signer ID"},
        {"batch.size", "batch-size", Check::Number, 1, 100000, "records per batch"},
        {"max.attempts", "max-attempts", Check::Number, 0, 1000000, "attempts before a batch is given up"},
        {"retry.hours", "retry-hours", Check::Number, 1, 24 * 365, "hours of failures before a batch is given up"},
        {"timeout", "timeout", Check::Number, 1, 3600, "seconds one exchange may take"},
        {"retry.after.cap", "retry-after-cap", Check::Number, 0, 7 * 24 * 3600, "longest Retry-After honoured"},
        {"rate.limit", "rate-limit", Check::Number, 0, 6000, "batches a minute at most, evenly spaced (0: no limit)"},
        {"schedule", "", Check::Schedule, 0, 0, "cron expression in Asia/Shanghai time, or asap"},
        {"kinds", "kinds", Check::KindList, 0, 0, "kinds sent to the target (default: every kind it maps)"},
        {"channel.dir", "channel-dir", Check::Folder, 0, 0, "filedrop: the 前置机 exchange folder"},
        {"channel.peer.key", "channel-peer-key", Check::File, 0, 0, "filedrop: the platform's SM2 public key (envelope)"},
        {"channel.db", "channel-db", Check::Text, 0, 0, "frontdb: PostgreSQL connection string, no password"},
        {"channel.db.password.file", "channel-db-password-file", Check::SecretFile, 0, 0, "frontdb: password (0600)"},
        {"receipt.timeout", "receipt-timeout", Check::Number, 1, 30 * 24 * 3600, "no receipt this long: in doubt"},
        {"receipt.poll", "receipt-poll", Check::Number, 1, 3600, "seconds between looks for a receipt"},
    };
    return keys;
}

std::string environmentVariableOf(const std::string& key) {
    std::string name = "CREDITGW_";
    for (char c : key) name += (c == '.' || c == '-') ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return name;
}

namespace {

std::string trimmed(const std::string& text) {
    auto first = text.find_first_not_of(" \t\r\f");
    if (first == std::string::npos) return "";
    return text.substr(first, text.find_last_not_of(" \t\r\f") - first + 1);
}

const ConfigKey* findKey(const std::vector<ConfigKey>& keys, const std::string& key) {
    for (const auto& spec : keys)
        if (spec.key == key) return &spec;
    return nullptr;
}

std::vector<std::string> keyNames(const std::vector<ConfigKey>& keys) {
    std::vector<std::string> names;
    for (const auto& spec : keys) names.push_back(spec.key);
    return names;
}

std::vector<std::string> knownTargets(const std::string& dataDir) {
    std::vector<std::string> names;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(fs::path(dataDir) / "mappings", ec))
        if (fs::exists(entry.path() / "profile.xml", ec)) names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

std::string listed(const std::vector<std::string>& names) {
    std::string text;
    for (const auto& name : names) text += (text.empty() ? "" : ", ") + name;
    return text;
}

// target.<name>.<key> → {name, key}; {"", ""} for a global key.
std::pair<std::string, std::string> splitTargetKey(const std::string& key) {
    if (key.rfind("target.", 0) != 0) return {"", ""};
    auto dot = key.find('.', 7);
    if (dot == std::string::npos) return {key.substr(7), ""};
    return {key.substr(7, dot - 7), key.substr(dot + 1)};
}

bool isSecretKey(const std::string& key) {
    if (key.ends_with(".file") || key.ends_with("key")) return false;  // paths, not secrets
    for (const char* word : {"password", "secret", "token"})
        if (key.find(word) != std::string::npos) return true;
    return false;
}

std::string masked(const std::string& key, const std::string& value) {
    if (isSecretKey(key)) return "********";
    if (key.ends_with("endpoint")) {
        // https://user:password@host/ → https://********@host/
        auto scheme = value.find("://");
        auto at = value.find('@');
        if (scheme != std::string::npos && at != std::string::npos && at < value.find('/', scheme + 3))
            return value.substr(0, scheme + 3) + "********" + value.substr(at);
    }
    return value;
}

}  // namespace

DaemonConfig DaemonConfig::read(const std::string& path, const std::map<std::string, std::string>& flags) {
    DaemonConfig config;
    config._path = path;
    config._flags = flags;
    config._layers = new Poco::Util::LayeredConfiguration;
    std::ifstream in(path);
    if (!in) {
        config._problems.push_back(path + ":1: cannot read the configuration file");
        return config;
    }
    std::string line;
    bool continued = false;
    for (int number = 1; std::getline(in, line); ++number) {
        bool wasContinued = continued;
        std::string text = trimmed(line);
        continued = !text.empty() && text.back() == '\\' && text[0] != '#' && text[0] != '!';
        if (wasContinued || text.empty() || text[0] == '#' || text[0] == '!') continue;
        auto separator = text.find_first_of("=:");
        if (separator == std::string::npos) {
            config._problems.push_back(path + ":" + std::to_string(number) + ": expected KEY = VALUE, got \"" +
                                       text + "\"");
            continue;
        }
        std::string key = trimmed(text.substr(0, separator));
        auto earlier = config._lines.find(key);
        if (earlier != config._lines.end())
            config._problems.push_back(path + ":" + std::to_string(number) + ": " + key +
                                       " is already set on line " + std::to_string(earlier->second));
        config._lines[key] = number;  // the last one counts, as for Poco
        auto [target, rest] = splitTargetKey(key);
        if (!target.empty() &&
            std::find(config._sections.begin(), config._sections.end(), target) == config._sections.end())
            config._sections.push_back(target);
    }
    Poco::AutoPtr<Poco::Util::MapConfiguration> flagLayer = new Poco::Util::MapConfiguration;
    for (const auto& [key, value] : flags) flagLayer->setString(key, value);
    Poco::AutoPtr<Poco::Util::MapConfiguration> environment = new Poco::Util::MapConfiguration;
    std::vector<std::string> keys = keyNames(globalConfigKeys());
    for (const auto& target : config._sections)
        for (const auto& spec : targetConfigKeys()) keys.push_back("target." + target + "." + spec.key);
    for (const auto& key : keys)
        if (const char* value = std::getenv(environmentVariableOf(key).c_str()); value && *value)
            environment->setString(key, value);
    try {
        Poco::AutoPtr<Poco::Util::PropertyFileConfiguration> file = new Poco::Util::PropertyFileConfiguration(path);
        config._layers->add(file, 0);
    } catch (const Poco::Exception& e) {
        config._problems.push_back(path + ":1: " + e.displayText());
    }
    // Lower priority numbers are searched first: flags, then the environment, then the file.
    config._layers->add(environment, -10);
    config._layers->add(flagLayer, -20);
    return config;
}

std::optional<std::string> DaemonConfig::value(const std::string& key) const {
    if (!_layers->hasProperty(key)) return std::nullopt;
    return _layers->getString(key);
}

std::string DaemonConfig::sourceOf(const std::string& key) const {
    if (_flags.count(key)) return "flag";
    if (const char* env = std::getenv(environmentVariableOf(key).c_str()); env && *env)
        return "env " + environmentVariableOf(key);
    auto line = _lines.find(key);
    return line == _lines.end() ? "default" : _path + ":" + std::to_string(line->second);
}

std::vector<std::string> DaemonConfig::targets() const {
    auto listed = value("targets");
    if (!listed) return _sections;
    std::vector<std::string> names;
    std::string text = *listed;
    for (std::size_t start = 0; start <= text.size();) {
        std::size_t comma = std::min(text.find(',', start), text.size());
        std::string name = trimmed(text.substr(start, comma - start));
        if (!name.empty()) names.push_back(name);
        start = comma + 1;
    }
    return names;
}

std::string DaemonConfig::dataDir() const {
    if (auto dir = value("data.dir")) return *dir;
    const char* env = std::getenv("CREDITGW_DATA_DIR");
    return env && *env ? env : CREDITGW_DEFAULT_DATA_DIR;
}

void DaemonConfig::problem(const std::string& key, const std::string& message) {
    auto line = _lines.find(key);
    std::string where = line == _lines.end() ? "1" : std::to_string(line->second);
    // A missing target.<name>.* key is reported where that target's settings start.
    if (line == _lines.end() && key.rfind("target.", 0) == 0) {
        const std::string prefix = key.substr(0, key.find('.', 7) + 1);
        int first = 0;
        for (const auto& [name, number] : _lines)
            if (name.rfind(prefix, 0) == 0 && (first == 0 || number < first)) first = number;
        if (first > 0) where = std::to_string(first);
    }
    std::string from = sourceOf(key);
    // A value from a flag or the environment is named as such: the file is not at fault.
    std::string suffix = from == "flag" || from.rfind("env ", 0) == 0 ? " (from " + from + ")" : "";
    _problems.push_back(_path + ":" + where + ": " + key + ": " + message + suffix);
}

void DaemonConfig::checkKnownKey(const std::string& key) {
    auto [target, suffix] = splitTargetKey(key);
    if (target.empty()) {
        if (findKey(globalConfigKeys(), key)) return;
        std::string guess = closestMatch(key, keyNames(globalConfigKeys()));
        problem(key, "unknown key" + (guess.empty() ? "; known: " + listed(keyNames(globalConfigKeys())) +
                                                          " and target.<name>.<key>"
                                                    : "; did you mean " + guess + "?"));
        return;
    }
    auto known = knownTargets(dataDir());
    if (!known.empty() && std::find(known.begin(), known.end(), target) == known.end()) {
        std::string guess = closestMatch(target, known);
        problem(key, "unknown target \"" + target + "\"" + (guess.empty() ? "" : "; did you mean " + guess + "?") +
                         " (known in " + dataDir() + "/mappings: " + listed(known) + ")");
        return;
    }
    if (findKey(targetConfigKeys(), suffix)) return;
    std::string guess = closestMatch(suffix, keyNames(targetConfigKeys()));
    problem(key, "unknown key" + (guess.empty() ? "; a target takes " + listed(keyNames(targetConfigKeys()))
                                                : "; did you mean target." + target + "." + guess + "?"));
}

void DaemonConfig::checkValue(const std::string& key, const ConfigKey& spec, const std::string& target) {
    auto text = value(key);
    if (!text) return;
    std::error_code ec;
    switch (spec.check) {
        case Check::Text:
            if (text->empty()) problem(key, "is empty");
            break;
        case Check::Uscc: {
            CodeCheck uscc = checkUscc(*text);
            if (!uscc.valid) problem(key, "\"" + *text + "\" is not a valid 统一社会信用代码: " + uscc.reason);
            break;
        }
        case Check::DataDir:
            if (!fs::is_directory(fs::path(*text) / "mappings", ec)) problem(key, *text + ": no mappings/ folder in it");
            break;
        case Check::Folder:
            if (!fs::is_directory(*text, ec)) problem(key, *text + ": no such folder");
            break;
        case Check::StoreFile: {
            fs::path parent = fs::absolute(*text, ec).parent_path();
            if (!fs::is_directory(parent, ec)) problem(key, "its folder " + parent.string() + " does not exist");
            break;
        }
        case Check::File:
        case Check::CaFile:
        case Check::CertFile:
            if (!fs::is_regular_file(*text, ec)) {
                problem(key, *text + ": no such file");
            } else if (spec.check == Check::CaFile) {
                // checked with the chain in checkTarget
            }
            break;
        case Check::SecretFile: {
            Status secret = checkSecretFilePermissions(*text);
            if (!secret) problem(key, secret.message());
            break;
        }
        case Check::SigningKey: {
            Status secret = checkSecretFilePermissions(*text);
            if (!secret) {
                problem(key, secret.message());
                break;
            }
            auto signer = Sm2Signer::fromPrivateKeyFile(*text, value("target." + target + ".signer.id").value_or(
                                                                   kDefaultSm2SignerId));
            if (!signer) problem(key, signer.status().message());
            break;
        }
        case Check::Endpoint: {
            try {
                Poco::URI uri(*text);
                if (uri.getScheme() != "https" || uri.getHost().empty())
                    problem(key, "\"" + masked(key, *text) + "\" is not an https://HOST[:PORT]/PATH URL");
            } catch (const Poco::Exception& e) {
                problem(key, "\"" + masked(key, *text) + "\" is not a URL: " + e.message());
            }
            break;
        }
        case Check::DailyOrOff:
            if (*text != "daily" && *text != "off") problem(key, "\"" + *text + "\" is neither daily nor off");
            break;
        case Check::Schedule: {
            auto schedule = CronSchedule::parse(*text);
            if (!schedule) problem(key, schedule.status().message());
            break;
        }
        case Check::Number: {
            bool ok = !text->empty() && text->size() < 12 && text->find_first_not_of("0123456789") == std::string::npos;
            long long number = ok ? std::stoll(*text) : 0;
            if (!ok || number < spec.min || number > spec.max)
                problem(key, "needs a whole number from " + std::to_string(spec.min) + " to " +
                                 std::to_string(spec.max) + ", not \"" + *text + "\"");
            break;
        }
        case Check::KindList: {
            // A kind the target has a mapping for: mappings/<target>/<kind>.xml (data.dir itself
            // is reported when it has no mappings/).
            if (!fs::is_directory(fs::path(dataDir()) / "mappings", ec)) break;
            std::size_t start = 0;
            while (start <= text->size()) {
                std::size_t comma = std::min(text->find(',', start), text->size());
                std::string kind = trimmed(text->substr(start, comma - start));
                std::error_code missing;
                if (!kind.empty() && !fs::exists(fs::path(dataDir()) / "mappings" / target / (kind + ".xml"), missing))
                    problem(key, "target " + target + " has no mapping for kind \"" + kind + "\" (" + dataDir() +
                                     "/mappings/" + target + "/" + kind + ".xml)");
                start = comma + 1;
            }
            break;
        }
        case Check::TargetList: {
            auto known = knownTargets(dataDir());
            for (const auto& name : targets())
                if (!known.empty() && std::find(known.begin(), known.end(), name) == known.end())
                    problem(key, "unknown target \"" + name + "\" (known: " + listed(known) + ")");
            break;
        }
    }
}

namespace {
std::string channelOf(const TargetProfile& profile) {
    auto named = profile.settings.find("channel");
    return named == profile.settings.end() || named->second.empty() ? std::string(kHttpsChannel) : named->second;
}
}  // namespace

// What the channel its profile names needs from the file, and what it would ignore.
void DaemonConfig::checkChannel(const std::string& target, const TargetProfile& profile) {
    const std::string prefix = "target." + target + ".";
    const std::string channel = channelOf(profile);
    const std::string named = profile.directory + "/profile.xml" +
                              (channel == kHttpsChannel ? " names no channel" : " names channel " + channel);
    auto require = [&](const char* key, const std::string& what) {
        if (!value(prefix + key)) problem(prefix + key, "missing: target " + target + " needs " + what + " (" + named + ")");
    };
    std::vector<const char*> used;
    if (channel == "filedrop") {
        require("channel.dir", "the 前置机 exchange folder, which holds outbox/ and inbox/");
        auto envelope = profile.settings.find("channel.envelope");
        if (envelope != profile.settings.end() && envelope->second == "sm4")
            require("channel.peer.key", "the platform's SM2 public key or certificate for the SM4 envelope");
        used = {"channel.dir", "channel.peer.key"};
    } else if (channel == "frontdb") {
        require("channel.db", "the 前置库 connection string (host=… port=… dbname=… user=…, no password)");
        used = {"channel.db", "channel.db.password.file"};
    }
    if (channel != kHttpsChannel && channel != "filedrop" && channel != "frontdb") return;  // a plugin's own
    for (const char* key : {"channel.dir", "channel.peer.key", "channel.db", "channel.db.password.file"})
        if (value(prefix + key) && std::find(used.begin(), used.end(), std::string_view(key)) == used.end())
            problem(prefix + key, "not used: target " + target + " is reached over " + channel + " (" + named +
                                      "); remove the key, or name the channel in the profile");
}

void DaemonConfig::checkTarget(const std::string& target, const TargetProfile* profile,
                               std::chrono::system_clock::time_point now, std::chrono::hours expiryWarning) {
    std::string prefix = "target." + target + ".";
    for (const auto& spec : targetConfigKeys()) checkValue(prefix + spec.key, spec, target);
    // A target reached by a channel plugin (filedrop, …) needs no TLS. Its profile says which
    // channel; only when the mappings cannot be read do the file's channel.* keys tell.
    if (profile) checkChannel(target, *profile);
    const bool overHttps = profile ? channelOf(*profile) == kHttpsChannel
                                   : !value(prefix + "channel.dir") && !value(prefix + "channel.db");
    for (const char* required : {"ca", "signing.key"})
        if (!value(prefix + required) && (overHttps || std::string(required) == "signing.key"))
            problem(prefix + required, "missing: target " + target + " needs it");
    auto ca = value(prefix + "ca"), cert = value(prefix + "cert"), key = value(prefix + "key");
    std::error_code ec;
    if (ca && fs::is_regular_file(*ca, ec))
        for (const auto& message : checkCaFile(*ca, now, expiryWarning)) problem(prefix + "ca", message);
    if (cert.has_value() != key.has_value()) {
        problem(prefix + (cert ? "key" : "cert"), "missing: a client certificate needs both cert and key");
        return;
    }
    if (!cert || !fs::is_regular_file(*cert, ec) || !checkSecretFilePermissions(*key)) return;
    for (const auto& message :
         checkClientCertificate(*cert, ca && fs::is_regular_file(*ca, ec) ? *ca : "", *key, now, expiryWarning))
        problem(prefix + "cert", message);
}

void DaemonConfig::check(std::chrono::system_clock::time_point now, std::chrono::hours expiryWarning) {
    for (const auto& [key, line] : _lines) checkKnownKey(key);
    for (const auto& spec : globalConfigKeys()) checkValue(spec.key, spec, "");
    for (const char* required : {"unit.code", "unit.name", "inbox", "store"})
        if (!value(required)) problem(required, "missing: the daemon needs it");
    if (targets().empty()) problem("targets", "no target: add target.<name>.* settings (or targets = ...)");
    auto known = knownTargets(dataDir());
    std::shared_ptr<const MappingCatalog> mappings;
    if (!known.empty()) {
        auto loaded = MappingCatalog::load(dataDir() + "/mappings");
        if (loaded)
            mappings = *loaded;
        else
            problem("data.dir", "the mappings do not load, so the targets' channels are not checked: " +
                                    loaded.status().message());
    }
    for (const auto& target : targets())
        if (known.empty() || std::find(known.begin(), known.end(), target) != known.end())
            checkTarget(target, mappings ? mappings->profile(target) : nullptr, now, expiryWarning);
    std::sort(_problems.begin(), _problems.end(), [](const std::string& a, const std::string& b) {
        // By line number, so the output reads like the file.
        auto lineOf = [](const std::string& p) {
            auto colon = p.find(':');
            return std::atoi(p.c_str() + colon + 1);
        };
        return lineOf(a) < lineOf(b);
    });
}

std::string DaemonConfig::effectiveText() const {
    std::vector<std::string> keys = keyNames(globalConfigKeys());
    for (const auto& target : targets())
        for (const auto& spec : targetConfigKeys()) keys.push_back("target." + target + "." + spec.key);
    std::string text;
    for (const auto& key : keys) {
        auto v = value(key);
        if (!v) continue;
        text += key + " = " + masked(key, *v) + "    # " + sourceOf(key) + "\n";
    }
    return text;
}

// ---- run --config ---------------------------------------------------------------------------

namespace {

// The options given on the command line, by name (values of flags are "").
std::map<std::string, std::string> givenOptions(int argc, char** argv) {
    std::map<std::string, std::string> given;
    for (int i = 2; i < argc; ++i) {
        std::string arg = argv[i];
        if (arg.rfind("--", 0) != 0 || arg.size() == 2) continue;
        std::string name = arg.substr(2);
        auto equals = name.find('=');
        if (equals != std::string::npos) given[name.substr(0, equals)] = name.substr(equals + 1);
        else if (name == "once" || name == "help") given[name] = "";
        else if (i + 1 < argc) given[name] = argv[++i];
    }
    return given;
}

}  // namespace

void ConfiguredCommandLine::point() {
    _pointers.clear();
    for (auto& argument : _arguments) _pointers.push_back(argument.data());
    _pointers.push_back(nullptr);
}

Result<ConfiguredCommandLine> ConfiguredCommandLine::of(int argc, char** argv) {
    ConfiguredCommandLine line;
    line._arguments.assign(argv, argv + argc);
    auto given = givenOptions(argc, argv);
    auto file = given.find("config");
    if (file == given.end() || given.count("help")) {
        line.point();
        return line;
    }
    line._configured = true;
    // The command line's values by config key, so the check sees what will run.
    std::map<std::string, std::string> flags;
    for (const auto& spec : globalConfigKeys())
        if (given.count(spec.option)) flags[spec.key] = given[spec.option];
    DaemonConfig config = DaemonConfig::read(file->second, flags);
    config.check(std::chrono::system_clock::now(), std::chrono::hours(24 * 30));
    // Expiring certificates are warnings at start (the daemon still runs); anything else stops it.
    std::string errors;
    for (const auto& problem : config.problems())
        if (problem.find(", within ") == std::string::npos) errors += (errors.empty() ? "" : "\n") + problem;
    if (!errors.empty()) return Status::invalidArgument(errors);
    for (const auto& spec : globalConfigKeys()) {
        auto value = config.value(spec.key);
        if (spec.key == "targets" && !value) {
            std::string names;
            for (const auto& name : config.targets()) names += (names.empty() ? "" : ",") + name;
            value = names;
        }
        if (!value || given.count(spec.option)) continue;
        line._arguments.push_back("--" + spec.option);
        line._arguments.push_back(*value);
    }
    for (const auto& target : config.targets()) {
        std::string prefix = "target." + target + ".";
        for (const auto& spec : targetConfigKeys()) {
            auto value = config.value(prefix + spec.key);
            if (!value) continue;
            if (spec.option.empty()) line._schedules[target] = *value;
            else if (!given.count(spec.option)) {
                line._targetOptions[target].push_back("--" + spec.option);
                line._targetOptions[target].push_back(*value);
            }
        }
    }
    line.point();
    return line;
}

std::vector<std::string> ConfiguredCommandLine::forTarget(const std::string& target) const {
    std::vector<std::string> arguments(_arguments.begin(), _arguments.end());
    auto options = _targetOptions.find(target);
    if (options != _targetOptions.end()) arguments.insert(arguments.end(), options->second.begin(), options->second.end());
    return arguments;
}

std::string ConfiguredCommandLine::scheduleOf(const std::string& target) const {
    auto schedule = _schedules.find(target);
    return schedule == _schedules.end() ? "" : schedule->second;
}

Result<TargetSettings> ConfiguredCommandLine::targetSettingsOf(const std::string& target,
                                                              const TargetSettings& common) const {
    if (!_targetOptions.count(target)) {
        TargetSettings settings = common;
        settings.name = target;
        return settings;
    }
    std::vector<std::string> arguments = forTarget(target);
    std::vector<char*> pointers;
    for (auto& argument : arguments) pointers.push_back(argument.data());
    pointers.push_back(nullptr);
    Arguments args(static_cast<int>(arguments.size()), pointers.data(), 2, {"help", "once"});
    auto settings = targetSettings(args);
    if (!settings) return Status::invalidArgument("target " + target + ": " + settings.status().message());
    settings->name = target;
    return settings;
}

Status TargetSchedules::add(const std::string& target, const std::string& expression,
                            std::chrono::system_clock::time_point now) {
    auto schedule = CronSchedule::parse(expression);
    if (!schedule) return Status::invalidArgument("target " + target + ": " + schedule.status().message());
    auto next = schedule->nextAfter(now);
    if (!next) return Status::invalidArgument("target " + target + ": " + next.status().message());
    _entries.insert_or_assign(target, Entry{*schedule, *next});
    return Status::ok();
}

bool TargetSchedules::due(const std::string& target, std::chrono::system_clock::time_point now) {
    auto entry = _entries.find(target);
    if (entry == _entries.end()) return true;
    if (now < entry->second.next) return false;
    auto next = entry->second.schedule.nextAfter(now);
    // A schedule with no later slot (checked at add) cannot happen; stay due rather than stop.
    entry->second.next = next ? *next : now;
    return true;
}

std::optional<std::chrono::system_clock::time_point> TargetSchedules::nextRun(const std::string& target) const {
    auto entry = _entries.find(target);
    if (entry == _entries.end()) return std::nullopt;
    return entry->second.next;
}

Status reloadConfiguration(int argc, char** argv, const std::vector<std::string>& targets,
                           const TargetSettings& common, ConfiguredCommandLine& configured,
                           TargetSchedules& schedules) {
    auto fresh = ConfiguredCommandLine::of(argc, argv);
    if (!fresh) return fresh.status();
    TargetSchedules freshSchedules;
    auto now = std::chrono::system_clock::now();
    for (const auto& target : targets) {
        auto settings = fresh->targetSettingsOf(target, common);
        if (!settings) return settings.status();
        std::string schedule = fresh->scheduleOf(target);
        if (schedule.empty()) continue;
        Status added = freshSchedules.add(target, schedule, now);
        if (!added) return added;
    }
    configured = std::move(*fresh);
    schedules = std::move(freshSchedules);
    return Status::ok();
}

NextRun nextRunOf(const std::string& configFile, const std::string& target,
                  std::chrono::system_clock::time_point now) {
    DaemonConfig config = DaemonConfig::read(configFile);
    NextRun next;
    auto expression = config.value("target." + target + ".schedule");
    if (!expression) return next;
    next.schedule = *expression;
    auto schedule = CronSchedule::parse(*expression);
    if (!schedule) {
        next.problem = config.sourceOf("target." + target + ".schedule") + ": " + schedule.status().message();
        return next;
    }
    if (schedule->asSoonAsPossible()) return next;
    auto slot = schedule->nextAfter(now);
    if (!slot) next.problem = slot.status().message();
    else next.at = *slot;
    return next;
}

std::string nextRunText(const std::string& configFile, const std::string& target,
                        std::chrono::system_clock::time_point now) {
    NextRun next = nextRunOf(configFile, target, now);
    if (next.schedule.empty()) return "next run: every cycle (no schedule for " + target + " in " + configFile + ")";
    if (!next.problem.empty()) return "next run: unknown: " + next.problem;
    if (!next.at) return "next run: every cycle (schedule \"asap\")";
    return "next run: " + shanghaiTimestamp(*next.at) + " (schedule \"" + next.schedule + "\")";
}

std::string nextRunJsonMembers(const NextRun& next) {
    std::string out = ",\"schedule\":" + (next.schedule.empty() ? std::string("null") : jsonString(next.schedule)) +
                      ",\"next_run\":" + (next.at ? jsonString(shanghaiTimestamp(*next.at)) : std::string("null"));
    if (!next.problem.empty()) out += ",\"next_run_problem\":" + jsonString(next.problem);
    return out;
}

}  // namespace creditgw::cli
