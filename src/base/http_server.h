// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// An HTTP/1.1 server for APIs (Boost.Beast over Asio). Transport only: it parses requests, hands
// each to one handler function and writes what the handler returns; routing, authentication and
// JSON belong to the caller.
//
// Model: `io_threads` threads run all sockets asynchronously (an idle keep-alive connection costs
// a socket and a few kilobytes, no thread). Handlers may block (database queries): each parsed
// request runs on one of `worker_threads` worker threads, and the response is written back by the
// connection's I/O strand. One request per connection is in flight at a time, so pipelined
// requests are answered in order.
//
// Protocol: keep-alive (HTTP/1.1 default, HTTP/1.0 on request), `Connection: close` honoured,
// chunked request bodies, `Expect: 100-continue`, HEAD (headers of the GET answer, no body).
// Every response carries Content-Length (except 204 and 304, which must not).
// Errors the server answers itself carry a JSON body {"error":{"code":"...","message":"..."}}:
//   400 bad_request        the request does not parse
//   413 payload_too_large  the body exceeds `max_body_bytes`
//   431 headers_too_large  the request line and headers exceed `max_header_bytes`
//   500 internal           the handler threw (the exception is logged, not sent) or returned
//                          a status outside 200..999
//   503 unavailable        more than `max_queued` requests wait for a worker (Retry-After: 1)
// After a 400, 413 or 431 the connection is closed, as is one whose request does not arrive
// whole within `request_timeout` (without an answer).
//
// Thread-safety: Start, Stop and the accessors may be called from any thread. The handler is
// called concurrently from the worker threads.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"

namespace assay::base {

class MetricsRegistry;

struct HttpServerRequest {
  std::string method;  // "GET", "POST", ... as sent
  std::string target;  // as sent: "/v1/x%20y?q=a+b"
  std::string path;    // target before '?', not percent-decoded: "/v1/x%20y"
  // Query parameters in order, percent-decoded, '+' as space: {{"q", "a b"}}. A parameter
  // without '=' has an empty value.
  std::vector<std::pair<std::string, std::string>> query;
  // Request headers in order, names lower-cased, values as sent.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;    // de-chunked
  std::string remote;  // peer address: "127.0.0.1:51234", "[::1]:51234"

  // The first header named `name` (any case), or nullopt.
  std::optional<std::string_view> Header(std::string_view name) const;
  // The first query parameter named `name` (exact), or nullopt.
  std::optional<std::string> QueryParam(std::string_view name) const;
};

struct HttpServerResponse {
  int status = 200;
  std::string content_type = "application/json";  // empty: no Content-Type header
  // Extra headers. Content-Length, Transfer-Encoding and Connection are the server's and are
  // ignored here; a name that is not an RFC 9110 token or a value holding CR, LF or NUL is
  // dropped (and logged), so request data copied into a header cannot split the response.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

using HttpHandler = std::function<HttpServerResponse(const HttpServerRequest&)>;

struct HttpServerOptions {
  // "host:port" or "[v6]:port"; host may be a name ("localhost"). Port 0 picks a free port.
  std::string listen = "127.0.0.1:8080";
  int io_threads = 1;      // threads running the sockets
  int worker_threads = 4;  // threads running the handler
  std::size_t max_body_bytes = 16 << 20;
  std::size_t max_header_bytes = 64 << 10;  // request line and headers
  // A keep-alive connection with no request under way is closed after this long.
  std::chrono::seconds idle_timeout{60};
  // From a request's first byte to its last, and for writing a response.
  std::chrono::seconds request_timeout{30};
  // Connections accepted beyond this are closed at once.
  std::size_t max_connections = 10000;
  // Requests waiting for a worker (not counting those running) beyond which 503 is answered.
  std::size_t max_queued = 1024;
  // How long Stop() waits for in-flight requests before closing their connections.
  std::chrono::seconds shutdown_timeout{30};
  // Optional, not owned, must outlive the server. Records assay_http_requests_total{code,method},
  // assay_http_request_duration_seconds (from the request's last byte to the response's last
  // byte) and assay_http_connections_open.
  MetricsRegistry* metrics = nullptr;
};

// {"error":{"code":"<code>","message":"<message>"}}, the shape of the server's own errors.
std::string HttpErrorJson(std::string_view code, std::string_view message);

class HttpServer {
 public:
  // Binds `options.listen` and starts serving. IOError naming the address when it cannot be
  // resolved or bound; InvalidArgument for malformed options.
  static Result<std::unique_ptr<HttpServer>> Start(HttpServerOptions options, HttpHandler handler);

  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;
  // Stop()s.
  ~HttpServer();

  int port() const;             // the bound port (useful with port 0)
  std::string address() const;  // the bound "host:port"

  // Graceful: stops accepting, closes idle connections, lets requests already received finish
  // (answered with Connection: close) for at most `shutdown_timeout`, then closes whatever is
  // left and joins all threads. A handler still running is waited for (handlers bound their own
  // work). Idempotent. Must not be called from the handler.
  void Stop();

  std::size_t connections_open() const;
  std::uint64_t requests_served() const;  // responses written, the server's own errors included
  std::size_t requests_queued() const;    // requests waiting for a worker right now

 private:
  struct Impl;
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace assay::base
