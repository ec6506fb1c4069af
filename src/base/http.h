// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// The HTTP seam: a small libcurl client for GET requests. A body goes either into a file (streamed
// to disk, never held whole in memory) or, for small documents, into a string. Requests may be
// conditional (If-None-Match / If-Modified-Since) and report the validators (ETag,
// Last-Modified) the server sent. Connection failures, timeouts, 408, 429 and 5xx answers are
// retried with exponential backoff a bounded number of times.
//
// Schemes: http, https and file (a local file reads as status 200, a missing one as 404;
// conditional headers do not apply to file://). Redirects are followed between http(s) URLs only.
// Proxies come from the usual environment variables (libcurl's behaviour).
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
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
  std::string body;              // Get() only, and only for 2xx answers
};

// Called while a body downloads with (bytes received, bytes expected or 0 when unknown); return
// false to abort the transfer (the call then fails with Aborted). May be called with no new
// bytes while waiting.
using HttpProgress = std::function<bool(std::uint64_t received, std::uint64_t total)>;

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

 private:
  HttpOptions options_;
};

// Percent-encodes everything but RFC 3986 unreserved characters (A-Z a-z 0-9 - . _ ~), so the
// result is safe as one path segment or query value: "Rocky Linux" -> "Rocky%20Linux".
std::string UrlEncodeComponent(std::string_view s);

// Whether retrying may help: 408, 429, any 5xx, or one of `extra`.
bool IsRetryableHttpStatus(long status, const std::vector<int>& extra = {});

}  // namespace assay::base
