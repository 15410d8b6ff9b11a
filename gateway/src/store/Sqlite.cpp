#include "creditgw/Sqlite.h"

#include <cstdlib>
#include <fstream>
#include <memory>
#include <mutex>
#include <set>

namespace creditgw {

namespace {
[[noreturn]] void raise(sqlite3* db, const std::string& what) {
    throw SqliteError(what + ": " + sqlite3_errmsg(db));
}
// CREDITGW_SQL_LOG=FILE appends every distinct statement this process prepares to FILE, one
// per line (newlines folded), so QueryPlanTest can EXPLAIN exactly what the pipeline ran.
void logPreparedSql(const char* sql) {
    static const char* path = std::getenv("CREDITGW_SQL_LOG");
    if (path == nullptr || *path == '\0') return;
    static std::mutex mutex;
    static std::set<std::string> seen;
    std::string text(sql);
    for (char& c : text)
        if (c == '\n' || c == '\r') c = ' ';
    std::lock_guard lock(mutex);
    if (!seen.insert(text).second) return;
    std::ofstream(path, std::ios::app) << text << '\n';
}
}  // namespace

Statement::Statement(sqlite3* db, const char* sql) : _db(db) {
    if (sqlite3_prepare_v2(db, sql, -1, &_stmt, nullptr) != SQLITE_OK)
        raise(db, std::string("prepare \"") + sql + "\"");
    logPreparedSql(sql);
}

Statement::~Statement() { sqlite3_finalize(_stmt); }

Statement& Statement::bind(int index, std::string_view text) {
    if (sqlite3_bind_text(_stmt, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT) != SQLITE_OK)
        raise(_db, "bind");
    return *this;
}

Statement& Statement::bind(int index, std::int64_t value) {
    if (sqlite3_bind_int64(_stmt, index, value) != SQLITE_OK) raise(_db, "bind");
    return *this;
}

Statement& Statement::bindReal(int index, double value) {
    if (sqlite3_bind_double(_stmt, index, value) != SQLITE_OK) raise(_db, "bind");
    return *this;
}

Statement& Statement::bindBlob(int index, std::string_view bytes) {
    if (sqlite3_bind_blob(_stmt, index, bytes.data(), static_cast<int>(bytes.size()), SQLITE_TRANSIENT) != SQLITE_OK)
        raise(_db, "bind");
    return *this;
}

Statement& Statement::bindNull(int index) {
    if (sqlite3_bind_null(_stmt, index) != SQLITE_OK) raise(_db, "bind");
    return *this;
}

bool Statement::step() {
    int rc = sqlite3_step(_stmt);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    std::string sql = sqlite3_sql(_stmt);
    sqlite3_reset(_stmt);
    raise(_db, "step \"" + sql + "\"");
}

void Statement::run() {
    while (step()) {
    }
    reset();
}

void Statement::reset() {
    sqlite3_reset(_stmt);
    sqlite3_clear_bindings(_stmt);
}

std::string Statement::text(int column) const {
    const void* data = sqlite3_column_blob(_stmt, column);
    int size = sqlite3_column_bytes(_stmt, column);
    return data ? std::string(static_cast<const char*>(data), static_cast<std::size_t>(size)) : std::string();
}

std::int64_t Statement::integer(int column) const { return sqlite3_column_int64(_stmt, column); }

bool Statement::isNull(int column) const { return sqlite3_column_type(_stmt, column) == SQLITE_NULL; }

Result<std::unique_ptr<Database>> Database::open(const std::string& path, bool readOnly) {
    sqlite3* db = nullptr;
    int flags = readOnly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    if (sqlite3_open_v2(path.c_str(), &db, flags | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK) {
        std::string message = path + ": cannot open database: " + sqlite3_errmsg(db);
        sqlite3_close(db);
        return Status::notFound(message);
    }
    std::unique_ptr<Database> database(new Database(db, path));
    try {
        database->exec("PRAGMA busy_timeout=10000");
        if (!readOnly) {
            database->exec("PRAGMA journal_mode=WAL");
            // FULL: a committed batch or receipt survives power loss, not only a process crash.
            database->exec("PRAGMA synchronous=FULL");
        }
        database->exec("PRAGMA foreign_keys=ON");
    } catch (const SqliteError& e) {
        return Status::corrupt(path + ": " + e.what());
    }
    return database;
}

Database::~Database() { sqlite3_close_v2(_db); }

void Database::exec(const char* sql) {
    char* error = nullptr;
    if (sqlite3_exec(_db, sql, nullptr, nullptr, &error) != SQLITE_OK) {
        std::string message = error ? error : "unknown error";
        sqlite3_free(error);
        throw SqliteError(std::string("exec \"") + sql + "\": " + message);
    }
}

Transaction::Transaction(Database& db) : _db(db) { _db.exec("BEGIN IMMEDIATE"); }

Transaction::~Transaction() {
    if (_done) return;
    try {
        _db.exec("ROLLBACK");
    } catch (const SqliteError&) {
        // Nothing more to do: SQLite rolls back an open transaction when the handle closes.
    }
}

void Transaction::commit() {
    _db.exec("COMMIT");
    _done = true;
}

}  // namespace creditgw
