// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// ParseOsv never crashes, and whatever it accepts survives a round trip through ToOsvJson.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "model/osv.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto a = assay::model::ParseOsv(in);
  if (!a.ok()) return 0;
  auto b = assay::model::ParseOsv(assay::model::ToOsvJson(*a));
  if (!b.ok() || b->id != a->id || b->affected.size() != a->affected.size()) std::abort();
  return 0;
}
