// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// api/openapi.yaml against the service. The document is checked for the OpenAPI 3.0 rules tools
// rely on (version, unique operationIds, responses, declared path parameters, resolvable and
// used $refs), then against Service::Handle over a SQLite store and a small advisory DB:
//  - every documented operation is called (the table below, in an order that creates what later
//    calls need) and answers the documented status, with a body valid against the documented
//    schema (strictly: a response property the schema does not declare is an error);
//  - the table's operations are exactly the document's;
//  - every other method on a documented path is 405 with an Allow header naming exactly the
//    documented methods, and paths the document does not have are 404;
//  - without a key every /v1 operation is 401; a read-only key gets 403 exactly where 403 is
//    documented; an unknown field in any object of a request body is 400 exactly where the
//    request schema closes that object.
// The document is not validated against the OpenAPI 3.0 meta-schema here: no validator for it is
// available offline to the build.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "advisories/test_util.h"
#include "advisories/update.h"
#include "base/file.h"
#include "base/metrics.h"
#include "base/strings.h"
#include "findings/store.h"
#include "server/service.h"

namespace assay::server {
namespace {

using nlohmann::json;

constexpr const char* kNow = "2026-11-25T06:00:00Z";
const std::set<std::string> kMethods = {"get",   "put",  "post",    "delete",
                                        "patch", "head", "options", "trace"};

// ---- YAML → JSON
// ---------------------------------------------------------------------------------

// YAML 1.2 core schema for plain scalars (null, true/false, integers, floats); quoted scalars are
// strings. Duplicate mapping keys are reported.
json ToJson(const YAML::Node& n, const std::string& at, std::vector<std::string>& errors) {
  switch (n.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      return nullptr;
    case YAML::NodeType::Scalar: {
      const std::string s = n.Scalar();
      if (n.Tag() != "?") return s;  // quoted or explicitly tagged
      static const std::regex kInt("[-+]?[0-9]+");
      static const std::regex kFloat("[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?");
      if (s == "~" || s == "null" || s == "Null" || s == "NULL") return nullptr;
      if (s == "true" || s == "True" || s == "TRUE") return true;
      if (s == "false" || s == "False" || s == "FALSE") return false;
      if (std::regex_match(s, kInt)) return std::stoll(s);
      if (std::regex_match(s, kFloat)) return std::stod(s);
      return s;
    }
    case YAML::NodeType::Sequence: {
      json out = json::array();
      for (size_t i = 0; i < n.size(); ++i) {
        out.push_back(ToJson(n[i], at + "/" + std::to_string(i), errors));
      }
      return out;
    }
    case YAML::NodeType::Map: {
      json out = json::object();
      for (const auto& kv : n) {
        const std::string key = kv.first.as<std::string>();
        if (out.contains(key)) errors.push_back(at + ": duplicate key \"" + key + "\"");
        out[key] = ToJson(kv.second, at + "/" + key, errors);
      }
      return out;
    }
  }
  return nullptr;
}

struct LoadedDocument {
  json doc;
  std::vector<std::string> errors;
};

const LoadedDocument& Document() {
  static const LoadedDocument* loaded = [] {
    auto* d = new LoadedDocument;
    const std::string file = std::string(ASSAY_SOURCE_DIR) + "/api/openapi.yaml";
    try {
      d->doc = ToJson(YAML::LoadFile(file), "", d->errors);
    } catch (const YAML::Exception& e) {
      d->errors.push_back(file + ": " + e.what());
    }
    return d;
  }();
  return *loaded;
}

// ---- JSON pointers and $refs
// ---------------------------------------------------------------------

const json* Pointer(const json& doc, const std::string& ref) {
  if (ref.rfind("#/", 0) != 0) return nullptr;
  const json* cur = &doc;
  for (std::string_view token : base::Split(std::string_view(ref).substr(2), '/')) {
    std::string t(token);
    for (size_t i; (i = t.find("~1")) != std::string::npos;) t.replace(i, 2, "/");
    for (size_t i; (i = t.find("~0")) != std::string::npos;) t.replace(i, 2, "~");
    if (cur->is_object()) {
      auto it = cur->find(t);
      if (it == cur->end()) return nullptr;
      cur = &*it;
    } else if (cur->is_array()) {
      std::int64_t i = 0;
      if (!base::ParseInt64(t, &i) || i < 0 || static_cast<size_t>(i) >= cur->size())
        return nullptr;
      cur = &(*cur)[static_cast<size_t>(i)];
    } else {
      return nullptr;
    }
  }
  return cur;
}

// Follows $ref chains (a missing target reads as an empty schema; the structure test reports it).
const json& Resolve(const json& doc, const json& node) {
  static const json kEmpty = json::object();
  const json* cur = &node;
  for (int depth = 0; depth < 16 && cur->is_object() && cur->contains("$ref"); ++depth) {
    const json* next = Pointer(doc, (*cur)["$ref"].get<std::string>());
    if (!next) return kEmpty;
    cur = next;
  }
  return *cur;
}

void CollectRefs(const json& node, const std::string& at,
                 std::vector<std::pair<std::string, std::string>>& out) {
  if (node.is_object()) {
    for (const auto& [k, v] : node.items()) {
      if (k == "$ref" && v.is_string()) out.emplace_back(at, v.get<std::string>());
      CollectRefs(v, at + "/" + k, out);
    }
  } else if (node.is_array()) {
    for (size_t i = 0; i < node.size(); ++i)
      CollectRefs(node[i], at + "/" + std::to_string(i), out);
  }
}

// ---- a validator for the OpenAPI 3.0 schema subset the document uses ----------------------------

size_t Utf8Length(const std::string& s) {
  return static_cast<size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

class SchemaValidator {
 public:
  explicit SchemaValidator(const json& doc) : doc_(doc) {}

  // Errors naming the JSON path, empty when valid. `strict`: an object property the schema does
  // not declare is an error unless the schema says additionalProperties (responses are checked
  // so, so that every field the service writes is documented).
  std::vector<std::string> Check(const json& schema, const json& value, bool strict) const {
    std::vector<std::string> errors;
    Walk(schema, value, "$", strict, true, errors);
    return errors;
  }

 private:
  // The properties an object schema declares, through allOf; `open` when it takes others.
  void Declared(const json& schema, std::set<std::string>& names, bool& open) const {
    const json& s = Resolve(doc_, schema);
    if (auto p = s.find("properties"); p != s.end()) {
      for (const auto& [k, v] : p->items()) names.insert(k);
    }
    if (auto a = s.find("additionalProperties"); a != s.end() && !(a->is_boolean() && !*a)) {
      open = true;
    }
    if (!s.contains("properties") && !s.contains("allOf") && !s.contains("additionalProperties")) {
      open = true;  // a free-form object
    }
    if (auto all = s.find("allOf"); all != s.end()) {
      for (const auto& sub : *all) Declared(sub, names, open);
    }
  }

  void Walk(const json& schema, const json& v, const std::string& at, bool strict,
            bool check_unknown, std::vector<std::string>& errors) const {
    const json& s = Resolve(doc_, schema);
    if (v.is_null()) {
      if (s.value("nullable", false)) return;
      if (s.contains("type") || s.contains("allOf")) {
        errors.push_back(at + ": null where the schema is not nullable");
        return;
      }
    }
    if (auto all = s.find("allOf"); all != s.end()) {
      for (const auto& sub : *all) Walk(sub, v, at, strict, false, errors);
      if (v.is_object() && check_unknown) CheckUnknown(s, v, at, strict, errors);
    }
    for (const char* combinator : {"oneOf", "anyOf"}) {
      auto it = s.find(combinator);
      if (it == s.end()) continue;
      int matches = 0;
      for (const auto& sub : *it) {
        std::vector<std::string> e;
        Walk(sub, v, at, strict, true, e);
        if (e.empty()) ++matches;
      }
      if (std::string(combinator) == "oneOf" ? matches != 1 : matches == 0) {
        errors.push_back(at + ": matches " + std::to_string(matches) + " of the " + combinator +
                         " schemas");
      }
    }
    if (auto e = s.find("enum"); e != s.end()) {
      if (std::find(e->begin(), e->end(), v) == e->end()) {
        errors.push_back(at + ": " + v.dump() + " is not one of " + e->dump());
      }
    }
    if (v.is_object() && s.contains("minProperties") &&
        v.size() < s["minProperties"].get<size_t>()) {
      errors.push_back(at + ": fewer than minProperties");
    }
    if (v.is_object() && s.contains("maxProperties") &&
        v.size() > s["maxProperties"].get<size_t>()) {
      errors.push_back(at + ": more than maxProperties");
    }
    const std::string type = s.value("type", "");
    if (type.empty()) return;
    const bool type_ok = type == "object"    ? v.is_object()
                         : type == "array"   ? v.is_array()
                         : type == "string"  ? v.is_string()
                         : type == "integer" ? v.is_number_integer()
                         : type == "number"  ? v.is_number()
                         : type == "boolean" ? v.is_boolean()
                                             : false;
    if (!type_ok) {
      errors.push_back(at + ": " + std::string(v.type_name()) + " where the schema says " + type);
      return;
    }
    if (type == "string") {
      const std::string& str = v.get_ref<const std::string&>();
      if (s.contains("minLength") && Utf8Length(str) < s["minLength"].get<size_t>()) {
        errors.push_back(at + ": shorter than minLength");
      }
      if (s.contains("maxLength") && Utf8Length(str) > s["maxLength"].get<size_t>()) {
        errors.push_back(at + ": longer than maxLength");
      }
      if (s.contains("pattern") &&
          !std::regex_search(str, std::regex(s["pattern"].get<std::string>()))) {
        errors.push_back(at + ": \"" + str + "\" does not match " + s["pattern"].dump());
      }
      static const std::regex kDateTime(
          "[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?([Zz]|[-+][0-9]{2}:["
          "0-9]{2})");
      if (s.value("format", "") == "date-time" && !std::regex_match(str, kDateTime)) {
        errors.push_back(at + ": \"" + str + "\" is not an RFC 3339 date-time");
      }
    } else if (type == "integer" || type == "number") {
      const double d = v.get<double>();
      if (s.contains("minimum") && d < s["minimum"].get<double>()) {
        errors.push_back(at + ": below minimum");
      }
      if (s.contains("maximum") && d > s["maximum"].get<double>()) {
        errors.push_back(at + ": above maximum");
      }
    } else if (type == "array") {
      if (s.contains("minItems") && v.size() < s["minItems"].get<size_t>()) {
        errors.push_back(at + ": fewer than minItems");
      }
      if (s.contains("maxItems") && v.size() > s["maxItems"].get<size_t>()) {
        errors.push_back(at + ": more than maxItems");
      }
      if (s.contains("items")) {
        for (size_t i = 0; i < v.size(); ++i) {
          Walk(s["items"], v[i], at + "[" + std::to_string(i) + "]", strict, true, errors);
        }
      }
    } else if (type == "object") {
      for (const auto& r : s.value("required", json::array())) {
        if (!v.contains(r.get<std::string>())) {
          errors.push_back(at + ": required property \"" + r.get<std::string>() + "\" missing");
        }
      }
      const json props = s.value("properties", json::object());
      for (const auto& [k, child] : v.items()) {
        if (props.contains(k)) {
          Walk(props[k], child, at + "." + k, strict, true, errors);
        } else if (auto a = s.find("additionalProperties"); a != s.end() && a->is_object()) {
          Walk(*a, child, at + "." + k, strict, true, errors);
        }
      }
      // Inside allOf an explicit additionalProperties: false still holds; the strict check of
      // undeclared properties is made once, over all the allOf members.
      if (!s.contains("allOf")) CheckUnknown(s, v, at, strict && check_unknown, errors);
    }
  }

  void CheckUnknown(const json& s, const json& v, const std::string& at, bool strict,
                    std::vector<std::string>& errors) const {
    std::set<std::string> names;
    bool open = false;
    Declared(s, names, open);
    const auto a = s.find("additionalProperties");
    const bool closed = a != s.end() && a->is_boolean() && !a->get<bool>();
    if (open && !closed) return;
    if (!closed && !strict) return;
    for (const auto& [k, child] : v.items()) {
      if (!names.count(k)) errors.push_back(at + ": property \"" + k + "\" is not in the schema");
    }
  }

  const json& doc_;
};

// ---- the service under test
// ----------------------------------------------------------------------

struct Reply {
  int status = 0;
  std::string media_type;  // Content-Type without parameters
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::optional<std::string> Header(std::string_view name) const {
    for (const auto& [k, v] : headers) {
      if (base::EqualsIgnoreCase(k, name)) return v;
    }
    return std::nullopt;
  }
};

std::string PercentDecode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      out.push_back(static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16)));
      i += 2;
    } else {
      out.push_back(s[i] == '+' ? ' ' : s[i]);
    }
  }
  return out;
}

std::string PercentEncode(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || c == ':') {
      out.push_back(static_cast<char>(c));
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

class ServiceFixture {
 public:
  ServiceFixture() { error_ = Init(); }

  const std::string& error() const { return error_; }

  // `target` is path and query as sent; `role` empty sends no key.
  Reply Call(const std::string& method, const std::string& target, const std::string& role,
             const std::string& body = "") {
    base::HttpServerRequest req;
    req.method = method;
    req.target = target;
    const size_t q = target.find('?');
    req.path = target.substr(0, q);
    if (q != std::string::npos) {
      for (std::string_view piece : base::Split(std::string_view(target).substr(q + 1), '&')) {
        if (piece.empty()) continue;
        const size_t eq = piece.find('=');
        req.query.emplace_back(
            PercentDecode(piece.substr(0, eq)),
            eq == std::string_view::npos ? "" : PercentDecode(piece.substr(eq + 1)));
      }
    }
    if (!role.empty()) req.headers.emplace_back("authorization", "Bearer " + keys_.at(role));
    if (!body.empty()) req.headers.emplace_back("content-type", "application/json");
    req.body = body;
    req.remote = "127.0.0.1:1";
    base::HttpServerResponse r = service_->Handle(req);
    Reply out;
    out.status = r.status;
    out.media_type = r.content_type.substr(0, r.content_type.find(';'));
    out.headers = r.headers;
    out.body = r.body;
    return out;
  }

 private:
  // Builds the advisory DB, the store with account "acme" and one key per role, and the
  // service; the error, or "".
  std::string Init() {
    namespace adv = advisories::testing;
    auto dir = base::TempDir::Create("assay-openapi-test");
    if (!dir.ok()) return "temp dir: " + dir.status().ToString();
    dir_ = std::make_unique<base::TempDir>(std::move(*dir));
    adv::WriteZip(dir_->path() / "mirror/Debian/all.zip",
                  adv::Entries({{"DSA-4", adv::Osv("DSA-4", {{"Debian:12", "openssl", "3.0.9-1"}},
                                                   {"CVE-2024-0004"})}}));
    auto source = advisories::MakeDirectoryFeedSource(dir_->path() / "mirror");
    if (!source.ok()) return "feed: " + source.status().ToString();
    advisories::UpdateOptions uo;
    uo.db_path = dir_->path() / "advisories.db";
    auto built = advisories::UpdateDb(**source, uo);
    if (!built.ok()) return "advisory DB: " + built.status().ToString();
    auto store = findings::Store::Open((dir_->path() / "state.db").string());
    if (!store.ok()) return "store: " + store.status().ToString();
    store_ = std::move(*store);
    if (auto a = store_->CreateAccount({"acme", "Acme", "", ""}, kNow); !a.ok()) {
      return "account: " + a.status().ToString();
    }
    for (auto role :
         {findings::Role::kAdmin, findings::Role::kAnalyst, findings::Role::kReadOnly}) {
      auto key = store_->CreateApiKey("acme", role, "test", kNow);
      if (!key.ok()) return "key: " + key.status().ToString();
      keys_[std::string(findings::RoleName(role))] = key->secret;
    }
    advisory_state_ = std::make_unique<AdvisoryState>(*store_, uo.db_path);
    if (auto l = advisory_state_->Load(kNow); !l.ok()) {
      return "load advisory DB: " + l.status().ToString();
    }
    ServiceOptions so;
    so.clock = [] { return std::string(kNow); };
    service_ = std::make_unique<Service>(*store_, *advisory_state_, &metrics_, so);
    return "";
  }

  std::string error_;
  std::unique_ptr<base::TempDir> dir_;
  std::unique_ptr<findings::Store> store_;
  std::unique_ptr<AdvisoryState> advisory_state_;
  base::MetricsRegistry metrics_;
  std::unique_ptr<Service> service_;
  std::map<std::string, std::string> keys_;
};

// ---- the documented operations
// -------------------------------------------------------------------

struct Operation {
  std::string method;  // lower case, as the document's keys
  std::string path;    // template
  json op;
  json parameters = json::array();  // path-level and operation-level
};

std::vector<Operation> Operations(const json& doc) {
  std::vector<Operation> out;
  const json paths = doc.value("paths", json::object());
  for (const auto& [path, item] : paths.items()) {
    for (const auto& [method, op] : item.items()) {
      if (!kMethods.count(method)) continue;
      Operation o{method, path, op};
      for (const auto* list : {&item, &op}) {
        for (const auto& p : list->value("parameters", json::array())) {
          o.parameters.push_back(Resolve(doc, p));
        }
      }
      out.push_back(std::move(o));
    }
  }
  return out;
}

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Checks a reply against the operation's documented responses; failures name `what`.
void ExpectDocumented(const json& doc, const Operation& o, const Reply& r,
                      const std::string& what) {
  SCOPED_TRACE(what);
  const json responses = o.op.value("responses", json::object());
  const std::string code = std::to_string(r.status);
  ASSERT_TRUE(responses.contains(code) || responses.contains("default"))
      << "status " << r.status << " is not documented for " << Upper(o.method) << " " << o.path
      << "; body: " << r.body;
  const json& resp =
      Resolve(doc, responses.contains(code) ? responses[code] : responses["default"]);
  const json headers = resp.value("headers", json::object());
  for (const auto& [name, header] : headers.items()) {
    (void)header;
    if (name == "WWW-Authenticate") {
      EXPECT_TRUE(r.Header(name).has_value()) << "401 without " << name;
    }
  }
  const json content = resp.value("content", json::object());
  if (content.empty()) return;
  ASSERT_TRUE(content.contains(r.media_type))
      << "Content-Type " << r.media_type << " is not documented; documented: " << content.dump();
  const bool is_json =
      r.media_type == "application/json" ||
      (r.media_type.size() > 5 && r.media_type.compare(r.media_type.size() - 5, 5, "+json") == 0);
  if (!is_json) return;
  const json body = json::parse(r.body, nullptr, false);
  ASSERT_FALSE(body.is_discarded()) << "not JSON: " << r.body.substr(0, 200);
  const json schema = content[r.media_type].value("schema", json::object());
  auto errors = SchemaValidator(doc).Check(schema, body, /*strict=*/true);
  EXPECT_TRUE(errors.empty()) << "the body does not match the documented schema:\n  "
                              << base::Join(errors, "\n  ") << "\nbody: " << r.body.substr(0, 2000);
}

const json* RequestSchema(const json& doc, const Operation& o) {
  if (!o.op.contains("requestBody")) return nullptr;
  const json& rb = Resolve(doc, o.op["requestBody"]);
  auto c = rb.find("content");
  if (c == rb.end() || !c->contains("application/json")) return nullptr;
  return &(*c)["application/json"]["schema"];
}

// Every JSON object in `value` with the schema that describes it, by JSON pointer.
void BodyObjects(const json& doc, const json& schema, const json& value, const std::string& ptr,
                 std::vector<std::pair<std::string, const json*>>& out) {
  const json& s = Resolve(doc, schema);
  if (auto all = s.find("allOf"); all != s.end()) {
    for (const auto& sub : *all) BodyObjects(doc, sub, value, ptr, out);
    return;
  }
  if (value.is_object() && s.value("type", "") == "object") {
    out.emplace_back(ptr, &s);
    const auto props = s.find("properties");
    for (const auto& [k, v] : value.items()) {
      if (props != s.end() && props->contains(k)) {
        BodyObjects(doc, (*props)[k], v, ptr + "/" + k, out);
      } else if (auto a = s.find("additionalProperties"); a != s.end() && a->is_object()) {
        BodyObjects(doc, *a, v, ptr + "/" + k, out);
      }
    }
  } else if (value.is_array() && s.contains("items")) {
    for (size_t i = 0; i < value.size(); ++i) {
      BodyObjects(doc, s["items"], value[i], ptr + "/" + std::to_string(i), out);
    }
  }
}

// One call of the walk through the API. `{resource}`, `{finding}`, `{rule}` and `{key}` in the
// target are replaced by ids that earlier calls returned.
struct Call {
  std::string method;
  std::string path_template;  // the document's path
  std::string target;
  std::string role;  // "admin", "analyst", "read-only"
  json body;         // null: no body
  int want;
  std::string capture;  // "name=/json/pointer" into the response
};

const std::string kResourceId = "rootfs:/srv/golden";

json Upload() {
  return json::parse(R"json({
    "resource": {"id": "rootfs:/srv/golden", "type": "rootfs", "name": "golden",
                 "tags": {"team": "payments"}, "details": {"note": "test"}},
    "inventory": {
      "os": {"id": "debian", "versionId": "12", "codename": "bookworm",
             "prettyName": "Debian GNU/Linux 12 (bookworm)", "ecosystem": "Debian:12",
             "ubuntuPro": false},
      "packages": [{"ecosystem": "Debian:12", "name": "openssl", "version": "3.0.8-1",
                    "sourceName": "openssl", "sourceVersion": "3.0.8-1", "arch": "amd64",
                    "purl": "pkg:deb/debian/openssl@3.0.8-1?arch=amd64",
                    "path": "var/lib/dpkg/status", "packageManager": "dpkg"},
                   {"ecosystem": "Debian:12", "name": "zlib1g", "version": "1:1.2.13.dfsg-1",
                    "sourceName": "zlib", "sourceVersion": "1:1.2.13.dfsg-1",
                    "packageManager": "dpkg"}],
      "warnings": [],
      "collectors": ["dpkg@1"]}})json");
}

json Rule(const std::string& name) {
  return {{"name", name},
          {"description", "accepted risk"},
          {"reason", "not reachable"},
          {"expiresAt", "2027-01-01T00:00:00Z"},
          {"filterCriteria",
           {{"vulnerablePackages", {{{"name", {{"comparison", "EQUALS"}, {"value", "openssl"}}}}}},
            {"resourceTags", {{{"comparison", "EQUALS"}, {"key", "team"}, {"value", "payments"}}}},
            {"updatedAt",
             {{{"startInclusive", "2026-01-01T00:00:00Z"}, {"endInclusive", 1900000000}}}}}}};
}

std::vector<Call> Walkthrough() {
  const json list_body = {{"filterCriteria",
                           {{"severity",
                             {{{"comparison", "EQUALS"}, {"value", "HIGH"}},
                              {{"comparison", "EQUALS"}, {"value", "UNTRIAGED"}}}},
                            {"score", {{{"lowerInclusive", 0}}}}}},
                          {"maxResults", 50},
                          {"sortCriteria", {{"field", "SEVERITY"}, {"sortOrder", "DESC"}}}};
  const std::string r = "/v1/resources/" + PercentEncode(kResourceId);
  return {
      {"GET", "/healthz", "/healthz", "", nullptr, 200, ""},
      {"GET", "/metrics", "/metrics", "", nullptr, 200, ""},
      {"GET", "/v1/db/status", "/v1/db/status", "read-only", nullptr, 200, ""},
      {"POST", "/v1/inventories", "/v1/inventories", "analyst", Upload(), 200, ""},
      {"POST", "/v1/inventories", "/v1/inventories", "analyst", Upload(), 200, ""},  // unchanged
      {"GET", "/v1/resources", "/v1/resources?maxResults=1", "read-only", nullptr, 200, ""},
      {"GET", "/v1/resources/{resourceId}", r, "read-only", nullptr, 200, ""},
      {"GET", "/v1/resources/{resourceId}", "/v1/resources/nope", "read-only", nullptr, 404, ""},
      {"GET", "/v1/resources/{resourceId}/inventory", r + "/inventory", "read-only", nullptr, 200,
       ""},
      {"GET", "/v1/resources/{resourceId}/sbom", r + "/sbom", "read-only", nullptr, 200, ""},
      {"GET", "/v1/resources/{resourceId}/sbom", r + "/sbom?format=spdx", "read-only", nullptr, 200,
       ""},
      {"GET", "/v1/resources/{resourceId}/sbom", r + "/sbom?format=xml", "read-only", nullptr, 400,
       ""},
      {"GET", "/v1/findings",
       "/v1/"
       "findings?maxResults=10&sort=SEVERITY&severity=HIGH,UNTRIAGED&status=ACTIVE&resourceId=" +
           PercentEncode(kResourceId) + "&vulnerabilityId=CVE-2024-0004&filterCriteria=" +
           PercentEncode(R"({"fixAvailable":[{"comparison":"EQUALS","value":"YES"}]})"),
       "read-only", nullptr, 200, "finding=/findings/0/findingId"},
      {"GET", "/v1/findings", "/v1/findings?maxResults=0", "read-only", nullptr, 400, ""},
      {"GET", "/v1/findings", "/v1/findings?nextToken=bogus", "read-only", nullptr, 400, ""},
      {"POST", "/v1/findings/list", "/v1/findings/list", "read-only", list_body, 200, ""},
      {"POST",
       "/v1/findings/aggregate",
       "/v1/findings/aggregate",
       "read-only",
       {{"aggregationType", "PACKAGE"}, {"maxResults", 10}},
       200,
       ""},
      {"POST",
       "/v1/findings/report",
       "/v1/findings/report",
       "read-only",
       {{"reportFormat", "JSON"}},
       200,
       ""},
      {"POST",
       "/v1/findings/report",
       "/v1/findings/report",
       "read-only",
       {{"reportFormat", "CSV"},
        {"filterCriteria", {{"resourceType", {{{"comparison", "PREFIX"}, {"value", "root"}}}}}}},
       200,
       ""},
      {"GET", "/v1/findings/{findingId}", "/v1/findings/{finding}", "read-only", nullptr, 200, ""},
      {"GET", "/v1/findings/{findingId}", "/v1/findings/fnd-999999-1", "read-only", nullptr, 404,
       ""},
      {"GET", "/v1/coverage", "/v1/coverage?maxResults=5", "read-only", nullptr, 200, ""},
      {"POST", "/v1/suppression-rules", "/v1/suppression-rules", "analyst", Rule("openssl"), 201,
       "rule=/id"},
      {"POST", "/v1/suppression-rules", "/v1/suppression-rules", "analyst", Rule("openssl"), 400,
       ""},  // the name is taken
      {"GET", "/v1/findings/{findingId}", "/v1/findings/{finding}", "read-only", nullptr, 200,
       ""},  // now SUPPRESSED
      {"GET", "/v1/suppression-rules", "/v1/suppression-rules", "read-only", nullptr, 200, ""},
      {"GET", "/v1/suppression-rules/{ruleId}", "/v1/suppression-rules/{rule}", "read-only",
       nullptr, 200, ""},
      {"PUT", "/v1/suppression-rules/{ruleId}", "/v1/suppression-rules/{rule}", "analyst",
       Rule("openssl-renamed"), 200, ""},
      {"DELETE", "/v1/suppression-rules/{ruleId}", "/v1/suppression-rules/{rule}", "analyst",
       nullptr, 200, ""},
      {"GET", "/v1/events", "/v1/events?maxResults=100", "read-only", nullptr, 200, ""},
      {"GET", "/v1/events", "/v1/events?after=2", "read-only", nullptr, 200, ""},
      {"GET", "/v1/events", "/v1/events?nextToken=x", "read-only", nullptr, 400, ""},
      {"GET", "/v1/accounts", "/v1/accounts", "read-only", nullptr, 200, ""},
      {"POST",
       "/v1/accounts",
       "/v1/accounts",
       "admin",
       {{"id", "acme-eu"}, {"name", "Acme EU"}},
       201,
       ""},
      {"GET", "/v1/keys", "/v1/keys?accountId=acme-eu", "admin", nullptr, 200, ""},
      {"GET", "/v1/keys", "/v1/keys?accountId=other", "admin", nullptr, 404, ""},
      {"POST",
       "/v1/keys",
       "/v1/keys",
       "admin",
       {{"accountId", "acme-eu"}, {"role", "analyst"}, {"name", "ci"}},
       201,
       "key=/id"},
      {"GET", "/v1/keys", "/v1/keys?accountId=acme-eu", "admin", nullptr, 200, ""},
      {"DELETE", "/v1/keys/{keyId}", "/v1/keys/{key}", "admin", nullptr, 200, ""},
      {"DELETE", "/v1/keys/{keyId}", "/v1/keys/key-0000000000000000", "admin", nullptr, 404, ""},
      {"DELETE", "/v1/resources/{resourceId}", r, "analyst", nullptr, 200, ""},
      {"GET", "/v1/findings", "/v1/findings?status=CLOSED", "read-only", nullptr, 200, ""},
      {"GET", "/v1/coverage", "/v1/coverage", "read-only", nullptr, 200, ""},
  };
}

// Replaces each `{name}` of `target` with its captured value.
std::string Expand(std::string target, const std::map<std::string, std::string>& vars) {
  for (const auto& [name, value] : vars) {
    const std::string token = "{" + name + "}";
    for (size_t at; (at = target.find(token)) != std::string::npos;) {
      target.replace(at, token.size(), PercentEncode(value));
    }
  }
  return target;
}

// A concrete path for a template: every {parameter} as `x`.
std::string Dummy(const std::string& path) {
  static const std::regex kParam("\\{[^}]+\\}");
  return std::regex_replace(path, kParam, "x");
}

// ---- tests
// ---------------------------------------------------------------------------------------

class OpenApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(Document().errors.empty()) << base::Join(Document().errors, "\n");
    doc_ = &Document().doc;
    ops_ = Operations(*doc_);
    ASSERT_FALSE(ops_.empty());
  }
  const Operation* Find(const std::string& method, const std::string& path) const {
    for (const auto& o : ops_) {
      if (o.method == Lower(method) && o.path == path) return &o;
    }
    return nullptr;
  }
  const json* doc_ = nullptr;
  std::vector<Operation> ops_;
};

TEST_F(OpenApiTest, Structure) {
  const json& doc = *doc_;
  ASSERT_TRUE(doc.is_object());
  EXPECT_TRUE(std::regex_match(doc.value("openapi", ""), std::regex("3\\.0\\.[0-9]+")))
      << "openapi: " << doc.value("openapi", "");
  ASSERT_TRUE(doc.contains("info"));
  EXPECT_TRUE(doc["info"].value("title", "") != "" && doc["info"].contains("version"));
  ASSERT_TRUE(doc.contains("paths") && doc["paths"].is_object());

  std::set<std::string> ids;
  static const std::regex kParam("\\{([^}]+)\\}");
  for (const auto& o : ops_) {
    SCOPED_TRACE(Upper(o.method) + " " + o.path);
    EXPECT_EQ(o.path.front(), '/');
    const std::string id = o.op.value("operationId", "");
    EXPECT_FALSE(id.empty()) << "no operationId";
    EXPECT_TRUE(ids.insert(id).second) << "operationId " << id << " is used twice";
    const json responses = o.op.value("responses", json::object());
    EXPECT_FALSE(responses.empty()) << "no responses";
    for (const auto& [code, resp] : responses.items()) {
      EXPECT_TRUE(code == "default" || std::regex_match(code, std::regex("[1-5][0-9][0-9]")))
          << "response key " << code;
      EXPECT_TRUE(Resolve(doc, resp).contains("description")) << code << " has no description";
    }
    // Path parameters: each {name} declared (required), and no undeclared ones.
    std::set<std::string> in_path, declared;
    for (auto it = std::sregex_iterator(o.path.begin(), o.path.end(), kParam);
         it != std::sregex_iterator(); ++it) {
      in_path.insert((*it)[1]);
    }
    std::set<std::pair<std::string, std::string>> seen;
    for (const auto& p : o.parameters) {
      EXPECT_TRUE(p.contains("schema") != p.contains("content"))
          << "parameter " << p.value("name", "") << ": exactly one of schema and content";
      if (p.value("in", "") == "path") {
        declared.insert(p.value("name", ""));
        EXPECT_TRUE(p.value("required", false)) << "path parameter " << p.value("name", "");
      }
    }
    EXPECT_EQ(in_path, declared);
    // Every /v1 operation needs a key (the document's default security) and says so.
    if (o.path.rfind("/v1/", 0) == 0) {
      EXPECT_FALSE(o.op.contains("security")) << "a /v1 operation must not override security";
      EXPECT_TRUE(responses.contains("401"));
      EXPECT_TRUE(responses.contains("405"));
    } else {
      EXPECT_TRUE(o.op.contains("security") && o.op["security"].empty());
    }
  }
  EXPECT_FALSE(doc.value("security", json::array()).empty());

  // Every $ref resolves, and every component is used.
  std::vector<std::pair<std::string, std::string>> refs;
  CollectRefs(doc, "", refs);
  std::set<std::string> used;
  for (const auto& [at, ref] : refs) {
    EXPECT_NE(Pointer(doc, ref), nullptr) << at << ": $ref " << ref << " does not resolve";
    used.insert(ref);
  }
  for (const char* kind : {"schemas", "parameters", "responses"}) {
    const json components = doc["components"].value(kind, json::object());
    for (const auto& [name, v] : components.items()) {
      (void)v;
      const std::string ref = std::string("#/components/") + kind + "/" + name;
      EXPECT_TRUE(used.count(ref)) << ref << " is never used";
    }
  }
  const json schemes = doc["components"].value("securitySchemes", json::object());
  for (const auto& req : doc["security"]) {
    for (const auto& [name, scopes] : req.items()) {
      (void)scopes;
      EXPECT_TRUE(schemes.contains(name)) << "security scheme " << name;
    }
  }
}

TEST_F(OpenApiTest, EveryOperationAnswersAsDocumented) {
  ServiceFixture svc;
  ASSERT_TRUE(svc.error().empty()) << svc.error();
  std::map<std::string, std::string> vars = {{"resource", kResourceId}};
  std::set<std::pair<std::string, std::string>> called;
  for (const Call& c : Walkthrough()) {
    const std::string target = Expand(c.target, vars);
    SCOPED_TRACE(c.method + " " + target);
    const Operation* o = Find(c.method, c.path_template);
    ASSERT_NE(o, nullptr) << "the table calls an operation the document does not have: " << c.method
                          << " " << c.path_template;
    called.emplace(o->method, o->path);
    // The table's own requests are valid against the document.
    if (const json* schema = RequestSchema(*doc_, *o); schema && !c.body.is_null()) {
      auto errors = SchemaValidator(*doc_).Check(*schema, c.body, /*strict=*/false);
      EXPECT_TRUE(errors.empty()) << "request body: " << base::Join(errors, "; ");
    }
    if (size_t q = target.find('?'); q != std::string::npos) {
      for (std::string_view piece : base::Split(std::string_view(target).substr(q + 1), '&')) {
        const std::string name(piece.substr(0, piece.find('=')));
        const bool documented =
            std::any_of(o->parameters.begin(), o->parameters.end(), [&](const json& p) {
              return p.value("in", "") == "query" && p.value("name", "") == name;
            });
        EXPECT_TRUE(documented) << "query parameter " << name << " is not documented";
      }
    }
    Reply r = svc.Call(c.method, target, c.role, c.body.is_null() ? "" : c.body.dump());
    EXPECT_EQ(r.status, c.want) << r.body;
    ExpectDocumented(*doc_, *o, r, c.method + " " + target);
    if (!c.capture.empty()) {
      const size_t eq = c.capture.find('=');
      const json body = json::parse(r.body, nullptr, false);
      const json* v = body.is_discarded() ? nullptr : Pointer(body, "#" + c.capture.substr(eq + 1));
      ASSERT_TRUE(v && v->is_string()) << "no " << c.capture << " in " << r.body;
      vars[c.capture.substr(0, eq)] = v->get<std::string>();
    }
  }
  // The table covers exactly the document's operations.
  std::set<std::pair<std::string, std::string>> documented;
  for (const auto& o : ops_) documented.emplace(o.method, o.path);
  for (const auto& [m, p] : documented) {
    EXPECT_TRUE(called.count({m, p})) << "documented but not called: " << Upper(m) << " " << p;
  }
}

TEST_F(OpenApiTest, OtherMethodsAre405AndOtherPaths404) {
  ServiceFixture svc;
  ASSERT_TRUE(svc.error().empty()) << svc.error();
  std::map<std::string, std::set<std::string>> methods_of;  // path -> upper-case methods
  for (const auto& o : ops_) methods_of[o.path].insert(Upper(o.method));
  for (const auto& [path, methods] : methods_of) {
    if (path == "/metrics") continue;  // documented as answering every method
    for (const std::string m : {"GET", "POST", "PUT", "DELETE", "PATCH"}) {
      const Operation* any = Find(*methods.begin(), path);
      Reply r = svc.Call(m, Dummy(path), "admin", m == "GET" || m == "DELETE" ? "" : "{}");
      SCOPED_TRACE(m + " " + Dummy(path));
      if (methods.count(m)) {
        EXPECT_NE(r.status, 405) << r.body;
        EXPECT_EQ(r.body.find("no such endpoint"), std::string::npos) << r.body;
        continue;
      }
      EXPECT_EQ(r.status, 405) << r.body;
      ExpectDocumented(*doc_, *any, r, "405");
      if (path == "/healthz") continue;
      const std::string allow = r.Header("Allow").value_or("");
      std::set<std::string> allowed;
      for (std::string_view a : base::Split(allow, ',')) {
        allowed.insert(std::string(base::Trim(a)));
      }
      EXPECT_EQ(allowed, methods) << "Allow: " << allow;
    }
    // HEAD is answered wherever GET is.
    if (methods.count("GET")) {
      Reply r = svc.Call("HEAD", Dummy(path), "admin");
      EXPECT_NE(r.status, 405) << "HEAD " << path;
    }
  }
  const Operation* health = Find("GET", "/healthz");
  ASSERT_NE(health, nullptr);
  for (const std::string path :
       {"/", "/v1", "/v1/", "/v1/nope", "/v1/inventories/x", "/v1/resources/x/y",
        "/v1/resources/x/inventory/y", "/v1/findings/x/y", "/v1/coverage/x",
        "/v1/suppression-rules/x/y", "/v1/events/x", "/v1/accounts/x", "/v1/keys/x/y", "/v1/db",
        "/v1/db/other", "/v2/findings", "/healthz/x", "/metrics/x"}) {
    Reply r = svc.Call("GET", path, "admin");
    EXPECT_EQ(r.status, 404) << path << ": " << r.body;
    EXPECT_NE(r.body.find("no such endpoint"), std::string::npos) << path << ": " << r.body;
  }
}

TEST_F(OpenApiTest, AuthenticationRolesAndStrictBodies) {
  ServiceFixture svc;
  ASSERT_TRUE(svc.error().empty()) << svc.error();
  std::map<std::pair<std::string, std::string>, json> bodies;
  for (const Call& c : Walkthrough()) {
    if (!c.body.is_null()) bodies.emplace(std::make_pair(Lower(c.method), c.path_template), c.body);
  }
  for (const auto& o : ops_) {
    const std::string m = Upper(o.method);
    const std::string path = Dummy(o.path);
    SCOPED_TRACE(m + " " + path);
    const auto b = bodies.find({o.method, o.path});
    const std::string body = b == bodies.end() ? "" : b->second.dump();
    if (o.path.rfind("/v1/", 0) == 0) {
      Reply r = svc.Call(m, path, "", body);
      EXPECT_EQ(r.status, 401) << r.body;
      ExpectDocumented(*doc_, o, r, "without a key");
    }
    const bool documents_403 = o.op["responses"].contains("403");
    Reply ro = svc.Call(m, path, "read-only", body);
    EXPECT_EQ(ro.status == 403, documents_403) << "read-only key: " << ro.status << " " << ro.body;
    ExpectDocumented(*doc_, o, ro, "read-only key");
    // An unknown field in any object of the body is refused exactly where the request schema
    // closes that object (additionalProperties: false).
    if (const json* schema = RequestSchema(*doc_, o); schema && b != bodies.end()) {
      std::vector<std::pair<std::string, const json*>> objects;
      BodyObjects(*doc_, *schema, b->second, "", objects);
      for (const auto& [ptr, object_schema] : objects) {
        SCOPED_TRACE("unknown field at " + (ptr.empty() ? "/" : ptr));
        const auto a = object_schema->find("additionalProperties");
        const bool closed = a != object_schema->end() && a->is_boolean() && !a->get<bool>();
        // A map's entries must still be valid values.
        const bool string_map = a != object_schema->end() && a->is_object() &&
                                Resolve(*doc_, *a).value("type", "") == "string";
        json extra = b->second;
        extra[json::json_pointer(ptr)]["unexpectedField"] = string_map ? json("x") : json(1);
        EXPECT_EQ(SchemaValidator(*doc_).Check(*schema, extra, false).empty(), !closed);
        Reply r = svc.Call(m, path, "admin", extra.dump());
        const bool refused = r.status == 400 && r.body.find("unexpectedField") != std::string::npos;
        EXPECT_EQ(refused, closed) << r.status << " " << r.body;
        ExpectDocumented(*doc_, o, r, "unknown field");
      }
    }
  }
}

// The validator itself, on the document's own schemas.
TEST_F(OpenApiTest, ValidatorCatchesMismatches) {
  const SchemaValidator v(*doc_);
  const json err = {{"$ref", "#/components/schemas/Error"}};
  EXPECT_TRUE(v.Check(err, {{"error", {{"code", "NotFound"}, {"message", "m"}}}}, true).empty());
  EXPECT_FALSE(v.Check(err, {{"error", {{"code", "Nope"}, {"message", "m"}}}}, true).empty());
  EXPECT_FALSE(v.Check(err, {{"error", {{"code", "NotFound"}}}}, true).empty());
  const json account = {{"$ref", "#/components/schemas/Account"}};
  const json a = {{"id", "x"}, {"name", "x"}, {"parent", nullptr}, {"createdAt", kNow}};
  EXPECT_TRUE(v.Check(account, a, true).empty());
  json extra = a;
  extra["surprise"] = 1;
  EXPECT_FALSE(v.Check(account, extra, true).empty());
  EXPECT_TRUE(v.Check(account, extra, false).empty());
  json bad_time = a;
  bad_time["createdAt"] = "yesterday";
  EXPECT_FALSE(v.Check(account, bad_time, true).empty());
  const json key = {{"$ref", "#/components/schemas/NewApiKey"}};
  json k = {{"id", "key-1"},        {"accountId", "a"},       {"role", "admin"},
            {"name", ""},           {"createdAt", kNow},      {"lastUsedAt", nullptr},
            {"revokedAt", nullptr}, {"secret", "assay_key-1"}};
  EXPECT_TRUE(v.Check(key, k, true).empty()) << base::Join(v.Check(key, k, true), "; ");
  k.erase("secret");
  EXPECT_FALSE(v.Check(key, k, true).empty());
  const json crit = {{"$ref", "#/components/schemas/FilterCriteria"}};
  EXPECT_TRUE(v.Check(crit, {{"updatedAt", {{{"startInclusive", 1700000000}}}}}, false).empty());
  EXPECT_FALSE(v.Check(crit, {{"updatedAt", json::array()}}, false).empty());
  EXPECT_FALSE(
      v.Check(crit, {{"awsAccountId", {{{"comparison", "EQUALS"}, {"value", "x"}}}}}, false)
          .empty());
  const json rule = {{"$ref", "#/components/schemas/SuppressionRuleInput"}};
  EXPECT_FALSE(
      v.Check(rule, {{"name", "n"}, {"reason", "r"}, {"filterCriteria", json::object()}}, false)
          .empty());
  EXPECT_FALSE(
      v.Check(rule, {{"name", "n"}, {"reason", "r"}, {"filterCriteria", nullptr}}, false).empty());
}

}  // namespace
}  // namespace assay::server
