// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include "report/internal/render_util.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <tuple>

#include "base/sha256.h"
#include "base/strings.h"

namespace assay::report::internal {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// Length of the valid UTF-8 sequence at s[i], or 0 when it is not one.
std::size_t Utf8SequenceLength(std::string_view s, std::size_t i) {
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = byte(i);
  if (c < 0x80) return 1;
  std::size_t n = 0;
  unsigned int cp = 0;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
    cp = c & 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    cp = c & 0x0F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF))) return 0;
  if (cp >= 0xD800 && cp <= 0xDFFF) return 0;
  return n;
}

bool IsDigits(std::string_view s, std::size_t pos, std::size_t n) {
  if (pos + n > s.size()) return false;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (!base::IsDigit(s[i])) return false;
  }
  return true;
}

}  // namespace

std::string DumpJson(const nlohmann::ordered_json& j) {
  return j.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

std::string_view SeverityLower(model::Severity s) {
  switch (s) {
    case model::Severity::kCritical:
      return "critical";
    case model::Severity::kHigh:
      return "high";
    case model::Severity::kMedium:
      return "medium";
    case model::Severity::kLow:
      return "low";
    case model::Severity::kInformational:
      return "informational";
    case model::Severity::kUntriaged:
      return "untriaged";
  }
  return "untriaged";
}

bool IsWebUrl(std::string_view s) {
  std::string_view rest;
  if (base::StartsWithIgnoreCase(s, "https://")) {
    rest = s.substr(8);
  } else if (base::StartsWithIgnoreCase(s, "http://")) {
    rest = s.substr(7);
  } else {
    return false;
  }
  if (rest.empty() || rest[0] == '/') return false;
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7F) return false;
    if (c == '"' || c == '<' || c == '>' || c == '\\' || c == '^' || c == '`' || c == '{' ||
        c == '|' || c == '}') {
      return false;
    }
  }
  return true;
}

bool IsRfc3339(std::string_view s) {
  // YYYY-MM-DDTHH:MM:SS
  if (s.size() < 20 || !IsDigits(s, 0, 4) || s[4] != '-' || !IsDigits(s, 5, 2) || s[7] != '-' ||
      !IsDigits(s, 8, 2) || (s[10] != 'T' && s[10] != 't') || !IsDigits(s, 11, 2) || s[13] != ':' ||
      !IsDigits(s, 14, 2) || s[16] != ':' || !IsDigits(s, 17, 2)) {
    return false;
  }
  int month = (s[5] - '0') * 10 + (s[6] - '0');
  int day = (s[8] - '0') * 10 + (s[9] - '0');
  int hour = (s[11] - '0') * 10 + (s[12] - '0');
  int minute = (s[14] - '0') * 10 + (s[15] - '0');
  int second = (s[17] - '0') * 10 + (s[18] - '0');
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
    return false;
  }
  std::size_t i = 19;
  if (s[i] == '.') {
    ++i;
    std::size_t start = i;
    while (i < s.size() && base::IsDigit(s[i])) ++i;
    if (i == start) return false;
  }
  if (i == s.size()) return false;
  if (s[i] == 'Z' || s[i] == 'z') return i + 1 == s.size();
  if (s[i] != '+' && s[i] != '-') return false;
  return i + 6 == s.size() && IsDigits(s, i + 1, 2) && s[i + 3] == ':' && IsDigits(s, i + 4, 2);
}

std::string DeterministicUuid(std::string_view seed) {
  auto hex = base::Sha256Hex(seed);
  std::string h = hex.ok() ? *hex : std::string(64, '0');
  // Version nibble 5, variant bits 10xx.
  h[12] = '5';
  static constexpr char kVariant[] = "89ab";
  int v = h[16] >= 'a' ? h[16] - 'a' + 10 : h[16] - '0';
  h[16] = kVariant[v & 3];
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) +
         "-" + h.substr(20, 12);
}

std::string CleanText(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  std::size_t i = 0;
  while (i < s.size()) {
    std::size_t n = Utf8SequenceLength(s, i);
    if (n == 0) {
      out += kReplacement;
      ++i;
      continue;
    }
    auto c = static_cast<unsigned char>(s[i]);
    if (n == 1 && (c < 0x20 || c == 0x7F)) {
      out.push_back(' ');
    } else if (n == 2 && c == 0xC2 && static_cast<unsigned char>(s[i + 1]) < 0xA0) {
      out.push_back(' ');  // C1 controls (U+0080..U+009F), e.g. the 8-bit CSI
    } else {
      out.append(s.substr(i, n));
    }
    i += n;
  }
  return out;
}

std::size_t DisplayWidth(std::string_view utf8) {
  std::size_t n = 0;
  for (char c : utf8) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  }
  return n;
}

std::string Truncate(std::string_view utf8, std::size_t width) {
  if (DisplayWidth(utf8) <= width) return std::string(utf8);
  if (width == 0) return {};
  std::string out;
  std::size_t points = 0;
  for (std::size_t i = 0; i < utf8.size(); ++i) {
    bool lead = (static_cast<unsigned char>(utf8[i]) & 0xC0) != 0x80;
    if (lead && ++points == width) break;
    out.push_back(utf8[i]);
  }
  return out + "\xE2\x80\xA6";  // …
}

std::string HtmlEscape(std::string_view s) {
  std::string clean = CleanText(s);
  std::string out;
  out.reserve(clean.size());
  for (char c : clean) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

std::string UriPathEncode(std::string_view path) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : path) {
    if (base::IsAlnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '/') {
      out.push_back(c);
    } else {
      auto b = static_cast<unsigned char>(c);
      out.push_back('%');
      out.push_back(kHex[b >> 4]);
      out.push_back(kHex[b & 0xF]);
    }
  }
  return out;
}

std::vector<std::string> PackageRefs(const model::Inventory& inventory) {
  std::vector<std::string> refs;
  refs.reserve(inventory.packages.size());
  std::map<std::string, int> seen;
  for (std::size_t i = 0; i < inventory.packages.size(); ++i) {
    const model::Package& p = inventory.packages[i];
    std::string ref = p.purl.empty() ? "package-" + std::to_string(i + 1) : p.purl;
    int n = ++seen[ref];
    if (n > 1) ref += "#" + std::to_string(n);
    refs.push_back(std::move(ref));
  }
  return refs;
}

std::size_t FindPackage(const model::Inventory& inventory, const model::VulnerablePackage& vp) {
  const auto& pkgs = inventory.packages;
  if (!vp.purl.empty()) {
    for (std::size_t i = 0; i < pkgs.size(); ++i) {
      if (pkgs[i].purl == vp.purl && (vp.file_path.empty() || pkgs[i].path == vp.file_path)) {
        return i;
      }
    }
    for (std::size_t i = 0; i < pkgs.size(); ++i) {
      if (pkgs[i].purl == vp.purl) return i;
    }
  }
  for (std::size_t i = 0; i < pkgs.size(); ++i) {
    if (pkgs[i].name == vp.name && pkgs[i].version == vp.version &&
        (vp.file_path.empty() || pkgs[i].path == vp.file_path)) {
      return i;
    }
  }
  return std::string::npos;
}

std::string OsRef(const model::OsInfo& os) { return "os:" + os.id + "@" + os.version_id; }

double SeverityScore(const model::Finding& finding) {
  if (finding.score) return *finding.score;
  switch (finding.severity) {
    case model::Severity::kCritical:
      return 9.5;
    case model::Severity::kHigh:
      return 8.0;
    case model::Severity::kMedium:
      return 5.5;
    case model::Severity::kLow:
      return 2.0;
    default:
      return 0.0;
  }
}

std::string FormatScore(double score) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", std::clamp(score, 0.0, 10.0));
  return buf;
}

std::string ResourceLabel(const ScannedResource& resource) {
  return resource.type + " " + resource.path;
}

nlohmann::ordered_json ImageDetailsJson(const ImageDetails& image) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  j["manifestDigest"] = image.manifest_digest;
  j["configDigest"] = image.config_digest;
  j["tags"] = image.tags;
  j["os"] = image.os;
  j["architecture"] = image.architecture;
  if (!image.variant.empty()) j["variant"] = image.variant;
  if (!image.created.empty()) j["created"] = image.created;
  nlohmann::ordered_json labels = nlohmann::ordered_json::object();
  for (const auto& [k, v] : image.labels) labels[k] = v;
  j["labels"] = std::move(labels);
  j["layers"] = image.layers;
  return j;
}

std::vector<Row> RowsByPackage(const std::vector<model::Finding>& findings) {
  struct Keyed {
    Row row;
    const model::VulnerablePackage* vp;
    const model::Finding* f;
  };
  static const model::VulnerablePackage kNone;
  std::vector<Keyed> keyed;
  for (std::size_t i = 0; i < findings.size(); ++i) {
    const auto& vps = findings[i].package_vulnerability_details.vulnerable_packages;
    if (vps.empty()) keyed.push_back({{i, std::string::npos}, &kNone, &findings[i]});
    for (std::size_t k = 0; k < vps.size(); ++k) keyed.push_back({{i, k}, &vps[k], &findings[i]});
  }
  std::stable_sort(keyed.begin(), keyed.end(), [](const Keyed& a, const Keyed& b) {
    int sa = -static_cast<int>(a.f->severity);
    int sb = -static_cast<int>(b.f->severity);
    return std::tie(a.vp->name, a.vp->version, a.vp->file_path, sa,
                    a.f->package_vulnerability_details.vulnerability_id) <
           std::tie(b.vp->name, b.vp->version, b.vp->file_path, sb,
                    b.f->package_vulnerability_details.vulnerability_id);
  });
  std::vector<Row> rows;
  rows.reserve(keyed.size());
  for (const Keyed& k : keyed) rows.push_back(k.row);
  return rows;
}

}  // namespace assay::report::internal
