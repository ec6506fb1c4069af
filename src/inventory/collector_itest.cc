// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// Collection from the real root filesystem excerpts in the shared data set
// (../shared/data/scan-targets; skipped when absent):
//  - Golden: each target's inventory JSON must equal testdata/golden/<target>.inventory.json.
//    Run with ASSAY_UPDATE_GOLDEN=1 to rewrite the goldens, then review the diff.
//  - ReadOnly: a collection leaves a copied target byte-identical, with the same modes, mtimes,
//    ctimes and access times, and creates nothing.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "base/file.h"
#include "base/sha256.h"
#include "base/testing/conformance.h"
#include "inventory/collector.h"
#include "inventory/fs.h"
#include "inventory/inventory_json.h"
#include "model/ecosystem.h"

namespace assay::inventory {
namespace {

namespace stdfs = std::filesystem;

// The language targets: lockfiles, an installed node_modules tree and a Go binary, no OS.
const std::vector<std::string>& LanguageTargets() {
  static const std::vector<std::string> targets = {
      "cargo-trivy-normal", "composer-trivy-happy", "gem-rails-lock",    "go-binary-trivy",
      "go-sum-trivy",       "npm-node-modules",     "pypi-pipfile-many", "pypi-uv-normal",
  };
  return targets;
}

bool IsOsPackage(const model::Package& p) {
  return p.package_manager == "dpkg" || p.package_manager == "apk" || p.package_manager == "rpm";
}

// The root filesystem targets (with an OS package database).
const std::vector<std::string>& RootfsTargets() {
  static const std::vector<std::string> targets = {
      "alpine3.3-min-node",       "alpine3.4-haconiwa-image", "alpine3.4-trivy-apk",
      "debian8-jira-image",       "debian9-glpi-image",       "debian10-drupal-image",
      "debian10-sudo-osvscanner", "debian11-flask-image",     "debian12-this-machine",
      "ubuntu14.04-base-armhf",   "ubuntu18.04-c11-image",    "ubuntu18.04-trivy-valid",
  };
  return targets;
}

std::optional<stdfs::path> ScanTargets() {
  auto data = testing::SharedDataDir();
  if (!data || !stdfs::is_directory(*data / "scan-targets")) return std::nullopt;
  return *data / "scan-targets";
}

bool UpdateGolden() {
  const char* env = std::getenv("ASSAY_UPDATE_GOLDEN");
  return env != nullptr && std::string(env) == "1";
}

stdfs::path GoldenPath(const std::string& target) {
  return testing::SourceDir() / "src/inventory/testdata/golden" / (target + ".inventory.json");
}

base::Result<model::Inventory> Collect(const stdfs::path& root) {
  ASSAY_ASSIGN_OR_RETURN(std::unique_ptr<Fs> fs, OpenDirFs(root));
  return CollectInventory(*fs, CollectOptions{});
}

// The first differing line of two texts, for a readable failure.
std::string FirstDifference(const std::string& want, const std::string& got) {
  std::istringstream a(want), b(got);
  std::string la, lb;
  for (int line = 1;; ++line) {
    bool ea = !std::getline(a, la);
    bool eb = !std::getline(b, lb);
    if (ea && eb) return "identical";
    if (ea || eb || la != lb) {
      return "line " + std::to_string(line) + ":\n  golden: " + (ea ? "<end>" : la) +
             "\n  got:    " + (eb ? "<end>" : lb);
    }
  }
}

TEST(CollectorGoldenTest, ScanTargets) {
  auto targets = ScanTargets();
  if (!targets) GTEST_SKIP() << "shared data set not found";
  const bool update = UpdateGolden();
  std::printf("\n%-26s %-18s %8s %8s\n", "target", "ecosystem", "packages", "warnings");
  std::vector<std::string> all = RootfsTargets();
  all.insert(all.end(), LanguageTargets().begin(), LanguageTargets().end());
  for (const std::string& target : all) {
    SCOPED_TRACE(target);
    const bool os_target = std::find(RootfsTargets().begin(), RootfsTargets().end(), target) !=
                           RootfsTargets().end();
    stdfs::path root = *targets / target;
    ASSERT_TRUE(stdfs::is_directory(root)) << root;
    base::Result<model::Inventory> inv = Collect(root);
    ASSERT_TRUE(inv.ok()) << inv.status().ToString();
    std::printf("%-26s %-18s %8zu %8zu\n", target.c_str(), inv->os.ecosystem.c_str(),
                inv->packages.size(), inv->warnings.size());

    // Shape checks that hold for every target, golden or not.
    EXPECT_EQ(inv->os.known(), os_target);
    EXPECT_FALSE(inv->packages.empty());
    std::set<std::tuple<std::string, std::string, std::string, std::string>> seen;
    for (const auto& p : inv->packages) {
      EXPECT_FALSE(p.version.empty()) << p.name;
      EXPECT_FALSE(p.purl.empty()) << p.name;
      if (IsOsPackage(p)) {
        EXPECT_EQ(p.ecosystem, inv->os.ecosystem) << p.name;
        EXPECT_TRUE(p.path == "var/lib/dpkg/status" || p.path == "lib/apk/db/installed")
            << p.path;
      } else {
        EXPECT_FALSE(model::IsOsEcosystem(model::SplitEcosystem(p.ecosystem).base)) << p.name;
      }
      EXPECT_TRUE(seen.insert({p.name, p.arch, p.version, p.path}).second)
          << "duplicate " << p.name;
    }

    std::string got = InventoryToJsonText(*inv);
    stdfs::path golden = GoldenPath(target);
    if (update) {
      stdfs::create_directories(golden.parent_path());
      base::Status s = base::WriteFileAtomic(golden, got);
      EXPECT_TRUE(s.ok()) << s.ToString();
      continue;
    }
    auto want = base::ReadFile(golden);
    ASSERT_TRUE(want.ok()) << want.status().ToString()
                           << " (run with ASSAY_UPDATE_GOLDEN=1 to create it)";
    EXPECT_TRUE(*want == got) << golden << " differs at " << FirstDifference(*want, got);
    // The golden also decodes back to the same inventory.
    auto decoded = InventoryFromJsonText(*want);
    ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
    EXPECT_EQ(InventoryToJsonText(*decoded), *want);
  }
  std::fflush(stdout);
}

// ---- read-only ----

struct Meta {
  mode_t mode = 0;
  off_t size = 0;
  timespec mtime{}, atime{}, ctime{};
  std::string link;  // symlink target
};

bool operator==(const timespec& a, const timespec& b) {
  return a.tv_sec == b.tv_sec && a.tv_nsec == b.tv_nsec;
}

std::string Show(const timespec& t) {
  return std::to_string(t.tv_sec) + "." + std::to_string(t.tv_nsec);
}

// Every path under `root` (relative), in sorted order. Reading directories touches their
// atimes, so callers list before setting atimes.
std::vector<std::string> ListTree(const stdfs::path& root) {
  std::vector<std::string> out;
  for (const auto& e : stdfs::recursive_directory_iterator(root)) {
    out.push_back(stdfs::relative(e.path(), root).string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

Meta Lstat(const stdfs::path& p) {
  struct stat st;
  EXPECT_EQ(::lstat(p.c_str(), &st), 0) << p;
  Meta m;
  m.mode = st.st_mode;
  m.size = st.st_size;
  m.mtime = st.st_mtim;
  m.atime = st.st_atim;
  m.ctime = st.st_ctim;
  if (S_ISLNK(st.st_mode)) m.link = stdfs::read_symlink(p).string();
  return m;
}

// SHA-256 of every regular file. Hashing reads files and so moves atimes: it runs before the
// atimes are set and after they are compared.
std::map<std::string, std::string> Hashes(const stdfs::path& root,
                                          const std::vector<std::string>& paths) {
  std::map<std::string, std::string> out;
  for (const auto& rel : paths) {
    stdfs::path p = root / rel;
    if (!stdfs::is_regular_file(stdfs::symlink_status(p))) continue;
    auto h = base::Sha256FileHex(p);
    EXPECT_TRUE(h.ok()) << rel;
    out[rel] = h.value_or("");
  }
  return out;
}

// Copies `from` to `to` keeping modes and mtimes (std::filesystem::copy keeps neither mtime).
void CopyTree(const stdfs::path& from, const stdfs::path& to) {
  stdfs::copy(from, to, stdfs::copy_options::recursive | stdfs::copy_options::copy_symlinks);
  std::vector<std::string> paths = ListTree(to);
  // The shared targets are read-only; the copy's directories get owner write permission so the
  // test can add entries and remove the copy without privileges.
  for (const auto& rel : paths) {
    if (stdfs::is_directory(stdfs::symlink_status(to / rel))) {
      stdfs::permissions(to / rel, stdfs::perms::owner_write, stdfs::perm_options::add);
    }
  }
  stdfs::permissions(to, stdfs::perms::owner_write, stdfs::perm_options::add);
  // Deepest first, so setting a file's times does not change its directory's afterwards.
  for (auto it = paths.rbegin(); it != paths.rend(); ++it) {
    struct stat st;
    ASSERT_EQ(::lstat((from / *it).c_str(), &st), 0);
    timespec times[2] = {st.st_atim, st.st_mtim};
    ASSERT_EQ(::utimensat(AT_FDCWD, (to / *it).c_str(), times, AT_SYMLINK_NOFOLLOW), 0);
  }
}

TEST(CollectorReadOnlyTest, TargetsStayIdentical) {
  auto targets = ScanTargets();
  if (!targets) GTEST_SKIP() << "shared data set not found";
  auto tmp = base::TempDir::Create("assay-readonly");
  ASSERT_TRUE(tmp.ok());
  for (const std::string& target : RootfsTargets()) {
    SCOPED_TRACE(target);
    stdfs::path root = tmp->path() / target;
    CopyTree(*targets / target, root);
    // Things a hostile tree may hold: a FIFO where the collector looks, and an apt source.
    stdfs::create_directories(root / "var/lib/dpkg/status.d");
    ASSERT_EQ(::mkfifo((root / "var/lib/dpkg/status.d/fifo").c_str(), 0644), 0);
    stdfs::create_directories(root / "etc/apt/sources.list.d");
    base::Status s = base::WriteFileAtomic(root / "etc/apt/sources.list.d/esm.list",
                                           "deb https://esm.ubuntu.com/infra/ubuntu x main\n");
    ASSERT_TRUE(s.ok());

    std::vector<std::string> paths = ListTree(root);
    std::map<std::string, std::string> hashes = Hashes(root, paths);
    // Old access times on everything: a read without O_NOATIME would move them even on a
    // relatime mount (an atime older than the mtime is always updated).
    for (auto it = paths.rbegin(); it != paths.rend(); ++it) {
      timespec times[2] = {{978307200, 0}, {0, UTIME_OMIT}};  // 2001-01-01
      ASSERT_EQ(::utimensat(AT_FDCWD, (root / *it).c_str(), times, AT_SYMLINK_NOFOLLOW), 0);
    }
    timespec root_times[2] = {{978307200, 0}, {0, UTIME_OMIT}};
    ASSERT_EQ(::utimensat(AT_FDCWD, root.c_str(), root_times, 0), 0);
    std::map<std::string, Meta> before;
    before[""] = Lstat(root);
    for (const auto& rel : paths) before[rel] = Lstat(root / rel);

    base::Result<model::Inventory> inv = Collect(root);
    ASSERT_TRUE(inv.ok()) << inv.status().ToString();
    EXPECT_FALSE(inv->packages.empty());

    for (const auto& [rel, want] : before) {
      SCOPED_TRACE(rel.empty() ? "." : rel);
      Meta got = Lstat(root / rel);
      EXPECT_EQ(got.mode, want.mode);
      EXPECT_EQ(got.size, want.size);
      EXPECT_EQ(got.link, want.link);
      EXPECT_TRUE(got.mtime == want.mtime) << Show(got.mtime) << " != " << Show(want.mtime);
      EXPECT_TRUE(got.ctime == want.ctime) << Show(got.ctime) << " != " << Show(want.ctime);
      EXPECT_TRUE(got.atime == want.atime) << Show(got.atime) << " != " << Show(want.atime);
    }
    EXPECT_EQ(ListTree(root), paths) << "files were created or removed";
    EXPECT_EQ(Hashes(root, paths), hashes);
  }
}

}  // namespace
}  // namespace assay::inventory
