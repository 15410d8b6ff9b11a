// `creditgw repair`: 信用修复. After the minimum publicity period, a repair decision ends the
// publication early: 终止公示 goes to every platform that accepted the record.

#include <iostream>

#include <Poco/JSON/Parser.h>

#include "CommandLine.h"
#include "creditgw/Gateway.h"

namespace creditgw::cli {

namespace {

const char* kRepairUsage =
    "Usage: creditgw repair --kind cf --wsh 文书号 [--xdr 代码] --decided YYYY-MM-DD --basis 修复决定文号\n"
    "                       [--store S]\n"
    "信用修复: ends the publication of the decision's records (only the 相对人 with code --xdr,\n"
    "when given) early. Each target that accepted the record gets a 终止公示 operation, signed and\n"
    "queued like a 新增 and sent by the next `upload` or daemon cycle; no 下线 follows. Refused,\n"
    "with the first possible day, before the minimum publicity period (mappings/\n"
    "publicity-periods.xml, by decision date and 失信严重程度). The record stays in the statistics\n"
    "of its month. Repairing again does nothing. Exits 1 when refused or no record has the 文书号.\n";

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

// "" when the repair may be recorded; else why not, naming the first day it may.
std::string tooEarly(const TargetMapping& mapping, const RepairCandidate& c, const CivilDate& decided) {
    auto decision = CivilDate::parse(c.decisionDate);
    if (!decision) return c.identity + ": the record has no valid decision date; correct the source first";
    std::string severity = fieldOf(c.fieldsJson, mapping.publicitySeverityField());
    auto earliest = mapping.earliestRepair(*decision, severity);
    if (!earliest)
        return c.identity + ": 失信严重程度 \"" + severity + "\" is not known in publicity-periods.xml";
    if (decided < *earliest)
        return c.identity + ": 信用修复 is possible from " + earliest->toIso() + " (decided " + decision->toIso() +
               ", minimum publicity period not over on " + decided.toIso() + ")";
    return {};
}

}  // namespace

int repairCommand(int argc, char** argv) {
    Arguments args(argc, argv, 2, {"help"});
    if (args.flag("help")) {
        std::cout << kRepairUsage << kCommonOptionsHelp;
        return kOk;
    }
    if (!args.error().empty()) return usageError(args.error());
    auto kind = args.option("kind");
    auto wsh = args.option("wsh");
    auto decidedText = args.option("decided");
    auto basis = args.option("basis");
    if (!kind || !wsh || !decidedText || !basis || basis->empty())
        return usageError("--kind, --wsh, --decided and --basis are required");
    auto decided = CivilDate::parse(*decidedText);
    if (!decided) return usageError("--decided \"" + *decidedText + "\" is not a date (YYYY-MM-DD)");
    // A repair decided in the future would end publication before its minimum period is over.
    std::optional<CivilDate> today = CivilDate::todayInShanghai();
    if (auto text = args.option("as-of")) today = CivilDate::parse(*text);
    if (!today) return usageError("--as-of \"" + args.option("as-of", "") + "\" is not a date (YYYY-MM-DD)");
    if (*today < *decided)
        return usageError("--decided " + decided->toIso() + " is after today (" + today->toIso() +
                          "): record a repair once it has been decided");
    auto gateway = Gateway::open(gatewaySettings(args));
    if (!gateway) return reportFailure(gateway.status());
    const TargetMapping* mapping = publicityMappingOf((*gateway)->mappings(), *kind);
    if (!mapping) {
        std::cerr << "creditgw: kind " << *kind << " has no publicity period (no <publicityEnd> in its mappings)\n";
        return kInvalid;
    }
    RevokeRequest which{*kind, *wsh, args.option("xdr", ""), "", ""};
    auto candidates = (*gateway)->store().repairCandidates(which);
    if (!candidates) return reportFailure(candidates.status());
    if (candidates->empty()) {
        std::cerr << "creditgw: no " << *kind << " record has 文书号 " << *wsh
                  << (which.subject.empty() ? "" : " and 相对人 " + which.subject) << "\n";
        return kInvalid;
    }
    std::vector<std::string> identities;
    bool refused = false;
    for (const auto& c : *candidates) {
        std::string why = tooEarly(*mapping, c, *decided);
        if (!why.empty()) std::cerr << "creditgw: refused: " << why << "\n";
        refused = refused || !why.empty();
        identities.push_back(c.identity);
    }
    if (refused) {
        std::cerr << "creditgw: nothing repaired\n";
        return kInvalid;
    }
    auto outcome = (*gateway)->store().repairRecords(identities, *kind, *basis, *decided);
    if (!outcome) return reportFailure(outcome.status());
    std::cout << "repaired " << outcome->records << " records (" << outcome->alreadyRepaired
              << " already repaired); 终止公示 queued " << outcome->operationsQueued << "\n";
    return kOk;
}

}  // namespace creditgw::cli
