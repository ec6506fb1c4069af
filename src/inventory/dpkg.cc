// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include "inventory/dpkg.h"

#include <string>
#include <utility>

#include "base/strings.h"
#include "inventory/internal/purl.h"
#include "model/ecosystem.h"
#include "versions/dpkg.h"

namespace assay::inventory {
namespace {

constexpr size_t kMaxWarnings = 100;

// Collects warnings up to kMaxWarnings, then counts the rest so that a megabyte of garbage
// yields a bounded report.
class Warnings {
 public:
  Warnings(std::vector<ParseWarning>* out, std::string_view path)
      : out_(out), path_(path.empty() ? "dpkg status" : path) {}
  void Add(size_t line, std::string message) {
    if (out_->size() < kMaxWarnings) {
      out_->push_back({path_ + ":" + std::to_string(line), std::move(message)});
    } else {
      ++dropped_;
    }
  }
  void Finish() {
    if (dropped_ > 0) {
      out_->push_back({path_, std::to_string(dropped_) + " more warnings not listed"});
    }
  }

 private:
  std::vector<ParseWarning>* out_;
  std::string path_;
  size_t dropped_ = 0;
};

struct Field {
  std::string_view name;
  std::string_view value;  // the text on the field's own line, trimmed; continuations ignored
  size_t line;
};

struct Stanza {
  size_t line = 0;  // first line
  std::vector<Field> fields;
};

// deb822 field names: printable ASCII except ':' and space, not starting with '#' or '-'.
bool IsFieldName(std::string_view name) {
  if (name.empty() || name[0] == '-' || name[0] == '#') return false;
  for (char c : name) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x21 || u > 0x7e || c == ':') return false;
  }
  return true;
}

bool IsBlankLine(std::string_view line) {
  for (char c : line) {
    if (!base::IsSpace(c)) return false;
  }
  return true;
}

// True when `path` has a directory component named "status.d".
bool InStatusD(std::string_view path) {
  size_t pos = 0;
  while ((pos = path.find("status.d/", pos)) != std::string_view::npos) {
    if (pos == 0 || path[pos - 1] == '/') return true;
    ++pos;
  }
  return false;
}

bool IsInstalledState(std::string_view state) {
  return state == "installed" || state == "triggers-awaited" || state == "triggers-pending";
}

// Splits on blanks: "install ok installed" -> 3 words.
std::vector<std::string_view> Words(std::string_view s) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && base::IsSpace(s[i])) ++i;
    size_t start = i;
    while (i < s.size() && !base::IsSpace(s[i])) ++i;
    if (i > start) out.push_back(s.substr(start, i - start));
  }
  return out;
}

// The release part of an ecosystem used for the purl distro qualifier: the first ':'-separated
// segment that starts with a digit ("Ubuntu:Pro:18.04:LTS" -> "18.04"), else the first one.
std::string_view DistroRelease(std::string_view release) {
  auto segments = base::Split(release, ':');
  for (auto seg : segments) {
    if (!seg.empty() && base::IsDigit(seg[0])) return seg;
  }
  return segments.empty() ? std::string_view() : segments[0];
}

}  // namespace

base::Result<Parsed> ParseDpkgStatus(const ParseInput& input) {
  Parsed parsed;
  Warnings warnings(&parsed.warnings, input.path);
  std::string_view text = input.bytes;

  // Pass 1: lines into stanzas of syntactically valid fields.
  std::vector<Stanza> stanzas;
  Stanza current;
  bool any_field = false;
  bool any_status = false;
  bool in_stanza = false;  // a non-blank line was seen since the last blank line
  size_t line_no = 0;
  size_t pos = 0;
  auto close_stanza = [&] {
    if (!current.fields.empty()) stanzas.push_back(std::move(current));
    current = Stanza();
    in_stanza = false;
  };
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (IsBlankLine(line)) {
      close_stanza();
      continue;
    }
    if (!in_stanza) {
      in_stanza = true;
      current.line = line_no;
    }
    if (line[0] == ' ' || line[0] == '\t') {
      if (current.fields.empty()) warnings.Add(line_no, "continuation line without a field");
      continue;
    }
    if (line[0] == '#') continue;  // deb822 comment
    size_t colon = line.find(':');
    if (colon == std::string_view::npos || !IsFieldName(line.substr(0, colon))) {
      warnings.Add(line_no, "not a 'Field: value' line");
      continue;
    }
    Field f{line.substr(0, colon), base::Trim(line.substr(colon + 1)), line_no};
    any_field = true;
    if (base::EqualsIgnoreCase(f.name, "Status")) any_status = true;
    current.fields.push_back(f);
  }
  close_stanza();

  if (!any_field && !base::Trim(text).empty()) {
    return base::Status::InvalidArgument(
        (input.path.empty() ? std::string("dpkg status") : input.path) +
        ": not a dpkg database (no 'Field: value' line)");
  }

  const bool missing_status_installed = InStatusD(input.path) || !any_status;
  const std::string ecosystem = input.ecosystem.empty() ? "Debian" : input.ecosystem;
  const auto eco_name = model::SplitEcosystem(ecosystem);
  const std::string ns = internal::PurlNamespace(eco_name.base);
  std::string distro;
  if (std::string_view rel = DistroRelease(eco_name.release); !rel.empty()) {
    distro = ns + "-" + std::string(rel);
  }

  // Pass 2: stanzas into packages.
  for (const Stanza& st : stanzas) {
    const Field* package = nullptr;
    const Field* version = nullptr;
    const Field* arch = nullptr;
    const Field* source = nullptr;
    const Field* status = nullptr;
    for (const Field& f : st.fields) {
      const Field** slot = nullptr;
      if (base::EqualsIgnoreCase(f.name, "Package")) {
        slot = &package;
      } else if (base::EqualsIgnoreCase(f.name, "Version")) {
        slot = &version;
      } else if (base::EqualsIgnoreCase(f.name, "Architecture")) {
        slot = &arch;
      } else if (base::EqualsIgnoreCase(f.name, "Source")) {
        slot = &source;
      } else if (base::EqualsIgnoreCase(f.name, "Status")) {
        slot = &status;
      }
      if (slot == nullptr) continue;
      if (*slot != nullptr) {
        warnings.Add(f.line, "duplicate " + std::string(f.name) + " field; the first is used");
        continue;
      }
      *slot = &f;
    }
    std::string name;
    if (package != nullptr && !package->value.empty()) {
      name = std::string(package->value);
    } else if (source != nullptr && !base::Trim(source->value).empty() &&
               base::Trim(source->value)[0] != '(') {
      // Advisories name source packages, so a stanza that lost its Package field but still
      // says where it came from can be matched: report it under its source name rather than
      // lose its findings.
      std::string_view v = base::Trim(source->value);
      name = std::string(v.substr(0, v.find_first_of(" \t")));
      warnings.Add(st.line, "stanza without a Package field; reported under its Source name " +
                                name);
    } else {
      warnings.Add(st.line, "stanza without a Package field; skipped");
      continue;
    }

    bool installed = missing_status_installed;
    if (status != nullptr) {
      auto words = Words(status->value);
      if (words.size() != 3) {
        warnings.Add(status->line, "package " + name + ": malformed Status \"" +
                                       std::string(status->value) + "\"; not installed");
        installed = false;
      } else {
        installed = IsInstalledState(words[2]);
      }
    } else if (!installed) {
      warnings.Add(st.line, "package " + name + " has no Status; dpkg reads it as not-installed");
    }
    // Not-installed stanzas (selections, purged packages) often carry no Version: no warning.
    if (!installed) continue;
    if (version == nullptr || version->value.empty()) {
      warnings.Add(st.line, "package " + name + " has no Version; skipped");
      continue;
    }

    model::Package p;
    p.ecosystem = ecosystem;
    p.name = std::move(name);
    p.version = std::string(version->value);
    if (arch != nullptr) p.arch = std::string(arch->value);
    if (source != nullptr) {
      std::string_view v = source->value;
      size_t blank = v.find_first_of(" \t");
      std::string_view src_name = v.substr(0, blank);
      std::string_view rest =
          blank == std::string_view::npos ? std::string_view() : base::Trim(v.substr(blank));
      if (src_name.empty() || src_name[0] == '(') {
        warnings.Add(source->line, "package " + p.name + ": malformed Source \"" + std::string(v) +
                                       "\"; ignored");
      } else {
        if (src_name != p.name) p.source_name = std::string(src_name);
        if (rest.size() >= 2 && rest.front() == '(' && rest.back() == ')') {
          p.source_version = std::string(base::Trim(rest.substr(1, rest.size() - 2)));
        } else if (!rest.empty()) {
          warnings.Add(source->line, "package " + p.name + ": malformed Source version \"" +
                                         std::string(rest) + "\"; ignored");
        }
      }
    }
    if (auto parsed_version = versions::ParseDpkg(p.version); !parsed_version.ok()) {
      warnings.Add(version->line, "package " + p.name + ": " + parsed_version.status().message() +
                                      " (package kept)");
    }
    p.purl =
        internal::BuildPurl("deb", ns, p.name, p.version, {{"arch", p.arch}, {"distro", distro}});
    p.path = input.path;
    p.package_manager = "dpkg";
    parsed.packages.push_back(std::move(p));
  }
  warnings.Finish();
  return parsed;
}

std::vector<std::string_view> ParseDpkgFileList(std::string_view bytes) {
  std::vector<std::string_view> out;
  size_t pos = 0;
  while (pos < bytes.size()) {
    size_t end = bytes.find('\n', pos);
    if (end == std::string_view::npos) end = bytes.size();
    std::string_view line = bytes.substr(pos, end - pos);
    pos = end + 1;
    while (!line.empty() && line.front() == '/') line.remove_prefix(1);
    if (line.empty() || line == ".") continue;
    out.push_back(line);
  }
  return out;
}

}  // namespace assay::inventory
