// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// The language parsers against the shared conformance corpus (conformance/parsers/*.jsonl).
// Each record names a fixture file and the package set a peer scanner found in it. A fixture's
// bytes go through the parser registered for its format (FindParser), exactly as
// `assay sbom --lockfile TYPE:FILE` would run it (with the files of the fixture's directory as
// its siblings: requirements.txt includes, go.sum, parent POMs), and the result is compared as
// a set on (ecosystem, name, version); PyPI names by their PEP 503 key. Dev packages count:
// peers list them too (flagged as a group).
//  - `expected_error`: the peer refuses the file; an error or no packages passes (and, when
//    the record also lists packages, exactly those).
//  - records run with a non-default peer option (`peer_options`, `peer_nondefault_config`) are
//    skipped: assay has no such switches.
//  - expected packages with an empty version are, by assay's contract, warnings, not packages.
// One test per format (filter with --gtest_filter='*PoetryLock*'), each printing its table; a
// row that fails must be listed in KnownDivergences() with the reason, and a listed row that
// passes fails the test so that the list stays true.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "base/file.h"
#include "base/testing/conformance.h"
#include "inventory/parser.h"
#include "inventory/siblings.h"

namespace assay::inventory {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

struct Format {
  const char* test_name;  // gtest parameter name
  const char* file;       // conformance/parsers/<file>
  std::string_view type;  // registry type the fixture goes through
};

// gtest prints the parameter of a failing test with this.
void PrintTo(const Format& f, std::ostream* os) { *os << f.test_name; }

const Format kFormats[] = {
    {"PythonMetadata", "python_dist_info_egg_info.jsonl", "python-metadata"},
    {"RequirementsTxt", "requirements_txt.jsonl", "requirements-txt"},
    {"PoetryLock", "poetry_lock.jsonl", "poetry-lock"},
    {"PipfileLock", "pipfile_lock.jsonl", "pipfile-lock"},
    {"PdmLock", "pdm_lock.jsonl", "pdm-lock"},
    {"UvLock", "uv_lock.jsonl", "uv-lock"},
    {"PackageLockJson", "package_lock_json.jsonl", "package-lock-json"},
    {"NodeModulesPackageLock", "node_modules_package_lock_json.jsonl", "package-lock-json"},
    {"YarnLock", "yarn_lock.jsonl", "yarn-lock"},
    {"PnpmLock", "pnpm_lock_yaml.jsonl", "pnpm-lock"},
    {"BunLock", "bun_lock.jsonl", "bun-lock"},
    {"GoMod", "go_mod.jsonl", "go-mod"},
    {"GoBinary", "go_binary.jsonl", "go-binary"},
    {"GoSum", "go_sum.jsonl", "go-sum"},
    {"CargoLock", "cargo_lock.jsonl", "cargo-lock"},
    {"RustBinary", "rust_binary.jsonl", "rust-binary"},
    {"GemfileLock", "gemfile_lock.jsonl", "gemfile-lock"},
    {"Gemspec", "gemspec.jsonl", "gemspec"},
    {"ComposerLock", "composer_lock.jsonl", "composer-lock"},
    {"NugetLock", "packages_lock_json.jsonl", "nuget-lock"},
    {"DepsJson", "deps_json.jsonl", "deps-json"},
    {"Jar", "java_archive.jsonl", "jar"},
    {"PomXml", "pom_xml.jsonl", "pom-xml"},
    {"GradleLockfile", "gradle_lockfile.jsonl", "gradle-lockfile"},
};

// Rows (by `peer_test`) expected to fail, with the reason. Each must still fail.
const std::map<std::string, std::string>& KnownDivergences() {
  static const std::string kBerryRoot =
      "osv-scanner reports the project's own root workspace (name@workspace:., 0.0.0-use.local); "
      "osv-scalibr's record on the same fixture does not, and neither does assay";
  static const std::string kPnpmDev =
      "trivy's pnpm v5/v6 parser drops dev packages while its own v9 rows ('v9', 'v9 with "
      "same version and different peers for dependency') list them flagged dev; assay keeps "
      "them, flagged (a scan leaves them out unless --include-dev)";
  static const std::string kMavenDm =
      "osv-scanner v1 lists dependencyManagement entries as packages; osv-scalibr's record 'with "
      "dependency management', on an identical file, does not (nor does Maven install them), "
      "and neither does assay";
  static const std::string kArchive =
      "two osv-scalibr records share this test name and this archive: one expects monotonic 1.6 "
      "(it passes), this one lists nothing; no parser meets both, and assay reads the METADATA "
      "inside the archive as the other record expects";
  static const std::string kUnpinned =
      "an unpinned requirement (`flask`, `keyring >= 4.1.1`) has no installed version: "
      "osv-scanner reports 0.0.0 or the lower bound, osv-scalibr the bound or nothing, and "
      "trivy's record 'happy path with operator', on the same kind of lines, drops it; a "
      "guessed version makes false findings (0.0.0 lies in nearly every affected range) or "
      "misses, so assay reports a version only where a requirement or a -c constraint pins "
      "one, and warns about the rest";
  static const std::string kPeerBug =
      "the peer keeps text that is not part of the version (a line continuation backslash, "
      "text before options); assay reads the version pip would";
  static const std::string kUvRoot =
      "trivy reports the project's own root package (and refuses a lock without exactly one); "
      "assay, like osv-scalibr's uv.lock records, reports the dependencies only: a local "
      "project named like a PyPI project would otherwise draw that project's advisories";
  static const std::map<std::string, std::string> known = {
      {"extractor/filesystem/language/python/wheelegg/wheelegg_test.go:.egg", kArchive},
      {"extractor/filesystem/language/python/wheelegg/wheelegg_test.go:.whl", kArchive},
      {"pkg/lockfile/"
       "parse-requirements-txt_test.go:TestParseRequirementsTxt_OneRequirementUnconstrained",
       kUnpinned},
      {"pkg/lockfile/"
       "parse-requirements-txt_test.go:TestParseRequirementsTxt_MultipleRequirementsMixed",
       kUnpinned},
      {"pkg/lockfile/parse-requirements-txt_test.go:TestParseRequirementsTxt_FileFormatExample",
       kUnpinned + " (the -r other-file.txt include is followed)"},
      {"pkg/lockfile/parse-requirements-txt_test.go:TestParseRequirementsTxt_WithMultipleROptions",
       kUnpinned + " (both -r includes are followed)"},
      {"pkg/lockfile/"
       "parse-requirements-txt_test.go:TestParseRequirementsTxt_WithPerRequirementOptions",
       kUnpinned + " (BarProject >= 1.2)"},
      {"extractor/filesystem/language/python/requirements/requirements_test.go:with_version",
       kUnpinned},
      {"extractor/filesystem/language/python/requirements/requirements_test.go:pip_example",
       kUnpinned + "; pandas 2.2.3 comes from -r other-requirements.txt, which the corpus does "
                   "not hold"},
      {"pkg/lockfile/parse-requirements-txt_test.go:TestParseRequirementsTxt_WithBadROption",
       "the -r include names a file that does not exist: pip and osv-scanner refuse the whole "
       "file; assay reports the pins it can read and warns naming the file and line of the "
       "include"},
      {"pkg/lockfile/parse-requirements-txt_test.go:TestParseRequirementsTxt_LineContinuation",
       kPeerBug},
      {"extractor/filesystem/language/python/requirements/"
       "requirements_test.go:per_requirement_options",
       kPeerBug},
      {"pkg/dependency/parser/python/uv/parse_test.go:normal", kUvRoot},
      {"pkg/dependency/parser/python/uv/parse_test.go:lockfile without root", kUvRoot},
      {"pkg/dependency/parser/python/uv/parse_test.go:multiple roots", kUvRoot},
      {"extractor/filesystem/language/golang/gomod/gomod_test.go:test extractor for go <=1.16",
       "the five indirect modules come from indirect-1.16.sum beside the go.mod, which the "
       "corpus does not hold (assay reads the go.sum of a go.mod for go <= 1.16 when it is "
       "there); osv-scalibr's record 'exclude indirect with go.sum' on the same fixture, run "
       "with a non-default option the corpus does not mark, expects them left out"},
      {"pkg/dependency/parser/golang/mod/parse_test.go:no replace",
       "trivy's two records on this fixture contradict each other: 'replace' (marked as a peer "
       "option) applies the replace directive, 'no replace' does not; trivy's go.mod analyzer "
       "applies it to a project's go.mod, as every osv-scanner and osv-scalibr record does, and "
       "so does assay, which also reports stdlib from the go line as those records expect"},
      {"pkg/dependency/parser/java/jar/parse_test.go:sha1 search",
       "the peer asks Maven Central for the jar's SHA-1; assay stays offline and gives what "
       "the peer's offline mode gives (the skipped offline record)"},
      {"pkg/dependency/parser/java/jar/parse_test.go:artifactId search",
       "the groupId comes from a Sonatype search by artifactId (network); offline, a file name "
       "alone has no groupId: a warning, not a package"},
      {"pkg/lockfile/parse-maven-lock_test.go:TestParseMavenLock_WithDependencyManagement",
       kMavenDm},
      {"pkg/lockfile/parse-maven-lock_test.go:TestParseMavenLock_Interpolation",
       kMavenDm + " (ranged-package is only under dependencyManagement here; osv-scalibr's copy "
                  "of this file lists it under dependencies, and that record passes)"},
      {"extractor/filesystem/language/java/pomxml/pomxml_test.go:with parent",
       "the expected org.dave:dave is inherited from ./parent/pom.xml, which the corpus does "
       "not hold (assay reads a local parent POM when it is there)"},
      {"pkg/lockfile/parse-yarn-lock-v2_test.go:TestParseYarnLock_v2_WithPrerelease", kBerryRoot},
      {"pkg/lockfile/parse-yarn-lock-v2_test.go:TestParseYarnLock_v2_WithBuildString", kBerryRoot},
      {"pkg/lockfile/parse-yarn-lock-v2_test.go:TestParseYarnLock_v2_WithAliases", kBerryRoot},
      {"pkg/dependency/parser/nodejs/yarn/parse_test.go:yarn with local dependency",
       "trivy drops file: dependencies; osv-scanner and osv-scalibr list them (files.v1, "
       "files.v2), as assay does"},
      {"pkg/dependency/parser/nodejs/pnpm/parse_test.go:with dev deps", kPnpmDev},
      {"pkg/dependency/parser/nodejs/pnpm/parse_test.go:many", kPnpmDev},
      {"pkg/dependency/parser/nodejs/pnpm/parse_test.go:v6 with dev deps", kPnpmDev},
      {"pkg/dependency/parser/nodejs/pnpm/parse_test.go:v9 with same version and different "
       "peers for dependency",
       "trivy lists jest-pnp-resolver@1.2.3 twice (two peer variants); assay reports one "
       "package per (name, version), as trivy's own npm row 'same dev and non-dev' expects"},
  };
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

// The OSV ecosystem base of a package ("PyPI", "npm", ...), compared with the record's.
std::string EcosystemBase(const std::string& eco) { return eco.substr(0, eco.find(':')); }

// Go versions are compared without the Go tool's leading "v": OSV and osv-scanner write them
// without it (as assay does), trivy keeps it.
std::string WantVersion(const json& want) {
  std::string v = Str(want, "version");
  if (Str(want, "ecosystem") == "Go" && v.size() >= 2 && v[0] == 'v' && v[1] >= '0' &&
      v[1] <= '9') {
    v.erase(0, 1);
  }
  return v;
}

// PyPI names are compared by their PEP 503 key (lower case, runs of '-', '_', '.' as one '-'):
// "Pillow", "pillow" and "zope.interface" / "zope-interface" name the same project, osv-scanner
// writes the key while trivy and osv-scalibr keep the name as written (as assay does), and
// advisories are looked up by the key.
std::string NameKey(const std::string& ecosystem, const std::string& name) {
  if (EcosystemBase(ecosystem) != "PyPI") return name;
  std::string out;
  for (char c : name) {
    if (c == '-' || c == '_' || c == '.') {
      if (out.empty() || out.back() != '-') out += '-';
    } else {
      out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    }
  }
  return out;
}

bool Matches(const model::Package& pkg, const json& want) {
  const std::string eco = Str(want, "ecosystem");
  return NameKey(eco, pkg.name) == NameKey(eco, Str(want, "name")) &&
         pkg.version == WantVersion(want) && EcosystemBase(pkg.ecosystem) == EcosystemBase(eco);
}

std::string Describe(const model::Package& p) {
  return p.ecosystem + " " + p.name + " " + p.version + (p.dev ? " (dev)" : "");
}

struct Outcome {
  int rows = 0;
  int skipped = 0;
  int matched = 0;
  std::vector<std::string> unexpected_failures;
  std::map<std::string, bool> known_failed;  // peer_test -> failed
};

// Adds one row per record to `table`, grouped by format and peer (or by format alone).
Outcome RunFormat(const fs::path& root, const Format& fmt, testing::PassTable& table,
                  bool by_peer) {
  Outcome out;
  const ParserEntry* parser = FindParser(fmt.type);
  if (parser == nullptr) {
    out.unexpected_failures.push_back(std::string("no parser registered for ") +
                                      std::string(fmt.type));
    return out;
  }
  for (const auto& row : testing::ReadJsonLines(root / fmt.file)) {
    const json& r = row.value;
    const std::string peer_test = Str(r, "peer_test");
    const std::string where =
        std::string(fmt.file) + ":" + std::to_string(row.line) + " (" + peer_test + ")";
    if (r.contains("peer_nondefault_config") || r.contains("peer_options")) {
      ++out.skipped;
      continue;
    }
    ++out.rows;
    const std::string fixture = Str(r, "fixture");
    std::vector<model::Package> got;
    std::vector<ParseWarning> warnings;
    std::string error;
    auto bytes = base::ReadFile(root / fixture);
    // The files beside the fixture, for the formats that refer to others (-r, go.sum).
    auto siblings = FsSiblingFiles::InDirectory((root / fixture).parent_path(), fixture);
    if (!bytes.ok()) {
      error = bytes.status().ToString();
    } else if (!siblings.ok()) {
      error = siblings.status().ToString();
    } else {
      auto parsed = parser->parse({*bytes, fixture, "", siblings->get()});
      if (parsed.ok()) {
        got = std::move(parsed->packages);
        warnings = std::move(parsed->warnings);
      } else {
        error = parsed.status().ToString();
      }
    }

    std::vector<json> want;
    for (const auto& e : r.value("expected", json::array())) {
      if (!Str(e, "version").empty()) want.push_back(e);
    }

    // The set comparison of what was parsed with what the peer listed.
    auto compare = [&](std::string& why) {
      bool same = true;
      std::vector<bool> used(got.size(), false);
      for (const auto& w : want) {
        bool found = false;
        for (size_t i = 0; i < got.size() && !found; ++i) {
          if (!used[i] && Matches(got[i], w)) used[i] = found = true;
        }
        if (found) {
          ++out.matched;
        } else {
          same = false;
          why += "\n  missing " + w.dump();
        }
      }
      for (size_t i = 0; i < got.size(); ++i) {
        if (!used[i]) {
          same = false;
          why += "\n  unexpected " + Describe(got[i]);
        }
      }
      return same;
    };

    bool pass = true;
    std::string why;
    if (auto e = r.find("expected_error"); e != r.end() && !e->is_null() && *e != false) {
      // An error or nothing passes. Some records carry both the flag and a package list (the
      // peer's test asserted "no error" through its error field): those packages pass too.
      pass = !error.empty() || got.empty() || (!want.empty() && compare(why));
      if (!pass) why = "\n  expected an error or no packages" + why;
    } else if (!error.empty() && !(want.empty() && got.empty())) {
      pass = false;
      why = "\n  parse failed: " + error;
    } else {
      pass = compare(why);
    }

    std::string group = by_peer ? std::string(fmt.type) + "/" + PeerShort(Str(r, "peer"))
                                : std::string(fmt.file).substr(0, std::strlen(fmt.file) - 6);
    auto known = KnownDivergences().find(peer_test);
    if (known != KnownDivergences().end()) {
      // Records may share a peer_test name (the same case in two test functions): the entry
      // holds while any of them fails.
      out.known_failed[peer_test] = out.known_failed[peer_test] || !pass;
      if (!pass) {
        std::printf("known divergence %s: %s%s\n", where.c_str(), known->second.c_str(),
                    why.c_str());
        group += " KD";
      }
    } else if (!pass) {
      out.unexpected_failures.push_back(where + why);
    }
    table.Add(group, pass);
  }
  return out;
}

class LangParsersConformanceTest : public ::testing::TestWithParam<Format> {};

TEST_P(LangParsersConformanceTest, MatchesPeers) {
  auto dir = testing::ConformanceDir();
  if (!dir) GTEST_SKIP() << "conformance corpus absent";
  const Format& fmt = GetParam();
  const fs::path root = *dir / "parsers";
  if (!fs::exists(root / fmt.file)) GTEST_SKIP() << "missing " << (root / fmt.file);

  testing::PassTable table(std::string(fmt.type) + " vs conformance/parsers/" + fmt.file);
  Outcome out = RunFormat(root, fmt, table, /*by_peer=*/true);
  table.Print();
  std::printf("%d rows compared (%d expected packages matched), %d skipped (peer option)\n",
              out.rows, out.matched, out.skipped);
  for (const auto& f : out.unexpected_failures) ADD_FAILURE() << f;
  for (const auto& [test, failed] : out.known_failed) {
    EXPECT_TRUE(failed) << test << " no longer fails: remove it from KnownDivergences()";
  }
}

INSTANTIATE_TEST_SUITE_P(Formats, LangParsersConformanceTest, ::testing::ValuesIn(kFormats),
                         [](const ::testing::TestParamInfo<Format>& info) {
                           return std::string(info.param.test_name);
                         });

// Every format in one table: the figure quoted for the language parsers.
TEST(LangParsersConformanceSummary, AllFormats) {
  auto dir = testing::ConformanceDir();
  if (!dir) GTEST_SKIP() << "conformance corpus absent";
  const fs::path root = *dir / "parsers";
  testing::PassTable table("language parsers vs conformance/parsers (all formats)");
  int rows = 0;
  int skipped = 0;
  for (const Format& fmt : kFormats) {
    if (!fs::exists(root / fmt.file)) continue;
    Outcome out = RunFormat(root, fmt, table, /*by_peer=*/false);
    rows += out.rows;
    skipped += out.skipped;
  }
  table.Print();
  std::printf(
      "%d records compared, %d skipped (peer option); known divergences count as "
      "failures here\n",
      rows, skipped);
}

}  // namespace
}  // namespace assay::inventory
