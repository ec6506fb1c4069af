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

// The purl of a language package from its OSV ecosystem and name, per the purl type definitions:
//   PyPI      pkg:pypi/<name lower-cased, '_' and '.' runs as '-'>@v
//   npm       pkg:npm/<%40scope>/<name>@v        ("@scope/name" splits at the slash)
//   Go        pkg:golang/<path up to last '/'>/<last element>@v
//   crates.io pkg:cargo/<name>@v                 RubyGems  pkg:gem/<name>@v
//   Packagist pkg:composer/<vendor>/<name>@v     NuGet     pkg:nuget/<name>@v
//   Maven     pkg:maven/<groupId>/<artifactId>@v  ("group:artifact")
// Any other ecosystem: pkg:generic/<name>@v.
inline std::string LanguagePurl(std::string_view ecosystem, std::string_view name,
                                std::string_view version) {
  auto split_last = [](std::string_view s, char sep) {
    size_t at = s.rfind(sep);
    if (at == std::string_view::npos) return std::pair<std::string, std::string>{"", std::string(s)};
    return std::pair<std::string, std::string>{std::string(s.substr(0, at)),
                                               std::string(s.substr(at + 1))};
  };
  auto encode_path = [](std::string_view path) {  // each '/'-separated segment encoded
    std::string out;
    size_t start = 0;
    while (start <= path.size()) {
      size_t end = path.find('/', start);
      if (end == std::string_view::npos) end = path.size();
      if (!out.empty()) out += '/';
      out += PurlEncode(path.substr(start, end - start));
      start = end + 1;
    }
    return out;
  };
  std::string base(ecosystem.substr(0, ecosystem.find(':')));
  std::string ver = version.empty() ? "" : "@" + PurlEncode(version);
  if (base == "PyPI") {
    std::string n;
    for (char c : name) {
      char l = (c == '_' || c == '.') ? '-' : base::ToLower(c);
      if (l == '-' && !n.empty() && n.back() == '-') continue;
      n.push_back(l);
    }
    return "pkg:pypi/" + PurlEncode(n) + ver;
  }
  if (base == "npm") {
    auto [ns, n] = split_last(name, '/');
    return "pkg:npm/" + (ns.empty() ? "" : PurlEncode(ns) + "/") + PurlEncode(n) + ver;
  }
  if (base == "Go") {
    auto [ns, n] = split_last(name, '/');
    return "pkg:golang/" + (ns.empty() ? "" : encode_path(ns) + "/") + PurlEncode(n) + ver;
  }
  if (base == "Packagist") {
    auto [ns, n] = split_last(name, '/');
    return "pkg:composer/" + (ns.empty() ? "" : PurlEncode(ns) + "/") + PurlEncode(n) + ver;
  }
  if (base == "Maven") {
    auto [ns, n] = split_last(name, ':');
    return "pkg:maven/" + (ns.empty() ? "" : PurlEncode(ns) + "/") + PurlEncode(n) + ver;
  }
  const char* type = base == "crates.io" ? "cargo"
                     : base == "RubyGems" ? "gem"
                     : base == "NuGet"    ? "nuget"
                                          : "generic";
  return std::string("pkg:") + type + "/" + PurlEncode(name) + ver;
}

}  // namespace assay::inventory::internal
