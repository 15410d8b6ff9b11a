#pragma once
// frontdb: the 前置库 channel (plugins/frontdb/README.md). A batch's records become rows of the
// table the profile names, inserted in one transaction with the batch id, record key and
// operation as columns; the unique (batch_id, record_key) makes a repeated send insert nothing.
// The platform side answers by setting each row's status; those columns are the receipt.

#include <chrono>
#include <memory>
#include <map>
#include <string>

#include "creditgw/ChannelPlugin.h"

namespace Poco::Data {
class Session;
}

namespace creditgw {

class FrontDbChannel : public ChannelPlugin {
public:
    FrontDbChannel();
    ~FrontDbChannel() override;
    std::string name() const override { return "frontdb"; }
    Status configure(const TargetProfile& profile, const std::map<std::string, std::string>& settings) override;
    Result<ChannelAnswer> send(const ChannelBatch& batch) override;
    Result<ChannelAnswer> collect(const ChannelBatch& batch) override;
    /// Rows once committed may have been read by the platform's side already, status or not:
    /// a batch with rows is never withdrawn (Unknown, it stays in doubt); one without rows has
    /// nothing to take back (Ok).
    Status withdraw(const ChannelBatch& batch) override;
    Status acknowledge(const ChannelBatch&) override { return Status::ok(); }

private:
    Status connect();
    Status failure(const std::string& what, const std::string& why) const;

    std::string _table;          ///< channel.table, e.g. qzk_xzcf
    std::string _connect;        ///< libpq connection string, without the password
    std::string _password;       ///< from the 0600 file; never logged
    std::string _operationField;  ///< the payload field that carries the operation, "" for none
    /// The field's value → the `operation` column: 撤销 → revoke, 下线 → takedown, 终止公示 → repair.
    std::map<std::string, std::string> _operationOfValue;
    std::chrono::seconds _receiptTimeout{3600};
    std::unique_ptr<Poco::Data::Session> _session;
};

}  // namespace creditgw
