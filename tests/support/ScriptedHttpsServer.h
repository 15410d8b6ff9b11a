#pragma once
// A TLS server on 127.0.0.1 with the development PKI that answers each request with whatever a
// test scripts: for the answers no real platform (and not the mock) gives on purpose — a receipt
// naming a record twice, a Retry-After only in the body, an answer dripped a byte at a time.

#include <Poco/Net/Context.h>
#include <Poco/Net/SecureServerSocket.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <thread>

namespace creditgw::test {

struct ScriptedRequest {
    std::string method;
    std::string path;
    std::map<std::string, std::string> headers;  ///< names as sent
    std::string body;
};

struct ScriptedAnswer {
    std::string raw;  ///< the whole HTTP response, status line to body
    /// When set, `raw` is written one byte at a time with this pause between bytes.
    std::chrono::milliseconds drip{0};
};

class ScriptedHttpsServer {
public:
    using Script = std::function<ScriptedAnswer(const ScriptedRequest&)>;
    /// Serves connections one after the other until destroyed. Client certificates are asked
    /// for and checked against the development CA, as a platform would.
    /// `context` replaces the development server context (a test's own certificate, protocol or
    /// cipher suites).
    explicit ScriptedHttpsServer(Script script, Poco::Net::Context::Ptr context = nullptr);
    ~ScriptedHttpsServer();
    ScriptedHttpsServer(const ScriptedHttpsServer&) = delete;
    ScriptedHttpsServer& operator=(const ScriptedHttpsServer&) = delete;

    unsigned short port() const { return _socket.address().port(); }
    std::string endpoint() const { return "https://127.0.0.1:" + std::to_string(port()) + "/api"; }
    std::size_t requests() const { return _requests.load(); }

    /// An HTTP response with a JSON body and the right Content-Length.
    static std::string jsonResponse(int status, const std::string& reason, const std::string& body,
                                    const std::string& extraHeaders = "");

private:
    void serve();

    Script _script;
    Poco::Net::SecureServerSocket _socket;
    std::atomic<bool> _stopping{false};
    std::atomic<std::size_t> _requests{0};
    std::thread _thread;
};

}  // namespace creditgw::test
