// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// The json format: the scan as one Inspector2-shaped document (render.h).
#include <utility>

#include "inventory/inventory_json.h"
#include "model/finding_json.h"
#include "report/internal/render_util.h"
#include "report/render.h"

namespace assay::report {

std::string RenderJson(const ScanResult& result, const RenderOptions& /*options*/) {
  using nlohmann::ordered_json;
  ordered_json doc = ordered_json::object();
  ordered_json resource = ordered_json::object();
  resource["type"] = result.resource.type;
  resource["id"] = result.resource.id;
  resource["path"] = result.resource.path;
  resource["scannedAt"] = result.resource.scanned_at;
  resource["os"] =
      inventory::InventoryToJson(model::Inventory{result.inventory.os, {}, {}, {}})["os"];
  if (result.resource.image) resource["image"] = internal::ImageDetailsJson(*result.resource.image);
  doc["resource"] = std::move(resource);

  ordered_json findings = ordered_json::array();
  for (const model::Finding& f : result.findings) findings.push_back(model::FindingToJson(f));
  doc["findings"] = std::move(findings);

  Summary s = Summarize(result);
  doc["summary"] = {{"critical", s.critical},
                    {"high", s.high},
                    {"medium", s.medium},
                    {"low", s.low},
                    {"informational", s.informational},
                    {"untriaged", s.untriaged},
                    {"total", s.total},
                    {"fixable", s.fixable},
                    {"packages", s.packages}};
  doc["warnings"] = result.warnings;
  doc["database"] = {{"buildId", result.database.build_id},
                     {"buildTime", result.database.build_time}};
  return internal::DumpJson(doc);
}

}  // namespace assay::report
