#include "FrontDbChannel.h"

#include <Poco/ClassLibrary.h>
#include <Poco/Data/PostgreSQL/Connector.h>
#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Session.h>
#include <Poco/Data/Statement.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <mutex>
#include <regex>

#include "creditgw/Json.h"
#include "creditgw/PluginAbi.h"
#include "creditgw/SecretFile.h"

CREDITGW_DECLARE_PLUGIN("channel")

POCO_BEGIN_MANIFEST(creditgw::ChannelPlugin)
    POCO_EXPORT_CLASS(creditgw::FrontDbChannel)
POCO_END_MANIFEST

namespace creditgw {

using Poco::Data::Keywords::use;

namespace {

const std::regex kIdentifier("[a-z_][a-z0-9_]{0,62}(\\.[a-z_][a-z0-9_]{0,62})?");

struct PayloadRecord {
    std::string key;
    std::vector<std::pair<std::string, std::string>> fields;  ///< column (lower case), value
};

/// The records of a json envelope (docs/envelopes.md): key and fields in order.
Result<std::vector<PayloadRecord>> recordsOf(const std::string& payload) {
    std::vector<PayloadRecord> out;
    try {
        auto root = Poco::JSON::Parser().parse(payload).extract<Poco::JSON::Object::Ptr>();
        auto records = root->getArray("records");
        if (!records) return Status::permanent("the payload has no records array (frontdb needs a json envelope)");
        for (std::size_t i = 0; i < records->size(); ++i) {
            auto record = records->getObject(static_cast<unsigned>(i));
            auto fields = record ? record->getObject("fields") : nullptr;
            if (!fields) return Status::permanent("payload records[" + std::to_string(i) + "] has no fields");
            PayloadRecord row{record->getValue<std::string>("key"), {}};
            for (const auto& [name, value] : *fields) {
                std::string column = Poco::toLower(name);
                if (!std::regex_match(column, kIdentifier))
                    return Status::permanent("field \"" + name + "\" cannot be a column name");
                row.fields.emplace_back(column, value.toString());
            }
            out.push_back(std::move(row));
        }
    } catch (const Poco::Exception& e) {
        return Status::permanent("the payload is not the json envelope frontdb reads: " + e.displayText());
    }
    return out;
}

}  // namespace

FrontDbChannel::FrontDbChannel() = default;
FrontDbChannel::~FrontDbChannel() = default;

Status FrontDbChannel::failure(const std::string& what, const std::string& why) const {
    std::string text = why;
    if (!_password.empty())
        for (std::size_t at; (at = text.find(_password)) != std::string::npos;) text.replace(at, _password.size(), "***");
    return Status::transient(what + " (前置库 " + _connect + ", table " + _table + "): " + text);
}

Status FrontDbChannel::configure(const TargetProfile& profile, const std::map<std::string, std::string>& settings) {
    auto setting = [&](const char* key) {
        auto found = settings.find(key);
        return found == settings.end() ? std::string() : found->second;
    };
    if (profile.envelopeFormat != "json")
        return Status::invalidArgument(profile.directory + "/profile.xml: frontdb reads json envelopes, not " +
                                       profile.envelopeFormat);
    _table = setting("table");
    if (!std::regex_match(_table, kIdentifier))
        return Status::invalidArgument(profile.directory + "/profile.xml: setting channel.table \"" + _table +
                                       "\" must name the 前置库 table (lower-case letters, digits, _; schema.table)");
    _connect = setting("db");
    if (_connect.empty())
        return Status::invalidArgument("no 前置库: pass --channel-db \"host=… port=… dbname=… user=…\" (or target." +
                                       profile.id + ".channel.db)");
    if (std::string file = setting("db-password-file"); !file.empty()) {
        auto password = readSecretFile(file);
        if (!password) return password.status();
        _password = *password;
        while (!_password.empty() && (_password.back() == '\n' || _password.back() == '\r')) _password.pop_back();
    }
    // The same settings and defaults the packer uses (gateway/src/pipeline/Withdrawals.cpp), so a
    // 下线 or 终止公示 row is never mistaken for a 新增.
    auto field = profile.settings.find("operation.field");
    _operationField = field == profile.settings.end() ? "" : field->second;
    _operationOfValue.clear();
    for (const auto& [operation, fallback] : {std::pair<std::string, std::string>{"revoke", "撤销"},
                                              {"takedown", "下线"},
                                              {"repair", "终止公示"}}) {
        auto value = profile.settings.find("operation." + operation);
        _operationOfValue[value == profile.settings.end() ? fallback : value->second] = operation;
    }
    if (std::string timeout = setting("receipt-timeout"); !timeout.empty()) {
        try {
            _receiptTimeout = std::chrono::seconds(std::stol(timeout));
        } catch (const std::exception&) {
            return Status::invalidArgument("receipt-timeout \"" + timeout + "\" is not a number of seconds");
        }
    }
    return Status::ok();
}

Status FrontDbChannel::connect() {
    static std::once_flag registered;
    std::call_once(registered, [] { Poco::Data::PostgreSQL::Connector::registerConnector(); });
    try {
        if (_session && _session->isConnected()) return Status::ok();
        std::string text = _connect + (_password.empty() ? "" : " password='" + _password + "'");
        _session = std::make_unique<Poco::Data::Session>("postgresql", text);
        return Status::ok();
    } catch (const Poco::Exception& e) {
        _session.reset();
        return failure("cannot connect", e.displayText());
    }
}

Result<ChannelAnswer> FrontDbChannel::send(const ChannelBatch& batch) {
    auto records = recordsOf(batch.payload);
    if (!records) return records.status();
    if (Status connected = connect(); !connected) return connected;
    try {
        // One transaction: the platform sees the whole batch or none of it. A second send of
        // the same batch inserts nothing (unique batch_id, record_key).
        _session->begin();
        for (auto& record : *records) {
            std::string operation = "submit";
            std::string columns = "batch_id, record_key, operation", marks = "$1, $2, $3";
            std::vector<std::string> values = {batch.id, record.key, operation};
            for (const auto& [column, value] : record.fields) {
                if (!_operationField.empty() && column == Poco::toLower(_operationField))
                    if (auto op = _operationOfValue.find(value); op != _operationOfValue.end()) values[2] = op->second;
                columns += ", " + column;
                values.push_back(value);
                marks += ", $" + std::to_string(values.size());
            }
            Poco::Data::Statement insert(*_session);
            insert << "INSERT INTO " + _table + " (" + columns + ") VALUES (" + marks +
                          ") ON CONFLICT (batch_id, record_key) DO NOTHING";
            for (auto& value : values) insert, use(value);
            insert.execute();
        }
        _session->commit();
    } catch (const Poco::Exception& e) {
        try {
            if (_session && _session->isTransaction()) _session->rollback();
        } catch (const Poco::Exception&) {
            _session.reset();  // the connection is gone; the transaction died with it
        }
        // Committed or not is unknown only if the connection broke during COMMIT; a failed
        // statement before it rolled everything back. Ask before sending again either way.
        return Status::unknown(failure("insert failed", e.displayText()).message());
    }
    return ChannelAnswer{false, "", "inserted into " + _table};
}

Result<ChannelAnswer> FrontDbChannel::collect(const ChannelBatch& batch) {
    if (Status connected = connect(); !connected) return connected;
    std::string receipt = "{\"batchId\":" + jsonString(batch.id) + ",\"acceptedAt\":";
    std::string records;
    std::string acceptedAt;
    std::size_t rows = 0, pending = 0;
    long long waited = 0;
    try {
        Poco::Data::Statement select(*_session);
        std::string id = batch.id;
        select << "SELECT record_key, COALESCE(status, ''), COALESCE(reason_code, ''), COALESCE(reason, ''),"
                  " COALESCE(to_char(processed_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD\"T\"HH24:MI:SS\"+08:00\"'), ''),"
                  " CAST(EXTRACT(EPOCH FROM now() - submitted_at) AS BIGINT) FROM " + _table +
                      " WHERE batch_id = $1 ORDER BY record_key",
            use(id);
        select.execute();
        Poco::Data::RecordSet set(select);
        for (bool more = set.moveFirst(); more; more = set.moveNext(), ++rows) {
            std::string status = set.value(1).convert<std::string>();
            waited = std::max(waited, set.value(5).convert<long long>());
            if (status != "accepted" && status != "rejected") {
                ++pending;
                continue;
            }
            acceptedAt = std::max(acceptedAt, set.value(4).convert<std::string>());
            records += std::string(records.empty() ? "" : ",") + "{\"key\":" + jsonString(set.value(0).convert<std::string>()) +
                       ",\"status\":" + jsonString(status) + ",\"code\":" + jsonString(set.value(2).convert<std::string>()) +
                       ",\"reason\":" + jsonString(set.value(3).convert<std::string>()) + "}";
        }
    } catch (const Poco::Exception& e) {
        _session.reset();
        return failure("cannot read the status columns", e.displayText());
    }
    if (rows == 0) return Status::notFound("batch " + batch.id + " has no rows in " + _table);
    if (pending > 0 && waited > _receiptTimeout.count())
        return Status::unknown(std::to_string(pending) + " rows of batch " + batch.id + " in " + _table +
                               " still have no status after " + std::to_string(waited) +
                               " s; ask the platform's operator whether its side reads the 前置库");
    if (pending > 0) return ChannelAnswer{false, "", std::to_string(pending) + " rows without status yet"};
    return ChannelAnswer{true, receipt + jsonString(acceptedAt) + ",\"records\":[" + records + "]}", ""};
}

Status FrontDbChannel::withdraw(const ChannelBatch& batch) {
    if (Status connected = connect(); !connected) return connected;
    std::size_t rows = 0;
    try {
        Poco::Data::Statement count(*_session);
        std::string id = batch.id;
        count << "SELECT CAST(COUNT(*) AS BIGINT) FROM " + _table + " WHERE batch_id = $1", use(id);
        count.execute();
        Poco::Data::RecordSet set(count);
        if (set.moveFirst()) rows = set.value(0).convert<std::size_t>();
    } catch (const Poco::Exception& e) {
        _session.reset();
        return failure("cannot count the batch's rows", e.displayText());
    }
    if (rows == 0) return Status::ok();
    return Status::unknown(std::to_string(rows) + " rows of batch " + batch.id + " are in " + _table +
                           " and the platform's side may have read them: they are not withdrawn, and the batch "
                           "stays in doubt until each row has its status (ask the platform's operator)");
}

}  // namespace creditgw
