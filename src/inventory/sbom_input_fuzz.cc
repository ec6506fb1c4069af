// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// ParseSbom and ParsePurl never crash, and every package ParseSbom returns has a name, a version
// and an ecosystem. Besides the raw bytes, the input is placed as a purl inside a well-formed
// CycloneDX document, so random inputs reach the purl parser and the ecosystem mapping.
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "inventory/sbom_input.h"

namespace {

void Check(std::string_view text) {
  auto inv = assay::inventory::ParseSbom(text, "fuzz.json");
  if (!inv.ok()) return;
  for (const auto& p : inv->packages) {
    if (p.name.empty() || p.version.empty() || p.ecosystem.empty()) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  Check(in);
  (void)assay::inventory::ParsePurl(in);
  (void)assay::inventory::PackageFromPurl(
      std::string("pkg:deb/debian/x@1?distro=") + std::string(in), "Debian:12");
  // Wrapping costs a JSON encode and parse (slow in Debug): every fourth input length only.
  if (size % 4 != 0) return 0;
  nlohmann::json doc = {
      {"bomFormat", "CycloneDX"},
      {"components",
       {{{"type", "library"}, {"purl", "pkg:" + std::string(in)}, {"version", "1.0"}},
        {{"type", "operating-system"}, {"name", std::string(in)}, {"version", "12"}}}}};
  Check(doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  return 0;
}
