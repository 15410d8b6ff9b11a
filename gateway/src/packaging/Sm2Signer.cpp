#include "creditgw/Sm2Signer.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "creditgw/SecretFile.h"

namespace creditgw {

void EvpPkeyDeleter::operator()(evp_pkey_st* key) const { EVP_PKEY_free(key); }

namespace {

using PkeyPtr = std::unique_ptr<EVP_PKEY, EvpPkeyDeleter>;

struct OpenSslFree {
    void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); }
    void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); }
    void operator()(EVP_MD* p) const { EVP_MD_free(p); }
    void operator()(BIO* p) const { BIO_free(p); }
    void operator()(X509* p) const { X509_free(p); }
    void operator()(ECDSA_SIG* p) const { ECDSA_SIG_free(p); }
    void operator()(BIGNUM* p) const { BN_free(p); }
};
template <class T>
using OsslPtr = std::unique_ptr<T, OpenSslFree>;

constexpr size_t kSm2CoordinateBytes = 32;
// ENTL, the bit length of the signer ID, is a 16-bit field.
constexpr size_t kMaxSignerIdBytes = 0xFFFF / 8;
constexpr size_t kMaxPemFileBytes = 1 << 20;

const char* const kBase64Alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Drains OpenSSL's (thread-local) error queue into one line, so a failure carries the library's
/// reason and the next operation on this thread starts clean.
std::string openSslErrors() {
    std::string text;
    while (unsigned long code = ERR_get_error()) {
        char line[256];
        ERR_error_string_n(code, line, sizeof line);
        if (!text.empty()) text += "; ";
        text += line;
    }
    return text.empty() ? std::string("no reason given") : text;
}

/// Declines every passphrase request: an unattended gateway must fail, not wait on a terminal.
int refusePassphrase(char*, int, int, void*) { return -1; }

const unsigned char* bytesOf(std::string_view text) {
    return reinterpret_cast<const unsigned char*>(text.data());
}

Status checkSignerId(const std::string& signerId) {
    if (signerId.empty())
        return Status::invalidArgument(
            std::string("SM2 signer ID is empty; OpenSSL would then sign with an empty ID that "
                        "standard verifiers reject: use the platform's ID or the default ") +
            kDefaultSm2SignerId);
    if (signerId.size() > kMaxSignerIdBytes)
        return Status::invalidArgument("SM2 signer ID is " + std::to_string(signerId.size()) +
                                       " bytes; the standard allows at most " +
                                       std::to_string(kMaxSignerIdBytes));
    return Status::ok();
}

/// "EC key on curve prime256v1", "RSA key": what a wrong key actually is, for the message.
std::string describeKey(EVP_PKEY* key) {
    const char* type = EVP_PKEY_get0_type_name(key);
    std::string text = std::string(type != nullptr ? type : "unknown") + " key";
    char group[80];
    size_t groupLength = 0;
    if (EVP_PKEY_get_group_name(key, group, sizeof group, &groupLength) == 1)
        text += std::string(" on curve ") + group;
    ERR_clear_error();
    return text;
}

/// An EVP_MD_CTX set up for SM2-with-SM3 with the signer ID, for signing or verifying.
/// The EVP_PKEY_CTX carries the ID; the EVP_MD_CTX does not own it (EVP_MD_CTX_set_pkey_ctx),
/// so both are returned and freed by the caller, the MD context first.
struct Sm2DigestContext {
    OsslPtr<EVP_MD_CTX> md;
    OsslPtr<EVP_PKEY_CTX> pkey;
};

Result<Sm2DigestContext> makeDigestContext(EVP_PKEY* key, const std::string& signerId,
                                           bool forSigning) {
    ERR_clear_error();
    Sm2DigestContext context;
    context.md.reset(EVP_MD_CTX_new());
    context.pkey.reset(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
    if (!context.md || !context.pkey)
        return Status::permanent("SM2: cannot create OpenSSL contexts: " + openSslErrors());
    if (EVP_PKEY_CTX_set1_id(context.pkey.get(), signerId.data(),
                             static_cast<int>(signerId.size())) <= 0)
        return Status::permanent("SM2: cannot set the signer ID: " + openSslErrors());
    EVP_MD_CTX_set_pkey_ctx(context.md.get(), context.pkey.get());
    int initialised =
        forSigning ? EVP_DigestSignInit(context.md.get(), nullptr, EVP_sm3(), nullptr, key)
                   : EVP_DigestVerifyInit(context.md.get(), nullptr, EVP_sm3(), nullptr, key);
    if (initialised != 1)
        return Status::permanent("SM2-with-SM3: OpenSSL refused to initialise: " +
                                 openSslErrors());
    return context;
}

/// The SM3 method, fetched once: implicit fetching per call costs a locked lookup, and sm3Hex
/// runs once per record.
const EVP_MD* sm3Method() {
    static const OsslPtr<EVP_MD> method(EVP_MD_fetch(nullptr, "SM3", nullptr));
    return method.get();
}

std::string toHex(const unsigned char* bytes, size_t size) {
    static const char digits[] = "0123456789abcdef";
    std::string hex;
    hex.reserve(size * 2);
    for (size_t i = 0; i < size; ++i) {
        hex += digits[bytes[i] >> 4];
        hex += digits[bytes[i] & 0x0F];
    }
    return hex;
}

int base64Value(char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

bool isBase64Space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

/// Reads a PEM (public, not secret) file with a size cap; NotFound when missing.
Result<std::string> readPemFile(const std::string& path) {
    std::FILE* file = std::fopen(path.c_str(), "rb");
    if (file == nullptr) {
        int error = errno;
        if (error == ENOENT || error == ENOTDIR)
            return Status::notFound(path + ": file not found; check the configured path of the "
                                           "SM2 certificate or public key");
        return Status::permanent(path + ": cannot open: " + std::strerror(error));
    }
    std::string text;
    char buffer[8192];
    size_t n;
    while ((n = std::fread(buffer, 1, sizeof buffer, file)) > 0 && text.size() <= kMaxPemFileBytes)
        text.append(buffer, n);
    bool failed = std::ferror(file) != 0;
    std::fclose(file);
    if (failed) return Status::permanent(path + ": read error");
    if (text.size() > kMaxPemFileBytes)
        return Status::invalidArgument(path + ": larger than 1 MiB; not a PEM certificate or "
                                              "public key");
    return text;
}

Result<PkeyPtr> parsePublicPem(const std::string& pem) {
    static const std::string certificateTag = "-----BEGIN CERTIFICATE-----";
    static const std::string publicKeyTag = "-----BEGIN PUBLIC KEY-----";
    size_t certificateAt = pem.find(certificateTag);
    size_t publicKeyAt = pem.find(publicKeyTag);
    if (certificateAt == std::string::npos && publicKeyAt == std::string::npos) {
        if (pem.find("PRIVATE KEY-----") != std::string::npos)
            return Status::invalidArgument(
                "holds a private key, not a certificate or public key; give the verifier the "
                "certificate, or extract its public key with "
                "`openssl x509 -in signing.pem -pubkey -noout > signing.pub`");
        return Status::invalidArgument("no '" + certificateTag + "' or '" + publicKeyTag +
                                       "' block found");
    }
    bool certificateFirst = certificateAt < publicKeyAt;
    size_t start = certificateFirst ? certificateAt : publicKeyAt;
    ERR_clear_error();
    OsslPtr<BIO> bio(BIO_new_mem_buf(pem.data() + start, static_cast<int>(pem.size() - start)));
    if (!bio) return Status::permanent("cannot create an OpenSSL buffer: " + openSslErrors());
    if (certificateFirst) {
        OsslPtr<X509> certificate(PEM_read_bio_X509(bio.get(), nullptr, refusePassphrase, nullptr));
        if (!certificate)
            return Status::invalidArgument("the certificate does not parse: " + openSslErrors());
        PkeyPtr key(X509_get_pubkey(certificate.get()));
        if (!key)
            return Status::invalidArgument("the certificate's public key does not parse: " +
                                           openSslErrors());
        return key;
    }
    PkeyPtr key(PEM_read_bio_PUBKEY(bio.get(), nullptr, refusePassphrase, nullptr));
    if (!key) return Status::invalidArgument("the public key does not parse: " + openSslErrors());
    return key;
}

}  // namespace

std::string sm3Hex(std::string_view data) {
    const EVP_MD* method = sm3Method();
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (method == nullptr ||
        EVP_Digest(data.data(), data.size(), digest, &length, method, nullptr) != 1) {
        ERR_clear_error();
        return {};
    }
    return toHex(digest, length);
}

std::string base64Encode(std::string_view bytes) {
    std::string text;
    text.reserve((bytes.size() + 2) / 3 * 4);
    size_t i = 0;
    for (; i + 3 <= bytes.size(); i += 3) {
        unsigned v = (static_cast<unsigned char>(bytes[i]) << 16) |
                     (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                     static_cast<unsigned char>(bytes[i + 2]);
        text += kBase64Alphabet[(v >> 18) & 63];
        text += kBase64Alphabet[(v >> 12) & 63];
        text += kBase64Alphabet[(v >> 6) & 63];
        text += kBase64Alphabet[v & 63];
    }
    size_t rest = bytes.size() - i;
    if (rest == 0) return text;
    unsigned v = static_cast<unsigned char>(bytes[i]) << 16;
    if (rest == 2) v |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    text += kBase64Alphabet[(v >> 18) & 63];
    text += kBase64Alphabet[(v >> 12) & 63];
    text += rest == 2 ? kBase64Alphabet[(v >> 6) & 63] : '=';
    text += '=';
    return text;
}

Result<std::string> base64Decode(std::string_view text) {
    std::string bytes;
    bytes.reserve(text.size() / 4 * 3);
    unsigned accumulator = 0;
    int bits = 0;
    size_t symbols = 0;  // base64 symbols seen, padding included
    size_t padding = 0;
    for (size_t offset = 0; offset < text.size(); ++offset) {
        char c = text[offset];
        if (isBase64Space(c)) continue;
        if (c == '=') {
            ++padding;
            ++symbols;
            continue;
        }
        int value = base64Value(c);
        if (value < 0)
            return Status::invalidArgument("base64: invalid character at offset " +
                                           std::to_string(offset));
        if (padding > 0)
            return Status::invalidArgument("base64: data after '=' padding at offset " +
                                           std::to_string(offset));
        ++symbols;
        accumulator = (accumulator << 6) | static_cast<unsigned>(value);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            bytes += static_cast<char>((accumulator >> bits) & 0xFF);
        }
    }
    size_t dataSymbols = symbols - padding;
    if (dataSymbols % 4 == 1)
        return Status::invalidArgument("base64: truncated input (" + std::to_string(dataSymbols) +
                                       " symbols cannot end a group)");
    if (padding > 0 && (symbols % 4 != 0 || padding > 2))
        return Status::invalidArgument("base64: wrong '=' padding");
    return bytes;
}

Result<std::string> sm2DerToRaw(std::string_view der) {
    // An SM2 signature's DER is at most 72 bytes; anything much larger is not one.
    if (der.empty() || der.size() > 256)
        return Status::invalidArgument("SM2 signature: " + std::to_string(der.size()) +
                                       " bytes is not a DER SEQUENCE{r,s}");
    const unsigned char* cursor = bytesOf(der);
    ERR_clear_error();
    OsslPtr<ECDSA_SIG> signature(d2i_ECDSA_SIG(nullptr, &cursor, static_cast<long>(der.size())));
    if (!signature) {
        ERR_clear_error();
        return Status::invalidArgument("SM2 signature: not a DER SEQUENCE{r,s}");
    }
    if (cursor != bytesOf(der) + der.size())
        return Status::invalidArgument("SM2 signature: trailing bytes after the DER SEQUENCE{r,s}");
    // Only the one canonical DER encoding is accepted, so a signature has one raw form and back.
    unsigned char* reencoded = nullptr;
    int length = i2d_ECDSA_SIG(signature.get(), &reencoded);
    bool canonical = length == static_cast<int>(der.size()) &&
                     std::memcmp(reencoded, der.data(), der.size()) == 0;
    OPENSSL_free(reencoded);
    if (!canonical) return Status::invalidArgument("SM2 signature: not in canonical DER form");
    const BIGNUM* r = nullptr;
    const BIGNUM* s = nullptr;
    ECDSA_SIG_get0(signature.get(), &r, &s);
    if (BN_is_negative(r) || BN_is_negative(s) ||
        BN_num_bytes(r) > static_cast<int>(kSm2CoordinateBytes) ||
        BN_num_bytes(s) > static_cast<int>(kSm2CoordinateBytes))
        return Status::invalidArgument("SM2 signature: r or s does not fit in 32 bytes");
    std::string raw(2 * kSm2CoordinateBytes, '\0');
    auto* out = reinterpret_cast<unsigned char*>(raw.data());
    BN_bn2binpad(r, out, kSm2CoordinateBytes);
    BN_bn2binpad(s, out + kSm2CoordinateBytes, kSm2CoordinateBytes);
    return raw;
}

Result<std::string> sm2RawToDer(std::string_view raw) {
    if (raw.size() != 2 * kSm2CoordinateBytes)
        return Status::invalidArgument("SM2 raw signature: " + std::to_string(raw.size()) +
                                       " bytes; r||s must be exactly 64");
    ERR_clear_error();
    OsslPtr<BIGNUM> r(BN_bin2bn(bytesOf(raw), kSm2CoordinateBytes, nullptr));
    OsslPtr<BIGNUM> s(BN_bin2bn(bytesOf(raw) + kSm2CoordinateBytes, kSm2CoordinateBytes, nullptr));
    OsslPtr<ECDSA_SIG> signature(ECDSA_SIG_new());
    if (!r || !s || !signature)
        return Status::permanent("SM2 raw signature: out of memory: " + openSslErrors());
    if (BN_is_zero(r.get()) || BN_is_zero(s.get()))
        return Status::invalidArgument("SM2 raw signature: r and s must not be zero");
    ECDSA_SIG_set0(signature.get(), r.release(), s.release());
    unsigned char* der = nullptr;
    int length = i2d_ECDSA_SIG(signature.get(), &der);
    if (length <= 0)
        return Status::permanent("SM2 raw signature: DER encoding failed: " + openSslErrors());
    std::string text(reinterpret_cast<char*>(der), static_cast<size_t>(length));
    OPENSSL_free(der);
    return text;
}

// ---------------------------------------------------------------------------------------------

Sm2Signer::Sm2Signer(std::unique_ptr<evp_pkey_st, EvpPkeyDeleter> key, std::string signerId)
    : _key(std::move(key)), _signerId(std::move(signerId)) {}

Result<Sm2Signer> Sm2Signer::fromPrivateKeyFile(const std::string& path, std::string signerId) {
    if (Status idOk = checkSignerId(signerId); !idOk) return idOk;
    Result<std::string> pem = readSecretFile(path);
    if (!pem) return pem.status();
    // Decide from the PEM labels only; the key text itself never goes into a message.
    bool encrypted = pem->find("-----BEGIN " "ENCRYPTED PRIVATE KEY-----") != std::string::npos ||
                     pem->find("Proc-Type: 4,ENCRYPTED") != std::string::npos;
    bool hasPrivateKey = pem->find("PRIVATE KEY-----") != std::string::npos;
    PkeyPtr key;
    std::string reason;
    if (hasPrivateKey && !encrypted) {
        ERR_clear_error();
        OsslPtr<BIO> bio(BIO_new_mem_buf(pem->data(), static_cast<int>(pem->size())));
        if (bio) key.reset(PEM_read_bio_PrivateKey(bio.get(), nullptr, refusePassphrase, nullptr));
        if (!key) reason = openSslErrors();
    }
    OPENSSL_cleanse(pem->data(), pem->size());

    if (encrypted)
        return Status::invalidArgument(
            path + ": the private key is encrypted; the gateway never prompts for a passphrase: "
                   "store it decrypted with mode 0600 (openssl pkey -in " + path +
            " -out signing.key)");
    if (!hasPrivateKey)
        return Status::invalidArgument(
            path + ": no PEM private key found; expected a '-----BEGIN " "PRIVATE KEY-----' (PKCS#8) "
                   "file as written by certs/make-dev-certs.sh");
    if (!key)
        return Status::invalidArgument(path + ": the private key does not parse (" + reason +
                                       "); expected an SM2 PKCS#8 PEM file");
    if (!EVP_PKEY_is_a(key.get(), "SM2"))
        return Status::invalidArgument(
            path + ": not an SM2 private key (found " + describeKey(key.get()) +
            "); batches are signed with SM2: make a key with `openssl genpkey -algorithm EC "
            "-pkeyopt ec_paramgen_curve:SM2 -out signing.key`");
    return Sm2Signer(std::move(key), std::move(signerId));
}

Result<std::string> Sm2Signer::sign(std::string_view data) const {
    if (!_key) return Status::permanent("Sm2Signer: used after being moved from");
    Result<Sm2DigestContext> context = makeDigestContext(_key.get(), _signerId, true);
    if (!context) return context.status();
    std::string signature(static_cast<size_t>(EVP_PKEY_get_size(_key.get())), '\0');
    size_t length = signature.size();
    if (EVP_DigestSign(context->md.get(), reinterpret_cast<unsigned char*>(signature.data()),
                       &length, bytesOf(data), data.size()) != 1)
        return Status::permanent("SM2-with-SM3 signing failed: " + openSslErrors());
    signature.resize(length);
    return signature;
}

const std::string& Sm2Signer::signerId() const { return _signerId; }

// ---------------------------------------------------------------------------------------------

Sm2Verifier::Sm2Verifier(std::unique_ptr<evp_pkey_st, EvpPkeyDeleter> key, std::string signerId)
    : _key(std::move(key)), _signerId(std::move(signerId)) {}

Result<Sm2Verifier> Sm2Verifier::fromPem(const std::string& pem, std::string signerId) {
    if (Status idOk = checkSignerId(signerId); !idOk) return idOk;
    Result<PkeyPtr> key = parsePublicPem(pem);
    if (!key) return Status(key.status());
    if (!EVP_PKEY_is_a(key->get(), "SM2"))
        return Status::invalidArgument("not an SM2 public key (found " + describeKey(key->get()) +
                                       "); give the certificate of the SM2 signing key");
    return Sm2Verifier(std::move(*key), std::move(signerId));
}

Result<Sm2Verifier> Sm2Verifier::fromPemFile(const std::string& path, std::string signerId) {
    Result<std::string> pem = readPemFile(path);
    if (!pem) return pem.status();
    Result<Sm2Verifier> verifier = fromPem(*pem, std::move(signerId));
    if (!verifier) {
        const Status& status = verifier.status();
        return status.code() == StatusCode::Permanent
                   ? Status::permanent(path + ": " + status.message())
                   : Status::invalidArgument(path + ": " + status.message());
    }
    return verifier;
}

Status Sm2Verifier::verify(std::string_view data, std::string_view derSignature) const {
    if (!_key) return Status::permanent("Sm2Verifier: used after being moved from");
    Result<Sm2DigestContext> context = makeDigestContext(_key.get(), _signerId, false);
    if (!context) return context.status();
    int verified = EVP_DigestVerify(context->md.get(), bytesOf(derSignature), derSignature.size(),
                                    bytesOf(data), data.size());
    if (verified == 1) return Status::ok();
    ERR_clear_error();
    if (verified < 0 && !sm2DerToRaw(derSignature))
        return Status::permanent(
            "SM2 signature is not a DER SEQUENCE{r,s} (" + std::to_string(derSignature.size()) +
            " bytes)" +
            (derSignature.size() == 2 * kSm2CoordinateBytes
                 ? "; 64 bytes looks like raw r||s: convert it with sm2RawToDer first"
                 : std::string()));
    return Status::permanent("SM2-with-SM3 signature does not verify against the data with signer "
                             "ID \"" + _signerId + "\"" +
                             "; the data, the signature, the key or the signer ID differ from "
                             "what was signed");
}

const std::string& Sm2Verifier::signerId() const { return _signerId; }

}  // namespace creditgw
