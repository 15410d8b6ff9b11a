// MappingCatalog: loads mappings/ (code tables, publicity periods, kinds, target mappings) and
// source layouts, schema-validates each file with libxml2, then resolves every reference so
// that apply() only walks vectors. Every problem is collected, not only the first.

#include <algorithm>
#include <filesystem>
#include <set>
#include <sstream>

#include "MappingInternal.h"

namespace creditgw {

namespace fs = std::filesystem;
using mapping::attr;
using mapping::children;
using mapping::hasAttr;
using mapping::lineOf;
using mapping::matchKey;
using mapping::Problems;
using mapping::textOf;
using mapping::trim;

namespace {

const std::set<std::string> kReservedDirs = {"schema", "kinds", "codes", "sources"};

std::vector<std::string> xmlFilesIn(const fs::path& dir) {
    std::vector<std::string> files;
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) return files;
    for (const auto& entry : fs::directory_iterator(dir, ec))
        if (entry.is_regular_file() && entry.path().extension() == ".xml")
            files.push_back(entry.path().string());
    std::sort(files.begin(), files.end());
    return files;
}

std::vector<std::string> words(const std::string& text) {
    std::istringstream in(text);
    std::vector<std::string> out;
    for (std::string w; in >> w;) out.push_back(w);
    return out;
}

std::optional<CivilDate> isoDate(const std::string& text) {
    return CivilDate::parseWithPattern(text, "yyyy-MM-dd");
}

template <class Map>
std::string keysOf(const Map& map) {
    std::vector<std::string> keys;
    for (const auto& [key, value] : map) keys.push_back(key);
    return mapping::joinList(keys);
}

bool validDatePattern(const std::string& pattern) {
    bool day = pattern.find('d') != std::string::npos;
    bool month = pattern.find('M') != std::string::npos;
    return pattern.find("yyyy") != std::string::npos && day && month;
}

/// Registers `text` → `values` in a code table, reporting a clash with a different meaning.
void addKey(mapping::CodeTable& table, const std::string& text,
            const std::vector<std::string>& values, long line, Problems& problems) {
    auto [it, inserted] = table.byKey.emplace(matchKey(text), values);
    if (!inserted && it->second != values)
        problems.add(table.file, line,
                     "code table " + table.id + ": \"" + text + "\" already means " +
                         mapping::joinList(it->second, ";") + "; remove one of them");
}

// ---- code tables ----------------------------------------------------------------------------

std::unique_ptr<mapping::CodeTable> loadCodeTable(const std::string& file,
                                                  const std::string& schema,
                                                  mapping::SchemaCache& schemas,
                                                  Problems& problems) {
    auto doc = mapping::parseAndValidate(file, schema, schemas, problems);
    if (!doc) return nullptr;
    xmlNode* root = xmlDocGetRootElement(doc.get());
    auto table = std::make_unique<mapping::CodeTable>();
    table->id = attr(root, "id");
    table->name = attr(root, "name");
    table->file = file;
    table->multiple = attr(root, "multiple") == "true";
    table->separators = words(attr(root, "separators"));
    if (hasAttr(root, "joiner")) table->joiner = attr(root, "joiner");
    if (table->multiple && table->separators.empty())
        problems.add(file, lineOf(root),
                     "code table " + table->id + ": multiple=\"true\" needs separators");
    for (xmlNode* value : children(root, "value")) {
        std::string code = attr(value, "code");
        table->values.push_back(code);
        if (hasAttr(value, "output")) table->outputs[code] = attr(value, "output");
        addKey(*table, code, {code}, lineOf(value), problems);
        for (xmlNode* alias : children(value, "alias"))
            addKey(*table, textOf(alias), {code}, lineOf(alias), problems);
        if (hasAttr(value, "freeSuffix"))
            table->freePrefixes.push_back(code + attr(value, "freeSuffix"));
    }
    for (xmlNode* compound : children(root, "compound")) {
        std::vector<std::string> values = mapping::splitAny(attr(compound, "values"), {";"});
        for (const auto& v : values)
            if (std::find(table->values.begin(), table->values.end(), v) == table->values.end())
                problems.add(file, lineOf(compound),
                             "code table " + table->id + ": compound value \"" + v +
                                 "\" is not one of its values; known: " + table->knownValues());
        addKey(*table, attr(compound, "text"), values, lineOf(compound), problems);
    }
    return table;
}

// ---- publicity periods ----------------------------------------------------------------------

std::unique_ptr<mapping::PublicityPeriods> loadPublicity(const std::string& file,
                                                         const std::string& schema,
                                                         mapping::SchemaCache& schemas,
                                                         Problems& problems) {
    auto doc = mapping::parseAndValidate(file, schema, schemas, problems);
    if (!doc) return nullptr;
    xmlNode* root = xmlDocGetRootElement(doc.get());
    auto periods = std::make_unique<mapping::PublicityPeriods>();
    periods->defaultSeverity = attr(root, "defaultSeverity");
    std::set<std::string> severities;
    for (xmlNode* severity : children(root, "severity")) {
        std::string name = attr(severity, "name");
        severities.insert(name);
        periods->severityByKey[matchKey(name)] = name;
        for (xmlNode* alias : children(severity, "alias"))
            periods->severityByKey[matchKey(textOf(alias))] = name;
    }
    if (!severities.count(periods->defaultSeverity))
        problems.add(
            file, lineOf(root),
            "defaultSeverity \"" + periods->defaultSeverity + "\" is not a declared severity");
    for (xmlNode* node : children(root, "period")) {
        mapping::PublicityPeriods::Period p;
        p.severity = attr(node, "severity");
        p.effectiveFrom = isoDate(attr(node, "effectiveFrom")).value_or(CivilDate{});
        p.minMonths = std::stoi(attr(node, "minMonths"));
        p.maxMonths = std::stoi(attr(node, "maxMonths"));
        if (!severities.count(p.severity))
            problems.add(file, lineOf(node),
                         "period: unknown severity \"" + p.severity + "\"; declared: " +
                             mapping::joinList({severities.begin(), severities.end()}));
        if (p.minMonths > p.maxMonths)
            problems.add(file, lineOf(node), "period: minMonths is greater than maxMonths");
        periods->periods.push_back(p);
    }
    for (xmlNode* node : children(root, "severityRule")) {
        mapping::PublicityPeriods::Rule rule{attr(node, "when"), attr(node, "severity"), attr(node, "basis"),
                                             lineOf(node)};
        if (!severities.count(rule.severity))
            problems.add(file, rule.line,
                         "severityRule: unknown severity \"" + rule.severity + "\"; declared: " +
                             mapping::joinList({severities.begin(), severities.end()}));
        periods->severityRules.push_back(std::move(rule));
    }
    for (xmlNode* node : children(root, "shareOnlyRule"))
        periods->shareOnlyRules.push_back({attr(node, "when"), "", attr(node, "basis"), lineOf(node)});
    periods->file = file;
    std::stable_sort(
        periods->periods.begin(), periods->periods.end(),
        [](const auto& a, const auto& b) { return a.effectiveFrom < b.effectiveFrom; });
    if (!severities.empty() && periods->periods.empty())
        problems.add(file, lineOf(root), "no <period> given");
    return periods;
}

// ---- kinds ----------------------------------------------------------------------------------

std::unique_ptr<KindDefinition> loadKind(const std::string& file, const std::string& schema,
                                         mapping::SchemaCache& schemas, Problems& problems) {
    auto doc = mapping::parseAndValidate(file, schema, schemas, problems);
    if (!doc) return nullptr;
    xmlNode* root = xmlDocGetRootElement(doc.get());
    auto impl = std::make_unique<KindDefinition::Impl>();
    impl->id = attr(root, "id");
    impl->name = attr(root, "name");
    impl->file = file;
    impl->decisionDate = attr(root, "decisionDate");
    auto addHeader = [&](const std::string& header, const std::string& code, long line) {
        auto [it, inserted] = impl->headerToCode.emplace(matchKey(header), code);
        if (!inserted && it->second != code)
            problems.add(file, line,
                         "header \"" + header + "\" already names " + it->second +
                             "; it cannot also name " + code);
    };
    for (xmlNode* node : children(root, "field")) {
        mapping::KindField field{attr(node, "code"), attr(node, "name"), attr(node, "join"),
                                 attr(node, "multiline") == "true" || attr(node, "multiline") == "1"};
        if (!impl->fieldIndex.emplace(field.code, impl->fields.size()).second) {
            problems.add(file, lineOf(node), "field " + field.code + " is defined twice");
            continue;
        }
        addHeader(field.code, field.code, lineOf(node));
        addHeader(field.name, field.code, lineOf(node));
        for (xmlNode* alias : children(node, "alias"))
            addHeader(textOf(alias), field.code, lineOf(alias));
        impl->fields.push_back(std::move(field));
    }
    for (xmlNode* node : children(root, "ignore"))
        impl->ignoredHeaders[matchKey(attr(node, "header"))] = true;
    auto requireField = [&](xmlNode* node, const std::string& what, const std::string& code) {
        if (!impl->fieldIndex.count(code))
            problems.add(file, lineOf(node),
                         what + " refers to unknown field \"" + code +
                             "\"; define it with <field code=\"" + code + "\">");
    };
    requireField(root, "decisionDate", impl->decisionDate);
    for (xmlNode* node : children(root, "department")) {
        impl->departmentField = attr(node, "field");
        impl->departmentFallback = attr(node, "fallback");
        requireField(node, "department field", impl->departmentField);
        requireField(node, "department fallback", impl->departmentFallback);
    }
    for (xmlNode* node : children(root, "identity")) {
        impl->identityAuthority = attr(node, "authority");
        impl->identityDocument = attr(node, "document");
        impl->identityDocumentFallback = attr(node, "documentFallback");
        if (!impl->identityDocumentFallback.empty())
            requireField(node, "identity documentFallback", impl->identityDocumentFallback);
        requireField(node, "identity authority", impl->identityAuthority);
        requireField(node, "identity document", impl->identityDocument);
        for (xmlNode* subject : children(node, "subject")) {
            impl->identitySubjects.push_back(attr(subject, "field"));
            requireField(subject, "identity subject", impl->identitySubjects.back());
        }
        impl->identityPlaceholder = attr(node, "placeholder");
        for (xmlNode* instead : children(node, "insteadOfPlaceholder")) {
            impl->identityInsteadOfPlaceholder.push_back(attr(instead, "field"));
            requireField(instead, "identity insteadOfPlaceholder", impl->identityInsteadOfPlaceholder.back());
        }
    }
    for (xmlNode* node : children(root, "revocation")) {
        impl->revocationField = attr(node, "field");
        requireField(node, "revocation field", impl->revocationField);
        for (xmlNode* value : children(node, "revokedValue")) impl->revokedValues.push_back(textOf(value));
    }
    return std::make_unique<KindDefinition>(std::move(impl));
}

// ---- targets --------------------------------------------------------------------------------

/// The code tables a target sees: its own codes/ first, then the global ones.
struct TableScope {
    const MappingCatalog::Impl& catalog;
    const std::map<std::string, std::unique_ptr<mapping::CodeTable>>* local = nullptr;
    const std::map<std::string, std::string>* localBroken = nullptr;

    /// nullptr with `why` set when the table is unknown or did not load.
    const mapping::CodeTable* find(const std::string& id, std::string& why) const {
        auto broken = [&](const std::map<std::string, std::string>* files) {
            if (files == nullptr) return false;
            auto it = files->find(id);
            if (it == files->end()) return false;
            why = "code table \"" + id + "\" did not load; fix the errors in " + it->second;
            return true;
        };
        if (local != nullptr) {
            auto it = local->find(id);
            if (it != local->end()) return it->second.get();
        }
        if (broken(localBroken) || broken(&catalog.brokenCodeFiles)) return nullptr;
        auto it = catalog.codeTables.find(id);
        if (it != catalog.codeTables.end()) return it->second.get();
        std::set<std::string> known;
        for (const auto& [key, table] : catalog.codeTables) known.insert(key);
        if (local != nullptr)
            for (const auto& [key, table] : *local) known.insert(key);
        why = "unknown code table \"" + id + "\"; known: " +
              mapping::joinList({known.begin(), known.end()});
        return nullptr;
    }
};

struct TargetLoader {
    const MappingCatalog::Impl& catalog;
    const std::string& file;
    Problems& problems;
    TargetMapping::Impl& map;
    const KindDefinition* kind = nullptr;
    const TableScope* tables = nullptr;
    std::string defaultDateFormat = "yyyy/MM/dd";  ///< the profile's

    void error(xmlNode* node, const std::string& field, const std::string& message) {
        problems.add(file, lineOf(node), (field.empty() ? "" : "field " + field + ": ") + message);
    }

    long indexOf(const std::string& code) const {
        for (std::size_t i = 0; i < map.fields.size(); ++i)
            if (map.fields[i].code == code) return static_cast<long>(i);
        return -1;
    }

    void condition(xmlNode* node, const std::string& field, const char* name,
                   mapping::Condition& out) {
        if (!hasAttr(node, name)) return;
        std::string message;
        auto resolve = [this](const std::string& code) { return indexOf(code); };
        if (!mapping::parseCondition(attr(node, name), resolve, out, message))
            error(node, field, std::string(name) + ": " + message);
    }

    std::optional<CivilDate> date(xmlNode* node, const std::string& field, const char* name) {
        if (!hasAttr(node, name)) return std::nullopt;
        auto d = isoDate(attr(node, name));
        if (!d)
            error(node, field,
                  std::string(name) + ": \"" + attr(node, name) + "\" is not a date (yyyy-MM-dd)");
        return d;
    }

    /// First pass: what each field is, without conditions (they may refer to later fields).
    void readField(xmlNode* node) {
        TargetMapping::Impl::Field f;
        f.code = attr(node, "code");
        f.from = hasAttr(node, "from") ? attr(node, "from") : f.code;
        f.line = lineOf(node);
        f.name = hasAttr(node, "name") ? attr(node, "name")
                                       : (kind ? kind->fieldName(f.from) : std::string());
        if (f.name.empty()) f.name = f.code;
        if (indexOf(f.code) >= 0) error(node, f.code, "defined twice");
        bool readsFrom = !hasAttr(node, "constant") && !hasAttr(node, "concat") && !marksShareOnly(node);
        if (kind && readsFrom && kind->fieldName(f.from).empty())
            error(node, f.code,
                  "from \"" + f.from + "\" is not a field of kind " + kind->id() + " (" +
                      kind->sourceFile() + ")");
        std::string type = attr(node, "type");
        using Type = TargetMapping::Impl::Type;
        f.type = type == "date"     ? Type::Date
                 : type == "amount" ? Type::Amount
                 : type == "number" ? Type::Number
                 : type == "code"   ? Type::Code
                                    : Type::Text;
        if (hasAttr(node, "maxLength")) f.maxLength = std::stoul(attr(node, "maxLength"));
        f.required = attr(node, "required") == "true";
        if (hasAttr(node, "codeTable")) {
            std::string why;
            f.codeTable = tables->find(attr(node, "codeTable"), why);
            if (f.codeTable == nullptr) error(node, f.code, why);
        }
        if (f.type == Type::Code && f.codeTable == nullptr && !hasAttr(node, "codeTable"))
            error(node, f.code, "type=\"code\" needs a codeTable attribute");
        std::string check = attr(node, "check");
        using Check = TargetMapping::Impl::Check;
        f.check = check == "uscc"      ? Check::Uscc
                  : check == "orgcode" ? Check::OrgCode
                  : check == "idcard"  ? Check::IdCard
                                       : Check::None;
        f.placeholder = attr(node, "placeholder");
        f.notFuture = attr(node, "notFuture") == "true";
        f.minDate = date(node, f.code, "minDate");
        f.maxDate = date(node, f.code, "maxDate");
        f.longTermDate = date(node, f.code, "longTermDate");
        f.longTermWords = words(attr(node, "longTermWords"));
        if (!f.longTermWords.empty() && !f.longTermDate)
            error(node, f.code, "longTermWords needs longTermDate");
        if (hasAttr(node, "precision")) f.precision = std::stoi(attr(node, "precision"));
        if (hasAttr(node, "scale")) f.scale = std::stoi(attr(node, "scale"));
        if (f.scale > f.precision) error(node, f.code, "scale is greater than precision");
        readOutputFeatures(node, f);
        map.fields.push_back(std::move(f));
    }

    /// rename, constant, default, concat/split, formats, unit, mask, pattern, enumeration.
    void readOutputFeatures(xmlNode* node, TargetMapping::Impl::Field& f) {
        using Type = TargetMapping::Impl::Type;
        using Map = TargetMapping::Impl;
        f.output = hasAttr(node, "output") ? attr(node, "output") : f.code;
        f.published = !(attr(node, "publish") == "false" || attr(node, "publish") == "0");
        for (const auto& other : map.fields)
            if (other.output == f.output)
                error(node, f.code,
                      "output name \"" + f.output + "\" is already used by field " + other.code);
        if (hasAttr(node, "constant")) f.constant = attr(node, "constant");
        if (hasAttr(node, "default")) f.defaultValue = attr(node, "default");
        f.concat = words(attr(node, "concat"));
        f.separator = attr(node, "separator");
        if (hasAttr(node, "split")) {
            f.separator = attr(node, "split");
            f.splitPart = hasAttr(node, "part") ? std::stoi(attr(node, "part")) : 0;
            if (f.splitPart <= 0) error(node, f.code, "split needs part=\"N\" (1 = first part)");
            f.splitRest = attr(node, "rest") == "true" || attr(node, "rest") == "1";
        } else if (hasAttr(node, "part") || hasAttr(node, "rest")) {
            error(node, f.code, "part and rest need split=\"<separator>\"");
        }
        int sources = (f.constant ? 1 : 0) + (f.concat.empty() ? 0 : 1) +
                      (hasAttr(node, "from") || f.splitPart > 0 ? 1 : 0);
        if (sources > 1)
            error(node, f.code, "use only one of constant, concat and from/split");
        if (f.constant && f.defaultValue)
            error(node, f.code, "a constant field needs no default");
        if (f.constant && !children(node, "deriveWhenEmpty").empty())
            error(node, f.code, "a constant field cannot be derived");
        for (const auto& code : f.concat)
            if (kind && kind->fieldName(code).empty())
                error(node, f.code,
                      "concat: \"" + code + "\" is not a field of kind " + kind->id() + " (" +
                          kind->sourceFile() + ")");
        if (!f.concat.empty() && hasAttr(node, "split"))
            error(node, f.code, "concat and split cannot be combined");
        if (f.constant) checkFixedValue(node, f, "constant", *f.constant);
        if (f.defaultValue) checkFixedValue(node, f, "default", *f.defaultValue);
        if (hasAttr(node, "dateFormat")) {
            f.dateFormat = attr(node, "dateFormat");
            if (f.type != Type::Date) error(node, f.code, "dateFormat needs type=\"date\"");
            if (!validDatePattern(f.dateFormat))
                error(node, f.code,
                      "dateFormat \"" + f.dateFormat + "\" must contain yyyy, MM and dd");
        }
        bool numeric = f.type == Type::Amount || f.type == Type::Number;
        if (hasAttr(node, "decimals")) {
            f.decimals = std::stoi(attr(node, "decimals"));
            if (!numeric) error(node, f.code, "decimals needs type=\"amount\" or \"number\"");
        }
        std::string convert = attr(node, "convert");
        if (!convert.empty()) {
            f.convert = convert == "yuanToWanyuan" ? Map::Convert::YuanToWanyuan
                                                   : Map::Convert::WanyuanToYuan;
            if (f.type != Type::Amount) error(node, f.code, "convert needs type=\"amount\"");
        }
        std::string mask = attr(node, "mask");
        f.mask = mask == "idcard"  ? Map::Mask::IdCard
                 : mask == "phone" ? Map::Mask::Phone
                 : mask == "all"   ? Map::Mask::All
                                   : Map::Mask::None;
        if (hasAttr(node, "pattern")) {
            f.patternText = attr(node, "pattern");
            auto compiled = Pattern::compile(f.patternText);
            if (compiled) f.pattern = *compiled;
            else error(node, f.code, compiled.status().message());
        }
        if (hasAttr(node, "enumeration"))
            f.enumeration = mapping::splitAny(attr(node, "enumeration"), {"|"});
    }

    /// A constant or default goes through the field's code table like any value: it must be in it.
    void checkFixedValue(xmlNode* node, const TargetMapping::Impl::Field& f, const char* what,
                         const std::string& value) {
        if (f.codeTable == nullptr) return;
        std::string unknown;
        if (!f.codeTable->lookup(value, &unknown))
            error(node, f.code,
                  std::string(what) + " \"" + value + "\" is not in code table " +
                      f.codeTable->id);
    }

    /// A field whose derivation is <shareOnly> reads nothing from the record: it is the mark.
    static bool marksShareOnly(xmlNode* node) {
        for (xmlNode* derive : children(node, "deriveWhenEmpty"))
            if (!children(derive, "shareOnly").empty()) return true;
        return false;
    }

    /// Compiles one publicity-periods.xml rule for this target. A rule names standard (kind)
    /// fields: where the target sends one whole, the rule sees its mapped value (code-table
    /// value, amount in the target's unit); otherwise (split in two, or not sent: 信用中国 v1)
    /// the record's value as ingested, appended to `recordFields`.
    bool compileRule(const mapping::PublicityPeriods::Rule& rule, mapping::Condition& out,
                     std::vector<std::string>& recordFields) {
        std::string message;
        auto resolve = [&](const std::string& code) -> long {
            for (std::size_t i = 0; i < map.fields.size(); ++i) {
                const auto& f = map.fields[i];
                if (f.from == code && !f.constant && f.concat.empty() && f.splitPart == 0 &&
                    !f.derive.shareOnlyMark)
                    return static_cast<long>(i);
            }
            if (kind == nullptr || kind->fieldName(code).empty()) return -1;
            auto at = std::find(recordFields.begin(), recordFields.end(), code);
            if (at == recordFields.end()) at = recordFields.insert(recordFields.end(), code);
            return static_cast<long>(map.fields.size() + (at - recordFields.begin()));
        };
        if (!mapping::parseCondition(rule.when, resolve, out, message)) {
            problems.add(catalog.publicity->file, rule.line,
                         "target " + map.target + " (" + file + "): " + message +
                             (kind ? " (not a field of kind " + kind->id() + ")" : std::string()));
            return false;
        }
        // Rules give amounts in 万元, the standard's unit; a target that sends 元 compares in 元.
        using Op = mapping::Condition::Op;
        for (auto& all : out.anyOf)
            for (auto& clause : all) {
                bool numeric = clause.op == Op::Less || clause.op == Op::LessEqual ||
                               clause.op == Op::Greater || clause.op == Op::GreaterEqual;
                if (numeric && clause.field < map.fields.size() &&
                    map.fields[clause.field].convert == TargetMapping::Impl::Convert::WanyuanToYuan)
                    clause.number *= 10000;
            }
        return true;
    }

    /// Second pass: conditions, cross references and derivations.
    void resolveField(xmlNode* node, TargetMapping::Impl::Field& f) {
        condition(node, f.code, "requiredIf", f.requiredIf);
        condition(node, f.code, "blankIf", f.blankIf);
        condition(node, f.code, "checkIf", f.checkIf);
        if (hasAttr(node, "placeholderRequires")) {
            f.placeholderRequires = indexOf(attr(node, "placeholderRequires"));
            if (f.placeholderRequires < 0)
                error(node, f.code,
                      "placeholderRequires: unknown field \"" + attr(node, "placeholderRequires") +
                          "\"");
        }
        for (xmlNode* derive : children(node, "deriveWhenEmpty")) readDerivation(derive, f);
    }

    void readDerivation(xmlNode* node, TargetMapping::Impl::Field& f) {
        f.hasDerivation = true;
        for (xmlNode* when : children(node, "when")) {
            mapping::Condition c;
            condition(when, f.code, "test", c);
            f.derive.cases.emplace_back(std::move(c), attr(when, "value"));
            checkDerivedValue(when, f, attr(when, "value"));
        }
        for (xmlNode* otherwise : children(node, "otherwise")) {
            f.derive.otherwise = attr(otherwise, "value");
            checkDerivedValue(otherwise, f, *f.derive.otherwise);
        }
        for (xmlNode* copy : children(node, "copy")) {
            f.derive.copyFrom = indexOf(attr(copy, "from"));
            if (f.derive.copyFrom < 0)
                error(copy, f.code,
                      "copy from=\"" + attr(copy, "from") + "\": not a field of this target");
        }
        for (xmlNode* end : children(node, "publicityEnd")) {
            f.derive.publicityFrom = indexOf(attr(end, "from"));
            f.derive.severityField = attr(end, "severityField");
            if (f.derive.publicityFrom < 0 ||
                map.fields[static_cast<std::size_t>(f.derive.publicityFrom)].type !=
                    TargetMapping::Impl::Type::Date)
                error(end, f.code,
                      "publicityEnd from=\"" + attr(end, "from") +
                          "\" must be a date field of this target");
            if (kind && kind->fieldName(f.derive.severityField).empty())
                error(end, f.code,
                      "publicityEnd severityField=\"" + f.derive.severityField +
                          "\" is not a field of kind " + kind->id());
            if (catalog.publicity == nullptr)
                error(end, f.code,
                      "publicityEnd needs publicity-periods.xml in the mappings directory");
            else
                for (const auto& rule : catalog.publicity->severityRules) {
                    mapping::Condition c;
                    if (compileRule(rule, c, f.derive.ruleRecordFields))
                        f.derive.severityRules.emplace_back(std::move(c), rule.severity);
                }
        }
        for (xmlNode* mark : children(node, "shareOnly")) {
            f.derive.shareOnlyMark = true;
            f.derive.shareOnlyValue = attr(mark, "shareOnly");
            f.derive.shownValue = attr(mark, "shown");
            checkDerivedValue(mark, f, f.derive.shareOnlyValue);
            checkDerivedValue(mark, f, f.derive.shownValue);
            if (catalog.publicity == nullptr)
                error(mark, f.code, "shareOnly needs publicity-periods.xml in the mappings directory");
            else if (catalog.publicity->shareOnlyRules.empty())
                error(mark, f.code,
                      "shareOnly: " + catalog.publicity->file +
                          " has no <shareOnlyRule>, so every record would be marked shown; add the rules");
            else
                for (const auto& rule : catalog.publicity->shareOnlyRules) {
                    mapping::Condition c;
                    if (compileRule(rule, c, f.derive.ruleRecordFields)) f.derive.shareOnlyRules.push_back(std::move(c));
                }
        }
    }

    void checkDerivedValue(xmlNode* node, const TargetMapping::Impl::Field& f,
                           const std::string& value) {
        if (f.codeTable == nullptr) return;
        std::string unknown;
        if (!f.codeTable->lookup(value, &unknown))
            error(node, f.code,
                  "derived value \"" + value + "\" is not in code table " + f.codeTable->id);
    }

    void readDateOrder(xmlNode* node) {
        long earlier = indexOf(attr(node, "earlier"));
        long later = indexOf(attr(node, "later"));
        auto isDate = [&](long i) {
            return i >= 0 &&
                   map.fields[static_cast<std::size_t>(i)].type == TargetMapping::Impl::Type::Date;
        };
        if (!isDate(earlier) || !isDate(later)) {
            error(node, "",
                  "dateOrder: earlier=\"" + attr(node, "earlier") + "\" and later=\"" +
                      attr(node, "later") + "\" must both be date fields of this target");
            return;
        }
        map.dateOrders.push_back(
            {static_cast<std::size_t>(earlier), static_cast<std::size_t>(later)});
    }

    void readAmountRule(xmlNode* node) {
        long amount = indexOf(attr(node, "field"));
        using Type = TargetMapping::Impl::Type;
        if (amount < 0 || (map.fields[static_cast<std::size_t>(amount)].type != Type::Amount &&
                           map.fields[static_cast<std::size_t>(amount)].type != Type::Number)) {
            error(node, "",
                  "amountRule: field=\"" + attr(node, "field") +
                      "\" must be an amount or number field of this target");
            return;
        }
        TargetMapping::Impl::AmountRule rule;
        rule.amount = static_cast<std::size_t>(amount);
        condition(node, "", "when", rule.when);
        map.amountRules.push_back(std::move(rule));
    }

    void read(xmlNode* root) {
        map.target = attr(root, "id");
        map.kind = attr(root, "kind");
        map.version = attr(root, "version");
        map.file = file;
        map.dateFormat = defaultDateFormat;
        if (hasAttr(root, "dateFormat")) map.dateFormat = attr(root, "dateFormat");
        if (!validDatePattern(map.dateFormat))
            error(root, "", "dateFormat \"" + map.dateFormat + "\" must contain yyyy, MM and dd");
        auto it = catalog.kinds.find(map.kind);
        if (it == catalog.kinds.end())
            error(root, "", "unknown kind \"" + map.kind + "\"; known: " + keysOf(catalog.kinds));
        else
            kind = it->second.get();
        map.publicity = catalog.publicity.get();
        auto fieldNodes = children(root, "field");
        for (xmlNode* node : fieldNodes) readField(node);
        for (std::size_t i = 0; i < fieldNodes.size(); ++i)
            resolveField(fieldNodes[i], map.fields[i]);
        for (xmlNode* node : children(root, "dateOrder")) readDateOrder(node);
        for (xmlNode* node : children(root, "amountRule")) readAmountRule(node);
    }
};

std::unique_ptr<TargetMapping> loadTarget(const TableScope& tables, const TargetProfile& profile,
                                          const std::string& file, const std::string& schema,
                                          const std::string& dirName, mapping::SchemaCache& schemas,
                                          Problems& problems) {
    auto doc = mapping::parseAndValidate(file, schema, schemas, problems);
    if (!doc) return nullptr;
    auto impl = std::make_unique<TargetMapping::Impl>();
    std::size_t before = problems.size();
    TargetLoader loader{tables.catalog, file, problems, *impl, nullptr, &tables, profile.dateFormat};
    xmlNode* root = xmlDocGetRootElement(doc.get());
    loader.read(root);
    if (impl->target != dirName)
        loader.error(
            root, "",
            "target id \"" + impl->target + "\" differs from its directory \"" + dirName + "\"");
    if (problems.size() != before) return nullptr;
    return std::make_unique<TargetMapping>(std::move(impl));
}

std::string schemaPath(const std::string& dir, const char* name) {
    return (fs::path(dir) / "schema" / name).string();
}

// ---- profiles -------------------------------------------------------------------------------

/// The profile of a folder without profile.xml: its plugin is named like the folder.
TargetProfile defaultProfile(const fs::path& targetDir) {
    TargetProfile profile;
    profile.id = targetDir.filename().string();
    profile.name = profile.id;
    profile.plugin = profile.id;
    profile.directory = fs::absolute(targetDir).lexically_normal().string();
    return profile;
}

void readEnvelope(xmlNode* node, const std::string& file, const MappingCatalog::Impl& catalog,
                  TargetProfile& profile, Problems& problems) {
    if (hasAttr(node, "format")) profile.envelopeFormat = attr(node, "format");
    if (hasAttr(node, "encoding")) profile.envelopeEncoding = attr(node, "encoding");
    if (hasAttr(node, "headerTitles")) profile.headerTitles = attr(node, "headerTitles") == "true";
    if (hasAttr(node, "schema")) {
        fs::path schema = fs::path(profile.directory) / attr(node, "schema");
        std::error_code ec;
        if (!fs::is_regular_file(schema, ec))
            problems.add(file, lineOf(node),
                         "envelope schema \"" + attr(node, "schema") + "\" not found (looked for " +
                             schema.string() + "); give a path relative to the target folder");
        profile.envelopeSchema = schema.lexically_normal().string();
    }
    if (profile.envelopeFormat == "json" && profile.envelopeEncoding != "UTF-8")
        problems.add(file, lineOf(node), "a json envelope is always UTF-8; remove encoding");
    for (xmlNode* type : children(node, "packageType")) {
        std::string kind = attr(type, "kind");
        if (!catalog.kinds.count(kind))
            problems.add(file, lineOf(type),
                         "packageType: unknown kind \"" + kind + "\"; known: " +
                             keysOf(catalog.kinds));
        if (!profile.packageTypes.emplace(kind, attr(type, "value")).second)
            problems.add(file, lineOf(type), "packageType for kind " + kind + " is given twice");
    }
}

/// Parses mappings/<target>/profile.xml; nullopt (problems reported) when it cannot be used.
std::optional<TargetProfile> loadProfile(const std::string& file, const std::string& schema,
                                         const fs::path& targetDir,
                                         const MappingCatalog::Impl& catalog,
                                         mapping::SchemaCache& schemas, Problems& problems) {
    auto doc = mapping::parseAndValidate(file, schema, schemas, problems);
    if (!doc) return std::nullopt;
    std::size_t before = problems.size();
    xmlNode* root = xmlDocGetRootElement(doc.get());
    TargetProfile profile = defaultProfile(targetDir);
    if (attr(root, "id") != profile.id)
        problems.add(file, lineOf(root),
                     "profile id \"" + attr(root, "id") + "\" differs from its directory \"" +
                         profile.id + "\"; a copied folder needs its id changed too");
    profile.name = attr(root, "name");
    profile.plugin = attr(root, "plugin");
    profile.version = attr(root, "version");
    profile.isTemplate = attr(root, "template") == "true";
    if (hasAttr(root, "dateFormat")) profile.dateFormat = attr(root, "dateFormat");
    if (!validDatePattern(profile.dateFormat))
        problems.add(file, lineOf(root),
                     "dateFormat \"" + profile.dateFormat + "\" must contain yyyy, MM and dd");
    for (xmlNode* node : children(root, "envelope"))
        readEnvelope(node, file, catalog, profile, problems);
    for (xmlNode* node : children(root, "endpoint")) {
        profile.endpointUrl = attr(node, "url");
        if (hasAttr(node, "batchSize")) profile.batchSize = std::stoul(attr(node, "batchSize"));
        if (hasAttr(node, "timeoutSeconds"))
            profile.timeoutSeconds = std::stoi(attr(node, "timeoutSeconds"));
    }
    for (xmlNode* node : children(root, "signature")) {
        if (hasAttr(node, "format")) profile.signatureFormat = attr(node, "format");
        if (hasAttr(node, "signerId")) profile.signerId = attr(node, "signerId");
    }
    for (xmlNode* node : children(root, "setting"))
        if (!profile.settings.emplace(attr(node, "name"), attr(node, "value")).second)
            problems.add(file, lineOf(node), "setting \"" + attr(node, "name") + "\" is given twice");
    if (problems.size() != before) return std::nullopt;
    return profile;
}

/// Loads <target>/codes/*.xml into `tables`; broken files are remembered by stem.
void loadTargetCodes(const fs::path& targetDir, const std::string& mappingsDir,
                     std::map<std::string, std::unique_ptr<mapping::CodeTable>>& tables,
                     std::map<std::string, std::string>& broken, mapping::SchemaCache& schemas,
                     Problems& problems) {
    for (const auto& file : xmlFilesIn(targetDir / "codes")) {
        auto table =
            loadCodeTable(file, schemaPath(mappingsDir, "code-table.xsd"), schemas, problems);
        if (!table) {
            broken[fs::path(file).stem().string()] = file;
            continue;
        }
        table->target = targetDir.filename().string();
        std::string id = table->id;
        if (!tables.emplace(id, std::move(table)).second)
            problems.add(file, 0,
                         "code table id \"" + id + "\" is already used by another file in " +
                             (targetDir / "codes").string());
    }
}

/// One target folder: its codes/, its profile, then its kind mappings.
void loadTargetDir(MappingCatalog::Impl& impl, const fs::path& targetDir,
                   mapping::SchemaCache& schemas, Problems& problems) {
    const std::string name = targetDir.filename().string();
    std::map<std::string, std::string> broken;
    auto& tables = impl.targetCodeTables[name];
    loadTargetCodes(targetDir, impl.dir, tables, broken, schemas, problems);
    TargetProfile profile = defaultProfile(targetDir);
    std::error_code ec;
    fs::path profileFile = targetDir / "profile.xml";
    if (fs::exists(profileFile, ec))
        if (auto loaded = loadProfile(profileFile.string(), schemaPath(impl.dir, "profile.xsd"),
                                      targetDir, impl, schemas, problems))
            profile = std::move(*loaded);
    TableScope scope{impl, &tables, &broken};
    for (const auto& file : xmlFilesIn(targetDir)) {
        if (fs::path(file).filename() == "profile.xml") continue;
        auto target = loadTarget(scope, profile, file, schemaPath(impl.dir, "target.xsd"), name,
                                 schemas, problems);
        if (!target) continue;
        auto key = std::make_pair(target->target(), target->kind());
        if (!impl.targets.emplace(key, std::move(target)).second)
            problems.add(file, 0,
                         "a mapping for target " + key.first + " and kind " + key.second +
                             " already exists");
    }
    impl.profiles.emplace(name, std::move(profile));
}

}  // namespace

// ---- MappingCatalog -------------------------------------------------------------------------

MappingCatalog::MappingCatalog(std::unique_ptr<Impl> impl) : _impl(std::move(impl)) {}
MappingCatalog::~MappingCatalog() = default;

Result<std::shared_ptr<const MappingCatalog>> MappingCatalog::load(const std::string& mappingsDir) {
    std::error_code ec;
    if (!fs::is_directory(mappingsDir, ec))
        return Status::invalidArgument(
            mappingsDir +
            ": mappings directory not found; pass --data-dir or check the installation");
    try {
        auto impl = std::make_unique<Impl>();
        impl->dir = mappingsDir;
        Problems problems;
        mapping::SchemaCache schemas;
        fs::path dir(mappingsDir);
        for (const auto& file : xmlFilesIn(dir / "codes")) {
            auto table =
                loadCodeTable(file, schemaPath(mappingsDir, "code-table.xsd"), schemas, problems);
            if (!table) {
                impl->brokenCodeFiles[fs::path(file).stem().string()] = file;
                continue;
            }
            std::string id = table->id;
            if (!impl->codeTables.emplace(id, std::move(table)).second)
                problems.add(
                    file, 0,
                    "code table id \"" + id + "\" is already used by another file in codes/");
        }
        fs::path publicity = dir / "publicity-periods.xml";
        if (fs::exists(publicity, ec))
            impl->publicity =
                loadPublicity(publicity.string(), schemaPath(mappingsDir, "publicity-periods.xsd"),
                              schemas, problems);
        for (const auto& file : xmlFilesIn(dir / "kinds")) {
            auto kind = loadKind(file, schemaPath(mappingsDir, "kind.xsd"), schemas, problems);
            if (!kind) continue;
            std::string id = kind->id();
            if (!impl->kinds.emplace(id, std::move(kind)).second)
                problems.add(file, 0,
                             "kind id \"" + id + "\" is already defined by another file in kinds/");
        }
        if (impl->kinds.empty() && problems.empty())
            problems.add((dir / "kinds").string(), 0, "no kind files (*.xml) found");
        std::vector<fs::path> targetDirs;
        for (const auto& entry : fs::directory_iterator(dir, ec))
            if (entry.is_directory() && !kReservedDirs.count(entry.path().filename().string()))
                targetDirs.push_back(entry.path());
        std::sort(targetDirs.begin(), targetDirs.end());
        for (const auto& targetDir : targetDirs) loadTargetDir(*impl, targetDir, schemas, problems);
        if (!problems.empty()) return Status::invalidArgument(problems.text());
        return std::shared_ptr<const MappingCatalog>(
            std::make_shared<MappingCatalog>(std::move(impl)));
    } catch (const std::exception& e) {
        return Status::invalidArgument(mappingsDir + ": cannot load the mappings: " + e.what());
    }
}

const KindDefinition* MappingCatalog::kind(const std::string& id) const {
    auto it = _impl->kinds.find(id);
    return it == _impl->kinds.end() ? nullptr : it->second.get();
}

const TargetMapping* MappingCatalog::target(const std::string& target,
                                            const std::string& kind) const {
    auto it = _impl->targets.find({target, kind});
    return it == _impl->targets.end() ? nullptr : it->second.get();
}

std::vector<std::string> MappingCatalog::kindIds() const {
    std::vector<std::string> ids;
    for (const auto& [id, kind] : _impl->kinds) ids.push_back(id);
    return ids;
}

std::vector<std::string> MappingCatalog::targetNames() const {
    std::vector<std::string> names;
    for (const auto& [name, profile] : _impl->profiles) names.push_back(name);
    return names;
}

const TargetProfile* MappingCatalog::profile(const std::string& targetId) const {
    auto it = _impl->profiles.find(targetId);
    return it == _impl->profiles.end() ? nullptr : &it->second;
}

std::vector<std::pair<std::string, std::string>> MappingCatalog::targetIds() const {
    std::vector<std::pair<std::string, std::string>> ids;
    for (const auto& [id, target] : _impl->targets) ids.push_back(id);
    return ids;
}

std::vector<std::string> MappingCatalog::kindsOf(const std::string& target) const {
    std::vector<std::string> kinds;
    for (const auto& [id, mapping] : _impl->targets)
        if (id.first == target) kinds.push_back(id.second);
    return kinds;
}

// ---- source layouts -------------------------------------------------------------------------

SourceLayout::SourceLayout(std::unique_ptr<Impl> impl) : _impl(std::move(impl)) {}
SourceLayout::~SourceLayout() = default;
const std::string& SourceLayout::name() const { return _impl->name; }
const std::string& SourceLayout::kind() const { return _impl->kind; }
const std::string& SourceLayout::sourceFile() const { return _impl->file; }

namespace {

void readLayoutColumn(xmlNode* node, const MappingCatalog::Impl& catalog,
                      const KindDefinition& kind, SourceLayout::Impl& layout, Problems& problems) {
    SourceLayout::Impl::Column column;
    column.header = attr(node, "header");
    column.field = attr(node, "field");
    column.line = lineOf(node);
    column.datePattern = attr(node, "datePattern");
    column.yuanToWanyuan = attr(node, "unit") == "元";
    if (hasAttr(node, "scale")) column.amountScale = std::stoi(attr(node, "scale"));
    const std::string& file = layout.file;
    std::string where = "column \"" + column.header + "\": ";
    if (kind.fieldName(column.field).empty())
        problems.add(file, column.line,
                     where + "field \"" + column.field + "\" is not a field of kind " + kind.id() +
                         " (see " + kind.sourceFile() + ")");
    if (!column.datePattern.empty() && !validDatePattern(column.datePattern))
        problems.add(
            file, column.line,
            where + "datePattern \"" + column.datePattern + "\" must contain yyyy, M and d");
    auto values = children(node, "value");
    if (hasAttr(node, "codeTable")) {
        auto it = catalog.codeTables.find(attr(node, "codeTable"));
        if (it == catalog.codeTables.end())
            problems.add(file, column.line,
                         where + "unknown code table \"" + attr(node, "codeTable") +
                             "\"; known: " + keysOf(catalog.codeTables));
        else
            column.codes = *it->second;
    }
    if (!values.empty() && !column.codes) {
        column.codes.emplace();
        column.codes->id = "layout " + layout.name + " column " + column.header;
        column.codes->file = file;
    }
    for (xmlNode* value : values) {
        std::string standard = attr(value, "standard");
        column.codes->values.push_back(attr(value, "local") + "=" + standard);
        addKey(*column.codes, attr(value, "local"), {standard}, lineOf(value), problems);
    }
    if (!layout.byHeader.emplace(matchKey(column.header), layout.columns.size()).second)
        problems.add(file, column.line, where + "the header is mapped twice");
    layout.columns.push_back(std::move(column));
}

}  // namespace

Result<std::shared_ptr<const SourceLayout>> MappingCatalog::loadLayout(
    const std::string& path) const {
    try {
        Problems problems;
        mapping::SchemaCache schemas;
        auto doc = mapping::parseAndValidate(path, schemaPath(_impl->dir, "source-layout.xsd"),
                                             schemas, problems);
        if (!doc) return Status::invalidArgument(problems.text());
        xmlNode* root = xmlDocGetRootElement(doc.get());
        auto impl = std::make_unique<SourceLayout::Impl>();
        impl->name = attr(root, "name");
        impl->kind = attr(root, "kind");
        impl->file = path;
        const KindDefinition* kindDef = kind(impl->kind);
        if (kindDef == nullptr)
            return Status::invalidArgument(path + ":" + std::to_string(lineOf(root)) +
                                           ": unknown kind \"" + impl->kind +
                                           "\"; known: " + keysOf(_impl->kinds));
        for (xmlNode* node : children(root, "column"))
            readLayoutColumn(node, *_impl, *kindDef, *impl, problems);
        for (xmlNode* node : children(root, "constant")) {
            std::string field = attr(node, "field");
            if (kindDef->fieldName(field).empty())
                problems.add(
                    path, lineOf(node),
                    "constant: field \"" + field + "\" is not a field of kind " + impl->kind);
            impl->constants.emplace_back(field, attr(node, "value"));
        }
        if (!problems.empty()) return Status::invalidArgument(problems.text());
        return std::shared_ptr<const SourceLayout>(std::make_shared<SourceLayout>(std::move(impl)));
    } catch (const std::exception& e) {
        return Status::invalidArgument(path + ": cannot load the source layout: " + e.what());
    }
}

}  // namespace creditgw
