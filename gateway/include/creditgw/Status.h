#pragma once
// Header-only so plugins can use it without linking the core.
// Status and Result<T>: how the durable paths (store, queue, signing, upload) report failure.
// Exceptions are used only at the CLI and thread boundaries, where they are converted to a
// Status with context.

#include <optional>
#include <string>
#include <utility>

namespace creditgw {

enum class StatusCode {
    Ok,
    InvalidArgument,  ///< The caller's input is wrong; retrying the same input cannot help.
    NotFound,         ///< A file, record or batch does not exist.
    Transient,        ///< May succeed if retried later (network, busy database, 5xx).
    Permanent,        ///< Will fail again if retried (4xx, rejected signature, bad config).
    Unknown,          ///< The outcome is not known (e.g. connection lost after the body was sent).
    Corrupt,          ///< Stored data failed an integrity check.
    Undecidable,      ///< The rules cannot decide (e.g. a year without holiday data).
};

inline const char* statusCodeName(StatusCode code) {
    switch (code) {
        case StatusCode::Ok: return "OK";
        case StatusCode::InvalidArgument: return "InvalidArgument";
        case StatusCode::NotFound: return "NotFound";
        case StatusCode::Transient: return "Transient";
        case StatusCode::Permanent: return "Permanent";
        case StatusCode::Unknown: return "Unknown";
        case StatusCode::Corrupt: return "Corrupt";
        case StatusCode::Undecidable: return "Undecidable";
    }
    return "?";
}

class Status {
public:
    Status() = default;
    static Status ok() { return Status(); }
    static Status invalidArgument(std::string m) { return {StatusCode::InvalidArgument, std::move(m)}; }
    static Status notFound(std::string m) { return {StatusCode::NotFound, std::move(m)}; }
    static Status transient(std::string m) { return {StatusCode::Transient, std::move(m)}; }
    static Status permanent(std::string m) { return {StatusCode::Permanent, std::move(m)}; }
    static Status unknown(std::string m) { return {StatusCode::Unknown, std::move(m)}; }
    static Status corrupt(std::string m) { return {StatusCode::Corrupt, std::move(m)}; }
    static Status undecidable(std::string m) { return {StatusCode::Undecidable, std::move(m)}; }

    bool isOk() const { return _code == StatusCode::Ok; }
    explicit operator bool() const { return isOk(); }
    StatusCode code() const { return _code; }
    const std::string& message() const { return _message; }
    /// "Transient: connection refused" — for logs and CLI output.
    std::string toString() const {
        return isOk() ? std::string("OK") : std::string(statusCodeName(_code)) + ": " + _message;
    }

private:
    Status(StatusCode code, std::string message) : _code(code), _message(std::move(message)) {}
    StatusCode _code = StatusCode::Ok;
    std::string _message;
};

/// A value or the Status that explains why there is none.
template <class T>
class Result {
public:
    Result(T value) : _value(std::move(value)) {}  // NOLINT: implicit by design
    Result(Status status) : _status(std::move(status)) {}  // NOLINT: implicit by design

    bool isOk() const { return _value.has_value(); }
    explicit operator bool() const { return isOk(); }
    const Status& status() const { return _status; }
    T& value() { return *_value; }
    const T& value() const { return *_value; }
    T* operator->() { return &*_value; }
    const T* operator->() const { return &*_value; }
    T& operator*() { return *_value; }
    const T& operator*() const { return *_value; }

private:
    std::optional<T> _value;
    Status _status;
};

}  // namespace creditgw
