// Reconciliation (issue 6, docs/lifecycle.md): the platform's holdings against the store's
// acceptances. Only the comparison lives here; re-sends go through the ordinary queue.

#include "creditgw/Reconciliation.h"

#include <Poco/JSON/Parser.h>

#include "creditgw/CodeChecks.h"
#include "creditgw/FaultInjection.h"
#include "creditgw/Gateway.h"
#include "creditgw/Json.h"

namespace creditgw {

namespace {

// Records read from the store per step: memory holds the platform's answer and one chunk.
constexpr std::size_t kReconcileChunk = 1000;

constexpr FindingKind kAllFindings[] = {FindingKind::Missing, FindingKind::Behind, FindingKind::WithdrawnStillHeld,
                                        FindingKind::EndedOnPlatform, FindingKind::Unknown};

const char* operationInChinese(const std::string& operation) {
    if (operation == "takedown") return "下线";
    if (operation == "repair") return "终止公示";
    return "撤销";
}

bool inFlight(const std::string& state) { return state == "ready" || state == "queued"; }

Finding findingFor(FindingKind kind, const ReconcileRecord& record, const HeldRecord* there) {
    Finding finding;
    finding.kind = kind;
    finding.key = record.key;
    finding.recordKind = record.kind;
    finding.documentNumber = documentNumberOf(record.identity);
    finding.decisionDate = record.decisionDate;
    finding.platformState = there ? there->state : "";
    finding.recordId = record.recordId;
    return finding;
}

// One record of ours against what the platform holds under its key (nullptr: nothing). Adds a
// finding, or counts it as pending, or leaves it (in step with the platform).
void compareOne(const ReconcileRecord& record, const HeldRecord* there, const TargetPlugin& plugin,
                const std::string& today, ReconcileReport& report) {
    const bool published = there && there->state == "published";
    if (!record.operation.empty()) {
        // Ended here: never sent as 新增 again, whatever the platform shows; only the operation is.
        if (inFlight(record.operationState)) {
            ++report.pending;
        } else if (published && (record.operationState == "accepted" || record.operationState == "dead")) {
            Finding finding = findingFor(FindingKind::WithdrawnStillHeld, record, there);
            finding.operationId = record.operationId;
            finding.operation = record.operation;
            report.findings.push_back(std::move(finding));
        }
        return;
    }
    if (inFlight(record.deliveryState)) {
        ++report.pending;
        return;
    }
    if (record.deliveryState != "accepted") return;  // held, rejected or dead: `creditgw report` lists them
    if (!there) {
        // Its publication has ended (公示截止期 passed, 下线 not queued yet): not published again.
        if (!today.empty() && !record.publicityEnd.empty() && record.publicityEnd < today) return;
        report.findings.push_back(findingFor(FindingKind::Missing, record, there));
    } else if (!published) {
        report.findings.push_back(findingFor(FindingKind::EndedOnPlatform, record, there));
    } else {
        std::string hash = plugin.contentHash({record.key, record.kind, record.mappedFields});
        if (!hash.empty() && hash != there->contentHash)
            report.findings.push_back(findingFor(FindingKind::Behind, record, there));
    }
}

void appendItem(std::string& out, const Finding& finding) {
    out += "{\"key\":" + jsonString(finding.key) + ",\"kind\":" + jsonString(finding.recordKind) +
           ",\"wsh\":" + jsonString(finding.documentNumber) + ",\"decision_date\":" + jsonString(finding.decisionDate) +
           ",\"platform_state\":" + jsonString(finding.platformState) + "}";
}

}  // namespace

const char* findingName(FindingKind kind) {
    switch (kind) {
        case FindingKind::Missing: return "missing";
        case FindingKind::Behind: return "behind";
        case FindingKind::WithdrawnStillHeld: return "withdrawn_still_held";
        case FindingKind::EndedOnPlatform: return "ended_on_platform";
        case FindingKind::Unknown: return "unknown";
    }
    return "unknown";
}

std::string Finding::detail() const {
    switch (kind) {
        case FindingKind::Missing:
            return "missing on the platform although accepted: the latest version is queued again";
        case FindingKind::Behind:
            return "the platform holds other content (an older version): the latest version is queued again";
        case FindingKind::WithdrawnStillHeld:
            return std::string("still published on the platform after its ") + operationInChinese(operation) +
                   ": the " + operationInChinese(operation) + " is queued again";
        case FindingKind::EndedOnPlatform:
            return "the platform shows it " + platformState +
                   " although no operation of ours ended it: nothing sent, ask the platform's operator";
        case FindingKind::Unknown:
            return "on the platform, unknown here: nothing sent";
    }
    return {};
}

std::vector<const Finding*> ReconcileReport::of(FindingKind kind) const {
    std::vector<const Finding*> out;
    for (const auto& finding : findings)
        if (finding.kind == kind) out.push_back(&finding);
    return out;
}

HoldingsComparison::HoldingsComparison(const std::vector<HeldRecord>& theirs, const TargetPlugin& plugin)
    : _theirs(theirs), _plugin(plugin) {
    _report.platformHeld = theirs.size();
    for (const auto& record : theirs) _held[record.key] = &record;
}

void HoldingsComparison::add(const std::vector<ReconcileRecord>& chunk) {
    for (const auto& record : chunk) {
        ++_report.checked;
        auto there = _held.find(record.key);
        if (there != _held.end()) _matched.insert(record.key);
        compareOne(record, there == _held.end() ? nullptr : there->second, _plugin, _today, _report);
    }
}

ReconcileReport HoldingsComparison::finish() {
    ReconcileReport report = std::move(_report);
    for (const auto& record : _theirs) {
        if (_matched.count(record.key)) continue;
        Finding finding;
        finding.kind = FindingKind::Unknown;
        finding.key = record.key;
        finding.recordKind = record.kind;
        finding.decisionDate = record.decisionDate;
        finding.platformState = record.state;
        report.findings.push_back(std::move(finding));
    }
    return report;
}

std::string reconcileReportJson(const ReconcileReport& report, std::size_t limit) {
    std::string out = "{\"target\":" + jsonString(report.target) + ",\"from\":" + jsonString(report.range.from) +
                      ",\"to\":" + jsonString(report.range.to) + ",\"at\":" + jsonString(report.at) +
                      ",\"day\":" + jsonString(report.day) + ",\"checked\":" + std::to_string(report.checked) +
                      ",\"platform_held\":" + std::to_string(report.platformHeld) +
                      ",\"pending\":" + std::to_string(report.pending) + ",\"counts\":{";
    bool cut = false;
    for (FindingKind kind : kAllFindings) {
        std::size_t count = report.of(kind).size();
        cut = cut || count > limit;
        out += std::string(kind == kAllFindings[0] ? "" : ",") + "\"" + findingName(kind) + "\":" + std::to_string(count);
    }
    out += "}";
    if (cut) out += ",\"listed_per_list\":" + std::to_string(limit);
    for (FindingKind kind : kAllFindings) {
        out += ",\"" + std::string(findingName(kind)) + "\":[";
        std::size_t listed = 0;
        for (const Finding* finding : report.of(kind)) {
            if (listed == limit) break;
            if (listed++ > 0) out += ',';
            appendItem(out, *finding);
        }
        out += "]";
    }
    out += ",\"requeued\":" + std::to_string(report.requeued) + "}";
    return maskIdNumbersIn(out);
}

std::string reconcileReportText(const ReconcileReport& report, std::size_t limit) {
    std::string range = report.range.from.empty() && report.range.to.empty()
                            ? "every decision date"
                            : "decided " + (report.range.from.empty() ? "…" : report.range.from) + " to " +
                                  (report.range.to.empty() ? "…" : report.range.to);
    std::string out = "reconciled " + report.target + " (" + range + ") at " + report.at + ": checked " +
                      std::to_string(report.checked) + " records, the platform answered with " +
                      std::to_string(report.platformHeld) + ", being sent already " + std::to_string(report.pending) +
                      "\n";
    for (FindingKind kind : kAllFindings) {
        auto found = report.of(kind);
        out += std::string(findingName(kind)) + ": " + std::to_string(found.size()) +
               (found.size() > limit ? " (the first " + std::to_string(limit) + " listed)" : "") + "\n";
        std::size_t listed = 0;
        for (const Finding* finding : found)
            if (listed++ < limit)
                out += "  " + finding->key + "  " + finding->recordKind + "  " +
                   (finding->documentNumber.empty() ? "-" : finding->documentNumber) + "  decided " +
                   (finding->decisionDate.empty() ? "-" : finding->decisionDate) +
                   (finding->platformState.empty() ? "" : "  platform: " + finding->platformState) + "\n";
    }
    out += "requeued: " + std::to_string(report.requeued) +
           (report.requeued > 0 ? " (sent by the next `creditgw upload` or daemon cycle)" : "") + "\n";
    return maskIdNumbersIn(out);
}

Result<std::vector<RepairNotice>> Gateway::repairNotices(const TargetSettings& target) {
    auto channel = channelOf(target.name);
    if (!channel) return channel.status();
    if (*channel != kHttpsChannel)
        return Status::permanent("target " + target.name + " is reached through the " + *channel +
                                 " channel, which has no repair notices: they need the https channel");
    auto uploader = HttpsUploader::create(target.tls);
    if (!uploader) return uploader.status();
    auto answer = (*uploader)->queryRepairNotices(target.endpoint);
    if (!answer) return answer.status();
    const std::string what = "repair notices of " + target.name;
    std::vector<RepairNotice> notices;
    try {
        auto root = Poco::JSON::Parser().parse(answer->body).extract<Poco::JSON::Object::Ptr>();
        auto list = root->getArray("notices");
        if (!list) return Status::permanent(what + ": the answer has no \"notices\" array");
        for (std::size_t i = 0; i < list->size(); ++i) {
            auto item = list->getObject(static_cast<unsigned>(i));
            const std::string where = what + ": notices[" + std::to_string(i) + "]";
            if (!item) return Status::permanent(where + " is not an object");
            auto text = [&](const char* name) { return item->has(name) ? item->getValue<std::string>(name) : ""; };
            RepairNotice notice{text("id"), text("kind"), text("wsh"), text("xdr"), text("decided"), text("basis")};
            for (const auto& [name, value] : {std::pair{"id", &notice.id}, {"kind", &notice.kind},
                                              {"wsh", &notice.documentNumber}, {"decided", &notice.decided},
                                              {"basis", &notice.basis}})
                if (value->empty()) return Status::permanent(where + " has no \"" + name + "\"");
            if (!CivilDate::parse(notice.decided))
                return Status::permanent(where + ": decided \"" + notice.decided + "\" is not a date (YYYY-MM-DD)");
            notices.push_back(std::move(notice));
        }
    } catch (const Poco::Exception& e) {
        return Status::permanent(what + ": the answer is not JSON: " + e.displayText());
    }
    return notices;
}

Result<ReconcileReport> Gateway::reconcile(const TargetSettings& target, const ReconcileRange& range,
                                           const CivilDate& today) {
    auto channel = channelOf(target.name);
    if (!channel) return channel.status();
    if (*channel != kHttpsChannel)
        return Status::permanent("target " + target.name + " is reached through the " + *channel +
                                 " channel, which has no record query: reconciliation needs the https channel");
    auto plugin = targetPlugin(target.name);
    if (!plugin) return plugin.status();
    auto uploader = HttpsUploader::create(target.tls);
    if (!uploader) return uploader.status();
    std::string askedAt = shanghaiTimestamp(std::chrono::system_clock::now());
    auto answer = (*uploader)->queryHoldings(target.endpoint, range.from, range.to);
    if (!answer) return answer.status();
    faultPoint("after-holdings-query");  // tests: an upload settles records while the answer ages
    auto theirs = (*plugin)->parseHoldings(answer->body);
    if (!theirs) return theirs.status();
    HoldingsComparison comparison(*theirs, **plugin);
    comparison.setToday(today.toIso());
    for (std::int64_t lastId = 0;;) {
        auto chunk = _store->reconcileRecords(target.name, kindsOf(target.name), range, lastId, kReconcileChunk);
        if (!chunk) return chunk.status();
        if (chunk->empty()) break;
        lastId = chunk->back().recordId;
        comparison.add(*chunk);
    }
    ReconcileReport report = comparison.finish();
    // A key the platform holds outside our range (a corrected decision date) is not unknown.
    std::vector<std::string> candidates;
    for (const Finding* finding : report.of(FindingKind::Unknown)) candidates.push_back(finding->key);
    auto known = _store->knownKeys(target.name, candidates);
    if (!known) return known.status();
    std::erase_if(report.findings,
                  [&](const Finding& f) { return f.kind == FindingKind::Unknown && known->count(f.key) > 0; });
    report.target = target.name;
    report.range = range;
    report.at = shanghaiTimestamp(std::chrono::system_clock::now());
    report.askedAt = askedAt;
    report.day = today.toIso();
    auto applied = _store->applyReconciliation(report);
    if (!applied) return applied.status();
    faultPoint("after-reconcile");
    return report;
}

}  // namespace creditgw
