// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// The OS package-database parsers against the shared conformance corpus
// (parsers/dpkg_status.jsonl, parsers/apk_installed.jsonl). Each record names a fixture and the
// package set a peer scanner found in it; the comparison honours each peer's conventions:
//  - osv-scanner v1 (dpkg) reports the SOURCE package: name = source or name, version = source
//    version or version;
//  - trivy splits versions: its `full_version` / `source_full_version` are what we call version
//    / source version;
//  - osv-scalibr reports binary names, with `source` / `source_version` when present.
// Only the fields the parsers produce are compared: name, version, and arch / source name /
// source version when the record has them. A peer's package with an empty version is, by
// assay's contract, a warning rather than a package: such entries must show up as warnings.
// Records run with a non-default peer option (`peer_nondefault_config`) are skipped.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/file.h"
#include "base/testing/conformance.h"
#include "inventory/apk.h"
#include "inventory/dpkg.h"
#include "inventory/parser.h"

namespace assay::inventory {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

enum class Semantics { kBinary, kSource, kTrivy };

struct Format {
  const char* file;   // parsers/<file>
  const char* label;  // group prefix in the pass table
  ParseFn parse;
  // Files of an unpacked rootfs bundle that this parser reads.
  bool (*wanted)(const std::string& rel);
};

bool DpkgWanted(const std::string& rel) {
  if (rel == "var/lib/dpkg/status") return true;
  const std::string dir = "var/lib/dpkg/status.d/";
  if (rel.rfind(dir, 0) != 0) return false;
  // status.d also holds <package>.md5sums; a collector never hands those to the parser.
  return rel.size() < 8 || rel.compare(rel.size() - 8, 8, ".md5sums") != 0;
}

bool ApkWanted(const std::string& rel) { return rel == "lib/apk/db/installed"; }

// Rows expected to fail, with the reason. Each must still fail (so a fix updates this list).
const std::map<std::string, std::string>& KnownDivergences() {
  static const std::map<std::string, std::string> known = {};
  return known;
}

std::string Str(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return "";
  return it->get<std::string>();
}

std::string PeerShort(const std::string& peer) {
  std::string p = peer.substr(0, peer.find('@'));
  size_t slash = p.find('/');
  return slash == std::string::npos ? p : p.substr(slash + 1);
}

bool Matches(const model::Package& pkg, const json& want, Semantics sem) {
  const std::string& src_name = pkg.source_name.empty() ? pkg.name : pkg.source_name;
  const std::string& src_version = pkg.source_version.empty() ? pkg.version : pkg.source_version;
  switch (sem) {
    case Semantics::kSource:
      if (src_name != Str(want, "name") || src_version != Str(want, "version")) return false;
      break;
    case Semantics::kTrivy: {
      std::string version =
          want.contains("full_version") ? Str(want, "full_version") : Str(want, "version");
      if (pkg.name != Str(want, "name") || pkg.version != version) return false;
      if (want.contains("source_full_version") && src_version != Str(want, "source_full_version")) {
        return false;
      }
      break;
    }
    case Semantics::kBinary:
      if (pkg.name != Str(want, "name") || pkg.version != Str(want, "version")) return false;
      if (want.contains("source_version") && src_version != Str(want, "source_version")) {
        return false;
      }
      break;
  }
  if (want.contains("arch") && pkg.arch != Str(want, "arch")) return false;
  if (sem != Semantics::kSource && want.contains("source") && src_name != Str(want, "source")) {
    return false;
  }
  return true;
}

std::string Describe(const model::Package& p) {
  return p.name + " " + p.version + " arch=" + p.arch + " src=" + p.source_name + " " +
         p.source_version;
}

TEST(OsParsersConformanceTest, DpkgAndApk) {
  auto dir = testing::ConformanceDir();
  if (!dir) GTEST_SKIP() << "conformance corpus absent";
  const fs::path root = *dir / "parsers";
  const Format formats[] = {
      {"dpkg_status.jsonl", "dpkg-status", &ParseDpkgStatus, &DpkgWanted},
      {"apk_installed.jsonl", "apk-installed", &ParseApkInstalled, &ApkWanted},
  };
  testing::PassTable table("OS package-database parsers vs conformance/parsers");
  std::vector<std::string> unexpected_failures;
  std::map<std::string, bool> known_failed;
  int skipped = 0;
  int rows = 0;
  int matched = 0;

  for (const Format& fmt : formats) {
    if (!fs::exists(root / fmt.file)) {
      ADD_FAILURE() << "missing " << (root / fmt.file);
      continue;
    }
    for (const auto& row : testing::ReadJsonLines(root / fmt.file)) {
      const json& r = row.value;
      const std::string peer_test = Str(r, "peer_test");
      const std::string where =
          std::string(fmt.file) + ":" + std::to_string(row.line) + " (" + peer_test + ")";
      if (r.contains("peer_nondefault_config")) {
        ++skipped;
        std::printf("skip %s: peer ran with a non-default option\n", where.c_str());
        continue;
      }
      ++rows;
      const std::string peer = Str(r, "peer");
      const std::string semantics = Str(r, "name_semantics");
      Semantics sem = Semantics::kBinary;
      if (semantics.rfind("osv-scanner v1 reports the SOURCE", 0) == 0) {
        sem = Semantics::kSource;
      } else if (peer.find("trivy") != std::string::npos) {
        sem = Semantics::kTrivy;
      }

      // The inputs: the fixture itself, or the wanted files of an unpacked rootfs bundle.
      std::vector<std::pair<std::string, fs::path>> inputs;
      if (r.contains("fixture_unpacked_dir")) {
        fs::path unpacked = root / Str(r, "fixture_unpacked_dir");
        for (const auto& f : r.value("fixture_unpacked_files", json::array())) {
          std::string rel = f.get<std::string>();
          if (fmt.wanted(rel)) inputs.emplace_back(rel, unpacked / rel);
        }
      } else {
        inputs.emplace_back(Str(r, "fixture"), root / Str(r, "fixture"));
      }

      std::vector<model::Package> got;
      std::vector<ParseWarning> warnings;
      std::string error;
      for (const auto& [rel, path] : inputs) {
        auto bytes = base::ReadFile(path);
        ASSERT_TRUE(bytes.ok()) << where << ": " << bytes.status().ToString();
        auto parsed = fmt.parse({*bytes, rel, ""});
        if (!parsed.ok()) {
          error = parsed.status().ToString();
          continue;
        }
        for (auto& p : parsed->packages) got.push_back(std::move(p));
        for (auto& w : parsed->warnings) warnings.push_back(std::move(w));
      }

      // Expected packages; versionless ones must be warnings instead.
      std::vector<json> want;
      int versionless = 0;
      for (const auto& e : r.value("expected", json::array())) {
        if (Str(e, "version").empty()) {
          ++versionless;
        } else {
          want.push_back(e);
        }
      }

      bool pass = true;
      std::string why;
      if (r.value("expected_error", false)) {
        pass = !error.empty() || got.empty();
        if (!pass) why = "expected an error or no packages";
      } else if (!error.empty() && !(want.empty() && got.empty())) {
        pass = false;
        why = "parse failed: " + error;
      } else {
        std::vector<bool> used(got.size(), false);
        for (const auto& w : want) {
          bool found = false;
          for (size_t i = 0; i < got.size() && !found; ++i) {
            if (!used[i] && Matches(got[i], w, sem)) used[i] = found = true;
          }
          if (found) ++matched;
          if (!found) {
            pass = false;
            why += "\n  missing " + w.dump();
          }
        }
        for (size_t i = 0; i < got.size(); ++i) {
          if (!used[i]) {
            pass = false;
            why += "\n  unexpected " + Describe(got[i]);
          }
        }
        if (versionless > 0 && warnings.empty()) {
          pass = false;
          why += "\n  the peer's versionless packages produced no warning";
        }
      }

      std::string group = std::string(fmt.label) + "/" + PeerShort(peer);
      auto known = KnownDivergences().find(peer_test);
      if (known != KnownDivergences().end()) {
        known_failed[peer_test] = !pass;
        if (!pass) {
          std::printf("known divergence %s: %s\n", where.c_str(), known->second.c_str());
          group += " KD";
        }
      } else if (!pass) {
        unexpected_failures.push_back(where + why);
      }
      table.Add(group, pass);
    }
  }
  table.Print();
  std::printf("KD = known divergence (reason printed above)\n");
  std::printf(
      "%d rows compared (%d expected packages matched), %d skipped (non-default peer "
      "option)\n",
      rows, matched, skipped);

  for (const auto& f : unexpected_failures) ADD_FAILURE() << f;
  for (const auto& [test, reason] : KnownDivergences()) {
    auto it = known_failed.find(test);
    EXPECT_TRUE(it != known_failed.end() && it->second)
        << test << " no longer fails (or is gone): remove it from KnownDivergences()";
  }
  EXPECT_EQ(table.Failed(), static_cast<int>(KnownDivergences().size()));
}

}  // namespace
}  // namespace assay::inventory
