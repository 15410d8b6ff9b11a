#include "creditgw/PluginHost.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "TestSupport.h"

using namespace creditgw;
namespace fs = std::filesystem;

TEST(PluginHostTest, LoadsTheShippedPluginsFromDisk) {
    PluginHost host;
    auto loaded = host.loadDirectory(CREDITGW_TEST_PLUGIN_DIR);
    ASSERT_TRUE(loaded) << loaded.status().toString();
    EXPECT_EQ(*loaded, 9u);
    EXPECT_TRUE(host.errors().empty());
    for (const char* source : {"csv", "xlsx", "json", "database"})
        EXPECT_NE(host.createSource(source), nullptr) << source;
    auto csv = host.createSource("csv");
    ASSERT_NE(csv, nullptr);
    EXPECT_EQ(csv->name(), "csv");
    auto target = host.createTarget("creditchina");
    ASSERT_NE(target, nullptr);
    EXPECT_EQ(target->name(), "creditchina");
    EXPECT_EQ(host.createTarget("nosuch"), nullptr);
    // Channels are a kind of their own: filedrop is no target, creditchina no channel.
    auto channel = host.createChannel("filedrop");
    ASSERT_NE(channel, nullptr);
    EXPECT_EQ(channel->name(), "filedrop");
    EXPECT_EQ(host.channelNames(), (std::vector<std::string>{"filedrop", "frontdb"}));
    EXPECT_EQ(host.createTarget("filedrop"), nullptr);
    EXPECT_EQ(host.createChannel("creditchina"), nullptr);
}

TEST(PluginHostTest, BrokenMismatchedAndForeignLibrariesAreRefusedOneByOneAndTheRestLoad) {
    test::ScratchDir dir("plugins");
    fs::copy_file(std::string(CREDITGW_TEST_PLUGIN_DIR) + "/csv.so", dir.file("csv.so"));
    fs::copy_file(std::string(CREDITGW_TEST_BAD_PLUGIN_DIR) + "/WrongAbiPlugin.so", dir.file("old.so"));
    fs::copy_file(std::string(CREDITGW_TEST_BAD_PLUGIN_DIR) + "/NotAPlugin.so", dir.file("foreign.so"));
    test::writeFile(dir.file("truncated.so"), "\x7f" "ELF not really");

    PluginHost host;
    auto loaded = host.loadDirectory(dir.path());
    ASSERT_TRUE(loaded);
    EXPECT_EQ(*loaded, 1u);
    ASSERT_EQ(host.errors().size(), 3u);
    std::map<std::string, std::string> reasons;
    for (const auto& error : host.errors()) reasons[fs::path(error.file).filename()] = error.reason;
    EXPECT_NE(reasons["old.so"].find("ABI"), std::string::npos) << reasons["old.so"];
    EXPECT_NE(reasons["foreign.so"].find("not a creditgw plugin"), std::string::npos);
    EXPECT_NE(reasons["truncated.so"].find("cannot open"), std::string::npos) << reasons["truncated.so"];
    EXPECT_NE(host.createSource("csv"), nullptr);
    EXPECT_EQ(host.createTarget("old"), nullptr);
}

TEST(PluginHostTest, AFolderOrPluginOthersCanWriteIsRefusedWithTheChmodThatFixesIt) {
    test::ScratchDir dir("plugins-perms");
    fs::copy_file(std::string(CREDITGW_TEST_PLUGIN_DIR) + "/csv.so", dir.file("csv.so"));
    fs::copy_file(std::string(CREDITGW_TEST_PLUGIN_DIR) + "/json.so", dir.file("json.so"));
    fs::permissions(dir.path(), fs::perms(0777));
    {
        PluginHost host;
        auto loaded = host.loadDirectory(dir.path());
        ASSERT_FALSE(loaded);
        EXPECT_EQ(loaded.status().code(), StatusCode::Permanent);
        EXPECT_NE(loaded.status().message().find("mode 0777"), std::string::npos) << loaded.status().message();
        EXPECT_NE(loaded.status().message().find("chmod go-w " + dir.path()), std::string::npos);
        EXPECT_EQ(host.createSource("csv"), nullptr);
    }
    fs::permissions(dir.path(), fs::perms(0755));
    fs::permissions(dir.file("json.so"), fs::perms(0666));
    PluginHost host;
    auto loaded = host.loadDirectory(dir.path());
    ASSERT_TRUE(loaded) << loaded.status().toString();
    EXPECT_EQ(*loaded, 1u) << "the safe plugin still loads";
    ASSERT_EQ(host.errors().size(), 1u);
    EXPECT_NE(host.errors()[0].reason.find("chmod go-w " + dir.file("json.so")), std::string::npos)
        << host.errors()[0].reason;
    EXPECT_EQ(host.createSource("json"), nullptr);
    EXPECT_NE(host.createSource("csv"), nullptr);
}

TEST(PluginHostTest, MissingDirectoryIsNotFound) {
    PluginHost host;
    auto loaded = host.loadDirectory("/nonexistent/plugins");
    ASSERT_FALSE(loaded);
    EXPECT_EQ(loaded.status().code(), StatusCode::NotFound);
}
