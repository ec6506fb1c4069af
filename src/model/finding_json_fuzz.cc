// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// FindingFromJsonText never crashes, and a decoded finding survives encode -> decode -> encode
// unchanged. Every fourth input is also placed inside a well-formed finding (as strings the
// encoder must escape or repair) so random bytes reach the field codecs.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "model/finding_json.h"

namespace {

void RoundTrip(const assay::model::Finding& f) {
  std::string once = assay::model::FindingToJsonText(f);
  auto again = assay::model::FindingFromJsonText(once);
  if (!again.ok()) std::abort();
  if (assay::model::FindingToJsonText(*again) != once) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto f = assay::model::FindingFromJsonText(in);
  if (f.ok()) RoundTrip(*f);
  // nlohmann::json is slow in Debug builds: the wrapped round trip runs for every fourth input.
  if (size % 4 != 0) return 0;
  assay::model::Finding g;
  g.title = std::string(in);
  g.kev_date_added = std::string(in.substr(0, size / 2));
  g.score = static_cast<double>(size) / 3.0;
  assay::model::VulnerablePackage p;
  p.name = std::string(in);
  g.package_vulnerability_details.vulnerable_packages.push_back(p);
  g.package_vulnerability_details.cvss.push_back({std::string(in), "3.1", "", 1.0 / 3.0});
  RoundTrip(g);
  return 0;
}
