#include "creditgw/MockPlatformRules.h"

#include <algorithm>
#include <functional>

#include "creditgw/CivilDate.h"
#include "creditgw/CodeChecks.h"

namespace creditgw {

namespace {

const std::string kNaturalPerson = "自然人";
const std::vector<std::string> kSubjectCategories = {"法人及非法人组织", "自然人", "个体工商户"};

struct KindRules {
    std::vector<std::string> required;   ///< always required, in report order
    std::vector<std::string> agencyCodes;  ///< 机关 and 来源单位 USCC
    std::vector<std::string> dates;      ///< checked when non-empty
};

// A stand-in's short list, after domain.md §2.1 / §2.2 for 双公示 and docs/kinds.md for the
// transport credit kinds: 名称, the kind's document number and decision date, the issuing unit's
// and the source unit's USCC (field suffixes are spelled out so the table reads like the spec).
const KindRules* findRules(std::string_view kind) {
    static const std::map<std::string, KindRules, std::less<>> table = {
        {"xk",
         {{"XK_XDR_MC", "XK_XDR_LB", "XK_XKWS", "XK_WSH", "XK_XKLB", "XK_NR", "XK_JDRQ", "XK_YXQZ",
           "XK_YXQZI", "XK_XKJG", "XK_XKJGDM", "XK_ZT", "XK_LYDW", "XK_LYDWDM"},
          {"XK_XKJGDM", "XK_LYDWDM"},
          {"XK_JDRQ", "XK_YXQZ", "XK_YXQZI"}}},
        {"cf",
         {{"CF_XDR_MC", "CF_XDR_LB", "CF_WSH", "CF_WFXW", "CF_SY", "CF_YJ", "CF_CFLB", "CF_NR",
           "CF_JDRQ", "CF_YXQ", "CF_CFJG", "CF_CFJGDM", "CF_SJLY", "CF_SJLYDM"},
          {"CF_CFJGDM", "CF_SJLYDM"},
          {"CF_JDRQ", "CF_YXQ", "CF_GSJZQ"}}},
        {"pj",
         {{"PJ_XDR_MC", "PJ_XDR_LB", "PJ_WSH", "PJ_PJRQ", "PJ_PJDWDM", "PJ_LYDWDM"},
          {"PJ_PJDWDM", "PJ_LYDWDM"},
          {"PJ_PJRQ", "PJ_YXQZ", "PJ_YXQZI"}}},
        {"md",
         {{"MD_XDR_MC", "MD_XDR_LB", "MD_RDWSH", "MD_RDRQ", "MD_RDDWDM", "MD_LYDWDM"},
          {"MD_RDDWDM", "MD_LYDWDM"},
          {"MD_RDRQ", "MD_YXQZ", "MD_YXQZI"}}},
        {"cn",
         {{"CN_XDR_MC", "CN_XDR_LB", "CN_CNBH", "CN_CNRQ", "CN_SLDWDM", "CN_LYDWDM"},
          {"CN_SLDWDM", "CN_LYDWDM"},
          {"CN_CNRQ", "CN_HCRQ"}}},
        {"jc",
         {{"JC_XDR_MC", "JC_XDR_LB", "JC_ZXWH", "JC_ZXRQ", "JC_ZXBMDM", "JC_LYDWDM"},
          {"JC_ZXBMDM", "JC_LYDWDM"},
          {"JC_ZXRQ"}}},
    };
    auto it = table.find(kind);
    return it == table.end() ? nullptr : &it->second;
}

const KindRules& rulesFor(std::string_view kind) {
    const KindRules* rules = findRules(kind);
    return rules != nullptr ? *rules : *findRules("cf");
}

/// The route columns plugins/xyjt adds to every record (mappings/xyjt/README.md).
const std::vector<std::string>& xyjtRouteFields() {
    static const std::vector<std::string> fields = {"BSDWDM", "BSLJ", "ZFBZ"};
    return fields;
}

std::string prefixOf(std::string_view kind) {
    std::string prefix;
    for (char c : kind) prefix += static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
    return prefix + "_";
}

bool isBlank(const std::string& value) {
    return std::all_of(value.begin(), value.end(),
                       [](unsigned char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; });
}

const std::string& valueOf(const std::map<std::string, std::string>& fields, const std::string& code) {
    static const std::string empty;
    auto it = fields.find(code);
    return it == fields.end() ? empty : it->second;
}

bool contains(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

/// Required fields beyond the fixed list: by 行政相对人类别 (§2.1), for cf by 处罚类别, for md by
/// a 超限超载 list (车辆号牌).
std::vector<std::string> conditionalRequired(std::string_view kind, const std::map<std::string, std::string>& fields) {
    const std::string p = prefixOf(kind);
    std::vector<std::string> required;
    if (valueOf(fields, p + "XDR_LB") == kNaturalPerson) {
        required = {p + "XDR_ZJLX", p + "XDR_ZJHM"};
    } else {
        required = {p + "XDR_SHXYM"};
        // 法定代表人 is required by the 双公示 standard only (docs/kinds.md: optional elsewhere).
        if (kind == "xk" || kind == "cf") required.push_back(p + "FRDB");
        if (valueOf(fields, p + "XDR_SHXYM") == kUsccPlaceholder) required.push_back(p + "XDR_GSZC");
    }
    if (kind == "md" && contains(valueOf(fields, "MD_MDMC"), "超限超载")) {
        required.push_back("MD_CLHP");
    }
    if (kind == "cf") {
        const std::string& categories = valueOf(fields, "CF_CFLB");
        if (contains(categories, "罚款")) required.push_back("CF_NR_FK");
        if (contains(categories, "没收")) required.push_back("CF_NR_WFFF");
        if (contains(categories, "暂扣") || contains(categories, "吊销")) required.push_back("CF_NR_ZKDX");
    }
    return required;
}

std::optional<MockRejection> firstMissing(const std::vector<std::string>& codes,
                                          const std::map<std::string, std::string>& fields) {
    for (const auto& code : codes)
        if (isBlank(valueOf(fields, code))) return mockRejection("E101", code);
    return std::nullopt;
}

std::optional<MockRejection> checkCodes(std::string_view kind, const std::map<std::string, std::string>& fields) {
    const std::string p = prefixOf(kind);
    const std::string& subjectCode = valueOf(fields, p + "XDR_SHXYM");
    const bool subjectCodeApplies = valueOf(fields, p + "XDR_LB") != kNaturalPerson &&
                                    !subjectCode.empty() && subjectCode != kUsccPlaceholder;
    if (subjectCodeApplies && !checkUscc(subjectCode).valid) return mockRejection("E201", p + "XDR_SHXYM");
    for (const auto& code : rulesFor(kind).agencyCodes)
        if (!checkUscc(valueOf(fields, code)).valid) return mockRejection("E201", code);
    return std::nullopt;
}

std::optional<MockRejection> checkDates(std::string_view kind, const std::map<std::string, std::string>& fields) {
    for (const auto& code : rulesFor(kind).dates) {
        const std::string& value = valueOf(fields, code);
        if (value.empty()) continue;  // emptiness is the required-field rule's business
        if (value.size() != 10 || !CivilDate::parseWithPattern(value, "yyyy/MM/dd"))
            return mockRejection("E202", code);
    }
    return std::nullopt;
}

}  // namespace

const std::vector<MockRejectionCode>& mockRejectionCodes() {
    static const std::vector<MockRejectionCode> table = {
        {"E101", "必填项缺失"},
        {"E102", "行政相对人类别无效"},
        {"E201", "统一社会信用代码校验不通过"},
        {"E202", "日期格式错误或日期不存在"},
        {"E301", "疑似测试数据，不予接收"},
        {"E302", "文书号重复"},
        {"E404", "撤销的记录不存在"},
    };
    return table;
}

MockRejection mockRejection(std::string_view code, std::string_view field) {
    MockRejection rejection{std::string(code), "", std::string(field)};
    for (const auto& entry : mockRejectionCodes())
        if (code == entry.code) rejection.reason = entry.reason;
    if (!field.empty()) rejection.reason += "：" + std::string(field);
    return rejection;
}

std::string documentNumberField(std::string_view kind) {
    if (kind == "md") return "MD_RDWSH";
    if (kind == "cn") return "CN_CNBH";
    if (kind == "jc") return "JC_ZXWH";
    return prefixOf(kind) + "WSH";
}

std::string decisionDateField(std::string_view kind) {
    if (kind == "pj") return "PJ_PJRQ";
    if (kind == "md") return "MD_RDRQ";
    if (kind == "cn") return "CN_CNRQ";
    if (kind == "jc") return "JC_ZXRQ";
    return prefixOf(kind) + "JDRQ";
}

const std::vector<std::string>& mockTargets() {
    static const std::vector<std::string> targets = {"creditchina", "xyjt"};
    return targets;
}

std::vector<std::string> mockKindsOf(std::string_view target) {
    if (target == "creditchina") return {"xk", "cf"};
    if (target == "xyjt") return {"xk", "cf", "pj", "md", "cn", "jc"};
    return {};
}

std::optional<std::string> mockPackageProblem(std::string_view target, std::string_view kind) {
    auto kinds = mockKindsOf(target);
    if (kinds.empty())
        return "package.target \"" + std::string(target) + "\" is not served here; served: creditchina, xyjt";
    if (std::find(kinds.begin(), kinds.end(), kind) != kinds.end()) return std::nullopt;
    std::string accepted;
    for (const auto& k : kinds) accepted += (accepted.empty() ? "" : ", ") + k;
    return "package.kind \"" + std::string(kind) + "\" is not accepted for target " + std::string(target) +
           "; accepted: " + accepted;
}

std::optional<MockRejection> checkMockRecord(std::string_view target, std::string_view kind,
                                             const std::map<std::string, std::string>& fields) {
    if (target == "xyjt") {
        if (auto missing = firstMissing(xyjtRouteFields(), fields)) return missing;
        // The national key must come with a forwarded record, and only with one.
        const bool forwarded = valueOf(fields, "ZFBZ") == "1";
        if (valueOf(fields, "ZFBZ") != "0" && !forwarded) return mockRejection("E101", "ZFBZ");
        if (forwarded && isBlank(valueOf(fields, "GJJLBS"))) return mockRejection("E101", "GJJLBS");
        if (!checkUscc(valueOf(fields, "BSDWDM")).valid) return mockRejection("E201", "BSDWDM");
    }
    return checkMockRecord(kind, fields);
}

std::optional<MockRejection> checkMockRecord(std::string_view kind,
                                             const std::map<std::string, std::string>& fields) {
    const std::string p = prefixOf(kind);
    const std::string& category = valueOf(fields, p + "XDR_LB");
    if (isBlank(category)) return mockRejection("E101", p + "XDR_LB");
    if (std::find(kSubjectCategories.begin(), kSubjectCategories.end(), category) == kSubjectCategories.end())
        return mockRejection("E102", p + "XDR_LB");
    if (auto missing = firstMissing(rulesFor(kind).required, fields)) return missing;
    if (auto missing = firstMissing(conditionalRequired(kind, fields), fields)) return missing;
    if (auto bad = checkCodes(kind, fields)) return bad;
    if (auto bad = checkDates(kind, fields)) return bad;
    if (contains(valueOf(fields, p + "XDR_MC"), "测试")) return mockRejection("E301");
    return std::nullopt;
}

}  // namespace creditgw
