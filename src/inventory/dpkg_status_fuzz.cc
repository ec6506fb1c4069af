// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// ParseDpkgStatus and ParseDpkgFileList never crash, and every package has a name and a version.
// Besides the raw bytes, the input is spliced into a valid status database and used as field
// values, so that a non-coverage-guided driver also reaches the stanza logic.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "inventory/dpkg.h"

namespace {

constexpr std::string_view kTemplate =
    "Package: libgcc-s1\nStatus: install ok installed\nArchitecture: amd64\n"
    "Source: gcc-12 (12.2.0-14)\nVersion: 12.2.0-14\nDescription: GCC support library\n"
    " Shared version.\n .\n\nPackage: tar\nVersion: 1.34+dfsg-1.2\n\nPackage: x\n"
    "Status: deinstall ok config-files\nVersion: 1\n";

void Check(std::string_view bytes, const char* path) {
  auto r = assay::inventory::ParseDpkgStatus({bytes, path, "Debian:12"});
  if (!r.ok()) return;
  for (const auto& p : r->packages) {
    if (p.name.empty() || p.version.empty() || p.purl.empty()) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  Check(in, "var/lib/dpkg/status");
  for (const auto& path : assay::inventory::ParseDpkgFileList(in)) {
    if (path.empty() || path[0] == '/') std::abort();
  }
  if (size == 0) return 0;
  // One structured variant per input keeps the harness fast under sanitizers.
  if (data[0] % 2 == 0) {
    std::string spliced(kTemplate);
    spliced.insert((static_cast<size_t>(data[0]) * 7) % (spliced.size() + 1), in.substr(1));
    Check(spliced, (data[0] & 2) ? "var/lib/dpkg/status.d/x" : "var/lib/dpkg/status");
    return 0;
  }
  std::string fields = "Package: " + std::string(in) +
                       "\nStatus: install ok installed\nVersion: " + std::string(in) +
                       "\nSource: " + std::string(in) + "\n";
  Check(fields, "var/lib/dpkg/status");
  return 0;
}
