// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// ParseGradleLockfile never crashes, and every package has a name, a version and a purl.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "inventory/java.h"

namespace {

void Check(std::string_view bytes) {
  auto r = assay::inventory::ParseGradleLockfile({bytes, "gradle.lockfile", ""});
  if (!r.ok()) return;
  for (const auto& p : r->packages) {
    if (p.name.empty() || p.version.empty() || p.purl.empty()) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  Check(in);
  if (size == 0) return 0;
  std::string s(in.substr(1));
  Check("# lock\ng:a:" + s + "=compileClasspath\n" + s + ":b:1=" + s + "\nempty=\n");
  return 0;
}
