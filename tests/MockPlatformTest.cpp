// Specification of the mock 信用中国 platform: its record rules, rejection codes, idempotency,
// client authorisation and start-up checks. Driven over real HTTPS with mutual TLS, with the
// real HttpsUploader as the client and real SM2 signatures.

#include "creditgw/MockPlatform.h"

#include <gtest/gtest.h>

#include <Poco/AutoPtr.h>
#include <Poco/Channel.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Logger.h>
#include <Poco/Message.h>

#include <filesystem>
#include <map>
#include <mutex>
#include <vector>

#include "TestSupport.h"
#include "creditgw/EnvelopeTarget.h"
#include "creditgw/HttpsUploader.h"
#include "creditgw/Json.h"
#include "creditgw/MockPlatformRules.h"
#include "creditgw/Sm2Signer.h"

using namespace creditgw;
using creditgw::test::devCertsDir;

namespace {

using Fields = std::map<std::string, std::string>;

constexpr const char* kFixedTime = "2026-11-22T10:00:00+08:00";

MockPlatformConfig platformConfig() {
    MockPlatformConfig config = creditgw::test::devMockPlatformConfig();
    config.clockOverride = kFixedTime;
    return config;
}

TlsClientConfig clientConfig() { return creditgw::test::devTlsClientConfig(); }

/// A 行政处罚 record that passes every rule of the platform.
Fields validPenalty(const std::string& documentNumber = "深交罚〔2026〕101号") {
    return {{"CF_XDR_MC", "深圳市顺达道路运输有限公司"},
            {"CF_XDR_LB", "法人及非法人组织"},
            {"CF_XDR_SHXYM", "914403001922038216"},
            {"CF_FRDB", "李四"},
            {"CF_WSH", documentNumber},
            {"CF_WFXW", "未按规定进行车辆维护"},
            {"CF_SY", "2026年11月3日检查发现营运车辆未按规定进行二级维护"},
            {"CF_YJ", "《道路运输条例》第七十条"},
            {"CF_CFLB", "罚款"},
            {"CF_NR", "罚款2000元"},
            {"CF_NR_FK", "0.2"},
            {"CF_JDRQ", "2026/11/20"},
            {"CF_YXQ", "2027/11/20"},
            {"CF_CFJG", "交通运输部"},
            {"CF_CFJGDM", "11100000000019713D"},
            {"CF_SJLY", "交通运输部"},
            {"CF_SJLYDM", "11100000000019713D"}};
}

/// A 行政许可 record that passes every rule of the platform.
Fields validLicence() {
    return {{"XK_XDR_MC", "福州市通达物流有限公司"}, {"XK_XDR_LB", "法人及非法人组织"},
            {"XK_XDR_SHXYM", "91350100M000100Y43"}, {"XK_FRDB", "王五"},
            {"XK_XKWS", "道路运输经营许可决定书"}, {"XK_WSH", "闽交运许〔2026〕8号"},
            {"XK_XKLB", "普通"}, {"XK_NR", "道路普通货物运输"},
            {"XK_JDRQ", "2026/11/18"}, {"XK_YXQZ", "2026/11/18"}, {"XK_YXQZI", "2099/12/31"},
            {"XK_XKJG", "交通运输部"}, {"XK_XKJGDM", "11100000000019713D"}, {"XK_ZT", "1"},
            {"XK_LYDW", "交通运输部"}, {"XK_LYDWDM", "11100000000019713D"}};
}

Fields with(Fields fields, const std::string& code, const std::string& value) {
    fields[code] = value;
    return fields;
}

Fields without(Fields fields, const std::string& code) {
    fields.erase(code);
    return fields;
}

/// The package exactly as the wire protocol lays it out.
std::string packageBody(const std::string& batchId, const std::string& kind,
                        const std::vector<std::pair<std::string, Fields>>& records, long count = -1) {
    std::string out = "{\"package\":{\"batchId\":" + jsonString(batchId) +
                      ",\"target\":\"creditchina\",\"kind\":" + jsonString(kind) +
                      ",\"unitCode\":\"11100000000019713D\",\"unitName\":\"交通运输部\","
                      "\"createdAt\":\"2026-11-22T13:05:09+08:00\",\"mappingVersion\":\"2.0.1\",\"count\":" +
                      std::to_string(count < 0 ? static_cast<long>(records.size()) : count) + "},\"records\":[";
    for (std::size_t i = 0; i < records.size(); ++i) {
        if (i > 0) out += ',';
        out += "{\"key\":" + jsonString(records[i].first) + ",\"fields\":{";
        bool first = true;
        for (const auto& [code, value] : records[i].second) {
            if (!first) out += ',';
            first = false;
            out += jsonString(code) + ":" + jsonString(value);
        }
        out += "}}";
    }
    return out + "]}";
}

struct RecordOutcome {
    std::string status, code, reason, acceptedAt;
};

std::map<std::string, RecordOutcome> outcomes(const std::string& receipt) {
    Poco::JSON::Parser parser;
    auto root = parser.parse(receipt).extract<Poco::JSON::Object::Ptr>();
    std::map<std::string, RecordOutcome> result;
    auto records = root->getArray("records");
    for (std::size_t i = 0; i < records->size(); ++i) {
        auto record = records->getObject(static_cast<unsigned>(i));
        result[record->getValue<std::string>("key")] = {
            record->getValue<std::string>("status"), record->optValue<std::string>("code", ""),
            record->optValue<std::string>("reason", ""), record->optValue<std::string>("acceptedAt", "")};
    }
    return result;
}

class MockPlatformTest : public ::testing::Test {
protected:
    void SetUp() override {
        auto signer = Sm2Signer::fromPrivateKeyFile(devCertsDir() + "/signing.key");
        ASSERT_TRUE(signer) << signer.status().toString();
        _signer = std::make_unique<Sm2Signer>(std::move(*signer));
        auto uploader = HttpsUploader::create(clientConfig());
        ASSERT_TRUE(uploader) << uploader.status().toString();
        _uploader = std::move(*uploader);
    }

    void startPlatform(MockPlatformConfig config = platformConfig()) {
        _platform = std::make_unique<MockPlatform>(std::move(config));
        Status started = _platform->start();
        ASSERT_TRUE(started) << started.toString();
    }

    Result<UploadResponse> post(const std::string& batchId, const std::string& body,
                                HttpsUploader* uploader = nullptr) {
        auto signature = _signer->sign(body);
        if (!signature) return signature.status();
        UploadRequest request{_platform->endpoint(), batchId, "application/json; charset=utf-8", body,
                              base64Encode(*signature), kDefaultSm2SignerId};
        return (uploader ? uploader : _uploader.get())->post(request);
    }

    Result<UploadResponse> postRecords(const std::string& batchId, const std::string& kind,
                                       const std::vector<std::pair<std::string, Fields>>& records) {
        return post(batchId, packageBody(batchId, kind, records));
    }

    std::unique_ptr<Sm2Signer> _signer;
    std::unique_ptr<HttpsUploader> _uploader;
    std::unique_ptr<MockPlatform> _platform;
};

}  // namespace

TEST_F(MockPlatformTest, GivenAValidPenalty_WhenPosted_ThenTheReceiptAcceptsItInTheWireFormat) {
    startPlatform();
    auto response = postRecords("B-valid", "cf", {{"k1", validPenalty()}});
    ASSERT_TRUE(response) << response.status().toString();
    EXPECT_EQ(response->httpStatus, 200);
    EXPECT_EQ(response->body,
              "{\"batchId\":\"B-valid\",\"acceptedAt\":\"2026-11-22T10:00:00+08:00\",\"records\":["
              "{\"key\":\"k1\",\"status\":\"accepted\"}]}");
    auto counters = _platform->counters();
    EXPECT_EQ(counters.batches, 1u);
    EXPECT_EQ(counters.accepted, 1u);
    EXPECT_EQ(counters.rejected, 0u);
}

TEST_F(MockPlatformTest, GivenOneDefectPerRecord_WhenPosted_ThenEachIsRejectedWithItsCodeAndFixedReason) {
    startPlatform();
    const Fields ok = validPenalty();
    // Each record its own 文书号, so that only the intended rule can fire.
    auto numbered = [](Fields fields, int n) { return with(std::move(fields), "CF_WSH", "罚" + std::to_string(n)); };
    const std::vector<std::pair<std::string, Fields>> records = {
        {"missing-wsh", without(ok, "CF_WSH")},
        {"blank-name", numbered(with(ok, "CF_XDR_MC", "  "), 1)},
        {"bad-category", numbered(with(ok, "CF_XDR_LB", "企业"), 2)},
        {"fine-without-amount", numbered(without(ok, "CF_NR_FK"), 3)},
        {"confiscation-without-amount", numbered(with(ok, "CF_CFLB", "罚款;没收违法所得"), 4)},
        {"revocation-without-licence", numbered(with(ok, "CF_CFLB", "吊销许可证件"), 5)},
        {"person-without-id", numbered(with(without(ok, "CF_XDR_SHXYM"), "CF_XDR_LB", "自然人"), 6)},
        {"org-without-representative", numbered(without(ok, "CF_FRDB"), 7)},
        {"placeholder-without-registration", numbered(with(ok, "CF_XDR_SHXYM", "00000000000000000X"), 8)},
        {"bad-subject-uscc", numbered(with(ok, "CF_XDR_SHXYM", "914403001922038217"), 9)},
        {"bad-agency-uscc", numbered(with(ok, "CF_CFJGDM", "91350100M000100Y4Z"), 10)},
        {"bad-source-uscc", numbered(with(ok, "CF_SJLYDM", "11100000000019713E"), 11)},
        {"impossible-date", numbered(with(ok, "CF_JDRQ", "2026/02/30"), 12)},
        {"dashed-date", numbered(with(ok, "CF_YXQ", "2027-11-20"), 13)},
        {"bad-publicity-end", numbered(with(ok, "CF_GSJZQ", "2027/13/01"), 14)},
        {"test-data", numbered(with(ok, "CF_XDR_MC", "测试运输公司"), 15)},
    };
    auto response = postRecords("B-rules", "cf", records);
    ASSERT_TRUE(response) << response.status().toString();
    auto verdicts = outcomes(response->body);
    const std::map<std::string, std::pair<std::string, std::string>> expected = {
        {"missing-wsh", {"E101", "必填项缺失：CF_WSH"}},
        {"blank-name", {"E101", "必填项缺失：CF_XDR_MC"}},
        {"bad-category", {"E102", "行政相对人类别无效：CF_XDR_LB"}},
        {"fine-without-amount", {"E101", "必填项缺失：CF_NR_FK"}},
        {"confiscation-without-amount", {"E101", "必填项缺失：CF_NR_WFFF"}},
        {"revocation-without-licence", {"E101", "必填项缺失：CF_NR_ZKDX"}},
        {"person-without-id", {"E101", "必填项缺失：CF_XDR_ZJLX"}},
        {"org-without-representative", {"E101", "必填项缺失：CF_FRDB"}},
        {"placeholder-without-registration", {"E101", "必填项缺失：CF_XDR_GSZC"}},
        {"bad-subject-uscc", {"E201", "统一社会信用代码校验不通过：CF_XDR_SHXYM"}},
        {"bad-agency-uscc", {"E201", "统一社会信用代码校验不通过：CF_CFJGDM"}},
        {"bad-source-uscc", {"E201", "统一社会信用代码校验不通过：CF_SJLYDM"}},
        {"impossible-date", {"E202", "日期格式错误或日期不存在：CF_JDRQ"}},
        {"dashed-date", {"E202", "日期格式错误或日期不存在：CF_YXQ"}},
        {"bad-publicity-end", {"E202", "日期格式错误或日期不存在：CF_GSJZQ"}},
        {"test-data", {"E301", "疑似测试数据，不予接收"}},
    };
    ASSERT_EQ(verdicts.size(), expected.size());
    for (const auto& [key, codeAndReason] : expected) {
        SCOPED_TRACE(key);
        EXPECT_EQ(verdicts[key].status, "rejected");
        EXPECT_EQ(verdicts[key].code, codeAndReason.first);
        EXPECT_EQ(verdicts[key].reason, codeAndReason.second);
    }
    EXPECT_EQ(_platform->counters().rejected, expected.size());
    EXPECT_EQ(_platform->counters().accepted, 0u);
}

TEST_F(MockPlatformTest, GivenTheExemptionsOfTheStandard_WhenPosted_ThenTheyAreAccepted) {
    startPlatform();
    Fields person = without(without(validPenalty("罚-person"), "CF_XDR_SHXYM"), "CF_FRDB");
    person["CF_XDR_LB"] = "自然人";
    person["CF_XDR_ZJLX"] = "身份证";
    person["CF_XDR_ZJHM"] = "11010519491231002X";
    Fields placeholder = with(validPenalty("罚-placeholder"), "CF_XDR_SHXYM", "00000000000000000X");
    placeholder["CF_XDR_GSZC"] = "440301000000001";
    Fields warning = without(with(validPenalty("罚-warning"), "CF_CFLB", "警告"), "CF_NR_FK");
    auto response = postRecords("B-exempt", "cf", {{"person", person}, {"placeholder", placeholder}, {"warning", warning}});
    ASSERT_TRUE(response) << response.status().toString();
    for (const auto& [key, outcome] : outcomes(response->body)) EXPECT_EQ(outcome.status, "accepted") << key << " " << outcome.reason;

    auto licence = postRecords("B-xk", "xk", {{"xk1", validLicence()}, {"xk2", with(validLicence(), "XK_YXQZI", "2099/02/29")}});
    ASSERT_TRUE(licence) << licence.status().toString();
    auto verdicts = outcomes(licence->body);
    EXPECT_EQ(verdicts["xk1"].status, "accepted") << verdicts["xk1"].reason;
    EXPECT_EQ(verdicts["xk2"].code, "E202");
    EXPECT_EQ(verdicts["xk2"].reason, "日期格式错误或日期不存在：XK_YXQZI");
}

TEST_F(MockPlatformTest, GivenADocumentNumberAcceptedUnderAnotherKey_WhenPostedAgain_ThenE302) {
    startPlatform();
    ASSERT_TRUE(postRecords("B-first", "cf", {{"k1", validPenalty("深交罚〔2026〕7号")}}));
    Fields other = with(validPenalty("深交罚〔2026〕7号"), "CF_XDR_MC", "另一家运输公司");
    auto response = postRecords("B-second", "cf", {{"k2", other}, {"k1", with(validPenalty("深交罚〔2026〕7号"), "CF_NR", "罚款2000元（更正）")}});
    ASSERT_TRUE(response) << response.status().toString();
    auto verdicts = outcomes(response->body);
    EXPECT_EQ(verdicts["k2"].status, "rejected");
    EXPECT_EQ(verdicts["k2"].code, "E302");
    EXPECT_EQ(verdicts["k2"].reason, "文书号重复：CF_WSH");
    // The owner of the 文书号 may still correct its own record.
    EXPECT_EQ(verdicts["k1"].status, "accepted");

    // The same 文书号 in a different kind is a different document.
    auto licence = postRecords("B-xk", "xk", {{"xk1", with(validLicence(), "XK_WSH", "深交罚〔2026〕7号")}});
    ASSERT_TRUE(licence);
    EXPECT_EQ(outcomes(licence->body)["xk1"].status, "accepted");
}

TEST_F(MockPlatformTest, GivenAnAcceptedRecord_WhenReSentIdenticalOrChanged_ThenAcceptedAtIsKeptOrRenewed) {
    startPlatform();
    ASSERT_TRUE(postRecords("B-1", "cf", {{"k1", validPenalty()}, {"k2", validPenalty("罚-2")}}));
    _platform->setClockOverride("2026-11-23T09:00:00+08:00");
    auto response = postRecords("B-2", "cf", {{"k1", validPenalty()}, {"k2", with(validPenalty("罚-2"), "CF_NR_FK", "0.3")}});
    ASSERT_TRUE(response) << response.status().toString();
    EXPECT_NE(response->body.find("\"acceptedAt\":\"2026-11-23T09:00:00+08:00\""), std::string::npos);
    auto verdicts = outcomes(response->body);
    EXPECT_EQ(verdicts["k1"].status, "accepted");
    EXPECT_EQ(verdicts["k1"].acceptedAt, kFixedTime);  // identical: first acceptance stands
    EXPECT_EQ(verdicts["k2"].status, "accepted");
    EXPECT_EQ(verdicts["k2"].acceptedAt, "");  // an update: accepted now, at the batch's time
}

TEST_F(MockPlatformTest, GivenAProcessedBatch_WhenRePosted_ThenTheStoredReceiptIsReturnedAndNothingCountsTwice) {
    startPlatform();
    const std::string body = packageBody("B-dup", "cf", {{"k1", validPenalty()}, {"k2", without(validPenalty("x"), "CF_SY")}});
    auto first = post("B-dup", body);
    ASSERT_TRUE(first) << first.status().toString();
    _platform->setClockOverride("2026-12-01T00:00:00+08:00");
    auto second = post("B-dup", body);
    ASSERT_TRUE(second) << second.status().toString();
    EXPECT_EQ(second->body, first->body);
    auto counters = _platform->counters();
    EXPECT_EQ(counters.batches, 1u);
    EXPECT_EQ(counters.accepted, 1u);
    EXPECT_EQ(counters.rejected, 1u);
    EXPECT_EQ(counters.duplicates, 1u);

    // The same batchId with other bytes is a gateway bug, not a re-send: refused, not merged.
    auto changed = post("B-dup", packageBody("B-dup", "cf", {{"k1", validPenalty()}}));
    ASSERT_FALSE(changed);
    EXPECT_EQ(changed.status().code(), StatusCode::Permanent);
    EXPECT_NE(changed.status().message().find("HTTP 409"), std::string::npos) << changed.status().message();
}

TEST_F(MockPlatformTest, GivenMalformedPackages_WhenPosted_Then400WithTheReason) {
    startPlatform();
    auto mismatch = post("B-count", packageBody("B-count", "cf", {{"k1", validPenalty()}}, 2));
    ASSERT_FALSE(mismatch);
    EXPECT_EQ(mismatch.status().code(), StatusCode::Permanent);
    EXPECT_NE(mismatch.status().message().find("HTTP 400: count mismatch: package.count is 2 but records holds 1"),
              std::string::npos) << mismatch.status().message();

    auto broken = post("B-json", "{\"package\":");
    ASSERT_FALSE(broken);
    EXPECT_NE(broken.status().message().find("HTTP 400: malformed JSON"), std::string::npos) << broken.status().message();

    auto otherId = post("B-header", packageBody("B-body", "cf", {{"k1", validPenalty()}}));
    ASSERT_FALSE(otherId);
    EXPECT_NE(otherId.status().message().find("differs from X-Batch-Id"), std::string::npos);

    auto kind = post("B-pj", packageBody("B-pj", "pj", {{"k1", validPenalty()}}));
    ASSERT_FALSE(kind);
    EXPECT_NE(kind.status().message().find("accepted: xk, cf"), std::string::npos);
    EXPECT_EQ(_platform->counters().batches, 0u);
}

TEST_F(MockPlatformTest, GivenAClientCertificateWithAnotherCommonName_WhenPosting_Then403Permanent) {
    creditgw::test::ScratchDir dir("mock-intruder");
    const std::string& certs = devCertsDir();
    auto made = creditgw::test::runCommand(
        "cd " + dir.path() + " && umask 077 && "
        "openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out intruder.key && "
        "openssl req -new -key intruder.key -subj /CN=intruder -out intruder.csr && "
        "printf 'extendedKeyUsage=clientAuth\\n' > ext && "
        "openssl x509 -req -in intruder.csr -CA " + certs + "/ca.pem -CAkey " + certs +
        "/ca.key -CAcreateserial -CAserial serial -days 2 -extfile ext -out intruder.pem");
    ASSERT_EQ(made.exitCode, 0) << made.output;
    startPlatform();
    auto intruder = HttpsUploader::create({certs + "/ca.pem", dir.file("intruder.pem"), dir.file("intruder.key"),
                                           std::chrono::seconds(10)});
    ASSERT_TRUE(intruder) << intruder.status().toString();
    auto response = post("B-intruder", packageBody("B-intruder", "cf", {{"k1", validPenalty()}}), intruder->get());
    ASSERT_FALSE(response);
    EXPECT_EQ(response.status().code(), StatusCode::Permanent);
    EXPECT_NE(response.status().message().find("HTTP 403: client certificate CN \"intruder\" is not allowed"),
              std::string::npos) << response.status().message();
    EXPECT_EQ(_platform->counters().batches, 0u);
}

TEST_F(MockPlatformTest, GivenAServerKeyReadableByOthers_WhenStarting_ThenRefusedWithTheChmodHint) {
    creditgw::test::ScratchDir dir("mock-key-0644");
    const std::string key = dir.file("server.key");
    std::filesystem::copy_file(devCertsDir() + "/server.key", key);
    std::filesystem::permissions(key, std::filesystem::perms(0644));
    MockPlatformConfig config = platformConfig();
    config.keyFile = key;
    MockPlatform platform(config);
    Status started = platform.start();
    ASSERT_FALSE(started);
    EXPECT_EQ(started.code(), StatusCode::Permanent);
    EXPECT_NE(started.message().find("chmod 600"), std::string::npos) << started.message();
    EXPECT_NE(started.message().find(key), std::string::npos) << started.message();
    EXPECT_EQ(platform.port(), 0);
}

TEST_F(MockPlatformTest, GivenAPortInUse_WhenASecondPlatformStartsOnIt_ThenItFailsNamingThePort) {
    startPlatform();
    MockPlatformConfig config = platformConfig();
    config.port = _platform->port();
    MockPlatform second(config);
    Status started = second.start();
    ASSERT_FALSE(started);
    EXPECT_NE(started.message().find("cannot listen on 127.0.0.1:" + std::to_string(config.port)), std::string::npos)
        << started.message();
}

TEST_F(MockPlatformTest, GivenANonLoopbackHost_WhenStarting_ThenRefused) {
    MockPlatformConfig config = platformConfig();
    config.host = "0.0.0.0";
    MockPlatform platform(config);
    Status started = platform.start();
    ASSERT_FALSE(started);
    EXPECT_EQ(started.code(), StatusCode::InvalidArgument);
    EXPECT_NE(started.message().find("loopback"), std::string::npos);
}

TEST_F(MockPlatformTest, GivenAStateFile_WhenThePlatformRestarts_ThenProcessedBatchesAndDocumentNumbersSurvive) {
    creditgw::test::ScratchDir dir("mock-state");
    MockPlatformConfig config = platformConfig();
    config.stateFile = dir.file("state.json");
    startPlatform(config);
    const std::string body = packageBody("B-persist", "cf", {{"k1", validPenalty("深交罚〔2026〕9号")}});
    auto first = post("B-persist", body);
    ASSERT_TRUE(first) << first.status().toString();
    _platform->stop();

    startPlatform(config);  // a new process, as far as the platform's memory goes
    auto again = post("B-persist", body);
    ASSERT_TRUE(again) << again.status().toString();
    EXPECT_EQ(again->body, first->body);
    EXPECT_EQ(_platform->counters().duplicates, 1u);
    auto receipt = _uploader->queryReceipt(_platform->endpoint(), "B-persist");
    ASSERT_TRUE(receipt) << receipt.status().toString();
    EXPECT_EQ(receipt->body, first->body);
    auto clash = postRecords("B-clash", "cf", {{"k9", with(validPenalty("深交罚〔2026〕9号"), "CF_XDR_MC", "别家")}});
    ASSERT_TRUE(clash);
    EXPECT_EQ(outcomes(clash->body)["k9"].code, "E302");
}

TEST_F(MockPlatformTest, GivenACorruptStateFile_WhenStarting_ThenCorruptNamingTheFile) {
    creditgw::test::ScratchDir dir("mock-state-corrupt");
    creditgw::test::writeFile(dir.file("state.json"), "{\"batches\": [");
    MockPlatformConfig config = platformConfig();
    config.stateFile = dir.file("state.json");
    MockPlatform platform(config);
    Status started = platform.start();
    ASSERT_FALSE(started);
    EXPECT_EQ(started.code(), StatusCode::Corrupt);
    EXPECT_NE(started.message().find(config.stateFile), std::string::npos);
}

namespace {

/// Collects what the "mock" logger writes, to check what it never writes.
class CapturingChannel : public Poco::Channel {
public:
    void log(const Poco::Message& message) override {
        std::lock_guard<std::mutex> lock(_mutex);
        _text += message.getText() + "\n";
    }
    std::string text() {
        std::lock_guard<std::mutex> lock(_mutex);
        return _text;
    }

private:
    std::mutex _mutex;
    std::string _text;
};

}  // namespace

TEST_F(MockPlatformTest, GivenANaturalPersonsIdNumber_WhenTheRecordIsLogged_ThenOnlyItsMaskedFormAppears) {
    Poco::Logger& logger = Poco::Logger::get("mock");
    Poco::AutoPtr<CapturingChannel> channel(new CapturingChannel);
    Poco::Channel::Ptr previousChannel = logger.getChannel();
    const int previousLevel = logger.getLevel();
    logger.setChannel(channel);
    logger.setLevel(Poco::Message::PRIO_TRACE);

    startPlatform();
    const std::string id = "11010519491231002X";
    Fields person = without(without(validPenalty("罚-p"), "CF_XDR_SHXYM"), "CF_FRDB");
    person["CF_XDR_LB"] = "自然人";
    person["CF_XDR_ZJLX"] = "身份证";
    person["CF_XDR_ZJHM"] = id;
    person["CF_XDR_MC"] = "测试人";  // rejected, so the record itself gets a log line
    // A careless gateway might even build the record key from the ID number.
    auto response = postRecords("B-" + id, "cf", {{"person-" + id, person}});
    _platform->stop();
    logger.setChannel(previousChannel);
    logger.setLevel(previousLevel);

    ASSERT_TRUE(response) << response.status().toString();
    const std::string logged = channel->text();
    EXPECT_NE(logged.find("110105********002X"), std::string::npos) << logged;
    EXPECT_EQ(logged.find(id), std::string::npos) << logged;
}

TEST_F(MockPlatformTest, GivenAWithdrawal_ThenTheRecordIsNoLongerHeldAndAnUnknownKeyIsE404) {
    startPlatform();
    ASSERT_TRUE(postRecords("B-add", "cf", {{"k1", validPenalty("深交罚〔2026〕11号")}}));
    EXPECT_TRUE(_platform->holds("k1"));
    auto response = postRecords("B-withdraw", "cf",
                                {{"k1", with(validPenalty("深交罚〔2026〕11号"), "CZLX", "撤销")},
                                 {"k2", with(validPenalty("深交罚〔2026〕12号"), "CZLX", "撤销")}});
    ASSERT_TRUE(response) << response.status().toString();
    auto verdicts = outcomes(response->body);
    EXPECT_EQ(verdicts["k1"].status, "accepted");
    EXPECT_EQ(verdicts["k2"].code, "E404");
    EXPECT_EQ(verdicts["k2"].reason, "撤销的记录不存在");
    EXPECT_FALSE(_platform->holds("k1"));
    EXPECT_EQ(_platform->counters().withdrawn, 1u);
}

// The record query of reconciliation: GET /api/records?from&to answers what the platform holds
// or ended, by decision date, with the content hash the gateway computes the same way.
TEST_F(MockPlatformTest, GivenRecordsAndAWithdrawal_WhenQueried_ThenTheRangeSelectsThemWithStateAndHash) {
    creditgw::test::ScratchDir dir("mock-query");
    MockPlatformConfig config = platformConfig();
    config.stateFile = dir.file("state.json");
    startPlatform(config);
    Fields held = validPenalty("深交罚〔2026〕21号");
    ASSERT_TRUE(postRecords("B-add", "cf", {{"k1", held}, {"k2", with(validPenalty("深交罚〔2026〕22号"), "CF_JDRQ",
                                                                        "2026/10/08")}}));
    ASSERT_TRUE(postRecords("B-withdraw", "cf", {{"k2", with(with(validPenalty("深交罚〔2026〕22号"), "CF_JDRQ",
                                                                   "2026/10/08"), "CZLX", "撤销")}}));
    _platform->stop();
    startPlatform(config);  // what became of each record survives a restart

    auto all = _uploader->queryHoldings(_platform->endpoint(), "", "");
    ASSERT_TRUE(all) << all.status().toString();
    auto root = Poco::JSON::Parser().parse(all->body).extract<Poco::JSON::Object::Ptr>();
    auto records = root->getArray("records");
    ASSERT_EQ(records->size(), 2u) << all->body;
    std::map<std::string, Poco::JSON::Object::Ptr> byKey;
    for (std::size_t i = 0; i < records->size(); ++i) {
        auto record = records->getObject(static_cast<unsigned>(i));
        byKey[record->getValue<std::string>("key")] = record;
    }
    EXPECT_EQ(byKey["k1"]->getValue<std::string>("state"), "published");
    EXPECT_EQ(byKey["k1"]->getValue<std::string>("decisionDate"), "2026-11-20");
    EXPECT_EQ(byKey["k2"]->getValue<std::string>("state"), "withdrawn");
    FieldList fields(held.begin(), held.end());
    EXPECT_EQ(byKey["k1"]->getValue<std::string>("contentHash"), platformContentHash({"k1", "cf", fields}));
    fields.emplace_back("CF_BZ", "");  // an empty field is no content
    EXPECT_EQ(byKey["k1"]->getValue<std::string>("contentHash"), platformContentHash({"k1", "cf", fields}));

    auto november = _uploader->queryHoldings(_platform->endpoint(), "2026-11-01", "2026-11-30");
    ASSERT_TRUE(november) << november.status().toString();
    EXPECT_NE(november->body.find("\"k1\""), std::string::npos) << november->body;
    EXPECT_EQ(november->body.find("\"k2\""), std::string::npos) << november->body;

    auto bad = _uploader->queryHoldings(_platform->endpoint(), "2026-13-01", "");
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.status().code(), StatusCode::Permanent);
    EXPECT_NE(bad.status().message().find("HTTP 400: from is not a date"), std::string::npos) << bad.status().message();
}

TEST_F(MockPlatformTest, GivenALoseShare_ThenExactlyThatShareIsAnsweredAcceptedButNotHeld) {
    MockPlatformConfig config = platformConfig();
    config.loseShare = 0.3;
    startPlatform(config);
    std::vector<std::pair<std::string, Fields>> ten;
    for (int i = 1; i <= 10; ++i)
        ten.emplace_back("k" + std::to_string(i), validPenalty("深交罚〔2026〕" + std::to_string(300 + i) + "号"));
    auto response = postRecords("B-ten", "cf", ten);
    ASSERT_TRUE(response) << response.status().toString();
    for (const auto& [key, outcome] : outcomes(response->body)) EXPECT_EQ(outcome.status, "accepted") << key;
    EXPECT_EQ(_platform->lostKeys(), (std::vector<std::string>{"k4", "k7", "k10"}));
    EXPECT_EQ(_platform->counters().lost, 3u);
    for (const auto& [key, fields] : ten) {
        bool lost = key == "k4" || key == "k7" || key == "k10";
        EXPECT_EQ(_platform->holds(key), !lost) << key;
    }
    auto withdrawal = postRecords("B-withdraw", "cf", {{"k1", with(ten[0].second, "CZLX", "撤销")}});
    ASSERT_TRUE(withdrawal);
    EXPECT_EQ(outcomes(withdrawal->body)["k1"].status, "accepted") << "a withdrawal is never lost";
    EXPECT_FALSE(_platform->holds("k1"));
}
