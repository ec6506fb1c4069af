// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// Small helpers shared by the collectors (private to the module): reading a file that may be
// absent, running a parser over it into an inventory, warning in one shape.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "inventory/fs.h"
#include "inventory/parser.h"
#include "model/inventory.h"

namespace assay::inventory::internal {

inline void Warn(std::vector<model::InventoryWarning>& warnings, std::string location,
                 std::string message) {
  warnings.push_back({std::move(location), std::move(message)});
}

// The file's bytes; nullopt when it is absent (silently) or unreadable (with a warning naming
// it, the location being the file itself).
inline std::optional<std::string> ReadIfPresent(const Fs& fs, std::string_view rel,
                                                uint64_t max_bytes,
                                                std::vector<model::InventoryWarning>& warnings) {
  base::Result<std::string> r = fs.ReadFile(rel, max_bytes);
  if (r.ok()) return std::move(r).value();
  if (r.status().code() != base::Code::kNotFound) {
    Warn(warnings, std::string(rel), "cannot read: " + r.status().message());
  }
  return std::nullopt;
}

// Runs `parse` over one file and appends its packages and warnings. A file the parser rejects
// as a whole becomes one warning. Returns whether the parser accepted the file. `siblings`: the
// files around it, for the formats that refer to others (parser.h).
inline bool ParseInto(ParseFn parse, std::string_view bytes, std::string_view rel,
                      const std::string& ecosystem, model::Inventory& out,
                      const SiblingFiles* siblings = nullptr) {
  base::Result<Parsed> parsed = parse({bytes, std::string(rel), ecosystem, siblings});
  if (!parsed.ok()) {
    Warn(out.warnings, std::string(rel), "not parsed: " + parsed.status().message());
    return false;
  }
  for (auto& p : parsed->packages) out.packages.push_back(std::move(p));
  for (auto& w : parsed->warnings) Warn(out.warnings, std::move(w.location), std::move(w.message));
  return true;
}

inline bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

}  // namespace assay::inventory::internal
