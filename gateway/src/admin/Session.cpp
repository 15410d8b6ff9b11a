#include "Session.h"

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/NameValueCollection.h>

#include <openssl/rand.h>

namespace creditgw {

std::string SessionStore::create() {
    unsigned char bytes[32];
    if (RAND_bytes(bytes, sizeof bytes) != 1) return "";
    static const char* hex = "0123456789abcdef";
    std::string id;
    for (unsigned char b : bytes) {
        id += hex[b >> 4];
        id += hex[b & 15];
    }
    std::lock_guard<std::mutex> lock(_mutex);
    auto now = std::chrono::steady_clock::now();
    // Forget expired sessions as new ones come, so the map never grows without bound.
    for (auto it = _expiry.begin(); it != _expiry.end();) it = it->second < now ? _expiry.erase(it) : std::next(it);
    _expiry[id] = now + _lifetime;
    return id;
}

bool SessionStore::valid(const std::string& id) {
    if (id.empty()) return false;
    std::lock_guard<std::mutex> lock(_mutex);
    auto found = _expiry.find(id);
    return found != _expiry.end() && found->second > std::chrono::steady_clock::now();
}

void SessionStore::revoke(const std::string& id) {
    std::lock_guard<std::mutex> lock(_mutex);
    _expiry.erase(id);
}

std::string sessionIdOf(const Poco::Net::HTTPServerRequest& request) {
    Poco::Net::NameValueCollection cookies;
    request.getCookies(cookies);
    return cookies.get(kSessionCookie, "");
}

std::string sessionCookie(const std::string& id, std::chrono::seconds maxAge) {
    // Plain HTTP on 127.0.0.1 only, so no Secure flag; HttpOnly keeps it from scripts, and
    // SameSite=Strict keeps other sites' pages from sending it.
    return std::string(kSessionCookie) + "=" + id + "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" +
           std::to_string(maxAge.count());
}

// The Host header is the client's word: a DNS-rebinding page (evil.example resolving to
// 127.0.0.1) sends a matching Origin and Host. Only the loopback names of our own port count.
bool loopbackHost(const Poco::Net::HTTPServerRequest& request) {
    std::string port = std::to_string(request.serverAddress().port());
    std::string host = request.getHost();
    return host == "127.0.0.1:" + port || host == "localhost:" + port || host == "[::1]:" + port;
}

bool sameOrigin(const Poco::Net::HTTPServerRequest& request) {
    if (!loopbackHost(request)) return false;
    std::string self = "http://" + request.getHost();
    std::string origin = request.get("Origin", "");
    if (!origin.empty()) return origin == self;
    std::string referer = request.get("Referer", "");
    return referer == self || referer.rfind(self + "/", 0) == 0;
}

std::string loginPage(const std::string& message) {
    return "<!doctype html><html lang=zh-CN><head><meta charset=utf-8><title>登录 · 信用信息报送工作台</title>"
           "<style>body{font-family:sans-serif;margin:4em auto;max-width:28em}input{font-size:1.1em;"
           "padding:.3em;width:100%;box-sizing:border-box}button{margin-top:1em;font-size:1.1em;padding:.3em 1.5em}"
           ".error{color:#b00020}</style></head><body><h1>信用信息报送工作台</h1>" +
           (message.empty() ? std::string() : "<p class=error id=login-error>" + message + "</p>") +
           "<form method=post action=/login><label for=token>管理令牌（见网关的令牌文件，只需输入一次）</label>"
           "<input type=password id=token name=token autocomplete=current-password autofocus required>"
           "<button type=submit id=login>登录</button></form></body></html>\n";
}

}  // namespace creditgw

#include <Poco/Net/HTMLForm.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/URI.h>

namespace creditgw {

namespace {

using Poco::Net::HTTPResponse;

void redirect(Poco::Net::HTTPServerResponse& response, const std::string& location) {
    response.setStatusAndReason(HTTPResponse::HTTP_SEE_OTHER);
    response.set("Location", location);
    response.setContentLength(0);
    response.send();
}

bool isPage(const std::string& path) { return path == "/dashboard" || path.rfind("/records/", 0) == 0; }

void login(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response, SessionStore& sessions,
           const std::function<bool(const std::string&)>& tokenMatches) {
    if (!sameOrigin(request)) {
        sendHtml(response, HTTPResponse::HTTP_FORBIDDEN, loginPage("请求来源不符（跨站提交被拒绝），请从本页登录。"));
        return;
    }
    if (request.getContentLength() > 4096) {
        sendHtml(response, HTTPResponse::HTTP_REQUEST_ENTITY_TOO_LARGE, loginPage("请求过大。"));
        return;
    }
    Poco::Net::HTMLForm form(request, request.stream());
    if (!tokenMatches(form.get("token", ""))) {
        sendHtml(response, HTTPResponse::HTTP_UNAUTHORIZED, loginPage("令牌不正确，请重新输入。"));
        return;
    }
    std::string id = sessions.create();
    if (id.empty()) {
        sendHtml(response, HTTPResponse::HTTP_INTERNAL_SERVER_ERROR, loginPage("无法生成会话（随机数不可用）。"));
        return;
    }
    response.set("Set-Cookie", sessionCookie(id, sessions.lifetime()));
    redirect(response, "/dashboard");
}

}  // namespace

void sendHtml(Poco::Net::HTTPServerResponse& response, int status, const std::string& body) {
    response.setStatusAndReason(static_cast<HTTPResponse::HTTPStatus>(status));
    response.setContentType("text/html; charset=utf-8");
    response.set("Cache-Control", "no-store");
    response.set("X-Frame-Options", "DENY");
    response.set("Content-Security-Policy",
                 "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'");
    response.setContentLength(static_cast<std::streamsize>(body.size()));
    response.send() << body;
}

bool handleBrowserRoutes(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response,
                         SessionStore& sessions, const std::function<bool(const std::string&)>& tokenMatches,
                         bool authorised) {
    std::string path = Poco::URI(request.getURI()).getPath();
    const std::string& method = request.getMethod();
    if (path == "/" && method == "GET") {
        redirect(response, authorised ? "/dashboard" : "/login");
    } else if (path == "/login" && method == "GET") {
        sendHtml(response, HTTPResponse::HTTP_OK, loginPage(""));
    } else if (path == "/login" && method == "POST") {
        login(request, response, sessions, tokenMatches);
    } else if (path == "/logout" && method == "POST") {
        if (!sameOrigin(request)) {
            sendHtml(response, HTTPResponse::HTTP_FORBIDDEN, loginPage("请求来源不符（跨站提交被拒绝）。"));
            return true;
        }
        sessions.revoke(sessionIdOf(request));
        response.set("Set-Cookie", sessionCookie("", std::chrono::seconds(0)));
        redirect(response, "/login");
    } else if (isPage(path) && method == "GET" && !authorised) {
        redirect(response, "/login");
    } else {
        return false;
    }
    return true;
}

}  // namespace creditgw
