// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// The language collector's walk over small synthetic trees: which files it hands to which
// parser, what it leaves alone (OS-owned files, lockfiles inside node_modules, skipped and
// pseudo-filesystem directories, symlinks), and executables found by their bytes.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "base/file.h"
#include "base/testing/conformance.h"
#include "inventory/collector.h"
#include "inventory/internal/test_tree.h"

namespace assay::inventory {
namespace {

using internal::Tree;
namespace stdfs = std::filesystem;

constexpr std::string_view kMetadata = "Metadata-Version: 2.1\nName: requests\nVersion: 2.31.0\n";
constexpr std::string_view kComposerLock = R"({
  "packages": [{"name": "monolog/monolog", "version": "2.9.1"}],
  "packages-dev": [{"name": "phpunit/phpunit", "version": "9.6.0"}]
})";

CollectOptions LangOnly() {
  CollectOptions o;
  o.collectors = {"lang"};
  return o;
}

// "ecosystem name version path" of each package, sorted.
std::vector<std::string> Listed(const model::Inventory& inv) {
  std::vector<std::string> out;
  for (const auto& p : inv.packages) {
    out.push_back(p.ecosystem + " " + p.name + " " + p.version + " " + p.path +
                  (p.dev ? " dev" : ""));
  }
  std::sort(out.begin(), out.end());
  return out;
}

// The warnings of the language walk (these trees have no OS: DetectOs's warning is left out).
std::vector<std::string> WalkWarnings(const model::Inventory& inv) {
  std::vector<std::string> out;
  for (const auto& w : inv.warnings) {
    if (w.message.rfind("unknown operating system", 0) == 0) continue;
    out.push_back(w.location + ": " + w.message);
  }
  return out;
}

TEST(LanguageCollectorTest, FindsFilesByName) {
  Tree t;
  t.File("srv/app/vendor/composer/installed.json",
         R"({"packages": [{"name": "psr/log", "version": "3.0.0"}]})")
      .File("srv/app/composer.lock", kComposerLock)
      .File("usr/local/lib/python3.11/site-packages/requests-2.31.0.dist-info/METADATA", kMetadata)
      .File("opt/web/node_modules/left-pad/package.json",
            R"({"name": "left-pad", "version": "1.3.0"})")
      .File("opt/web/node_modules/@scope/pkg/package.json",
            R"({"name": "@scope/pkg", "version": "2.0.0"})")
      .File("opt/web/package.json", R"({"name": "web", "version": "0.0.1"})")
      .File("srv/app/README.md", "composer.lock");
  model::Inventory inv = t.Collect(LangOnly());
  EXPECT_EQ(Listed(inv), (std::vector<std::string>{
                             "Packagist monolog/monolog 2.9.1 srv/app/composer.lock",
                             "Packagist psr/log 3.0.0 srv/app/vendor/composer/installed.json",
                             "PyPI requests 2.31.0 usr/local/lib/python3.11/site-packages/"
                             "requests-2.31.0.dist-info/METADATA",
                             "npm @scope/pkg 2.0.0 opt/web/node_modules/@scope/pkg/package.json",
                             "npm left-pad 1.3.0 opt/web/node_modules/left-pad/package.json",
                         }));
  ASSERT_EQ(inv.collectors.size(), 1u);
  EXPECT_EQ(inv.collectors[0].rfind("lang@", 0), 0u);
}

// Files a parsed file refers to are read through the same Fs: requirements.txt includes and
// constraints, the go.sum of an old go.mod. A requirements file read on its own and through an
// include is reported once; a name that climbs out of the root is a warning.
TEST(LanguageCollectorTest, FollowsReferencesInsideTheRoot) {
  Tree t;
  t.File("srv/app/requirements.txt",
         "-r requirements/base.txt\n-c constraints.txt\nrequests\n-r sub/requirements.txt\n"
         "-r ../../../outside.txt\n-r /opt/shared/extra.txt\n")
      .File("srv/app/requirements/base.txt", "django==4.2\n")
      .File("srv/app/constraints.txt", "requests==2.31.0\nnumpy==1.26.0\n")
      .File("srv/app/sub/requirements.txt", "flask==2.0\n")
      .File("opt/shared/extra.txt", "six==1.16.0\n")
      .File("mod/go.mod", "module m\n\ngo 1.16\n\nrequire github.com/sirupsen/logrus v1.9.3\n")
      .File("mod/go.sum",
            "github.com/sirupsen/logrus v1.9.3 h1:a=\ngithub.com/stretchr/testify v1.7.0 h1:b=\n"
            "github.com/stretchr/testify v1.7.0/go.mod h1:c=\n");
  model::Inventory inv = t.Collect(LangOnly());
  EXPECT_EQ(Listed(inv), (std::vector<std::string>{
                             "Go github.com/sirupsen/logrus 1.9.3 mod/go.mod",
                             "Go github.com/stretchr/testify 1.7.0 mod/go.sum",
                             "Go stdlib 1.16 mod/go.mod",
                             "PyPI django 4.2 srv/app/requirements/base.txt",
                             "PyPI flask 2.0 srv/app/sub/requirements.txt",
                             "PyPI requests 2.31.0 srv/app/constraints.txt",
                             "PyPI six 1.16.0 opt/shared/extra.txt",
                         }));
  EXPECT_EQ(WalkWarnings(inv),
            (std::vector<std::string>{
                "srv/app/requirements.txt:5: requirements file \"../../../outside.txt\" (-r) "
                "cannot be read: ../outside.txt: outside the scanned tree"}));
}

TEST(LanguageCollectorTest, ImageLayersKeepLikelyIncludes) {
  for (const char* rel : {"app/requirements.txt", "app/requirements-dev.txt",
                          "app/requirements/base.txt", "app/constraints.txt", "app/go.sum"}) {
    EXPECT_TRUE(LanguageFileByPath(rel)) << rel;
  }
  for (const char* rel : {"app/notes.txt", "app/requirements.in", "app/CMakeLists.txt",
                          "web/node_modules/x/requirements.txt"}) {
    EXPECT_FALSE(LanguageFileByPath(rel)) << rel;
  }
}

TEST(LanguageCollectorTest, LockfileCoversItsNodeModules) {
  Tree t;
  t.File("web/package-lock.json", R"({"lockfileVersion": 3, "packages": {
           "": {"name": "web"}, "node_modules/left-pad": {"version": "1.3.0"}}})")
      .File("web/node_modules/left-pad/package.json", R"({"name": "left-pad", "version": "1.3.0"})")
      .File("other/node_modules/is-odd/package.json", R"({"name": "is-odd", "version": "3.0.1"})");
  EXPECT_EQ(Listed(t.Collect(LangOnly())),
            (std::vector<std::string>{
                "npm is-odd 3.0.1 other/node_modules/is-odd/package.json",
                "npm left-pad 1.3.0 web/package-lock.json",
            }));
}

TEST(LanguageCollectorTest, DevDependenciesOnlyWhenAsked) {
  Tree t;
  t.File("app/composer.lock", kComposerLock);
  EXPECT_EQ(t.Collect(LangOnly()).packages.size(), 1u);
  CollectOptions with_dev = LangOnly();
  with_dev.include_dev = true;
  EXPECT_EQ(Listed(t.Collect(with_dev)),
            (std::vector<std::string>{"Packagist monolog/monolog 2.9.1 app/composer.lock",
                                      "Packagist phpunit/phpunit 9.6.0 app/composer.lock dev"}));
}

TEST(LanguageCollectorTest, LeavesOsOwnedFilesToTheDistribution) {
  const std::string dist = "usr/lib/python3/dist-packages/requests-2.28.1.dist-info/METADATA";
  Tree t;
  t.File(dist, kMetadata)
      .File("var/lib/dpkg/info/python3-requests.list",
            "/.\n/usr\n/" + dist + "\n/usr/share/doc/python3-requests\n")
      // Merged /usr: dpkg lists /lib/..., the walk finds usr/lib/...
      .File("usr/lib/node_modules/npm/package.json", R"({"name": "npm", "version": "9.2.0"})")
      .File("var/lib/dpkg/info/npm.list", "/lib/node_modules/npm/package.json\n")
      .File("usr/local/lib/python3.11/dist-packages/six-1.16.0.dist-info/METADATA",
            "Name: six\nVersion: 1.16.0\n");
  EXPECT_EQ(Listed(t.Collect(LangOnly())),
            (std::vector<std::string>{"PyPI six 1.16.0 usr/local/lib/python3.11/dist-packages/"
                                      "six-1.16.0.dist-info/METADATA"}));
}

TEST(LanguageCollectorTest, ApkOwnedFiles) {
  Tree t;
  t.File("usr/lib/python3.11/site-packages/six-1.16.0.dist-info/METADATA",
         "Name: six\nVersion: 1.16.0\n")
      .File("lib/apk/db/installed",
            "P:py3-six\nV:1.16.0-r4\nF:usr/lib/python3.11/site-packages/six-1.16.0.dist-info\n"
            "R:METADATA\n\n");
  EXPECT_TRUE(t.Collect(LangOnly()).packages.empty());
}

TEST(LanguageCollectorTest, SkipsWhatItMustNotRead) {
  Tree t;
  t.File("proc/1/root/app/composer.lock", kComposerLock)
      .File("sys/x/composer.lock", kComposerLock)
      .File("data/cache/composer.lock", kComposerLock)
      .File("app/node_modules/dep/composer.lock", kComposerLock)
      .File("app/.git/composer.lock", kComposerLock)
      .File("elsewhere/composer.lock", kComposerLock)
      .Symlink("../elsewhere", "app/linked");
  CollectOptions o = LangOnly();
  o.skip_paths = {"/data/cache/", "elsewhere"};
  model::Inventory inv = t.Collect(o);
  EXPECT_TRUE(inv.packages.empty()) << Listed(inv).front();
  EXPECT_TRUE(WalkWarnings(inv).empty()) << WalkWarnings(inv).front();
}

TEST(LanguageCollectorTest, UnparsableFileIsAWarning) {
  Tree t;
  t.File("app/composer.lock", "{not json");
  model::Inventory inv = t.Collect(LangOnly());
  EXPECT_TRUE(inv.packages.empty());
  ASSERT_EQ(WalkWarnings(inv).size(), 1u);
  EXPECT_EQ(WalkWarnings(inv)[0].rfind("app/composer.lock", 0), 0u) << WalkWarnings(inv)[0];
}

// Files are handled in walk order, depth first with names in bytewise order, however the
// directories were listed: the order of the warnings shows it.
TEST(LanguageCollectorTest, WalkOrderIsDepthFirstByName) {
  std::vector<std::string> dirs = {"a", "a/b", "a/b/c", "a/b-c", "a-b", "a.b", "b"};
  for (int i = 0; i < 300; ++i) {
    dirs.push_back("w/d" + std::to_string(1000 + i));
    if (i % 7 == 0) dirs.push_back("w/d" + std::to_string(1000 + i) + "/deeper/still");
  }
  Tree t;
  for (auto it = dirs.rbegin(); it != dirs.rend(); ++it) t.File(*it + "/composer.lock", "{x");
  std::vector<std::string> want;
  for (const std::string& d : dirs) want.push_back(d + "/composer.lock");
  std::sort(want.begin() + 7, want.end());  // "w/d1000" < "w/d1000/deeper/still" < "w/d1001"
  for (int run = 0; run < 3; ++run) {
    std::vector<std::string> got;
    for (const std::string& w : WalkWarnings(t.Collect(LangOnly()))) {
      got.push_back(w.substr(0, w.find(": ")));
    }
    ASSERT_EQ(got, want);
  }
}

// Executables are recognised by their bytes, whatever their name: with an execute bit, or
// large enough (a tree copied without modes); a small script with an execute bit is not one.
TEST(LanguageCollectorTest, GoBinariesByMagicBytes) {
  auto dir = testing::ConformanceDir();
  if (!dir) GTEST_SKIP() << "conformance corpus absent";
  const stdfs::path elf =
      *dir / "parsers/fixtures/trivy/dependency/parser/golang/binary/testdata/test.elf";
  if (!stdfs::exists(elf)) GTEST_SKIP() << elf << " absent";
  Tree t;
  t.Copy(elf, "usr/local/bin/tool")
      .Mode("usr/local/bin/tool", stdfs::perms::owner_all | stdfs::perms::group_exec)
      .Copy(elf, "srv/copied-without-modes.dat")
      .Mode("srv/copied-without-modes.dat", stdfs::perms::owner_read)
      .File("usr/local/bin/script", "#!/bin/sh\necho hi\n")
      .Mode("usr/local/bin/script", stdfs::perms::owner_all);
  model::Inventory inv = t.Collect(LangOnly());
  ASSERT_FALSE(inv.packages.empty());
  std::set<std::string> paths;
  for (const auto& p : inv.packages) {
    EXPECT_EQ(p.ecosystem, "Go");
    paths.insert(p.path);
  }
  EXPECT_EQ(paths, (std::set<std::string>{"srv/copied-without-modes.dat", "usr/local/bin/tool"}));
  for (const std::string& w : WalkWarnings(inv)) {
    // The parser's own remarks (an unversioned main module) are fine; read errors are not.
    EXPECT_EQ(w.find("cannot read"), std::string::npos) << w;
  }
}

}  // namespace
}  // namespace assay::inventory
