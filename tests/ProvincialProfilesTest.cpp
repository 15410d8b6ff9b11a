// Specification of the shipped provincial profiles (mappings/sd-xyjt, sd-credit, ha-xyjt,
// ha-credit, cq-xyjt, zj-xyjt): every folder is a loadable template for the `provincial` plugin,
// has golden cases for every kind it publishes, writes envelopes its own package.xsd accepts and
// encodings iconv can read — and a new province is added by copying a folder and editing text.

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <regex>
#include <set>

#include "TestSupport.h"
#include "creditgw/Gateway.h"
#include "creditgw/GoldenCases.h"
#include "creditgw/Mapping.h"

using namespace creditgw;
namespace fs = std::filesystem;

namespace {

const std::string kMappings = CREDITGW_SOURCE_DIR "/mappings";
const std::vector<std::string> kProvinces = {"sd-xyjt",   "sd-credit", "ha-xyjt",
                                             "ha-credit", "cq-xyjt",   "zj-xyjt"};

std::string shellQuoted(const std::string& text) {
    return "'" + text + "'";
}

std::unique_ptr<Gateway> openGateway(const std::string& dataDir) {
    GatewaySettings settings{dataDir, CREDITGW_TEST_PLUGIN_DIR, ":memory:", kGoldenUnitCode,
                             kGoldenUnitName};
    auto gateway = Gateway::open(settings);
    if (!gateway) throw std::runtime_error(gateway.status().toString());
    return std::move(*gateway);
}

/// The expected payloads of a target's golden cases.
std::vector<std::string> expectedFiles(const std::string& target) {
    std::vector<std::string> files;
    for (const auto& entry : fs::directory_iterator(kMappings + "/" + target + "/golden"))
        if (entry.path().extension() == ".expected") files.push_back(entry.path().string());
    std::sort(files.begin(), files.end());
    return files;
}

/// Replaces every `from` in a file (text edits only: what IT staff do by hand).
void replaceAll(const std::string& path, const std::string& from, const std::string& to) {
    std::string text = test::readFile(path);
    std::size_t count = 0;
    for (std::size_t pos = text.find(from); pos != std::string::npos;
         pos = text.find(from, pos + to.size())) {
        text.replace(pos, from.size(), to);
        ++count;
    }
    if (count == 0) throw std::runtime_error(from + " not in " + path);
    test::writeFile(path, text);
}

/// The line libxml2 reports for the element whose text contains `needle` (where its start tag
/// ends).
long lineOfElement(const std::string& path, const std::string& needle) {
    std::string text = test::readFile(path);
    std::size_t pos = text.find(needle);
    if (pos == std::string::npos) throw std::runtime_error(needle + " not in " + path);
    std::size_t tagEnd = text.find('>', pos);
    return 1 + static_cast<long>(
                   std::count(text.begin(), text.begin() + static_cast<long>(tagEnd), '\n'));
}

/// A scratch data directory: the shipped mappings and holidays, plus js-xyjt copied from sd-xyjt
/// with only its id, name and 地方编码 edited — no C++ and no other file touched.
class CopiedProvince {
public:
    explicit CopiedProvince(const std::string& name) : _dir(name) {
        fs::copy(kMappings, root(), fs::copy_options::recursive);
        fs::create_directory_symlink(CREDITGW_SOURCE_DIR "/data", _dir.path() + "/data");
        fs::copy(kMappings + "/sd-xyjt", folder(), fs::copy_options::recursive);
        for (const auto& entry : fs::recursive_directory_iterator(folder())) {
            if (entry.path().extension() != ".xml") continue;
            std::string text = test::readFile(entry.path().string());
            if (text.find("\"sd-xyjt\"") != std::string::npos)
                replaceAll(entry.path().string(), "\"sd-xyjt\"", "\"js-xyjt\"");
        }
        replaceAll(file("profile.xml"), "信用交通·山东", "信用交通·江苏");
        for (const char* kind : {"xk", "cf", "pj", "md", "cn", "jc"}) {
            replaceAll(file(std::string(kind) + ".xml"),
                       "constant=\"370000\" pattern=\"37[0-9]{4}\"",
                       "constant=\"320000\" pattern=\"32[0-9]{4}\"");
        }
        // The copied golden expectations are sd-xyjt's; the new province makes its own.
        for (const auto& entry : fs::directory_iterator(file("golden")))
            if (entry.path().extension() != ".csv") fs::remove(entry.path());
    }
    std::string dataDir() const { return _dir.path(); }
    std::string root() const { return _dir.path() + "/mappings"; }
    std::string folder() const { return root() + "/js-xyjt"; }
    std::string file(const std::string& relative) const { return folder() + "/" + relative; }

private:
    test::ScratchDir _dir;
};

}  // namespace

TEST(ProvincialProfilesTest,
     GivenTheShippedMappings_ThenEveryProvinceLoadsAsATemplateOfTheProvincialPlugin) {
    auto catalog = MappingCatalog::load(kMappings);
    ASSERT_TRUE(catalog.isOk()) << catalog.status().toString();
    std::vector<std::string> names = (*catalog)->targetNames();
    for (const auto& province : kProvinces) {
        SCOPED_TRACE(province);
        ASSERT_NE(std::find(names.begin(), names.end(), province), names.end());
        const TargetProfile* profile = (*catalog)->profile(province);
        ASSERT_NE(profile, nullptr);
        EXPECT_EQ(profile->plugin, "provincial");
        EXPECT_TRUE(profile->isTemplate)
            << "the real spec is not public: the profile must say template=\"true\"";
        EXPECT_EQ(profile->endpointUrl, "")
            << "endpoints are configured at run time, never committed";
        std::string readme = test::readFile(kMappings + "/" + province + "/README.md");
        EXPECT_NE(readme.find("模板"), std::string::npos) << "README.md must say 模板";
        if (profile->envelopeFormat == "xml") {
            EXPECT_EQ(fs::path(profile->envelopeSchema).filename(), "package.xsd");
            EXPECT_TRUE(fs::exists(profile->envelopeSchema));
        }
    }
}

TEST(ProvincialProfilesTest, GivenTheProvinces_ThenTheyVaryInEnvelopeEncodingAndDates) {
    auto catalog = MappingCatalog::load(kMappings);
    ASSERT_TRUE(catalog.isOk()) << catalog.status().toString();
    std::set<std::string> formats, encodings, dateFormats;
    for (const auto& province : kProvinces) {
        const TargetProfile* profile = (*catalog)->profile(province);
        ASSERT_NE(profile, nullptr) << province;
        formats.insert(profile->envelopeFormat);
        encodings.insert(profile->envelopeEncoding);
        dateFormats.insert(profile->dateFormat);
    }
    EXPECT_EQ(formats, (std::set<std::string>{"csv", "json", "xlsx", "xml"}));
    EXPECT_EQ(encodings, (std::set<std::string>{"GBK", "UTF-8"}));
    EXPECT_EQ(dateFormats, (std::set<std::string>{"yyyy-MM-dd", "yyyy/MM/dd", "yyyyMMdd"}));
}

TEST(ProvincialProfilesTest, WhenMappingCheckRunsOnEachProvince_ThenItReportsNoProblem) {
    for (const auto& province : kProvinces) {
        auto run = test::runCommand(std::string(CREDITGW_BINARY) + " mapping check " +
                                    shellQuoted(kMappings + "/" + province + "/profile.xml"));
        EXPECT_EQ(run.exitCode, 0) << province << ": " << run.output;
        EXPECT_NE(run.output.find("no problems"), std::string::npos) << run.output;
    }
}

TEST(ProvincialProfilesTest, GivenEachPublishedKind_ThenAGoldenCaseWithValidAndHeldRowsPasses) {
    auto gateway = openGateway(CREDITGW_SOURCE_DIR);
    for (const auto& province : kProvinces) {
        std::vector<std::string> kinds = gateway->kindsOf(province);
        EXPECT_FALSE(kinds.empty()) << province;
        auto cases = findGoldenCases(kMappings, province);
        for (const auto& kind : kinds) {
            SCOPED_TRACE(province + "/" + kind);
            bool covered = false;
            for (const auto& goldenCase : cases) {
                if (goldenCase.kind != kind) continue;
                covered = true;
                GoldenResult result = runGoldenCase(*gateway, goldenCase, false);
                EXPECT_TRUE(result.passed) << goldenCase.name << ": " << result.message;
                EXPECT_FALSE(test::readFile(goldenCase.basePath + ".held").empty())
                    << goldenCase.name << " should hold at least one invalid row";
                EXPECT_GT(test::readFile(goldenCase.basePath + ".expected").size(), 200u)
                    << goldenCase.name << " should publish valid rows";
            }
            EXPECT_TRUE(covered) << "no golden case for this kind";
        }
    }
}

TEST(ProvincialProfilesTest,
     GivenTheXmlProvinces_ThenEveryGoldenPayloadSatisfiesTheFolderPackageXsd) {
    for (const std::string province : {"sd-xyjt", "ha-xyjt"}) {
        std::string schema = kMappings + "/" + province + "/package.xsd";
        for (const auto& expected : expectedFiles(province)) {
            auto run = test::runCommand("xmllint --noout --schema " + shellQuoted(schema) + " " +
                                        shellQuoted(expected));
            EXPECT_EQ(run.exitCode, 0) << run.output;
        }
    }
}

TEST(ProvincialProfilesTest, GivenAPayloadWithAnUnknownFieldOrCode_ThenThePackageXsdRejectsIt) {
    test::ScratchDir dir("provincial-xsd");
    std::string payload = test::readFile(kMappings + "/ha-xyjt/golden/cf-basic.expected");
    std::string badCode =
        std::regex_replace(payload, std::regex("<cf_xdr_lb>1</cf_xdr_lb>"),
                           "<cf_xdr_lb>法人</cf_xdr_lb>", std::regex_constants::format_first_only);
    std::string unknownField = std::regex_replace(payload, std::regex("<bz>"), "<bz2></bz2><bz>",
                                                  std::regex_constants::format_first_only);
    ASSERT_NE(badCode, payload);
    ASSERT_NE(unknownField, payload);
    for (const auto& [name, text] :
         {std::pair{"bad-code.xml", badCode}, std::pair{"unknown-field.xml", unknownField}}) {
        test::writeFile(dir.file(name), text);
        auto run = test::runCommand("xmllint --noout --schema " +
                                    shellQuoted(kMappings + "/ha-xyjt/package.xsd") + " " +
                                    shellQuoted(dir.file(name)));
        EXPECT_NE(run.exitCode, 0) << name << " was accepted: " << run.output;
    }
}

TEST(ProvincialProfilesTest, GivenTheGbkProvinces_ThenTheirPayloadsAreGbkThatIconvDecodes) {
    for (const std::string province : {"sd-xyjt", "ha-credit"}) {
        for (const auto& expected : expectedFiles(province)) {
            auto asUtf8 = test::runCommand("iconv -f UTF-8 -t UTF-8 " + shellQuoted(expected) +
                                           " >/dev/null");
            EXPECT_NE(asUtf8.exitCode, 0) << expected << " is plain UTF-8, not GBK";
            auto decoded = test::runCommand("iconv -f GBK -t UTF-8 " + shellQuoted(expected));
            EXPECT_EQ(decoded.exitCode, 0) << expected << ": " << decoded.output.substr(0, 300);
            EXPECT_NE(decoded.output.find("示范市交通运输局"), std::string::npos) << expected;
        }
    }
    auto xml = test::runCommand("iconv -f GBK -t UTF-8 " +
                                shellQuoted(kMappings + "/sd-xyjt/golden/cf-basic.expected"));
    EXPECT_EQ(xml.output.rfind("<?xml version=\"1.0\" encoding=\"GBK\"?>", 0), 0u);
    EXPECT_NE(xml.output.find("<FKJE>5000.00</FKJE>"), std::string::npos)
        << "sd-xyjt takes 罚款 in 元";
    auto csv = test::runCommand("iconv -f GBK -t UTF-8 " +
                                shellQuoted(kMappings + "/ha-credit/golden/xk-basic.expected"));
    EXPECT_EQ(csv.output.rfind("记录标识,行政相对人名称,行政相对人类别,", 0), 0u)
        << "ha-credit's header is Chinese titles, after the record key (envelope.key.column)";
}

TEST(ProvincialProfilesTest, GivenTheXlsxProvince_ThenItsSheetCarriesTheCollectionFields) {
    auto strings = test::runCommand("unzip -p " +
                                    shellQuoted(kMappings + "/zj-xyjt/golden/xk-basic.expected") +
                                    " xl/sharedStrings.xml");
    ASSERT_EQ(strings.exitCode, 0) << strings.output;
    EXPECT_NE(strings.output.find("业务主键"), std::string::npos);
    EXPECT_NE(strings.output.find("11371300MB20260018|示交许〔2026〕1020号"), std::string::npos);
    EXPECT_NE(strings.output.find("330000"), std::string::npos);
}

TEST(ProvincialProfilesTest,
     GivenSdXyjtCopiedAsJsXyjtByEditingText_ThenTheCatalogLoadsItAndMapsRecords) {
    CopiedProvince copy("provincial-copy");
    auto catalog = MappingCatalog::load(copy.root());
    ASSERT_TRUE(catalog.isOk()) << catalog.status().toString();
    const TargetProfile* profile = (*catalog)->profile("js-xyjt");
    ASSERT_NE(profile, nullptr);
    EXPECT_EQ(profile->name, "信用交通·江苏");
    EXPECT_EQ(profile->plugin, "provincial");

    auto gateway = openGateway(copy.dataDir());
    EXPECT_EQ(gateway->kindsOf("js-xyjt"), gateway->kindsOf("sd-xyjt"));
    DryRunOptions options;
    options.today = CivilDate::parse(kGoldenToday);
    options.batchId = "js-1";
    options.createdAt = kGoldenCreatedAt;
    IngestRequest request{copy.file("golden/cf-basic.csv"), "cf", "utf-8", "csv", "", ""};
    auto result = gateway->dryRun(request, "js-xyjt", options);
    ASSERT_TRUE(result.isOk()) << result.status().toString();
    EXPECT_EQ(result->valid, 7u);
    EXPECT_EQ(result->held, 2u);
    test::writeFile(copy.dataDir() + "/payload.xml", result->payload);
    auto decoded =
        test::runCommand("iconv -f GBK -t UTF-8 " + shellQuoted(copy.dataDir() + "/payload.xml"));
    ASSERT_EQ(decoded.exitCode, 0) << decoded.output;
    EXPECT_NE(decoded.output.find("<SJBLX>XZCF</SJBLX>"), std::string::npos);
    EXPECT_NE(decoded.output.find("<DFBM>320000</DFBM>"), std::string::npos);
    EXPECT_EQ(decoded.output.find("370000"), std::string::npos);

    // The same through the binary IT staff use: check, golden cases, dry run.
    std::string binary = CREDITGW_BINARY;
    std::string cliOptions = " --data-dir " + shellQuoted(copy.dataDir()) + " --plugin-dir " +
                             shellQuoted(CREDITGW_TEST_PLUGIN_DIR);
    auto check =
        test::runCommand(binary + " mapping check " + shellQuoted(copy.file("profile.xml")));
    EXPECT_EQ(check.exitCode, 0) << check.output;
    auto created =
        test::runCommand(binary + " mapping test --target js-xyjt --update" + cliOptions);
    EXPECT_EQ(created.exitCode, 0) << created.output;
    auto rerun = test::runCommand(binary + " mapping test --target js-xyjt" + cliOptions);
    EXPECT_EQ(rerun.exitCode, 0) << rerun.output;
    EXPECT_NE(rerun.output.find("6 passed, 0 failed"), std::string::npos) << rerun.output;
    auto map =
        test::runCommand(binary + " map --target js-xyjt --kind xk --input " +
                         shellQuoted(copy.file("golden/xk-basic.csv")) + " --out " +
                         shellQuoted(copy.dataDir() + "/out") + cliOptions + " --unit-code " +
                         kGoldenUnitCode + " --unit-name " + kGoldenUnitName);
    EXPECT_EQ(map.exitCode, 0) << map.output;
    EXPECT_NE(map.output.find("valid 4, held 3"), std::string::npos) << map.output;
}

TEST(ProvincialProfilesTest, GivenABrokenCopy_ThenMappingCheckNamesFileAndLineOfEachMistake) {
    CopiedProvince copy("provincial-broken");
    // A bad output code (empty) in the province's own code table, and a field the kind lacks.
    replaceAll(copy.file("codes/xdrlb.xml"), "output=\"3\"", "output=\"\"");
    replaceAll(copy.file("cf.xml"), "code=\"CF_WFXW\"", "code=\"CF_WFXX\"");
    long codeLine = lineOfElement(copy.file("codes/xdrlb.xml"), "code=\"个体工商户\"");
    long fieldLine = lineOfElement(copy.file("cf.xml"), "code=\"CF_WFXX\"");

    auto run = test::runCommand(std::string(CREDITGW_BINARY) + " mapping check " +
                                shellQuoted(copy.root()));
    EXPECT_NE(run.exitCode, 0) << run.output;
    EXPECT_NE(run.output.find(copy.file("codes/xdrlb.xml") + ":" + std::to_string(codeLine) + ":"),
              std::string::npos)
        << run.output;
    EXPECT_NE(run.output.find(copy.file("cf.xml") + ":" + std::to_string(fieldLine) + ":"),
              std::string::npos)
        << run.output;
    EXPECT_NE(run.output.find("CF_WFXX"), std::string::npos) << run.output;
    EXPECT_EQ(run.output.find("sd-xyjt/"), std::string::npos)
        << "the original must stay clean: " << run.output;
}
