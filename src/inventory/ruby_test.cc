// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include "inventory/ruby.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace assay::inventory {
namespace {

std::vector<std::string> Ids(const Parsed& p) {
  std::vector<std::string> out;
  for (const auto& pkg : p.packages) out.push_back(pkg.name + "@" + pkg.version);
  return out;
}

using Strings = std::vector<std::string>;

struct GemfileCase {
  const char* name;
  const char* text;
  Strings want;
  Strings warnings;  // "location|message substring"
};

const GemfileCase kGemfileCases[] = {
    {"EmptyFile", "", {}, {}},
    {"GemSection",
     "GEM\n  remote: https://rubygems.org/\n  specs:\n    ast (2.4.2)\n    parser (3.1.1.0)\n"
     "      ast (~> 2.4.1)\n\nPLATFORMS\n  ruby\n\nDEPENDENCIES\n  parser\n\nBUNDLED WITH\n"
     "   2.3.7\n",
     {"ast@2.4.2", "parser@3.1.1.0"},
     {}},
    {"CrLf", "GEM\r\n  specs:\r\n    ast (2.4.2)\r\n", {"ast@2.4.2"}, {}},
    {"GitPathAndPluginSources",
     "GIT\n  remote: https://github.com/h/c.git\n  revision: 027dbe2e\n  specs:\n"
     "    hanami-controller (2.0.0.alpha1)\n      rack (~> 2.0)\n\nPATH\n  remote: vendor/x\n"
     "  specs:\n    local (1.2.0.0)\n\nPLUGIN SOURCE\n  remote: https://rubygems.org/\n"
     "  specs:\n    bundler-graph (0.2.1)\n",
     {"hanami-controller@2.0.0.alpha1", "local@1.2.0.0", "bundler-graph@0.2.1"},
     {}},
    {"PlatformSuffixStrippedAndDeduplicated",
     "GEM\n  specs:\n    nokogiri (1.13.3-x86_64-linux)\n      racc (~> 1.4)\n"
     "    nokogiri (1.13.3-arm64-darwin)\n    ffi (1.15.5-x64-mingw-ucrt)\n",
     {"nokogiri@1.13.3", "ffi@1.15.5"},
     {}},
    {"SectionAfterOthers",
     "PLATFORMS\n  x86_64-linux\n\nDEPENDENCIES\n  ast\n\nGEM\n  specs:\n    ast (2.4.2)",
     {"ast@2.4.2"},
     {}},
    {"DependenciesSectionIgnored",
     "GEM\n  specs:\n\nDEPENDENCIES\n    looks-like (1.0)\n  ast (2.4.2)\n",
     {},
     {}},
    {"SpecWithoutVersion",
     "GEM\n  specs:\n    invalid-name\n    ok (1.0)\n",
     {"ok@1.0"},
     {"Gemfile.lock:3|has no \"(version)\""}},
    {"EmptyVersion",
     "GEM\n  specs:\n    x ()\n    y (-java)\n",
     {},
     {"Gemfile.lock:3|x has no usable", "Gemfile.lock:4|y has no usable"}},
    {"BangSuffix", "GEM\n  specs:\n    foo (1.0)!\n", {"foo@1.0"}, {}},
};

class GemfileLockTest : public ::testing::TestWithParam<GemfileCase> {};

TEST_P(GemfileLockTest, Parses) {
  const GemfileCase& c = GetParam();
  auto r = ParseGemfileLock({c.text, "Gemfile.lock", ""});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(Ids(*r), c.want);
  ASSERT_EQ(r->warnings.size(), c.warnings.size());
  for (size_t i = 0; i < c.warnings.size(); ++i) {
    std::string w = c.warnings[i];
    size_t bar = w.find('|');
    EXPECT_EQ(r->warnings[i].location, w.substr(0, bar));
    EXPECT_NE(r->warnings[i].message.find(w.substr(bar + 1)), std::string::npos)
        << r->warnings[i].message;
  }
}

INSTANTIATE_TEST_SUITE_P(Cases, GemfileLockTest, ::testing::ValuesIn(kGemfileCases),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(GemfileLockTest, PackageFields) {
  auto r = ParseGemfileLock({"GEM\n  specs:\n    rack (2.2.3)\n", "app/Gemfile.lock", ""});
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->packages.size(), 1u);
  const auto& p = r->packages[0];
  EXPECT_EQ(p.ecosystem, "RubyGems");
  EXPECT_EQ(p.purl, "pkg:gem/rack@2.2.3");
  EXPECT_EQ(p.path, "app/Gemfile.lock");
  EXPECT_EQ(p.package_manager, "bundler");
  EXPECT_FALSE(p.dev);
}

TEST(GemfileLockTest, NotAGemfileLock) {
  auto r = ParseGemfileLock({"malformed", "x/Gemfile.lock", ""});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("x/Gemfile.lock"), std::string::npos);
}

TEST(GemfileLockTest, WarningsAreCapped) {
  std::string text = "GEM\n  specs:\n";
  for (int i = 0; i < 500; ++i) text += "    bad\n";
  auto r = ParseGemfileLock({text, "Gemfile.lock", ""});
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->warnings.size(), 101u);
  EXPECT_EQ(r->warnings.back().message, "400 more warnings not listed");
}

struct GemspecCase {
  const char* name;
  const char* text;
  const char* want;  // "name@version", or "" when the parse must fail
  const char* error = "";
};

const GemspecCase kGemspecCases[] = {
    {"Installed",
     "# -*- encoding: utf-8 -*-\n# stub: rake 13.0.3 ruby lib\n\n"
     "Gem::Specification.new do |s|\n  s.name = \"rake\".freeze\n  s.version = \"13.0.3\"\n\n"
     "  s.required_rubygems_version = Gem::Requirement.new(\">= 1.3.2\".freeze) if "
     "s.respond_to? :required_rubygems_version=\nend\n",
     "rake@13.0.3"},
    {"SpecReceiverAndComment",
     "Gem::Specification.new do |spec|\n    spec.name = \"async\".freeze # comment\n"
     "    spec.version = \"1.25.0\"\nend\n",
     "async@1.25.0"},
    {"SingleQuotesAndGemVersion",
     "Gem::Specification.new { |gem|\n  gem.name    = 'my_gem'\n"
     "  gem.version = Gem::Version.new( '0.1.0.pre' )\n}\n",
     "my_gem@0.1.0.pre"},
    {"PercentLiterals",
     "Gem::Specification.new do |s|\n  s.name = %q<test-unit>.freeze\n"
     "  s.version = %q{3.3.7}\nend\n",
     "test-unit@3.3.7"},
    {"CrLfAndFirstAssignmentWins",
     "Gem::Specification.new do |s|\r\n  s.name = \"a\"\r\n  s.version = \"1\"\r\n"
     "  s.version = \"2\"\r\nend\r\n",
     "a@1"},
    {"ComparisonIsNotAssignment",
     "Gem::Specification.new do |s|\n  s.name == \"b\"\n  s.name = \"a\"\n"
     "  s.version = \"1\"\nend\n",
     "a@1"},
    {"WrongReceiver",
     "Gem::Specification.new do |spec|\n    s.name = \"async\".freeze\n    s.version = \"1.25.0\"\n"
     "end\n",
     "", "g.gemspec: no spec.name assignment"},
    {"MissingVersion", "Gem::Specification.new do |s|\n    s.name = \"async\".freeze\nend\n", "",
     "g.gemspec: gem async (line 2) has no s.version assignment"},
    {"VersionConstant",
     "Gem::Specification.new do |s|\n  s.name = \"x\"\n  s.version = X::VERSION\nend\n", "",
     "g.gemspec:3: s.version is not a string literal"},
    {"Interpolation",
     "Gem::Specification.new do |s|\n  s.name = \"x\"\n  s.version = \"#{v}\"\nend\n", "",
     "g.gemspec:3: s.version is not a string literal"},
    {"UnterminatedString",
     "Gem::Specification.new do |s|\n  s.name = \"x\n  s.version = \"1\"\nend\n", "",
     "g.gemspec:2: s.name is not a string literal"},
    {"InvalidName", "Gem::Specification.new do |s|\n  s.name = \"a/b\"\n  s.version = \"1\"\nend\n",
     "", "g.gemspec:2: invalid gem name \"a/b\""},
    {"Empty", "", "", "g.gemspec: no spec.name assignment"},
};

class GemspecTest : public ::testing::TestWithParam<GemspecCase> {};

TEST_P(GemspecTest, Parses) {
  const GemspecCase& c = GetParam();
  auto r = ParseGemspec({c.text, "g.gemspec", ""});
  if (std::string(c.want).empty()) {
    ASSERT_FALSE(r.ok()) << Ids(*r).size();
    EXPECT_NE(r.status().message().find(c.error), std::string::npos) << r.status().message();
    return;
  }
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(Ids(*r), Strings{c.want});
}

INSTANTIATE_TEST_SUITE_P(Cases, GemspecTest, ::testing::ValuesIn(kGemspecCases),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(GemspecTest, PackageFields) {
  auto r =
      ParseGemspec({"Gem::Specification.new do |s|\n s.name = \"rake\"\n s.version = "
                    "\"13.0.3\"\nend\n",
                    "usr/lib/ruby/gems/3.1.0/specifications/rake-13.0.3.gemspec", ""});
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->packages.size(), 1u);
  EXPECT_EQ(r->packages[0].ecosystem, "RubyGems");
  EXPECT_EQ(r->packages[0].purl, "pkg:gem/rake@13.0.3");
  EXPECT_EQ(r->packages[0].package_manager, "gem");
  EXPECT_EQ(r->packages[0].path, "usr/lib/ruby/gems/3.1.0/specifications/rake-13.0.3.gemspec");
}

}  // namespace
}  // namespace assay::inventory
