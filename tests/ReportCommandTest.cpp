// `creditgw report` as compliance officers read it: the real binary on a real store. A 身份证号
// inside a 文书号 or a name never shows in full.

#include <gtest/gtest.h>

#include "TestSupport.h"

using namespace creditgw;

TEST(ReportCommandTest, AnIdNumberInsideADocumentNumberIsMaskedInTheReport) {
    test::ScratchDir dir("report-mask");
    test::writeFile(dir.file("cf.csv"), "行政相对人名称,行政处罚决定书文号,处罚机关统一社会信用代码,处罚决定日期\n"
                                        "傅新民371321197412169230,示交罚〔2026〕371321197412169230号,"
                                        "11371300MB20260018,2026-11-02\n");
    std::string gw = std::string(CREDITGW_BINARY) + " ";
    auto ingested = test::runCommand(gw + "ingest --kind cf --store " + dir.file("s.db") + " --input " + dir.file("cf.csv"));
    ASSERT_EQ(ingested.exitCode, 0) << ingested.output;
    auto report = test::runCommand(gw + "report --store " + dir.file("s.db"));
    ASSERT_EQ(report.exitCode, 0) << report.output;
    EXPECT_NE(report.output.find("示交罚〔2026〕371321********9230号"), std::string::npos) << report.output;
    EXPECT_EQ(report.output.find("197412169"), std::string::npos) << report.output;
}
