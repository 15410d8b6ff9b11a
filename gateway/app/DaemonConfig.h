#pragma once
// The daemon's one configuration file (/etc/creditgw/creditgw.properties, Java properties
// syntax as Poco::Util::PropertyFileConfiguration reads it; docs/creditgw.properties.example).
// Layered with Poco::Util::LayeredConfiguration: command-line flags over CREDITGW_* environment
// variables over the file. `creditgw config check FILE` validates it with file:line messages;
// `creditgw run --config FILE` runs from it.

#include <Poco/AutoPtr.h>
#include <Poco/Util/LayeredConfiguration.h>

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "creditgw/CronSchedule.h"
#include "creditgw/Gateway.h"
#include "creditgw/Status.h"
#include "creditgw/TargetPlugin.h"

namespace creditgw::cli {

/// One key the file may hold: its `run` option and how config check validates its value.
struct ConfigKey {
    enum class Check { Text, Uscc, DataDir, Folder, StoreFile, File, SecretFile, CaFile, CertFile, SigningKey,
                       Endpoint, Schedule, Number, TargetList, KindList, DailyOrOff };
    std::string key;     ///< "admin.port"; for a target "ca" (of target.<name>.ca)
    std::string option;  ///< the `run` option it stands for ("admin-port"); empty when none
    Check check = Check::Text;
    long long min = 0, max = 0;  ///< for Number
    std::string help;
};

/// The global keys, then the per-target ones (target.<name>.<key>).
const std::vector<ConfigKey>& globalConfigKeys();
const std::vector<ConfigKey>& targetConfigKeys();

/// The environment variable that overrides `key`: CREDITGW_ + upper case, '.' and '-' as '_'
/// ("admin.port" → CREDITGW_ADMIN_PORT, "target.sd-xyjt.ca" → CREDITGW_TARGET_SD_XYJT_CA).
std::string environmentVariableOf(const std::string& key);

class DaemonConfig {
public:
    /// Reads FILE. Never fails: an unreadable file or a bad line is one of problems().
    /// `flags` are the command line's values by config key (they win over everything).
    static DaemonConfig read(const std::string& path, const std::map<std::string, std::string>& flags = {});

    /// Validates every key and value (see `creditgw config check --help`); problems are
    /// appended as "FILE:LINE: message", LINE that of the key (or 1 for what is missing).
    void check(std::chrono::system_clock::time_point now, std::chrono::hours expiryWarning);

    const std::vector<std::string>& problems() const { return _problems; }
    const std::string& path() const { return _path; }
    /// The effective value of `key` (flag, environment, file), if any.
    std::optional<std::string> value(const std::string& key) const;
    /// Where the effective value comes from: "flag", "env CREDITGW_X" or "FILE:LINE".
    std::string sourceOf(const std::string& key) const;
    /// The targets served: the `targets` key, else every target.<name> section, in file order.
    std::vector<std::string> targets() const;
    /// The data folder whose mappings/ name the known targets (data.dir, else the built-in).
    std::string dataDir() const;
    /// Every effective key = value, sorted, with its source; secrets masked.
    std::string effectiveText() const;

private:
    std::string _path;
    Poco::AutoPtr<Poco::Util::LayeredConfiguration> _layers;
    std::map<std::string, int> _lines;           ///< key → line in the file
    std::vector<std::string> _sections;          ///< target names of target.<name>.*, in order
    std::map<std::string, std::string> _flags;
    std::vector<std::string> _problems;

    void problem(const std::string& key, const std::string& message);
    void checkKnownKey(const std::string& key);
    void checkValue(const std::string& key, const ConfigKey& spec, const std::string& target);
    /// `profile`: the target's profile, whose `channel` setting decides which settings the
    /// target needs (TLS files for https, channel.dir for filedrop, channel.db for frontdb);
    /// null when the mappings could not be read (then the file's channel.* keys decide).
    void checkTarget(const std::string& target, const TargetProfile* profile,
                     std::chrono::system_clock::time_point now, std::chrono::hours expiryWarning);
    void checkChannel(const std::string& target, const TargetProfile& profile);
};

/// For `run --config FILE`: the command line with the file's global settings added as options
/// where no flag gives them, and, per target, the target's settings. Owns the strings.
class ConfiguredCommandLine {
public:
    /// Without --config, the command line unchanged. With it, InvalidArgument listing every
    /// problem of the file (as `config check` would) when the file is not valid.
    static Result<ConfiguredCommandLine> of(int argc, char** argv);
    int argc() const { return static_cast<int>(_pointers.size()) - 1; }
    char** argv() {
        point();  // the strings may have moved with the object
        return _pointers.data();
    }
    /// The command line for `target`: its target.<name>.* settings added as options (--ca,
    /// --endpoint, ...) where no flag gives them; for targetSettings().
    std::vector<std::string> forTarget(const std::string& target) const;
    /// The target's schedule ("" = every cycle).
    std::string scheduleOf(const std::string& target) const;
    /// The target's settings: `common` when the file has none for it, else the command line
    /// with its target.<name>.* settings, parsed like the flags (usage errors name the option).
    Result<TargetSettings> targetSettingsOf(const std::string& target, const TargetSettings& common) const;
    bool configured() const { return _configured; }

private:
    std::vector<std::string> _arguments;
    std::vector<char*> _pointers;
    std::map<std::string, std::vector<std::string>> _targetOptions;
    std::map<std::string, std::string> _schedules;
    bool _configured = false;
    void point();
};

class TargetSchedules;

/// When a target runs next by the schedule of a configuration file, for `creditgw status`.
struct NextRun {
    std::string schedule;  ///< the target's expression; "" when the file gives none
    std::optional<std::chrono::system_clock::time_point> at;  ///< the next slot; none for asap/no schedule
    std::string problem;   ///< why no slot could be computed ("file:line: ..."), "" otherwise
};
NextRun nextRunOf(const std::string& configFile, const std::string& target, std::chrono::system_clock::time_point now);

/// For `creditgw status --config FILE`: "next run: 2026-12-02T09:15:00+08:00 (schedule \"…\")",
/// or "next run: every cycle" for a target without a schedule or with "asap".
std::string nextRunText(const std::string& configFile, const std::string& target,
                        std::chrono::system_clock::time_point now);
/// The same for `status --format json`: ,"schedule":"…"|null,"next_run":"ISO 8601 +08:00"|null
/// (null: every cycle), and "next_run_problem" when the schedule cannot be read.
std::string nextRunJsonMembers(const NextRun& next);

/// SIGHUP: reads the file of `run --config` again and checks it as at start; on success
/// replaces `configured` and `schedules` (targets' endpoints, TLS files, keys, batch sizes,
/// schedules). On any problem both stay as they were and the problems are returned. Folders,
/// store, targets list and admin port need a restart.
Status reloadConfiguration(int argc, char** argv, const std::vector<std::string>& targets,
                           const TargetSettings& common, ConfiguredCommandLine& configured,
                           TargetSchedules& schedules);

/// Which targets are due this cycle, by their schedules (a target without one is always due).
/// The first run of a scheduled target is its first slot after the daemon started.
class TargetSchedules {
public:
    /// InvalidArgument naming the target when a schedule does not parse.
    Status add(const std::string& target, const std::string& expression, std::chrono::system_clock::time_point now);
    /// True when the target's next run is at or before `now`; then moves it past `now`.
    bool due(const std::string& target, std::chrono::system_clock::time_point now);
    /// The next run of a scheduled target, for the log and status.
    std::optional<std::chrono::system_clock::time_point> nextRun(const std::string& target) const;

private:
    struct Entry {
        CronSchedule schedule;
        std::chrono::system_clock::time_point next;
    };
    std::map<std::string, Entry> _entries;
};

}  // namespace creditgw::cli
