// `creditgw config check FILE`: validates the daemon's configuration file before it is used.

#include <iostream>

#include "CommandLine.h"
#include "DaemonConfig.h"
#include "creditgw/CivilDate.h"

namespace creditgw::cli {

namespace {

// "now" for the expiry checks: --as-of DATE (noon in Shanghai) or the clock.
Result<std::chrono::system_clock::time_point> checkTime(const Arguments& args) {
    auto asOf = args.option("as-of");
    if (!asOf) return std::chrono::system_clock::now();
    auto date = CivilDate::parse(*asOf);
    if (!date) return Status::invalidArgument("--as-of \"" + *asOf + "\" is not a date (YYYY-MM-DD)");
    std::chrono::sys_days day{std::chrono::days(date->daysSinceEpoch())};
    return std::chrono::system_clock::time_point(day + std::chrono::hours(4));  // 12:00 UTC+8
}

}  // namespace

int configCommand(int argc, char** argv) {
    Arguments args(argc, argv, 2, {"help"});
    const auto& words = args.positional();
    if (words.size() != 2 || words[0] != "check") {
        std::cerr << "creditgw config: expected `creditgw config check FILE` (see creditgw config check --help)\n";
        return kUsage;
    }
    auto now = checkTime(args);
    auto days = integerOption(args, "expiry-days", 30, 0, 3650);
    for (const Status* problem : {&now.status(), &days.status()})
        if (!problem->isOk()) {
            std::cerr << "creditgw config: " << problem->message() << "\n";
            return kUsage;
        }
    DaemonConfig config = DaemonConfig::read(words[1]);
    config.check(*now, std::chrono::hours(24 * *days));
    for (const auto& problem : config.problems()) std::cout << problem << "\n";
    std::cout << (config.problems().empty() ? "ok: " : "") << words[1] << ": "
              << (config.problems().empty() ? "valid" : std::to_string(config.problems().size()) + " problems")
              << "; effective configuration (secrets masked):\n"
              << config.effectiveText();
    return config.problems().empty() ? kOk : kInvalid;
}

}  // namespace creditgw::cli
