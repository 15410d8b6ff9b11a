// Specification of source layouts (mappings/sources/*.xml): the shipped example maps a local
// 行政处罚 export (tests/fixtures/mapping/example-cf-local.csv) to records the creditchina
// mapping accepts; transforms that fail become record problems; broken layouts are refused.

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "TestSupport.h"
#include "creditgw/Mapping.h"

using namespace creditgw;

namespace {

const MappingCatalog& catalog() { return test::shippedMappings(); }

std::shared_ptr<const SourceLayout> exampleLayout() {
    auto layout = catalog().loadLayout(test::sourcePath("mappings/sources/example-cf-local.xml"));
    if (!layout) throw std::runtime_error(layout.status().toString());
    return *layout;
}

std::vector<std::string> splitCsvLine(const std::string& line) {
    std::vector<std::string> cells;
    std::stringstream in(line);
    for (std::string cell; std::getline(in, cell, ',');) cells.push_back(cell);
    if (!line.empty() && line.back() == ',') cells.emplace_back();
    return cells;
}

/// The fixture export as rows (plain comma-separated, no quoting in it).
struct Export {
    std::vector<std::string> header;
    std::vector<SourceRow> rows;
};

Export readExample() {
    std::string path = test::sourcePath("tests/fixtures/mapping/example-cf-local.csv");
    std::ifstream in(path);
    Export out;
    std::string line;
    std::getline(in, line);
    out.header = splitCsvLine(line);
    for (std::size_t number = 2; std::getline(in, line); ++number) {
        SourceRow row{path, number, {}, {}, {}, {}};
        auto cells = splitCsvLine(line);
        for (std::size_t i = 0; i < out.header.size() && i < cells.size(); ++i)
            row.columns.emplace_back(out.header[i], cells[i]);
        out.rows.push_back(std::move(row));
    }
    return out;
}

SourceRow oneRow(FieldList columns) { return SourceRow{"local.csv", 2, std::move(columns), {}, {}, {}}; }

std::vector<std::string> rules(const std::vector<Violation>& violations) {
    std::vector<std::string> out;
    for (const auto& v : violations) out.push_back(v.field + ":" + v.rule);
    return out;
}

}  // namespace

TEST(SourceLayoutTest, GivenTheExampleLayout_ThenItLoadsForKindCf) {
    auto layout = exampleLayout();
    EXPECT_EQ(layout->name(), "example-cf-local");
    EXPECT_EQ(layout->kind(), "cf");
}

TEST(SourceLayoutTest, GivenTheExampleExport_ThenRowsMapToValidCreditChinaRecords) {
    auto layout = exampleLayout();
    const KindDefinition& cf = *catalog().kind("cf");
    Export data = readExample();
    ASSERT_EQ(data.rows.size(), 2u);
    EXPECT_EQ(cf.unknownColumns(data.header, layout.get()), std::vector<std::string>{"经办人"});

    Record company = cf.toRecord(data.rows[0], layout.get());
    EXPECT_TRUE(company.problems.empty());
    EXPECT_EQ(company.field("CF_WSH"), "深交罚〔2024〕101号");
    EXPECT_EQ(company.field("CF_XDR_LB"), "法人及非法人组织");
    EXPECT_EQ(company.field("CF_NR_FK"), "0.2");  // 2000 元
    EXPECT_EQ(company.field("CF_JDRQ"), "2024-09-27");
    EXPECT_EQ(company.field("CF_SJLY"), "交通运输部");  // layout constant
    EXPECT_EQ(company.department, "执法一科");
    EXPECT_EQ(company.sourceLine, 2u);

    Record person = cf.toRecord(data.rows[1], layout.get());
    EXPECT_EQ(person.field("CF_NR_FK"), "0.12345");  // 1234.5 元
    EXPECT_EQ(person.field("CF_NR_WFFF"), "0.03");   // 300 元
    EXPECT_EQ(person.field("CF_XDR_ZJLX"), "身份证");
    EXPECT_EQ(person.field("CF_XDR_LB"), "自然人");

    const TargetMapping& target = *catalog().target("creditchina", "cf");
    MappingContext context{CivilDate{2024, 10, 8}};
    EXPECT_EQ(rules(target.apply(company, context).violations), std::vector<std::string>{});
    EXPECT_EQ(rules(target.apply(person, context).violations), std::vector<std::string>{});
}

TEST(SourceLayoutTest, GivenYuanAmounts_ThenExactWanyuanWithSixDecimals) {
    auto layout = exampleLayout();
    const KindDefinition& cf = *catalog().kind("cf");
    struct Case {
        const char* yuan;
        const char* wanyuan;
    };
    for (const Case& c : {Case{"2000", "0.2"}, Case{"1234.5", "0.12345"}, Case{"0.01", "0.000001"},
                          Case{"0.005", "0.000001"}, Case{"0.004", "0"}, Case{"99999.995", "10"},
                          Case{"123456789012.34", "12345678.901234"}, Case{"0", "0"}}) {
        Record r = cf.toRecord(oneRow({{"罚款金额(元)", c.yuan}}), layout.get());
        EXPECT_EQ(r.field("CF_NR_FK"), c.wanyuan) << c.yuan;
        EXPECT_TRUE(r.problems.empty()) << c.yuan;
    }
}

TEST(SourceLayoutTest, GivenValuesTheLayoutCannotRead_ThenProblemsNameTheColumn) {
    auto layout = exampleLayout();
    const KindDefinition& cf = *catalog().kind("cf");
    Record r = cf.toRecord(oneRow({{"处罚日期", "2024-09-27"},
                                   {"当事人类型", "9"},
                                   {"罚款金额(元)", "两千"},
                                   {"证件类型", "99"}}),
                           layout.get());
    EXPECT_EQ(rules(r.problems),
              (std::vector<std::string>{"CF_JDRQ:date", "CF_XDR_LB:code_table", "CF_NR_FK:amount",
                                        "CF_XDR_ZJLX:code_table"}));
    EXPECT_NE(r.problems[0].message.find("\"处罚日期\""), std::string::npos);
    EXPECT_NE(r.problems[0].message.find("yyyyMMdd"), std::string::npos);
    EXPECT_EQ(r.field("CF_JDRQ"), "");  // never a half-read value
}

TEST(SourceLayoutTest, GivenNoLayout_ThenLocalColumnsAreUnknown) {
    const KindDefinition& cf = *catalog().kind("cf");
    Record r = cf.toRecord(oneRow({{"案件编号", "X1"}, {"罚款金额(元)", "2000"}}));
    EXPECT_EQ(r.field("CF_WSH"), "");
    EXPECT_EQ(r.field("CF_NR_FK"), "");
}

TEST(SourceLayoutTest, GivenALayoutWithUnknownFieldAndTable_ThenBothAreReportedWithLines) {
    std::string path = test::sourcePath("tests/fixtures/mapping/layout-unknown-field.xml");
    auto layout = catalog().loadLayout(path);
    ASSERT_FALSE(layout.isOk());
    EXPECT_EQ(layout.status().code(), StatusCode::InvalidArgument);
    const std::string& message = layout.status().message();
    EXPECT_NE(message.find(
                  path + ":6: column \"罚没金额\": field \"CF_NR_FKJE\" is not a field of kind cf"),
              std::string::npos)
        << message;
    EXPECT_NE(message.find(path + ":7: column \"证件类别\": unknown code table \"zjlb\""),
              std::string::npos)
        << message;
}

TEST(SourceLayoutTest, GivenALayoutThatBreaksTheSchema_ThenTheXsdErrorHasItsLine) {
    std::string path = test::sourcePath("tests/fixtures/mapping/layout-bad-unit.xml");
    auto layout = catalog().loadLayout(path);
    ASSERT_FALSE(layout.isOk());
    EXPECT_NE(layout.status().message().find(path + ":5: "), std::string::npos)
        << layout.status().message();
    EXPECT_NE(layout.status().message().find("unit"), std::string::npos);
}

TEST(SourceLayoutTest, GivenAMissingLayoutFile_ThenInvalidArgument) {
    auto layout = catalog().loadLayout("/nonexistent/layout.xml");
    ASSERT_FALSE(layout.isOk());
    EXPECT_NE(layout.status().message().find("/nonexistent/layout.xml"), std::string::npos);
}
