// `creditgw history`: a record's timeline for officers (Chinese labels) or as JSON.

#include <iostream>

#include "CommandLine.h"
#include "creditgw/HistoryLabels.h"
#include "creditgw/Json.h"
#include "creditgw/RecordStore.h"

namespace creditgw::cli {

namespace {

std::string timelinesJson(const std::vector<RecordTimeline>& timelines) {
    std::string out = "{\"records\":[";
    for (std::size_t i = 0; i < timelines.size(); ++i) {
        const auto& t = timelines[i];
        out += (i ? "," : "") + std::string("{\"key\":") + jsonString(t.key) + ",\"wsh\":" + jsonString(t.wsh) +
               ",\"events\":[";
        for (std::size_t j = 0; j < t.events.size(); ++j) {
            const auto& e = t.events[j];
            out += (j ? "," : "") + std::string("{\"at\":") + jsonString(e.at) + ",\"target\":" + jsonString(e.target) +
                   ",\"event\":" + jsonString(e.event) + ",\"detail\":" + jsonString(e.detail) + "}";
        }
        out += "]}";
    }
    return out + "]}";
}

void printTimelines(const std::vector<RecordTimeline>& timelines) {
    for (const auto& t : timelines) {
        std::cout << "文书号 " << t.wsh << "  记录 " << t.key << "\n";
        for (const auto& e : t.events) {
            const char* label = historyEventInChinese(e.event);
            std::cout << "  " << e.at << "  " << (e.target.empty() ? "-" : e.target) << "  "
                      << (label ? label : e.event.c_str()) << (e.detail.empty() ? "" : "  " + e.detail) << "\n";
        }
    }
}

}  // namespace

int historyCommand(int argc, char** argv) {
    static const char* usage =
        "Usage: creditgw history --wsh 文书号 | --key KEY [--target T] [--format text|json] [--store S]\n"
        "The timeline of a record: ingested (file, line), corrected, held (reasons) or ready, packed\n"
        "(batch), each send attempt (outcome, HTTP status), accepted / rejected (code), dead.\n"
        "--wsh lists every record of the 决定书 (one per 相对人); --target keeps that target's events\n"
        "and those before any target. Exits 1 when no record matches.\n";
    Arguments args(argc, argv, 2, {"help"});
    if (args.flag("help")) {
        std::cout << usage << kCommonOptionsHelp;
        return kOk;
    }
    auto usageError = [&](const std::string& why) {
        std::cerr << "creditgw: " << why << "\n" << usage;
        return kUsage;
    };
    if (!args.error().empty()) return usageError(args.error());
    auto wsh = args.option("wsh");
    auto key = args.option("key");
    if (!wsh == !key) return usageError("give exactly one of --wsh and --key");
    std::string format = args.option("format", "text");
    if (format != "text" && format != "json") return usageError("--format must be text or json");
    auto store = RecordStore::openForReading(gatewaySettings(args).storePath);
    if (!store) return reportFailure(store.status());
    std::string target = args.option("target", "");
    auto timelines = wsh ? (*store)->historyByDocument(*wsh, target) : (*store)->historyByKey(*key, target);
    if (!timelines) return reportFailure(timelines.status());
    if (format == "json") std::cout << timelinesJson(*timelines) << "\n";
    else printTimelines(*timelines);
    if (timelines->empty()) {
        std::cerr << "creditgw: no record with " << (wsh ? "文书号 " + *wsh : "key " + *key) << " in the history of "
                  << gatewaySettings(args).storePath << "\n";
        return kInvalid;
    }
    return kOk;
}

}  // namespace creditgw::cli
