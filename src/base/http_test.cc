// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include "base/http.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "base/file.h"
#include "base/http_server.h"
#include "base/strings.h"
#include "base/testing/http_server.h"

namespace assay::base {
namespace {

using assay::testing::TestHttpReply;
using assay::testing::TestHttpRequest;
using assay::testing::TestHttpServer;
using std::chrono::milliseconds;

// Short delays so retry tests stay fast.
HttpOptions FastOptions() {
  HttpOptions o;
  o.connect_timeout = milliseconds(2000);
  o.timeout = milliseconds(5000);
  o.max_attempts = 4;
  o.initial_backoff = milliseconds(10);
  o.max_backoff = milliseconds(50);
  return o;
}

std::string BigBody(size_t n) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>('a' + (i * 7919) % 26);
  return s;
}

TEST(HttpTest, DownloadsIntoFileWithValidators) {
  const std::string body = BigBody(3 << 20);
  TestHttpServer server([&](const TestHttpRequest& req) {
    TestHttpReply r;
    if (req.path != "/feed/all.zip") {
      r.status = 404;
      return r;
    }
    r.headers = {{"ETag", "\"v1\""},
                 {"Last-Modified", "Tue, 15 Nov 1994 12:45:26 GMT"},
                 {"Content-Type", "application/zip"}};
    r.body = body;
    return r;
  });
  ASSERT_TRUE(server.ok());
  auto dir = TempDir::Create("http-test");
  ASSERT_TRUE(dir.ok());
  auto dest = dir->path() / "all.zip";

  std::uint64_t last_received = 0, last_total = 0;
  int calls = 0;
  HttpClient client(FastOptions());
  auto r = client.GetToFile(server.Url("/feed/all.zip"), dest, {},
                            [&](std::uint64_t received, std::uint64_t total) {
                              ++calls;
                              last_received = received;
                              last_total = total;
                              return true;
                            });
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->etag, "\"v1\"");
  EXPECT_EQ(r->last_modified, "Tue, 15 Nov 1994 12:45:26 GMT");
  EXPECT_EQ(r->content_type, "application/zip");
  EXPECT_EQ(r->body_bytes, body.size());
  EXPECT_EQ(r->attempts, 1);
  EXPECT_GT(calls, 0);
  EXPECT_EQ(last_received, body.size());
  EXPECT_EQ(last_total, body.size());
  auto got = ReadFile(dest);
  ASSERT_TRUE(got.ok());
  EXPECT_TRUE(*got == body);
  // No temporary file is left next to the destination.
  int files = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir->path())) ++files;
  EXPECT_EQ(files, 1);
}

TEST(HttpTest, ConditionalRequestAnswers304AndKeepsFile) {
  TestHttpServer server([](const TestHttpRequest& req) {
    TestHttpReply r;
    r.headers = {{"ETag", "\"v2\""}, {"Last-Modified", "Wed, 16 Nov 1994 08:00:00 GMT"}};
    if (req.Header("if-none-match") == "\"v2\"" ||
        req.Header("if-modified-since") == "Wed, 16 Nov 1994 08:00:00 GMT") {
      r.status = 304;
      return r;
    }
    r.body = "fresh";
    return r;
  });
  ASSERT_TRUE(server.ok());
  auto dir = TempDir::Create("http-test");
  ASSERT_TRUE(dir.ok());
  auto dest = dir->path() / "doc";
  ASSERT_TRUE(WriteFileAtomic(dest, "old contents").ok());
  HttpClient client(FastOptions());

  struct Case {
    const char* name;
    HttpConditional cond;
    long want_status;
    const char* want_file;
  };
  const Case cases[] = {
      {"etag matches", {"\"v2\"", ""}, 304, "old contents"},
      {"date matches", {"", "Wed, 16 Nov 1994 08:00:00 GMT"}, 304, "old contents"},
      {"stale etag", {"\"v1\"", ""}, 200, "fresh"},
  };
  for (const auto& tc : cases) {
    SCOPED_TRACE(tc.name);
    auto r = client.GetToFile(server.Url("/doc"), dest, tc.cond);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->status, tc.want_status);
    EXPECT_EQ(r->etag, "\"v2\"");
    EXPECT_EQ(*ReadFile(dest), tc.want_file);
  }
}

TEST(HttpTest, NotFoundIsAnAnswerAndLeavesNoFile) {
  TestHttpServer server([](const TestHttpRequest&) {
    TestHttpReply r;
    r.status = 404;
    r.body = "<html>no such object</html>";
    return r;
  });
  ASSERT_TRUE(server.ok());
  auto dir = TempDir::Create("http-test");
  ASSERT_TRUE(dir.ok());
  HttpClient client(FastOptions());
  auto r = client.GetToFile(server.Url("/missing"), dir->path() / "x");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 404);
  EXPECT_EQ(r->attempts, 1);  // 404 is not retried
  EXPECT_EQ(r->body_bytes, 0u);
  EXPECT_FALSE(std::filesystem::exists(dir->path() / "x"));
  EXPECT_TRUE(std::filesystem::is_empty(dir->path()));

  auto s = client.Get(server.Url("/missing"));
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->status, 404);
  EXPECT_TRUE(s->body.empty());
}

TEST(HttpTest, RetriesServerErrorsThenSucceeds) {
  std::atomic<int> hits{0};
  TestHttpServer server([&](const TestHttpRequest&) {
    TestHttpReply r;
    int n = ++hits;
    if (n == 1) {
      r.status = 503;
      r.body = "busy";
    } else if (n == 2) {
      r.status = 429;
      r.headers = {{"Retry-After", "0"}};
    } else if (n == 3) {
      r.drop = true;  // connection closed without an answer
    } else {
      r.body = "finally";
    }
    return r;
  });
  ASSERT_TRUE(server.ok());
  HttpClient client(FastOptions());
  auto r = client.Get(server.Url("/x"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "finally");
  EXPECT_EQ(r->attempts, 4);
  EXPECT_EQ(hits.load(), 4);
}

TEST(HttpTest, GivesUpAfterMaxAttempts) {
  std::atomic<int> hits{0};
  TestHttpServer server([&](const TestHttpRequest&) {
    ++hits;
    TestHttpReply r;
    r.status = 500;
    return r;
  });
  ASSERT_TRUE(server.ok());
  HttpOptions o = FastOptions();
  o.max_attempts = 3;
  auto dir = TempDir::Create("http-test");
  ASSERT_TRUE(dir.ok());
  auto r = HttpClient(o).GetToFile(server.Url("/x"), dir->path() / "x");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kUnavailable);
  EXPECT_NE(r.status().message().find("HTTP 500"), std::string::npos) << r.status().ToString();
  EXPECT_EQ(hits.load(), 3);
  EXPECT_TRUE(std::filesystem::is_empty(dir->path()));
}

TEST(HttpTest, ExtraRetryStatuses) {
  std::atomic<int> hits{0};
  TestHttpServer server([&](const TestHttpRequest&) {
    TestHttpReply r;
    if (++hits == 1) {
      r.status = 403;
    } else {
      r.body = "ok";
    }
    return r;
  });
  ASSERT_TRUE(server.ok());
  HttpOptions o = FastOptions();
  auto plain = HttpClient(o).Get(server.Url("/x"));
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->status, 403);
  hits = 0;
  o.extra_retry_statuses = {403};
  auto retried = HttpClient(o).Get(server.Url("/x"));
  ASSERT_TRUE(retried.ok());
  EXPECT_EQ(retried->status, 200);
  EXPECT_EQ(retried->attempts, 2);
}

TEST(HttpTest, TimeoutIsBoundedAndRetried) {
  TestHttpServer server([](const TestHttpRequest&) {
    TestHttpReply r;
    r.hang = true;
    return r;
  });
  ASSERT_TRUE(server.ok());
  HttpOptions o = FastOptions();
  o.timeout = milliseconds(300);
  o.max_attempts = 2;
  auto start = std::chrono::steady_clock::now();
  auto r = HttpClient(o).Get(server.Url("/slow"));
  auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kUnavailable);
  EXPECT_EQ(server.requests(), 2);
  EXPECT_LT(elapsed, std::chrono::seconds(5));
  EXPECT_GE(elapsed, milliseconds(550));
}

TEST(HttpTest, ConnectionRefusedIsUnavailable) {
  // Find a port nobody listens on: bind, learn the port, close.
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  int port = ntohs(addr.sin_port);
  ::close(fd);

  HttpOptions o = FastOptions();
  o.max_attempts = 3;
  auto start = std::chrono::steady_clock::now();
  auto r = HttpClient(o).Get("http://127.0.0.1:" + std::to_string(port) + "/");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kUnavailable);
  EXPECT_NE(r.status().message().find("after 3 attempts"), std::string::npos)
      << r.status().ToString();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST(HttpTest, ProgressCallbackCanAbort) {
  const std::string body = BigBody(4 << 20);
  TestHttpServer server([&](const TestHttpRequest&) {
    TestHttpReply r;
    r.body = body;
    return r;
  });
  ASSERT_TRUE(server.ok());
  auto dir = TempDir::Create("http-test");
  ASSERT_TRUE(dir.ok());
  auto r = HttpClient(FastOptions())
               .GetToFile(server.Url("/x"), dir->path() / "x", {},
                          [](std::uint64_t received, std::uint64_t) { return received == 0; });
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kAborted);
  EXPECT_EQ(server.requests(), 1);  // cancelling is not retried
  EXPECT_TRUE(std::filesystem::is_empty(dir->path()));
}

TEST(HttpTest, StringBodyLimit) {
  TestHttpServer server([](const TestHttpRequest&) {
    TestHttpReply r;
    r.body = std::string(1000, 'x');
    return r;
  });
  ASSERT_TRUE(server.ok());
  HttpOptions o = FastOptions();
  o.max_string_bytes = 999;
  auto r = HttpClient(o).Get(server.Url("/x"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kCorruption);
  o.max_string_bytes = 1000;
  auto ok = HttpClient(o).Get(server.Url("/x"));
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->body.size(), 1000u);
}

TEST(HttpTest, FileUrls) {
  auto dir = TempDir::Create("http-test");
  ASSERT_TRUE(dir.ok());
  ASSERT_TRUE(WriteFileAtomic(dir->path() / "src file", "local bytes").ok());
  HttpClient client(FastOptions());
  std::string base = "file://" + dir->path().string() + "/";
  auto r = client.GetToFile(base + "src%20file", dir->path() / "copy");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(*ReadFile(dir->path() / "copy"), "local bytes");
  auto missing = client.Get(base + "nope");
  ASSERT_TRUE(missing.ok()) << missing.status().ToString();
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(missing->attempts, 1);
}

TEST(HttpTest, RejectsBadUrls) {
  HttpClient client(FastOptions());
  for (const char* url : {"", "no-scheme/x", "ftp://127.0.0.1/x", "gopher://x", "://x",
                          "http://127.0.0.1/\r\nX-Evil: 1"}) {
    SCOPED_TRACE(url);
    auto r = client.Get(url);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
  }
}

TEST(HttpTest, PerCallHeadersAndResponseHeaders) {
  std::atomic<int> hits{0};
  std::string seen_accept, seen_auth, seen_client;
  TestHttpServer server([&](const TestHttpRequest& req) {
    ++hits;
    seen_accept = req.Header("accept");
    seen_auth = req.Header("authorization");
    seen_client = req.Header("x-client");
    TestHttpReply r;
    r.headers = {{"Docker-Content-Digest", "sha256:abc"},
                 {"Link", "</a?n=1>; rel=\"next\""},
                 {"LINK", "</b>; rel=\"prev\""},
                 {"Content-Type", "application/json"}};
    r.body = "{}";
    return r;
  });
  ASSERT_TRUE(server.ok());
  HttpOptions o = FastOptions();
  o.headers = {"X-Client: assay"};
  HttpRequestOptions req;
  req.headers = {"Accept: application/vnd.oci.image.manifest.v1+json", "Authorization: Bearer tok"};
  auto r = HttpClient(o).Fetch(server.Url("/v2/"), req);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->body, "{}");
  EXPECT_EQ(seen_accept, "application/vnd.oci.image.manifest.v1+json");
  EXPECT_EQ(seen_auth, "Bearer tok");
  EXPECT_EQ(seen_client, "assay");
  EXPECT_EQ(r->Header("docker-content-digest"), "sha256:abc");
  EXPECT_EQ(r->Header("link"), "</a?n=1>; rel=\"next\"");
  EXPECT_EQ(r->Header("x-absent"), "");
  int links = 0;
  for (const auto& [name, value] : r->headers) {
    EXPECT_EQ(name, AsciiLower(name));
    if (name == "link") ++links;
  }
  EXPECT_EQ(links, 2);
  EXPECT_TRUE(r->error_body.empty());

  // A header line that would split the request is refused before anything is sent.
  hits = 0;
  req.headers = {"Accept: x\r\nX-Evil: 1"};
  auto bad = HttpClient(o).Fetch(server.Url("/v2/"), req);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(hits.load(), 0);
}

TEST(HttpTest, ErrorAnswersCarryHeadersAndBodyStart) {
  const std::string json =
      R"({"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]})";
  TestHttpServer server([&](const TestHttpRequest& req) {
    TestHttpReply r;
    if (req.path == "/big") {
      r.status = 404;
      r.body = std::string(kMaxHttpErrorBodyBytes + 100, 'e');
      return r;
    }
    r.status = 401;
    r.headers = {{"WWW-Authenticate", "Bearer realm=\"http://x/token\",service=\"reg\""}};
    r.body = json;
    return r;
  });
  ASSERT_TRUE(server.ok());
  auto dir = TempDir::Create("http-test");
  ASSERT_TRUE(dir.ok());
  HttpClient client(FastOptions());
  auto r = client.Fetch(server.Url("/v2/"), {});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 401);
  EXPECT_EQ(r->attempts, 1);
  EXPECT_TRUE(r->body.empty());
  EXPECT_EQ(r->error_body, json);
  EXPECT_EQ(r->Header("www-authenticate"), "Bearer realm=\"http://x/token\",service=\"reg\"");

  auto f = client.FetchToFile(server.Url("/v2/"), dir->path() / "x", {});
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_EQ(f->status, 401);
  EXPECT_EQ(f->error_body, json);
  EXPECT_TRUE(std::filesystem::is_empty(dir->path()));

  auto big = client.Fetch(server.Url("/big"), {});
  ASSERT_TRUE(big.ok()) << big.status().ToString();
  EXPECT_EQ(big->status, 404);
  EXPECT_EQ(big->error_body.size(), kMaxHttpErrorBodyBytes);
}

TEST(HttpTest, AuthorizationDoesNotFollowRedirectToAnotherServer) {
  std::mutex mu;
  std::map<std::string, std::string> auth_by_path;
  TestHttpServer other([&](const TestHttpRequest& req) {
    std::lock_guard<std::mutex> lock(mu);
    auth_by_path["other" + req.path] = req.Header("authorization");
    TestHttpReply r;
    r.body = "blob bytes";
    return r;
  });
  ASSERT_TRUE(other.ok());
  TestHttpServer origin([&](const TestHttpRequest& req) {
    {
      std::lock_guard<std::mutex> lock(mu);
      auth_by_path["origin" + req.path] = req.Header("authorization");
    }
    TestHttpReply r;
    if (req.path == "/away") {
      r.status = 307;
      r.headers = {{"Location", other.Url("/storage")}};
    } else if (req.path == "/here") {
      r.status = 307;
      r.headers = {{"Location", "/final"}};
    } else {
      r.body = "same server";
    }
    return r;
  });
  ASSERT_TRUE(origin.ok());
  HttpClient client(FastOptions());
  HttpRequestOptions req;
  req.headers = {"Authorization: Bearer secret"};

  auto away = client.Fetch(origin.Url("/away"), req);
  ASSERT_TRUE(away.ok()) << away.status().ToString();
  EXPECT_EQ(away->status, 200);
  EXPECT_EQ(away->body, "blob bytes");
  auto here = client.Fetch(origin.Url("/here"), req);
  ASSERT_TRUE(here.ok()) << here.status().ToString();
  EXPECT_EQ(here->body, "same server");

  std::lock_guard<std::mutex> lock(mu);
  EXPECT_EQ(auth_by_path["origin/away"], "Bearer secret");
  ASSERT_TRUE(auth_by_path.count("other/storage"));
  EXPECT_EQ(auth_by_path["other/storage"], "");  // another port is another server
  EXPECT_EQ(auth_by_path["origin/final"], "Bearer secret");
}

// Hashes nothing: counts bytes and accepts or refuses the body.
class CountingObserver : public HttpBodyObserver {
 public:
  explicit CountingObserver(bool accept) : accept_(accept) {}
  void Restart() override {
    ++restarts;
    bytes = 0;
  }
  void Update(std::string_view chunk) override { bytes += chunk.size(); }
  Status Finish() override {
    ++finishes;
    return accept_ ? Status::Ok() : Status::Corruption("digest mismatch");
  }
  int restarts = 0;
  int finishes = 0;
  std::uint64_t bytes = 0;

 private:
  bool accept_;
};

TEST(HttpTest, ObserverSeesBodyAndMayRefuseIt) {
  const std::string body = BigBody(1 << 20);
  std::atomic<int> hits{0};
  TestHttpServer server([&](const TestHttpRequest&) {
    TestHttpReply r;
    if (++hits == 1) {
      r.status = 503;
      return r;
    }
    r.body = body;
    return r;
  });
  ASSERT_TRUE(server.ok());
  auto dir = TempDir::Create("http-test");
  ASSERT_TRUE(dir.ok());
  HttpClient client(FastOptions());

  CountingObserver accept(true);
  HttpRequestOptions req;
  req.observer = &accept;
  auto ok = client.FetchToFile(server.Url("/blob"), dir->path() / "kept", req);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->attempts, 2);
  EXPECT_EQ(accept.restarts, 2);
  EXPECT_EQ(accept.finishes, 1);
  EXPECT_EQ(accept.bytes, body.size());
  EXPECT_EQ(*ReadFile(dir->path() / "kept"), body);

  hits = 1;  // no more 503
  CountingObserver refuse(false);
  req.observer = &refuse;
  auto bad = client.FetchToFile(server.Url("/blob"), dir->path() / "refused", req);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), Code::kCorruption);
  EXPECT_EQ(refuse.bytes, body.size());
  EXPECT_FALSE(std::filesystem::exists(dir->path() / "refused"));
  auto bad_string = client.Fetch(server.Url("/blob"), req);
  ASSERT_FALSE(bad_string.ok());
  EXPECT_EQ(bad_string.status().code(), Code::kCorruption);

  // A per-call limit applies to files too and leaves nothing behind.
  HttpRequestOptions limited;
  limited.max_body_bytes = body.size() - 1;
  auto big = client.FetchToFile(server.Url("/blob"), dir->path() / "big", limited);
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.status().code(), Code::kCorruption);
  auto big_string = client.Fetch(server.Url("/blob"), limited);
  ASSERT_FALSE(big_string.ok());
  EXPECT_EQ(big_string.status().code(), Code::kCorruption);
  limited.max_body_bytes = body.size();
  auto fits = client.Fetch(server.Url("/blob"), limited);
  ASSERT_TRUE(fits.ok()) << fits.status().ToString();
  int files = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir->path())) ++files;
  EXPECT_EQ(files, 1);
}

TEST(HttpTest, SendsMethodAndBody) {
  std::mutex mu;
  std::vector<std::string> seen;  // "METHOD content-type body"
  auto server = HttpServer::Start(
      HttpServerOptions{.listen = "127.0.0.1:0", .worker_threads = 1},
      [&](const HttpServerRequest& req) {
        std::lock_guard<std::mutex> lock(mu);
        seen.push_back(req.method + " " + std::string(req.Header("content-type").value_or("-")) +
                       " " + req.body);
        HttpServerResponse r;
        r.status = req.method == "PUT" ? 400 : 200;
        r.body = req.method == "PUT" ? R"({"error":"bad"})" : "ok:" + req.method;
        return r;
      });
  ASSERT_TRUE(server.ok()) << server.status().ToString();
  const std::string url = "http://" + (*server)->address() + "/x";
  HttpClient client(FastOptions());
  struct Case {
    std::string method, body;
    long status;
    std::string want_body, want_error_body, want_seen;
  };
  const Case cases[] = {
      {"", "", 200, "ok:GET", "", "GET - "},
      {"POST", R"({"a":1})", 200, "ok:POST", "", R"(POST application/json {"a":1})"},
      {"POST", "", 200, "ok:POST", "", "POST application/json "},
      {"DELETE", "", 200, "ok:DELETE", "", "DELETE application/json "},
      {"PUT", "x", 400, "", R"({"error":"bad"})", "PUT application/json x"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.method);
    HttpRequestOptions req;
    req.method = c.method;
    req.body = c.body;
    if (!c.method.empty()) req.headers = {"Content-Type: application/json"};
    auto r = client.Fetch(url, req);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->status, c.status);
    EXPECT_EQ(r->body, c.want_body);
    EXPECT_EQ(r->error_body, c.want_error_body);
    std::lock_guard<std::mutex> lock(mu);
    ASSERT_FALSE(seen.empty());
    EXPECT_EQ(seen.back(), c.want_seen);
  }
  HttpRequestOptions bad;
  bad.body = "x";  // GET with a body
  EXPECT_EQ(client.Fetch(url, bad).status().code(), Code::kInvalidArgument);
  bad.method = "PO ST";
  EXPECT_EQ(client.Fetch(url, bad).status().code(), Code::kInvalidArgument);
}

TEST(HttpTest, UrlEncodeComponent) {
  EXPECT_EQ(UrlEncodeComponent("Rocky Linux"), "Rocky%20Linux");
  EXPECT_EQ(UrlEncodeComponent("crates.io"), "crates.io");
  EXPECT_EQ(UrlEncodeComponent("Red Hat"), "Red%20Hat");
  EXPECT_EQ(UrlEncodeComponent("a/b?c#d%e+f"), "a%2Fb%3Fc%23d%25e%2Bf");
  EXPECT_EQ(UrlEncodeComponent("A-Z_a~z.0"), "A-Z_a~z.0");
  EXPECT_EQ(UrlEncodeComponent("\xc3\xa9"), "%C3%A9");
}

TEST(HttpTest, RetryableStatuses) {
  EXPECT_TRUE(IsRetryableHttpStatus(503));
  EXPECT_TRUE(IsRetryableHttpStatus(500));
  EXPECT_TRUE(IsRetryableHttpStatus(429));
  EXPECT_TRUE(IsRetryableHttpStatus(408));
  EXPECT_FALSE(IsRetryableHttpStatus(404));
  EXPECT_FALSE(IsRetryableHttpStatus(304));
  EXPECT_FALSE(IsRetryableHttpStatus(200));
  EXPECT_FALSE(IsRetryableHttpStatus(403));
  EXPECT_TRUE(IsRetryableHttpStatus(403, {403}));
}

}  // namespace
}  // namespace assay::base
