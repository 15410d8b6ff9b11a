// The service as an operator installs it: the systemd unit passes `systemd-analyze verify`
// with no complaint and is hardened; `cmake --install` lays out binary, plugins, mappings, data
// and unit, and the installed binary loads the installed plugins and mappings.

#include <gtest/gtest.h>

#include <filesystem>

#include "TestSupport.h"

using namespace creditgw;
namespace fs = std::filesystem;

namespace {

std::string unitText() { return test::readFile(test::sourcePath("packaging/creditgw.service")); }

}  // namespace

TEST(PackagingTest, TheUnitVerifiesWithSystemdAnalyzeWithoutWarnings) {
    if (test::runCommand("command -v systemd-analyze").exitCode != 0) GTEST_SKIP() << "systemd-analyze not installed";
    test::ScratchDir dir("packaging-verify");
    // verify checks that ExecStart exists: point it at the built binary.
    std::string text = unitText();
    for (std::size_t at; (at = text.find("/usr/bin/creditgw")) != std::string::npos;)
        text.replace(at, 17, CREDITGW_BINARY);
    test::writeFile(dir.file("creditgw.service"), text);
    auto verified = test::runCommand("cd '" + dir.path() + "' && systemd-analyze verify ./creditgw.service");
    EXPECT_EQ(verified.exitCode, 0) << verified.output;
    EXPECT_EQ(verified.output.find("creditgw.service"), std::string::npos) << "no warning about the unit: " << verified.output;

    // The check itself catches a mistyped hardening key (it only warns, so the output counts).
    std::string broken = text;
    broken.replace(broken.find("NoNewPrivileges"), 15, "NoNewPrivilegs");
    test::writeFile(dir.file("broken.service"), broken);
    auto refused = test::runCommand("cd '" + dir.path() + "' && systemd-analyze verify ./broken.service");
    EXPECT_NE(refused.output.find("Unknown key 'NoNewPrivilegs'"), std::string::npos) << refused.output;
}

TEST(PackagingTest, TheUnitRunsAsItsOwnUserFromTheConfigFileAndIsHardened) {
    std::string text = unitText();
    for (const char* line :
         {"User=creditgw\n", "Group=creditgw\n", "NoNewPrivileges=yes\n", "ProtectSystem=strict\n",
          "ReadWritePaths=/var/lib/creditgw /var/log/creditgw\n", "ProtectHome=yes\n", "PrivateTmp=yes\n",
          "CapabilityBoundingSet=\n", "ExecStart=/usr/bin/creditgw run --config /etc/creditgw/creditgw.properties\n",
          "ExecStartPre=/usr/bin/creditgw config check /etc/creditgw/creditgw.properties\n"})
        EXPECT_NE(text.find(line), std::string::npos) << line;
}

TEST(PackagingTest, CmakeInstallLaysOutEverythingAndTheInstalledBinaryUsesIt) {
    test::ScratchDir dir("packaging-install");
    auto installed = test::runCommand("cmake --install '" CREDITGW_TEST_BUILD_DIR "' --prefix '" + dir.path() + "'");
    ASSERT_EQ(installed.exitCode, 0) << installed.output;
    for (const char* file : {"bin/creditgw", "lib/systemd/system/creditgw.service",
                             "share/creditgw/mappings/creditchina/profile.xml", "share/creditgw/mappings/kinds/cf.xml",
                             "share/creditgw/data/holidays/2026.json", "share/doc/creditgw/operations.md",
                             "share/doc/creditgw/creditgw.properties.example"})
        EXPECT_TRUE(fs::exists(dir.file(file))) << file;
    std::string plugins = fs::exists(dir.file("lib/creditgw/plugins")) ? dir.file("lib/creditgw/plugins")
                                                                         : dir.file("lib64/creditgw/plugins");
    for (const char* plugin : {"csv.so", "xlsx.so", "json.so", "database.so", "creditchina.so", "xyjt.so", "provincial.so"})
        EXPECT_TRUE(fs::exists(plugins + "/" + plugin)) << plugin;

    auto listed = test::runCommand(dir.file("bin/creditgw") + " plugins --plugin-dir '" + plugins + "'");
    EXPECT_EQ(listed.exitCode, 0) << listed.output;
    EXPECT_NE(listed.output.find("target  creditchina"), std::string::npos) << listed.output;
    auto golden = test::runCommand(dir.file("bin/creditgw") + " mapping test --data-dir '" + dir.file("share/creditgw") +
                                   "' --plugin-dir '" + plugins + "'");
    EXPECT_EQ(golden.exitCode, 0) << golden.output;
    EXPECT_NE(golden.output.find(" passed, 0 failed"), std::string::npos) << golden.output;
}
