// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors

// GCC 12 reports moves of std::optional<assess::EvalStats> as maybe-uninitialized (a known
// false positive of its optional/vector analysis at -O2).
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include "server/service.h"

#include <algorithm>
#include <map>
#include <vector>

#include "api/codec.h"
#include "base/log.h"
#include "base/strings.h"
#include "inventory/inventory_json.h"
#include "report/render.h"
#include "report/scan_result.h"

namespace assay::server {

using api::Json;
using base::HttpServerRequest;
using base::HttpServerResponse;
using nlohmann::json;

// ---- AdvisoryState -----------------------------------------------------------------------------

AdvisoryState::AdvisoryState(findings::Store& store, std::filesystem::path db_path)
    : store_(store), path_(std::move(db_path)) {}

base::Result<std::shared_ptr<AdvisoryState::Current>> AdvisoryState::OpenCurrent() {
  auto cur = std::make_shared<Current>();
  ASSAY_ASSIGN_OR_RETURN(cur->db, advisories::AdvisoryDb::Open(path_));
  ASSAY_ASSIGN_OR_RETURN(auto info, cur->db->GetBuildInfo());
  cur->build_id = info.build_id;
  cur->build_time = info.build_time;
  cur->evaluator = std::make_unique<assess::Evaluator>(store_, *cur->db);
  ASSAY_RETURN_IF_ERROR(cur->evaluator->Init());
  return cur;
}

base::Result<std::optional<assess::EvalStats>> AdvisoryState::Load(std::string_view now) {
  std::lock_guard<std::mutex> rl(refresh_mu_);
  ASSAY_ASSIGN_OR_RETURN(auto cur, OpenCurrent());
  std::optional<assess::EvalStats> stats;
  ASSAY_ASSIGN_OR_RETURN(auto applied, store_.GetMeta("advisory_build"));
  if (applied.value_or("") != cur->build_id) {
    ASSAY_ASSIGN_OR_RETURN(stats, cur->evaluator->RematchAll(now));
  }
  std::lock_guard<std::mutex> lock(mu_);
  current_ = std::move(cur);
  return stats;
}

base::Result<std::optional<assess::EvalStats>> AdvisoryState::Refresh(std::string_view now) {
  std::lock_guard<std::mutex> rl(refresh_mu_);
  auto old = current();
  auto probe = advisories::AdvisoryDb::Open(path_);
  if (!probe.ok()) return probe.status();
  ASSAY_ASSIGN_OR_RETURN(auto info, (*probe)->GetBuildInfo());
  if (old && info.build_id == old->build_id) return std::optional<assess::EvalStats>();
  ASSAY_ASSIGN_OR_RETURN(auto cur, OpenCurrent());
  assess::EvalStats stats;
  if (old) {
    ASSAY_ASSIGN_OR_RETURN(stats, cur->evaluator->ApplyDbChange(*old->db, now));
  } else {
    ASSAY_ASSIGN_OR_RETURN(stats, cur->evaluator->RematchAll(now));
  }
  std::lock_guard<std::mutex> lock(mu_);
  current_ = std::move(cur);
  return std::optional<assess::EvalStats>(std::move(stats));
}

std::shared_ptr<const AdvisoryState::Current> AdvisoryState::current() const {
  std::lock_guard<std::mutex> lock(mu_);
  return current_;
}

// ---- routing helpers ---------------------------------------------------------------------------

namespace {

struct HttpError {
  int status;
  std::string code;
  std::string message;
};

HttpServerResponse JsonResponse(int status, const Json& body) {
  HttpServerResponse r;
  r.status = status;
  r.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  return r;
}

HttpServerResponse ErrorResponse(int status, std::string_view code, std::string_view message) {
  HttpServerResponse r;
  r.status = status;
  r.body = api::ErrorBody(code, message);
  if (status == 401) r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"assay\"");
  return r;
}

HttpServerResponse FromStatus(const base::Status& st) {
  switch (st.code()) {
    case base::Code::kInvalidArgument:
      return ErrorResponse(400, "InvalidArgument", st.message());
    case base::Code::kNotFound:
      return ErrorResponse(404, "NotFound", st.message());
    case base::Code::kNotSupported:
      return ErrorResponse(400, "NotSupported", st.message());
    case base::Code::kUnavailable:
      return ErrorResponse(503, "Unavailable", "the service is temporarily unavailable");
    default:
      base::LogLine(base::LogLevel::kError, "request failed: " + st.ToString());
      return ErrorResponse(500, "Internal", "internal error");
  }
}

std::string PercentDecode(std::string_view s, bool* ok) {
  std::string out;
  *ok = true;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%') {
      if (i + 2 >= s.size()) {
        *ok = false;
        return "";
      }
      auto hex = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
      };
      int hi = hex(s[i + 1]), lo = hex(s[i + 2]);
      if (hi < 0 || lo < 0) {
        *ok = false;
        return "";
      }
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

std::vector<std::string> Segments(std::string_view path, bool* ok) {
  std::vector<std::string> out;
  *ok = true;
  for (std::string_view piece : base::Split(path, '/')) {
    if (piece.empty()) continue;
    bool seg_ok = true;
    out.push_back(PercentDecode(piece, &seg_ok));
    if (!seg_ok) *ok = false;
  }
  return out;
}

base::Result<int> MaxResults(const HttpServerRequest& req, const json* body, int def) {
  std::optional<std::int64_t> v;
  if (body && body->contains("maxResults") && !(*body)["maxResults"].is_null()) {
    if (!(*body)["maxResults"].is_number_integer()) {
      return base::Status::InvalidArgument("maxResults: must be an integer");
    }
    v = (*body)["maxResults"].get<std::int64_t>();
  } else if (auto q = req.QueryParam("maxResults")) {
    std::int64_t n = 0;
    if (!base::ParseInt64(*q, &n))
      return base::Status::InvalidArgument("maxResults: not an integer");
    v = n;
  }
  if (!v) return def;
  if (*v < 1 || *v > 1000) return base::Status::InvalidArgument("maxResults: 1 to 1000");
  return static_cast<int>(*v);
}

// The page token: the body's nextToken (a string) when the body has one, else the query's.
base::Result<std::string> NextToken(const HttpServerRequest& req, const json* body) {
  if (body && body->contains("nextToken") && !(*body)["nextToken"].is_null()) {
    return api::StringField(*body, "nextToken", "");
  }
  return req.QueryParam("nextToken").value_or("");
}

}  // namespace

// ---- the service -------------------------------------------------------------------------------

struct Service::Impl {
  findings::Store& store;
  AdvisoryState& advisories;
  base::MetricsRegistry* metrics;
  ServiceOptions options;

  std::string Now() const { return options.clock(); }

  HttpServerResponse Handle(const HttpServerRequest& req);
  HttpServerResponse Route(const HttpServerRequest& req, const findings::Principal& who,
                           const std::vector<std::string>& seg);

  // Handlers.
  HttpServerResponse UploadInventory(const HttpServerRequest& req, const findings::Principal& who);
  HttpServerResponse ListResources(const HttpServerRequest& req, const findings::Principal& who);
  HttpServerResponse GetResource(const findings::Principal& who, const std::string& id);
  HttpServerResponse DeleteResource(const findings::Principal& who, const std::string& id);
  HttpServerResponse GetInventory(const findings::Principal& who, const std::string& id);
  HttpServerResponse GetSbom(const HttpServerRequest& req, const findings::Principal& who,
                             const std::string& id);
  HttpServerResponse ListFindings(const HttpServerRequest& req, const findings::Principal& who);
  HttpServerResponse GetFinding(const findings::Principal& who, const std::string& id);
  HttpServerResponse Aggregate(const HttpServerRequest& req, const findings::Principal& who);
  HttpServerResponse Report(const HttpServerRequest& req, const findings::Principal& who);
  HttpServerResponse Coverage(const HttpServerRequest& req, const findings::Principal& who);
  HttpServerResponse ListRules(const findings::Principal& who);
  HttpServerResponse PutRule(const HttpServerRequest& req, const findings::Principal& who,
                             const std::string& id);
  HttpServerResponse GetRule(const findings::Principal& who, const std::string& id);
  HttpServerResponse DeleteRule(const findings::Principal& who, const std::string& id);
  HttpServerResponse Events(const HttpServerRequest& req, const findings::Principal& who);
  HttpServerResponse Accounts(const HttpServerRequest& req, const findings::Principal& who);
  HttpServerResponse Keys(const HttpServerRequest& req, const findings::Principal& who,
                          const std::vector<std::string>& seg);
  HttpServerResponse DbStatus();

  // The account a write goes to: `requested` when visible to the caller, else the caller's own.
  base::Result<std::string> TargetAccount(const findings::Principal& who,
                                          const std::string& requested) const {
    if (requested.empty()) return who.account_id;
    if (!who.CanSee(requested)) {
      return base::Status::NotFound("account " + requested + " not found");
    }
    return requested;
  }
};

Service::Service(findings::Store& store, AdvisoryState& advisories, base::MetricsRegistry* metrics,
                 ServiceOptions options)
    : impl_(new Impl{store, advisories, metrics, std::move(options)}) {
  if (!impl_->options.clock) {
    impl_->options.clock = [] { return findings::FormatTime(std::chrono::system_clock::now()); };
  }
}

Service::~Service() = default;

HttpServerResponse Service::Handle(const HttpServerRequest& req) {
  HttpServerResponse r = impl_->Handle(req);
  // The store's messages name its file or its server and quote SQL: log them, never send them.
  const std::string where = impl_->store.Describe();
  if (r.status >= 400 && !where.empty() && r.body.find(where) != std::string::npos) {
    base::LogLine(base::LogLevel::kWarning,
                  "request " + req.method + " " + req.path + " refused: " + r.body);
    r.body = api::ErrorBody(r.status == 404  ? "NotFound"
                            : r.status < 500 ? "InvalidArgument"
                                             : "Internal",
                            "the state store refused a value of this request");
  }
  return r;
}

HttpServerResponse Service::Impl::Handle(const HttpServerRequest& req) {
  try {
    if (req.path == "/healthz") {
      if (req.method != "GET" && req.method != "HEAD") {
        HttpServerResponse r = ErrorResponse(405, "MethodNotAllowed", "use GET on /healthz");
        r.headers.emplace_back("Allow", "GET, HEAD");
        return r;
      }
      auto cur = advisories.current();
      // Unauthenticated: names the kind of store only, never its path, host or user.
      return JsonResponse(
          200, Json{{"status", "ok"},
                    {"advisoryBuild", cur ? cur->build_id : ""},
                    {"store", store.dialect() == findings::sql::Dialect::kPostgres ? "postgres"
                                                                                   : "sqlite"}});
    }
    if (req.path == "/metrics") {
      HttpServerResponse r;
      r.content_type = "text/plain; version=0.0.4; charset=utf-8";
      r.body = metrics ? metrics->RenderPrometheus() : "";
      return r;
    }
    bool ok = true;
    std::vector<std::string> seg = Segments(req.path, &ok);
    if (!ok) return ErrorResponse(400, "InvalidArgument", "malformed percent-encoding in path");
    for (const std::string& piece : seg) {
      if (piece.find('\0') != std::string::npos) {
        return ErrorResponse(400, "InvalidArgument", "path: must not contain NUL characters");
      }
    }
    if (seg.empty() || seg[0] != "v1") {
      return ErrorResponse(404, "NotFound", "no such endpoint: " + req.path);
    }
    // Authentication.
    std::string key;
    if (auto h = req.Header("authorization")) {
      std::string_view v = *h;
      if (v.size() > 7 && base::StartsWithIgnoreCase(v, "Bearer ")) key = base::Trim(v.substr(7));
    } else if (auto x = req.Header("x-api-key")) {
      key = base::Trim(*x);
    }
    if (key.empty()) {
      return ErrorResponse(401, "Unauthorized",
                           "missing API key: send 'Authorization: Bearer <key>'");
    }
    auto who = store.Authenticate(key, Now());
    if (!who.ok()) {
      if (who.status().code() == base::Code::kNotFound) {
        return ErrorResponse(401, "Unauthorized", "unknown or revoked API key");
      }
      return FromStatus(who.status());
    }
    return Route(req, *who, seg);
  } catch (const std::exception& e) {
    base::LogLine(base::LogLevel::kError, std::string("request failed: ") + e.what());
    return ErrorResponse(500, "Internal", "internal error");
  }
}

HttpServerResponse Service::Impl::Route(const HttpServerRequest& req,
                                        const findings::Principal& who,
                                        const std::vector<std::string>& seg) {
  const std::string& m = req.method;
  const bool get = m == "GET" || m == "HEAD";
  const bool post = m == "POST", del = m == "DELETE", put = m == "PUT";
  auto method_not_allowed = [&](std::string_view allowed) {
    HttpServerResponse r =
        ErrorResponse(405, "MethodNotAllowed", "use " + std::string(allowed) + " on " + req.path);
    r.headers.emplace_back("Allow", std::string(allowed));
    return r;
  };
  auto need = [&](findings::Role role) -> std::optional<HttpServerResponse> {
    auto rank = [](findings::Role r) {
      return r == findings::Role::kAdmin ? 2 : r == findings::Role::kAnalyst ? 1 : 0;
    };
    if (rank(who.role) >= rank(role)) return std::nullopt;
    return ErrorResponse(403, "Forbidden",
                         "this key's role (" + std::string(findings::RoleName(who.role)) +
                             ") cannot do this; it needs " + std::string(findings::RoleName(role)));
  };
  const size_t n = seg.size();
  const std::string& a = n > 1 ? seg[1] : "";
  if (a == "inventories" && n == 2) {
    if (!post) return method_not_allowed("POST");
    if (auto e = need(findings::Role::kAnalyst)) return *e;
    return UploadInventory(req, who);
  }
  if (a == "resources") {
    if (n == 2) {
      if (!get) return method_not_allowed("GET");
      return ListResources(req, who);
    }
    if (n == 3) {
      if (get) return GetResource(who, seg[2]);
      if (del) {
        if (auto e = need(findings::Role::kAnalyst)) return *e;
        return DeleteResource(who, seg[2]);
      }
      return method_not_allowed("GET, DELETE");
    }
    if (n == 4 && seg[3] == "inventory") {
      if (!get) return method_not_allowed("GET");
      return GetInventory(who, seg[2]);
    }
    if (n == 4 && seg[3] == "sbom") {
      if (!get) return method_not_allowed("GET");
      return GetSbom(req, who, seg[2]);
    }
  }
  if (a == "findings") {
    if (n == 2) {
      if (!get) return method_not_allowed("GET");
      return ListFindings(req, who);
    }
    if (n == 3 && seg[2] == "list") {
      if (!post) return method_not_allowed("POST");
      return ListFindings(req, who);
    }
    if (n == 3 && seg[2] == "aggregate") {
      if (!post) return method_not_allowed("POST");
      return Aggregate(req, who);
    }
    if (n == 3 && seg[2] == "report") {
      if (!post) return method_not_allowed("POST");
      return Report(req, who);
    }
    if (n == 3) {
      if (!get) return method_not_allowed("GET");
      return GetFinding(who, seg[2]);
    }
  }
  if (a == "coverage" && n == 2) {
    if (!get) return method_not_allowed("GET");
    return Coverage(req, who);
  }
  if (a == "suppression-rules") {
    if (n == 2) {
      if (get) return ListRules(who);
      if (post) {
        if (auto e = need(findings::Role::kAnalyst)) return *e;
        return PutRule(req, who, "");
      }
      return method_not_allowed("GET, POST");
    }
    if (n == 3) {
      if (get) return GetRule(who, seg[2]);
      if (put) {
        if (auto e = need(findings::Role::kAnalyst)) return *e;
        return PutRule(req, who, seg[2]);
      }
      if (del) {
        if (auto e = need(findings::Role::kAnalyst)) return *e;
        return DeleteRule(who, seg[2]);
      }
      return method_not_allowed("GET, PUT, DELETE");
    }
  }
  if (a == "events" && n == 2) {
    if (!get) return method_not_allowed("GET");
    return Events(req, who);
  }
  if (a == "accounts" && n == 2) {
    if (get) return Accounts(req, who);
    if (post) {
      if (auto e = need(findings::Role::kAdmin)) return *e;
      return Accounts(req, who);
    }
    return method_not_allowed("GET, POST");
  }
  if (a == "keys" && (n == 2 || n == 3)) {
    if (auto e = need(findings::Role::kAdmin)) return *e;
    if (n == 2 && !get && !post) return method_not_allowed("GET, POST");
    if (n == 3 && !del) return method_not_allowed("DELETE");
    return Keys(req, who, seg);
  }
  if (a == "db" && n == 3 && seg[2] == "status") {
    if (!get) return method_not_allowed("GET");
    return DbStatus();
  }
  return ErrorResponse(404, "NotFound", "no such endpoint: " + req.path);
}

namespace {

base::Result<json> ParseBody(const HttpServerRequest& req, bool allow_empty) {
  if (req.body.empty() || base::Trim(req.body).empty()) {
    if (allow_empty) return json::object();
    return base::Status::InvalidArgument("body: a JSON object is required");
  }
  ASSAY_RETURN_IF_ERROR(api::CheckJsonDepth(req.body, "body"));
  json j = json::parse(req.body, nullptr, false);
  if (j.is_discarded()) return base::Status::InvalidArgument("body: not valid JSON");
  if (!j.is_object()) return base::Status::InvalidArgument("body: must be a JSON object");
  ASSAY_RETURN_IF_ERROR(api::CheckNoNul(j, ""));
  return j;
}

}  // namespace

HttpServerResponse Service::Impl::UploadInventory(const HttpServerRequest& req,
                                                  const findings::Principal& who) {
  auto upload = api::ParseInventoryUpload(req.body);
  if (!upload.ok()) return FromStatus(upload.status());
  auto account = TargetAccount(who, upload->resource.account_id);
  if (!account.ok()) return FromStatus(account.status());
  upload->resource.account_id = *account;
  auto cur = advisories.current();
  if (!cur) return ErrorResponse(503, "Unavailable", "no advisory DB loaded yet");
  auto result = cur->evaluator->Submit(upload->resource, upload->inventory, Now());
  if (!result.ok()) return FromStatus(result.status());
  if (metrics) metrics->GetCounter("assay_inventories_total", "Inventories received").Inc();
  Json body;
  body["resource"] = api::ResourceToJson(result->resource);
  body["changes"] = api::ChangesToJson(result->stats.changes);
  body["packagesMatched"] = result->stats.packages_matched;
  Json warnings = Json::array();
  for (const auto& w : result->stats.warnings) {
    warnings.push_back({{"location", w.location}, {"message", w.message}});
  }
  body["warnings"] = std::move(warnings);
  return JsonResponse(200, body);
}

HttpServerResponse Service::Impl::ListResources(const HttpServerRequest& req,
                                                const findings::Principal& who) {
  auto limit = MaxResults(req, nullptr, 100);
  if (!limit.ok()) return FromStatus(limit.status());
  auto page = store.ListResources(who.visible_accounts, *NextToken(req, nullptr), *limit);
  if (!page.ok()) return FromStatus(page.status());
  Json items = Json::array();
  for (const auto& r : page->items) items.push_back(api::ResourceToJson(r));
  Json body{{"resources", std::move(items)}};
  body["nextToken"] = page->next_cursor.empty() ? Json(nullptr) : Json(page->next_cursor);
  return JsonResponse(200, body);
}

HttpServerResponse Service::Impl::GetResource(const findings::Principal& who,
                                              const std::string& id) {
  auto r = store.GetResource(who.visible_accounts, id);
  if (!r.ok()) return FromStatus(r.status());
  return JsonResponse(200, api::ResourceToJson(*r));
}

HttpServerResponse Service::Impl::DeleteResource(const findings::Principal& who,
                                                 const std::string& id) {
  auto r = store.GetResource(who.visible_accounts, id);
  if (!r.ok()) return FromStatus(r.status());
  auto st = store.DeleteResource(r->account_id, id, Now());
  if (!st.ok()) return FromStatus(st.status());
  return JsonResponse(200, Json{{"deleted", id}, {"changes", api::ChangesToJson(*st)}});
}

HttpServerResponse Service::Impl::GetInventory(const findings::Principal& who,
                                               const std::string& id) {
  auto r = store.GetResource(who.visible_accounts, id);
  if (!r.ok()) return FromStatus(r.status());
  auto inv = store.GetInventory(r->pk);
  if (!inv.ok()) return FromStatus(inv.status());
  return JsonResponse(200, inventory::InventoryToJson(*inv));
}

HttpServerResponse Service::Impl::GetSbom(const HttpServerRequest& req,
                                          const findings::Principal& who, const std::string& id) {
  std::string format = req.QueryParam("format").value_or("cyclonedx");
  if (format != "cyclonedx" && format != "spdx") {
    return ErrorResponse(400, "InvalidArgument", "format: cyclonedx or spdx");
  }
  auto r = store.GetResource(who.visible_accounts, id);
  if (!r.ok()) return FromStatus(r.status());
  auto inv = store.GetInventory(r->pk);
  if (!inv.ok()) return FromStatus(inv.status());
  report::ScanResult sr;
  sr.resource.type = r->type;
  sr.resource.id = r->id;
  sr.resource.path = r->name.empty() ? r->id : r->name;
  sr.resource.scanned_at = r->inventory_at.empty() ? Now() : r->inventory_at;
  sr.inventory = std::move(*inv);
  sr.vulnerability_scan = false;
  report::RenderOptions ro;
  HttpServerResponse out;
  out.body = format == "spdx" ? report::RenderSpdx(sr, ro) : report::RenderCycloneDx(sr, ro);
  out.content_type = format == "spdx" ? "application/spdx+json" : "application/vnd.cyclonedx+json";
  return out;
}

namespace {

// Filter criteria from a POST body ("filterCriteria") or GET query parameters: filterCriteria
// (JSON text) and the shorthands severity, status, resourceId, vulnerabilityId (comma lists).
base::Result<findings::FilterCriteria> CriteriaFrom(const HttpServerRequest& req,
                                                    const json* body) {
  if (body) {
    auto it = body->find("filterCriteria");
    if (it == body->end() || it->is_null()) return findings::FilterCriteria{};
    return findings::ParseFilterCriteria(*it);
  }
  json crit = json::object();
  if (auto fc = req.QueryParam("filterCriteria")) {
    ASSAY_RETURN_IF_ERROR(api::CheckJsonDepth(*fc, "filterCriteria"));
    crit = json::parse(*fc, nullptr, false);
    if (crit.is_discarded() || !crit.is_object()) {
      return base::Status::InvalidArgument("filterCriteria: not a JSON object");
    }
  }
  const std::pair<const char*, const char*> shorthands[] = {{"severity", "severity"},
                                                            {"status", "findingStatus"},
                                                            {"resourceId", "resourceId"},
                                                            {"vulnerabilityId", "vulnerabilityId"}};
  for (const auto& [param, criterion] : shorthands) {
    auto v = req.QueryParam(param);
    if (!v) continue;
    json list = json::array();
    for (auto piece : base::Split(*v, ',')) {
      if (!piece.empty()) list.push_back({{"comparison", "EQUALS"}, {"value", std::string(piece)}});
    }
    crit[criterion] = list;
  }
  return findings::ParseFilterCriteria(crit);
}

}  // namespace

HttpServerResponse Service::Impl::ListFindings(const HttpServerRequest& req,
                                               const findings::Principal& who) {
  std::optional<json> body;
  if (req.method == "POST") {
    auto b = ParseBody(req, true);
    if (!b.ok()) return FromStatus(b.status());
    auto st =
        api::CheckObject(*b, {"filterCriteria", "maxResults", "nextToken", "sortCriteria"}, "");
    if (!st.ok()) return FromStatus(st);
    body = std::move(*b);
  }
  const json* bp = body ? &*body : nullptr;
  auto limit = MaxResults(req, bp, 100);
  if (!limit.ok()) return FromStatus(limit.status());
  auto crit = CriteriaFrom(req, bp);
  if (!crit.ok()) return FromStatus(crit.status());
  findings::ListOptions o;
  o.accounts = who.visible_accounts;
  o.criteria = std::move(*crit);
  auto token = NextToken(req, bp);
  if (!token.ok()) return FromStatus(token.status());
  o.cursor = std::move(*token);
  o.limit = *limit;
  std::string sort = req.QueryParam("sort").value_or("");
  if (bp && bp->contains("sortCriteria")) {
    const json& sc = (*bp)["sortCriteria"];
    auto st = api::CheckObject(sc, {"field", "sortOrder"}, "sortCriteria");
    if (!st.ok()) return FromStatus(st);
    auto field = api::StringField(sc, "field", "sortCriteria");
    if (!field.ok()) return FromStatus(field.status());
    sort = std::move(*field);
    if (sc.contains("sortOrder") && sc["sortOrder"] != "DESC") {
      return ErrorResponse(400, "InvalidArgument", "sortCriteria.sortOrder: only DESC");
    }
  }
  if (sort == "SEVERITY" || sort == "severity") {
    o.sort = findings::ListOptions::Sort::kSeverity;
  } else if (!sort.empty() && sort != "UPDATED" && sort != "newest") {
    return ErrorResponse(400, "InvalidArgument", "sortCriteria.field: SEVERITY or UPDATED");
  }
  auto page = store.ListFindings(o);
  if (!page.ok()) return FromStatus(page.status());
  Json items = Json::array();
  for (const auto& f : page->items) items.push_back(api::FindingToJson(f));
  Json out{{"findings", std::move(items)}};
  out["nextToken"] = page->next_cursor.empty() ? Json(nullptr) : Json(page->next_cursor);
  return JsonResponse(200, out);
}

HttpServerResponse Service::Impl::GetFinding(const findings::Principal& who,
                                             const std::string& id) {
  auto f = store.GetFinding(who.visible_accounts, id);
  if (!f.ok()) return FromStatus(f.status());
  return JsonResponse(200, api::FindingToJson(*f));
}

HttpServerResponse Service::Impl::Aggregate(const HttpServerRequest& req,
                                            const findings::Principal& who) {
  auto b = ParseBody(req, false);
  if (!b.ok()) return FromStatus(b.status());
  auto st = api::CheckObject(*b, {"aggregationType", "filterCriteria", "maxResults"}, "");
  if (!st.ok()) return FromStatus(st);
  auto type_field = api::StringField(*b, "aggregationType", "");
  if (!type_field.ok()) return FromStatus(type_field.status());
  const std::string type = std::move(*type_field);
  findings::AggregateBy by;
  if (type == "SEVERITY") {
    by = findings::AggregateBy::kSeverity;
  } else if (type == "RESOURCE") {
    by = findings::AggregateBy::kResource;
  } else if (type == "PACKAGE") {
    by = findings::AggregateBy::kPackage;
  } else if (type == "VULNERABILITY") {
    by = findings::AggregateBy::kVulnerability;
  } else {
    return ErrorResponse(400, "InvalidArgument",
                         "aggregationType: SEVERITY, RESOURCE, PACKAGE or VULNERABILITY");
  }
  auto limit = MaxResults(req, &*b, 100);
  if (!limit.ok()) return FromStatus(limit.status());
  auto crit = CriteriaFrom(req, &*b);
  if (!crit.ok()) return FromStatus(crit.status());
  auto rows = store.Aggregate(who.visible_accounts, *crit, by, *limit);
  if (!rows.ok()) return FromStatus(rows.status());
  Json counts = Json::array();
  for (const auto& r : *rows) counts.push_back(api::AggregateToJson(r));
  return JsonResponse(200, Json{{"aggregationType", type}, {"counts", std::move(counts)}});
}

HttpServerResponse Service::Impl::Report(const HttpServerRequest& req,
                                         const findings::Principal& who) {
  auto b = ParseBody(req, false);
  if (!b.ok()) return FromStatus(b.status());
  auto st = api::CheckObject(*b, {"reportFormat", "filterCriteria"}, "");
  if (!st.ok()) return FromStatus(st);
  auto format_field = api::StringField(*b, "reportFormat", "");
  if (!format_field.ok()) return FromStatus(format_field.status());
  const std::string format = std::move(*format_field);
  if (format != "CSV" && format != "JSON") {
    return ErrorResponse(400, "InvalidArgument", "reportFormat: CSV or JSON");
  }
  auto crit = CriteriaFrom(req, &*b);
  if (!crit.ok()) return FromStatus(crit.status());
  findings::ListOptions o;
  o.accounts = who.visible_accounts;
  o.criteria = *crit;
  o.limit = 1000;
  HttpServerResponse out;
  Json all = Json::array();
  if (format == "CSV") out.body = api::FindingsCsvHeader();
  int rows = 0;
  do {
    auto page = store.ListFindings(o);
    if (!page.ok()) return FromStatus(page.status());
    for (const auto& f : page->items) {
      if (format == "CSV") {
        out.body += api::FindingCsvRow(f);
      } else {
        all.push_back(api::FindingToJson(f));
      }
      if (++rows >= options.max_report_rows) break;
    }
    o.cursor = page->next_cursor;
  } while (!o.cursor.empty() && rows < options.max_report_rows);
  if (format == "CSV") {
    out.content_type = "text/csv; charset=utf-8";
  } else {
    out.body =
        Json{{"findings", std::move(all)}}.dump(-1, ' ', false, json::error_handler_t::replace);
  }
  out.headers.emplace_back("Content-Disposition", format == "CSV"
                                                      ? "attachment; filename=\"findings.csv\""
                                                      : "attachment; filename=\"findings.json\"");
  return out;
}

HttpServerResponse Service::Impl::Coverage(const HttpServerRequest& req,
                                           const findings::Principal& who) {
  auto limit = MaxResults(req, nullptr, 100);
  if (!limit.ok()) return FromStatus(limit.status());
  auto page = store.ListResources(who.visible_accounts, *NextToken(req, nullptr), *limit);
  if (!page.ok()) return FromStatus(page.status());
  auto cur = advisories.current();
  const std::string now = Now();
  const std::string stale = findings::TimeMinus(now, options.stale_after);
  Json items = Json::array();
  for (const auto& r : page->items) {
    std::string status = "ACTIVE", reason = "SUCCESSFUL";
    if (!r.deleted_at.empty()) {
      status = "INACTIVE";
      reason = "RESOURCE_DELETED";
    } else if (r.inventory_at.empty()) {
      status = "INACTIVE";
      reason = "NO_INVENTORY";
    } else if (r.os.ecosystem.empty() && r.package_count == 0) {
      status = "INACTIVE";
      reason = "UNSUPPORTED_OS";
    } else if (r.inventory_at < stale) {
      status = "INACTIVE";
      reason = "STALE_INVENTORY";
    } else if (cur && r.evaluated_build != cur->build_id) {
      reason = "PENDING_EVALUATION";
    }
    Json j;
    j["resourceId"] = r.id;
    j["resourceType"] = r.type;
    j["accountId"] = r.account_id;
    j["scanStatus"] = {{"statusCode", status}, {"reason", reason}};
    j["lastScannedAt"] = r.evaluated_at.empty() ? Json(nullptr) : Json(r.evaluated_at);
    j["inventoryAt"] = r.inventory_at.empty() ? Json(nullptr) : Json(r.inventory_at);
    j["advisoryBuild"] = r.evaluated_build.empty() ? Json(nullptr) : Json(r.evaluated_build);
    j["operatingSystem"] = r.os.pretty_name;
    j["packageCount"] = r.package_count;
    items.push_back(std::move(j));
  }
  Json body{{"coveredResources", std::move(items)}};
  body["nextToken"] = page->next_cursor.empty() ? Json(nullptr) : Json(page->next_cursor);
  return JsonResponse(200, body);
}

HttpServerResponse Service::Impl::ListRules(const findings::Principal& who) {
  auto rules = store.ListSuppressionRules(who.visible_accounts, Now());
  if (!rules.ok()) return FromStatus(rules.status());
  Json items = Json::array();
  for (const auto& r : *rules) items.push_back(api::SuppressionRuleToJson(r));
  return JsonResponse(200, Json{{"suppressionRules", std::move(items)}});
}

HttpServerResponse Service::Impl::PutRule(const HttpServerRequest& req,
                                          const findings::Principal& who, const std::string& id) {
  auto b = ParseBody(req, false);
  if (!b.ok()) return FromStatus(b.status());
  auto rule = api::ParseSuppressionRule(*b);
  if (!rule.ok()) return FromStatus(rule.status());
  if (!id.empty()) {
    auto existing = store.GetSuppressionRule(who.visible_accounts, id, Now());
    if (!existing.ok()) return FromStatus(existing.status());
    if (!rule->account_id.empty() && rule->account_id != existing->account_id) {
      return ErrorResponse(400, "InvalidArgument", "accountId: a rule cannot change account");
    }
    rule->account_id = existing->account_id;
    rule->id = id;
  } else {
    auto account = TargetAccount(who, rule->account_id);
    if (!account.ok()) return FromStatus(account.status());
    rule->account_id = *account;
  }
  auto saved = store.PutSuppressionRule(*rule, Now());
  if (!saved.ok()) return FromStatus(saved.status());
  return JsonResponse(id.empty() ? 201 : 200, api::SuppressionRuleToJson(*saved));
}

HttpServerResponse Service::Impl::GetRule(const findings::Principal& who, const std::string& id) {
  auto rule = store.GetSuppressionRule(who.visible_accounts, id, Now());
  if (!rule.ok()) return FromStatus(rule.status());
  return JsonResponse(200, api::SuppressionRuleToJson(*rule));
}

HttpServerResponse Service::Impl::DeleteRule(const findings::Principal& who,
                                             const std::string& id) {
  auto rule = store.GetSuppressionRule(who.visible_accounts, id, Now());
  if (!rule.ok()) return FromStatus(rule.status());
  auto st = store.DeleteSuppressionRule(rule->account_id, id, Now());
  if (!st.ok()) return FromStatus(st.status());
  return JsonResponse(200, Json{{"deleted", id}, {"changes", api::ChangesToJson(*st)}});
}

HttpServerResponse Service::Impl::Events(const HttpServerRequest& req,
                                         const findings::Principal& who) {
  auto limit = MaxResults(req, nullptr, 100);
  if (!limit.ok()) return FromStatus(limit.status());
  std::int64_t after = 0;
  std::string token = *NextToken(req, nullptr);
  if (auto a = req.QueryParam("after")) token = *a;
  if (!token.empty() && (!base::ParseInt64(token, &after) || after < 0)) {
    return ErrorResponse(400, "InvalidArgument", "nextToken: not a token from this feed");
  }
  auto events = store.ListEvents(who.visible_accounts, after, *limit);
  if (!events.ok()) return FromStatus(events.status());
  Json items = Json::array();
  for (const auto& e : *events) items.push_back(api::EventToJson(e));
  // The feed's cursor is always returned (the last sequence seen) so that a consumer can poll.
  std::int64_t last = events->empty() ? after : events->back().seq;
  return JsonResponse(200, Json{{"events", std::move(items)}, {"nextToken", std::to_string(last)}});
}

HttpServerResponse Service::Impl::Accounts(const HttpServerRequest& req,
                                           const findings::Principal& who) {
  if (req.method == "POST") {
    auto b = ParseBody(req, false);
    if (!b.ok()) return FromStatus(b.status());
    auto st = api::CheckObject(*b, {"id", "name"}, "");
    if (!st.ok()) return FromStatus(st);
    findings::Account a;
    auto id = api::StringField(*b, "id", "");
    if (!id.ok()) return FromStatus(id.status());
    a.id = std::move(*id);
    auto name = api::StringField(*b, "name", "", a.id);
    if (!name.ok()) return FromStatus(name.status());
    a.name = std::move(*name);
    // A new account is a member of the caller's organisation (the caller's account must be an
    // organisation or standalone account, not a member).
    auto self = store.GetAccount(who.account_id);
    if (!self.ok()) return FromStatus(self.status());
    if (!self->parent.empty()) {
      return ErrorResponse(403, "Forbidden", "member accounts cannot create accounts");
    }
    a.parent = who.account_id;
    auto created = store.CreateAccount(a, Now());
    if (!created.ok()) return FromStatus(created.status());
    return JsonResponse(201, api::AccountToJson(*created));
  }
  auto list = store.ListAccounts(who.visible_accounts);
  if (!list.ok()) return FromStatus(list.status());
  Json items = Json::array();
  for (const auto& a : *list) items.push_back(api::AccountToJson(a));
  return JsonResponse(200, Json{{"accounts", std::move(items)}});
}

HttpServerResponse Service::Impl::Keys(const HttpServerRequest& req, const findings::Principal& who,
                                       const std::vector<std::string>& seg) {
  if (req.method == "DELETE") {
    // Find which visible account holds the key.
    for (const auto& account : who.visible_accounts) {
      auto keys = store.ListApiKeys(account);
      if (!keys.ok()) return FromStatus(keys.status());
      for (const auto& k : *keys) {
        if (k.id == seg[2]) {
          auto st = store.RevokeApiKey(account, k.id, Now());
          if (!st.ok()) return FromStatus(st);
          return JsonResponse(200, Json{{"revoked", k.id}});
        }
      }
    }
    return ErrorResponse(404, "NotFound", "API key " + seg[2] + " not found");
  }
  if (req.method == "POST") {
    auto b = ParseBody(req, false);
    if (!b.ok()) return FromStatus(b.status());
    auto st = api::CheckObject(*b, {"accountId", "role", "name"}, "");
    if (!st.ok()) return FromStatus(st);
    auto account_id = api::StringField(*b, "accountId", "");
    auto role_name = api::StringField(*b, "role", "");
    auto name = api::StringField(*b, "name", "");
    for (const auto* field : {&account_id, &role_name, &name}) {
      if (!field->ok()) return FromStatus(field->status());
    }
    auto account = TargetAccount(who, *account_id);
    if (!account.ok()) return FromStatus(account.status());
    auto role = findings::ParseRole(*role_name);
    if (!role) return ErrorResponse(400, "InvalidArgument", "role: admin, analyst or read-only");
    auto key = store.CreateApiKey(*account, *role, *name, Now());
    if (!key.ok()) return FromStatus(key.status());
    Json out = api::ApiKeyToJson(key->key);
    out["secret"] = key->secret;
    return JsonResponse(201, out);
  }
  auto account = TargetAccount(who, req.QueryParam("accountId").value_or(""));
  if (!account.ok()) return FromStatus(account.status());
  auto keys = store.ListApiKeys(*account);
  if (!keys.ok()) return FromStatus(keys.status());
  Json items = Json::array();
  for (const auto& k : *keys) items.push_back(api::ApiKeyToJson(k));
  return JsonResponse(200, Json{{"keys", std::move(items)}});
}

HttpServerResponse Service::Impl::DbStatus() {
  auto cur = advisories.current();
  if (!cur) return ErrorResponse(503, "Unavailable", "no advisory DB loaded yet");
  auto st = cur->db->GetStatus();
  if (!st.ok()) return FromStatus(st.status());
  Json sources = Json::array();
  for (const auto& s : st->sources) {
    sources.push_back(
        {{"name", s.name}, {"records", s.record_count}, {"importedAt", s.imported_at}});
  }
  auto applied = store.GetMeta("advisory_build");
  Json out;
  out["buildId"] = st->build_id;
  out["buildTime"] = st->build_time;
  out["schemaVersion"] = st->schema_version;
  out["totalRecords"] = st->total_records;
  out["sources"] = std::move(sources);
  out["evaluatedBuild"] = applied.ok() && *applied ? Json(**applied) : Json(nullptr);
  return JsonResponse(200, out);
}

}  // namespace assay::server
