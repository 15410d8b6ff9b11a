// `creditgw revoke`: an officer's 撤销 of a decision, withdrawn from every platform that has it.

#include <iostream>

#include "CommandLine.h"
#include "creditgw/RecordStore.h"

namespace creditgw::cli {

namespace {

const char* kRevokeUsage =
    "Usage: creditgw revoke --kind cf|xk --wsh 文书号 [--xdr 代码] --reason \"…\" [--basis 文书号] [--store S]\n"
    "Revokes (撤销) the decision's records (only the 相对人 with code --xdr, when given): each\n"
    "target that accepted the record gets a 撤销 operation, signed and queued like a 新增 and sent\n"
    "by the next `upload` or daemon cycle, after any batch still carrying the record. A revoked\n"
    "record is never sent as 新增 again; unsent deliveries are held. Revoking again does nothing.\n"
    "Exits 1 when no record has the 文书号.\n";

int usageError(const std::string& why) {
    std::cerr << "creditgw: " << why << "\n" << kRevokeUsage;
    return kUsage;
}

}  // namespace

int revokeCommand(int argc, char** argv) {
    Arguments args(argc, argv, 2, {"help"});
    if (args.flag("help")) {
        std::cout << kRevokeUsage << kCommonOptionsHelp;
        return kOk;
    }
    if (!args.error().empty()) return usageError(args.error());
    auto kind = args.option("kind");
    auto wsh = args.option("wsh");
    auto reason = args.option("reason");
    if (!kind || !wsh || !reason || reason->empty()) return usageError("--kind, --wsh and --reason are required");
    RevokeRequest request{*kind, *wsh, args.option("xdr", ""), *reason, args.option("basis", "")};
    auto store = RecordStore::open(gatewaySettings(args).storePath);
    if (!store) return reportFailure(store.status());
    auto outcome = (*store)->revokeRecords(request);
    if (!outcome) return reportFailure(outcome.status());
    if (outcome->records == 0 && outcome->alreadyRevoked == 0) {
        std::cerr << "creditgw: no " << *kind << " record has 文书号 " << *wsh
                  << (request.subject.empty() ? "" : " and 相对人 " + request.subject) << "\n";
        return kInvalid;
    }
    std::cout << "revoked " << outcome->records << " records (" << outcome->alreadyRevoked
              << " already revoked); withdrawals queued " << outcome->withdrawalsQueued << ", unsent deliveries held "
              << outcome->heldUnsent << "\n";
    return kOk;
}

}  // namespace creditgw::cli
