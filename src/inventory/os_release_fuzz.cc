// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// ParseOsRelease never crashes, and the ecosystem it reports is the one OsvEcosystem derives.
// Besides the raw bytes, the input is used as the value of the keys that decide the ecosystem.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "inventory/os_release.h"

namespace {

void Check(std::string_view text) {
  auto r = assay::inventory::ParseOsRelease(text);
  if (!r.ok()) return;
  if (r->ecosystem != assay::inventory::OsvEcosystem(*r)) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  Check(in);
  static constexpr const char* kIds[] = {"debian", "ubuntu", "alpine", "almalinux",
                                         "rocky",  "rhel",   "sles",   "opensuse-leap"};
  std::string id = kIds[size % (sizeof(kIds) / sizeof(kIds[0]))];
  Check("ID=" + id + "\nVERSION_ID=" + std::string(in) + "\nVERSION=\"" + std::string(in) +
        "\"\nPRETTY_NAME='" + std::string(in) + "'\n");
  return 0;
}
