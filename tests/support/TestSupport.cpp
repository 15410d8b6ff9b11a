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

const char* const kPenaltyHeader =
    "CF_XDR_MC,CF_XDR_LB,CF_XDR_SHXYM,CF_FRDB,CF_WSH,CF_WFXW,CF_SY,CF_YJ,CF_CFLB,CF_NR,CF_NR_FK,CF_JDRQ,CF_YXQ,"
    "CF_CFJG,CF_CFJGDM,CF_SJLY,CF_SJLYDM,ZRBM\n";

std::string penaltyRow(const std::string& name, const std::string& uscc, const std::string& docNumber,
                       const std::string& decided) {
    return name + ",法人及非法人组织," + uscc + ",李明," + docNumber +
           ",超限运输,车货总重超过限定标准,《公路法》第七十六条,罚款,罚款2000元,0.2," + decided +
           ",2027-11-20,示范市交通运输局,11100000000019713D,示范市交通运输局,11100000000019713D,执法一大队\n";
}

std::string fivePenaltiesCsv() {
    return std::string(kPenaltyHeader) +
           penaltyRow("示范市顺达物流有限公司", "914403001922038216", "示交罚〔2026〕1号", "2026-11-20") +
           penaltyRow("示范市安达物流有限公司", "914403001922038216", "示交罚〔2026〕2号", "2026-11-19") +
           penaltyRow("示范市远达运输有限公司", "91350100M000100Y43", "示交罚〔2026〕3号", "2026-09-01") +
           penaltyRow("示范市坏码运输有限公司", "914403001922038217", "示交罚〔2026〕4号", "2026-11-18") +
           penaltyRow("测试运输有限公司", "914403001922038216", "示交罚〔2026〕5号", "2026-11-18");
}

const char* const kTwoNovemberPenaltiesCsv =
    "CF_XDR_MC,CF_XDR_LB,CF_XDR_SHXYM,CF_FRDB,CF_WSH,CF_WFXW,CF_SY,CF_YJ,CF_CFLB,CF_NR,CF_NR_FK,CF_JDRQ,"
    "CF_YXQ,CF_CFJG,CF_CFJGDM,CF_SJLY,CF_SJLYDM\n"
    "示范市顺达物流有限公司,法人及非法人组织,914403001922038216,李明,示交罚〔2026〕11号,超限运输,车货总重超限,"
    "《公路法》第七十六条,罚款,罚款2000元,0.2,2026-11-20,2027-11-20,示范市交通运输局,11100000000019713D,"
    "示范市交通运输局,11100000000019713D\n"
    "示范市远达运输有限公司,法人及非法人组织,91350100M000100Y43,赵强,示交罚〔2026〕12号,超限运输,车货总重超限,"
    "《公路法》第七十六条,罚款,罚款3000元,0.3,2026-11-19,2027-11-19,示范市交通运输局,11100000000019713D,"
    "示范市交通运输局,11100000000019713D\n";

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
