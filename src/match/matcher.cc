// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include "match/matcher.h"

#include <algorithm>
#include <map>
#include <numeric>
#include <set>
#include <utility>

#include "advisories/import.h"
#include "base/strings.h"
#include "model/ecosystem.h"
#include "versions/osv_range.h"
#include "versions/registry.h"

namespace assay::match {
namespace {

using advisories::AffectedEntry;
using advisories::LookupScope;

// Which package name a distribution's advisories use.
enum class NameRule {
  kSource,  // the source package (dpkg Source:, apk origin, source rpm), else the binary name
  kBinary,  // the binary package
  kBoth,    // either (advisories of this distribution have used both)
};

// How one distribution's advisories name and version its packages.
struct OsRule {
  std::string_view base;
  NameRule names;
  bool source_version;  // compare dpkg's Source: version when stated
  bool strip_epoch;     // rpm distributions whose advisories omit epochs
  bool repo_prefix;     // ecosystems name repositories below the release ("...:9::baseos")
  bool rolling;         // no release in the ecosystem name
};

// AlmaLinux records list every binary rpm of an erratum ("openssl", "openssl-libs",
// "openssl-devel"; checked in the AlmaLinux OSV data), with epochs in their fixed versions
// ("1:3.0.7-1.el9"); Red Hat and Rocky Linux publish the same shape. SUSE lists binary rpms
// too but writes no epochs. openEuler and Mageia advisories name source rpms.
constexpr OsRule kOsRules[] = {
    {"Debian", NameRule::kSource, true, false, false, false},
    {"Ubuntu", NameRule::kSource, true, false, false, false},
    {"Alpine", NameRule::kSource, false, false, false, false},
    {"Wolfi", NameRule::kSource, false, false, false, true},
    {"Chainguard", NameRule::kSource, false, false, false, true},
    {"AlmaLinux", NameRule::kBinary, false, false, false, false},
    {"Rocky Linux", NameRule::kBinary, false, false, false, false},
    {"Red Hat", NameRule::kBinary, false, false, true, false},
    {"SUSE", NameRule::kBinary, false, true, false, false},
    {"openSUSE", NameRule::kBinary, false, true, false, false},
    {"openEuler", NameRule::kSource, false, true, false, false},
    {"Mageia", NameRule::kSource, false, true, false, false},
    {"Photon OS", NameRule::kBoth, false, true, false, false},
};

const OsRule* FindOsRule(std::string_view base) {
  for (const auto& r : kOsRules) {
    if (r.base == base) return &r;
  }
  return nullptr;
}

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && s.substr(0, prefix.size()) == prefix;
}

// "1:5.1-6" -> "5.1-6"; strings without a leading "<digits>:" are returned unchanged.
std::string StripEpoch(std::string_view v) {
  size_t i = 0;
  while (i < v.size() && base::IsDigit(v[i])) ++i;
  if (i > 0 && i < v.size() && v[i] == ':') return std::string(v.substr(i + 1));
  return std::string(v);
}

// Everything MatchPackage and QueryFor derive from a package before looking at advisories.
struct Plan {
  std::string problem;  // non-empty: the package cannot be matched, and why
  bool os = false;
  std::string base;                     // the package's ecosystem base
  std::vector<std::string> ecosystems;  // OS: advisory ecosystems accepted as they are
  std::string prefix;                   // OS: also ecosystems starting with prefix + ":"
  std::vector<std::string> names;       // names matched (OS: exactly; else by name key)
  std::string name_key;                 // language packages
  std::string version;                  // the version compared
  const versions::Scheme* scheme = nullptr;
  bool esm_gated = false;  // Ubuntu without Ubuntu Pro: "+esm" fixes are not installable

  bool AcceptsEcosystem(std::string_view eco) const {
    if (!os) return model::SplitEcosystem(eco).base == base;
    if (std::find(ecosystems.begin(), ecosystems.end(), eco) != ecosystems.end()) return true;
    return !prefix.empty() && eco.size() > prefix.size() && StartsWith(eco, prefix) &&
           eco[prefix.size()] == ':';
  }
  bool AcceptsName(std::string_view name) const {
    if (!os) return advisories::PackageNameKey(base, name) == name_key;
    return std::find(names.begin(), names.end(), name) != names.end();
  }
};

// The ecosystem-level reason a package cannot be matched, or "".
std::string EcosystemProblem(const model::Package& pkg, const OsRule** rule_out,
                             const versions::Scheme** scheme_out) {
  const auto eco = model::SplitEcosystem(pkg.ecosystem);
  if (pkg.ecosystem.empty()) return "no ecosystem";
  const versions::Scheme* scheme = versions::ForEcosystem(pkg.ecosystem);
  if (scheme_out) *scheme_out = scheme;
  if (model::IsOsEcosystem(eco.base)) {
    const OsRule* rule = FindOsRule(eco.base);
    if (rule_out) *rule_out = rule;
    if (rule == nullptr) {
      return "ecosystem '" + pkg.ecosystem +
             "' is no distribution release (unknown operating system)";
    }
    if (eco.release.empty() && !rule->rolling) {
      return "ecosystem '" + pkg.ecosystem + "' names no release (unknown OS version)";
    }
  }
  if (scheme == nullptr) return "assay has no version scheme for ecosystem '" + pkg.ecosystem + "'";
  return "";
}

Plan MakePlan(const model::Package& pkg, const model::OsInfo& os) {
  Plan p;
  const OsRule* rule = nullptr;
  p.problem = EcosystemProblem(pkg, &rule, &p.scheme);
  if (!p.problem.empty()) return p;
  const auto eco = model::SplitEcosystem(pkg.ecosystem);
  p.base = std::string(eco.base);
  p.version = pkg.version;
  if (rule == nullptr) {
    // The Go toolchain is listed as "go" or "golang" by SBOM tools; OSV files its advisories
    // (and the standard library's) under "stdlib".
    const bool go_toolchain = p.base == "Go" && (pkg.name == "go" || pkg.name == "golang");
    p.names = {go_toolchain ? std::string("stdlib") : pkg.name};
    p.name_key = advisories::PackageNameKey(p.base, p.names.front());
    return p;
  }
  p.os = true;
  const std::string& source = pkg.source_name.empty() ? pkg.name : pkg.source_name;
  switch (rule->names) {
    case NameRule::kSource:
      p.names = {source};
      break;
    case NameRule::kBinary:
      p.names = {pkg.name};
      break;
    case NameRule::kBoth:
      p.names = {pkg.name};
      if (source != pkg.name) p.names.push_back(source);
      break;
  }
  if (rule->source_version && !pkg.source_version.empty()) p.version = pkg.source_version;
  if (rule->strip_epoch) p.version = StripEpoch(p.version);
  p.ecosystems = {pkg.ecosystem};
  if (eco.base == "Ubuntu" && !StartsWith(eco.release, "Pro:")) {
    if (os.ubuntu_pro) {
      p.ecosystems.push_back("Ubuntu:Pro:" + std::string(eco.release));
    } else {
      p.esm_gated = true;
    }
  }
  if (rule->repo_prefix) p.prefix = pkg.ecosystem;
  return p;
}

// Union-find over advisory indexes.
class Groups {
 public:
  explicit Groups(size_t n) : parent_(n) { std::iota(parent_.begin(), parent_.end(), size_t{0}); }
  size_t Find(size_t i) {
    while (parent_[i] != i) i = parent_[i] = parent_[parent_[i]];
    return i;
  }
  void Union(size_t a, size_t b) {
    a = Find(a);
    b = Find(b);
    if (a != b) parent_[std::max(a, b)] = std::min(a, b);
  }

 private:
  std::vector<size_t> parent_;
};

// The ids an advisory is known by for merging: its id, its aliases and the CVE it is named
// after.
std::vector<std::string> IdentityOf(const MatchedAdvisory& a) {
  std::vector<std::string> ids = {a.id};
  ids.insert(ids.end(), a.aliases.begin(), a.aliases.end());
  if (std::string cve = CveNamedBy(a.id); !cve.empty()) ids.push_back(std::move(cve));
  return ids;
}

// Keeps the lower of `current` and `candidate` under `scheme` (an empty string is no fix).
void KeepLowestFix(std::string& current, const std::string& candidate,
                   const versions::Scheme& scheme) {
  if (candidate.empty()) return;
  if (current.empty()) {
    current = candidate;
    return;
  }
  auto c = scheme.Compare(candidate, current);
  if (c.ok() && *c < 0) current = candidate;
}

// Errata that fix bugs or add features rather than vulnerabilities (AlmaLinux ALBA/ALEA, Red Hat
// RHBA/RHEA, Rocky RLBA/RLEA): distributions publish them in the same feeds, but a scanner that
// reported them would flood users with non-security "findings".
bool IsNonSecurityErratum(std::string_view id) {
  static constexpr std::string_view kPrefixes[] = {"ALBA-", "ALEA-", "RHBA-", "RHEA-", "RLBA-",
                                                   "RLEA-"};
  for (std::string_view p : kPrefixes) {
    if (StartsWith(id, p)) return true;
  }
  return false;
}

std::string Describe(const model::Package& pkg, const Plan& p) {
  std::string s = "package " + pkg.name + " " + (pkg.version.empty() ? "\"\"" : pkg.version);
  bool other_name = p.os && !p.names.empty() && p.names.front() != pkg.name;
  if (other_name || p.version != pkg.version) {
    s += " (compared as " + (p.names.empty() ? pkg.name : p.names.front()) + " " +
         (p.version.empty() ? "\"\"" : p.version) + ")";
  }
  return s;
}

// Accumulates what the matching entries of one advisory said.
struct Acc {
  bool affected = false;
  MatchedAdvisory adv;
  std::vector<std::string> problems;
};

}  // namespace

bool IsCveId(std::string_view id) {
  if (id.size() < 13 || id.substr(0, 4) != "CVE-") return false;
  for (size_t i = 4; i < 8; ++i) {
    if (!base::IsDigit(id[i])) return false;
  }
  if (id[8] != '-') return false;
  for (size_t i = 9; i < id.size(); ++i) {
    if (!base::IsDigit(id[i])) return false;
  }
  return true;
}

std::string CveNamedBy(std::string_view id) {
  size_t dash = id.find("-CVE-");
  if (dash == std::string_view::npos || dash == 0) return "";
  for (size_t i = 0; i < dash; ++i) {
    char c = id[i];
    if (!((c >= 'A' && c <= 'Z') || base::IsDigit(c))) return "";
  }
  std::string_view cve = id.substr(dash + 1);
  return IsCveId(cve) ? std::string(cve) : "";
}

std::optional<std::string> UnmatchableEcosystem(const model::Package& pkg) {
  std::string problem = EcosystemProblem(pkg, nullptr, nullptr);
  if (problem.empty()) return std::nullopt;
  return problem;
}

std::vector<Query> QueryFor(const model::Package& pkg, const model::OsInfo& os) {
  Plan p = MakePlan(pkg, os);
  if (!p.problem.empty() || p.version.empty()) return {};
  std::vector<Query> out;
  for (const std::string& name : p.names) {
    if (!p.os) {
      // Language ecosystems may carry a suffix ("Maven:<registry>"): ask for the whole base.
      out.push_back({pkg.ecosystem, name, LookupScope::kBase});
    } else if (!p.prefix.empty()) {
      out.push_back({p.prefix, name, LookupScope::kBase});
    } else {
      for (const std::string& eco : p.ecosystems) out.push_back({eco, name, LookupScope::kExact});
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::vector<PackageMatch> MatchPackage(const model::Package& pkg, const model::OsInfo& os,
                                       std::span<const AffectedEntry> entries,
                                       std::vector<model::InventoryWarning>* warnings) {
  auto warn = [&](std::string location, std::string message) {
    if (warnings != nullptr) warnings->push_back({std::move(location), std::move(message)});
  };
  const std::string where = pkg.path.empty() ? pkg.ecosystem : pkg.path;
  Plan p = MakePlan(pkg, os);
  if (!p.problem.empty()) {
    warn(where, Describe(pkg, p) + ": " + p.problem + "; not matched");
    return {};
  }
  if (p.version.empty()) {
    warn(where, Describe(pkg, p) + ": empty version; not matched");
    return {};
  }
  if (base::Status s = p.scheme->Validate(p.version); !s.ok()) {
    warn(where, Describe(pkg, p) + ": " + s.message() + "; not matched");
    return {};
  }

  std::map<std::string, Acc> by_id;
  for (const AffectedEntry& e : entries) {
    if (e.is_withdrawn() || IsNonSecurityErratum(e.advisory_id)) continue;
    if (!p.AcceptsEcosystem(e.ecosystem) || !p.AcceptsName(e.name)) continue;
    auto verdict = versions::EvaluateAffected(e.affected, p.version, *p.scheme);
    if (!verdict.ok()) {
      // Validate() passed, so this is a scheme disagreeing with itself; never a match.
      warn(where, Describe(pkg, p) + ": " + e.advisory_id + ": " + verdict.status().message() +
                      "; not matched");
      continue;
    }
    if (!verdict->affected && verdict->problems.empty()) continue;
    Acc& acc = by_id[e.advisory_id];
    for (const std::string& problem : verdict->problems) {
      acc.problems.push_back(e.ecosystem + " " + e.name + " " + problem);
    }
    if (!verdict->affected) continue;
    MatchedAdvisory& a = acc.adv;
    std::string fix = verdict->fixed_version;
    if (p.esm_gated && fix.find("+esm") != std::string::npos) {
      KeepLowestFix(a.pro_fixed_version, fix, *p.scheme);
      fix.clear();
    }
    if (!acc.affected) {
      acc.affected = true;
      a.id = e.advisory_id;
      a.source = e.source;
      a.modified = e.modified;
      a.aliases = e.aliases;
      a.related = e.related;
      a.severity = e.severity;
      a.database_specific = e.database_specific;
      a.fixed_version = fix;
    } else {
      KeepLowestFix(a.fixed_version, fix, *p.scheme);
    }
    if (std::find(a.ecosystems.begin(), a.ecosystems.end(), e.ecosystem) == a.ecosystems.end()) {
      a.ecosystems.push_back(e.ecosystem);
    }
    a.affected_severity.insert(a.affected_severity.end(), e.affected.severity.begin(),
                               e.affected.severity.end());
    for (const std::string* raw : {&e.affected.ecosystem_specific, &e.affected.database_specific}) {
      if (!raw->empty()) a.affected_specific.push_back(*raw);
    }
  }

  std::vector<MatchedAdvisory> matched;
  for (auto& [id, acc] : by_id) {
    if (!acc.problems.empty()) {
      warn(id, "advisory " + id + ": " + base::Join(acc.problems, "; ") +
                   " (range skipped, not widened)");
    }
    if (acc.affected) matched.push_back(std::move(acc.adv));
  }
  if (matched.empty()) return {};

  // Merge advisories whose ids or aliases overlap.
  Groups groups(matched.size());
  std::map<std::string, size_t> owner;
  for (size_t i = 0; i < matched.size(); ++i) {
    for (const std::string& id : IdentityOf(matched[i])) {
      auto [it, inserted] = owner.emplace(id, i);
      if (!inserted) groups.Union(it->second, i);
    }
  }
  std::map<size_t, std::vector<size_t>> members;
  for (size_t i = 0; i < matched.size(); ++i) members[groups.Find(i)].push_back(i);

  std::vector<PackageMatch> out;
  for (const auto& [root, idx] : members) {
    PackageMatch m;
    m.matched_name = p.names.front();
    m.matched_version = p.version;
    std::set<std::string> identity_cves;
    std::set<std::string> all_ids;
    for (size_t i : idx) {
      const MatchedAdvisory& a = matched[i];
      for (const std::string& id : IdentityOf(a)) {
        all_ids.insert(id);
        if (IsCveId(id)) identity_cves.insert(id);
      }
      all_ids.insert(a.related.begin(), a.related.end());
      KeepLowestFix(m.fixed_version, a.fixed_version, *p.scheme);
      KeepLowestFix(m.pro_fixed_version, a.pro_fixed_version, *p.scheme);
      m.advisories.push_back(a);
    }
    // `matched` is sorted by id (from the map), so the first member has the smallest id.
    m.vulnerability_id =
        identity_cves.size() == 1 ? *identity_cves.begin() : matched[idx.front()].id;
    for (const std::string& id : all_ids) {
      if (id.empty()) continue;
      if (IsCveId(id)) m.cve_ids.push_back(id);
      if (id != m.vulnerability_id) m.related_ids.push_back(id);
    }
    out.push_back(std::move(m));
  }
  std::sort(out.begin(), out.end(), [](const PackageMatch& a, const PackageMatch& b) {
    return a.vulnerability_id < b.vulnerability_id;
  });
  return out;
}

}  // namespace assay::match
