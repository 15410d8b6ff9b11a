// `creditgw repair`: 信用修复. After the minimum publicity period, a repair decision ends the
// publication early: 终止公示 goes to every platform that accepted the record.

#include <iostream>

#include <Poco/JSON/Parser.h>

#include "CommandLine.h"
#include "DaemonConfig.h"
#include "ReconcileSchedule.h"
#include "creditgw/CodeChecks.h"
#include "creditgw/Gateway.h"

namespace creditgw::cli {

namespace {

const char* kRepairUsage =
    "Usage: creditgw repair --kind cf --wsh 文书号 [--xdr 代码] --decided YYYY-MM-DD --basis 修复决定文号\n"
    "                       [--store S]\n"
    "       creditgw repair --from-platform --target NAME --ca FILE --cert FILE --key FILE [--endpoint URL]\n"
    "                       | --config FILE   (the repairs the platform announces)\n"
    "信用修复: ends the publication of the decision's records (only the 相对人 with code --xdr,\n"
    "when given) early. Each target that accepted the record gets a 终止公示 operation, signed and\n"
    "queued like a 新增 and sent by the next `upload` or daemon cycle; no 下线 follows. Refused,\n"
    "with the first possible day, before the minimum publicity period (mappings/\n"
    "publicity-periods.xml, by decision date and 失信严重程度). The record stays in the statistics\n"
    "of its month. Repairing again does nothing. Exits 1 when refused or no record has the 文书号.\n"
    "--from-platform reads the 信用修复 decisions the target's platform announces (GET\n"
    "<endpoint>/repair-notices, over the same mutual TLS as uploads) and records each the same way.\n";

int usageError(const std::string& why) {
    std::cerr << "creditgw: " << why << "\n" << kRepairUsage;
    return kUsage;
}

// The mapping that derives 公示截止期 for the kind: it knows the severity field and the periods.
const TargetMapping* publicityMappingOf(const MappingCatalog& mappings, const std::string& kind) {
    for (const auto& [target, k] : mappings.targetIds()) {
        if (k != kind) continue;
        const TargetMapping* mapping = mappings.target(target, k);
        if (mapping && !mapping->publicitySeverityField().empty()) return mapping;
    }
    return nullptr;
}

std::string fieldOf(const std::string& fieldsJson, const std::string& field) {
    auto object = Poco::JSON::Parser().parse(fieldsJson).extract<Poco::JSON::Object::Ptr>();
    return object->has(field) ? object->getValue<std::string>(field) : std::string();
}

// "" when the repair may be recorded; else why not, naming the first day it may. The severity is
// the one the record's 公示截止期 was computed with: given, or by publicity-periods.xml's rules.
std::string tooEarly(const TargetMapping& mapping, const RepairCandidate& c, const CivilDate& decided) {
    auto decision = CivilDate::parse(c.decisionDate);
    if (!decision) return c.identity + ": the record has no valid decision date; correct the source first";
    std::string severity = fieldOf(c.fieldsJson, mapping.publicitySeverityField());
    if (severity.find_first_not_of(" \t") == std::string::npos) {
        Record record;
        record.kind = mapping.kind();
        auto object = Poco::JSON::Parser().parse(c.fieldsJson).extract<Poco::JSON::Object::Ptr>();
        for (const auto& name : object->getNames()) record.fields[name] = object->getValue<std::string>(name);
        MappingOutcome outcome = mapping.apply(record, MappingContext{decided});
        if (!outcome.severity.empty()) severity = outcome.severity;
    }
    auto earliest = mapping.earliestRepair(*decision, severity);
    if (!earliest)
        return c.identity + ": 失信严重程度 \"" + severity + "\" is not known in publicity-periods.xml";
    if (decided < *earliest)
        return c.identity + ": 信用修复 is possible from " + earliest->toIso() + " (decided " + decision->toIso() +
               (severity.empty() ? "" : ", " + severity) + ", minimum publicity period not over on " +
               decided.toIso() + ")";
    return {};
}

}  // namespace

RepairResult repairDecision(Gateway& gateway, const RevokeRequest& which, const CivilDate& decided,
                            const std::string& basis) {
    const TargetMapping* mapping = publicityMappingOf(gateway.mappings(), which.kind);
    if (!mapping)
        return {RepairResult::Refused, "kind " + which.kind + " has no publicity period (no <publicityEnd> in its mappings)"};
    auto candidates = gateway.store().repairCandidates(which);
    if (!candidates) return {RepairResult::Failed, candidates.status().message()};
    if (candidates->empty())
        return {RepairResult::Unknown, "no " + which.kind + " record has 文书号 " + which.documentNumber +
                                           (which.subject.empty() ? "" : " and 相对人 " + which.subject)};
    std::vector<std::string> identities;
    std::string refusals;
    for (const auto& c : *candidates) {
        std::string why = tooEarly(*mapping, c, decided);
        if (!why.empty()) refusals += (refusals.empty() ? "" : "; ") + why;
        identities.push_back(c.identity);
    }
    if (!refusals.empty()) return {RepairResult::Refused, refusals + "; nothing repaired"};
    auto outcome = gateway.store().repairRecords(identities, which.kind, basis, decided);
    if (!outcome) return {RepairResult::Failed, outcome.status().message()};
    return {RepairResult::Repaired, "repaired " + std::to_string(outcome->records) + " records (" +
                                        std::to_string(outcome->alreadyRepaired) + " already repaired); 终止公示 queued " +
                                        std::to_string(outcome->operationsQueued)};
}

Result<RepairNoticesOutcome> applyRepairNotices(Gateway& gateway, const TargetSettings& target, const CivilDate& today) {
    auto notices = gateway.repairNotices(target);
    if (!notices) return notices.status();
    RepairNoticesOutcome outcome;
    for (const auto& notice : *notices) {
        auto decided = CivilDate::parse(notice.decided);  // checked when the answer was read
        std::string line = "notice " + notice.id + " (" + notice.kind + " " + notice.documentNumber +
                           (notice.subject.empty() ? "" : " 相对人 " + notice.subject) + ", decided " + notice.decided +
                           ", " + notice.basis + "): ";
        RepairResult result;
        if (today < *decided)
            result = {RepairResult::Refused, "decided after today (" + today.toIso() + "); taken once that day has come"};
        else
            result = repairDecision(gateway, {notice.kind, notice.documentNumber, notice.subject, "", ""}, *decided,
                                    notice.basis);
        // The 相对人 code of a 自然人 is a 身份证号: logged and printed masked (domain.md §4.3).
        if (result.kind == RepairResult::Failed) return Status::transient(maskIdNumbersIn(line + result.message));
        (result.kind == RepairResult::Repaired ? outcome.applied : outcome.notApplied)
            .push_back(maskIdNumbersIn(line + result.message));
    }
    return outcome;
}

namespace {

int repairFromPlatform(const Arguments& args, const ConfiguredCommandLine& configured, const CivilDate& today) {
    for (const char* decisionOption : {"kind", "wsh", "xdr", "decided", "basis"})
        if (args.option(decisionOption))
            return usageError(std::string("--") + decisionOption + " is for one decision; --from-platform takes the platform's");
    auto common = targetSettings(args);
    if (!common) return usageError(common.status().message());
    auto target = configured.targetSettingsOf(common->name, *common);
    if (!target) return usageError(target.status().message());
    GatewaySettings settings = gatewaySettings(args);
    settings.storeMustExist = true;
    auto gateway = Gateway::open(settings);
    if (!gateway) return reportFailure(gateway.status());
    auto reachable = reachableTarget(**gateway, *target);
    if (!reachable) return usageError(reachable.status().message());
    auto outcome = applyRepairNotices(**gateway, *reachable, today);
    if (!outcome) return reportFailure(outcome.status());
    std::cout << target->name << ": " << outcome->applied.size() + outcome->notApplied.size()
              << " repair notices, applied " << outcome->applied.size() << ", not applied "
              << outcome->notApplied.size() << "\n";
    for (const auto& line : outcome->applied) std::cout << "  " << line << "\n";
    for (const auto& line : outcome->notApplied) std::cout << "  not applied: " << line << "\n";
    return outcome->notApplied.empty() ? kOk : kInvalid;
}

}  // namespace

int repairCommand(int argc, char** argv) {
    auto configured = ConfiguredCommandLine::of(argc, argv);
    if (!configured) {
        std::cerr << configured.status().message() << "\ncreditgw repair: the configuration file is not valid\n";
        return kInvalid;
    }
    Arguments args(configured->argc(), configured->argv(), 2, {"help"});
    if (args.flag("help")) {
        std::cout << kRepairUsage << kCommonOptionsHelp;
        return kOk;
    }
    if (!args.error().empty()) return usageError(args.error());
    std::optional<CivilDate> today = CivilDate::todayInShanghai();
    if (auto text = args.option("as-of")) today = CivilDate::parse(*text);
    if (!today) return usageError("--as-of \"" + args.option("as-of", "") + "\" is not a date (YYYY-MM-DD)");
    if (args.flag("from-platform")) return repairFromPlatform(args, *configured, *today);
    auto kind = args.option("kind");
    auto wsh = args.option("wsh");
    auto decidedText = args.option("decided");
    auto basis = args.option("basis");
    if (!kind || !wsh || !decidedText || !basis || basis->empty())
        return usageError("--kind, --wsh, --decided and --basis are required (or --from-platform)");
    auto decided = CivilDate::parse(*decidedText);
    if (!decided) return usageError("--decided \"" + *decidedText + "\" is not a date (YYYY-MM-DD)");
    // A repair decided in the future would end publication before its minimum period is over.
    if (*today < *decided)
        return usageError("--decided " + decided->toIso() + " is after today (" + today->toIso() +
                          "): record a repair once it has been decided");
    auto gateway = Gateway::open(gatewaySettings(args));
    if (!gateway) return reportFailure(gateway.status());
    RepairResult result = repairDecision(**gateway, {*kind, *wsh, args.option("xdr", ""), "", ""}, *decided, *basis);
    result.message = maskIdNumbersIn(result.message);
    switch (result.kind) {
        case RepairResult::Repaired:
            std::cout << result.message << "\n";
            return kOk;
        case RepairResult::Refused:
            std::cerr << "creditgw: refused: " << result.message << "\n";
            return kInvalid;
        case RepairResult::Unknown:
            std::cerr << "creditgw: " << result.message << "\n";
            return kInvalid;
        case RepairResult::Failed:
            break;
    }
    std::cerr << "creditgw: " << result.message << "\n";
    return kFailure;
}

}  // namespace creditgw::cli
