#pragma once
// The SM4 digital envelope of domain.md §7: the content is encrypted with a fresh random SM4
// key (SM4-CBC, PKCS#7 padding, random IV), and that key is encrypted with the receiver's SM2
// public key (GM/T 0009 SM2 encryption, ASN.1 C1C3C2 as OpenSSL 3 writes it). Only the holder
// of the SM2 private key can open it. OpenSSL 3 EVP directly (platform-notes.md); the stock
// command line opens it too: `openssl pkeyutl -decrypt -inkey KEY -in KEYFILE` gives the SM4
// key, `openssl enc -d -sm4-cbc -K <hex> -iv <hex>` the content.

#include <string>
#include <string_view>

#include "creditgw/Status.h"

namespace creditgw {

inline constexpr std::size_t kSm4KeyBytes = 16;
inline constexpr std::size_t kSm4BlockBytes = 16;

/// SM4-ECB of exactly one block (GB/T 32907), no padding: the standard's known-answer check.
/// InvalidArgument unless key and block are 16 bytes each.
Result<std::string> sm4EncryptBlock(std::string_view key, std::string_view block);

/// SM4-CBC with PKCS#7 padding. InvalidArgument for a key or IV that is not 16 bytes;
/// sm4CbcDecrypt: Corrupt when the ciphertext or its padding is not what this key made.
Result<std::string> sm4CbcEncrypt(std::string_view key, std::string_view iv, std::string_view plaintext);
Result<std::string> sm4CbcDecrypt(std::string_view key, std::string_view iv, std::string_view ciphertext);

/// SM2 encryption to the public key in a PEM certificate or PEM public key file (not secret).
/// NotFound for a missing file; InvalidArgument when it holds no SM2 public key.
Result<std::string> sm2EncryptTo(const std::string& publicKeyPemFile, std::string_view plaintext);
/// SM2 decryption with a private key file read by readSecretFile (0600, never logged).
/// Corrupt when the ciphertext was not made for this key.
Result<std::string> sm2DecryptWith(const std::string& privateKeyPemFile, std::string_view ciphertext);

struct SealedEnvelope {
    std::string wrappedKey;  ///< the SM4 key, SM2-encrypted to the receiver
    std::string iv;          ///< 16 bytes
    std::string ciphertext;  ///< SM4-CBC of the content
};

/// Seals `content` for the holder of the private key of `receiverPublicKeyPemFile`.
/// The SM4 key lives only in this call and is wiped before it returns.
Result<SealedEnvelope> sealEnvelope(const std::string& receiverPublicKeyPemFile, std::string_view content);
/// Opens an envelope with the receiver's private key (0600 file).
Result<std::string> openEnvelope(const std::string& receiverPrivateKeyPemFile, const SealedEnvelope& envelope);

/// Lower-case hex, and back (InvalidArgument for odd length or a non-hex character).
std::string hexEncode(std::string_view bytes);
Result<std::string> hexDecode(std::string_view hex);

}  // namespace creditgw
