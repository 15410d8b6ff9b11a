#pragma once
// Small helpers shared by the tests: scratch directories, files, running commands.

#include <string>

#include "creditgw/HttpsUploader.h"
#include "creditgw/Mapping.h"
#include "creditgw/MockPlatform.h"

namespace creditgw::test {

/// Path of a file in the source tree ("mappings/creditchina/cf.xml").
std::string sourcePath(const std::string& relative);

/// A fresh directory under the build tree, removed when the object dies (kept when the
/// environment variable CREDITGW_KEEP_TEST_DIRS is set, for post-mortems).
class ScratchDir {
public:
    explicit ScratchDir(const std::string& name);
    ~ScratchDir();
    ScratchDir(const ScratchDir&) = delete;
    ScratchDir& operator=(const ScratchDir&) = delete;
    const std::string& path() const { return _path; }
    std::string file(const std::string& name) const { return _path + "/" + name; }

private:
    std::string _path;
};

/// Two valid 行政处罚 of November 2026 (示交罚〔2026〕11号 and 12号) in the national column names.
extern const char* const kTwoNovemberPenaltiesCsv;

/// The header of penaltyRow's columns (national codes plus 责任部门 ZRBM).
extern const char* const kPenaltyHeader;
/// One 行政处罚 of a 法人 (李明, 超限运输, 罚款2000元) with these name, USCC, 文书号 and 决定日期.
std::string penaltyRow(const std::string& name, const std::string& uscc, const std::string& docNumber,
                       const std::string& decided);
/// Five penalties: two on time, one late, one the gateway holds (bad USCC), one the mock
/// platform rejects (测试).
std::string fivePenaltiesCsv();

void writeFile(const std::string& path, const std::string& bytes);
std::string readFile(const std::string& path);

struct CommandResult {
    int exitCode = -1;
    std::string output;  ///< stdout and stderr, interleaved
};
/// Runs a shell command (through /bin/sh -c) and captures its output.
CommandResult runCommand(const std::string& command);

/// Makes a development PKI (certs/make-dev-certs.sh) once per test process and returns its
/// directory: ca.pem, server.pem/.key, client.pem/.key, signing.pem/.key.
const std::string& devCertsDir();

/// The shipped mappings (CREDITGW_SOURCE_DIR/mappings), loaded once per test process.
const MappingCatalog& shippedMappings();

/// The shipped mappings plus the made-up province of tests/fixtures/mapping/targets, added the
/// way an operator adds one: its folder copied next to creditchina/. Loaded once per process.
const MappingCatalog& mappingsWithDemoProvince();

/// A mock platform on 127.0.0.1 (free port) with the development PKI of devCertsDir():
/// server certificate, client certificates required, the gateway's signing certificate.
MockPlatformConfig devMockPlatformConfig();

/// The private PostgreSQL server of the ctest fixture "postgres" (tests/support/postgres-fixture.sh),
/// as `postgresql://creditgw@127.0.0.1:PORT/creditgw_test`. ctest sets CREDITGW_TEST_POSTGRES for
/// every test file that mentions it; run directly, such a test fails with how to start one.
std::string testPostgresUrl();

/// The gateway's side of the same PKI: the CA, the client certificate and key, a 10 s timeout.
TlsClientConfig devTlsClientConfig();

}  // namespace creditgw::test
