// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include "base/status.h"

#include <gtest/gtest.h>

#include "base/file.h"
#include "base/strings.h"

namespace assay::base {
namespace {

Result<int> Half(int x) {
  if (x % 2) return Status::InvalidArgument("odd");
  return x / 2;
}

Result<int> Quarter(int x) {
  ASSAY_ASSIGN_OR_RETURN(int h, Half(x));
  return Half(h);
}

TEST(StatusTest, OkAndErrors) {
  EXPECT_TRUE(Status::Ok().ok());
  Status s = Status::Corruption("bad record").WithContext("Debian/all.zip");
  EXPECT_EQ(s.code(), Code::kCorruption);
  EXPECT_EQ(s.ToString(), "corruption: Debian/all.zip: bad record");
}

TEST(StatusTest, ResultPropagates) {
  EXPECT_EQ(*Quarter(8), 2);
  EXPECT_FALSE(Quarter(6).ok());
  EXPECT_EQ(Quarter(6).status().message(), "odd");
  EXPECT_EQ(Quarter(6).value_or(-1), -1);
}

TEST(StringsTest, QuoteForMessage) {
  EXPECT_EQ(QuoteForMessage("abc", 10), "\"abc\"");
  EXPECT_EQ(QuoteForMessage("abcdef", 3), "\"abc...\"");
  EXPECT_EQ(QuoteForMessage(std::string("a\n\"\xff", 4), 10), "\"a\\x0a\\x22\\xff\"");
}

TEST(StringsTest, Helpers) {
  EXPECT_EQ(CompareNumeric("007", "7"), 0);
  EXPECT_EQ(CompareNumeric("18446744073709551616", "9"), 1);
  EXPECT_EQ(Trim("  a b \n"), "a b");
  EXPECT_EQ(Split("a::b", ':').size(), 3u);
  EXPECT_TRUE(EqualsIgnoreCase("Debian", "dEBIAN"));
}

TEST(FileTest, AtomicWriteAndRead) {
  auto dir = TempDir::Create("assay-test");
  ASSERT_TRUE(dir.ok());
  auto p = dir->path() / "x.txt";
  ASSERT_TRUE(WriteFileAtomic(p, "hello").ok());
  ASSERT_TRUE(WriteFileAtomic(p, "world").ok());
  EXPECT_EQ(*ReadFile(p), "world");
  EXPECT_EQ(ReadFile(dir->path() / "missing").status().code(), Code::kNotFound);
}

}  // namespace
}  // namespace assay::base
