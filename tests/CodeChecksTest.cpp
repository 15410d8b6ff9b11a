#include "creditgw/CodeChecks.h"

#include <gtest/gtest.h>

using namespace creditgw;

namespace {
// The GB 11643 check character for 17 digits, computed here independently of the code under test.
std::string withIdCheckDigit(const std::string& first17) {
    const int weights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    int sum = 0;
    for (int i = 0; i < 17; ++i) sum += (first17[i] - '0') * weights[i];
    return first17 + "10X98765432"[sum % 11];
}
}  // namespace

TEST(CodeChecksTest, UsccExamplesFromTheStandardPass) {
    EXPECT_TRUE(checkUscc("914403001922038216").valid);
    EXPECT_TRUE(checkUscc("11100000000019713D").valid);  // 交通运输部
    EXPECT_TRUE(checkUscc("91350100M000100Y43").valid);
    EXPECT_TRUE(checkUscc("91350100m000100y43").valid);  // upper-cased first
}

TEST(CodeChecksTest, UsccWithWrongCheckCharacterSaysWhatWasExpected) {
    CodeCheck check = checkUscc("914403001922038217");
    EXPECT_FALSE(check.valid);
    EXPECT_NE(check.reason.find("expected '6'"), std::string::npos) << check.reason;
    EXPECT_FALSE(checkUscc("91350100M000100Y4Z").valid);
}

TEST(CodeChecksTest, UsccRejectsForbiddenLettersLengthAndPlaceholder) {
    EXPECT_FALSE(checkUscc("9144030019220382I6").valid);
    EXPECT_FALSE(checkUscc("91440300192203821").valid);
    EXPECT_FALSE(checkUscc(kUsccPlaceholder).valid);
    EXPECT_FALSE(checkUscc("91AB0300192203821X").valid);  // division not digits
}

TEST(CodeChecksTest, OrganisationCode) {
    EXPECT_TRUE(checkOrgCode("D2143569X").valid);
    EXPECT_TRUE(checkOrgCode("000019713").valid);
    EXPECT_TRUE(checkOrgCode("D2143569-X").valid);
    EXPECT_FALSE(checkOrgCode("D21435691").valid);
}

TEST(CodeChecksTest, IdCard) {
    EXPECT_TRUE(checkIdCard("11010519491231002X").valid);
    EXPECT_TRUE(checkIdCard("11010519491231002x").valid);
    EXPECT_FALSE(checkIdCard("110105194912310021").valid);
    EXPECT_FALSE(checkIdCard("110105194902300020").valid);  // 1949-02-30 does not exist
    CodeCheck future = checkIdCard(withIdCheckDigit("11010529991231002"));  // born 2999-12-31
    EXPECT_FALSE(future.valid);
    EXPECT_NE(future.reason.find("in the future"), std::string::npos) << future.reason;
    CodeCheck legacy = checkIdCard("110105491231002");
    EXPECT_FALSE(legacy.valid);
    EXPECT_NE(legacy.reason.find("15-digit"), std::string::npos);
}

TEST(CodeChecksTest, LegacyIdCardIsConvertedWithCenturyAndCheckDigit) {
    std::string converted = convertLegacyIdCard("110105491231002");
    EXPECT_EQ(converted.substr(0, 17), "11010519491231002");
    EXPECT_TRUE(checkIdCard(converted).valid);
    EXPECT_EQ(convertLegacyIdCard("12345"), "");
}

TEST(CodeChecksTest, MaskKeepsFirstSixAndLastFour) {
    EXPECT_EQ(maskIdNumber("11010519491231002X"), "110105********002X");
    EXPECT_EQ(maskIdNumber("12345"), "*****");
}

TEST(CodeChecksTest, GivenFreeText_ThenIdNumbersInsideItAreMaskedAndCodesAreNot) {
    EXPECT_EQ(maskIdNumbersIn("傅新民371321197412169230"), "傅新民371321********9230");
    EXPECT_EQ(maskIdNumbersIn("示交罚〔2026〕37132119741216923X号"), "示交罚〔2026〕371321********923X号");
    EXPECT_EQ(maskIdNumbersIn("旧证371321741216923；新证371321197412169230"),
              "旧证371321*****6923；新证371321********9230");
    EXPECT_EQ(maskIdNumbersIn("91371623MA9WCYMF33"), "91371623MA9WCYMF33") << "a USCC is no 身份证号";
    EXPECT_EQ(maskIdNumbersIn("卡号6222021234567890123"), "卡号6222021234567890123") << "19 digits: not ID-shaped";
    EXPECT_EQ(maskIdNumbersIn("示交罚〔2026〕第0718号"), "示交罚〔2026〕第0718号");
}
