// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// Test-only helpers for the shared conformance corpus (other projects' test vectors). The corpus
// lives beside the checkout in ../shared/conformance; ASSAY_CONFORMANCE_DIR overrides it. Tests
// that need it call GTEST_SKIP() when it is absent.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace assay::testing {

inline std::filesystem::path SourceDir() {
#ifdef ASSAY_SOURCE_DIR
  return ASSAY_SOURCE_DIR;
#else
  return std::filesystem::current_path();
#endif
}

// Root of a shared data folder: `sub` is "conformance" or "data".
inline std::optional<std::filesystem::path> SharedDir(const std::string& sub) {
  std::string env_name = sub == "conformance" ? "ASSAY_CONFORMANCE_DIR" : "ASSAY_SHARED_DATA_DIR";
  if (const char* env = std::getenv(env_name.c_str()); env && *env) {
    if (std::filesystem::is_directory(env)) return std::filesystem::path(env);
    return std::nullopt;
  }
  auto p = SourceDir() / ".." / "shared" / sub;
  if (std::filesystem::is_directory(p)) return std::filesystem::canonical(p);
  return std::nullopt;
}

inline std::optional<std::filesystem::path> ConformanceDir() { return SharedDir("conformance"); }
inline std::optional<std::filesystem::path> SharedDataDir() { return SharedDir("data"); }

// One parsed JSON object per non-empty line; `line` is 1-based for messages.
struct JsonLine {
  int line;
  nlohmann::json value;
};

inline std::vector<JsonLine> ReadJsonLines(const std::filesystem::path& path) {
  std::vector<JsonLine> out;
  std::ifstream in(path);
  std::string text;
  int n = 0;
  while (std::getline(in, text)) {
    ++n;
    if (text.empty()) continue;
    out.push_back({n, nlohmann::json::parse(text)});
  }
  return out;
}

// Collects pass/fail counts per row group and prints a table to the test log.
class PassTable {
 public:
  explicit PassTable(std::string title) : title_(std::move(title)) {}
  void Add(const std::string& group, bool pass) {
    auto& r = rows_[group];
    (pass ? r.first : r.second)++;
  }
  int Failed() const {
    int f = 0;
    for (const auto& [_, r] : rows_) f += r.second;
    return f;
  }
  void Print() const {
    std::printf("\n%s\n%-28s %8s %8s %8s\n", title_.c_str(), "group", "pass", "fail", "rate");
    for (const auto& [g, r] : rows_) {
      int total = r.first + r.second;
      std::printf("%-28s %8d %8d %7.2f%%\n", g.c_str(), r.first, r.second,
                  total ? 100.0 * r.first / total : 100.0);
    }
    std::fflush(stdout);
  }

 private:
  std::string title_;
  std::map<std::string, std::pair<int, int>> rows_;
};

}  // namespace assay::testing
