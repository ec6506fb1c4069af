// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include "base/sha256.h"

#include <gtest/gtest.h>

#include <string>

#include "base/file.h"

namespace assay::base {
namespace {

// FIPS 180-2 / NIST CSRC example vectors.
TEST(Sha256Test, NistVectors) {
  struct Case {
    std::string input;
    const char* hex;
  };
  const Case cases[] = {
      {"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
      {"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
      {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
      {"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqr"
       "lmnopqrsmnopqrstnopqrstu",
       "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"},
      {std::string(1000000, 'a'),
       "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"},
  };
  for (const auto& tc : cases) {
    SCOPED_TRACE(tc.input.substr(0, 20));
    auto h = Sha256Hex(tc.input);
    ASSERT_TRUE(h.ok());
    EXPECT_EQ(*h, tc.hex);
    // Incremental updates in odd-sized pieces give the same digest.
    Sha256 inc;
    for (size_t i = 0; i < tc.input.size(); i += 7)
      inc.Update(std::string_view(tc.input).substr(i, 7));
    EXPECT_EQ(*inc.HexDigest(), tc.hex);
  }
}

TEST(Sha256Test, FilesAndMisuse) {
  auto dir = TempDir::Create("sha-test");
  ASSERT_TRUE(dir.ok());
  ASSERT_TRUE(WriteFileAtomic(dir->path() / "f", "abc").ok());
  EXPECT_EQ(*Sha256FileHex(dir->path() / "f"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256FileHex(dir->path() / "missing").status().code(), Code::kNotFound);
  Sha256 h;
  ASSERT_TRUE(h.HexDigest().ok());
  EXPECT_EQ(h.HexDigest().status().code(), Code::kInternal);
}

}  // namespace
}  // namespace assay::base
