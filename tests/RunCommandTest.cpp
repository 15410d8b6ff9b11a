// `creditgw run`, the daemon: the real binary, a real inbox, the real mock platform over mTLS.

#include <gtest/gtest.h>

#include <Poco/Pipe.h>
#include <Poco/PipeStream.h>
#include <Poco/Process.h>

#include <csignal>
#include <filesystem>
#include <atomic>
#include <thread>

#include <xlsxwriter.h>

#include "TestSupport.h"
#include "creditgw/MockPlatform.h"

using namespace creditgw;
namespace fs = std::filesystem;

namespace {

class RunCommandTest : public ::testing::Test {
protected:
    void SetUp() override {
        certs = test::devCertsDir();
        MockPlatformConfig config = test::devMockPlatformConfig();
        platform = std::make_unique<MockPlatform>(config);
        ASSERT_TRUE(platform->start());
        fs::create_directories(dir.file("inbox/cf"));
    }

    std::vector<std::string> runArgs(const std::string& dataDir, const std::string& extra) {
        std::vector<std::string> args = {"run", "--inbox", dir.file("inbox"), "--endpoint", platform->endpoint(),
                                         "--ca", certs + "/ca.pem", "--cert", certs + "/client.pem",
                                         "--key", certs + "/client.key", "--signing-key", certs + "/signing.key",
                                         "--store", dir.file("store.db"), "--data-dir", dataDir,
                                         "--unit-code", "11371300MB20260018", "--unit-name", "示范市交通运输局"};
        args.push_back(extra);
        return args;
    }

    std::string joined(const std::vector<std::string>& args) {
        std::string line = CREDITGW_BINARY;
        for (const auto& a : args) line += " '" + a + "'";
        return line;
    }

    test::ScratchDir dir{"run"};
    std::string certs;
    std::unique_ptr<MockPlatform> platform;
};

}  // namespace

TEST_F(RunCommandTest, OneCycleIngestsTheInboxUploadsAndFilesTheInput) {
    test::writeFile(dir.file("inbox/cf/penalties.csv"), test::kTwoNovemberPenaltiesCsv);
    test::writeFile(dir.file("inbox/cf/broken.gbk.csv"), "\xEF\xBB\xBF" "CF_WSH\n1\n");  // UTF-8 BOM in a GBK file
    test::writeFile(dir.file("inbox/cf/still-copying.csv.part"), test::kTwoNovemberPenaltiesCsv);
    auto result = test::runCommand(joined(runArgs(CREDITGW_SOURCE_DIR, "--once")) + " --settle-seconds 0");
    ASSERT_EQ(result.exitCode, 0) << result.output;
    EXPECT_EQ(platform->counters().accepted, 2u) << result.output;
    EXPECT_TRUE(fs::exists(dir.file("inbox/processed/cf/penalties.csv")));
    EXPECT_FALSE(fs::exists(dir.file("inbox/cf/penalties.csv")));
    EXPECT_TRUE(fs::exists(dir.file("inbox/failed/cf/broken.gbk.csv")));
    EXPECT_NE(test::readFile(dir.file("inbox/failed/cf/broken.gbk.csv.error.txt")).find("utf-8"), std::string::npos);
    EXPECT_NE(result.output.find("accepted 2"), std::string::npos) << result.output;
    EXPECT_TRUE(fs::exists(dir.file("inbox/cf/still-copying.csv.part"))) << "a .part file is never taken";
}

TEST_F(RunCommandTest, AFileStillBeingWrittenIsLeftForALaterCycle) {
    test::writeFile(dir.file("inbox/cf/penalties.csv"), test::kTwoNovemberPenaltiesCsv);  // modified just now
    auto result = test::runCommand(joined(runArgs(CREDITGW_SOURCE_DIR, "--once")) + " --settle-seconds 60");
    ASSERT_EQ(result.exitCode, 0) << result.output;
    EXPECT_TRUE(fs::exists(dir.file("inbox/cf/penalties.csv")));
    EXPECT_EQ(platform->counters().accepted, 0u);
}

TEST_F(RunCommandTest, ABadMappingEditWhileRunningKeepsTheLastGoodMappingsAndUploadsGoOn) {
    fs::create_directories(dir.file("data"));
    fs::copy(test::sourcePath("mappings"), dir.file("data/mappings"), fs::copy_options::recursive);
    fs::copy(test::sourcePath("data"), dir.file("data/data"), fs::copy_options::recursive);
    Poco::Pipe errors;
    std::vector<std::string> args = runArgs(dir.file("data"), "--interval");
    args.push_back("1");
    args.push_back("--settle-seconds");
    args.push_back("0");
    Poco::ProcessHandle daemon = Poco::Process::launch(CREDITGW_BINARY, args, nullptr, nullptr, &errors);
    Poco::PipeInputStream log(errors);
    // A watchdog: if an expected line never comes, stop the daemon so the test fails, not hangs.
    std::atomic<bool> finished{false};
    std::thread watchdog([&] {
        for (int i = 0; i < 300 && !finished; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
        if (!finished) Poco::Process::kill(daemon);
    });
    // Reads the daemon's log until `text` appears (or the log ends).
    auto waitFor = [&](const std::string& text) {
        std::string line;
        while (std::getline(log, line))
            if (line.find(text) != std::string::npos) return true;
        return false;
    };
    ASSERT_TRUE(waitFor("started"));
    ASSERT_TRUE(waitFor("creditchina: ready 0"));  // first cycle done, inbox empty

    std::string cf = dir.file("data/mappings/creditchina/cf.xml");
    std::string text = test::readFile(cf);
    text.replace(text.find("codeTable=\"cflb\""), 16, "codeTable=\"nosuchtable\"");
    test::writeFile(cf, text);
    EXPECT_TRUE(waitFor("mapping change refused"));
    test::writeFile(dir.file("inbox/cf/penalties.csv"), test::kTwoNovemberPenaltiesCsv);
    EXPECT_TRUE(waitFor("accepted 2"));  // still uploading, with the last good mappings

    Poco::Process::requestTermination(daemon.id());
    EXPECT_TRUE(waitFor("stopped"));
    EXPECT_EQ(daemon.wait(), 0);
    finished = true;
    watchdog.join();
    EXPECT_EQ(platform->counters().accepted, 2u);
}

namespace {

/// kTwoNovemberPenaltiesCsv as a workbook whose second sheet "行政处罚" holds the records (libxlsxwriter).
void writePenaltiesWorkbook(const std::string& path) {
    lxw_workbook* book = workbook_new(path.c_str());
    worksheet_write_string(workbook_add_worksheet(book, "说明"), 0, 0, "填报说明", nullptr);
    lxw_worksheet* sheet = workbook_add_worksheet(book, "行政处罚");
    std::vector<std::vector<std::string>> rows;
    std::string text = test::kTwoNovemberPenaltiesCsv;
    for (std::size_t start = 0; start < text.size();) {
        std::size_t end = text.find('\n', start);
        std::vector<std::string> cells;
        std::string line = text.substr(start, end - start);
        for (std::size_t from = 0;;) {
            std::size_t comma = line.find(',', from);
            cells.push_back(line.substr(from, comma == std::string::npos ? std::string::npos : comma - from));
            if (comma == std::string::npos) break;
            from = comma + 1;
        }
        rows.push_back(cells);
        start = end + 1;
    }
    worksheet_merge_range(sheet, 0, 0, 0, 5, "行政处罚信息", nullptr);
    for (std::size_t r = 0; r < rows.size(); ++r)
        for (std::size_t c = 0; c < rows[r].size(); ++c)
            worksheet_write_string(sheet, static_cast<lxw_row_t>(r + 2), static_cast<lxw_col_t>(c), rows[r][c].c_str(),
                                   nullptr);
    workbook_close(book);
}

}  // namespace

TEST_F(RunCommandTest, AnInboxRouteTakesAFolderOfWorkbooksWithItsKindSheetAndLayout) {
    fs::create_directories(dir.file("inbox/cf-county"));
    writePenaltiesWorkbook(dir.file("inbox/cf-county/2026-11.xlsx"));
    test::writeFile(dir.file("inbox/cf-county/notes.txt"), "not a source\n");
    test::writeFile(dir.file("inbox/inbox.xml"),
                    "<inbox>\n  <route pattern=\"cf-county/*.xlsx\" kind=\"cf\" sheet=\"行政处罚\"\n"
                    "         layout=\"mappings/sources/example-cf-local.xml\"/>\n</inbox>\n");
    auto result = test::runCommand(joined(runArgs(CREDITGW_SOURCE_DIR, "--once")) + " --settle-seconds 0");
    EXPECT_EQ(result.exitCode, 0) << result.output;
    EXPECT_NE(result.output.find("inbox routes: 1 from"), std::string::npos) << result.output;
    EXPECT_TRUE(fs::exists(dir.file("inbox/processed/cf-county/2026-11.xlsx"))) << result.output;
    EXPECT_TRUE(fs::exists(dir.file("inbox/cf-county/notes.txt"))) << "not a source file: left alone";
    EXPECT_NE(result.output.find("accepted 2"), std::string::npos) << result.output;
}

TEST_F(RunCommandTest, AMistypedInboxRouteStopsTheStartWithFileAndLine) {
    test::writeFile(dir.file("inbox/inbox.xml"), "<inbox>\n  <route pattern=\"cf/*.xlsx\" kind=\"cf\" sheeet=\"1\"/>\n</inbox>\n");
    auto result = test::runCommand(joined(runArgs(CREDITGW_SOURCE_DIR, "--once")) + " --settle-seconds 0");
    EXPECT_EQ(result.exitCode, 1) << result.output;
    EXPECT_NE(result.output.find("inbox.xml:2: unknown attribute sheeet"), std::string::npos) << result.output;
}
