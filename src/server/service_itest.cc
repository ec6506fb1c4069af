// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// The findings service end to end: the real `assay server` binary on a loopback port, over the
// embedded SQLite store (a temporary --data-dir) and over a private PostgreSQL (--database),
// bootstrapped with `assay accounts create` / `assay keys create` and spoken to over HTTP and
// with the CLI's client verbs (`assay findings|resources|suppress`, `assay scan --upload`).
// One server per backend serves every test of a process. The advisory DB is built from the
// Debian feed of ../shared/data/osv-mirror into the build tree and reused by later runs (an
// unchanged feed is not imported again); the suite is skipped when ../shared is absent.
//
// Tenants: the organisation `acme` (its admin account) with members `acme-web` and `acme-ops`,
// and the standalone `globex`. Each holds the inventory of scan-targets/debian11-flask-image.
// The tenancy tests take `acme-web` as the victim and call every route of service.cc (the table
// Routes()) with the keys of `globex` (another tenant) and `acme-ops` (a sibling member): lists
// must not show the victim's data and the victim's objects must answer exactly as ids that do
// not exist.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "advisories/feed.h"
#include "advisories/update.h"
#include "api/codec.h"
#include "base/file.h"
#include "base/http.h"
#include "base/strings.h"
#include "base/testing/conformance.h"
#include "base/testing/postgres.h"
#include "base/testing/process.h"

extern char** environ;

namespace assay::server {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

// ---- programs ----------------------------------------------------------------------------------

fs::path AssayBinary() { return fs::path(ASSAY_BINARY_DIR) / "src" / "cli" / "assay"; }

struct Ran {
  int rc = -1;
  std::string out;
  std::string err;
};

// Runs `assay args...` to completion with stdout and stderr kept apart. The child's environment
// is this process's without ASSAY_SERVER / ASSAY_API_KEY / ASSAY_DATABASE / ASSAY_DATA_DIR, plus
// `env` ("NAME=value").
Ran RunAssay(const std::vector<std::string>& args, const std::vector<std::string>& env = {}) {
  static std::atomic<int> counter{0};
  static const fs::path dir = [] {
    auto d = base::TempDir::Create("assay-service-itest-run");
    fs::path p = d.ok() ? d->path() : fs::temp_directory_path();
    if (d.ok()) new base::TempDir(std::move(*d));  // lives as long as the process
    return p;
  }();
  const int n = counter++;
  const std::string out_path = (dir / ("out." + std::to_string(n))).string();
  const std::string err_path = (dir / ("err." + std::to_string(n))).string();
  std::vector<std::string> argv = {AssayBinary().string()};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<std::string> envs;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string_view v = *e;
    bool drop = false;
    for (const char* name :
         {"ASSAY_SERVER=", "ASSAY_API_KEY=", "ASSAY_DATABASE=", "ASSAY_DATA_DIR="}) {
      if (v.starts_with(name)) drop = true;
    }
    if (!drop) envs.emplace_back(v);
  }
  envs.insert(envs.end(), env.begin(), env.end());
  std::vector<char*> cargv, cenv;
  for (auto& a : argv) cargv.push_back(a.data());
  cargv.push_back(nullptr);
  for (auto& e : envs) cenv.push_back(e.data());
  cenv.push_back(nullptr);
  pid_t pid = ::fork();
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    int in = ::open("/dev/null", O_RDONLY);
    int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (in >= 0) ::dup2(in, 0);
    if (out >= 0) ::dup2(out, 1);
    if (err >= 0) ::dup2(err, 2);
    ::execve(cargv[0], cargv.data(), cenv.data());
    ::_exit(127);
  }
  Ran r;
  r.rc = testing::WaitExit(pid);
  r.out = base::ReadFile(out_path).value_or("");
  r.err = base::ReadFile(err_path).value_or("");
  return r;
}

std::string Describe(const Ran& r) {
  return "exit " + std::to_string(r.rc) + "\nstdout:\n" + r.out.substr(0, 4000) + "\nstderr:\n" +
         r.err.substr(0, 4000);
}

// ---- HTTP --------------------------------------------------------------------------------------

struct Reply {
  long status = 0;
  std::string body;  // the body of a 2xx, else the start of the error body
  std::vector<std::pair<std::string, std::string>> headers;
  std::string transport_error;  // the call did not get an answer
  Json parsed;                  // the body as JSON (discarded when it is not)

  Json& json() { return parsed; }
  std::string message() const { return api::ErrorMessage(body); }
  std::string Header(const std::string& lower) const {
    for (const auto& [k, v] : headers) {
      if (k == lower) return v;
    }
    return "";
  }
};

std::ostream& operator<<(std::ostream& os, const Reply& r) {
  return os << "HTTP " << r.status << " " << r.transport_error << " " << r.body.substr(0, 600);
}

// One request with `headers` ("Name: value"); a body is sent as JSON.
Reply Send(const std::string& base_url, const std::string& method, const std::string& path,
           const std::vector<std::string>& headers, const std::string& body = "") {
  base::HttpOptions o;
  o.max_attempts = 1;
  o.timeout = std::chrono::seconds(300);
  o.stall_timeout = std::chrono::seconds(0);
  o.accept_compressed = false;
  o.max_string_bytes = std::uint64_t{1} << 30;
  base::HttpClient client(o);
  base::HttpRequestOptions req;
  req.method = method;
  req.body = body;
  req.headers = headers;
  if (!body.empty()) req.headers.push_back("Content-Type: application/json");
  Reply out;
  auto r = client.Fetch(base_url + path, req);
  if (!r.ok()) {
    out.transport_error = r.status().ToString();
    return out;
  }
  out.status = r->status;
  out.body = (r->status >= 200 && r->status < 300) ? r->body : r->error_body;
  out.headers = r->headers;
  out.parsed = Json::parse(out.body, nullptr, false);
  return out;
}

// ---- shared inputs -----------------------------------------------------------------------------

// What every backend uses: the advisory DB, the target's inventory and what a local scan of the
// target reports.
struct Inputs {
  std::string skip;
  std::string error;
  fs::path target;
  fs::path db;
  std::string inventory;                // `assay sbom TARGET --format json`
  std::vector<std::string> scan_lines;  // "<vulnerabilityId> <package> <version>", sorted
};

// "<vulnerabilityId> <package> <version>" of each finding of a Inspector-shaped findings array.
std::vector<std::string> FindingLines(const Json& findings) {
  std::vector<std::string> lines;
  for (const Json& f : findings) {
    const Json& d = f["packageVulnerabilityDetails"];
    for (const Json& p : d["vulnerablePackages"]) {
      lines.push_back(d["vulnerabilityId"].get<std::string>() + " " + p["name"].get<std::string>() +
                      " " + p["version"].get<std::string>());
    }
  }
  std::sort(lines.begin(), lines.end());
  return lines;
}

const Inputs& GetInputs() {
  static const Inputs* inputs = [] {
    auto* in = new Inputs();
    auto data = testing::SharedDataDir();
    if (!data || !fs::is_directory(*data / "osv-mirror") ||
        !fs::is_directory(*data / "scan-targets" / "debian11-flask-image")) {
      in->skip = "../shared/data (osv-mirror, scan-targets) is absent";
      return in;
    }
    in->target = *data / "scan-targets" / "debian11-flask-image";
    // Kept in the build tree: later runs find the feed unchanged and import nothing.
    in->db = fs::path(ASSAY_BINARY_DIR) / "testdata" / "service_itest" / "advisories.db";
    auto source = advisories::MakeDirectoryFeedSource(*data / "osv-mirror");
    if (!source.ok()) {
      in->error = source.status().ToString();
      return in;
    }
    advisories::UpdateOptions u;
    u.db_path = in->db;
    u.ecosystems = {"Debian"};
    base::Status st;
    for (int attempt = 0; attempt < 120; ++attempt) {  // another test process may be updating
      auto updated = advisories::UpdateDb(**source, u);
      st = updated.status();
      if (st.code() != base::Code::kUnavailable) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
    if (!st.ok()) {
      in->error = "advisory DB: " + st.ToString();
      return in;
    }
    Ran sbom = RunAssay({"sbom", in->target.string(), "--format", "json"});
    if (sbom.rc != 0) {
      in->error = "assay sbom: " + Describe(sbom);
      return in;
    }
    in->inventory = sbom.out;
    Ran scan = RunAssay({"scan", "rootfs", in->target.string(), "--db", in->db.string(), "--format",
                         "json", "--max-db-age", "0"});
    Json doc = Json::parse(scan.out, nullptr, false);
    if (scan.rc != 0 || doc.is_discarded()) {
      in->error = "assay scan: " + Describe(scan);
      return in;
    }
    in->scan_lines = FindingLines(doc["findings"]);
    if (in->scan_lines.empty()) in->error = "the scan of the target found nothing";
    return in;
  }();
  return *inputs;
}

// {"resource": {...}, "inventory": <inventory>} as `assay scan --upload` sends it.
std::string UploadBody(const std::string& id, const std::string& inventory,
                       const Json& extra_resource = Json::object()) {
  Json r = {{"id", id}, {"type", "rootfs"}};
  for (const auto& [k, v] : extra_resource.items()) r[k] = v;
  return "{\"resource\":" + r.dump() + ",\"inventory\":" + inventory + "}";
}

const char* kEmptyInventory =
    R"j({"os":{"id":"debian","versionId":"11","prettyName":"Debian GNU/Linux 11 (bullseye)",)j"
    R"j("ecosystem":"Debian:11"},"packages":[],"warnings":[],"collectors":[]})j";

// ---- one server per backend --------------------------------------------------------------------

constexpr const char* kWebResource = "rootfs:/srv/acme-web/flask";
constexpr const char* kOpsResource = "rootfs:/srv/acme-ops/flask";
constexpr const char* kGlobexResource = "rootfs:/srv/globex/flask";
constexpr const char* kSharedId = "host:shared-name";  // in acme-web and in globex

testing::PostgresServer& Postgres() {
  static auto* server = new testing::PostgresServer();
  return *server;
}

struct Backend {
  std::string skip;
  std::string error;
  std::unique_ptr<base::TempDir> dir;
  std::vector<std::string> store;  // --data-dir DIR | --database URL
  testing::Process server;
  std::string url;                         // http://127.0.0.1:PORT
  std::map<std::string, std::string> key;  // "acme-web/analyst" -> secret
  std::map<std::string, std::string> key_id;
  // Objects of each tenant, made at start-up: its resource, a few finding ids, a rule.
  struct Tenant {
    std::string account, resource, rule;
    std::vector<std::string> findings;
    size_t finding_count = 0;
  };
  std::map<std::string, Tenant> tenant;  // by account
  size_t first_upload_created = 0;       // changes.created of acme-web's first upload

  Reply Call(const std::string& who, const std::string& method, const std::string& path,
             const std::string& body = "") const {
    auto it = key.find(who);
    std::vector<std::string> headers;
    if (it != key.end()) headers.push_back("Authorization: Bearer " + it->second);
    return Send(url, method, path, headers, body);
  }

  ~Backend() {
    if (server.Running()) server.Stop();
  }
};

bool Fail(Backend* b, const std::string& what) {
  b->error = what;
  return false;
}

bool Bootstrap(Backend* b) {
  struct Acct {
    const char* id;
    const char* parent;
  };
  for (const Acct& a :
       {Acct{"acme", ""}, Acct{"acme-web", "acme"}, Acct{"acme-ops", "acme"}, Acct{"globex", ""}}) {
    std::vector<std::string> args = {"accounts", "create", a.id};
    if (*a.parent) args.insert(args.end(), {"--parent", a.parent});
    args.insert(args.end(), b->store.begin(), b->store.end());
    Ran r = RunAssay(args);
    if (r.rc != 0) return Fail(b, "accounts create " + std::string(a.id) + ": " + Describe(r));
  }
  for (const char* spec : {"acme/admin", "acme-web/admin", "acme-web/analyst", "acme-web/read-only",
                           "acme-ops/admin", "acme-ops/analyst", "globex/admin", "globex/analyst",
                           "globex/read-only", "globex/revoked"}) {
    std::string s = spec;
    std::string account = s.substr(0, s.find('/'));
    std::string role = s.substr(s.find('/') + 1);
    std::vector<std::string> args = {
        "keys", "create", account, "--role", role == "revoked" ? "admin" : role, "--name", s};
    args.insert(args.end(), b->store.begin(), b->store.end());
    Ran r = RunAssay(args);
    std::string secret(base::Trim(r.out));
    if (r.rc != 0 || secret.rfind("assay_", 0) != 0) return Fail(b, "keys create: " + Describe(r));
    b->key[s] = secret;
    // stderr: "key key-<hex> (<role>) for account <account>; ..."
    std::string id = r.err.substr(r.err.find("key ") + 4);
    b->key_id[s] = id.substr(0, id.find(' '));
  }
  return true;
}

bool StartServer(Backend* b, const Inputs& in) {
  const fs::path log = b->dir->path() / "server.log";
  std::vector<std::string> argv = {
      AssayBinary().string(), "server",    "--listen", "127.0.0.1:0", "--db",
      in.db.string(),         "--db-poll", "3600"};
  argv.insert(argv.end(), b->store.begin(), b->store.end());
  b->server.Start(argv, log);
  const std::string marker = "assay server listening on http://";
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (std::chrono::steady_clock::now() < deadline) {
    std::string text = base::ReadFile(log).value_or("");
    size_t at = text.find(marker);
    if (at != std::string::npos && text.find('\n', at) != std::string::npos) {
      std::string addr = text.substr(at + marker.size());
      addr = addr.substr(0, addr.find('\n'));
      b->url = "http://" + addr;
      return true;
    }
    if (!b->server.Running()) return Fail(b, "assay server exited:\n" + text);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return Fail(b, "assay server did not listen within 120 s:\n" + base::ReadFile(log).value_or(""));
}

// Every finding of `resource` (of every resource when "") the key `who` sees (all pages).
std::vector<Json> FindingsOf(const Backend& b, const std::string& who, const std::string& resource,
                             const Json& extra_criteria = Json::object()) {
  std::vector<Json> all;
  std::string token;
  for (int page = 0; page < 100; ++page) {
    Json crit = extra_criteria;
    if (!resource.empty()) crit["resourceId"] = {{{"comparison", "EQUALS"}, {"value", resource}}};
    Json body = {{"filterCriteria", crit}, {"maxResults", 1000}};
    if (!token.empty()) body["nextToken"] = token;
    Reply r = b.Call(who, "POST", "/v1/findings/list", body.dump());
    EXPECT_EQ(r.status, 200) << r;
    Json j = r.json();
    if (r.status != 200 || j.is_discarded()) break;
    for (auto& f : j["findings"]) all.push_back(f);
    if (!j["nextToken"].is_string()) break;
    token = j["nextToken"].get<std::string>();
  }
  return all;
}

bool Populate(Backend* b, const Inputs& in) {
  struct Up {
    const char* who;
    const char* account;
    const char* resource;
    const char* team;
  };
  for (const Up& u : {Up{"acme-web/analyst", "acme-web", kWebResource, "payments-acme-web"},
                      Up{"acme-ops/analyst", "acme-ops", kOpsResource, "ops-acme-ops"},
                      Up{"globex/analyst", "globex", kGlobexResource, "globex-team"}}) {
    Reply r = b->Call(u.who, "POST", "/v1/inventories",
                      UploadBody(u.resource, in.inventory, {{"tags", {{"team", u.team}}}}));
    if (r.status != 200) return Fail(b, std::string("upload ") + u.resource + ": " + r.body);
    if (std::string(u.account) == "acme-web") {
      b->first_upload_created = r.json()["changes"]["created"].get<size_t>();
    }
    Backend::Tenant& t = b->tenant[u.account];
    t.account = u.account;
    t.resource = u.resource;
    std::vector<Json> found = FindingsOf(*b, u.who, u.resource);
    t.finding_count = found.size();
    for (size_t i = 0; i < found.size() && i < 5; ++i) {
      t.findings.push_back(found[i]["findingId"].get<std::string>());
    }
    Json rule = {{"name", std::string(u.account) + "-rule"},
                 {"reason", "accepted risk"},
                 {"filterCriteria",
                  {{"vulnerabilityId", {{{"comparison", "EQUALS"}, {"value", "CVE-1999-0001"}}}}}}};
    Reply made = b->Call(u.who, "POST", "/v1/suppression-rules", rule.dump());
    if (made.status != 201) return Fail(b, "rule for " + std::string(u.account) + ": " + made.body);
    t.rule = made.json()["id"].get<std::string>();
  }
  // The same resource id in two tenants: acme-web's with packages, globex's without.
  Reply shared_a = b->Call("acme-web/analyst", "POST", "/v1/inventories",
                           UploadBody(kSharedId, in.inventory, {{"type", "host"}}));
  Reply shared_b = b->Call("globex/analyst", "POST", "/v1/inventories",
                           UploadBody(kSharedId, kEmptyInventory, {{"type", "host"}}));
  if (shared_a.status != 200 || shared_b.status != 200) {
    return Fail(b, "shared id uploads: " + shared_a.body + " / " + shared_b.body);
  }
  // A revoked key.
  Reply revoked = b->Call("globex/admin", "DELETE", "/v1/keys/" + b->key_id["globex/revoked"]);
  if (revoked.status != 200) return Fail(b, "revoke: " + revoked.body);
  return true;
}

std::map<std::string, std::unique_ptr<Backend>>& Backends() {
  static auto* backends = new std::map<std::string, std::unique_ptr<Backend>>();
  return *backends;
}

Backend& GetBackend(const std::string& name) {
  auto& slot = Backends()[name];
  if (slot) return *slot;
  slot = std::make_unique<Backend>();
  Backend* b = slot.get();
  const Inputs& in = GetInputs();
  if (!in.skip.empty()) {
    b->skip = in.skip;
    return *b;
  }
  if (!in.error.empty()) {
    b->error = in.error;
    return *b;
  }
  auto dir = base::TempDir::Create("assay-service-itest-" + name);
  if (!dir.ok()) {
    b->error = dir.status().ToString();
    return *b;
  }
  b->dir = std::make_unique<base::TempDir>(std::move(*dir));
  if (name == "postgres") {
    if (!testing::PostgresServer::Available()) {
      b->skip = testing::PostgresServer::UnavailableReason();
      return *b;
    }
    auto started = Postgres().Start();
    if (!started) {
      b->error = started.message();
      return *b;
    }
    std::string url;
    auto created = Postgres().NewDatabase("service_itest", &url);
    if (!created) {
      b->error = created.message();
      return *b;
    }
    b->store = {"--database", url};
  } else {
    b->store = {"--data-dir", (b->dir->path() / "data").string()};
  }
  if (Bootstrap(b) && StartServer(b, in)) Populate(b, in);
  return *b;
}

// Stops the servers before PostgreSQL goes away.
class StopServers : public ::testing::Environment {
 public:
  void TearDown() override {
    for (auto& [name, b] : Backends()) {
      if (b->server.Running()) b->server.Stop();
    }
    Postgres().Stop();
  }
};
[[maybe_unused]] ::testing::Environment* const kStopServers =
    ::testing::AddGlobalTestEnvironment(new StopServers);

// ---- the route table ---------------------------------------------------------------------------

enum class Tenancy {
  kList,    // answers 200 with the caller's data only: the victim's markers must not appear
  kHidden,  // names a victim's object: must answer exactly as for an id that does not exist
  kCaller,  // acts on the caller's own data only (nothing of the victim's can be named)
};

enum class Need { kReadOnly, kAnalyst, kAdmin };

struct Route {
  const char* method;
  const char* path;  // {res} {finding} {rule} {key} {acct} are filled in
  const char* body;
  Need need;
  Tenancy tenancy;
};

// Every route and method of service.cc, with the request variants that matter for tenancy.
const std::vector<Route>& Routes() {
  static const std::vector<Route> routes = {
      {"POST", "/v1/inventories",
       R"({"resource":{"id":"rootfs:/probe","type":"rootfs","accountId":"{acct}"},)"
       R"("inventory":{"packages":[]}})",
       Need::kAnalyst, Tenancy::kHidden},
      {"GET", "/v1/resources", "", Need::kReadOnly, Tenancy::kList},
      {"GET", "/v1/resources?maxResults=1000", "", Need::kReadOnly, Tenancy::kList},
      {"GET", "/v1/resources/{res}", "", Need::kReadOnly, Tenancy::kHidden},
      {"DELETE", "/v1/resources/{res}", "", Need::kAnalyst, Tenancy::kHidden},
      {"GET", "/v1/resources/{res}/inventory", "", Need::kReadOnly, Tenancy::kHidden},
      {"GET", "/v1/resources/{res}/sbom", "", Need::kReadOnly, Tenancy::kHidden},
      {"GET", "/v1/resources/{res}/sbom?format=spdx", "", Need::kReadOnly, Tenancy::kHidden},
      {"GET", "/v1/findings", "", Need::kReadOnly, Tenancy::kList},
      {"GET", "/v1/findings?resourceId={res}&maxResults=1000", "", Need::kReadOnly, Tenancy::kList},
      {"POST", "/v1/findings/list", "{}", Need::kReadOnly, Tenancy::kList},
      {"POST", "/v1/findings/list",
       R"({"maxResults":1000,"filterCriteria":{"accountId":[{"comparison":"EQUALS","value":"{acct}"}]}})",
       Need::kReadOnly, Tenancy::kList},
      {"POST", "/v1/findings/list",
       R"({"filterCriteria":{"resourceId":[{"comparison":"EQUALS","value":"{res}"}]}})",
       Need::kReadOnly, Tenancy::kList},
      {"POST", "/v1/findings/aggregate", R"({"aggregationType":"SEVERITY"})", Need::kReadOnly,
       Tenancy::kList},
      {"POST", "/v1/findings/aggregate", R"({"aggregationType":"RESOURCE","maxResults":1000})",
       Need::kReadOnly, Tenancy::kList},
      {"POST", "/v1/findings/aggregate",
       R"({"aggregationType":"PACKAGE","filterCriteria":{"resourceId":[{"comparison":"EQUALS","value":"{res}"}]}})",
       Need::kReadOnly, Tenancy::kList},
      {"POST", "/v1/findings/aggregate", R"({"aggregationType":"VULNERABILITY"})", Need::kReadOnly,
       Tenancy::kList},
      {"POST", "/v1/findings/report", R"({"reportFormat":"CSV"})", Need::kReadOnly, Tenancy::kList},
      {"POST", "/v1/findings/report", R"({"reportFormat":"JSON"})", Need::kReadOnly,
       Tenancy::kList},
      {"POST", "/v1/findings/report",
       R"({"reportFormat":"CSV","filterCriteria":{"resourceId":[{"comparison":"EQUALS","value":"{res}"}]}})",
       Need::kReadOnly, Tenancy::kList},
      {"GET", "/v1/findings/{finding}", "", Need::kReadOnly, Tenancy::kHidden},
      {"GET", "/v1/coverage", "", Need::kReadOnly, Tenancy::kList},
      {"GET", "/v1/suppression-rules", "", Need::kReadOnly, Tenancy::kList},
      {"POST", "/v1/suppression-rules",
       R"({"name":"probe","reason":"r","accountId":"{acct}","filterCriteria":)"
       R"({"vulnerabilityId":[{"comparison":"EQUALS","value":"CVE-1999-0002"}]}})",
       Need::kAnalyst, Tenancy::kHidden},
      {"GET", "/v1/suppression-rules/{rule}", "", Need::kReadOnly, Tenancy::kHidden},
      {"PUT", "/v1/suppression-rules/{rule}",
       R"({"name":"taken over","reason":"r","filterCriteria":)"
       R"({"severity":[{"comparison":"EQUALS","value":"CRITICAL"}]}})",
       Need::kAnalyst, Tenancy::kHidden},
      {"DELETE", "/v1/suppression-rules/{rule}", "", Need::kAnalyst, Tenancy::kHidden},
      {"GET", "/v1/events", "", Need::kReadOnly, Tenancy::kList},
      {"GET", "/v1/events?nextToken=0&maxResults=1000", "", Need::kReadOnly, Tenancy::kList},
      {"GET", "/v1/accounts", "", Need::kReadOnly, Tenancy::kList},
      {"POST", "/v1/accounts", R"({"id":"probe-account"})", Need::kAdmin, Tenancy::kCaller},
      {"GET", "/v1/keys", "", Need::kAdmin, Tenancy::kList},
      {"GET", "/v1/keys?accountId={acct}", "", Need::kAdmin, Tenancy::kHidden},
      {"POST", "/v1/keys", R"({"accountId":"{acct}","role":"admin","name":"takeover"})",
       Need::kAdmin, Tenancy::kHidden},
      {"DELETE", "/v1/keys/{key}", "", Need::kAdmin, Tenancy::kHidden},
      {"GET", "/v1/db/status", "", Need::kReadOnly, Tenancy::kList},
  };
  return routes;
}

struct Vars {
  std::string res, finding, rule, key, acct;
};

std::string ReplaceAll(std::string s, const std::string& from, const std::string& to) {
  if (from.empty()) return s;
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) {
    s.replace(at, from.size(), to);
  }
  return s;
}

std::string Fill(std::string s, const Vars& v, bool in_path) {
  auto enc = [&](const std::string& x) { return in_path ? base::UrlEncodeComponent(x) : x; };
  s = ReplaceAll(s, "{res}", enc(v.res));
  s = ReplaceAll(s, "{finding}", enc(v.finding));
  s = ReplaceAll(s, "{rule}", enc(v.rule));
  s = ReplaceAll(s, "{key}", enc(v.key));
  s = ReplaceAll(s, "{acct}", enc(v.acct));
  return s;
}

Vars VarsOf(const Backend& b, const std::string& account, const std::string& key_name) {
  const auto& t = b.tenant.at(account);
  return {t.resource, t.findings.empty() ? "" : t.findings[0], t.rule, b.key_id.at(key_name),
          account};
}

std::string RouteName(const Route& r) {
  return std::string(r.method) + " " + r.path + (r.body[0] ? std::string(" ") + r.body : "");
}

// ---- the tests ---------------------------------------------------------------------------------

class ServiceTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    b_ = &GetBackend(GetParam());
    if (!b_->skip.empty()) GTEST_SKIP() << b_->skip;
    ASSERT_TRUE(b_->error.empty()) << b_->error;
  }
  const Backend& b() const { return *b_; }
  Reply Call(const std::string& who, const std::string& method, const std::string& path,
             const std::string& body = "") const {
    return b_->Call(who, method, path, body);
  }
  std::string KeyFile(const std::string& who) const {
    fs::path p = b_->dir->path() / ("key-" + ReplaceAll(who, "/", "-"));
    EXPECT_TRUE(base::WriteFileAtomic(p, b_->key.at(who) + "\n").ok());
    return p.string();
  }

 private:
  Backend* b_ = nullptr;
};

TEST_P(ServiceTest, HealthAndMetricsNeedNoKey) {
  Reply h = Send(b().url, "GET", "/healthz", {});
  ASSERT_EQ(h.status, 200) << h;
  Json j = h.json();
  EXPECT_EQ(j["status"], "ok");
  EXPECT_FALSE(j["advisoryBuild"].get<std::string>().empty());
  EXPECT_NE(j["store"].get<std::string>().find(GetParam() == "postgres" ? "postgres" : "sqlite"),
            std::string::npos)
      << j.dump();
  Reply m = Send(b().url, "GET", "/metrics", {});
  ASSERT_EQ(m.status, 200) << m;
  EXPECT_NE(m.Header("content-type").find("text/plain"), std::string::npos);
  EXPECT_NE(m.body.find("assay_http_requests_total"), std::string::npos) << m.body;
  EXPECT_NE(m.body.find("assay_inventories_total"), std::string::npos) << m.body;
  EXPECT_EQ(Send(b().url, "POST", "/healthz", {}, "{}").status, 405);
}

TEST_P(ServiceTest, EveryV1RouteAnswers401WithoutAValidKey) {
  const Vars v = VarsOf(b(), "globex", "globex/read-only");
  const std::vector<std::pair<std::string, std::vector<std::string>>> credentials = {
      {"no key", {}},
      {"wrong bearer key", {"Authorization: Bearer assay_key-0123456789abcdef_wrongsecret"}},
      {"malformed bearer key", {"Authorization: Bearer not-a-key"}},
      {"empty bearer", {"Authorization: Bearer "}},
      {"basic auth", {"Authorization: Basic Z2xvYmV4OmFkbWlu"}},
      {"wrong X-Api-Key", {"X-Api-Key: assay_key-0123456789abcdef_wrongsecret"}},
      {"revoked key", {"Authorization: Bearer " + b().key.at("globex/revoked")}},
      // A valid key's secret with the id of another key.
      {"spliced key",
       {"Authorization: Bearer assay_" + b().key_id.at("globex/admin") + "_" +
        b().key.at("globex/read-only").substr(b().key.at("globex/read-only").rfind('_') + 1)}},
  };
  std::vector<Route> routes = Routes();
  routes.push_back({"GET", "/v1/no-such-route", "", Need::kReadOnly, Tenancy::kList});
  routes.push_back({"PATCH", "/v1/resources", "{}", Need::kReadOnly, Tenancy::kList});
  for (const Route& r : routes) {
    for (const auto& [what, headers] : credentials) {
      SCOPED_TRACE(RouteName(r) + " with " + what);
      Reply reply = Send(b().url, r.method, Fill(r.path, v, true), headers, Fill(r.body, v, false));
      EXPECT_EQ(reply.status, 401) << reply;
      EXPECT_EQ(reply.Header("www-authenticate"), "Bearer realm=\"assay\"");
      EXPECT_FALSE(reply.message().empty()) << reply;
    }
  }
  // Nothing the routes would have changed did change.
  EXPECT_EQ(Call("globex/admin", "GET", "/v1/resources/" + base::UrlEncodeComponent(v.res)).status,
            200);
  EXPECT_EQ(Call("globex/admin", "GET", "/v1/suppression-rules/" + v.rule).status, 200);
  EXPECT_EQ(Call("globex/read-only", "GET", "/v1/resources").status, 200);
}

// `caller` (an admin key of another tenant, or of a sibling member of the same organisation)
// against acme-web's objects, route by route.
void ExpectIsolated(const Backend& b, const std::string& caller,
                    const std::string& caller_account) {
  const Vars victim = VarsOf(b, "acme-web", "acme-web/analyst");
  const Vars missing = {"rootfs:/srv/does-not-exist", "fnd-999999999-1", "rule-does-not-exist",
                        "key-00000000deadbeef", "no-such-account"};
  const Vars own = VarsOf(b, caller_account, caller);
  const auto& web = b.tenant.at("acme-web");
  std::vector<std::string> markers = {"acme-web",
                                      web.resource,
                                      "payments-acme-web",
                                      web.rule,
                                      b.key_id.at("acme-web/analyst"),
                                      b.key_id.at("acme-web/admin"),
                                      b.key_id.at("acme-web/read-only")};
  markers.insert(markers.end(), web.findings.begin(), web.findings.end());
  for (const Route& r : Routes()) {
    SCOPED_TRACE(caller + ": " + RouteName(r));
    auto send = [&](const Vars& v) {
      return Send(b.url, r.method, Fill(r.path, v, true),
                  {"Authorization: Bearer " + b.key.at(caller)}, Fill(r.body, v, false));
    };
    switch (r.tenancy) {
      case Tenancy::kList: {
        Reply got = send(victim);
        EXPECT_EQ(got.status, 200) << got;
        for (const std::string& m : markers) {
          EXPECT_EQ(got.body.find(m), std::string::npos) << "leaks " << m << ": " << got;
        }
        break;
      }
      case Tenancy::kHidden: {
        Reply got = send(victim);
        Reply none = send(missing);
        EXPECT_GE(got.status, 400) << got;
        EXPECT_EQ(got.status, none.status) << got << "\nvs an id that does not exist: " << none;
        // The same words, but for the id asked about.
        std::string msg = got.message();
        for (auto [from, to] : {std::pair{victim.res, missing.res},
                                {victim.finding, missing.finding},
                                {victim.rule, missing.rule},
                                {victim.key, missing.key},
                                {victim.acct, missing.acct}}) {
          msg = ReplaceAll(msg, from, to);
        }
        EXPECT_EQ(msg, none.message());
        EXPECT_EQ(got.status, 404) << got;
        break;
      }
      case Tenancy::kCaller: {
        Reply got = send(own);
        for (const std::string& m : markers) {
          EXPECT_EQ(got.body.find(m), std::string::npos) << "leaks " << m << ": " << got;
        }
        break;
      }
    }
  }
  // acme-web's data is as it was.
  Reply res = b.Call("acme-web/read-only", "GET",
                     "/v1/resources/" + base::UrlEncodeComponent(web.resource));
  ASSERT_EQ(res.status, 200) << res;
  EXPECT_TRUE(res.json()["deletedAt"].is_null()) << res;
  Reply rule = b.Call("acme-web/read-only", "GET", "/v1/suppression-rules/" + web.rule);
  ASSERT_EQ(rule.status, 200) << rule;
  EXPECT_EQ(rule.json()["name"], "acme-web-rule");
  EXPECT_EQ(FindingsOf(b, "acme-web/read-only", web.resource).size(), web.finding_count);
  Reply keys = b.Call("acme-web/admin", "GET", "/v1/keys");
  ASSERT_EQ(keys.status, 200) << keys;
  for (const Json& k : keys.json()["keys"]) {
    EXPECT_NE(k["name"], "takeover") << "a key was made for acme-web by " << caller;
    if (k["id"] == b.key_id.at("acme-web/analyst")) {
      EXPECT_TRUE(k["revokedAt"].is_null());
    }
  }
  Reply rules = b.Call("acme-web/read-only", "GET", "/v1/suppression-rules");
  EXPECT_EQ(rules.body.find("\"probe\""), std::string::npos) << rules;
  EXPECT_EQ(b.Call("acme-web/read-only", "GET", "/v1/resources/rootfs%3A%2Fprobe").status, 404);
}

TEST_P(ServiceTest, AnotherTenantCannotReadOrChangeAnAccountsData) {
  ExpectIsolated(b(), "globex/admin", "globex");
}

TEST_P(ServiceTest, AMemberCannotReadOrChangeASiblingMembersData) {
  ExpectIsolated(b(), "acme-ops/admin", "acme-ops");
}

TEST_P(ServiceTest, TheSameResourceIdInTwoTenantsStaysApart) {
  const std::string path = "/v1/resources/" + base::UrlEncodeComponent(kSharedId);
  Reply a = Call("acme-web/read-only", "GET", path);
  Reply g = Call("globex/read-only", "GET", path);
  ASSERT_EQ(a.status, 200) << a;
  ASSERT_EQ(g.status, 200) << g;
  EXPECT_EQ(a.json()["accountId"], "acme-web");
  EXPECT_EQ(g.json()["accountId"], "globex");
  EXPECT_GT(a.json()["packageCount"].get<int>(), 100);
  EXPECT_EQ(g.json()["packageCount"].get<int>(), 0);
  EXPECT_EQ(FindingsOf(b(), "globex/read-only", kSharedId).size(), 0u);
  EXPECT_EQ(FindingsOf(b(), "acme-web/read-only", kSharedId).size(), GetInputs().scan_lines.size());
  Reply inv = Call("globex/read-only", "GET", path + "/inventory");
  ASSERT_EQ(inv.status, 200) << inv;
  EXPECT_TRUE(inv.json()["packages"].empty());
}

TEST_P(ServiceTest, AnOrganisationAdminSeesItsMembersAndMembersOnlyThemselves) {
  auto accounts_of = [](const Json& items) {
    std::set<std::string> out;
    for (const Json& i : items) out.insert(i["accountId"].get<std::string>());
    return out;
  };
  Reply org = Call("acme/admin", "GET", "/v1/resources?maxResults=1000");
  ASSERT_EQ(org.status, 200) << org;
  EXPECT_EQ(accounts_of(org.json()["resources"]), (std::set<std::string>{"acme-web", "acme-ops"}));
  Reply web = Call("acme-web/read-only", "GET", "/v1/resources?maxResults=1000");
  EXPECT_EQ(accounts_of(web.json()["resources"]), std::set<std::string>{"acme-web"});

  const auto& w = b().tenant.at("acme-web");
  const auto& o = b().tenant.at("acme-ops");
  EXPECT_EQ(FindingsOf(b(), "acme/admin", w.resource).size(), w.finding_count);
  EXPECT_EQ(FindingsOf(b(), "acme/admin", o.resource).size(), o.finding_count);
  EXPECT_EQ(FindingsOf(b(), "acme-web/read-only", o.resource).size(), 0u);
  Reply f = Call("acme/admin", "GET", "/v1/findings/" + w.findings[0]);
  ASSERT_EQ(f.status, 200) << f;
  EXPECT_EQ(f.json()["accountId"], "acme-web");
  EXPECT_EQ(
      Call("acme/admin", "GET", "/v1/resources/" + base::UrlEncodeComponent(o.resource) + "/sbom")
          .status,
      200);

  Reply agg = Call("acme/admin", "POST", "/v1/findings/aggregate",
                   R"({"aggregationType":"RESOURCE","maxResults":1000})");
  ASSERT_EQ(agg.status, 200) << agg;
  std::set<std::string> keys;
  for (const Json& c : agg.json()["counts"]) keys.insert(c["key"].get<std::string>());
  EXPECT_TRUE(keys.count(w.resource) && keys.count(o.resource)) << agg;
  EXPECT_FALSE(keys.count(kGlobexResource)) << agg;

  Reply all = Call("acme/admin", "GET", "/v1/events?maxResults=1000");
  ASSERT_EQ(all.status, 200) << all;
  std::set<std::string> event_accounts = accounts_of(all.json()["events"]);
  EXPECT_TRUE(event_accounts.count("acme-web") && event_accounts.count("acme-ops")) << all;
  EXPECT_FALSE(event_accounts.count("globex"));
  Reply own = Call("acme-ops/admin", "GET", "/v1/events?maxResults=1000");
  EXPECT_EQ(accounts_of(own.json()["events"]), std::set<std::string>{"acme-ops"});

  Reply accts = Call("acme/admin", "GET", "/v1/accounts");
  std::set<std::string> ids;
  for (const Json& a : accts.json()["accounts"]) ids.insert(a["id"].get<std::string>());
  EXPECT_EQ(ids, (std::set<std::string>{"acme", "acme-web", "acme-ops"}));
  Reply member = Call("acme-web/admin", "GET", "/v1/accounts");
  ids.clear();
  for (const Json& a : member.json()["accounts"]) ids.insert(a["id"].get<std::string>());
  EXPECT_EQ(ids, std::set<std::string>{"acme-web"});

  // The organisation's admin writes to a member; a member cannot make accounts.
  Reply rule = Call("acme/admin", "POST", "/v1/suppression-rules",
                    R"({"name":"org rule","reason":"r","accountId":"acme-ops","filterCriteria":)"
                    R"({"vulnerabilityId":[{"comparison":"EQUALS","value":"CVE-1999-0003"}]}})");
  ASSERT_EQ(rule.status, 201) << rule;
  EXPECT_EQ(rule.json()["accountId"], "acme-ops");
  EXPECT_EQ(Call("acme-ops/analyst", "GET",
                 "/v1/suppression-rules/" + rule.json()["id"].get<std::string>())
                .status,
            200);
  EXPECT_EQ(
      Call("acme/admin", "DELETE", "/v1/suppression-rules/" + rule.json()["id"].get<std::string>())
          .status,
      200);
  Reply made = Call("acme-web/admin", "POST", "/v1/accounts", R"({"id":"acme-web-child"})");
  EXPECT_EQ(made.status, 403) << made;
  EXPECT_EQ(made.message(), "member accounts cannot create accounts");
}

TEST_P(ServiceTest, RolesLimitWhatAKeyMayDo) {
  // Each key on its own tenant's objects: the role check answers before anything is looked up.
  const Vars v = VarsOf(b(), "globex", "globex/analyst");
  for (const Route& r : Routes()) {
    for (const char* who : {"globex/read-only", "globex/analyst"}) {
      const bool analyst = std::string(who) == "globex/analyst";
      const bool allowed = r.need == Need::kReadOnly || (analyst && r.need == Need::kAnalyst);
      if (allowed && std::string(r.method) != "GET" &&
          std::string(r.path).find("/v1/findings/") == std::string::npos) {
        continue;  // a permitted write: the other tests make those
      }
      SCOPED_TRACE(std::string(who) + ": " + RouteName(r));
      Reply got = Call(who, r.method, Fill(r.path, v, true), Fill(r.body, v, false));
      if (allowed) {
        EXPECT_EQ(got.status, 200) << got;
      } else {
        EXPECT_EQ(got.status, 403) << got;
        const std::string need = r.need == Need::kAdmin ? "admin" : "analyst";
        EXPECT_EQ(got.message(), std::string("this key's role (") +
                                     (analyst ? "analyst" : "read-only") +
                                     ") cannot do this; it needs " + need)
            << got;
      }
    }
  }
  // The refused writes changed nothing.
  Reply res = Call("globex/read-only", "GET", "/v1/resources/" + base::UrlEncodeComponent(v.res));
  ASSERT_EQ(res.status, 200) << res;
  EXPECT_TRUE(res.json()["deletedAt"].is_null());
  EXPECT_EQ(Call("globex/read-only", "GET", "/v1/suppression-rules/" + v.rule).json()["name"],
            "globex-rule");
  EXPECT_EQ(Call("globex/analyst", "GET", "/v1/resources").status, 200);
  Reply keys = Call("globex/admin", "GET", "/v1/keys");
  EXPECT_EQ(keys.body.find("takeover"), std::string::npos) << keys;
}

struct BadInput {
  const char* name;
  const char* method;
  std::string path;
  std::string body;
  int status;
  std::string message;  // the error message, or a part of it in [brackets]
  const char* who = "acme-web/analyst";
};

// `depth` nested arrays: a valid document that recursive code cannot walk.
std::string Nested(size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }

TEST_P(ServiceTest, BadInputIsRefusedPreciselyAndWritesNothing) {
  const std::string& inv = GetInputs().inventory;
  const std::string good_filter = R"({"severity":[{"comparison":"EQUALS","value":"HIGH"}]})";
  const std::vector<BadInput> cases = {
      {"upload: not JSON", "POST", "/v1/inventories", "{\"resource\":", 400,
       "body: not valid JSON"},
      {"upload: an array", "POST", "/v1/inventories", "[]", 400, "body: must be a JSON object"},
      {"upload: empty body", "POST", "/v1/inventories", "", 400, "[body]"},
      {"upload: unknown top-level field", "POST", "/v1/inventories",
       R"({"resource":{"id":"rootfs:/bad/1","type":"rootfs"},"inventory":{},"extra":1})", 400,
       "extra: unknown field (expected one of: resource, inventory)"},
      {"upload: unknown resource field", "POST", "/v1/inventories",
       R"({"resource":{"id":"rootfs:/bad/2","type":"rootfs","colour":"red"},"inventory":{}})", 400,
       "[resource.colour: unknown field]"},
      {"upload: unknown package field", "POST", "/v1/inventories",
       R"({"resource":{"id":"rootfs:/bad/3","type":"rootfs"},"inventory":{"packages":[)"
       R"({"ecosystem":"Debian:11","name":"a","version":"1"},)"
       R"({"ecosystem":"Debian:11","name":"b","version":"1","licence":"MIT"}]}})",
       400, "[inventory.packages[1].licence: unknown field]"},
      {"upload: no resource", "POST", "/v1/inventories", R"({"inventory":{}})", 400,
       "resource: required"},
      {"upload: no inventory", "POST", "/v1/inventories",
       R"({"resource":{"id":"rootfs:/bad/4","type":"rootfs"}})", 400, "inventory: required"},
      {"upload: no resource id", "POST", "/v1/inventories",
       R"({"resource":{"type":"rootfs"},"inventory":{}})", 400, "resource.id: required"},
      {"upload: unknown resource type", "POST", "/v1/inventories",
       R"({"resource":{"id":"rootfs:/bad/5","type":"vm"},"inventory":{}})", 400,
       "[one of host, rootfs, image, repository, golden-image]"},
      {"upload: tag not a string", "POST", "/v1/inventories",
       R"({"resource":{"id":"rootfs:/bad/6","type":"rootfs","tags":{"env":1}},"inventory":{}})",
       400, "resource.tags.env: must be a string"},
      {"upload: package version wrong type", "POST", "/v1/inventories",
       R"({"resource":{"id":"rootfs:/bad/7","type":"rootfs"},"inventory":{"packages":[)"
       R"({"ecosystem":"Debian:11","name":"a","version":1}]}})",
       400, "[inventory]"},
      {"list: not JSON", "POST", "/v1/findings/list", "{", 400, "body: not valid JSON"},
      {"list: unknown field", "POST", "/v1/findings/list", R"({"filter":{}})", 400,
       "[filter: unknown field]"},
      {"list: unknown criterion", "POST", "/v1/findings/list",
       R"({"filterCriteria":{"colour":[{"comparison":"EQUALS","value":"red"}]}})", 400, "[colour]"},
      {"list: bad comparison", "POST", "/v1/findings/list",
       R"({"filterCriteria":{"severity":[{"comparison":"LIKE","value":"HIGH"}]}})", 400,
       "[severity]"},
      {"list: maxResults 0", "POST", "/v1/findings/list", R"({"maxResults":0})", 400,
       "maxResults: 1 to 1000"},
      {"list: maxResults 1001", "POST", "/v1/findings/list", R"({"maxResults":1001})", 400,
       "maxResults: 1 to 1000"},
      {"list: maxResults text", "POST", "/v1/findings/list", R"({"maxResults":"10"})", 400,
       "maxResults: must be an integer"},
      {"list: bad nextToken", "POST", "/v1/findings/list", R"({"nextToken":"garbage"})", 400,
       "[garbage]"},
      {"list: bad sort field", "POST", "/v1/findings/list", R"({"sortCriteria":{"field":"TITLE"}})",
       400, "sortCriteria.field: SEVERITY or UPDATED"},
      {"GET findings: filterCriteria not JSON", "GET", "/v1/findings?filterCriteria=%7Bnope", "",
       400, "filterCriteria: not a JSON object"},
      {"GET findings: bad maxResults", "GET", "/v1/findings?maxResults=ten", "", 400,
       "maxResults: not an integer"},
      {"GET findings: bad nextToken", "GET", "/v1/findings?nextToken=garbage", "", 400,
       "[garbage]"},
      {"resources: bad nextToken", "GET", "/v1/resources?nextToken=garbage", "", 400, "[garbage]"},
      {"coverage: bad nextToken", "GET", "/v1/coverage?nextToken=garbage", "", 400, "[garbage]"},
      {"events: bad nextToken", "GET", "/v1/events?nextToken=abc", "", 400,
       "nextToken: not a token from this feed"},
      {"events: negative nextToken", "GET", "/v1/events?nextToken=-5", "", 400,
       "nextToken: not a token from this feed"},
      {"aggregate: unknown type", "POST", "/v1/findings/aggregate",
       R"({"aggregationType":"COLOUR"})", 400,
       "aggregationType: SEVERITY, RESOURCE, PACKAGE or VULNERABILITY"},
      {"aggregate: no body", "POST", "/v1/findings/aggregate", "", 400,
       "body: a JSON object is required"},
      {"report: unknown format", "POST", "/v1/findings/report", R"({"reportFormat":"XLSX"})", 400,
       "reportFormat: CSV or JSON"},
      {"report: unknown field", "POST", "/v1/findings/report",
       R"({"reportFormat":"CSV","columns":[]})", 400, "[columns: unknown field]"},
      {"sbom: unknown format", "GET",
       "/v1/resources/" + base::UrlEncodeComponent(kWebResource) + "/sbom?format=pdf", "", 400,
       "format: cyclonedx or spdx"},
      {"rule: no name", "POST", "/v1/suppression-rules",
       R"({"reason":"r","filterCriteria":)" + good_filter + "}", 400, "name: required"},
      {"rule: bad expiry", "POST", "/v1/suppression-rules",
       R"({"name":"bad expiry","reason":"r","expiresAt":"next week","filterCriteria":)" +
           good_filter + "}",
       400, "expiresAt: not an RFC 3339 time"},
      {"rule: unknown field", "POST", "/v1/suppression-rules",
       R"({"name":"n","reason":"r","action":"drop","filterCriteria":)" + good_filter + "}", 400,
       "[action: unknown field]"},
      {"rule: bad filter", "POST", "/v1/suppression-rules",
       R"({"name":"bad filter","reason":"r","filterCriteria":{"severity":"HIGH"}})", 400,
       "[severity]"},
      {"path: bad percent-encoding", "GET", "/v1/resources/%zz", "", 400,
       "malformed percent-encoding in path"},
      {"method not allowed", "PATCH", "/v1/findings/list", "{}", 405,
       "use POST on /v1/findings/list"},
      {"no such route", "GET", "/v1/nothing-here", "", 404, "no such endpoint: /v1/nothing-here"},
      // Values of the wrong JSON type.
      {"list: nextToken a number", "POST", "/v1/findings/list", R"({"nextToken":5})", 400,
       "nextToken: must be a string"},
      {"list: sort field a number", "POST", "/v1/findings/list", R"({"sortCriteria":{"field":1}})",
       400, "sortCriteria.field: must be a string"},
      {"list: sortOrder a number", "POST", "/v1/findings/list",
       R"({"sortCriteria":{"field":"SEVERITY","sortOrder":1}})", 400,
       "sortCriteria.sortOrder: only DESC"},
      {"aggregate: type a number", "POST", "/v1/findings/aggregate", R"({"aggregationType":1})",
       400, "aggregationType: must be a string"},
      {"report: format a list", "POST", "/v1/findings/report", R"({"reportFormat":["CSV"]})", 400,
       "reportFormat: must be a string"},
      {"keys: role a number", "POST", "/v1/keys", R"({"role":5})", 400, "role: must be a string",
       "globex/admin"},
      {"keys: accountId a number", "POST", "/v1/keys", R"({"accountId":5,"role":"admin"})", 400,
       "accountId: must be a string", "globex/admin"},
      {"keys: name an object", "POST", "/v1/keys", R"({"role":"admin","name":{}})", 400,
       "name: must be a string", "globex/admin"},
      {"accounts: id a number", "POST", "/v1/accounts", R"({"id":5})", 400, "id: must be a string",
       "globex/admin"},
      {"accounts: name a list", "POST", "/v1/accounts", R"({"id":"globex-x","name":[]})", 400,
       "name: must be a string", "globex/admin"},
      // Text PostgreSQL cannot store (NUL), in every kind of field that is stored.
      {"upload: NUL in resource id", "POST", "/v1/inventories",
       R"({"resource":{"id":"rootfs:/bad/10\u0000x","type":"rootfs"},"inventory":{}})", 400,
       "resource.id: must not contain NUL characters"},
      {"upload: NUL in resource name", "POST", "/v1/inventories",
       R"({"resource":{"id":"rootfs:/bad/11","type":"rootfs","name":"a\u0000"},"inventory":{}})",
       400, "resource.name: must not contain NUL characters"},
      {"upload: NUL in tag", "POST", "/v1/inventories",
       R"({"resource":{"id":"rootfs:/bad/12","type":"rootfs","tags":{"k\u0000":"v"}},)"
       R"("inventory":{}})",
       400, "resource.tags: a key contains a NUL character"},
      {"upload: NUL in details", "POST", "/v1/inventories",
       R"({"resource":{"id":"rootfs:/bad/13","type":"rootfs","details":{"k":"v\u0000"}},)"
       R"("inventory":{}})",
       400, "resource.details.k: must not contain NUL characters"},
      {"upload: NUL in package name", "POST", "/v1/inventories",
       R"({"resource":{"id":"rootfs:/bad/14","type":"rootfs"},"inventory":{"packages":[)"
       R"({"ecosystem":"Debian:11","name":"a\u0000b","version":"1"}]}})",
       400, "inventory.packages[0].name: must not contain NUL characters"},
      {"upload: NUL in os", "POST", "/v1/inventories",
       R"({"resource":{"id":"rootfs:/bad/15","type":"rootfs"},"inventory":{"os":)"
       R"({"id":"debian","prettyName":"x\u0000"}}})",
       400, "inventory.os.prettyName: must not contain NUL characters"},
      {"rule: NUL in name", "POST", "/v1/suppression-rules",
       R"({"name":"n\u0000","reason":"r","filterCriteria":)" + good_filter + "}", 400,
       "name: must not contain NUL characters"},
      {"rule: NUL in reason", "POST", "/v1/suppression-rules",
       R"({"name":"nul reason","reason":"r\u0000","filterCriteria":)" + good_filter + "}", 400,
       "reason: must not contain NUL characters"},
      {"keys: NUL in name", "POST", "/v1/keys", R"({"role":"admin","name":"k\u0000"})", 400,
       "name: must not contain NUL characters", "globex/admin"},
      {"accounts: NUL in name", "POST", "/v1/accounts", R"({"id":"globex-nul","name":"\u0000"})",
       400, "name: must not contain NUL characters", "globex/admin"},
      {"path: NUL in a resource id", "GET", "/v1/resources/rootfs%3A%00x", "", 400,
       "path: must not contain NUL characters"},
      // Deeply nested documents.
      {"upload: deep details", "POST", "/v1/inventories",
       R"({"resource":{"id":"rootfs:/bad/8","type":"rootfs","details":{"a":)" + Nested(300000) +
           R"(}},"inventory":{}})",
       400, "body: JSON nested deeper than 64 levels"},
      {"upload: deep package field", "POST", "/v1/inventories",
       R"({"resource":{"id":"rootfs:/bad/9","type":"rootfs"},"inventory":{"packages":[{"name":)" +
           Nested(300000) + "}]}}",
       400, "body: JSON nested deeper than 64 levels"},
      {"list: deep filter", "POST", "/v1/findings/list",
       R"({"filterCriteria":{"severity":[)" + Nested(300000) + "]}}", 400,
       "body: JSON nested deeper than 64 levels"},
      {"rule: deep filter", "POST", "/v1/suppression-rules",
       R"({"name":"deep","reason":"r","filterCriteria":{"title":)" + Nested(300000) + "}}", 400,
       "body: JSON nested deeper than 64 levels"},
      {"body: deep array", "POST", "/v1/findings/list", Nested(300000), 400,
       "body: JSON nested deeper than 64 levels"},
      {"body: 64 levels are fine", "POST", "/v1/findings/list", Nested(64), 400,
       "body: must be a JSON object"},
      {"GET findings: deep filterCriteria", "GET",
       "/v1/findings?filterCriteria=" + base::UrlEncodeComponent(Nested(65)), "", 400,
       "filterCriteria: JSON nested deeper than 64 levels"},
  };
  auto count = [&](const std::string& who) {
    Reply r = Call(who, "GET", "/v1/resources?maxResults=1000");
    EXPECT_EQ(r.status, 200) << r;
    return r.json()["resources"].size();
  };
  const size_t resources_before = count("acme-web/read-only");
  const size_t rules_before =
      Call("acme-web/read-only", "GET", "/v1/suppression-rules").json()["suppressionRules"].size();
  for (const BadInput& c : cases) {
    SCOPED_TRACE(c.name);
    Reply r = Call(c.who, c.method, c.path, c.body);
    EXPECT_EQ(r.status, c.status) << r;
    Json j = r.json();
    ASSERT_FALSE(j.is_discarded()) << r;
    EXPECT_TRUE(j["error"]["code"].is_string()) << r;
    for (const char* internal : {"postgres://", "state.db", "SELECT ", "INSERT "}) {
      EXPECT_EQ(r.body.find(internal), std::string::npos) << "names the store: " << r;
    }
    if (c.message.front() == '[') {
      EXPECT_NE(r.message().find(c.message.substr(1, c.message.size() - 2)), std::string::npos)
          << r;
    } else {
      EXPECT_EQ(r.message(), c.message) << r;
    }
  }
  EXPECT_EQ(count("acme-web/read-only"), resources_before);
  EXPECT_EQ(
      Call("acme-web/read-only", "GET", "/v1/suppression-rules").json()["suppressionRules"].size(),
      rules_before);
  ASSERT_EQ(Send(b().url, "GET", "/healthz", {}).status, 200) << "the server survived";
  Reply accounts = Call("globex/admin", "GET", "/v1/accounts");
  ASSERT_EQ(accounts.status, 200) << accounts;
  EXPECT_EQ(accounts.body.find("globex-x"), std::string::npos) << accounts;
  EXPECT_EQ(accounts.body.find("globex-nul"), std::string::npos) << accounts;
  for (int i = 1; i <= 15; ++i) {
    EXPECT_EQ(Call("acme-web/read-only", "GET",
                   "/v1/resources/" + base::UrlEncodeComponent("rootfs:/bad/" + std::to_string(i)))
                  .status,
              404)
        << i;
  }

  // A refused upload to an existing resource leaves its inventory and findings as they were.
  const auto& web = b().tenant.at("acme-web");
  Reply bad = Call("acme-web/analyst", "POST", "/v1/inventories",
                   R"({"resource":{"id":")" + web.resource +
                       R"(","type":"rootfs"},"inventory":{"packages":[{"name":"x","sbom":1}]}})");
  EXPECT_EQ(bad.status, 400) << bad;
  Reply res =
      Call("acme-web/read-only", "GET", "/v1/resources/" + base::UrlEncodeComponent(web.resource));
  EXPECT_GT(res.json()["packageCount"].get<int>(), 100) << res;
  EXPECT_EQ(FindingsOf(b(), "acme-web/read-only", web.resource).size(), web.finding_count);

  // A body over the 16 MiB limit: 413, nothing stored, and the server goes on serving.
  std::string huge = UploadBody("rootfs:/bad/huge", inv);
  huge.insert(huge.size() - 1, ",\"padding\":\"" + std::string(17u << 20, 'x') + "\"");
  Reply big = Call("acme-web/analyst", "POST", "/v1/inventories", huge);
  EXPECT_EQ(big.status, 413) << big;
  EXPECT_NE(big.message().find("16777216"), std::string::npos) << big;
  EXPECT_EQ(Call("acme-web/read-only", "GET", "/v1/resources/rootfs%3A%2Fbad%2Fhuge").status, 404);
  EXPECT_EQ(count("acme-web/read-only"), resources_before);
}

TEST_P(ServiceTest, AnUploadedInventoryHasTheFindingsOfALocalScan) {
  const Inputs& in = GetInputs();
  // At start-up: the first upload created one finding per line of the scan.
  EXPECT_EQ(b().first_upload_created, in.scan_lines.size());
  const std::string id = "rootfs:/srv/acme-web/count";
  const std::string path = "/v1/resources/" + base::UrlEncodeComponent(id);
  Reply up = Call("acme-web/analyst", "POST", "/v1/inventories",
                  UploadBody(id, in.inventory, {{"name", "count"}, {"tags", {{"env", "test"}}}}));
  ASSERT_EQ(up.status, 200) << up;
  Json j = up.json();
  EXPECT_EQ(j["changes"]["created"].get<size_t>(), in.scan_lines.size()) << up;
  EXPECT_EQ(j["resource"]["id"], id);
  EXPECT_EQ(j["resource"]["accountId"], "acme-web");
  EXPECT_EQ(j["resource"]["tags"]["env"], "test");
  std::vector<Json> found = FindingsOf(b(), "acme-web/read-only", id);
  Json arr = Json::array();
  for (const Json& f : found) arr.push_back(f);
  EXPECT_EQ(FindingLines(arr), in.scan_lines);
  for (const Json& f : found) EXPECT_EQ(f["status"], "ACTIVE");

  // The same inventory again changes nothing; an empty one closes every finding.
  Reply again = Call("acme-web/analyst", "POST", "/v1/inventories", UploadBody(id, in.inventory));
  ASSERT_EQ(again.status, 200) << again;
  EXPECT_EQ(again.json()["changes"]["created"], 0);
  EXPECT_EQ(again.json()["changes"]["closed"], 0);
  Reply empty =
      Call("acme-web/analyst", "POST", "/v1/inventories", UploadBody(id, kEmptyInventory));
  ASSERT_EQ(empty.status, 200) << empty;
  EXPECT_EQ(empty.json()["changes"]["closed"].get<size_t>(), in.scan_lines.size());
  for (const Json& f : FindingsOf(b(), "acme-web/read-only", id)) {
    EXPECT_EQ(f["status"], "CLOSED");
    EXPECT_EQ(f["closedReason"], "PACKAGE_REMOVED");
  }
  Reply inv = Call("acme-web/read-only", "GET", path + "/inventory");
  EXPECT_TRUE(inv.json()["packages"].empty()) << inv;
}

TEST_P(ServiceTest, ExportsSbomsReportsAggregatesAndEvents) {
  const auto& web = b().tenant.at("acme-web");
  const std::string res = "/v1/resources/" + base::UrlEncodeComponent(web.resource);
  Reply inv = Call("acme-web/read-only", "GET", res + "/inventory");
  ASSERT_EQ(inv.status, 200) << inv;
  const size_t packages = inv.json()["packages"].size();
  EXPECT_GT(packages, 100u);
  Reply cdx = Call("acme-web/read-only", "GET", res + "/sbom");
  ASSERT_EQ(cdx.status, 200) << cdx;
  EXPECT_EQ(cdx.json()["bomFormat"], "CycloneDX");
  EXPECT_GE(cdx.json()["components"].size(), packages);
  Reply spdx = Call("acme-web/read-only", "GET", res + "/sbom?format=spdx");
  ASSERT_EQ(spdx.status, 200) << spdx;
  EXPECT_EQ(spdx.json()["spdxVersion"], "SPDX-2.3");

  const std::string filter =
      R"({"resourceId":[{"comparison":"EQUALS","value":")" + web.resource + R"("}]})";
  Reply csv = Call("acme-web/read-only", "POST", "/v1/findings/report",
                   R"({"reportFormat":"CSV","filterCriteria":)" + filter + "}");
  ASSERT_EQ(csv.status, 200) << csv;
  EXPECT_NE(csv.Header("content-type").find("text/csv"), std::string::npos);
  size_t lines = std::count(csv.body.begin(), csv.body.end(), '\n');
  EXPECT_EQ(lines, web.finding_count + 1);
  EXPECT_EQ(csv.body.rfind("findingId,accountId,resourceId", 0), 0u);
  Reply rj = Call("acme-web/read-only", "POST", "/v1/findings/report",
                  R"({"reportFormat":"JSON","filterCriteria":)" + filter + "}");
  ASSERT_EQ(rj.status, 200) << rj;
  EXPECT_EQ(rj.json()["findings"].size(), web.finding_count);

  Reply agg = Call("acme-web/read-only", "POST", "/v1/findings/aggregate",
                   R"({"aggregationType":"SEVERITY","filterCriteria":)" + filter + "}");
  ASSERT_EQ(agg.status, 200) << agg;
  size_t total = 0;
  for (const Json& c : agg.json()["counts"]) total += c["total"].get<size_t>();
  EXPECT_EQ(total, web.finding_count);

  Reply cov = Call("acme-web/read-only", "GET", "/v1/coverage?maxResults=1000");
  ASSERT_EQ(cov.status, 200) << cov;
  bool seen = false;
  for (const Json& c : cov.json()["coveredResources"]) {
    if (c["resourceId"] == web.resource) {
      seen = true;
      EXPECT_EQ(c["scanStatus"]["statusCode"], "ACTIVE") << c.dump();
    }
  }
  EXPECT_TRUE(seen) << cov;

  // The event feed pages with nextToken and ends empty with the same token.
  std::string token = "0";
  size_t events = 0;
  for (int page = 0; page < 1000; ++page) {
    Reply e = Call("acme-web/read-only", "GET", "/v1/events?maxResults=100&nextToken=" + token);
    ASSERT_EQ(e.status, 200) << e;
    Json ej = e.json();
    if (ej["events"].empty()) {
      EXPECT_EQ(ej["nextToken"], token);
      break;
    }
    for (const Json& ev : ej["events"]) EXPECT_EQ(ev["accountId"], "acme-web");
    events += ej["events"].size();
    token = ej["nextToken"].get<std::string>();
  }
  EXPECT_GE(events, web.finding_count);

  // Paging through findings 7 at a time gives each finding once.
  std::set<std::string> ids;
  std::string next;
  for (int page = 0; page < 1000; ++page) {
    Json body = {{"maxResults", 7},
                 {"filterCriteria", Json::parse(filter)},
                 {"sortCriteria", {{"field", "SEVERITY"}}}};
    if (!next.empty()) body["nextToken"] = next;
    Reply p = Call("acme-web/read-only", "POST", "/v1/findings/list", body.dump());
    ASSERT_EQ(p.status, 200) << p;
    for (const Json& f : p.json()["findings"]) {
      EXPECT_TRUE(ids.insert(f["findingId"].get<std::string>()).second);
    }
    if (!p.json()["nextToken"].is_string()) break;
    next = p.json()["nextToken"].get<std::string>();
  }
  EXPECT_EQ(ids.size(), web.finding_count);
}

TEST_P(ServiceTest, DeletingAResourceClosesItsFindings) {
  const std::string id = "rootfs:/srv/acme-web/delete-me";
  const std::string path = "/v1/resources/" + base::UrlEncodeComponent(id);
  ASSERT_EQ(
      Call("acme-web/analyst", "POST", "/v1/inventories", UploadBody(id, GetInputs().inventory))
          .status,
      200);
  Reply del = Call("acme-web/analyst", "DELETE", path);
  ASSERT_EQ(del.status, 200) << del;
  EXPECT_EQ(del.json()["changes"]["closed"].get<size_t>(), GetInputs().scan_lines.size());
  for (const Json& f : FindingsOf(b(), "acme-web/read-only", id)) {
    EXPECT_EQ(f["status"], "CLOSED");
    EXPECT_EQ(f["closedReason"], "RESOURCE_DELETED");
  }
}

TEST_P(ServiceTest, SuppressionRulesSuppressAndRelease) {
  const auto& web = b().tenant.at("acme-web");
  std::vector<Json> found = FindingsOf(b(), "acme-web/read-only", web.resource);
  ASSERT_FALSE(found.empty());
  const std::string vuln =
      found[0]["packageVulnerabilityDetails"]["vulnerabilityId"].get<std::string>();
  const Json crit = {{"vulnerabilityId", {{{"comparison", "EQUALS"}, {"value", vuln}}}}};
  // The rule applies to every resource of the account.
  Json active_crit = crit;
  active_crit["findingStatus"] = {{{"comparison", "EQUALS"}, {"value", "ACTIVE"}}};
  const size_t matching = FindingsOf(b(), "acme-web/read-only", "", active_crit).size();
  ASSERT_GT(matching, 0u);
  Reply made = Call(
      "acme-web/analyst", "POST", "/v1/suppression-rules",
      Json{{"name", "suppress " + vuln}, {"reason", "mitigated"}, {"filterCriteria", crit}}.dump());
  ASSERT_EQ(made.status, 201) << made;
  const std::string rule = made.json()["id"].get<std::string>();
  Json suppressed_crit = crit;
  suppressed_crit["findingStatus"] = {{{"comparison", "EQUALS"}, {"value", "SUPPRESSED"}}};
  std::vector<Json> now = FindingsOf(b(), "acme-web/read-only", "", suppressed_crit);
  EXPECT_EQ(now.size(), matching);
  for (const Json& f : now) EXPECT_EQ(f["suppressedBy"], rule);
  // The same name again is refused with a message; replacing the rule keeps its id.
  Reply dup = Call(
      "acme-web/analyst", "POST", "/v1/suppression-rules",
      Json{{"name", "suppress " + vuln}, {"reason", "again"}, {"filterCriteria", crit}}.dump());
  EXPECT_GE(dup.status, 400) << dup;
  EXPECT_LT(dup.status, 500) << dup;
  EXPECT_FALSE(dup.message().empty());
  Reply put = Call(
      "acme-web/analyst", "PUT", "/v1/suppression-rules/" + rule,
      Json{{"name", "suppress " + vuln}, {"reason", "still mitigated"}, {"filterCriteria", crit}}
          .dump());
  ASSERT_EQ(put.status, 200) << put;
  EXPECT_EQ(put.json()["id"], rule);
  EXPECT_EQ(put.json()["reason"], "still mitigated");
  Reply del = Call("acme-web/analyst", "DELETE", "/v1/suppression-rules/" + rule);
  ASSERT_EQ(del.status, 200) << del;
  EXPECT_EQ(del.json()["changes"]["unsuppressed"].get<size_t>(), matching);
  EXPECT_TRUE(FindingsOf(b(), "acme-web/read-only", "", suppressed_crit).empty());
  EXPECT_EQ(FindingsOf(b(), "acme-web/read-only", "", active_crit).size(), matching);
  EXPECT_EQ(Call("acme-web/read-only", "GET", "/v1/suppression-rules/" + rule).status, 404);
}

TEST_P(ServiceTest, AdminKeysManageKeysOfTheirAccounts) {
  Reply made = Call("globex/admin", "POST", "/v1/keys", R"({"role":"read-only","name":"ci"})");
  ASSERT_EQ(made.status, 201) << made;
  Json k = made.json();
  EXPECT_EQ(k["accountId"], "globex");
  const std::string secret = k["secret"].get<std::string>();
  auto with = [&](const std::string& s) {
    return Send(b().url, "GET", "/v1/resources", {"Authorization: Bearer " + s});
  };
  EXPECT_EQ(with(secret).status, 200);
  Reply list = Call("globex/admin", "GET", "/v1/keys");
  EXPECT_EQ(list.body.find(secret.substr(secret.rfind('_') + 1)), std::string::npos)
      << "a key list shows a secret";
  EXPECT_EQ(Call("globex/admin", "DELETE", "/v1/keys/" + k["id"].get<std::string>()).status, 200);
  Reply revoked = with(secret);
  EXPECT_EQ(revoked.status, 401) << revoked;
  EXPECT_EQ(revoked.message(), "unknown or revoked API key");
  EXPECT_EQ(Call("globex/admin", "POST", "/v1/keys", R"({"role":"root"})").message(),
            "role: admin, analyst or read-only");
}

// ---- the CLI against the server ----------------------------------------------------------------

TEST_P(ServiceTest, CliFindingsListFollowsPagesAndFilters) {
  const auto& web = b().tenant.at("acme-web");
  const std::string key = KeyFile("acme-web/read-only");
  Ran all = RunAssay({"findings", "list", "--server", b().url, "--api-key-file", key, "--resource",
                      web.resource, "--format", "json", "--page-size", "9"});
  ASSERT_EQ(all.rc, 0) << Describe(all);
  Json j = Json::parse(all.out, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << all.out;
  EXPECT_EQ(j["findings"].size(), web.finding_count);
  EXPECT_EQ(FindingLines(j["findings"]), GetInputs().scan_lines);

  Ran high = RunAssay(
      {"findings", "list", "--severity", "critical,HIGH", "--status", "ACTIVE", "--format", "json"},
      {"ASSAY_SERVER=" + b().url, "ASSAY_API_KEY=" + b().key.at("acme-web/read-only")});
  ASSERT_EQ(high.rc, 0) << Describe(high);
  Json hj = Json::parse(high.out);
  size_t want =
      FindingsOf(b(), "acme-web/read-only", web.resource,
                 Json{{"severity",
                       {{{"comparison", "EQUALS"}, {"value", "CRITICAL"}},
                        {{"comparison", "EQUALS"}, {"value", "HIGH"}}}},
                      {"findingStatus", {{{"comparison", "EQUALS"}, {"value", "ACTIVE"}}}}})
          .size();
  // acme-web's other resources hold the same packages: count this one's only.
  size_t got = 0;
  for (const Json& f : hj["findings"]) {
    EXPECT_TRUE(f["severity"] == "CRITICAL" || f["severity"] == "HIGH") << f["severity"];
    EXPECT_EQ(f["accountId"], "acme-web");
    if (f["resources"][0]["id"] == web.resource) ++got;
  }
  EXPECT_EQ(got, want);

  Ran capped =
      RunAssay({"findings", "list", "--server", b().url, "--api-key-file", key, "--max", "5",
                "--page-size", "2", "--filter",
                R"({"resourceId":[{"comparison":"EQUALS","value":")" + web.resource + R"("}]})"});
  ASSERT_EQ(capped.rc, 0) << Describe(capped);
  std::vector<std::string> rows;
  std::istringstream lines(capped.out);
  for (std::string line; std::getline(lines, line);) rows.push_back(line);
  ASSERT_EQ(rows.size(), 6u) << capped.out;  // header + 5
  EXPECT_EQ(rows[0].rfind("SEVERITY", 0), 0u) << rows[0];

  Ran bad = RunAssay({"findings", "list", "--server", b().url, "--api-key-file", key, "--filter",
                      R"({"colour":[]})"});
  EXPECT_EQ(bad.rc, 2) << Describe(bad);
  EXPECT_NE(bad.err.find("colour"), std::string::npos) << bad.err;
  Ran both =
      RunAssay({"findings", "list", "--server", b().url, "--api-key-file", key, "--severity",
                "HIGH", "--filter", R"({"severity":[{"comparison":"EQUALS","value":"LOW"}]})"});
  EXPECT_EQ(both.rc, 2) << Describe(both);
}

TEST_P(ServiceTest, CliFindingsGetAndResourcesList) {
  const auto& web = b().tenant.at("acme-web");
  const std::string key = KeyFile("acme-web/read-only");
  Ran got =
      RunAssay({"findings", "get", web.findings[0], "--server", b().url, "--api-key-file", key});
  ASSERT_EQ(got.rc, 0) << Describe(got);
  EXPECT_EQ(Json::parse(got.out)["findingId"], web.findings[0]);

  // Another tenant's finding is not found, and the server's message is printed.
  const std::string other = b().tenant.at("globex").findings[0];
  Ran hidden = RunAssay({"findings", "get", other, "--server", b().url, "--api-key-file", key});
  EXPECT_EQ(hidden.rc, 1) << Describe(hidden);
  EXPECT_NE(hidden.err.find("not found"), std::string::npos) << hidden.err;
  EXPECT_NE(hidden.err.find("HTTP 404"), std::string::npos) << hidden.err;

  Ran list =
      RunAssay({"resources", "list", "--format", "json"},
               {"ASSAY_SERVER=" + b().url + "/", "ASSAY_API_KEY=" + b().key.at("acme/admin")});
  ASSERT_EQ(list.rc, 0) << Describe(list);
  std::set<std::string> accounts, ids;
  const Json listed = Json::parse(list.out);
  for (const Json& r : listed["resources"]) {
    accounts.insert(r["accountId"].get<std::string>());
    ids.insert(r["id"].get<std::string>());
  }
  EXPECT_EQ(accounts, (std::set<std::string>{"acme-web", "acme-ops"}));
  EXPECT_TRUE(ids.count(kWebResource) && ids.count(kOpsResource));
  Ran table = RunAssay({"resources", "list", "--server", b().url, "--api-key-file", key});
  ASSERT_EQ(table.rc, 0) << Describe(table);
  EXPECT_NE(table.out.find(kWebResource), std::string::npos) << table.out;
  EXPECT_EQ(table.out.find(kOpsResource), std::string::npos) << table.out;

  // No key, a wrong key, no server.
  Ran no_key = RunAssay({"resources", "list", "--server", b().url});
  EXPECT_EQ(no_key.rc, 2) << Describe(no_key);
  EXPECT_NE(no_key.err.find("$ASSAY_API_KEY"), std::string::npos) << no_key.err;
  Ran wrong = RunAssay({"resources", "list", "--server", b().url},
                       {"ASSAY_API_KEY=assay_key-0123456789abcdef_nope"});
  EXPECT_EQ(wrong.rc, 1) << Describe(wrong);
  EXPECT_NE(wrong.err.find("unknown or revoked API key"), std::string::npos) << wrong.err;
  Ran no_server = RunAssay({"resources", "list", "--api-key-file", key});
  EXPECT_EQ(no_server.rc, 2) << Describe(no_server);
  EXPECT_NE(no_server.err.find("$ASSAY_SERVER"), std::string::npos) << no_server.err;
}

TEST_P(ServiceTest, CliSuppressAddListDelete) {
  const auto& ops = b().tenant.at("acme-ops");
  const std::string key = KeyFile("acme-ops/analyst");
  std::vector<Json> found = FindingsOf(b(), "acme-ops/analyst", ops.resource);
  ASSERT_FALSE(found.empty());
  const std::string vuln =
      found[0]["packageVulnerabilityDetails"]["vulnerabilityId"].get<std::string>();
  const std::string filter =
      R"({"vulnerabilityId":[{"comparison":"EQUALS","value":")" + vuln + R"("}]})";
  Ran add = RunAssay({"suppress", "add", "--server", b().url, "--api-key-file", key, "--name",
                      "cli rule", "--reason", "vendor says not exploitable", "--filter", filter,
                      "--expires", "2999-01-01T00:00:00Z"});
  ASSERT_EQ(add.rc, 0) << Describe(add);
  const std::string id(base::Trim(add.out));
  ASSERT_FALSE(id.empty());
  Reply rule = Call("acme-ops/analyst", "GET", "/v1/suppression-rules/" + id);
  ASSERT_EQ(rule.status, 200) << rule;
  EXPECT_EQ(rule.json()["expiresAt"], "2999-01-01T00:00:00Z");
  EXPECT_EQ(rule.json()["accountId"], "acme-ops");
  for (const Json& f : FindingsOf(b(), "acme-ops/analyst", ops.resource, Json::parse(filter))) {
    EXPECT_EQ(f["status"], "SUPPRESSED");
  }

  Ran list = RunAssay({"suppress", "list", "--server", b().url, "--api-key-file", key});
  ASSERT_EQ(list.rc, 0) << Describe(list);
  EXPECT_NE(list.out.find(id), std::string::npos) << list.out;
  EXPECT_NE(list.out.find("cli rule"), std::string::npos) << list.out;
  EXPECT_EQ(list.out.find("acme-web"), std::string::npos) << list.out;

  // Refusals: a duplicate name (the server's message), a read-only key, a bad expiry.
  Ran dup = RunAssay({"suppress", "add", "--server", b().url, "--api-key-file", key, "--name",
                      "cli rule", "--reason", "r", "--filter", filter});
  EXPECT_EQ(dup.rc, 1) << Describe(dup);
  EXPECT_NE(dup.err.find("HTTP 4"), std::string::npos) << dup.err;
  Ran ro = RunAssay({"suppress", "add", "--server", b().url, "--api-key-file",
                     KeyFile("acme-web/read-only"), "--name", "ro", "--reason", "r", "--filter",
                     filter});
  EXPECT_EQ(ro.rc, 1) << Describe(ro);
  EXPECT_NE(ro.err.find("this key's role (read-only) cannot do this"), std::string::npos) << ro.err;
  Ran expiry = RunAssay({"suppress", "add", "--server", b().url, "--api-key-file", key, "--name",
                         "x", "--reason", "r", "--filter", filter, "--expires", "soon"});
  EXPECT_EQ(expiry.rc, 2) << Describe(expiry);
  EXPECT_NE(expiry.err.find("expiresAt: not an RFC 3339 time"), std::string::npos) << expiry.err;

  Ran del = RunAssay({"suppress", "delete", id, "--server", b().url, "--api-key-file", key});
  ASSERT_EQ(del.rc, 0) << Describe(del);
  EXPECT_NE(del.out.find("deleted suppression rule " + id), std::string::npos) << del.out;
  Ran again = RunAssay({"suppress", "delete", id, "--server", b().url, "--api-key-file", key});
  EXPECT_EQ(again.rc, 1) << Describe(again);
  EXPECT_NE(again.err.find("not found"), std::string::npos) << again.err;
  for (const Json& f : FindingsOf(b(), "acme-ops/analyst", ops.resource, Json::parse(filter))) {
    EXPECT_EQ(f["status"], "ACTIVE");
  }
}

TEST_P(ServiceTest, CliScanUploadSendsTheInventory) {
  const Inputs& in = GetInputs();
  const std::string key = KeyFile("globex/analyst");
  const std::string id = "rootfs:/srv/globex/uploaded";
  Ran scan = RunAssay({"scan", "rootfs", in.target.string(), "--db", in.db.string(), "--format",
                       "json", "--max-db-age", "0", "--upload", b().url, "--api-key-file", key,
                       "--resource-id", id, "--tag", "env=prod", "--tag", "team=globex"});
  ASSERT_EQ(scan.rc, 0) << Describe(scan);
  Json doc = Json::parse(scan.out, nullptr, false);
  ASSERT_FALSE(doc.is_discarded()) << "the report on stdout is intact: " << scan.out;
  EXPECT_EQ(FindingLines(doc["findings"]), in.scan_lines);
  EXPECT_NE(scan.err.find("uploaded " + id + " to " + b().url + ": " +
                          std::to_string(in.scan_lines.size()) + " created"),
            std::string::npos)
      << scan.err;
  Reply res = Call("globex/read-only", "GET", "/v1/resources/" + base::UrlEncodeComponent(id));
  ASSERT_EQ(res.status, 200) << res;
  Json r = res.json();
  EXPECT_EQ(r["type"], "rootfs");
  EXPECT_EQ(r["name"], fs::absolute(in.target).lexically_normal().string());
  EXPECT_EQ(r["tags"], (Json{{"env", "prod"}, {"team", "globex"}}));
  Json arr = Json::array();
  for (const Json& f : FindingsOf(b(), "globex/read-only", id)) arr.push_back(f);
  EXPECT_EQ(FindingLines(arr), in.scan_lines);

  // Defaults: the scan's own resource id; a second scan changes nothing.
  const std::string default_id = "rootfs:" + fs::absolute(in.target).lexically_normal().string();
  Ran plain = RunAssay({"scan", "rootfs", in.target.string(), "--db", in.db.string(),
                        "--max-db-age", "0", "--upload", b().url},
                       {"ASSAY_API_KEY=" + b().key.at("globex/analyst")});
  ASSERT_EQ(plain.rc, 0) << Describe(plain);
  Ran twice = RunAssay({"scan", "rootfs", in.target.string(), "--db", in.db.string(),
                        "--max-db-age", "0", "--upload", b().url},
                       {"ASSAY_API_KEY=" + b().key.at("globex/analyst")});
  ASSERT_EQ(twice.rc, 0) << Describe(twice);
  EXPECT_NE(twice.err.find("uploaded " + default_id + " to " + b().url + ": 0 created"),
            std::string::npos)
      << twice.err;

  // Refusals: a read-only key (after the scan: exit 1 with the server's words), a bad tag and
  // a missing key (before the scan: exit 2).
  Ran ro = RunAssay({"scan", "rootfs", in.target.string(), "--db", in.db.string(), "--max-db-age",
                     "0", "--upload", b().url, "--api-key-file", KeyFile("globex/read-only")});
  EXPECT_EQ(ro.rc, 1) << Describe(ro);
  EXPECT_NE(ro.err.find("it needs analyst"), std::string::npos) << ro.err;
  Ran tag = RunAssay({"scan", "rootfs", in.target.string(), "--db", in.db.string(), "--upload",
                      b().url, "--api-key-file", key, "--tag", "novalue"});
  EXPECT_EQ(tag.rc, 2) << Describe(tag);
  EXPECT_TRUE(tag.out.empty()) << "no scan ran: " << tag.out;
  Ran no_key =
      RunAssay({"scan", "rootfs", in.target.string(), "--db", in.db.string(), "--upload", b().url});
  EXPECT_EQ(no_key.rc, 2) << Describe(no_key);
  // Another tenant's account cannot be named.
  Ran other = RunAssay({"scan", "rootfs", in.target.string(), "--db", in.db.string(),
                        "--max-db-age", "0", "--upload", b().url, "--api-key-file", key,
                        "--account", "acme-web", "--resource-id", "rootfs:/srv/sneaky"});
  EXPECT_EQ(other.rc, 1) << Describe(other);
  EXPECT_NE(other.err.find("account acme-web not found"), std::string::npos) << other.err;
  EXPECT_EQ(Call("acme/admin", "GET", "/v1/resources/rootfs%3A%2Fsrv%2Fsneaky").status, 404);
}

INSTANTIATE_TEST_SUITE_P(Backends, ServiceTest, ::testing::Values("sqlite", "postgres"),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           return info.param;
                         });

}  // namespace
}  // namespace assay::server
