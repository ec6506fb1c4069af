// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include "inventory/os_release.h"

#include <utility>

#include "base/strings.h"

namespace assay::inventory {
namespace {

bool IsKeyStart(char c) { return base::IsAlpha(c) || c == '_'; }
bool IsKeyChar(char c) { return base::IsAlnum(c) || c == '_'; }
bool IsBlank(char c) { return c == ' ' || c == '\t'; }

// Reads shell-style assignments from the whole text (a quoted value may span lines). Calls
// `emit(key, value)` for each valid assignment.
template <typename Emit>
void ScanAssignments(std::string_view text, Emit&& emit) {
  size_t i = 0;
  const size_t n = text.size();
  auto skip_line = [&] {
    while (i < n && text[i] != '\n') ++i;
    if (i < n) ++i;
  };
  while (i < n) {
    // Leading blanks and empty lines.
    while (i < n && (base::IsSpace(text[i]))) ++i;
    if (i >= n) break;
    if (text[i] == '#' || !IsKeyStart(text[i])) {
      skip_line();
      continue;
    }
    size_t key_begin = i;
    while (i < n && IsKeyChar(text[i])) ++i;
    std::string_view key = text.substr(key_begin, i - key_begin);
    // Tolerate blanks before '=' (systemd does); anything else makes the line invalid.
    while (i < n && IsBlank(text[i])) ++i;
    if (i >= n || text[i] != '=') {
      skip_line();
      continue;
    }
    ++i;
    while (i < n && IsBlank(text[i])) ++i;

    // The value, shell style. `keep` is the length up to the last character that is quoted or
    // not a blank, so trailing unquoted blanks are dropped while inner ones are kept.
    std::string value;
    size_t keep = 0;
    enum class Quote { kNone, kSingle, kDouble } quote = Quote::kNone;
    while (i < n) {
      char c = text[i];
      if (quote == Quote::kNone) {
        if (c == '\n' || c == '\r') break;
        if (c == '\'') {
          quote = Quote::kSingle;
          keep = value.size();
          ++i;
        } else if (c == '"') {
          quote = Quote::kDouble;
          keep = value.size();
          ++i;
        } else if (c == '\\') {
          if (i + 1 < n && text[i + 1] == '\n') {
            i += 2;  // line continuation
          } else if (i + 1 < n) {
            value.push_back(text[i + 1]);
            keep = value.size();
            i += 2;
          } else {
            ++i;
          }
        } else {
          value.push_back(c);
          if (!IsBlank(c)) keep = value.size();
          ++i;
        }
      } else if (quote == Quote::kSingle) {
        if (c == '\'') {
          quote = Quote::kNone;
        } else {
          value.push_back(c);
        }
        keep = value.size();
        ++i;
      } else {
        if (c == '"') {
          quote = Quote::kNone;
          ++i;
        } else if (c == '\\' && i + 1 < n &&
                   (text[i + 1] == '"' || text[i + 1] == '\\' || text[i + 1] == '$' ||
                    text[i + 1] == '`')) {
          value.push_back(text[i + 1]);
          i += 2;
        } else if (c == '\\' && i + 1 < n && text[i + 1] == '\n') {
          i += 2;
        } else {
          value.push_back(c);
          ++i;
        }
        keep = value.size();
      }
    }
    value.resize(keep);
    skip_line();
    emit(key, std::move(value));
  }
}

// The leading run of digits of `v` ("12" of "12.5", "3" of "3_rc1"); "" when none.
std::string_view LeadingDigits(std::string_view v) {
  size_t k = 0;
  while (k < v.size() && base::IsDigit(v[k])) ++k;
  return v.substr(0, k);
}

// The major version of VERSION_ID when it starts with digits: "9" of "9.3".
std::string Major(std::string_view version_id) { return std::string(LeadingDigits(version_id)); }

// True when `word` occurs in `s` delimited by non-alphanumerics.
bool HasWord(std::string_view s, std::string_view word) {
  size_t pos = 0;
  while ((pos = s.find(word, pos)) != std::string_view::npos) {
    bool left = pos == 0 || !base::IsAlnum(s[pos - 1]);
    size_t end = pos + word.size();
    bool right = end >= s.size() || !base::IsAlnum(s[end]);
    if (left && right) return true;
    pos = end;
  }
  return false;
}

// "YY.04" with an even YY: every such Ubuntu release has been an LTS.
bool IsEvenYearApril(std::string_view version_id) {
  auto parts = base::Split(version_id, '.');
  if (parts.size() != 2 || parts[1] != "04") return false;
  std::string_view yy = parts[0];
  if (yy.empty() || LeadingDigits(yy).size() != yy.size()) return false;
  return (yy.back() - '0') % 2 == 0;
}

std::string WithMajor(std::string_view base_name, std::string_view version_id) {
  std::string major = Major(version_id);
  if (major.empty()) return std::string(base_name);
  return std::string(base_name) + ":" + major;
}

}  // namespace

base::Result<OsRelease> ParseOsRelease(std::string_view text) {
  OsRelease os;
  int assignments = 0;
  ScanAssignments(text, [&](std::string_view key, std::string value) {
    ++assignments;
    os.fields[std::string(key)] = std::move(value);
  });
  if (assignments == 0 && !base::Trim(text).empty()) {
    return base::Status::InvalidArgument("os-release: no KEY=value assignment found");
  }
  auto get = [&](const char* key) -> std::string {
    auto it = os.fields.find(key);
    return it == os.fields.end() ? std::string() : it->second;
  };
  os.id = get("ID");
  os.name = get("NAME");
  os.version = get("VERSION");
  os.version_id = get("VERSION_ID");
  os.version_codename = get("VERSION_CODENAME");
  os.pretty_name = get("PRETTY_NAME");
  std::string id_like = get("ID_LIKE");
  size_t i = 0;
  while (i < id_like.size()) {
    while (i < id_like.size() && base::IsSpace(id_like[i])) ++i;
    size_t start = i;
    while (i < id_like.size() && !base::IsSpace(id_like[i])) ++i;
    if (i > start) os.id_like.push_back(id_like.substr(start, i - start));
  }
  os.ecosystem = OsvEcosystem(os);
  return os;
}

std::string OsvEcosystem(const OsRelease& os) {
  const std::string& id = os.id;
  const std::string& vid = os.version_id;
  if (id == "debian") {
    std::string major = Major(vid);
    if (!major.empty()) return "Debian:" + major;
    if (!os.version_codename.empty()) return "Debian:" + os.version_codename;
    return "Debian";
  }
  if (id == "ubuntu") {
    if (vid.empty()) return "Ubuntu";
    std::string eco = "Ubuntu:" + vid;
    if (HasWord(os.version, "LTS") || HasWord(os.pretty_name, "LTS") || IsEvenYearApril(vid)) {
      eco += ":LTS";
    }
    return eco;
  }
  if (id == "alpine") {
    auto parts = base::Split(vid, '.');
    if (parts.size() >= 2) {
      std::string_view major = LeadingDigits(parts[0]);
      std::string_view minor = LeadingDigits(parts[1]);
      if (!major.empty() && major.size() == parts[0].size() && !minor.empty()) {
        return "Alpine:v" + std::string(major) + "." + std::string(minor);
      }
    }
    return "Alpine";
  }
  if (id == "almalinux") return WithMajor("AlmaLinux", vid);
  if (id == "rocky") return WithMajor("Rocky Linux", vid);
  if (id == "rhel") {
    std::string major = Major(vid);
    if (major.empty()) return "Red Hat";
    return "Red Hat:enterprise_linux:" + major;
  }
  if (id == "opensuse-tumbleweed" || id == "opensuse-slowroll") return "openSUSE:Tumbleweed";
  if (id == "opensuse-leap" || (id == "opensuse" && HasWord(os.name, "Leap"))) {
    if (vid.empty()) return "openSUSE";
    return "openSUSE:Leap " + vid;
  }
  if (id == "opensuse" && HasWord(os.name, "Tumbleweed")) return "openSUSE:Tumbleweed";
  if (id == "sles" || id == "sles_sap" || id == "sled" || id == "sle-micro" || id == "sl-micro") {
    std::string_view pretty = base::Trim(os.pretty_name);
    if (pretty.substr(0, 5) == "SUSE ") pretty.remove_prefix(5);
    if (pretty.empty()) return "SUSE";
    return "SUSE:" + std::string(pretty);
  }
  if (id == "wolfi") return "Wolfi";
  if (id == "chainguard") return "Chainguard";
  return "";
}

}  // namespace assay::inventory
