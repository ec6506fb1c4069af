// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include "base/http.h"

// libcurl is loaded when the first transfer starts (dlopen), not linked: a scan, which never
// downloads, then starts without the 30-odd libraries libcurl pulls in (TLS, Kerberos, LDAP,
// IDN, ...), whose loading and relocation cost more than the scan itself.
#define CURL_DISABLE_TYPECHECK 1
#include <curl/curl.h>
#include <dlfcn.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <mutex>
#include <system_error>
#include <thread>
#include <type_traits>

#include "base/file.h"
#include "base/strings.h"

namespace assay::base {
namespace fs = std::filesystem;

namespace {

// The libcurl entry points this file uses, resolved from libcurl.so.4.
struct CurlApi {
  CURLcode (*global_init)(long flags);
  CURL* (*easy_init)();
  void (*easy_cleanup)(CURL* handle);
  CURLcode (*easy_setopt)(CURL* handle, CURLoption option, ...);
  CURLcode (*easy_getinfo)(CURL* handle, CURLINFO info, ...);
  CURLcode (*easy_perform)(CURL* handle);
  const char* (*easy_strerror)(CURLcode code);
  curl_slist* (*slist_append)(curl_slist* list, const char* line);
  void (*slist_free_all)(curl_slist* list);
};

CurlApi g_curl;  // filled once by EnsureCurlInitialized, read-only afterwards
const CurlApi& Curl() { return g_curl; }

// Loads libcurl and runs curl_global_init, once (neither is thread-safe), before any handle
// exists. The library stays loaded for the life of the process.
Status EnsureCurlInitialized() {
  static std::once_flag once;
  static Status status;
  std::call_once(once, [] {
    void* lib = ::dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
    if (lib == nullptr) {
      const char* err = ::dlerror();
      status = Status::Unavailable(std::string("cannot load libcurl (install libcurl4): ") +
                                   (err != nullptr ? err : "dlopen failed"));
      return;
    }
    bool missing = false;
    auto sym = [&](auto& fn, const char* name) {
      fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(::dlsym(lib, name));
      if (fn == nullptr) missing = true;
    };
    sym(g_curl.global_init, "curl_global_init");
    sym(g_curl.easy_init, "curl_easy_init");
    sym(g_curl.easy_cleanup, "curl_easy_cleanup");
    sym(g_curl.easy_setopt, "curl_easy_setopt");
    sym(g_curl.easy_getinfo, "curl_easy_getinfo");
    sym(g_curl.easy_perform, "curl_easy_perform");
    sym(g_curl.easy_strerror, "curl_easy_strerror");
    sym(g_curl.slist_append, "curl_slist_append");
    sym(g_curl.slist_free_all, "curl_slist_free_all");
    if (missing) {
      status = Status::Unavailable("libcurl.so.4 lacks an expected function");
      return;
    }
    CURLcode rc = g_curl.global_init(CURL_GLOBAL_DEFAULT);
    if (rc != CURLE_OK) {
      status = Status::Internal(std::string("curl_global_init: ") + g_curl.easy_strerror(rc));
    }
  });
  return status;
}

// Where a response body goes. One Begin() per attempt; Finish(keep) once at the end.
class Sink {
 public:
  virtual ~Sink() = default;
  virtual Status Begin() = 0;
  virtual Status Write(const char* data, size_t n) = 0;
  virtual Status Finish(bool keep) = 0;
};

class FileSink : public Sink {
 public:
  // `limit`: most body bytes accepted, 0 for no limit.
  FileSink(fs::path dest, std::uint64_t limit)
      : dest_(std::move(dest)), tmp_(SiblingTempPath(dest_)), limit_(limit) {}
  ~FileSink() override {
    if (fp_ != nullptr) std::fclose(fp_);
    std::error_code ec;
    fs::remove(tmp_, ec);
  }

  Status Begin() override {
    if (fp_ != nullptr) std::fclose(fp_);
    fp_ = std::fopen(tmp_.c_str(), "wbe");
    if (fp_ == nullptr) {
      return Status::IOError("create " + tmp_.string() + ": " + std::strerror(errno));
    }
    written_ = 0;
    return Status::Ok();
  }

  Status Write(const char* data, size_t n) override {
    if (limit_ != 0 && written_ + n > limit_) {
      return Status::Corruption("response body larger than " + std::to_string(limit_) + " bytes");
    }
    written_ += n;
    if (fp_ == nullptr || std::fwrite(data, 1, n, fp_) != n) {
      return Status::IOError("write " + tmp_.string() + ": " + std::strerror(errno));
    }
    return Status::Ok();
  }

  Status Finish(bool keep) override {
    std::error_code ec;
    if (fp_ != nullptr) {
      bool bad = std::fflush(fp_) != 0 || std::ferror(fp_) != 0;
      int err = errno;
      bad = (std::fclose(fp_) != 0) || bad;
      fp_ = nullptr;
      if (bad && keep) {
        fs::remove(tmp_, ec);
        return Status::IOError("write " + tmp_.string() + ": " + std::strerror(err));
      }
    }
    if (!keep) {
      fs::remove(tmp_, ec);
      return Status::Ok();
    }
    fs::rename(tmp_, dest_, ec);
    if (ec) {
      fs::remove(tmp_, ec);
      return Status::IOError("rename to " + dest_.string() + ": " + ec.message());
    }
    return Status::Ok();
  }

 private:
  fs::path dest_;
  fs::path tmp_;
  std::uint64_t limit_ = 0;
  std::uint64_t written_ = 0;
  std::FILE* fp_ = nullptr;
};

class StringSink : public Sink {
 public:
  StringSink(std::string* out, std::uint64_t limit) : out_(out), limit_(limit) {}
  Status Begin() override {
    out_->clear();
    return Status::Ok();
  }
  Status Write(const char* data, size_t n) override {
    if (out_->size() + n > limit_) {
      return Status::Corruption("response body larger than " + std::to_string(limit_) + " bytes");
    }
    out_->append(data, n);
    return Status::Ok();
  }
  Status Finish(bool keep) override {
    if (!keep) out_->clear();
    return Status::Ok();
  }

 private:
  std::string* out_;
  std::uint64_t limit_;
};

// Passes a body to `inner` and to an observer, which has the last word on keeping it.
class ObservedSink : public Sink {
 public:
  ObservedSink(Sink* inner, HttpBodyObserver* observer) : inner_(inner), observer_(observer) {}
  Status Begin() override {
    observer_->Restart();
    return inner_->Begin();
  }
  Status Write(const char* data, size_t n) override {
    observer_->Update(std::string_view(data, n));
    return inner_->Write(data, n);
  }
  Status Finish(bool keep) override {
    if (keep) {
      Status verdict = observer_->Finish();
      if (!verdict.ok()) {
        (void)inner_->Finish(false);
        return verdict;
      }
    }
    return inner_->Finish(keep);
  }

 private:
  Sink* inner_;
  HttpBodyObserver* observer_;
};

// State shared with libcurl's callbacks during one attempt.
struct AttemptState {
  CURL* curl = nullptr;
  bool is_file = false;
  Sink* sink = nullptr;
  Status sink_error;
  const HttpProgress* progress = nullptr;
  bool aborted = false;
  std::uint64_t body_bytes = 0;
  std::string etag;
  std::string last_modified;
  std::string content_type;
  long retry_after_seconds = -1;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string error_body;
};

bool IsSuccess(long status) { return status >= 200 && status < 300; }

size_t WriteCallback(char* ptr, size_t size, size_t nmemb, void* userdata) {
  auto* st = static_cast<AttemptState*>(userdata);
  size_t n = size * nmemb;
  long code = 0;
  Curl().easy_getinfo(st->curl, CURLINFO_RESPONSE_CODE, &code);
  // Only the final 2xx body goes to the sink; the start of an error page is kept for messages,
  // redirect bodies are read and dropped.
  if (!(IsSuccess(code) || (st->is_file && code == 0))) {
    if (code >= 400 && st->error_body.size() < kMaxHttpErrorBodyBytes) {
      st->error_body.append(ptr, std::min(n, kMaxHttpErrorBodyBytes - st->error_body.size()));
    }
    return n;
  }
  Status s = st->sink->Write(ptr, n);
  if (!s.ok()) {
    st->sink_error = std::move(s);
    return 0;  // makes libcurl fail with CURLE_WRITE_ERROR
  }
  st->body_bytes += n;
  return n;
}

size_t HeaderCallback(char* buffer, size_t size, size_t nitems, void* userdata) {
  auto* st = static_cast<AttemptState*>(userdata);
  size_t n = size * nitems;
  std::string_view line = Trim(std::string_view(buffer, n));
  // A status line starts a new response (after a redirect or a 100 Continue): forget the
  // previous response's headers.
  if (StartsWithIgnoreCase(line, "HTTP/")) {
    st->etag.clear();
    st->last_modified.clear();
    st->content_type.clear();
    st->retry_after_seconds = -1;
    st->headers.clear();
    st->error_body.clear();
    return n;
  }
  size_t colon = line.find(':');
  if (colon == std::string_view::npos) return n;
  std::string_view name = Trim(line.substr(0, colon));
  std::string_view value = Trim(line.substr(colon + 1));
  if (st->headers.size() < kMaxHttpResponseHeaders) {
    st->headers.emplace_back(AsciiLower(name), std::string(value));
  }
  if (EqualsIgnoreCase(name, "ETag")) {
    st->etag = std::string(value);
  } else if (EqualsIgnoreCase(name, "Last-Modified")) {
    st->last_modified = std::string(value);
  } else if (EqualsIgnoreCase(name, "Content-Type")) {
    st->content_type = std::string(value);
  } else if (EqualsIgnoreCase(name, "Retry-After")) {
    long v = 0;
    bool digits = !value.empty() && value.size() <= 9;
    for (char c : value) {
      if (!IsDigit(c)) {
        digits = false;
        break;
      }
      v = v * 10 + (c - '0');
    }
    if (digits) st->retry_after_seconds = v;  // the HTTP-date form is ignored
  }
  return n;
}

int XferInfoCallback(void* clientp, curl_off_t dltotal, curl_off_t dlnow, curl_off_t /*ultotal*/,
                     curl_off_t /*ulnow*/) {
  auto* st = static_cast<AttemptState*>(clientp);
  if (st->progress == nullptr || !*st->progress) return 0;
  bool go_on = (*st->progress)(static_cast<std::uint64_t>(std::max<curl_off_t>(dlnow, 0)),
                               static_cast<std::uint64_t>(std::max<curl_off_t>(dltotal, 0)));
  if (!go_on) {
    st->aborted = true;
    return 1;
  }
  return 0;
}

bool IsRetryableCurlCode(CURLcode rc) {
  switch (rc) {
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_SSL_CONNECT_ERROR:
      return true;
    default:
      return false;
  }
}

struct SlistDeleter {
  void operator()(curl_slist* l) const { Curl().slist_free_all(l); }
};
struct EasyDeleter {
  void operator()(CURL* c) const { Curl().easy_cleanup(c); }
};

// The outcome of one attempt: a fatal error, a retryable transport error, or an HTTP status.
struct Outcome {
  Status fatal;                 // not OK: stop and return it
  std::string transport_error;  // non-empty: retryable failure before a complete answer
  long status = 0;
};

std::string SchemeOf(const std::string& url) {
  size_t p = url.find("://");
  if (p == std::string::npos || p == 0) return "";
  for (size_t i = 0; i < p; ++i) {
    char c = url[i];
    if (!(IsAlnum(c) || c == '+' || c == '-' || c == '.')) return "";
  }
  return AsciiLower(std::string_view(url).substr(0, p));
}

Outcome PerformOnce(const HttpOptions& opt, const std::string& url, bool is_file,
                    const HttpRequestOptions& req, AttemptState* st) {
  const HttpConditional& cond = req.conditional;
  const std::string verb = req.method.empty() ? "GET" : req.method;
  Outcome out;
  std::unique_ptr<CURL, EasyDeleter> curl(Curl().easy_init());
  if (!curl) {
    out.fatal = Status::Internal("curl_easy_init failed");
    return out;
  }
  CURL* h = curl.get();
  st->curl = h;
  char errbuf[CURL_ERROR_SIZE] = {0};

  std::unique_ptr<curl_slist, SlistDeleter> headers;
  auto add_header = [&headers](const std::string& line) {
    curl_slist* l = Curl().slist_append(headers.get(), line.c_str());
    if (l != nullptr) {
      (void)headers.release();
      headers.reset(l);
    }
  };
  for (const auto& hdr : opt.headers) add_header(hdr);
  for (const auto& hdr : req.headers) add_header(hdr);
  if (!is_file && !cond.if_none_match.empty()) add_header("If-None-Match: " + cond.if_none_match);
  if (!is_file && !cond.if_modified_since.empty()) {
    add_header("If-Modified-Since: " + cond.if_modified_since);
  }

  CURLcode rc = Curl().easy_setopt(h, CURLOPT_URL, url.c_str());
#if LIBCURL_VERSION_NUM >= 0x075500
  if (rc == CURLE_OK) rc = Curl().easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https,file");
  if (rc == CURLE_OK) rc = Curl().easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
#else
  if (rc == CURLE_OK) {
    rc = Curl().easy_setopt(h, CURLOPT_PROTOCOLS, CURLPROTO_HTTP | CURLPROTO_HTTPS | CURLPROTO_FILE);
  }
  if (rc == CURLE_OK) {
    rc = Curl().easy_setopt(h, CURLOPT_REDIR_PROTOCOLS, CURLPROTO_HTTP | CURLPROTO_HTTPS);
  }
#endif
  if (rc != CURLE_OK) {
    out.fatal = Status::InvalidArgument(verb + " " + url + ": " + Curl().easy_strerror(rc));
    return out;
  }
  Curl().easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
  Curl().easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  Curl().easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
  Curl().easy_setopt(h, CURLOPT_MAXREDIRS, static_cast<long>(opt.max_redirects));
  Curl().easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(opt.connect_timeout.count()));
  if (opt.timeout.count() > 0) {
    Curl().easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(opt.timeout.count()));
  }
  if (opt.stall_timeout.count() > 0) {
    Curl().easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
    Curl().easy_setopt(h, CURLOPT_LOW_SPEED_TIME, static_cast<long>(opt.stall_timeout.count()));
  }
  Curl().easy_setopt(h, CURLOPT_USERAGENT, opt.user_agent.c_str());
  if (opt.accept_compressed) Curl().easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
  if (headers) Curl().easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
  if (verb == "HEAD") {
    Curl().easy_setopt(h, CURLOPT_NOBODY, 1L);
  } else if (verb != "GET") {
    // POSTFIELDS makes the request a POST with this body (not copied: `req` outlives the
    // transfer); CUSTOMREQUEST then names the method actually sent.
    Curl().easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(req.body.size()));
    Curl().easy_setopt(h, CURLOPT_POSTFIELDS, req.body.data());
    Curl().easy_setopt(h, CURLOPT_CUSTOMREQUEST, verb.c_str());
  }
  Curl().easy_setopt(h, CURLOPT_WRITEFUNCTION, &WriteCallback);
  Curl().easy_setopt(h, CURLOPT_WRITEDATA, st);
  Curl().easy_setopt(h, CURLOPT_HEADERFUNCTION, &HeaderCallback);
  Curl().easy_setopt(h, CURLOPT_HEADERDATA, st);
  if (st->progress != nullptr && *st->progress) {
    Curl().easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
    Curl().easy_setopt(h, CURLOPT_XFERINFOFUNCTION, &XferInfoCallback);
    Curl().easy_setopt(h, CURLOPT_XFERINFODATA, st);
  }

  rc = Curl().easy_perform(h);
  std::string detail = errbuf[0] != '\0' ? std::string(errbuf) : Curl().easy_strerror(rc);
  switch (rc) {
    case CURLE_OK: {
      long code = 0;
      Curl().easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
      if (is_file && code == 0) code = 200;
      out.status = code;
      return out;
    }
    case CURLE_ABORTED_BY_CALLBACK:
      out.fatal = Status::Aborted(verb + " " + url + ": cancelled");
      return out;
    case CURLE_WRITE_ERROR:
      out.fatal = st->sink_error.ok() ? Status::IOError(verb + " " + url + ": " + detail)
                                      : st->sink_error.WithContext(verb + " " + url);
      return out;
    case CURLE_FILE_COULDNT_READ_FILE:
      out.status = 404;
      return out;
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
      out.fatal = Status::InvalidArgument(verb + " " + url + ": " + detail);
      return out;
    default:
      if (IsRetryableCurlCode(rc)) {
        out.transport_error = detail;
      } else {
        out.fatal = Status::Unavailable(verb + " " + url + ": " + detail);
      }
      return out;
  }
}

std::chrono::milliseconds BackoffDelay(const HttpOptions& opt, int failed_attempts,
                                       long retry_after_seconds) {
  double ms = static_cast<double>(std::max<std::int64_t>(opt.initial_backoff.count(), 0));
  for (int i = 1; i < failed_attempts && ms < 1e12; ++i) ms *= 2;
  if (retry_after_seconds >= 0)
    ms = std::max(ms, 1000.0 * static_cast<double>(retry_after_seconds));
  ms = std::min(ms, static_cast<double>(std::max<std::int64_t>(opt.max_backoff.count(), 0)));
  return std::chrono::milliseconds(static_cast<std::int64_t>(ms));
}

bool HasControlChars(std::string_view s) {
  return s.find('\0') != std::string_view::npos ||
         s.find_first_of("\r\n") != std::string_view::npos;
}

bool IsToken(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!(IsAlnum(c) || std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos)) {
      return false;
    }
  }
  return true;
}

Result<HttpResponse> Run(const HttpOptions& opt, const std::string& url,
                         const HttpRequestOptions& req, Sink* body_sink) {
  ASSAY_RETURN_IF_ERROR(EnsureCurlInitialized());
  const std::string verb = req.method.empty() ? "GET" : req.method;
  if (!IsToken(verb)) return Status::InvalidArgument("HTTP method is not a token");
  if ((verb == "GET" || verb == "HEAD") && !req.body.empty()) {
    return Status::InvalidArgument(verb + " " + url + ": a request body needs another method");
  }
  std::string scheme = SchemeOf(url);
  if (scheme.empty()) return Status::InvalidArgument(verb + " " + url + ": URL without a scheme");
  if (scheme != "http" && scheme != "https" && scheme != "file") {
    return Status::InvalidArgument(verb + " " + url + ": unsupported scheme '" + scheme + "'");
  }
  if (HasControlChars(url)) {
    return Status::InvalidArgument(verb + ": URL contains control characters");
  }
  for (const auto& h : req.headers) {
    if (HasControlChars(h)) {
      return Status::InvalidArgument(verb + " " + url +
                                     ": request header contains control characters");
    }
  }
  ObservedSink observed(body_sink, req.observer);
  Sink* sink = req.observer != nullptr ? static_cast<Sink*>(&observed) : body_sink;
  const bool is_file = scheme == "file";
  const int max_attempts = std::max(opt.max_attempts, 1);
  std::string last_error;
  for (int attempt = 1;; ++attempt) {
    ASSAY_RETURN_IF_ERROR(sink->Begin());
    AttemptState st;
    st.is_file = is_file;
    st.sink = sink;
    st.progress = &req.progress;
    Outcome o = PerformOnce(opt, url, is_file, req, &st);
    if (!o.fatal.ok()) {
      (void)sink->Finish(false);
      return o.fatal;
    }
    bool retry = false;
    if (!o.transport_error.empty()) {
      last_error = o.transport_error;
      retry = true;
    } else if (IsRetryableHttpStatus(o.status, opt.extra_retry_statuses)) {
      last_error = "HTTP " + std::to_string(o.status);
      retry = true;
    }
    if (!retry) {
      bool ok = IsSuccess(o.status);
      ASSAY_RETURN_IF_ERROR(sink->Finish(ok));
      HttpResponse r;
      r.status = o.status;
      r.etag = std::move(st.etag);
      r.last_modified = std::move(st.last_modified);
      r.content_type = std::move(st.content_type);
      r.body_bytes = ok ? st.body_bytes : 0;
      r.attempts = attempt;
      r.headers = std::move(st.headers);
      if (!ok) r.error_body = std::move(st.error_body);
      return r;
    }
    if (attempt >= max_attempts) {
      (void)sink->Finish(false);
      return Status::Unavailable(verb + " " + url + ": " + last_error + " (after " +
                                 std::to_string(attempt) + " attempts)");
    }
    std::this_thread::sleep_for(BackoffDelay(opt, attempt, st.retry_after_seconds));
  }
}

}  // namespace

HttpClient::HttpClient(HttpOptions options) : options_(std::move(options)) {}

std::string HttpResponse::Header(std::string_view lower_name) const {
  for (const auto& [name, value] : headers) {
    if (name == lower_name) return value;
  }
  return "";
}

Result<HttpResponse> HttpClient::GetToFile(const std::string& url, const fs::path& dest,
                                           const HttpConditional& conditional,
                                           const HttpProgress& progress) const {
  HttpRequestOptions req;
  req.conditional = conditional;
  req.progress = progress;
  return FetchToFile(url, dest, req);
}

Result<HttpResponse> HttpClient::Get(const std::string& url, const HttpConditional& conditional,
                                     const HttpProgress& progress) const {
  HttpRequestOptions req;
  req.conditional = conditional;
  req.progress = progress;
  return Fetch(url, req);
}

Result<HttpResponse> HttpClient::FetchToFile(const std::string& url, const fs::path& dest,
                                             const HttpRequestOptions& request) const {
  if (dest.empty()) return Status::InvalidArgument("GET " + url + ": empty destination path");
  FileSink sink(dest, request.max_body_bytes);
  return Run(options_, url, request, &sink);
}

Result<HttpResponse> HttpClient::Fetch(const std::string& url,
                                       const HttpRequestOptions& request) const {
  std::string body;
  StringSink sink(&body,
                  request.max_body_bytes != 0 ? request.max_body_bytes : options_.max_string_bytes);
  ASSAY_ASSIGN_OR_RETURN(HttpResponse r, Run(options_, url, request, &sink));
  r.body = std::move(body);
  return r;
}

std::string UrlEncodeComponent(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (IsAlnum(ch) || ch == '-' || ch == '.' || ch == '_' || ch == '~') {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xf]);
    }
  }
  return out;
}

bool IsRetryableHttpStatus(long status, const std::vector<int>& extra) {
  if (status == 408 || status == 429 || (status >= 500 && status <= 599)) return true;
  return std::find(extra.begin(), extra.end(), status) != extra.end();
}

}  // namespace assay::base
