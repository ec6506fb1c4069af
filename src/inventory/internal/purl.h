// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// Package URL (purl) building for the inventory parsers, private to the module. Follows the purl
// specification's canonical form: `pkg:type/namespace/name@version?k1=v1&k2=v2`, qualifiers
// sorted by key, empty qualifier values left out, and every character other than ASCII letters,
// digits, '.', '-', '_', '~' and ':' percent-encoded (so "libstdc++6" is "libstdc%2B%2B6" and an
// epoch colon stays as it is). Pure functions: thread-safe.
#pragma once

#include <algorithm>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/strings.h"

namespace assay::inventory::internal {

inline std::string PurlEncode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (base::IsAlnum(c) || c == '.' || c == '-' || c == '_' || c == '~' || c == ':') {
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

// `type` and `ns` are lower-case purl identifiers chosen by the caller; name, version and
// qualifier values are encoded here.
inline std::string BuildPurl(std::string_view type, std::string_view ns, std::string_view name,
                             std::string_view version,
                             std::vector<std::pair<std::string, std::string>> qualifiers) {
  std::string out = "pkg:";
  out += type;
  out += '/';
  if (!ns.empty()) {
    out += PurlEncode(ns);
    out += '/';
  }
  out += PurlEncode(name);
  if (!version.empty()) {
    out += '@';
    out += PurlEncode(version);
  }
  std::sort(qualifiers.begin(), qualifiers.end());
  char sep = '?';
  for (const auto& [key, value] : qualifiers) {
    if (value.empty()) continue;
    out += sep;
    out += key;
    out += '=';
    out += PurlEncode(value);
    sep = '&';
  }
  return out;
}

// The purl namespace / distro prefix for an OSV ecosystem base: "Debian" -> "debian",
// "Rocky Linux" -> "rocky-linux".
inline std::string PurlNamespace(std::string_view ecosystem_base) {
  std::string out;
  for (char c : base::Trim(ecosystem_base)) out.push_back(c == ' ' ? '-' : base::ToLower(c));
  return out;
}

}  // namespace assay::inventory::internal
