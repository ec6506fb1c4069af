// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// The language collector: one walk over the tree, files recognised by name (kNameRules) or, for
// executables, by magic bytes and section names; see collector.h for the rules.
#include <algorithm>
#include <array>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <unordered_set>
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
#include "inventory/siblings.h"

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

// Files a requirements.txt commonly pulls in with -r / -c (requirements-dev.txt,
// requirements/base.txt, constraints.txt). The walk does not parse them on their own, but an
// include may name them, so image layers keep them.
bool RequirementsInclude(const PathParts& p) {
  if (!EndsWith(p.name, ".txt")) return false;
  return p.name.find("requirements") != std::string_view::npos ||
         p.name.find("constraints") != std::string_view::npos || p.parent == "requirements";
}

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
  return !p.in_node_modules && RequirementsInclude(p);
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
base::Result<std::string_view> SniffElf(const RegularFile& file, std::string_view head) {
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
  ASSAY_ASSIGN_OR_RETURN(std::string table, file.ReadRange(shoff, shnum * shentsize));
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
  ASSAY_ASSIGN_OR_RETURN(std::string names, file.ReadRange(str_off, str_size));
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

// A set of paths, each a view into storage its owner keeps: open addressing with linear probing,
// sized once up front, then asked about every file of the walk.
class PathSet {
 public:
  explicit PathSet(size_t expected = 0) {
    size_t n = 1024;
    while (n < expected * 2) n *= 2;
    slots_.resize(n);
  }

  void Insert(std::string_view path) {
    if (path.empty() || path.size() > UINT32_MAX) return;  // an empty slot marks a free one
    if ((size_ + 1) * 2 > slots_.size()) Grow();
    const uint64_t hash = Hash(path);
    Slot& slot = slots_[Find(path, hash)];
    if (slot.size == 0) {
      slot = {path.data(), static_cast<uint32_t>(path.size()), static_cast<uint32_t>(hash >> 32)};
      ++size_;
    }
  }

  bool Contains(std::string_view path) const {
    return size_ != 0 && !path.empty() && slots_[Find(path, Hash(path))].size != 0;
  }

 private:
  struct Slot {
    const char* data = nullptr;
    uint32_t size = 0;  // 0: free
    uint32_t tag = 0;   // the hash's upper half, compared before the bytes
  };

  // Eight bytes at a time, then the murmur3 finalizer: paths share long prefixes, so every byte
  // has to count, and this runs on every file of the tree.
  static uint64_t Hash(std::string_view s) {
    uint64_t h = 0x9E3779B97F4A7C15ULL ^ s.size();
    size_t i = 0;
    for (; i + 8 <= s.size(); i += 8) {
      uint64_t w;
      std::memcpy(&w, s.data() + i, 8);
      h = (h ^ w) * 0xBF58476D1CE4E5B9ULL;
      h ^= h >> 31;
    }
    uint64_t w = 0;
    std::memcpy(&w, s.data() + i, s.size() - i);
    h ^= w;
    h ^= h >> 33;
    h *= 0xFF51AFD7ED558CCDULL;
    h ^= h >> 33;
    h *= 0xC4CEB9FE1A85EC53ULL;
    h ^= h >> 33;
    return h;
  }

  // The slot holding `path`, or the free slot where it would go.
  size_t Find(std::string_view path, uint64_t hash) const {
    const size_t mask = slots_.size() - 1;
    const auto tag = static_cast<uint32_t>(hash >> 32);
    for (size_t i = hash & mask;; i = (i + 1) & mask) {
      const Slot& s = slots_[i];
      if (s.size == 0) return i;
      if (s.tag == tag && s.size == path.size() && std::memcmp(s.data, path.data(), s.size) == 0) {
        return i;
      }
    }
  }

  void Grow() {
    std::vector<Slot> old(slots_.size() * 2);
    old.swap(slots_);
    for (const Slot& s : old) {
      if (s.size != 0) {
        std::string_view path(s.data, s.size);
        slots_[Find(path, Hash(path))] = s;
      }
    }
  }

  std::vector<Slot> slots_;  // a power of two in size, at most half full
  size_t size_ = 0;
};

// Paths owned by the OS package manager, relative to the root. With merged /usr, dpkg lists
// "/bin/x" for what the walk finds at "usr/bin/x" (bin is a symlink it does not follow), so a
// "usr/..." path also counts as owned when its form without "usr/" is listed.
class OwnedFiles {
 public:
  void Load(const Fs& fs, std::vector<model::InventoryWarning>& warnings) {
    std::vector<std::string_view> paths;  // views into buffers_
    if (auto info = fs.ListDir("var/lib/dpkg/info"); info.ok()) {
      for (const DirEntry& e : *info) {
        if (e.type != FileType::kRegular || !EndsWith(e.name, ".list")) continue;
        std::string rel = "var/lib/dpkg/info/" + e.name;
        if (auto bytes = internal::ReadIfPresent(fs, rel, kMaxLanguageFileBytes, warnings)) {
          buffers_.push_back(std::move(*bytes));
          for (std::string_view path : ParseDpkgFileList(buffers_.back())) paths.push_back(path);
        }
      }
    }
    constexpr std::string_view kApk = "lib/apk/db/installed";
    if (auto bytes = internal::ReadIfPresent(fs, kApk, kDefaultMaxReadBytes, warnings)) {
      if (auto owned = ParseApkOwnedFiles(*bytes); owned.ok()) {
        for (ApkOwnedFiles& pkg : *owned) {
          for (std::string& f : pkg.files) {
            buffers_.push_back(std::move(f));
            paths.push_back(buffers_.back());
          }
        }
      }
    }
    paths_ = PathSet(paths.size());
    dirs_ = PathSet(paths.size() / 8);
    std::string_view last_dir;  // paths of one directory tend to follow each other
    for (std::string_view path : paths) {
      paths_.Insert(path);
      const size_t slash = path.rfind('/');
      if (slash == std::string_view::npos) {
        root_has_files_ = true;
      } else if (const std::string_view dir = path.substr(0, slash); dir != last_dir) {
        dirs_.Insert(dir);
        last_dir = dir;
      }
    }
  }

  bool Owns(std::string_view rel) const {
    if (paths_.Contains(rel)) return true;
    return rel.substr(0, 4) == "usr/" && paths_.Contains(rel.substr(4));
  }

  // False when no file directly in the directory `dir` can be owned, so the walk need not ask
  // about each (most directories outside the OS's own, e.g. every node_modules).
  bool MayOwnIn(std::string_view dir) const {
    if (dir.empty() ? root_has_files_ : dirs_.Contains(dir)) return true;
    if (dir == "usr") return root_has_files_;
    return dir.substr(0, 4) == "usr/" && dirs_.Contains(dir.substr(4));
  }

 private:
  std::deque<std::string> buffers_;  // a deque: growing it never moves the strings
  PathSet paths_;
  PathSet dirs_;  // the directories of the paths, but the root
  bool root_has_files_ = false;
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
    // Files a parsed file refers to (requirements.txt -r/-c, an old go.mod's go.sum) are read
    // through the same Fs: never outside the root.
    const FsSiblingFiles siblings(fs, FsSiblingFiles::Naming::kRootRelative, "",
                                  kMaxLanguageFileBytes);
    const size_t first = out.packages.size();
    for (const Candidate& c : candidates) {
      if (c.type.empty()) {
        SniffExecutable(fs, c.rel, out);
      } else {
        Run(fs, c.rel, c.type, kMaxLanguageFileBytes, siblings, out);
      }
    }
    DropRepeats(out.packages, first);
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

  // A directory the walk is to visit.
  struct Dir {
    std::string rel;
    int node_modules_depth = 0;  // > 0 when below a node_modules directory
    // Below a node_modules directory whose project has a JavaScript lockfile: the lockfile
    // lists the same packages (with their dev flags), so installed package.json files are not
    // reported again.
    bool covered_by_lockfile = false;
  };

  // What one directory adds to the walk's result.
  struct DirOutput {
    std::string rel;
    std::vector<Candidate> candidates;
    std::vector<model::InventoryWarning> warnings;
  };

  // Lists one directory: its candidate files into `output`, the subdirectories to visit (in name
  // order) appended to `subdirs`.
  void VisitDir(const Fs& fs, const OwnedFiles& owned, const Dir& dir, DirOutput& output,
                std::vector<Dir>& subdirs) const {
    std::string path = dir.rel;  // the directory's path and "/", then one entry's name
    if (!path.empty()) path += '/';
    const size_t prefix = path.size();
    auto child = [&](std::string_view name) -> const std::string& {
      path.resize(prefix);
      path.append(name);
      return path;
    };
    const bool may_own = owned.MayOwnIn(dir.rel);
    Fs::NameFilter unowned;  // empty: every entry
    if (may_own) unowned = [&](std::string_view name) { return !owned.Owns(child(name)); };
    base::Result<std::vector<DirEntry>> entries = fs.ListDirWithModes(dir.rel, unowned);
    if (!entries.ok()) {
      if (!dir.rel.empty()) {
        Warn(output.warnings, dir.rel, "cannot list: " + entries.status().message());
      }
      return;
    }
    std::string_view parent = std::string_view(dir.rel).substr(dir.rel.rfind('/') + 1);
    std::string_view up = std::string_view(dir.rel).substr(
        0, dir.rel.size() > parent.size() ? dir.rel.size() - parent.size() - 1 : 0);
    std::string_view grandparent = up.substr(up.rfind('/') + 1);
    bool has_go_mod = false;
    for (const DirEntry& e : *entries) {
      if (e.type == FileType::kDirectory) {
        const std::string& rel = child(e.name);
        if (Skipped(rel) || e.name == ".git") continue;
        const bool node_modules = e.name == "node_modules";
        subdirs.push_back(
            {rel, dir.node_modules_depth + (node_modules ? 1 : 0),
             dir.covered_by_lockfile ||
                 (node_modules && dir.node_modules_depth == 0 && HasJsLockfile(*entries))});
        continue;
      }
      if (e.type != FileType::kRegular) continue;  // symlinks are never followed
      const std::string& rel = child(e.name);
      if (may_own && owned.Owns(rel)) continue;
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
        output.candidates.push_back({rel, type});
      }
    }
    if (has_go_mod) {  // go.mod is the better source for the same module graph
      std::erase_if(output.candidates, [](const Candidate& c) { return c.type == kGoSumType; });
    }
  }

  // Every candidate file in the tree, depth first in name order, with the warnings of the walk
  // in the same order. Directories are listed by up to kWalkThreads threads (listing is mostly
  // time in the kernel, and directories apart list in parallel); the result does not depend on
  // how many.
  std::vector<Candidate> Walk(const Fs& fs, const OwnedFiles& owned,
                              std::vector<model::InventoryWarning>& warnings) const {
    ParallelWalk walk(*this, fs, owned);
    std::vector<DirOutput> outputs = walk.Run();
    std::vector<Candidate> out;
    for (DirOutput& o : outputs) {
      for (Candidate& c : o.candidates) out.push_back(std::move(c));
      for (model::InventoryWarning& w : o.warnings) warnings.push_back(std::move(w));
    }
    return out;
  }

  // Visits the tree from the root on a few threads, each going depth first through its own
  // stack of directories; a thread that runs out takes the oldest directory (the shallowest, so
  // the largest piece of work) from another's stack. Outputs are put back in walk order, which
  // is the order of their paths compared component by component, at the end.
  class ParallelWalk {
   public:
    ParallelWalk(const LanguageCollector& collector, const Fs& fs, const OwnedFiles& owned)
        : collector_(collector), fs_(fs), owned_(owned) {}

    std::vector<DirOutput> Run() {
      const unsigned cpus = std::thread::hardware_concurrency();
      workers_ = std::vector<Worker>(std::clamp<unsigned>(cpus, 1, kWalkThreads));
      workers_[0].stack.push_back(Dir{});
      queued_ = 1;
      pending_ = 1;
      std::vector<std::thread> helpers;
      for (size_t i = 1; i < workers_.size(); ++i) {
        try {
          helpers.emplace_back([this, i] { Work(i); });
        } catch (const std::system_error&) {
          break;  // fewer threads: the others take over its share
        }
      }
      Work(0);
      for (std::thread& t : helpers) t.join();
      std::vector<DirOutput> outputs;
      for (Worker& w : workers_) {
        for (DirOutput& o : w.outputs) outputs.push_back(std::move(o));
      }
      std::sort(outputs.begin(), outputs.end(), [](const DirOutput& a, const DirOutput& b) {
        return WalkOrder(a.rel, b.rel);
      });
      return outputs;
    }

   private:
    // Threads listing directories at most; the machines assay runs on have a few cores to
    // share, and the kernel's work per directory stops scaling well before many threads.
    static constexpr unsigned kWalkThreads = 2;

    struct Worker {
      std::mutex mu;
      std::deque<Dir> stack;  // guarded by mu; popped at the back, taken from at the front
      std::vector<DirOutput> outputs;  // only its own thread touches it until the end
    };

    // Preorder with names in bytewise order: a directory before what is in it, and "a/..."
    // before "a-b" ('/' sorts before every byte a name can hold).
    static bool WalkOrder(std::string_view a, std::string_view b) {
      const size_t n = std::min(a.size(), b.size());
      for (size_t i = 0; i < n; ++i) {
        if (a[i] == b[i]) continue;
        if (a[i] == '/') return true;
        if (b[i] == '/') return false;
        return static_cast<unsigned char>(a[i]) < static_cast<unsigned char>(b[i]);
      }
      return a.size() < b.size();
    }

    bool Next(size_t self, Dir& dir) {
      {
        Worker& w = workers_[self];
        std::lock_guard<std::mutex> lock(w.mu);
        if (!w.stack.empty()) {
          dir = std::move(w.stack.back());
          w.stack.pop_back();
          --queued_;
          return true;
        }
      }
      for (size_t k = 1; k < workers_.size(); ++k) {
        Worker& w = workers_[(self + k) % workers_.size()];
        std::lock_guard<std::mutex> lock(w.mu);
        if (!w.stack.empty()) {
          dir = std::move(w.stack.front());
          w.stack.pop_front();
          --queued_;
          return true;
        }
      }
      return false;
    }

    void Work(size_t self) {
      Worker& me = workers_[self];
      std::vector<Dir> subdirs;
      while (true) {
        Dir dir;
        if (!Next(self, dir)) {
          // Nothing to take: wait for another thread to queue directories or to finish.
          std::unique_lock<std::mutex> lock(idle_mu_);
          ++idle_;
          idle_cv_.wait(lock, [this] { return queued_ > 0 || pending_ == 0; });
          --idle_;
          if (pending_ == 0) return;
          continue;
        }
        DirOutput output;
        output.rel = dir.rel;
        subdirs.clear();
        collector_.VisitDir(fs_, owned_, dir, output, subdirs);
        if (!output.candidates.empty() || !output.warnings.empty()) {
          me.outputs.push_back(std::move(output));
        }
        if (!subdirs.empty()) {
          std::lock_guard<std::mutex> lock(me.mu);
          // Depth first in name order: the first subdirectory is popped first.
          for (auto it = subdirs.rbegin(); it != subdirs.rend(); ++it) {
            me.stack.push_back(std::move(*it));
          }
          pending_ += subdirs.size();
          queued_ += subdirs.size();
        }
        const bool done = --pending_ == 0;
        if (done || (!subdirs.empty() && idle_ > 0)) {
          std::lock_guard<std::mutex> lock(idle_mu_);  // no wakeup lost to a thread going idle
          if (done) {
            idle_cv_.notify_all();
          } else {
            idle_cv_.notify_one();
          }
        }
      }
    }

    const LanguageCollector& collector_;
    const Fs& fs_;
    const OwnedFiles& owned_;
    std::vector<Worker> workers_;
    std::atomic<size_t> queued_{0};   // directories in the stacks
    std::atomic<size_t> pending_{0};  // directories in the stacks or being visited
    std::atomic<size_t> idle_{0};     // threads waiting for work
    std::mutex idle_mu_;
    std::condition_variable idle_cv_;
  };

  static void Run(const Fs& fs, const std::string& rel, std::string_view type, uint64_t max,
                  const SiblingFiles& siblings, model::Inventory& out) {
    auto bytes = fs.ReadFile(rel, max);
    if (!bytes.ok()) {
      Warn(out.warnings, rel, "cannot read: " + bytes.status().message());
      return;
    }
    internal::ParseInto(FindParser(type)->parse, *bytes, rel, "", out, &siblings);
  }

  // Removes the packages from `first` on that repeat an earlier one in every field: a file read
  // both on its own and through another's include (a requirements.txt that `-r`s another
  // requirements.txt) gives the same packages twice.
  static void DropRepeats(std::vector<model::Package>& packages, size_t first) {
    std::unordered_set<std::string> seen;
    size_t kept = first;
    for (size_t i = first; i < packages.size(); ++i) {
      const model::Package& p = packages[i];
      std::string key;
      for (const std::string* f : {&p.ecosystem, &p.name, &p.version, &p.path, &p.purl,
                                   &p.source_name, &p.source_version, &p.arch, &p.layer_digest,
                                   &p.package_manager}) {
        key += *f;
        key += '\0';
      }
      key += p.dev ? '1' : '0';
      if (!seen.insert(std::move(key)).second) continue;
      if (kept != i) packages[kept] = std::move(packages[i]);
      ++kept;
    }
    packages.resize(kept);
  }

  // Opened once: the head, the section tables and the mapping all come from one descriptor.
  static void SniffExecutable(const Fs& fs, const std::string& rel, model::Inventory& out) {
    auto file = fs.OpenFile(rel);
    if (!file.ok()) {
      Warn(out.warnings, rel, "cannot read: " + file.status().message());
      return;
    }
    auto head = (*file)->ReadRange(0, 64);
    if (!head.ok()) {
      Warn(out.warnings, rel, "cannot read: " + head.status().message());
      return;
    }
    switch (ExecutableKind(*head)) {
      case ExeKind::kNone:
        return;
      case ExeKind::kElf: {
        auto type = SniffElf(**file, *head);
        if (!type.ok()) {
          Warn(out.warnings, rel, "cannot read: " + type.status().message());
        } else if (!type->empty()) {
          // Mapped, not read: the parser touches the headers and one section of what can be
          // a 100 MB program.
          auto bytes = (*file)->Map(kMaxExecutableBytes);
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
        auto bytes = (*file)->Map(kMaxExecutableBytes);
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
