#include "creditgw/TextCodec.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <optional>

#include "creditgw/Utf8.h"

namespace creditgw {

namespace {

const iconv_t kNoDescriptor = reinterpret_cast<iconv_t>(-1);
constexpr std::string_view kKnownDecodings =
    "known: utf-8 (utf8), gb18030 (also read for gbk, gb2312, cp936)";
constexpr std::string_view kKnownEncodings = "known: utf-8 (utf8), gb18030, gbk (cp936), gb2312";

std::string asciiLower(std::string_view text) {
    std::string lower(text);
    for (char& c : lower)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return lower;
}

std::string_view trimmed(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
    return text;
}

bool isAscii(std::string_view text) {
    for (unsigned char c : text)
        if (c >= 0x80) return false;
    return true;
}

/// "0xFF 0x41" for `count` bytes of `text` from `offset` (fewer at the end of the text).
std::string hexBytes(std::string_view text, std::size_t offset, std::size_t count) {
    std::string out;
    for (std::size_t i = offset; i < text.size() && i < offset + count; ++i) {
        char hex[8];
        std::snprintf(hex, sizeof hex, "0x%02X", static_cast<unsigned char>(text[i]));
        if (!out.empty()) out += ' ';
        out += hex;
    }
    return out;
}

/// Length of the UTF-8 sequence a lead byte announces; 1 for a byte that cannot lead one.
std::size_t utf8SequenceLength(unsigned char lead) {
    if (lead >= 0xC2 && lead <= 0xDF) return 2;
    if (lead >= 0xE0 && lead <= 0xEF) return 3;
    if (lead >= 0xF0 && lead <= 0xF4) return 4;
    return 1;
}

/// Offset of the first byte that starts an ill-formed sequence, or nullopt when the text is
/// well-formed. Same rules as isValidUtf8 (no overlongs, surrogates or code points past
/// U+10FFFF), which only says yes or no.
std::optional<std::size_t> firstInvalidUtf8(std::string_view text) {
    const auto* s = reinterpret_cast<const unsigned char*>(text.data());
    std::size_t i = 0;
    while (i < text.size()) {
        if (s[i] < 0x80) {
            ++i;
            continue;
        }
        std::size_t length = utf8SequenceLength(s[i]);
        if (length == 1 || i + length > text.size()) return i;
        if (!isValidUtf8(text.substr(i, length))) return i;
        i += length;
    }
    return std::nullopt;
}

/// Decodes the well-formed UTF-8 character at `offset`.
unsigned codePointAt(std::string_view text, std::size_t offset) {
    const auto* s = reinterpret_cast<const unsigned char*>(text.data());
    std::size_t length = utf8SequenceLength(s[offset]);
    if (length == 1) return s[offset];
    unsigned cp = s[offset] & (0xFF >> (length + 1));
    for (std::size_t k = 1; k < length; ++k) cp = (cp << 6) | (s[offset + k] & 0x3F);
    return cp;
}

Status invalidUtf8(std::string_view text, std::size_t offset) {
    std::size_t length = utf8SequenceLength(static_cast<unsigned char>(text[offset]));
    std::string message = "invalid UTF-8 byte sequence " + hexBytes(text, offset, length) +
                          " at byte " + std::to_string(offset + 1);
    if (offset + length > text.size()) message += " (the text ends in the middle of a character)";
    return Status::invalidArgument(message);
}

struct IconvFailure {
    int error = 0;           ///< EILSEQ or EINVAL
    std::size_t offset = 0;  ///< input offset of the sequence iconv stopped at
};

/// Runs a whole input through iconv, growing `out` as needed. The descriptor's shift state is
/// reset first, so an earlier failed call cannot leak into this one.
std::optional<IconvFailure> convert(iconv_t descriptor, std::string_view in, std::string& out) {
    ::iconv(descriptor, nullptr, nullptr, nullptr, nullptr);
    out.assign(in.size() * 2 + 16, '\0');
    char* inPtr = const_cast<char*>(in.data());  // iconv's signature; it never writes the input
    std::size_t inLeft = in.size();
    std::size_t used = 0;
    for (;;) {
        char* outPtr = out.data() + used;
        std::size_t outLeft = out.size() - used;
        std::size_t rc = ::iconv(descriptor, &inPtr, &inLeft, &outPtr, &outLeft);
        used = static_cast<std::size_t>(outPtr - out.data());
        if (rc != static_cast<std::size_t>(-1)) break;
        if (errno == E2BIG) {
            out.resize(out.size() * 2);
            continue;
        }
        int error = errno;
        out.clear();
        return IconvFailure{error, in.size() - inLeft};
    }
    out.resize(used);
    return std::nullopt;
}

/// Shows the whole suspect GB18030 sequence: four bytes when the second byte announces a
/// four-byte sequence, else two.
std::size_t gb18030ShownLength(std::string_view bytes, std::size_t offset) {
    auto at = [&](std::size_t i) { return static_cast<unsigned char>(bytes[i]); };
    if (offset + 1 < bytes.size() && at(offset) >= 0x81 && at(offset) <= 0xFE &&
        at(offset + 1) >= 0x30 && at(offset + 1) <= 0x39)
        return 4;
    return 2;
}

}  // namespace

Result<std::string> canonicalEncodingName(std::string_view name) {
    std::string lower = asciiLower(trimmed(name));
    if (lower == "utf-8" || lower == "utf8") return std::string("UTF-8");
    if (lower == "gb18030" || lower == "gbk" || lower == "gb2312" || lower == "cp936")
        return std::string("GB18030");
    return Status::invalidArgument("unknown encoding \"" + std::string(name) + "\"; " +
                                   std::string(kKnownDecodings));
}

// ---- TextDecoder ----------------------------------------------------------------------------

Result<TextDecoder> TextDecoder::create(std::string_view encoding) {
    Result<std::string> canonical = canonicalEncodingName(encoding);
    if (!canonical) return canonical.status();
    if (*canonical == "UTF-8") return TextDecoder(*canonical, IconvHandle());
    iconv_t descriptor = ::iconv_open("UTF-8", canonical->c_str());
    if (descriptor == kNoDescriptor)
        return Status::invalidArgument("the C library cannot convert " + *canonical +
                                       " to UTF-8 (" + std::strerror(errno) +
                                       "); install the glibc gconv modules");
    return TextDecoder(*canonical, IconvHandle(descriptor));
}

Result<std::string> TextDecoder::toUtf8(std::string_view bytes) const {
    if (isAscii(bytes)) return std::string(bytes);
    if (!_handle.isOpen()) {
        if (isValidUtf8(bytes)) return std::string(bytes);
        return invalidUtf8(bytes, firstInvalidUtf8(bytes).value_or(0));
    }
    std::string out;
    std::optional<IconvFailure> failure = convert(_handle.get(), bytes, out);
    if (!failure) return out;
    std::string message = "invalid " + _encoding + " byte sequence " +
                          hexBytes(bytes, failure->offset,
                                   gb18030ShownLength(bytes, failure->offset)) +
                          " at byte " + std::to_string(failure->offset + 1);
    if (failure->error == EINVAL) message += " (the text ends in the middle of a character)";
    return Status::invalidArgument(message);
}

// ---- TextEncoder ----------------------------------------------------------------------------

Result<TextEncoder> TextEncoder::create(std::string_view encoding) {
    std::string lower = asciiLower(trimmed(encoding));
    std::string charset;
    if (lower == "utf-8" || lower == "utf8") return TextEncoder("UTF-8", IconvHandle());
    if (lower == "gb18030") charset = "GB18030";
    else if (lower == "gbk" || lower == "cp936") charset = "GBK";
    else if (lower == "gb2312") charset = "GB2312";
    else
        return Status::invalidArgument("unknown encoding \"" + std::string(encoding) + "\"; " +
                                       std::string(kKnownEncodings));
    iconv_t descriptor = ::iconv_open(charset.c_str(), "UTF-8");
    if (descriptor == kNoDescriptor)
        return Status::invalidArgument("the C library cannot convert UTF-8 to " + charset + " (" +
                                       std::strerror(errno) + "); install the glibc gconv modules");
    return TextEncoder(charset, IconvHandle(descriptor));
}

Result<std::string> TextEncoder::fromUtf8(std::string_view utf8) const {
    if (std::optional<std::size_t> bad = firstInvalidUtf8(utf8)) return invalidUtf8(utf8, *bad);
    if (!_handle.isOpen() || isAscii(utf8)) return std::string(utf8);
    std::string out;
    std::optional<IconvFailure> failure = convert(_handle.get(), utf8, out);
    if (!failure) return out;
    // The input is well-formed, so iconv stopped at a character the charset lacks.
    std::size_t offset = failure->offset;
    std::size_t length = utf8SequenceLength(static_cast<unsigned char>(utf8[offset]));
    char codePoint[16];
    std::snprintf(codePoint, sizeof codePoint, "U+%04X", codePointAt(utf8, offset));
    std::string character(utf8.substr(offset, length));
    return Status::invalidArgument("character \"" + character + "\" (" + codePoint +
                                   ") at character " +
                                   std::to_string(utf8Length(utf8.substr(0, offset)) + 1) +
                                   " cannot be represented in " + _encoding +
                                   "; replace it or choose an encoding that has it (gb18030 "
                                   "or utf-8)");
}

}  // namespace creditgw
