#include "creditgw/DigitalEnvelope.h"

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include <fstream>
#include <memory>
#include <sstream>

#include "creditgw/SecretFile.h"

namespace creditgw {

namespace {

struct OpenSslFree {
    void operator()(EVP_CIPHER_CTX* p) const { EVP_CIPHER_CTX_free(p); }
    void operator()(EVP_CIPHER* p) const { EVP_CIPHER_free(p); }
    void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); }
    void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
    void operator()(BIO* p) const { BIO_free(p); }
    void operator()(X509* p) const { X509_free(p); }
};
template <class T>
using OsslPtr = std::unique_ptr<T, OpenSslFree>;

std::string openSslErrors() {
    std::string text;
    while (unsigned long code = ERR_get_error()) {
        char line[256];
        ERR_error_string_n(code, line, sizeof line);
        text += (text.empty() ? "" : "; ") + std::string(line);
    }
    return text.empty() ? std::string("no reason given") : text;
}

int refusePassphrase(char*, int, int, void*) { return -1; }

const unsigned char* bytes(std::string_view text) { return reinterpret_cast<const unsigned char*>(text.data()); }

/// One EVP cipher pass over `input`. `padding` false for the single-block known answer.
Result<std::string> sm4(const char* mode, bool encrypt, bool padding, std::string_view key, std::string_view iv,
                        std::string_view input) {
    if (key.size() != kSm4KeyBytes) return Status::invalidArgument("an SM4 key is 16 bytes, not " + std::to_string(key.size()));
    if (!iv.empty() && iv.size() != kSm4BlockBytes)
        return Status::invalidArgument("an SM4 IV is 16 bytes, not " + std::to_string(iv.size()));
    OsslPtr<EVP_CIPHER> cipher(EVP_CIPHER_fetch(nullptr, mode, nullptr));
    OsslPtr<EVP_CIPHER_CTX> ctx(EVP_CIPHER_CTX_new());
    if (!cipher || !ctx) return Status::permanent(std::string(mode) + " is not available in OpenSSL: " + openSslErrors());
    if (EVP_CipherInit_ex2(ctx.get(), cipher.get(), bytes(key), iv.empty() ? nullptr : bytes(iv), encrypt ? 1 : 0,
                           nullptr) != 1)
        return Status::permanent(std::string(mode) + " init failed: " + openSslErrors());
    EVP_CIPHER_CTX_set_padding(ctx.get(), padding ? 1 : 0);
    std::string out(input.size() + kSm4BlockBytes, '\0');
    int written = 0, last = 0;
    auto* outBytes = reinterpret_cast<unsigned char*>(out.data());
    if (EVP_CipherUpdate(ctx.get(), outBytes, &written, bytes(input), static_cast<int>(input.size())) != 1 ||
        EVP_CipherFinal_ex(ctx.get(), outBytes + written, &last) != 1) {
        std::string why = openSslErrors();
        if (!encrypt) return Status::corrupt("SM4 decryption failed (wrong key, or damaged ciphertext): " + why);
        return Status::permanent("SM4 encryption failed: " + why);
    }
    out.resize(static_cast<std::size_t>(written + last));
    return out;
}

Result<std::string> readPlainFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return Status::notFound(path + ": not found (the platform's SM2 public key or certificate, PEM)");
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

/// The SM2 public key of a PEM certificate or PEM public key.
Result<OsslPtr<EVP_PKEY>> publicKeyFrom(const std::string& path) {
    auto pem = readPlainFile(path);
    if (!pem) return pem.status();
    OsslPtr<BIO> bio(BIO_new_mem_buf(pem->data(), static_cast<int>(pem->size())));
    OsslPtr<EVP_PKEY> key;
    if (pem->find("-----BEGIN CERTIFICATE-----") != std::string::npos) {
        OsslPtr<X509> cert(PEM_read_bio_X509(bio.get(), nullptr, refusePassphrase, nullptr));
        if (cert) key.reset(X509_get_pubkey(cert.get()));
    } else {
        key.reset(PEM_read_bio_PUBKEY(bio.get(), nullptr, refusePassphrase, nullptr));
    }
    if (!key) return Status::invalidArgument(path + ": no PEM certificate or public key in it: " + openSslErrors());
    if (!EVP_PKEY_is_a(key.get(), "SM2"))
        return Status::invalidArgument(path + ": the key is not an SM2 key; the envelope needs the platform's SM2 key");
    return key;
}

Result<OsslPtr<EVP_PKEY>> privateKeyFrom(const std::string& path) {
    auto pem = readSecretFile(path);
    if (!pem) return pem.status();
    OsslPtr<BIO> bio(BIO_new_mem_buf(pem->data(), static_cast<int>(pem->size())));
    OsslPtr<EVP_PKEY> key(PEM_read_bio_PrivateKey(bio.get(), nullptr, refusePassphrase, nullptr));
    OPENSSL_cleanse(pem->data(), pem->size());
    if (!key) return Status::invalidArgument(path + ": no readable (unencrypted) PEM private key in it");
    if (!EVP_PKEY_is_a(key.get(), "SM2")) return Status::invalidArgument(path + ": not an SM2 private key");
    return key;
}

/// EVP_PKEY_encrypt or _decrypt, sized in two calls as OpenSSL asks.
Result<std::string> sm2Crypt(EVP_PKEY* key, bool encrypt, std::string_view input) {
    OsslPtr<EVP_PKEY_CTX> ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
    if (!ctx || (encrypt ? EVP_PKEY_encrypt_init(ctx.get()) : EVP_PKEY_decrypt_init(ctx.get())) != 1)
        return Status::permanent("SM2 init failed: " + openSslErrors());
    auto run = encrypt ? EVP_PKEY_encrypt : EVP_PKEY_decrypt;
    std::size_t size = 0;
    if (run(ctx.get(), nullptr, &size, bytes(input), input.size()) != 1)
        return encrypt ? Status::permanent("SM2 encryption failed: " + openSslErrors())
                       : Status::corrupt("SM2 decryption failed: " + openSslErrors());
    std::string out(size, '\0');
    if (run(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &size, bytes(input), input.size()) != 1)
        return encrypt ? Status::permanent("SM2 encryption failed: " + openSslErrors())
                       : Status::corrupt("SM2 decryption failed (not encrypted to this key, or damaged): " +
                                         openSslErrors());
    out.resize(size);
    return out;
}

}  // namespace

Result<std::string> sm4EncryptBlock(std::string_view key, std::string_view block) {
    if (block.size() != kSm4BlockBytes) return Status::invalidArgument("an SM4 block is 16 bytes");
    return sm4("SM4-ECB", true, false, key, {}, block);
}

Result<std::string> sm4CbcEncrypt(std::string_view key, std::string_view iv, std::string_view plaintext) {
    if (iv.size() != kSm4BlockBytes) return Status::invalidArgument("an SM4-CBC IV is 16 bytes");
    return sm4("SM4-CBC", true, true, key, iv, plaintext);
}

Result<std::string> sm4CbcDecrypt(std::string_view key, std::string_view iv, std::string_view ciphertext) {
    if (iv.size() != kSm4BlockBytes) return Status::invalidArgument("an SM4-CBC IV is 16 bytes");
    return sm4("SM4-CBC", false, true, key, iv, ciphertext);
}

Result<std::string> sm2EncryptTo(const std::string& publicKeyPemFile, std::string_view plaintext) {
    auto key = publicKeyFrom(publicKeyPemFile);
    if (!key) return key.status();
    return sm2Crypt(key->get(), true, plaintext);
}

Result<std::string> sm2DecryptWith(const std::string& privateKeyPemFile, std::string_view ciphertext) {
    auto key = privateKeyFrom(privateKeyPemFile);
    if (!key) return key.status();
    return sm2Crypt(key->get(), false, ciphertext);
}

Result<SealedEnvelope> sealEnvelope(const std::string& receiverPublicKeyPemFile, std::string_view content) {
    std::string key(kSm4KeyBytes, '\0'), iv(kSm4BlockBytes, '\0');
    if (RAND_bytes(reinterpret_cast<unsigned char*>(key.data()), static_cast<int>(key.size())) != 1 ||
        RAND_bytes(reinterpret_cast<unsigned char*>(iv.data()), static_cast<int>(iv.size())) != 1)
        return Status::transient("no random bytes for the SM4 key: " + openSslErrors());
    SealedEnvelope envelope;
    auto wrapped = sm2EncryptTo(receiverPublicKeyPemFile, key);
    auto sealed = wrapped ? sm4CbcEncrypt(key, iv, content) : Result<std::string>(wrapped.status());
    OPENSSL_cleanse(key.data(), key.size());
    if (!sealed) return sealed.status();
    envelope.wrappedKey = std::move(*wrapped);
    envelope.iv = std::move(iv);
    envelope.ciphertext = std::move(*sealed);
    return envelope;
}

Result<std::string> openEnvelope(const std::string& receiverPrivateKeyPemFile, const SealedEnvelope& envelope) {
    auto key = sm2DecryptWith(receiverPrivateKeyPemFile, envelope.wrappedKey);
    if (!key) return key.status();
    auto content = sm4CbcDecrypt(*key, envelope.iv, envelope.ciphertext);
    OPENSSL_cleanse(key->data(), key->size());
    return content;
}

std::string hexEncode(std::string_view data) {
    static const char* digits = "0123456789abcdef";
    std::string hex;
    hex.reserve(data.size() * 2);
    for (unsigned char c : data) {
        hex += digits[c >> 4];
        hex += digits[c & 15];
    }
    return hex;
}

Result<std::string> hexDecode(std::string_view hex) {
    if (hex.size() % 2) return Status::invalidArgument("hex text of odd length " + std::to_string(hex.size()));
    auto value = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    std::string out;
    for (std::size_t i = 0; i < hex.size(); i += 2) {
        int high = value(hex[i]), low = value(hex[i + 1]);
        if (high < 0 || low < 0) return Status::invalidArgument("not hex at offset " + std::to_string(i));
        out += static_cast<char>(high * 16 + low);
    }
    return out;
}

}  // namespace creditgw
