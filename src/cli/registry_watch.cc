// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include "cli/registry_watch.h"

#include <httplib.h>
#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <optional>
#include <system_error>

#include "base/file.h"
#include "base/log.h"
#include "inventory/registry.h"
#include "match/engine.h"
#include "report/filter.h"
#include "report/render.h"

namespace assay::cli {
namespace {

namespace fs = std::filesystem;
using base::Status;
using json = nlohmann::json;
using ojson = nlohmann::ordered_json;

constexpr std::string_view kOciManifest = "application/vnd.oci.image.manifest.v1+json";
constexpr std::string_view kDockerManifest = "application/vnd.docker.distribution.manifest.v2+json";
constexpr std::string_view kOciIndex = "application/vnd.oci.image.index.v1+json";
constexpr std::string_view kDockerList =
    "application/vnd.docker.distribution.manifest.list.v2+json";
constexpr std::string_view kEventsType = "application/vnd.docker.distribution.events.v1+json";
constexpr std::size_t kMaxDeliveryBytes = std::size_t{8} << 20;
constexpr char kStateFile[] = "watch-state.json";
constexpr char kLayerCache[] = ".layer-cache";

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool IsSha256Digest(std::string_view d) {
  if (d.size() != 71 || !d.starts_with("sha256:")) return false;
  return std::all_of(d.begin() + 7, d.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// A repository name as registry.h accepts it.
bool IsValidRepository(std::string_view repository) {
  if (repository.empty()) return false;
  auto ref = inventory::ParseRegistryRef("localhost/" + std::string(repository));
  return ref.ok() && ref->repository == repository;
}

bool IsValidTag(std::string_view repository, std::string_view tag) {
  auto ref =
      inventory::ParseRegistryRef("localhost/" + std::string(repository) + ":" + std::string(tag));
  return ref.ok() && ref->tag == tag;
}

std::string TimeOrEmpty(std::int64_t t) { return t > 0 ? report::FormatRfc3339(t) : ""; }

ojson TimeJson(std::int64_t t) { return t > 0 ? ojson(report::FormatRfc3339(t)) : ojson(nullptr); }

std::int64_t SystemNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  std::size_t n = std::max(a.size(), b.size());
  for (std::size_t i = 0; i < n; ++i) {
    unsigned char x = i < a.size() ? static_cast<unsigned char>(a[i]) : 0;
    unsigned char y = i < b.size() ? static_cast<unsigned char>(b[i]) : 0;
    diff |= static_cast<unsigned char>(x ^ y);
  }
  return diff == 0;
}

std::string Describe(const model::InventoryWarning& w) {
  return w.location.empty() ? w.message : w.location + ": " + w.message;
}

std::string ErrorJson(std::string_view message) {
  return json{{"error", std::string(message)}}.dump();
}

void SortUnique(std::vector<std::string>& v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

// Runs fn(0..n-1) on at most `parallel` threads (the caller's included).
void ParallelFor(std::size_t n, int parallel, const std::function<void(std::size_t)>& fn) {
  std::atomic<std::size_t> next{0};
  auto run = [&] {
    for (std::size_t i = next++; i < n; i = next++) fn(i);
  };
  std::size_t threads = std::min<std::size_t>(n, static_cast<std::size_t>(std::max(parallel, 1)));
  std::vector<std::thread> pool;
  for (std::size_t t = 1; t < threads; ++t) pool.emplace_back(run);
  run();
  for (std::thread& t : pool) t.join();
}

// The registry user name and password an ImageArgs stands for (flags, then the environment).
std::pair<std::string, std::string> Credentials(const ImageArgs& args) {
  std::string user = args.username;
  if (user.empty()) {
    if (const char* u = std::getenv("ASSAY_REGISTRY_USERNAME")) user = u;
  }
  std::string password = args.password;
  if (password.empty()) {
    if (const char* p = std::getenv("ASSAY_REGISTRY_PASSWORD")) password = p;
  }
  return {user, password};
}

}  // namespace

// ---- Scanning one image ----

base::Result<report::ScanResult> ScanImageWithDb(const std::string& reference,
                                                 const advisories::AdvisoryDb& db,
                                                 const ImageScanRequest& request) {
  ASSAY_ASSIGN_OR_RETURN(CollectedImage img,
                         CollectImageResource(reference, request.image, request.collect));
  report::ScanResult result;
  result.inventory = std::move(img.inventory);
  result.resource = std::move(img.resource);
  result.resource.scanned_at = request.now;
  if (auto info = db.GetBuildInfo(); info.ok()) {
    result.database = {info->build_id, info->build_time};
    auto built = report::ParseRfc3339(info->build_time);
    auto now = report::ParseRfc3339(request.now);
    if (request.max_db_age_days > 0 && built && now) {
      std::int64_t age_days = (*now - *built) / 86400;
      if (age_days > request.max_db_age_days) {
        result.warnings.push_back(
            "the advisory DB at " + request.db_path + " was built " + std::to_string(age_days) +
            " days ago (" + info->build_time + "), more than --max-db-age " +
            std::to_string(request.max_db_age_days) + ": run `assay db update`");
      }
    }
  } else {
    result.warnings.push_back("cannot read the advisory DB's build information: " +
                              info.status().message());
  }
  if (!result.inventory.os.known()) {
    result.warnings.push_back("unknown operating system; OS packages not matched");
  }
  for (const model::InventoryWarning& w : result.inventory.warnings) {
    result.warnings.push_back(Describe(w));
  }
  match::MatchOptions match_opts;
  match_opts.resource_id = result.resource.id;
  match_opts.observed_at = request.now;
  auto matched = match::MatchInventory(result.inventory, db, match_opts);
  if (!matched.ok()) return matched.status().WithContext("matching " + reference);
  for (const model::InventoryWarning& w : matched->warnings) {
    result.warnings.push_back(Describe(w));
  }
  result.findings = std::move(matched->findings);
  return result;
}

// ---- Durations and the window ----

base::Result<std::int64_t> ParseDurationSeconds(std::string_view text) {
  auto bad = [&] {
    return Status::InvalidArgument("not a duration: '" + std::string(text) +
                                   "' (a whole number and a unit: 90s, 30m, 24h, 14d)");
  };
  if (text.size() < 2 || text.size() > 12) return bad();
  std::int64_t unit = 0;
  switch (text.back()) {
    case 's':
      unit = 1;
      break;
    case 'm':
      unit = 60;
      break;
    case 'h':
      unit = 3600;
      break;
    case 'd':
      unit = 86400;
      break;
    default:
      return bad();
  }
  std::int64_t n = 0;
  for (char c : text.substr(0, text.size() - 1)) {
    if (c < '0' || c > '9') return bad();
    n = n * 10 + (c - '0');
  }
  if (n <= 0 || n > std::int64_t{36500} * 86400 / unit) return bad();
  return n * unit;
}

std::string RescanWindow::ToString() const {
  return lifetime ? "lifetime" : std::to_string(seconds / 86400) + "d";
}

base::Result<RescanWindow> ParseRescanWindow(std::string_view text) {
  RescanWindow w;
  if (Lower(text) == "lifetime") {
    w.lifetime = true;
    return w;
  }
  auto bad = Status::InvalidArgument("not a rescan window: '" + std::string(text) +
                                     "' (lifetime, or days: 14d, 30d, 60d, 90d, 180d)");
  if (text.empty() || text.back() != 'd') return bad;
  auto seconds = ParseDurationSeconds(text);
  if (!seconds.ok()) return bad;
  w.seconds = *seconds;
  return w;
}

// ---- Events ----

base::Result<std::vector<RegistryEvent>> ParseRegistryEvents(std::string_view body,
                                                             std::size_t* skipped) {
  if (skipped != nullptr) *skipped = 0;
  json doc = json::parse(body.begin(), body.end(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return Status::InvalidArgument("event envelope: not JSON");
  if (!doc.is_object() || !doc.contains("events") || !doc["events"].is_array()) {
    return Status::InvalidArgument("event envelope: no \"events\" array");
  }
  auto str = [](const json& obj, const char* key) -> std::string {
    if (!obj.is_object()) return "";
    auto it = obj.find(key);
    return it != obj.end() && it->is_string() ? it->get<std::string>() : "";
  };
  std::vector<RegistryEvent> out;
  for (const json& e : doc["events"]) {
    if (!e.is_object()) {
      if (skipped != nullptr) ++*skipped;
      continue;
    }
    RegistryEvent ev;
    ev.id = str(e, "id");
    ev.timestamp = str(e, "timestamp");
    ev.action = str(e, "action");
    static const json kEmpty = json::object();
    const json& target = e.contains("target") ? e["target"] : kEmpty;
    const json& request = e.contains("request") ? e["request"] : kEmpty;
    ev.media_type = str(target, "mediaType");
    ev.digest = str(target, "digest");
    ev.repository = str(target, "repository");
    ev.tag = str(target, "tag");
    ev.url = str(target, "url");
    ev.request_host = str(request, "host");
    ev.user_agent = str(request, "useragent");
    out.push_back(std::move(ev));
  }
  return out;
}

EventDecision ClassifyEvent(const RegistryEvent& e) {
  auto ignore = [](std::string reason) {
    return EventDecision{EventUse::kIgnore, std::move(reason)};
  };
  const std::string media = Lower(Trim(e.media_type.substr(0, e.media_type.find(';'))));
  if (e.action == "push" || e.action == "pull") {
    if (media == kOciIndex || media == kDockerList) {
      return ignore("an index: its platform manifests arrive as events of their own");
    }
    if (media != kOciManifest && media != kDockerManifest) {
      return ignore("not an image manifest (mediaType '" + e.media_type + "')");
    }
    if (!IsValidRepository(e.repository)) {
      return ignore("invalid repository '" + e.repository + "'");
    }
    if (!IsSha256Digest(e.digest)) return ignore("not a sha256 digest: '" + e.digest + "'");
    if (e.action == "pull") {
      std::string ua = Lower(e.user_agent);
      if (ua == "assay" || ua.starts_with("assay/") || ua.starts_with("assay ")) {
        return ignore("a pull by assay itself");
      }
      return {EventUse::kPull, ""};
    }
    return {EventUse::kPush, ""};
  }
  if (e.action == "delete") {
    if (!IsValidRepository(e.repository)) {
      return ignore("invalid repository '" + e.repository + "'");
    }
    if (IsSha256Digest(e.digest)) return {EventUse::kDelete, ""};
    if (e.digest.empty() && !e.tag.empty() && IsValidTag(e.repository, e.tag)) {
      return {EventUse::kDelete, ""};
    }
    return ignore("a delete naming neither a sha256 digest nor a tag");
  }
  return ignore("action '" + e.action + "'");
}

base::Result<std::string> EventRegistryHost(const RegistryEvent& e,
                                            std::string_view override_host) {
  if (!override_host.empty()) {
    ASSAY_RETURN_IF_ERROR(inventory::ValidateRegistryHost(override_host));
    return std::string(override_host);
  }
  if (!e.url.empty()) {
    std::string_view u = e.url;
    size_t scheme = u.find("://");
    if (scheme != std::string_view::npos) {
      std::string_view rest = u.substr(scheme + 3);
      std::string_view host = rest.substr(0, rest.find_first_of("/?#"));
      if (host.find('@') == std::string_view::npos && inventory::ValidateRegistryHost(host).ok()) {
        return std::string(host);
      }
    }
  }
  if (!e.request_host.empty() && inventory::ValidateRegistryHost(e.request_host).ok()) {
    return e.request_host;
  }
  return Status::InvalidArgument("event " + e.id + " for " + e.repository + "@" + e.digest +
                                 ": no registry host in target.url ('" + e.url +
                                 "') or request.host ('" + e.request_host + "')");
}

// ---- State ----

std::int64_t LastUse(const TrackedImage& image) {
  return std::max(image.pushed_at, image.last_pulled_at);
}

bool InRescanWindow(const TrackedImage& image, const RescanWindow& window, std::int64_t now) {
  if (window.lifetime) return true;
  std::int64_t last = LastUse(image);
  return last > 0 && last + window.seconds >= now;
}

std::string EscapeRepository(std::string_view repository) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (size_t i = 0; i < repository.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(repository[i]);
    bool keep = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
                (c == '.' && i > 0);
    if (keep) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

base::Result<std::string> ResultRelativePath(std::string_view repository, std::string_view digest) {
  if (repository.empty()) return Status::InvalidArgument("result path: empty repository");
  if (!IsSha256Digest(digest)) {
    return Status::InvalidArgument("result path: not a sha256 digest: '" + std::string(digest) +
                                   "'");
  }
  return EscapeRepository(repository) + "/" + std::string(digest) + ".json";
}

std::string WatchStateToJson(const WatchState& state) {
  ojson images = ojson::array();
  for (const TrackedImage& t : state.images) {
    ojson j;
    j["repository"] = t.repository;
    j["digest"] = t.digest;
    j["registry"] = t.registry;
    j["tags"] = t.tags;
    j["pushedAt"] = TimeJson(t.pushed_at);
    j["lastPulledAt"] = TimeJson(t.last_pulled_at);
    j["lastScannedAt"] = TimeJson(t.last_scanned_at);
    j["lastAttemptAt"] = TimeJson(t.last_attempt_at);
    j["dbBuildId"] = t.db_build_id;
    j["findings"] = t.findings >= 0 ? ojson(t.findings) : ojson(nullptr);
    j["lastError"] = t.last_error;
    j["result"] = ResultRelativePath(t.repository, t.digest).value_or("");
    images.push_back(std::move(j));
  }
  ojson doc;
  doc["version"] = 1;
  doc["images"] = std::move(images);
  return doc.dump(2) + "\n";
}

base::Result<WatchState> WatchStateFromJson(std::string_view text, const std::string& source) {
  json doc = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    return Status::Corruption(source + ": not a JSON object");
  }
  if (!doc.contains("version") || doc["version"] != 1) {
    return Status::Corruption(source + ": unknown version (want 1)");
  }
  if (!doc.contains("images") || !doc["images"].is_array()) {
    return Status::Corruption(source + ": no \"images\" array");
  }
  WatchState state;
  std::set<std::pair<std::string, std::string>> seen;
  size_t index = 0;
  for (const json& j : doc["images"]) {
    std::string where = source + ": images[" + std::to_string(index++) + "]";
    if (!j.is_object()) return Status::Corruption(where + ": not an object");
    auto str = [&](const char* key, std::string* out) -> Status {
      auto it = j.find(key);
      if (it == j.end() || it->is_null()) return Status::Ok();
      if (!it->is_string()) return Status::Corruption(where + ": " + key + " is not a string");
      *out = it->get<std::string>();
      return Status::Ok();
    };
    auto time = [&](const char* key, std::int64_t* out) -> Status {
      std::string s;
      ASSAY_RETURN_IF_ERROR(str(key, &s));
      if (s.empty()) return Status::Ok();
      auto t = report::ParseRfc3339(s);
      if (!t || *t <= 0) return Status::Corruption(where + ": " + key + " is not a time: " + s);
      *out = *t;
      return Status::Ok();
    };
    TrackedImage t;
    ASSAY_RETURN_IF_ERROR(str("repository", &t.repository));
    ASSAY_RETURN_IF_ERROR(str("digest", &t.digest));
    ASSAY_RETURN_IF_ERROR(str("registry", &t.registry));
    if (!IsValidRepository(t.repository)) {
      return Status::Corruption(where + ": invalid repository '" + t.repository + "'");
    }
    if (!IsSha256Digest(t.digest)) {
      return Status::Corruption(where + ": not a sha256 digest: '" + t.digest + "'");
    }
    if (!t.registry.empty() && !inventory::ValidateRegistryHost(t.registry).ok()) {
      return Status::Corruption(where + ": invalid registry host '" + t.registry + "'");
    }
    if (auto it = j.find("tags"); it != j.end() && !it->is_null()) {
      if (!it->is_array()) return Status::Corruption(where + ": tags is not an array");
      for (const json& tag : *it) {
        if (!tag.is_string() || !IsValidTag(t.repository, tag.get<std::string>())) {
          return Status::Corruption(where + ": invalid tag " + tag.dump());
        }
        t.tags.push_back(tag.get<std::string>());
      }
      SortUnique(t.tags);
    }
    ASSAY_RETURN_IF_ERROR(time("pushedAt", &t.pushed_at));
    ASSAY_RETURN_IF_ERROR(time("lastPulledAt", &t.last_pulled_at));
    ASSAY_RETURN_IF_ERROR(time("lastScannedAt", &t.last_scanned_at));
    ASSAY_RETURN_IF_ERROR(time("lastAttemptAt", &t.last_attempt_at));
    ASSAY_RETURN_IF_ERROR(str("dbBuildId", &t.db_build_id));
    ASSAY_RETURN_IF_ERROR(str("lastError", &t.last_error));
    if (auto it = j.find("findings"); it != j.end() && !it->is_null()) {
      if (!it->is_number_integer() || it->get<std::int64_t>() < 0) {
        return Status::Corruption(where + ": findings is not a count");
      }
      t.findings = it->get<std::int64_t>();
    }
    if (!seen.insert({t.repository, t.digest}).second) {
      return Status::Corruption(where + ": " + t.repository + "@" + t.digest + " listed twice");
    }
    state.images.push_back(std::move(t));
  }
  std::sort(state.images.begin(), state.images.end(),
            [](const TrackedImage& a, const TrackedImage& b) {
              return std::tie(a.repository, a.digest) < std::tie(b.repository, b.digest);
            });
  return state;
}

// ---- RegistryWatcher ----

RegistryWatcher::RegistryWatcher(WatchOptions options) : options_(std::move(options)) {}

RegistryWatcher::~RegistryWatcher() { Stop(/*drain=*/false); }

std::int64_t RegistryWatcher::Now() const { return options_.now ? options_.now() : SystemNow(); }

fs::path RegistryWatcher::StatePath() const { return options_.results_dir / kStateFile; }

base::Result<std::unique_ptr<RegistryWatcher>> RegistryWatcher::Create(WatchOptions options) {
  if (options.results_dir.empty()) return Status::InvalidArgument("no results directory");
  if (options.workers < 1) return Status::InvalidArgument("workers must be at least 1");
  if (options.max_queue < 1) return Status::InvalidArgument("the queue must hold at least 1");
  if (options.rescan_interval < 1) {
    return Status::InvalidArgument("the rescan interval must be at least 1 second");
  }
  if (options.retry_after < 0) return Status::InvalidArgument("negative retry delay");
  if (!options.window.lifetime && options.window.seconds < 1) {
    return Status::InvalidArgument("empty rescan window");
  }
  if (!options.registry.empty()) {
    ASSAY_RETURN_IF_ERROR(inventory::ValidateRegistryHost(options.registry));
    if (options.image.insecure && !inventory::IsLoopbackHost(options.registry)) {
      return Status::InvalidArgument(
          "--insecure (plain http) is only for loopback registries, not " + options.registry);
    }
  }
  auto [user, password] = Credentials(options.image);
  if ((!user.empty() || !password.empty()) && options.registry.empty()) {
    return Status::InvalidArgument(
        "registry credentials need --registry HOST: they are sent only to that registry, never "
        "to a host a notification names");
  }
  std::error_code ec;
  fs::create_directories(options.results_dir, ec);
  if (ec) {
    return Status::IOError(options.results_dir.string() + ": cannot create: " + ec.message());
  }
  options.results_dir = fs::absolute(options.results_dir, ec).lexically_normal();

  auto watcher = std::unique_ptr<RegistryWatcher>(new RegistryWatcher(std::move(options)));
  const WatchOptions& o = watcher->options_;
  if (!o.db.empty()) {
    watcher->db_path_ = o.db;
  } else {
    ASSAY_ASSIGN_OR_RETURN(watcher->db_path_, advisories::DefaultDbPath(/*create_dir=*/false));
  }
  auto db = advisories::AdvisoryDb::Open(watcher->db_path_);
  if (!db.ok()) {
    if (db.status().code() == base::Code::kNotFound) {
      return Status::NotFound("no advisory database at " + watcher->db_path_.string() +
                              ": run `assay db update` first (or give --db PATH)");
    }
    return db.status();
  }
  db->reset();
  watcher->RefreshDbBuild();

  watcher->image_args_ = o.image;
  if (!o.image.no_cache && o.image.cache_dir.empty()) {
    watcher->image_args_.cache_dir = (o.results_dir / kLayerCache).string();
  }

  fs::path state_path = watcher->StatePath();
  if (fs::exists(state_path, ec)) {
    ASSAY_ASSIGN_OR_RETURN(std::string text, base::ReadFile(state_path));
    ASSAY_ASSIGN_OR_RETURN(WatchState state, WatchStateFromJson(text, state_path.string()));
    for (TrackedImage& t : state.images) {
      Key key{t.repository, t.digest};
      watcher->images_.emplace(std::move(key), std::move(t));
    }
  }
  return watcher;
}

void RegistryWatcher::RefreshDbBuild() {
  std::lock_guard db_lock(db_mu_);
  struct stat st {};
  if (::stat(db_path_.c_str(), &st) != 0) {
    base::Log(base::LogLevel::kWarning, "registry watch: advisory DB {}: cannot stat",
              db_path_.string());
    return;
  }
  std::string identity = std::to_string(st.st_ino) + ":" + std::to_string(st.st_size) + ":" +
                         std::to_string(st.st_mtim.tv_sec) + "." +
                         std::to_string(st.st_mtim.tv_nsec);
  if (identity == db_identity_) return;
  auto db = advisories::AdvisoryDb::Open(db_path_);
  if (!db.ok()) {
    base::Log(base::LogLevel::kWarning, "registry watch: advisory DB {}: {}", db_path_.string(),
              db.status().message());
    return;
  }
  auto info = (*db)->GetBuildInfo();
  if (!info.ok()) {
    base::Log(base::LogLevel::kWarning, "registry watch: advisory DB {}: {}", db_path_.string(),
              info.status().message());
    return;
  }
  db_identity_ = identity;
  std::lock_guard lock(mu_);
  db_build_id_ = info->build_id;
}

bool RegistryWatcher::DueLocked(const TrackedImage& image, std::int64_t now) const {
  if (!InRescanWindow(image, options_.window, now)) return false;
  if (!image.last_error.empty()) {
    std::int64_t delay = std::min(options_.retry_after, options_.rescan_interval);
    return image.last_attempt_at + delay <= now;
  }
  if (image.last_scanned_at == 0) return true;
  if (!db_build_id_.empty() && image.db_build_id != db_build_id_) return true;
  return image.last_scanned_at + options_.rescan_interval <= now;
}

void RegistryWatcher::EnqueueLocked(const Key& key) {
  if (pending_.count(key) != 0) {
    ++stats_.coalesced;
    return;
  }
  if (queue_.size() >= options_.max_queue) return;  // stays due; a later tick queues it
  queue_.push_back(key);
  pending_.insert(key);
  ++stats_.queued;
  work_cv_.notify_one();
}

Status RegistryWatcher::SaveStateLocked() {
  WatchState state;
  for (const auto& [key, image] : images_) state.images.push_back(image);
  return base::WriteFileAtomic(StatePath(), WatchStateToJson(state));
}

void RegistryWatcher::ApplyEventLocked(const RegistryEvent& e, EventUse use, std::int64_t now,
                                       const std::string& host, std::vector<Key>* to_scan) {
  if (use == EventUse::kDelete) {
    if (!e.digest.empty()) {
      images_.erase(Key{e.repository, e.digest});
      return;
    }
    for (auto& [key, image] : images_) {
      if (key.first != e.repository) continue;
      std::erase(image.tags, e.tag);
    }
    return;
  }
  Key key{e.repository, e.digest};
  auto [it, inserted] = images_.try_emplace(key);
  TrackedImage& image = it->second;
  if (inserted) {
    image.repository = e.repository;
    image.digest = e.digest;
  }
  if (use == EventUse::kPush || image.registry.empty()) image.registry = host;
  if (use == EventUse::kPush) {
    image.pushed_at = std::max(image.pushed_at, now);
    if (!e.tag.empty() && IsValidTag(e.repository, e.tag)) {
      for (auto& [other_key, other] : images_) {
        if (other_key.first == e.repository && other_key.second != e.digest) {
          std::erase(other.tags, e.tag);
        }
      }
      image.tags.push_back(e.tag);
      SortUnique(image.tags);
    }
  } else {
    image.last_pulled_at = std::max(image.last_pulled_at, now);
  }
  if (DueLocked(image, now)) to_scan->push_back(key);
}

DeliveryReply RegistryWatcher::HandleDelivery(std::string_view content_type,
                                              std::string_view authorization,
                                              std::string_view body) {
  auto reject = [&](int status, std::string_view message) {
    std::lock_guard lock(mu_);
    ++stats_.rejected;
    base::Log(base::LogLevel::kWarning, "registry watch: delivery refused ({}): {}", status,
              message);
    return DeliveryReply{status, ErrorJson(message)};
  };
  if (!options_.token.empty()) {
    std::string_view auth = Trim(authorization);
    if (auth.size() < 7 || Lower(auth.substr(0, 7)) != "bearer " ||
        !ConstantTimeEquals(Trim(auth.substr(7)), options_.token)) {
      return reject(401, "missing or wrong bearer token");
    }
  }
  std::string type = Lower(Trim(content_type.substr(0, content_type.find(';'))));
  if (type != kEventsType && type != "application/json") {
    return reject(
        415, "content type '" + std::string(content_type) + "' is not " + std::string(kEventsType));
  }
  std::size_t skipped = 0;
  auto events = ParseRegistryEvents(body, &skipped);
  if (!events.ok()) return reject(400, events.status().message());

  std::int64_t now = Now();
  std::lock_guard lock(mu_);
  std::size_t applied = 0;
  std::size_t ignored = skipped;
  std::vector<Key> to_scan;
  for (const RegistryEvent& e : *events) {
    EventDecision d = ClassifyEvent(e);
    std::string host;
    if (d.use == EventUse::kPush || d.use == EventUse::kPull) {
      auto h = EventRegistryHost(e, options_.registry);
      if (!h.ok()) {
        d = {EventUse::kIgnore, h.status().message()};
      } else {
        host = std::move(*h);
      }
    }
    if (d.use == EventUse::kIgnore) {
      ++ignored;
      base::Log(base::LogLevel::kDebug, "registry watch: event {} ({} {}@{}) ignored: {}", e.id,
                e.action, e.repository, e.digest, d.reason);
      continue;
    }
    ++applied;
    base::Log(base::LogLevel::kInfo, "registry watch: {} {}@{}{}", e.action, e.repository,
              e.digest.empty() ? e.tag : e.digest, e.tag.empty() ? "" : " (tag " + e.tag + ")");
    ApplyEventLocked(e, d.use, now, host, &to_scan);
  }
  stats_.events_applied += applied;
  stats_.events_ignored += ignored;
  if (applied > 0) {
    Status saved = SaveStateLocked();
    if (!saved.ok()) {
      ++stats_.rejected;
      base::Log(base::LogLevel::kError, "registry watch: {}", saved.message());
      return {500, ErrorJson("cannot save the watch state: " + saved.message())};
    }
  }
  for (const Key& key : to_scan) EnqueueLocked(key);
  ++stats_.deliveries;
  return {200, json{{"applied", applied}, {"ignored", ignored}}.dump()};
}

TickReport RegistryWatcher::Tick() {
  std::string before;
  {
    std::lock_guard lock(mu_);
    before = db_build_id_;
  }
  RefreshDbBuild();
  std::int64_t now = Now();
  TickReport report;
  std::lock_guard lock(mu_);
  report.db_build_id = db_build_id_;
  report.db_changed = db_build_id_ != before;
  for (auto it = images_.begin(); it != images_.end();) {
    if (InRescanWindow(it->second, options_.window, now)) {
      ++it;
      continue;
    }
    report.dropped.push_back(it->first.first + "@" + it->first.second);
    base::Log(base::LogLevel::kInfo,
              "registry watch: {}@{} left the rescan window ({}; last use {}): no longer "
              "re-evaluated",
              it->first.first, it->first.second, options_.window.ToString(),
              TimeOrEmpty(LastUse(it->second)));
    it = images_.erase(it);
  }
  stats_.dropped += report.dropped.size();
  if (!report.dropped.empty()) {
    Status saved = SaveStateLocked();
    if (!saved.ok()) base::Log(base::LogLevel::kError, "registry watch: {}", saved.message());
  }
  std::uint64_t queued_before = stats_.queued;
  for (const auto& [key, image] : images_) {
    if (DueLocked(image, now)) EnqueueLocked(key);
  }
  report.queued = static_cast<std::size_t>(stats_.queued - queued_before);
  return report;
}

void RegistryWatcher::Start() {
  std::lock_guard lock(mu_);
  if (started_ || stopping_) return;
  started_ = true;
  for (int i = 0; i < options_.workers; ++i) workers_.emplace_back([this] { WorkerLoop(); });
}

void RegistryWatcher::Stop(bool drain) {
  std::vector<std::thread> workers;
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    if (!drain) drain_ = false;
    workers.swap(workers_);
  }
  work_cv_.notify_all();
  for (std::thread& t : workers) t.join();
  std::lock_guard lock(mu_);
  if (workers.empty() && started_) return;  // another caller joins them
  // What was still queued stays due in the state for the next start.
  for (const Key& key : queue_) pending_.erase(key);
  queue_.clear();
  idle_cv_.notify_all();
}

bool RegistryWatcher::WaitIdle(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  return idle_cv_.wait_for(lock, timeout, [&] { return queue_.empty() && running_ == 0; });
}

void RegistryWatcher::WorkerLoop() {
  for (;;) {
    Key key;
    {
      std::unique_lock lock(mu_);
      work_cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty() || (stopping_ && !drain_)) return;
      key = queue_.front();
      queue_.pop_front();
      ++running_;
    }
    ScanOne(key);
    {
      std::lock_guard lock(mu_);
      --running_;
      pending_.erase(key);
      idle_cv_.notify_all();
    }
  }
}

void RegistryWatcher::ScanOne(const Key& key) {
  std::string host;
  std::vector<std::string> tags;
  std::int64_t now = Now();
  {
    std::lock_guard lock(mu_);
    auto it = images_.find(key);
    if (it == images_.end() || !InRescanWindow(it->second, options_.window, now)) return;
    host = options_.registry.empty() ? it->second.registry : options_.registry;
    tags = it->second.tags;
  }
  const std::string& repository = key.first;
  const std::string& digest = key.second;
  const std::string reference = host + "/" + repository + "@" + digest;
  auto scan = [&]() -> base::Result<report::ScanResult> {
    if (host.empty()) {
      return Status::InvalidArgument(repository + "@" + digest + ": no registry host known");
    }
    auto db = advisories::AdvisoryDb::Open(db_path_);
    if (!db.ok()) return db.status().WithContext("advisory DB " + db_path_.string());
    ImageScanRequest request;
    request.image = image_args_;
    request.collect = options_.collect;
    request.now = report::FormatRfc3339(now);
    request.max_db_age_days = options_.max_db_age_days;
    request.db_path = db_path_.string();
    ASSAY_ASSIGN_OR_RETURN(report::ScanResult result, ScanImageWithDb(reference, **db, request));
    if (result.resource.image) {
      result.resource.image->tags.clear();
      for (const std::string& t : tags) {
        result.resource.image->tags.push_back(host + "/" + repository + ":" + t);
      }
    }
    report::RenderOptions render;
    render.tool_version = std::string(advisories::kAssayVersion);
    std::string document = report::RenderJson(result, render);
    ASSAY_ASSIGN_OR_RETURN(std::string rel, ResultRelativePath(repository, digest));
    fs::path path = options_.results_dir / rel;
    std::error_code ec;
    fs::create_directories(path.parent_path(), ec);
    if (ec) {
      return Status::IOError(path.parent_path().string() + ": cannot create: " + ec.message());
    }
    ASSAY_RETURN_IF_ERROR(base::WriteFileAtomic(path, document));
    return result;
  };
  auto result = scan();

  std::lock_guard lock(mu_);
  if (result.ok()) {
    ++stats_.scans_ok;
    base::Log(base::LogLevel::kInfo, "registry watch: scanned {}: {} findings", reference,
              result->findings.size());
  } else {
    ++stats_.scans_failed;
    base::Log(base::LogLevel::kWarning, "registry watch: scan of {} failed: {}", reference,
              result.status().ToString());
  }
  auto it = images_.find(key);
  if (it == images_.end()) return;  // deleted or dropped meanwhile; the result file stays
  TrackedImage& image = it->second;
  image.last_attempt_at = now;
  if (result.ok()) {
    image.last_scanned_at = now;
    image.db_build_id = result->database.build_id;
    image.findings = static_cast<std::int64_t>(result->findings.size());
    image.last_error.clear();
  } else {
    image.last_error = result.status().ToString();
  }
  Status saved = SaveStateLocked();
  if (!saved.ok()) base::Log(base::LogLevel::kError, "registry watch: {}", saved.message());
}

WatchState RegistryWatcher::Snapshot() const {
  std::lock_guard lock(mu_);
  WatchState state;
  for (const auto& [key, image] : images_) state.images.push_back(image);
  return state;
}

WatchStats RegistryWatcher::Stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

std::string RegistryWatcher::StatsJson() const {
  std::lock_guard lock(mu_);
  ojson j;
  j["tracked"] = images_.size();
  j["queued"] = queue_.size();
  j["scanning"] = running_;
  j["dbBuildId"] = db_build_id_;
  j["rescanWindow"] = options_.window.ToString();
  j["deliveries"] = stats_.deliveries;
  j["rejected"] = stats_.rejected;
  j["eventsApplied"] = stats_.events_applied;
  j["eventsIgnored"] = stats_.events_ignored;
  j["scansOk"] = stats_.scans_ok;
  j["scansFailed"] = stats_.scans_failed;
  j["dropped"] = stats_.dropped;
  return j.dump();
}

// ---- WatchServer ----

struct WatchServer::Impl {
  httplib::Server server;
  std::thread thread;
  std::string host;
  int port = 0;
  std::once_flag stopped;
};

WatchServer::WatchServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

WatchServer::~WatchServer() { Stop(); }

int WatchServer::port() const { return impl_->port; }

std::string WatchServer::url() const {
  std::string host = impl_->host == "0.0.0.0" ? "127.0.0.1" : impl_->host;
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  return "http://" + host + ":" + std::to_string(impl_->port) + "/registry-events";
}

void WatchServer::Stop() {
  std::call_once(impl_->stopped, [&] {
    impl_->server.stop();
    if (impl_->thread.joinable()) impl_->thread.join();
  });
}

base::Result<std::unique_ptr<WatchServer>> WatchServer::Start(RegistryWatcher& watcher,
                                                              std::string_view listen) {
  auto bad = [&] {
    return Status::InvalidArgument("--listen '" + std::string(listen) +
                                   "': want HOST:PORT, :PORT or [V6]:PORT");
  };
  std::string host;
  std::string_view port_text;
  if (listen.starts_with("[")) {
    size_t close = listen.find(']');
    if (close == std::string_view::npos || close + 1 >= listen.size() || listen[close + 1] != ':') {
      return bad();
    }
    host = std::string(listen.substr(1, close - 1));
    port_text = listen.substr(close + 2);
  } else {
    size_t colon = listen.rfind(':');
    if (colon == std::string_view::npos) return bad();
    host = std::string(listen.substr(0, colon));
    port_text = listen.substr(colon + 1);
    if (host.find(':') != std::string::npos) return bad();
  }
  if (host.empty()) host = "0.0.0.0";
  if (port_text.empty() || port_text.size() > 5 ||
      !std::all_of(port_text.begin(), port_text.end(),
                   [](char c) { return c >= '0' && c <= '9'; })) {
    return bad();
  }
  int port = std::stoi(std::string(port_text));
  if (port > 65535) return bad();

  auto impl = std::make_unique<Impl>();
  impl->host = host;
  httplib::Server& srv = impl->server;
  srv.new_task_queue = [] { return new httplib::ThreadPool(4); };
  srv.set_payload_max_length(kMaxDeliveryBytes);
  srv.set_read_timeout(10, 0);
  srv.set_write_timeout(10, 0);
  srv.Post("/registry-events", [&watcher](const httplib::Request& req, httplib::Response& res) {
    DeliveryReply reply = watcher.HandleDelivery(req.get_header_value("Content-Type"),
                                                 req.get_header_value("Authorization"), req.body);
    res.status = reply.status;
    if (reply.status == 401) res.set_header("WWW-Authenticate", "Bearer");
    res.set_content(reply.body, "application/json");
  });
  srv.Get("/healthz", [&watcher](const httplib::Request&, httplib::Response& res) {
    res.set_content(watcher.StatsJson(), "application/json");
  });
  srv.set_exception_handler(
      [](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
        res.status = 500;
        res.set_content(ErrorJson("internal error"), "application/json");
      });
  if (port == 0) {
    port = srv.bind_to_any_port(host);
    if (port < 0) return Status::Unavailable("--listen " + std::string(listen) + ": cannot bind");
  } else if (!srv.bind_to_port(host, port)) {
    return Status::Unavailable("--listen " + std::string(listen) + ": cannot bind (in use?)");
  }
  impl->port = port;
  httplib::Server* server = &impl->server;
  impl->thread = std::thread([server] { server->listen_after_bind(); });
  return std::unique_ptr<WatchServer>(new WatchServer(std::move(impl)));
}

// ---- scan registry ----

namespace {

constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;

ScanOutcome Fail(int code, std::string message) {
  ScanOutcome out;
  out.exit_code = code;
  out.error = std::move(message);
  return out;
}

struct TagItem {
  std::string repository;
  std::string tag;     // "" when only a digest was asked for, or the tag list failed
  std::string digest;  // resolved
  std::string error;
  size_t image = SIZE_MAX;  // index into the distinct images
  std::string Reference(const std::string& host) const {
    std::string r = host + "/" + repository;
    if (!tag.empty()) return r + ":" + tag;
    if (!digest.empty()) return r + "@" + digest;
    return r;
  }
};

struct DistinctImage {
  std::string repository;
  std::string digest;
  std::vector<std::string> tags;             // "HOST/REPO:TAG"
  std::optional<report::ScanResult> result;  // filters applied
  std::string error;
  base::Code code = base::Code::kOk;
};

void Add(report::Summary& total, const report::Summary& s) {
  total.critical += s.critical;
  total.high += s.high;
  total.medium += s.medium;
  total.low += s.low;
  total.informational += s.informational;
  total.untriaged += s.untriaged;
  total.total += s.total;
  total.fixable += s.fixable;
  total.packages += s.packages;
}

}  // namespace

ScanOutcome RunScanRegistry(const ScanRegistryOptions& options) {
  const ScanOptions& o = options.scan;
  const report::Renderer* renderer = report::FindRenderer(o.format);
  if (renderer == nullptr) {
    return Fail(kExitUsage,
                "unknown format '" + o.format + "' (known: " + report::KnownFormats() + ")");
  }
  if (options.parallel < 1) return Fail(kExitUsage, "--parallel must be at least 1");
  report::FilterOptions filters;
  if (!o.severity.empty()) {
    auto sev = report::ParseSeverityList(o.severity);
    if (!sev.ok()) return Fail(kExitUsage, sev.status().message());
    filters.severities = std::move(*sev);
  }
  filters.ignore_unfixed = o.ignore_unfixed;
  std::string now = o.now.empty() ? report::NowRfc3339() : o.now;
  std::optional<std::int64_t> now_seconds = report::ParseRfc3339(now);
  if (!now_seconds) return Fail(kExitUsage, "not an RFC 3339 time: '" + now + "'");
  filters.today = report::FormatRfc3339(*now_seconds).substr(0, 10);
  if (!o.ignorefile.empty()) {
    auto text = base::ReadFile(o.ignorefile);
    if (!text.ok()) return Fail(kExitUsage, "--ignorefile " + text.status().message());
    auto entries = report::ParseIgnoreFile(*text, o.ignorefile);
    if (!entries.ok()) return Fail(kExitUsage, entries.status().message());
    filters.ignores = std::move(*entries);
    filters.ignorefile = o.ignorefile;
  }

  // What to scan.
  std::string_view target = o.path;
  if (target.starts_with("docker://")) target.remove_prefix(9);
  if (target.empty()) return Fail(kExitUsage, "scan registry needs HOST/REPO[:TAG] or HOST");
  std::string host;
  std::vector<TagItem> items;
  bool catalog = false;
  bool single = false;  // one image named by tag or digest
  inventory::RegistryRef ref;
  if (target.find('/') == std::string_view::npos) {
    if (!options.all_tags) {
      return Fail(kExitUsage, "scan registry " + std::string(target) +
                                  ": give a repository (HOST/REPO), or --all-tags to scan every "
                                  "tag of every repository in the registry's catalog");
    }
    Status valid = inventory::ValidateRegistryHost(target);
    if (!valid.ok()) return Fail(kExitUsage, valid.message());
    host = std::string(target);
    catalog = true;
  } else {
    auto parsed = inventory::ParseRegistryRef(target);
    if (!parsed.ok()) return Fail(kExitUsage, parsed.status().message());
    ref = std::move(*parsed);
    host = ref.host;
    std::string_view last = target.substr(target.rfind('/') + 1);
    bool explicit_ref =
        last.find(':') != std::string_view::npos || target.find('@') != std::string_view::npos;
    if (options.all_tags && explicit_ref) {
      return Fail(kExitUsage, "--all-tags scans every tag: give HOST/REPO without a tag or digest");
    }
    single = !options.all_tags;
  }

  // The advisory DB.
  fs::path db_path;
  auto db = OpenScanDb(o.db, &db_path);
  if (!db.ok()) return Fail(kExitUsage, db.status().message());

  // Tags, then digests.
  inventory::RegistryOptions reg_opts;
  reg_opts.insecure = o.image.insecure;
  std::tie(reg_opts.username, reg_opts.password) = Credentials(o.image);
  auto client = inventory::RegistryClient::Create(host, reg_opts);
  if (!client.ok()) return Fail(kExitUsage, client.status().message());
  if (single) {
    items.push_back({ref.repository, ref.tag, ref.digest, "", SIZE_MAX});
  } else {
    std::vector<std::string> repositories;
    if (catalog) {
      auto repos = (*client)->Catalog();
      if (!repos.ok()) {
        return Fail(
            repos.status().code() == base::Code::kInvalidArgument ? kExitUsage : kExitFailed,
            "catalog of " + host + ": " + repos.status().message());
      }
      repositories = std::move(*repos);
    } else {
      repositories.push_back(ref.repository);
    }
    for (const std::string& repo : repositories) {
      auto tags = (*client)->ListTags(repo);
      if (!tags.ok()) {
        if (!catalog) {
          bool input = tags.status().code() == base::Code::kNotFound ||
                       tags.status().code() == base::Code::kInvalidArgument;
          return Fail(input ? kExitUsage : kExitFailed, tags.status().message());
        }
        items.push_back({repo, "", "", tags.status().message(), SIZE_MAX});
        continue;
      }
      for (std::string& t : *tags) items.push_back({repo, std::move(t), "", "", SIZE_MAX});
    }
  }
  std::vector<base::Code> resolve_codes(items.size(), base::Code::kOk);
  ParallelFor(items.size(), options.parallel, [&](size_t i) {
    TagItem& item = items[i];
    if (!item.digest.empty() || !item.error.empty()) return;
    auto manifest = (*client)->GetManifest(item.repository, item.tag);
    if (!manifest.ok()) {
      item.error = manifest.status().message();
      resolve_codes[i] = manifest.status().code();
      return;
    }
    item.digest = manifest->digest;
  });
  if (single && !items[0].error.empty()) {
    bool input = resolve_codes[0] == base::Code::kNotFound ||
                 resolve_codes[0] == base::Code::kInvalidArgument;
    return Fail(input ? kExitUsage : kExitFailed, items[0].error);
  }

  // One scan per distinct image.
  std::vector<DistinctImage> images;
  std::map<std::pair<std::string, std::string>, size_t> index;
  for (TagItem& item : items) {
    if (!item.error.empty()) continue;
    auto [it, inserted] = index.try_emplace({item.repository, item.digest}, images.size());
    if (inserted) images.push_back({item.repository, item.digest, {}, std::nullopt, "", {}});
    item.image = it->second;
    if (!item.tag.empty()) {
      images[it->second].tags.push_back(host + "/" + item.repository + ":" + item.tag);
    }
  }
  ImageScanRequest request;
  request.image = o.image;
  request.collect.include_dev = o.include_dev;
  request.collect.skip_paths = o.skip_paths;
  request.now = now;
  request.max_db_age_days = o.max_db_age_days;
  request.db_path = db_path.string();
  std::vector<std::vector<std::string>> notes(images.size());
  std::vector<std::vector<std::string>> filter_warnings(images.size());
  ParallelFor(images.size(), options.parallel, [&](size_t i) {
    DistinctImage& img = images[i];
    auto result = ScanImageWithDb(host + "/" + img.repository + "@" + img.digest, **db, request);
    if (!result.ok()) {
      img.error = result.status().message();
      img.code = result.status().code();
      return;
    }
    if (result->resource.image) result->resource.image->tags = img.tags;
    report::FilterReport filtered = report::ApplyFilters(filters, result->findings);
    notes[i] = std::move(filtered.notes);
    filter_warnings[i] = std::move(filtered.warnings);
    img.result = std::move(*result);
  });

  // Output.
  ScanOutcome out;
  report::RenderOptions render_opts;
  render_opts.color = o.color;
  render_opts.tool_version = std::string(advisories::kAssayVersion);
  report::Summary total;
  size_t failed = 0;
  size_t scanned = 0;
  for (size_t i = 0; i < images.size(); ++i) {
    if (images[i].result) {
      ++scanned;
      Add(total, report::Summarize(*images[i].result));
      for (const std::string& w : images[i].result->warnings) {
        out.warnings.push_back(host + "/" + images[i].repository + "@" + images[i].digest + ": " +
                               w);
      }
      for (std::string& w : filter_warnings[i]) out.warnings.push_back(std::move(w));
      for (std::string& n : notes[i]) out.notes.push_back(std::move(n));
    }
  }
  for (const TagItem& item : items) {
    const DistinctImage* img = item.image != SIZE_MAX ? &images[item.image] : nullptr;
    std::string error = img != nullptr ? img->error : item.error;
    if (!error.empty()) {
      ++failed;
      out.warnings.push_back(item.Reference(host) + ": " + error);
    }
  }
  SortUnique(out.notes);
  {
    std::vector<std::string> seen;
    std::vector<std::string> warnings;
    for (std::string& w : out.warnings) {
      if (std::find(seen.begin(), seen.end(), w) != seen.end()) continue;
      seen.push_back(w);
      warnings.push_back(std::move(w));
    }
    out.warnings = std::move(warnings);
  }
  std::string summary_line = std::to_string(items.size()) + " image" +
                             (items.size() == 1 ? "" : "s") + " (" + std::to_string(scanned) +
                             " distinct) scanned from " + host +
                             (failed > 0 ? ", " + std::to_string(failed) + " failed" : "") + ": " +
                             report::SummaryLine(total);

  // The document of one tag: its image's result under the tag's reference.
  auto tag_result = [&](const TagItem& item) {
    report::ScanResult r = *images[item.image].result;
    r.resource.path = item.Reference(host);
    return r;
  };
  std::string document;
  if (o.format == "json") {
    ojson doc;
    doc["registry"] = host;
    doc["scannedAt"] = now;
    if (auto info = (*db)->GetBuildInfo(); info.ok()) {
      doc["database"] = {{"buildId", info->build_id}, {"buildTime", info->build_time}};
    }
    ojson list = ojson::array();
    for (const TagItem& item : items) {
      ojson j;
      j["reference"] = item.Reference(host);
      j["repository"] = item.repository;
      j["tag"] = item.tag;
      j["digest"] = item.digest;
      const DistinctImage* img = item.image != SIZE_MAX ? &images[item.image] : nullptr;
      if (img != nullptr && img->result) {
        j["scan"] = ojson::parse(renderer->render(tag_result(item), render_opts));
      } else {
        j["error"] = img != nullptr ? img->error : item.error;
      }
      list.push_back(std::move(j));
    }
    doc["images"] = std::move(list);
    doc["summary"] = {{"images", items.size()},
                      {"scanned", scanned},
                      {"failed", failed},
                      {"critical", total.critical},
                      {"high", total.high},
                      {"medium", total.medium},
                      {"low", total.low},
                      {"informational", total.informational},
                      {"untriaged", total.untriaged},
                      {"total", total.total},
                      {"fixable", total.fixable},
                      {"packages", total.packages}};
    document = doc.dump(2) + "\n";
  } else {
    for (const TagItem& item : items) {
      const DistinctImage* img = item.image != SIZE_MAX ? &images[item.image] : nullptr;
      if (o.format == "table") {
        document += item.Reference(host) + "  " + item.digest + "\n";
        if (img != nullptr && img->result) {
          document += renderer->render(tag_result(item), render_opts);
        } else {
          document += "error: " + (img != nullptr ? img->error : item.error) + "\n";
        }
        document += "\n";
      } else if (img != nullptr && img->result) {
        document += renderer->render(tag_result(item), render_opts);
        if (!document.empty() && document.back() != '\n') document += "\n";
      }
    }
    if (o.format == "table") {
      document += summary_line + "\n";
    } else {
      out.notes.push_back(summary_line);
    }
  }

  if (!o.output.empty()) {
    Status written = base::WriteFileAtomic(o.output, document);
    if (!written.ok()) return Fail(kExitFailed, written.message());
  } else {
    out.document = std::move(document);
  }
  if (failed > 0) {
    out.exit_code = kExitFailed;
    out.error = std::to_string(failed) + " of " + std::to_string(items.size()) + " image" +
                (items.size() == 1 ? "" : "s") + " could not be scanned";
    return out;
  }
  out.exit_code = total.total > 0 ? o.exit_code : 0;
  return out;
}

}  // namespace assay::cli
