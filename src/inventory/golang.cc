// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// go.mod follows the grammar of golang.org/x/mod/modfile; the build information of Go binaries
// the layout written by cmd/link and read by debug/buildinfo: a 32-byte header starting with
// "\xff Go buildinf:" on a 16-byte boundary of the data section, then either the Go version and
// the module information as varint-prefixed strings (Go 1.18 and later, flag bit 2) or two
// pointers to Go string headers (earlier releases).
//
// Versions are written as OSV's Go ecosystem writes them: without the Go tool's leading "v"
// ("v1.2.3" -> "1.2.3") and, for the toolchain (`stdlib`), without the "go" prefix.
#include "inventory/golang.h"

#include <algorithm>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "base/strings.h"
#include "inventory/exe.h"
#include "inventory/gosum.h"
#include "inventory/internal/package_list.h"
#include "inventory/internal/purl.h"
#include "versions/go.h"

namespace assay::inventory {
namespace {

constexpr std::string_view kEcosystem = "Go";
constexpr std::string_view kManager = "go";

// The packages of one file, each (name, version) once.
// The parse's packages: each (name, version) once.
class Packages : public internal::PackageList {
 public:
  explicit Packages(const ParseInput& input) : PackageList(input, kEcosystem, kManager) {}
};

// "v1.2.3" -> "1.2.3"; other strings unchanged.
std::string ModuleVersion(std::string_view v) {
  if (v.size() >= 2 && v[0] == 'v' && base::IsDigit(v[1])) v.remove_prefix(1);
  return std::string(v);
}

// The toolchain release of "go1.22.1", "go1.22.1 X:loopvar" or "go1.23.6-xyz": "1.22.1",
// "1.23.6"; "" for development builds ("devel go1.23-...") and other strings.
std::string ToolchainVersion(std::string_view v) {
  if (v.substr(0, 2) != "go" || v.size() < 3 || !base::IsDigit(v[2])) return "";
  v.remove_prefix(2);
  size_t end = v.find_first_of(" \t+-");
  return std::string(v.substr(0, end));
}

// strconv.Unquote for a "..." or `...` literal: false when malformed.
bool GoUnquote(std::string_view q, std::string* out) {
  out->clear();
  if (q.size() < 2 || q.front() != q.back()) return false;
  if (q.front() == '`') {
    std::string_view body = q.substr(1, q.size() - 2);
    if (body.find('`') != std::string_view::npos) return false;
    for (char c : body) {
      if (c != '\r') out->push_back(c);
    }
    return true;
  }
  if (q.front() != '"') return false;
  std::string_view s = q.substr(1, q.size() - 2);
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  auto put_utf8 = [out](uint32_t cp) {
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
    if (cp < 0x80) {
      out->push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  };
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '"' || c == '\n') return false;
    if (c != '\\') {
      out->push_back(c);
      continue;
    }
    if (++i >= s.size()) return false;
    char e = s[i];
    switch (e) {
      case 'a':
        out->push_back('\a');
        break;
      case 'b':
        out->push_back('\b');
        break;
      case 'f':
        out->push_back('\f');
        break;
      case 'n':
        out->push_back('\n');
        break;
      case 'r':
        out->push_back('\r');
        break;
      case 't':
        out->push_back('\t');
        break;
      case 'v':
        out->push_back('\v');
        break;
      case '\\':
        out->push_back('\\');
        break;
      case '"':
        out->push_back('"');
        break;
      case '\'':
        out->push_back('\'');
        break;
      case 'x':
      case 'u':
      case 'U': {
        const size_t n = e == 'x' ? 2 : e == 'u' ? 4 : 8;
        if (s.size() - i - 1 < n) return false;
        uint32_t v = 0;
        for (size_t k = 1; k <= n; ++k) {
          int h = hex(s[i + k]);
          if (h < 0) return false;
          v = (v << 4) | static_cast<uint32_t>(h);
        }
        i += n;
        if (e == 'x') {
          out->push_back(static_cast<char>(v));
        } else {
          put_utf8(v);
        }
        break;
      }
      default: {
        if (e < '0' || e > '7' || s.size() - i < 3) return false;
        uint32_t v = 0;
        for (size_t k = 0; k < 3; ++k) {
          char d = s[i + k];
          if (d < '0' || d > '7') return false;
          v = v * 8 + static_cast<uint32_t>(d - '0');
        }
        if (v > 255) return false;
        out->push_back(static_cast<char>(v));
        i += 2;
      }
    }
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// go.mod

struct ModLine {
  int number = 0;
  std::vector<std::string> tokens;
  bool bad_quote = false;
};

// Splits go.mod into lines of tokens: comments dropped, "(" and ")" and quoted strings their
// own tokens (unquoted), everything else split at white space.
std::vector<ModLine> TokenizeGoMod(std::string_view text) {
  std::vector<ModLine> lines;
  ModLine cur;
  cur.number = 1;
  size_t i = 0;
  auto flush = [&] {
    if (!cur.tokens.empty() || cur.bad_quote) lines.push_back(std::move(cur));
    cur = ModLine{};
  };
  int line = 1;
  while (i < text.size()) {
    char c = text[i];
    if (c == '\n') {
      flush();
      cur.number = ++line;
      ++i;
      continue;
    }
    if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
      ++i;
      continue;
    }
    if (c == '/' && i + 1 < text.size() && text[i + 1] == '/') {
      while (i < text.size() && text[i] != '\n') ++i;
      continue;
    }
    if (c == '(' || c == ')') {
      cur.tokens.emplace_back(1, c);
      ++i;
      continue;
    }
    if (c == '"' || c == '`') {
      size_t j = i + 1;
      while (j < text.size() && text[j] != c && text[j] != '\n') {
        if (c == '"' && text[j] == '\\' && j + 1 < text.size() && text[j + 1] != '\n') ++j;
        ++j;
      }
      std::string value;
      if (j < text.size() && text[j] == c && GoUnquote(text.substr(i, j - i + 1), &value)) {
        cur.tokens.push_back(std::move(value));
        i = j + 1;
      } else {
        cur.bad_quote = true;
        i = j;
      }
      continue;
    }
    size_t j = i;
    while (j < text.size()) {
      char d = text[j];
      if (d == ' ' || d == '\t' || d == '\r' || d == '\n' || d == '\f' || d == '\v' || d == '(' ||
          d == ')') {
        break;
      }
      if (d == '/' && j + 1 < text.size() && text[j + 1] == '/' && j > i) break;
      ++j;
    }
    cur.tokens.emplace_back(text.substr(i, j - i));
    i = j;
  }
  flush();
  return lines;
}

bool IsLocalPath(std::string_view p) {
  return p.substr(0, 2) == "./" || p.substr(0, 3) == "../" || p == "." || p == ".." ||
         p.substr(0, 1) == "/" || p.substr(0, 2) == ".\\" || p.substr(0, 3) == "..\\" ||
         p.substr(0, 1) == "\\" || (p.size() >= 2 && base::IsAlpha(p[0]) && p[1] == ':');
}

struct Require {
  std::string path;
  std::string version;
  int line = 0;
};

struct Replace {
  std::string old_path;
  std::string old_version;  // empty: every version
  std::string new_path;
  std::string new_version;  // empty: a local directory
  int line = 0;
};

bool KnownVerb(std::string_view v) {
  for (std::string_view k : {"module", "go", "toolchain", "godebug", "require", "exclude",
                             "replace", "retract", "tool", "ignore"}) {
    if (v == k) return true;
  }
  return false;
}

// Whether a go.mod written for `go_version` lists only the modules the main module needs
// directly: before Go 1.17 (which lists every module providing a package of the build), and
// without a go line, for which the go command assumes 1.16.
bool ListsOnlyDirect(std::string_view go_version) {
  if (go_version.empty()) return true;
  int major = 0;
  int minor = 0;
  size_t i = 0;
  if (i >= go_version.size() || !base::IsDigit(go_version[i])) return false;
  while (i < go_version.size() && base::IsDigit(go_version[i]) && major < 1000) {
    major = major * 10 + (go_version[i++] - '0');
  }
  if (i < go_version.size() && go_version[i] == '.') {
    ++i;
    while (i < go_version.size() && base::IsDigit(go_version[i]) && minor < 1000) {
      minor = minor * 10 + (go_version[i++] - '0');
    }
  }
  return major < 1 || (major == 1 && minor < 17);
}

// The go.sum that belongs to a go.mod: "go.mod" -> "go.sum" beside it (any "x.mod" -> "x.sum").
std::string GoSumPath(const std::string& go_mod) {
  std::string_view name = std::string_view(go_mod).substr(go_mod.rfind('/') + 1);
  if (name.size() > 4 && name.ends_with(".mod")) {
    return go_mod.substr(0, go_mod.size() - 4) + ".sum";
  }
  return SiblingPath(go_mod, "go.sum");
}

// Adds the standard library: the toolchain line names the release in use, else the go line.
Parsed FinishGoMod(Packages& pkgs, const std::string& toolchain, const std::string& go_version) {
  std::string stdlib = ToolchainVersion(toolchain);
  if (stdlib.empty()) stdlib = go_version;
  if (!stdlib.empty()) pkgs.Add("stdlib", stdlib);
  return pkgs.Take();
}

}  // namespace

base::Result<Parsed> ParseGoMod(const ParseInput& input) {
  Packages pkgs(input);
  auto where = [&](int line) { return input.path + ":" + std::to_string(line); };
  std::vector<Require> requires_;
  std::vector<Replace> replaces;
  std::string go_version;
  std::string toolchain;
  int known = 0;
  int first_unknown_line = 0;
  std::string first_unknown;

  std::string block;  // verb of the open "verb (" block
  int block_line = 0;
  for (ModLine& l : TokenizeGoMod(input.bytes)) {
    if (l.bad_quote) {
      pkgs.Warn(where(l.number), "malformed quoted string; line ignored");
      continue;
    }
    std::vector<std::string>& t = l.tokens;
    std::string verb;
    std::vector<std::string> args;
    if (!block.empty()) {
      if (t.size() == 1 && t[0] == ")") {
        block.clear();
        continue;
      }
      verb = block;
      args = std::move(t);
    } else {
      verb = t[0];
      if (!KnownVerb(verb)) {
        if (first_unknown_line == 0) {
          first_unknown_line = l.number;
          first_unknown = verb;
        }
        pkgs.Warn(where(l.number), "unknown directive \"" + verb + "\"; line ignored");
        continue;
      }
      ++known;
      if (t.size() == 2 && t[1] == "(") {
        block = verb;
        block_line = l.number;
        continue;
      }
      if (t.size() == 3 && t[1] == "(" && t[2] == ")") continue;
      args.assign(std::make_move_iterator(t.begin() + 1), std::make_move_iterator(t.end()));
    }

    if (verb == "go") {
      if (args.size() == 1)
        go_version = args[0];
      else
        pkgs.Warn(where(l.number), "go directive needs one version");
    } else if (verb == "toolchain") {
      if (args.size() == 1)
        toolchain = args[0];
      else
        pkgs.Warn(where(l.number), "toolchain directive needs one name");
    } else if (verb == "require") {
      if (args.size() != 2 || args[0].empty() || args[1].empty()) {
        pkgs.Warn(where(l.number), "require needs a module path and a version; line ignored");
        continue;
      }
      requires_.push_back({args[0], args[1], l.number});
    } else if (verb == "replace") {
      size_t arrow = 0;
      while (arrow < args.size() && args[arrow] != "=>") ++arrow;
      const size_t rhs = args.size() - std::min(args.size(), arrow + 1);
      if (arrow == args.size() || arrow < 1 || arrow > 2 || rhs < 1 || rhs > 2 || args[0].empty() ||
          args[arrow + 1].empty() || (rhs == 2 && args[arrow + 2].empty())) {
        pkgs.Warn(where(l.number),
                  "replace needs `path [version] => path [version]`; line ignored");
        continue;
      }
      Replace r;
      r.old_path = args[0];
      if (arrow == 2) r.old_version = args[1];
      r.new_path = args[arrow + 1];
      if (rhs == 2) r.new_version = args[arrow + 2];
      if (rhs == 1 && !IsLocalPath(r.new_path)) {
        pkgs.Warn(where(l.number), "replacement " + r.new_path +
                                       " is neither a directory nor versioned; line ignored");
        continue;
      }
      r.line = l.number;
      replaces.push_back(std::move(r));
    }
    // module, godebug, exclude, retract, tool, ignore: nothing to report.
  }
  if (!block.empty()) {
    pkgs.Warn(where(block_line), "\"" + block + " (\" block is not closed");
  }
  if (known == 0 && first_unknown_line != 0) {
    return base::Status::InvalidArgument(input.path + ":" + std::to_string(first_unknown_line) +
                                         ": not a go.mod file (unknown directive \"" +
                                         first_unknown + "\")");
  }

  for (const Require& req : requires_) {
    // A replacement for this exact version wins over one for every version.
    const Replace* rep = nullptr;
    for (const Replace& r : replaces) {
      if (r.old_path != req.path) continue;
      if (r.old_version == req.version) {
        rep = &r;
      } else if (r.old_version.empty() && (rep == nullptr || rep->old_version.empty())) {
        rep = &r;
      }
    }
    if (rep == nullptr) {
      pkgs.Add(req.path, ModuleVersion(req.version));
      continue;
    }
    if (rep->new_version.empty()) {
      pkgs.Warn(where(rep->line), req.path + " " + req.version + " is replaced by the directory " +
                                      rep->new_path + ", which has no version; not reported");
      continue;
    }
    pkgs.Add(rep->new_path, ModuleVersion(rep->new_version));
  }

  // Before Go 1.17 the modules the build needs indirectly are only in go.sum: those whose
  // contents it checksums, at their highest version, unless go.mod names them already.
  if (ListsOnlyDirect(go_version) && !requires_.empty()) {
    const std::string sum_path = GoSumPath(input.path);
    const std::string why =
        (go_version.empty() ? std::string("without a go line (Go then assumes 1.16)")
                            : "for go " + go_version) +
        ", go.mod lists only direct requirements; the indirect ones are in " + sum_path;
    base::Result<std::string> sum = input.siblings == nullptr
                                        ? base::Status::NotSupported("not read")
                                        : input.siblings->Read(sum_path);
    if (!sum.ok()) {
      // Without a go line the file's age is unknown (tools and tests write such files without a
      // go.sum): the go.sum is read when there is one, and its absence is not worth a warning.
      if (go_version.empty()) return FinishGoMod(pkgs, toolchain, go_version);
      const std::string what = sum.status().code() == base::Code::kNotSupported ? "was not read"
                               : sum.status().code() == base::Code::kNotFound
                                   ? "is absent"
                                   : "is unreadable (" + sum.status().message() + ")";
      pkgs.Warn(input.path, why + ", which " + what + ": indirect dependencies not reported");
    } else {
      std::set<std::string> named;  // required, replaced and replacing modules
      for (const Require& req : requires_) named.insert(req.path);
      for (const Replace& r : replaces) {
        named.insert(r.old_path);
        named.insert(r.new_path);
      }
      for (GoSumModule& m : GoSumContentModules(*sum)) {
        if (!named.contains(m.path)) pkgs.Add(std::move(m.path), std::move(m.version), sum_path);
      }
    }
  }

  return FinishGoMod(pkgs, toolchain, go_version);
}

// ---------------------------------------------------------------------------------------------
// Go binaries

namespace {

constexpr std::string_view kBuildInfoMagic("\xff Go buildinf:", 14);
constexpr size_t kBuildInfoAlign = 16;
constexpr size_t kBuildInfoSearch = 64 * 1024;  // what debug/buildinfo searches too
constexpr uint64_t kMaxGoString = 16u << 20;

struct BuildInfo {
  std::string go_version;  // "go1.22.1"
  std::string modinfo;     // the lines, sentinels removed
};

// A uvarint at b[*pos], advancing *pos; nullopt when truncated or over 64 bits.
std::optional<uint64_t> Uvarint(std::string_view b, size_t* pos) {
  uint64_t v = 0;
  for (int shift = 0; shift < 64 && *pos < b.size(); shift += 7) {
    auto byte = static_cast<uint8_t>(b[(*pos)++]);
    v |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) return v;
  }
  return std::nullopt;
}

std::optional<std::string_view> InlineString(std::string_view b, size_t* pos) {
  auto n = Uvarint(b, pos);
  if (!n || *n > b.size() - *pos || *n > kMaxGoString) return std::nullopt;
  std::string_view s = b.substr(*pos, static_cast<size_t>(*n));
  *pos += static_cast<size_t>(*n);
  return s;
}

// A Go string header {data, len} at virtual address `addr`.
std::optional<std::string_view> PointerString(const exe::Executable& x, uint64_t addr, int ptr,
                                              bool be) {
  auto hdr = x.ReadAddress(addr, static_cast<uint64_t>(2 * ptr));
  if (!hdr) return std::nullopt;
  const uint64_t data = *exe::ReadUint(*hdr, 0, ptr, be);
  const uint64_t len = *exe::ReadUint(*hdr, static_cast<uint64_t>(ptr), ptr, be);
  if (len > kMaxGoString) return std::nullopt;
  if (len == 0) return std::string_view();
  return x.ReadAddress(data, len);
}

// Decodes the header at image offset `at` (which holds the magic); inline strings must end by
// image offset `limit` (the end of the section or segment holding the header).
std::optional<BuildInfo> DecodeAt(const exe::Executable& x, size_t at, size_t limit) {
  std::string_view img = x.image().substr(0, std::min(limit, x.image().size()));
  if (at > img.size() || img.size() - at < 32) return std::nullopt;
  const int ptr = static_cast<uint8_t>(img[at + 14]);
  const uint8_t flags = static_cast<uint8_t>(img[at + 15]);
  BuildInfo info;
  if ((flags & 2) != 0) {
    size_t pos = at + 32;
    auto vers = InlineString(img, &pos);
    if (!vers) return std::nullopt;
    auto mod = InlineString(img, &pos);
    if (!mod) return std::nullopt;
    info.go_version = std::string(*vers);
    info.modinfo = std::string(*mod);
  } else {
    if (ptr != 4 && ptr != 8) return std::nullopt;
    const bool be = (flags & 1) != 0;
    const uint64_t vers_addr = *exe::ReadUint(img, at + 16, ptr, be);
    const uint64_t mod_addr = *exe::ReadUint(img, at + 16 + static_cast<uint64_t>(ptr), ptr, be);
    auto vers = PointerString(x, vers_addr, ptr, be);
    if (!vers) return std::nullopt;
    auto mod = PointerString(x, mod_addr, ptr, be);
    info.go_version = std::string(*vers);
    if (mod) info.modinfo = std::string(*mod);
  }
  if (info.go_version.empty()) return std::nullopt;
  // The module information is framed by 16-byte sentinels.
  const std::string& m = info.modinfo;
  if (m.size() >= 33 && m[m.size() - 17] == '\n') {
    info.modinfo = m.substr(16, m.size() - 32);
  } else {
    info.modinfo.clear();
  }
  return info;
}

struct Search {
  std::optional<BuildInfo> info;
  bool magic_seen = false;  // a header was there but did not decode
  int attempts = 0;
};

// Headers tried before giving up: a real binary has one, a hostile one may repeat the magic.
constexpr int kMaxHeaderAttempts = 64;

// Looks for the magic on a 16-byte boundary of image()[begin, begin + len); `limit` bounds the
// strings (0: the end of the section holding each hit, else of the file).
void SearchRegion(const exe::Executable& x, uint64_t begin, uint64_t len, uint64_t limit,
                  Search* out) {
  std::string_view img = x.image();
  if (begin >= img.size()) return;
  std::string_view region = img.substr(
      static_cast<size_t>(begin), static_cast<size_t>(std::min<uint64_t>(len, img.size() - begin)));
  for (size_t i = region.find(kBuildInfoMagic); i != std::string_view::npos;
       i = region.find(kBuildInfoMagic, i + 1)) {
    if (i % kBuildInfoAlign != 0) continue;
    if (++out->attempts > kMaxHeaderAttempts) return;
    const uint64_t at = begin + i;
    uint64_t end = limit;
    if (end == 0) {
      end = img.size();
      for (const exe::Section& s : x.sections()) {
        if (s.file_size > 0 && at >= s.offset && at - s.offset < s.file_size) {
          end = s.offset + s.file_size;
          break;
        }
      }
    }
    out->magic_seen = true;
    out->info = DecodeAt(x, static_cast<size_t>(at), static_cast<size_t>(end));
    if (out->info) return;
  }
}

// The build information, nullopt when there is none, or Corruption when a header is there but
// its strings are not.
base::Result<std::optional<BuildInfo>> FindBuildInfo(const exe::Executable& x) {
  Search found;
  // Where the linker puts it: its own section, else the start of the first writable data.
  for (const char* name : {".go.buildinfo", "__go_buildinfo"}) {
    if (const exe::Section* s = x.FindSection(name); s != nullptr && s->file_size > 0) {
      SearchRegion(x, s->offset, std::min<uint64_t>(s->file_size, kBuildInfoSearch),
                   s->offset + s->file_size, &found);
      if (found.info) return found.info;
    }
  }
  for (const exe::Segment& seg : x.segments()) {
    if (!seg.writable || seg.executable || seg.addr == 0 || seg.file_size == 0) continue;
    SearchRegion(x, seg.offset, std::min<uint64_t>(seg.file_size, kBuildInfoSearch),
                 seg.offset + seg.file_size, &found);
    if (found.info) return found.info;
    break;
  }
  // Unusual layouts: anywhere in the file, on a 16-byte boundary of the file offset.
  // (A header seen where the linker puts it but unreadable is an error; a stray copy of the
  // magic elsewhere, as in programs that read Go binaries, is not.)
  const bool seen = found.magic_seen;
  if (!seen) {
    SearchRegion(x, 0, x.image().size(), 0, &found);
    if (found.info) return found.info;
  }
  if (seen) {
    return base::Status::Corruption(
        "Go build information header without readable version "
        "and module strings");
  }
  return std::optional<BuildInfo>();
}

// `-X key=value` arguments of a -ldflags value, split as cmd/go splits flag lists (white space,
// fields optionally wrapped in single or double quotes).
std::vector<std::string> SplitFlags(std::string_view s) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && base::IsSpace(s[i])) ++i;
    if (i >= s.size()) break;
    if (s[i] == '\'' || s[i] == '"') {
      const char q = s[i];
      size_t end = s.find(q, i + 1);
      if (end == std::string_view::npos) end = s.size();
      out.emplace_back(s.substr(i + 1, end - i - 1));
      i = end + 1;
      continue;
    }
    size_t end = i;
    while (end < s.size() && !base::IsSpace(s[end])) ++end;
    out.emplace_back(s.substr(i, end - i));
    i = end;
  }
  return out;
}

// A version set with `-ldflags "-X <pkg>.version=v1.2.3"` (or `.Version`, `.ver`), the usual way
// to stamp a release into a binary built from a checkout: "" when none.
std::string LdflagsVersion(std::string_view ldflags) {
  std::vector<std::string> args = SplitFlags(ldflags);
  for (size_t i = 0; i < args.size(); ++i) {
    std::string_view a = args[i];
    std::string_view kv;
    if (a == "-X" || a == "--X") {
      if (i + 1 >= args.size()) break;
      kv = args[++i];
    } else if (a.substr(0, 3) == "-X=") {
      kv = a.substr(3);
    } else if (a.substr(0, 4) == "--X=") {
      kv = a.substr(4);
    } else {
      continue;
    }
    size_t eq = kv.find('=');
    if (eq == std::string_view::npos) continue;
    std::string key = base::AsciiLower(kv.substr(0, eq));
    std::string_view value = kv.substr(eq + 1);
    const bool key_ok = (key.size() > 8 && key.substr(key.size() - 8) == ".version") ||
                        (key.size() > 4 && key.substr(key.size() - 4) == ".ver");
    if (key_ok && versions::GoCanonical(value).ok()) return std::string(value);
  }
  return "";
}

struct Module {
  std::string path;
  std::string version;
  int line = 0;
};

}  // namespace

base::Result<Parsed> ParseGoBinary(const ParseInput& input) {
  auto x = exe::Executable::Parse(input.bytes);
  if (!x.ok()) {
    return base::Status::NotSupported(input.path + ": not a Go binary (" + x.status().message() +
                                      ")");
  }
  auto found = FindBuildInfo(*x);
  if (!found.ok()) return base::Status::Corruption(input.path + ": " + found.status().message());
  std::optional<BuildInfo>& info = *found;
  if (!info) {
    return base::Status::NotSupported(input.path +
                                      ": not a Go binary (no Go build information in " +
                                      std::string(exe::FormatName(x->format())) + " file)");
  }
  Packages pkgs(input);
  auto where = [&](int line) { return input.path + ": build info line " + std::to_string(line); };

  std::optional<Module> main_mod;
  std::vector<Module> deps;
  std::string ldflags;
  int number = 0;
  for (std::string_view line : base::Split(info->modinfo, '\n')) {
    ++number;
    if (line.empty()) continue;
    size_t tab = line.find('\t');
    std::string_view kind = line.substr(0, tab);
    std::string_view rest = tab == std::string_view::npos ? "" : line.substr(tab + 1);
    if (kind == "mod" || kind == "dep" || kind == "=>") {
      std::vector<std::string_view> f = base::Split(rest, '\t');
      if (f.size() < 2 || f.size() > 3 || f[0].empty()) {
        pkgs.Warn(where(number), "malformed \"" + std::string(kind) + "\" line; ignored");
        continue;
      }
      Module m{std::string(f[0]), std::string(f[1]), number};
      if (kind == "mod") {
        main_mod = std::move(m);
      } else if (kind == "dep") {
        deps.push_back(std::move(m));
      } else if (!deps.empty()) {
        deps.back() = std::move(m);  // the replacement of the dependency above
      } else if (main_mod) {
        main_mod = std::move(m);
      } else {
        pkgs.Warn(where(number), "replacement without a module; ignored");
      }
    } else if (kind == "build") {
      // key=value; a key or value holding spaces, quotes or '=' is written as a Go literal.
      std::string key, value;
      std::string_view raw_value;
      if (!rest.empty() && (rest[0] == '"' || rest[0] == '`')) {
        size_t end = rest.find(rest[0], 1);
        while (rest[0] == '"' && end != std::string_view::npos && rest[end - 1] == '\\') {
          end = rest.find('"', end + 1);
        }
        if (end == std::string_view::npos || !GoUnquote(rest.substr(0, end + 1), &key) ||
            end + 1 >= rest.size() || rest[end + 1] != '=') {
          continue;
        }
        raw_value = rest.substr(end + 2);
      } else {
        size_t eq = rest.find('=');
        if (eq == std::string_view::npos) continue;
        key = std::string(rest.substr(0, eq));
        raw_value = rest.substr(eq + 1);
      }
      if (!raw_value.empty() && (raw_value[0] == '"' || raw_value[0] == '`')) {
        if (!GoUnquote(raw_value, &value)) continue;
      } else {
        value = std::string(raw_value);
      }
      if (key == "-ldflags") ldflags = std::move(value);
    }
    // path and anything newer: nothing to report.
  }

  const std::string go = ToolchainVersion(info->go_version);
  if (go.empty()) {
    pkgs.Warn(input.path, "Go toolchain \"" + info->go_version.substr(0, 80) +
                              "\" has no release version; stdlib not reported");
  } else {
    pkgs.Add("stdlib", go);
  }
  if (main_mod) {
    std::string v = main_mod->version == "(devel)" ? "" : main_mod->version;
    if (v.empty()) v = LdflagsVersion(ldflags);
    if (v.empty()) {
      pkgs.Warn(where(main_mod->line), "main module " + main_mod->path +
                                           " has no version (built from a checkout); not reported");
    } else {
      pkgs.Add(main_mod->path, ModuleVersion(v));
    }
  }
  for (const Module& d : deps) {
    if (d.version.empty() || d.version == "(devel)") {
      pkgs.Warn(where(d.line), "module " + d.path + " has no version; not reported");
      continue;
    }
    pkgs.Add(d.path, ModuleVersion(d.version));
  }
  return pkgs.Take();
}

}  // namespace assay::inventory
