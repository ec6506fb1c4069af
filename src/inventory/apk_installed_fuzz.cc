// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// ParseApkInstalled and ParseApkOwnedFiles never crash, every package has a name and a version,
// and no owned file is empty or absolute. Besides the raw bytes, the input is spliced into a
// valid database and used as values, so that a non-coverage-guided driver reaches the records.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "inventory/apk.h"

namespace {

constexpr std::string_view kTemplate =
    "C:Q1yhJHGSZ80L7cL0y4UKKGrBPwrUQ=\nP:busybox\nV:1.36.1-r15\nA:x86_64\no:busybox\n"
    "F:bin\nR:busybox\na:0:0:755\nR:sh\nF:etc\nR:securetty\n\nP:ssl_client\nV:1.36.1-r15\n"
    "o:busybox\nF:usr/bin\nR:ssl_client\n";

void Check(std::string_view bytes) {
  auto r = assay::inventory::ParseApkInstalled({bytes, "lib/apk/db/installed", "Alpine:v3.19"});
  if (r.ok()) {
    for (const auto& p : r->packages) {
      if (p.name.empty() || p.version.empty() || p.purl.empty()) std::abort();
    }
  }
  auto owned = assay::inventory::ParseApkOwnedFiles(bytes);
  if (owned.ok()) {
    for (const auto& pkg : *owned) {
      if (pkg.name.empty()) std::abort();
      for (const auto& f : pkg.files) {
        if (f.empty() || f[0] == '/') std::abort();
      }
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  Check(in);
  if (size == 0) return 0;
  // One structured variant per input keeps the harness fast under sanitizers.
  if (data[0] % 2 == 0) {
    std::string spliced(kTemplate);
    spliced.insert((static_cast<size_t>(data[0]) * 5) % (spliced.size() + 1), in.substr(1));
    Check(spliced);
    return 0;
  }
  std::string values = "P:" + std::string(in) + "\nV:" + std::string(in) +
                       "\nF:" + std::string(in) + "\nR:" + std::string(in) + "\n";
  Check(values);
  return 0;
}
