#include "creditgw/MappingReloader.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

#include "TestSupport.h"

using namespace creditgw;
namespace fs = std::filesystem;

namespace {

void edit(const std::string& path, const std::string& from, const std::string& to) {
    std::string text = test::readFile(path);
    auto at = text.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    text.replace(at, from.size(), to);
    test::writeFile(path, text);
    // Make sure the modification time moves even on coarse-grained file systems.
    fs::last_write_time(path, fs::last_write_time(path) + std::chrono::seconds(2));
}

}  // namespace

TEST(MappingReloaderTest, AGoodEditIsPickedUpAndABadOneKeepsTheLastGoodInForce) {
    test::ScratchDir dir("reloader");
    fs::copy(test::sourcePath("mappings"), dir.file("mappings"), fs::copy_options::recursive);
    auto reloader = MappingReloader::create(dir.file("mappings"));
    ASSERT_TRUE(reloader) << reloader.status().toString();
    EXPECT_FALSE((*reloader)->reloadIfChanged().changed);
    auto before = (*reloader)->current();
    EXPECT_EQ(before->target("creditchina", "cf")->version(), "2.0.1");

    std::string cf = dir.file("mappings/creditchina/cf.xml");
    edit(cf, "version=\"2.0.1\"", "version=\"2.0.2\"");
    auto good = (*reloader)->reloadIfChanged();
    EXPECT_TRUE(good.changed);
    EXPECT_TRUE(good.reloaded) << good.status.toString();
    EXPECT_EQ((*reloader)->current()->target("creditchina", "cf")->version(), "2.0.2");
    EXPECT_EQ(before->target("creditchina", "cf")->version(), "2.0.1") << "a holder keeps its catalog";

    edit(cf, "codeTable=\"cflb\"", "codeTable=\"nosuchtable\"");
    auto bad = (*reloader)->reloadIfChanged();
    EXPECT_TRUE(bad.changed);
    EXPECT_FALSE(bad.reloaded);
    EXPECT_NE(bad.status.message().find("creditchina/cf.xml:"), std::string::npos) << bad.status.message();
    EXPECT_NE(bad.status.message().find("last good"), std::string::npos);
    EXPECT_EQ((*reloader)->current()->target("creditchina", "cf")->version(), "2.0.2");
    EXPECT_FALSE((*reloader)->reloadIfChanged().changed) << "the same bad files are reported once";

    edit(cf, "codeTable=\"nosuchtable\"", "codeTable=\"cflb\"");
    EXPECT_TRUE((*reloader)->reloadIfChanged().reloaded);
}
