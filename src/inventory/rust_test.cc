// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include "inventory/rust.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "inventory/internal/exe_test_builders.h"

namespace assay::inventory {
namespace {

using Strings = std::vector<std::string>;
using exetest::Sec;

Strings Ids(const Parsed& p) {
  Strings out;
  for (const auto& pkg : p.packages) out.push_back(pkg.name + "@" + pkg.version);
  std::sort(out.begin(), out.end());
  return out;
}

Strings Sorted(Strings s) {
  std::sort(s.begin(), s.end());
  return s;
}

// Each `want` entry is "location|message substring".
void ExpectWarnings(const Parsed& p, const Strings& want) {
  EXPECT_EQ(p.warnings.size(), want.size());
  for (const std::string& w : want) {
    const size_t bar = w.find('|');
    bool found = false;
    for (const auto& got : p.warnings) {
      if (got.location == w.substr(0, bar) &&
          got.message.find(w.substr(bar + 1)) != std::string::npos) {
        found = true;
      }
    }
    EXPECT_TRUE(found) << "no warning " << w;
  }
}

struct LockCase {
  const char* name;
  const char* text;
  Strings want;
  Strings warnings;
};

const LockCase kLockCases[] = {
    {"Empty", "", {}, {}},
    {"NoPackages", "version = 3\n", {}, {}},
    {"RegistryGitAndPathPackages",
     "version = 3\n\n[[package]]\nname = \"addr2line\"\nversion = \"0.15.2\"\n"
     "source = \"registry+https://github.com/rust-lang/crates.io-index\"\n"
     "checksum = \"abc\"\ndependencies = [\n \"gimli\",\n]\n\n"
     "[[package]]\nname = \"local-rust-pkg\"\nversion = \"0.1.0\"\n\n"
     "[[package]]\nname = \"gitdep\"\nversion = \"1.0.0\"\n"
     "source = \"git+https://github.com/a/b#0123\"\n",
     {"addr2line@0.15.2", "local-rust-pkg@0.1.0", "gitdep@1.0.0"},
     {}},
    {"BuildMetadataKept",
     "[[package]]\nname = \"wasi\"\nversion = \"0.10.2+wasi-snapshot-preview1\"\n",
     {"wasi@0.10.2+wasi-snapshot-preview1"},
     {}},
    {"V1MetadataAndMultilineStrings",
     "[[package]]\nname = \"url\"\nversion = \"\"\"1.7.2\"\"\"\n# comment\n\n[metadata]\n"
     "\"checksum url 1.7.2 (registry+https://github.com/rust-lang/crates.io-index)\" = \"x\"\n",
     {"url@1.7.2"},
     {}},
    {"DuplicatesOnce",
     "[[package]]\nname = \"syn\"\nversion = \"1.0.73\"\n\n[[package]]\nname = \"syn\"\n"
     "version = \"1.0.73\"\n\n[[package]]\nname = \"syn\"\nversion = \"2.0.0\"\n",
     {"syn@1.0.73", "syn@2.0.0"},
     {}},
    {"MissingFieldsAreWarnings",
     "[[package]]\nname = \"noversion\"\n\n[[package]]\nversion = \"1.0.0\"\n\n"
     "[[package]]\nname = \"num\"\nversion = 1\n\n[[package]]\nname = \"ok\"\nversion = \"1.0\"\n",
     {"ok@1.0"},
     {"Cargo.lock:1|package noversion has no version", "Cargo.lock:4|package #2 has no name",
      "Cargo.lock:7|package num has no version"}},
    {"InlineArrayWithNonTables",
     "package = [1, { name = \"a\", version = \"1.0.0\" }]\n",
     {"a@1.0.0"},
     {"Cargo.lock:1|package #1 is not a table"}},
};

class CargoLockTest : public ::testing::TestWithParam<LockCase> {};

TEST_P(CargoLockTest, Parses) {
  const LockCase& c = GetParam();
  auto r = ParseCargoLock({c.text, "Cargo.lock", ""});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(Ids(*r), Sorted(c.want));
  ExpectWarnings(*r, c.warnings);
}

INSTANTIATE_TEST_SUITE_P(Cases, CargoLockTest, ::testing::ValuesIn(kLockCases),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(CargoLockFieldsTest, PackageFields) {
  auto r = ParseCargoLock(
      {"[[package]]\nname = \"serde_json\"\nversion = \"1.0.0\"\n", "app/Cargo.lock", ""});
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->packages.size(), 1u);
  const model::Package& p = r->packages[0];
  EXPECT_EQ(p.ecosystem, "crates.io");
  EXPECT_EQ(p.name, "serde_json");
  EXPECT_EQ(p.version, "1.0.0");
  EXPECT_EQ(p.purl, "pkg:cargo/serde_json@1.0.0");
  EXPECT_EQ(p.path, "app/Cargo.lock");
  EXPECT_EQ(p.package_manager, "cargo");
  EXPECT_FALSE(p.dev);
}

TEST(CargoLockFieldsTest, UnusableFilesAreErrors) {
  struct Case {
    const char* text;
    const char* message;
  };
  const Case cases[] = {
      {"this is not a toml file!", "Cargo.lock:1: not a Cargo.lock (TOML) ("},
      {"[[package]]\nname = \"normal\"\nversion =\n", "Cargo.lock:3: not a Cargo.lock (TOML) ("},
      {"package = \"x\"\n", "Cargo.lock:1: not a Cargo.lock (`package` is not an array"},
      {"[package]\nname = \"x\"\n", "not an array of tables"},
  };
  for (const Case& c : cases) {
    auto r = ParseCargoLock({c.text, "Cargo.lock", ""});
    ASSERT_FALSE(r.ok()) << c.text;
    EXPECT_EQ(r.status().code(), base::Code::kInvalidArgument);
    EXPECT_NE(r.status().message().find(c.message), std::string::npos) << r.status().ToString();
  }
}

// ---- cargo-auditable binaries ----

constexpr const char* kDeps =
    R"({"packages":[{"name":"app","version":"0.1.0","source":"local","dependencies":[1,2],)"
    R"("root":true},{"name":"serde","version":"1.0.197","source":"crates.io"},)"
    R"({"name":"cc","version":"1.0.83","source":"crates.io","kind":"build"},)"
    R"({"name":"gitdep","version":"0.2.0","source":"git","kind":"runtime"}]})";

const Strings kDepsWant = {"app@0.1.0", "serde@1.0.197", "gitdep@0.2.0"};

TEST(RustBinaryTest, Layouts) {
  const std::string z = exetest::Zlib(kDeps);
  const std::vector<std::pair<const char*, std::string>> cases = {
      {"Elf",
       exetest::Elf({{".text", "code", 0x1000, false, true}, {".dep-v0", z, 0, false, false}}, true,
                    false)},
      {"Elf32Be", exetest::Elf({{".dep-v0", z, 0x2000, false, false}}, false, true)},
      {"Pe", exetest::Pe({{".dep-v0", z + std::string(100, '\0'), 0x402000, false, false}}, true,
                         0x400000)},
      {"MachO", exetest::MachO({{".dep-v0", z, 0x100002000, false, false, "__DATA"}}, true, false)},
      {"Universal",
       exetest::Fat({exetest::MachO({{".dep-v0", z, 0x100002000, false, false}}, true, false)})},
  };
  for (const auto& [name, bytes] : cases) {
    SCOPED_TRACE(name);
    auto r = ParseRustBinary({bytes, "bin/app", ""});
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(Ids(*r), Sorted(kDepsWant));
    EXPECT_TRUE(r->warnings.empty());
    for (const auto& p : r->packages) {
      EXPECT_EQ(p.ecosystem, "crates.io");
      EXPECT_EQ(p.package_manager, "cargo");
      EXPECT_EQ(p.path, "bin/app");
      EXPECT_EQ(p.purl, "pkg:cargo/" + p.name + "@" + p.version);
    }
  }
}

TEST(RustBinaryTest, BadEntriesAreWarnings) {
  const std::string bin = exetest::Elf(
      {{".dep-v0",
        exetest::Zlib(R"({"packages":[1,{"version":"1.0"},{"name":"x"},{"name":"y","version":2},)"
                      R"({"name":"ok","version":"1.0"},{"name":"ok","version":"1.0"}]})"),
        0, false, false}},
      true, false);
  auto r = ParseRustBinary({bin, "bin/app", ""});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(Ids(*r), Strings{"ok@1.0"});
  ExpectWarnings(*r, {"bin/app: .dep-v0|package #0 is not an object",
                      "bin/app: .dep-v0|package #1 has no name",
                      "bin/app: .dep-v0|package #2 (x) has no version",
                      "bin/app: .dep-v0|package #3 (y) has no version"});
}

TEST(RustBinaryTest, UnusableInputs) {
  struct Case {
    const char* name;
    std::string bytes;
    base::Code code;
    const char* message;
  };
  auto elf = [](std::string section) {
    return exetest::Elf({{".dep-v0", std::move(section), 0, false, false}}, true, false);
  };
  const std::string z = exetest::Zlib(kDeps);
  const Case cases[] = {
      {"Text", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", base::Code::kNotSupported,
       "bin/app: not a Rust binary (no ELF, PE or Mach-O header)"},
      {"NoSection", exetest::Elf({{".text", "x", 0x1000, false, true}}, true, false),
       base::Code::kNotSupported,
       "bin/app: no cargo-auditable dependency list (.dep-v0 section) in "
       "ELF file"},
      {"NotZlib", elf("{\"packages\":[]}"), base::Code::kCorruption,
       "bin/app: section .dep-v0: zlib"},
      {"TruncatedStream", elf(z.substr(0, z.size() / 2)), base::Code::kCorruption, "zlib"},
      {"EmptySection", elf(""), base::Code::kCorruption, "zlib"},
      {"NotJson", elf(exetest::Zlib("packages")), base::Code::kCorruption, "holds no JSON object"},
      {"NoPackagesList", elf(exetest::Zlib("{\"packages\":{}}")), base::Code::kCorruption,
       "has no \"packages\" list"},
      {"DecompressionBomb", elf(exetest::Zlib(std::string((size_t{8} << 20) + 1, ' '))),
       base::Code::kCorruption, "decompressed data exceeds 8 MiB"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    auto r = ParseRustBinary({c.bytes, "bin/app", ""});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), c.code) << r.status().ToString();
    EXPECT_NE(r.status().message().find(c.message), std::string::npos) << r.status().ToString();
  }
}

TEST(RustBinaryTest, ExactlyTheLimitIsAccepted) {
  std::string json = R"({"packages":[{"name":"a","version":"1.0.0"}]})";
  json.resize(size_t{8} << 20, ' ');
  const std::string bin =
      exetest::Elf({{".dep-v0", exetest::Zlib(json), 0, false, false}}, true, false);
  auto r = ParseRustBinary({bin, "bin/app", ""});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(Ids(*r), Strings{"a@1.0.0"});
}

}  // namespace
}  // namespace assay::inventory
