// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// The HTTP seam: a small libcurl client, mostly for GET requests (other methods, with a request
// body, for API calls: HttpRequestOptions::method). A response body goes either into a file
// (streamed to disk, never held whole in memory) or, for small documents, into a string.
// Requests may be conditional (If-None-Match / If-Modified-Since) and report the validators
// (ETag, Last-Modified) the server sent. Connection failures, timeouts, 408, 429 and 5xx answers
// are retried with exponential backoff a bounded number of times.
//
// Schemes: http, https and file (a local file reads as status 200, a missing one as 404;
// conditional headers do not apply to file://). Redirects are followed between http(s) URLs only;
// Authorization and Cookie headers are not sent to a redirect target on another host or port
// (libcurl's rule), so credentials stay with the server they were meant for. Proxies come from
// the usual environment variables (libcurl's behaviour).
//
// A final status that is not retried is an answer, not an error: 401, 403 and 404 come back as
// responses with their headers and the start of their body (`error_body`), so a caller can run
// an auth flow or quote a server's JSON error.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"

namespace assay::base {

struct HttpOptions {
  // Limit for establishing the connection, per attempt.
  std::chrono::milliseconds connect_timeout{15'000};
  // Limit for a whole attempt; zero means none (large downloads rely on `stall_timeout`).
  std::chrono::milliseconds timeout{0};
  // An attempt that receives no byte for this long is abandoned (libcurl's low-speed limit,
  // whole seconds); zero disables it.
  std::chrono::seconds stall_timeout{60};
  // Attempts in total (>= 1). Between attempts the client sleeps `initial_backoff`, doubling each
  // time, at most `max_backoff`; a Retry-After (seconds) answer raises the sleep, still capped.
  int max_attempts = 4;
  std::chrono::milliseconds initial_backoff{1'000};
  std::chrono::milliseconds max_backoff{60'000};
  // Statuses retried besides 408, 429 and 5xx (e.g. 403 from an API that uses it for rate
  // limiting).
  std::vector<int> extra_retry_statuses;
  // Extra request headers, "Name: value".
  std::vector<std::string> headers;
  std::string user_agent = "assay";
  // Get() fails with Corruption when a body is larger than this.
  std::uint64_t max_string_bytes = std::uint64_t{256} << 20;
  // Send Accept-Encoding and let libcurl decode gzip/deflate/br transparently.
  bool accept_compressed = true;
  int max_redirects = 10;
};

// Validators from a previous response; empty fields are not sent.
struct HttpConditional {
  std::string if_none_match;      // an ETag, sent as If-None-Match
  std::string if_modified_since;  // an HTTP date, sent as If-Modified-Since
};

struct HttpResponse {
  long status = 0;  // final status after redirects: 200, 304, 404, ...
  std::string etag;
  std::string last_modified;
  std::string content_type;
  std::uint64_t body_bytes = 0;  // body bytes delivered (file or string); 0 for non-2xx
  int attempts = 0;              // requests made, including retries
  std::string body;              // Get()/Fetch() only, and only for 2xx answers
  // Headers of the final response (after redirects) in the order received, names lowercased,
  // values trimmed; a repeated header appears once per line. At most kMaxHttpResponseHeaders.
  std::vector<std::pair<std::string, std::string>> headers;
  // Non-2xx answers: the first bytes (at most kMaxHttpErrorBodyBytes) of the body, for error
  // messages. Empty for 2xx.
  std::string error_body;

  // The first value of header `lower_name` ("www-authenticate"), "" when absent.
  std::string Header(std::string_view lower_name) const;
};

inline constexpr std::size_t kMaxHttpResponseHeaders = 256;
inline constexpr std::size_t kMaxHttpErrorBodyBytes = 64 << 10;

// Called while a body downloads with (bytes received, bytes expected or 0 when unknown); return
// false to abort the transfer (the call then fails with Aborted). May be called with no new
// bytes while waiting.
using HttpProgress = std::function<bool(std::uint64_t received, std::uint64_t total)>;

// Sees a 2xx body as it streams in and decides whether it is kept, e.g. a digest check that
// hashes the bytes on their way to disk. Calls come from the thread running the request.
class HttpBodyObserver {
 public:
  virtual ~HttpBodyObserver() = default;
  // An attempt starts delivering a body: forget bytes seen before (a retried transfer restarts).
  virtual void Restart() = 0;
  virtual void Update(std::string_view chunk) = 0;
  // The 2xx body is complete. Not OK: the body is dropped (a FetchToFile destination is left
  // untouched) and the call fails with this status.
  virtual Status Finish() = 0;
};

// Per-call settings of Fetch() and FetchToFile().
struct HttpRequestOptions {
  // The request method: "GET" when empty. Any other token ("POST", "PUT", "DELETE", ...) is sent
  // as is, with `body` as the request body (set its Content-Type in `headers`). Retries repeat
  // the request as for GET: a caller sending a request that must not run twice sets
  // HttpOptions::max_attempts to 1.
  std::string method;
  std::string body;  // sent for methods other than GET and HEAD; must be empty for them
  HttpConditional conditional;
  // Request headers for this call, "Name: value", sent after HttpOptions::headers. A line with
  // CR, LF or NUL is InvalidArgument.
  std::vector<std::string> headers;
  HttpProgress progress;
  // Largest body accepted (Corruption beyond it). 0: HttpOptions::max_string_bytes for Fetch(),
  // no limit for FetchToFile().
  std::uint64_t max_body_bytes = 0;
  // Sees the 2xx body and may veto it; null for none. Not owned.
  HttpBodyObserver* observer = nullptr;
};

// Thread-safe: an HttpClient holds only its options; each call uses its own libcurl handle, so
// one instance may serve concurrent calls.
class HttpClient {
 public:
  explicit HttpClient(HttpOptions options = {});

  const HttpOptions& options() const { return options_; }

  // GETs `url` into `dest`. The body is streamed into a sibling temporary file that replaces
  // `dest` only when the final status is 2xx; for any other status `dest` is left untouched and
  // nothing is kept. Returns the response for every final HTTP status (check `status`: 304 and
  // 404 are answers, not errors). Errors: InvalidArgument for a malformed URL or an unsupported
  // scheme; Unavailable when the server cannot be reached, times out or keeps answering a
  // retryable status after `max_attempts`; IOError when `dest` cannot be written; Aborted when
  // `progress` returned false.
  Result<HttpResponse> GetToFile(const std::string& url, const std::filesystem::path& dest,
                                 const HttpConditional& conditional = {},
                                 const HttpProgress& progress = nullptr) const;

  // GETs `url` into HttpResponse::body (2xx only). Same statuses and errors as GetToFile, plus
  // Corruption when the body exceeds options().max_string_bytes.
  Result<HttpResponse> Get(const std::string& url, const HttpConditional& conditional = {},
                           const HttpProgress& progress = nullptr) const;

  // GetToFile() and Get() with per-call headers, body limit and body observer.
  Result<HttpResponse> FetchToFile(const std::string& url, const std::filesystem::path& dest,
                                   const HttpRequestOptions& request) const;
  Result<HttpResponse> Fetch(const std::string& url, const HttpRequestOptions& request) const;

 private:
  HttpOptions options_;
};

// Percent-encodes everything but RFC 3986 unreserved characters (A-Z a-z 0-9 - . _ ~), so the
// result is safe as one path segment or query value: "Rocky Linux" -> "Rocky%20Linux".
std::string UrlEncodeComponent(std::string_view s);

// Whether retrying may help: 408, 429, any 5xx, or one of `extra`.
bool IsRetryableHttpStatus(long status, const std::vector<int>& extra = {});

}  // namespace assay::base
