// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include "inventory/javascript.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>


namespace assay::inventory {
namespace {

// "name@version" per package, " (dev)" appended for dev-only ones, sorted.
std::vector<std::string> Summary(const Parsed& p) {
  std::vector<std::string> out;
  for (const auto& pkg : p.packages) {
    out.push_back(pkg.name + "@" + pkg.version + (pkg.dev ? " (dev)" : ""));
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string Warnings(const Parsed& p) {
  std::string out;
  for (const auto& w : p.warnings) out += w.location + ": " + w.message + "\n";
  return out;
}

struct Case {
  const char* name;
  ParseFn parse;
  std::string_view text;
  std::vector<std::string> want;  // Summary() of the result
  std::string warning = "";       // a substring of the warnings (empty: none expected)
  std::string error = "";         // a substring of the error (empty: the parse succeeds)
};

void RunCases(const std::vector<Case>& cases, const std::string& path) {
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    auto r = c.parse({c.text, path, ""});
    if (!c.error.empty()) {
      ASSERT_FALSE(r.ok());
      EXPECT_NE(r.status().ToString().find(c.error), std::string::npos) << r.status().ToString();
      EXPECT_NE(r.status().ToString().find(path), std::string::npos) << r.status().ToString();
      continue;
    }
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(Summary(*r), c.want);
    std::string warnings = Warnings(*r);
    if (c.warning.empty()) {
      EXPECT_EQ(warnings, "");
    } else {
      EXPECT_NE(warnings.find(c.warning), std::string::npos) << warnings;
    }
  }
}

TEST(PackageLockJsonTest, Cases) {
  std::vector<Case> cases = {
      {"v1 nested, dev, alias, git and file versions", ParsePackageLockJson, R"({
        "lockfileVersion": 1,
        "dependencies": {
          "a": {"version": "1.0.0", "dependencies": {"b": {"version": "2.0.0", "dev": true}}},
          "b": {"version": "1.0.0"},
          "wrap-cjs": {"version": "npm:wrap@4.2.0"},
          "g": {"version": "git+ssh://git@github.com/x/g.git#abc"},
          "f": {"version": "file:deps/f"}
        }})",
       {"a@1.0.0", "b@1.0.0", "b@2.0.0 (dev)", "wrap@4.2.0"},
       "package-lock.json: dependencies[\"f\"]: no registry version (file:deps/f)"},
      {"v2 packages: root, nested path, alias name, dev, devOptional", ParsePackageLockJson,
       R"({
        "lockfileVersion": 2,
        "packages": {
          "": {"name": "root", "version": "1.0.0"},
          "node_modules/@s/a": {"version": "1.0.0", "dev": true},
          "node_modules/@s/a/node_modules/b": {"version": "2.0.0"},
          "node_modules/string-width-cjs": {"name": "string-width", "version": "4.2.0"},
          "node_modules/o": {"version": "3.0.0", "devOptional": true}
        },
        "dependencies": {"ignored": {"version": "9.9.9"}}})",
       {"@s/a@1.0.0 (dev)", "b@2.0.0", "o@3.0.0", "string-width@4.2.0"}},
      {"v3 workspace links take the workspace version", ParsePackageLockJson, R"({
        "lockfileVersion": 3,
        "packages": {
          "": {"name": "root", "workspaces": ["w/*"]},
          "w/one": {"version": "1.2.0"},
          "w/two": {},
          "w/one/node_modules/x": {"version": "0.1.0"},
          "node_modules/one": {"resolved": "w/one", "link": true},
          "node_modules/two": {"resolved": "w/two", "link": true},
          "node_modules/gone": {"resolved": "w/gone", "link": true},
          "deps/etag": {"version": "1.8.0", "dev": true},
          "deps/named": {"name": "real-name", "version": "2.0.0"},
          "..": {"version": "1.0.0"}
        }})",
       {"etag@1.8.0 (dev)", "one@1.2.0", "real-name@2.0.0", "x@0.1.0"}, "link to \"w/gone\", which the lockfile does not list"},
      {"same package dev and non-dev is not dev", ParsePackageLockJson, R"({
        "lockfileVersion": 3,
        "packages": {
          "node_modules/m": {"version": "1.0.0"},
          "node_modules/d/node_modules/m": {"version": "1.0.0", "dev": true}
        }})",
       {"m@1.0.0"}},
      {"different git commits of one version stay apart", ParsePackageLockJson, R"({
        "lockfileVersion": 3,
        "packages": {
          "node_modules/n": {"version": "3.0.0", "resolved": "git+ssh://git@h/n.git#aaa"},
          "node_modules/x/node_modules/n": {"version": "3.0.0",
                                            "resolved": "git+ssh://git@h/n.git#bbb"}
        }})",
       {"n@3.0.0", "n@3.0.0"}},
      {"missing version is a warning", ParsePackageLockJson,
       R"({"packages": {"node_modules/a": {}}})", {},
       "package-lock.json: packages[\"node_modules/a\"]: no version"},
      {"empty object", ParsePackageLockJson, "{}", {}},
      {"not JSON", ParsePackageLockJson, "this is not json", {}, "", "not a package-lock.json"},
      {"null", ParsePackageLockJson, "null", {}, "", "null at the top level"},
  };
  RunCases(cases, "package-lock.json");
}

TEST(PackageLockJsonTest, DeepV1NestingIsBounded) {
  std::string text = R"({"lockfileVersion":1,"dependencies":)";
  constexpr int kDepth = 1000;
  for (int i = 0; i < kDepth; ++i) text += R"({"a":{"version":"1.0.0","dependencies":)";
  text += "{}";
  for (int i = 0; i < kDepth; ++i) text += "}}";
  text += "}";
  auto r = ParsePackageLockJson({text, "package-lock.json", ""});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(Summary(*r), std::vector<std::string>{"a@1.0.0"});
  EXPECT_NE(Warnings(*r).find("nested deeper than"), std::string::npos);
}

TEST(PackageLockJsonTest, PackageFields) {
  auto r = ParsePackageLockJson(
      {R"({"packages": {"node_modules/@types/node": {"version": "20.1.0"}}})",
       "app/package-lock.json", ""});
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->packages.size(), 1u);
  const auto& p = r->packages[0];
  EXPECT_EQ(p.ecosystem, "npm");
  EXPECT_EQ(p.name, "@types/node");
  EXPECT_EQ(p.version, "20.1.0");
  EXPECT_EQ(p.purl, "pkg:npm/%40types/node@20.1.0");
  EXPECT_EQ(p.path, "app/package-lock.json");
  EXPECT_EQ(p.package_manager, "npm");
  EXPECT_FALSE(p.dev);
}

TEST(YarnLockTest, Cases) {
  std::vector<Case> cases = {
      {"v1 entries, quotes, several descriptors, scoped, alias", ParseYarnLock,
       R"(# THIS IS AN AUTOGENERATED FILE. DO NOT EDIT THIS FILE DIRECTLY.
# yarn lockfile v1


"@babel/core@^7.0.0", "@babel/core@^7.1.0":
  version "7.1.2"
  resolved "https://registry.yarnpkg.com/@babel/core/-/core-7.1.2.tgz#abc"
  dependencies:
    version "9.9.9"

lodash@^4.0.0, lodash@~4.17.0:
  version "4.17.21"

"string-width-cjs@npm:string-width@^4.2.0":
  version "4.2.3"

"local@file:./local":
  version "0.0.1"

mine@user/repo#abc:
  version "1.0.0"
)",
       {"@babel/core@7.1.2", "local@0.0.1", "lodash@4.17.21", "mine@1.0.0",
        "string-width@4.2.3"}},
      {"v1 quoted field names, the last value wins", ParseYarnLock,
       "jquery@^3.4.1:\n  version \"3.4.1\"\n  \"version\" \"3.6.0\"\n", {"jquery@3.6.0"}},
      {"v1 entry without version, unknown protocol", ParseYarnLock,
       "a@^1:\n  resolved \"x\"\n\nasap@unsupported:~2.0.6:\n  version \"2.0.6\"\n\n"
       "b@^2:\r\n  version \"2.0.0\"\r\n",
       {"b@2.0.0"}, "yarn.lock:1: no version for a"},
      {"berry: metadata, resolution names the package, root workspace and patches skipped",
       ParseYarnLock, R"(# This file is generated by running "yarn install" inside your project.

__metadata:
  version: 8
  cacheKey: 10c0

"babel-hvi@npm:@babel/helper-validator-identifier@^7.0.0":
  version: 7.22.20
  resolution: "@babel/helper-validator-identifier@npm:7.22.20"
  languageName: node
  linkType: hard

"assert-plus@npm:1.0.0, assert-plus@npm:^1.0.0":
  version: 1.0.0
  resolution: "assert-plus@npm:1.0.0"
  dependencies:
    version: 9.9.9

"@ws/lib@workspace:^, @ws/lib@workspace:lib":
  version: 0.0.0-use.local
  resolution: "@ws/lib@workspace:lib"

"app@workspace:.":
  version: 0.0.0-use.local
  resolution: "app@workspace:."

"fsevents@patch:fsevents@~2.1.2#builtin<compat/fsevents>":
  version: 2.1.3
  resolution: "fsevents@patch:fsevents@npm%3A2.1.3#builtin<compat/fsevents>::version=2.1.3"
)",
       {"@babel/helper-validator-identifier@7.22.20", "@ws/lib@0.0.0-use.local",
        "assert-plus@1.0.0"}},
      {"empty", ParseYarnLock, "", {}},
      {"comments only", ParseYarnLock, "# yarn lockfile v1\n\n", {}},
      {"not a yarn.lock", ParseYarnLock, "this is not a lockfile\nnor this\n", {}, "",
       "yarn.lock: not a yarn.lock (line 1"},
  };
  RunCases(cases, "yarn.lock");
}

TEST(PnpmLockTest, Cases) {
  std::vector<Case> cases = {
      {"v5: slash paths, hosts, peer suffixes, name/version fields, dev", ParsePnpmLock,
       R"(lockfileVersion: 5.4
packages:
  /foo/1.0.0:
    dev: false
  /@foo/bar/1.0.0:
    dev: true
  registry.npmjs.org/foo/1.1.0: {}
  /foo/1.4.0_@types+babel__core@7.1.14:
    dev: true
  github.com/kevva/is-positive:
    dev: false
  file:projects/a.tgz:
    name: my-file-package
    version: 0.0.0
    dev: false
)",
       {"@foo/bar@1.0.0 (dev)", "foo@1.0.0", "foo@1.1.0", "foo@1.4.0 (dev)",
        "my-file-package@0.0.0"},
       "pnpm-lock.yaml:10: no version for \"github.com/kevva/is-positive\""},
      {"v6: at paths with peer parentheses", ParsePnpmLock, R"(lockfileVersion: '6.0'
packages:
  /react-dom@18.2.0(react@18.2.0):
    dev: false
  /@types/node@20.1.0:
    dev: true
  '@github.com/debug-js/debug/tarball/4.3.4':
    name: debug
    version: 4.3.4
)",
       {"@types/node@20.1.0 (dev)", "debug@4.3.4", "react-dom@18.2.0"}},
      {"v9: dev-only computed from importers through snapshots", ParsePnpmLock,
       R"(lockfileVersion: '9.0'
importers:
  .:
    dependencies:
      a:
        specifier: ^1.0.0
        version: 1.0.0(p@2.0.0)
      w:
        specifier: workspace:*
        version: link:packages/w
    devDependencies:
      d:
        specifier: ^1.0.0
        version: 1.0.0
      alias:
        specifier: npm:e@^3
        version: e@3.0.0
packages:
  a@1.0.0:
    resolution: {integrity: sha512-x}
  p@2.0.0: {}
  d@1.0.0: {}
  s@1.0.0: {}
  e@3.0.0: {}
  t@https://codeload.github.com/x/t/tar.gz/abc:
    version: 0.4.0
  u@file:u:
    resolution: {directory: u, type: directory}
snapshots:
  a@1.0.0(p@2.0.0):
    dependencies:
      p: 2.0.0
      s: 1.0.0
  p@2.0.0: {}
  d@1.0.0:
    dependencies:
      s: 1.0.0
      p: 2.0.0
  s@1.0.0: {}
  e@3.0.0: {}
)",
       {"a@1.0.0", "d@1.0.0 (dev)", "e@3.0.0 (dev)", "p@2.0.0", "s@1.0.0", "t@0.4.0"},
       "no version for \"u@file:u\""},
      {"v9: the last document is the project's", ParsePnpmLock, R"(lockfileVersion: '9.0'
packages:
  pnpm@11.9.0: {}
---
lockfileVersion: '9.0'
packages:
  is-number@7.0.0: {}
)",
       {"is-number@7.0.0"}},
      {"empty", ParsePnpmLock, "# nothing here\n", {}},
      {"no packages", ParsePnpmLock, "lockfileVersion: 5.3\npackages:\n", {}},
      {"v5 key without a slash is no dependency path", ParsePnpmLock,
       "lockfileVersion: 5.4\npackages:\n  /a/1.0.0: {}\n  axios@1.2.5: {}\n", {}, "",
       "pnpm-lock.yaml:4: \"axios@1.2.5\" is not a pnpm dependency path"},
      {"v9 key without a version", ParsePnpmLock,
       "lockfileVersion: '9.0'\npackages:\n  invalidpath: {}\n", {}, "",
       "is not a pnpm dependency path"},
      {"line numbers count from the file's start", ParsePnpmLock,
       "lockfileVersion: 5.4\n---\nlockfileVersion: 5.4\npackages:\n  axios@1.2.5: {}\n", {}, "",
       "pnpm-lock.yaml:5: \"axios@1.2.5\" is not a pnpm dependency path"},
      {"not YAML map", ParsePnpmLock, "this is not valid yaml!\n", {}, "",
       "not a pnpm lockfile"},
      {"broken YAML", ParsePnpmLock, "packages: [\n", {}, "", "not a pnpm lockfile"},
      {"packages is a list", ParsePnpmLock, "packages:\n  - a\n", {}, "",
       "pnpm-lock.yaml:2: `packages` is not a map"},
  };
  RunCases(cases, "pnpm-lock.yaml");
}

// YAML::LoadAll of yaml-cpp 0.7 never returns on this input.
TEST(PnpmLockTest, MalformedInputTerminates) {
  constexpr std::string_view kInput =
      ",\035\276'\365G\336\212\341\2307\355\222 \334s\\5\326\372\352g\332\370\354 ";
  auto r = ParsePnpmLock({kInput, "pnpm-lock.yaml", ""});
  if (r.ok()) {
    EXPECT_TRUE(r->packages.empty());
  }
}

TEST(BunLockTest, Cases) {
  std::vector<Case> cases = {
      {"packages, scoped, alias, nested, git, workspace, comments, trailing commas",
       ParseBunLock, R"({
  // bun writes JSONC
  "lockfileVersion": 1,
  "workspaces": {
    "": {
      "name": "app",
      "dependencies": { "chalk": "^4", "old": "npm:supports-color@^6", },
      "devDependencies": { "@types/bun": "latest", "g": "github:x/g", },
    },
    "packages/lib": { "name": "lib", "version": "1.0.0", "dependencies": { "ms": "^2" } },
  },
  "packages": {
    "chalk": ["chalk@4.1.2", "", { "dependencies": { "has-flag": "^4.0.0" } }, "sha512-x"],
    "has-flag": ["has-flag@4.0.0", "", {}, "sha512-x"],
    "old": ["supports-color@6.1.0", "", { "dependencies": { "has-flag": "^3" } }, "sha"],
    "old/has-flag": ["has-flag@3.0.0", "", {}, "sha512-x"], /* nested copy */
    "@types/bun": ["@types/bun@1.2.13", "", { "dependencies": { "bun-types": "1.2.13" } }, ""],
    "bun-types": ["bun-types@1.2.13", { "dependencies": { "has-flag": "*" } }, "sha512-x"],
    "g": ["g@github:x/g#527e8ce", {}, "x-g-527e8ce"],
    "lib": ["lib@workspace:packages/lib"],
    "ms": ["ms@2.1.3", "", {}, "sha512-x"],
  },
})",
       {"@types/bun@1.2.13 (dev)", "bun-types@1.2.13 (dev)", "chalk@4.1.2", "has-flag@3.0.0",
        "has-flag@4.0.0", "lib@1.0.0", "ms@2.1.3", "supports-color@6.1.0"},
       "bun.lock: packages[\"g\"]: no registry version (github:x/g#527e8ce)"},
      {"empty object", ParseBunLock, "{}", {}},
      {"string with comment markers and commas", ParseBunLock,
       R"({"packages": {"a": ["a@1.0.0", "https://x//y,]", {}, "/*"],},})", {"a@1.0.0"}},
      {"bad tuple", ParseBunLock,
       R"({"packages": {"a": ["a@1.0.0"], "b": [123, "", {}]}})", {}, "",
       "bun.lock: packages[\"b\"] is not a [\"name@version\", ...] tuple"},
      {"lockfileVersion not a number", ParseBunLock, R"({"lockfileVersion": "x",})", {}, "",
       "lockfileVersion is not a number"},
      {"unterminated comment", ParseBunLock, "{ /* ", {}, "", "unterminated comment"},
      {"not JSON", ParseBunLock, "this is not json!", {}, "", "not a bun.lock"},
  };
  RunCases(cases, "bun.lock");
}

TEST(PackageJsonTest, Cases) {
  std::vector<Case> cases = {
      {"installed package", ParsePackageJson,
       R"({"name": "@scope/pkg", "version": "1.2.3", "dependencies": {"a": "^1"}})",
       {"@scope/pkg@1.2.3"}},
      {"no version", ParsePackageJson, R"({"name": "app", "private": true})", {}, "",
       "not an installed package"},
      {"not an object", ParsePackageJson, "[]", {}, "", "not an installed package"},
      {"not JSON", ParsePackageJson, "{", {}, "", "not a package.json"},
      {"bad name", ParsePackageJson, R"({"name": "a b", "version": "1.0.0"})", {},
       "not a package name"},
  };
  RunCases(cases, "node_modules/pkg/package.json");
}

}  // namespace
}  // namespace assay::inventory
