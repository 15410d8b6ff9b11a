#pragma once
// Reconciliation with a platform (issue 6, docs/lifecycle.md): what the platform says it holds,
// compared with what the store says it accepted. The comparison is pure (compareHoldings); the
// re-sends it asks for go through the ordinary queue (RecordStore::applyReconciliation), so they
// are packed, signed, stored before sending and settled by receipts like any 新增 or 撤销.

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "creditgw/CivilDate.h"
#include "creditgw/Record.h"
#include "creditgw/TargetPlugin.h"

namespace creditgw {

/// The decision dates a reconciliation covers; an empty end is open.
struct ReconcileRange {
    std::string from;  ///< ISO date or ""
    std::string to;    ///< ISO date or ""
};

/// One record of the target as the store sees it (latest version), for the comparison.
struct ReconcileRecord {
    std::int64_t recordId = 0;  ///< the latest version
    std::string identity;
    std::string kind;
    std::string key;
    std::string decisionDate;
    std::string deliveryState;  ///< held, ready, queued, accepted, rejected, dead
    FieldList mappedFields;     ///< as accepted (when deliveryState is accepted)
    /// The record's latest operation at the target (撤销/下线/终止公示), if any.
    std::int64_t operationId = 0;
    std::string operation;       ///< revoke, takedown, repair; "" when none
    std::string operationState;  ///< ready, queued, accepted, rejected, dead
    /// ISO 公示截止期 of the accepted delivery while its publication has not been closed ("" else).
    std::string publicityEnd;
};

/// What reconciliation found for one record.
enum class FindingKind {
    Missing,             ///< accepted here, not on the platform: the latest version is queued again
    Behind,              ///< the platform holds another (older) content: the latest version is queued again
    WithdrawnStillHeld,  ///< withdrawn, taken down or repaired here, still published there: the operation again
    EndedOnPlatform,     ///< published here, ended there by nobody's operation of ours: listed only
    Unknown,             ///< on the platform, unknown here: listed only, nothing is sent
};
const char* findingName(FindingKind kind);  ///< "missing", "behind", …

struct Finding {
    FindingKind kind = FindingKind::Missing;
    std::string key;
    std::string recordKind;
    std::string documentNumber;  ///< 文书号 ("" for an unknown record); may hold a 身份证号: mask before showing
    std::string decisionDate;
    std::string platformState;   ///< what the platform said ("" when it does not hold it)
    std::int64_t recordId = 0;     ///< for the history (0 for an unknown record)
    std::int64_t operationId = 0;  ///< WithdrawnStillHeld: the operation queued again
    std::string operation;         ///< WithdrawnStillHeld: revoke, takedown or repair
    bool requeues() const {
        return kind == FindingKind::Missing || kind == FindingKind::Behind || kind == FindingKind::WithdrawnStillHeld;
    }
    std::string detail() const;  ///< the history event's detail
};

struct ReconcileReport {
    std::string target;
    ReconcileRange range;
    std::string at;      ///< when it ran (Asia/Shanghai ISO timestamp)
    /// When the platform was asked ("" = not known): a record whose state changed since then
    /// (an upload settled it meanwhile) is judged on an answer older than it, so it is not re-sent.
    std::string askedAt;
    std::string day;     ///< the day it counts for (today, or --as-of), for the daemon's daily run
    std::size_t checked = 0;     ///< records of the store compared
    std::size_t platformHeld = 0;  ///< records the platform answered with
    std::size_t pending = 0;     ///< being sent already (ready or queued here): nothing to do yet
    std::vector<Finding> findings;
    std::size_t requeued = 0;    ///< re-sends actually queued (0 for a finding queued by an earlier run)
    std::vector<const Finding*> of(FindingKind kind) const;
};

/// Compares the platform's answer with the store's records, one chunk of records at a time (so
/// memory holds the answer and a chunk, not the store), using the target plugin's contentHash (a
/// plugin that gives "" disables the Behind comparison). Not thread-safe; `theirs` and `plugin`
/// must outlive it.
class HoldingsComparison {
public:
    HoldingsComparison(const std::vector<HeldRecord>& theirs, const TargetPlugin& plugin);
    /// The day (ISO, Asia/Shanghai or --as-of) whose passed 公示截止期 mean a record the platform
    /// lacks is not published again ("" = not checked).
    void setToday(std::string today) { _today = std::move(today); }
    void add(const std::vector<ReconcileRecord>& chunk);
    /// The findings so far, then the platform's keys no chunk matched as Unknown: candidates, of
    /// which the caller drops those the store knows under another decision date
    /// (RecordStore::knownKeys).
    ReconcileReport finish();

private:
    const std::vector<HeldRecord>& _theirs;
    const TargetPlugin& _plugin;
    std::map<std::string, const HeldRecord*> _held;
    std::set<std::string> _matched;
    std::string _today;
    ReconcileReport _report;
};

/// Unlimited lists.
inline constexpr std::size_t kEveryFinding = static_cast<std::size_t>(-1);
/// The lists a stored report keeps (the store and `status` stay small when a platform lost
/// everything); the counts are always whole.
inline constexpr std::size_t kStoredFindingsPerList = 1000;

/// {"target":…,"from":…,"to":…,"at":…,"checked":N,"platform_held":N,"pending":N,
///  "counts":{"missing":N,…},"missing":[…],"behind":[…],"withdrawn_still_held":[…],
///  "ended_on_platform":[…],"unknown":[…],"requeued":N}, plus "listed_per_list":limit when a
/// list was cut at `limit` items; each list item {"key","kind","wsh","decision_date",
/// "platform_state"}. 身份证号 are masked.
std::string reconcileReportJson(const ReconcileReport& report, std::size_t limit = kEveryFinding);
/// The same for officers, in text (each list at most `limit` lines, its count whole); 身份证号 masked.
std::string reconcileReportText(const ReconcileReport& report, std::size_t limit = kEveryFinding);

}  // namespace creditgw
