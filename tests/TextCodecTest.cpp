// Specification of TextCodec: strict conversion between the encodings local systems export
// (UTF-8, GBK/GB18030) and UTF-8. Known byte values come from glibc's iconv tool.

#include <gtest/gtest.h>

#include <string>

#include "creditgw/TextCodec.h"

using namespace creditgw;

namespace {

TextDecoder decoder(const char* encoding) {
    Result<TextDecoder> made = TextDecoder::create(encoding);
    EXPECT_TRUE(made.isOk()) << made.status().toString();
    return std::move(*made);
}

TextEncoder encoder(const char* encoding) {
    Result<TextEncoder> made = TextEncoder::create(encoding);
    EXPECT_TRUE(made.isOk()) << made.status().toString();
    return std::move(*made);
}

const std::string kChinese = "交通运输部 行政处罚决定书 鲁交罚〔2024〕第17号 罚款2000元";

}  // namespace

TEST(TextCodecTest, GivenTheUsualSpellingsOfUtf8_WhenCanonicalised_ThenUtf8) {
    for (const char* name : {"utf-8", "UTF-8", "utf8", "Utf8", " utf-8 "})
        EXPECT_EQ(*canonicalEncodingName(name), "UTF-8") << name;
}

TEST(TextCodecTest, GivenGbkFamilyNames_WhenCanonicalised_ThenGb18030TheSuperset) {
    for (const char* name : {"gb18030", "GB18030", "gbk", "GBK", "gb2312", "cp936", "CP936"})
        EXPECT_EQ(*canonicalEncodingName(name), "GB18030") << name;
}

TEST(TextCodecTest, GivenAnUnknownName_WhenCanonicalised_ThenInvalidArgumentListingKnownNames) {
    Result<std::string> name = canonicalEncodingName("latin1");
    ASSERT_FALSE(name.isOk());
    EXPECT_EQ(name.status().code(), StatusCode::InvalidArgument);
    EXPECT_NE(name.status().message().find("\"latin1\""), std::string::npos);
    EXPECT_NE(name.status().message().find("utf-8"), std::string::npos);
    EXPECT_NE(name.status().message().find("gb18030"), std::string::npos);

    EXPECT_EQ(TextDecoder::create("big5").status().code(), StatusCode::InvalidArgument);
    EXPECT_EQ(TextEncoder::create("").status().code(), StatusCode::InvalidArgument);
}

TEST(TextCodecTest, GivenGbkBytes_WhenDecodedAsGbk_ThenChineseInUtf8) {
    TextDecoder gbk = decoder("gbk");
    EXPECT_EQ(gbk.encoding(), "GB18030");
    EXPECT_EQ(*gbk.toUtf8("\xD6\xD0\xCE\xC4"), "中文");
    EXPECT_EQ(*gbk.toUtf8("A\xD6\xD0" "1"), "A中1");
}

TEST(TextCodecTest, GivenAFourByteGb18030Sequence_WhenDecoded_ThenTheSupplementaryCharacter) {
    EXPECT_EQ(*decoder("gb18030").toUtf8("\x95\x34\xB2\x35"), "𠮷");
}

TEST(TextCodecTest, GivenChineseText_WhenEncodedAndDecodedInEachEncoding_ThenUnchanged) {
    for (const char* name : {"gb18030", "gbk", "utf-8"}) {
        Result<std::string> bytes = encoder(name).fromUtf8(kChinese);
        ASSERT_TRUE(bytes.isOk()) << name << ": " << bytes.status().toString();
        EXPECT_EQ(*decoder(name).toUtf8(*bytes), kChinese) << name;
    }
}

TEST(TextCodecTest, GivenTextLongerThanTheFirstOutputGuess_WhenRoundTripped_ThenUnchanged) {
    std::string text;
    for (int i = 0; i < 20000; ++i) text += "𠮷中a";
    Result<std::string> bytes = encoder("gb18030").fromUtf8(text);
    ASSERT_TRUE(bytes.isOk());
    EXPECT_EQ(*decoder("gb18030").toUtf8(*bytes), text);
}

TEST(TextCodecTest, GivenEncodingToGbk_ThenTheKnownGbkBytes) {
    EXPECT_EQ(*encoder("gbk").fromUtf8("中文"), "\xD6\xD0\xCE\xC4");
    EXPECT_EQ(encoder("cp936").encoding(), "GBK");
    EXPECT_EQ(*encoder("gb18030").fromUtf8("😀"), "\x94\x39\xFC\x36");
}

TEST(TextCodecTest, GivenAnInvalidGb18030Byte_WhenDecoded_ThenInvalidArgumentNamingBytesAndPosition) {
    TextDecoder gb = decoder("gb18030");
    Result<std::string> text = gb.toUtf8("\xD6\xD0xy\xFF\x41z");
    ASSERT_FALSE(text.isOk());
    EXPECT_EQ(text.status().code(), StatusCode::InvalidArgument);
    EXPECT_EQ(text.status().message(), "invalid GB18030 byte sequence 0xFF 0x41 at byte 5");
}

TEST(TextCodecTest, GivenTextEndingInTheMiddleOfAGb18030Character_WhenDecoded_ThenInvalidArgument) {
    Result<std::string> text = decoder("gbk").toUtf8("ab\xD6");
    ASSERT_FALSE(text.isOk());
    EXPECT_NE(text.status().message().find("invalid GB18030 byte sequence 0xD6 at byte 3"),
              std::string::npos)
        << text.status().message();
    EXPECT_NE(text.status().message().find("middle of a character"), std::string::npos);
}

TEST(TextCodecTest, GivenABadFourByteSequence_WhenDecoded_ThenAllFourBytesAreShown) {
    Result<std::string> text = decoder("gb18030").toUtf8("\x81\x30\xFF\x30");
    ASSERT_FALSE(text.isOk());
    EXPECT_EQ(text.status().message(),
              "invalid GB18030 byte sequence 0x81 0x30 0xFF 0x30 at byte 1");
}

TEST(TextCodecTest, GivenADecoderThatFailed_WhenUsedAgain_ThenItDecodesCleanly) {
    TextDecoder gb = decoder("gb18030");
    EXPECT_FALSE(gb.toUtf8("\xD6").isOk());
    EXPECT_EQ(*gb.toUtf8("\xCE\xC4"), "文");
}

TEST(TextCodecTest, GivenIllFormedUtf8_WhenDecodedAsUtf8_ThenInvalidArgumentWithPosition) {
    TextDecoder utf8 = decoder("utf8");
    EXPECT_EQ(utf8.encoding(), "UTF-8");
    EXPECT_EQ(*utf8.toUtf8("中文"), "中文");

    Result<std::string> bad = utf8.toUtf8("ab\xC3\x28");
    ASSERT_FALSE(bad.isOk());
    EXPECT_EQ(bad.status().message(), "invalid UTF-8 byte sequence 0xC3 0x28 at byte 3");

    EXPECT_FALSE(utf8.toUtf8("\xC0\xAF").isOk());          // overlong '/'
    EXPECT_FALSE(utf8.toUtf8("\xED\xA0\x80").isOk());      // surrogate
    EXPECT_FALSE(utf8.toUtf8("\xF4\x90\x80\x80").isOk());  // past U+10FFFF
    Result<std::string> truncated = utf8.toUtf8(std::string("中文").substr(0, 5));
    ASSERT_FALSE(truncated.isOk());
    EXPECT_NE(truncated.status().message().find("0xE6 0x96 at byte 4"), std::string::npos)
        << truncated.status().message();
}

TEST(TextCodecTest, GivenGbkBytes_WhenDecodedAsUtf8_ThenRejectedNotMojibake) {
    Result<std::string> text = decoder("utf-8").toUtf8("\xD6\xD0\xCE\xC4");
    ASSERT_FALSE(text.isOk());
    EXPECT_EQ(text.status().code(), StatusCode::InvalidArgument);
}

TEST(TextCodecTest, GivenACharacterGbkLacks_WhenEncodedToGbk_ThenInvalidArgumentNamingIt) {
    Result<std::string> bytes = encoder("gbk").fromUtf8("ab😀c");
    ASSERT_FALSE(bytes.isOk());
    EXPECT_EQ(bytes.status().code(), StatusCode::InvalidArgument);
    const std::string& message = bytes.status().message();
    EXPECT_NE(message.find("\"😀\" (U+1F600) at character 3 cannot be represented in GBK"),
              std::string::npos)
        << message;
}

TEST(TextCodecTest, GivenAGbkOnlyCharacter_WhenEncodedToGb2312_ThenRejected) {
    EXPECT_EQ(*encoder("gbk").fromUtf8("喆"), "\x86\xB4");
    Result<std::string> bytes = encoder("gb2312").fromUtf8("张喆");
    ASSERT_FALSE(bytes.isOk());
    EXPECT_NE(bytes.status().message().find("U+5586"), std::string::npos);
}

TEST(TextCodecTest, GivenIllFormedUtf8_WhenEncoded_ThenInvalidArgumentNotAnEncodingError) {
    for (const char* name : {"gbk", "utf-8"}) {
        Result<std::string> bytes = encoder(name).fromUtf8("a\xFFz");
        ASSERT_FALSE(bytes.isOk()) << name;
        EXPECT_EQ(bytes.status().message(), "invalid UTF-8 byte sequence 0xFF at byte 2");
    }
}

TEST(TextCodecTest, GivenAMovedDecoder_WhenUsed_ThenItStillConverts) {
    TextDecoder first = decoder("gbk");
    TextDecoder second = std::move(first);
    EXPECT_EQ(*second.toUtf8("\xD6\xD0"), "中");
    TextDecoder third = decoder("utf-8");
    third = std::move(second);
    EXPECT_EQ(*third.toUtf8("\xCE\xC4"), "文");
}
