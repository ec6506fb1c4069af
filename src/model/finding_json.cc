// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include "model/finding_json.h"

#include <cmath>
#include <iterator>
#include <utility>

namespace assay::model {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;

// Each field once, in output order: encoding and decoding cannot drift apart.
template <typename T>
struct StringField {
  const char* key;
  std::string T::*member;
};

constexpr StringField<VulnerablePackage> kPackageFields[] = {
    {"name", &VulnerablePackage::name},
    {"version", &VulnerablePackage::version},
    {"sourceName", &VulnerablePackage::source_name},
    {"sourceVersion", &VulnerablePackage::source_version},
    {"arch", &VulnerablePackage::arch},
    {"fixedInVersion", &VulnerablePackage::fixed_in_version},
    {"packageManager", &VulnerablePackage::package_manager},
    {"filePath", &VulnerablePackage::file_path},
    {"ecosystem", &VulnerablePackage::ecosystem},
    {"purl", &VulnerablePackage::purl},
    {"sourceLayerHash", &VulnerablePackage::source_layer_hash},
    {"remediation", &VulnerablePackage::remediation},
};

constexpr StringField<CvssRecord> kCvssStringFields[] = {
    {"scoringVector", &CvssRecord::scoring_vector},
    {"source", &CvssRecord::source},
    {"version", &CvssRecord::version},
};

constexpr std::string_view kMidnight = "T00:00:00Z";

bool IsDate(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  return true;
}

base::Status WrongType(const std::string& where, const char* want) {
  return base::Status::InvalidArgument("finding JSON: " + where + " must be " + want);
}

std::string Join(const std::string& where, const char* key) {
  return where.empty() ? std::string(key) : where + "." + key;
}

// Reads `obj[key]` into `out` when present; absent and null leave it as it is.
base::Status GetString(const json& obj, const char* key, const std::string& where,
                       std::string& out) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return base::Status::Ok();
  if (!it->is_string()) return WrongType(Join(where, key), "a string");
  out = it->get<std::string>();
  return base::Status::Ok();
}

base::Status GetNumber(const json& obj, const char* key, const std::string& where,
                       std::optional<double>& out) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return base::Status::Ok();
  if (!it->is_number()) return WrongType(Join(where, key), "a number");
  out = it->get<double>();
  return base::Status::Ok();
}

base::Status GetStrings(const json& obj, const char* key, const std::string& where,
                        std::vector<std::string>& out) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return base::Status::Ok();
  if (!it->is_array()) return WrongType(Join(where, key), "an array");
  for (size_t i = 0; i < it->size(); ++i) {
    const json& v = (*it)[i];
    if (!v.is_string()) {
      return WrongType(Join(where, key) + "[" + std::to_string(i) + "]", "a string");
    }
    out.push_back(v.get<std::string>());
  }
  return base::Status::Ok();
}

// The object at `obj[key]`, nullptr when absent or null.
base::Result<const json*> GetObject(const json& obj, const char* key, const std::string& where) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return static_cast<const json*>(nullptr);
  if (!it->is_object()) return WrongType(Join(where, key), "an object");
  return &*it;
}

ordered_json Number(std::optional<double> v) {
  if (!v || !std::isfinite(*v)) return nullptr;
  return *v;
}

}  // namespace

std::string_view FixAvailableName(FixAvailable f) {
  switch (f) {
    case FixAvailable::kYes:
      return "YES";
    case FixAvailable::kNo:
      return "NO";
    case FixAvailable::kPartial:
      return "PARTIAL";
  }
  return "NO";
}

std::optional<FixAvailable> ParseFixAvailable(std::string_view s) {
  for (FixAvailable f : {FixAvailable::kYes, FixAvailable::kNo, FixAvailable::kPartial}) {
    if (s == FixAvailableName(f)) return f;
  }
  return std::nullopt;
}

namespace {

// An ordered_json object is a vector of pairs whose growth copies every member (the pair is not
// nothrow-movable); objects built key by key reserve their size first.
void Reserve(ordered_json& object, size_t n) { object.get_ref<ordered_json::object_t&>().reserve(n); }

}  // namespace

ordered_json FindingToJson(const Finding& f) {
  const PackageVulnerabilityDetails& d = f.package_vulnerability_details;
  ordered_json cvss = ordered_json::array();
  for (const CvssRecord& c : d.cvss) {
    ordered_json cj = ordered_json::object();
    Reserve(cj, 1 + std::size(kCvssStringFields));
    cj["baseScore"] = Number(c.base_score);
    for (const auto& field : kCvssStringFields) cj[field.key] = c.*field.member;
    cvss.push_back(std::move(cj));
  }
  ordered_json packages = ordered_json::array();
  for (const VulnerablePackage& p : d.vulnerable_packages) {
    ordered_json pj = ordered_json::object();
    Reserve(pj, std::size(kPackageFields));
    for (const auto& field : kPackageFields) pj[field.key] = p.*field.member;
    packages.push_back(std::move(pj));
  }

  ordered_json details = ordered_json::object();
  Reserve(details, 10);
  details["vulnerabilityId"] = d.vulnerability_id;
  details["source"] = d.source;
  details["sourceUrl"] = d.source_url;
  details["vendorSeverity"] = d.vendor_severity;
  details["relatedVulnerabilities"] = d.related_vulnerabilities;
  details["cvss"] = std::move(cvss);
  details["referenceUrls"] = d.reference_urls;
  details["vulnerablePackages"] = std::move(packages);
  details["vendorCreatedAt"] = d.vendor_created_at;
  details["vendorUpdatedAt"] = d.vendor_updated_at;

  ordered_json out = ordered_json::object();
  Reserve(out, 20);
  out["findingId"] = f.finding_id;
  out["type"] = f.type;
  out["title"] = f.title;
  out["description"] = f.description;
  out["severity"] = SeverityName(f.severity);
  out["status"] = f.status;
  out["score"] = Number(f.score);
  out["fixAvailable"] = FixAvailableName(f.fix_available);
  out["firstObservedAt"] = f.first_observed_at;
  out["lastObservedAt"] = f.last_observed_at;
  out["updatedAt"] = f.updated_at;
  out["packageVulnerabilityDetails"] = std::move(details);
  if (f.epss && std::isfinite(*f.epss)) {
    out["epss"] = ordered_json{{"score", *f.epss}};
  } else {
    out["epss"] = nullptr;
  }
  out["exploitAvailable"] = f.exploit_available ? "YES" : "NO";
  if (!f.kev_date_added.empty()) {
    std::string at = f.kev_date_added;
    if (IsDate(at)) at += kMidnight;
    out["exploitabilityDetails"] = ordered_json{{"lastKnownExploitAt", at}};
  } else {
    out["exploitabilityDetails"] = nullptr;
  }
  return out;
}

std::string FindingToJsonText(const Finding& finding) {
  return FindingToJson(finding).dump(2, ' ', false, ordered_json::error_handler_t::replace) + "\n";
}

base::Result<Finding> FindingFromJsonText(std::string_view text) {
  json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return base::Status::InvalidArgument("finding JSON: not valid JSON");
  return FindingFromJson(doc);
}

base::Result<Finding> FindingFromJson(const json& doc) {
  if (!doc.is_object()) return WrongType("the document", "an object");
  Finding f;
  const std::string top;
  ASSAY_RETURN_IF_ERROR(GetString(doc, "findingId", top, f.finding_id));
  ASSAY_RETURN_IF_ERROR(GetString(doc, "type", top, f.type));
  ASSAY_RETURN_IF_ERROR(GetString(doc, "title", top, f.title));
  ASSAY_RETURN_IF_ERROR(GetString(doc, "description", top, f.description));
  std::string severity;
  ASSAY_RETURN_IF_ERROR(GetString(doc, "severity", top, severity));
  if (!severity.empty()) {
    std::optional<Severity> s = ParseSeverity(severity);
    if (!s) {
      return base::Status::InvalidArgument("finding JSON: unknown severity \"" + severity + "\"");
    }
    f.severity = *s;
  }
  ASSAY_RETURN_IF_ERROR(GetString(doc, "status", top, f.status));
  ASSAY_RETURN_IF_ERROR(GetNumber(doc, "score", top, f.score));
  std::string fix;
  ASSAY_RETURN_IF_ERROR(GetString(doc, "fixAvailable", top, fix));
  if (!fix.empty()) {
    std::optional<FixAvailable> fa = ParseFixAvailable(fix);
    if (!fa) {
      return base::Status::InvalidArgument("finding JSON: unknown fixAvailable \"" + fix + "\"");
    }
    f.fix_available = *fa;
  }
  ASSAY_RETURN_IF_ERROR(GetString(doc, "firstObservedAt", top, f.first_observed_at));
  ASSAY_RETURN_IF_ERROR(GetString(doc, "lastObservedAt", top, f.last_observed_at));
  ASSAY_RETURN_IF_ERROR(GetString(doc, "updatedAt", top, f.updated_at));

  ASSAY_ASSIGN_OR_RETURN(const json* dj, GetObject(doc, "packageVulnerabilityDetails", top));
  if (dj != nullptr) {
    const std::string where = "packageVulnerabilityDetails";
    PackageVulnerabilityDetails& d = f.package_vulnerability_details;
    ASSAY_RETURN_IF_ERROR(GetString(*dj, "vulnerabilityId", where, d.vulnerability_id));
    ASSAY_RETURN_IF_ERROR(GetString(*dj, "source", where, d.source));
    ASSAY_RETURN_IF_ERROR(GetString(*dj, "sourceUrl", where, d.source_url));
    ASSAY_RETURN_IF_ERROR(GetString(*dj, "vendorSeverity", where, d.vendor_severity));
    ASSAY_RETURN_IF_ERROR(
        GetStrings(*dj, "relatedVulnerabilities", where, d.related_vulnerabilities));
    if (auto it = dj->find("cvss"); it != dj->end() && !it->is_null()) {
      if (!it->is_array()) return WrongType(where + ".cvss", "an array");
      for (size_t i = 0; i < it->size(); ++i) {
        const json& cj = (*it)[i];
        std::string at = where + ".cvss[" + std::to_string(i) + "]";
        if (!cj.is_object()) return WrongType(at, "an object");
        CvssRecord c;
        std::optional<double> base;
        ASSAY_RETURN_IF_ERROR(GetNumber(cj, "baseScore", at, base));
        c.base_score = base.value_or(0);
        for (const auto& field : kCvssStringFields) {
          ASSAY_RETURN_IF_ERROR(GetString(cj, field.key, at, c.*field.member));
        }
        d.cvss.push_back(std::move(c));
      }
    }
    ASSAY_RETURN_IF_ERROR(GetStrings(*dj, "referenceUrls", where, d.reference_urls));
    if (auto it = dj->find("vulnerablePackages"); it != dj->end() && !it->is_null()) {
      if (!it->is_array()) return WrongType(where + ".vulnerablePackages", "an array");
      for (size_t i = 0; i < it->size(); ++i) {
        const json& pj = (*it)[i];
        std::string at = where + ".vulnerablePackages[" + std::to_string(i) + "]";
        if (!pj.is_object()) return WrongType(at, "an object");
        VulnerablePackage p;
        for (const auto& field : kPackageFields) {
          ASSAY_RETURN_IF_ERROR(GetString(pj, field.key, at, p.*field.member));
        }
        d.vulnerable_packages.push_back(std::move(p));
      }
    }
    ASSAY_RETURN_IF_ERROR(GetString(*dj, "vendorCreatedAt", where, d.vendor_created_at));
    ASSAY_RETURN_IF_ERROR(GetString(*dj, "vendorUpdatedAt", where, d.vendor_updated_at));
  }

  ASSAY_ASSIGN_OR_RETURN(const json* epss, GetObject(doc, "epss", top));
  if (epss != nullptr) ASSAY_RETURN_IF_ERROR(GetNumber(*epss, "score", "epss", f.epss));

  std::string exploit;
  ASSAY_RETURN_IF_ERROR(GetString(doc, "exploitAvailable", top, exploit));
  if (exploit == "YES") {
    f.exploit_available = true;
  } else if (!exploit.empty() && exploit != "NO") {
    return base::Status::InvalidArgument("finding JSON: unknown exploitAvailable \"" + exploit +
                                         "\"");
  }
  ASSAY_ASSIGN_OR_RETURN(const json* ex, GetObject(doc, "exploitabilityDetails", top));
  if (ex != nullptr) {
    std::string at;
    ASSAY_RETURN_IF_ERROR(GetString(*ex, "lastKnownExploitAt", "exploitabilityDetails", at));
    std::string_view v = at;
    if (v.size() == 10 + kMidnight.size() && IsDate(v.substr(0, 10)) && v.substr(10) == kMidnight) {
      at.resize(10);
    }
    f.kev_date_added = std::move(at);
  }
  return f;
}

}  // namespace assay::model
