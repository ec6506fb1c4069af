// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// The JSON form of model::Inventory: `assay sbom`'s native output, and how inventories are
// stored and exchanged. Every key is always present (an unknown string is "", never left out),
// so consumers see one shape:
//
//   {"os": {"id", "versionId", "codename", "prettyName", "ecosystem", "ubuntuPro"},
//    "packages": [{"ecosystem", "name", "version", "sourceName", "sourceVersion", "arch", "purl",
//                  "path", "layerDigest", "packageManager"}],
//    "warnings": [{"location", "message"}],
//    "collectors": ["dpkg@2", ...]}
//
// Keys come in this order; lists keep the inventory's order. Pure functions: thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "base/status.h"
#include "model/inventory.h"

namespace assay::inventory {

nlohmann::ordered_json InventoryToJson(const model::Inventory& inventory);

// InventoryToJson serialized with two-space indentation and a final newline. Bytes that are not
// valid UTF-8 (package fields come from hostile files) are replaced with U+FFFD rather than
// failing.
std::string InventoryToJsonText(const model::Inventory& inventory);

// The inverse of InventoryToJson. Missing keys read as empty (so older documents stay readable);
// InvalidArgument naming the offending key when the text is not JSON or a value has the wrong
// type. Unknown keys are ignored.
base::Result<model::Inventory> InventoryFromJson(const nlohmann::json& doc);
base::Result<model::Inventory> InventoryFromJsonText(std::string_view text);

}  // namespace assay::inventory
