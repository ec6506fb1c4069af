// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// ParseRpmdbNdb never crashes on any input. Besides the raw input, the input bytes are read as
// (position, value) edits applied to a built ndb Packages.db, concentrated on the slot table
// and blob heads and tails, so short random inputs exercise every slot and blob check.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "inventory/internal/rpm_test_builders.h"
#include "inventory/rpm.h"

namespace {

namespace rt = assay::inventory::rpmtest;

void Check(std::string_view bytes) {
  auto parsed = assay::inventory::ParseRpmdbNdb({bytes, "Packages.db", ""});
  if (!parsed.ok()) return;
  for (const auto& p : parsed->packages) {
    if (p.name.empty() || p.name.size() > bytes.size()) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Check(std::string_view(reinterpret_cast<const char*>(data), size));
  static const std::string* base = new std::string(
      rt::Ndb({{3, rt::PackageBlob(rt::PackageSpec("a").SourceRpm("a-1.0-1.src.rpm"))},
               {1, rt::PackageBlob(rt::PackageSpec("b").Epoch(1))},
               {7, "not a header at all"}}));
  std::string m = *base;
  for (size_t i = 0; i + 2 < size; i += 3) {
    // Half the edits land in the file header and first slots, the rest anywhere.
    size_t raw = (size_t{data[i]} << 8) | data[i + 1];
    size_t pos = raw & 1 ? (raw >> 1) % 96 : (raw >> 1) % m.size();
    m[pos] = static_cast<char>(data[i + 2]);
  }
  if (size % 7 == 1) m.resize((size * 131) % m.size());
  Check(m);
  return 0;
}
