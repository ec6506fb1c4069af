// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include "inventory/ruby.h"

#include <optional>
#include <set>
#include <string>
#include <utility>

#include "base/strings.h"
#include "inventory/internal/purl.h"

namespace assay::inventory {
namespace {

constexpr size_t kMaxWarnings = 100;
constexpr std::string_view kEcosystem = "RubyGems";

// Collects packages (one per distinct name and version) and warnings (capped).
class Sink {
 public:
  Sink(const ParseInput& input, std::string_view manager)
      : input_(input), manager_(manager), where_(input.path.empty() ? "input" : input.path) {}

  const std::string& where() const { return where_; }

  void Warn(size_t line, std::string message) {
    if (parsed_.warnings.size() < kMaxWarnings) {
      parsed_.warnings.push_back({where_ + ":" + std::to_string(line), std::move(message)});
    } else {
      ++dropped_;
    }
  }

  void Add(std::string_view name, std::string_view version) {
    if (!seen_.emplace(std::string(name), std::string(version)).second) return;
    model::Package p;
    p.ecosystem = std::string(kEcosystem);
    p.name = std::string(name);
    p.version = std::string(version);
    p.purl = internal::LanguagePurl(kEcosystem, p.name, p.version);
    p.path = input_.path;
    p.package_manager = std::string(manager_);
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
  std::string_view manager_;
  std::string where_;
  Parsed parsed_;
  std::set<std::pair<std::string, std::string>> seen_;
  size_t dropped_ = 0;
};

// Calls fn(line_number, line) for every line, without the line break (LF or CRLF).
template <typename Fn>
void ForEachLine(std::string_view text, Fn&& fn) {
  size_t pos = 0;
  size_t line_no = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    fn(line_no, line);
  }
}

std::string_view TrimRight(std::string_view s) {
  while (!s.empty() && base::IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

// Top-level Gemfile.lock sections whose `specs:` list installed gems.
bool IsSourceSection(std::string_view header) {
  return header == "GEM" || header == "GIT" || header == "PATH" || header == "PLUGIN SOURCE";
}

// Other top-level sections Bundler writes; they identify the format but list no gems.
bool IsOtherSection(std::string_view header) {
  return header == "PLATFORMS" || header == "DEPENDENCIES" || header == "BUNDLED WITH" ||
         header == "RUBY VERSION" || header == "CHECKSUMS";
}

bool HasSpace(std::string_view s) {
  for (char c : s) {
    if (base::IsSpace(c)) return true;
  }
  return false;
}

// ---- gemspec -------------------------------------------------------------------------------

bool IsIdentChar(char c) { return base::IsAlnum(c) || c == '_'; }

std::string_view SkipSpaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  return s;
}

bool Consume(std::string_view& s, std::string_view prefix) {
  if (s.substr(0, prefix.size()) != prefix) return false;
  s.remove_prefix(prefix.size());
  return true;
}

std::string_view ReadIdent(std::string_view& s) {
  size_t n = 0;
  while (n < s.size() && IsIdentChar(s[n])) ++n;
  std::string_view id = s.substr(0, n);
  s.remove_prefix(n);
  return id;
}

// The block parameter of `Gem::Specification.new do |s|` (or `{ |s|`) on `line`, if any.
std::optional<std::string_view> BlockVariable(std::string_view line) {
  size_t at = line.find("Gem::Specification.new");
  if (at == std::string_view::npos) return std::nullopt;
  std::string_view rest = line.substr(at);
  size_t bar = rest.find('|');
  if (bar == std::string_view::npos) return std::nullopt;
  rest = SkipSpaces(rest.substr(bar + 1));
  std::string_view id = ReadIdent(rest);
  rest = SkipSpaces(rest);
  if (id.empty() || rest.empty() || rest.front() != '|') return std::nullopt;
  return id;
}

// A Ruby string literal without interpolation at the start of `s`: "x", 'x', %q<x>, %Q{x},
// %(x), optionally followed by `.freeze`. Advances `s` past it.
std::optional<std::string> ReadStringLiteral(std::string_view& s) {
  if (s.empty()) return std::nullopt;
  char open = s.front();
  char close = open;
  bool double_quoted = open == '"';
  size_t start = 1;
  if (open == '%') {
    size_t i = 1;
    if (i < s.size() && (s[i] == 'q' || s[i] == 'Q')) {
      double_quoted = s[i] == 'Q';
      ++i;
    } else {
      double_quoted = true;
    }
    if (i >= s.size()) return std::nullopt;
    open = s[i];
    switch (open) {
      case '(':
        close = ')';
        break;
      case '[':
        close = ']';
        break;
      case '{':
        close = '}';
        break;
      case '<':
        close = '>';
        break;
      default:
        if (IsIdentChar(open) || base::IsSpace(open)) return std::nullopt;
        close = open;
    }
    start = i + 1;
  } else if (open != '"' && open != '\'') {
    return std::nullopt;
  }
  std::string out;
  size_t i = start;
  for (; i < s.size() && s[i] != close; ++i) {
    char c = s[i];
    if (c == '\\' && i + 1 < s.size()) {
      char next = s[++i];
      if (!double_quoted && next != '\\' && next != close) out.push_back('\\');
      out.push_back(next);
      continue;
    }
    if (double_quoted && c == '#' && i + 1 < s.size() && s[i + 1] == '{') return std::nullopt;
    if (c == '\n') return std::nullopt;
    out.push_back(c);
  }
  if (i >= s.size()) return std::nullopt;
  s.remove_prefix(i + 1);
  Consume(s, ".freeze");
  return out;
}

// The value of `name = <expr>` where expr is a string literal or Gem::Version.new(literal).
std::optional<std::string> ReadStringValue(std::string_view s) {
  s = SkipSpaces(s);
  bool wrapped = Consume(s, "Gem::Version.new");
  if (wrapped) {
    s = SkipSpaces(s);
    if (!Consume(s, "(")) return std::nullopt;
    s = SkipSpaces(s);
  }
  auto value = ReadStringLiteral(s);
  if (!value) return std::nullopt;
  s = SkipSpaces(s);
  if (wrapped) {
    if (!Consume(s, ")")) return std::nullopt;
    s = SkipSpaces(s);
  }
  // Allowed after the value: nothing, a comment, or a trailing modifier (`if ...`).
  if (!s.empty() && s.front() != '#' && s.front() != ';' && !s.starts_with("if ") &&
      !s.starts_with("unless ")) {
    return std::nullopt;
  }
  return value;
}

struct Assignment {
  std::string_view receiver;
  std::string_view attribute;
  std::string_view value;  // the text after '='
};

// `<receiver>.<attribute> = <value>` at the start of a (left-trimmed) line.
std::optional<Assignment> ReadAssignment(std::string_view line) {
  std::string_view s = SkipSpaces(line);
  Assignment a;
  a.receiver = ReadIdent(s);
  if (a.receiver.empty() || !Consume(s, ".")) return std::nullopt;
  a.attribute = ReadIdent(s);
  if (a.attribute.empty()) return std::nullopt;
  s = SkipSpaces(s);
  if (!Consume(s, "=") || s.starts_with("=") || s.starts_with("~")) return std::nullopt;
  a.value = s;
  return a;
}

bool ValidGemName(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    if (!IsIdentChar(c) && c != '-' && c != '.') return false;
  }
  return true;
}

}  // namespace

base::Result<Parsed> ParseGemfileLock(const ParseInput& input) {
  Sink sink(input, "bundler");
  bool recognized = false;
  bool in_source = false;
  ForEachLine(input.bytes, [&](size_t line_no, std::string_view line) {
    if (TrimRight(line).empty()) return;
    if (line.front() != ' ') {
      std::string_view header = TrimRight(line);
      in_source = IsSourceSection(header);
      if (in_source || IsOtherSection(header)) recognized = true;
      return;
    }
    if (!in_source) return;
    size_t indent = line.find_first_not_of(' ');
    // Four spaces: a resolved gem; six: one of its dependency constraints.
    if (indent != 4) return;
    std::string_view spec = TrimRight(line.substr(indent));
    if (!spec.empty() && spec.back() == '!') spec.remove_suffix(1);
    size_t open = spec.find(" (");
    if (open == std::string_view::npos || spec.back() != ')') {
      sink.Warn(line_no, "gem spec \"" + std::string(spec) + "\" has no \"(version)\"; skipped");
      return;
    }
    std::string_view name = spec.substr(0, open);
    std::string_view version = spec.substr(open + 2, spec.size() - open - 3);
    // "1.13.3-x86_64-linux": the platform follows the first '-' (gem versions have none).
    version = base::Trim(version.substr(0, version.find('-')));
    if (name.empty() || HasSpace(name)) {
      sink.Warn(line_no, "malformed gem name in \"" + std::string(spec) + "\"; skipped");
      return;
    }
    if (version.empty() || HasSpace(version)) {
      sink.Warn(line_no, "gem " + std::string(name) + " has no usable version; skipped");
      return;
    }
    sink.Add(name, version);
  });
  if (!recognized && !base::Trim(input.bytes).empty()) {
    return base::Status::InvalidArgument(
        sink.where() + ": not a Gemfile.lock (no GEM, GIT, PATH or DEPENDENCIES section)");
  }
  return std::move(sink).Finish();
}

base::Result<Parsed> ParseGemspec(const ParseInput& input) {
  Sink sink(input, "gem");
  std::optional<std::string_view> var;
  std::optional<std::string> name;
  std::optional<std::string> version;
  size_t name_line = 0;
  base::Status error;
  ForEachLine(input.bytes, [&](size_t line_no, std::string_view line) {
    if (!error.ok() || (name && version)) return;
    if (!var) {
      if ((var = BlockVariable(line))) return;
    }
    auto a = ReadAssignment(line);
    if (!a || (a->attribute != "name" && a->attribute != "version")) return;
    if (var && a->receiver != *var) return;
    bool is_name = a->attribute == "name";
    if (is_name ? name.has_value() : version.has_value()) return;
    auto value = ReadStringValue(a->value);
    const std::string what = std::string(a->receiver) + "." + std::string(a->attribute);
    if (!value || value->empty() || HasSpace(*value)) {
      error = base::Status::InvalidArgument(sink.where() + ":" + std::to_string(line_no) + ": " +
                                            what + " is not a string literal");
      return;
    }
    if (is_name) {
      if (!ValidGemName(*value)) {
        error = base::Status::InvalidArgument(sink.where() + ":" + std::to_string(line_no) +
                                              ": invalid gem name \"" + *value + "\"");
        return;
      }
      name = std::move(value);
      name_line = line_no;
    } else {
      version = std::move(value);
    }
  });
  ASSAY_RETURN_IF_ERROR(error);
  const std::string receiver = var ? std::string(*var) : std::string("spec");
  if (!name) {
    return base::Status::InvalidArgument(sink.where() + ": no " + receiver +
                                         ".name assignment (not an installed gemspec)");
  }
  if (!version) {
    return base::Status::InvalidArgument(sink.where() + ": gem " + *name + " (line " +
                                         std::to_string(name_line) + ") has no " + receiver +
                                         ".version assignment");
  }
  sink.Add(*name, *version);
  return std::move(sink).Finish();
}

}  // namespace assay::inventory
