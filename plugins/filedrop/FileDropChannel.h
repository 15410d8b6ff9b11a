#pragma once
// filedrop: the 前置机 channel (plugins/filedrop/README.md). A batch becomes files in the
// exchange folder's outbox/ — the package, its SM2 signature and a manifest written last, each
// atomically (temp file, fsync, rename, fsync of the folder) — optionally zipped and optionally
// sealed in an SM4 digital envelope for the platform's SM2 key. The 前置机 answers with a
// receipt file in inbox/; acknowledged packages and their receipts move to done/. A package
// without its receipt is never deleted. Before the manifest goes to outbox/ a copy is kept in
// sent/, so a package the 前置机 took away (gone from outbox/) is known to have been handed over;
// a batch given up is first withdrawn: its files move to withdrawn/, manifest first.

#include <chrono>
#include <string>

#include "creditgw/ChannelPlugin.h"

namespace creditgw {

class FileDropChannel : public ChannelPlugin {
public:
    std::string name() const override { return "filedrop"; }
    Status configure(const TargetProfile& profile, const std::map<std::string, std::string>& settings) override;
    Result<ChannelAnswer> send(const ChannelBatch& batch) override;
    Result<ChannelAnswer> collect(const ChannelBatch& batch) override;
    Status acknowledge(const ChannelBatch& batch) override;
    Status withdraw(const ChannelBatch& batch) override;

private:
    /// The package file's bytes (payload, zipped, sealed) and the manifest describing them.
    Result<std::string> writePackage(const ChannelBatch& batch);
    std::string folder(const char* sub) const { return _dir + "/" + sub; }
    /// The package file's name in outbox/: `<id>.json`, `.zip`, `.sm4` as configured.
    std::string packageName(const ChannelBatch& batch) const;
    /// How long the receipt has been awaited since `since` was written: still waiting, or
    /// Unknown once past the receipt timeout (`where` says what the operator should check).
    Result<ChannelAnswer> awaitingReceipt(const ChannelBatch& batch, const std::string& since,
                                          const std::string& where) const;

    std::string _dir;            ///< the exchange folder: outbox/, inbox/, done/, sent/, withdrawn/
    bool _zip = false;           ///< channel.zip = true
    std::string _envelope = "none";  ///< channel.envelope = none | sm4
    std::string _peerKeyFile;    ///< the platform's SM2 public key or certificate (envelope)
    std::chrono::seconds _receiptTimeout{3600};
};

}  // namespace creditgw
