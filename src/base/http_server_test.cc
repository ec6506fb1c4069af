// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include "base/http_server.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <fstream>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "base/log.h"
#include "base/metrics.h"
#include "base/strings.h"

namespace assay::base {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using Clock = std::chrono::steady_clock;

HttpServerOptions LoopbackOptions() {
  HttpServerOptions o;
  o.listen = "127.0.0.1:0";
  o.shutdown_timeout = seconds(10);
  return o;
}

std::unique_ptr<HttpServer> MustStart(HttpServerOptions options, HttpHandler handler) {
  auto server = HttpServer::Start(std::move(options), std::move(handler));
  EXPECT_TRUE(server.ok()) << server.status().ToString();
  if (!server.ok()) return nullptr;
  return std::move(server).value();
}

bool WaitFor(const std::function<bool()>& done, milliseconds limit = milliseconds(10'000)) {
  auto deadline = Clock::now() + limit;
  while (Clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(milliseconds(5));
  }
  return done();
}

// A one-shot latch for handlers that must wait for the test.
class Gate {
 public:
  void Open() {
    std::lock_guard lock(mu_);
    open_ = true;
    cv_.notify_all();
  }
  bool WaitOpen(milliseconds limit = milliseconds(10'000)) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, limit, [this] { return open_; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool open_ = false;
};

struct RawResponse {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;
  std::string Header(std::string_view name) const {
    for (const auto& [n, v] : headers) {
      if (n == name) return v;
    }
    return {};
  }
  bool HasHeader(std::string_view name) const {
    for (const auto& [n, v] : headers) {
      if (n == name) return true;
    }
    return false;
  }
};

// A blocking loopback client speaking raw HTTP/1.1, for what a library client hides: pipelining,
// malformed or oversized requests, 100-continue, watching the server close.
class RawConn {
 public:
  explicit RawConn(int port, seconds receive_timeout = seconds(10)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) return;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    timeval tv{};
    tv.tv_sec = static_cast<time_t>(receive_timeout.count());
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }
  ~RawConn() {
    if (fd_ >= 0) ::close(fd_);
  }
  RawConn(const RawConn&) = delete;
  RawConn& operator=(const RawConn&) = delete;

  bool ok() const { return fd_ >= 0; }

  bool Send(std::string_view data) {
    while (!data.empty()) {
      ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      data.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }

  // One response; `head`: it answers a HEAD request, so no body follows.
  std::optional<RawResponse> Read(bool head = false) {
    std::size_t end;
    while ((end = buf_.find("\r\n\r\n")) == std::string::npos) {
      if (!Fill()) return std::nullopt;
    }
    RawResponse r;
    std::vector<std::string_view> lines = Split(std::string_view(buf_).substr(0, end), '\n');
    std::string_view status_line = Trim(lines[0]);
    if (status_line.size() < 12 || !status_line.starts_with("HTTP/1.")) return std::nullopt;
    r.status = std::stoi(std::string(status_line.substr(9, 3)));
    for (std::size_t i = 1; i < lines.size(); ++i) {
      std::string_view line = Trim(lines[i]);
      std::size_t colon = line.find(':');
      if (colon == std::string_view::npos) return std::nullopt;
      r.headers.emplace_back(AsciiLower(line.substr(0, colon)),
                             std::string(Trim(line.substr(colon + 1))));
    }
    buf_.erase(0, end + 4);
    std::size_t length = 0;
    if (r.HasHeader("content-length")) length = std::stoul(r.Header("content-length"));
    if (head || r.status < 200) length = 0;
    while (buf_.size() < length) {
      if (!Fill()) return std::nullopt;
    }
    r.body = buf_.substr(0, length);
    buf_.erase(0, length);
    return r;
  }

  // True when the server closes the connection (end of stream or reset) before the receive
  // timeout, with no further bytes.
  bool ReadsEof() {
    if (!buf_.empty()) return false;
    char c;
    ssize_t n = ::recv(fd_, &c, 1, 0);
    return n == 0 || (n < 0 && errno == ECONNRESET);
  }

 private:
  bool Fill() {
    char chunk[16384];
    ssize_t n = ::recv(fd_, chunk, sizeof(chunk), 0);
    if (n <= 0) return false;
    buf_.append(chunk, static_cast<std::size_t>(n));
    return true;
  }

  int fd_ = -1;
  std::string buf_;
};

std::string Get(std::string_view target, std::string_view extra_headers = {}) {
  return fmt::format("GET {} HTTP/1.1\r\nHost: test\r\n{}\r\n", target, extra_headers);
}

// Echoes the request as "METHOD path\nbody".
HttpServerResponse Echo(const HttpServerRequest& req) {
  HttpServerResponse r;
  r.content_type = "text/plain";
  r.headers.emplace_back("X-Echo-Method", req.method);
  r.body = req.method + " " + req.path + "\n" + req.body;
  return r;
}

TEST(HttpServerTest, GetAndPostEcho) {
  auto server = MustStart(LoopbackOptions(), [](const HttpServerRequest& req) {
    HttpServerResponse r = Echo(req);
    r.headers.emplace_back("X-Test-Seen", std::string(req.Header("X-TEST").value_or("none")));
    return r;
  });
  ASSERT_NE(server, nullptr);
  EXPECT_GT(server->port(), 0);
  EXPECT_EQ(server->address(), fmt::format("127.0.0.1:{}", server->port()));

  httplib::Client client("127.0.0.1", server->port());
  client.set_read_timeout(10, 0);
  auto get = client.Get("/things/1", {{"X-Test", "hello"}});
  ASSERT_TRUE(get);
  EXPECT_EQ(get->status, 200);
  EXPECT_EQ(get->body, "GET /things/1\n");
  EXPECT_EQ(get->get_header_value("Content-Type"), "text/plain");
  EXPECT_EQ(get->get_header_value("X-Echo-Method"), "GET");
  EXPECT_EQ(get->get_header_value("X-Test-Seen"), "hello");
  EXPECT_EQ(get->get_header_value("Content-Length"), "14");
  EXPECT_FALSE(get->get_header_value("Date").empty());

  std::string payload(100'000, 'p');
  auto post = client.Post("/things", payload, "application/octet-stream");
  ASSERT_TRUE(post);
  EXPECT_EQ(post->status, 200);
  EXPECT_EQ(post->body, "POST /things\n" + payload);
}

TEST(HttpServerTest, DecodesQuery) {
  struct Case {
    std::string target;
    std::string want_path;
    std::vector<std::pair<std::string, std::string>> want_query;
  };
  const std::vector<Case> cases = {
      {"/p", "/p", {}},
      {"/p?a=1&b=two", "/p", {{"a", "1"}, {"b", "two"}}},
      {"/p?q=a+b%20c", "/p", {{"q", "a b c"}}},
      {"/p?flag", "/p", {{"flag", ""}}},
      {"/p?a=1&&a=2&", "/p", {{"a", "1"}, {"a", "2"}}},
      {"/p?e%3Dq=1%262", "/p", {{"e=q", "1&2"}}},
      {"/p?k=%E2%9C%93", "/p", {{"k", "\xE2\x9C\x93"}}},
      {"/p?k=%zz&m=%4", "/p", {{"k", "%zz"}, {"m", "%4"}}},
      {"/p?=v&k=a=b", "/p", {{"", "v"}, {"k", "a=b"}}},
      {"/x%20y/z?", "/x%20y/z", {}},
  };
  std::mutex mu;
  HttpServerRequest seen;
  auto server = MustStart(LoopbackOptions(), [&](const HttpServerRequest& req) {
    std::lock_guard lock(mu);
    seen = req;
    return HttpServerResponse{};
  });
  ASSERT_NE(server, nullptr);
  RawConn conn(server->port());
  ASSERT_TRUE(conn.ok());
  for (const auto& tc : cases) {
    SCOPED_TRACE(tc.target);
    ASSERT_TRUE(conn.Send(Get(tc.target)));
    auto res = conn.Read();
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 200);
    std::lock_guard lock(mu);
    EXPECT_EQ(seen.target, tc.target);
    EXPECT_EQ(seen.path, tc.want_path);
    EXPECT_EQ(seen.query, tc.want_query);
    if (!tc.want_query.empty()) {
      EXPECT_EQ(seen.QueryParam(tc.want_query[0].first), tc.want_query[0].second);
    }
    EXPECT_EQ(seen.QueryParam("absent"), std::nullopt);
  }
}

TEST(HttpServerTest, KeepAliveReusesOneConnection) {
  auto server = MustStart(LoopbackOptions(), [](const HttpServerRequest& req) {
    HttpServerResponse r;
    r.body = req.remote;
    return r;
  });
  ASSERT_NE(server, nullptr);
  httplib::Client client("127.0.0.1", server->port());
  client.set_keep_alive(true);
  std::string first_remote;
  for (int i = 0; i < 5; ++i) {
    auto res = client.Get("/whoami");
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 200);
    EXPECT_TRUE(res->body.starts_with("127.0.0.1:")) << res->body;
    if (i == 0) first_remote = res->body;
    EXPECT_EQ(res->body, first_remote) << "request " << i << " used a new connection";
  }
  EXPECT_EQ(server->connections_open(), 1u);
  EXPECT_TRUE(WaitFor([&] { return server->requests_served() == 5; }));
}

TEST(HttpServerTest, PipelinedRequestsAnsweredInOrder) {
  auto server = MustStart(LoopbackOptions(), Echo);
  ASSERT_NE(server, nullptr);
  RawConn conn(server->port());
  ASSERT_TRUE(conn.ok());
  ASSERT_TRUE(conn.Send(Get("/one") + Get("/two") +
                        "POST /three HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\n\r\nbody" +
                        Get("/four")));
  for (std::string want : {"GET /one\n", "GET /two\n", "POST /three\nbody", "GET /four\n"}) {
    auto res = conn.Read();
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 200);
    EXPECT_EQ(res->body, want);
  }
}

TEST(HttpServerTest, HeadSendsLengthWithoutBody) {
  auto server = MustStart(LoopbackOptions(), Echo);
  ASSERT_NE(server, nullptr);
  RawConn conn(server->port());
  ASSERT_TRUE(conn.ok());
  ASSERT_TRUE(conn.Send("HEAD /h HTTP/1.1\r\nHost: t\r\n\r\n"));
  auto head = conn.Read(/*head=*/true);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->Header("content-length"), "8");  // "HEAD /h\n"
  EXPECT_EQ(head->Header("x-echo-method"), "HEAD");
  // Had a body been sent, this response would be read out of it.
  ASSERT_TRUE(conn.Send(Get("/after")));
  auto get = conn.Read();
  ASSERT_TRUE(get);
  EXPECT_EQ(get->status, 200);
  EXPECT_EQ(get->body, "GET /after\n");
}

TEST(HttpServerTest, ConnectionCloseHonoured) {
  auto server = MustStart(LoopbackOptions(), Echo);
  ASSERT_NE(server, nullptr);
  {
    RawConn conn(server->port());
    ASSERT_TRUE(conn.Send(Get("/bye", "Connection: close\r\n")));
    auto res = conn.Read();
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 200);
    EXPECT_EQ(AsciiLower(res->Header("connection")), "close");
    EXPECT_TRUE(conn.ReadsEof());
  }
  {
    // HTTP/1.0 without keep-alive closes too.
    RawConn conn(server->port());
    ASSERT_TRUE(conn.Send("GET /old HTTP/1.0\r\n\r\n"));
    auto res = conn.Read();
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 200);
    EXPECT_EQ(res->body, "GET /old\n");
    EXPECT_TRUE(conn.ReadsEof());
  }
}

TEST(HttpServerTest, StatusesWithoutBodyHaveNoContentLength) {
  auto server = MustStart(LoopbackOptions(), [](const HttpServerRequest& req) {
    HttpServerResponse r;
    r.status = req.path == "/204" ? 204 : 304;
    r.content_type.clear();
    return r;
  });
  ASSERT_NE(server, nullptr);
  RawConn conn(server->port());
  for (std::string path : {"/204", "/304"}) {
    SCOPED_TRACE(path);
    ASSERT_TRUE(conn.Send(Get(path)));
    auto res = conn.Read();
    ASSERT_TRUE(res);
    EXPECT_EQ(std::to_string(res->status), path.substr(1));
    EXPECT_FALSE(res->HasHeader("content-length"));
    EXPECT_FALSE(res->HasHeader("content-type"));
  }
}

TEST(HttpServerTest, ChunkedBodiesAndExpectContinue) {
  HttpServerOptions options = LoopbackOptions();
  options.max_body_bytes = 1000;
  auto server = MustStart(options, Echo);
  ASSERT_NE(server, nullptr);
  {
    RawConn conn(server->port());
    ASSERT_TRUE(
        conn.Send("POST /c HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                  "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"));
    auto res = conn.Read();
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 200);
    EXPECT_EQ(res->body, "POST /c\nhello world");
  }
  {
    RawConn conn(server->port());
    std::string chunk(600, 'x');
    ASSERT_TRUE(
        conn.Send("POST /c HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                  "258\r\n" +
                  chunk + "\r\n258\r\n" + chunk + "\r\n0\r\n\r\n"));
    auto res = conn.Read();
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 413);
    EXPECT_NE(res->body.find("payload_too_large"), std::string::npos) << res->body;
  }
  {
    RawConn conn(server->port());
    ASSERT_TRUE(conn.Send(
        "POST /e HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n"));
    auto interim = conn.Read();
    ASSERT_TRUE(interim);
    EXPECT_EQ(interim->status, 100);
    ASSERT_TRUE(conn.Send("12345"));
    auto res = conn.Read();
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 200);
    EXPECT_EQ(res->body, "POST /e\n12345");
  }
}

TEST(HttpServerTest, BodyOverLimitIs413) {
  HttpServerOptions options = LoopbackOptions();
  options.max_body_bytes = 1024;
  std::atomic<int> calls{0};
  auto server = MustStart(options, [&](const HttpServerRequest& req) {
    ++calls;
    return Echo(req);
  });
  ASSERT_NE(server, nullptr);
  httplib::Client client("127.0.0.1", server->port());
  auto fits = client.Post("/up", std::string(1024, 'a'), "text/plain");
  ASSERT_TRUE(fits);
  EXPECT_EQ(fits->status, 200);

  auto res = client.Post("/up", std::string(64 * 1024, 'a'), "text/plain");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 413);
  EXPECT_EQ(res->get_header_value("Content-Type"), "application/json");
  EXPECT_EQ(
      res->body,
      R"({"error":{"code":"payload_too_large","message":"request body exceeds 1024 bytes"}})");
  EXPECT_EQ(calls.load(), 1);
}

TEST(HttpServerTest, HeadersOverLimitAre431) {
  HttpServerOptions options = LoopbackOptions();
  options.max_header_bytes = 1024;
  auto server = MustStart(options, Echo);
  ASSERT_NE(server, nullptr);
  RawConn conn(server->port());
  ASSERT_TRUE(conn.Send(Get("/h", "X-Big: " + std::string(2048, 'b') + "\r\n")));
  auto res = conn.Read();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 431);
  EXPECT_NE(res->body.find("\"code\":\"headers_too_large\""), std::string::npos) << res->body;
  EXPECT_EQ(AsciiLower(res->Header("connection")), "close");
  EXPECT_TRUE(conn.ReadsEof());
}

TEST(HttpServerTest, MalformedRequestIs400) {
  auto server = MustStart(LoopbackOptions(), Echo);
  ASSERT_NE(server, nullptr);
  RawConn conn(server->port());
  ASSERT_TRUE(conn.Send("NOT AN HTTP REQUEST\r\n\r\n"));
  auto res = conn.Read();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_NE(res->body.find("\"code\":\"bad_request\""), std::string::npos) << res->body;
  EXPECT_TRUE(conn.ReadsEof());
}

TEST(HttpServerTest, HandlerExceptionIs500) {
  LogLevel saved = GetLogLevel();
  SetLogLevel(LogLevel::kOff);  // the server logs the exception by design
  auto server =
      MustStart(LoopbackOptions(), [](const HttpServerRequest& req) -> HttpServerResponse {
        if (req.path == "/int") throw 42;
        throw std::runtime_error("database password is hunter2");
      });
  ASSERT_NE(server, nullptr);
  httplib::Client client("127.0.0.1", server->port());
  client.set_keep_alive(true);
  for (std::string path : {"/boom", "/int"}) {
    SCOPED_TRACE(path);
    auto res = client.Get(path);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 500);
    EXPECT_EQ(res->body, R"({"error":{"code":"internal","message":"internal server error"}})");
  }
  SetLogLevel(saved);
}

TEST(HttpServerTest, SanitisesHandlerResponses) {
  LogLevel saved = GetLogLevel();
  SetLogLevel(LogLevel::kOff);  // dropped headers and bad statuses are logged by design
  auto server = MustStart(LoopbackOptions(), [](const HttpServerRequest& req) {
    HttpServerResponse r;
    if (req.path == "/status") r.status = 42;
    r.headers = {{"X-Split", "a\r\nX-Injected: 1"},
                 {"Bad Name", "v"},
                 {"Content-Length", "999"},
                 {"Content-Type", "text/csv"},
                 {"X-Fine", "ok"}};
    r.body = "body";
    return r;
  });
  ASSERT_NE(server, nullptr);
  RawConn conn(server->port());
  ASSERT_TRUE(conn.Send(Get("/headers")));
  auto res = conn.Read();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->body, "body");
  EXPECT_EQ(res->Header("content-length"), "4");
  EXPECT_EQ(res->Header("content-type"), "text/csv");
  EXPECT_EQ(res->Header("x-fine"), "ok");
  EXPECT_FALSE(res->HasHeader("x-split"));
  EXPECT_FALSE(res->HasHeader("x-injected"));
  EXPECT_FALSE(res->HasHeader("bad name"));
  ASSERT_TRUE(conn.Send(Get("/status")));
  res = conn.Read();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 500);
  SetLogLevel(saved);
}

TEST(HttpServerTest, StopFinishesRequestInFlight) {
  Gate entered;
  std::atomic<bool> finished{false};
  HttpServerOptions options = LoopbackOptions();
  auto server = MustStart(options, [&](const HttpServerRequest&) {
    entered.Open();
    std::this_thread::sleep_for(milliseconds(500));
    finished = true;
    HttpServerResponse r;
    r.body = "done";
    return r;
  });
  ASSERT_NE(server, nullptr);
  int port = server->port();
  RawConn idle(port);  // an idle keep-alive connection is closed by Stop()
  ASSERT_TRUE(idle.ok());
  RawConn busy(port);
  ASSERT_TRUE(busy.Send(Get("/slow")));
  ASSERT_TRUE(entered.WaitOpen());
  server->Stop();
  EXPECT_TRUE(finished.load());
  auto res = busy.Read();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->body, "done");
  EXPECT_EQ(AsciiLower(res->Header("connection")), "close");
  EXPECT_TRUE(busy.ReadsEof());
  EXPECT_TRUE(idle.ReadsEof());
  EXPECT_EQ(server->connections_open(), 0u);
  RawConn after(port);
  EXPECT_FALSE(after.ok()) << "still accepting after Stop()";
  server->Stop();  // idempotent
}

TEST(HttpServerTest, QueueFullIs503) {
  HttpServerOptions options = LoopbackOptions();
  options.worker_threads = 1;
  options.max_queued = 1;
  Gate entered;
  Gate release;
  auto server = MustStart(options, [&](const HttpServerRequest& req) {
    if (req.path == "/block") {
      entered.Open();
      release.WaitOpen();
    }
    return Echo(req);
  });
  ASSERT_NE(server, nullptr);
  RawConn running(server->port());
  ASSERT_TRUE(running.Send(Get("/block")));
  ASSERT_TRUE(entered.WaitOpen());
  RawConn queued(server->port());
  ASSERT_TRUE(queued.Send(Get("/queued")));
  ASSERT_TRUE(WaitFor([&] { return server->requests_queued() == 1; }));
  RawConn rejected(server->port());
  ASSERT_TRUE(rejected.Send(Get("/rejected")));
  auto busy = rejected.Read();
  ASSERT_TRUE(busy);
  EXPECT_EQ(busy->status, 503);
  EXPECT_EQ(busy->Header("retry-after"), "1");
  EXPECT_NE(busy->body.find("\"code\":\"unavailable\""), std::string::npos) << busy->body;

  release.Open();
  auto first = running.Read();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->body, "GET /block\n");
  auto second = queued.Read();
  ASSERT_TRUE(second);
  EXPECT_EQ(second->body, "GET /queued\n");
  // The rejected connection stays usable.
  ASSERT_TRUE(rejected.Send(Get("/again")));
  auto again = rejected.Read();
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 200);
}

TEST(HttpServerTest, IdleTimeoutClosesConnection) {
  HttpServerOptions options = LoopbackOptions();
  options.idle_timeout = seconds(1);
  auto server = MustStart(options, Echo);
  ASSERT_NE(server, nullptr);
  RawConn silent(server->port());
  RawConn served(server->port());
  ASSERT_TRUE(served.Send(Get("/once")));
  ASSERT_TRUE(served.Read());
  auto start = Clock::now();
  EXPECT_TRUE(silent.ReadsEof());
  EXPECT_TRUE(served.ReadsEof());
  auto waited = Clock::now() - start;
  EXPECT_GE(waited, milliseconds(500));
  EXPECT_LT(waited, seconds(5));
  EXPECT_TRUE(WaitFor([&] { return server->connections_open() == 0; }));
}

int ThreadCount() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.starts_with("Threads:")) return std::stoi(line.substr(8));
  }
  return -1;
}

TEST(HttpServerTest, TwoThousandConcurrentConnections) {
  constexpr int kConnections = 2000;
  constexpr rlim_t kFdsNeeded = 2 * kConnections + 256;  // both ends live in this process
  rlimit limit{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &limit), 0);
  if (limit.rlim_cur < kFdsNeeded) {
    if (limit.rlim_max < kFdsNeeded) {
      GTEST_SKIP() << "RLIMIT_NOFILE hard limit " << limit.rlim_max << " < " << kFdsNeeded;
    }
    rlimit raised = limit;
    raised.rlim_cur = kFdsNeeded;
    if (::setrlimit(RLIMIT_NOFILE, &raised) != 0) GTEST_SKIP() << "cannot raise RLIMIT_NOFILE";
  }

  HttpServerOptions options = LoopbackOptions();
  options.io_threads = 2;
  auto server = MustStart(options, [](const HttpServerRequest& req) {
    HttpServerResponse r;
    r.body = req.path;
    return r;
  });
  ASSERT_NE(server, nullptr);
  std::vector<std::unique_ptr<RawConn>> conns;
  conns.reserve(kConnections);
  for (int i = 0; i < kConnections; ++i) {
    conns.push_back(std::make_unique<RawConn>(server->port(), seconds(30)));
    ASSERT_TRUE(conns.back()->ok()) << "connection " << i;
  }
  ASSERT_TRUE(
      WaitFor([&] { return server->connections_open() == kConnections; }, milliseconds(30'000)))
      << server->connections_open() << " open";
  // Idle connections cost no thread: 2 I/O threads, 4 workers, the test's own.
  EXPECT_LT(ThreadCount(), 16);

  for (int i = 0; i < kConnections; ++i) {
    ASSERT_TRUE(conns[i]->Send(Get(fmt::format("/c/{}", i))));
  }
  int ok = 0;
  for (int i = 0; i < kConnections; ++i) {
    auto res = conns[i]->Read();
    if (res && res->status == 200 && res->body == fmt::format("/c/{}", i)) ++ok;
  }
  EXPECT_EQ(ok, kConnections);
  // Counted when the write completes, which may be just after the client has read it.
  EXPECT_TRUE(WaitFor([&] { return server->requests_served() == kConnections; }));
  EXPECT_EQ(server->connections_open(), static_cast<std::size_t>(kConnections));
  conns.clear();
  EXPECT_TRUE(WaitFor([&] { return server->connections_open() == 0; }));
  server->Stop();
  ::setrlimit(RLIMIT_NOFILE, &limit);
}

TEST(HttpServerTest, RecordsMetrics) {
  MetricsRegistry registry;
  HttpServerOptions options = LoopbackOptions();
  options.metrics = &registry;
  options.max_body_bytes = 10;
  auto server = MustStart(options, Echo);
  ASSERT_NE(server, nullptr);
  {
    RawConn conn(server->port());
    for (int i = 0; i < 2; ++i) {
      ASSERT_TRUE(conn.Send(Get("/m")));
      ASSERT_TRUE(conn.Read());
    }
    ASSERT_TRUE(conn.Send("POST /m HTTP/1.1\r\nHost: t\r\nContent-Length: 11\r\n\r\n"));
    auto res = conn.Read();
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 413);
    EXPECT_EQ(registry.GetGauge("assay_http_connections_open", "").Value(), 1);
  }
  ASSERT_TRUE(WaitFor([&] { return server->connections_open() == 0; }));
  std::string text = registry.RenderPrometheus();
  for (std::string want : {
           "# TYPE assay_http_requests_total counter\n",
           "assay_http_requests_total{code=\"200\",method=\"GET\"} 2\n",
           "assay_http_requests_total{code=\"413\",method=\"POST\"} 1\n",
           "# TYPE assay_http_request_duration_seconds histogram\n",
           "assay_http_request_duration_seconds_bucket{le=\"+Inf\"} 3\n",
           "assay_http_request_duration_seconds_count 3\n",
           "# TYPE assay_http_connections_open gauge\nassay_http_connections_open 0\n",
       }) {
    EXPECT_NE(text.find(want), std::string::npos) << "missing: " << want << "\nin:\n" << text;
  }
}

TEST(HttpServerTest, StartErrors) {
  auto first = MustStart(LoopbackOptions(), Echo);
  ASSERT_NE(first, nullptr);
  struct Case {
    std::string name;
    std::string listen;
    Code want_code;
    std::string want_in_message;
  };
  const std::vector<Case> cases = {
      {"port in use", first->address(), Code::kIOError, first->address()},
      {"no port", "127.0.0.1", Code::kInvalidArgument, "127.0.0.1"},
      {"bad port", "127.0.0.1:99999", Code::kInvalidArgument, "bad port"},
      {"bad v6 form", "[::1", Code::kInvalidArgument, "[v6]:port"},
      // TEST-NET-1: never an address of this host, so binding fails without any traffic.
      {"address not local", "192.0.2.1:0", Code::kIOError, "192.0.2.1:0"},
  };
  for (const auto& tc : cases) {
    SCOPED_TRACE(tc.name);
    HttpServerOptions options;
    options.listen = tc.listen;
    auto server = HttpServer::Start(options, Echo);
    ASSERT_FALSE(server.ok());
    EXPECT_EQ(server.status().code(), tc.want_code);
    EXPECT_NE(server.status().message().find(tc.want_in_message), std::string::npos)
        << server.status().ToString();
  }
  HttpServerOptions no_workers = LoopbackOptions();
  no_workers.worker_threads = 0;
  EXPECT_EQ(HttpServer::Start(no_workers, Echo).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(HttpServer::Start(LoopbackOptions(), nullptr).status().code(), Code::kInvalidArgument);
}

TEST(HttpServerTest, ErrorJsonEscapes) {
  EXPECT_EQ(HttpErrorJson("bad_request", "quote \" and \\ and \n"),
            R"({"error":{"code":"bad_request","message":"quote \" and \\ and \n"}})");
}

}  // namespace
}  // namespace assay::base
