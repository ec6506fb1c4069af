// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include "api/codec.h"

#include <simdjson.h>

#include <algorithm>
#include <optional>
#include <set>

#include "base/strings.h"
#include "inventory/inventory_json.h"
#include "model/finding_json.h"

namespace assay::api {

using nlohmann::json;

namespace {

base::Status Bad(std::string_view path, std::string_view what) {
  return base::Status::InvalidArgument(std::string(path) + ": " + std::string(what));
}

std::string Join(std::string_view a, std::string_view b) {
  if (a.empty()) return std::string(b);
  return std::string(a) + "." + std::string(b);
}

base::Status GetString(const json& obj, std::string_view key, std::string_view path,
                       std::string& out, bool required, size_t max_len) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) {
    if (required) return Bad(Join(path, key), "required");
    return base::Status::Ok();
  }
  if (!it->is_string()) return Bad(Join(path, key), "must be a string");
  out = it->get<std::string>();
  if (out.size() > max_len) {
    return Bad(Join(path, key), "at most " + std::to_string(max_len) + " characters");
  }
  if (required && out.empty()) return Bad(Join(path, key), "must not be empty");
  return base::Status::Ok();
}

}  // namespace

base::Status CheckJsonDepth(std::string_view text, std::string_view what, int max_depth) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth) {
        return Bad(what, "JSON nested deeper than " + std::to_string(max_depth) + " levels");
      }
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return base::Status::Ok();
}

base::Status CheckNoNul(const json& doc, std::string_view path) {
  auto has_nul = [](const std::string& s) { return s.find('\0') != std::string::npos; };
  if (doc.is_string()) {
    if (has_nul(doc.get_ref<const std::string&>())) {
      return Bad(path.empty() ? "body" : path, "must not contain NUL characters");
    }
  } else if (doc.is_object()) {
    for (const auto& [key, value] : doc.items()) {
      if (has_nul(key)) return Bad(path.empty() ? "body" : path, "a key contains a NUL character");
      ASSAY_RETURN_IF_ERROR(CheckNoNul(value, Join(path, key)));
    }
  } else if (doc.is_array()) {
    for (size_t i = 0; i < doc.size(); ++i) {
      ASSAY_RETURN_IF_ERROR(CheckNoNul(
          doc[i], std::string(path.empty() ? "body" : path) + "[" + std::to_string(i) + "]"));
    }
  }
  return base::Status::Ok();
}

base::Result<std::string> StringField(const json& obj, std::string_view key, std::string_view path,
                                      std::string fallback) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return fallback;
  if (!it->is_string()) return Bad(Join(path, key), "must be a string");
  return it->get<std::string>();
}

base::Status CheckObject(const json& obj, std::initializer_list<std::string_view> allowed,
                         std::string_view path) {
  if (!obj.is_object()) return Bad(path.empty() ? "body" : path, "must be a JSON object");
  for (const auto& [key, value] : obj.items()) {
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      std::string list;
      for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
      return Bad(Join(path, key), "unknown field (expected one of: " + list + ")");
    }
  }
  return base::Status::Ok();
}

namespace {

// The upload an agent sends every cycle, read with simdjson: the checked reader below spends most
// of an upload's time in nlohmann's lexer. It takes only what the checked reader accepts and
// reads the same way (null is absent, the last of repeated keys wins), and gives up (nullopt) on
// anything else, so that every refusal and its message come from the checked reader. Without
// free-form `details` the accepted shape is at most four levels deep.
namespace fast {

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;

simdjson::dom::parser& ThreadParser() {
  static thread_local simdjson::dom::parser parser = [] {
    simdjson::dom::parser p;
    if (p.allocate(1 << 20, kMaxJsonDepth) != simdjson::SUCCESS) {
      // Left to parse()'s own allocation (the checked reader refuses what is too deep).
    }
    return p;
  }();
  return parser;
}

// A string member into `out`; null leaves it. False for any other type or a longer string.
bool Str(element e, std::string& out, size_t max_len = std::string::npos) {
  if (e.is_null()) return true;
  std::string_view v;
  if (e.get_string().get(v) != simdjson::SUCCESS || v.size() > max_len) return false;
  out.assign(v);
  return true;
}

bool Bool(element e, bool& out) {
  if (e.is_null()) return true;
  return e.get_bool().get(out) == simdjson::SUCCESS;
}

std::optional<InventoryUpload> Parse(std::string_view body) {
  if (body.find("\\u0000") != std::string_view::npos) return std::nullopt;
  element doc;
  if (ThreadParser().parse(body.data(), body.size()).get(doc) != simdjson::SUCCESS) {
    return std::nullopt;
  }
  object top, res, inv;
  if (doc.get_object().get(top) != simdjson::SUCCESS) return std::nullopt;
  bool have_resource = false, have_inventory = false;
  for (auto [key, value] : top) {
    if (key == "resource" && value.get_object().get(res) == simdjson::SUCCESS) {
      have_resource = true;
    } else if (key == "inventory" && value.get_object().get(inv) == simdjson::SUCCESS) {
      have_inventory = true;
    } else {
      return std::nullopt;
    }
  }
  if (!have_resource || !have_inventory) return std::nullopt;
  InventoryUpload out;
  findings::ResourceInput& r = out.resource;
  for (auto [key, value] : res) {
    bool ok = false;
    if (key == "id") {
      ok = Str(value, r.id, 1024);
    } else if (key == "type") {
      ok = Str(value, r.type, 32);
    } else if (key == "name") {
      ok = Str(value, r.name, 256);
    } else if (key == "accountId") {
      ok = Str(value, r.account_id, 63);
    } else if (key == "tags") {
      object tags;
      ok = value.is_null() || value.get_object().get(tags) == simdjson::SUCCESS;
      if (ok && !value.is_null()) {
        r.tags.clear();
        for (auto [k, v] : tags) {
          std::string_view sv;
          if (v.get_string().get(sv) != simdjson::SUCCESS) return std::nullopt;
          for (const auto& [have, unused] : r.tags) {
            if (have == k) return std::nullopt;
          }
          r.tags.emplace_back(std::string(k), std::string(sv));
        }
      }
    } else if (key == "details") {
      // Free-form JSON, whose depth the checked reader bounds: left to it.
      ok = value.is_null();
    }
    if (!ok) return std::nullopt;
  }
  if (r.id.empty() || r.type.empty()) return std::nullopt;
  model::Inventory& iv = out.inventory;
  for (auto [key, value] : inv) {
    if (value.is_null()) continue;
    if (key == "os") {
      object os;
      if (value.get_object().get(os) != simdjson::SUCCESS) return std::nullopt;
      for (auto [k, v] : os) {
        bool ok = k == "id"           ? Str(v, iv.os.id)
                  : k == "versionId"  ? Str(v, iv.os.version_id)
                  : k == "codename"   ? Str(v, iv.os.codename)
                  : k == "prettyName" ? Str(v, iv.os.pretty_name)
                  : k == "ecosystem"  ? Str(v, iv.os.ecosystem)
                  : k == "ubuntuPro"  ? Bool(v, iv.os.ubuntu_pro)
                                      : false;
        if (!ok) return std::nullopt;
      }
    } else if (key == "packages") {
      array list;
      if (value.get_array().get(list) != simdjson::SUCCESS) return std::nullopt;
      iv.packages.reserve(list.size());
      for (element e : list) {
        object po;
        if (e.get_object().get(po) != simdjson::SUCCESS) return std::nullopt;
        model::Package& p = iv.packages.emplace_back();
        for (auto [k, v] : po) {
          bool ok = k == "ecosystem"        ? Str(v, p.ecosystem)
                    : k == "name"           ? Str(v, p.name)
                    : k == "version"        ? Str(v, p.version)
                    : k == "sourceName"     ? Str(v, p.source_name)
                    : k == "sourceVersion"  ? Str(v, p.source_version)
                    : k == "arch"           ? Str(v, p.arch)
                    : k == "purl"           ? Str(v, p.purl)
                    : k == "path"           ? Str(v, p.path)
                    : k == "layerDigest"    ? Str(v, p.layer_digest)
                    : k == "packageManager" ? Str(v, p.package_manager)
                    : k == "dev"            ? Bool(v, p.dev)
                                            : false;
          if (!ok) return std::nullopt;
        }
      }
    } else if (key == "warnings") {
      array list;
      if (value.get_array().get(list) != simdjson::SUCCESS) return std::nullopt;
      for (element e : list) {
        object wo;
        if (e.get_object().get(wo) != simdjson::SUCCESS) return std::nullopt;
        model::InventoryWarning& w = iv.warnings.emplace_back();
        for (auto [k, v] : wo) {
          bool ok = k == "location"  ? Str(v, w.location)
                    : k == "message" ? Str(v, w.message)
                                     : false;
          if (!ok) return std::nullopt;
        }
      }
    } else if (key == "collectors") {
      array list;
      if (value.get_array().get(list) != simdjson::SUCCESS) return std::nullopt;
      for (element e : list) {
        std::string_view sv;
        if (e.get_string().get(sv) != simdjson::SUCCESS) return std::nullopt;
        iv.collectors.emplace_back(sv);
      }
    } else {
      return std::nullopt;
    }
  }
  return out;
}

}  // namespace fast
}  // namespace

base::Result<InventoryUpload> ParseInventoryUpload(std::string_view body) {
  if (auto fast = fast::Parse(body)) return std::move(*fast);
  return ParseInventoryUploadChecked(body);
}

base::Result<InventoryUpload> ParseInventoryUploadChecked(std::string_view body) {
  ASSAY_RETURN_IF_ERROR(CheckJsonDepth(body, "body"));
  json doc = json::parse(body, nullptr, false);
  if (doc.is_discarded()) return base::Status::InvalidArgument("body: not valid JSON");
  ASSAY_RETURN_IF_ERROR(CheckObject(doc, {"resource", "inventory"}, ""));
  // A JSON text can hold a NUL only as the escape \u0000; without one (almost every body) the
  // walk is skipped.
  if (body.find("\\u0000") != std::string_view::npos) ASSAY_RETURN_IF_ERROR(CheckNoNul(doc, ""));
  InventoryUpload out;
  auto r = doc.find("resource");
  if (r == doc.end()) return Bad("resource", "required");
  ASSAY_RETURN_IF_ERROR(
      CheckObject(*r, {"id", "type", "name", "tags", "accountId", "details"}, "resource"));
  ASSAY_RETURN_IF_ERROR(GetString(*r, "id", "resource", out.resource.id, true, 1024));
  ASSAY_RETURN_IF_ERROR(GetString(*r, "type", "resource", out.resource.type, true, 32));
  ASSAY_RETURN_IF_ERROR(GetString(*r, "name", "resource", out.resource.name, false, 256));
  ASSAY_RETURN_IF_ERROR(GetString(*r, "accountId", "resource", out.resource.account_id, false, 63));
  if (auto t = r->find("tags"); t != r->end() && !t->is_null()) {
    if (!t->is_object()) return Bad("resource.tags", "must be an object of strings");
    for (const auto& [k, v] : t->items()) {
      if (!v.is_string()) return Bad("resource.tags." + k, "must be a string");
      out.resource.tags.emplace_back(k, v.get<std::string>());
    }
  }
  if (auto d = r->find("details"); d != r->end() && !d->is_null()) {
    if (!d->is_object()) return Bad("resource.details", "must be an object");
    out.resource.details = *d;
  }
  auto inv = doc.find("inventory");
  if (inv == doc.end()) return Bad("inventory", "required");
  ASSAY_RETURN_IF_ERROR(
      CheckObject(*inv, {"os", "packages", "warnings", "collectors"}, "inventory"));
  if (auto os = inv->find("os"); os != inv->end() && !os->is_null()) {
    ASSAY_RETURN_IF_ERROR(
        CheckObject(*os, {"id", "versionId", "codename", "prettyName", "ecosystem", "ubuntuPro"},
                    "inventory.os"));
  }
  if (auto pk = inv->find("packages"); pk != inv->end() && pk->is_array()) {
    static const std::set<std::string, std::less<>> kPackageKeys = {
        "ecosystem", "name",        "version",        "sourceName", "sourceVersion", "arch",
        "purl",      "layerDigest", "packageManager", "dev",        "path"};
    for (size_t i = 0; i < pk->size(); ++i) {
      const json& p = (*pk)[i];
      bool known = p.is_object();
      if (known) {
        for (const auto& [key, value] : p.items()) known = known && kPackageKeys.count(key) > 0;
      }
      if (known) continue;  // the path is built for the error only
      ASSAY_RETURN_IF_ERROR(
          CheckObject(p,
                      {"ecosystem", "name", "version", "sourceName", "sourceVersion", "arch",
                       "purl", "path", "layerDigest", "packageManager", "dev"},
                      "inventory.packages[" + std::to_string(i) + "]"));
    }
  }
  auto parsed = inventory::InventoryFromJson(*inv);
  if (!parsed.ok()) return Bad("inventory", parsed.status().message());
  out.inventory = std::move(*parsed);
  return out;
}

Json InventoryUploadToJson(const InventoryUpload& u) {
  Json r;
  r["id"] = u.resource.id;
  r["type"] = u.resource.type;
  if (!u.resource.name.empty()) r["name"] = u.resource.name;
  if (!u.resource.account_id.empty()) r["accountId"] = u.resource.account_id;
  Json tags = Json::object();
  for (const auto& [k, v] : u.resource.tags) tags[k] = v;
  r["tags"] = std::move(tags);
  if (!u.resource.details.empty()) r["details"] = u.resource.details;
  Json out;
  out["resource"] = std::move(r);
  out["inventory"] = inventory::InventoryToJson(u.inventory);
  return out;
}

Json ResourceToJson(const findings::Resource& r) {
  Json out;
  out["id"] = r.id;
  out["type"] = r.type;
  out["name"] = r.name;
  out["accountId"] = r.account_id;
  Json tags = Json::object();
  for (const auto& [k, v] : r.tags) tags[k] = v;
  out["tags"] = std::move(tags);
  out["os"] = {{"id", r.os.id},
               {"versionId", r.os.version_id},
               {"prettyName", r.os.pretty_name},
               {"ecosystem", r.os.ecosystem}};
  out["details"] = r.details;
  out["packageCount"] = r.package_count;
  out["warningCount"] = r.warning_count;
  out["collectors"] = r.collectors;
  out["firstSeenAt"] = r.first_seen_at;
  out["lastSeenAt"] = r.last_seen_at;
  out["inventoryAt"] = r.inventory_at.empty() ? Json(nullptr) : Json(r.inventory_at);
  out["evaluatedAt"] = r.evaluated_at.empty() ? Json(nullptr) : Json(r.evaluated_at);
  out["advisoryBuild"] = r.evaluated_build.empty() ? Json(nullptr) : Json(r.evaluated_build);
  out["deletedAt"] = r.deleted_at.empty() ? Json(nullptr) : Json(r.deleted_at);
  return out;
}

Json FindingToJson(const findings::StoredFinding& f) {
  Json out = model::FindingToJson(f.finding);
  out["accountId"] = f.account_id;
  Json tags = Json::object();
  for (const auto& [k, v] : f.resource_tags) tags[k] = v;
  out["resources"] = Json::array(
      {Json{{"id", f.resource_id}, {"type", f.resource_type}, {"tags", std::move(tags)}}});
  if (!f.suppressed_by.empty()) out["suppressedBy"] = f.suppressed_by;
  if (!f.closed_reason.empty()) out["closedReason"] = f.closed_reason;
  if (!f.closed_at.empty()) out["closedAt"] = f.closed_at;
  return out;
}

Json ChangesToJson(const findings::ChangeStats& c) {
  return {{"created", c.created}, {"reopened", c.reopened},     {"updated", c.updated},
          {"closed", c.closed},   {"suppressed", c.suppressed}, {"unsuppressed", c.unsuppressed},
          {"events", c.events}};
}

Json EventToJson(const findings::Event& e) {
  Json out;
  out["id"] = e.id;
  out["seq"] = e.seq;
  out["type"] = e.type;
  out["time"] = e.time;
  out["accountId"] = e.account_id;
  if (!e.resource_id.empty()) out["resourceId"] = e.resource_id;
  if (!e.finding_id.empty()) out["findingId"] = e.finding_id;
  out["detail"] = e.detail;
  return out;
}

Json AggregateToJson(const findings::AggregateRow& a) {
  return {{"key", a.key},
          {"total", a.total},
          {"severityCounts",
           {{"critical", a.critical},
            {"high", a.high},
            {"medium", a.medium},
            {"low", a.low},
            {"informational", a.informational},
            {"untriaged", a.untriaged}}}};
}

Json AccountToJson(const findings::Account& a) {
  Json out;
  out["id"] = a.id;
  out["name"] = a.name;
  out["parent"] = a.parent.empty() ? Json(nullptr) : Json(a.parent);
  out["createdAt"] = a.created_at;
  return out;
}

Json ApiKeyToJson(const findings::ApiKey& k) {
  Json out;
  out["id"] = k.id;
  out["accountId"] = k.account_id;
  out["role"] = std::string(findings::RoleName(k.role));
  out["name"] = k.name;
  out["createdAt"] = k.created_at;
  out["lastUsedAt"] = k.last_used_at.empty() ? Json(nullptr) : Json(k.last_used_at);
  out["revokedAt"] = k.revoked_at.empty() ? Json(nullptr) : Json(k.revoked_at);
  return out;
}

base::Result<findings::SuppressionRule> ParseSuppressionRule(const json& body) {
  ASSAY_RETURN_IF_ERROR(CheckObject(
      body, {"name", "description", "reason", "filterCriteria", "expiresAt", "accountId"}, ""));
  ASSAY_RETURN_IF_ERROR(CheckNoNul(body, ""));
  findings::SuppressionRule r;
  ASSAY_RETURN_IF_ERROR(GetString(body, "name", "", r.name, true, 128));
  ASSAY_RETURN_IF_ERROR(GetString(body, "description", "", r.description, false, 1024));
  ASSAY_RETURN_IF_ERROR(GetString(body, "reason", "", r.reason, true, 1024));
  ASSAY_RETURN_IF_ERROR(GetString(body, "accountId", "", r.account_id, false, 63));
  std::string expires;
  ASSAY_RETURN_IF_ERROR(GetString(body, "expiresAt", "", expires, false, 64));
  if (!expires.empty()) {
    auto t = findings::ParseRfc3339(expires);
    if (!t) return Bad("expiresAt", "not an RFC 3339 time");
    r.expires_at = findings::FormatRfc3339(*t);
  }
  auto fc = body.find("filterCriteria");
  if (fc == body.end()) return Bad("filterCriteria", "required");
  ASSAY_ASSIGN_OR_RETURN(r.criteria, findings::ParseFilterCriteria(*fc));
  return r;
}

Json SuppressionRuleToJson(const findings::SuppressionRule& r) {
  Json out;
  out["id"] = r.id;
  out["accountId"] = r.account_id;
  out["name"] = r.name;
  out["description"] = r.description;
  out["reason"] = r.reason;
  out["filterCriteria"] = findings::ToJson(r.criteria);
  out["expiresAt"] = r.expires_at.empty() ? Json(nullptr) : Json(r.expires_at);
  out["status"] = r.expired ? "EXPIRED" : "ACTIVE";
  out["createdAt"] = r.created_at;
  out["updatedAt"] = r.updated_at;
  return out;
}

Json SuppressionRuleRequestToJson(const findings::SuppressionRule& r) {
  Json out;
  out["name"] = r.name;
  if (!r.description.empty()) out["description"] = r.description;
  out["reason"] = r.reason;
  out["filterCriteria"] = findings::ToJson(r.criteria);
  if (!r.expires_at.empty()) out["expiresAt"] = r.expires_at;
  if (!r.account_id.empty()) out["accountId"] = r.account_id;
  return out;
}

base::Result<findings::ChangeStats> ChangesFromJson(const json& j) {
  if (!j.is_object()) return Bad("changes", "must be a JSON object");
  findings::ChangeStats c;
  const std::pair<const char*, std::int64_t*> fields[] = {
      {"created", &c.created}, {"reopened", &c.reopened},     {"updated", &c.updated},
      {"closed", &c.closed},   {"suppressed", &c.suppressed}, {"unsuppressed", &c.unsuppressed},
      {"events", &c.events}};
  for (const auto& [key, dest] : fields) {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) continue;
    if (!it->is_number_integer()) return Bad(Join("changes", key), "must be an integer");
    *dest = it->get<std::int64_t>();
  }
  return c;
}

namespace {

std::string CsvField(std::string_view v) {
  std::string s(v);
  if (!s.empty() && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@')) s = "'" + s;
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace

std::string FindingsCsvHeader() {
  return "findingId,accountId,resourceId,resourceType,status,severity,score,vulnerabilityId,"
         "title,ecosystem,packageName,packageVersion,fixedInVersion,fixAvailable,"
         "exploitAvailable,filePath,firstObservedAt,lastObservedAt,updatedAt\r\n";
}

std::string FindingCsvRow(const findings::StoredFinding& s) {
  const model::Finding& f = s.finding;
  const auto& pvd = f.package_vulnerability_details;
  model::VulnerablePackage vp;
  if (!pvd.vulnerable_packages.empty()) vp = pvd.vulnerable_packages[0];
  char score[32] = "";
  if (f.score) std::snprintf(score, sizeof score, "%.1f", *f.score);
  std::vector<std::string> fields = {f.finding_id,
                                     s.account_id,
                                     s.resource_id,
                                     s.resource_type,
                                     f.status,
                                     std::string(model::SeverityName(f.severity)),
                                     score,
                                     pvd.vulnerability_id,
                                     f.title,
                                     vp.ecosystem,
                                     vp.name,
                                     vp.version,
                                     vp.fixed_in_version,
                                     std::string(model::FixAvailableName(f.fix_available)),
                                     f.exploit_available ? "YES" : "NO",
                                     vp.file_path,
                                     f.first_observed_at,
                                     f.last_observed_at,
                                     f.updated_at};
  std::string out;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i) out += ",";
    out += CsvField(fields[i]);
  }
  return out + "\r\n";
}

std::string ErrorBody(std::string_view code, std::string_view message) {
  Json j = {{"error", {{"code", std::string(code)}, {"message", std::string(message)}}}};
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string ErrorMessage(std::string_view body) {
  json j = json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return "";
  auto e = j.find("error");
  if (e == j.end() || !e->is_object()) return "";
  auto m = e->find("message");
  if (m == e->end() || !m->is_string()) return "";
  return m->get<std::string>();
}

}  // namespace assay::api
