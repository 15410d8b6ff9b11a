#include "SourcePluginSupport.h"

#include <gtest/gtest.h>

#include <Poco/ClassLoader.h>

#include <fstream>

namespace creditgw::test {

std::unique_ptr<SourcePlugin> loadSourcePlugin(const std::string& library, const std::string& className) {
    static Poco::ClassLoader<SourcePlugin> loader;
    std::string path = std::string(CREDITGW_TEST_PLUGIN_DIR) + "/" + library;
    if (!loader.isLibraryLoaded(path)) loader.loadLibrary(path);
    std::unique_ptr<SourcePlugin> plugin(loader.create(className));
    EXPECT_TRUE(plugin) << className << " not in " << path;
    return plugin;
}

std::string columnValue(const SourceRow& row, const std::string& column) {
    for (const auto& [name, text] : row.columns)
        if (name == column) return text;
    ADD_FAILURE() << "no column " << column << " in row at line " << row.line;
    return {};
}

std::string allProblems(const SourceRow& row) {
    std::string out;
    for (const auto& p : row.problems) out += p.rule + ": " + p.message + "\n";
    return out;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

long peakResidentKib() {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line))
        if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
    return -1;
}

void resetPeakResident() {
    std::ofstream clear("/proc/self/clear_refs");
    clear << "5";
}

}  // namespace creditgw::test
