#include "creditgw/CodeChecks.h"

#include <cctype>

#include "creditgw/CivilDate.h"

namespace creditgw {

namespace {

constexpr std::string_view kUsccCharset = "0123456789ABCDEFGHJKLMNPQRTUWXY";
constexpr int kUsccWeights[17] = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};
constexpr int kOrgWeights[8] = {3, 7, 9, 10, 5, 8, 4, 2};
constexpr int kIdWeights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
constexpr std::string_view kIdCheckChars = "10X98765432";

CodeCheck invalid(std::string reason) { return CodeCheck{false, std::move(reason)}; }

std::string upper(std::string_view code) {
    std::string out(code);
    for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return out;
}

bool allDigits(std::string_view s) {
    for (char c : s)
        if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    return true;
}

char idCheckChar(std::string_view first17) {
    int sum = 0;
    for (int i = 0; i < 17; ++i) sum += (first17[i] - '0') * kIdWeights[i];
    return kIdCheckChars[sum % 11];
}

}  // namespace

CodeCheck checkUscc(std::string_view input) {
    std::string code = upper(input);
    if (code.size() != 18)
        return invalid("统一社会信用代码 must have 18 characters, got " + std::to_string(code.size()));
    int sum = 0;
    for (int i = 0; i < 17; ++i) {
        std::size_t value = kUsccCharset.find(code[i]);
        if (value == std::string_view::npos)
            return invalid(std::string("character '") + code[i] + "' at position " +
                           std::to_string(i + 1) + " is not allowed (I, O, S, V, Z never appear)");
        sum += static_cast<int>(value) * kUsccWeights[i];
    }
    if (!allDigits(std::string_view(code).substr(2, 6)))
        return invalid("positions 3-8 must be a division code of 6 digits");
    char expected = kUsccCharset[(31 - sum % 31) % 31];
    if (code[17] != expected)
        return invalid(std::string("check character is '") + code[17] + "', expected '" +
                       expected + "'");
    return CodeCheck{true, {}};
}

CodeCheck checkOrgCode(std::string_view input) {
    std::string code = upper(input);
    if (code.size() == 10 && code[8] == '-') code.erase(8, 1);  // "D2143569-X"
    if (code.size() != 9)
        return invalid("组织机构代码 must have 9 characters, got " + std::to_string(code.size()));
    int sum = 0;
    for (int i = 0; i < 8; ++i) {
        char c = code[i];
        int value;
        if (std::isdigit(static_cast<unsigned char>(c))) value = c - '0';
        else if (c >= 'A' && c <= 'Z') value = c - 'A' + 10;
        else return invalid(std::string("character '") + c + "' is not a digit or letter");
        sum += value * kOrgWeights[i];
    }
    int check = 11 - sum % 11;
    char expected = check == 10 ? 'X' : check == 11 ? '0' : static_cast<char>('0' + check);
    if (code[8] != expected)
        return invalid(std::string("check character is '") + code[8] + "', expected '" +
                       expected + "'");
    return CodeCheck{true, {}};
}

CodeCheck checkIdCard(std::string_view input) {
    std::string code = upper(input);
    if (code.size() == 15 && allDigits(code))
        return invalid("15-digit legacy 身份证号: convert it to 18 digits");
    if (code.size() != 18)
        return invalid("身份证号 must have 18 characters, got " + std::to_string(code.size()));
    if (!allDigits(std::string_view(code).substr(0, 17)))
        return invalid("the first 17 characters must be digits");
    auto birth = CivilDate::parseWithPattern(std::string_view(code).substr(6, 8), "yyyyMMdd");
    if (!birth || birth->year < 1900)
        return invalid("birth date " + code.substr(6, 8) + " does not exist");
    if (*birth > CivilDate::todayInShanghai())
        return invalid("birth date " + code.substr(6, 8) + " is in the future");
    char expected = idCheckChar(code);
    if (code[17] != expected)
        return invalid(std::string("check character is '") + code[17] + "', expected '" +
                       expected + "'");
    return CodeCheck{true, {}};
}

std::string convertLegacyIdCard(std::string_view code) {
    if (code.size() != 15 || !allDigits(code)) return {};
    std::string first17 = std::string(code.substr(0, 6)) + "19" + std::string(code.substr(6));
    return first17 + idCheckChar(first17);
}

std::string maskIdNumber(std::string_view code) {
    if (code.size() <= 10) return std::string(code.size(), '*');
    return std::string(code.substr(0, 6)) + std::string(code.size() - 10, '*') +
           std::string(code.substr(code.size() - 4));
}

std::string maskIdNumbersIn(std::string_view text) {
    auto alnum = [](char c) {
        return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
    };
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        bool starts = text[i] >= '0' && text[i] <= '9' && (i == 0 || !alnum(text[i - 1]));
        if (!starts) {
            out += text[i++];
            continue;
        }
        std::size_t j = i;
        while (j < text.size() && text[j] >= '0' && text[j] <= '9') ++j;
        if (j - i == 17 && j < text.size() && (text[j] == 'X' || text[j] == 'x')) ++j;
        std::size_t length = j - i;
        bool idShaped = (length == 15 || length == 18) && (j == text.size() || !alnum(text[j]));
        out += idShaped ? maskIdNumber(text.substr(i, length)) : std::string(text.substr(i, length));
        i = j;
    }
    return out;
}

}  // namespace creditgw
