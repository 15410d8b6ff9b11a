#pragma once
// The mock platform's own record checks (docs/mock-platform.md): a short, independent reading
// of domain.md §2.1/§2.2 and §3.4, as a real platform would apply it, plus the platform-only
// rules the gateway cannot foresee. Deliberately not shared with the mapping engine: if both
// sides used one implementation, a bug in it could never show up as a rejection.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace creditgw {

/// One line of the fixed rejection table.
struct MockRejectionCode {
    const char* code;    ///< "E201"
    const char* reason;  ///< fixed Chinese text shown in the receipt
};

/// E101 必填项缺失, E102 行政相对人类别无效, E201 统一社会信用代码校验不通过,
/// E202 日期格式错误或日期不存在, E301 疑似测试数据，不予接收, E302 文书号重复.
const std::vector<MockRejectionCode>& mockRejectionCodes();

struct MockRejection {
    std::string code;    ///< a code of mockRejectionCodes()
    std::string reason;  ///< the table's text, followed by "：<FIELD>" when one field is at fault
    std::string field;   ///< the field at fault, or empty
};

/// Builds the rejection for `code` (which must be in the table) about `field` (may be empty).
MockRejection mockRejection(std::string_view code, std::string_view field = {});

/// The checks that need no platform state, in order: 类别, required fields (also those
/// required by 类别, by 处罚类别 and, for md, by a 超限超载 名单名称), USCC check characters,
/// dates (yyyy/MM/dd, existing), then the 测试 rule. nullopt when the record passes. `kind` is
/// one of mockKindsOf("xyjt"): xk, cf (domain.md §2) or pj, md, cn, jc (docs/kinds.md, where
/// the required fields are 名称, 类别, the document number, the decision date and the codes
/// of the issuing and the source unit).
std::optional<MockRejection> checkMockRecord(std::string_view kind,
                                             const std::map<std::string, std::string>& fields);

/// As above, for a record sent to `target`. For xyjt first the route columns the xyjt plugin
/// adds: BSDWDM, BSLJ and ZFBZ present (E101), ZFBZ 0 or 1 (E101), GJJLBS present when
/// ZFBZ is 1 (E101), BSDWDM a valid USCC (E201).
std::optional<MockRejection> checkMockRecord(std::string_view target, std::string_view kind,
                                             const std::map<std::string, std::string>& fields);

/// The field holding the 文书号 for `kind`: XK_WSH, CF_WSH, PJ_WSH, MD_RDWSH, CN_CNBH, JC_ZXWH.
std::string documentNumberField(std::string_view kind);

/// The field holding the decision date for `kind`: XK_JDRQ, CF_JDRQ, PJ_PJRQ, MD_RDRQ, CN_CNRQ,
/// JC_ZXRQ (the record query selects by it).
std::string decisionDateField(std::string_view kind);

/// The package targets the mock serves: creditchina and xyjt.
const std::vector<std::string>& mockTargets();

/// The kinds the mock accepts for `target`: creditchina xk, cf; xyjt all six; others none.
std::vector<std::string> mockKindsOf(std::string_view target);

/// Why a package with this target and kind is refused (a 400), or nullopt when it is served.
std::optional<std::string> mockPackageProblem(std::string_view target, std::string_view kind);

}  // namespace creditgw
