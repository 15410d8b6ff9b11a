#pragma once
// Private parts of the mapping engine (Mapping.h): the loaded form of the mapping files and the
// small mechanisms they are built from. Not installed, not used outside gateway/src/Mapping*.

#include <libxml/tree.h>
#include <libxml/xmlschemas.h>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "creditgw/CivilDate.h"
#include "creditgw/Mapping.h"
#include "creditgw/Pattern.h"
#include "creditgw/TargetPlugin.h"

namespace creditgw::mapping {

// ---- text ----------------------------------------------------------------------------------

/// Strips ASCII white space, U+3000 (ideographic space), NBSP and a UTF-8 BOM at both ends.
std::string trim(std::string_view text);
std::string upperAscii(std::string_view text);
/// The form headers and code values are compared in: no white space at all, no leading '*',
/// ASCII upper case, full-width （）：, ; mapped to ASCII.
std::string matchKey(std::string_view text);
/// Splits on any of the separators (UTF-8 strings); parts are trimmed, empty parts dropped.
std::vector<std::string> splitAny(std::string_view text,
                                  const std::vector<std::string>& separators);
/// "a, b, c" for messages.
std::string joinList(const std::vector<std::string>& items, const std::string& glue = ", ");

// ---- decimals (exact, on the digits) --------------------------------------------------------

/// A non-negative decimal as digits: "1234.5" → {"1234", "5"}. Accepts an optional leading '+',
/// full-width digits are not accepted. nullopt when `text` is not such a number.
struct Decimal {
    std::string integer;   ///< no leading zeros ("0" → "")
    std::string fraction;  ///< no trailing zeros
    std::string toString() const;
};
std::optional<Decimal> parseDecimal(std::string_view text, std::string* why);
/// Divides by 10^4 (元 → 万元) and rounds half-up to `scale` decimals.
Decimal shiftLeftAndRound(const Decimal& value, int places, int scale);
/// Multiplies by 10^places (万元 → 元); exact.
Decimal shiftRight(const Decimal& value, int places);
/// Rounds half-up to `scale` decimals (no shift).
inline Decimal roundTo(const Decimal& value, int scale) { return shiftLeftAndRound(value, 0, scale); }
/// The decimal with exactly `decimals` digits after the point ("0.2", 2 → "0.20"; 0 → "0").
std::string formatFixed(const Decimal& value, int decimals);

// ---- code tables ----------------------------------------------------------------------------

struct CodeTable {
    std::string id;
    std::string name;
    std::string file;
    bool multiple = false;
    std::vector<std::string> separators;
    std::string joiner = ";";
    std::vector<std::string> values;                                  ///< standard values, in order
    std::unordered_map<std::string, std::vector<std::string>> byKey;  ///< matchKey → values
    std::vector<std::string> freePrefixes;  ///< "其他-": "其他-<name>" is accepted as given
    /// standard value → what a target sends instead (<value code output>); empty = the
    /// standard values themselves are sent. Only target-local tables usually have them.
    std::unordered_map<std::string, std::string> outputs;
    std::string target;  ///< "" for a global table (codes/), else the target that owns it

    /// The standard value(s) for `input` (joined with `joiner` for multi-valued tables), or
    /// nullopt with `unknown` set to the part nobody knows.
    std::optional<std::string> lookup(std::string_view input, std::string* unknown) const;
    /// "警告, 通报批评, ..." for messages (first few values).
    std::string knownValues() const;
    bool hasOutputs() const { return !outputs.empty(); }
    /// The output code(s) for a standard value as lookup() returns it (each part of a
    /// multi-valued one, joined with `joiner`); a "其他-<name>" value takes its base's output.
    /// nullopt with `unmapped` set to the part without an output code.
    std::optional<std::string> toOutput(const std::string& standard, std::string* unmapped) const;
};

// ---- conditions -----------------------------------------------------------------------------

/// `FIELD = v`, `FIELD != v`, `FIELD contains v`, `FIELD startsWith v`, `FIELD empty`,
/// `FIELD notEmpty`, `FIELD within a;b` (every ;-separated part of the value is one of a, b: "only
/// 警告 or 通报批评"), and the numeric `FIELD < n`, `<=`, `>`, `>=` (false when the value is not a
/// number, so an empty 罚款金额 is never "below" a threshold), joined by ` and ` (binds tighter)
/// and ` or `. Fields are indexes into the value vector of one apply() call.
struct Condition {
    enum class Op { Equals, NotEquals, Contains, StartsWith, Empty, NotEmpty, Within, Less, LessEqual,
                    Greater, GreaterEqual };
    struct Clause {
        std::size_t field = 0;
        Op op = Op::Equals;
        std::string value;
        double number = 0;  ///< the value of a numeric comparison
    };
    std::vector<std::vector<Clause>> anyOf;  ///< OR of ANDs; empty = never true
    std::string text;                        ///< as written, for messages

    bool isSet() const { return !anyOf.empty(); }
    bool eval(const std::vector<std::string>& values) const;
};
/// Parses `text`; `fieldIndex` maps a code to its index or returns -1. On error returns false
/// and sets `error`.
bool parseCondition(const std::string& text,
                    const std::function<long(const std::string&)>& fieldIndex, Condition& out,
                    std::string& error);

// ---- publicity periods ----------------------------------------------------------------------

struct PublicityPeriods {
    struct Period {
        std::string severity;
        CivilDate effectiveFrom;
        int minMonths = 0;
        int maxMonths = 0;
    };
    /// A condition over the standard field codes, as written; each target compiles it against
    /// its own fields (after they are normalised: code-table values, amounts in 万元).
    struct Rule {
        std::string when;
        std::string severity;  ///< severityRule: the severity it names; "" for a shareOnlyRule
        std::string basis;
        long line = 0;
    };
    std::string file;
    std::string defaultSeverity;
    std::vector<Rule> severityRules;   ///< first match names a blank 失信严重程度
    std::vector<Rule> shareOnlyRules;  ///< any match: 共享不公示
    std::unordered_map<std::string, std::string> severityByKey;  ///< matchKey(alias) → severity
    std::vector<Period> periods;                                 ///< sorted by effectiveFrom

    /// The severity for a record's value ("" → default); nullopt when unknown.
    std::optional<std::string> severityOf(const std::string& value) const;
    /// Last day of publication: decision + the maximum period in force on the decision date
    /// for that severity (the earliest period when the decision predates all of them).
    std::optional<CivilDate> end(const CivilDate& decision, const std::string& severity) const;
    /// The period end() uses; nullptr when the severity has none.
    const Period* periodFor(const CivilDate& decision, const std::string& severity) const;
};
CivilDate addMonths(const CivilDate& date, int months);

// ---- XML ------------------------------------------------------------------------------------

/// Collects "<file>:<line>: <message>" lines across a whole load.
/// text() lists them grouped by file (in the order files were first named) and by line.
class Problems {
public:
    void add(const std::string& file, long line, const std::string& message);
    bool empty() const { return _entries.empty(); }
    std::size_t size() const { return _entries.size(); }
    std::string text() const;

private:
    struct Entry {
        std::size_t fileOrder;
        long line;
        std::string text;
    };
    std::vector<Entry> _entries;
    std::vector<std::string> _files;
};

/// Owns a parsed document. parseAndValidate reports parse and XSD errors into `problems` and
/// returns nullptr when the file cannot be used.
struct XmlDocDeleter {
    void operator()(xmlDoc* doc) const;
};
using XmlDocPtr = std::unique_ptr<xmlDoc, XmlDocDeleter>;
/// Compiled XSDs for one load (compiling costs more than validating a file); freed with it.
class SchemaCache {
public:
    SchemaCache() = default;
    ~SchemaCache();
    SchemaCache(const SchemaCache&) = delete;
    SchemaCache& operator=(const SchemaCache&) = delete;
    /// nullptr (and a problem) when the schema cannot be read.
    xmlSchemaPtr get(const std::string& schemaFile, Problems& problems);

private:
    std::map<std::string, xmlSchemaPtr> _schemas;
};
XmlDocPtr parseAndValidate(const std::string& file, const std::string& schemaFile,
                           SchemaCache& schemas, Problems& problems);

std::string attr(xmlNode* node, const char* name);
bool hasAttr(xmlNode* node, const char* name);
std::string textOf(xmlNode* node);
long lineOf(xmlNode* node);
bool isElement(xmlNode* node, const char* name);
std::vector<xmlNode*> children(xmlNode* node, const char* name);

// ---- the loaded files -----------------------------------------------------------------------

struct KindField {
    std::string code;
    std::string name;
    std::string join;  ///< when several columns map here: join non-empty values with this
    bool multiline = false;  ///< tab and line breaks allowed (free text)
};

}  // namespace creditgw::mapping

namespace creditgw {

struct KindDefinition::Impl {
    std::string id;
    std::string name;
    std::string file;
    std::string decisionDate;
    std::string departmentField;
    std::string departmentFallback;
    std::string identityAuthority;
    std::string identityDocument;
    std::string identityDocumentFallback;  ///< used when identityDocument is empty
    std::vector<std::string> identitySubjects;
    /// A subject value that names nobody (00000000000000000X for 个体工商户): never an identity.
    std::string identityPlaceholder;
    /// Tried in order when a subject holds the placeholder (工商注册号, 证件号码, name).
    std::vector<std::string> identityInsteadOfPlaceholder;
    std::string revocationField;             ///< "" when the kind has no status field
    std::vector<std::string> revokedValues;  ///< values of it that mean 撤销
    std::vector<mapping::KindField> fields;
    std::unordered_map<std::string, std::size_t> fieldIndex;    ///< code → index in fields
    std::unordered_map<std::string, std::string> headerToCode;  ///< matchKey → code
    std::unordered_map<std::string, bool> ignoredHeaders;       ///< matchKey → true

    /// Adds `value` to a record field, honouring the field's join rule (first non-empty wins
    /// otherwise).
    void put(Record& record, const std::string& code, const std::string& value) const;
};

struct SourceLayout::Impl {
    struct Column {
        std::string header;
        std::string field;
        std::string datePattern;  ///< "" = take the value as it is
        bool yuanToWanyuan = false;
        int amountScale = 6;
        std::optional<mapping::CodeTable> codes;  ///< local code → standard value
        long line = 0;
    };
    std::string name;
    std::string kind;
    std::string file;
    std::vector<Column> columns;
    std::unordered_map<std::string, std::size_t> byHeader;       ///< matchKey(header) → column
    std::vector<std::pair<std::string, std::string>> constants;  ///< field → value
};

struct TargetMapping::Impl {
    enum class Type { Text, Date, Amount, Number, Code };
    enum class Convert { None, YuanToWanyuan, WanyuanToYuan };
    enum class Mask { None, IdCard, Phone, All };
    enum class Check { None, Uscc, OrgCode, IdCard };
    struct Derivation {
        std::vector<std::pair<mapping::Condition, std::string>> cases;
        std::optional<std::string> otherwise;
        long copyFrom = -1;         ///< index of the field whose value is taken, or -1
        long publicityFrom = -1;    ///< index of the decision date field, or -1
        std::string severityField;  ///< canonical (kind) field holding 一般/严重
        /// publicity-periods.xml's severityRules, compiled against this target's fields: the
        /// first that holds names the severity of a record that gives none.
        std::vector<std::pair<mapping::Condition, std::string>> severityRules;
        bool shareOnlyMark = false;  ///< <shareOnly>: the field marks 共享不公示
        std::string shareOnlyValue;  ///< sent when a shareOnlyRule holds
        std::string shownValue;      ///< sent otherwise
        std::vector<mapping::Condition> shareOnlyRules;  ///< compiled shareOnlyRules: any holds
        /// Kind fields those rules read from the record (the target does not send them whole):
        /// condition index fields.size() + i is recordFields[i].
        std::vector<std::string> ruleRecordFields;
    };
    struct Field {
        std::string code;
        std::string name;
        std::string output;  ///< name on the wire (default: code)
        bool published = true;  ///< false: computed and checked, never sent
        std::string from;    ///< canonical code the value comes from
        long line = 0;
        std::optional<std::string> constant;      ///< always this value, the record is not read
        std::optional<std::string> defaultValue;  ///< when still empty after deriving
        std::vector<std::string> concat;          ///< canonical codes joined with separator
        std::string separator;                    ///< for concat and split
        int splitPart = 0;                        ///< 1-based part of `from` split by separator
        bool splitRest = false;                   ///< that part and all after it
        std::string dateFormat;                   ///< output date format ("" = the mapping's)
        int decimals = -1;                        ///< fixed output decimals (-1 = as normalised)
        Convert convert = Convert::None;
        Mask mask = Mask::None;
        std::shared_ptr<const Pattern> pattern;  ///< the whole value must match (PCRE2)
        std::string patternText;
        std::vector<std::string> enumeration;  ///< allowed values (after code tables)
        Type type = Type::Text;
        std::size_t maxLength = 0;  ///< characters; 0 = no limit
        bool required = false;
        mapping::Condition requiredIf;
        mapping::Condition blankIf;
        const mapping::CodeTable* codeTable = nullptr;
        Check check = Check::None;
        mapping::Condition checkIf;
        std::string placeholder;
        long placeholderRequires = -1;
        bool notFuture = false;
        std::optional<CivilDate> minDate;
        std::optional<CivilDate> maxDate;
        std::vector<std::string> longTermWords;  ///< "长期" → longTermDate
        std::optional<CivilDate> longTermDate;
        int precision = 18;
        int scale = 6;
        Derivation derive;
        bool hasDerivation = false;
    };
    struct DateOrder {
        std::size_t earlier = 0;
        std::size_t later = 0;
    };
    /// An amount that must be > 0 when `when` holds and empty or 0 otherwise (罚款 in 处罚类别
    /// → CF_NR_FK > 0).
    struct AmountRule {
        std::size_t amount = 0;
        mapping::Condition when;
    };

    std::string target;
    std::string kind;
    std::string version;
    std::string file;
    std::string dateFormat = "yyyy/MM/dd";
    std::vector<Field> fields;
    std::vector<DateOrder> dateOrders;
    std::vector<AmountRule> amountRules;
    const mapping::PublicityPeriods* publicity = nullptr;

    std::string label(std::size_t field) const;  ///< "CF_WSH (行政处罚决定书文号)"
};

struct MappingCatalog::Impl {
    std::string dir;
    std::map<std::string, std::unique_ptr<mapping::CodeTable>> codeTables;
    /// target → its own codes/ tables (same id as a global one overrides it for that target)
    std::map<std::string, std::map<std::string, std::unique_ptr<mapping::CodeTable>>>
        targetCodeTables;
    std::map<std::string, TargetProfile> profiles;  ///< every target folder has one
    std::map<std::string, std::string> brokenCodeFiles;  ///< file stem → path, for clearer errors
    std::unique_ptr<mapping::PublicityPeriods> publicity;
    std::map<std::string, std::unique_ptr<KindDefinition>> kinds;
    std::map<std::pair<std::string, std::string>, std::unique_ptr<TargetMapping>> targets;
};

}  // namespace creditgw
