#include "creditgw/HttpsUploader.h"

#include <Poco/DateTimeParser.h>
#include <Poco/Exception.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/NetException.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/Net/NetSSL.h>
#include <Poco/Net/SSLException.h>
#include <Poco/Net/SecureStreamSocket.h>
#include <Poco/Timestamp.h>
#include <Poco/URI.h>

#include <openssl/ssl.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <string_view>
#include <thread>

#include "creditgw/SecretFile.h"

namespace creditgw {

const char* const kForwardSecretAeadCiphers =
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:"
    "ECDHE-RSA-CHACHA20-POLY1305:ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "DHE-RSA-AES256-GCM-SHA384:DHE-RSA-AES128-GCM-SHA256";

namespace {


// A receipt for tens of thousands of records stays far below this; anything larger is not a
// receipt, and reading it whole would break the flat-memory rule.
constexpr std::size_t kMaxResponseBytes = 64u << 20;

void initializeSslOnce() {
    static std::once_flag once;
    std::call_once(once, [] { Poco::Net::initializeSSL(); });
}

bool hasLineBreak(const std::string& text) {
    return text.find_first_of("\r\n") != std::string::npos;
}

/// Where a request was when it failed: decides between "not sent" (Transient) and "maybe
/// processed" (Unknown).
enum class Phase { Sending, Receiving };

struct Target {
    std::string host;
    unsigned short port = 0;
    std::string basePath;  ///< without trailing '/'
    std::string display;   ///< "https://127.0.0.1:8443/api" for messages
};

Result<Target> parseEndpoint(const std::string& endpoint) {
    Poco::URI uri;
    try {
        uri = Poco::URI(endpoint);
    } catch (const Poco::Exception& e) {
        return Status::invalidArgument("endpoint \"" + endpoint + "\" is not a URL: " + e.displayText());
    }
    if (uri.getScheme() != "https" || uri.getHost().empty())
        return Status::invalidArgument("endpoint \"" + endpoint +
                                       "\" must be an https:// URL with a host, e.g. https://127.0.0.1:8443/api");
    if (!uri.getQuery().empty() || !uri.getFragment().empty())
        return Status::invalidArgument("endpoint \"" + endpoint + "\" must not carry a query or fragment");
    Target target;
    target.host = uri.getHost();
    target.port = uri.getPort();
    target.basePath = uri.getPath();
    while (!target.basePath.empty() && target.basePath.back() == '/') target.basePath.pop_back();
    target.display = endpoint;
    return target;
}

/// TLS alerts that mean the peer refused our certificate (or we refused theirs): the request
/// cannot have been processed, and sending again will not help.
bool isCertificateRefusal(const std::string& text) {
    static const std::array<const char*, 9> markers = {
        "certificate verify failed", "certificate required", "bad certificate",
        "unknown ca", "certificate unknown", "unsupported certificate", "certificate expired",
        "certificate revoked", "access denied"};
    return std::any_of(markers.begin(), markers.end(),
                       [&](const char* m) { return text.find(m) != std::string::npos; });
}

bool isTlsFailure(const Poco::Exception& e) {
    if (dynamic_cast<const Poco::Net::SSLConnectionUnexpectedlyClosedException*>(&e)) return false;
    return dynamic_cast<const Poco::Net::SSLException*>(&e) != nullptr;
}

bool mentions(const std::string& text, std::initializer_list<const char*> markers) {
    return std::any_of(markers.begin(), markers.end(), [&](const char* m) { return text.find(m) != std::string::npos; });
}

/// What the operator should look at, from OpenSSL's / Poco's wording of the failure.
std::string tlsHint(const std::string& text) {
    if (mentions(text, {"unsupported protocol", "wrong version number", "alert protocol version"}))
        return "the platform speaks only TLS 1.0 or 1.1; creditgw requires TLS 1.2 or newer: ask its operator to "
               "enable TLS 1.2";
    if (mentions(text, {"no shared cipher", "alert handshake failure", "no ciphers available"}))
        return "the platform offers no forward-secret AEAD cipher suite (ECDHE/DHE with AES-GCM or ChaCha20) on "
               "TLS 1.2: ask its operator to enable one, or TLS 1.3";
    if (text.find("alert") != std::string::npos)
        return "the platform refused our client certificate: check certFile/keyFile and that the "
               "platform trusts the CA that issued it";
    if (text.find("Unacceptable certificate from") != std::string::npos)
        return "the platform's certificate does not name this host: use the host name (or IP) it "
               "was issued for in the endpoint";
    if (text.find("certificate verify failed") != std::string::npos)
        return "the platform's certificate does not verify against caFile: configure the CA that "
               "issued it";
    return "check caFile, the endpoint host, and our client certificate";
}

/// OpenSSL says only "certificate verify failed"; the most common cause an operator can act on
/// is a certificate past its date. One more handshake without verification (nothing is sent
/// over it) reads the platform's certificate dates. "" when they are fine or unreadable.
std::string certificateDateProblem(const Target& target, std::chrono::seconds timeout) {
    try {
        Poco::Net::Context::Ptr look = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, "", "", "",
                                                              Poco::Net::Context::VERIFY_NONE);
        Poco::Net::SecureStreamSocket socket(look);
        socket.connect(Poco::Net::SocketAddress(target.host, target.port),
                       Poco::Timespan(static_cast<long>(timeout.count()), 0));
        socket.completeHandshake();
        Poco::Net::X509Certificate certificate = socket.peerCertificate();
        socket.close();
        Poco::DateTime now;
        auto day = [](const Poco::DateTime& t) { return Poco::DateTimeFormatter::format(t, "%Y-%m-%d %H:%M UTC"); };
        if (certificate.expiresOn() < now) return "certificate has expired (" + day(certificate.expiresOn()) + ")";
        if (certificate.validFrom() > now) return "certificate is not yet valid (" + day(certificate.validFrom()) + ")";
    } catch (const Poco::Exception&) {
        // No second look possible: the first failure's own words stand.
    }
    return {};
}

Status classifyException(const Poco::Exception& e, Phase phase, const std::string& what) {
    const std::string text = e.displayText();
    if (isCertificateRefusal(text) || (phase == Phase::Sending && isTlsFailure(e)))
        return Status::permanent(what + ": TLS failed: " + text + "; " + tlsHint(text));
    if (phase == Phase::Sending)
        return Status::transient(what + ": not sent: " + text);
    return Status::unknown(what + ": connection lost after the request was sent (" + text +
                           "): the platform may have processed it; query the receipt before "
                           "sending again");
}

/// A failure while sending. Under TLS 1.3 the server judges our client certificate only after
/// the handshake already looks complete to us: its refusal (an alert, then a reset) makes our
/// write fail with a bare "connection reset". The alert is still in the receive buffer, so one
/// short read turns that into the real reason: a certificate problem is Permanent, not a blip
/// to retry until the batch is dead.
Status sendFailure(Poco::Net::HTTPSClientSession& session, const Poco::Exception& error, const std::string& what) {
    if (!isTlsFailure(error)) {
        try {
            Poco::Net::StreamSocket& socket = session.socket();
            if (socket.impl()->initialized() &&
                socket.poll(Poco::Timespan(0, 100000), Poco::Net::Socket::SELECT_READ | Poco::Net::Socket::SELECT_ERROR)) {
                socket.setReceiveTimeout(Poco::Timespan(0, 200000));
                std::array<char, 512> buffer;
                socket.receiveBytes(buffer.data(), static_cast<int>(buffer.size()));
            }
        } catch (const Poco::Exception& alert) {
            if (isCertificateRefusal(alert.displayText())) return classifyException(alert, Phase::Sending, what);
            // Anything else read here says no more than the original error, which we report.
        }
    }
    return classifyException(error, Phase::Sending, what);
}

constexpr std::string_view kRetryAfterMarker = "Retry-After: ";

/// The platform's words with every "Retry-After: " defused, so that retryAfterOf() reads only
/// the marker classifyResponse() writes from the header, never a wait a body asks for.
std::string withoutRetryAfterMarker(std::string text) {
    for (auto at = text.find(kRetryAfterMarker); at != std::string::npos; at = text.find(kRetryAfterMarker, at))
        text.replace(at, kRetryAfterMarker.size(), "Retry-After (in the body): ");
    return text;
}

/// The platform's explanation for a 4xx/5xx: its {"error": …} text, else the start of the body.
std::string platformErrorText(const std::string& body) {
    try {
        Poco::JSON::Parser parser;
        auto object = parser.parse(body).extract<Poco::JSON::Object::Ptr>();
        if (object && object->has("error")) return withoutRetryAfterMarker(object->getValue<std::string>("error"));
    } catch (const Poco::Exception&) {
        // Not JSON: fall through to the raw text, which is still the best explanation we have.
    } catch (const std::exception&) {
    }
    std::string text = body.substr(0, 300);
    std::replace_if(text.begin(), text.end(), [](char c) { return c == '\r' || c == '\n'; }, ' ');
    return text.empty() ? "(empty body)" : withoutRetryAfterMarker(text);
}

Result<UploadResponse> classifyResponse(UploadResponse response, const std::string& what,
                                        bool notFoundIsNotFound) {
    const int status = response.httpStatus;
    if (status >= 200 && status < 300) return response;
    std::string message = what + ": HTTP " + std::to_string(status) + ": " + platformErrorText(response.body);
    if (status == 429 || status >= 500) {
        if (response.retryAfter)
            message += "; " + std::string(kRetryAfterMarker) + std::to_string(response.retryAfter->count()) + "s";
        return Status::transient(message);
    }
    if (status == 404 && notFoundIsNotFound) return Status::notFound(message);
    return Status::permanent(message);
}

/// Bounds a whole exchange (connect, send, answer) by one deadline: the session's own timeout
/// applies to each read, so a platform dripping a byte every few seconds would hold a sender for
/// hours. At the deadline a watchdog shuts the socket down at the kernel level (not through
/// OpenSSL, which is not safe from a second thread), and whatever read or write is blocked fails.
class ExchangeDeadline {
public:
    ExchangeDeadline(Poco::Net::HTTPClientSession& session, std::chrono::seconds limit)
        : _session(session), _watchdog([this, limit] { watch(limit); }) {}
    ~ExchangeDeadline() {
        {
            std::lock_guard<std::mutex> lock(_mutex);
            _finished = true;
        }
        _wake.notify_one();
        _watchdog.join();
    }
    ExchangeDeadline(const ExchangeDeadline&) = delete;
    ExchangeDeadline& operator=(const ExchangeDeadline&) = delete;
    bool expired() const { return _expired.load(); }

private:
    void watch(std::chrono::seconds limit) {
        std::unique_lock<std::mutex> lock(_mutex);
        if (_wake.wait_for(lock, limit, [this] { return _finished; })) return;
        _expired = true;
        Poco::Net::SocketImpl* socket = _session.socket().impl();
        if (socket && socket->initialized()) ::shutdown(socket->sockfd(), SHUT_RDWR);
    }

    Poco::Net::HTTPClientSession& _session;
    std::mutex _mutex;
    std::condition_variable _wake;
    bool _finished = false;
    std::atomic<bool> _expired{false};
    std::thread _watchdog;
};

/// Reads the response body with the size limit. False when the stream broke or overflowed.
bool readBody(std::istream& in, std::string& body, std::string& problem) {
    std::array<char, 16384> buffer;
    while (in) {
        in.read(buffer.data(), buffer.size());
        body.append(buffer.data(), static_cast<std::size_t>(in.gcount()));
        if (body.size() > kMaxResponseBytes) {
            problem = "response larger than " + std::to_string(kMaxResponseBytes) + " bytes";
            return false;
        }
    }
    if (in.bad()) {
        problem = "response body cut off after " + std::to_string(body.size()) + " bytes";
        return false;
    }
    return true;
}

}  // namespace

std::optional<std::chrono::seconds> parseRetryAfter(const std::string& value) {
    std::string trimmed = value;
    trimmed.erase(0, trimmed.find_first_not_of(" \t"));
    trimmed.erase(trimmed.find_last_not_of(" \t") + 1);
    if (trimmed.empty()) return std::nullopt;
    if (std::all_of(trimmed.begin(), trimmed.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        if (trimmed.size() > 9) return std::chrono::seconds(999999999);
        return std::chrono::seconds(std::stoll(trimmed));
    }
    Poco::DateTime when;
    int tzd = 0;
    if (!Poco::DateTimeParser::tryParse(trimmed, when, tzd)) return std::nullopt;
    when.makeUTC(tzd);
    const auto delta = (when.timestamp() - Poco::Timestamp()) / Poco::Timestamp::resolution();
    return std::chrono::seconds(std::max<Poco::Timestamp::TimeDiff>(delta, 0));
}

struct HttpsUploader::Impl {
    Poco::Net::Context::Ptr context;
    std::chrono::seconds timeout;

    /// Sends one request and reads the whole answer within `timeout`. Failures are classified
    /// by `Phase`.
    Result<UploadResponse> exchange(const Target& target, Poco::Net::HTTPRequest& request,
                                    const std::string* body, const std::string& what) const;
    Result<UploadResponse> exchangeWithin(Poco::Net::HTTPSClientSession& session, Phase& phase,
                                          Poco::Net::HTTPRequest& request, const std::string* body,
                                          const std::string& what) const;
};

HttpsUploader::HttpsUploader(std::unique_ptr<Impl> impl) : _impl(std::move(impl)) {}
HttpsUploader::~HttpsUploader() = default;

Result<std::unique_ptr<HttpsUploader>> HttpsUploader::create(const TlsClientConfig& config) {
    namespace fs = std::filesystem;
    if (config.caFile.empty())
        return Status::invalidArgument("TLS client: caFile is empty; name the CA file that signed the platform's certificate");
    std::error_code ec;
    if (!fs::is_regular_file(config.caFile, ec))
        return Status::notFound("TLS client: CA file " + config.caFile + " does not exist or is not a file");
    if (config.certFile.empty() != config.keyFile.empty())
        return Status::invalidArgument("TLS client: certFile and keyFile go together; give both for mutual TLS or neither");
    if (!config.certFile.empty()) {
        if (!fs::is_regular_file(config.certFile, ec))
            return Status::notFound("TLS client: certificate file " + config.certFile + " does not exist or is not a file");
        if (Status s = checkSecretFilePermissions(config.keyFile); !s) return s;
    }
    if (config.timeout.count() <= 0)
        return Status::invalidArgument("TLS client: timeout must be positive (seconds)");

    initializeSslOnce();
    Poco::Net::Context::Params params;
    params.caLocation = config.caFile;
    params.certificateFile = config.certFile;
    params.privateKeyFile = config.keyFile;
    params.verificationMode = Poco::Net::Context::VERIFY_STRICT;
    params.loadDefaultCAs = false;
    params.cipherList = kForwardSecretAeadCiphers;
    auto impl = std::make_unique<Impl>();
    try {
        impl->context = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, params);
        impl->context->requireMinimumProtocol(Poco::Net::Context::PROTO_TLSV1_2);
    } catch (const Poco::Exception& e) {
        return Status::permanent("TLS client: cannot load CA " + config.caFile +
                                 (config.certFile.empty() ? "" : ", certificate " + config.certFile + " or its key") +
                                 ": " + e.displayText());
    }
    // Checked here, at start: otherwise the mismatch shows only as the platform refusing our
    // certificate at the first upload, which reads like a problem on the platform's side.
    if (!config.certFile.empty() && SSL_CTX_check_private_key(impl->context->sslContext()) != 1)
        return Status::permanent("TLS client: the key " + config.keyFile + " does not belong to the certificate " +
                                 config.certFile + ": configure the key the certificate was issued for");
    impl->timeout = config.timeout;
    return std::unique_ptr<HttpsUploader>(new HttpsUploader(std::move(impl)));
}

Result<UploadResponse> HttpsUploader::Impl::exchange(const Target& target, Poco::Net::HTTPRequest& request,
                                                     const std::string* body, const std::string& what) const {
    Poco::Net::HTTPSClientSession session(target.host, target.port, context);  // connects lazily
    Phase phase = Phase::Sending;
    ExchangeDeadline deadline(session, timeout);
    auto result = exchangeWithin(session, phase, request, body, what);
    if (result) return result;
    if (result.status().code() == StatusCode::Permanent &&
        mentions(result.status().message(), {"certificate verify failed"})) {
        if (std::string dates = certificateDateProblem(target, timeout); !dates.empty())
            return Status::permanent(what + ": TLS failed: the platform's server " + dates +
                                     ": ask its operator to renew it, and check this machine's clock");
    }
    if (!deadline.expired()) return result;
    const std::string limit = std::to_string(timeout.count()) + " s (--timeout)";
    if (phase == Phase::Sending) return Status::transient(what + ": not sent within " + limit);
    return Status::unknown(what + ": no complete answer within " + limit +
                           ": the platform may have processed it; query the receipt before sending again");
}

Result<UploadResponse> HttpsUploader::Impl::exchangeWithin(Poco::Net::HTTPSClientSession& session, Phase& phase,
                                                           Poco::Net::HTTPRequest& request, const std::string* body,
                                                           const std::string& what) const {
    try {
        session.setTimeout(Poco::Timespan(static_cast<long>(timeout.count()), 0));
        session.setKeepAlive(false);
        request.setKeepAlive(false);
        request.set("User-Agent", std::string("creditgw/") + CREDITGW_VERSION);
        std::ostream& out = session.sendRequest(request);
        if (body) out.write(body->data(), static_cast<std::streamsize>(body->size()));
        out.flush();
        if (const Poco::Exception* e = session.networkException()) return sendFailure(session, *e, what);
        if (!out) return Status::transient(what + ": not sent: writing the request failed");

        phase = Phase::Receiving;
        Poco::Net::HTTPResponse httpResponse;
        std::istream& in = session.receiveResponse(httpResponse);
        UploadResponse response;
        response.httpStatus = static_cast<int>(httpResponse.getStatus());
        if (httpResponse.has("Retry-After")) response.retryAfter = parseRetryAfter(httpResponse.get("Retry-After"));
        std::string problem;
        if (!readBody(in, response.body, problem)) {
            if (const Poco::Exception* e = session.networkException()) return classifyException(*e, phase, what);
            return Status::unknown(what + ": HTTP " + std::to_string(response.httpStatus) + " but " + problem +
                                   "; query the receipt before sending again");
        }
        return response;
    } catch (const Poco::Exception& e) {
        if (phase == Phase::Sending) return sendFailure(session, e, what);
        return classifyException(e, phase, what);
    } catch (const std::exception& e) {
        if (phase == Phase::Sending) return Status::transient(what + ": not sent: " + e.what());
        return Status::unknown(what + ": failed after the request was sent (" + e.what() +
                               "); query the receipt before sending again");
    }
}

Result<UploadResponse> HttpsUploader::post(const UploadRequest& request) {
    auto target = parseEndpoint(request.endpoint);
    if (!target) return target.status();
    if (request.batchId.empty()) return Status::invalidArgument("upload: batchId is empty");
    if (request.signatureBase64.empty() || request.signerId.empty())
        return Status::invalidArgument("upload of batch " + request.batchId +
                                       ": signature or signer ID is empty; every batch must be signed");
    if (hasLineBreak(request.batchId) || hasLineBreak(request.contentType) ||
        hasLineBreak(request.signatureBase64) || hasLineBreak(request.signerId))
        return Status::invalidArgument("upload of batch " + request.batchId +
                                       ": a header value contains a line break");

    Poco::Net::HTTPRequest httpRequest(Poco::Net::HTTPRequest::HTTP_POST, target->basePath + "/batches",
                                       Poco::Net::HTTPMessage::HTTP_1_1);
    httpRequest.setContentType(request.contentType.empty() ? "application/json; charset=utf-8" : request.contentType);
    httpRequest.setContentLength(static_cast<std::streamsize>(request.body.size()));
    httpRequest.set("X-Batch-Id", request.batchId);
    httpRequest.set("X-Signature-Algorithm", "SM2-with-SM3");
    httpRequest.set("X-Signer-Id", request.signerId);
    httpRequest.set("X-Signature", request.signatureBase64);
    const std::string what = "POST " + target->display + "/batches (batch " + request.batchId + ")";
    auto response = _impl->exchange(*target, httpRequest, &request.body, what);
    if (!response) return response;
    return classifyResponse(std::move(*response), what, false);
}

Result<UploadResponse> HttpsUploader::queryReceipt(const std::string& endpoint, const std::string& batchId) {
    auto target = parseEndpoint(endpoint);
    if (!target) return target.status();
    if (batchId.empty()) return Status::invalidArgument("receipt query: batchId is empty");
    std::string encoded;
    Poco::URI::encode(batchId, "/?#%;+&=", encoded);
    Poco::Net::HTTPRequest httpRequest(Poco::Net::HTTPRequest::HTTP_GET,
                                       target->basePath + "/batches/" + encoded + "/receipt",
                                       Poco::Net::HTTPMessage::HTTP_1_1);
    const std::string what = "GET " + target->display + "/batches/" + encoded + "/receipt";
    auto response = _impl->exchange(*target, httpRequest, nullptr, what);
    if (!response) {
        // A GET changes nothing on the platform: a broken answer is simply worth asking again.
        if (response.status().code() == StatusCode::Unknown) return Status::transient(response.status().message());
        return response;
    }
    return classifyResponse(std::move(*response), what, true);
}

Result<UploadResponse> HttpsUploader::queryHoldings(const std::string& endpoint, const std::string& from,
                                                   const std::string& to) {
    auto target = parseEndpoint(endpoint);
    if (!target) return target.status();
    std::string query;
    for (const auto& [name, value] : {std::pair{"from", &from}, {"to", &to}}) {
        if (value->empty()) continue;
        std::string encoded;
        Poco::URI::encode(*value, "/?#%;+&=", encoded);
        query += (query.empty() ? "?" : "&") + std::string(name) + "=" + encoded;
    }
    Poco::Net::HTTPRequest httpRequest(Poco::Net::HTTPRequest::HTTP_GET, target->basePath + "/records" + query,
                                       Poco::Net::HTTPMessage::HTTP_1_1);
    const std::string what = "GET " + target->display + "/records" + query;
    auto response = _impl->exchange(*target, httpRequest, nullptr, what);
    if (!response) {
        if (response.status().code() == StatusCode::Unknown) return Status::transient(response.status().message());
        return response;
    }
    return classifyResponse(std::move(*response), what, false);
}

Result<UploadResponse> HttpsUploader::queryRepairNotices(const std::string& endpoint) {
    auto target = parseEndpoint(endpoint);
    if (!target) return target.status();
    Poco::Net::HTTPRequest httpRequest(Poco::Net::HTTPRequest::HTTP_GET, target->basePath + "/repair-notices",
                                       Poco::Net::HTTPMessage::HTTP_1_1);
    const std::string what = "GET " + target->display + "/repair-notices";
    auto response = _impl->exchange(*target, httpRequest, nullptr, what);
    if (!response) {
        if (response.status().code() == StatusCode::Unknown) return Status::transient(response.status().message());
        return response;
    }
    return classifyResponse(std::move(*response), what, false);
}

std::optional<std::chrono::seconds> HttpsUploader::retryAfterOf(const Status& status) {
    // The uploader appends the marker last; the platform's own text comes before it.
    const std::string marker(kRetryAfterMarker);
    const std::string& message = status.message();
    const auto at = message.rfind(marker);
    if (at == std::string::npos) return std::nullopt;
    std::size_t end = at + marker.size();
    while (end < message.size() && message[end] >= '0' && message[end] <= '9') ++end;
    const std::size_t digits = end - at - marker.size();
    if (digits == 0 || digits > 12 || end >= message.size() || message[end] != 's') return std::nullopt;
    return std::chrono::seconds(std::stoll(message.substr(at + marker.size(), digits)));
}

}  // namespace creditgw
