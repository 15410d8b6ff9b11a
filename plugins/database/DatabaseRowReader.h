#pragma once
// The `database` source plugin's reader: one query against a business database through
// Poco::Data (PostgreSQL; MySQL and ODBC by the same code), read in keyset pages ordered by the
// watermark columns, so memory stays at one page and a dropped connection resumes exactly.

#include <Poco/Data/Session.h>

#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "creditgw/SourcePlugin.h"

namespace creditgw::database {

/// What a `.dbsource` file says (see plugins/database/README.md).
struct SourceConfig {
    std::string name;
    std::string connector;  ///< postgresql, mysql, odbc
    std::string connect;    ///< connection string without the password
    std::string passwordFile;
    std::string query;
    std::vector<std::string> watermark;  ///< columns, most significant first; unique together
    std::size_t pageSize = 1000;
};

/// Reads and checks a .dbsource file; InvalidArgument naming the file, line and key.
Result<SourceConfig> readConfig(const std::string& path);

/// Joins watermark values into one opaque text and back.
std::string encodeWatermark(const std::vector<std::string>& values);
std::vector<std::string> decodeWatermark(const std::string& text);

class DatabaseRowReader : public RowReader {
public:
    static Result<std::unique_ptr<RowReader>> open(const SourceOptions& options);
    const std::vector<std::string>& header() const override { return _header; }
    bool next(SourceRow& row) override;
    std::string watermarkKey() const override { return "database:" + _config.name; }
    Status resumeAfter(const std::string& watermark) override;
    Status finalStatus() const override { return _final; }

private:
    DatabaseRowReader() = default;
    Status connect();
    Status readColumns();
    /// The next page after _position; retries on a fresh connection when the old one broke.
    Status fetchPage();
    Status fetchPageOnce();
    std::string pageSql() const;
    std::string placeholder(std::size_t index) const;

    std::string _path;
    SourceConfig _config;
    std::string _password;
    std::unique_ptr<Poco::Data::Session> _session;
    std::vector<std::string> _header;
    std::vector<std::size_t> _watermarkColumns;
    std::vector<std::string> _position;  ///< watermark of the last row handed out; empty = start
    std::deque<SourceRow> _page;
    bool _exhausted = false;
    Status _final;
    std::size_t _reconnects = 0;
    std::size_t _rowsRead = 0;
};

}  // namespace creditgw::database
