// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// The cyclonedx format: CycloneDX 1.5 JSON (render.h). Vulnerabilities are grouped by id so
// that one CVE affecting several packages is one entry whose `affects` lists them all, which is
// how BOM consumers (Dependency-Track, ...) expect it.
#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "model/severity.h"
#include "report/internal/render_util.h"
#include "report/render.h"

namespace assay::report {
namespace {

using internal::IsWebUrl;
using nlohmann::ordered_json;

std::string_view ComponentType(std::string_view resource_type) {
  if (resource_type == "rootfs" || resource_type == "image") return "container";
  if (resource_type == "host") return "device";
  return "file";
}

std::string_view CdxSeverity(model::Severity s) {
  switch (s) {
    case model::Severity::kCritical:
      return "critical";
    case model::Severity::kHigh:
      return "high";
    case model::Severity::kMedium:
      return "medium";
    case model::Severity::kLow:
      return "low";
    case model::Severity::kInformational:
      return "info";
    case model::Severity::kUntriaged:
      return "unknown";
  }
  return "unknown";
}

// CVSS qualitative rating of a base score (v2 has no "critical" and no "none").
std::string_view ScoreSeverity(double score, std::string_view version) {
  if (version == "2.0" || version == "2") {
    if (score >= 7.0) return "high";
    if (score >= 4.0) return "medium";
    return "low";
  }
  if (score >= 9.0) return "critical";
  if (score >= 7.0) return "high";
  if (score >= 4.0) return "medium";
  if (score > 0.0) return "low";
  return "none";
}

std::string_view CvssMethod(std::string_view version) {
  if (version == "2.0" || version == "2") return "CVSSv2";
  if (version == "3.0") return "CVSSv3";
  if (version == "3.1") return "CVSSv31";
  if (version == "4.0") return "CVSSv4";
  return "other";
}

// A source for a vulnerability id: NVD for CVEs, GitHub for GHSAs, else OSV.
ordered_json IdSource(const std::string& id) {
  std::string enc = internal::UriPathEncode(id);
  if (id.rfind("CVE-", 0) == 0) {
    return {{"name", "NVD"}, {"url", "https://nvd.nist.gov/vuln/detail/" + enc}};
  }
  if (id.rfind("GHSA-", 0) == 0) {
    return {{"name", "GitHub"}, {"url", "https://github.com/advisories/" + enc}};
  }
  return {{"name", "OSV"}, {"url", "https://osv.dev/vulnerability/" + enc}};
}

void AddProperty(ordered_json& props, std::string name, const std::string& value) {
  if (!value.empty()) props.push_back({{"name", std::move(name)}, {"value", value}});
}

ordered_json PackageComponent(const model::Package& p, const std::string& ref) {
  ordered_json c = {{"bom-ref", ref}, {"type", "library"}, {"name", p.name}};
  if (!p.version.empty()) c["version"] = p.version;
  if (!p.purl.empty()) c["purl"] = p.purl;
  ordered_json props = ordered_json::array();
  AddProperty(props, "assay:ecosystem", p.ecosystem);
  AddProperty(props, "assay:source-name", p.source_name);
  AddProperty(props, "assay:source-version", p.source_version);
  AddProperty(props, "assay:arch", p.arch);
  AddProperty(props, "assay:package-manager", p.package_manager);
  AddProperty(props, "assay:path", p.path);
  AddProperty(props, "assay:layer-digest", p.layer_digest);
  if (!props.empty()) c["properties"] = std::move(props);
  return c;
}

ordered_json Ratings(const model::Finding& f) {
  const auto& d = f.package_vulnerability_details;
  ordered_json ratings = ordered_json::array();
  ordered_json own = {{"source", {{"name", "assay"}}}};
  if (f.score) own["score"] = *f.score;
  own["severity"] = CdxSeverity(f.severity);
  own["method"] = "other";
  ratings.push_back(std::move(own));
  std::set<std::string> seen;
  for (const model::CvssRecord& c : d.cvss) {
    if (!seen.insert(c.source + "\n" + c.version + "\n" + c.scoring_vector).second) continue;
    ordered_json r = {{"source", {{"name", c.source.empty() ? d.source : c.source}}},
                      {"score", c.base_score},
                      {"severity", ScoreSeverity(c.base_score, c.version)},
                      {"method", CvssMethod(c.version)}};
    if (!c.scoring_vector.empty()) r["vector"] = c.scoring_vector;
    ratings.push_back(std::move(r));
  }
  if (!d.vendor_severity.empty() && !d.source.empty()) {
    auto vendor = model::ParseSeverity(d.vendor_severity);
    ratings.push_back({{"source", {{"name", d.source}}},
                       {"severity", vendor ? CdxSeverity(*vendor) : "unknown"},
                       {"method", "other"},
                       {"justification", "vendor severity: " + d.vendor_severity}});
  }
  return ratings;
}

}  // namespace

std::string RenderCycloneDx(const ScanResult& result, const RenderOptions& options) {
  const model::Inventory& inv = result.inventory;
  const std::string resource_ref = result.resource.id.empty() ? "resource" : result.resource.id;

  ordered_json metadata = ordered_json::object();
  if (internal::IsRfc3339(result.resource.scanned_at)) {
    metadata["timestamp"] = result.resource.scanned_at;
  }
  metadata["tools"] = {
      {"components",
       {{{"type", "application"}, {"name", "assay"}, {"version", options.tool_version}}}}};
  ordered_json subject = {
      {"bom-ref", resource_ref},
      {"type", ComponentType(result.resource.type)},
      {"name", result.resource.path.empty() ? resource_ref : result.resource.path}};
  ordered_json subject_props = ordered_json::array();
  AddProperty(subject_props, "assay:resource-type", result.resource.type);
  if (result.resource.image) {
    AddProperty(subject_props, "assay:image-manifest-digest", result.resource.image->manifest_digest);
    AddProperty(subject_props, "assay:image-config-digest", result.resource.image->config_digest);
    AddProperty(subject_props, "assay:image-platform",
                result.resource.image->os + "/" + result.resource.image->architecture);
  }
  if (!subject_props.empty()) subject["properties"] = std::move(subject_props);
  metadata["component"] = std::move(subject);
  ordered_json meta_props = ordered_json::array();
  AddProperty(meta_props, "assay:advisory-db:build-id", result.database.build_id);
  AddProperty(meta_props, "assay:advisory-db:build-time", result.database.build_time);
  if (!meta_props.empty()) metadata["properties"] = std::move(meta_props);

  ordered_json components = ordered_json::array();
  ordered_json depends_on = ordered_json::array();
  if (!inv.os.id.empty()) {
    ordered_json os = {
        {"bom-ref", internal::OsRef(inv.os)}, {"type", "operating-system"}, {"name", inv.os.id}};
    if (!inv.os.version_id.empty()) os["version"] = inv.os.version_id;
    if (!inv.os.pretty_name.empty()) os["description"] = inv.os.pretty_name;
    ordered_json props = ordered_json::array();
    AddProperty(props, "assay:ecosystem", inv.os.ecosystem);
    AddProperty(props, "assay:codename", inv.os.codename);
    if (!props.empty()) os["properties"] = std::move(props);
    components.push_back(std::move(os));
    depends_on.push_back(internal::OsRef(inv.os));
  }
  std::vector<std::string> refs = internal::PackageRefs(inv);
  for (std::size_t i = 0; i < inv.packages.size(); ++i) {
    components.push_back(PackageComponent(inv.packages[i], refs[i]));
    depends_on.push_back(refs[i]);
  }

  ordered_json doc = {{"$schema", "http://cyclonedx.org/schema/bom-1.5.schema.json"},
                      {"bomFormat", "CycloneDX"},
                      {"specVersion", "1.5"},
                      {"serialNumber", "urn:uuid:" + internal::DeterministicUuid(
                                                         "cyclonedx\n" + result.resource.id + "\n" +
                                                         result.resource.scanned_at + "\n" +
                                                         result.database.build_id)},
                      {"version", 1},
                      {"metadata", std::move(metadata)},
                      {"components", std::move(components)}};
  if (!depends_on.empty()) {
    doc["dependencies"] = {{{"ref", resource_ref}, {"dependsOn", std::move(depends_on)}}};
  }
  if (!result.vulnerability_scan) return internal::DumpJson(doc);

  // Group findings by vulnerability id, in order of first appearance.
  std::vector<std::string> ids;
  std::map<std::string, std::vector<const model::Finding*>> by_id;
  for (const model::Finding& f : result.findings) {
    const std::string& id = f.package_vulnerability_details.vulnerability_id;
    auto& group = by_id[id];
    if (group.empty()) ids.push_back(id);
    group.push_back(&f);
  }
  ordered_json vulns = ordered_json::array();
  for (const std::string& id : ids) {
    const auto& group = by_id[id];
    const model::Finding* lead = group.front();
    for (const model::Finding* f : group) {
      if (internal::SeverityScore(*f) > internal::SeverityScore(*lead)) lead = f;
    }
    const auto& d = lead->package_vulnerability_details;
    ordered_json v = {{"bom-ref", "vulnerability:" + id}, {"id", id}};
    ordered_json source = {{"name", d.source.empty() ? "OSV" : d.source}};
    if (IsWebUrl(d.source_url)) source["url"] = d.source_url;
    v["source"] = std::move(source);

    std::set<std::string> related;
    for (const model::Finding* f : group) {
      for (const std::string& r : f->package_vulnerability_details.related_vulnerabilities) {
        if (r != id) related.insert(r);
      }
    }
    if (!related.empty()) {
      ordered_json references = ordered_json::array();
      for (const std::string& r : related) {
        references.push_back({{"id", r}, {"source", IdSource(r)}});
      }
      v["references"] = std::move(references);
    }
    v["ratings"] = Ratings(*lead);
    if (!lead->description.empty()) {
      v["description"] = lead->description;
    } else if (!lead->title.empty()) {
      v["description"] = lead->title;
    }

    std::vector<std::string> fixes;
    std::vector<std::string> recommendations;
    ordered_json affects = ordered_json::array();
    std::set<std::string> affected_refs;
    for (const model::Finding* f : group) {
      for (const auto& vp : f->package_vulnerability_details.vulnerable_packages) {
        std::size_t idx = internal::FindPackage(inv, vp);
        std::string ref = idx != std::string::npos ? refs[idx]
                          : !vp.purl.empty()       ? vp.purl
                                                   : vp.name + "@" + vp.version;
        if (affected_refs.insert(ref).second) {
          ordered_json a = {{"ref", ref}};
          if (!vp.version.empty()) {
            a["versions"] = ordered_json::array(
                {ordered_json{{"version", vp.version}, {"status", "affected"}}});
          }
          affects.push_back(std::move(a));
        }
        if (!vp.fixed_in_version.empty()) {
          fixes.push_back(vp.name + " " + vp.fixed_in_version);
          recommendations.push_back(vp.remediation.empty()
                                        ? "Upgrade " + vp.name + " to " + vp.fixed_in_version
                                        : vp.remediation);
        }
      }
    }
    if (!recommendations.empty()) {
      std::sort(recommendations.begin(), recommendations.end());
      recommendations.erase(std::unique(recommendations.begin(), recommendations.end()),
                            recommendations.end());
      std::string rec;
      for (const std::string& r : recommendations) rec += (rec.empty() ? "" : "; ") + r;
      v["recommendation"] = rec;
    }
    ordered_json advisories = ordered_json::array();
    for (const std::string& u : d.reference_urls) {
      if (IsWebUrl(u)) advisories.push_back({{"url", u}});
    }
    if (!advisories.empty()) v["advisories"] = std::move(advisories);
    if (internal::IsRfc3339(d.vendor_created_at)) v["published"] = d.vendor_created_at;
    if (internal::IsRfc3339(d.vendor_updated_at)) v["updated"] = d.vendor_updated_at;
    if (!fixes.empty()) {
      std::sort(fixes.begin(), fixes.end());
      fixes.erase(std::unique(fixes.begin(), fixes.end()), fixes.end());
      std::string detail = "Fixed in";
      for (std::size_t i = 0; i < fixes.size(); ++i) detail += (i ? ", " : " ") + fixes[i];
      v["analysis"] = {{"response", ordered_json::array({"update"})}, {"detail", detail}};
    }
    v["affects"] = std::move(affects);
    ordered_json props = ordered_json::array();
    AddProperty(props, "assay:fix-available",
                std::string(model::FixAvailableName(lead->fix_available)));
    if (lead->exploit_available) {
      AddProperty(props, "assay:known-exploited", "true");
      AddProperty(props, "assay:kev-date-added", lead->kev_date_added);
    }
    if (lead->epss) AddProperty(props, "assay:epss", std::to_string(*lead->epss));
    v["properties"] = std::move(props);
    vulns.push_back(std::move(v));
  }
  doc["vulnerabilities"] = std::move(vulns);
  return internal::DumpJson(doc);
}

}  // namespace assay::report
