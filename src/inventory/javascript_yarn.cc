// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// yarn.lock, classic (v1) and berry (v2+), read line by line. Both are a list of top-level
// entries, a header of one or more comma-separated "name@range" descriptors ending in ':', with
// indented fields under it:
//
//   "@babel/core@^7.0.0", "@babel/core@^7.1.0":      "lodash@npm:^4.17.0":
//     version "7.1.2"                                   version: 4.17.21
//     resolved "https://..."                            resolution: "lodash@npm:4.17.21"
//
// Only the first indentation level matters (version, resolution); deeper lines (dependency
// lists) are skipped. Berry's `__metadata`, the project's own root workspace (`workspace:.`) and
// `patch:` entries (a patched copy of a package listed on its own too) are not packages.
#include <string>
#include <string_view>
#include <vector>

#include "base/strings.h"
#include "inventory/javascript.h"
#include "inventory/javascript_internal.h"

namespace assay::inventory {
namespace {

// Removes one level of double quotes, resolving backslash escapes.
std::string Unquote(std::string_view s) {
  if (s.size() < 2 || s.front() != '"' || s.back() != '"') return std::string(s);
  std::string out;
  for (size_t i = 1; i + 1 < s.size(); ++i) {
    if (s[i] == '\\' && i + 2 < s.size()) ++i;
    out.push_back(s[i]);
  }
  return out;
}

// The descriptors of a header line without its final ':': `a@^1, "b@^2"` and berry's
// `"a@npm:^1, a@npm:^2"` both give two.
std::vector<std::string> HeaderSpecs(std::string_view header) {
  std::vector<std::string> pieces;
  std::string current;
  bool quoted = false;
  for (size_t i = 0; i < header.size(); ++i) {
    char c = header[i];
    if (quoted && c == '\\' && i + 1 < header.size()) {
      current.push_back(header[++i]);
    } else if (c == '"') {
      quoted = !quoted;
    } else if (c == ',' && !quoted) {
      pieces.push_back(std::move(current));
      current.clear();
    } else {
      current.push_back(c);
    }
  }
  pieces.push_back(std::move(current));
  std::vector<std::string> specs;
  for (const auto& piece : pieces) {
    for (auto part : base::Split(piece, ',')) {
      part = base::Trim(part);
      if (!part.empty()) specs.emplace_back(part);
    }
  }
  return specs;
}

// A field line of an entry, "version "1.2.3"", "version: 1.2.3" or ""version" "1.2.3"".
struct Field {
  std::string key;
  std::string value;
};

Field ParseField(std::string_view line) {
  Field f;
  size_t i = 0;
  if (!line.empty() && line[0] == '"') {
    size_t end = 1;
    while (end < line.size() && line[end] != '"') end += line[end] == '\\' ? 2 : 1;
    end = std::min(end + 1, line.size());
    f.key = Unquote(line.substr(0, end));
    i = end;
  } else {
    while (i < line.size() && line[i] != ':' && !base::IsSpace(line[i])) ++i;
    f.key = std::string(line.substr(0, i));
  }
  if (i < line.size() && line[i] == ':') ++i;
  f.value = Unquote(base::Trim(line.substr(i)));
  return f;
}

// The protocol of a range or a resolution ("npm", "workspace", "git+ssh"), or "" for a plain
// semver range or a "user/repo#ref" shorthand.
std::string_view ProtocolOf(std::string_view range) {
  size_t i = 0;
  while (i < range.size() && (base::IsAlnum(range[i]) || range[i] == '+' || range[i] == '-' ||
                              range[i] == '.')) {
    ++i;
  }
  if (i == 0 || i >= range.size() || range[i] != ':' || !base::IsAlpha(range[0])) return {};
  return range.substr(0, i);
}

bool KnownProtocol(std::string_view p) {
  static constexpr std::string_view kKnown[] = {
      "npm",      "file",    "link",     "portal", "git",   "git+ssh", "git+https",
      "git+http", "git+file", "github",  "gitlab", "bitbucket", "http", "https",
      "ssh",      "workspace", "patch",  "exec",   "jsr"};
  for (auto k : kKnown) {
    if (p == k) return true;
  }
  return false;
}

struct Entry {
  size_t line = 0;
  std::string header;
  std::string version;
  std::string resolution;  // berry
};

class YarnLockParser {
 public:
  explicit YarnLockParser(const ParseInput& input) : input_(input), out_(input, "yarn") {}

  base::Result<Parsed> Run() {
    std::string_view text = input_.bytes;
    size_t pos = 0;
    size_t line_no = 0;
    size_t field_indent = 0;
    while (pos < text.size()) {
      size_t eol = text.find('\n', pos);
      if (eol == std::string_view::npos) eol = text.size();
      std::string_view line = text.substr(pos, eol - pos);
      pos = eol + 1;
      ++line_no;
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      size_t indent = 0;
      while (indent < line.size() && (line[indent] == ' ' || line[indent] == '\t')) ++indent;
      std::string_view body = line.substr(indent);
      while (!body.empty() && base::IsSpace(body.back())) body.remove_suffix(1);
      if (body.empty() || body[0] == '#') continue;
      if (indent == 0) {
        Flush();
        if (body.back() != ':') {
          if (bad_headers_++ == 0) first_bad_ = line_no;
          out_.Warn(Where(line_no), "not an entry header (no final ':')");
          continue;
        }
        ++entries_;
        current_ = Entry{line_no, std::string(body.substr(0, body.size() - 1)), "", ""};
        in_entry_ = true;
        field_indent = 0;
        continue;
      }
      if (!in_entry_) continue;
      if (field_indent == 0) field_indent = indent;
      if (indent != field_indent) continue;
      Field f = ParseField(body);
      if (f.key == "version") {
        current_.version = std::move(f.value);
      } else if (f.key == "resolution") {
        current_.resolution = std::move(f.value);
      }
    }
    Flush();
    if (entries_ == 0 && bad_headers_ > 0) {
      return base::Status::InvalidArgument(input_.path + ": not a yarn.lock (line " +
                                           std::to_string(first_bad_) + " is no entry header)");
    }
    return out_.Take();
  }

 private:
  std::string Where(size_t line) const { return input_.path + ":" + std::to_string(line); }

  void Flush() {
    if (!in_entry_) return;
    in_entry_ = false;
    Entry e = std::move(current_);
    if (e.header == "__metadata") return;
    std::vector<std::string> specs = HeaderSpecs(e.header);
    if (specs.empty()) {
      out_.Warn(Where(e.line), "entry without a package descriptor");
      return;
    }
    js::NameSpec ns = js::SplitNameSpec(specs[0]);
    std::string name(ns.ok ? ns.name : std::string_view(specs[0]));
    std::string_view range = ns.spec;
    std::string_view protocol = ProtocolOf(range);
    if (protocol == "patch") return;
    if (!protocol.empty() && !KnownProtocol(protocol)) {
      out_.Warn(Where(e.line), "unsupported protocol \"" + std::string(protocol) + ":\" in \"" +
                                   specs[0] + "\"");
      return;
    }
    if (range == "workspace:.") return;
    if (protocol == "npm") {  // an alias, "string-width-cjs@npm:string-width@^4.2.0"
      js::NameSpec alias = js::SplitNameSpec(range.substr(4));
      if (alias.ok && js::IsPackageName(alias.name)) name = std::string(alias.name);
    }
    if (!e.resolution.empty()) {  // berry: "name@npm:1.2.3" names the package actually used
      js::NameSpec res = js::SplitNameSpec(e.resolution);
      if (res.ok) {
        std::string_view res_protocol = ProtocolOf(res.spec);
        if (res_protocol == "patch" || res.spec == "workspace:.") return;
        if (js::IsPackageName(res.name)) name = std::string(res.name);
      }
    }
    if (!js::IsPackageName(name)) {
      out_.Warn(Where(e.line), "not a package name: \"" + name + "\"");
      return;
    }
    if (e.version.empty()) {
      out_.Warn(Where(e.line), "no version for " + name);
      return;
    }
    out_.Add(name, e.version, /*dev=*/false);
  }

  const ParseInput& input_;
  js::PackageList out_;
  Entry current_;
  bool in_entry_ = false;
  size_t entries_ = 0;
  size_t bad_headers_ = 0;
  size_t first_bad_ = 0;
};

}  // namespace

base::Result<Parsed> ParseYarnLock(const ParseInput& input) {
  return YarnLockParser(input).Run();
}

}  // namespace assay::inventory
