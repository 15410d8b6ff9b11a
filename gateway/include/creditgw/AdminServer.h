#pragma once
// The daemon's admin interface: plain HTTP on 127.0.0.1 only, every request but /health with
// "Authorization: Bearer <token>" (the token is read from a 0600 file and compared in constant
// time). For monitoring and for compliance officers:
//   GET /health                → no token: 200 {"status":"ok"}, or 503 with the reasons when a
//                                 target has dead records/batches or a backlog older than the limit
//   GET /status                → JSON: per target, records and batches per state, backlog age,
//                                 and from a daemon its "breaker" and "next_run" (null: every cycle)
//   GET /metrics               → Prometheus text format (creditgw/Metrics.h)
//   GET /stats?target=&from=&to=&department=&kind=  → the statistics JSON of `creditgw stats`
//   GET /dashboard?target=…    → 报送情况 page in Chinese: the four rates and 撤销及时率 with their
//                                 counts, per 责任部门, and the overdue / at-risk records
//   POST /api/targets/<name>/trigger → 202 {"target":…,"triggered":true}: the daemon runs that
//                                 target's cycle at once, whatever its schedule (its breaker still
//                                 decides); 404 listing the served targets for an unknown one; 503
//                                 when no daemon loop is attached. A browser session must also
//                                 pass the same-origin check.
// Each request reads the store through its own connection (WAL readers never block the
// uploader). Threading: a pool of its own (16 threads); an idle or slow connection is dropped
// after `connectionTimeout`, so a few stuck clients never lock out the probes. The object
// itself is immutable after start().

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "creditgw/DaemonState.h"
#include "creditgw/Status.h"

namespace creditgw {

struct AdminServerConfig {
    unsigned short port = 0;        ///< 0 = a free port
    std::string tokenFile;          ///< must be 0600; its trimmed content is the token
    std::string storePath;
    std::string dataDir;            ///< mappings/ and data/holidays/
    std::vector<std::string> targets;
    std::chrono::seconds backlogLimit{4 * 3600};  ///< /health fails when a batch waited this long
    std::chrono::seconds connectionTimeout{10};   ///< per connection: receive, send, keep-alive
    /// The daemon's loop (breaker, attempts, triggers); null when no loop runs (then /metrics has
    /// no breaker or attempt families and triggers answer 503).
    std::shared_ptr<DaemonState> daemon;
};

class AdminServer {
public:
    explicit AdminServer(AdminServerConfig config);
    ~AdminServer();
    AdminServer(const AdminServer&) = delete;
    AdminServer& operator=(const AdminServer&) = delete;

    /// Reads the token (Permanent with a chmod hint when the file is too open; InvalidArgument
    /// when shorter than 16 characters), loads the calendar and mappings, binds 127.0.0.1.
    Status start();
    void stop();
    unsigned short port() const;

    struct Impl;

private:
    std::unique_ptr<Impl> _impl;
};

}  // namespace creditgw
