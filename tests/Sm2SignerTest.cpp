// Specification of SM2-with-SM3 signing: our signatures verify with the stock `openssl` command
// and with the standard signer ID computed by hand, the CLI's verify with ours, and anything
// tampered with fails. Uses the development PKI of certs/make-dev-certs.sh.

#include "creditgw/Sm2Signer.h"

#include <gtest/gtest.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <sys/stat.h>

#include <atomic>
#include <thread>
#include <vector>

#include "TestSupport.h"

using namespace creditgw;
using creditgw::test::CommandResult;
using creditgw::test::devCertsDir;
using creditgw::test::readFile;
using creditgw::test::runCommand;
using creditgw::test::ScratchDir;
using creditgw::test::writeFile;

namespace {

// A batch payload as the gateway stores it: UTF-8 Chinese, and bytes no text tool would keep.
const std::string kPayload = std::string("{\"CF_WSH\":\"交通罚〔2024〕17号\",\"CF_NR_FK\":\"0.2\"}\n") +
                             std::string("\0\xff\r\n", 4);

std::string certFile(const std::string& name) { return devCertsDir() + "/" + name; }

std::string shellQuoted(const std::string& path) { return "'" + path + "'"; }

Sm2Signer loadSigner(const std::string& signerId = kDefaultSm2SignerId) {
    Result<Sm2Signer> signer = Sm2Signer::fromPrivateKeyFile(certFile("signing.key"), signerId);
    EXPECT_TRUE(signer.isOk()) << signer.status().toString();
    if (!signer) throw std::runtime_error("cannot load the development signing key");
    return std::move(*signer);
}

Sm2Verifier loadVerifier(const std::string& file,
                         const std::string& signerId = kDefaultSm2SignerId) {
    Result<Sm2Verifier> verifier = Sm2Verifier::fromPemFile(certFile(file), signerId);
    EXPECT_TRUE(verifier.isOk()) << verifier.status().toString();
    if (!verifier) throw std::runtime_error("cannot load " + file);
    return std::move(*verifier);
}

std::string signOrFail(const Sm2Signer& signer, std::string_view data) {
    Result<std::string> signature = signer.sign(data);
    EXPECT_TRUE(signature.isOk()) << signature.status().toString();
    return signature ? *signature : std::string();
}

/// A few lines from the middle of the key's base64 body: text no message may ever contain.
std::vector<std::string> keyBodyLines(const std::string& keyPath) {
    std::vector<std::string> lines;
    std::string text = readFile(keyPath);
    size_t start = 0;
    while (start < text.size()) {
        size_t end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        std::string line = text.substr(start, end - start);
        if (line.size() >= 16 && line.find("-----") == std::string::npos)
            lines.push_back(line.substr(0, 16));
        start = end + 1;
    }
    return lines;
}

void expectNoKeyTextIn(const Status& status, const std::string& keyPath) {
    for (const std::string& line : keyBodyLines(keyPath))
        EXPECT_EQ(status.message().find(line), std::string::npos) << status.message();
}

std::string fromHex(std::string_view hex) {
    std::string bytes;
    for (size_t i = 0; i + 1 < hex.size(); i += 2)
        bytes += static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16));
    return bytes;
}

}  // namespace

// --- SM3 and encodings -------------------------------------------------------------------------

TEST(Sm2SignerTest, Sm3OfAbcIsTheStandardKnownAnswer) {
    EXPECT_EQ(sm3Hex("abc"), "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0");
}

TEST(Sm2SignerTest, Sm3OfTheStandardsSecondExampleAndOfNothing) {
    std::string abcd16;
    for (int i = 0; i < 16; ++i) abcd16 += "abcd";
    EXPECT_EQ(sm3Hex(abcd16), "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732");
    EXPECT_EQ(sm3Hex(""), "1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b");
}

TEST(Sm2SignerTest, Base64EncodesTheRfc4648Vectors) {
    EXPECT_EQ(base64Encode(""), "");
    EXPECT_EQ(base64Encode("f"), "Zg==");
    EXPECT_EQ(base64Encode("fo"), "Zm8=");
    EXPECT_EQ(base64Encode("foo"), "Zm9v");
    EXPECT_EQ(base64Encode("foob"), "Zm9vYg==");
    EXPECT_EQ(base64Encode("fooba"), "Zm9vYmE=");
    EXPECT_EQ(base64Encode("foobar"), "Zm9vYmFy");
    EXPECT_EQ(base64Encode(std::string("\xfb\xff\x00", 3)), "+/8A");
}

TEST(Sm2SignerTest, Base64DecodeRoundTripsEveryByteValueAndLength) {
    std::string all;
    for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
    for (size_t length = 0; length <= all.size(); length += 7) {
        Result<std::string> decoded = base64Decode(base64Encode(all.substr(0, length)));
        ASSERT_TRUE(decoded.isOk()) << length << ": " << decoded.status().toString();
        EXPECT_EQ(*decoded, all.substr(0, length));
    }
}

TEST(Sm2SignerTest, Base64DecodeAcceptsLineBreaksAndMissingPadding) {
    EXPECT_EQ(base64Decode("Zm9v\r\nYmFy\n").value(), "foobar");
    EXPECT_EQ(base64Decode("Zm9vYg").value(), "foob");
    EXPECT_EQ(base64Decode("Zm9vYmE").value(), "fooba");
}

TEST(Sm2SignerTest, Base64DecodeRefusesMalformedTextNamingTheOffset) {
    Result<std::string> badCharacter = base64Decode("Zm9v*mFy");
    EXPECT_EQ(badCharacter.status().code(), StatusCode::InvalidArgument);
    EXPECT_NE(badCharacter.status().message().find("offset 4"), std::string::npos)
        << badCharacter.status().message();
    EXPECT_EQ(base64Decode("Zg==Zg==").status().code(), StatusCode::InvalidArgument);
    EXPECT_EQ(base64Decode("Zm9vY").status().code(), StatusCode::InvalidArgument);
    EXPECT_EQ(base64Decode("Zg=").status().code(), StatusCode::InvalidArgument);
    EXPECT_EQ(base64Decode("Zm9v-_").status().code(), StatusCode::InvalidArgument);
}

// --- Signing and verifying with our own code ---------------------------------------------------

TEST(Sm2SignerTest, GivenTheSigningKey_WhenSigned_ThenTheCertificateAndThePublicKeyVerify) {
    Sm2Signer signer = loadSigner();
    EXPECT_EQ(signer.signerId(), "1234567812345678");

    std::string signature = signOrFail(signer, kPayload);

    EXPECT_GE(signature.size(), 8u);
    EXPECT_EQ(static_cast<unsigned char>(signature[0]), 0x30) << "a DER SEQUENCE";
    Status byCertificate = loadVerifier("signing.pem").verify(kPayload, signature);
    Status byPublicKey = loadVerifier("signing.pub").verify(kPayload, signature);
    EXPECT_TRUE(byCertificate.isOk()) << byCertificate.toString();
    EXPECT_TRUE(byPublicKey.isOk()) << byPublicKey.toString();
}

TEST(Sm2SignerTest, GivenASignature_WhenAnyDataByteIsFlipped_ThenVerificationFails) {
    Sm2Signer signer = loadSigner();
    Sm2Verifier verifier = loadVerifier("signing.pem");
    std::string signature = signOrFail(signer, kPayload);

    for (size_t at : {size_t{0}, kPayload.size() / 2, kPayload.size() - 1}) {
        std::string tampered = kPayload;
        tampered[at] = static_cast<char>(tampered[at] ^ 0x01);
        Status verified = verifier.verify(tampered, signature);
        EXPECT_EQ(verified.code(), StatusCode::Permanent) << "byte " << at;
    }
    EXPECT_EQ(verifier.verify(kPayload + " ", signature).code(), StatusCode::Permanent);
    EXPECT_EQ(verifier.verify(kPayload.substr(1), signature).code(), StatusCode::Permanent);
}

TEST(Sm2SignerTest, GivenASignature_WhenAnySignatureByteIsFlipped_ThenVerificationFails) {
    Sm2Signer signer = loadSigner();
    Sm2Verifier verifier = loadVerifier("signing.pub");
    std::string signature = signOrFail(signer, kPayload);

    for (size_t at = 0; at < signature.size(); ++at) {
        std::string tampered = signature;
        tampered[at] = static_cast<char>(tampered[at] ^ 0x01);
        EXPECT_EQ(verifier.verify(kPayload, tampered).code(), StatusCode::Permanent)
            << "byte " << at;
    }
    EXPECT_EQ(verifier.verify(kPayload, "").code(), StatusCode::Permanent);
    EXPECT_EQ(verifier.verify(kPayload, signature + '\0').code(), StatusCode::Permanent);
}

TEST(Sm2SignerTest, GivenAVerifierWithAnotherSignerId_WhenVerified_ThenItFailsNamingTheId) {
    std::string signature = signOrFail(loadSigner(), kPayload);

    Status verified = loadVerifier("signing.pem", "8765432187654321").verify(kPayload, signature);

    EXPECT_EQ(verified.code(), StatusCode::Permanent);
    EXPECT_NE(verified.message().find("8765432187654321"), std::string::npos)
        << verified.message();
}

TEST(Sm2SignerTest, GivenAPlatformsOwnSignerId_WhenBothSidesUseIt_ThenOkButNotWithTheDefault) {
    std::string platformId = "creditgw@platform.example";
    std::string signature = signOrFail(loadSigner(platformId), kPayload);

    EXPECT_TRUE(loadVerifier("signing.pem", platformId).verify(kPayload, signature).isOk());
    EXPECT_FALSE(loadVerifier("signing.pem").verify(kPayload, signature).isOk());
}

TEST(Sm2SignerTest, GivenTheSamePayload_WhenSignedTwice_ThenBothVerifyThoughTheyDiffer) {
    Sm2Signer signer = loadSigner();
    Sm2Verifier verifier = loadVerifier("signing.pem");

    std::string first = signOrFail(signer, kPayload);
    std::string second = signOrFail(signer, kPayload);

    EXPECT_NE(first, second) << "SM2 signing is randomised";
    EXPECT_TRUE(verifier.verify(kPayload, first).isOk());
    EXPECT_TRUE(verifier.verify(kPayload, second).isOk());
}

TEST(Sm2SignerTest, GivenOneSignerAndVerifier_WhenUsedFromFourThreads_ThenEverySignatureVerifies) {
    Sm2Signer signer = loadSigner();
    Sm2Verifier verifier = loadVerifier("signing.pem");
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < 25; ++i) {
                std::string data = kPayload + std::to_string(t) + "/" + std::to_string(i);
                Result<std::string> signature = signer.sign(data);
                if (!signature || !verifier.verify(data, *signature)) ++failures;
                if (signature && verifier.verify(data + "x", *signature)) ++failures;
            }
        });
    }
    for (std::thread& thread : threads) thread.join();
    EXPECT_EQ(failures.load(), 0);
}

// --- The stock openssl command agrees with us, both ways ---------------------------------------

TEST(Sm2SignerTest, GivenOurSignature_WhenCheckedWithTheOpensslCommand_ThenVerifiedOk) {
    ScratchDir dir("sm2-cli-verify");
    writeFile(dir.file("payload"), kPayload);
    writeFile(dir.file("sig.der"), signOrFail(loadSigner(), kPayload));
    writeFile(dir.file("signing.pub"), readFile(certFile("signing.pub")));
    writeFile(dir.file("tampered"), kPayload + "x");

    CommandResult good = runCommand(
        "cd " + shellQuoted(dir.path()) +
        " && openssl dgst -sm3 -verify signing.pub -sigopt distid:1234567812345678 -signature "
        "sig.der payload");
    CommandResult bad = runCommand(
        "cd " + shellQuoted(dir.path()) +
        " && openssl dgst -sm3 -verify signing.pub -sigopt distid:1234567812345678 -signature "
        "sig.der tampered");

    EXPECT_EQ(good.exitCode, 0) << good.output;
    EXPECT_NE(good.output.find("Verified OK"), std::string::npos) << good.output;
    EXPECT_NE(bad.exitCode, 0) << bad.output;
    EXPECT_EQ(bad.output.find("Verified OK"), std::string::npos) << bad.output;
}

TEST(Sm2SignerTest, GivenASignatureMadeByTheOpensslCommand_WhenVerifiedByUs_ThenOk) {
    ScratchDir dir("sm2-cli-sign");
    writeFile(dir.file("payload"), kPayload);

    CommandResult signedByCli = runCommand(
        "openssl dgst -sm3 -sign " + shellQuoted(certFile("signing.key")) +
        " -sigopt distid:1234567812345678 -out " + shellQuoted(dir.file("sig.der")) + " " +
        shellQuoted(dir.file("payload")));

    ASSERT_EQ(signedByCli.exitCode, 0) << signedByCli.output;
    std::string signature = readFile(dir.file("sig.der"));
    Status verified = loadVerifier("signing.pem").verify(kPayload, signature);
    EXPECT_TRUE(verified.isOk()) << verified.toString();
    EXPECT_EQ(loadVerifier("signing.pem").verify(kPayload + "x", signature).code(),
              StatusCode::Permanent);
}

TEST(Sm2SignerTest, GivenASignatureMadeWithoutTheStandardId_WhenVerifiedByUs_ThenItFails) {
    // The pitfall this class exists for: OpenSSL 3.0 signs with an empty ID when none is set.
    ScratchDir dir("sm2-cli-empty-id");
    writeFile(dir.file("payload"), kPayload);

    CommandResult signedByCli = runCommand("openssl dgst -sm3 -sign " +
                                           shellQuoted(certFile("signing.key")) + " -out " +
                                           shellQuoted(dir.file("sig.der")) + " " +
                                           shellQuoted(dir.file("payload")));

    ASSERT_EQ(signedByCli.exitCode, 0) << signedByCli.output;
    Status verified = loadVerifier("signing.pem").verify(kPayload, readFile(dir.file("sig.der")));
    EXPECT_EQ(verified.code(), StatusCode::Permanent);
}

// --- The signer ID enters exactly as GB/T 32918 says -------------------------------------------

TEST(Sm2SignerTest, OurSignatureIsOverSm3OfZAndMessageWithZComputedByHandFromTheStandard) {
    // Z = SM3(ENTL || ID || a || b || xG || yG || xA || yA), e = SM3(Z || M): computed here
    // from the published curve constants, not by OpenSSL's own Z code, then checked with the
    // raw SM2 verify primitive over e.
    const std::string a = "FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFC";
    const std::string b = "28E9FA9E9D9F5E344D5A9E4BCF6509A7F39789F515AB8F92DDBCBD414D940E93";
    const std::string xG = "32C4AE2C1F1981195F9904466A39C9948FE30BBFF2660BE1715A4589334C74C7";
    const std::string yG = "BC3736A2F4F6779C59BDCEE36B692153D0A9877CC62A474002DF32E52139F0A0";

    std::string pem = readFile(certFile("signing.pub"));
    BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
    EVP_PKEY* publicKey = PEM_read_bio_PUBKEY(bio, nullptr, nullptr, nullptr);
    BIO_free(bio);
    ASSERT_NE(publicKey, nullptr);
    unsigned char point[65];
    size_t pointLength = 0;
    ASSERT_EQ(EVP_PKEY_get_octet_string_param(publicKey, "pub", point, sizeof point, &pointLength),
              1);
    ASSERT_EQ(pointLength, 65u);
    std::string xyA(reinterpret_cast<char*>(point) + 1, 64);  // after the 04 prefix

    auto digestE = [&](const std::string& id) {
        std::string entl{static_cast<char>((id.size() * 8) >> 8),
                         static_cast<char>((id.size() * 8) & 0xFF)};
        std::string z = fromHex(sm3Hex(entl + id + fromHex(a) + fromHex(b) + fromHex(xG) +
                                       fromHex(yG) + xyA));
        return fromHex(sm3Hex(z + kPayload));
    };
    auto rawVerify = [&](const std::string& e, const std::string& signature) {
        auto bytes = [](const std::string& s) {
            return reinterpret_cast<const unsigned char*>(s.data());
        };
        EVP_PKEY_CTX* context = EVP_PKEY_CTX_new_from_pkey(nullptr, publicKey, nullptr);
        int verified = -1;
        if (context != nullptr && EVP_PKEY_verify_init(context) == 1)
            verified = EVP_PKEY_verify(context, bytes(signature), signature.size(), bytes(e),
                                       e.size());
        EVP_PKEY_CTX_free(context);
        return verified == 1;
    };

    std::string signature = signOrFail(loadSigner(), kPayload);

    EXPECT_TRUE(rawVerify(digestE("1234567812345678"), signature));
    EXPECT_FALSE(rawVerify(digestE(""), signature));
    EXPECT_FALSE(rawVerify(digestE("8765432187654321"), signature));
    EVP_PKEY_free(publicKey);
}

// --- DER and raw r||s --------------------------------------------------------------------------

TEST(Sm2SignerTest, GivenOurDerSignature_WhenConvertedToRawAndBack_ThenTheBytesAreIdentical) {
    Sm2Verifier verifier = loadVerifier("signing.pem");
    Sm2Signer signer = loadSigner();
    for (int i = 0; i < 20; ++i) {  // 20 signatures: some r or s have a high bit or leading zero
        std::string der = signOrFail(signer, kPayload);

        Result<std::string> raw = sm2DerToRaw(der);
        ASSERT_TRUE(raw.isOk()) << raw.status().toString();
        EXPECT_EQ(raw->size(), 64u);
        Result<std::string> back = sm2RawToDer(*raw);
        ASSERT_TRUE(back.isOk()) << back.status().toString();

        EXPECT_EQ(*back, der);
        EXPECT_TRUE(verifier.verify(kPayload, *back).isOk());
    }
}

TEST(Sm2SignerTest, GivenRawValuesWithLeadingZeros_WhenRoundTripped_ThenPaddedTo32BytesEach) {
    std::string raw(64, '\0');
    raw[31] = 0x01;                           // r = 1
    raw[40] = static_cast<char>(0x80);        // s has its top bit set within 24 bytes

    Result<std::string> der = sm2RawToDer(raw);
    ASSERT_TRUE(der.isOk()) << der.status().toString();
    Result<std::string> back = sm2DerToRaw(*der);

    ASSERT_TRUE(back.isOk()) << back.status().toString();
    EXPECT_EQ(*back, raw);
}

TEST(Sm2SignerTest, GivenARawSignatureHandedToVerify_WhenVerified_ThenTheMessageSaysToConvertIt) {
    std::string raw = sm2DerToRaw(signOrFail(loadSigner(), kPayload)).value();

    Status verified = loadVerifier("signing.pem").verify(kPayload, raw);

    EXPECT_EQ(verified.code(), StatusCode::Permanent);
    EXPECT_NE(verified.message().find("sm2RawToDer"), std::string::npos) << verified.message();
}

TEST(Sm2SignerTest, GivenMalformedSignatures_WhenConverted_ThenInvalidArgument) {
    std::string der = signOrFail(loadSigner(), kPayload);

    EXPECT_EQ(sm2DerToRaw("").status().code(), StatusCode::InvalidArgument);
    EXPECT_EQ(sm2DerToRaw("not der").status().code(), StatusCode::InvalidArgument);
    EXPECT_EQ(sm2DerToRaw(der + '\0').status().code(), StatusCode::InvalidArgument);
    EXPECT_EQ(sm2DerToRaw(der.substr(0, der.size() - 1)).status().code(),
              StatusCode::InvalidArgument);
    EXPECT_EQ(sm2RawToDer(std::string(63, '\x01')).status().code(), StatusCode::InvalidArgument);
    EXPECT_EQ(sm2RawToDer(std::string(65, '\x01')).status().code(), StatusCode::InvalidArgument);
    EXPECT_EQ(sm2RawToDer(std::string(64, '\0')).status().code(), StatusCode::InvalidArgument);
}

// --- Keys that must be refused -----------------------------------------------------------------

TEST(Sm2SignerTest, GivenTheSigningKeyWithMode0644_WhenLoaded_ThenRefusedWithTheChmodHint) {
    ScratchDir dir("sm2-key-0644");
    std::string path = dir.file("signing.key");
    writeFile(path, readFile(certFile("signing.key")));
    ::chmod(path.c_str(), 0644);

    Result<Sm2Signer> signer = Sm2Signer::fromPrivateKeyFile(path);

    ASSERT_FALSE(signer.isOk());
    EXPECT_EQ(signer.status().code(), StatusCode::Permanent);
    EXPECT_NE(signer.status().message().find("run chmod 600 " + path), std::string::npos)
        << signer.status().message();
    expectNoKeyTextIn(signer.status(), path);
}

TEST(Sm2SignerTest, GivenAMissingKeyFile_WhenLoaded_ThenNotFound) {
    ScratchDir dir("sm2-key-missing");

    Result<Sm2Signer> signer = Sm2Signer::fromPrivateKeyFile(dir.file("nowhere.key"));

    EXPECT_EQ(signer.status().code(), StatusCode::NotFound);
    EXPECT_EQ(Sm2Verifier::fromPemFile(dir.file("nowhere.pem")).status().code(),
              StatusCode::NotFound);
}

TEST(Sm2SignerTest, GivenAP256TlsKey_WhenLoadedAsTheSigningKey_ThenRefusedSayingWhatItIs) {
    Result<Sm2Signer> signer = Sm2Signer::fromPrivateKeyFile(certFile("server.key"));

    ASSERT_FALSE(signer.isOk());
    EXPECT_EQ(signer.status().code(), StatusCode::InvalidArgument);
    const std::string& message = signer.status().message();
    EXPECT_NE(message.find("not an SM2 private key"), std::string::npos) << message;
    EXPECT_NE(message.find("prime256v1"), std::string::npos) << message;
    expectNoKeyTextIn(signer.status(), certFile("server.key"));
}

TEST(Sm2SignerTest, GivenAP256Certificate_WhenUsedForVerifying_ThenRefused) {
    Result<Sm2Verifier> verifier = Sm2Verifier::fromPemFile(certFile("server.pem"));

    EXPECT_EQ(verifier.status().code(), StatusCode::InvalidArgument);
    EXPECT_NE(verifier.status().message().find("not an SM2 public key"), std::string::npos)
        << verifier.status().message();
}

TEST(Sm2SignerTest, GivenACorruptKeyFile_WhenLoaded_ThenInvalidArgumentWithoutItsText) {
    ScratchDir dir("sm2-key-corrupt");
    std::string path = dir.file("signing.key");
    std::string text = readFile(certFile("signing.key"));
    text[text.size() / 2] = text[text.size() / 2] == 'A' ? 'B' : 'A';
    text.insert(text.find('\n') + 1, "CORRUPTSECRETLINE0123456789abcdefgh\n");
    writeFile(path, text);
    ::chmod(path.c_str(), 0600);

    Result<Sm2Signer> signer = Sm2Signer::fromPrivateKeyFile(path);

    EXPECT_EQ(signer.status().code(), StatusCode::InvalidArgument);
    EXPECT_EQ(signer.status().message().find("CORRUPTSECRET"), std::string::npos);
    expectNoKeyTextIn(signer.status(), path);
}

TEST(Sm2SignerTest, GivenAnEncryptedKey_WhenLoaded_ThenRefusedAtOnceWithoutPrompting) {
    ScratchDir dir("sm2-key-encrypted");
    std::string path = dir.file("encrypted.key");
    CommandResult made = runCommand("openssl pkey -in " + shellQuoted(certFile("signing.key")) +
                                    " -aes256 -passout pass:unit-test -out " + shellQuoted(path));
    ASSERT_EQ(made.exitCode, 0) << made.output;
    ::chmod(path.c_str(), 0600);

    Result<Sm2Signer> signer = Sm2Signer::fromPrivateKeyFile(path);

    EXPECT_EQ(signer.status().code(), StatusCode::InvalidArgument);
    EXPECT_NE(signer.status().message().find("encrypted"), std::string::npos)
        << signer.status().message();
}

TEST(Sm2SignerTest, GivenAPrivateKeyHandedToTheVerifier_WhenLoaded_ThenRefusedWithoutItsText) {
    std::string keyText = readFile(certFile("signing.key"));

    Result<Sm2Verifier> verifier = Sm2Verifier::fromPem(keyText);

    EXPECT_EQ(verifier.status().code(), StatusCode::InvalidArgument);
    EXPECT_NE(verifier.status().message().find("openssl x509 -in signing.pem -pubkey -noout"),
              std::string::npos)
        << verifier.status().message();
    expectNoKeyTextIn(verifier.status(), certFile("signing.key"));
}

TEST(Sm2SignerTest, GivenAnEmptySignerId_WhenLoading_ThenRefusedBecauseOpensslWouldSignWithNone) {
    EXPECT_EQ(Sm2Signer::fromPrivateKeyFile(certFile("signing.key"), "").status().code(),
              StatusCode::InvalidArgument);
    EXPECT_EQ(Sm2Verifier::fromPemFile(certFile("signing.pem"), "").status().code(),
              StatusCode::InvalidArgument);
}

TEST(Sm2SignerTest, GivenTextWithoutAnyPemBlock_WhenVerifierLoaded_ThenInvalidArgument) {
    EXPECT_EQ(Sm2Verifier::fromPem("hello").status().code(), StatusCode::InvalidArgument);
    EXPECT_EQ(Sm2Verifier::fromPem("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n")
                  .status()
                  .code(),
              StatusCode::InvalidArgument);
}
