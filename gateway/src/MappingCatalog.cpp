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
        mapping::KindField field{attr(node, "code"), attr(node, "name"), attr(node, "join")};
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
        requireField(node, "identity authority", impl->identityAuthority);
        requireField(node, "identity document", impl->identityDocument);
        for (xmlNode* subject : children(node, "subject")) {
            impl->identitySubjects.push_back(attr(subject, "field"));
            requireField(subject, "identity subject", impl->identitySubjects.back());
        }
    }
    return std::make_unique<KindDefinition>(std::move(impl));
}

// ---- targets --------------------------------------------------------------------------------

struct TargetLoader {
    const MappingCatalog::Impl& catalog;
    const std::string& file;
    Problems& problems;
    TargetMapping::Impl& map;
    const KindDefinition* kind = nullptr;

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
        if (indexOf(f.code) >= 0) error(node, f.code, "defined twice");
        if (kind && kind->fieldName(f.from).empty())
            error(node, f.code,
                  "from \"" + f.from + "\" is not a field of kind " + kind->id() + " (" +
                      kind->sourceFile() + ")");
        std::string type = attr(node, "type");
        using Type = TargetMapping::Impl::Type;
        f.type = type == "date"     ? Type::Date
                 : type == "amount" ? Type::Amount
                 : type == "code"   ? Type::Code
                                    : Type::Text;
        if (hasAttr(node, "maxLength")) f.maxLength = std::stoul(attr(node, "maxLength"));
        f.required = attr(node, "required") == "true";
        if (hasAttr(node, "codeTable")) {
            auto it = catalog.codeTables.find(attr(node, "codeTable"));
            auto broken = catalog.brokenCodeFiles.find(attr(node, "codeTable"));
            if (broken != catalog.brokenCodeFiles.end())
                error(node, f.code,
                      "code table \"" + broken->first + "\" did not load; fix the errors in " +
                          broken->second);
            else if (it == catalog.codeTables.end())
                error(node, f.code,
                      "unknown code table \"" + attr(node, "codeTable") +
                          "\"; known: " + keysOf(catalog.codeTables));
            else
                f.codeTable = it->second.get();
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
        map.fields.push_back(std::move(f));
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

    void read(xmlNode* root) {
        map.target = attr(root, "id");
        map.kind = attr(root, "kind");
        map.version = attr(root, "version");
        map.file = file;
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
    }
};

std::unique_ptr<TargetMapping> loadTarget(const MappingCatalog::Impl& catalog,
                                          const std::string& file, const std::string& schema,
                                          const std::string& dirName, mapping::SchemaCache& schemas,
                                          Problems& problems) {
    auto doc = mapping::parseAndValidate(file, schema, schemas, problems);
    if (!doc) return nullptr;
    auto impl = std::make_unique<TargetMapping::Impl>();
    std::size_t before = problems.size();
    TargetLoader loader{catalog, file, problems, *impl};
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
        for (const auto& targetDir : targetDirs) {
            for (const auto& file : xmlFilesIn(targetDir)) {
                auto target = loadTarget(*impl, file, schemaPath(mappingsDir, "target.xsd"),
                                         targetDir.filename().string(), schemas, problems);
                if (!target) continue;
                auto key = std::make_pair(target->target(), target->kind());
                if (!impl->targets.emplace(key, std::move(target)).second)
                    problems.add(file, 0,
                                 "a mapping for target " + key.first + " and kind " + key.second +
                                     " already exists");
            }
        }
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

std::vector<std::pair<std::string, std::string>> MappingCatalog::targetIds() const {
    std::vector<std::pair<std::string, std::string>> ids;
    for (const auto& [id, target] : _impl->targets) ids.push_back(id);
    return ids;
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
