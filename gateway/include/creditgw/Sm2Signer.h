#pragma once
// SM2-with-SM3 signatures (GB/T 32918, GM/T 0009) over batch payloads, and the small encodings
// platforms ask for around them. Uses the OpenSSL 3 EVP API directly: Debian's Poco::Crypto
// 1.11.0 predates Poco's OpenSSL 3 fixes. See docs/signing.md for what is signed and how to
// check a batch by hand with the stock `openssl` command.

#include <memory>
#include <string>
#include <string_view>

#include "creditgw/Status.h"

struct evp_pkey_st;  // OpenSSL's EVP_PKEY, kept out of this header

namespace creditgw {

/// The signer ID of GM/T 0009 used when a platform does not name its own. It enters the
/// signature through Z = SM3(ENTL || ID || curve || public key), so signer and verifier must
/// agree on it byte for byte.
inline constexpr const char* kDefaultSm2SignerId = "1234567812345678";

/// SM3 digest, lower-case hex.
/// Returns an empty string only if OpenSSL cannot compute SM3 at all (a library built without
/// it); callers storing digests must treat an empty result as an error. Thread-safe.
std::string sm3Hex(std::string_view data);

/// Standard base64 (RFC 4648 alphabet, '=' padding, no line breaks).
std::string base64Encode(std::string_view bytes);
/// Decodes standard base64. Tolerates ASCII whitespace (line-wrapped input) and missing
/// padding; InvalidArgument, with the offset, for any other character, misplaced padding or an
/// impossible length.
Result<std::string> base64Decode(std::string_view text);

/// DER SEQUENCE{r,s} <-> raw r||s (64 bytes), because some platforms want the raw form.
/// sm2DerToRaw: InvalidArgument when `der` is not exactly one DER ECDSA-Sig-Value (trailing
/// bytes included) or r/s do not fit in 32 bytes. sm2RawToDer: InvalidArgument unless `raw`
/// is 64 bytes with r and s both non-zero. r and s are big-endian, left-padded to 32 bytes.
Result<std::string> sm2DerToRaw(std::string_view der);
Result<std::string> sm2RawToDer(std::string_view raw);

/// Releases an OpenSSL key; lets the classes below own one without OpenSSL in this header.
struct EvpPkeyDeleter {
    void operator()(evp_pkey_st* key) const;
};

/// Signs with an SM2 private key. Move-only; owns its EVP_PKEY. sign() is const and
/// thread-safe: every call uses its own OpenSSL contexts, the key itself is only read.
class Sm2Signer {
public:
    /// Loads an SM2 private key (PEM) with readSecretFile. InvalidArgument if not an SM2 key.
    /// Also: NotFound / Permanent from readSecretFile (missing file, permissions too open);
    /// InvalidArgument when the file holds no readable PEM private key, when it is encrypted
    /// (the gateway never prompts for a passphrase), or when signerId is empty or longer than
    /// 8191 bytes (ENTL is a 16-bit count of bits). Messages never contain the key's bytes.
    static Result<Sm2Signer> fromPrivateKeyFile(const std::string& path,
                                                std::string signerId = kDefaultSm2SignerId);

    /// SM2-with-SM3 signature (DER) over `data`, with the signer ID set (EVP_PKEY_CTX_set1_id;
    /// OpenSSL 3.0 otherwise signs with an empty ID and the standard verifier rejects it).
    /// SM2 signing is randomised: two calls over the same data give different, equally valid
    /// signatures. Fails with Permanent only if OpenSSL fails (reason in the message).
    Result<std::string> sign(std::string_view data) const;

    const std::string& signerId() const;

    Sm2Signer(Sm2Signer&&) noexcept = default;
    Sm2Signer& operator=(Sm2Signer&&) noexcept = default;
    Sm2Signer(const Sm2Signer&) = delete;
    Sm2Signer& operator=(const Sm2Signer&) = delete;

private:
    Sm2Signer(std::unique_ptr<evp_pkey_st, EvpPkeyDeleter> key, std::string signerId);

    std::unique_ptr<evp_pkey_st, EvpPkeyDeleter> _key;
    std::string _signerId;
};

/// Verifies SM2-with-SM3 signatures against a public key. Move-only; verify() is const and
/// thread-safe.
class Sm2Verifier {
public:
    /// Accepts a PEM certificate or a PEM public key (SM2).
    /// The first CERTIFICATE or PUBLIC KEY block is used; the certificate's validity and chain
    /// are NOT checked here (that is the job of whoever trusts the certificate).
    /// InvalidArgument when there is no such block, it does not parse, the key is not SM2, or
    /// signerId is empty or longer than 8191 bytes.
    static Result<Sm2Verifier> fromPem(const std::string& pem,
                                       std::string signerId = kDefaultSm2SignerId);
    /// fromPem on a file's contents; NotFound when the file is missing. Messages name the path.
    static Result<Sm2Verifier> fromPemFile(const std::string& path,
                                           std::string signerId = kDefaultSm2SignerId);

    /// Ok when `derSignature` is a valid SM2-with-SM3 signature of `data`; Permanent otherwise.
    /// (Permanent also for a malformed signature: the same bytes will never verify.)
    Status verify(std::string_view data, std::string_view derSignature) const;

    const std::string& signerId() const;

    Sm2Verifier(Sm2Verifier&&) noexcept = default;
    Sm2Verifier& operator=(Sm2Verifier&&) noexcept = default;
    Sm2Verifier(const Sm2Verifier&) = delete;
    Sm2Verifier& operator=(const Sm2Verifier&) = delete;

private:
    Sm2Verifier(std::unique_ptr<evp_pkey_st, EvpPkeyDeleter> key, std::string signerId);

    std::unique_ptr<evp_pkey_st, EvpPkeyDeleter> _key;
    std::string _signerId;
};

}  // namespace creditgw
