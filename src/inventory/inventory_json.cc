// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include "inventory/inventory_json.h"

#include <utility>

namespace assay::inventory {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;

// Each field once, in output order: encoding and decoding cannot drift apart.
struct PackageField {
  const char* key;
  std::string model::Package::*member;
};
constexpr PackageField kPackageFields[] = {
    {"ecosystem", &model::Package::ecosystem},
    {"name", &model::Package::name},
    {"version", &model::Package::version},
    {"sourceName", &model::Package::source_name},
    {"sourceVersion", &model::Package::source_version},
    {"arch", &model::Package::arch},
    {"purl", &model::Package::purl},
    {"path", &model::Package::path},
    {"layerDigest", &model::Package::layer_digest},
    {"packageManager", &model::Package::package_manager},
};

struct OsField {
  const char* key;
  std::string model::OsInfo::*member;
};
constexpr OsField kOsFields[] = {
    {"id", &model::OsInfo::id},
    {"versionId", &model::OsInfo::version_id},
    {"codename", &model::OsInfo::codename},
    {"prettyName", &model::OsInfo::pretty_name},
    {"ecosystem", &model::OsInfo::ecosystem},
};

base::Status WrongType(const std::string& where, const char* want) {
  return base::Status::InvalidArgument("inventory JSON: " + where + " must be " + want);
}

// Reads `obj[key]` into `out` when present; absent and null leave it empty.
base::Status GetString(const json& obj, const char* key, const std::string& where,
                       std::string& out) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return base::Status::Ok();
  if (!it->is_string()) return WrongType(where + "." + key, "a string");
  out = it->get<std::string>();
  return base::Status::Ok();
}

// The array at `obj[key]`, or nullptr when absent or null.
base::Result<const json*> GetArray(const json& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return static_cast<const json*>(nullptr);
  if (!it->is_array()) return WrongType(key, "an array");
  return &*it;
}

}  // namespace

ordered_json InventoryToJson(const model::Inventory& inventory) {
  ordered_json os = ordered_json::object();
  for (const auto& f : kOsFields) os[f.key] = inventory.os.*f.member;
  os["ubuntuPro"] = inventory.os.ubuntu_pro;

  ordered_json packages = ordered_json::array();
  for (const model::Package& p : inventory.packages) {
    ordered_json pj = ordered_json::object();
    for (const auto& f : kPackageFields) pj[f.key] = p.*f.member;
    if (p.dev) pj["dev"] = true;  // written only when set: most packages are not
    packages.push_back(std::move(pj));
  }

  ordered_json warnings = ordered_json::array();
  for (const model::InventoryWarning& w : inventory.warnings) {
    warnings.push_back(ordered_json{{"location", w.location}, {"message", w.message}});
  }

  ordered_json out = ordered_json::object();
  out["os"] = std::move(os);
  out["packages"] = std::move(packages);
  out["warnings"] = std::move(warnings);
  out["collectors"] = inventory.collectors;
  return out;
}

std::string InventoryToJsonText(const model::Inventory& inventory) {
  return InventoryToJson(inventory).dump(2, ' ', false, ordered_json::error_handler_t::replace) +
         "\n";
}

base::Result<model::Inventory> InventoryFromJsonText(std::string_view text) {
  json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return base::Status::InvalidArgument("inventory JSON: not valid JSON");
  return InventoryFromJson(doc);
}

base::Result<model::Inventory> InventoryFromJson(const json& doc) {
  if (!doc.is_object()) return WrongType("the document", "an object");
  model::Inventory inv;

  if (auto it = doc.find("os"); it != doc.end() && !it->is_null()) {
    if (!it->is_object()) return WrongType("os", "an object");
    for (const auto& f : kOsFields) {
      ASSAY_RETURN_IF_ERROR(GetString(*it, f.key, "os", inv.os.*f.member));
    }
    if (auto pro = it->find("ubuntuPro"); pro != it->end() && !pro->is_null()) {
      if (!pro->is_boolean()) return WrongType("os.ubuntuPro", "a boolean");
      inv.os.ubuntu_pro = pro->get<bool>();
    }
  }

  ASSAY_ASSIGN_OR_RETURN(const json* packages, GetArray(doc, "packages"));
  if (packages != nullptr) {
    for (size_t i = 0; i < packages->size(); ++i) {
      const json& pj = (*packages)[i];
      std::string where = "packages[" + std::to_string(i) + "]";
      if (!pj.is_object()) return WrongType(where, "an object");
      model::Package p;
      for (const auto& f : kPackageFields) {
        ASSAY_RETURN_IF_ERROR(GetString(pj, f.key, where, p.*f.member));
      }
      if (auto dev = pj.find("dev"); dev != pj.end() && !dev->is_null()) {
        if (!dev->is_boolean()) return WrongType(where + ".dev", "a boolean");
        p.dev = dev->get<bool>();
      }
      inv.packages.push_back(std::move(p));
    }
  }

  ASSAY_ASSIGN_OR_RETURN(const json* warnings, GetArray(doc, "warnings"));
  if (warnings != nullptr) {
    for (size_t i = 0; i < warnings->size(); ++i) {
      const json& wj = (*warnings)[i];
      std::string where = "warnings[" + std::to_string(i) + "]";
      if (!wj.is_object()) return WrongType(where, "an object");
      model::InventoryWarning w;
      ASSAY_RETURN_IF_ERROR(GetString(wj, "location", where, w.location));
      ASSAY_RETURN_IF_ERROR(GetString(wj, "message", where, w.message));
      inv.warnings.push_back(std::move(w));
    }
  }

  ASSAY_ASSIGN_OR_RETURN(const json* collectors, GetArray(doc, "collectors"));
  if (collectors != nullptr) {
    for (size_t i = 0; i < collectors->size(); ++i) {
      const json& c = (*collectors)[i];
      if (!c.is_string()) return WrongType("collectors[" + std::to_string(i) + "]", "a string");
      inv.collectors.push_back(c.get<std::string>());
    }
  }
  return inv;
}

}  // namespace assay::inventory
