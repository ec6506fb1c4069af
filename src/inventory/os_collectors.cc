// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// OS detection and the OS package collectors (dpkg, apk, rpm). Each collector knows where its
// database lives and which parser reads it; the parsing itself is in dpkg.cc, apk.cc, rpm*.cc.
#include <algorithm>
#include <initializer_list>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/sha256.h"
#include "base/strings.h"
#include "inventory/apk.h"
#include "inventory/collector.h"
#include "inventory/dpkg.h"
#include "inventory/internal/collect_util.h"
#include "inventory/os_release.h"
#include "inventory/parser.h"
#include "inventory/rpm.h"
#include "model/ecosystem.h"

namespace assay::inventory {
namespace {

using internal::EndsWith;
using internal::ParseInto;
using internal::ReadIfPresent;
using internal::Warn;

// Release files and apt sources are small; a larger one is not what it claims to be.
constexpr uint64_t kMaxSmallFileBytes = uint64_t{1} << 20;

// The OS ecosystem when its base is one of `bases` (the distributions whose packages this
// package manager installs), else `fallback`: a dpkg database inside an Alpine tree must not be
// labelled Alpine.
std::string EcosystemFor(const model::OsInfo& os, std::initializer_list<std::string_view> bases,
                         std::string_view fallback) {
  std::string_view base = model::SplitEcosystem(os.ecosystem).base;
  if (std::find(bases.begin(), bases.end(), base) != bases.end()) return os.ecosystem;
  return std::string(fallback);
}

// ---- OS detection ----

std::string Field(const OsRelease& os, const char* key) {
  auto it = os.fields.find(key);
  return it == os.fields.end() ? std::string() : it->second;
}

model::OsInfo FromOsRelease(const OsRelease& os) {
  model::OsInfo info;
  info.id = os.id;
  info.version_id = os.version_id;
  info.codename = os.version_codename.empty() ? Field(os, "UBUNTU_CODENAME") : os.version_codename;
  info.pretty_name = os.pretty_name;
  info.ecosystem = os.ecosystem;
  return info;
}

// etc/os-release, then usr/lib/os-release (the specification's lookup order).
std::optional<model::OsInfo> FromOsReleaseFiles(const Fs& fs,
                                                std::vector<model::InventoryWarning>& warnings,
                                                std::string* found_in) {
  for (std::string_view rel : {"etc/os-release", "usr/lib/os-release"}) {
    std::optional<std::string> text = ReadIfPresent(fs, rel, kMaxSmallFileBytes, warnings);
    if (!text) continue;
    base::Result<OsRelease> os = ParseOsRelease(*text);
    if (!os.ok()) {
      Warn(warnings, std::string(rel), "not parsed: " + os.status().message());
      continue;
    }
    *found_in = std::string(rel);
    return FromOsRelease(*os);
  }
  return std::nullopt;
}

std::optional<model::OsInfo> FromLsbRelease(const Fs& fs,
                                            std::vector<model::InventoryWarning>& warnings) {
  constexpr std::string_view kPath = "etc/lsb-release";
  std::optional<std::string> text = ReadIfPresent(fs, kPath, kMaxSmallFileBytes, warnings);
  if (!text) return std::nullopt;
  base::Result<OsRelease> lsb = ParseOsRelease(*text);  // the same shell-assignment syntax
  if (!lsb.ok()) return std::nullopt;
  OsRelease os;
  os.id = base::AsciiLower(base::Trim(Field(*lsb, "DISTRIB_ID")));
  if (os.id.empty()) return std::nullopt;
  os.version_id = Field(*lsb, "DISTRIB_RELEASE");
  os.version_codename = Field(*lsb, "DISTRIB_CODENAME");
  os.pretty_name = Field(*lsb, "DISTRIB_DESCRIPTION");
  os.ecosystem = OsvEcosystem(os);
  Warn(warnings, std::string(kPath),
       "no os-release file; " + os.id + " " + os.version_id + " taken from etc/lsb-release");
  return FromOsRelease(os);
}

// A release number as the whole first line: "8.7", "12.11", "3.4.0".
std::optional<std::string> ReleaseNumber(std::string_view text) {
  std::string_view line = base::Trim(text.substr(0, text.find('\n')));
  if (line.empty() || !base::IsDigit(line[0])) return std::nullopt;
  for (char c : line) {
    if (!base::IsDigit(c) && c != '.') return std::nullopt;
  }
  return std::string(line);
}

std::optional<model::OsInfo> FromReleaseNumberFile(const Fs& fs, std::string_view rel,
                                                   std::string_view id,
                                                   std::vector<model::InventoryWarning>& warnings) {
  std::optional<std::string> text = ReadIfPresent(fs, rel, kMaxSmallFileBytes, warnings);
  if (!text) return std::nullopt;
  std::optional<std::string> number = ReleaseNumber(*text);
  if (!number) {
    Warn(warnings, std::string(rel),
         "no os-release file, and '" + std::string(base::Trim(text->substr(0, 64))) +
             "' is not a release number: the distribution is not inferred from it");
    return std::nullopt;
  }
  OsRelease os;
  os.id = std::string(id);
  os.version_id = *number;
  os.ecosystem = OsvEcosystem(os);
  Warn(warnings, std::string(rel),
       "no os-release file; " + os.id + " " + *number + " inferred from " + std::string(rel));
  return FromOsRelease(os);
}

// ---- Ubuntu Pro ----

bool MentionsEsm(std::string_view line) { return line.find("esm.ubuntu.com") != line.npos; }

// One-line-style sources: "deb [options] uri suite components"; '#' starts a comment.
bool ListFileHasEsm(std::string_view text) {
  for (std::string_view line : base::Split(text, '\n')) {
    line = line.substr(0, line.find('#'));
    line = base::Trim(line);
    if ((line.starts_with("deb ") || line.starts_with("deb-src ") || line.starts_with("deb\t")) &&
        MentionsEsm(line)) {
      return true;
    }
  }
  return false;
}

// deb822 sources: stanzas separated by blank lines; a stanza with "Enabled: no" is off.
bool SourcesFileHasEsm(std::string_view text) {
  bool esm = false;
  bool disabled = false;
  auto flush = [&] {
    bool hit = esm && !disabled;
    esm = disabled = false;
    return hit;
  };
  for (std::string_view raw : base::Split(text, '\n')) {
    std::string_view line = base::Trim(raw);
    if (line.empty()) {
      if (flush()) return true;
      continue;
    }
    if (line[0] == '#') continue;
    size_t colon = line.find(':');
    if (colon == line.npos) {
      // A continuation line of a multi-line URIs field.
      if (MentionsEsm(line)) esm = true;
      continue;
    }
    std::string_view key = base::Trim(line.substr(0, colon));
    std::string_view value = base::Trim(line.substr(colon + 1));
    if (base::EqualsIgnoreCase(key, "URIs") && MentionsEsm(value)) esm = true;
    if (base::EqualsIgnoreCase(key, "Enabled") && base::EqualsIgnoreCase(value, "no")) {
      disabled = true;
    }
  }
  return flush();
}

bool HasUbuntuProSources(const Fs& fs, std::vector<model::InventoryWarning>& warnings) {
  if (auto text = ReadIfPresent(fs, "etc/apt/sources.list", kMaxSmallFileBytes, warnings)) {
    if (ListFileHasEsm(*text)) return true;
  }
  constexpr std::string_view kDir = "etc/apt/sources.list.d";
  base::Result<std::vector<DirEntry>> entries = fs.ListDir(kDir);
  if (!entries.ok()) {
    if (entries.status().code() != base::Code::kNotFound) {
      Warn(warnings, std::string(kDir), "cannot list: " + entries.status().message());
    }
    return false;
  }
  for (const DirEntry& e : *entries) {
    if (e.type == FileType::kDirectory) continue;
    bool list = EndsWith(e.name, ".list");
    bool sources = EndsWith(e.name, ".sources");
    if (!list && !sources) continue;  // apt ignores other names too
    std::string rel = std::string(kDir) + "/" + e.name;
    std::optional<std::string> text = ReadIfPresent(fs, rel, kMaxSmallFileBytes, warnings);
    if (!text) continue;
    if (list ? ListFileHasEsm(*text) : SourcesFileHasEsm(*text)) return true;
  }
  return false;
}

// ---- Collectors ----

class DpkgCollector final : public Collector {
 public:
  static constexpr int kRevision = 1;  // bump when the files read or their handling change

  std::string_view Name() const override { return "dpkg"; }
  int Version() const override { return kRevision + kDpkgStatusParserVersion; }

  base::Status Collect(const Fs& fs, const model::OsInfo& os,
                       model::Inventory& out) const override {
    std::string ecosystem =
        EcosystemFor(os, {"Debian", "Ubuntu"}, os.id == "ubuntu" ? "Ubuntu" : "Debian");
    constexpr std::string_view kStatus = "var/lib/dpkg/status";
    if (auto bytes = ReadIfPresent(fs, kStatus, kDefaultMaxReadBytes, out.warnings)) {
      ParseInto(&ParseDpkgStatus, *bytes, kStatus, ecosystem, out);
    }
    // Distroless images: one control stanza per package, beside <package>.md5sums files.
    constexpr std::string_view kStatusD = "var/lib/dpkg/status.d";
    base::Result<std::vector<DirEntry>> entries = fs.ListDir(kStatusD);
    if (!entries.ok()) {
      if (entries.status().code() != base::Code::kNotFound) {
        Warn(out.warnings, std::string(kStatusD), "cannot list: " + entries.status().message());
      }
      return base::Status::Ok();
    }
    for (const DirEntry& e : *entries) {
      if (e.type == FileType::kDirectory || EndsWith(e.name, ".md5sums")) continue;
      std::string rel = std::string(kStatusD) + "/" + e.name;
      if (auto bytes = ReadIfPresent(fs, rel, kDefaultMaxReadBytes, out.warnings)) {
        ParseInto(&ParseDpkgStatus, *bytes, rel, ecosystem, out);
      }
    }
    return base::Status::Ok();
  }
};

class ApkCollector final : public Collector {
 public:
  static constexpr int kRevision = 1;

  std::string_view Name() const override { return "apk"; }
  int Version() const override { return kRevision + kApkInstalledParserVersion; }

  base::Status Collect(const Fs& fs, const model::OsInfo& os,
                       model::Inventory& out) const override {
    std::string ecosystem = EcosystemFor(os, {"Alpine", "Wolfi", "Chainguard"}, "Alpine");
    constexpr std::string_view kInstalled = "lib/apk/db/installed";
    if (auto bytes = ReadIfPresent(fs, kInstalled, kDefaultMaxReadBytes, out.warnings)) {
      ParseInto(&ParseApkInstalled, *bytes, kInstalled, ecosystem, out);
    }
    return base::Status::Ok();
  }
};

class RpmCollector final : public Collector {
 public:
  static constexpr int kRevision = 1;

  std::string_view Name() const override { return "rpm"; }
  int Version() const override {
    return kRevision + kRpmdbSqliteParserVersion + kRpmdbNdbParserVersion + kRpmdbBdbParserVersion;
  }

  base::Status Collect(const Fs& fs, const model::OsInfo& os,
                       model::Inventory& out) const override {
    // Without a known RPM distribution the parsers label packages "RPM".
    std::string ecosystem = EcosystemFor(os,
                                         {"AlmaLinux", "Rocky Linux", "Red Hat", "SUSE", "openSUSE",
                                          "Mageia", "Photon OS", "openEuler"},
                                         "");
    struct Backend {
      std::string_view file;
      ParseFn parse;
    };
    // Newest format first: rpm converts in place and the new database is the live one.
    static constexpr Backend kBackends[] = {
        {"rpmdb.sqlite", &ParseRpmdbSqlite},
        {"Packages.db", &ParseRpmdbNdb},
        {"Packages", &ParseRpmdbBdb},
    };
    std::set<std::string> seen;  // SHA-256 of every database parsed
    for (std::string_view dir : {"var/lib/rpm", "usr/lib/sysimage/rpm"}) {
      for (const Backend& b : kBackends) {
        std::string rel = std::string(dir) + "/" + std::string(b.file);
        std::optional<std::string> bytes =
            ReadIfPresent(fs, rel, kDefaultMaxReadBytes, out.warnings);
        if (!bytes) continue;
        base::Result<std::string> digest = base::Sha256Hex(*bytes);
        if (digest.ok() && !seen.insert(*digest).second) break;  // the same database again
        if (!ParseInto(b.parse, *bytes, rel, ecosystem, out)) continue;
        if (b.parse == &ParseRpmdbSqlite) WarnOnWal(fs, rel, out);
        break;
      }
    }
    return base::Status::Ok();
  }

 private:
  // rpm leaves rpmdb.sqlite in WAL mode: transactions since the last checkpoint live only in
  // the -wal file, which the parser (reading the main file's bytes) does not see.
  static void WarnOnWal(const Fs& fs, const std::string& rel, model::Inventory& out) {
    base::Result<FileInfo> wal = fs.StatResolved(rel + "-wal");
    if (wal.ok() && wal->type == FileType::kRegular && wal->size > 0) {
      Warn(out.warnings, rel + "-wal",
           "write-ahead log is not empty: packages changed since the last checkpoint may be "
           "missing or stale");
    }
  }
};

}  // namespace

bool OsFileByPath(std::string_view rel) {
  if (rel.starts_with("usr/") && !rel.starts_with("usr/lib/sysimage/") &&
      rel != "usr/lib/os-release" && OsFileByPath(rel.substr(4))) {
    return true;
  }
  for (std::string_view file : {"etc/os-release", "usr/lib/os-release", "etc/lsb-release",
                                "etc/debian_version", "etc/alpine-release", "etc/apt/sources.list",
                                "var/lib/dpkg/status", "lib/apk/db/installed"}) {
    if (rel == file) return true;
  }
  // Every file of these directories (not of their subdirectories).
  for (std::string_view dir : {"etc/apt/sources.list.d/", "var/lib/dpkg/status.d/",
                               "var/lib/rpm/", "usr/lib/sysimage/rpm/"}) {
    if (rel.starts_with(dir) && rel.find('/', dir.size()) == std::string_view::npos) return true;
  }
  return rel.starts_with("var/lib/dpkg/info/") && rel.ends_with(".list") &&
         rel.find('/', 18) == std::string_view::npos;
}

model::OsInfo DetectOs(const Fs& fs, std::vector<model::InventoryWarning>& warnings) {
  std::string found_in;
  std::optional<model::OsInfo> os = FromOsReleaseFiles(fs, warnings, &found_in);
  bool reported = false;
  if (os && os->id.empty()) {
    Warn(warnings, found_in, "unknown operating system: " + found_in + " has no ID");
    reported = true;
    os.reset();
  }
  if (!os) {
    found_in = "etc/lsb-release";
    os = FromLsbRelease(fs, warnings);
  }
  if (!os) {
    found_in = "etc/debian_version";
    os = FromReleaseNumberFile(fs, found_in, "debian", warnings);
  }
  if (!os) {
    found_in = "etc/alpine-release";
    os = FromReleaseNumberFile(fs, found_in, "alpine", warnings);
  }
  if (!os) {
    if (!reported) {
      Warn(warnings, "",
           "unknown operating system: no etc/os-release, usr/lib/os-release, etc/lsb-release, "
           "etc/debian_version or etc/alpine-release; OS packages get their package manager's "
           "default ecosystem");
    }
    return {};
  }
  if (os->ecosystem.empty()) {
    Warn(warnings, found_in,
         "operating system '" + os->id + (os->version_id.empty() ? "" : " " + os->version_id) +
             "' has no OSV ecosystem: its packages match no distribution advisories");
  }
  if (os->id == "ubuntu") os->ubuntu_pro = HasUbuntuProSources(fs, warnings);
  return *os;
}

std::unique_ptr<Collector> MakeDpkgCollector(const CollectOptions& /*options*/) {
  return std::make_unique<DpkgCollector>();
}
std::unique_ptr<Collector> MakeApkCollector(const CollectOptions& /*options*/) {
  return std::make_unique<ApkCollector>();
}
std::unique_ptr<Collector> MakeRpmCollector(const CollectOptions& /*options*/) {
  return std::make_unique<RpmCollector>();
}

}  // namespace assay::inventory
