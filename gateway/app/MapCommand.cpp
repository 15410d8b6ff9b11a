// `creditgw map`: the dry run IT staff use to try a file and a mapping before anything is sent.

#include <filesystem>
#include <fstream>
#include <iostream>

#include "CommandLine.h"
#include "creditgw/Json.h"

namespace creditgw::cli {

namespace {

std::string reportJson(const DryRunResult& result) {
    std::string out = "{\"records\":" + std::to_string(result.rows.size()) +
                      ",\"valid\":" + std::to_string(result.valid) + ",\"held\":" + std::to_string(result.held) +
                      ",\"unmapped_columns\":[";
    for (std::size_t i = 0; i < result.warnings.size(); ++i)
        out += (i ? "," : "") + jsonString(result.warnings[i]);
    out += "],\"held_records\":[";
    bool first = true;
    for (const auto& row : result.rows) {
        for (const auto& v : row.violations) {
            out += first ? "\n  " : ",\n  ";
            first = false;
            out += "{\"line\":" + std::to_string(row.line) + ",\"key\":" + jsonString(row.key) +
                   ",\"field\":" + jsonString(v.field) + ",\"rule\":" + jsonString(v.rule) +
                   ",\"message\":" + jsonString(v.message) + "}";
        }
    }
    return out + "\n]}\n";
}

Status writeFile(const std::string& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << bytes;
    out.close();
    return out ? Status::ok() : Status::permanent(path + ": cannot write");
}

}  // namespace

int mapCommand(int argc, char** argv) {
    Arguments args(argc, argv, 2, {"help"});
    auto input = args.option("input");
    auto out = args.option("out");
    auto kind = args.option("kind");
    if (args.flag("help") || !input || !out || !kind || !args.error().empty()) {
        (args.flag("help") ? std::cout : std::cerr)
            << "Usage: creditgw map --target creditchina --kind xk|cf --input FILE --out DIR\n"
               "                    [--encoding utf-8|gb18030] [--layout mappings/sources/X.xml]\n"
               "                    [--source csv|xlsx|json|database] [--sheet NAME|INDEX]\n"
               "--source defaults by extension (.xlsx → xlsx, .json/.jsonl → json, .dbsource →\n"
               "database, else csv); --sheet picks the xlsx sheet (default: the first); `line` in\n"
               "report.json is then the sheet's row number.\n"
               "Dry run: nothing is stored, queued or sent. Writes DIR/payload.json (the exact bytes\n"
               "that would be signed, valid records only) and DIR/report.json (counts and every\n"
               "failed rule of every held record: line, key, field, rule, message).\n"
            << kCommonOptionsHelp;
        return args.flag("help") ? kOk : kUsage;
    }
    auto gateway = Gateway::open(gatewaySettings(args));
    if (!gateway) return reportFailure(gateway.status());
    IngestRequest request{*input, *kind, args.option("encoding", "utf-8"), args.option("source", ""),
                          args.option("layout", ""), args.option("sheet", "")};
    auto result = (*gateway)->dryRun(request, args.option("target", "creditchina"));
    if (!result) return reportFailure(result.status());
    std::error_code error;
    std::filesystem::create_directories(*out, error);
    Status written = writeFile(*out + "/payload.json", result->payload);
    if (written) written = writeFile(*out + "/report.json", reportJson(*result));
    if (!written) return reportFailure(written);
    for (const auto& warning : result->warnings) std::cerr << "warning: " << warning << "\n";
    std::cout << "records " << result->rows.size() << ", valid " << result->valid << ", held "
              << result->held << "; wrote " << *out << "/payload.json and " << *out << "/report.json\n";
    return kOk;
}

}  // namespace creditgw::cli
