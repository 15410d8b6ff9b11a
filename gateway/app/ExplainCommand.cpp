// `creditgw mapping explain`: one record, field by field, for the IT staff who edit mappings.

#include <iostream>

#include "CommandLine.h"
#include "creditgw/CodeChecks.h"
#include "creditgw/Utf8.h"

namespace creditgw::cli {

namespace {

// Pads to a display width, counting CJK characters as two columns.
std::string padded(const std::string& text, std::size_t width) {
    std::size_t shown = 0;
    for (std::size_t i = 0; i < text.size();) {
        unsigned char c = static_cast<unsigned char>(text[i]);
        std::size_t length = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        shown += length >= 3 ? 2 : 1;
        i += length;
    }
    return text + std::string(shown < width ? width - shown : 1, ' ');
}

std::string shortened(const std::string& text, std::size_t characters) {
    if (utf8Length(text) <= characters) return text;
    std::size_t i = 0, count = 0;
    while (i < text.size() && count < characters) {
        ++i;
        while (i < text.size() && (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) ++i;
        ++count;
    }
    return text.substr(0, i) + "…";
}

// Reports never show a 身份证号 in full (domain.md §4.3), whatever the target publishes.
// Also inside names and 文书号: masked before shortening, so no cut can show the digits.
std::string masked(const std::string& value) { return maskIdNumbersIn(value); }

}  // namespace

int explainCommand(const Arguments& args, const GatewaySettings& settings) {
    auto target = args.option("target"), kind = args.option("kind"), input = args.option("input"),
         line = args.option("line");
    if (!target || !kind || !input || !line) {
        std::cerr << "creditgw mapping explain: --target, --kind, --input and --line are required\n";
        return kUsage;
    }
    auto lineNumber = integerOption(args, "line", 1, 1, 1LL << 40);
    if (!lineNumber) {
        std::cerr << "creditgw mapping explain: " << lineNumber.status().message() << "\n";
        return kUsage;
    }
    auto gateway = Gateway::open(settings);
    if (!gateway) return reportFailure(gateway.status());
    IngestRequest request{*input, *kind, args.option("encoding", "utf-8"), args.option("source", ""),
                          args.option("layout", ""), args.option("sheet", "")};
    auto explained = (*gateway)->explain(request, *target, static_cast<std::size_t>(*lineNumber));
    if (!explained) return reportFailure(explained.status());
    std::cout << *input << ":" << *line << " → " << *target << " " << *kind << "\n\n"
              << padded("output", 16) << padded("value", 40) << padded("source value", 40) << "rule\n";
    for (const auto& field : explained->trace.fields) {
        std::string name = field.name == field.code ? field.name : field.name + " (" + field.code + ")";
        std::cout << padded(name, 16) << padded(shortened(masked(field.value), 18), 40)
                  << padded(shortened(masked(field.sourceValue), 18), 40) << field.rule << "\n";
    }
    const auto& problems = explained->record.problems;
    const auto& violations = explained->outcome.violations;
    if (problems.empty() && violations.empty()) {
        std::cout << "\nvalid: this record would be published.\n";
        return kOk;
    }
    std::cout << "\nheld: this record would not be published, because:\n";
    for (const auto* list : {&problems, &violations})
        for (const auto& v : *list) std::cout << "  " << v.field << " [" << v.rule << "] " << v.message << "\n";
    return kOk;
}

}  // namespace creditgw::cli
