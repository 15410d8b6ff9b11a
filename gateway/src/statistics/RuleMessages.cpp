#include "creditgw/RuleMessages.h"

#include <fstream>

namespace creditgw {

Result<RuleMessages> RuleMessages::load(const std::string& path) {
    std::ifstream in(path);
    if (!in) return Status::notFound(path + ": the table of Chinese rule messages is missing (check --data-dir)");
    RuleMessages messages;
    std::string line;
    for (int number = 1; std::getline(in, line); ++number) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty() || line[0] == '#') continue;
        auto tab = line.find('\t');
        if (tab == std::string::npos || tab == 0 || tab + 1 == line.size())
            return Status::invalidArgument(path + ":" + std::to_string(number) +
                                           ": expected \"rule<TAB>中文说明\"");
        messages._texts[line.substr(0, tab)] = line.substr(tab + 1);
    }
    return messages;
}

Result<RuleMessages> RuleMessages::loadShipped(const std::string& dataDir) {
    return load(dataDir + "/data/report/rule-messages.zh.tsv");
}

std::string RuleMessages::explanation(const std::string& rule) const {
    auto found = _texts.find(rule);
    return found == _texts.end() ? std::string() : found->second;
}

std::string RuleMessages::describe(const std::string& rule, const std::string& englishMessage) const {
    if (rule.empty()) return englishMessage;
    std::string text = explanation(rule);
    if (text.empty()) text = "校验未通过（规则 " + rule + "）";
    std::string value = quotedValueIn(englishMessage);
    return value.empty() ? text : text + "（值：“" + value + "”）";
}

std::string quotedValueIn(const std::string& message) {
    // Source problems read `column "标题" value "x" …`: the value, not the column title.
    auto value = message.find("value \"");
    auto open = value != std::string::npos ? value + 6 : message.find('"');
    if (open == std::string::npos) return "";
    auto close = message.find('"', open + 1);
    if (close == std::string::npos) return "";
    return message.substr(open + 1, close - open - 1);
}

}  // namespace creditgw
