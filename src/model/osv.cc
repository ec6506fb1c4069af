// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include "model/osv.h"

#include <simdjson.h>

#include <nlohmann/json.hpp>

namespace assay::model {
namespace {

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;

// simdjson needs SIMDJSON_PADDING readable bytes past the input; the thread's parser reuses its
// buffers across calls.
simdjson::dom::parser& ThreadParser() {
  static thread_local simdjson::dom::parser parser;
  return parser;
}

std::string Str(const object& o, std::string_view key) {
  std::string_view v;
  if (o[key].get_string().get(v) == simdjson::SUCCESS) return std::string(v);
  return {};
}

std::string Raw(const object& o, std::string_view key) {
  element e;
  if (o[key].get(e) != simdjson::SUCCESS || e.is_null()) return {};
  return simdjson::minify(e);
}

std::vector<std::string> Strings(const object& o, std::string_view key) {
  std::vector<std::string> out;
  array a;
  if (o[key].get_array().get(a) != simdjson::SUCCESS) return out;
  for (element e : a) {
    std::string_view s;
    if (e.get_string().get(s) == simdjson::SUCCESS) out.emplace_back(s);
  }
  return out;
}

std::vector<OsvSeverity> Severities(const object& o) {
  std::vector<OsvSeverity> out;
  array a;
  if (o["severity"].get_array().get(a) != simdjson::SUCCESS) return out;
  for (element e : a) {
    object so;
    if (e.get_object().get(so) != simdjson::SUCCESS) continue;
    out.push_back({Str(so, "type"), Str(so, "score")});
  }
  return out;
}

OsvRange::Type RangeType(std::string_view t) {
  if (t == "ECOSYSTEM") return OsvRange::Type::kEcosystem;
  if (t == "SEMVER") return OsvRange::Type::kSemver;
  if (t == "GIT") return OsvRange::Type::kGit;
  return OsvRange::Type::kUnknown;
}

base::Status ParseRange(const object& ro, OsvRange& r) {
  r.type_name = Str(ro, "type");
  r.type = RangeType(r.type_name);
  r.repo = Str(ro, "repo");
  array events;
  if (ro["events"].get_array().get(events) != simdjson::SUCCESS) {
    return base::Status::Corruption("range without events");
  }
  for (element e : events) {
    object eo;
    if (e.get_object().get(eo) != simdjson::SUCCESS) {
      return base::Status::Corruption("range event is not an object");
    }
    for (auto field : eo) {
      std::string_view v;
      if (field.value.get_string().get(v) != simdjson::SUCCESS) {
        return base::Status::Corruption("range event value is not a string");
      }
      OsvEvent ev;
      if (field.key == "introduced") {
        ev.kind = OsvEvent::Kind::kIntroduced;
      } else if (field.key == "fixed") {
        ev.kind = OsvEvent::Kind::kFixed;
      } else if (field.key == "last_affected") {
        ev.kind = OsvEvent::Kind::kLastAffected;
      } else if (field.key == "limit") {
        ev.kind = OsvEvent::Kind::kLimit;
      } else {
        continue;  // unknown event kinds are ignored, as the schema allows extension
      }
      ev.version = std::string(v);
      r.events.push_back(std::move(ev));
    }
  }
  return base::Status::Ok();
}

}  // namespace

base::Result<Advisory> ParseOsv(std::string_view json) {
  simdjson::padded_string padded(json);
  element doc;
  if (auto err = ThreadParser().parse(padded).get(doc); err != simdjson::SUCCESS) {
    return base::Status::Corruption(std::string("invalid JSON: ") + simdjson::error_message(err));
  }
  object o;
  if (doc.get_object().get(o) != simdjson::SUCCESS) {
    return base::Status::Corruption("record is not a JSON object");
  }
  Advisory a;
  a.id = Str(o, "id");
  if (a.id.empty()) return base::Status::Corruption("record has no \"id\"");
  a.modified = Str(o, "modified");  // required by the schema; callers decide how to treat absence
  a.schema_version = Str(o, "schema_version");
  a.published = Str(o, "published");
  a.withdrawn = Str(o, "withdrawn");
  a.aliases = Strings(o, "aliases");
  a.related = Strings(o, "related");
  a.summary = Str(o, "summary");
  a.details = Str(o, "details");
  a.severity = Severities(o);
  a.database_specific = Raw(o, "database_specific");

  array refs;
  if (o["references"].get_array().get(refs) == simdjson::SUCCESS) {
    for (element e : refs) {
      object ro;
      if (e.get_object().get(ro) == simdjson::SUCCESS) {
        a.references.push_back({Str(ro, "type"), Str(ro, "url")});
      }
    }
  }

  array affected;
  if (o["affected"].get_array().get(affected) == simdjson::SUCCESS) {
    size_t index = 0;
    for (element e : affected) {
      object ao;
      if (e.get_object().get(ao) != simdjson::SUCCESS) {
        return base::Status::Corruption(a.id + ": affected[" + std::to_string(index) +
                                        "] is not an object");
      }
      OsvAffected af;
      object pkg;
      if (ao["package"].get_object().get(pkg) == simdjson::SUCCESS) {
        af.ecosystem = Str(pkg, "ecosystem");
        af.name = Str(pkg, "name");
        af.purl = Str(pkg, "purl");
      }
      array ranges;
      if (ao["ranges"].get_array().get(ranges) == simdjson::SUCCESS) {
        size_t ri = 0;
        for (element re : ranges) {
          object ro;
          OsvRange r;
          base::Status s = re.get_object().get(ro) == simdjson::SUCCESS
                               ? ParseRange(ro, r)
                               : base::Status::Corruption("range is not an object");
          if (!s.ok()) {
            return s.WithContext(a.id + ": affected[" + std::to_string(index) + "].ranges[" +
                                 std::to_string(ri) + "]");
          }
          af.ranges.push_back(std::move(r));
          ++ri;
        }
      }
      af.versions = Strings(ao, "versions");
      af.severity = Severities(ao);
      af.ecosystem_specific = Raw(ao, "ecosystem_specific");
      af.database_specific = Raw(ao, "database_specific");
      a.affected.push_back(std::move(af));
      ++index;
    }
  }
  return a;
}

std::string ToOsvJson(const Advisory& a) {
  using nlohmann::json;
  auto raw = [](const std::string& s) { return s.empty() ? json() : json::parse(s, nullptr, false); };
  auto sev = [](const std::vector<OsvSeverity>& v) {
    json out = json::array();
    for (const auto& s : v) out.push_back({{"type", s.type}, {"score", s.score}});
    return out;
  };
  json j;
  j["id"] = a.id;
  if (!a.schema_version.empty()) j["schema_version"] = a.schema_version;
  j["modified"] = a.modified;
  if (!a.published.empty()) j["published"] = a.published;
  if (!a.withdrawn.empty()) j["withdrawn"] = a.withdrawn;
  if (!a.aliases.empty()) j["aliases"] = a.aliases;
  if (!a.related.empty()) j["related"] = a.related;
  if (!a.summary.empty()) j["summary"] = a.summary;
  if (!a.details.empty()) j["details"] = a.details;
  if (!a.severity.empty()) j["severity"] = sev(a.severity);
  json affected = json::array();
  for (const auto& af : a.affected) {
    json aj;
    json pkg = json::object();
    if (!af.ecosystem.empty()) pkg["ecosystem"] = af.ecosystem;
    if (!af.name.empty()) pkg["name"] = af.name;
    if (!af.purl.empty()) pkg["purl"] = af.purl;
    aj["package"] = pkg;
    if (!af.severity.empty()) aj["severity"] = sev(af.severity);
    json ranges = json::array();
    for (const auto& r : af.ranges) {
      json rj{{"type", r.type_name}};
      if (!r.repo.empty()) rj["repo"] = r.repo;
      json evs = json::array();
      for (const auto& e : r.events) {
        const char* k = e.kind == OsvEvent::Kind::kIntroduced     ? "introduced"
                        : e.kind == OsvEvent::Kind::kFixed        ? "fixed"
                        : e.kind == OsvEvent::Kind::kLastAffected ? "last_affected"
                                                                  : "limit";
        evs.push_back({{k, e.version}});
      }
      rj["events"] = evs;
      ranges.push_back(rj);
    }
    if (!ranges.empty()) aj["ranges"] = ranges;
    if (!af.versions.empty()) aj["versions"] = af.versions;
    if (!af.ecosystem_specific.empty()) aj["ecosystem_specific"] = raw(af.ecosystem_specific);
    if (!af.database_specific.empty()) aj["database_specific"] = raw(af.database_specific);
    affected.push_back(aj);
  }
  if (!affected.empty()) j["affected"] = affected;
  if (!a.references.empty()) {
    json refs = json::array();
    for (const auto& r : a.references) refs.push_back({{"type", r.type}, {"url", r.url}});
    j["references"] = refs;
  }
  if (!a.database_specific.empty()) j["database_specific"] = raw(a.database_specific);
  return j.dump();
}

}  // namespace assay::model
