// Specification of SecretFile: a private key is read only from a regular file that nobody but
// its owner can read or write, and no failure ever shows the key's bytes.

#include "creditgw/SecretFile.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>

#include "TestSupport.h"

using namespace creditgw;
using creditgw::test::ScratchDir;

namespace {

const std::string kSecretText =
    "-----BEGIN " "PRIVATE KEY-----\nTOP-SECRET-KEY-MATERIAL-4f9a2c\n-----END PRIVATE KEY-----\n";

/// Writes the secret text to `name` in `dir` with exactly `mode`.
std::string writeSecret(const ScratchDir& dir, const std::string& name, mode_t mode) {
    std::string path = dir.file(name);
    test::writeFile(path, kSecretText);
    EXPECT_EQ(::chmod(path.c_str(), mode), 0);
    return path;
}

void expectNoSecretIn(const Status& status) {
    EXPECT_EQ(status.message().find("TOP-SECRET"), std::string::npos) << status.message();
}

}  // namespace

TEST(SecretFileTest, GivenAKeyWithMode0600_WhenRead_ThenItsExactBytesAreReturned) {
    ScratchDir dir("secret-0600");
    std::string path = writeSecret(dir, "key.pem", 0600);

    Result<std::string> read = readSecretFile(path);

    ASSERT_TRUE(read.isOk()) << read.status().toString();
    EXPECT_EQ(*read, kSecretText);
    EXPECT_TRUE(checkSecretFilePermissions(path).isOk());
}

TEST(SecretFileTest, GivenAReadOnlyKeyWithMode0400_WhenRead_ThenItIsAccepted) {
    ScratchDir dir("secret-0400");
    std::string path = writeSecret(dir, "key.pem", 0400);

    EXPECT_TRUE(readSecretFile(path).isOk());
    EXPECT_TRUE(checkSecretFilePermissions(path).isOk());
}

TEST(SecretFileTest, GivenAKeyWithMode0644_WhenRead_ThenPermanentWithTheChmodHint) {
    ScratchDir dir("secret-0644");
    std::string path = writeSecret(dir, "key.pem", 0644);

    Result<std::string> read = readSecretFile(path);

    ASSERT_FALSE(read.isOk());
    EXPECT_EQ(read.status().code(), StatusCode::Permanent);
    EXPECT_EQ(read.status().message(), path + ": permissions 0644 are too open; a private key "
                                              "must be 0600: run chmod 600 " + path);
    expectNoSecretIn(read.status());
}

TEST(SecretFileTest, GivenAnyGroupOrOtherBit_WhenChecked_ThenRefusedNamingTheMode) {
    ScratchDir dir("secret-modes");
    for (mode_t mode : {0640, 0620, 0604, 0602, 0610, 0601, 0666}) {
        std::string path = writeSecret(dir, "key.pem", mode);
        char expected[8];
        std::snprintf(expected, sizeof expected, "%04o", static_cast<unsigned>(mode));

        Status checked = checkSecretFilePermissions(path);
        Result<std::string> read = readSecretFile(path);

        EXPECT_EQ(checked.code(), StatusCode::Permanent) << expected;
        EXPECT_NE(checked.message().find(std::string("permissions ") + expected), std::string::npos)
            << checked.message();
        EXPECT_EQ(read.status().code(), StatusCode::Permanent) << expected;
        expectNoSecretIn(read.status());
    }
}

TEST(SecretFileTest, GivenAMissingFile_WhenReadOrChecked_ThenNotFoundNamingThePath) {
    ScratchDir dir("secret-missing");
    std::string path = dir.file("absent.key");

    Result<std::string> read = readSecretFile(path);
    Status checked = checkSecretFilePermissions(path);

    EXPECT_EQ(read.status().code(), StatusCode::NotFound);
    EXPECT_NE(read.status().message().find(path), std::string::npos);
    EXPECT_EQ(checked.code(), StatusCode::NotFound);
}

TEST(SecretFileTest, GivenADirectory_WhenRead_ThenPermanentNotARegularFile) {
    ScratchDir dir("secret-dir");
    std::string path = dir.file("keys");
    std::filesystem::create_directory(path);
    ::chmod(path.c_str(), 0700);

    Result<std::string> read = readSecretFile(path);

    EXPECT_EQ(read.status().code(), StatusCode::Permanent);
    EXPECT_NE(read.status().message().find("a directory"), std::string::npos)
        << read.status().message();
    EXPECT_EQ(checkSecretFilePermissions(path).code(), StatusCode::Permanent);
}

TEST(SecretFileTest, GivenANamedPipe_WhenRead_ThenRefusedAtOnceWithoutWaitingForAWriter) {
    ScratchDir dir("secret-fifo");
    std::string path = dir.file("key.fifo");
    ASSERT_EQ(::mkfifo(path.c_str(), 0600), 0);

    Result<std::string> read = readSecretFile(path);

    EXPECT_EQ(read.status().code(), StatusCode::Permanent);
    EXPECT_NE(read.status().message().find("a named pipe"), std::string::npos);
}

TEST(SecretFileTest, GivenASymlink_WhenRead_ThenTheTargetsModeDecides) {
    ScratchDir dir("secret-link");
    std::string privateKey = writeSecret(dir, "private.pem", 0600);
    std::string openKey = writeSecret(dir, "open.pem", 0644);
    std::filesystem::create_symlink(privateKey, dir.file("private-link.pem"));
    std::filesystem::create_symlink(openKey, dir.file("open-link.pem"));

    Result<std::string> throughPrivate = readSecretFile(dir.file("private-link.pem"));
    Result<std::string> throughOpen = readSecretFile(dir.file("open-link.pem"));

    ASSERT_TRUE(throughPrivate.isOk()) << throughPrivate.status().toString();
    EXPECT_EQ(*throughPrivate, kSecretText);
    EXPECT_EQ(throughOpen.status().code(), StatusCode::Permanent);
    EXPECT_NE(throughOpen.status().message().find("0644"), std::string::npos);
}

TEST(SecretFileTest, GivenAnOversizedFile_WhenRead_ThenPermanentWithoutReadingIt) {
    ScratchDir dir("secret-large");
    std::string path = dir.file("huge.key");
    test::writeFile(path, std::string((1 << 20) + 1, 'A'));
    ::chmod(path.c_str(), 0600);

    Result<std::string> read = readSecretFile(path);

    EXPECT_EQ(read.status().code(), StatusCode::Permanent);
    EXPECT_NE(read.status().message().find("too large"), std::string::npos);
}
