#include "creditgw/Json.h"

#include <gtest/gtest.h>

#include <Poco/JSON/Parser.h>

using creditgw::appendJsonString;
using creditgw::readJsonString;

namespace {

std::string roundTrip(const std::string& value) {
    std::string literal;
    appendJsonString(literal, value);
    std::size_t pos = 0;
    std::string back;
    EXPECT_TRUE(readJsonString(literal, pos, back)) << literal;
    EXPECT_EQ(pos, literal.size());
    return back;
}

TEST(JsonTest, WhatTheStoreWritesReadsBackByteForByte) {
    for (std::string value : {std::string(""), std::string("示范市顺达物流有限公司"), std::string("a\"b\\c"),
                              std::string("line\nbreak\ttab\rcr"), std::string("\x01\x1f control"),
                              std::string("《公路法》第七十六条 罚款2000元")})
        EXPECT_EQ(roundTrip(value), value);
}

TEST(JsonTest, EscapesWrittenByOtherToolsAreUnderstoodAsPocoUnderstandsThem) {
    std::string literal = R"("\u793a\u8303 \/ \b\f \ud83d\ude00 A")";
    std::size_t pos = 0;
    std::string ours;
    ASSERT_TRUE(readJsonString(literal, pos, ours));
    std::string poco = Poco::JSON::Parser().parse("[" + literal + "]").extract<Poco::JSON::Array::Ptr>()->getElement<std::string>(0);
    EXPECT_EQ(ours, poco);
    EXPECT_EQ(ours.substr(0, 6), "示范");
}

TEST(JsonTest, BrokenLiteralsAreRefusedNotGuessed) {
    for (const char* bad : {R"("unterminated)", R"(no quote")", R"("bad \x escape")", R"("\u12")",
                            R"("\ud83d alone")", R"("\ude00 low first")", R"("ends with \)"}) {
        std::size_t pos = 0;
        std::string out;
        EXPECT_FALSE(readJsonString(bad, pos, out)) << bad;
    }
}

}  // namespace
