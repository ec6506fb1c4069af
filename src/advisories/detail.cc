// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include "advisories/detail.h"

#include <set>
#include <string>
#include <utility>

#include "model/cvss.h"

namespace assay::advisories {
namespace {

using json = nlohmann::ordered_json;

bool IsCvssType(std::string_view type) { return type.rfind("CVSS_", 0) == 0; }

json Scored(const std::string& source, const std::string& type, const std::string& vector) {
  json j{{"source", source}, {"type", type}, {"vector", vector}};
  auto r = model::ScoreCvss(vector);
  if (!r.ok()) {
    j["error"] = r.status().message();
    return j;
  }
  j["version"] = std::string(model::CvssVersionName(r->version));
  j["base"] = r->base ? json(*r->base) : json(nullptr);
  j["score"] = r->score;
  j["severity"] = r->severity;
  if (!r->nomenclature.empty()) j["nomenclature"] = r->nomenclature;
  return j;
}

json KevJson(const KevEntry& k) {
  return {{"cve", k.cve},
          {"vendor", k.vendor},
          {"product", k.product},
          {"name", k.name},
          {"date_added", k.date_added},
          {"due_date", k.due_date},
          {"known_ransomware_campaign_use", k.ransomware_use}};
}

}  // namespace

json AdvisoryDetailJson(const StoredAdvisory& a) {
  json out;
  json raw = json::parse(a.raw_json, nullptr, /*allow_exceptions=*/false);
  out["advisory"] = raw.is_discarded() ? json(a.raw_json) : std::move(raw);
  out["source"] = a.source;
  out["sources"] = a.sources;
  if (!a.resolved_alias.empty()) out["resolved_alias"] = a.resolved_alias;
  out["cves"] = a.cves;

  json cvss = json::array();
  std::set<std::pair<std::string, std::string>> seen;  // (type, vector) already listed
  for (const model::OsvSeverity& s : a.advisory.severity) {
    if (!IsCvssType(s.type) || !seen.insert({s.type, s.score}).second) continue;
    cvss.push_back(Scored("osv", s.type, s.score));
  }
  for (size_t i = 0; i < a.advisory.affected.size(); ++i) {
    for (const model::OsvSeverity& s : a.advisory.affected[i].severity) {
      if (!IsCvssType(s.type) || !seen.insert({s.type, s.score}).second) continue;
      cvss.push_back(Scored("osv:affected[" + std::to_string(i) + "]", s.type, s.score));
    }
  }
  for (const NvdCvss& n : a.nvd) {
    if (!n.v3_vector.empty()) {
      json j = Scored("nvd:" + n.cve, "CVSS_V3", n.v3_vector);
      if (n.v3_score) j["nvd_score"] = *n.v3_score;
      cvss.push_back(std::move(j));
    }
    if (!n.v2_vector.empty()) {
      json j = Scored("nvd:" + n.cve, "CVSS_V2", n.v2_vector);
      if (n.v2_score) j["nvd_score"] = *n.v2_score;
      cvss.push_back(std::move(j));
    }
  }
  out["cvss"] = std::move(cvss);
  out["kev"] = a.kev.empty() ? json(nullptr) : KevJson(a.kev.front());
  json all = json::array();
  for (const KevEntry& k : a.kev) all.push_back(KevJson(k));
  out["kev_entries"] = std::move(all);
  return out;
}

}  // namespace assay::advisories
