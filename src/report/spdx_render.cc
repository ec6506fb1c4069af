// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// The spdx format: SPDX 2.3 JSON, inventory only (render.h). SPDXIDs of packages are derived
// from a hash of what identifies the package, not from its position, so adding one package does
// not renumber the others between two documents.
#include <set>
#include <string>
#include <utility>

#include "base/sha256.h"
#include "base/strings.h"
#include "report/internal/render_util.h"
#include "report/render.h"

namespace assay::report {
namespace {

using nlohmann::ordered_json;

std::string_view Purpose(std::string_view resource_type) {
  if (resource_type == "rootfs") return "CONTAINER";
  if (resource_type == "host") return "DEVICE";
  return "FILE";
}

// SPDX idstrings hold letters, digits, '.' and '-' only.
std::string IdString(std::string_view s, std::size_t max) {
  std::string out;
  for (char c : s) {
    if (out.size() >= max) break;
    out.push_back(base::IsAlnum(c) || c == '.' || c == '-' ? c : '-');
  }
  return out;
}

std::string PackageId(const model::Package& p, std::set<std::string>& used) {
  std::string identity = p.purl.empty() ? p.ecosystem + "\n" + p.name + "\n" + p.version : p.purl;
  identity += "\n" + p.path;
  auto hex = base::Sha256Hex(identity);
  std::string id = "SPDXRef-Package-" + IdString(p.name, 64) + "-" +
                   (hex.ok() ? hex->substr(0, 12) : std::string("0"));
  std::string unique = id;
  for (int n = 2; !used.insert(unique).second; ++n) unique = id + "-" + std::to_string(n);
  return unique;
}

ordered_json BasePackage(const std::string& id, const std::string& name) {
  return {{"SPDXID", id},
          {"name", name},
          {"downloadLocation", "NOASSERTION"},
          {"filesAnalyzed", false},
          {"licenseConcluded", "NOASSERTION"},
          {"licenseDeclared", "NOASSERTION"},
          {"copyrightText", "NOASSERTION"}};
}

}  // namespace

std::string RenderSpdx(const ScanResult& result, const RenderOptions& options) {
  const model::Inventory& inv = result.inventory;
  const std::string name = result.resource.path.empty() ? result.resource.id : result.resource.path;
  const std::string uuid =
      internal::DeterministicUuid("spdx\n" + result.resource.id + "\n" +
                                  result.resource.scanned_at + "\n" + result.database.build_id);

  ordered_json doc = {{"spdxVersion", "SPDX-2.3"},
                      {"dataLicense", "CC0-1.0"},
                      {"SPDXID", "SPDXRef-DOCUMENT"},
                      {"name", name.empty() ? "assay" : name},
                      {"documentNamespace", "https://spdx.org/spdxdocs/assay-" +
                                                IdString(result.resource.type, 16) + "-" + uuid}};
  ordered_json creation = {
      {"creators", ordered_json::array({"Tool: assay-" + options.tool_version})}};
  creation["created"] = internal::IsRfc3339(result.resource.scanned_at)
                            ? result.resource.scanned_at
                            : std::string("1970-01-01T00:00:00Z");
  doc["creationInfo"] = std::move(creation);

  ordered_json packages = ordered_json::array();
  ordered_json relationships = ordered_json::array();
  const std::string resource_id = "SPDXRef-Resource";
  ordered_json resource = BasePackage(resource_id, name.empty() ? "resource" : name);
  resource["primaryPackagePurpose"] = Purpose(result.resource.type);
  if (!result.resource.id.empty()) resource["comment"] = "assay resource " + result.resource.id;
  packages.push_back(std::move(resource));
  relationships.push_back({{"spdxElementId", "SPDXRef-DOCUMENT"},
                           {"relationshipType", "DESCRIBES"},
                           {"relatedSpdxElement", resource_id}});

  if (!inv.os.id.empty()) {
    ordered_json os = BasePackage("SPDXRef-OperatingSystem", inv.os.id);
    if (!inv.os.version_id.empty()) os["versionInfo"] = inv.os.version_id;
    if (!inv.os.pretty_name.empty()) os["description"] = inv.os.pretty_name;
    os["primaryPackagePurpose"] = "OPERATING-SYSTEM";
    packages.push_back(std::move(os));
    relationships.push_back({{"spdxElementId", resource_id},
                             {"relationshipType", "CONTAINS"},
                             {"relatedSpdxElement", "SPDXRef-OperatingSystem"}});
  }

  std::set<std::string> used = {"SPDXRef-DOCUMENT", resource_id, "SPDXRef-OperatingSystem"};
  for (const model::Package& p : inv.packages) {
    std::string id = PackageId(p, used);
    ordered_json pkg = BasePackage(id, p.name.empty() ? "unnamed" : p.name);
    if (!p.version.empty()) pkg["versionInfo"] = p.version;
    if (!p.source_name.empty() || !p.source_version.empty()) {
      pkg["sourceInfo"] =
          "built package from: " + (p.source_name.empty() ? p.name : p.source_name) +
          (p.source_version.empty() ? "" : " " + p.source_version);
    }
    if (!p.purl.empty()) {
      pkg["externalRefs"] =
          ordered_json::array({ordered_json{{"referenceCategory", "PACKAGE-MANAGER"},
                                            {"referenceType", "purl"},
                                            {"referenceLocator", p.purl}}});
    }
    pkg["primaryPackagePurpose"] = "LIBRARY";
    std::string comment;
    if (!p.ecosystem.empty()) comment += "ecosystem " + p.ecosystem;
    if (!p.path.empty())
      comment += (comment.empty() ? "" : ", ") + std::string("found in ") + p.path;
    if (!comment.empty()) pkg["comment"] = comment;
    packages.push_back(std::move(pkg));
    relationships.push_back({{"spdxElementId", resource_id},
                             {"relationshipType", "CONTAINS"},
                             {"relatedSpdxElement", id}});
  }
  doc["packages"] = std::move(packages);
  doc["relationships"] = std::move(relationships);
  return internal::DumpJson(doc);
}

}  // namespace assay::report
