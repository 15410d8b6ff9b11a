#pragma once
// A local stand-in for the 信用中国 双公示 upload interface (docs/mock-platform.md): HTTPS with
// mutual TLS on 127.0.0.1, SM2-with-SM3 signature check, per-record checks of its own (written
// independently of the gateway's mapping engine, as a real platform would be), idempotent
// batches and JSON receipts. Used by the demo, the end-to-end tests and
// `creditgw mock-platform`.

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "creditgw/Status.h"

namespace creditgw {

struct MockPlatformConfig {
    std::string host = "127.0.0.1";
    unsigned short port = 0;  ///< 0 = pick a free port
    std::string certFile, keyFile, caFile;  ///< server TLS; caFile verifies client certificates
    bool requireClientCertificate = true;
    std::string allowedClientCommonName = "creditgw-gateway";
    std::string signerCertFile;  ///< gateway's SM2 signing certificate (verifies X-Signature)
    std::string stateFile;       ///< optional: JSON file persisting processed batches across restarts
    std::optional<std::string> clockOverride;  ///< fixed acceptedAt ("2026-11-22T10:00:00+08:00"), for tests
    /// A record whose field `operationField` holds `revokeValue` withdraws the record already
    /// accepted under its key (docs/mock-platform.md); an unknown key is rejected E404.
    std::string operationField = "CZLX";
    std::string revokeValue = "撤销";
    std::string takedownValue = "下线";  ///< end of the publicity period: no longer held
    std::string repairValue = "终止公示";  ///< credit repair: no longer held
    int failFirstRequests = 0;  ///< answer 503 (Retry-After: 1) to the first N POSTs, for retry tests
    /// Test mode for reconciliation: of the new or changed records it accepts, this share (0 to 1)
    /// is answered "accepted" but not kept, spread evenly (0.3: the 4th, 7th, 10th, …). A lost
    /// update leaves the version before it held. Withdrawals are never lost.
    double loseShare = 0.0;
    /// Targets served besides creditchina and xyjt, whose interface specs the mock does not know
    /// (the provincial profiles, the older 信用中国 field sets): their packages, JSON or the XML
    /// Package envelope (GBK included), or a csv / xlsx table with a JLBS (记录标识) key column,
    /// get only the checks that need no field names: a record needs a key and fields, and one
    /// with a value containing 测试 is rejected E301. XML, csv and xlsx packages name no
    /// target: they are served when this list is not empty. Empty by default.
    std::vector<std::string> genericTargets;
};

class MockPlatform {
    /// Owns an HTTPS server and its worker threads. start() and stop() are for one controlling
    /// thread; counters(), port(), endpoint() and setClockOverride() may be called from any
    /// thread while requests are served. The destructor stops the server and waits for its
    /// threads. Processing of POSTed batches is serialised (one lock), which keeps the 文书号
    /// and record-key rules exact under concurrent uploads.
public:
    explicit MockPlatform(MockPlatformConfig config);
    ~MockPlatform();
    MockPlatform(const MockPlatform&) = delete;
    MockPlatform& operator=(const MockPlatform&) = delete;

    /// Loads the signing certificate and the state file, then listens. Binds a loopback address
    /// only (InvalidArgument otherwise). Fails clearly: InvalidArgument for a missing setting,
    /// NotFound for a missing file, Permanent for a key readable by others ("chmod 600"), a port
    /// already in use or a TLS file OpenSSL cannot load; Corrupt for an unreadable state file.
    /// Calling start() on a running platform is InvalidArgument.
    Status start();
    /// Stops accepting, aborts open connections and joins the worker threads. Idempotent.
    void stop();
    /// The bound port (the picked one when the config said 0); 0 before start().
    unsigned short port() const;
    /// "https://127.0.0.1:<port>/api"
    std::string endpoint() const;

    /// Takes a batch that came by another channel (a 前置机 file, MockFrontMachine) as a POST
    /// would: checks the DER signature over `body` with the registered signing certificate,
    /// `batchId` (the manifest's) must match the body's; judges the records once per batch id and returns the receipt (the stored one for a
    /// batch seen before). Permanent for a bad signature or an unreadable batch. Works
    /// without start().
    Result<std::string> acceptPackage(const std::string& batchId, const std::string& body,
                                      const std::string& derSignature,
                                      const std::string& signerId);

    struct Counters {
        std::size_t batches = 0;        ///< batches processed (first POST of each batchId)
        std::size_t accepted = 0;       ///< records answered "accepted" in processed batches
        std::size_t rejected = 0;       ///< records answered "rejected" in processed batches
        std::size_t badSignatures = 0;  ///< POSTs refused with 401
        std::size_t duplicates = 0;     ///< re-POSTs of a processed batchId (stored receipt returned)
        std::size_t withdrawn = 0;      ///< records withdrawn (撤销) in processed batches
        std::size_t takenDown = 0;      ///< records taken down (下线) in processed batches
        std::size_t repaired = 0;       ///< records whose publication ended by 信用修复 (终止公示)
        std::size_t lost = 0;           ///< records answered accepted but not kept (loseShare)
    };
    Counters counters() const;
    /// Whether the platform currently holds (publishes) the record with this key.
    bool holds(const std::string& key) const;
    /// The keys of the records lost so far (loseShare), in the order they were lost.
    std::vector<std::string> lostKeys() const;
    /// Changes the share lost from now on (0 ends the test mode), while running.
    void setLoseShare(double share);
    /// Puts a record there as if another system had sent it (for reconciliation's "unknown"):
    /// published under `key`, with this 文书号 and ISO decision date.
    void plantRecord(const std::string& key, const std::string& kind, const std::string& documentNumber,
                     const std::string& decisionDate);

    /// A 信用修复 decided on the platform's side (a 信用修复 application made to it), announced to
    /// the reporting unit through GET /api/repair-notices until the platform is restarted.
    struct RepairNotice {
        std::string id;
        std::string kind;            ///< cf
        std::string documentNumber;  ///< 文书号
        std::string subject;         ///< 相对人 code, "" for every one
        std::string decided;         ///< YYYY-MM-DD
        std::string basis;           ///< 修复决定文号
    };
    void announceRepair(RepairNotice notice);

    /// Changes (or with nullopt, clears) the fixed acceptedAt while running: lets a test show
    /// that an identical record re-sent later keeps its first acceptedAt while an update
    /// gets a new one, without sleeping.
    void setClockOverride(std::optional<std::string> acceptedAt);

    struct Impl;

private:
    std::unique_ptr<Impl> _impl;
};

}  // namespace creditgw
