#include "creditgw/Json.h"

#include <cstdio>

#include "creditgw/Utf8.h"

namespace creditgw {

void appendJsonString(std::string& out, std::string_view value) {
    out += '"';
    for (char c : value) {
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            default:
                if (static_cast<unsigned char>(c) < 0x20) {
                    char escaped[8];
                    std::snprintf(escaped, sizeof escaped, "\\u%04x", static_cast<unsigned char>(c));
                    out += escaped;
                } else {
                    out += c;
                }
        }
    }
    out += '"';
}

std::string jsonString(std::string_view value) {
    std::string out;
    appendJsonString(out, value);
    return out;
}

namespace {

int hexValue(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

bool readHex4(std::string_view text, std::size_t pos, unsigned& value) {
    if (pos + 4 > text.size()) return false;
    value = 0;
    for (std::size_t i = 0; i < 4; ++i) {
        int digit = hexValue(text[pos + i]);
        if (digit < 0) return false;
        value = value * 16 + static_cast<unsigned>(digit);
    }
    return true;
}


// Reads "\uXXXX" (and its low surrogate when it is a high one) at text[pos] == 'u'.
bool readUnicodeEscape(std::string_view text, std::size_t& pos, std::string& out) {
    unsigned code = 0;
    if (!readHex4(text, pos + 1, code)) return false;
    pos += 5;
    if (code >= 0xD800 && code <= 0xDBFF) {
        unsigned low = 0;
        if (pos + 1 >= text.size() || text[pos] != '\\' || text[pos + 1] != 'u' || !readHex4(text, pos + 2, low) ||
            low < 0xDC00 || low > 0xDFFF)
            return false;
        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
        pos += 6;
    } else if (code >= 0xDC00 && code <= 0xDFFF) {
        return false;
    }
    appendUtf8(out, code);
    return true;
}

}  // namespace

bool readJsonString(std::string_view text, std::size_t& pos, std::string& out) {
    out.clear();
    if (pos >= text.size() || text[pos] != '"') return false;
    ++pos;
    while (pos < text.size()) {
        std::size_t run = pos;
        while (run < text.size() && text[run] != '"' && text[run] != '\\') ++run;
        out.append(text.substr(pos, run - pos));
        pos = run;
        if (pos >= text.size()) return false;
        if (text[pos] == '"') {
            ++pos;
            return true;
        }
        if (pos + 1 >= text.size()) return false;
        char escaped = text[pos + 1];
        if (escaped == 'u') {
            ++pos;
            if (!readUnicodeEscape(text, pos, out)) return false;
            continue;
        }
        switch (escaped) {
            case '"': out += '"'; break;
            case '\\': out += '\\'; break;
            case '/': out += '/'; break;
            case 'b': out += '\b'; break;
            case 'f': out += '\f'; break;
            case 'n': out += '\n'; break;
            case 'r': out += '\r'; break;
            case 't': out += '\t'; break;
            default: return false;
        }
        pos += 2;
    }
    return false;
}

}  // namespace creditgw
