// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include "inventory/golang.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "base/file.h"
#include "base/testing/conformance.h"
#include "inventory/internal/exe_test_builders.h"
#include "inventory/internal/fake_siblings.h"

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
    const std::string loc = w.substr(0, bar);
    const std::string msg = w.substr(bar + 1);
    bool found = false;
    for (const auto& got : p.warnings) {
      if (got.location == loc && got.message.find(msg) != std::string::npos) found = true;
    }
    EXPECT_TRUE(found) << "no warning " << w;
  }
  for (const auto& got : p.warnings) {
    ::testing::Test::RecordProperty("warning", got.location + ": " + got.message);
  }
}

struct ModCase {
  const char* name;
  const char* text;
  Strings want;
  Strings warnings;
};

const ModCase kModCases[] = {
    {"Empty", "", {}, {}},
    {"OnlyModuleAndGo", "module example.com/m\n\ngo 1.21\n", {"stdlib@1.21"}, {}},
    {"SingleRequire",
     "module m\nrequire github.com/BurntSushi/toml v1.0.0\n",
     {"github.com/BurntSushi/toml@1.0.0"},
     {}},
    {"BlocksIndirectAndComments",
     "// header comment\nmodule m // trailing\n\ngo 1.17\n\nrequire (\n\ta.io/x v1.2.3\n"
     "\tb.io/y v0.0.0-20210630005230-0f9fa26af87c // indirect\n\n\t// a comment line\n)\n"
     "require c.io/z v2.0.0+incompatible\n",
     {"a.io/x@1.2.3", "b.io/y@0.0.0-20210630005230-0f9fa26af87c", "c.io/z@2.0.0+incompatible",
      "stdlib@1.17"},
     {}},
    {"CrLfAndQuotedPaths",
     "module \"example.com/m\"\r\nrequire (\r\n\t\"a.io/x\" `v1.0.0`\r\n)\r\n",
     {"a.io/x@1.0.0"},
     {}},
    {"ToolchainWinsOverGo", "go 1.23.5\ntoolchain go1.23.6\n", {"stdlib@1.23.6"}, {}},
    {"ToolchainSuffixDropped", "go 1.23.5\ntoolchain go1.23.6-xyz\n", {"stdlib@1.23.6"}, {}},
    {"ToolchainDefaultFallsBackToGo", "go 1.22\ntoolchain default\n", {"stdlib@1.22"}, {}},
    {"ReplaceOneVersion",
     "require (\n  golang.org/x/net v1.2.3\n  golang.org/x/net v0.5.6\n)\n"
     "replace golang.org/x/net v1.2.3 => example.com/fork/net v1.4.5\n",
     {"example.com/fork/net@1.4.5", "golang.org/x/net@0.5.6"},
     {}},
    {"ReplaceEveryVersionDeduplicates",
     "require (\n  golang.org/x/net v1.2.3\n  golang.org/x/net v0.5.6\n)\n"
     "replace (\n  golang.org/x/net => example.com/fork/net v1.4.5\n)\n",
     {"example.com/fork/net@1.4.5"},
     {}},
    {"ExactReplaceBeatsWildcard",
     "require a.io/x v1.0.0\nrequire a.io/x v2.0.0\n"
     "replace a.io/x v1.0.0 => b.io/exact v1.1.1\nreplace a.io/x => b.io/any v9.9.9\n",
     {"b.io/any@9.9.9", "b.io/exact@1.1.1"},
     {}},
    {"ReplaceOfUnrequiredVersionIgnored",
     "require golang.org/x/net v0.5.6\n"
     "replace golang.org/x/net v1.2.3 => example.com/fork/net v1.4.5\n",
     {"golang.org/x/net@0.5.6"},
     {}},
    {"LocalReplacementIsAWarning",
     "require (\n  golang.org/x/net v1.2.3\n  a.io/x v1.0.0\n)\n\n"
     "replace golang.org/x/net v1.2.3 => ./fork/net\n",
     {"a.io/x@1.0.0"},
     {"go.mod:6|replaced by the directory ./fork/net"}},
    {"ExcludeRetractGodebugToolIgnored",
     "require a.io/x v1.0.0\nexclude a.io/x v1.0.0\nretract v0.1.0\nretract [v1.0.0, v1.1.0]\n"
     "godebug default=go1.21\ntool golang.org/x/tools/cmd/stringer\nignore ./node_modules\n",
     {"a.io/x@1.0.0"},
     {}},
    {"MalformedLinesAreWarnings",
     "require a.io/x\nrequire (\n  b.io/y v1 extra\n  c.io/z v1.0.0\n)\n"
     "replace a.io/x v1 v2\nreplace a.io/x => b.io/y\ngo\n",
     {"c.io/z@1.0.0"},
     {"go.mod:1|require needs a module path and a version",
      "go.mod:3|require needs a module path and a version", "go.mod:6|replace needs",
      "go.mod:7|neither a directory nor versioned", "go.mod:8|go directive needs one version"}},
    {"UnknownDirectiveBesideKnownOnesIsAWarning",
     "module m\nfrobnicate a b\nrequire a.io/x v1.0.0\n",
     {"a.io/x@1.0.0"},
     {"go.mod:2|unknown directive \"frobnicate\""}},
    {"UnclosedBlock", "require (\n  a.io/x v1.0.0\n", {"a.io/x@1.0.0"}, {"go.mod:1|is not closed"}},
    {"BadQuote",
     "require \"a.io/x v1.0.0\nrequire b.io/y v1.0.0\n",
     {"b.io/y@1.0.0"},
     {"go.mod:1|malformed quoted string"}},
    {"EmptyBlockOnOneLine", "require ()\n", {}, {}},
    {"EmptyQuotedTokens",
     "require \"\" v1.0.0\nrequire a.io/x ``\nreplace \"\" => b.io/y v1.0.0\n"
     "require c.io/z v1.0.0\nreplace c.io/z => \"\" v1.0.0\n",
     {"c.io/z@1.0.0"},
     {"go.mod:1|require needs", "go.mod:2|require needs", "go.mod:3|replace needs",
      "go.mod:5|replace needs"}},
};

class GoModTest : public ::testing::TestWithParam<ModCase> {};

TEST_P(GoModTest, Parses) {
  const ModCase& c = GetParam();
  auto r = ParseGoMod({c.text, "go.mod", ""});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(Ids(*r), Sorted(c.want));
  ExpectWarnings(*r, c.warnings);
}

INSTANTIATE_TEST_SUITE_P(Cases, GoModTest, ::testing::ValuesIn(kModCases),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(GoModFieldsTest, PackageFields) {
  auto r = ParseGoMod({"require github.com/a/b/v2 v2.1.0\n", "src/go.mod", "ignored"});
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->packages.size(), 1u);
  const model::Package& p = r->packages[0];
  EXPECT_EQ(p.ecosystem, "Go");
  EXPECT_EQ(p.name, "github.com/a/b/v2");
  EXPECT_EQ(p.version, "2.1.0");
  EXPECT_EQ(p.purl, "pkg:golang/github.com/a/b/v2@2.1.0");
  EXPECT_EQ(p.path, "src/go.mod");
  EXPECT_EQ(p.package_manager, "go");
  EXPECT_FALSE(p.dev);
}

TEST(GoModFieldsTest, NotAGoModIsAnError) {
  auto r = ParseGoMod({"\n\nthis is not a go.mod file!\n", "x/go.mod", ""});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), base::Code::kInvalidArgument);
  EXPECT_NE(r.status().message().find("x/go.mod:3: not a go.mod file"), std::string::npos)
      << r.status().ToString();
}

// ---- go.mod with its go.sum (Go 1.16 and older) ----

constexpr std::string_view kGoSum =
    "github.com/sirupsen/logrus v1.9.3 h1:a=\n"
    "github.com/sirupsen/logrus v1.9.3/go.mod h1:b=\n"
    "github.com/stretchr/testify v1.2.2/go.mod h1:c=\n"
    "github.com/stretchr/testify v1.7.0 h1:d=\n"
    "github.com/stretchr/testify v1.7.0/go.mod h1:e=\n"
    "github.com/stretchr/testify v1.6.1 h1:f=\n"
    "golang.org/x/sys v0.0.0-20220715151400-c0bba94af5f8 h1:g=\n"
    "gopkg.in/check.v1 v0.0.0-20161208181325-20d25e280405/go.mod h1:h=\n"
    "example.com/old v1.0.0 h1:i=\n"
    "example.com/new v2.0.0 h1:j=\n"
    "not a go.sum line\n";

TEST(GoModGoSumTest, IndirectModulesComeFromGoSum) {
  internal::FakeSiblings siblings(
      std::map<std::string, std::string>{{"app/go.sum", std::string(kGoSum)}});
  auto r = ParseGoMod({"module m\n\ngo 1.16\n\nrequire github.com/sirupsen/logrus v1.9.3\n"
                       "require example.com/old v1.0.0\n"
                       "replace example.com/old => example.com/new v2.0.0\n",
                       "app/go.mod", "", &siblings});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  // Modules go.sum holds contents of, at their highest version; those only consulted for their
  // go.mod (gopkg.in/check.v1) and those go.mod names (required, replaced, replacing) are not
  // added from it.
  EXPECT_EQ(Ids(*r), Sorted({"example.com/new@2.0.0", "github.com/sirupsen/logrus@1.9.3",
                             "github.com/stretchr/testify@1.7.0",
                             "golang.org/x/sys@0.0.0-20220715151400-c0bba94af5f8", "stdlib@1.16"}));
  for (const model::Package& p : r->packages) {
    const bool from_sum = p.name == "github.com/stretchr/testify" || p.name == "golang.org/x/sys";
    EXPECT_EQ(p.path, from_sum ? "app/go.sum" : "app/go.mod") << p.name;
  }
  EXPECT_TRUE(r->warnings.empty());
  EXPECT_EQ(siblings.asked(), Strings{"app/go.sum"});
}

TEST(GoModGoSumTest, WhenTheGoSumIsRead) {
  struct Case {
    const char* name;
    std::string text;
    std::string path;
    bool have_sum;
    bool read;            // the go.sum is asked for
    std::string warning;  // substring, "" for none
  };
  const std::string req = "require github.com/sirupsen/logrus v1.9.3\n";
  const Case cases[] = {
      {"go 1.17 lists everything", "go 1.17\n" + req, "go.mod", true, false, ""},
      {"go 1.21.3", "go 1.21.3\n" + req, "go.mod", true, false, ""},
      {"go 1.16", "go 1.16\n" + req, "go.mod", true, true, ""},
      {"go 1.9", "go 1.9\n" + req, "go.mod", true, true, ""},
      {"no go line: Go assumes 1.16", req, "go.mod", true, true, ""},
      {"no requirements: no go.sum either", "go 1.16\n", "go.mod", false, false, ""},
      {"go.sum absent", "go 1.16\n" + req, "go.mod", false, true,
       "for go 1.16, go.mod lists only direct requirements; the indirect ones are in go.sum, "
       "which is absent: indirect dependencies not reported"},
      {"no go line and no go.sum: silent", req, "go.mod", false, true, ""},
      {"x.mod pairs with x.sum", "go 1.16\n" + req, "testdata/x.mod", true, true, ""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const std::string dir = c.path.substr(0, c.path.rfind('/') + 1);
    const std::string sum = c.path.ends_with(".mod")
                                ? c.path.substr(0, c.path.size() - 4) + ".sum"
                                : dir + "go.sum";
    std::map<std::string, std::string> files;
    if (c.have_sum) files[sum] = std::string(kGoSum);
    internal::FakeSiblings siblings(files);
    auto r = ParseGoMod({c.text, c.path, "", &siblings});
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(siblings.asked(), c.read ? Strings{sum} : Strings{});
    const bool added = std::any_of(r->packages.begin(), r->packages.end(), [](const auto& p) {
      return p.name == "github.com/stretchr/testify";
    });
    EXPECT_EQ(added, c.read && c.have_sum);
    if (c.warning.empty()) {
      EXPECT_TRUE(r->warnings.empty()) << r->warnings.front().message;
    } else {
      ASSERT_EQ(r->warnings.size(), 1u);
      EXPECT_EQ(r->warnings[0].location, c.path);
      EXPECT_NE(r->warnings[0].message.find(c.warning), std::string::npos)
          << r->warnings[0].message;
    }
  }
}

TEST(GoModGoSumTest, WithoutSiblingsTheGoSumIsNotRead) {
  auto r = ParseGoMod({"go 1.15\nrequire a.io/x v1.0.0\n", "go.mod", ""});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Ids(*r), Sorted({"a.io/x@1.0.0", "stdlib@1.15"}));
  ASSERT_EQ(r->warnings.size(), 1u);
  EXPECT_NE(r->warnings[0].message.find("which was not read"), std::string::npos);
}

// ---- Go binaries ----

constexpr const char* kModInfo =
    "path\texample.com/cmd/tool\n"
    "mod\texample.com/cmd\tv1.2.3\th1:abc=\n"
    "dep\tgithub.com/BurntSushi/toml\tv1.4.0\th1:kuo=\n"
    "dep\tgolang.org/x/net\tv0.1.0\th1:x=\n"
    "=>\texample.com/fork/net\tv0.1.1\th1:y=\n"
    "dep\tgolang.org/x/sys\tv0.0.0-20210630005230-0f9fa26af87c\n"
    "build\t-compiler=gc\n"
    "build\tGOOS=linux\n";

const Strings kModInfoWant = {"stdlib@1.21.10", "example.com/cmd@1.2.3",
                              "github.com/BurntSushi/toml@1.4.0", "example.com/fork/net@0.1.1",
                              "golang.org/x/sys@0.0.0-20210630005230-0f9fa26af87c"};

std::string InlineInfo(std::string_view modinfo, std::string_view version = "go1.21.10") {
  return exetest::GoBuildInfoInline(version, exetest::GoModInfo(modinfo));
}

struct BinaryCase {
  const char* name;
  std::string bytes;
};

std::vector<BinaryCase> BinaryCases() {
  const std::string info = InlineInfo(kModInfo);
  const std::string mod = exetest::GoModInfo(kModInfo);
  std::vector<BinaryCase> out = {
      {"ElfInlineSection", exetest::Elf({{".text", "code", 0x401000, false, true},
                                         {".go.buildinfo", info, 0x500000, true, false}},
                                        true, false)},
      {"ElfNoSectionFirstWritableSegment",
       exetest::Elf({{".text", "code", 0x401000, false, true},
                     {".noptrdata", std::string(48, 'x') + info, 0x500000, true, false}},
                    true, false)},
      {"Elf32BigEndianPointers",
       exetest::Elf(
           {{".go.buildinfo", exetest::GoBuildInfoPointer(4, true, 0x10000, "go1.21.10", mod),
             0x10000, true, false}},
           false, true)},
      {"Elf64PointersToAnotherSection",
       [&] {
         // Header in .go.buildinfo, strings in .rodata: the header's pointers lead there.
         std::string header =
             exetest::GoBuildInfoPointer(8, false, 0x600000, "go1.21.10", mod).substr(0, 32);
         // Re-point: the string headers now live at 0x700000.
         std::string rodata =
             exetest::GoBuildInfoPointer(8, false, 0x700000 - 32, "go1.21.10", mod).substr(32);
         exetest::SetN(&header, 16, 0x700000, 8, false);
         exetest::SetN(&header, 24, 0x700010, 8, false);
         return exetest::Elf({{".rodata", rodata, 0x700000, false, false},
                              {".go.buildinfo", header, 0x600000, true, false}},
                             true, false);
       }()},
      {"PeDataSection",
       exetest::Pe({{".text", "code", 0x401000, false, true},
                    {".rdata", "ro", 0x402000, false, false},
                    {".data", exetest::GoBuildInfoPointer(8, false, 0x403000, "go1.21.10", mod),
                     0x403000, true, false}},
                   true, 0x400000)},
      {"Pe32Inline", exetest::Pe({{".data", info, 0x403000, true, false}}, false, 0x400000)},
      {"MachOGoBuildinfoSection",
       exetest::MachO({{"__text", "code", 0x100001000, false, true, "__TEXT"},
                       {"__go_buildinfo", info, 0x100002000, true, false, "__DATA"}},
                      true, false)},
      {"MachO32BigEndianPointers",
       exetest::MachO({{"__data", exetest::GoBuildInfoPointer(4, true, 0x3000, "go1.21.10", mod),
                        0x3000, true, false, "__DATA"}},
                      false, true)},
      {"Universal", exetest::Fat({exetest::MachO(
                        {{"__go_buildinfo", info, 0x100002000, true, false}}, true, false)})},
      {"MagicOnlyFoundByTheFileScan",
       exetest::Elf({{".text", "code", 0x401000, false, true},
                     {".rodata", std::string(16, 'r') + info, 0x402000, false, false}},
                    true, false)},
  };
  return out;
}

TEST(GoBinaryTest, Layouts) {
  for (const BinaryCase& c : BinaryCases()) {
    SCOPED_TRACE(c.name);
    auto r = ParseGoBinary({c.bytes, "bin/tool", ""});
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(Ids(*r), Sorted(kModInfoWant));
    EXPECT_TRUE(r->warnings.empty());
    for (const auto& p : r->packages) {
      EXPECT_EQ(p.ecosystem, "Go");
      EXPECT_EQ(p.path, "bin/tool");
      EXPECT_EQ(p.package_manager, "go");
      EXPECT_FALSE(p.purl.empty());
    }
  }
}

struct ModInfoCase {
  const char* name;
  std::string version;
  std::string modinfo;
  Strings want;
  Strings warnings;
};

const ModInfoCase kModInfoCases[] = {
    {"DevelMainModuleIsAWarning",
     "go1.22.1",
     "path\texample.com/m\nmod\texample.com/m\t(devel)\t\ndep\ta.io/x\tv1.0.0\th1:x=\n",
     {"stdlib@1.22.1", "a.io/x@1.0.0"},
     {"bin/tool: build info line 2|main module example.com/m has no version"}},
    {"LdflagsVersionForDevelMain",
     "go1.22.1",
     "path\texample.com/m\nmod\texample.com/m\t(devel)\t\n"
     "build\t-ldflags=\"-w -X main.version=v1.0.0\"\nbuild\tCGO_ENABLED=0\n",
     {"stdlib@1.22.1", "example.com/m@1.0.0"},
     {}},
    {"LdflagsQuotedPackageVersion",
     "go1.24.3",
     "path\texample.com/m\nmod\texample.com/m\t(devel)\t\n"
     "build\t-ldflags=\" -X \\\"example.com/m/version.GitCommit=e6534b4\\\" -X "
     "\\\"example.com/m/version.Version=28.2.2\\\" -extldflags -static\"\n",
     {"stdlib@1.24.3", "example.com/m@28.2.2"},
     {}},
    {"LdflagsNonSemverIgnored",
     "go1.22.1",
     "mod\texample.com/m\t(devel)\t\nbuild\t-ldflags=\"-X main.version=dev\"\n",
     {"stdlib@1.22.1"},
     {"bin/tool: build info line 1|has no version"}},
    {"GoExperimentSuffix",
     "go1.22.1 X:loopvar",
     "path\tcommand-line-arguments\n",
     {"stdlib@1.22.1"},
     {}},
    {"DevelToolchain",
     "devel go1.23-abcdef Mon Jan 1",
     "",
     {},
     {"bin/tool|has no release version"}},
    {"NoModuleInformation", "go1.15.2", "", {"stdlib@1.15.2"}, {}},
    {"LocalReplacement",
     "go1.21.0",
     "dep\ta.io/x\tv1.0.0\th1:x=\n=>\t../x\t\t\ndep\tb.io/y\tv2.0.0\n",
     {"stdlib@1.21.0", "b.io/y@2.0.0"},
     {"bin/tool: build info line 2|module ../x has no version"}},
    {"MalformedLines",
     "go1.21.0",
     "mod\tonly-path\ndep\n=>\torphan\tv1\ndep\tok.io/x\tv1.0.0\tsum\textra\n"
     "dep\tgood.io/y\tv1.0.0\n=>\ta\tv1\n",
     {"stdlib@1.21.0", "a@1"},
     {"bin/tool: build info line 1|malformed \"mod\" line",
      "bin/tool: build info line 2|malformed \"dep\" line",
      "bin/tool: build info line 3|replacement without a module",
      "bin/tool: build info line 4|malformed \"dep\" line"}},
    {"DuplicateDepsOnce",
     "go1.21.0",
     "dep\ta.io/x\tv1.0.0\ndep\ta.io/x\tv1.0.0\n",
     {"stdlib@1.21.0", "a.io/x@1.0.0"},
     {}},
};

class GoModInfoTest : public ::testing::TestWithParam<ModInfoCase> {};

TEST_P(GoModInfoTest, Parses) {
  const ModInfoCase& c = GetParam();
  const std::string bin = exetest::Elf(
      {{".go.buildinfo", InlineInfo(c.modinfo, c.version), 0x500000, true, false}}, true, false);
  auto r = ParseGoBinary({bin, "bin/tool", ""});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(Ids(*r), Sorted(c.want));
  ExpectWarnings(*r, c.warnings);
}

INSTANTIATE_TEST_SUITE_P(Cases, GoModInfoTest, ::testing::ValuesIn(kModInfoCases),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(GoBinaryTest, NotAGoBinary) {
  struct Case {
    const char* name;
    std::string bytes;
    const char* message;
    base::Code code = base::Code::kNotSupported;
  };
  constexpr base::Code kCorrupt = base::Code::kCorruption;
  const std::string info = InlineInfo(kModInfo);
  const Case cases[] = {
      {"Text", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
       "bin/x: not a Go binary (no ELF, PE or Mach-O header)"},
      {"Empty", "", "not a Go binary"},
      {"CBinary", exetest::Elf({{".text", "code", 0x401000, false, true}}, true, false),
       "bin/x: not a Go binary (no Go build information in ELF file)"},
      {"Unaligned",
       exetest::Elf({{".go.buildinfo", "x" + info, 0x500000, true, false}}, true, false),
       "no Go build information"},
      {"TruncatedInlineStrings",
       exetest::Elf({{".go.buildinfo", info.substr(0, 40), 0x500000, true, false}}, true, false),
       "bin/x: Go build information header without readable", kCorrupt},
      {"DanglingPointers",
       exetest::Elf({{".go.buildinfo",
                      exetest::GoBuildInfoPointer(8, false, 0x900000, "go1.21", "").substr(0, 32),
                      0x500000, true, false}},
                    true, false),
       "without readable", kCorrupt},
      {"BadPointerSize",
       [] {
         std::string b = exetest::GoBuildInfoPointer(8, false, 0x500000, "go1.21", "");
         b[14] = 3;
         return exetest::Elf({{".go.buildinfo", b, 0x500000, true, false}}, true, false);
       }(),
       "without readable", kCorrupt},
      {"EmptyVersion",
       exetest::Elf({{".go.buildinfo", exetest::GoBuildInfoInline("", ""), 0x500000, true, false}},
                    true, false),
       "without readable", kCorrupt},
      {"PeWithoutBuildInfo", exetest::Pe({{".data", "x", 0x401000, true, false}}, true, 0x400000),
       "in PE file"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    auto r = ParseGoBinary({c.bytes, "bin/x", ""});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), c.code) << r.status().ToString();
    EXPECT_NE(r.status().message().find(c.message), std::string::npos) << r.status().ToString();
  }
}

TEST(GoBinaryTest, ModInfoWithoutSentinelsIsIgnored) {
  const std::string bin =
      exetest::Elf({{".go.buildinfo", exetest::GoBuildInfoInline("go1.20", "dep\ta\tv1.0.0\n"),
                     0x500000, true, false}},
                   true, false);
  auto r = ParseGoBinary({bin, "bin/x", ""});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Ids(*r), Strings{"stdlib@1.20"});
}

TEST(GoBinaryTest, TruncatedFilesNeverCrash) {
  for (const BinaryCase& c : BinaryCases()) {
    for (size_t n = 0; n < c.bytes.size(); n += 7) {
      auto r = ParseGoBinary({std::string_view(c.bytes).substr(0, n), "bin/x", ""});
      if (!r.ok()) continue;
      for (const auto& p : r->packages) {
        EXPECT_FALSE(p.name.empty());
        EXPECT_FALSE(p.version.empty());
      }
    }
  }
}

// The trivy fixture copied into the scan targets: Go 1.15 (pointer format), exact contents.
TEST(GoBinaryTest, ScanTargetBinary) {
  auto dir = testing::SharedDataDir();
  if (!dir) GTEST_SKIP() << "shared data absent";
  auto bytes = base::ReadFile(*dir / "scan-targets/go-binary-trivy/test.elf");
  if (!bytes.ok()) GTEST_SKIP() << bytes.status().ToString();
  auto r = ParseGoBinary({*bytes, "test.elf", ""});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(Ids(*r), Sorted({"stdlib@1.15.2",
                             "github.com/aquasecurity/go-pep440-version@0.0.0-20210121094942-"
                             "22b2f8951d46",
                             "github.com/aquasecurity/go-version@0.0.0-20210121072130-637058cfe492",
                             "golang.org/x/xerrors@0.0.0-20200804184101-5ec99f83aff1"}));
  ExpectWarnings(*r, {"test.elf: build info line 2|main module github.com/aquasecurity/test"});
}

// The peers' fixtures in assay's convention (versions without the leading "v"): trivy lists the
// same modules with it.
TEST(GoBinaryTest, PeerFixtures) {
  auto dir = testing::ConformanceDir();
  if (!dir) GTEST_SKIP() << "conformance corpus absent";
  const std::filesystem::path root = *dir / "parsers/fixtures";
  const std::string trivy = "trivy/dependency/parser/golang/binary/testdata/";
  const Strings go115 = {"stdlib@1.15.2",
                         "github.com/aquasecurity/go-pep440-version@0.0.0-20210121094942-"
                         "22b2f8951d46",
                         "github.com/aquasecurity/go-version@0.0.0-20210121072130-637058cfe492",
                         "golang.org/x/xerrors@0.0.0-20200804184101-5ec99f83aff1"};
  const std::vector<std::pair<std::string, Strings>> cases = {
      {"osv-scanner/go/binaries/just-go", {"stdlib@1.21.10"}},
      {"osv-scanner/go/binaries/has-one-dep",
       {"stdlib@1.21.10", "github.com/BurntSushi/toml@1.4.0"}},
      {trivy + "test.elf", go115},
      {trivy + "test.exe", go115},
      {trivy + "test.macho", go115},
      {trivy + "semver-main-module-version.macho", {"go.etcd.io/bbolt@1.3.5", "stdlib@1.20.6"}},
      {trivy + "main-version-via-ldflags.elf",
       {"github.com/aquasecurity/test@1.0.0", "stdlib@1.22.1"}},
      {trivy + "goexperiment", {"stdlib@1.22.1"}},
  };
  for (const auto& [file, want] : cases) {
    SCOPED_TRACE(file);
    auto bytes = base::ReadFile(root / file);
    if (!bytes.ok()) GTEST_SKIP() << bytes.status().ToString();
    auto r = ParseGoBinary({*bytes, file, ""});
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(Ids(*r), Sorted(want));
  }
}

// Go programs installed on this machine (docker, terraform, ...): each yields stdlib with a
// release version and only versioned modules. Skipped when there are none.
TEST(GoBinaryTest, InstalledGoBinaries) {
  int seen = 0;
  for (const char* d : {"/usr/local/bin", "/usr/bin"}) {
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(d, ec)) {
      if (seen >= 6) break;
      if (!e.is_regular_file(ec) || e.file_size(ec) > (uint64_t{256} << 20)) continue;
      // The linker writes an ELF note named "Go" (type 4, the build ID) near the start: read only
      // those files in full.
      std::ifstream in(e.path(), std::ios::binary);
      std::string head(8192, '\0');
      in.read(head.data(), static_cast<std::streamsize>(head.size()));
      head.resize(static_cast<size_t>(in.gcount()));
      if (head.find(std::string("\x04\0\0\0Go\0\0", 8)) == std::string::npos) continue;
      auto bytes = base::ReadFile(e.path());
      if (!bytes.ok() || bytes->find("\xff Go buildinf:") == std::string::npos) continue;
      auto r = ParseGoBinary({*bytes, e.path().filename().string(), ""});
      if (!r.ok()) continue;  // a Go tool that only mentions the magic, e.g. `go` itself
      ++seen;
      SCOPED_TRACE(e.path().string());
      bool stdlib = false;
      for (const auto& p : r->packages) {
        EXPECT_FALSE(p.name.empty());
        EXPECT_FALSE(p.version.empty());
        EXPECT_NE(p.version[0], 'v') << p.name;
        if (p.name == "stdlib") {
          stdlib = true;
          EXPECT_TRUE(p.version.size() >= 3 && p.version.substr(0, 2) == "1.") << p.version;
        }
      }
      EXPECT_TRUE(stdlib);
    }
  }
  if (seen == 0) GTEST_SKIP() << "no Go binaries installed";
}

}  // namespace
}  // namespace assay::inventory
