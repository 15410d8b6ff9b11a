// The daemon's configuration file through the real binary: `config check` on deliberately broken
// files (each problem as file:line), certificates checked by OpenSSL against ones the stock
// openssl command made, environment overrides, and `run --config FILE` uploading from the file
// alone to the real mock platform over mutual TLS.

#include <gtest/gtest.h>

#include <filesystem>

#include "TestSupport.h"
#include "creditgw/CivilDate.h"
#include "creditgw/CronSchedule.h"
#include "creditgw/MockPlatform.h"

using namespace creditgw;
namespace fs = std::filesystem;

namespace {

const char* kOnePenalty =
    "CF_XDR_MC,CF_XDR_LB,CF_XDR_SHXYM,CF_FRDB,CF_WSH,CF_WFXW,CF_SY,CF_YJ,CF_CFLB,CF_NR,CF_NR_FK,CF_JDRQ,"
    "CF_YXQ,CF_CFJG,CF_CFJGDM,CF_SJLY,CF_SJLYDM\n"
    "示范市顺达物流有限公司,法人及非法人组织,914403001922038216,李明,示交罚〔2026〕11号,超限运输,车货总重超限,"
    "《公路法》第七十六条,罚款,罚款2000元,0.2,2026-11-20,2027-11-20,示范市交通运输局,11100000000019713D,"
    "示范市交通运输局,11100000000019713D\n";

class DaemonConfigTest : public ::testing::Test {
protected:
    void SetUp() override {
        fs::copy(test::devCertsDir(), dir.file("certs"), fs::copy_options::recursive);
        fs::create_directories(dir.file("inbox/cf"));
    }

    // A valid file for creditchina at `endpoint`, then `extra` lines.
    std::string writeConfig(const std::string& endpoint, const std::string& extra = "") {
        std::string certs = dir.file("certs");
        std::string text = "# creditgw test configuration\n"
                           "unit.code = 11371300MB20260018\n"
                           "unit.name = 示范市交通运输局\n"
                           "store = " + dir.file("store.db") + "\n"
                           "data.dir = " CREDITGW_SOURCE_DIR "\n"
                           "plugin.dir = " CREDITGW_TEST_PLUGIN_DIR "\n"
                           "inbox = " + dir.file("inbox") + "\n"
                           "settle.seconds = 0\n"
                           "\n"
                           "target.creditchina.endpoint = " + endpoint + "\n"
                           "target.creditchina.ca = " + certs + "/ca.pem\n"
                           "target.creditchina.cert = " + certs + "/client.pem\n"
                           "target.creditchina.key = " + certs + "/client.key\n"
                           "target.creditchina.signing.key = " + certs + "/signing.key\n"
                           "target.creditchina.schedule = asap\n" + extra;
        test::writeFile(dir.file("creditgw.properties"), text);
        return dir.file("creditgw.properties");
    }

    test::CommandResult check(const std::string& file, const std::string& options = "") {
        return test::runCommand(std::string(CREDITGW_BINARY) + " config check '" + file + "'" + options);
    }

    test::ScratchDir dir{"daemon-config"};
};

}  // namespace

TEST_F(DaemonConfigTest, AValidFileIsOkAndPrintsTheEffectiveConfigurationWithSecretsMasked) {
    std::string file = writeConfig("https://gateway:s3cret-pw@127.0.0.1:8443/api");
    auto result = check(file);
    ASSERT_EQ(result.exitCode, 0) << result.output;
    EXPECT_NE(result.output.find("ok: " + file + ": valid"), std::string::npos) << result.output;
    EXPECT_NE(result.output.find("unit.code = 11371300MB20260018    # " + file + ":2"), std::string::npos)
        << result.output;
    EXPECT_NE(result.output.find("target.creditchina.endpoint = https://********@127.0.0.1:8443/api"),
              std::string::npos)
        << result.output;
    EXPECT_EQ(result.output.find("s3cret-pw"), std::string::npos) << "a password never printed";
}

TEST_F(DaemonConfigTest, ABrokenFileGivesOneFileLineMessagePerProblem) {
    std::string certs = dir.file("certs");
    fs::permissions(certs + "/client.key", fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
                                               fs::perms::others_read);
    std::string text = "unit.code = 91350100M000100Y44\n"                                   // 1: check digit
                       "unit.name = 示范市交通运输局\n"                                          // 2
                       "store = /nonexistent/folder/store.db\n"                              // 3
                       "inbox = " + dir.file("no-inbox") + "\n"                                // 4
                       "admin.prot = 9120\n"                                                 // 5
                       "interval = 0\n"                                                      // 6
                       "this line has no separator\n"                                        // 7
                       "target.creditchina.endpiont = https://127.0.0.1/api\n"              // 8
                       "target.creditchina.endpoint = ftp://127.0.0.1/api\n"                // 9
                       "target.creditchina.ca = " + certs + "/ca.pem\n"                      // 10
                       "target.creditchina.cert = " + certs + "/client.pem\n"                // 11
                       "target.creditchina.key = " + certs + "/client.key\n"                 // 12
                       "target.creditchina.signing.key = " + certs + "/signing.key\n"        // 13
                       "target.creditchina.schedule = */15 8-25 * * 1-5\n"                  // 14
                       "target.creditchnia.ca = " + certs + "/ca.pem\n"                      // 15
                       "target.creditchina.batch.size = 500\n"                               // 16
                       "target.creditchina.batch.size = 600\n";                              // 17
    std::string file = dir.file("broken.properties");
    test::writeFile(file, text);
    auto result = check(file);
    EXPECT_EQ(result.exitCode, 1) << result.output;
    for (const std::string& expected : std::vector<std::string>{
             ":1: unit.code: \"91350100M000100Y44\" is not a valid 统一社会信用代码",
          ":3: store: its folder /nonexistent/folder does not exist",
          ":4: inbox: " + dir.file("no-inbox") + ": no such folder",
          ":5: admin.prot: unknown key; did you mean admin.port?",
          ":6: interval: needs a whole number from 1 to 86400, not \"0\"",
          ":7: expected KEY = VALUE, got \"this line has no separator\"",
          ":8: target.creditchina.endpiont: unknown key; did you mean target.creditchina.endpoint?",
          ":9: target.creditchina.endpoint: \"ftp://127.0.0.1/api\" is not an https://HOST[:PORT]/PATH URL",
          ":12: target.creditchina.key: " + certs + "/client.key: permissions 0644 are too open",
          ":14: target.creditchina.schedule: schedule \"*/15 8-25 * * 1-5\": hour: \"8-25\" is outside 0-23",
          ":15: target.creditchnia.ca: unknown target \"creditchnia\"; did you mean creditchina?",
          ":17: target.creditchina.batch.size is already set on line 16"})
        EXPECT_NE(result.output.find(file + expected), std::string::npos) << expected << "\n" << result.output;
}

TEST_F(DaemonConfigTest, EachTargetIsCheckedForWhatTheChannelOfItsProfileNeeds) {
    // Given a data folder whose profiles name three channels: ha-xyjt filedrop (as shipped),
    // ha-credit filedrop with the SM4 envelope, sd-credit frontdb; creditchina none (https)
    fs::create_directories(dir.file("data"));
    fs::copy(CREDITGW_SOURCE_DIR "/mappings", dir.file("data/mappings"), fs::copy_options::recursive);
    auto addSettings = [&](const std::string& target, const std::string& settings) {
        std::string profile = dir.file("data/mappings/" + target + "/profile.xml");
        std::string text = test::readFile(profile);
        text.replace(text.find("</profile>"), 10, settings + "</profile>\n");
        test::writeFile(profile, text);
    };
    addSettings("ha-credit", "  <setting name=\"channel.envelope\" value=\"sm4\"/>\n");
    addSettings("sd-credit", "  <setting name=\"channel\" value=\"frontdb\"/>\n  <setting name=\"channel.table\" value=\"qzk_xzcf\"/>\n");
    std::string certs = dir.file("certs");
    // When the file forgets what those channels need, and gives creditchina a folder it ignores
    std::string text = "unit.code = 11371300MB20260018\n"                                 // 1
                       "unit.name = 示范市交通运输局\n"                                      // 2
                       "store = " + dir.file("store.db") + "\n"                            // 3
                       "inbox = " + dir.file("inbox") + "\n"                               // 4
                       "data.dir = " + dir.file("data") + "\n"                             // 5
                       "target.ha-xyjt.signing.key = " + certs + "/signing.key\n"          // 6
                       "target.ha-credit.signing.key = " + certs + "/signing.key\n"        // 7
                       "target.ha-credit.channel.dir = " + dir.file("inbox") + "\n"        // 8
                       "target.sd-credit.signing.key = " + certs + "/signing.key\n"        // 9
                       "target.sd-credit.channel.dir = " + dir.file("inbox") + "\n"        // 10
                       "target.creditchina.ca = " + certs + "/ca.pem\n"                    // 11
                       "target.creditchina.signing.key = " + certs + "/signing.key\n"      // 12
                       "target.creditchina.channel.dir = " + dir.file("inbox") + "\n";     // 13
    std::string file = dir.file("channels.properties");
    test::writeFile(file, text);
    auto result = check(file);
    // Then each problem names its line, the missing or ignored key and the profile that decides
    EXPECT_EQ(result.exitCode, 1) << result.output;
    const std::string profiles = dir.file("data/mappings/");
    for (const std::string& expected : std::vector<std::string>{
             ":6: target.ha-xyjt.channel.dir: missing: target ha-xyjt needs the 前置机 exchange folder, which holds "
             "outbox/ and inbox/ (" + profiles + "ha-xyjt/profile.xml names channel filedrop)",
             ":7: target.ha-credit.channel.peer.key: missing: target ha-credit needs the platform's SM2 public key or "
             "certificate for the SM4 envelope (" + profiles + "ha-credit/profile.xml names channel filedrop)",
             ":9: target.sd-credit.channel.db: missing: target sd-credit needs the 前置库 connection string",
             ":10: target.sd-credit.channel.dir: not used: target sd-credit is reached over frontdb",
             ":13: target.creditchina.channel.dir: not used: target creditchina is reached over https (" + profiles +
                 "creditchina/profile.xml names no channel)"})
        EXPECT_NE(result.output.find(file + expected), std::string::npos) << expected << "\n" << result.output;
    // and a filedrop or frontdb target is not asked for TLS files, an https one is
    EXPECT_EQ(result.output.find("target.ha-xyjt.ca"), std::string::npos) << result.output;
    EXPECT_EQ(result.output.find("target.sd-credit.ca"), std::string::npos) << result.output;
    EXPECT_EQ(result.output.find("target.creditchina.ca: missing"), std::string::npos) << result.output;
    EXPECT_NE(result.output.find(file + ": 5 problems;"), std::string::npos) << "those five only:\n" << result.output;
}

TEST_F(DaemonConfigTest, CertificatesMustChainMatchTheirKeyAndNotBeAboutToExpire) {
    std::string certs = dir.file("certs");
    // A stranger CA, and a client certificate that expires in 10 days, made by the stock openssl.
    auto made = test::runCommand(
        "cd '" + certs + "' && umask 077 && "
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout other-ca.key "
        "-out other-ca.pem -days 365 -subj /CN=other >/dev/null 2>&1 && "
        "openssl req -new -key client.key -subj /CN=short-lived -out short.csr >/dev/null 2>&1 && "
        "openssl x509 -req -in short.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 10 -out short.pem "
        ">/dev/null 2>&1");
    ASSERT_EQ(made.exitCode, 0) << made.output;
    std::string file = writeConfig("https://127.0.0.1:8443/api");
    std::string text = test::readFile(file);
    auto replace = [&](const std::string& from, const std::string& to) { text.replace(text.find(from), from.size(), to); };
    replace(certs + "/ca.pem", certs + "/other-ca.pem");  // line 11
    test::writeFile(file, text);
    auto stranger = check(file);
    EXPECT_EQ(stranger.exitCode, 1);
    EXPECT_NE(stranger.output.find(file + ":12: target.creditchina.cert: " + certs + "/client.pem: does not chain to " +
                                   certs + "/other-ca.pem: unable to get local issuer certificate"),
              std::string::npos)
        << stranger.output;

    replace(certs + "/other-ca.pem", certs + "/ca.pem");
    replace(certs + "/client.key", certs + "/server.key");
    test::writeFile(file, text);
    auto wrongKey = check(file);
    EXPECT_EQ(wrongKey.exitCode, 1);
    EXPECT_NE(wrongKey.output.find(file + ":12: target.creditchina.cert: " + certs +
                                   "/server.key: is not the private key of the certificate"),
              std::string::npos)
        << wrongKey.output;

    replace(certs + "/server.key", certs + "/client.key");
    replace(certs + "/client.pem", certs + "/short.pem");
    test::writeFile(file, text);
    auto expiring = check(file);
    EXPECT_EQ(expiring.exitCode, 1);
    EXPECT_NE(expiring.output.find("/short.pem: certificate /CN=short-lived expires on "), std::string::npos)
        << expiring.output;
    EXPECT_NE(expiring.output.find("within 30 days: renew it"), std::string::npos) << expiring.output;
    EXPECT_EQ(check(file, " --expiry-days 5").exitCode, 0) << "10 days left is fine with a 5-day warning";
    auto later = check(file, " --expiry-days 5 --as-of 2099-01-01");
    EXPECT_EQ(later.exitCode, 1);
    EXPECT_NE(later.output.find("/short.pem: certificate /CN=short-lived expired on "), std::string::npos)
        << later.output;
}

TEST_F(DaemonConfigTest, EnvironmentVariablesOverrideTheFileAndAreNamedWhenWrong) {
    std::string file = writeConfig("https://127.0.0.1:8443/api");
    auto result = test::runCommand("CREDITGW_SETTLE_SECONDS=soon CREDITGW_UNIT_NAME=另一个单位 " +
                                   std::string(CREDITGW_BINARY) + " config check '" + file + "'");
    EXPECT_EQ(result.exitCode, 1) << result.output;
    EXPECT_NE(result.output.find(file + ":8: settle.seconds: needs a whole number from 0 to 3600, not \"soon\" "
                                        "(from env CREDITGW_SETTLE_SECONDS)"),
              std::string::npos)
        << result.output;
    EXPECT_NE(result.output.find("unit.name = 另一个单位    # env CREDITGW_UNIT_NAME"), std::string::npos)
        << result.output;
}

TEST_F(DaemonConfigTest, TheShippedExampleHasOnlyKnownKeysAndGoodSyntax) {
    auto result = check(test::sourcePath("docs/creditgw.properties.example"));
    // Its paths are those of an installed system; everything else about it must be right.
    std::string problems = result.output.substr(0, result.output.find("effective configuration"));
    EXPECT_NE(problems.find("no such folder"), std::string::npos) << "its paths are checked: " << problems;
    for (const char* wrong : {"unknown", "expected KEY", "schedule", "unit.code", "whole number", "URL"})
        EXPECT_EQ(problems.find(wrong), std::string::npos) << wrong << "\n" << problems;
    EXPECT_NE(result.output.find("target.creditchina.schedule = */15 8-20 * * 1-5"), std::string::npos)
        << result.output;
}

TEST_F(DaemonConfigTest, RunFromTheFileAloneUploadsToTheTargetsEndpoint) {
    MockPlatform platform(test::devMockPlatformConfig());
    ASSERT_TRUE(platform.start());
    std::string file = writeConfig(platform.endpoint());
    test::writeFile(dir.file("inbox/cf/penalty.csv"), kOnePenalty);
    auto result = test::runCommand(std::string(CREDITGW_BINARY) + " run --config '" + file + "' --once");
    ASSERT_EQ(result.exitCode, 0) << result.output;
    EXPECT_EQ(platform.counters().accepted, 1u) << result.output;
    EXPECT_TRUE(fs::exists(dir.file("inbox/processed/cf/penalty.csv")));
    EXPECT_TRUE(fs::exists(dir.file("store.db"))) << "the store named in the file";
}

TEST_F(DaemonConfigTest, RunRefusesToStartOnABrokenFileAndAFlagOverridesTheFile) {
    std::string file = writeConfig("https://127.0.0.1:8443/api", "target.creditchina.batch.size = many\n");
    auto broken = test::runCommand(std::string(CREDITGW_BINARY) + " run --config '" + file + "' --once");
    EXPECT_EQ(broken.exitCode, 1) << broken.output;
    EXPECT_NE(broken.output.find(file + ":16: target.creditchina.batch.size: needs a whole number"), std::string::npos)
        << broken.output;
    EXPECT_FALSE(fs::exists(dir.file("store.db"))) << "nothing started";

    MockPlatform platform(test::devMockPlatformConfig());
    ASSERT_TRUE(platform.start());
    file = writeConfig("https://127.0.0.1:1/never-used");
    test::writeFile(dir.file("inbox/cf/penalty.csv"), kOnePenalty);
    auto overridden = test::runCommand(std::string(CREDITGW_BINARY) + " run --config '" + file +
                                       "' --once --endpoint " + platform.endpoint() + " --store " +
                                       dir.file("other.db"));
    ASSERT_EQ(overridden.exitCode, 0) << overridden.output;
    EXPECT_EQ(platform.counters().accepted, 1u) << overridden.output;
    EXPECT_TRUE(fs::exists(dir.file("other.db")));
    EXPECT_FALSE(fs::exists(dir.file("store.db")));
}

TEST_F(DaemonConfigTest, StatusShowsTheNextRunOfTheTargetsSchedule) {
    std::string file = writeConfig("https://127.0.0.1:1/api");
    std::string text = test::readFile(file);
    text.replace(text.find("schedule = asap"), 15, "schedule = */15 8-20 * * 1-5");
    test::writeFile(file, text);
    auto before = std::chrono::system_clock::now();
    auto run = test::runCommand(std::string(CREDITGW_BINARY) + " run --config '" + file + "' --once");
    ASSERT_EQ(run.exitCode, 0) << run.output;
    EXPECT_NE(run.output.find("creditchina: schedule \"*/15 8-20 * * 1-5\", next run "), std::string::npos) << run.output;
    EXPECT_EQ(run.output.find("creditchina: ready"), std::string::npos) << "not due in the first cycle: " << run.output;
    auto status = test::runCommand(std::string(CREDITGW_BINARY) + " status --store " + dir.file("store.db") +
                                   " --config '" + file + "'");
    auto after = std::chrono::system_clock::now();
    ASSERT_EQ(status.exitCode, 0) << status.output;
    auto schedule = CronSchedule::parse("*/15 8-20 * * 1-5");
    ASSERT_TRUE(schedule);
    // The next slot as of some instant between the two readings of the clock.
    std::string early = shanghaiTimestamp(*schedule->nextAfter(before));
    std::string late = shanghaiTimestamp(*schedule->nextAfter(after));
    bool shown = status.output.find("next run: " + early + " (schedule") != std::string::npos ||
                 status.output.find("next run: " + late + " (schedule") != std::string::npos;
    EXPECT_TRUE(shown) << early << " / " << late << "\n" << status.output;

    // The JSON carries the same slot, ISO 8601 in Shanghai time.
    before = std::chrono::system_clock::now();
    auto json = test::runCommand(std::string(CREDITGW_BINARY) + " status --format json --store " +
                                 dir.file("store.db") + " --config '" + file + "'");
    after = std::chrono::system_clock::now();
    ASSERT_EQ(json.exitCode, 0) << json.output;
    early = shanghaiTimestamp(*schedule->nextAfter(before));
    late = shanghaiTimestamp(*schedule->nextAfter(after));
    ASSERT_EQ(early.substr(early.size() - 6), "+08:00");
    EXPECT_NE(json.output.find("\"schedule\":\"*/15 8-20 * * 1-5\""), std::string::npos) << json.output;
    bool inJson = json.output.find("\"next_run\":\"" + early + "\"") != std::string::npos ||
                  json.output.find("\"next_run\":\"" + late + "\"") != std::string::npos;
    EXPECT_TRUE(inJson) << early << " / " << late << "\n" << json.output;

    // "asap" runs every cycle: no slot to show.
    text.replace(text.find("schedule = */15 8-20 * * 1-5"), 28, "schedule = asap");
    test::writeFile(file, text);
    auto asap = test::runCommand(std::string(CREDITGW_BINARY) + " status --format json --store " +
                                 dir.file("store.db") + " --config '" + file + "'");
    ASSERT_EQ(asap.exitCode, 0) << asap.output;
    EXPECT_NE(asap.output.find("\"schedule\":\"asap\",\"next_run\":null"), std::string::npos) << asap.output;
    auto without = test::runCommand(std::string(CREDITGW_BINARY) + " status --format json --store " + dir.file("store.db"));
    EXPECT_EQ(without.output.find("next_run"), std::string::npos) << "no file, no schedule known: " << without.output;
}

TEST_F(DaemonConfigTest, OnlyTheEnabledKindsOfATargetAreSent) {
    MockPlatform platform(test::devMockPlatformConfig());
    ASSERT_TRUE(platform.start());
    std::string bad = writeConfig(platform.endpoint(), "target.creditchina.kinds = xk,zz\n");
    auto refused = check(bad);
    EXPECT_EQ(refused.exitCode, 1);
    EXPECT_NE(refused.output.find(bad + ":16: target.creditchina.kinds: target creditchina has no mapping for kind \"zz\""),
              std::string::npos)
        << refused.output;

    std::string file = writeConfig(platform.endpoint(), "target.creditchina.kinds = xk\n");
    test::writeFile(dir.file("inbox/cf/penalty.csv"), kOnePenalty);
    auto xkOnly = test::runCommand(std::string(CREDITGW_BINARY) + " run --config '" + file + "' --once");
    ASSERT_EQ(xkOnly.exitCode, 0) << xkOnly.output;
    EXPECT_EQ(platform.counters().accepted, 0u) << "cf is not enabled: " << xkOnly.output;
    EXPECT_NE(xkOnly.output.find("creditchina: ready 1, held 0; queued 0 records"), std::string::npos) << xkOnly.output;

    file = writeConfig(platform.endpoint(), "target.creditchina.kinds = xk, cf\n");
    auto both = test::runCommand(std::string(CREDITGW_BINARY) + " run --config '" + file + "' --once");
    ASSERT_EQ(both.exitCode, 0) << both.output;
    EXPECT_EQ(platform.counters().accepted, 1u) << both.output;
}

TEST_F(DaemonConfigTest, ReconcileTakesTheTargetsConnectionFromTheFileAndItsScheduleIsChecked) {
    MockPlatform platform(test::devMockPlatformConfig());
    ASSERT_TRUE(platform.start());
    std::string weekly = writeConfig(platform.endpoint(), "reconcile.schedule = weekly\n");
    auto refused = check(weekly);
    EXPECT_EQ(refused.exitCode, 1) << refused.output;
    EXPECT_NE(refused.output.find(weekly + ":16: reconcile.schedule: \"weekly\" is neither daily nor off"),
              std::string::npos)
        << refused.output;

    std::string file = writeConfig(platform.endpoint(), "reconcile.schedule = off\n");
    test::writeFile(dir.file("inbox/cf/penalty.csv"), kOnePenalty);
    auto run = test::runCommand(std::string(CREDITGW_BINARY) + " run --config '" + file + "' --once 2>&1");
    ASSERT_EQ(run.exitCode, 0) << run.output;
    EXPECT_EQ(run.output.find("reconciled for"), std::string::npos) << "reconcile.schedule = off: " << run.output;
    auto reconciled = test::runCommand(std::string(CREDITGW_BINARY) + " reconcile --config '" + file + "'");
    EXPECT_EQ(reconciled.exitCode, 0) << reconciled.output;
    EXPECT_NE(reconciled.output.find("checked 1 records, the platform answered with 1"), std::string::npos)
        << "the endpoint, CA, client certificate and store of the file: " << reconciled.output;
}
