// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include "match/findings.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>
#include <tuple>
#include <utility>

#include "base/sha256.h"
#include "base/strings.h"
#include "model/cvss.h"
#include "model/ecosystem.h"
#include "model/severity.h"

namespace assay::match {
namespace {

using model::Severity;

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
    if (c == ' ') c = '_';
  }
  return out;
}

// `key` of a raw JSON object text when it holds a string; "" otherwise (also for bad JSON).
std::string StringMember(std::string_view raw, const char* key) {
  if (raw.empty()) return "";
  nlohmann::json j = nlohmann::json::parse(raw, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return "";
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return "";
  return it->get<std::string>();
}

// A rating that means something; "untriaged"/"unknown" and unrecognised words are no rating.
std::optional<VendorRating> Rating(std::string raw) {
  if (raw.empty()) return std::nullopt;
  std::optional<Severity> s = model::ParseSeverity(raw);
  if (!s || *s == Severity::kUntriaged) return std::nullopt;
  return VendorRating{std::move(raw), *s};
}

bool IsRedHatStyle(std::string_view base) {
  return base == "AlmaLinux" || base == "Rocky Linux" || base == "Red Hat";
}

// Red Hat's convention: "Important: openssl security update".
std::string SummaryRating(std::string_view summary) {
  size_t colon = summary.find(':');
  if (colon == std::string_view::npos) return "";
  std::string_view word = base::Trim(summary.substr(0, colon));
  for (std::string_view r : {"Critical", "Important", "Moderate", "Low"}) {
    if (word == r) return std::string(word);
  }
  return "";
}

struct CvssCandidate {
  model::CvssRecord record;
  int rank = 0;   // v2 1, v3.0 2, v3.1 3, v4.0 4
  int order = 0;  // position among candidates: the advisory's own come before NVD's
};

int Rank(model::CvssVersion v) {
  switch (v) {
    case model::CvssVersion::kV2:
      return 1;
    case model::CvssVersion::kV30:
      return 2;
    case model::CvssVersion::kV31:
      return 3;
    case model::CvssVersion::kV40:
      return 4;
  }
  return 0;
}

class CvssCollector {
 public:
  void Add(const std::string& source, const std::string& vector) {
    if (vector.empty() || !seen_.insert({source, vector}).second) return;
    auto scored = model::ScoreCvss(vector);
    if (!scored.ok()) return;  // not a usable vector: nothing to rate or show
    double base = scored->base ? *scored->base : scored->score;
    CvssCandidate c;
    c.record = {source, std::string(model::CvssVersionName(scored->version)), vector, base};
    c.rank = Rank(scored->version);
    c.order = static_cast<int>(all_.size());
    all_.push_back(std::move(c));
  }
  void AddOsv(const std::string& advisory_id, const std::vector<model::OsvSeverity>& sev) {
    for (const auto& s : sev) {
      if (s.type == "CVSS_V2" || s.type == "CVSS_V3" || s.type == "CVSS_V4") {
        Add("OSV:" + advisory_id, s.score);
      }
    }
  }
  const CvssCandidate* Best() const {
    const CvssCandidate* best = nullptr;
    for (const auto& c : all_) {
      if (best == nullptr || std::tuple(c.rank, c.record.base_score, -c.order) >
                                 std::tuple(best->rank, best->record.base_score, -best->order)) {
        best = &c;
      }
    }
    return best;
  }
  std::vector<model::CvssRecord> Records() const {
    std::vector<model::CvssRecord> out;
    for (const auto& c : all_) out.push_back(c.record);
    return out;
  }

 private:
  std::set<std::pair<std::string, std::string>> seen_;
  std::vector<CvssCandidate> all_;
};

// The advisory the finding is told from: the one whose id is the headline, else the first
// (smallest id) that names it among its ids, else the first.
const MatchedAdvisory& Primary(const PackageMatch& m) {
  for (const auto& a : m.advisories) {
    if (a.id == m.vulnerability_id) return a;
  }
  for (const auto& a : m.advisories) {
    if (CveNamedBy(a.id) == m.vulnerability_id ||
        std::find(a.aliases.begin(), a.aliases.end(), m.vulnerability_id) != a.aliases.end()) {
      return a;
    }
  }
  return m.advisories.front();
}

const model::Advisory* DetailsOf(const AdvisoryDetailsMap& details, const std::string& id) {
  auto it = details.find(id);
  return it == details.end() ? nullptr : &it->second.advisory;
}

std::string FirstLine(std::string_view text) {
  text = base::Trim(text);
  size_t nl = text.find('\n');
  return std::string(base::Trim(text.substr(0, nl)));
}

std::string SourceUrl(const MatchedAdvisory& primary, const model::Advisory* d) {
  if (d != nullptr) {
    for (std::string_view type : {"ADVISORY", "REPORT"}) {
      for (const auto& r : d->references) {
        if (r.type == type && !r.url.empty()) return r.url;
      }
    }
    for (const auto& r : d->references) {
      if (!r.url.empty()) return r.url;
    }
  }
  return "https://osv.dev/vulnerability/" + primary.id;
}

}  // namespace

std::optional<VendorRating> VendorSeverity(std::string_view ecosystem_base,
                                           const MatchedAdvisory& advisory,
                                           const model::Advisory* details) {
  if (!model::IsOsEcosystem(ecosystem_base)) return std::nullopt;
  if (ecosystem_base == "Ubuntu") {
    for (const auto* list : {&advisory.severity, &advisory.affected_severity}) {
      for (const auto& s : *list) {
        if (s.type == "Ubuntu") {
          if (auto r = Rating(s.score)) return r;
        }
      }
    }
    if (auto r = Rating(StringMember(advisory.database_specific, "priority"))) return r;
  }
  if (auto r = Rating(StringMember(advisory.database_specific, "severity"))) return r;
  for (const std::string& raw : advisory.affected_specific) {
    if (auto r = Rating(StringMember(raw, "severity"))) return r;
  }
  if (IsRedHatStyle(ecosystem_base) && details != nullptr) {
    if (auto r = Rating(SummaryRating(details->summary))) return r;
  }
  return std::nullopt;
}

base::Result<std::string> FindingId(std::string_view resource_id, std::string_view vulnerability_id,
                                    const model::Package& pkg) {
  std::string key;
  for (std::string_view part :
       {resource_id, vulnerability_id, std::string_view(pkg.ecosystem), std::string_view(pkg.name),
        std::string_view(pkg.version), std::string_view(pkg.path)}) {
    key.append(part);
    key.push_back('\0');  // a separator no field can contain unnoticed
  }
  return base::Sha256Hex(key);
}

base::Result<model::Finding> BuildFinding(const model::Package& pkg, const PackageMatch& match,
                                          const AdvisoryDetailsMap& details,
                                          const CveEnrichmentMap& cves, const FindingContext& ctx) {
  if (match.advisories.empty()) {
    return base::Status::InvalidArgument("BuildFinding: a match without advisories");
  }
  const std::string_view eco_base = model::SplitEcosystem(pkg.ecosystem).base;
  const bool os = model::IsOsEcosystem(eco_base);
  const MatchedAdvisory& primary = Primary(match);
  const model::Advisory* primary_details = DetailsOf(details, primary.id);

  model::Finding f;
  ASSAY_ASSIGN_OR_RETURN(f.finding_id, FindingId(ctx.resource_id, match.vulnerability_id, pkg));
  f.title = match.vulnerability_id + " - " + pkg.name;
  f.first_observed_at = ctx.observed_at;
  f.last_observed_at = ctx.observed_at;
  f.updated_at = ctx.observed_at;

  // Description: the primary's summary, else the first with one, else a first line of details.
  for (int pass = 0; pass < 2 && f.description.empty(); ++pass) {
    if (primary_details != nullptr) {
      f.description = pass == 0 ? primary_details->summary : FirstLine(primary_details->details);
    }
    for (const auto& a : match.advisories) {
      if (!f.description.empty()) break;
      if (const model::Advisory* d = DetailsOf(details, a.id)) {
        f.description = pass == 0 ? d->summary : FirstLine(d->details);
      }
    }
  }

  model::PackageVulnerabilityDetails& pvd = f.package_vulnerability_details;
  pvd.vulnerability_id = match.vulnerability_id;
  pvd.source = os ? Upper(eco_base) : "OSV";
  pvd.source_url = SourceUrl(primary, primary_details);
  pvd.related_vulnerabilities = match.related_ids;

  // Distribution rating: the highest among the group's advisories.
  std::optional<VendorRating> vendor;
  for (const auto& a : match.advisories) {
    auto r = VendorSeverity(eco_base, a, DetailsOf(details, a.id));
    if (r && (!vendor || r->severity > vendor->severity)) vendor = std::move(r);
  }

  CvssCollector cvss;
  std::set<std::string> seen_refs;
  for (const auto& a : match.advisories) {
    cvss.AddOsv(a.id, a.severity);
    cvss.AddOsv(a.id, a.affected_severity);
    auto it = details.find(a.id);
    if (it == details.end()) continue;
    const AdvisoryDetails& d = it->second;
    if (!d.advisory.published.empty() &&
        (pvd.vendor_created_at.empty() || d.advisory.published < pvd.vendor_created_at)) {
      pvd.vendor_created_at = d.advisory.published;
    }
    if (d.advisory.modified > pvd.vendor_updated_at) pvd.vendor_updated_at = d.advisory.modified;
  }
  if (pvd.vendor_updated_at.empty()) {
    for (const auto& a : match.advisories) {
      if (a.modified > pvd.vendor_updated_at) pvd.vendor_updated_at = a.modified;
    }
  }
  // References: the primary's first, then the others', each URL once.
  auto add_refs = [&](const model::Advisory* d) {
    if (d == nullptr) return;
    for (const auto& r : d->references) {
      if (!r.url.empty() && seen_refs.insert(r.url).second) pvd.reference_urls.push_back(r.url);
    }
  };
  add_refs(primary_details);
  for (const auto& a : match.advisories) add_refs(DetailsOf(details, a.id));

  for (const std::string& cve : match.cve_ids) {
    auto it = cves.find(cve);
    if (it == cves.end()) continue;
    if (const auto& nvd = it->second.nvd) {
      cvss.Add("NVD:" + cve, nvd->v3_vector);
      cvss.Add("NVD:" + cve, nvd->v2_vector);
    }
    if (const auto& kev = it->second.kev) {
      f.exploit_available = true;
      // The most recent addition: Inspector's "last known exploit" reading of KEV.
      if (kev->date_added > f.kev_date_added) f.kev_date_added = kev->date_added;
    }
  }
  pvd.cvss = cvss.Records();

  if (vendor) {
    f.severity = vendor->severity;
    pvd.vendor_severity = vendor->raw;
  } else if (const CvssCandidate* best = cvss.Best()) {
    auto version = model::ScoreCvss(best->record.scoring_vector);
    if (version.ok()) {
      f.severity = model::CvssSeverityToSeverity(
          model::CvssRating(version->version, best->record.base_score));
      f.score = best->record.base_score;
    }
  }

  model::VulnerablePackage vp;
  vp.name = pkg.name;
  vp.version = pkg.version;
  vp.source_name = pkg.source_name;
  vp.source_version = pkg.source_version;
  vp.arch = pkg.arch;
  vp.fixed_in_version = match.fixed_version;
  vp.package_manager = Upper(pkg.package_manager);
  vp.file_path = pkg.path;
  vp.ecosystem = pkg.ecosystem;
  vp.purl = pkg.purl;
  vp.source_layer_hash = pkg.layer_digest;
  const std::string& fix_name = match.matched_name.empty() ? pkg.name : match.matched_name;
  if (!match.fixed_version.empty()) {
    vp.remediation = "Upgrade " + fix_name + " to " + match.fixed_version + " or later";
    f.fix_available = model::FixAvailable::kYes;
  } else if (!match.pro_fixed_version.empty()) {
    vp.remediation = "Fixed in " + fix_name + " " + match.pro_fixed_version +
                     " for Ubuntu Pro only: attach the host to Ubuntu Pro, then upgrade";
    f.fix_available = model::FixAvailable::kNo;
  } else {
    vp.remediation = "No fixed version of " + fix_name + " is known yet";
    f.fix_available = model::FixAvailable::kNo;
  }
  pvd.vulnerable_packages.push_back(std::move(vp));
  return f;
}

void SortFindings(std::vector<model::Finding>& findings) {
  auto key = [](const model::Finding& f) {
    const auto& d = f.package_vulnerability_details;
    static const model::VulnerablePackage kNone;
    const auto& p = d.vulnerable_packages.empty() ? kNone : d.vulnerable_packages.front();
    return std::tie(d.vulnerability_id, p.name, p.version, p.file_path, p.ecosystem, f.finding_id);
  };
  std::stable_sort(findings.begin(), findings.end(),
                   [&](const model::Finding& a, const model::Finding& b) {
                     if (a.severity != b.severity) return a.severity > b.severity;
                     return key(a) < key(b);
                   });
}

}  // namespace assay::match
