#include "TextReport.h"

#include <filesystem>
#include <map>

#include "creditgw/Statistics.h"

namespace creditgw::cli {

namespace {

std::string stateName(const std::string& state) { return deliveryStateInChinese(state); }

std::string reasonText(const ProblemLine& p, const MappingCatalog& mappings, const RuleMessages& rules) {
    const KindDefinition* kind = mappings.kind(p.kind);
    std::string name = kind && !p.field.empty() ? kind->fieldName(p.field) : std::string();
    std::string label = p.field.empty() ? "" : name.empty() ? p.field + "：" : p.field + "（" + name + "）：";
    if (p.state == "rejected") return "平台退回：" + p.message + (p.rule.empty() ? "" : "  [" + p.rule + "]");
    if (p.state == "dead") return "发送失败：" + p.message;
    return label + rules.describe(p.rule, p.message) + (p.rule.empty() ? "" : "  [" + p.rule + "]");
}

}  // namespace

std::string problemListText(const std::vector<ProblemLine>& lines, const MappingCatalog& mappings,
                            const RuleMessages& rules, std::size_t limit) {
    if (lines.empty()) return "没有暂存、退回或发送失败的记录。\n";
    std::map<std::string, std::size_t> byState;
    std::size_t records = 0;
    std::string list, current;
    bool shown = false;  // whether the current record is within the limit
    for (const auto& p : lines) {
        std::string where = std::filesystem::path(p.sourceFile).filename().string() + ":" +
                            std::to_string(p.sourceLine);
        std::string header = where + "|" + p.state;
        if (header != current) {
            current = header;
            ++byState[p.state];
            shown = ++records <= limit;
            const KindDefinition* kind = mappings.kind(p.kind);
            if (shown)
                list += "- " + where + "  " + (kind ? kind->name() : p.kind) + "  " +
                        (p.department.empty() ? std::string("（未填责任部门）") : p.department) + "  " +
                        stateName(p.state) + "\n";
        }
        if (shown) list += "    " + reasonText(p, mappings, rules) + "\n";
    }
    std::string summary = "问题记录：";
    for (const auto& [state, count] : byState) summary += stateName(state) + " " + std::to_string(count) + " 条；";
    summary += "共 " + std::to_string(records) + " 条\n";
    if (records > limit)
        list += "（以上仅列出前 " + std::to_string(limit) + " 条，共 " + std::to_string(records) +
                " 条；用 --limit 调整列出的条数）\n";
    return summary + list;
}

}  // namespace creditgw::cli
