// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// The sarif format: SARIF 2.1.0 (OASIS), one run, one rule per vulnerability id (render.h).
// Code-scanning dashboards read `properties.security-severity` (a CVSS-like number as a string)
// to rank rules, and `partialFingerprints` to follow one result across runs.
#include <algorithm>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "model/severity.h"
#include "report/internal/render_util.h"
#include "report/render.h"

namespace assay::report {
namespace {

using internal::FormatScore;
using internal::IsWebUrl;
using nlohmann::ordered_json;

constexpr std::string_view kSchema = "https://json.schemastore.org/sarif-2.1.0.json";
constexpr std::string_view kRootBase = "ROOTPATH";

std::string_view Level(model::Severity s) {
  switch (s) {
    case model::Severity::kCritical:
    case model::Severity::kHigh:
      return "error";
    case model::Severity::kMedium:
      return "warning";
    default:
      return "note";
  }
}

std::string HelpUri(const model::Finding& f) {
  const auto& d = f.package_vulnerability_details;
  if (IsWebUrl(d.source_url)) return d.source_url;
  for (const std::string& u : d.reference_urls) {
    if (IsWebUrl(u)) return u;
  }
  return "https://osv.dev/vulnerability/" + internal::UriPathEncode(d.vulnerability_id);
}

std::string NonEmpty(const std::string& s, const std::string& fallback) {
  return s.empty() ? fallback : s;
}

std::string Message(const model::Finding& f, const model::VulnerablePackage* vp) {
  const auto& d = f.package_vulnerability_details;
  std::string m;
  if (vp != nullptr) m = vp->name + " " + vp->version + " is affected by ";
  m += d.vulnerability_id + " (" + std::string(model::SeverityName(f.severity)) + ")";
  if (vp != nullptr) {
    m += vp->fixed_in_version.empty() ? "; no fixed version is available"
                                      : "; fixed in " + vp->fixed_in_version;
  }
  if (!f.title.empty()) m += ": " + f.title;
  return m;
}

}  // namespace

std::string RenderSarif(const ScanResult& result, const RenderOptions& options) {
  const bool rooted = result.resource.type == "rootfs" || result.resource.type == "host";

  // Rules: one per vulnerability id, in order of first appearance; the strongest finding of an
  // id describes the rule.
  std::vector<std::string> rule_ids;
  std::map<std::string, std::size_t> rule_index;
  std::map<std::string, const model::Finding*> rule_finding;
  for (const model::Finding& f : result.findings) {
    const std::string& id = f.package_vulnerability_details.vulnerability_id;
    auto [it, inserted] = rule_index.emplace(id, rule_ids.size());
    if (inserted) rule_ids.push_back(id);
    const model::Finding*& best = rule_finding[id];
    if (best == nullptr || internal::SeverityScore(f) > internal::SeverityScore(*best)) best = &f;
  }
  ordered_json rules = ordered_json::array();
  for (const std::string& id : rule_ids) {
    const model::Finding& f = *rule_finding[id];
    const auto& d = f.package_vulnerability_details;
    std::string severity(model::SeverityName(f.severity));
    std::string help = NonEmpty(f.description, NonEmpty(f.title, id));
    std::string markdown = "**" + id + "** (" + severity + ")\n\n" + help;
    std::vector<std::string> urls;
    for (const std::string& u : d.reference_urls) {
      if (IsWebUrl(u)) urls.push_back(u);
    }
    if (!urls.empty()) {
      markdown += "\n\nReferences:\n";
      for (const std::string& u : urls) markdown += "- <" + u + ">\n";
    }
    ordered_json rule = {{"id", id},
                         {"shortDescription", {{"text", NonEmpty(f.title, id)}}},
                         {"fullDescription", {{"text", help}}},
                         {"helpUri", HelpUri(f)},
                         {"help", {{"text", help}, {"markdown", markdown}}},
                         {"defaultConfiguration", {{"level", Level(f.severity)}}},
                         {"properties",
                          {{"security-severity", FormatScore(internal::SeverityScore(f))},
                           {"tags", {"vulnerability", "security", severity}},
                           {"precision", "very-high"}}}};
    rules.push_back(std::move(rule));
  }

  ordered_json results = ordered_json::array();
  for (const model::Finding& f : result.findings) {
    const auto& d = f.package_vulnerability_details;
    ordered_json locations = ordered_json::array();
    for (const model::VulnerablePackage& vp : d.vulnerable_packages) {
      std::string file = vp.file_path.empty() ? result.resource.path : vp.file_path;
      ordered_json artifact = {{"uri", internal::UriPathEncode(file)}};
      if (rooted && !file.empty() && file.front() != '/') artifact["uriBaseId"] = kRootBase;
      locations.push_back(
          {{"physicalLocation",
            {{"artifactLocation", std::move(artifact)}, {"region", {{"startLine", 1}}}}},
           {"message", {{"text", vp.name + " " + vp.version}}}});
    }
    const model::VulnerablePackage* first =
        d.vulnerable_packages.empty() ? nullptr : &d.vulnerable_packages.front();
    ordered_json props = {{"severity", model::SeverityName(f.severity)},
                          {"fixAvailable", model::FixAvailableName(f.fix_available)}};
    if (first != nullptr) {
      props["packageName"] = first->name;
      props["installedVersion"] = first->version;
      props["fixedVersion"] = first->fixed_in_version;
      props["purl"] = first->purl;
    }
    if (f.score) props["score"] = *f.score;
    if (f.exploit_available) props["exploitAvailable"] = true;
    ordered_json r = {{"ruleId", d.vulnerability_id},
                      {"ruleIndex", rule_index[d.vulnerability_id]},
                      {"level", Level(f.severity)},
                      {"message", {{"text", Message(f, first)}}},
                      {"locations", std::move(locations)}};
    if (!f.finding_id.empty()) r["partialFingerprints"] = {{"assayFindingId/v1", f.finding_id}};
    r["properties"] = std::move(props);
    results.push_back(std::move(r));
  }

  ordered_json driver = {{"name", "assay"},
                         {"version", options.tool_version},
                         {"semanticVersion", options.tool_version},
                         {"rules", std::move(rules)}};
  ordered_json run = {{"tool", {{"driver", std::move(driver)}}}};
  ordered_json invocation = {{"executionSuccessful", true}};
  if (internal::IsRfc3339(result.resource.scanned_at)) {
    invocation["endTimeUtc"] = result.resource.scanned_at;
  }
  if (!result.warnings.empty()) {
    ordered_json notes = ordered_json::array();
    for (const std::string& w : result.warnings) {
      notes.push_back({{"level", "warning"}, {"message", {{"text", w}}}});
    }
    invocation["toolExecutionNotifications"] = std::move(notes);
  }
  run["invocations"] = ordered_json::array({std::move(invocation)});
  if (rooted) {
    std::string root = result.resource.path;
    if (root.empty() || root.back() != '/') root += '/';
    if (!root.empty() && root.front() == '/') {
      run["originalUriBaseIds"] = {
          {kRootBase, {{"uri", "file://" + internal::UriPathEncode(root)}}}};
    }
  }
  run["results"] = std::move(results);
  if (!result.database.build_id.empty()) {
    run["properties"] = {{"advisoryDbBuildId", result.database.build_id},
                         {"advisoryDbBuildTime", result.database.build_time}};
  }

  ordered_json doc = {
      {"$schema", kSchema}, {"version", "2.1.0"}, {"runs", ordered_json::array({std::move(run)})}};
  return internal::DumpJson(doc);
}

}  // namespace assay::report
