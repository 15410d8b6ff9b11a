#include "TestSupport.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <sys/wait.h>
#include <unistd.h>

namespace fs = std::filesystem;

namespace creditgw::test {

std::string testPostgresUrl() {
    const char* url = std::getenv("CREDITGW_TEST_POSTGRES");
    if (url == nullptr || *url == '\0')
        throw std::runtime_error(
            "CREDITGW_TEST_POSTGRES is not set: run this test through ctest (fixture postgres), or start "
            "a server with tests/support/postgres-fixture.sh start DIR PORT and set it to "
            "postgresql://creditgw@127.0.0.1:PORT/creditgw_test");
    return url;
}

std::string sourcePath(const std::string& relative) {
    return std::string(CREDITGW_SOURCE_DIR) + "/" + relative;
}

ScratchDir::ScratchDir(const std::string& name) {
    fs::path base = fs::path(CREDITGW_TEST_BUILD_DIR) / "test-scratch";
    fs::create_directories(base);
    _path = (base / (name + "-" + std::to_string(::getpid()))).string();
    fs::remove_all(_path);
    fs::create_directories(_path);
    // Writable by its owner only whatever the umask: the gateway refuses plugin folders that
    // others can write, and tests copy plugins into scratch folders.
    fs::permissions(_path, fs::perms(0755));
}

ScratchDir::~ScratchDir() {
    if (std::getenv("CREDITGW_KEEP_TEST_DIRS") == nullptr) {
        std::error_code ignored;
        fs::remove_all(_path, ignored);
    }
}

void writeFile(const std::string& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out) throw std::runtime_error("cannot write " + path);
    out << bytes;
}

std::string readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + path);
    std::ostringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

CommandResult runCommand(const std::string& command) {
    CommandResult result;
    std::string full = command + " 2>&1";
    FILE* pipe = ::popen(full.c_str(), "r");
    if (pipe == nullptr) return result;
    char buffer[4096];
    size_t n;
    while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) result.output.append(buffer, n);
    int status = ::pclose(pipe);
    result.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return result;
}

const std::string& devCertsDir() {
    static const std::string dir = [] {
        std::string path = std::string(CREDITGW_TEST_BUILD_DIR) + "/test-certs";
        if (fs::exists(path + "/signing.key")) return path;
        // Test processes run in parallel: make the PKI in a private folder, then rename it
        // into place; whoever loses the race uses the winner's.
        std::string staging = path + ".staging-" + std::to_string(::getpid());
        CommandResult made =
            runCommand("sh " + sourcePath("certs/make-dev-certs.sh") + " " + staging);
        if (made.exitCode != 0)
            throw std::runtime_error("make-dev-certs.sh failed: " + made.output);
        std::error_code raced;
        fs::rename(staging, path, raced);
        if (raced) fs::remove_all(staging, raced);
        return path;
    }();
    return dir;
}

const MappingCatalog& shippedMappings() {
    static std::shared_ptr<const MappingCatalog> loaded = [] {
        auto result = MappingCatalog::load(sourcePath("mappings"));
        if (!result) throw std::runtime_error(result.status().toString());
        return *result;
    }();
    return *loaded;
}

const MappingCatalog& mappingsWithDemoProvince() {
    static ScratchDir dir("mappings-demo-province");
    static std::shared_ptr<const MappingCatalog> loaded = [] {
        fs::copy(sourcePath("mappings"), dir.path() + "/mappings", fs::copy_options::recursive);
        fs::copy(sourcePath("tests/fixtures/mapping/targets/demo-province"), dir.path() + "/mappings/demo-province",
                 fs::copy_options::recursive);
        auto result = MappingCatalog::load(dir.path() + "/mappings");
        if (!result) throw std::runtime_error(result.status().toString());
        return *result;
    }();
    return *loaded;
}

MockPlatformConfig devMockPlatformConfig() {
    const std::string& certs = devCertsDir();
    MockPlatformConfig config;
    config.certFile = certs + "/server.pem";
    config.keyFile = certs + "/server.key";
    config.caFile = certs + "/ca.pem";
    config.signerCertFile = certs + "/signing.pem";
    return config;
}

TlsClientConfig devTlsClientConfig() {
    const std::string& certs = devCertsDir();
    return {certs + "/ca.pem", certs + "/client.pem", certs + "/client.key", std::chrono::seconds(10)};
}

}  // namespace creditgw::test
