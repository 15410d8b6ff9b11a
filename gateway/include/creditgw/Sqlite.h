#pragma once
// A thin RAII layer over the sqlite3 C API (platform-notes.md: Poco::Data's BEGIN DEFERRED
// makes concurrent writers fail; the C API lets us say BEGIN IMMEDIATE and keep the hot path
// lean). Not thread-safe: one Database per thread.

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <optional>
#include <string>
#include <string_view>

#include "creditgw/Status.h"

namespace creditgw {

class Statement {
public:
    Statement(sqlite3* db, const char* sql);
    ~Statement();
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    Statement& bind(int index, std::string_view text);
    Statement& bind(int index, std::int64_t value);
    Statement& bindReal(int index, double value);
    Statement& bindBlob(int index, std::string_view bytes);
    Statement& bindNull(int index);
    /// True when a row is ready; false when done. Throws SqliteError on failure.
    bool step();
    /// Runs to completion (for INSERT/UPDATE) and resets for reuse.
    void run();
    void reset();

    std::string text(int column) const;
    std::int64_t integer(int column) const;
    bool isNull(int column) const;

private:
    sqlite3* _db;
    sqlite3_stmt* _stmt = nullptr;
};

/// Thrown only inside the store layer and converted to Status at its public boundary.
class SqliteError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class Database {
public:
    /// Opens (creating if needed) with WAL, synchronous=FULL, foreign keys and a busy timeout.
    static Result<std::unique_ptr<Database>> open(const std::string& path, bool readOnly = false);
    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    void exec(const char* sql);
    sqlite3* handle() { return _db; }
    const std::string& path() const { return _path; }
    std::int64_t lastInsertId() const { return sqlite3_last_insert_rowid(_db); }
    int changes() const { return sqlite3_changes(_db); }

private:
    Database(sqlite3* db, std::string path) : _db(db), _path(std::move(path)) {}
    sqlite3* _db;
    std::string _path;
};

/// BEGIN IMMEDIATE … COMMIT; rolls back if destroyed without commit().
class Transaction {
public:
    explicit Transaction(Database& db);
    ~Transaction();
    void commit();

private:
    Database& _db;
    bool _done = false;
};

}  // namespace creditgw
