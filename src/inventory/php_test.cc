// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include "inventory/php.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace assay::inventory {
namespace {

using Strings = std::vector<std::string>;

// "name@version" with " (dev)" for dev packages.
Strings Ids(const Parsed& p) {
  Strings out;
  for (const auto& pkg : p.packages) {
    out.push_back(pkg.name + "@" + pkg.version + (pkg.dev ? " (dev)" : ""));
  }
  return out;
}

Strings Warnings(const Parsed& p) {
  Strings out;
  for (const auto& w : p.warnings) out.push_back(w.location + ": " + w.message);
  return out;
}

struct Case {
  const char* name;
  const char* text;
  Strings want;       // packages; unused when `error` is set
  Strings warnings;   // "location: message"
  const char* error;  // substring of the error, or nullptr
};

const Case kLockCases[] = {
    {"Empty", R"({"packages": [], "packages-dev": []})", {}, {}, nullptr},
    {"ProdAndDev",
     R"({"packages": [{"name": "sentry/sdk", "version": "2.0.4"}],
         "packages-dev": [{"name": "theseer/tokenizer", "version": "1.1.3"}]})",
     {"sentry/sdk@2.0.4", "theseer/tokenizer@1.1.3 (dev)"},
     {},
     nullptr},
    {"VersionAsWritten",
     R"({"packages": [{"name": "symfony/polyfill-php72", "version": "v1.27.0"},
                      {"name": "acme/x", "version": "dev-master"}]})",
     {"symfony/polyfill-php72@v1.27.0", "acme/x@dev-master"},
     {},
     nullptr},
    {"DuplicatesAndDevMerge",
     R"({"packages": [{"name": "a/b", "version": "1.0"}, {"name": "a/b", "version": "1.0"},
                      {"name": "a/b", "version": "2.0"}],
         "packages-dev": [{"name": "a/b", "version": "1.0"}, {"name": "a/b", "version": "3.0"}]})",
     {"a/b@1.0", "a/b@2.0", "a/b@3.0 (dev)"},
     {},
     nullptr},
    {"NullLists", R"({"packages": null, "packages-dev": null})", {}, {}, nullptr},
    {"BadEntries",
     R"({"packages": [1, {"version": "1"}, {"name": "a/b"}, {"name": "c/d", "version": 2},
                      {"name": "e/f", "version": "1.0"}],
         "packages-dev": {}})",
     {"e/f@1.0"},
     {"c.lock: packages[0]: package entry is not an object; skipped",
      "c.lock: packages[1]: package without a \"name\"; skipped",
      "c.lock: packages[2]: package a/b has no \"version\"; skipped",
      "c.lock: packages[3]: package c/d has no \"version\"; skipped",
      "c.lock: packages-dev: \"packages-dev\" is not an array; ignored"},
     nullptr},
    {"NotJson", "this is not json", {}, {}, "c.lock: not a composer.lock (JSON)"},
    {"Null", "null", {}, {}, "c.lock: not a composer.lock (the top level is not an object)"},
    {"OtherObject", R"({"name": "x"})", {}, {}, "neither \"packages\" nor \"packages-dev\""},
};

class ComposerLockTest : public ::testing::TestWithParam<Case> {};

TEST_P(ComposerLockTest, Parses) {
  const Case& c = GetParam();
  auto r = ParseComposerLock({c.text, "c.lock", ""});
  if (c.error != nullptr) {
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.status().message().find(c.error), std::string::npos) << r.status().message();
    return;
  }
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(Ids(*r), c.want);
  EXPECT_EQ(Warnings(*r), c.warnings);
}

INSTANTIATE_TEST_SUITE_P(Cases, ComposerLockTest, ::testing::ValuesIn(kLockCases),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(ComposerLockTest, PackageFields) {
  auto r =
      ParseComposerLock({R"({"packages": [{"name": "guzzlehttp/guzzle", "version": "6.5.8"}]})",
                         "app/composer.lock", ""});
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->packages.size(), 1u);
  const auto& p = r->packages[0];
  EXPECT_EQ(p.ecosystem, "Packagist");
  EXPECT_EQ(p.purl, "pkg:composer/guzzlehttp/guzzle@6.5.8");
  EXPECT_EQ(p.path, "app/composer.lock");
  EXPECT_EQ(p.package_manager, "composer");
}

const Case kInstalledCases[] = {
    {"Composer2",
     R"({"packages": [{"name": "psr/log", "version": "3.0.0", "version_normalized": "3.0.0.0"},
                      {"name": "phpunit/phpunit", "version": "10.5.1"}],
         "dev": true, "dev-package-names": ["phpunit/phpunit"]})",
     {"psr/log@3.0.0", "phpunit/phpunit@10.5.1 (dev)"},
     {},
     nullptr},
    {"Composer2NoDevNames",
     R"({"packages": [{"name": "psr/log", "version": "3.0.0"}]})",
     {"psr/log@3.0.0"},
     {},
     nullptr},
    {"Composer1",
     R"([{"name": "psr/log", "version": "1.1.4"},
         {"name": "monolog/monolog", "version": "2.9.1"}])",
     {"psr/log@1.1.4", "monolog/monolog@2.9.1"},
     {},
     nullptr},
    {"EmptyComposer1", "[]", {}, {}, nullptr},
    {"BadDevNames",
     R"({"packages": [{"name": "psr/log", "version": "3.0.0"}], "dev-package-names": "x"})",
     {"psr/log@3.0.0"},
     {"vendor/composer/installed.json: dev-package-names: not an array; no package is marked dev"},
     nullptr},
    {"MissingVersion",
     R"([{"name": "psr/log"}])",
     {},
     {"vendor/composer/installed.json: packages[0]: package psr/log has no \"version\"; skipped"},
     nullptr},
    {"NoPackages", R"({"dev": true})", {}, {}, "(no \"packages\")"},
    {"Scalar", "42", {}, {}, "neither an object nor an array"},
    {"Truncated", R"({"packages": [)", {}, {}, "not a Composer installed.json (JSON)"},
};

class ComposerInstalledTest : public ::testing::TestWithParam<Case> {};

TEST_P(ComposerInstalledTest, Parses) {
  const Case& c = GetParam();
  auto r = ParseComposerInstalled({c.text, "vendor/composer/installed.json", ""});
  if (c.error != nullptr) {
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.status().message().find(c.error), std::string::npos) << r.status().message();
    EXPECT_NE(r.status().message().find("vendor/composer/installed.json"), std::string::npos);
    return;
  }
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(Ids(*r), c.want);
  EXPECT_EQ(Warnings(*r), c.warnings);
  for (const auto& p : r->packages) EXPECT_EQ(p.package_manager, "composer");
}

INSTANTIATE_TEST_SUITE_P(Cases, ComposerInstalledTest, ::testing::ValuesIn(kInstalledCases),
                         [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace assay::inventory
