// first_invalid_utf8: well-formed UTF-8 passes, each kind of malformed sequence is found where it
// starts.
#include <gtest/gtest.h>

#include <string>

#include "descent/core/utf8.hpp"

using descent::first_invalid_utf8;
constexpr auto npos = std::string::npos;

TEST(Utf8, WellFormedTextPasses) {
  EXPECT_EQ(first_invalid_utf8(""), npos);
  EXPECT_EQ(first_invalid_utf8("plain ascii, 123"), npos);
  EXPECT_EQ(first_invalid_utf8("caf\xc3\xa9"), npos);           // U+00E9
  EXPECT_EQ(first_invalid_utf8("\xe2\x82\xac"), npos);          // U+20AC
  EXPECT_EQ(first_invalid_utf8("\xf0\x9f\x98\x80"), npos);      // U+1F600
  EXPECT_EQ(first_invalid_utf8("\xf4\x8f\xbf\xbf"), npos);      // U+10FFFF
  EXPECT_EQ(first_invalid_utf8(std::string("a\0b", 3)), npos);  // NUL is ASCII
}

TEST(Utf8, MalformedSequencesAreFoundWhereTheyStart) {
  EXPECT_EQ(first_invalid_utf8("caf\xe9"), 3u);           // Latin-1 e-acute, truncated
  EXPECT_EQ(first_invalid_utf8("caf\xe9!"), 3u);          // lead byte without continuation
  EXPECT_EQ(first_invalid_utf8("ab\x80"), 2u);            // lone continuation byte
  EXPECT_EQ(first_invalid_utf8("\xc0\xaf"), 0u);          // overlong '/'
  EXPECT_EQ(first_invalid_utf8("x\xe0\x80\xaf"), 1u);     // overlong 3-byte form
  EXPECT_EQ(first_invalid_utf8("\xed\xa0\x80"), 0u);      // surrogate U+D800
  EXPECT_EQ(first_invalid_utf8("\xf4\x90\x80\x80"), 0u);  // above U+10FFFF
  EXPECT_EQ(first_invalid_utf8("\xf5\x80\x80\x80"), 0u);  // invalid lead byte
  EXPECT_EQ(first_invalid_utf8("\xe2\x82"), 0u);          // ends inside a sequence
  EXPECT_EQ(first_invalid_utf8("ok\xe2\x82\xac\xe2\x28\xa1"), 5u);  // bad second continuation
}
