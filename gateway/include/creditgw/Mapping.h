#pragma once
// The mapping & validation engine: source row → canonical Record → what one target publishes.
// Every field list, length, code table, condition and period lives in the XML files under
// mappings/ (see docs/mapping.md); this code only holds the mechanisms.
//
// Threading: a loaded MappingCatalog and everything it hands out are immutable; all const
// methods may be called from any number of threads at once.

#include <cstddef>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "creditgw/CivilDate.h"
#include "creditgw/Record.h"
#include "creditgw/Status.h"
#include "creditgw/TargetPlugin.h"

namespace creditgw {

/// What a mapping needs to know about the moment it runs.
struct MappingContext {
    CivilDate today;  ///< "today" in Asia/Shanghai, for the not-in-future rules
};

/// The result of TargetMapping::apply for one record.
struct MappingOutcome {
    MappedRecord record;                ///< fields in target order, final values (key left empty)
    std::vector<Violation> violations;  ///< empty = valid; every failed rule, not just the first
    /// Findings that do not stop publication (e.g. the 组织机构代码 inside a USCC fails its
    /// check, domain.md §3.5; a 15-digit legacy 身份证号 was converted). Same shape as violations.
    std::vector<Violation> warnings;
    std::size_t indicatorsDefined = 0;  ///< fields the target defines for this record's 类别
    std::size_t indicatorsFilled = 0;   ///< of those, non-empty after mapping (for 完整率)
    /// ISO 公示截止期 from the field derived by <publicityEnd> (given or computed), "" without one.
    /// Taken whether or not the field is published: a format without the column (信用中国 v1)
    /// still takes the record down (下线) when its period ends.
    std::string publicityEnd;
    /// A target field with <shareOnly> marked the record 共享不公示 (publicity-periods.xml's
    /// shareOnlyRule: only 警告/通报批评, a small fine, 简易程序): shared, not publicly shown.
    bool shareOnly = false;
    /// The 失信严重程度 its 公示截止期 was computed with (given, by <severityRule>, or the default);
    /// "" when the end was given or not computed. `creditgw repair` takes the minimum period by it.
    std::string severity;
};

/// How one output field got its value, for `creditgw mapping explain`.
struct FieldTrace {
    std::string name;         ///< output name ("XDRMC")
    std::string code;         ///< the field's code in the target mapping ("XK_XDR_MC")
    std::string value;        ///< final value as published (masked where the target masks)
    std::string sourceValue;  ///< what was read from the canonical record ("" for constants)
    /// The steps that produced it, joined with "; ": "copy", "rename from XK_XDR_MC",
    /// "code table xdrlb → 1", "derived: publicityEnd from CF_JDRQ + 12 months", "constant",
    /// "default", "blanked: CF_XDR_LB = 自然人", "masked (idcard)".
    std::string rule;
};

/// Every output field of one apply() call, in output order.
struct MappingTrace {
    std::vector<FieldTrace> fields;
};

/// A local export's layout (mappings/sources/<name>.xml): its column names mapped to canonical
/// codes, with per-column date pattern, unit (元 → 万元) and local code values. Obtained from
/// MappingCatalog::loadLayout; immutable.
class SourceLayout {
public:
    struct Impl;
    explicit SourceLayout(std::unique_ptr<Impl> impl);
    ~SourceLayout();
    SourceLayout(const SourceLayout&) = delete;
    SourceLayout& operator=(const SourceLayout&) = delete;

    const std::string& name() const;  ///< the layout's name attribute
    const std::string& kind() const;  ///< the kind it maps to ("cf")
    const std::string& sourceFile() const;
    const Impl& impl() const { return *_impl; }

private:
    std::unique_ptr<Impl> _impl;
};

/// A canonical record kind (mappings/kinds/<kind>.xml): its fields, their standard names and
/// aliases, the decision date, the identity and the department.
class KindDefinition {
public:
    struct Impl;
    explicit KindDefinition(std::unique_ptr<Impl> impl);
    ~KindDefinition();
    KindDefinition(const KindDefinition&) = delete;
    KindDefinition& operator=(const KindDefinition&) = delete;

    const std::string& id() const;                 ///< "cf"
    const std::string& name() const;               ///< "行政处罚"
    const std::string& decisionDateField() const;  ///< "CF_JDRQ"
    const std::string& sourceFile() const;
    /// Canonical codes in the kind file's order.
    std::vector<std::string> fieldCodes() const;
    /// Standard Chinese name of a canonical code ("" when the code is unknown).
    std::string fieldName(const std::string& code) const;

    /// Canonical code for a header (a code, the standard Chinese name, or an alias), or "".
    /// Matching ignores surrounding and inner white space, a leading '*', ASCII case and the
    /// difference between full-width and ASCII parentheses.
    std::string resolveHeader(const std::string& header) const;
    /// Source row -> canonical Record: kind, fields, department (ZRBM, else 数据来源单位),
    /// sourceFile/sourceLine, problems copied from the row. Columns no one knows are ignored
    /// here (see unknownColumns). With a layout, the layout's column map and transforms apply;
    /// a transform that fails (bad local date, unknown local code) adds a Violation.
    /// `layout` must have been loaded for this kind (it is ignored otherwise).
    Record toRecord(const SourceRow& row, const SourceLayout* layout = nullptr) const;
    /// Adds a "control" problem when the value of column `index` holds a control character
    /// (NUL, C0, DEL, C1; tab and line breaks unless the field is multiline="true").
    void checkControlCharacters(const SourceRow& row, std::size_t index, const std::string& code,
                                const std::string& value, Record& record) const;
    /// Header names that map to nothing (reported once per file by the caller as a warning).
    /// Headers the kind file lists under <ignore> (row numbers, v1 DFBM/SJC) are not reported.
    std::vector<std::string> unknownColumns(const std::vector<std::string>& header,
                                            const SourceLayout* layout = nullptr) const;
    /// "<机关USCC>|<文书号>|<相对人代码或证件号码>|<kind>" from canonical fields; "" when the
    /// 机关 code or 文书号 is empty (such a record is held anyway). Codes are trimmed and
    /// upper-cased so that 91...x and 91...X are the same identity. A subject holding the
    /// kind's placeholder (00000000000000000X) is replaced by the first non-empty
    /// <insteadOfPlaceholder> field, as "CODE=value": a placeholder is never an identity.
    std::string identityOf(const Record& record) const;
    /// "FIELD=value" when the kind's <revocation> status field says the decision was revoked
    /// (撤销); "" otherwise.
    std::string revocationOf(const Record& record) const;

    const Impl& impl() const { return *_impl; }

private:
    std::string subjectInsteadOfPlaceholder(const Record& record) const;
    std::unique_ptr<Impl> _impl;
};

/// What one target publishes for one kind (mappings/<target>/<kind>.xml): output fields in
/// order with their types, lengths, code tables, checks, conditions and derivations.
class TargetMapping {
public:
    struct Impl;
    explicit TargetMapping(std::unique_ptr<Impl> impl);
    ~TargetMapping();
    TargetMapping(const TargetMapping&) = delete;
    TargetMapping& operator=(const TargetMapping&) = delete;

    const std::string& target() const;  ///< "creditchina"
    const std::string& kind() const;
    const std::string& version() const;  ///< the mapping file's version attribute
    const std::string& sourceFile() const;
    /// The fields' codes in output order: the canonical code (or the target's own code for
    /// constants and joined fields). Conditions and Violation::field use these.
    std::vector<std::string> fieldCodes() const;
    /// The names the fields carry on the wire, in output order (MappedRecord field names):
    /// the `output` attribute when a platform renames (XK_XDR_MC → "XDRMC"), else the code.
    std::vector<std::string> outputNames() const;
    /// Chinese title per output field, in output order (csv/xlsx headers, messages).
    std::vector<std::string> titles() const;
    /// The canonical field holding 失信严重程度 for the publicity period ("" without one).
    std::string publicitySeverityField() const;
    /// The first day 信用修复 may end publication: the decision date plus the minimum period in
    /// force on it for the severity (publicity-periods.xml). nullopt when this kind has no
    /// publicity period or the severity value is unknown.
    std::optional<CivilDate> earliestRepair(const CivilDate& decision, const std::string& severityValue) const;
    /// What a spreadsheet cell of each output field holds, in output order: "date", "amount",
    /// "number" or "text" (codes and masked fields are text). For the export's typed XLSX cells.
    std::vector<std::string> valueTypes() const;

    /// Validates and maps one record. Pure and thread-safe. Record problems from the source are
    /// NOT repeated here (the caller holds on those too). MappedRecord fields carry the output
    /// names. Checks see the real values; output codes, fixed decimals and masking are applied
    /// after them. With `trace`, it is filled with one entry per output field (cleared first);
    /// without, nothing of it is computed.
    MappingOutcome apply(const Record& record, const MappingContext& context,
                         MappingTrace* trace = nullptr) const;

private:
    std::unique_ptr<Impl> _impl;
};

/// Everything under a mappings directory, loaded and validated once; immutable afterwards.
class MappingCatalog {
public:
    struct Impl;
    explicit MappingCatalog(std::unique_ptr<Impl> impl);
    ~MappingCatalog();
    MappingCatalog(const MappingCatalog&) = delete;
    MappingCatalog& operator=(const MappingCatalog&) = delete;

    /// Loads and schema-validates everything under `mappingsDir` (kinds/, codes/, targets with
    /// their profile.xml and codes/, publicity-periods.xml). On any error: InvalidArgument whose
    /// message lists every problem as "<file>:<line>: <message>", one per line (XSD errors with
    /// libxml2's line numbers; semantic errors too: unknown code table, unknown field, bad
    /// condition syntax...). Targets are the sub-directories other than schema/, kinds/, codes/ and
    /// sources/.
    static Result<std::shared_ptr<const MappingCatalog>> load(const std::string& mappingsDir);

    const KindDefinition* kind(const std::string& id) const;  ///< nullptr if unknown
    const TargetMapping* target(const std::string& target, const std::string& kind) const;
    /// Ids of the loaded kinds, sorted.
    std::vector<std::string> kindIds() const;
    /// (target, kind) pairs of the loaded target mappings, sorted.
    std::vector<std::pair<std::string, std::string>> targetIds() const;
    /// The kinds `target` publishes (those with a mapping file in its folder), sorted.
    std::vector<std::string> kindsOf(const std::string& target) const;
    /// Names of the target folders, sorted (also those without any kind mapping yet).
    std::vector<std::string> targetNames() const;
    /// The target's profile (mappings/<target>/profile.xml; a folder without one gets the
    /// default: plugin = folder name, json, UTF-8). nullptr for an unknown target. Valid as
    /// long as the catalog lives.
    const TargetProfile* profile(const std::string& targetId) const;
    /// Loads and validates a source layout against this catalog's kinds (XSD, then fields and
    /// code tables). The layout copies what it needs and does not depend on the catalog's life.
    Result<std::shared_ptr<const SourceLayout>> loadLayout(const std::string& path) const;

private:
    std::shared_ptr<Impl> _impl;
};

}  // namespace creditgw
