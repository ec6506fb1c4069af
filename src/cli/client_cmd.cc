// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// The client verbs of the findings service (client_cmd.h): flags in, one or more API calls, the
// answer printed as a table for people or as JSON.
#include "cli/client_cmd.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>

#include "api/codec.h"
#include "base/file.h"
#include "base/strings.h"
#include "cli/commands.h"
#include "findings/filter.h"
#include "report/internal/render_util.h"

namespace assay::cli {
namespace {

using Json = nlohmann::ordered_json;

constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;

// The exit code for a failed call: the caller's own input is a usage error only before any
// request was sent, so every error that came back from a call is kExitFailed.
int Report(const std::string& verb, const base::Status& st, int code) {
  std::fprintf(stderr, "assay %s: %s\n", verb.c_str(), st.message().c_str());
  return code;
}

// Flags every client verb has.
struct ConnectFlags {
  std::string server;
  std::string api_key_file;
};

void AddConnectFlags(CLI::App* cmd, ConnectFlags& f) {
  cmd->add_option("--server", f.server, "Findings service URL (default $ASSAY_SERVER)");
  cmd->add_option("--api-key-file", f.api_key_file,
                  "File holding the API key (default: the key in $ASSAY_API_KEY)");
}

std::string Str(const Json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return "";
  return it->get<std::string>();
}

// A plain text table: columns as wide as their widest cell (capped), two spaces apart.
void PrintTable(const std::vector<std::string>& header,
                const std::vector<std::vector<std::string>>& rows) {
  constexpr size_t kMaxWidth = 60;
  std::vector<size_t> width(header.size());
  auto cut = [](const std::string& s) {
    return s.size() > kMaxWidth ? s.substr(0, kMaxWidth - 3) + "..." : s;
  };
  for (size_t i = 0; i < header.size(); ++i) width[i] = header[i].size();
  for (const auto& row : rows) {
    for (size_t i = 0; i < row.size() && i < width.size(); ++i) {
      width[i] = std::max(width[i], cut(row[i]).size());
    }
  }
  auto line = [&](const std::vector<std::string>& cells) {
    std::string out;
    for (size_t i = 0; i < cells.size(); ++i) {
      std::string c = cut(cells[i]);
      out += c;
      if (i + 1 < cells.size()) out += std::string(width[i] - c.size() + 2, ' ');
    }
    std::printf("%s\n", out.c_str());
  };
  line(header);
  for (const auto& row : rows) line(row);
}

void PrintJson(const Json& j) {
  std::string text = j.dump(2, ' ', false, Json::error_handler_t::replace);
  std::printf("%s\n", text.c_str());
  std::fflush(stdout);
}

// Calls GET `path` page by page (maxResults/nextToken in the query) and gathers `field`.
base::Result<Json> GetAllPages(const ApiClient& client, const std::string& path,
                               const char* field) {
  Json all = Json::array();
  std::string token;
  for (;;) {
    std::string url = path + (path.find('?') == std::string::npos ? "?" : "&") + "maxResults=1000";
    if (!token.empty()) url += "&nextToken=" + base::UrlEncodeComponent(token);
    ASSAY_ASSIGN_OR_RETURN(Json page, client.Call("GET", url));
    if (page.contains(field) && page[field].is_array()) {
      for (auto& item : page[field]) all.push_back(std::move(item));
    }
    if (!page.contains("nextToken") || !page["nextToken"].is_string()) break;
    std::string next = page["nextToken"].get<std::string>();
    if (next.empty() || next == token) break;
    token = std::move(next);
  }
  return all;
}

// The filterCriteria of `findings list`: --filter, with the shorthand flags added to it.
base::Result<Json> FindingsCriteria(const std::string& filter, const std::string& severity,
                                    const std::string& status, const std::string& resource) {
  Json crit = Json::object();
  if (!filter.empty()) {
    crit = Json::parse(filter, nullptr, false);
    if (crit.is_discarded() || !crit.is_object()) {
      return base::Status::InvalidArgument("--filter: not a JSON object");
    }
  }
  const std::pair<const char*, const std::string*> shorthands[] = {
      {"severity", &severity}, {"findingStatus", &status}, {"resourceId", &resource}};
  for (const auto& [criterion, value] : shorthands) {
    if (value->empty()) continue;
    if (crit.contains(criterion)) {
      return base::Status::InvalidArgument(std::string("--filter already has ") + criterion);
    }
    Json list = Json::array();
    for (std::string_view piece : base::Split(*value, ',')) {
      piece = base::Trim(piece);
      if (piece.empty()) continue;
      std::string v(piece);
      if (std::string_view(criterion) != "resourceId") {
        for (char& c : v) c = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c;
      }
      list.push_back({{"comparison", "EQUALS"}, {"value", v}});
    }
    crit[criterion] = std::move(list);
  }
  // Checked here so that a typo fails before anything is sent, with the same message the
  // server would give.
  auto parsed = findings::ParseFilterCriteria(nlohmann::json::parse(crit.dump()));
  if (!parsed.ok()) return base::Status::InvalidArgument("filter: " + parsed.status().message());
  return crit;
}

std::vector<std::string> FindingRow(const Json& f) {
  std::string vuln, pkg, version, fixed, resource;
  if (auto d = f.find("packageVulnerabilityDetails"); d != f.end() && d->is_object()) {
    vuln = Str(*d, "vulnerabilityId");
    if (auto p = d->find("vulnerablePackages"); p != d->end() && p->is_array() && !p->empty()) {
      pkg = Str((*p)[0], "name");
      version = Str((*p)[0], "version");
      fixed = Str((*p)[0], "fixedInVersion");
    }
  }
  if (auto r = f.find("resources"); r != f.end() && r->is_array() && !r->empty()) {
    resource = Str((*r)[0], "id");
  }
  return {Str(f, "severity"), Str(f, "status"),   vuln, pkg, version, fixed.empty() ? "-" : fixed,
          resource,           Str(f, "findingId")};
}

void AddFindings(CLI::App& app, int* exit_code) {
  auto* findings = app.add_subcommand("findings", "Query the findings of a findings service");
  findings->require_subcommand(1);
  {
    struct Flags {
      ConnectFlags connect;
      std::string severity, status, resource, filter, format = "table";
      int max = 0;
      int page_size = 1000;
    };
    auto f = std::make_shared<Flags>();
    auto* cmd = findings->add_subcommand("list", "List findings (every page, up to --max)");
    AddConnectFlags(cmd, f->connect);
    cmd->add_option("--severity", f->severity, "Only these severities, e.g. CRITICAL,HIGH");
    cmd->add_option("--status", f->status, "Only this status: ACTIVE, SUPPRESSED or CLOSED");
    cmd->add_option("--resource", f->resource, "Only findings of this resource id");
    cmd->add_option("--filter", f->filter, "Filter criteria (JSON, as POST /v1/findings/list)");
    cmd->add_option("--format", f->format, "table or json")
        ->check(CLI::IsMember({"table", "json"}))
        ->capture_default_str();
    cmd->add_option("--max", f->max, "At most N findings (0: all)")->check(CLI::NonNegativeNumber);
    cmd->add_option("--page-size", f->page_size, "Findings asked for per request")
        ->check(CLI::Range(1, 1000))
        ->capture_default_str();
    cmd->callback([f, exit_code] {
      auto crit = FindingsCriteria(f->filter, f->severity, f->status, f->resource);
      if (!crit.ok()) return void(*exit_code = Report("findings list", crit.status(), kExitUsage));
      auto client = ApiClient::Make(f->connect.server, f->connect.api_key_file);
      if (!client.ok()) {
        return void(*exit_code = Report("findings list", client.status(), kExitUsage));
      }
      Json all = Json::array();
      std::string token;
      for (;;) {
        int want = f->page_size;
        if (f->max > 0) want = std::min<int>(want, f->max - static_cast<int>(all.size()));
        if (want <= 0) break;
        Json body{{"filterCriteria", *crit}, {"maxResults", want}};
        if (!token.empty()) body["nextToken"] = token;
        auto page = client->Call("POST", "/v1/findings/list", body);
        if (!page.ok())
          return void(*exit_code = Report("findings list", page.status(), kExitFailed));
        for (auto& item : (*page)["findings"]) all.push_back(std::move(item));
        const Json& next = (*page)["nextToken"];
        if (!next.is_string() || next.get<std::string>().empty()) break;
        token = next.get<std::string>();
      }
      if (f->format == "json") return PrintJson(Json{{"findings", std::move(all)}});
      std::vector<std::vector<std::string>> rows;
      for (const Json& item : all) rows.push_back(FindingRow(item));
      PrintTable({"SEVERITY", "STATUS", "VULNERABILITY", "PACKAGE", "INSTALLED", "FIXED",
                  "RESOURCE", "FINDING"},
                 rows);
      std::fprintf(stderr, "%zu finding%s\n", all.size(), all.size() == 1 ? "" : "s");
    });
  }
  {
    auto connect = std::make_shared<ConnectFlags>();
    auto id = std::make_shared<std::string>();
    auto* cmd = findings->add_subcommand("get", "Show one finding (JSON)");
    AddConnectFlags(cmd, *connect);
    cmd->add_option("id", *id, "Finding id")->required();
    cmd->callback([connect, id, exit_code] {
      auto client = ApiClient::Make(connect->server, connect->api_key_file);
      if (!client.ok())
        return void(*exit_code = Report("findings get", client.status(), kExitUsage));
      auto f = client->Call("GET", "/v1/findings/" + base::UrlEncodeComponent(*id));
      if (!f.ok()) return void(*exit_code = Report("findings get", f.status(), kExitFailed));
      PrintJson(*f);
    });
  }
}

void AddResources(CLI::App& app, int* exit_code) {
  auto* resources = app.add_subcommand("resources", "The resources a findings service holds");
  resources->require_subcommand(1);
  auto connect = std::make_shared<ConnectFlags>();
  auto format = std::make_shared<std::string>("table");
  auto* cmd = resources->add_subcommand("list", "List resources (every page)");
  AddConnectFlags(cmd, *connect);
  cmd->add_option("--format", *format, "table or json")
      ->check(CLI::IsMember({"table", "json"}))
      ->capture_default_str();
  cmd->callback([connect, format, exit_code] {
    auto client = ApiClient::Make(connect->server, connect->api_key_file);
    if (!client.ok())
      return void(*exit_code = Report("resources list", client.status(), kExitUsage));
    auto all = GetAllPages(*client, "/v1/resources", "resources");
    if (!all.ok()) return void(*exit_code = Report("resources list", all.status(), kExitFailed));
    if (*format == "json") return PrintJson(Json{{"resources", std::move(*all)}});
    std::vector<std::vector<std::string>> rows;
    for (const Json& r : *all) {
      std::string os = r.contains("os") ? Str(r["os"], "prettyName") : "";
      rows.push_back({Str(r, "id"), Str(r, "type"), Str(r, "accountId"),
                      r.contains("packageCount") ? r["packageCount"].dump() : "",
                      os.empty() ? "-" : os, Str(r, "inventoryAt"),
                      Str(r, "deletedAt").empty() ? "" : "deleted"});
    }
    PrintTable({"RESOURCE", "TYPE", "ACCOUNT", "PACKAGES", "OS", "INVENTORY AT", ""}, rows);
  });
}

void AddSuppress(CLI::App& app, int* exit_code) {
  auto* suppress = app.add_subcommand("suppress", "Suppression rules of a findings service");
  suppress->require_subcommand(1);
  {
    struct Flags {
      ConnectFlags connect;
      std::string name, reason, description, filter, expires, account;
    };
    auto f = std::make_shared<Flags>();
    auto* cmd = suppress->add_subcommand(
        "add", "Create a rule: the findings its filter matches become SUPPRESSED");
    AddConnectFlags(cmd, f->connect);
    cmd->add_option("--name", f->name, "Rule name")->required();
    cmd->add_option("--reason", f->reason, "Why these findings are suppressed")->required();
    cmd->add_option("--filter", f->filter, "Filter criteria (JSON) of the findings to suppress")
        ->required();
    cmd->add_option("--expires", f->expires, "RFC 3339 time after which the rule stops applying");
    cmd->add_option("--description", f->description, "Longer description");
    cmd->add_option("--account", f->account, "Account the rule belongs to (default: the key's)");
    cmd->callback([f, exit_code] {
      // The body is built from the rule as the server will parse it, so a bad filter or expiry
      // fails here with the server's message.
      nlohmann::json body = {{"name", f->name}, {"reason", f->reason}};
      nlohmann::json crit = nlohmann::json::parse(f->filter, nullptr, false);
      if (crit.is_discarded()) {
        return void(*exit_code = Report("suppress add",
                                        base::Status::InvalidArgument("--filter: not valid JSON"),
                                        kExitUsage));
      }
      body["filterCriteria"] = std::move(crit);
      if (!f->description.empty()) body["description"] = f->description;
      if (!f->expires.empty()) body["expiresAt"] = f->expires;
      if (!f->account.empty()) body["accountId"] = f->account;
      auto rule = api::ParseSuppressionRule(body);
      if (!rule.ok()) return void(*exit_code = Report("suppress add", rule.status(), kExitUsage));
      auto client = ApiClient::Make(f->connect.server, f->connect.api_key_file);
      if (!client.ok())
        return void(*exit_code = Report("suppress add", client.status(), kExitUsage));
      auto saved =
          client->Call("POST", "/v1/suppression-rules", api::SuppressionRuleRequestToJson(*rule));
      if (!saved.ok())
        return void(*exit_code = Report("suppress add", saved.status(), kExitFailed));
      std::printf("%s\n", Str(*saved, "id").c_str());
      std::fprintf(stderr, "created suppression rule %s (%s)\n", Str(*saved, "id").c_str(),
                   Str(*saved, "name").c_str());
    });
  }
  {
    auto connect = std::make_shared<ConnectFlags>();
    auto format = std::make_shared<std::string>("table");
    auto* cmd = suppress->add_subcommand("list", "List suppression rules");
    AddConnectFlags(cmd, *connect);
    cmd->add_option("--format", *format, "table or json")
        ->check(CLI::IsMember({"table", "json"}))
        ->capture_default_str();
    cmd->callback([connect, format, exit_code] {
      auto client = ApiClient::Make(connect->server, connect->api_key_file);
      if (!client.ok())
        return void(*exit_code = Report("suppress list", client.status(), kExitUsage));
      auto list = client->Call("GET", "/v1/suppression-rules");
      if (!list.ok()) return void(*exit_code = Report("suppress list", list.status(), kExitFailed));
      Json rules = (*list)["suppressionRules"];
      if (*format == "json") return PrintJson(Json{{"suppressionRules", std::move(rules)}});
      std::vector<std::vector<std::string>> rows;
      for (const Json& r : rules) {
        std::string expires = Str(r, "expiresAt");
        rows.push_back({Str(r, "id"), Str(r, "name"), Str(r, "status"),
                        expires.empty() ? "never" : expires, Str(r, "accountId"),
                        Str(r, "reason")});
      }
      PrintTable({"RULE", "NAME", "STATUS", "EXPIRES", "ACCOUNT", "REASON"}, rows);
    });
  }
  {
    auto connect = std::make_shared<ConnectFlags>();
    auto id = std::make_shared<std::string>();
    auto* cmd = suppress->add_subcommand("delete", "Delete a rule (its findings are re-evaluated)");
    AddConnectFlags(cmd, *connect);
    cmd->add_option("id", *id, "Rule id")->required();
    cmd->callback([connect, id, exit_code] {
      auto client = ApiClient::Make(connect->server, connect->api_key_file);
      if (!client.ok())
        return void(*exit_code = Report("suppress delete", client.status(), kExitUsage));
      auto r = client->Call("DELETE", "/v1/suppression-rules/" + base::UrlEncodeComponent(*id));
      if (!r.ok()) return void(*exit_code = Report("suppress delete", r.status(), kExitFailed));
      auto changes = api::ChangesFromJson((*r)["changes"]);
      std::int64_t unsuppressed = changes.ok() ? changes->unsuppressed : 0;
      std::printf("deleted suppression rule %s: %lld finding%s no longer suppressed\n", id->c_str(),
                  static_cast<long long>(unsuppressed), unsuppressed == 1 ? "" : "s");
    });
  }
}

}  // namespace

base::Result<ApiClient> ApiClient::Make(std::string server, const std::string& key_file) {
  if (server.empty()) {
    if (const char* env = std::getenv("ASSAY_SERVER"); env && *env) server = env;
  }
  if (server.empty()) {
    return base::Status::InvalidArgument("no server: give --server URL or set $ASSAY_SERVER");
  }
  if (!base::StartsWithIgnoreCase(server, "http://") &&
      !base::StartsWithIgnoreCase(server, "https://")) {
    return base::Status::InvalidArgument("server " + base::QuoteForMessage(server, 80) +
                                         ": not an http:// or https:// URL");
  }
  while (!server.empty() && server.back() == '/') server.pop_back();
  std::string key;
  if (!key_file.empty()) {
    auto text = base::ReadFile(key_file);
    if (!text.ok()) {
      return base::Status::InvalidArgument("--api-key-file: " + text.status().message());
    }
    key = std::string(base::Trim(*text));
    if (key.empty()) return base::Status::InvalidArgument("--api-key-file " + key_file + ": empty");
  } else if (const char* env = std::getenv("ASSAY_API_KEY"); env && *env) {
    key = std::string(base::Trim(env));
  }
  if (key.empty()) {
    return base::Status::InvalidArgument(
        "no API key: set $ASSAY_API_KEY or give --api-key-file FILE");
  }
  if (key.find_first_of("\r\n") != std::string::npos) {
    return base::Status::InvalidArgument("the API key holds a line break");
  }
  return ApiClient(std::move(server), std::move(key));
}

base::Result<nlohmann::ordered_json> ApiClient::Call(const std::string& method,
                                                     const std::string& path,
                                                     const nlohmann::ordered_json& body) const {
  base::HttpOptions options;
  options.connect_timeout = std::chrono::seconds(10);
  options.timeout = std::chrono::minutes(10);  // an upload is evaluated before the answer
  options.stall_timeout = std::chrono::seconds(0);
  options.initial_backoff = std::chrono::milliseconds(500);
  // Only reads are repeated: a POST or DELETE that reached the server must not run twice.
  options.max_attempts = method == "GET" ? 3 : 1;
  options.max_string_bytes = std::uint64_t{1} << 30;
  base::HttpClient http(options);
  base::HttpRequestOptions req;
  req.method = method;
  req.headers = {"Authorization: Bearer " + key_, "Accept: application/json"};
  if (!body.is_null()) {
    req.body = body.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
    req.headers.push_back("Content-Type: application/json");
  }
  ASSAY_ASSIGN_OR_RETURN(base::HttpResponse r, http.Fetch(server_ + path, req));
  if (r.status < 200 || r.status > 299) {
    std::string message = api::ErrorMessage(r.error_body);
    if (message.empty()) message = "the server answered HTTP " + std::to_string(r.status);
    message += " (HTTP " + std::to_string(r.status) + " from " + method + " " + path + ")";
    if (r.status == 404) return base::Status::NotFound(message);
    if (r.status >= 500) return base::Status::Unavailable(message);
    return base::Status::InvalidArgument(message);
  }
  if (base::Trim(r.body).empty()) return nlohmann::ordered_json(nullptr);
  auto j = nlohmann::ordered_json::parse(r.body, nullptr, false);
  if (j.is_discarded()) {
    return base::Status::Corruption(method + " " + path + ": the answer is not JSON");
  }
  return j;
}

void AddUploadFlags(CLI::App& cmd, UploadFlags& f) {
  cmd.add_option("--upload", f.url,
                 "After the scan, send the inventory to the findings service at URL "
                 "(key from $ASSAY_API_KEY or --api-key-file)");
  cmd.add_option("--api-key-file", f.api_key_file, "File holding the API key for --upload");
  cmd.add_option("--resource-id", f.resource_id, "Resource id for --upload (default: the scan's)");
  cmd.add_option("--resource-type", f.resource_type,
                 "Resource type for --upload: host, rootfs, image, repository or golden-image "
                 "(default: what was scanned)");
  cmd.add_option("--resource-name", f.resource_name,
                 "Resource name for --upload (default: the path, reference or host name)");
  cmd.add_option("--account", f.account,
                 "Account the resource belongs to, for --upload (default: the key's)");
  cmd.add_option("--tag", f.tags, "Resource tag KEY=VALUE for --upload; repeatable");
}

namespace {

base::Status ParseTags(const std::vector<std::string>& tags,
                       std::vector<std::pair<std::string, std::string>>* out) {
  for (const std::string& tag : tags) {
    size_t eq = tag.find('=');
    if (eq == std::string::npos || eq == 0) {
      return base::Status::InvalidArgument("--tag " + base::QuoteForMessage(tag, 80) +
                                           ": not KEY=VALUE");
    }
    out->emplace_back(tag.substr(0, eq), tag.substr(eq + 1));
  }
  return base::Status::Ok();
}

}  // namespace

base::Status CheckUploadFlags(const UploadFlags& f) {
  std::vector<std::pair<std::string, std::string>> tags;
  ASSAY_RETURN_IF_ERROR(ParseTags(f.tags, &tags));
  return ApiClient::Make(f.url, f.api_key_file).status();
}

int UploadScan(const UploadFlags& f, const report::ScannedResource& resource,
               const model::Inventory& inventory) {
  api::InventoryUpload upload;
  upload.resource.id = f.resource_id.empty() ? resource.id : f.resource_id;
  upload.resource.type = f.resource_type.empty() ? resource.type : f.resource_type;
  upload.resource.name = f.resource_name;
  if (upload.resource.name.empty()) {
    upload.resource.name = resource.type == "host" && resource.id.starts_with("host:")
                               ? resource.id.substr(5)
                               : resource.path;
  }
  upload.resource.account_id = f.account;
  if (auto st = ParseTags(f.tags, &upload.resource.tags); !st.ok()) {
    return Report("scan --upload", st, kExitUsage);
  }
  if (resource.image) {
    upload.resource.details = nlohmann::json::parse(
        report::internal::ImageDetailsJson(*resource.image).dump(), nullptr, false);
    upload.resource.details["reference"] = resource.path;
  }
  upload.inventory = inventory;
  auto client = ApiClient::Make(f.url, f.api_key_file);
  if (!client.ok()) return Report("scan --upload", client.status(), kExitUsage);
  auto answer = client->Call("POST", "/v1/inventories", api::InventoryUploadToJson(upload));
  if (!answer.ok()) return Report("scan --upload", answer.status(), kExitFailed);
  auto changes = api::ChangesFromJson((*answer)["changes"]);
  if (!changes.ok()) return Report("scan --upload", changes.status(), kExitFailed);
  std::fprintf(stderr,
               "assay: uploaded %s to %s: %lld created, %lld reopened, %lld updated, %lld closed, "
               "%lld suppressed, %lld unsuppressed\n",
               upload.resource.id.c_str(), client->server().c_str(),
               static_cast<long long>(changes->created), static_cast<long long>(changes->reopened),
               static_cast<long long>(changes->updated), static_cast<long long>(changes->closed),
               static_cast<long long>(changes->suppressed),
               static_cast<long long>(changes->unsuppressed));
  return 0;
}

void AddClient(CLI::App& app, int* exit_code) {
  AddFindings(app, exit_code);
  AddResources(app, exit_code);
  AddSuppress(app, exit_code);
}

}  // namespace assay::cli
