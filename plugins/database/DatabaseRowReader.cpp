#include "DatabaseRowReader.h"

#include <Poco/Data/MySQL/Connector.h>
#include <Poco/Data/PostgreSQL/Connector.h>
#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Statement.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Util/PropertyFileConfiguration.h>

#include <chrono>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <set>
#include <thread>

#include "creditgw/Json.h"
#include "creditgw/SecretFile.h"

namespace creditgw::database {

namespace {

constexpr std::size_t kConnectAttempts = 3;

void registerConnectors() {
    static std::once_flag once;
    std::call_once(once, [] {
        Poco::Data::PostgreSQL::Connector::registerConnector();
        Poco::Data::MySQL::Connector::registerConnector();
    });
}

std::string trimmed(const std::string& text) {
    std::size_t begin = text.find_first_not_of(" \t");
    if (begin == std::string::npos) return {};
    return text.substr(begin, text.find_last_not_of(" \t") - begin + 1);
}

/// A column value as text: dates ISO, timestamps with microseconds when they have them,
/// numbers without exponent or float noise, NULL empty.
std::string textOf(const Poco::Dynamic::Var& value) {
    if (value.isEmpty()) return {};
    if (value.type() == typeid(Poco::DateTime)) {
        const auto& t = value.extract<Poco::DateTime>();
        std::string text = Poco::DateTimeFormatter::format(t, "%Y-%m-%d %H:%M:%S");
        int micros = t.millisecond() * 1000 + t.microsecond();
        if (micros != 0) {
            char fraction[16];
            std::snprintf(fraction, sizeof fraction, ".%06d", micros);
            text += fraction;
        }
        if (text.ends_with(" 00:00:00")) text.resize(10);
        return text;
    }
    if (value.type() == typeid(Poco::Data::Date)) {
        const auto& d = value.extract<Poco::Data::Date>();
        char text[16];
        std::snprintf(text, sizeof text, "%04d-%02d-%02d", d.year(), d.month(), d.day());
        return text;
    }
    if (value.type() == typeid(double) || value.type() == typeid(float)) {
        double d = value.convert<double>();
        char text[64];
        std::snprintf(text, sizeof text, "%.15g", d);
        std::string out = text;
        if (out.find('e') == std::string::npos) return out;
        std::snprintf(text, sizeof text, "%.6f", d);
        out = text;
        while (out.back() == '0') out.pop_back();
        if (out.back() == '.') out.pop_back();
        return out;
    }
    return value.convert<std::string>();
}

}  // namespace

Result<SourceConfig> readConfig(const std::string& path) {
    std::ifstream probe(path);
    if (!probe) return Status::notFound(path + ": no such database source file");
    static const std::set<std::string> known = {"name", "connector", "connect", "password_file", "query",
                                                "watermark", "page_size"};
    // Mistyped keys are errors, not silently ignored settings.
    std::string line;
    for (std::size_t number = 1; std::getline(probe, line); ++number) {
        std::string text = trimmed(line);
        if (text.empty() || text[0] == '#' || text[0] == '!') continue;
        std::string key = trimmed(text.substr(0, text.find_first_of("=:")));
        if (!known.count(key))
            return Status::invalidArgument(path + ":" + std::to_string(number) + ": unknown key \"" + key +
                                           "\"; known: name, connector, connect, password_file, query, "
                                           "watermark, page_size");
    }
    Poco::AutoPtr<Poco::Util::PropertyFileConfiguration> file;
    try {
        file = new Poco::Util::PropertyFileConfiguration(path);
    } catch (const Poco::Exception& e) {
        return Status::invalidArgument(path + ": cannot read: " + e.displayText());
    }
    SourceConfig config;
    auto required = [&](const char* key, std::string& out) -> Status {
        out = trimmed(file->getString(key, ""));
        if (out.empty()) return Status::invalidArgument(path + ": " + key + " is missing; see plugins/database/README.md");
        return Status::ok();
    };
    for (auto [key, out] : {std::pair<const char*, std::string*>{"name", &config.name},
                            {"connector", &config.connector}, {"connect", &config.connect},
                            {"query", &config.query}})
        if (Status s = required(key, *out); !s) return s;
    config.passwordFile = trimmed(file->getString("password_file", ""));
    if (config.connector == "odbc")
        return Status::invalidArgument(path + ": connector odbc is not built in (it needs unixodbc-dev); use "
                                       "postgresql or mysql, or build the plugin with Poco::DataODBC");
    if (config.connector != "postgresql" && config.connector != "mysql")
        return Status::invalidArgument(path + ": connector \"" + config.connector +
                                       "\" is not one of postgresql, mysql");
    std::string columns = file->getString("watermark", "");
    for (std::size_t start = 0; start <= columns.size();) {
        std::size_t comma = columns.find(',', start);
        std::string column = trimmed(columns.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
        if (!column.empty()) config.watermark.push_back(column);
        if (comma == std::string::npos) break;
        start = comma + 1;
    }
    if (config.watermark.empty())
        return Status::invalidArgument(path + ": watermark is missing: name the column(s) that order the rows "
                                       "and are unique together, e.g. watermark = updated_at, id");
    try {
        long long size = std::stoll(file->getString("page_size", "1000"));
        if (size < 1 || size > 100000) throw std::out_of_range("page_size");
        config.pageSize = static_cast<std::size_t>(size);
    } catch (const std::exception&) {
        return Status::invalidArgument(path + ": page_size must be a whole number from 1 to 100000");
    }
    return config;
}

std::string encodeWatermark(const std::vector<std::string>& values) {
    std::string out = "[";
    for (std::size_t i = 0; i < values.size(); ++i) out += (i ? "," : "") + jsonString(values[i]);
    return out + "]";
}

std::vector<std::string> decodeWatermark(const std::string& text) {
    std::vector<std::string> values;
    try {
        Poco::JSON::Parser parser;
        auto array = parser.parse(text).extract<Poco::JSON::Array::Ptr>();
        for (std::size_t i = 0; i < array->size(); ++i) values.push_back(array->getElement<std::string>(i));
    } catch (const Poco::Exception&) {
        values.clear();
    }
    return values;
}

Result<std::unique_ptr<RowReader>> DatabaseRowReader::open(const SourceOptions& options) {
    registerConnectors();
    auto config = readConfig(options.path);
    if (!config) return config.status();
    std::unique_ptr<DatabaseRowReader> reader(new DatabaseRowReader());
    reader->_path = options.path;
    reader->_config = std::move(*config);
    if (!reader->_config.passwordFile.empty()) {
        auto password = readSecretFile(reader->_config.passwordFile);
        if (!password) return Status::permanent(options.path + ": password_file: " + password.status().message());
        reader->_password = trimmed(*password);
        while (!reader->_password.empty() && (reader->_password.back() == '\n' || reader->_password.back() == '\r'))
            reader->_password.pop_back();
    }
    if (Status connected = reader->connect(); !connected) return connected;
    if (Status columns = reader->readColumns(); !columns) return columns;
    return std::unique_ptr<RowReader>(std::move(reader));
}

Status DatabaseRowReader::connect() {
    std::string text = _config.connect;
    if (!_password.empty()) {
        if (_config.connector == "postgresql") text += " password='" + _password + "'";
        else if (_config.connector == "mysql") text += ";password=" + _password;
        else text += ";PWD=" + _password;
    }
    try {
        _session = std::make_unique<Poco::Data::Session>(_config.connector, text);
        return Status::ok();
    } catch (const Poco::Exception& e) {
        // The message may echo the connection string: never the password.
        std::string why = e.displayText();
        if (!_password.empty())
            for (std::size_t at; (at = why.find(_password)) != std::string::npos;) why.replace(at, _password.size(), "***");
        return Status::transient(_path + ": cannot connect to the " + _config.connector + " database (" +
                                 _config.connect + "): " + why);
    }
}

std::string DatabaseRowReader::placeholder(std::size_t index) const {
    return _config.connector == "postgresql" ? "$" + std::to_string(index + 1) : "?";
}

Status DatabaseRowReader::readColumns() {
    try {
        Poco::Data::Statement select(*_session);
        select << "SELECT * FROM (" + _config.query + ") creditgw_source WHERE 1=0";
        select.execute();
        Poco::Data::RecordSet columns(select);
        for (std::size_t i = 0; i < columns.columnCount(); ++i) _header.push_back(columns.columnName(i));
    } catch (const Poco::Exception& e) {
        return Status::invalidArgument(_path + ": query: " + e.displayText() + "; check the query in psql/mysql first");
    }
    for (const auto& column : _config.watermark) {
        auto it = std::find(_header.begin(), _header.end(), column);
        if (it == _header.end())
            return Status::invalidArgument(_path + ": watermark column \"" + column + "\" is not a column of the query");
        _watermarkColumns.push_back(static_cast<std::size_t>(it - _header.begin()));
    }
    return Status::ok();
}

Status DatabaseRowReader::resumeAfter(const std::string& watermark) {
    std::vector<std::string> values = decodeWatermark(watermark);
    if (values.size() != _config.watermark.size())
        return Status::invalidArgument(_path + ": the stored watermark " + watermark + " does not fit the columns " +
                                       encodeWatermark(_config.watermark) + "; was the watermark setting changed?");
    _position = std::move(values);
    return Status::ok();
}

std::string DatabaseRowReader::pageSql() const {
    std::string columns;
    for (const auto& c : _config.watermark) columns += (columns.empty() ? "" : ", ") + c;
    // The watermark travels as the database's own text of each column (CAST), never through a
    // client-side type: a timestamp's microseconds must survive exactly, or a row would be read
    // twice or, worse, skipped.
    std::string textType = _config.connector == "mysql" ? "CHAR" : "VARCHAR(64)";
    std::string sql = "SELECT creditgw_source.*";
    for (std::size_t i = 0; i < _config.watermark.size(); ++i)
        sql += ", CAST(" + _config.watermark[i] + " AS " + textType + ") AS creditgw_mark_" + std::to_string(i);
    sql += " FROM (" + _config.query + ") creditgw_source";
    if (!_position.empty()) {
        // A row value comparison: strictly after the last row read, in the same order.
        std::string values;
        for (std::size_t i = 0; i < _position.size(); ++i) values += (i ? ", " : "") + placeholder(i);
        sql += " WHERE (" + columns + ") > (" + values + ")";
    }
    return sql + " ORDER BY " + columns + " LIMIT " + std::to_string(_config.pageSize);
}

Status DatabaseRowReader::fetchPageOnce() {
    Poco::Data::Statement select(*_session);
    select << pageSql();
    std::vector<std::string> params = _position;
    for (auto& p : params) select, Poco::Data::Keywords::use(p);
    select.execute();
    Poco::Data::RecordSet rows(select);
    std::size_t count = rows.rowCount();
    for (std::size_t r = 0; r < count; ++r) {
        SourceRow row;
        row.file = _path;
        std::vector<std::string> mark;
        for (std::size_t c = 0; c < _header.size(); ++c) {
            std::string text = rows.isNull(c, r) ? std::string() : textOf(rows.value(c, r));
            row.columns.emplace_back(_header[c], std::move(text));
        }
        for (std::size_t i = 0; i < _watermarkColumns.size(); ++i)
            mark.push_back(rows.value(_header.size() + i, r).convert<std::string>());
        row.watermark = encodeWatermark(mark);
        _page.push_back(std::move(row));
    }
    if (count < _config.pageSize) _exhausted = true;
    return Status::ok();
}

Status DatabaseRowReader::fetchPage() {
    std::string lastError;
    for (std::size_t attempt = 0; attempt < kConnectAttempts; ++attempt) {
        if (attempt > 0) {
            std::this_thread::sleep_for(std::chrono::milliseconds(500 * attempt));
            ++_reconnects;
            if (Status s = connect(); !s) {
                lastError = s.message();
                continue;
            }
        }
        try {
            return fetchPageOnce();
        } catch (const Poco::Exception& e) {
            lastError = e.displayText();
            _page.clear();
        }
    }
    return Status::transient(_path + ": the database connection broke and could not be re-established (" +
                             std::to_string(kConnectAttempts) + " attempts): " + lastError +
                             "; the rows read so far are stored, the next run continues after them");
}

bool DatabaseRowReader::next(SourceRow& row) {
    row = SourceRow();
    if (_page.empty() && !_exhausted && _final) {
        if (Status fetched = fetchPage(); !fetched) {
            _final = fetched;
            return false;
        }
    }
    if (_page.empty()) return false;
    row = std::move(_page.front());
    _page.pop_front();
    _position = decodeWatermark(row.watermark);
    row.line = ++_rowsRead;  // the row's place in this read: what problems and reports cite
    return true;
}

}  // namespace creditgw::database
