#include "creditgw/AdminServer.h"
#include "creditgw/RuleMessages.h"

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/ThreadPool.h>
#include <Poco/URI.h>

#include <openssl/crypto.h>

#include "creditgw/CodeChecks.h"
#include "creditgw/Json.h"
#include "creditgw/Mapping.h"
#include "creditgw/Metrics.h"
#include "creditgw/RecordStore.h"
#include "creditgw/SecretFile.h"
#include "creditgw/Statistics.h"
#include "Dashboard.h"
#include "Session.h"

namespace creditgw {

using Poco::Net::HTTPRequestHandler;
using Poco::Net::HTTPResponse;
using Poco::Net::HTTPServerRequest;
using Poco::Net::HTTPServerResponse;

struct AdminServer::Impl {
    AdminServerConfig config;
    std::string token;
    WorkingDayCalendar calendar;
    RuleMessages ruleMessages;
    std::shared_ptr<const MappingCatalog> mappings;
    std::unique_ptr<Poco::ThreadPool> pool;  // declared before the server, which uses it
    std::unique_ptr<Poco::Net::HTTPServer> server;
    mutable SessionStore sessions;

    bool tokenMatches(const std::string& presented) const;
    /// The bearer token, or a browser session from /login.
    bool authorised(const HTTPServerRequest& request) const;
    DashboardSources dashboardSources() const {
        return {config.storePath, mappings.get(), &calendar, config.targets, &ruleMessages};
    }
    std::string health() const;
    /// /health without a token: the verdict only; 503 when not ready.
    std::pair<bool, std::string> readiness() const;
    Result<std::string> metrics() const;
    Result<std::string> stats(const Poco::URI::QueryParameters& query) const;
};

namespace {

std::string parameter(const Poco::URI::QueryParameters& query, const std::string& name, const std::string& fallback = "") {
    for (const auto& [key, value] : query)
        if (key == name) return value;
    return fallback;
}

// Every text the dashboard shows passes here: escaped, and any 身份证号 in it masked.
std::string html(const std::string& raw) {
    std::string text = maskIdNumbersIn(raw);
    std::string out;
    for (char c : text) {
        switch (c) {
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '&': out += "&amp;"; break;
            case '"': out += "&quot;"; break;
            default: out += c;
        }
    }
    return out;
}


class AdminHandler : public HTTPRequestHandler {
public:
    explicit AdminHandler(const AdminServer::Impl& impl) : _impl(impl) {}

    void handleRequest(HTTPServerRequest& request, HTTPServerResponse& response) override {
        // The liveness/readiness probe needs no token and says nothing about the records.
        if (Poco::URI(request.getURI()).getPath() == "/health" && request.getMethod() == "GET") {
            auto [ready, body] = _impl.readiness();
            send(response, ready ? HTTPResponse::HTTP_OK : HTTPResponse::HTTP_SERVICE_UNAVAILABLE,
                 "application/json", body);
            return;
        }
        auto tokenMatches = [this](const std::string& token) { return _impl.tokenMatches(token); };
        if (handleBrowserRoutes(request, response, _impl.sessions, tokenMatches, _impl.authorised(request))) return;
        if (!_impl.authorised(request)) {
            response.set("WWW-Authenticate", "Bearer");
            send(response, HTTPResponse::HTTP_UNAUTHORIZED, "application/json", "{\"error\":\"token required\"}\n");
            return;
        }
        Poco::URI uri(request.getURI());
        auto query = uri.getQueryParameters();
        if (auto target = triggeredTarget(uri.getPath())) {
            trigger(request, response, *target);
        } else if (request.getMethod() != "GET") {
            send(response, HTTPResponse::HTTP_METHOD_NOT_ALLOWED, "application/json", "{\"error\":\"GET only\"}\n");
        } else if (uri.getPath() == "/status") {
            send(response, HTTPResponse::HTTP_OK, "application/json", _impl.health());
        } else if (uri.getPath() == "/metrics") {
            auto body = _impl.metrics();
            if (!body)
                send(response, HTTPResponse::HTTP_SERVICE_UNAVAILABLE, "text/plain; charset=utf-8",
                     body.status().message() + "\n");
            else
                send(response, HTTPResponse::HTTP_OK, "text/plain; version=0.0.4; charset=utf-8", *body);
        } else if (uri.getPath() == "/dashboard" || uri.getPath().rfind("/records/", 0) == 0) {
            sendPage(response, uri, query);
        } else if (uri.getPath() == "/stats") {
            auto body = _impl.stats(query);
            if (!body)
                send(response, HTTPResponse::HTTP_BAD_REQUEST, "application/json",
                     "{\"error\":" + jsonString(body.status().message()) + "}\n");
            else
                send(response, HTTPResponse::HTTP_OK, "application/json", *body);
        } else {
            send(response, HTTPResponse::HTTP_NOT_FOUND, "application/json",
                 "{\"error\":\"unknown path; known: /health, /status, /metrics, /stats, /dashboard, /records/<id>, "
                 "/login, POST /api/targets/<name>/trigger\"}\n");
        }
    }

private:
    // "/api/targets/<name>/trigger" → name.
    static std::optional<std::string> triggeredTarget(const std::string& path) {
        const std::string prefix = "/api/targets/", suffix = "/trigger";
        if (path.size() <= prefix.size() + suffix.size() || path.rfind(prefix, 0) != 0 || !path.ends_with(suffix))
            return std::nullopt;
        return path.substr(prefix.size(), path.size() - prefix.size() - suffix.size());
    }

    void trigger(HTTPServerRequest& request, HTTPServerResponse& response, const std::string& target) {
        if (request.getMethod() != "POST") {
            response.set("Allow", "POST");
            send(response, HTTPResponse::HTTP_METHOD_NOT_ALLOWED, "application/json",
                 "{\"error\":\"POST only: curl -X POST -H 'Authorization: Bearer …' .../api/targets/" + target +
                     "/trigger\"}\n");
            return;
        }
        // A browser session is a cookie any site could make the browser send: same origin only.
        bool bearer = request.get("Authorization", "").rfind("Bearer ", 0) == 0;
        if (!bearer && !sameOrigin(request)) {
            send(response, HTTPResponse::HTTP_FORBIDDEN, "application/json",
                 "{\"error\":\"cross-site request refused; send the token as Authorization: Bearer\"}\n");
            return;
        }
        if (!_impl.config.daemon) {
            send(response, HTTPResponse::HTTP_SERVICE_UNAVAILABLE, "application/json",
                 "{\"error\":\"no daemon loop runs behind this admin interface; start `creditgw run`\"}\n");
            return;
        }
        Status requested = _impl.config.daemon->requestTrigger(target);
        if (!requested) {
            std::string known;
            for (const auto& name : _impl.config.daemon->targets()) known += (known.empty() ? "" : ",") + jsonString(name);
            send(response, HTTPResponse::HTTP_NOT_FOUND, "application/json",
                 "{\"error\":" + jsonString(requested.message()) + ",\"known_targets\":[" + known + "]}\n");
            return;
        }
        send(response, HTTPResponse::HTTP_ACCEPTED, "application/json",
             "{\"target\":" + jsonString(target) +
                 ",\"triggered\":true,\"message\":\"the daemon runs this target's cycle now, whatever its schedule; "
                 "an open circuit breaker still holds it back\"}\n");
    }

    void sendPage(HTTPServerResponse& response, const Poco::URI& uri, const Poco::URI::QueryParameters& query) {
        Result<std::string> page = Status::notFound("no such page");
        if (uri.getPath() == "/dashboard") {
            page = dashboardHtml(_impl.dashboardSources(), query);
        } else {
            std::string id = uri.getPath().substr(std::string("/records/").size());
            if (!id.empty() && id.size() < 19 && id.find_first_not_of("0123456789") == std::string::npos)
                page = recordHtml(_impl.dashboardSources(), std::stoll(id), query);
        }
        if (page) return sendHtml(response, HTTPResponse::HTTP_OK, *page);
        bool missing = page.status().code() == StatusCode::NotFound;
        sendHtml(response, missing ? HTTPResponse::HTTP_NOT_FOUND : HTTPResponse::HTTP_BAD_REQUEST,
                 "<!doctype html><html lang=zh-CN><head><meta charset=utf-8><title>错误</title></head><body><p>" +
                     std::string(missing ? "没有这条记录或页面：" : "请求有误：") + html(page.status().message()) +
                     "</p><p><a href=/dashboard>返回工作台</a></p></body></html>\n");
    }

    static void send(HTTPServerResponse& response, HTTPResponse::HTTPStatus status, const std::string& type,
                     const std::string& body) {
        response.setStatusAndReason(status);  // "503 Service Unavailable", not "503 OK"
        response.setContentType(type);
        response.setContentLength(static_cast<std::streamsize>(body.size()));
        response.send() << body;
    }

    const AdminServer::Impl& _impl;
};

class AdminHandlerFactory : public Poco::Net::HTTPRequestHandlerFactory {
public:
    explicit AdminHandlerFactory(const AdminServer::Impl& impl) : _impl(impl) {}
    HTTPRequestHandler* createRequestHandler(const HTTPServerRequest&) override { return new AdminHandler(_impl); }

private:
    const AdminServer::Impl& _impl;
};

}  // namespace

bool AdminServer::Impl::tokenMatches(const std::string& presented) const {
    // Constant time: the comparison must not tell an attacker how much of the token was right.
    return !token.empty() && presented.size() == token.size() &&
           CRYPTO_memcmp(presented.data(), token.data(), token.size()) == 0;
}

bool AdminServer::Impl::authorised(const HTTPServerRequest& request) const {
    std::string header = request.get("Authorization", "");
    const std::string prefix = "Bearer ";
    if (header.rfind(prefix, 0) == 0) return tokenMatches(header.substr(prefix.size()));
    return sessions.valid(sessionIdOf(request));
}

std::string AdminServer::Impl::health() const {
    auto store = RecordStore::openForReading(config.storePath);
    if (!store) return "{\"status\":\"error\",\"error\":" + jsonString(store.status().message()) + "}\n";
    std::string out = "{\"status\":\"ok\",\"as_of\":" + jsonString(shanghaiTimestamp(std::chrono::system_clock::now())) +
                      ",\"targets\":{";
    bool first = true;
    for (const auto& target : config.targets) {
        auto health = (*store)->health(target, mappings->kindsOf(target));
        if (!health) continue;
        std::string json = targetHealthJson(*health);
        if (config.daemon) {
            // What only the daemon's loop knows: its breaker and the next run of the schedule.
            auto view = config.daemon->view(target);
            json.insert(json.rfind('}'), ",\"breaker\":" + jsonString(CircuitBreaker::stateName(view.breaker)) +
                                             ",\"next_run\":" +
                                             (view.nextRun ? jsonString(shanghaiTimestamp(*view.nextRun)) : "null"));
        }
        out += (first ? "" : ",") + jsonString(target) + ":" + json;
        first = false;
    }
    return out + "}}\n";
}

std::pair<bool, std::string> AdminServer::Impl::readiness() const {
    auto store = RecordStore::openForReading(config.storePath);
    if (!store) return {false, healthVerdictJson({false, {"store: " + store.status().message()}})};
    std::vector<TargetHealth> healths;
    for (const auto& target : config.targets) {
        auto health = (*store)->health(target, mappings->kindsOf(target));
        if (!health) return {false, healthVerdictJson({false, {target + ": " + health.status().message()}})};
        healths.push_back(std::move(*health));
    }
    HealthVerdict verdict = healthVerdict(healths, config.backlogLimit);
    return {verdict.ready, healthVerdictJson(verdict)};
}

Result<std::string> AdminServer::Impl::metrics() const {
    auto store = RecordStore::openForReading(config.storePath);
    if (!store) return store.status();
    std::vector<TargetMetrics> all;
    StatisticsQuery everything;
    everything.today = CivilDate::todayInShanghai();
    for (const auto& target : config.targets) {
        auto health = (*store)->health(target, mappings->kindsOf(target));
        if (!health) return health.status();
        auto facts = (*store)->deliveryFacts(target, mappings->kindsOf(target));
        if (!facts) return facts.status();
        StatisticsReport report = computeStatistics(target, *facts, calendar, everything);
        TargetMetrics metrics{std::move(*health), report.total, lastAcceptanceOf(*facts), std::nullopt, std::nullopt};
        if (const TargetProfile* profile = mappings->profile(target)) {
            auto operations = (*store)->operationFacts(target);
            if (!operations) return operations.status();
            metrics.withdrawals = countWithdrawals(*operations, *profile, calendar, operationSelection(everything));
        }
        if (config.daemon) metrics.daemon = config.daemon->view(target);
        all.push_back(std::move(metrics));
    }
    return prometheusMetrics(all);
}

Result<std::string> AdminServer::Impl::stats(const Poco::URI::QueryParameters& query) const {
    StatisticsQuery q;
    q.today = CivilDate::todayInShanghai();
    for (const char* name : {"from", "to"}) {
        std::string text = parameter(query, name);
        if (text.empty()) continue;
        auto date = CivilDate::parse(text);
        if (!date) return Status::invalidArgument(std::string(name) + " \"" + text + "\" is not a date");
        (std::string(name) == "from" ? q.from : q.to) = date;
    }
    q.kind = parameter(query, "kind");
    q.department = parameter(query, "department");
    std::string target = parameter(query, "target", config.targets.empty() ? "creditchina" : config.targets.front());
    if (std::find(config.targets.begin(), config.targets.end(), target) == config.targets.end())
        return Status::invalidArgument("unknown target \"" + target + "\"");
    auto store = RecordStore::openForReading(config.storePath);
    if (!store) return store.status();
    auto report = summaryStatistics(**store, target, mappings->kindsOf(target), calendar, q);
    if (!report) return report.status();
    return statisticsToJson(*report);
}

AdminServer::AdminServer(AdminServerConfig config) : _impl(std::make_unique<Impl>()) {
    _impl->config = std::move(config);
}

AdminServer::~AdminServer() { stop(); }

Status AdminServer::start() {
    auto token = readSecretFile(_impl->config.tokenFile);
    if (!token) return token.status();
    std::string trimmed = *token;
    while (!trimmed.empty() && std::isspace(static_cast<unsigned char>(trimmed.back()))) trimmed.pop_back();
    if (trimmed.size() < 16)
        return Status::invalidArgument(_impl->config.tokenFile + ": the admin token must have at least 16 characters");
    _impl->token = trimmed;
    auto calendar = WorkingDayCalendar::loadWithLocal(_impl->config.dataDir + "/data/holidays");
    if (!calendar) return calendar.status();
    _impl->calendar = std::move(*calendar);
    auto rules = RuleMessages::loadShipped(_impl->config.dataDir);
    if (!rules) return rules.status();
    _impl->ruleMessages = std::move(*rules);
    auto mappings = MappingCatalog::load(_impl->config.dataDir + "/mappings");
    if (!mappings) return mappings.status();
    _impl->mappings = *mappings;
    try {
        // Loopback only: the admin interface is never reachable from the network.
        Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", _impl->config.port));
        auto params = new Poco::Net::HTTPServerParams;
        // A pool of its own and a timeout on every connection: idle or slow clients are dropped
        // and never hold all the threads the probes need.
        params->setMaxThreads(16);
        params->setMaxQueued(64);
        Poco::Timespan timeout(static_cast<long>(_impl->config.connectionTimeout.count()), 0);
        params->setTimeout(timeout);
        params->setKeepAliveTimeout(timeout);
        _impl->pool = std::make_unique<Poco::ThreadPool>(2, 16, 60);
        _impl->server = std::make_unique<Poco::Net::HTTPServer>(new AdminHandlerFactory(*_impl), *_impl->pool,
                                                                socket, params);
        _impl->server->start();
    } catch (const Poco::Exception& e) {
        return Status::permanent("admin interface on 127.0.0.1:" + std::to_string(_impl->config.port) + ": " +
                                 e.displayText());
    }
    return Status::ok();
}

void AdminServer::stop() {
    if (_impl && _impl->server) {
        _impl->server->stopAll(true);
        _impl->server.reset();
    }
}

unsigned short AdminServer::port() const {
    return _impl->server ? _impl->server->socket().address().port() : 0;
}

}  // namespace creditgw
