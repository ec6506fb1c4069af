// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// Helpers shared by the JavaScript lockfile parsers (javascript*.cc), private to them.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "inventory/parser.h"

namespace assay::inventory::js {

// The packages of one file, deduplicated on (name, version, source): the same package seen twice
// is reported once, as a development dependency only when every occurrence is one. `source`
// tells apart builds of one name and version from different places (two git commits).
class PackageList {
 public:
  PackageList(const ParseInput& input, std::string package_manager)
      : input_(input), package_manager_(std::move(package_manager)) {}

  void Add(std::string_view name, std::string_view version, bool dev, std::string_view source = {});
  // Keeps the first kMaxWarnings warnings and counts the rest.
  void Warn(std::string location, std::string message);
  Parsed Take();

  static constexpr size_t kMaxWarnings = 100;

 private:
  const ParseInput& input_;
  std::string package_manager_;
  Parsed parsed_;
  std::map<std::tuple<std::string, std::string, std::string>, size_t> index_;
  size_t dropped_warnings_ = 0;
};

// "name@spec" split at the first '@' that is not the scope's leading one: "@babel/core@^7" gives
// {"@babel/core", "^7"}, "git@x" {"git", "x"}. Without such an '@', the spec is empty and `ok`
// false.
struct NameSpec {
  std::string_view name;
  std::string_view spec;
  bool ok = false;
};
NameSpec SplitNameSpec(std::string_view s);

// Whether `v` is a plain package version (what a registry serves: "1.2.3", "2.1.8-no-fsevents.3",
// "2.1.6+git") rather than a URL, a path or a git reference.
bool IsPlainVersion(std::string_view v);

// Whether `name` can be an npm package name: non-empty, "@scope/name" or "name", no blanks, no
// leading '.'.
bool IsPackageName(std::string_view name);

}  // namespace assay::inventory::js
