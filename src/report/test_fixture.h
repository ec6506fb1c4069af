// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// Test-only: a small hand-built ScanResult covering what the renderers must handle (one CVE on
// two packages, a finding without a fix, a KEV entry, hostile text in a title, a package without
// findings, warnings), and the golden-file helper.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/file.h"
#include "base/testing/conformance.h"
#include "report/scan_result.h"

namespace assay::report::testing {

inline model::Package Pkg(std::string name, std::string version, std::string source = "",
                          std::string source_version = "") {
  model::Package p;
  p.ecosystem = "Debian:12";
  p.name = std::move(name);
  p.version = std::move(version);
  p.source_name = std::move(source);
  p.source_version = std::move(source_version);
  p.arch = "amd64";
  std::string v;
  for (char c : p.version) {
    if (c == '+')
      v += "%2B";
    else
      v += c;
  }
  p.purl = "pkg:deb/debian/" + p.name + "@" + v + "?arch=amd64&distro=debian-12";
  p.path = "var/lib/dpkg/status";
  p.package_manager = "dpkg";
  return p;
}

inline model::VulnerablePackage Vulnerable(const model::Package& p, std::string fixed) {
  model::VulnerablePackage vp;
  vp.name = p.name;
  vp.version = p.version;
  vp.source_name = p.source_name;
  vp.source_version = p.source_version;
  vp.arch = p.arch;
  vp.fixed_in_version = std::move(fixed);
  vp.package_manager = "DPKG";
  vp.file_path = p.path;
  vp.ecosystem = p.ecosystem;
  vp.purl = p.purl;
  if (!vp.fixed_in_version.empty()) {
    vp.remediation = "Upgrade " + vp.name + " to " + vp.fixed_in_version;
  }
  return vp;
}

inline model::Finding MakeFinding(std::string finding_id, std::string id, model::Severity sev,
                                  std::optional<double> score, std::string title,
                                  std::vector<model::VulnerablePackage> vps) {
  model::Finding f;
  f.finding_id = std::move(finding_id);
  f.title = std::move(title);
  f.description = "Description of " + id + ".";
  f.severity = sev;
  f.score = score;
  bool any_fix = false, all_fix = true;
  for (const auto& vp : vps) {
    any_fix = any_fix || !vp.fixed_in_version.empty();
    all_fix = all_fix && !vp.fixed_in_version.empty();
  }
  f.fix_available = all_fix && any_fix ? model::FixAvailable::kYes
                    : any_fix          ? model::FixAvailable::kPartial
                                       : model::FixAvailable::kNo;
  f.first_observed_at = "2024-05-01T12:00:00Z";
  f.last_observed_at = "2024-05-01T12:00:00Z";
  f.updated_at = "2024-05-01T12:00:00Z";
  auto& d = f.package_vulnerability_details;
  d.vulnerability_id = std::move(id);
  d.source = "DEBIAN";
  d.source_url = "https://security-tracker.debian.org/tracker/" + d.vulnerability_id;
  d.vulnerable_packages = std::move(vps);
  d.vendor_created_at = "2024-01-26T09:15:00Z";
  d.vendor_updated_at = "2024-02-01T00:00:00Z";
  return f;
}

inline ScanResult SampleResult() {
  ScanResult r;
  r.resource = {"rootfs", "rootfs:/srv/debian", "/srv/debian", "2024-05-01T12:00:00Z", {}};
  r.database = {"0123456789abcdef0123456789abcdef", "2024-04-30T06:00:00Z"};
  model::Inventory& inv = r.inventory;
  inv.os = {"debian", "12", "bookworm", "Debian GNU/Linux 12 (bookworm)", "Debian:12", false};
  model::Package bash = Pkg("bash", "5.2.15-2+b2");
  model::Package libssl = Pkg("libssl3", "3.0.11-1~deb12u2", "openssl");
  model::Package openssl = Pkg("openssl", "3.0.11-1~deb12u2");
  model::Package zlib = Pkg("zlib1g", "1:1.2.13.dfsg-1", "zlib");
  inv.packages = {bash, libssl, openssl, zlib};
  inv.collectors = {"dpkg@2"};

  model::Finding zlib_f =
      MakeFinding("3b1f0a2c9d4e5f60", "CVE-2023-45853", model::Severity::kCritical, 9.8,
                  "zlib: integer overflow in <script>alert(1)</script> & \x1b[31mMiniZip\x1b[0m",
                  {Vulnerable(zlib, "")});
  zlib_f.package_vulnerability_details.related_vulnerabilities = {"DEBIAN-CVE-2023-45853"};
  zlib_f.package_vulnerability_details.cvss = {
      {"NVD", "3.1", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8}};
  zlib_f.package_vulnerability_details.reference_urls = {
      "https://nvd.nist.gov/vuln/detail/CVE-2023-45853", "not a url"};
  zlib_f.exploit_available = true;
  zlib_f.kev_date_added = "2024-03-01";
  zlib_f.epss = 0.0125;

  model::Finding ssl_f = MakeFinding("9a8b7c6d5e4f3a21", "CVE-2024-0727", model::Severity::kMedium,
                                     5.5, "openssl: denial of service via null dereference",
                                     {Vulnerable(libssl, "3.0.13-1~deb12u1")});
  ssl_f.package_vulnerability_details.related_vulnerabilities = {"DSA-5621-1"};
  ssl_f.package_vulnerability_details.vendor_severity = "medium";
  ssl_f.package_vulnerability_details.cvss = {
      {"NVD", "3.1", "CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:U/C:N/I:N/A:H", 5.5}};
  model::Finding ssl_bin_f = ssl_f;
  ssl_bin_f.finding_id = "1f2e3d4c5b6a7980";
  ssl_bin_f.package_vulnerability_details.vulnerable_packages = {
      Vulnerable(openssl, "3.0.13-1~deb12u1")};

  model::Finding ssl_low =
      MakeFinding("55aa55aa55aa55aa", "CVE-2023-5678", model::Severity::kLow, std::nullopt,
                  "openssl: excessive time spent in DH checks", {Vulnerable(libssl, "")});
  ssl_low.package_vulnerability_details.vendor_severity = "unimportant";

  r.findings = {zlib_f, ssl_f, ssl_bin_f, ssl_low};
  r.warnings = {"var/lib/dpkg/status:40: stanza without Version: skipped",
                "the advisory DB was built 9 days ago (over --max-db-age 7)"};
  return r;
}

// Compares `actual` with testdata/golden/<name>; with ASSAY_UPDATE_GOLDEN=1 rewrites it instead.
inline void ExpectGolden(const std::string& name, const std::string& actual) {
  std::filesystem::path path = assay::testing::SourceDir() / "src/report/testdata/golden" / name;
  const char* update = std::getenv("ASSAY_UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") {
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary | std::ios::trunc) << actual;
    return;
  }
  auto want = base::ReadFile(path);
  ASSERT_TRUE(want.ok()) << path << " is missing: run with ASSAY_UPDATE_GOLDEN=1";
  EXPECT_EQ(actual, *want) << "golden " << name
                           << " differs: if the change is intended, rerun with "
                              "ASSAY_UPDATE_GOLDEN=1 and review the diff";
}

}  // namespace assay::report::testing
