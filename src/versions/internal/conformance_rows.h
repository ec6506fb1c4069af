// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// Test-only helpers for the comparison rows of the shared conformance corpus
// (version/<ecosystem>.jsonl): both-direction checks, a group name per source test, and the
// disputed rows to skip.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <tuple>

#include "base/testing/conformance.h"
#include "versions/scheme.h"

namespace assay::versions::internal {

struct CompareCase {
  std::string a;
  std::string b;
  int cmp;
};

// Checks compare(a, b) == cmp and compare(b, a) == -cmp; false with `why` set otherwise.
inline bool CheckPair(const Scheme& s, const std::string& a, const std::string& b, int cmp,
                      std::string* why) {
  auto ab = s.Compare(a, b);
  auto ba = s.Compare(b, a);
  if (!ab.ok() || !ba.ok()) {
    *why = (!ab.ok() ? ab.status() : ba.status()).ToString();
    return false;
  }
  if (Sign(*ab) != cmp || Sign(*ba) != -cmp) {
    *why = "compare(a,b)=" + std::to_string(Sign(*ab)) +
           " compare(b,a)=" + std::to_string(Sign(*ba)) + ", want " + std::to_string(cmp);
    return false;
  }
  return true;
}

// "rubygems/rubygems:test/rubygems/test_gem_version.rb (test_spaceship)" ->
// "rubygems:test_spaceship"; without a test name, the file stem.
inline std::string GroupOf(const nlohmann::json& src) {
  std::string s =
      src.is_array() ? (src.empty() ? "" : src[0].get<std::string>()) : src.get<std::string>();
  std::string repo = s.substr(0, s.find(':'));
  repo = repo.substr(repo.rfind('/') + 1);
  std::string test;
  if (auto open = s.find('('); open != std::string::npos) {
    test = s.substr(open + 1, s.find(')', open) - open - 1);
  } else {
    test = s.substr(s.rfind('/') + 1);
    test = test.substr(0, test.find('.'));
  }
  return repo + ":" + test;
}

using Key = std::tuple<std::string, std::string, std::string>;

// Disputed rows keyed by (ecosystem, a, b) for comparisons and (ecosystem, range, version).
inline std::set<Key> Disputed(const std::filesystem::path& dir, const std::string& ecosystem) {
  std::set<Key> out;
  for (const auto& row : testing::ReadJsonLines(dir / "version/disputed.jsonl")) {
    const auto& v = row.value;
    if (v.value("ecosystem", "") != ecosystem) continue;
    if (v.contains("a") && v.contains("b")) {
      out.insert({ecosystem, v["a"].get<std::string>(), v["b"].get<std::string>()});
      out.insert({ecosystem, v["b"].get<std::string>(), v["a"].get<std::string>()});
    } else if (v.contains("range") && v.contains("version")) {
      out.insert({ecosystem, v["range"].get<std::string>(), v["version"].get<std::string>()});
    }
  }
  return out;
}

}  // namespace assay::versions::internal
