// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// osv-scalibr's IsAffected vectors (../shared/conformance/osv-match/scalibr_is_affected.jsonl)
// for operating-system packages (purl types deb, apk, rpm), run through the whole matcher:
// each row's package is mapped onto model::Package / OsInfo the way assay's collectors produce
// them, the row's record onto AffectedEntry values, the entries pass through the lookup a
// QueryFor query would make, and MatchPackage decides. Language rows are the versions module's
// (osv_range_test.cc).
//
// Mapping, as the collectors do it:
//   os_id / os_version_id   os-release ID (lower-cased, as os-release(5) requires) and
//                           VERSION_ID; the ecosystem is inventory::OsvEcosystem of those.
//                           For rhel the release comes from os_cpe_name when os_version_id is
//                           absent (os-release carries both). openEuler, which OsvEcosystem does
//                           not know yet, is "openEuler:<VERSION_ID>".
//   source_name             dpkg's Source: name; origin_name: apk's origin (both → source_name)
//   epoch                   written before the version, as the rpm collector writes EVRs
// A row that names no release at all (the openEuler epoch row) tests the epoch rule, not release
// isolation: the host is then taken to run the advisory's release.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "advisories/import.h"
#include "base/strings.h"
#include "base/testing/conformance.h"
#include "inventory/os_release.h"
#include "match/matcher.h"
#include "model/ecosystem.h"
#include "model/osv.h"

namespace assay::match {
namespace {

using advisories::AffectedEntry;
using nlohmann::json;

std::string Str(const json& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return "";
  if (it->is_string()) return it->get<std::string>();
  return it->dump();
}

// The VERSION_ID a RHEL os-release pairs with CPE_NAME="cpe:/o:redhat:enterprise_linux:9::x".
std::string CpeVersion(const std::string& cpe) {
  auto parts = base::Split(cpe, ':');
  return parts.size() > 4 ? std::string(parts[4]) : "";
}

// What a collector would report for the row's package and OS.
void MapPackage(const json& row, const std::vector<AffectedEntry>& entries, model::Package& pkg,
                model::OsInfo& os) {
  const json& p = row["package"];
  const std::string purl_type = Str(p, "purl_type");
  inventory::OsRelease rel;
  rel.id = base::AsciiLower(Str(p, "os_id"));
  rel.version_id = Str(p, "os_version_id");
  if (rel.version_id.empty()) rel.version_id = CpeVersion(Str(p, "os_cpe_name"));
  std::string ecosystem = inventory::OsvEcosystem(rel);
  if (ecosystem.empty() && rel.id == "openeuler" && !rel.version_id.empty()) {
    ecosystem = "openEuler:" + rel.version_id;
  }
  if (model::SplitEcosystem(ecosystem).release.empty()) {
    // No release stated by the row: the host runs the advisory's release.
    for (const AffectedEntry& e : entries) {
      std::string_view eb = model::SplitEcosystem(e.ecosystem).base;
      bool same = ecosystem.empty() ? base::EqualsIgnoreCase(eb, rel.id)
                                    : eb == model::SplitEcosystem(ecosystem).base;
      if (same) {
        ecosystem = e.ecosystem;
        break;
      }
    }
  }
  os.id = rel.id;
  os.version_id = rel.version_id;
  os.ecosystem = ecosystem;

  pkg.ecosystem = ecosystem;
  pkg.name = Str(p, "name");
  pkg.version = Str(row, "version");
  std::string source = purl_type == "apk" ? Str(p, "origin_name") : Str(p, "source_name");
  if (source != pkg.name) pkg.source_name = source;
  std::string epoch = Str(p, "epoch");
  if (purl_type == "rpm" && !epoch.empty() && !pkg.version.empty()) {
    pkg.version = epoch + ":" + pkg.version;
  }
  pkg.package_manager = purl_type == "deb" ? "dpkg" : purl_type;
  pkg.path = "row " + Str(row, "src");
}

std::vector<AffectedEntry> EntriesOf(const json& osv, std::string* error) {
  auto adv = model::ParseOsv(osv.dump());
  if (!adv.ok()) {
    *error = adv.status().ToString();
    return {};
  }
  std::vector<AffectedEntry> out;
  for (const model::OsvAffected& a : adv->affected) {
    AffectedEntry e;
    e.advisory_id = adv->id;
    e.source = "conformance";
    e.ecosystem = a.ecosystem;
    e.name = a.name;
    e.modified = adv->modified;
    e.withdrawn = adv->withdrawn;
    e.aliases = adv->aliases;
    e.related = adv->related;
    e.severity = adv->severity;
    e.database_specific = adv->database_specific;
    e.affected = a;
    out.push_back(std::move(e));
  }
  return out;
}

// What AdvisoryDb::Lookup would return for `q` from `entries`.
bool LookupReturns(const Query& q, const AffectedEntry& e) {
  std::string_view qbase = model::SplitEcosystem(q.ecosystem).base;
  std::string_view ebase = model::SplitEcosystem(e.ecosystem).base;
  if (qbase != ebase) return false;
  if (advisories::PackageNameKey(qbase, q.name) != advisories::PackageNameKey(ebase, e.name)) {
    return false;
  }
  return q.scope == advisories::LookupScope::kBase || q.ecosystem == e.ecosystem;
}

TEST(OsvMatchConformanceTest, ScalibrOsRows) {
  auto dir = assay::testing::ConformanceDir();
  if (!dir) GTEST_SKIP() << "conformance corpus not found";
  auto path = *dir / "osv-match/scalibr_is_affected.jsonl";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << path << " not found";

  assay::testing::PassTable table("osv-match: scalibr IsAffected, OS packages");
  int rows = 0;
  for (const auto& [line, row] : assay::testing::ReadJsonLines(path)) {
    const std::string purl_type = Str(row["package"], "purl_type");
    if (purl_type != "deb" && purl_type != "apk" && purl_type != "rpm") continue;
    ++rows;
    SCOPED_TRACE("line " + std::to_string(line) + ": " + Str(row, "src"));
    std::string error;
    std::vector<AffectedEntry> all = EntriesOf(row["osv"], &error);
    ASSERT_TRUE(error.empty()) << error;
    model::Package pkg;
    model::OsInfo os;
    MapPackage(row, all, pkg, os);

    std::vector<AffectedEntry> fetched;
    for (const Query& q : QueryFor(pkg, os)) {
      for (const AffectedEntry& e : all) {
        if (LookupReturns(q, e)) fetched.push_back(e);
      }
    }
    std::vector<model::InventoryWarning> warnings;
    bool got = !MatchPackage(pkg, os, fetched, &warnings).empty();
    bool want = row["affected"].get<bool>();
    table.Add(purl_type + (want ? ", affected" : ", not affected"), got == want);
    EXPECT_EQ(got, want) << pkg.ecosystem << " " << pkg.name << " " << pkg.version
                         << (warnings.empty() ? "" : "; warning: " + warnings[0].message);
  }
  table.Print();
  EXPECT_GT(rows, 0);
  EXPECT_EQ(table.Failed(), 0);
}

// The OSV ecosystem a language row's package is collected under (purl type -> ecosystem).
std::string LanguageEcosystem(const json& p) {
  std::string hint = Str(p, "ecosystem_hint");
  if (!hint.empty()) return hint;
  static const std::map<std::string, std::string> kByPurlType = {
      {"npm", "npm"},         {"pypi", "PyPI"},   {"golang", "Go"},     {"cargo", "crates.io"},
      {"gem", "RubyGems"},    {"maven", "Maven"}, {"nuget", "NuGet"},   {"composer", "Packagist"},
  };
  auto it = kByPurlType.find(Str(p, "purl_type"));
  return it == kByPurlType.end() ? "" : it->second;
}

// The language rows through the same path: the package as a lockfile collector reports it, the
// lookup QueryFor makes, MatchPackage's verdict. A package without a version is never reported
// by assay's collectors (it is a warning), so such rows must come out "not affected" with a
// warning, whatever the peer answered; they are counted apart. Rows whose package has no
// ecosystem assay collects (a bare git repository) are reported as not applicable.
TEST(OsvMatchConformanceTest, ScalibrLanguageRows) {
  auto dir = assay::testing::ConformanceDir();
  if (!dir) GTEST_SKIP() << "conformance corpus not found";
  auto path = *dir / "osv-match/scalibr_is_affected.jsonl";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << path << " not found";

  assay::testing::PassTable table("osv-match: scalibr IsAffected, language packages");
  int rows = 0;
  for (const auto& [line, row] : assay::testing::ReadJsonLines(path)) {
    const json& p = row["package"];
    const std::string purl_type = Str(p, "purl_type");
    if (purl_type == "deb" || purl_type == "apk" || purl_type == "rpm") continue;
    ++rows;
    SCOPED_TRACE("line " + std::to_string(line) + ": " + Str(row, "src"));
    std::string error;
    std::vector<AffectedEntry> all = EntriesOf(row["osv"], &error);
    ASSERT_TRUE(error.empty()) << error;
    const bool want = row["affected"].get<bool>();
    model::Package pkg;
    pkg.ecosystem = LanguageEcosystem(p);
    pkg.name = Str(p, "name");
    pkg.version = Str(row, "version");
    pkg.path = "row " + Str(row, "src");
    if (pkg.ecosystem.empty()) {
      table.Add(purl_type + ", no assay ecosystem (n/a)", true);
      continue;
    }
    const model::OsInfo os;  // language packages never depend on the OS
    std::vector<AffectedEntry> fetched;
    for (const Query& q : QueryFor(pkg, os)) {
      for (const AffectedEntry& e : all) {
        if (LookupReturns(q, e)) fetched.push_back(e);
      }
    }
    std::vector<model::InventoryWarning> warnings;
    bool got = !MatchPackage(pkg, os, fetched, &warnings).empty();
    if (pkg.version.empty()) {
      table.Add(purl_type + ", empty version (warning)", !got && !warnings.empty());
      EXPECT_FALSE(got);
      EXPECT_FALSE(warnings.empty());
      continue;
    }
    table.Add(purl_type + (want ? ", affected" : ", not affected"), got == want);
    EXPECT_EQ(got, want) << pkg.ecosystem << " " << pkg.name << " " << pkg.version
                         << (warnings.empty() ? "" : "; warning: " + warnings[0].message);
  }
  table.Print();
  EXPECT_GT(rows, 0);
  EXPECT_EQ(table.Failed(), 0);
}

}  // namespace
}  // namespace assay::match
