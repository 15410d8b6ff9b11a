// The SM4 digital envelope (DigitalEnvelope.h): SM4 against the GB/T 32907 known answer, and
// envelopes opened by the stock `openssl` command line, which we did not write.

#include <gtest/gtest.h>

#include <sys/stat.h>

#include "TestSupport.h"
#include "creditgw/DigitalEnvelope.h"

using namespace creditgw;
using creditgw::test::readFile;
using creditgw::test::runCommand;
using creditgw::test::writeFile;

namespace {

std::string unhex(const std::string& hex) { return *hexDecode(hex); }

class DigitalEnvelopeTest : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_EQ(runCommand("openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:SM2 -out " + key() +
                             " && chmod 600 " + key() + " && openssl pkey -in " + key() + " -pubout -out " + pub())
                      .exitCode,
                  0);
    }
    std::string key() const { return dir.file("platform-sm2.key"); }
    std::string pub() const { return dir.file("platform-sm2.pub"); }
    creditgw::test::ScratchDir dir{"envelope"};
};

}  // namespace

TEST(Sm4Test, EncryptsTheGbT32907KnownAnswer) {
    const std::string key = unhex("0123456789abcdeffedcba9876543210");
    auto block = sm4EncryptBlock(key, key);
    ASSERT_TRUE(block) << block.status().toString();
    EXPECT_EQ(hexEncode(*block), "681edf34d206965e86b3e94f536e4246");
}

TEST(Sm4Test, CbcOutputDecryptsWithStockOpensslAndBack) {
    creditgw::test::ScratchDir dir("sm4");
    const std::string key = unhex("0123456789abcdeffedcba9876543210");
    const std::string iv = unhex("000102030405060708090a0b0c0d0e0f");
    const std::string text = "示交罚〔2026〕1号 – 超限运输, 罚款0.2万元\n";
    auto sealed = sm4CbcEncrypt(key, iv, text);
    ASSERT_TRUE(sealed);
    EXPECT_EQ(sealed->size() % 16, 0u);
    writeFile(dir.file("c.bin"), *sealed);
    auto plain = runCommand("openssl enc -d -sm4-cbc -K 0123456789abcdeffedcba9876543210 -iv "
                            "000102030405060708090a0b0c0d0e0f -in " + dir.file("c.bin"));
    ASSERT_EQ(plain.exitCode, 0) << plain.output;
    EXPECT_EQ(plain.output, text);
    auto back = sm4CbcDecrypt(key, iv, *sealed);
    ASSERT_TRUE(back);
    EXPECT_EQ(*back, text);
}

TEST(Sm4Test, RefusesWrongSizesAndAWrongKey) {
    EXPECT_EQ(sm4EncryptBlock("short", std::string(16, 'a')).status().code(), StatusCode::InvalidArgument);
    EXPECT_EQ(sm4CbcEncrypt(std::string(16, 'k'), "iv", "x").status().code(), StatusCode::InvalidArgument);
    auto sealed = sm4CbcEncrypt(std::string(16, 'k'), std::string(16, 'i'), "some text");
    ASSERT_TRUE(sealed);
    auto wrong = sm4CbcDecrypt(std::string(16, 'K'), std::string(16, 'i'), *sealed);
    EXPECT_FALSE(wrong && *wrong == "some text");
}

TEST_F(DigitalEnvelopeTest, AnEnvelopeOpensWithStockOpensslAndTheReceiversKey) {
    const std::string content(5000, 'x');
    auto envelope = sealEnvelope(pub(), content + "行政处罚");
    ASSERT_TRUE(envelope) << envelope.status().toString();
    EXPECT_EQ(envelope->iv.size(), 16u);
    writeFile(dir.file("key.sm2"), envelope->wrappedKey);
    writeFile(dir.file("content.sm4"), envelope->ciphertext);
    // The referee: openssl unwraps the SM4 key with the SM2 private key, then decrypts.
    auto sm4Key = runCommand("openssl pkeyutl -decrypt -inkey " + key() + " -in " + dir.file("key.sm2") +
                             " | xxd -p | tr -d '\\n'");
    ASSERT_EQ(sm4Key.exitCode, 0) << sm4Key.output;
    ASSERT_EQ(sm4Key.output.size(), 32u) << sm4Key.output;
    auto plain = runCommand("openssl enc -d -sm4-cbc -K " + sm4Key.output + " -iv " + hexEncode(envelope->iv) +
                            " -in " + dir.file("content.sm4"));
    ASSERT_EQ(plain.exitCode, 0) << plain.output;
    EXPECT_EQ(plain.output, content + "行政处罚");
    auto opened = openEnvelope(key(), *envelope);
    ASSERT_TRUE(opened) << opened.status().toString();
    EXPECT_EQ(*opened, content + "行政处罚");
}

TEST_F(DigitalEnvelopeTest, AnEnvelopeForAnotherKeyDoesNotOpenAndAnOpenKeyFileIsRefused) {
    ASSERT_EQ(runCommand("openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:SM2 -out " + dir.file("other.key") +
                         " && chmod 600 " + dir.file("other.key"))
                  .exitCode,
              0);
    auto envelope = sealEnvelope(pub(), "secret");
    ASSERT_TRUE(envelope);
    EXPECT_EQ(openEnvelope(dir.file("other.key"), *envelope).status().code(), StatusCode::Corrupt);
    ::chmod(key().c_str(), 0644);
    auto refused = openEnvelope(key(), *envelope);
    EXPECT_EQ(refused.status().code(), StatusCode::Permanent);
    EXPECT_NE(refused.status().message().find("chmod 600"), std::string::npos) << refused.status().message();
    EXPECT_EQ(sealEnvelope(dir.file("missing.pub"), "x").status().code(), StatusCode::NotFound);
}
