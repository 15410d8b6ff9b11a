#pragma once
// Browser sessions of the admin interface: the officer types the token once on /login and gets
// an HttpOnly, SameSite=Strict cookie naming a random session id, kept in memory only (a restart
// logs everyone out). Scripts keep using "Authorization: Bearer <token>".
// Threading: SessionStore is safe to use from the server's threads (one mutex).

#include <chrono>
#include <map>
#include <mutex>
#include <string>

namespace Poco::Net {
class HTTPServerRequest;
}

namespace creditgw {

class SessionStore {
public:
    explicit SessionStore(std::chrono::seconds lifetime = std::chrono::hours(8)) : _lifetime(lifetime) {}
    /// A new session id: 32 random bytes (OpenSSL RAND_bytes) as hex; "" when the RNG fails.
    std::string create();
    /// True for an id create() returned that has neither expired nor been revoked.
    bool valid(const std::string& id);
    void revoke(const std::string& id);
    std::chrono::seconds lifetime() const { return _lifetime; }

private:
    std::chrono::seconds _lifetime;
    std::mutex _mutex;
    std::map<std::string, std::chrono::steady_clock::time_point> _expiry;
};

constexpr const char* kSessionCookie = "creditgw_session";

/// The session id the request's Cookie header carries, or "".
std::string sessionIdOf(const Poco::Net::HTTPServerRequest& request);
/// The Set-Cookie value for a session (Max-Age 0 with an empty id: the logout).
std::string sessionCookie(const std::string& id, std::chrono::seconds maxAge);
/// CSRF guard for the state-changing POSTs (login, logout): the browser's Origin header, or
/// its Referer when Origin is absent, must be this server (http://<Host>). A request with
/// neither is refused: every browser sends Origin on a form POST.
bool sameOrigin(const Poco::Net::HTTPServerRequest& request);
/// The login page in Chinese (`message` shown above the form, e.g. 令牌错误).
std::string loginPage(const std::string& message);

}  // namespace creditgw

#include <functional>

namespace Poco::Net {
class HTTPServerResponse;
}

namespace creditgw {

/// Sends an HTML page with the headers every page of the admin interface carries: no
/// caching, no framing, and a content policy that allows nothing from outside.
void sendHtml(Poco::Net::HTTPServerResponse& response, int status, const std::string& body);

/// The browser routes: `/` (to the dashboard when signed in, else to the login page),
/// GET/POST `/login`, POST `/logout`, and the redirect to /login of a page (/dashboard,
/// /records/…) asked for without a session or token. Returns false for every other request,
/// which the caller then authorises and serves. `tokenMatches` compares in constant time.
bool handleBrowserRoutes(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response,
                         SessionStore& sessions, const std::function<bool(const std::string&)>& tokenMatches,
                         bool authorised);

}  // namespace creditgw
