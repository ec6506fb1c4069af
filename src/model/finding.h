// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// A finding: one problem on one resource. Field names follow Amazon Inspector2's finding shape
// where one exists (findingArn → findingId, inspectorScore → score, ...), so tools that parse
// Inspector findings parse assay's. The JSON codec lives in finding_json.h.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "model/severity.h"

namespace assay::model {

enum class FixAvailable { kYes, kNo, kPartial };
std::string_view FixAvailableName(FixAvailable f);  // "YES", "NO", "PARTIAL"

struct CvssRecord {
  std::string source;   // where the vector came from: "OSV:DSA-5000-1", "NVD", ...
  std::string version;  // "2.0", "3.0", "3.1", "4.0"
  std::string scoring_vector;
  double base_score = 0;
};

struct VulnerablePackage {
  std::string name;
  std::string version;
  std::string source_name;
  std::string source_version;
  std::string arch;
  std::string fixed_in_version;  // empty when no fix is known
  std::string package_manager;   // "DPKG", "APK", "RPM", "PIP", "NPM", ... (Inspector's enum)
  std::string file_path;
  std::string ecosystem;
  std::string purl;
  std::string source_layer_hash;
  std::string remediation;       // a human-readable fix ("Upgrade openssl to 3.0.13-1~deb12u1")
};

struct PackageVulnerabilityDetails {
  std::string vulnerability_id;  // the finding's headline id (a CVE when the advisory has one)
  std::string source;            // the feed: "DEBIAN", "UBUNTU", "ALPINE", "ALMALINUX", "OSV" ...
  std::string source_url;
  std::string vendor_severity;   // the distribution's own rating, as written
  std::vector<std::string> related_vulnerabilities;  // every other id merged into this finding
  std::vector<CvssRecord> cvss;
  std::vector<std::string> reference_urls;
  std::vector<VulnerablePackage> vulnerable_packages;
  std::string vendor_created_at;
  std::string vendor_updated_at;
};

struct Finding {
  std::string finding_id;  // stable: the same resource, vulnerability and package give the same id
  std::string type = "PACKAGE_VULNERABILITY";
  std::string title;
  std::string description;
  Severity severity = Severity::kUntriaged;
  std::string status = "ACTIVE";
  std::optional<double> score;  // the CVSS base score the severity rests on, when one does
  FixAvailable fix_available = FixAvailable::kNo;
  std::string first_observed_at;
  std::string last_observed_at;
  std::string updated_at;
  PackageVulnerabilityDetails package_vulnerability_details;
  std::optional<double> epss;  // EPSS probability when known
  bool exploit_available = false;  // in CISA KEV
  std::string kev_date_added;      // when it entered KEV
};

}  // namespace assay::model
