// Specification of Pattern: mapping `pattern` checks on PCRE2 with limits. A 40,000-character
// value crashed std::regex_match with a stack overflow; here it is an ordinary match, and a
// pattern that would backtrack without end is refused when the mapping is loaded.

#include <gtest/gtest.h>

#include <string>

#include "creditgw/Pattern.h"

using namespace creditgw;

TEST(PatternTest, GivenAPattern_ThenTheWholeValueMustMatch) {
    auto pattern = Pattern::compile("37[0-9]{4}");
    ASSERT_TRUE(pattern.isOk()) << pattern.status().toString();
    EXPECT_EQ((*pattern)->match("370100"), PatternMatch::Match);
    EXPECT_EQ((*pattern)->match("3701001"), PatternMatch::NoMatch) << "anchored at the end";
    EXPECT_EQ((*pattern)->match("x370100"), PatternMatch::NoMatch) << "anchored at the start";
    auto either = Pattern::compile("1[3-9][0-9]{9}|0[0-9]{2,3}-?[0-9]{7,8}");
    ASSERT_TRUE(either.isOk());
    EXPECT_EQ((*either)->match("0531-88888888"), PatternMatch::Match) << "alternatives stay inside the anchors";
    EXPECT_EQ((*either)->match("13800138000x"), PatternMatch::NoMatch);
}

TEST(PatternTest, GivenChineseText_ThenCharactersAreMatchedNotBytes) {
    auto pattern = Pattern::compile("示交罚〔[0-9]{4}〕第.{1,6}号");
    ASSERT_TRUE(pattern.isOk()) << pattern.status().toString();
    EXPECT_EQ((*pattern)->match("示交罚〔2026〕第0718号"), PatternMatch::Match);
    EXPECT_EQ((*pattern)->match("示交罚〔2026〕第一二三四五六七号"), PatternMatch::NoMatch);
}

TEST(PatternTest, GivenA40000CharacterValue_ThenAStarPatternMatchesWithoutOverflow) {
    auto pattern = Pattern::compile("[^;]*(;[^;]*)*");
    ASSERT_TRUE(pattern.isOk()) << pattern.status().toString();
    std::string value(40000, 'x');
    for (std::size_t i = 100; i < value.size(); i += 100) value[i] = ';';
    EXPECT_EQ((*pattern)->match(value), PatternMatch::Match);
    auto any = Pattern::compile("(.|\\n)*");
    ASSERT_TRUE(any.isOk()) << any.status().toString();
    EXPECT_EQ((*any)->match(std::string(40000, 'y')), PatternMatch::Match);
}

TEST(PatternTest, GivenNestedQuantifiers_ThenThePatternIsRefusedAsUnsafe) {
    for (const char* text : {"(a+)+", "(a|a)*", "([0-9]+)*x"}) {
        auto pattern = Pattern::compile(text);
        ASSERT_FALSE(pattern.isOk()) << text << " was accepted";
        EXPECT_NE(pattern.status().message().find("cannot be run safely"), std::string::npos)
            << pattern.status().message();
    }
}

TEST(PatternTest, GivenABrokenPattern_ThenTheErrorSaysWhereAndWhy) {
    auto pattern = Pattern::compile("[0-9");
    ASSERT_FALSE(pattern.isOk());
    EXPECT_NE(pattern.status().message().find("is not a valid regular expression: missing terminating ]"),
              std::string::npos)
        << pattern.status().message();
}
