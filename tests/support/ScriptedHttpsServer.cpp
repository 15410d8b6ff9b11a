#include "ScriptedHttpsServer.h"

#include <Poco/Exception.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/SecureStreamSocket.h>

#include <csignal>

#include "TestSupport.h"

namespace creditgw::test {

namespace {

Poco::Net::Context::Ptr serverContext() {
    const std::string& certs = devCertsDir();
    return new Poco::Net::Context(Poco::Net::Context::TLS_SERVER_USE, certs + "/server.key", certs + "/server.pem",
                                  certs + "/ca.pem", Poco::Net::Context::VERIFY_RELAXED);
}

std::string trimmed(const std::string& text) {
    auto first = text.find_first_not_of(" \t");
    auto last = text.find_last_not_of(" \t\r");
    return first == std::string::npos ? "" : text.substr(first, last - first + 1);
}

/// Reads one request: headers up to the blank line, then Content-Length bytes of body.
bool readRequest(Poco::Net::StreamSocket& connection, ScriptedRequest& request) {
    std::string received;
    char buffer[4096];
    std::size_t headerEnd = std::string::npos;
    while ((headerEnd = received.find("\r\n\r\n")) == std::string::npos) {
        int n = connection.receiveBytes(buffer, sizeof buffer);
        if (n <= 0) return false;
        received.append(buffer, static_cast<std::size_t>(n));
    }
    std::size_t lineEnd = received.find("\r\n");
    std::string requestLine = received.substr(0, lineEnd);
    auto space = requestLine.find(' ');
    request.method = requestLine.substr(0, space);
    request.path = requestLine.substr(space + 1, requestLine.find(' ', space + 1) - space - 1);
    for (std::size_t at = lineEnd + 2; at < headerEnd;) {
        std::size_t end = received.find("\r\n", at);
        std::string line = received.substr(at, end - at);
        auto colon = line.find(':');
        if (colon != std::string::npos) request.headers[line.substr(0, colon)] = trimmed(line.substr(colon + 1));
        at = end + 2;
    }
    std::size_t length = request.headers.count("Content-Length") ? std::stoul(request.headers["Content-Length"]) : 0;
    request.body = received.substr(headerEnd + 4);
    while (request.body.size() < length) {
        int n = connection.receiveBytes(buffer, sizeof buffer);
        if (n <= 0) return false;
        request.body.append(buffer, static_cast<std::size_t>(n));
    }
    return true;
}

}  // namespace

ScriptedHttpsServer::ScriptedHttpsServer(Script script, Poco::Net::Context::Ptr context)
    : _script(std::move(script)),
      _socket(Poco::Net::SocketAddress("127.0.0.1", 0), 16, context ? context : serverContext()),
      _thread([this] { serve(); }) {
    std::signal(SIGPIPE, SIG_IGN);  // a client that gave up must fail our write, not kill the test
}

ScriptedHttpsServer::~ScriptedHttpsServer() {
    _stopping = true;
    _thread.join();
}

std::string ScriptedHttpsServer::jsonResponse(int status, const std::string& reason, const std::string& body,
                                              const std::string& extraHeaders) {
    return "HTTP/1.1 " + std::to_string(status) + " " + reason +
           "\r\nContent-Type: application/json; charset=utf-8\r\nConnection: close\r\nContent-Length: " +
           std::to_string(body.size()) + "\r\n" + extraHeaders + "\r\n" + body;
}

void ScriptedHttpsServer::serve() {
    while (!_stopping) {
        try {
            if (!_socket.poll(Poco::Timespan(0, 100000), Poco::Net::Socket::SELECT_READ)) continue;
            Poco::Net::StreamSocket connection = _socket.acceptConnection();
            connection.setReceiveTimeout(Poco::Timespan(5, 0));
            ScriptedRequest request;
            if (!readRequest(connection, request)) continue;
            ++_requests;
            ScriptedAnswer answer = _script(request);
            if (answer.drip.count() == 0) {
                connection.sendBytes(answer.raw.data(), static_cast<int>(answer.raw.size()));
            } else {
                for (std::size_t i = 0; i < answer.raw.size() && !_stopping; ++i) {
                    if (connection.sendBytes(answer.raw.data() + i, 1) <= 0) break;
                    std::this_thread::sleep_for(answer.drip);
                }
            }
            connection.close();
        } catch (const Poco::Exception&) {
            // The client gave up (its deadline, a refused handshake): the next connection is what counts.
        }
    }
}

}  // namespace creditgw::test
