#pragma once
// Text decoding and encoding between the encodings local systems export (UTF-8, GBK/GB18030)
// and the UTF-8 used everywhere inside the gateway. Strict by design: a byte sequence that is
// not valid in the declared encoding is an error that names the bytes and their position,
// never a replacement character and never silently mis-decoded text.

#include <iconv.h>

#include <string>
#include <string_view>

#include "creditgw/Status.h"

namespace creditgw {

/// "utf-8"/"utf8" (any case) -> "UTF-8"; "gb18030"/"gbk"/"gb2312"/"cp936" -> "GB18030", a
/// superset of the other two, so GBK and GB2312 files decode exactly. Anything else is
/// InvalidArgument listing the known names.
Result<std::string> canonicalEncodingName(std::string_view name);

/// Owns one iconv descriptor (or none, for UTF-8 which needs no conversion) and closes it.
/// Move-only, so the codecs below need no hand-written move or destructor.
class IconvHandle {
public:
    IconvHandle() = default;
    explicit IconvHandle(iconv_t descriptor) : _descriptor(descriptor) {}
    IconvHandle(IconvHandle&& other) noexcept : _descriptor(other.release()) {}
    IconvHandle& operator=(IconvHandle&& other) noexcept {
        if (this != &other) {
            close();
            _descriptor = other.release();
        }
        return *this;
    }
    IconvHandle(const IconvHandle&) = delete;
    IconvHandle& operator=(const IconvHandle&) = delete;
    ~IconvHandle() { close(); }

    bool isOpen() const { return _descriptor != none(); }
    iconv_t get() const { return _descriptor; }

private:
    static iconv_t none() { return reinterpret_cast<iconv_t>(-1); }
    iconv_t release() {
        iconv_t descriptor = _descriptor;
        _descriptor = none();
        return descriptor;
    }
    void close() {
        if (isOpen()) ::iconv_close(release());
    }
    iconv_t _descriptor = none();
};

/// Converts text in one source encoding to UTF-8.
/// Move-only: owns an iconv descriptor. Not thread-safe: use one decoder per thread.
class TextDecoder {
public:
    /// Accepts the names canonicalEncodingName() knows; InvalidArgument otherwise, or when the
    /// C library has no converter for it (a broken installation).
    static Result<TextDecoder> create(std::string_view encoding);

    TextDecoder(TextDecoder&&) noexcept = default;
    TextDecoder& operator=(TextDecoder&&) noexcept = default;

    /// Bytes in the source encoding -> UTF-8. An invalid or truncated byte sequence is
    /// InvalidArgument, e.g. "invalid GB18030 byte sequence 0xFF 0x41 at byte 17" (bytes are
    /// counted from 1 within `bytes`; up to four bytes from the bad one are shown). For UTF-8
    /// input it validates and copies. Pure ASCII is copied without calling iconv.
    Result<std::string> toUtf8(std::string_view bytes) const;

    /// The canonical name: "UTF-8" or "GB18030".
    const std::string& encoding() const { return _encoding; }

private:
    TextDecoder(std::string encoding, IconvHandle handle)
        : _encoding(std::move(encoding)), _handle(std::move(handle)) {}

    std::string _encoding;
    IconvHandle _handle;  ///< not open for UTF-8, which needs no conversion
};

/// Converts UTF-8 to the encoding a target wants its files in.
/// Unlike decoding, "gbk", "cp936" and "gb2312" here mean exactly those (narrower) character
/// sets, so a character a GBK-only platform cannot store is reported instead of being written
/// as a GB18030 four-byte sequence the platform would misread.
/// Move-only: owns an iconv descriptor. Not thread-safe.
class TextEncoder {
public:
    /// "utf-8"/"utf8" -> UTF-8, "gb18030" -> GB18030, "gbk"/"cp936" -> GBK, "gb2312" -> GB2312;
    /// anything else is InvalidArgument listing the known names.
    static Result<TextEncoder> create(std::string_view encoding);

    TextEncoder(TextEncoder&&) noexcept = default;
    TextEncoder& operator=(TextEncoder&&) noexcept = default;

    /// UTF-8 -> the target encoding. InvalidArgument when the input is not valid UTF-8, or
    /// naming the first character that the encoding cannot represent, e.g.
    /// "character "😀" (U+1F600) at character 3 cannot be represented in GBK; ...".
    Result<std::string> fromUtf8(std::string_view utf8) const;

    /// "UTF-8", "GB18030", "GBK" or "GB2312".
    const std::string& encoding() const { return _encoding; }

private:
    TextEncoder(std::string encoding, IconvHandle handle)
        : _encoding(std::move(encoding)), _handle(std::move(handle)) {}

    std::string _encoding;
    IconvHandle _handle;  ///< not open for UTF-8
};

}  // namespace creditgw
