// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// Reference, challenge and Link parsing, and the client against a scripted registry on
// loopback (base/testing/http_server.h) for the answers a real registry rarely gives: digest
// mismatches, oversized manifests, expiring tokens, hostile Link headers, redirects to storage.
#include "inventory/registry.h"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "base/file.h"
#include "base/testing/http_server.h"
#include "inventory/image_manifest.h"

namespace assay::inventory {
namespace {

using assay::testing::TestHttpReply;
using assay::testing::TestHttpRequest;
using assay::testing::TestHttpServer;
using base::Code;

const std::string kHex(64, 'a');
const std::string kDigest = "sha256:" + kHex;

// What a refused request becomes (see registry.h: base::Status has no permission code).
constexpr Code kDenied = Code::kInvalidArgument;

bool Contains(const std::string& haystack, std::string_view needle) {
  return haystack.find(needle) != std::string::npos;
}

TEST(RegistryRefTest, Parses) {
  struct Case {
    std::string text;
    std::string host, repository, tag, digest;
    std::string canonical;
  };
  const std::vector<Case> cases = {
      {"127.0.0.1:5000/repo:tag", "127.0.0.1:5000", "repo", "tag", "", "127.0.0.1:5000/repo:tag"},
      {"registry.example.com/library/debian", "registry.example.com", "library/debian", "latest",
       "", "registry.example.com/library/debian:latest"},
      {"localhost/a/b/c:1.0-rc_1", "localhost", "a/b/c", "1.0-rc_1", "",
       "localhost/a/b/c:1.0-rc_1"},
      {"localhost:5000/app@" + kDigest, "localhost:5000", "app", "", kDigest,
       "localhost:5000/app@" + kDigest},
      {"ghcr.io/org/app:v1@" + kDigest, "ghcr.io", "org/app", "v1", kDigest,
       "ghcr.io/org/app:v1@" + kDigest},
      {"docker://127.0.0.1:5000/x/y:z", "127.0.0.1:5000", "x/y", "z", "", "127.0.0.1:5000/x/y:z"},
      {"[::1]:5000/repo", "[::1]:5000", "repo", "latest", "", "[::1]:5000/repo:latest"},
      {"reg.example.com/a.b/c__d/e-f/g---h:_tag", "reg.example.com", "a.b/c__d/e-f/g---h", "_tag",
       "", "reg.example.com/a.b/c__d/e-f/g---h:_tag"},
      {"reg.example.com/x:" + std::string(128, 't'), "reg.example.com", "x", std::string(128, 't'),
       "", "reg.example.com/x:" + std::string(128, 't')},
  };
  for (const auto& tc : cases) {
    SCOPED_TRACE(tc.text);
    auto r = ParseRegistryRef(tc.text);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->host, tc.host);
    EXPECT_EQ(r->repository, tc.repository);
    EXPECT_EQ(r->tag, tc.tag);
    EXPECT_EQ(r->digest, tc.digest);
    EXPECT_EQ(r->ToString(), tc.canonical);
    EXPECT_EQ(r->Reference(), tc.digest.empty() ? tc.tag : tc.digest);
  }
}

TEST(RegistryRefTest, Refuses) {
  struct Case {
    std::string text;
    Code want;
    std::string says;
  };
  const std::vector<Case> cases = {
      {"debian:12", Code::kInvalidArgument, "names no registry host"},
      {"library/debian:12", Code::kInvalidArgument, "names no registry host"},
      {"debian", Code::kInvalidArgument, "names no registry host"},
      {"127.0.0.1:5000/Repo:tag", Code::kInvalidArgument, "repository"},
      {"127.0.0.1:5000/../etc:tag", Code::kInvalidArgument, "repository"},
      {"127.0.0.1:5000/a//b", Code::kInvalidArgument, "repository"},
      {"127.0.0.1:5000/a/", Code::kInvalidArgument, "repository"},
      {"127.0.0.1:5000/", Code::kInvalidArgument, "repository"},
      {"127.0.0.1:5000/-a", Code::kInvalidArgument, "repository"},
      {"127.0.0.1:5000/a..b", Code::kInvalidArgument, "repository"},
      {"127.0.0.1:5000/a%2fb", Code::kInvalidArgument, "repository"},
      {"127.0.0.1:5000/a?n=1", Code::kInvalidArgument, "repository"},
      {"127.0.0.1:5000/" + std::string(256, 'a'), Code::kInvalidArgument, "255"},
      {"127.0.0.1:5000/repo:", Code::kInvalidArgument, "tag"},
      {"127.0.0.1:5000/repo:.x", Code::kInvalidArgument, "tag"},
      {"127.0.0.1:5000/repo:a/b", Code::kInvalidArgument, "repository"},
      {"127.0.0.1:5000/repo:" + std::string(129, 't'), Code::kInvalidArgument, "tag"},
      {"127.0.0.1:5000/repo@sha256:abc", Code::kInvalidArgument, "digest"},
      {"127.0.0.1:5000/repo@sha512:" + std::string(128, 'a'), Code::kNotSupported, "sha512"},
      {"127.0.0.1:5000/repo@sha256:../../x", Code::kInvalidArgument, "digest"},
      {"127.0.0.1:99999/repo", Code::kInvalidArgument, "registry host"},
      {"127.0.0.1:/repo", Code::kInvalidArgument, "registry host"},
      {"user@host.com/repo", Code::kInvalidArgument, "malformed digest"},
      {"user:pw@host.com/repo", Code::kInvalidArgument, "malformed digest"},
      {"-bad.example.com/repo", Code::kInvalidArgument, "registry host"},
      {"[zz::1]:5000/repo", Code::kInvalidArgument, "registry host"},
      {"", Code::kInvalidArgument, "names no registry host"},
  };
  for (const auto& tc : cases) {
    SCOPED_TRACE(tc.text);
    auto r = ParseRegistryRef(tc.text);
    ASSERT_FALSE(r.ok()) << r->ToString();
    EXPECT_EQ(r.status().code(), tc.want) << r.status().ToString();
    EXPECT_TRUE(Contains(r.status().message(), tc.says)) << r.status().message();
  }
}

TEST(RegistryHostTest, LoopbackAndSyntax) {
  struct Case {
    const char* host;
    bool valid;
    bool loopback;
  };
  const Case cases[] = {
      {"localhost", true, true},
      {"LOCALHOST:5000", true, true},
      {"127.0.0.1", true, true},
      {"127.1.2.3:443", true, true},
      {"[::1]:5000", true, true},
      {"[::1]", true, true},
      {"128.0.0.1", true, false},
      {"10.0.0.1:5000", true, false},
      {"localhost.evil.com", true, false},
      {"127.0.0.1.evil.com", true, false},
      {"[::2]:5000", true, false},
      {"registry.example.com", true, false},
      {"", false, false},
      {"a b", false, false},
      {"host:0", false, false},
      {"host:65536", false, false},
      {"[::1", false, false},
      {"::1", false, false},
  };
  for (const auto& tc : cases) {
    SCOPED_TRACE(tc.host);
    EXPECT_EQ(ValidateRegistryHost(tc.host).ok(), tc.valid);
    if (tc.valid) {
      EXPECT_EQ(IsLoopbackHost(tc.host), tc.loopback);
    }
  }
}

TEST(RegistryAuthTest, ParsesWwwAuthenticate) {
  struct Case {
    std::string value;
    std::vector<AuthChallenge> want;
  };
  const std::vector<Case> cases = {
      {R"(Bearer realm="https://auth.docker.io/token",service="registry.docker.io",)"
       R"(scope="repository:library/ubuntu:pull")",
       {{"bearer",
         {{"realm", "https://auth.docker.io/token"},
          {"service", "registry.docker.io"},
          {"scope", "repository:library/ubuntu:pull"}}}}},
      {R"(Basic realm="assay-test")", {{"basic", {{"realm", "assay-test"}}}}},
      {R"(Basic realm="a, b", charset="UTF-8", Bearer realm="https://x/t",scope="a:b:pull,push")",
       {{"basic", {{"realm", "a, b"}, {"charset", "UTF-8"}}},
        {"bearer", {{"realm", "https://x/t"}, {"scope", "a:b:pull,push"}}}}},
      {R"(BEARER Realm = "r" , Service=unquoted)",
       {{"bearer", {{"realm", "r"}, {"service", "unquoted"}}}}},
      {R"(Bearer realm="with \"quotes\" and \\ slash")",
       {{"bearer", {{"realm", R"(with "quotes" and \ slash)"}}}}},
      {R"(Bearer realm="https://x/t",error="invalid_token",error_description="expired")",
       {{"bearer",
         {{"realm", "https://x/t"},
          {"error", "invalid_token"},
          {"error_description", "expired"}}}}},
      {"Negotiate abc==, Basic realm=\"r\"",
       {{"negotiate", {{"", "abc=="}}}, {"basic", {{"realm", "r"}}}}},
      {"Negotiate", {{"negotiate", {}}}},
      {"Basic, Bearer realm=\"x\"", {{"basic", {}}, {"bearer", {{"realm", "x"}}}}},
      {"", {}},
      {R"(Bearer realm="unterminated)", {{"bearer", {{"realm", "unterminated"}}}}},
      {"=, ,", {}},
  };
  for (const auto& tc : cases) {
    SCOPED_TRACE(tc.value);
    auto got = ParseWwwAuthenticate(tc.value);
    ASSERT_EQ(got.size(), tc.want.size());
    for (size_t i = 0; i < got.size(); ++i) {
      EXPECT_EQ(got[i].scheme, tc.want[i].scheme);
      EXPECT_EQ(got[i].params, tc.want[i].params);
    }
  }
}

TEST(RegistryAuthTest, ParsesLinkHeader) {
  struct Case {
    const char* value;
    const char* want;
  };
  const Case cases[] = {
      {R"(</v2/_catalog?last=b&n=1>; rel="next")", "/v2/_catalog?last=b&n=1"},
      {R"(</v2/r/tags/list?n=2&last=t2>; rel=next)", "/v2/r/tags/list?n=2&last=t2"},
      {R"(<https://r.example.com/v2/_catalog?last=x>; rel="prev", )"
       R"(<https://r.example.com/v2/_catalog?last=y>; rel="next")",
       "https://r.example.com/v2/_catalog?last=y"},
      {R"(</a>; title="a, b; c"; rel="next")", "/a"},
      {R"(</a>; rel="first next")", "/a"},
      {R"(</a>; REL="Next")", "/a"},
      {R"(</a>; rel="prev")", ""},
      {R"(</a>; rel="nextpage")", ""},
      {"</a>", ""},
      {"", ""},
      {"garbage <unterminated", ""},
  };
  for (const auto& tc : cases) {
    SCOPED_TRACE(tc.value);
    EXPECT_EQ(NextLinkTarget(tc.value), tc.want);
  }
}

TEST(RegistryClientTest, CreateChecksHostAndOptions) {
  RegistryOptions insecure;
  insecure.insecure = true;
  auto remote = RegistryClient::Create("registry.example.com", insecure);
  ASSERT_FALSE(remote.ok());
  EXPECT_EQ(remote.status().code(), Code::kInvalidArgument);
  EXPECT_TRUE(Contains(remote.status().message(), "loopback"));
  EXPECT_TRUE(RegistryClient::Create("127.0.0.1:5000", insecure).ok());
  EXPECT_TRUE(RegistryClient::Create("registry.example.com", {}).ok());
  EXPECT_FALSE(RegistryClient::Create("bad host", {}).ok());
  RegistryOptions colon;
  colon.username = "a:b";
  EXPECT_FALSE(RegistryClient::Create("registry.example.com", colon).ok());
  RegistryOptions crlf;
  crlf.password = "x\r\nX-Evil: 1";
  EXPECT_FALSE(RegistryClient::Create("registry.example.com", crlf).ok());
}

// A scripted registry: manifests and blobs by path, optional auth, and a request log.
class FakeRegistry {
 public:
  FakeRegistry() : server_([this](const TestHttpRequest& r) { return Handle(r); }) {}

  std::string host() const { return "127.0.0.1:" + std::to_string(server_.port()); }
  std::string url(const std::string& path) const { return server_.Url(path); }

  std::function<TestHttpReply(const TestHttpRequest&)> handler;
  std::vector<TestHttpRequest> log() {
    std::lock_guard<std::mutex> lock(mu_);
    return log_;
  }

 private:
  TestHttpReply Handle(const TestHttpRequest& r) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      log_.push_back(r);
    }
    return handler(r);
  }
  std::mutex mu_;
  std::vector<TestHttpRequest> log_;
  TestHttpServer server_;
};

TestHttpReply Json(int status, const std::string& body) {
  TestHttpReply r;
  r.status = status;
  r.headers = {{"Content-Type", "application/json; charset=utf-8"}};
  r.body = body;
  return r;
}

std::unique_ptr<RegistryClient> Client(const std::string& host, RegistryOptions o = {}) {
  o.insecure = true;
  o.max_attempts = 1;
  auto c = RegistryClient::Create(host, o);
  EXPECT_TRUE(c.ok()) << c.status().ToString();
  return c.ok() ? std::move(*c) : nullptr;
}

TEST(RegistryClientTest, ManifestsAreAskedWithEveryTypeAndVerified) {
  const std::string manifest = R"({"schemaVersion":2,"config":{},"layers":[]})";
  const std::string digest = DigestOf(manifest);
  FakeRegistry reg;
  reg.handler = [&](const TestHttpRequest& r) {
    TestHttpReply out;
    if (r.path == "/v2/app/manifests/v1" || r.path == "/v2/app/manifests/" + digest) {
      out.headers = {{"Content-Type", "application/vnd.oci.image.manifest.v1+json; x=y"},
                     {"Docker-Content-Digest", digest}};
      out.body = manifest;
    } else if (r.path == "/v2/app/manifests/lying") {
      out.headers = {{"Docker-Content-Digest", kDigest}};
      out.body = manifest;
    } else if (r.path == "/v2/app/manifests/" + kDigest) {
      out.body = manifest;  // not the bytes asked for
    } else if (r.path == "/v2/app/manifests/huge") {
      out.body = std::string((4 << 20) + 1, ' ');
    } else {
      return Json(404, R"({"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown",)"
                       R"("detail":{"Tag":"nope"}}]})");
    }
    return out;
  };
  auto client = Client(reg.host());
  ASSERT_NE(client, nullptr);

  auto m = client->GetManifest("app", "v1");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->bytes, manifest);
  EXPECT_EQ(m->digest, digest);
  EXPECT_EQ(m->media_type, kOciManifestMediaType);
  std::string accept = reg.log().back().Header("accept");
  for (std::string_view t : {kOciIndexMediaType, kOciManifestMediaType, kDockerListMediaType,
                             kDockerManifestMediaType}) {
    EXPECT_TRUE(Contains(accept, t)) << accept;
  }
  EXPECT_TRUE(client->GetManifest("app", digest).ok());

  auto missing = client->GetManifest("app", "nope");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), Code::kNotFound);
  EXPECT_TRUE(Contains(missing.status().message(), "MANIFEST_UNKNOWN: manifest unknown"))
      << missing.status().message();
  EXPECT_TRUE(Contains(missing.status().message(), "app:nope")) << missing.status().message();

  auto mismatch = client->GetManifest("app", kDigest);
  ASSERT_FALSE(mismatch.ok());
  EXPECT_EQ(mismatch.status().code(), Code::kCorruption);
  EXPECT_TRUE(Contains(mismatch.status().message(), "digest mismatch"));

  auto lying = client->GetManifest("app", "lying");
  ASSERT_FALSE(lying.ok());
  EXPECT_EQ(lying.status().code(), Code::kCorruption);
  EXPECT_TRUE(Contains(lying.status().message(), "Docker-Content-Digest"));

  auto huge = client->GetManifest("app", "huge");
  ASSERT_FALSE(huge.ok());
  EXPECT_EQ(huge.status().code(), Code::kCorruption);
  EXPECT_TRUE(Contains(huge.status().message(), "4 MiB")) << huge.status().message();

  // Names that would change the URL are refused before any request.
  size_t before = reg.log().size();
  for (auto [repo, ref] :
       std::vector<std::pair<std::string, std::string>>{{"app", "../../v2/_catalog"},
                                                        {"app", "sha256:../x"},
                                                        {"../app", "v1"},
                                                        {"app?x=", "v1"},
                                                        {"app", "v1#frag"},
                                                        {"app", "v1\r\nX: y"}}) {
    SCOPED_TRACE(repo + " " + ref);
    auto r = client->GetManifest(repo, ref);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
  }
  EXPECT_EQ(reg.log().size(), before);
}

TEST(RegistryClientTest, BlobsAreVerifiedAndStreamedToFile) {
  const std::string blob(300 * 1024, 'b');
  const std::string digest = DigestOf(blob);
  FakeRegistry reg;
  reg.handler = [&](const TestHttpRequest& r) {
    TestHttpReply out;
    if (r.path == "/v2/app/blobs/" + digest || r.path == "/v2/app/blobs/" + kDigest) {
      out.body = blob;  // for kDigest: wrong bytes
      return out;
    }
    return Json(404,
                R"({"errors":[{"code":"BLOB_UNKNOWN","message":"blob unknown to registry"}]})");
  };
  auto client = Client(reg.host());
  ASSERT_NE(client, nullptr);
  auto dir = base::TempDir::Create("registry-test");
  ASSERT_TRUE(dir.ok());

  auto mem = client->GetBlob("app", digest, blob.size());
  ASSERT_TRUE(mem.ok()) << mem.status().ToString();
  EXPECT_EQ(*mem, blob);
  auto small = client->GetBlob("app", digest, blob.size() - 1);
  ASSERT_FALSE(small.ok());
  EXPECT_EQ(small.status().code(), Code::kCorruption);
  auto bad_mem = client->GetBlob("app", kDigest, 1 << 20);
  ASSERT_FALSE(bad_mem.ok());
  EXPECT_EQ(bad_mem.status().code(), Code::kCorruption);
  EXPECT_TRUE(Contains(bad_mem.status().message(), "digest mismatch: got " + digest))
      << bad_mem.status().message();

  auto dest = dir->path() / "layer";
  auto n = client->GetBlobToFile("app", digest, dest);
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  EXPECT_EQ(*n, blob.size());
  EXPECT_EQ(*base::ReadFile(dest), blob);

  // A blob that does not hash to its digest leaves the destination as it was, and no
  // temporary file.
  auto other = dir->path() / "other";
  ASSERT_TRUE(base::WriteFileAtomic(other, "previous").ok());
  auto bad = client->GetBlobToFile("app", kDigest, other);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), Code::kCorruption);
  EXPECT_TRUE(Contains(bad.status().message(), "blob " + reg.host() + "/app@" + kDigest))
      << bad.status().message();
  EXPECT_EQ(*base::ReadFile(other), "previous");
  auto missing =
      client->GetBlobToFile("app", "sha256:" + std::string(64, 'c'), dir->path() / "missing");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), Code::kNotFound);
  EXPECT_TRUE(Contains(missing.status().message(), "BLOB_UNKNOWN"));
  int files = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir->path())) ++files;
  EXPECT_EQ(files, 2);

  auto sha512 = client->GetBlobToFile("app", "sha512:" + std::string(128, 'a'), dest);
  ASSERT_FALSE(sha512.ok());
  EXPECT_EQ(sha512.status().code(), Code::kNotSupported);
}

TEST(RegistryClientTest, TagsAndCatalogFollowLinks) {
  const std::vector<std::string> tags = {"t5", "t1", "t3", "t2", "t4"};
  FakeRegistry reg;
  std::string link_mode = "relative";
  reg.handler = [&](const TestHttpRequest& r) {
    if (r.path == "/v2/app/tags/list") {
      // Pages of two, after `last`, in the registry's (unsorted) order.
      size_t start = 0;
      auto pos = r.query.find("last=");
      if (pos != std::string::npos) {
        std::string last = r.query.substr(pos + 5, r.query.find('&', pos) - pos - 5);
        while (start < tags.size() && tags[start] != last) ++start;
        ++start;
      }
      std::string body = R"({"name":"app","tags":[)";
      size_t end = std::min(start + 2, tags.size());
      for (size_t i = start; i < end; ++i) body += (i > start ? ",\"" : "\"") + tags[i] + "\"";
      body += "]}";
      TestHttpReply out = Json(200, body);
      if (end < tags.size()) {
        std::string next = "/v2/app/tags/list?n=2&last=" + tags[end - 1];
        if (link_mode == "absolute") next = reg.url(next);
        if (link_mode == "elsewhere") next = "http://10.0.0.1/v2/app/tags/list?last=x";
        if (link_mode == "loop") next = "/v2/app/tags/list?n=2";
        out.headers.push_back({"Link", "<" + next + ">; rel=\"next\""});
      }
      return out;
    }
    if (r.path == "/v2/empty/tags/list") return Json(200, R"({"name":"empty","tags":null})");
    if (r.path == "/v2/bad/tags/list") return Json(200, R"({"tags":"x"})");
    if (r.path == "/v2/_catalog") {
      if (r.query.find("last=") == std::string::npos) {
        TestHttpReply out = Json(200, R"({"repositories":["b/x","a"]})");
        out.headers.push_back({"Link", R"(</v2/_catalog?last=b%2Fx&n=2>; rel="next")"});
        return out;
      }
      return Json(200, R"({"repositories":["c"]})");
    }
    return Json(404, R"({"errors":[{"code":"NAME_UNKNOWN",)"
                     R"("message":"repository name not known to registry"}]})");
  };
  RegistryOptions o;
  o.page_size = 2;
  auto client = Client(reg.host(), o);
  ASSERT_NE(client, nullptr);

  for (const char* mode : {"relative", "absolute"}) {
    SCOPED_TRACE(mode);
    link_mode = mode;
    auto got = client->ListTags("app");
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    EXPECT_EQ(*got, (std::vector<std::string>{"t1", "t2", "t3", "t4", "t5"}));
  }
  EXPECT_EQ(reg.log()[0].query, "n=2");

  link_mode = "elsewhere";
  auto elsewhere = client->ListTags("app");
  ASSERT_FALSE(elsewhere.ok());
  EXPECT_TRUE(Contains(elsewhere.status().message(), "leaves the registry"));
  link_mode = "loop";
  auto loop = client->ListTags("app");
  ASSERT_FALSE(loop.ok());
  EXPECT_EQ(loop.status().code(), Code::kCorruption);

  auto empty = client->ListTags("empty");
  ASSERT_TRUE(empty.ok()) << empty.status().ToString();
  EXPECT_TRUE(empty->empty());
  auto bad = client->ListTags("bad");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), Code::kCorruption);
  auto unknown = client->ListTags("nope");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().code(), Code::kNotFound);
  EXPECT_TRUE(Contains(unknown.status().message(), "NAME_UNKNOWN"));

  auto catalog = client->Catalog();
  ASSERT_TRUE(catalog.ok()) << catalog.status().ToString();
  EXPECT_EQ(*catalog, (std::vector<std::string>{"a", "b/x", "c"}));
}

// A registry front that wants bearer tokens from a realm that wants basic credentials.
struct TokenSetup {
  std::atomic<int> token_requests{0};
  std::atomic<int> generation{1};  // tokens of older generations are refused ("expired")
  std::mutex mu;
  std::vector<std::string> realm_queries;
  std::string last_registry_auth;
  TestHttpServer realm{[this](const TestHttpRequest& r) {
    ++token_requests;
    {
      std::lock_guard<std::mutex> lock(mu);
      realm_queries.push_back(r.query);
    }
    // Basic base64("assay:s3cret")
    if (r.Header("authorization") != "Basic YXNzYXk6czNjcmV0") {
      return Json(401, R"({"errors":[{"code":"UNAUTHORIZED","message":"bad credentials"}]})");
    }
    return Json(200,
                R"({"token":"tok-)" + std::to_string(generation.load()) + R"(","expires_in":300})");
  }};
  FakeRegistry registry;

  TokenSetup() {
    registry.handler = [this](const TestHttpRequest& r) {
      std::string auth = r.Header("authorization");
      {
        std::lock_guard<std::mutex> lock(mu);
        last_registry_auth = auth;
      }
      std::string scope = r.path == "/v2/_catalog" ? "registry:catalog:*" : "repository:app:pull";
      if (auth != "Bearer tok-" + std::to_string(generation.load())) {
        TestHttpReply out = Json(
            401, R"({"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]})");
        out.headers.push_back({"WWW-Authenticate", "Bearer realm=\"" + realm.Url("/token") +
                                                       "\",service=\"fake-registry\",scope=\"" +
                                                       scope + "\""});
        return out;
      }
      if (r.path == "/v2/_catalog") return Json(200, R"({"repositories":["app"]})");
      if (r.path == "/v2/private/tags/list") {
        return Json(403, R"({"errors":[{"code":"DENIED",)"
                         R"("message":"requested access to the resource is denied"}]})");
      }
      return Json(200, R"({"name":"app","tags":["v1"]})");
    };
  }
};

TEST(RegistryClientTest, BearerTokenFlow) {
  TokenSetup s;
  RegistryOptions creds;
  creds.username = "assay";
  creds.password = "s3cret";
  auto client = Client(s.registry.host(), creds);
  ASSERT_NE(client, nullptr);

  auto tags = client->ListTags("app");
  ASSERT_TRUE(tags.ok()) << tags.status().ToString();
  EXPECT_EQ(*tags, std::vector<std::string>{"v1"});
  EXPECT_EQ(s.token_requests.load(), 1);
  {
    std::lock_guard<std::mutex> lock(s.mu);
    EXPECT_EQ(s.realm_queries[0],
              "service=fake-registry&scope=repository%3Aapp%3Apull&account=assay");
  }
  // The token is cached for its scope; another scope needs another token.
  ASSERT_TRUE(client->ListTags("app").ok());
  EXPECT_EQ(s.token_requests.load(), 1);
  auto catalog = client->Catalog();
  ASSERT_TRUE(catalog.ok()) << catalog.status().ToString();
  EXPECT_EQ(s.token_requests.load(), 2);
  {
    std::lock_guard<std::mutex> lock(s.mu);
    EXPECT_TRUE(Contains(s.realm_queries[1], "scope=registry%3Acatalog%3A%2A"));
  }
  // An expired token is replaced once.
  s.generation = 2;
  ASSERT_TRUE(client->ListTags("app").ok());
  EXPECT_EQ(s.token_requests.load(), 3);

  // 403 with a token: access denied, with the registry's words.
  auto denied = client->ListTags("private");
  ASSERT_FALSE(denied.ok());
  EXPECT_EQ(denied.status().code(), kDenied);
  EXPECT_TRUE(
      Contains(denied.status().message(), "DENIED: requested access to the resource is denied"))
      << denied.status().message();
}

TEST(RegistryClientTest, BearerWithoutOrWithWrongCredentials) {
  TokenSetup s;
  for (const char* password : {"", "wrong"}) {
    SCOPED_TRACE(password);
    RegistryOptions o;
    if (*password != '\0') {
      o.username = "assay";
      o.password = password;
    }
    auto client = Client(s.registry.host(), o);
    ASSERT_NE(client, nullptr);
    auto r = client->ListTags("app");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), kDenied);
    EXPECT_TRUE(Contains(r.status().message(), "access denied")) << r.status().message();
    EXPECT_TRUE(Contains(r.status().message(), "bad credentials")) << r.status().message();
  }
}

TEST(RegistryClientTest, RefusesRealmsThatWouldLeakCredentials) {
  FakeRegistry reg;
  std::string realm;
  reg.handler = [&](const TestHttpRequest&) {
    TestHttpReply out = Json(401, "{}");
    out.headers.push_back({"WWW-Authenticate", "Bearer realm=\"" + realm + "\",service=\"x\""});
    return out;
  };
  RegistryOptions o;
  o.username = "assay";
  o.password = "s3cret";
  auto client = Client(reg.host(), o);
  ASSERT_NE(client, nullptr);
  for (const char* r : {"http://10.1.2.3/token", "ftp://127.0.0.1/token", "",
                        "http://user@127.0.0.1/token", "file:///etc/passwd"}) {
    SCOPED_TRACE(r);
    realm = r;
    auto got = client->ListTags("app");
    ASSERT_FALSE(got.ok());
    EXPECT_EQ(got.status().code(), Code::kInvalidArgument) << got.status().ToString();
  }
  EXPECT_EQ(reg.log().size(), 5u);  // nothing was sent anywhere else
}

TEST(RegistryClientTest, BasicAuthFlow) {
  FakeRegistry reg;
  reg.handler = [&](const TestHttpRequest& r) {
    if (r.Header("authorization") != "Basic YXNzYXk6czNjcmV0") {
      TestHttpReply out =
          Json(401, R"({"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]})");
      out.headers.push_back({"WWW-Authenticate", "Basic realm=\"fake\""});
      return out;
    }
    return Json(200, R"({"repositories":["app"]})");
  };
  RegistryOptions o;
  o.username = "assay";
  o.password = "s3cret";
  auto client = Client(reg.host(), o);
  ASSERT_NE(client, nullptr);
  auto first = client->Catalog();
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(reg.log().size(), 2u);  // challenge, then credentials
  EXPECT_EQ(reg.log()[0].Header("authorization"), "");
  ASSERT_TRUE(client->Catalog().ok());
  EXPECT_EQ(reg.log().size(), 3u);  // credentials sent at once from then on

  o.password = "wrong";
  auto wrong = Client(reg.host(), o)->Catalog();
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.status().code(), kDenied);
  EXPECT_TRUE(Contains(wrong.status().message(), "refused the credentials"));
  EXPECT_TRUE(Contains(wrong.status().message(), "UNAUTHORIZED: authentication required"));

  auto none = Client(reg.host())->Catalog();
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.status().code(), kDenied);
  EXPECT_TRUE(Contains(none.status().message(), "none were given"));
}

TEST(RegistryClientTest, CredentialsDoNotFollowBlobRedirects) {
  const std::string blob = "layer bytes";
  const std::string digest = DigestOf(blob);
  std::mutex mu;
  std::string storage_auth = "unset";
  TestHttpServer storage([&](const TestHttpRequest& r) {
    std::lock_guard<std::mutex> lock(mu);
    storage_auth = r.Header("authorization");
    TestHttpReply out;
    out.body = blob;
    return out;
  });
  FakeRegistry reg;
  reg.handler = [&](const TestHttpRequest& r) {
    if (r.Header("authorization") != "Basic YXNzYXk6czNjcmV0") {
      TestHttpReply out = Json(401, "{}");
      out.headers.push_back({"WWW-Authenticate", "Basic realm=\"fake\""});
      return out;
    }
    TestHttpReply out;
    out.status = 307;
    out.headers = {
        {"Location", storage.Url("/bucket/" + std::string(DigestHex(digest).substr(0, 8)))}};
    return out;
  };
  RegistryOptions o;
  o.username = "assay";
  o.password = "s3cret";
  auto client = Client(reg.host(), o);
  ASSERT_NE(client, nullptr);
  auto dir = base::TempDir::Create("registry-test");
  ASSERT_TRUE(dir.ok());
  auto n = client->GetBlobToFile("app", digest, dir->path() / "blob");
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  EXPECT_EQ(*n, blob.size());
  std::lock_guard<std::mutex> lock(mu);
  EXPECT_EQ(storage_auth, "");
}

TEST(RegistryClientTest, UnreachableRegistryIsUnavailable) {
  std::string host;
  {
    TestHttpServer gone([](const TestHttpRequest&) { return TestHttpReply{}; });
    host = "127.0.0.1:" + std::to_string(gone.port());
  }
  auto client = Client(host);
  ASSERT_NE(client, nullptr);
  auto r = client->GetManifest("app", "v1");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kUnavailable);
  EXPECT_TRUE(Contains(r.status().message(), "manifest " + host + "/app:v1"))
      << r.status().message();
}

}  // namespace
}  // namespace assay::inventory
