// Specification of HttpsUploader against the real MockPlatform on 127.0.0.1 with the
// development PKI, plus two tiny raw TLS servers in this file for the failure shapes the mock
// never produces (an answer that never comes; a certificate for another host).

#include "creditgw/HttpsUploader.h"

#include <gtest/gtest.h>

#include <Poco/Net/Context.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/SecureStreamSocket.h>
#include <Poco/Net/ServerSocket.h>

#include <filesystem>
#include <thread>

#include "ScriptedHttpsServer.h"
#include "TestSupport.h"
#include "creditgw/Json.h"
#include "creditgw/MockPlatform.h"
#include "creditgw/Sm2Signer.h"

using namespace creditgw;
using namespace std::chrono_literals;
using creditgw::test::devCertsDir;

namespace {

MockPlatformConfig platformConfig() {
    MockPlatformConfig config = creditgw::test::devMockPlatformConfig();
    config.clockOverride = "2026-11-22T10:00:00+08:00";
    return config;
}

TlsClientConfig clientConfig() { return creditgw::test::devTlsClientConfig(); }

/// Two 行政处罚 records: the first passes, the second has a bad USCC check character.
std::string twoRecordBatch(const std::string& batchId) {
    auto record = [](const std::string& key, const std::string& uscc, const std::string& wsh) {
        return "{\"key\":" + jsonString(key) +
               ",\"fields\":{\"CF_XDR_MC\":\"深圳市顺达道路运输有限公司\",\"CF_XDR_LB\":\"法人及非法人组织\","
               "\"CF_XDR_SHXYM\":" + jsonString(uscc) + ",\"CF_FRDB\":\"李四\",\"CF_WSH\":" + jsonString(wsh) +
               ",\"CF_WFXW\":\"未按规定进行车辆维护\",\"CF_SY\":\"营运车辆未按规定进行二级维护\","
               "\"CF_YJ\":\"《道路运输条例》第七十条\",\"CF_CFLB\":\"罚款\",\"CF_NR\":\"罚款2000元\","
               "\"CF_NR_FK\":\"0.2\",\"CF_JDRQ\":\"2026/11/20\",\"CF_YXQ\":\"2027/11/20\","
               "\"CF_CFJG\":\"交通运输部\",\"CF_CFJGDM\":\"11100000000019713D\",\"CF_SJLY\":\"交通运输部\","
               "\"CF_SJLYDM\":\"11100000000019713D\"}}";
    };
    return "{\"package\":{\"batchId\":" + jsonString(batchId) +
           ",\"target\":\"creditchina\",\"kind\":\"cf\",\"unitCode\":\"11100000000019713D\","
           "\"unitName\":\"交通运输部\",\"createdAt\":\"2026-11-22T13:05:09+08:00\","
           "\"mappingVersion\":\"2.0.1\",\"count\":2},\"records\":[" +
           record("k1", "914403001922038216", "深交罚〔2026〕1号") + "," +
           record("k2", "914403001922038217", "深交罚〔2026〕2号") + "]}";
}

const std::string kExpectedReceipt =
    "{\"batchId\":\"B1\",\"acceptedAt\":\"2026-11-22T10:00:00+08:00\",\"records\":["
    "{\"key\":\"k1\",\"status\":\"accepted\"},"
    "{\"key\":\"k2\",\"status\":\"rejected\",\"code\":\"E201\",\"reason\":\"统一社会信用代码校验不通过：CF_XDR_SHXYM\"}]}";

/// A TLS server for one connection that reads a whole request, then closes without a word:
/// the shape of a platform that crashed after taking the batch.
class SilentServer {
public:
    SilentServer()
        : _socket(Poco::Net::SocketAddress("127.0.0.1", 0), 8,
                  new Poco::Net::Context(Poco::Net::Context::TLS_SERVER_USE, devCertsDir() + "/server.key",
                                         devCertsDir() + "/server.pem", "", Poco::Net::Context::VERIFY_NONE)),
          _thread([this] { serveOne(); }) {}
    ~SilentServer() { _thread.join(); }
    unsigned short port() const { return _socket.address().port(); }
    std::size_t bodyBytesRead() const { return _bodyBytes; }

private:
    void serveOne() {
        try {
            Poco::Net::StreamSocket connection = _socket.acceptConnection();
            connection.setReceiveTimeout(Poco::Timespan(5, 0));
            std::string received;
            char buffer[4096];
            std::size_t headerEnd = std::string::npos, contentLength = 0;
            while (true) {
                int n = connection.receiveBytes(buffer, sizeof buffer);
                if (n <= 0) break;
                received.append(buffer, static_cast<std::size_t>(n));
                if (headerEnd == std::string::npos && (headerEnd = received.find("\r\n\r\n")) != std::string::npos) {
                    auto at = received.find("Content-Length: ");
                    contentLength = at == std::string::npos ? 0 : std::stoul(received.substr(at + 16));
                }
                if (headerEnd != std::string::npos && received.size() >= headerEnd + 4 + contentLength) break;
            }
            _bodyBytes = headerEnd == std::string::npos ? 0 : received.size() - headerEnd - 4;
            connection.close();
        } catch (const Poco::Exception& e) {
            ADD_FAILURE() << "silent server: " << e.displayText();
        }
    }

    Poco::Net::SecureServerSocket _socket;
    std::thread _thread;
    std::size_t _bodyBytes = 0;
};

class HttpsUploaderTest : public ::testing::Test {
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

    UploadRequest signedRequest(const std::string& endpoint, const std::string& batchId, const std::string& body) {
        auto signature = _signer->sign(body);
        EXPECT_TRUE(signature) << signature.status().toString();
        return {endpoint, batchId, "application/json; charset=utf-8", body,
                signature ? base64Encode(*signature) : "", kDefaultSm2SignerId};
    }

    std::unique_ptr<Sm2Signer> _signer;
    std::unique_ptr<HttpsUploader> _uploader;
    std::unique_ptr<MockPlatform> _platform;
};

}  // namespace

TEST_F(HttpsUploaderTest, GivenASignedBatch_WhenPosted_ThenOkWithPerRecordReceipts) {
    startPlatform();
    auto response = _uploader->post(signedRequest(_platform->endpoint(), "B1", twoRecordBatch("B1")));
    ASSERT_TRUE(response) << response.status().toString();
    EXPECT_EQ(response->httpStatus, 200);
    EXPECT_EQ(response->body, kExpectedReceipt);
    EXPECT_FALSE(response->retryAfter.has_value());
}

TEST_F(HttpsUploaderTest, GivenASignatureOverOtherBytes_WhenPosted_ThenPermanentWithThePlatformsText) {
    startPlatform();
    UploadRequest request = signedRequest(_platform->endpoint(), "B1", twoRecordBatch("B1"));
    request.body[request.body.size() - 2] = ' ';  // one byte changed after signing
    auto response = _uploader->post(request);
    ASSERT_FALSE(response);
    EXPECT_EQ(response.status().code(), StatusCode::Permanent);
    EXPECT_NE(response.status().message().find("HTTP 401: signature: does not verify"), std::string::npos)
        << response.status().message();
    EXPECT_EQ(_platform->counters().badSignatures, 1u);
    EXPECT_EQ(_platform->counters().batches, 0u);
}

TEST_F(HttpsUploaderTest, GivenAClientTrustingAnotherCa_WhenPosting_ThenPermanentTlsFailure) {
    creditgw::test::ScratchDir dir("uploader-other-ca");
    auto made = creditgw::test::runCommand(
        "cd " + dir.path() + " && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes "
        "-keyout other-ca.key -out other-ca.pem -days 2 -subj /CN=other-ca");
    ASSERT_EQ(made.exitCode, 0) << made.output;
    startPlatform();
    TlsClientConfig config = clientConfig();
    config.caFile = dir.file("other-ca.pem");
    auto uploader = HttpsUploader::create(config);
    ASSERT_TRUE(uploader) << uploader.status().toString();
    auto response = (*uploader)->post(signedRequest(_platform->endpoint(), "B1", twoRecordBatch("B1")));
    ASSERT_FALSE(response);
    EXPECT_EQ(response.status().code(), StatusCode::Permanent);
    EXPECT_NE(response.status().message().find("TLS failed"), std::string::npos) << response.status().message();
    EXPECT_EQ(_platform->counters().batches, 0u);
}

TEST_F(HttpsUploaderTest, GivenACertificateForAnotherHost_WhenPosting_ThenPermanentTlsFailure) {
    // The dev server certificate names localhost and 127.0.0.1; 127.0.0.2 is loopback too, but
    // not in the certificate: the chain is fine, the host name is not.
    MockPlatformConfig config = platformConfig();
    config.host = "127.0.0.2";
    startPlatform(config);
    auto response = _uploader->post(signedRequest(_platform->endpoint(), "B1", twoRecordBatch("B1")));
    ASSERT_FALSE(response);
    EXPECT_EQ(response.status().code(), StatusCode::Permanent) << response.status().message();
    EXPECT_EQ(_platform->counters().batches, 0u);
}

TEST_F(HttpsUploaderTest, GivenNoClientCertificate_WhenPostingToAMutualTlsPlatform_ThenPermanent) {
    startPlatform();
    TlsClientConfig config = clientConfig();
    config.certFile.clear();
    config.keyFile.clear();
    auto uploader = HttpsUploader::create(config);
    ASSERT_TRUE(uploader) << uploader.status().toString();
    auto response = (*uploader)->post(signedRequest(_platform->endpoint(), "B1", twoRecordBatch("B1")));
    ASSERT_FALSE(response);
    EXPECT_EQ(response.status().code(), StatusCode::Permanent) << response.status().message();
    EXPECT_EQ(_platform->counters().batches, 0u);
}

TEST_F(HttpsUploaderTest, GivenNothingListening_WhenPosting_ThenTransient) {
    unsigned short port;
    {
        Poco::Net::ServerSocket probe(Poco::Net::SocketAddress("127.0.0.1", 0));
        port = probe.address().port();
    }  // closed again: the port is free and refuses connections
    auto response = _uploader->post(signedRequest("https://127.0.0.1:" + std::to_string(port) + "/api", "B1",
                                                  twoRecordBatch("B1")));
    ASSERT_FALSE(response);
    EXPECT_EQ(response.status().code(), StatusCode::Transient) << response.status().message();
    EXPECT_FALSE(HttpsUploader::retryAfterOf(response.status()).has_value());
}

TEST_F(HttpsUploaderTest, GivenAnOverloadedPlatform_WhenPosting_ThenTransientWithRetryAfterThenOk) {
    MockPlatformConfig config = platformConfig();
    config.failFirstRequests = 1;
    startPlatform(config);
    const UploadRequest request = signedRequest(_platform->endpoint(), "B1", twoRecordBatch("B1"));
    auto first = _uploader->post(request);
    ASSERT_FALSE(first);
    EXPECT_EQ(first.status().code(), StatusCode::Transient);
    EXPECT_NE(first.status().message().find("HTTP 503"), std::string::npos) << first.status().message();
    EXPECT_EQ(HttpsUploader::retryAfterOf(first.status()), std::optional<std::chrono::seconds>(1s));
    auto second = _uploader->post(request);  // the very same bytes, no blind re-serialisation
    ASSERT_TRUE(second) << second.status().toString();
    EXPECT_EQ(second->body, kExpectedReceipt);
}

TEST_F(HttpsUploaderTest, GivenAnAcceptedBatch_WhenRePostedAndQueried_ThenTheSameReceiptAndOneDuplicate) {
    startPlatform();
    const UploadRequest request = signedRequest(_platform->endpoint(), "B1", twoRecordBatch("B1"));
    auto first = _uploader->post(request);
    ASSERT_TRUE(first) << first.status().toString();
    auto again = _uploader->post(request);
    ASSERT_TRUE(again) << again.status().toString();
    EXPECT_EQ(again->body, first->body);
    EXPECT_EQ(_platform->counters().duplicates, 1u);
    EXPECT_EQ(_platform->counters().accepted, 1u);

    auto receipt = _uploader->queryReceipt(_platform->endpoint(), "B1");
    ASSERT_TRUE(receipt) << receipt.status().toString();
    EXPECT_EQ(receipt->body, first->body);
}

TEST_F(HttpsUploaderTest, GivenAnUnknownBatch_WhenQueryingItsReceipt_ThenNotFound) {
    startPlatform();
    auto receipt = _uploader->queryReceipt(_platform->endpoint(), "never sent/odd id");
    ASSERT_FALSE(receipt);
    EXPECT_EQ(receipt.status().code(), StatusCode::NotFound) << receipt.status().message();
    EXPECT_NE(receipt.status().message().find("unknown batch never sent/odd id"), std::string::npos)
        << receipt.status().message();
}

TEST_F(HttpsUploaderTest, GivenAServerThatClosesAfterReadingTheBody_WhenPosting_ThenUnknown) {
    std::string body = twoRecordBatch("B1");
    std::size_t bodyBytesRead;
    Result<UploadResponse> response = Status::invalidArgument("not run");
    {
        SilentServer server;
        response = _uploader->post(signedRequest("https://127.0.0.1:" + std::to_string(server.port()) + "/api",
                                                 "B1", body));
        bodyBytesRead = server.bodyBytesRead();
    }
    ASSERT_EQ(bodyBytesRead, body.size());  // the platform has the whole batch...
    ASSERT_FALSE(response);
    EXPECT_EQ(response.status().code(), StatusCode::Unknown) << response.status().message();  // ...we can't know
    EXPECT_NE(response.status().message().find("query the receipt"), std::string::npos);
}

TEST_F(HttpsUploaderTest, GivenBadArguments_ThenInvalidArgumentOrNotFoundBeforeAnyNetwork) {
    const std::string& certs = devCertsDir();
    EXPECT_EQ(HttpsUploader::create({"", "", "", 10s}).status().code(), StatusCode::InvalidArgument);
    EXPECT_EQ(HttpsUploader::create({certs + "/nope.pem", "", "", 10s}).status().code(), StatusCode::NotFound);
    EXPECT_EQ(HttpsUploader::create({certs + "/ca.pem", certs + "/client.pem", "", 10s}).status().code(),
              StatusCode::InvalidArgument);
    auto plain = _uploader->post(signedRequest("http://127.0.0.1:1/api", "B1", "{}"));
    EXPECT_EQ(plain.status().code(), StatusCode::InvalidArgument);
    auto injected = _uploader->post(signedRequest("https://127.0.0.1:1/api", "B1\r\nX-Evil: 1", "{}"));
    EXPECT_EQ(injected.status().code(), StatusCode::InvalidArgument);
}

TEST_F(HttpsUploaderTest, GivenAClientKeyReadableByOthers_WhenCreating_ThenRefusedWithTheChmodHint) {
    creditgw::test::ScratchDir dir("uploader-key-0644");
    const std::string key = dir.file("client.key");
    creditgw::test::writeFile(key, creditgw::test::readFile(devCertsDir() + "/client.key"));
    std::filesystem::permissions(key, std::filesystem::perms(0644));
    TlsClientConfig config = clientConfig();
    config.keyFile = key;
    auto uploader = HttpsUploader::create(config);
    ASSERT_FALSE(uploader);
    EXPECT_EQ(uploader.status().code(), StatusCode::Permanent);
    EXPECT_NE(uploader.status().message().find("chmod 600"), std::string::npos) << uploader.status().message();
}

TEST_F(HttpsUploaderTest, GivenRetryAfterOnlyInTheBody_WhenPosting_ThenOnlyTheHeaderIsHonoured) {
    using creditgw::test::ScriptedHttpsServer;
    ScriptedHttpsServer server([](const creditgw::test::ScriptedRequest& request) {
        bool header = request.headers.at("X-Batch-Id") == "B2";
        return creditgw::test::ScriptedAnswer{ScriptedHttpsServer::jsonResponse(
            503, "Service Unavailable", "{\"error\":\"busy; Retry-After: 86400s\"}",
            header ? "Retry-After: 7\r\n" : "")};
    });
    auto bodyOnly = _uploader->post(signedRequest(server.endpoint(), "B1", twoRecordBatch("B1")));
    ASSERT_FALSE(bodyOnly);
    EXPECT_EQ(bodyOnly.status().code(), StatusCode::Transient) << bodyOnly.status().message();
    EXPECT_FALSE(HttpsUploader::retryAfterOf(bodyOnly.status()).has_value()) << bodyOnly.status().message();
    EXPECT_NE(bodyOnly.status().message().find("busy"), std::string::npos) << "the platform's words are kept";
    auto withHeader = _uploader->post(signedRequest(server.endpoint(), "B2", twoRecordBatch("B2")));
    ASSERT_FALSE(withHeader);
    EXPECT_EQ(HttpsUploader::retryAfterOf(withHeader.status()), std::optional<std::chrono::seconds>(7s))
        << withHeader.status().message();
}

TEST_F(HttpsUploaderTest, GivenAnAnswerDrippedAByteAtATime_WhenPosting_ThenTheTimeoutBoundsTheWholeExchange) {
    using creditgw::test::ScriptedHttpsServer;
    // Each byte comes well within the 2 s read timeout; the whole answer would take 15 s.
    ScriptedHttpsServer server([](const creditgw::test::ScriptedRequest&) {
        return creditgw::test::ScriptedAnswer{
            ScriptedHttpsServer::jsonResponse(200, "OK", "{\"batchId\":\"B1\",\"records\":[" + std::string(100, ' ') + "]}"),
            100ms};
    });
    TlsClientConfig config = clientConfig();
    config.timeout = 2s;
    auto uploader = HttpsUploader::create(config);
    ASSERT_TRUE(uploader) << uploader.status().toString();
    auto started = std::chrono::steady_clock::now();
    auto response = (*uploader)->post(signedRequest(server.endpoint(), "B1", twoRecordBatch("B1")));
    auto took = std::chrono::steady_clock::now() - started;
    ASSERT_FALSE(response);
    EXPECT_EQ(response.status().code(), StatusCode::Unknown) << response.status().message();
    EXPECT_NE(response.status().message().find("no complete answer within 2 s"), std::string::npos)
        << response.status().message();
    EXPECT_LT(took, 6s);
}

namespace {

creditgw::test::ScriptedAnswer neverAnswered(const creditgw::test::ScriptedRequest&) {
    return {creditgw::test::ScriptedHttpsServer::jsonResponse(500, "Internal Server Error", "{}")};
}

/// A server context with the development certificate and key, narrowed by `narrow`.
Poco::Net::Context::Ptr serverContext(const std::string& certFile, const std::string& cipherList) {
    return new Poco::Net::Context(Poco::Net::Context::TLS_SERVER_USE, devCertsDir() + "/server.key", certFile, "",
                                  Poco::Net::Context::VERIFY_NONE, 9, false, cipherList);
}

/// The development server key under a certificate from the development CA that expired in 2020.
std::string expiredServerCertificate(const creditgw::test::ScratchDir& dir) {
    const std::string& certs = devCertsDir();
    creditgw::test::writeFile(dir.file("index.txt"), "");
    creditgw::test::writeFile(dir.file("serial"), "1000\n");
    creditgw::test::writeFile(dir.file("ca.cnf"),
                              "[ca]\ndefault_ca=dev\n[dev]\ndatabase=" + dir.file("index.txt") + "\nnew_certs_dir=" +
                                  dir.path() + "\nserial=" + dir.file("serial") +
                                  "\ndefault_md=sha256\npolicy=any\ncopy_extensions=copy\n[any]\ncommonName=supplied\n");
    auto made = creditgw::test::runCommand(
        "openssl req -new -key " + certs + "/server.key -subj /CN=localhost -addext subjectAltName=IP:127.0.0.1 -out " +
        dir.file("expired.csr") + " && openssl ca -batch -notext -config " + dir.file("ca.cnf") + " -cert " + certs +
        "/ca.pem -keyfile " + certs + "/ca.key -startdate 20200101000000Z -enddate 20200201000000Z -in " +
        dir.file("expired.csr") + " -out " + dir.file("expired.pem") + " 2>&1");
    EXPECT_EQ(made.exitCode, 0) << made.output;
    return dir.file("expired.pem");
}

}  // namespace

TEST_F(HttpsUploaderTest, GivenAnExpiredServerCertificate_WhenPosting_ThenPermanentSayingItExpired) {
    creditgw::test::ScratchDir dir("uploader-expired");
    creditgw::test::ScriptedHttpsServer server(neverAnswered, serverContext(expiredServerCertificate(dir), "ALL"));
    auto response = _uploader->post(signedRequest(server.endpoint(), "B1", twoRecordBatch("B1")));
    ASSERT_FALSE(response);
    EXPECT_EQ(response.status().code(), StatusCode::Permanent) << response.status().message();
    EXPECT_NE(response.status().message().find("server certificate has expired"), std::string::npos)
        << response.status().message();
    EXPECT_EQ(server.requests(), 0u);
}

TEST_F(HttpsUploaderTest, GivenAPlatformSpeakingOnlyTls10_WhenPosting_ThenPermanentSayingSo) {
    auto context = serverContext(devCertsDir() + "/server.pem", "DEFAULT:@SECLEVEL=0");
    context->disableProtocols(Poco::Net::Context::PROTO_TLSV1_1 | Poco::Net::Context::PROTO_TLSV1_2 |
                              Poco::Net::Context::PROTO_TLSV1_3);
    creditgw::test::ScriptedHttpsServer server(neverAnswered, context);
    auto response = _uploader->post(signedRequest(server.endpoint(), "B1", twoRecordBatch("B1")));
    ASSERT_FALSE(response);
    EXPECT_EQ(response.status().code(), StatusCode::Permanent) << response.status().message();
    EXPECT_NE(response.status().message().find("speaks only TLS 1.0 or 1.1"), std::string::npos)
        << response.status().message();
}

TEST_F(HttpsUploaderTest, GivenAPlatformOfferingOnlyCbcSuitesOnTls12_WhenPosting_ThenRefusedAsNotAead) {
    auto context = serverContext(devCertsDir() + "/server.pem", "ECDHE-ECDSA-AES128-SHA256:ECDHE-ECDSA-AES256-SHA");
    context->disableProtocols(Poco::Net::Context::PROTO_TLSV1_3);
    creditgw::test::ScriptedHttpsServer server(neverAnswered, context);
    auto response = _uploader->post(signedRequest(server.endpoint(), "B1", twoRecordBatch("B1")));
    ASSERT_FALSE(response);
    EXPECT_EQ(response.status().code(), StatusCode::Permanent) << response.status().message();
    EXPECT_NE(response.status().message().find("no forward-secret AEAD cipher suite"), std::string::npos)
        << response.status().message();
    EXPECT_EQ(server.requests(), 0u);
}

TEST_F(HttpsUploaderTest, GivenAClientKeyOfAnotherCertificate_WhenCreating_ThenRefusedNamingBoth) {
    TlsClientConfig config = clientConfig();
    config.keyFile = devCertsDir() + "/server.key";
    auto uploader = HttpsUploader::create(config);
    ASSERT_FALSE(uploader);
    EXPECT_EQ(uploader.status().code(), StatusCode::Permanent);
    EXPECT_NE(uploader.status().message().find("does not belong to the certificate"), std::string::npos)
        << uploader.status().message();
}

TEST(RetryAfterTest, GivenSecondsOrAnHttpDate_ThenParsedNeverNegative) {
    EXPECT_EQ(parseRetryAfter("120"), std::optional<std::chrono::seconds>(120s));
    EXPECT_EQ(parseRetryAfter(" 1 "), std::optional<std::chrono::seconds>(1s));
    EXPECT_EQ(parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT"), std::optional<std::chrono::seconds>(0s));
    EXPECT_FALSE(parseRetryAfter("soon").has_value());
    EXPECT_FALSE(parseRetryAfter("").has_value());
    EXPECT_EQ(HttpsUploader::retryAfterOf(Status::transient("x: HTTP 429: busy; Retry-After: 30s")),
              std::optional<std::chrono::seconds>(30s));
    EXPECT_FALSE(HttpsUploader::retryAfterOf(Status::transient("x: HTTP 503: busy")).has_value());
}
