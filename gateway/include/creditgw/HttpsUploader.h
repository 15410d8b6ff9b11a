#pragma once
// Sends signed batches to a platform over HTTPS with mutual TLS, and asks for receipts.
// The uploader classifies every failure so the queue can decide what to do; it never retries,
// never re-serialises the body, and never guesses when the outcome of a send is unknown.

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "creditgw/Status.h"

namespace Poco::Net {
class Context;
}

namespace creditgw {

struct TlsClientConfig {
    std::string caFile;             ///< CA that signed the platform's server certificate
    std::string certFile, keyFile;  ///< client certificate for mutual TLS (both empty = none)
    std::chrono::seconds timeout{60};  ///< bound on each whole exchange: connect, send, answer
};

/// The TLS 1.2 cipher suites creditgw speaks, as client and as the mock platform: forward secret
/// (ephemeral ECDH/DH) and AEAD (GCM, ChaCha20-Poly1305) only. TLS 1.3 suites are all both.
extern const char* const kForwardSecretAeadCiphers;

struct UploadRequest {
    std::string endpoint;  ///< "https://127.0.0.1:8443/api"
    std::string batchId, contentType, body, signatureBase64, signerId;
};

struct UploadResponse {
    int httpStatus = 0;
    std::string body;
    std::optional<std::chrono::seconds> retryAfter;
};

class HttpsUploader {
    /// One HTTPS client for one platform configuration. TLS 1.2 or newer only; the server is
    /// verified against `caFile` and the endpoint's host name (or IP, through the certificate's
    /// names). Every call opens its own connection and closes it afterwards: no keep-alive, so a
    /// stale pooled connection can never turn a send into an unknown outcome (platform-notes.md).
    /// Thread-safe: post() and queryReceipt() may run concurrently; the TLS context is shared
    /// read-only.
public:
    /// InvalidArgument when no CA file is named or only one of cert/key is given; NotFound when
    /// the CA or certificate file does not exist; the key's
    /// permissions are checked (Permanent "… run chmod 600 …" when too open); Permanent when
    /// OpenSSL cannot load the certificate, key or CA (message names the file).
    static Result<std::unique_ptr<HttpsUploader>> create(const TlsClientConfig& config);

    /// POSTs one batch to <endpoint>/batches with the wire headers (X-Batch-Id,
    /// X-Signature-Algorithm: SM2-with-SM3, X-Signer-Id, X-Signature) and `body` byte for byte.
    /// Ok(response) for 2xx. Failure categories:
    /// - InvalidArgument: malformed endpoint (not https://), empty batchId, CR/LF in a header.
    /// - Transient: connection refused, timeout or reset before the whole request was sent,
    ///   429, 5xx. The message then contains "Retry-After: <n>s" when the platform sent one
    ///   (read it back with retryAfterOf()).
    /// - Permanent: other 4xx (message carries the platform's {"error": …} text), TLS
    ///   verification failure either way, unexpected status classes.
    /// - Unknown: the connection broke after the request was fully sent (no or partial
    ///   response). The platform may have the batch: resolve by queryReceipt, never by blind
    ///   re-send.
    Result<UploadResponse> post(const UploadRequest& request);

    /// GET <endpoint>/batches/<batchId>/receipt. Ok(response) for 2xx; NotFound for 404;
    /// Transient for network trouble, 429 and 5xx (a GET is safe to repeat); Permanent for TLS
    /// verification failures and other 4xx.
    Result<UploadResponse> queryReceipt(const std::string& endpoint, const std::string& batchId);

    /// GET <endpoint>/records?from=YYYY-MM-DD&to=YYYY-MM-DD (either left out when empty): what the
    /// platform holds of ours, for reconciliation (docs/lifecycle.md). Failures as queryReceipt;
    /// a 404 is Permanent here (the platform has no query interface).
    Result<UploadResponse> queryHoldings(const std::string& endpoint, const std::string& from, const std::string& to);

    /// GET <endpoint>/repair-notices: the 信用修复 decisions the platform announces to the
    /// reporting unit (docs/lifecycle.md, "Credit repair"). Failures as queryHoldings.
    Result<UploadResponse> queryRepairNotices(const std::string& endpoint);

    /// The Retry-After a Transient failure of post()/queryReceipt() carried, if any. The
    /// failure is a Status, which has no room for it, so it travels in the message in a fixed
    /// form ("Retry-After: 30s") that this function reads back.
    static std::optional<std::chrono::seconds> retryAfterOf(const Status& status);

    ~HttpsUploader();
    HttpsUploader(const HttpsUploader&) = delete;
    HttpsUploader& operator=(const HttpsUploader&) = delete;

private:
    struct Impl;
    explicit HttpsUploader(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> _impl;
};

/// Parses an HTTP Retry-After value: delta-seconds ("120") or an HTTP-date (relative to now,
/// never negative). nullopt when it is neither.
std::optional<std::chrono::seconds> parseRetryAfter(const std::string& value);

}  // namespace creditgw
