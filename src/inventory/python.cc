// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include "inventory/python.h"

#include <toml++/toml.h>
#include <zip.h>

#include <cstdint>
#include <exception>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/strings.h"
#include "inventory/internal/purl.h"
#include "inventory/internal/toml.h"
#include "inventory/parser.h"

namespace assay::inventory {
namespace {

constexpr std::string_view kEcosystem = "PyPI";
constexpr size_t kMaxWarnings = 100;
// A METADATA / PKG-INFO inside a wheel or egg larger than this is not read.
constexpr uint64_t kMaxArchiveMetadataBytes = 4 << 20;

// Collects packages (one per distinct name and version; dev only when every occurrence is dev)
// and warnings (capped, then counted).
class Sink {
 public:
  Sink(const ParseInput& input, std::string_view package_manager)
      : input_(input),
        package_manager_(package_manager),
        where_(input.path.empty() ? "input" : input.path) {}

  const std::string& where() const { return where_; }

  // `location` is appended to the file name: ":12" (a line) or "!/EGG-INFO/PKG-INFO".
  void Warn(std::string_view location, std::string message) {
    if (parsed_.warnings.size() < kMaxWarnings) {
      parsed_.warnings.push_back({where_ + std::string(location), std::move(message)});
    } else {
      ++dropped_;
    }
  }

  void WarnAtLine(int64_t line, std::string message) {
    Warn(line > 0 ? ":" + std::to_string(line) : std::string(), std::move(message));
  }

  // A warning about line `line` of another file than the input (one it includes); `file` as
  // SiblingPath names it, "" for the input itself.
  void WarnInFile(std::string_view file, int64_t line, std::string message) {
    if (file.empty()) {
      WarnAtLine(line, std::move(message));
      return;
    }
    std::string location(file);
    if (line > 0) location += ":" + std::to_string(line);
    if (parsed_.warnings.size() < kMaxWarnings) {
      parsed_.warnings.push_back({std::move(location), std::move(message)});
    } else {
      ++dropped_;
    }
  }

  // `path`: the file the package was found in when it is not the input (an included file).
  void Add(std::string_view name, std::string_view version, bool dev,
           std::string_view path = {}) {
    auto [it, inserted] =
        index_.try_emplace({std::string(name), std::string(version)}, parsed_.packages.size());
    if (!inserted) {
      model::Package& prev = parsed_.packages[it->second];
      prev.dev = prev.dev && dev;
      return;
    }
    model::Package p;
    p.ecosystem = std::string(kEcosystem);
    p.name = std::string(name);
    p.version = std::string(version);
    p.purl = internal::LanguagePurl(kEcosystem, p.name, p.version);
    p.path = path.empty() ? input_.path : std::string(path);
    p.package_manager = std::string(package_manager_);
    p.dev = dev;
    parsed_.packages.push_back(std::move(p));
  }

  Parsed Finish() && {
    if (dropped_ > 0) {
      parsed_.warnings.push_back({where_, std::to_string(dropped_) + " more warnings not listed"});
    }
    return std::move(parsed_);
  }

 private:
  const ParseInput& input_;
  std::string_view package_manager_;
  std::string where_;
  Parsed parsed_;
  std::map<std::pair<std::string, std::string>, size_t> index_;
  size_t dropped_ = 0;
};

std::string Where(const ParseInput& input) { return input.path.empty() ? "input" : input.path; }

// Text from the input quoted in a warning, cut short when long.
std::string Quote(std::string_view s) {
  constexpr size_t kMax = 80;
  if (s.size() <= kMax) return "\"" + std::string(s) + "\"";
  return "\"" + std::string(s.substr(0, kMax)) + "...\"";
}

// ---------------------------------------------------------------------------------------------
// Text decoding

void AppendUtf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// UTF-16 (after its byte order mark) to UTF-8; unpaired surrogates become U+FFFD and an odd
// trailing byte is dropped.
std::string Utf16ToUtf8(std::string_view bytes, bool little_endian) {
  std::string out;
  out.reserve(bytes.size() / 2);
  auto unit = [&](size_t i) -> uint32_t {
    auto a = static_cast<unsigned char>(bytes[i]);
    auto b = static_cast<unsigned char>(bytes[i + 1]);
    return little_endian ? (a | (b << 8)) : ((a << 8) | b);
  };
  for (size_t i = 0; i + 1 < bytes.size(); i += 2) {
    uint32_t u = unit(i);
    if (u >= 0xD800 && u < 0xDC00 && i + 3 < bytes.size()) {
      uint32_t low = unit(i + 2);
      if (low >= 0xDC00 && low < 0xE000) {
        AppendUtf8(out, 0x10000 + ((u - 0xD800) << 10) + (low - 0xDC00));
        i += 2;
        continue;
      }
    }
    AppendUtf8(out, (u >= 0xD800 && u < 0xE000) ? 0xFFFD : u);
  }
  return out;
}

// The text of a file that may start with a UTF-8 or UTF-16 byte order mark (pip honours them).
std::string DecodeText(std::string_view bytes) {
  if (bytes.starts_with("\xEF\xBB\xBF")) return std::string(bytes.substr(3));
  if (bytes.starts_with("\xFF\xFE")) return Utf16ToUtf8(bytes.substr(2), true);
  if (bytes.starts_with("\xFE\xFF")) return Utf16ToUtf8(bytes.substr(2), false);
  return std::string(bytes);
}

// Calls fn(line_number, line) for each line, without its "\n" or "\r\n"; stops when fn returns
// false.
template <typename Fn>
void ForEachLine(std::string_view text, Fn&& fn) {
  int64_t number = 0;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!fn(++number, line)) return;
    start = end + 1;
  }
}

// ---------------------------------------------------------------------------------------------
// METADATA / PKG-INFO

struct MetadataHeaders {
  std::optional<std::string> name;
  std::optional<std::string> version;
};

// RFC 822 style headers up to the first blank line. Names are case-insensitive and the first
// occurrence wins; continuation lines and lines without a colon are skipped.
MetadataHeaders ReadMetadataHeaders(std::string_view text) {
  MetadataHeaders h;
  ForEachLine(text, [&](int64_t, std::string_view line) {
    if (line.empty()) return false;  // the body (long description) starts here
    if (line[0] == ' ' || line[0] == '\t') return true;
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) return true;
    std::string_view key = base::Trim(line.substr(0, colon));
    std::string value(base::Trim(line.substr(colon + 1)));
    if (base::EqualsIgnoreCase(key, "Name")) {
      if (!h.name) h.name = std::move(value);
    } else if (base::EqualsIgnoreCase(key, "Version")) {
      if (!h.version) h.version = std::move(value);
    }
    return true;
  });
  return h;
}

// Adds the package a METADATA / PKG-INFO text describes; an error when it is not one.
base::Status AddMetadata(Sink& sink, std::string_view text, std::string_view location) {
  std::string decoded = DecodeText(text);
  MetadataHeaders h = ReadMetadataHeaders(decoded);
  std::string where = sink.where() + std::string(location);
  if (!h.name && !h.version) {
    return base::Status::InvalidArgument(
        where + ": not Python package metadata (no Name or Version header)");
  }
  if (!h.name || h.name->empty()) {
    sink.Warn(location, "package metadata without a Name; skipped");
    return base::Status::Ok();
  }
  if (!h.version || h.version->empty()) {
    sink.Warn(location, "package " + Quote(*h.name) + " has no Version; skipped");
    return base::Status::Ok();
  }
  sink.Add(*h.name, *h.version, false);
  return base::Status::Ok();
}

struct ZipCloser {
  void operator()(zip_t* z) const { zip_discard(z); }
};
struct ZipFileCloser {
  void operator()(zip_file_t* f) const { zip_fclose(f); }
};

// Whether `entry` is the metadata file of a wheel (`x.dist-info/METADATA`) or an egg
// (`EGG-INFO/PKG-INFO`, `x.egg-info/PKG-INFO`) at the top of the archive.
bool IsArchiveMetadata(std::string_view entry) {
  size_t slash = entry.find('/');
  if (slash == std::string_view::npos || entry.find('/', slash + 1) != std::string_view::npos) {
    return false;
  }
  std::string_view dir = entry.substr(0, slash);
  std::string_view file = entry.substr(slash + 1);
  if (file == "METADATA") return dir.ends_with(".dist-info");
  if (file == "PKG-INFO") return dir == "EGG-INFO" || dir.ends_with(".egg-info");
  return false;
}

// A wheel or an egg (zip archive): the package its metadata file describes.
base::Status AddArchiveMetadata(Sink& sink, std::string_view bytes) {
  const std::string& where = sink.where();
  zip_error_t zerr;
  zip_error_init(&zerr);
  zip_source_t* source = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &zerr);
  if (source == nullptr) {
    std::string why = zip_error_strerror(&zerr);
    zip_error_fini(&zerr);
    return base::Status::InvalidArgument(where + ": not a zip archive: " + why);
  }
  std::unique_ptr<zip_t, ZipCloser> zip(zip_open_from_source(source, ZIP_RDONLY, &zerr));
  if (!zip) {
    std::string why = zip_error_strerror(&zerr);
    zip_error_fini(&zerr);
    zip_source_free(source);
    return base::Status::InvalidArgument(where + ": not a readable wheel or egg: " + why);
  }
  zip_error_fini(&zerr);
  zip_int64_t count = zip_get_num_entries(zip.get(), 0);
  for (zip_int64_t i = 0; i < count; ++i) {
    auto index = static_cast<zip_uint64_t>(i);
    const char* raw_name = zip_get_name(zip.get(), index, 0);
    if (raw_name == nullptr || !IsArchiveMetadata(raw_name)) continue;
    std::string location = "!/" + std::string(raw_name);
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(zip.get(), index, 0, &st) != 0 || !(st.valid & ZIP_STAT_SIZE) ||
        st.size > kMaxArchiveMetadataBytes) {
      sink.Warn(location, "unreadable or larger than " + std::to_string(kMaxArchiveMetadataBytes) +
                              " bytes; skipped");
      continue;
    }
    std::unique_ptr<zip_file_t, ZipFileCloser> file(zip_fopen_index(zip.get(), index, 0));
    if (!file) {
      sink.Warn(location, std::string("unreadable: ") + zip_strerror(zip.get()));
      continue;
    }
    std::string data;
    char buf[16 * 1024];
    bool ok = true;
    while (true) {
      zip_int64_t n = zip_fread(file.get(), buf, sizeof(buf));
      if (n < 0) {
        sink.Warn(location, std::string("unreadable: ") + zip_file_strerror(file.get()));
        ok = false;
        break;
      }
      if (n == 0) break;
      if (data.size() + static_cast<uint64_t>(n) > kMaxArchiveMetadataBytes) {
        sink.Warn(location, "inflates past its stated size; skipped");
        ok = false;
        break;
      }
      data.append(buf, static_cast<size_t>(n));
    }
    if (!ok) continue;
    base::Status st_add = AddMetadata(sink, data, location);
    if (!st_add.ok()) {
      sink.Warn(location, "not Python package metadata (no Name or Version header)");
      continue;
    }
    return base::Status::Ok();  // one distribution per archive
  }
  sink.Warn("", "archive has no .dist-info/METADATA or EGG-INFO/PKG-INFO; no package");
  return base::Status::Ok();
}

// ---------------------------------------------------------------------------------------------
// requirements.txt

struct LogicalLine {
  int64_t number;  // first physical line
  std::string text;
};

// Whether pip treats the line as a comment line: its first non-blank character is '#'.
bool IsCommentLine(std::string_view line) {
  size_t i = 0;
  while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
  return i < line.size() && line[i] == '#';
}

// Joins backslash continuations the way pip does: a line ending in '\' (other than a comment
// line) continues on the next one, with every backslash at either end of it removed.
std::vector<LogicalLine> JoinContinuations(std::string_view text) {
  std::vector<LogicalLine> out;
  std::optional<LogicalLine> pending;
  ForEachLine(text, [&](int64_t number, std::string_view line) {
    if (line.empty() || line.back() != '\\' || IsCommentLine(line)) {
      if (pending) {
        if (IsCommentLine(line)) pending->text += ' ';
        pending->text += line;
        out.push_back(std::move(*pending));
        pending.reset();
      } else {
        out.push_back({number, std::string(line)});
      }
      return true;
    }
    size_t b = 0;
    size_t e = line.size();
    while (b < e && line[b] == '\\') ++b;
    while (e > b && line[e - 1] == '\\') --e;
    if (!pending) pending = LogicalLine{number, ""};
    pending->text += line.substr(b, e - b);
    return true;
  });
  if (pending) out.push_back(std::move(*pending));
  return out;
}

bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\f' || c == '\v'; }

// Removes a comment: a '#' at the start or after a blank, with the blanks before it.
std::string_view StripComment(std::string_view line) {
  for (size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '#' && (i == 0 || IsBlank(line[i - 1]))) return line.substr(0, i);
  }
  return line;
}

std::vector<std::string_view> SplitBlanks(std::string_view s) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && IsBlank(s[i])) ++i;
    size_t start = i;
    while (i < s.size() && !IsBlank(s[i])) ++i;
    if (i > start) out.push_back(s.substr(start, i - start));
  }
  return out;
}

bool IsNameChar(char c) { return base::IsAlnum(c) || c == '-' || c == '_' || c == '.'; }

// A version as pinned by `==`: PEP 440 characters only (`*` makes it a prefix match, not a pin).
bool IsPinnableVersion(std::string_view v) {
  if (v.empty()) return false;
  for (char c : v) {
    if (!base::IsAlnum(c) && c != '.' && c != '-' && c != '_' && c != '+' && c != '!') {
      return false;
    }
  }
  return true;
}

// PEP 503's name key: lower case, runs of '-', '_' and '.' as one '-'. Constraints apply to
// requirements by this key.
std::string NameKey(std::string_view name) {
  std::string out;
  for (char c : name) {
    if (c == '-' || c == '_' || c == '.') {
      if (out.empty() || out.back() != '-') out += '-';
    } else {
      out += base::ToLower(c);
    }
  }
  return out;
}

// What one requirement line asks for.
struct Requirement {
  std::string name;  // as written
  std::optional<std::string> pin;
  std::string unpinned;  // when there is no pin: why, for the warning
};

// A requirement line (comment and per-requirement options already removed). nullopt after a
// warning when it names no package a version could be given to (a URL, a path, malformed).
template <typename Warn>
std::optional<Requirement> ReadRequirement(std::string_view req, Warn&& warn) {
  if (!base::IsAlnum(req[0])) {
    warn(Quote(req) + " is a path, URL or malformed requirement; no version");
    return std::nullopt;
  }
  size_t i = 0;
  while (i < req.size() && IsNameChar(req[i])) ++i;
  std::string_view name = req.substr(0, i);
  while (!name.empty() && !base::IsAlnum(name.back())) name.remove_suffix(1);
  std::string_view rest = req.substr(name.size());
  if (rest.starts_with(":") || rest.starts_with("/") || rest.starts_with("\\")) {
    warn(Quote(req) + " is a URL or path requirement; no version");
    return std::nullopt;
  }
  for (std::string_view ext : {".whl", ".zip", ".tar.gz", ".tgz", ".tar.bz2", ".tar.xz", ".egg"}) {
    if (rest.empty() && name.ends_with(ext)) {
      warn(Quote(req) + " is a distribution file; no version");
      return std::nullopt;
    }
  }
  rest = base::Trim(rest);
  if (rest.starts_with("[")) {  // extras
    size_t close = rest.find(']');
    if (close == std::string_view::npos) {
      warn("requirement " + Quote(name) + " has an unterminated extras list; skipped");
      return std::nullopt;
    }
    rest = base::Trim(rest.substr(close + 1));
  }
  if (rest.starts_with("@")) {
    warn("requirement " + Quote(name) + " is a direct URL reference; no version");
    return std::nullopt;
  }
  if (rest.find("://") != std::string_view::npos) {  // git+https://..., file://...
    warn(Quote(req) + " is a URL or path requirement; no version");
    return std::nullopt;
  }
  rest = base::Trim(rest.substr(0, rest.find(';')));  // environment marker
  if (rest.starts_with("(") && rest.ends_with(")")) {
    rest = base::Trim(rest.substr(1, rest.size() - 2));
  }
  Requirement out{std::string(name), std::nullopt, ""};
  if (rest.empty()) {
    out.unpinned = "requirement " + Quote(name) + " has no pinned version; skipped";
    return out;
  }
  for (std::string_view spec : base::Split(rest, ',')) {
    spec = base::Trim(spec);
    std::string_view op;
    for (std::string_view candidate : {"===", "==", "!=", "<=", ">=", "~=", "<", ">"}) {
      if (spec.starts_with(candidate)) {
        op = candidate;
        break;
      }
    }
    if (op.empty()) {
      warn("requirement " + Quote(name) + ": cannot read version specifier " + Quote(spec) +
           "; skipped");
      return std::nullopt;
    }
    std::string_view value = base::Trim(spec.substr(op.size()));
    if (value.find("${") != std::string_view::npos) {
      warn("requirement " + Quote(name) +
           " takes its version from an environment variable; skipped");
      return std::nullopt;
    }
    if (op == "===" || op == "==") {
      bool blank = false;
      for (char c : value) blank = blank || IsBlank(c);
      if (blank) {
        warn("requirement " + Quote(name) + ": unexpected text after version in " + Quote(spec) +
             "; skipped");
        return std::nullopt;
      }
      if (op == "===" ? !value.empty() : IsPinnableVersion(value)) {
        if (!out.pin) out.pin = std::string(value);
      }
    }
  }
  if (!out.pin) {
    out.unpinned = "requirement " + Quote(name) + " is not pinned to one version (" + Quote(rest) +
                   "); skipped";
  }
  return out;
}

// Cuts per-requirement options (`--hash=...`, `--config-settings ...`, `-C ...`): they start at
// the first blank followed by '-'.
std::string_view StripRequirementOptions(std::string_view line) {
  for (size_t i = 1; i < line.size(); ++i) {
    if (line[i] == '-' && IsBlank(line[i - 1])) return line.substr(0, i);
  }
  return line;
}

// Includes are followed at most this deep, and at most this many files per parse.
constexpr int kMaxIncludeDepth = 16;
constexpr int kMaxIncludedFiles = 256;

// A requirements file and the files it pulls in, read the way pip reads them: `-r FILE` adds
// FILE's requirements, `-c FILE` its pins as constraints (a constraint never adds a package; it
// gives the version of a requirement that has none of its own), both relative to the including
// file. Each file is read once per role, so cycles end; packages come out in the order their
// requirement lines were met, each (name key, version) once, with the path of the file that
// pins it.
class RequirementsFiles {
 public:
  RequirementsFiles(const ParseInput& input, Sink& sink) : input_(input), sink_(sink) {}

  void ReadTop() {
    const std::string self = SiblingPath("", input_.path);
    visited_.insert({input_.siblings != nullptr ? input_.siblings->Name(self) : self, false});
    Read(input_.bytes, "", false, 0);
  }

  void Finish() {
    std::set<std::pair<std::string, std::string>> reported;  // name key, version
    for (const Entry& e : requirements_) {
      const std::string key = NameKey(e.req.name);
      auto constraint = constraints_.find(key);
      std::string_view version;
      std::string_view path = e.file;
      if (e.req.pin) {
        version = *e.req.pin;
        if (constraint != constraints_.end() && constraint->second.version != version) {
          sink_.WarnInFile(e.file, e.line,
                           "requirement " + Quote(e.req.name) + " pins " + Quote(version) +
                               " but the constraint at " + Shown(constraint->second.file) + ":" +
                               std::to_string(constraint->second.line) + " pins " +
                               Quote(constraint->second.version) +
                               " (pip refuses both); the requirement's version is reported");
        }
      } else if (constraint != constraints_.end()) {
        version = constraint->second.version;
        path = constraint->second.file;
      } else {
        sink_.WarnInFile(e.file, e.line, e.req.unpinned);
        continue;
      }
      if (!reported.insert({key, std::string(version)}).second) continue;
      sink_.Add(e.req.name, version, false, path);
    }
  }

 private:
  struct Entry {
    Requirement req;
    std::string file;  // "" for the input itself
    int64_t line;
  };
  struct Constraint {
    std::string version;
    std::string file;
    int64_t line;
  };

  std::string Shown(const std::string& file) const {
    return file.empty() ? sink_.where() : file;
  }

  // `file`: "" for the input, else the included file's SiblingPath.
  void Read(std::string_view bytes, const std::string& file, bool constraints, int depth) {
    std::string text = DecodeText(bytes);
    for (const LogicalLine& line : JoinContinuations(text)) {
      std::string_view content = base::Trim(StripComment(line.text));
      if (content.empty()) continue;
      if (content[0] == '-') {
        Option(file, line.number, content, constraints, depth);
        continue;
      }
      std::string_view req = base::Trim(StripRequirementOptions(content));
      // A '#' glued to the version ("Jinja2==3.0.0#comment") is no part of it.
      if (req.find("://") == std::string_view::npos) {
        req = base::Trim(req.substr(0, req.find('#')));
      }
      if (req.empty()) continue;
      if (constraints) {
        // Only pins matter in a constraints file; what else it says installs nothing.
        auto r = ReadRequirement(req, [](std::string) {});
        if (r && r->pin) constraints_.try_emplace(NameKey(r->name), *r->pin, file, line.number);
        continue;
      }
      auto r = ReadRequirement(
          req, [&](std::string message) { sink_.WarnInFile(file, line.number, message); });
      if (r) requirements_.push_back({std::move(*r), file, line.number});
    }
  }

  // An option line (`-r file`, `--index-url ...`, `-e path`, ...).
  void Option(const std::string& file, int64_t number, std::string_view text, bool constraints,
              int depth) {
    std::vector<std::string_view> words = SplitBlanks(text);
    std::string_view opt = words[0];
    std::string_view arg = words.size() > 1 ? words[1] : std::string_view();
    auto option = [&](std::string_view short_name, std::string_view long_name) {
      if (opt == short_name || opt == long_name) return true;
      if (opt.starts_with(std::string(long_name) + "=")) {
        arg = opt.substr(long_name.size() + 1);
        return true;
      }
      if (opt.size() > short_name.size() && opt.starts_with(short_name) &&
          !opt.starts_with("--")) {
        arg = opt.substr(short_name.size());
        if (arg.starts_with("=")) arg.remove_prefix(1);
        return true;
      }
      return false;
    };
    if (option("-r", "--requirement")) {
      // Inside a constraints file, included files are constraints too (as pip reads them).
      Include(file, number, "-r", arg, constraints, depth);
    } else if (option("-c", "--constraint")) {
      Include(file, number, "-c", arg, true, depth);
    } else if (!constraints && option("-e", "--editable")) {
      sink_.WarnInFile(file, number,
                       "editable requirement " + Quote(arg) + " has no pinned version; skipped");
    }
    // Index, find-links, hash-mode and build options change where packages come from, not
    // which: ignored.
  }

  void Include(const std::string& file, int64_t number, std::string_view option,
               std::string_view ref, bool constraints, int depth) {
    const std::string what =
        std::string(constraints ? "constraints file " : "requirements file ") + Quote(ref) +
        " (" + std::string(option) + ")";
    auto warn = [&](std::string message) { sink_.WarnInFile(file, number, std::move(message)); };
    if (ref.empty()) {
      warn(std::string(option) + " without a file name; ignored");
      return;
    }
    if (ref.find("://") != std::string_view::npos) {
      warn(what + " is a URL; not followed");
      return;
    }
    if (input_.siblings == nullptr) {
      // A constraints file adds no package; requirements it would pin are warned about anyway.
      if (!constraints) warn("includes " + what + ", which is not followed from here; parse it "
                                               "separately");
      return;
    }
    const std::string target =
        input_.siblings->Name(SiblingPath(file.empty() ? input_.path : file, ref));
    if (!visited_.insert({target, constraints}).second) return;  // read already (or a cycle)
    if (depth + 1 > kMaxIncludeDepth) {
      warn(what + " is nested more than " + std::to_string(kMaxIncludeDepth) +
           " includes deep; not followed");
      return;
    }
    if (++included_ > kMaxIncludedFiles) {
      warn(what + ": more than " + std::to_string(kMaxIncludedFiles) +
           " included files; not followed");
      return;
    }
    base::Result<std::string> bytes = input_.siblings->Read(target);
    if (!bytes.ok()) {
      warn(bytes.status().code() == base::Code::kNotFound
               ? what + " not found (" + target + ")"
               : what + " cannot be read: " + bytes.status().message());
      return;
    }
    Read(*bytes, target, constraints, depth + 1);
  }

  const ParseInput& input_;
  Sink& sink_;
  std::set<std::pair<std::string, bool>> visited_;  // file, read as constraints
  int included_ = 0;
  std::vector<Entry> requirements_;
  std::map<std::string, Constraint> constraints_;  // name key -> the first pin met
};

// ---------------------------------------------------------------------------------------------
// TOML lockfiles

// TOML goes through internal::ParseTomlSafely (internal/toml.h).
base::Result<toml::table> ParseTomlAt(const ParseInput& input, std::string_view what) {
  return internal::ParseTomlSafely(input.bytes, Where(input), what);
}

int64_t LineOf(const toml::node& n) { return static_cast<int64_t>(n.source().begin.line); }

std::optional<std::string> TomlString(const toml::table& t, std::string_view key) {
  const toml::node* n = t.get(key);
  if (n == nullptr) return std::nullopt;
  if (auto s = n->value<std::string>()) return std::string(base::Trim(*s));
  return std::nullopt;
}

// Whether the array at t[key] holds the string `value`; nullopt when there is no such array.
std::optional<bool> ArrayHas(const toml::table& t, std::string_view key, std::string_view value) {
  const toml::array* a = t.get_as<toml::array>(key);
  if (a == nullptr) return std::nullopt;
  for (const toml::node& e : *a) {
    if (auto s = e.value<std::string_view>(); s && *s == value) return true;
  }
  return false;
}

// The `[[package]]` tables of a lockfile; an error when `package` is something else.
base::Result<std::vector<const toml::table*>> PackageTables(const toml::table& doc, Sink& sink,
                                                            std::string_view what) {
  std::vector<const toml::table*> out;
  const toml::node* node = doc.get("package");
  if (node == nullptr) return out;
  const toml::array* arr = node->as_array();
  if (arr == nullptr) {
    return base::Status::InvalidArgument(sink.where() + ":" + std::to_string(LineOf(*node)) +
                                         ": not a " + std::string(what) +
                                         " (\"package\" is not an array of tables)");
  }
  for (const toml::node& e : *arr) {
    if (const toml::table* t = e.as_table()) {
      out.push_back(t);
    } else {
      sink.WarnAtLine(LineOf(e), "package entry is not a table; skipped");
    }
  }
  return out;
}

// False (with a warning) when a name or version holds kNonAscii: a character outside ASCII, which
// no Python package name or version has.
bool PackageNameAndVersionOk(Sink& sink, int64_t line, std::string_view name,
                             std::string_view version) {
  if (name.find(internal::kNonAscii) == std::string_view::npos &&
      version.find(internal::kNonAscii) == std::string_view::npos) {
    return true;
  }
  sink.WarnAtLine(line, "package " + Quote(name) + " " + Quote(version) +
                            ": name or version with a character outside ASCII; skipped");
  return false;
}

// name and version of one `[[package]]`; warns and returns false when either is missing.
bool NameAndVersion(Sink& sink, const toml::table& pkg, std::string* name, std::string* version) {
  auto n = TomlString(pkg, "name");
  if (!n || n->empty()) {
    sink.WarnAtLine(LineOf(pkg), "package without a name; skipped");
    return false;
  }
  auto v = TomlString(pkg, "version");
  if (!v || v->empty()) {
    sink.WarnAtLine(LineOf(pkg), "package " + Quote(*n) + " has no version; skipped");
    return false;
  }
  if (!PackageNameAndVersionOk(sink, LineOf(pkg), *n, *v)) return false;
  *name = std::move(*n);
  *version = std::move(*v);
  return true;
}

// ---------------------------------------------------------------------------------------------
// uv.lock dependency graph (to tell development-only packages apart)

struct UvPackage {
  const toml::table* table = nullptr;
  std::string name;
  std::string version;
  bool root = false;  // the project itself or a workspace member (virtual / editable source)
};

// Calls fn(dep) for every dependency entry listed under `key` of `pkg`: an array of entries
// (`dependencies`) or a table of such arrays (`optional-dependencies`, `dev-dependencies`).
template <typename Fn>
void ForEachDependency(const toml::table& pkg, std::string_view key, Fn&& fn) {
  const toml::node* node = pkg.get(key);
  if (node == nullptr) return;
  auto each = [&](const toml::node& list) {
    if (const toml::array* a = list.as_array()) {
      for (const toml::node& dep : *a) fn(dep);
    }
  };
  if (const toml::table* groups = node->as_table()) {
    for (const auto& [group, list] : *groups) each(list);
  } else {
    each(*node);
  }
}

// The packages of a uv.lock and the dependency edges between them. A dependency entry names a
// package (`{ name = "x" }`) and, when several versions are locked, its version too.
class UvGraph {
 public:
  using Key = std::pair<std::string, std::string>;  // name, version ("" for any)

  explicit UvGraph(const std::vector<UvPackage>& packages) : packages_(packages) {
    for (size_t i = 0; i < packages.size(); ++i) {
      index_.emplace(Key{packages[i].name, ""}, i);
      index_.emplace(Key{packages[i].name, packages[i].version}, i);
    }
  }

  // Marks in `seen` every package reachable from `start` (through dependencies and optional
  // dependencies). Each distinct dependency key is expanded once, so the walk stays linear in
  // the number of entries even when many packages share a name.
  void Reach(const std::vector<size_t>& start, std::vector<bool>& seen) const {
    std::set<Key> expanded;
    std::vector<size_t> stack;
    auto push = [&](size_t i) {
      if (!seen[i]) {
        seen[i] = true;
        stack.push_back(i);
      }
    };
    for (size_t s : start) push(s);
    auto visit = [&](const toml::node& dep) {
      std::optional<Key> key = DependencyKey(dep);
      if (!key || !expanded.insert(*key).second) return;
      auto [b, e] = index_.equal_range(*key);
      for (auto it = b; it != e; ++it) push(it->second);
    };
    while (!stack.empty()) {
      size_t at = stack.back();
      stack.pop_back();
      ForEachDependency(*packages_[at].table, "dependencies", visit);
      ForEachDependency(*packages_[at].table, "optional-dependencies", visit);
    }
  }

  // Appends the packages the dev dependency groups of `root` name (each dependency key only
  // once across calls sharing `expanded`).
  void DevTargets(size_t root, std::set<Key>& expanded, std::vector<size_t>& out) const {
    ForEachDependency(*packages_[root].table, "dev-dependencies", [&](const toml::node& dep) {
      std::optional<Key> key = DependencyKey(dep);
      if (!key || !expanded.insert(*key).second) return;
      auto [b, e] = index_.equal_range(*key);
      for (auto it = b; it != e; ++it) out.push_back(it->second);
    });
  }

 private:
  static std::optional<Key> DependencyKey(const toml::node& dep) {
    const toml::table* t = dep.as_table();
    if (t == nullptr) return std::nullopt;
    auto name = TomlString(*t, "name");
    if (!name) return std::nullopt;
    return Key{std::move(*name), TomlString(*t, "version").value_or("")};
  }

  const std::vector<UvPackage>& packages_;
  std::multimap<Key, size_t> index_;
};

}  // namespace

// ---------------------------------------------------------------------------------------------

base::Result<Parsed> ParsePythonMetadata(const ParseInput& input) {
  Sink sink(input, "pip");
  if (input.bytes.starts_with("PK\x03\x04")) {
    ASSAY_RETURN_IF_ERROR(AddArchiveMetadata(sink, input.bytes));
  } else {
    ASSAY_RETURN_IF_ERROR(AddMetadata(sink, input.bytes, ""));
  }
  return std::move(sink).Finish();
}

base::Result<Parsed> ParseRequirementsTxt(const ParseInput& input) {
  Sink sink(input, "pip");
  RequirementsFiles files(input, sink);
  files.ReadTop();
  files.Finish();
  return std::move(sink).Finish();
}

base::Result<Parsed> ParsePoetryLock(const ParseInput& input) {
  ASSAY_ASSIGN_OR_RETURN(toml::table doc, ParseTomlAt(input, "poetry.lock (TOML)"));
  Sink sink(input, "poetry");
  ASSAY_ASSIGN_OR_RETURN(auto packages, PackageTables(doc, sink, "poetry.lock"));
  for (const toml::table* pkg : packages) {
    std::string name;
    std::string version;
    if (!NameAndVersion(sink, *pkg, &name, &version)) continue;
    // Poetry < 1.2 writes `category = "dev"`; later versions list the dependency groups.
    bool dev = TomlString(*pkg, "category") == "dev";
    if (auto in_main = ArrayHas(*pkg, "groups", "main")) dev = !*in_main;
    sink.Add(name, version, dev);
  }
  return std::move(sink).Finish();
}

base::Result<Parsed> ParsePipfileLock(const ParseInput& input) {
  const std::string where = Where(input);
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(input.bytes.begin(), input.bytes.end());
  } catch (const std::exception& e) {
    return base::Status::InvalidArgument(where + ": not a Pipfile.lock (" + e.what() + ")");
  }
  if (!doc.is_object()) {
    return base::Status::InvalidArgument(where +
                                         ": not a Pipfile.lock (the top level is not an object)");
  }
  if (!doc.contains("default") && !doc.contains("develop")) {
    return base::Status::InvalidArgument(
        where + ": not a Pipfile.lock (neither \"default\" nor \"develop\")");
  }
  Sink sink(input, "pipenv");
  // `default` first; `develop` and custom categories (pipenv >= 2023.10) are not installed by
  // default, so their packages are development-only unless also in `default`.
  std::vector<std::pair<std::string, bool>> categories = {{"default", false}, {"develop", true}};
  for (const auto& [key, value] : doc.items()) {
    if (key != "default" && key != "develop" && key != "_meta" && value.is_object()) {
      categories.emplace_back(key, true);
    }
  }
  for (const auto& [category, dev] : categories) {
    auto section = doc.find(category);
    if (section == doc.end() || section->is_null()) continue;
    if (!section->is_object()) {
      sink.Warn(": " + category, "not an object; ignored");
      continue;
    }
    for (const auto& [name, entry] : section->items()) {
      std::string record = ": " + category + "." + name.substr(0, 80);
      if (!entry.is_object()) {
        sink.Warn(record, "package entry is not an object; skipped");
        continue;
      }
      auto v = entry.find("version");
      if (v == entry.end() || !v->is_string()) {
        const char* kind = entry.contains("git")    ? "a git"
                           : entry.contains("path") ? "a path"
                           : entry.contains("file") ? "a file"
                                                    : "an unversioned";
        sink.Warn(record, "package " + Quote(name) + " is " + kind +
                              " dependency without a version; skipped");
        continue;
      }
      std::string_view version = base::Trim(v->get_ref<const std::string&>());
      if (version.starts_with("===")) {
        version.remove_prefix(3);
      } else if (version.starts_with("==")) {
        version.remove_prefix(2);
      } else {
        sink.Warn(record, "package " + Quote(name) + " has version " + Quote(version) +
                              ", not an exact pin; skipped");
        continue;
      }
      version = base::Trim(version);
      if (version.empty() || name.empty()) {
        sink.Warn(record, "package without a name or version; skipped");
        continue;
      }
      sink.Add(name, version, dev);
    }
  }
  return std::move(sink).Finish();
}

base::Result<Parsed> ParsePdmLock(const ParseInput& input) {
  ASSAY_ASSIGN_OR_RETURN(toml::table doc, ParseTomlAt(input, "pdm.lock (TOML)"));
  Sink sink(input, "pdm");
  ASSAY_ASSIGN_OR_RETURN(auto packages, PackageTables(doc, sink, "pdm.lock"));
  for (const toml::table* pkg : packages) {
    std::string name;
    std::string version;
    if (!NameAndVersion(sink, *pkg, &name, &version)) continue;
    // Packages only in dev / optional groups are not installed by a plain `pdm install --prod`.
    auto in_default = ArrayHas(*pkg, "groups", "default");
    bool dev = in_default.has_value() && !*in_default;
    sink.Add(name, version, dev);
  }
  return std::move(sink).Finish();
}

base::Result<Parsed> ParseUvLock(const ParseInput& input) {
  ASSAY_ASSIGN_OR_RETURN(toml::table doc, ParseTomlAt(input, "uv.lock (TOML)"));
  Sink sink(input, "uv");
  ASSAY_ASSIGN_OR_RETURN(auto tables, PackageTables(doc, sink, "uv.lock"));
  std::vector<UvPackage> packages;
  for (const toml::table* pkg : tables) {
    UvPackage p;
    p.table = pkg;
    p.name = TomlString(*pkg, "name").value_or("");
    p.version = TomlString(*pkg, "version").value_or("");
    if (const toml::table* source = pkg->get_as<toml::table>("source")) {
      p.root = source->contains("virtual") || source->contains("editable");
    }
    if (p.name.empty()) {
      sink.WarnAtLine(LineOf(*pkg), "package without a name; skipped");
      continue;
    }
    packages.push_back(std::move(p));
  }
  // Development-only: reachable from the projects' dev dependency groups and not from their
  // runtime dependencies. Without a project entry nothing is marked.
  UvGraph graph(packages);
  std::vector<size_t> runtime_start;
  std::vector<size_t> dev_start;
  std::set<UvGraph::Key> dev_keys;
  for (size_t i = 0; i < packages.size(); ++i) {
    if (!packages[i].root) continue;
    runtime_start.push_back(i);
    graph.DevTargets(i, dev_keys, dev_start);
  }
  std::vector<bool> runtime(packages.size(), false);
  std::vector<bool> development(packages.size(), false);
  graph.Reach(runtime_start, runtime);
  graph.Reach(dev_start, development);
  for (size_t i = 0; i < packages.size(); ++i) {
    const UvPackage& p = packages[i];
    if (p.root) continue;  // the user's own project, not a dependency
    if (p.version.empty()) {
      sink.WarnAtLine(LineOf(*p.table), "package " + Quote(p.name) + " has no version; skipped");
      continue;
    }
    if (!PackageNameAndVersionOk(sink, LineOf(*p.table), p.name, p.version)) continue;
    sink.Add(p.name, p.version, development[i] && !runtime[i]);
  }
  return std::move(sink).Finish();
}

}  // namespace assay::inventory
