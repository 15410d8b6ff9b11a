// `creditgw reconcile`: asks a platform what it holds, compares it with the store, and queues
// what must be sent again (docs/lifecycle.md, "Reconciliation"). The daemon runs the same daily.

#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <iostream>

#include "CommandLine.h"
#include "DaemonConfig.h"
#include "DaemonLog.h"
#include "ReconcileSchedule.h"
#include "creditgw/CivilDate.h"

namespace creditgw::cli {

namespace {

const char* kReconcileUsage =
    "Usage: creditgw reconcile --store FILE --target NAME [--from DATE --to DATE] [--format text|json]\n"
    "                          --ca FILE --cert FILE --key FILE [--endpoint URL] | --config FILE\n";

// --from/--to as ISO dates ("" for an open end).
Result<ReconcileRange> rangeOf(const Arguments& args) {
    ReconcileRange range;
    for (const char* name : {"from", "to"}) {
        auto text = args.option(name);
        if (!text) continue;
        auto date = CivilDate::parse(*text);
        if (!date) return Status::invalidArgument(std::string("--") + name + " \"" + *text + "\" is not a date (YYYY-MM-DD)");
        (std::string(name) == "from" ? range.from : range.to) = date->toIso();
    }
    if (!range.from.empty() && !range.to.empty() && range.from > range.to)
        return Status::invalidArgument("--from " + range.from + " is after --to " + range.to);
    return range;
}

int usage(const std::string& why) {
    std::cerr << "creditgw reconcile: " << why << "\n" << kReconcileUsage << "(see: creditgw reconcile --help)\n";
    return kUsage;
}

}  // namespace

Result<ReconcileSchedule> ReconcileSchedule::parse(const std::string& text) {
    ReconcileSchedule schedule;
    if (text == "daily") return schedule;
    schedule.daily = false;
    if (text == "off") return schedule;
    return Status::invalidArgument("reconcile.schedule (--reconcile-schedule) \"" + text + "\": known: daily, off");
}

bool reconcileIfDue(Gateway& gateway, const TargetSettings& target, ReconcileSchedule& schedule,
                    const CivilDate& today) {
    if (!schedule.daily) return false;
    auto now = std::chrono::steady_clock::now();
    auto retry = schedule.retries.find(target.name);
    if (retry != schedule.retries.end() && retry->second.day == today.toIso() && now < retry->second.notBefore)
        return false;
    auto last = gateway.store().lastReconciliation(target.name);
    if (!last) {
        daemonLogger().error("%s: reconciliation not run: %s", target.name, last.status().message());
        return false;
    }
    if (*last && (*last)->day >= today.toIso()) return false;  // done today (or for a later --as-of)
    auto report = gateway.reconcile(target, ReconcileRange{}, today);
    if (!report) {
        auto& failed = schedule.retries[target.name];
        if (failed.day != today.toIso()) failed = {today.toIso(), now, std::chrono::minutes(0)};
        failed.wait = failed.wait.count() == 0 ? ReconcileSchedule::kFirstRetry
                                               : std::min(failed.wait * 2, ReconcileSchedule::kLongestRetry);
        failed.notBefore = now + failed.wait;
        daemonLogger().error("%s: reconciliation failed, tried again in %d min: %s", target.name,
                             static_cast<int>(failed.wait.count()), report.status().message());
        return false;
    }
    schedule.retries.erase(target.name);
    daemonLogger().information("%s: reconciled for %s: checked %z, missing %z, behind %z, withdrawn still held %z, "
                               "unknown %z; requeued %z",
                               target.name, today.toIso(), report->checked, report->of(FindingKind::Missing).size(),
                               report->of(FindingKind::Behind).size(),
                               report->of(FindingKind::WithdrawnStillHeld).size(),
                               report->of(FindingKind::Unknown).size(), report->requeued);
    // The platform's 信用修复 notices are read on the same daily round: repairs are idempotent, so
    // a notice read twice records nothing twice.
    auto repairs = applyRepairNotices(gateway, target, today);
    if (!repairs) {
        daemonLogger().warning("%s: repair notices not read: %s", target.name, repairs.status().message());
        return true;
    }
    daemonLogger().information("%s: repair notices: applied %z, not applied %z", target.name, repairs->applied.size(),
                               repairs->notApplied.size());
    for (const auto& line : repairs->applied) daemonLogger().information("%s: %s", target.name, line);
    for (const auto& line : repairs->notApplied)
        daemonLogger().warning("%s: repair notice not applied: %s", target.name, line);
    return true;
}

Result<TargetSettings> reachableTarget(Gateway& gateway, TargetSettings target) {
    if (target.endpoint.empty()) {
        auto profile = gateway.profileOf(target.name);
        if (!profile) return profile.status();
        target.endpoint = profile->endpointUrl;
    }
    if (target.endpoint.empty())
        return Status::invalidArgument("target " + target.name + ": no endpoint; pass --endpoint or set it in its profile.xml");
    if (target.tls.caFile.empty()) return Status::invalidArgument("target " + target.name + ": --ca is required");
    return target;
}

std::string lastReconciliationText(const RecordStore::StoredReconciliation& last) {
    try {
        auto report = Poco::JSON::Parser().parse(last.reportJson).extract<Poco::JSON::Object::Ptr>();
        std::string text = "last reconciliation " + last.at + ": checked " + report->getValue<std::string>("checked");
        // "counts" is whole where the stored lists are cut; reports stored before it have lists only.
        auto counts = report->getObject("counts");
        for (const char* list : {"missing", "behind", "withdrawn_still_held", "ended_on_platform", "unknown"}) {
            auto items = report->getArray(list);
            std::string count = counts && counts->has(list) ? counts->getValue<std::string>(list)
                                                            : std::to_string(items ? items->size() : 0);
            text += std::string(", ") + list + " " + count;
        }
        return text + ", requeued " + report->getValue<std::string>("requeued");
    } catch (const Poco::Exception& e) {
        return "last reconciliation " + last.at + ": its stored report is unreadable (" + e.displayText() + ")";
    }
}

int reconcileCommand(int argc, char** argv) {
    auto configured = ConfiguredCommandLine::of(argc, argv);
    if (!configured) {
        std::cerr << configured.status().message() << "\ncreditgw reconcile: the configuration file is not valid\n";
        return kInvalid;
    }
    Arguments args(configured->argc(), configured->argv(), 2, {"help"});
    auto range = rangeOf(args);
    if (!range) return usage(range.status().message());
    CivilDate today = CivilDate::todayInShanghai();
    if (auto text = args.option("as-of")) {
        auto date = CivilDate::parse(*text);
        if (!date) return usage("--as-of \"" + *text + "\" is not a date (YYYY-MM-DD)");
        today = *date;
    }
    std::string format = args.option("format", "text");
    auto limitOption = integerOption(args, "limit", 0, 0, 100000000);
    if (!limitOption) return usage(limitOption.status().message());
    std::size_t limit = *limitOption == 0 ? kEveryFinding : static_cast<std::size_t>(*limitOption);
    auto common = targetSettings(args);
    if (!common) return usage(common.status().message());
    auto target = configured->targetSettingsOf(common->name, *common);
    if (!target) return usage(target.status().message());
    GatewaySettings settings = gatewaySettings(args);
    settings.storeMustExist = true;  // a mistyped --store must not reconcile a new empty one
    auto gateway = Gateway::open(settings);
    if (!gateway) return reportFailure(gateway.status());
    auto reachable = reachableTarget(**gateway, *target);
    if (!reachable) return usage(reachable.status().message());
    auto report = (*gateway)->reconcile(*reachable, *range, today);
    if (!report) return reportFailure(report.status());
    std::cout << (format == "json" ? reconcileReportJson(*report, limit) + "\n" : reconcileReportText(*report, limit));
    return report->findings.empty() ? kOk : kInvalid;
}

}  // namespace creditgw::cli
