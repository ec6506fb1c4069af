// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// The language collector: one walk over the tree, files recognised by name (kNameRules) or, for
// executables, by magic bytes and section names; see collector.h for the rules.
#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <deque>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "inventory/apk.h"
#include "inventory/collector.h"
#include "inventory/dotnet.h"
#include "inventory/dpkg.h"
#include "inventory/golang.h"
#include "inventory/gosum.h"
#include "inventory/internal/collect_util.h"
#include "inventory/java.h"
#include "inventory/javascript.h"
#include "inventory/parser.h"
#include "inventory/php.h"
#include "inventory/python.h"
#include "inventory/ruby.h"
#include "inventory/rust.h"

namespace assay::inventory {
namespace {

using internal::EndsWith;
using internal::Warn;

// A file's path split the way the name rules look at it.
struct PathParts {
  std::string_view rel;          // "usr/lib/python3/dist-packages/x-1.0.dist-info/METADATA"
  std::string_view name;         // "METADATA"
  std::string_view parent;       // "x-1.0.dist-info" ("" at the root)
  std::string_view grandparent;  // "dist-packages"
  bool in_node_modules = false;  // some directory on the way is node_modules
};

bool Is(std::string_view name, std::string_view want) { return name == want; }

bool InstalledNodePackage(const PathParts& p) {
  // node_modules/<name>/package.json or node_modules/@scope/<name>/package.json
  if (p.name != "package.json") return false;
  if (p.grandparent == "node_modules") return true;
  if (!p.grandparent.empty() && p.grandparent.front() == '@') {
    std::string_view rest = p.rel.substr(0, p.rel.size() - p.name.size() - p.parent.size() - 2);
    rest = rest.substr(0, rest.size() - p.grandparent.size());
    return EndsWith(rest, "node_modules/");
  }
  return false;
}

bool JavaArchive(std::string_view name) {
  for (std::string_view ext : {".jar", ".war", ".ear", ".par", ".jpi", ".hpi"}) {
    if (EndsWith(name, ext) && name.size() > ext.size()) return true;
  }
  return false;
}

// go.sum only counts where no go.mod sits beside it (LanguageCollector checks the directory).
bool GoSumWithoutGoMod(const PathParts& p) { return p.name == "go.sum"; }

struct NameRule {
  std::string_view type;  // parser type
  bool (*match)(const PathParts& p);
  bool inside_node_modules;  // also applies below a node_modules directory
};

// The one list of file-name rules, in the order they are tried (first match wins).
const NameRule kNameRules[] = {
    // Python
    {kPythonMetadataType,
     [](const PathParts& p) {
       return (Is(p.name, "METADATA") && EndsWith(p.parent, ".dist-info")) ||
              (Is(p.name, "PKG-INFO") &&
               (EndsWith(p.parent, ".egg-info") || Is(p.parent, "EGG-INFO"))) ||
              EndsWith(p.name, ".egg-info");
     },
     false},
    {kRequirementsTxtType, [](const PathParts& p) { return Is(p.name, "requirements.txt"); },
     false},
    {kPoetryLockType, [](const PathParts& p) { return Is(p.name, "poetry.lock"); }, false},
    {kPipfileLockType, [](const PathParts& p) { return Is(p.name, "Pipfile.lock"); }, false},
    {kPdmLockType, [](const PathParts& p) { return Is(p.name, "pdm.lock"); }, false},
    {kUvLockType, [](const PathParts& p) { return Is(p.name, "uv.lock"); }, false},
    // JavaScript
    {kPackageJsonType, &InstalledNodePackage, true},
    {kPackageLockJsonType,
     [](const PathParts& p) {
       return Is(p.name, "package-lock.json") || Is(p.name, "npm-shrinkwrap.json");
     },
     false},
    {kYarnLockType, [](const PathParts& p) { return Is(p.name, "yarn.lock"); }, false},
    {kPnpmLockType, [](const PathParts& p) { return Is(p.name, "pnpm-lock.yaml"); }, false},
    {kBunLockType, [](const PathParts& p) { return Is(p.name, "bun.lock"); }, false},
    // Go, Rust (their binaries are found by magic bytes)
    {kGoModType, [](const PathParts& p) { return Is(p.name, "go.mod"); }, false},
    {kGoSumType, &GoSumWithoutGoMod, false},
    {kCargoLockType, [](const PathParts& p) { return Is(p.name, "Cargo.lock"); }, false},
    // Ruby
    {kGemfileLockType, [](const PathParts& p) { return Is(p.name, "Gemfile.lock"); }, false},
    {kGemspecType,
     [](const PathParts& p) {
       return Is(p.parent, "specifications") && EndsWith(p.name, ".gemspec");
     },
     false},
    // PHP
    {kComposerLockType, [](const PathParts& p) { return Is(p.name, "composer.lock"); }, false},
    {kComposerInstalledType,
     [](const PathParts& p) {
       return Is(p.name, "installed.json") && Is(p.parent, "composer") &&
              Is(p.grandparent, "vendor");
     },
     false},
    // .NET
    {kNugetLockType, [](const PathParts& p) { return Is(p.name, "packages.lock.json"); }, false},
    {kDepsJsonType, [](const PathParts& p) { return EndsWith(p.name, ".deps.json"); }, false},
    // Java
    {kJarType, [](const PathParts& p) { return JavaArchive(p.name); }, false},
    {kPomXmlType, [](const PathParts& p) { return Is(p.name, "pom.xml"); }, false},
    {kGradleLockfileType, [](const PathParts& p) { return Is(p.name, "gradle.lockfile"); }, false},
};

}  // namespace

bool LanguageFileByPath(std::string_view rel) {
  const size_t slash = rel.rfind('/');
  const std::string_view dir = slash == std::string_view::npos ? "" : rel.substr(0, slash);
  const std::string_view parent = dir.substr(dir.rfind('/') + 1);
  const std::string_view up = dir.substr(0, dir.size() > parent.size() ? dir.size() - parent.size() - 1 : 0);
  PathParts p{rel, rel.substr(slash + 1), parent, up.substr(up.rfind('/') + 1),
              dir == "node_modules" || dir.starts_with("node_modules/") ||
                  dir.find("/node_modules/") != std::string_view::npos ||
                  EndsWith(dir, "/node_modules")};
  for (const NameRule& r : kNameRules) {
    if (p.in_node_modules && !r.inside_node_modules) continue;
    if (r.match(p)) return true;
  }
  return false;
}

namespace {

// Files larger than this are not read as lockfiles or archives (a warning says so).
constexpr uint64_t kMaxLanguageFileBytes = uint64_t{128} << 20;
// Executables: the most read to find their build information.
constexpr uint64_t kMaxExecutableBytes = uint64_t{256} << 20;

// Files at least this large are sniffed for executable magic even without an execute bit: Go
// and Rust programs are megabytes, and few other unowned files of a tree are this big.
constexpr uint64_t kSniffAnyFileBytes = uint64_t{1} << 20;

struct Candidate {
  std::string rel;
  std::string_view type;  // "" = an executable still to sniff
};

// ---- Executables ----

uint64_t Get(std::string_view b, size_t off, int size, bool big_endian) {
  uint64_t v = 0;
  if (off + static_cast<size_t>(size) > b.size()) return 0;
  for (int i = 0; i < size; ++i) {
    auto byte = static_cast<uint8_t>(b[off + static_cast<size_t>(big_endian ? i : size - 1 - i)]);
    v = (v << 8) | byte;
  }
  return v;
}

// The parser type an ELF file's section names call for ("" when none), reading only the ELF
// header, the section header table and the section-name table.
base::Result<std::string_view> SniffElf(const Fs& fs, const std::string& rel,
                                        std::string_view head) {
  const bool is64 = head[4] == 2;
  const bool be = head[5] == 2;
  const uint64_t shoff = is64 ? Get(head, 0x28, 8, be) : Get(head, 0x20, 4, be);
  const uint64_t shentsize = Get(head, is64 ? 0x3A : 0x2E, 2, be);
  const uint64_t shnum = Get(head, is64 ? 0x3C : 0x30, 2, be);
  const uint64_t shstrndx = Get(head, is64 ? 0x3E : 0x32, 2, be);
  if (shoff == 0 || shnum == 0 || shstrndx >= shnum || shentsize < (is64 ? 64u : 40u) ||
      shnum > 65535) {
    return std::string_view();
  }
  ASSAY_ASSIGN_OR_RETURN(std::string table, fs.ReadRange(rel, shoff, shnum * shentsize));
  if (table.size() < shnum * shentsize) return std::string_view();
  auto section = [&](uint64_t i, uint64_t* name, uint64_t* off, uint64_t* size) {
    size_t at = static_cast<size_t>(i * shentsize);
    *name = Get(table, at, 4, be);
    *off = is64 ? Get(table, at + 0x18, 8, be) : Get(table, at + 0x10, 4, be);
    *size = is64 ? Get(table, at + 0x20, 8, be) : Get(table, at + 0x14, 4, be);
  };
  uint64_t name = 0, str_off = 0, str_size = 0;
  section(shstrndx, &name, &str_off, &str_size);
  if (str_size == 0 || str_size > (uint64_t{1} << 20)) return std::string_view();
  ASSAY_ASSIGN_OR_RETURN(std::string names, fs.ReadRange(rel, str_off, str_size));
  for (uint64_t i = 0; i < shnum; ++i) {
    uint64_t off = 0, size = 0;
    section(i, &name, &off, &size);
    if (name >= names.size()) continue;
    const char* s = names.data() + name;
    std::string_view sec(s, strnlen(s, names.size() - name));
    if (sec == ".go.buildinfo") return kGoBinaryType;
    if (sec == ".dep-v0") return kRustBinaryType;
  }
  return std::string_view();
}

enum class ExeKind { kNone, kElf, kOther };

ExeKind ExecutableKind(std::string_view head) {
  if (head.size() >= 64 &&
      head.substr(0, 4) ==
          "\x7f"
          "ELF" &&
      (head[4] == 1 || head[4] == 2) && (head[5] == 1 || head[5] == 2)) {
    return ExeKind::kElf;
  }
  if (head.size() >= 4) {
    if (head.substr(0, 2) == "MZ") return ExeKind::kOther;
    uint32_t le = static_cast<uint32_t>(Get(head, 0, 4, false));
    if (le == 0xfeedface || le == 0xfeedfacf || le == 0xcefaedfe || le == 0xcffaedfe) {
      return ExeKind::kOther;
    }
    // Mach-O universal binaries share 0xcafebabe with Java class files; a fat header lists
    // only a handful of architectures, a class file's next word is its (large) version.
    if (static_cast<uint32_t>(Get(head, 0, 4, true)) == 0xcafebabe && Get(head, 4, 4, true) < 20) {
      return ExeKind::kOther;
    }
  }
  return ExeKind::kNone;
}

// ---- OS-owned files ----

// Paths owned by the OS package manager, relative to the root. With merged /usr, dpkg lists
// "/bin/x" for what the walk finds at "usr/bin/x" (bin is a symlink it does not follow), so a
// "usr/..." path also counts as owned when its form without "usr/" is listed.
class OwnedFiles {
 public:
  void Load(const Fs& fs, std::vector<model::InventoryWarning>& warnings) {
    if (auto info = fs.ListDir("var/lib/dpkg/info"); info.ok()) {
      for (const DirEntry& e : *info) {
        if (e.type != FileType::kRegular || !EndsWith(e.name, ".list")) continue;
        std::string rel = "var/lib/dpkg/info/" + e.name;
        if (auto bytes = internal::ReadIfPresent(fs, rel, kMaxLanguageFileBytes, warnings)) {
          // The paths are views into the kept buffer.
          buffers_.push_back(std::move(*bytes));
          for (std::string_view path : ParseDpkgFileList(buffers_.back())) paths_.push_back(path);
        }
      }
    }
    constexpr std::string_view kApk = "lib/apk/db/installed";
    if (auto bytes = internal::ReadIfPresent(fs, kApk, kDefaultMaxReadBytes, warnings)) {
      if (auto owned = ParseApkOwnedFiles(*bytes); owned.ok()) {
        for (ApkOwnedFiles& pkg : *owned) {
          for (std::string& f : pkg.files) {
            buffers_.push_back(std::move(f));
            paths_.push_back(buffers_.back());
          }
        }
      }
    }
    std::sort(paths_.begin(), paths_.end());
  }

  bool Owns(std::string_view rel) const {
    if (paths_.empty()) return false;
    if (std::binary_search(paths_.begin(), paths_.end(), rel)) return true;
    return rel.substr(0, 4) == "usr/" &&
           std::binary_search(paths_.begin(), paths_.end(), rel.substr(4));
  }

 private:
  std::deque<std::string> buffers_;      // a deque: growing it never moves the strings
  std::vector<std::string_view> paths_;  // sorted
};

// ---- The collector ----

class LanguageCollector final : public Collector {
 public:
  static constexpr int kRevision = 1;

  explicit LanguageCollector(const CollectOptions& options) : skip_(options.skip_paths) {
    for (std::string& s : skip_) {
      while (!s.empty() && s.front() == '/') s.erase(0, 1);
      while (!s.empty() && s.back() == '/') s.pop_back();
    }
  }

  std::string_view Name() const override { return "lang"; }

  int Version() const override {
    int v = kRevision;
    for (const NameRule& r : kNameRules) v += FindParser(r.type)->version;
    return v + FindParser(kGoBinaryType)->version + FindParser(kRustBinaryType)->version;
  }

  base::Status Collect(const Fs& fs, const model::OsInfo& /*os*/,
                       model::Inventory& out) const override {
    // What the OS package manager owns is known first, so the walk neither stats nor reads it.
    OwnedFiles owned;
    owned.Load(fs, out.warnings);
    std::vector<Candidate> candidates = Walk(fs, owned, out.warnings);
    for (const Candidate& c : candidates) {
      if (c.type.empty()) {
        SniffExecutable(fs, c.rel, out);
      } else {
        Run(fs, c.rel, c.type, kMaxLanguageFileBytes, out);
      }
    }
    return base::Status::Ok();
  }

 private:
  bool Skipped(std::string_view rel) const {
    if (rel == "proc" || rel == "sys" || rel == "dev") return true;
    return std::find(skip_.begin(), skip_.end(), rel) != skip_.end();
  }

  static bool HasJsLockfile(const std::vector<DirEntry>& entries) {
    for (const DirEntry& e : entries) {
      if (e.type == FileType::kRegular &&
          (e.name == "package-lock.json" || e.name == "npm-shrinkwrap.json" ||
           e.name == "yarn.lock" || e.name == "pnpm-lock.yaml" || e.name == "bun.lock")) {
        return true;
      }
    }
    return false;
  }

  // Every candidate file in the tree, depth first in name order.
  std::vector<Candidate> Walk(const Fs& fs, const OwnedFiles& owned,
                              std::vector<model::InventoryWarning>& warnings) const {
    struct Dir {
      std::string rel;
      int node_modules_depth;  // > 0 when below a node_modules directory
      // Below a node_modules directory whose project has a JavaScript lockfile: the lockfile
      // lists the same packages (with their dev flags), so installed package.json files are
      // not reported again.
      bool covered_by_lockfile = false;
    };
    std::vector<Candidate> out;
    std::vector<Dir> stack = {{"", 0}};
    while (!stack.empty()) {
      Dir dir = std::move(stack.back());
      stack.pop_back();
      std::string prefix = dir.rel.empty() ? "" : dir.rel + "/";
      auto unowned = [&](std::string_view name) { return !owned.Owns(prefix + std::string(name)); };
      base::Result<std::vector<DirEntry>> entries = fs.ListDirWithModes(dir.rel, unowned);
      if (!entries.ok()) {
        if (!dir.rel.empty()) Warn(warnings, dir.rel, "cannot list: " + entries.status().message());
        continue;
      }
      std::string_view parent = std::string_view(dir.rel).substr(dir.rel.rfind('/') + 1);
      std::string_view up = std::string_view(dir.rel).substr(
          0, dir.rel.size() > parent.size() ? dir.rel.size() - parent.size() - 1 : 0);
      std::string_view grandparent = up.substr(up.rfind('/') + 1);
      const size_t first_child = stack.size();
      const size_t first_candidate = out.size();
      bool has_go_mod = false;
      for (DirEntry& e : *entries) {
        std::string rel = dir.rel.empty() ? e.name : dir.rel + "/" + e.name;
        if (e.type == FileType::kDirectory) {
          if (Skipped(rel) || e.name == ".git") continue;
          const bool node_modules = e.name == "node_modules";
          stack.push_back(
              {std::move(rel), dir.node_modules_depth + (node_modules ? 1 : 0),
               dir.covered_by_lockfile ||
                   (node_modules && dir.node_modules_depth == 0 && HasJsLockfile(*entries))});
          continue;
        }
        if (e.type != FileType::kRegular) continue;  // symlinks are never followed
        if (owned.Owns(rel)) continue;
        PathParts p{rel, e.name, parent, grandparent, dir.node_modules_depth > 0};
        std::string_view type;
        for (const NameRule& r : kNameRules) {
          if (p.in_node_modules && !r.inside_node_modules) continue;
          if (dir.covered_by_lockfile && r.type == kPackageJsonType) continue;
          if (r.match(p)) {
            type = r.type;
            break;
          }
        }
        if (type == kGoModType) has_go_mod = true;
        // Executables are told by their bytes: any file with an execute bit, and any large file
        // (trees copied without their modes still hold their Go and Rust programs).
        if (!type.empty() || (e.mode & 0111) != 0 || e.size >= kSniffAnyFileBytes) {
          out.push_back({std::move(rel), type});
        }
      }
      if (has_go_mod) {  // go.mod is the better source for the same module graph
        auto from = out.begin() + static_cast<std::ptrdiff_t>(first_candidate);
        out.erase(std::remove_if(from, out.end(),
                                 [](const Candidate& c) { return c.type == kGoSumType; }),
                  out.end());
      }
      // Visit children in name order: the stack pops the last pushed first.
      std::reverse(stack.begin() + static_cast<std::ptrdiff_t>(first_child), stack.end());
    }
    return out;
  }

  static void Run(const Fs& fs, const std::string& rel, std::string_view type, uint64_t max,
                  model::Inventory& out) {
    auto bytes = fs.ReadFile(rel, max);
    if (!bytes.ok()) {
      Warn(out.warnings, rel, "cannot read: " + bytes.status().message());
      return;
    }
    internal::ParseInto(FindParser(type)->parse, *bytes, rel, "", out);
  }

  static void SniffExecutable(const Fs& fs, const std::string& rel, model::Inventory& out) {
    auto head = fs.ReadRange(rel, 0, 64);
    if (!head.ok()) {
      Warn(out.warnings, rel, "cannot read: " + head.status().message());
      return;
    }
    switch (ExecutableKind(*head)) {
      case ExeKind::kNone:
        return;
      case ExeKind::kElf: {
        auto type = SniffElf(fs, rel, *head);
        if (!type.ok()) {
          Warn(out.warnings, rel, "cannot read: " + type.status().message());
        } else if (!type->empty()) {
          // Mapped, not read: the parser touches the headers and one section of what can be
          // a 100 MB program.
          auto bytes = fs.MapFile(rel, kMaxExecutableBytes);
          if (!bytes.ok()) {
            Warn(out.warnings, rel, "cannot read: " + bytes.status().message());
            return;
          }
          internal::ParseInto(FindParser(*type)->parse, (*bytes)->bytes(), rel, "", out);
        }
        return;
      }
      case ExeKind::kOther: {
        // PE and Mach-O executables are rare in Linux trees: read them and let the parsers
        // look; "not a Go binary" and the like are not worth a warning.
        auto bytes = fs.MapFile(rel, kMaxExecutableBytes);
        if (!bytes.ok()) return;
        for (std::string_view type : {kGoBinaryType, kRustBinaryType}) {
          auto parsed = FindParser(type)->parse({(*bytes)->bytes(), rel, ""});
          if (!parsed.ok()) continue;
          for (auto& p : parsed->packages) out.packages.push_back(std::move(p));
          for (auto& w : parsed->warnings) {
            Warn(out.warnings, std::move(w.location), std::move(w.message));
          }
          return;
        }
        return;
      }
    }
  }

  std::vector<std::string> skip_;
};

}  // namespace

std::unique_ptr<Collector> MakeLanguageCollector(const CollectOptions& options) {
  return std::make_unique<LanguageCollector>(options);
}

}  // namespace assay::inventory
