// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// The watcher's parts without a registry or a network: event envelopes (a real delivery of
// distribution 2.8 and broken ones), what each event does, the host a scan goes to, durations
// and the rescan window on an injected clock, the state file round trip and its refusal of
// malformed files, result path escaping, and RegistryWatcher's handling of deliveries and ticks
// with its workers not started (nothing is scanned: the queue and the state are observed).
#include "cli/registry_watch.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "advisories/db.h"
#include "advisories/test_util.h"
#include "advisories/update.h"
#include "base/file.h"
#include "report/scan_result.h"

namespace assay::cli {
namespace {

namespace stdfs = std::filesystem;
using json = nlohmann::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr char kDigest1[] =
    "sha256:254d53fa5aa01e959256be4163442115eeabeff72bdad38f6b011f930f7e2d1c";
constexpr char kDigest2[] =
    "sha256:c0c673ab9437bdef93617e8849113a6458c26e6e08ba73d80ced25318a613878";
constexpr char kEventsType[] = "application/vnd.docker.distribution.events.v1+json";
constexpr std::int64_t kDay = 86400;
constexpr std::int64_t kT0 = 1'800'000'000;  // 2027-01-15T08:00:00Z

// A push delivered by docker-registry 2.8 (skopeo copy of an OCI image), as received (one
// reference left out, long strings split).
constexpr char kRealPush[] = R"({
   "events": [
      {
         "id": "221d63d4-c59e-4440-a670-fc682614eabf",
         "timestamp": "2026-11-24T23:11:00.479825709Z",
         "action": "push",
         "target": {
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "size": 345,
            "digest": "sha256:254d53fa5aa01e959256be4163442115eeabeff72bdad38f6b011f930f7e2d1c",
            "length": 345,
            "repository": "team/app",
            "url": "http://127.0.0.1:18470/v2/team/app/manifests/)"
    "sha256:254d53fa5aa01e959256be4163442115eeabeff72bdad38f6b011f930f7e2d1c" R"(",
            "tag": "v1",
            "references": [
               {
                  "mediaType": "application/vnd.oci.image.config.v1+json",
                  "size": 384,
                  "digest":
                      "sha256:c0c673ab9437bdef93617e8849113a6458c26e6e08ba73d80ced25318a613878"
               }
            ]
         },
         "request": {
            "id": "1eff5e41-99c9-4436-9ae6-1e2dc15b6118",
            "addr": "127.0.0.1:57706",
            "host": "127.0.0.1:18470",
            "method": "PUT",
            "useragent": "skopeo/1.9.3"
         },
         "actor": {},
         "source": {"addr": "vm:18470", "instanceID": "1121acb1-5483-4768-8b29-256f02055cca"}
      }
   ]
})";

// One event as a registry sends it.
json Event(const std::string& action, const std::string& repository, const std::string& digest,
           const std::string& tag = "",
           const std::string& media = "application/vnd.oci.image.manifest.v1+json",
           const std::string& ua = "skopeo/1.9.3") {
  json target = {{"repository", repository}};
  if (!media.empty()) target["mediaType"] = media;
  if (!digest.empty()) {
    target["digest"] = digest;
    target["url"] = "http://127.0.0.1:5000/v2/" + repository + "/manifests/" + digest;
  }
  if (!tag.empty()) target["tag"] = tag;
  return {{"id", "e-" + action + "-" + tag},
          {"timestamp", "2026-11-24T23:11:00.479825709Z"},
          {"action", action},
          {"target", target},
          {"request", {{"host", "127.0.0.1:5000"}, {"useragent", ua}}}};
}

std::string Envelope(std::vector<json> events) {
  return json{{"events", std::move(events)}}.dump();
}

TEST(ParseRegistryEventsTest, RealDelivery) {
  auto events = ParseRegistryEvents(kRealPush);
  ASSERT_TRUE(events.ok()) << events.status().ToString();
  ASSERT_EQ(events->size(), 1u);
  const RegistryEvent& e = (*events)[0];
  EXPECT_EQ(e.id, "221d63d4-c59e-4440-a670-fc682614eabf");
  EXPECT_EQ(e.action, "push");
  EXPECT_EQ(e.media_type, "application/vnd.oci.image.manifest.v1+json");
  EXPECT_EQ(e.digest, kDigest1);
  EXPECT_EQ(e.repository, "team/app");
  EXPECT_EQ(e.tag, "v1");
  EXPECT_EQ(e.request_host, "127.0.0.1:18470");
  EXPECT_EQ(e.user_agent, "skopeo/1.9.3");
  EXPECT_EQ(e.timestamp, "2026-11-24T23:11:00.479825709Z");
}

TEST(ParseRegistryEventsTest, Table) {
  struct Case {
    std::string body;
    bool ok;
    size_t events;
    size_t skipped;
    std::string error;
  };
  const std::vector<Case> cases = {
      {"", false, 0, 0, "not JSON"},
      {"{\"events\": [", false, 0, 0, "not JSON"},
      {"[]", false, 0, 0, "no \"events\" array"},
      {"{}", false, 0, 0, "no \"events\" array"},
      {"{\"events\": {}}", false, 0, 0, "no \"events\" array"},
      {"{\"events\": []}", true, 0, 0, ""},
      {"{\"events\": [1, \"x\", null, {}]}", true, 1, 3, ""},
      // Fields of the wrong type read as absent.
      {R"({"events": [{"action": 7, "target": "x", "request": []}]})", true, 1, 0, ""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.body);
    size_t skipped = 99;
    auto events = ParseRegistryEvents(c.body, &skipped);
    ASSERT_EQ(events.ok(), c.ok) << events.status().ToString();
    if (!c.ok) {
      EXPECT_THAT(events.status().message(), HasSubstr(c.error));
      continue;
    }
    EXPECT_EQ(events->size(), c.events);
    EXPECT_EQ(skipped, c.skipped);
    for (const RegistryEvent& e : *events) {
      EXPECT_EQ(e.action.empty() && e.digest.empty(), true);
    }
  }
}

EventUse UseOf(const json& event) {
  auto events = ParseRegistryEvents(Envelope({event}));
  EXPECT_TRUE(events.ok());
  return ClassifyEvent(events->at(0)).use;
}

TEST(ClassifyEventTest, Table) {
  const std::string oci = "application/vnd.oci.image.manifest.v1+json";
  const std::string docker = "application/vnd.docker.distribution.manifest.v2+json";
  struct Case {
    std::string name;
    json event;
    EventUse use;
  };
  const std::vector<Case> cases = {
      {"push oci", Event("push", "team/app", kDigest1, "v1", oci), EventUse::kPush},
      {"push docker", Event("push", "app", kDigest1, "", docker), EventUse::kPush},
      {"media type parameters", Event("push", "app", kDigest1, "", oci + "; charset=utf-8"),
       EventUse::kPush},
      {"push index",
       Event("push", "app", kDigest1, "v1", "application/vnd.oci.image.index.v1+json"),
       EventUse::kIgnore},
      {"push manifest list",
       Event("push", "app", kDigest1, "v1",
             "application/vnd.docker.distribution.manifest.list.v2+json"),
       EventUse::kIgnore},
      {"push blob", Event("push", "app", kDigest1, "", "application/octet-stream"),
       EventUse::kIgnore},
      {"push layer",
       Event("push", "app", kDigest1, "", "application/vnd.oci.image.layer.v1.tar+gzip"),
       EventUse::kIgnore},
      {"push no media type", Event("push", "app", kDigest1, "", ""), EventUse::kIgnore},
      {"push sha512", Event("push", "app", "sha512:" + std::string(128, 'a')), EventUse::kIgnore},
      {"push short digest", Event("push", "app", "sha256:abc"), EventUse::kIgnore},
      {"push upper-case digest", Event("push", "app", "sha256:" + std::string(64, 'A')),
       EventUse::kIgnore},
      {"push bad repository", Event("push", "Team/App", kDigest1), EventUse::kIgnore},
      {"push traversal", Event("push", "../etc", kDigest1), EventUse::kIgnore},
      {"pull by skopeo", Event("pull", "team/app", kDigest1, "v1"), EventUse::kPull},
      {"pull by assay", Event("pull", "team/app", kDigest1, "v1", oci, "assay"), EventUse::kIgnore},
      {"pull by assay/1", Event("pull", "team/app", kDigest1, "", oci, "assay/0.1.0"),
       EventUse::kIgnore},
      {"pull by assayer", Event("pull", "team/app", kDigest1, "", oci, "assayer/2"),
       EventUse::kPull},
      {"delete digest", Event("delete", "team/app", kDigest1, "", ""), EventUse::kDelete},
      {"delete tag", Event("delete", "team/app", "", "v1", ""), EventUse::kDelete},
      {"delete nothing", Event("delete", "team/app", "", "", ""), EventUse::kIgnore},
      {"delete bad tag", Event("delete", "team/app", "", "-x", ""), EventUse::kIgnore},
      {"mount", Event("mount", "team/app", kDigest1), EventUse::kIgnore},
      {"unknown action", Event("launch", "team/app", kDigest1), EventUse::kIgnore},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(UseOf(c.event), c.use);
  }
  auto events = ParseRegistryEvents(Envelope({Event("push", "app", kDigest1, "", "text/plain")}));
  ASSERT_TRUE(events.ok());
  EXPECT_THAT(ClassifyEvent((*events)[0]).reason, HasSubstr("not an image manifest"));
}

TEST(EventRegistryHostTest, Table) {
  struct Case {
    std::string url;
    std::string request_host;
    std::string override_host;
    std::string want;  // "" for an error
  };
  const std::vector<Case> cases = {
      {"http://127.0.0.1:5000/v2/a/manifests/x", "other:1", "", "127.0.0.1:5000"},
      {"https://registry.example.com/v2/a/manifests/x", "", "", "registry.example.com"},
      {"http://[::1]:5000/v2/a", "", "", "[::1]:5000"},
      {"", "127.0.0.1:5001", "", "127.0.0.1:5001"},
      {"not a url", "localhost:5000", "", "localhost:5000"},
      {"http://user@evil:1/v2/a", "127.0.0.1:5000", "", "127.0.0.1:5000"},
      {"http://127.0.0.1:5000/v2/a", "", "registry.internal:443", "registry.internal:443"},
      {"", "", "", ""},
      {"http://bad host/v2", "also bad", "", ""},
      {"http://127.0.0.1:5000/v2/a", "", "bad host", ""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.url + " | " + c.request_host + " | " + c.override_host);
    RegistryEvent e;
    e.url = c.url;
    e.request_host = c.request_host;
    auto host = EventRegistryHost(e, c.override_host);
    if (c.want.empty()) {
      EXPECT_FALSE(host.ok());
    } else {
      ASSERT_TRUE(host.ok()) << host.status().ToString();
      EXPECT_EQ(*host, c.want);
    }
  }
}

TEST(DurationTest, Table) {
  struct Case {
    std::string text;
    std::int64_t seconds;  // -1: error
  };
  for (const Case& c : std::vector<Case>{{"90s", 90},
                                         {"30m", 1800},
                                         {"24h", 86400},
                                         {"14d", 14 * kDay},
                                         {"36500d", 36500 * kDay},
                                         {"36501d", -1},
                                         {"0s", -1},
                                         {"", -1},
                                         {"d", -1},
                                         {"10", -1},
                                         {"1w", -1},
                                         {"-5m", -1},
                                         {"1.5h", -1},
                                         {"99999999999d", -1}}) {
    SCOPED_TRACE(c.text);
    auto got = ParseDurationSeconds(c.text);
    if (c.seconds < 0) {
      EXPECT_FALSE(got.ok());
    } else {
      ASSERT_TRUE(got.ok()) << got.status().ToString();
      EXPECT_EQ(*got, c.seconds);
    }
  }
}

TEST(RescanWindowTest, Parse) {
  for (const char* text : {"14d", "30d", "60d", "90d", "180d"}) {
    auto w = ParseRescanWindow(text);
    ASSERT_TRUE(w.ok()) << text;
    EXPECT_FALSE(w->lifetime);
    EXPECT_EQ(w->ToString(), text);
  }
  auto life = ParseRescanWindow("lifetime");
  ASSERT_TRUE(life.ok());
  EXPECT_TRUE(life->lifetime);
  EXPECT_EQ(life->ToString(), "lifetime");
  EXPECT_TRUE(ParseRescanWindow("LIFETIME").ok());
  for (const char* bad : {"", "14", "24h", "0d", "forever", "14 d"}) {
    EXPECT_FALSE(ParseRescanWindow(bad).ok()) << bad;
  }
}

TEST(RescanWindowTest, ArithmeticOnAnInjectedClock) {
  const RescanWindow w14 = *ParseRescanWindow("14d");
  const RescanWindow life = *ParseRescanWindow("lifetime");
  struct Case {
    std::string name;
    std::int64_t pushed;
    std::int64_t pulled;
    std::int64_t now;
    bool in14;
  };
  const std::vector<Case> cases = {
      {"just pushed", kT0, 0, kT0, true},
      {"13 days", kT0, 0, kT0 + 13 * kDay, true},
      {"exactly 14 days: inside", kT0, 0, kT0 + 14 * kDay, true},
      {"a second later: outside", kT0, 0, kT0 + 14 * kDay + 1, false},
      {"old push, recent pull", kT0, kT0 + 10 * kDay, kT0 + 20 * kDay, true},
      {"old push, old pull", kT0, kT0 + 1 * kDay, kT0 + 20 * kDay, false},
      {"pull only", 0, kT0, kT0 + 3 * kDay, true},
      {"no use known", 0, 0, kT0, false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    TrackedImage t;
    t.pushed_at = c.pushed;
    t.last_pulled_at = c.pulled;
    EXPECT_EQ(LastUse(t), std::max(c.pushed, c.pulled));
    EXPECT_EQ(InRescanWindow(t, w14, c.now), c.in14);
    EXPECT_TRUE(InRescanWindow(t, life, c.now + 1000 * kDay));
  }
}

TEST(ResultPathTest, Escaping) {
  struct Case {
    std::string repository;
    std::string escaped;
  };
  for (const Case& c : std::vector<Case>{{"app", "app"},
                                         {"team/app", "team%2Fapp"},
                                         {"a/b/c", "a%2Fb%2Fc"},
                                         {"a.b_c-d", "a.b_c-d"},
                                         {"a__b", "a__b"},
                                         {".hidden", "%2Ehidden"},
                                         {"..", "%2E."},
                                         {"../x", "%2E.%2Fx"},
                                         {"A%", "%41%25"}}) {
    EXPECT_EQ(EscapeRepository(c.repository), c.escaped) << c.repository;
  }
  // Different repositories never share a directory.
  EXPECT_NE(EscapeRepository("a/b"), EscapeRepository("a%2Fb"));
  auto p = ResultRelativePath("team/app", kDigest1);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(*p, std::string("team%2Fapp/") + kDigest1 + ".json");
  EXPECT_FALSE(ResultRelativePath("team/app", "sha256:../../etc").ok());
  EXPECT_FALSE(ResultRelativePath("", kDigest1).ok());
}

TEST(WatchStateTest, RoundTrip) {
  WatchState state;
  TrackedImage a;
  a.repository = "team/app";
  a.digest = kDigest1;
  a.registry = "127.0.0.1:5000";
  a.tags = {"latest", "v1"};
  a.pushed_at = kT0;
  a.last_pulled_at = kT0 + 3600;
  a.last_scanned_at = kT0 + 60;
  a.last_attempt_at = kT0 + 60;
  a.db_build_id = "0123456789abcdef0123456789abcdef";
  a.findings = 4;
  TrackedImage b;
  b.repository = "app";
  b.digest = kDigest2;
  b.registry = "localhost:5000";
  b.last_pulled_at = kT0;
  b.last_attempt_at = kT0 + 5;
  b.last_error = "unavailable: registry down";
  state.images = {b, a};  // sorted by repository
  std::string text = WatchStateToJson(state);
  json doc = json::parse(text);
  EXPECT_EQ(doc["version"], 1);
  EXPECT_EQ(doc["images"][1]["pushedAt"], report::FormatRfc3339(kT0));
  EXPECT_EQ(doc["images"][1]["result"], std::string("team%2Fapp/") + kDigest1 + ".json");
  EXPECT_TRUE(doc["images"][0]["pushedAt"].is_null());
  EXPECT_TRUE(doc["images"][0]["lastScannedAt"].is_null());
  EXPECT_TRUE(doc["images"][0]["findings"].is_null());

  auto back = WatchStateFromJson(text, "watch-state.json");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ASSERT_EQ(back->images.size(), 2u);
  EXPECT_EQ(WatchStateToJson(*back), text);
  const TrackedImage& got = back->images[1];
  EXPECT_EQ(got.repository, "team/app");
  EXPECT_THAT(got.tags, ElementsAre("latest", "v1"));
  EXPECT_EQ(got.pushed_at, kT0);
  EXPECT_EQ(got.last_pulled_at, kT0 + 3600);
  EXPECT_EQ(got.findings, 4);
  EXPECT_EQ(back->images[0].last_error, "unavailable: registry down");
}

TEST(WatchStateTest, MalformedFilesAreRefused) {
  const std::string d = kDigest1;
  const std::vector<std::string> bad = {
      "",
      "[]",
      R"({"images": []})",
      R"({"version": 2, "images": []})",
      R"({"version": 1})",
      R"({"version": 1, "images": [1]})",
      R"({"version": 1, "images": [{"repository": "a", "digest": "sha256:x"}]})",
      R"({"version": 1, "images": [{"repository": "../a", "digest": ")" + d + R"("}]})",
      R"({"version": 1, "images": [{"repository": "a", "digest": ")" + d +
          R"(", "pushedAt": "yesterday"}]})",
      R"({"version": 1, "images": [{"repository": "a", "digest": ")" + d +
          R"(", "tags": ["a/b"]}]})",
      R"({"version": 1, "images": [{"repository": "a", "digest": ")" + d +
          R"(", "findings": -1}]})",
      R"({"version": 1, "images": [{"repository": "a", "digest": ")" + d +
          R"(", "registry": "a b"}]})",
      R"({"version": 1, "images": [{"repository": "a", "digest": ")" + d +
          R"("}, {"repository": "a", "digest": ")" + d + R"("}]})",
  };
  for (const std::string& text : bad) {
    SCOPED_TRACE(text);
    auto got = WatchStateFromJson(text, "/r/watch-state.json");
    ASSERT_FALSE(got.ok());
    EXPECT_EQ(got.status().code(), base::Code::kCorruption);
    EXPECT_THAT(got.status().message(), HasSubstr("/r/watch-state.json"));
  }
  auto empty = WatchStateFromJson(R"({"version": 1, "images": []})", "s");
  ASSERT_TRUE(empty.ok());
  EXPECT_THAT(empty->images, IsEmpty());
}

// ---- RegistryWatcher, workers not started ----

std::string Record(const std::string& id, const std::string& package, const std::string& fixed) {
  return advisories::testing::Osv(id, {{"Debian:12", package, fixed}}, {}, "2024-01-01T00:00:00Z",
                                  "", {}, "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H");
}

class WatcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto t = base::TempDir::Create("assay-watch-test");
    ASSERT_TRUE(t.ok());
    tmp_.emplace(std::move(*t));
    db_ = tmp_->path() / "db" / "advisories.db";
    results_ = tmp_->path() / "results";
    BuildDb({{"DSA-1", Record("DSA-1", "openssl", "3.0.13-1~deb12u1")}});
    *clock_ = kT0;
  }

  void BuildDb(const std::vector<std::pair<std::string, std::string>>& records) {
    advisories::testing::WriteZip(tmp_->path() / "mirror" / "Debian" / "all.zip",
                                  advisories::testing::Entries(records));
    advisories::testing::DirFeed feed(tmp_->path() / "mirror");
    advisories::UpdateOptions u;
    u.db_path = db_;
    u.import.threads = 1;
    auto r = advisories::UpdateDb(feed, u);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }

  std::string BuildId() {
    auto db = advisories::AdvisoryDb::Open(db_);
    EXPECT_TRUE(db.ok());
    auto info = (*db)->GetBuildInfo();
    EXPECT_TRUE(info.ok());
    return info->build_id;
  }

  WatchOptions Options() {
    WatchOptions o;
    o.results_dir = results_;
    o.db = db_.string();
    o.window = *ParseRescanWindow("14d");
    std::shared_ptr<std::int64_t> clock = clock_;
    o.now = [clock] { return *clock; };
    return o;
  }

  std::unique_ptr<RegistryWatcher> Make(WatchOptions o) {
    auto w = RegistryWatcher::Create(std::move(o));
    EXPECT_TRUE(w.ok()) << w.status().ToString();
    return w.ok() ? std::move(*w) : nullptr;
  }

  DeliveryReply Deliver(RegistryWatcher& w, std::vector<json> events,
                        const std::string& auth = "") {
    return w.HandleDelivery(kEventsType, auth, Envelope(std::move(events)));
  }

  json StateFile() {
    auto text = base::ReadFile(results_ / "watch-state.json");
    EXPECT_TRUE(text.ok()) << text.status().ToString();
    return text.ok() ? json::parse(*text) : json();
  }

  std::optional<base::TempDir> tmp_;
  stdfs::path db_;
  stdfs::path results_;
  std::shared_ptr<std::int64_t> clock_ = std::make_shared<std::int64_t>(kT0);
};

TEST_F(WatcherTest, RefusesWhatItCannotAccept) {
  WatchOptions o = Options();
  o.token = "s3cret";
  auto w = Make(o);
  ASSERT_NE(w, nullptr);
  const std::string body = Envelope({Event("push", "team/app", kDigest1, "v1")});
  struct Case {
    std::string content_type;
    std::string auth;
    std::string body;
    int status;
  };
  const std::vector<Case> cases = {
      {kEventsType, "", body, 401},
      {kEventsType, "Bearer wrong", body, 401},
      {kEventsType, "Bearer s3cre", body, 401},
      {kEventsType, "Basic czNjcmV0", body, 401},
      {"text/plain", "Bearer s3cret", body, 415},
      {kEventsType, "Bearer s3cret", "{not json", 400},
      {kEventsType, "Bearer s3cret", "{}", 400},
      {std::string(kEventsType) + "; charset=utf-8", "bearer  s3cret ", body, 200},
      {"application/json", "Bearer s3cret", body, 200},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.content_type + " | " + c.auth + " | " + c.body);
    DeliveryReply r = w->HandleDelivery(c.content_type, c.auth, c.body);
    EXPECT_EQ(r.status, c.status) << r.body;
    EXPECT_TRUE(json::accept(r.body)) << r.body;
  }
  WatchStats s = w->Stats();
  EXPECT_EQ(s.rejected, 7u);
  EXPECT_EQ(s.deliveries, 2u);
  EXPECT_EQ(s.queued, 1u);  // the same push twice: one scan
}

TEST_F(WatcherTest, PushTracksAndQueuesOnceByDigest) {
  auto w = Make(Options());
  ASSERT_NE(w, nullptr);
  DeliveryReply r =
      Deliver(*w, {Event("push", "team/app", kDigest1, "v1"),
                   Event("push", "team/app", kDigest1, "", "application/octet-stream"),
                   Event("push", "team/app", kDigest1, "v1")});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json::parse(r.body)["applied"], 2);
  EXPECT_EQ(json::parse(r.body)["ignored"], 1);
  // The registry retries the delivery: nothing new is queued.
  ASSERT_EQ(Deliver(*w, {Event("push", "team/app", kDigest1, "v1")}).status, 200);
  WatchStats s = w->Stats();
  EXPECT_EQ(s.queued, 1u);
  EXPECT_EQ(s.coalesced, 2u);

  json state = StateFile();
  ASSERT_EQ(state["images"].size(), 1u);
  const json& img = state["images"][0];
  EXPECT_EQ(img["repository"], "team/app");
  EXPECT_EQ(img["digest"], kDigest1);
  EXPECT_EQ(img["registry"], "127.0.0.1:5000");
  EXPECT_EQ(img["tags"], json::array({"v1"}));
  EXPECT_EQ(img["pushedAt"], report::FormatRfc3339(kT0));
  EXPECT_TRUE(img["lastPulledAt"].is_null());
  EXPECT_TRUE(img["lastScannedAt"].is_null());
}

TEST_F(WatcherTest, RegistryOverrideAndCredentials) {
  WatchOptions o = Options();
  o.registry = "registry.internal:5000";
  auto w = Make(o);
  ASSERT_NE(w, nullptr);
  ASSERT_EQ(Deliver(*w, {Event("push", "app", kDigest1)}).status, 200);
  EXPECT_EQ(w->Snapshot().images.at(0).registry, "registry.internal:5000");

  WatchOptions creds = Options();
  creds.image.username = "robot";
  auto refused = RegistryWatcher::Create(creds);
  ASSERT_FALSE(refused.ok());
  EXPECT_THAT(refused.status().message(), HasSubstr("--registry"));
  creds.registry = "registry.internal:5000";
  EXPECT_TRUE(RegistryWatcher::Create(creds).ok());
}

TEST_F(WatcherTest, TagsMoveAndDeletesUntrack) {
  auto w = Make(Options());
  ASSERT_NE(w, nullptr);
  ASSERT_EQ(Deliver(*w, {Event("push", "team/app", kDigest1, "v1"),
                         Event("push", "team/app", kDigest1, "latest"),
                         Event("push", "other", kDigest1, "latest")})
                .status,
            200);
  // "latest" moves to another image of team/app; other/latest is another repository.
  ASSERT_EQ(Deliver(*w, {Event("push", "team/app", kDigest2, "latest")}).status, 200);
  WatchState s = w->Snapshot();
  ASSERT_EQ(s.images.size(), 3u);
  EXPECT_EQ(s.images[0].repository, "other");
  EXPECT_THAT(s.images[0].tags, ElementsAre("latest"));
  EXPECT_THAT(s.images[1].tags, ElementsAre("v1"));
  EXPECT_THAT(s.images[2].tags, ElementsAre("latest"));
  // A tag delete drops the tag; a manifest delete untracks the image.
  ASSERT_EQ(Deliver(*w, {Event("delete", "team/app", "", "v1", "")}).status, 200);
  EXPECT_THAT(w->Snapshot().images[1].tags, IsEmpty());
  ASSERT_EQ(Deliver(*w, {Event("delete", "team/app", kDigest1, "", "")}).status, 200);
  s = w->Snapshot();
  ASSERT_EQ(s.images.size(), 2u);
  EXPECT_EQ(s.images[1].digest, kDigest2);
  EXPECT_EQ(StateFile()["images"].size(), 2u);
}

TEST_F(WatcherTest, PullsRefreshLastPulledAtButNotTheirOwn) {
  auto w = Make(Options());
  ASSERT_NE(w, nullptr);
  ASSERT_EQ(Deliver(*w, {Event("push", "team/app", kDigest1, "v1")}).status, 200);
  *clock_ = kT0 + 5 * kDay;
  ASSERT_EQ(Deliver(*w, {Event("pull", "team/app", kDigest1, "v1",
                               "application/vnd.oci.image.manifest.v1+json", "assay")})
                .status,
            200);
  EXPECT_EQ(w->Snapshot().images[0].last_pulled_at, 0);
  ASSERT_EQ(Deliver(*w, {Event("pull", "team/app", kDigest1, "v1")}).status, 200);
  EXPECT_EQ(w->Snapshot().images[0].last_pulled_at, kT0 + 5 * kDay);
  EXPECT_EQ(StateFile()["images"][0]["lastPulledAt"], report::FormatRfc3339(kT0 + 5 * kDay));
  // A pull of an image pushed before the watcher ran starts tracking it.
  ASSERT_EQ(Deliver(*w, {Event("pull", "legacy", kDigest2)}).status, 200);
  WatchState s = w->Snapshot();
  ASSERT_EQ(s.images.size(), 2u);
  EXPECT_EQ(s.images[0].repository, "legacy");
  EXPECT_EQ(s.images[0].pushed_at, 0);
  EXPECT_EQ(s.images[0].last_pulled_at, kT0 + 5 * kDay);
  EXPECT_EQ(w->Stats().queued, 2u);
}

TEST_F(WatcherTest, TheWindowDropsImagesOnTheInjectedClock) {
  auto w = Make(Options());
  ASSERT_NE(w, nullptr);
  ASSERT_EQ(Deliver(*w, {Event("push", "old", kDigest1), Event("push", "used", kDigest2)}).status,
            200);
  *clock_ = kT0 + 10 * kDay;
  ASSERT_EQ(Deliver(*w, {Event("pull", "used", kDigest2)}).status, 200);

  *clock_ = kT0 + 14 * kDay;  // the boundary second is still inside
  EXPECT_THAT(w->Tick().dropped, IsEmpty());
  *clock_ = kT0 + 14 * kDay + 1;
  TickReport r = w->Tick();
  EXPECT_THAT(r.dropped, ElementsAre(std::string("old@") + kDigest1));
  json state = StateFile();
  ASSERT_EQ(state["images"].size(), 1u);
  EXPECT_EQ(state["images"][0]["repository"], "used");
  *clock_ = kT0 + 24 * kDay + 1;
  EXPECT_THAT(w->Tick().dropped, ElementsAre(std::string("used@") + kDigest2));
  EXPECT_EQ(w->Stats().dropped, 2u);
  EXPECT_EQ(StateFile()["images"].size(), 0u);

  // Lifetime keeps everything.
  WatchOptions life = Options();
  life.results_dir = tmp_->path() / "life";
  life.window = *ParseRescanWindow("lifetime");
  auto lw = Make(life);
  ASSERT_NE(lw, nullptr);
  ASSERT_EQ(Deliver(*lw, {Event("push", "old", kDigest1)}).status, 200);
  *clock_ = kT0 + 5000 * kDay;
  EXPECT_THAT(lw->Tick().dropped, IsEmpty());
}

// State written as a finished scan leaves it: rescans come from the interval and DB builds.
TEST_F(WatcherTest, RescansOnIntervalAndNewDbBuildAcrossRestarts) {
  WatchState state;
  TrackedImage t;
  t.repository = "team/app";
  t.digest = kDigest1;
  t.registry = "127.0.0.1:5000";
  t.pushed_at = kT0;
  t.last_scanned_at = kT0;
  t.last_attempt_at = kT0;
  t.db_build_id = BuildId();
  t.findings = 1;
  state.images.push_back(t);
  stdfs::create_directories(results_);
  ASSERT_TRUE(base::WriteFileAtomic(results_ / "watch-state.json", WatchStateToJson(state)).ok());

  {
    auto w = Make(Options());
    ASSERT_NE(w, nullptr);
    ASSERT_EQ(w->Snapshot().images.size(), 1u);
    *clock_ = kT0 + 3600;
    EXPECT_EQ(w->Tick().queued, 0u);
    // A push of a digest already scanned with this build: no scan.
    ASSERT_EQ(Deliver(*w, {Event("push", "team/app", kDigest1, "v2")}).status, 200);
    EXPECT_EQ(w->Stats().queued, 0u);
    *clock_ = kT0 + kDay;  // the interval (24h) has passed
    EXPECT_EQ(w->Tick().queued, 1u);
  }
  {
    auto w = Make(Options());  // restarted: the state (with the new tag) is read back
    ASSERT_NE(w, nullptr);
    EXPECT_THAT(w->Snapshot().images.at(0).tags, ElementsAre("v2"));
    *clock_ = kT0 + 3600;
    TickReport quiet = w->Tick();
    EXPECT_FALSE(quiet.db_changed);
    EXPECT_EQ(quiet.queued, 0u);
    std::string before = BuildId();
    BuildDb({{"DSA-1", Record("DSA-1", "openssl", "3.0.13-1~deb12u1")},
             {"DSA-2", Record("DSA-2", "zlib", "")}});
    ASSERT_NE(BuildId(), before);
    TickReport r = w->Tick();
    EXPECT_TRUE(r.db_changed);
    EXPECT_EQ(r.db_build_id, BuildId());
    EXPECT_EQ(r.queued, 1u);
    EXPECT_EQ(w->Tick().queued, 0u);  // already queued: coalesced
  }
}

TEST_F(WatcherTest, FailedScansWaitBeforeARetry) {
  WatchState state;
  TrackedImage t;
  t.repository = "app";
  t.digest = kDigest1;
  t.registry = "127.0.0.1:5000";
  t.pushed_at = kT0;
  t.last_attempt_at = kT0;
  t.last_error = "unavailable: connection refused";
  state.images.push_back(t);
  stdfs::create_directories(results_);
  ASSERT_TRUE(base::WriteFileAtomic(results_ / "watch-state.json", WatchStateToJson(state)).ok());
  WatchOptions o = Options();
  o.retry_after = 900;
  auto w = Make(o);
  ASSERT_NE(w, nullptr);
  *clock_ = kT0 + 899;
  EXPECT_EQ(w->Tick().queued, 0u);
  *clock_ = kT0 + 900;
  EXPECT_EQ(w->Tick().queued, 1u);
}

TEST_F(WatcherTest, StartupErrors) {
  WatchOptions no_db = Options();
  no_db.db = (tmp_->path() / "missing.db").string();
  auto a = RegistryWatcher::Create(no_db);
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.status().code(), base::Code::kNotFound);
  EXPECT_THAT(a.status().message(), HasSubstr("assay db update"));

  stdfs::create_directories(results_);
  std::ofstream(results_ / "watch-state.json") << "{broken";
  auto b = RegistryWatcher::Create(Options());
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.status().code(), base::Code::kCorruption);
  EXPECT_EQ(base::ReadFile(results_ / "watch-state.json").value_or(""), "{broken");

  WatchOptions workers = Options();
  workers.workers = 0;
  EXPECT_FALSE(RegistryWatcher::Create(workers).ok());
}

TEST_F(WatcherTest, StopWithoutDrainKeepsQueuedImagesDue) {
  auto w = Make(Options());
  ASSERT_NE(w, nullptr);
  ASSERT_EQ(Deliver(*w, {Event("push", "app", kDigest1)}).status, 200);
  EXPECT_FALSE(w->WaitIdle(std::chrono::milliseconds(10)));  // queued, no workers
  w->Stop(/*drain=*/false);
  EXPECT_TRUE(w->WaitIdle(std::chrono::milliseconds(10)));
  // A new watcher over the same results finds it due.
  w.reset();
  auto again = Make(Options());
  ASSERT_NE(again, nullptr);
  EXPECT_EQ(again->Tick().queued, 1u);
}

}  // namespace
}  // namespace assay::cli
