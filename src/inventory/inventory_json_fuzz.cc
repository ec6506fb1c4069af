// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// InventoryFromJsonText never crashes, and a decoded inventory survives encode -> decode ->
// encode unchanged (the encoder replaces invalid UTF-8 once; after that the text is stable).
// Besides the raw bytes, the input is placed as a package name and a warning inside a
// well-formed inventory, so the random inputs reach the field decoders and the encoder's UTF-8
// handling.
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "inventory/inventory_json.h"

namespace {

void Check(std::string_view text) {
  auto inv = assay::inventory::InventoryFromJsonText(text);
  if (!inv.ok()) return;
  std::string once = assay::inventory::InventoryToJsonText(*inv);
  auto again = assay::inventory::InventoryFromJsonText(once);
  if (!again.ok()) std::abort();
  if (assay::inventory::InventoryToJsonText(*again) != once) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  Check(in);
  // nlohmann::json is slow in Debug builds (~70 us per encode): the wrapped round trip runs for
  // every fourth input length, which keeps the 20000-input test run to about a second.
  if (size % 4 != 0) return 0;
  assay::model::Inventory inv;
  assay::model::Package p;
  p.name = std::string(in);
  p.version = std::string(in.substr(0, size / 2));
  inv.packages.push_back(p);
  inv.warnings.push_back({std::string(in), std::string(in)});
  inv.collectors.push_back(std::string(in));
  std::string first = assay::inventory::InventoryToJsonText(inv);
  auto decoded = assay::inventory::InventoryFromJsonText(first);
  if (!decoded.ok()) std::abort();
  if (assay::inventory::InventoryToJsonText(*decoded) != first) std::abort();
  return 0;
}
