// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include "inventory/exe.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "base/file.h"
#include "base/testing/conformance.h"
#include "inventory/internal/exe_test_builders.h"

namespace assay::inventory::exe {
namespace {

using exetest::Sec;

TEST(LooksLikeExecutableTest, Magics) {
  struct Case {
    std::string bytes;
    bool want;
  };
  const Case cases[] = {
      {std::string("\177ELF\x02\x01\x01", 7), true},
      {"MZ\x90", true},
      {std::string("\xcf\xfa\xed\xfe", 4), true},                   // Mach-O 64, little endian
      {std::string("\xce\xfa\xed\xfe", 4), true},                   // Mach-O 32, little endian
      {std::string("\xfe\xed\xfa\xcf", 4), true},                   // Mach-O 64, big endian
      {std::string("\xfe\xed\xfa\xce", 4), true},                   // Mach-O 32, big endian
      {std::string("\xca\xfe\xba\xbe\x00\x00\x00\x02", 8), true},   // universal, 2 slices
      {std::string("\xca\xfe\xba\xbf\x00\x00\x00\x01", 8), true},   // universal 64
      {std::string("\xca\xfe\xba\xbe\x00\x00\x00\x34", 8), false},  // Java class, version 52
      {std::string("\xca\xfe\xba\xbe\x00\x00\x00\x00", 8), false},  // no slices
      {std::string("\xca\xfe\xba\xbe", 4), false},                  // too short to tell
      {"#!/bin/sh\n", false},
      {"\177EL", false},
      {"", false},
      {"M", false},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(LooksLikeExecutable(c.bytes), c.want) << ::testing::PrintToString(c.bytes);
  }
}

struct Layout {
  const char* name;
  Format format;
  bool is64;
  bool be;
  std::string (*build)(const std::vector<Sec>&);
};

std::vector<Sec> SampleSections() {
  return {
      {".text", "\x90\x90\xc3", 0x401000, false, true, "__TEXT"},
      {".data", "hello, world", 0x402000, true, false, "__DATA"},
      {".go.buildinfo", std::string("\xff Go buildinf:", 14), 0x403000, true, false, "__DATA"},
      {".note", "unloaded", 0, false, false, "__DATA"},
  };
}

const Layout kLayouts[] = {
    {"Elf32Le", Format::kElf, false, false,
     [](const std::vector<Sec>& s) { return exetest::Elf(s, false, false); }},
    {"Elf32Be", Format::kElf, false, true,
     [](const std::vector<Sec>& s) { return exetest::Elf(s, false, true); }},
    {"Elf64Le", Format::kElf, true, false,
     [](const std::vector<Sec>& s) { return exetest::Elf(s, true, false); }},
    {"Elf64Be", Format::kElf, true, true,
     [](const std::vector<Sec>& s) { return exetest::Elf(s, true, true); }},
    {"Pe32", Format::kPe, false, false,
     [](const std::vector<Sec>& s) { return exetest::Pe(s, false, 0x400000); }},
    {"Pe32Plus", Format::kPe, true, false,
     [](const std::vector<Sec>& s) { return exetest::Pe(s, true, 0x400000); }},
    {"MachO32Le", Format::kMachO, false, false,
     [](const std::vector<Sec>& s) { return exetest::MachO(s, false, false); }},
    {"MachO32Be", Format::kMachO, false, true,
     [](const std::vector<Sec>& s) { return exetest::MachO(s, false, true); }},
    {"MachO64Le", Format::kMachO, true, false,
     [](const std::vector<Sec>& s) { return exetest::MachO(s, true, false); }},
    {"MachO64Be", Format::kMachO, true, true,
     [](const std::vector<Sec>& s) { return exetest::MachO(s, true, true); }},
    {"Fat", Format::kMachO, true, false,
     [](const std::vector<Sec>& s) {
       return exetest::Fat({std::string("\xcf\xfa\xed\xfe", 4) + "truncated slice",
                            exetest::MachO(s, true, false)});
     }},
    {"Fat64", Format::kMachO, false, true,
     [](const std::vector<Sec>& s) {
       return exetest::Fat({exetest::MachO(s, false, true)}, true);
     }},
};

class ExeLayoutTest : public ::testing::TestWithParam<Layout> {};

TEST_P(ExeLayoutTest, SectionsAndAddresses) {
  const Layout& l = GetParam();
  const std::string bytes = l.build(SampleSections());
  ASSERT_TRUE(LooksLikeExecutable(bytes));
  auto x = Executable::Parse(bytes);
  ASSERT_TRUE(x.ok()) << x.status().ToString();
  EXPECT_EQ(x->format(), l.format);
  EXPECT_EQ(x->is_64bit(), l.is64);
  EXPECT_EQ(x->big_endian(), l.be);

  EXPECT_EQ(x->SectionData(".data"), "hello, world");
  EXPECT_EQ(x->SectionData(".text"), "\x90\x90\xc3");
  EXPECT_EQ(x->SectionData(".note"), "unloaded");
  EXPECT_EQ(x->SectionData(".go.buildinfo"), std::string("\xff Go buildinf:", 14));
  EXPECT_EQ(x->SectionData(".missing"), std::nullopt);
  const Section* data = x->FindSection(".data");
  ASSERT_NE(data, nullptr);
  EXPECT_EQ(data->addr, 0x402000u);
  EXPECT_TRUE(data->writable);
  EXPECT_FALSE(data->executable);
  const Section* text = x->FindSection(".text");
  ASSERT_NE(text, nullptr);
  EXPECT_TRUE(text->executable);
  EXPECT_FALSE(text->writable);
  if (l.format == Format::kMachO) {
    EXPECT_EQ(data->segment, "__DATA");
    EXPECT_NE(x->FindSection(".data", "__DATA"), nullptr);
    EXPECT_EQ(x->FindSection(".data", "__TEXT"), nullptr);
  }

  EXPECT_EQ(x->ReadAddress(0x402007, 5), "world");
  EXPECT_EQ(x->ReadAddress(0x402000, 12), "hello, world");
  EXPECT_EQ(x->ReadAddress(0x402000, 13), std::nullopt);  // one byte past the section
  EXPECT_EQ(x->ReadAddress(0x401fff, 2), std::nullopt);
  EXPECT_EQ(x->ReadAddress(0xffffffffffffffffull, 2), std::nullopt);
  EXPECT_EQ(x->ReadAddress(0x402001, 0xffffffffffffffffull), std::nullopt);
  auto word = x->ReadAddressUint(0x402000, 4);
  ASSERT_TRUE(word.has_value());
  EXPECT_EQ(*word, l.be ? 0x68656c6cu : 0x6c6c6568u);  // "hell"
  EXPECT_EQ(x->ReadAddressUint(0x402000, 9), std::nullopt);
}

// Every prefix and a sweep of single-byte corruptions parse or fail cleanly (ASan/UBSan check
// the "cleanly"), and whatever parses only ever hands out bytes inside the input.
TEST_P(ExeLayoutTest, TruncatedAndCorruptedNeverReadOutside) {
  const std::string bytes = GetParam().build(SampleSections());
  auto check = [](std::string_view b) {
    auto x = Executable::Parse(b);
    if (!x.ok()) return;
    for (const Section& s : x->sections()) {
      std::string_view d = x->SectionBytes(s);
      if (!d.empty()) {
        ASSERT_GE(d.data(), b.data());
        ASSERT_LE(d.data() + d.size(), b.data() + b.size());
      }
    }
    for (const Segment& seg : x->segments()) {
      auto d = x->ReadAddress(seg.addr, seg.file_size);
      if (d && !d->empty()) {
        ASSERT_GE(d->data(), b.data());
        ASSERT_LE(d->data() + d->size(), b.data() + b.size());
      }
    }
  };
  for (size_t n = 0; n <= bytes.size(); ++n) check(std::string_view(bytes).substr(0, n));
  for (size_t i = 0; i < std::min<size_t>(bytes.size(), 512); ++i) {
    for (unsigned char v : {0x00u, 0x7fu, 0xffu}) {
      std::string m = bytes;
      m[i] = static_cast<char>(v);
      check(m);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Layouts, ExeLayoutTest, ::testing::ValuesIn(kLayouts),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(ExecutableTest, RejectsNonExecutables) {
  struct Case {
    std::string bytes;
    base::Code code;
    const char* message;
  };
  const Case cases[] = {
      {"", base::Code::kNotSupported, "no ELF, PE or Mach-O header"},
      {"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", base::Code::kNotSupported,
       "no ELF, PE or Mach-O header"},
      {std::string("\177ELF\x03\x01", 6) + std::string(60, '\0'), base::Code::kCorruption,
       "unknown class"},
      {std::string("\177ELF\x02\x01", 6), base::Code::kCorruption, "truncated"},
      {"MZ", base::Code::kCorruption, "DOS header truncated"},
      {"MZ" + std::string(100, '\0'), base::Code::kNotSupported, "without a PE header"},
      {std::string("\xca\xfe\xba\xbe\x00\x00\x00\x34", 8) + std::string(64, '\0'),
       base::Code::kNotSupported, "no Mach-O universal binary"},
      {std::string("\xca\xfe\xba\xbe\x00\x00\x00\x01", 8) + std::string(64, '\0'),
       base::Code::kCorruption, "no readable slice"},
      {std::string("\xcf\xfa\xed\xfe", 4) + "x", base::Code::kCorruption,
       "Mach-O header truncated"},
  };
  for (const Case& c : cases) {
    auto x = Executable::Parse(c.bytes);
    ASSERT_FALSE(x.ok()) << ::testing::PrintToString(c.bytes);
    EXPECT_EQ(x.status().code(), c.code) << x.status().ToString();
    EXPECT_NE(x.status().message().find(c.message), std::string::npos) << x.status().ToString();
  }
}

TEST(ExecutableTest, PeLongSectionNamesAndImageBase) {
  const std::string bytes = exetest::Pe({{".go.buildinfo.long", "abc", 0x140001000, true, false},
                                         {".dep-v0", "xyz", 0x140002000, false, false}},
                                        true, 0x140000000);
  auto x = Executable::Parse(bytes);
  ASSERT_TRUE(x.ok()) << x.status().ToString();
  EXPECT_EQ(x->SectionData(".go.buildinfo.long"), "abc");
  EXPECT_EQ(x->SectionData(".dep-v0"), "xyz");
  EXPECT_EQ(x->ReadAddress(0x140002001, 2), "yz");
}

TEST(ExecutableTest, ElfWithoutProgramHeadersMapsAllocatedSections) {
  const std::string bytes = exetest::Elf({{".data", "0123456789", 0x1000, true, false}}, true,
                                         false, /*program_headers=*/false);
  auto x = Executable::Parse(bytes);
  ASSERT_TRUE(x.ok()) << x.status().ToString();
  ASSERT_EQ(x->segments().size(), 1u);
  EXPECT_EQ(x->ReadAddress(0x1003, 3), "345");
}

TEST(ExecutableTest, SectionPointingPastTheFileHasNoBytes) {
  std::string bytes = exetest::Elf({{".data", "0123456789", 0x1000, true, false}}, true, false);
  auto x = Executable::Parse(bytes);
  ASSERT_TRUE(x.ok());
  const Section* s = x->FindSection(".data");
  ASSERT_NE(s, nullptr);
  // Rewrite the section's offset (ELF64 Shdr: sh_offset at +0x18) to lie past the end.
  const uint64_t shoff = *ReadUint(bytes, 0x28, 8, false);
  exetest::SetN(&bytes, shoff + 64 + 0x18, bytes.size() + 10, 8, false);
  x = Executable::Parse(bytes);
  ASSERT_TRUE(x.ok());
  s = x->FindSection(".data");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->file_size, 0u);
  EXPECT_EQ(x->SectionBytes(*s), "");
  // A size that would wrap around.
  exetest::SetN(&bytes, shoff + 64 + 0x18, 0x100, 8, false);
  exetest::SetN(&bytes, shoff + 64 + 0x20, 0xfffffffffffffff0ull, 8, false);
  x = Executable::Parse(bytes);
  ASSERT_TRUE(x.ok());
  EXPECT_EQ(x->SectionData(".data")->size(), bytes.size() - 0x100);
}

TEST(ExecutableTest, ReadUint) {
  const std::string b("\x01\x02\x03\x04\x05\x06\x07\x08\x09", 9);
  EXPECT_EQ(ReadUint(b, 0, 2, false), 0x0201u);
  EXPECT_EQ(ReadUint(b, 0, 2, true), 0x0102u);
  EXPECT_EQ(ReadUint(b, 1, 8, true), 0x0203040506070809u);
  EXPECT_EQ(ReadUint(b, 2, 8, true), std::nullopt);
  EXPECT_EQ(ReadUint(b, 0, 0, true), std::nullopt);
  EXPECT_EQ(ReadUint(b, 0, 9, true), std::nullopt);
  EXPECT_EQ(ReadUint(b, 0xffffffffffffffffull, 1, true), std::nullopt);
}

// The peers' fixtures: real compiler output for each format.
TEST(ExecutableTest, ConformanceFixtures) {
  auto dir = testing::ConformanceDir();
  if (!dir) GTEST_SKIP() << "conformance corpus absent";
  const std::filesystem::path root = *dir / "parsers/fixtures/trivy/dependency/parser";
  struct Case {
    const char* file;
    Format format;
    const char* section;
  };
  const Case cases[] = {
      {"rust/binary/testdata/test.elf", Format::kElf, ".dep-v0"},
      {"rust/binary/testdata/test.exe", Format::kPe, ".dep-v0"},
      {"rust/binary/testdata/test.macho", Format::kMachO, ".dep-v0"},
      {"golang/binary/testdata/test.elf", Format::kElf, ".go.buildinfo"},
      {"golang/binary/testdata/test.exe", Format::kPe, ".data"},
      {"golang/binary/testdata/test.macho", Format::kMachO, "__go_buildinfo"},
  };
  for (const Case& c : cases) {
    auto bytes = base::ReadFile(root / c.file);
    if (!bytes.ok()) GTEST_SKIP() << bytes.status().ToString();
    auto x = Executable::Parse(*bytes);
    ASSERT_TRUE(x.ok()) << c.file << ": " << x.status().ToString();
    EXPECT_EQ(x->format(), c.format) << c.file;
    EXPECT_TRUE(x->is_64bit()) << c.file;
    auto data = x->SectionData(c.section);
    ASSERT_TRUE(data.has_value()) << c.file << " " << c.section;
    EXPECT_FALSE(data->empty()) << c.file << " " << c.section;
  }
}

}  // namespace
}  // namespace assay::inventory::exe
