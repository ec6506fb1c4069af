// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include "base/http_server.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <condition_variable>
#include <ctime>
#include <deque>
#include <exception>
#include <future>
#include <limits>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>
#include <unordered_map>

#include "base/log.h"
#include "base/metrics.h"
#include "base/strings.h"

namespace assay::base {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using ErrorCode = boost::system::error_code;

constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
// Bytes asked for when waiting for a request on an idle connection.
constexpr std::size_t kFirstReadBytes = 4096;
// A buffer grown past this by a large request is given back before the connection idles.
constexpr std::size_t kKeepBufferBytes = 64 << 10;
// After answering with Connection: close, unread request bytes are read and dropped for at most
// this long (or this many bytes) so that closing does not reset the connection before the client
// has read the answer.
constexpr auto kLingerTime = std::chrono::seconds(2);
constexpr auto kStopLingerTime = std::chrono::milliseconds(200);  // while the server stops
constexpr std::size_t kLingerMaxBytes = 1 << 20;
constexpr auto kAcceptRetryDelay = std::chrono::milliseconds(100);
// After Stop() has closed every connection, how long their teardown may take.
constexpr auto kTeardownWait = std::chrono::seconds(5);

constexpr std::string_view kRequestsTotal = "assay_http_requests_total";
constexpr std::string_view kRequestDuration = "assay_http_request_duration_seconds";
constexpr std::string_view kConnectionsOpen = "assay_http_connections_open";

std::string_view View(beast::string_view s) { return {s.data(), s.size()}; }
beast::string_view BeastView(std::string_view s) { return {s.data(), s.size()}; }

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// application/x-www-form-urlencoded decoding: '+' is a space, %XX a byte; a malformed escape is
// kept as written.
std::string FormDecode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '+') {
      out += ' ';
    } else if (c == '%' && i + 2 < s.size() && HexValue(s[i + 1]) >= 0 && HexValue(s[i + 2]) >= 0) {
      out += static_cast<char>(HexValue(s[i + 1]) * 16 + HexValue(s[i + 2]));
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> ParseQuery(std::string_view query) {
  std::vector<std::pair<std::string, std::string>> out;
  for (std::string_view piece : Split(query, '&')) {
    if (piece.empty()) continue;
    std::size_t eq = piece.find('=');
    if (eq == std::string_view::npos) {
      out.emplace_back(FormDecode(piece), std::string());
    } else {
      out.emplace_back(FormDecode(piece.substr(0, eq)), FormDecode(piece.substr(eq + 1)));
    }
  }
  return out;
}

std::string EndpointString(const tcp::endpoint& ep) {
  if (ep.address().is_v6()) return fmt::format("[{}]:{}", ep.address().to_string(), ep.port());
  return fmt::format("{}:{}", ep.address().to_string(), ep.port());
}

// A bounded set of label values for the requests counter.
std::string_view MethodLabel(http::verb verb) {
  switch (verb) {
    case http::verb::get:
      return "GET";
    case http::verb::head:
      return "HEAD";
    case http::verb::post:
      return "POST";
    case http::verb::put:
      return "PUT";
    case http::verb::delete_:
      return "DELETE";
    case http::verb::patch:
      return "PATCH";
    case http::verb::options:
      return "OPTIONS";
    default:
      return "other";
  }
}

// RFC 9110 IMF-fixdate, independent of the C locale.
std::string HttpDate() {
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  return fmt::format("{}, {:02} {} {} {:02}:{:02}:{:02} GMT", kDays[tm.tm_wday % 7], tm.tm_mday,
                     kMonths[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

// RFC 9110 token: a header name a handler may send.
bool IsToken(std::string_view s) {
  static constexpr std::string_view kExtra = "!#$%&'*+-.^_`|~";
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return IsAlnum(c) || kExtra.find(c) != std::string_view::npos;
  });
}

// A header value that cannot split the response: no CR, LF or NUL.
bool IsSafeValue(std::string_view s) {
  return s.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

HttpServerResponse ErrorResponse(int status, std::string_view code, std::string_view message) {
  HttpServerResponse r;
  r.status = status;
  r.body = HttpErrorJson(code, message);
  return r;
}

HttpServerRequest BuildRequest(http::request<http::string_body>&& msg, const std::string& remote) {
  HttpServerRequest r;
  r.method = std::string(View(msg.method_string()));
  r.target = std::string(View(msg.target()));
  std::size_t q = r.target.find('?');
  r.path = r.target.substr(0, q);
  if (q != std::string::npos) r.query = ParseQuery(std::string_view(r.target).substr(q + 1));
  r.headers.reserve(std::distance(msg.begin(), msg.end()));
  for (const auto& field : msg) {
    r.headers.emplace_back(AsciiLower(View(field.name_string())), std::string(View(field.value())));
  }
  r.body = std::move(msg.body());
  r.remote = remote;
  return r;
}

// A fixed set of threads running tasks from a bounded queue.
class WorkerPool {
 public:
  explicit WorkerPool(std::size_t max_queued) : max_queued_(max_queued) {}
  ~WorkerPool() { Shutdown(); }

  void Start(int threads) {
    for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { Loop(); });
  }

  // False when `max_queued` tasks already wait, or after Shutdown().
  bool TrySubmit(std::function<void()> task) {
    {
      std::lock_guard lock(mu_);
      if (stopped_ || queue_.size() >= max_queued_) return false;
      queue_.push_back(std::move(task));
    }
    cv_.notify_one();
    return true;
  }

  std::size_t queued() const {
    std::lock_guard lock(mu_);
    return queue_.size();
  }

  // Drops the tasks still waiting, waits for the running ones, joins the threads.
  void Shutdown() {
    std::deque<std::function<void()>> dropped;
    {
      std::lock_guard lock(mu_);
      stopped_ = true;
      dropped.swap(queue_);
    }
    cv_.notify_all();
    dropped.clear();  // outside the lock: tasks own connections whose teardown takes locks
    for (auto& t : threads_) {
      if (t.joinable()) t.join();
    }
    threads_.clear();
  }

 private:
  void Loop() {
    for (;;) {
      std::function<void()> task;
      {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [this] { return stopped_ || !queue_.empty(); });
        if (stopped_) return;
        task = std::move(queue_.front());
        queue_.pop_front();
      }
      try {
        task();
      } catch (const std::exception& e) {
        Log(LogLevel::kError, "http: worker task failed: {}", e.what());
      } catch (...) {
        Log(LogLevel::kError, "http: worker task failed with an unknown exception");
      }
    }
  }

  const std::size_t max_queued_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;
  bool stopped_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace

std::string HttpErrorJson(std::string_view code, std::string_view message) {
  nlohmann::json j = {{"error", {{"code", code}, {"message", message}}}};
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::optional<std::string_view> HttpServerRequest::Header(std::string_view name) const {
  for (const auto& [n, v] : headers) {
    if (EqualsIgnoreCase(n, name)) return std::string_view(v);
  }
  return std::nullopt;
}

std::optional<std::string> HttpServerRequest::QueryParam(std::string_view name) const {
  for (const auto& [n, v] : query) {
    if (n == name) return v;
  }
  return std::nullopt;
}

struct HttpServer::Impl {
  class Session;

  Impl(HttpServerOptions o, HttpHandler h)
      : options(std::move(o)),
        handler(std::move(h)),
        pool(options.max_queued),
        acceptor(asio::make_strand(ioc)),
        accept_retry(acceptor.get_executor()),
        work(ioc.get_executor()) {
    if (options.metrics != nullptr) {
      connections_gauge = &options.metrics->GetGauge(kConnectionsOpen, "Open HTTP connections.");
      duration = &options.metrics->GetHistogram(
          kRequestDuration,
          "Time from a request's last byte to its response's last byte, in seconds.",
          {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30});
    }
  }

  Status Listen();
  void Run();
  void Stop();
  void DoAccept();
  void OnAccept(ErrorCode ec, tcp::socket socket);
  HttpServerResponse Invoke(const HttpServerRequest& req);
  void Record(std::string_view method, int status, Clock::duration elapsed);
  // Calls `fn` with every live connection, outside the registry's lock.
  void ForEachSession(const std::function<void(const std::shared_ptr<Session>&)>& fn);
  // True when every connection is gone within `limit`.
  bool WaitForSessions(std::chrono::milliseconds limit);

  // Members used by connections are declared before `ioc`: connections still queued in it when
  // it is destroyed are torn down then, and they deregister here.
  const HttpServerOptions options;
  const HttpHandler handler;
  Gauge* connections_gauge = nullptr;
  Histogram* duration = nullptr;
  std::atomic<std::size_t> open{0};
  std::atomic<std::uint64_t> served{0};
  std::atomic<bool> stopping{false};

  std::mutex sessions_mu;
  std::condition_variable sessions_cv;
  std::unordered_map<Session*, std::weak_ptr<Session>> sessions;

  std::mutex stop_mu;
  bool stopped = false;  // guarded by stop_mu; Stop() ran

  WorkerPool pool;
  asio::io_context ioc;
  tcp::acceptor acceptor;  // on its own strand
  asio::steady_timer accept_retry;
  std::uint64_t rejected = 0;  // on the acceptor's strand
  asio::executor_work_guard<asio::io_context::executor_type> work;
  std::vector<std::thread> io_threads;
  tcp::endpoint local;
};

// One connection. Every member is used on the connection's strand only, except `server_` and
// the executor, which are immutable.
class HttpServer::Impl::Session : public std::enable_shared_from_this<Session> {
 public:
  Session(Impl* server, tcp::socket socket) : server_(server), stream_(std::move(socket)) {
    ErrorCode ec;
    tcp::endpoint peer = stream_.socket().remote_endpoint(ec);
    remote_ = ec ? std::string("unknown") : EndpointString(peer);
    server_->open.fetch_add(1);
    if (server_->connections_gauge != nullptr) server_->connections_gauge->Inc();
  }

  ~Session() {
    if (server_->connections_gauge != nullptr) server_->connections_gauge->Dec();
    server_->open.fetch_sub(1);
    {
      std::lock_guard lock(server_->sessions_mu);
      server_->sessions.erase(this);
    }
    server_->sessions_cv.notify_all();
  }

  void Start() {
    {
      std::lock_guard lock(server_->sessions_mu);
      server_->sessions.emplace(this, weak_from_this());
    }
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->ReadRequest(); });
  }

  // The server is stopping: a connection waiting for a request closes now; one with a request
  // under way closes after answering it.
  void OnServerStop() {
    if (state_ == State::kIdle) Close();
  }

  void Close() {
    if (state_ == State::kClosed) return;
    state_ = State::kClosed;
    ErrorCode ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.close();
  }

  auto executor() { return stream_.get_executor(); }

 private:
  enum class State { kIdle, kReading, kHandling, kWriting, kLingering, kClosed };

  const HttpServerOptions& options() const { return server_->options; }

  void ReadRequest() {
    if (state_ == State::kClosed) return;
    if (server_->stopping.load()) return Close();
    state_ = State::kIdle;
    if (buffer_.size() > 0) return ReadHeader();  // a pipelined request is already here
    if (buffer_.capacity() > kKeepBufferBytes) buffer_.shrink_to_fit();
    stream_.expires_after(options().idle_timeout);
    stream_.async_read_some(buffer_.prepare(kFirstReadBytes),
                            [self = shared_from_this()](ErrorCode ec, std::size_t n) {
                              if (ec) return self->Close();  // peer closed, idle, or stopping
                              self->buffer_.commit(n);
                              self->ReadHeader();
                            });
  }

  void ReadHeader() {
    if (state_ == State::kClosed) return;
    state_ = State::kReading;
    parser_.emplace();
    parser_->body_limit(static_cast<std::uint64_t>(options().max_body_bytes));
    parser_->header_limit(static_cast<std::uint32_t>(options().max_header_bytes));
    stream_.expires_after(options().request_timeout);
    http::async_read_header(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](ErrorCode ec, std::size_t) { self->OnHeader(ec); });
  }

  void OnHeader(ErrorCode ec) {
    if (ec) return OnReadError(ec);
    const auto& req = parser_->get();
    if (!parser_->is_done() && req.version() >= 11 &&
        EqualsIgnoreCase(Trim(View(req[http::field::expect])), "100-continue")) {
      asio::async_write(stream_, asio::buffer(kContinue.data(), kContinue.size()),
                        [self = shared_from_this()](ErrorCode ec, std::size_t) {
                          if (ec) return self->Close();
                          self->ReadBody();
                        });
      return;
    }
    ReadBody();
  }

  void ReadBody() {
    if (parser_->is_done()) return Dispatch();
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](ErrorCode ec, std::size_t) {
                       if (ec) return self->OnReadError(ec);
                       self->Dispatch();
                     });
  }

  void OnReadError(ErrorCode ec) {
    if (state_ == State::kClosed) return;
    if (ec == http::error::body_limit) {
      return SendError(413, "payload_too_large",
                       fmt::format("request body exceeds {} bytes", options().max_body_bytes));
    }
    if (ec == http::error::header_limit) {
      return SendError(
          431, "headers_too_large",
          fmt::format("request line and headers exceed {} bytes", options().max_header_bytes));
    }
    // Beast closes the socket on a timeout; a peer that went away needs no answer.
    bool parse_error = ec.category() == http::make_error_code(http::error::bad_method).category() &&
                       ec != http::error::end_of_stream && ec != http::error::partial_message;
    if (parse_error) return SendError(400, "bad_request", ec.message());
    Close();
  }

  // An answer of the server's own to a request it will not read to the end.
  void SendError(int status, std::string_view code, std::string message) {
    // The request line may have been parsed (version 1.1 and an unknown method otherwise).
    version_ = parser_ ? parser_->get().version() : 11;
    method_ = parser_ ? MethodLabel(parser_->get().method()) : "other";
    parser_.reset();
    keep_alive_ = false;
    head_ = false;
    received_ = Clock::now();
    WriteResponse(ErrorResponse(status, code, message));
  }

  void Dispatch() {
    state_ = State::kHandling;
    http::request<http::string_body> msg = parser_->release();
    parser_.reset();
    version_ = msg.version();
    keep_alive_ = msg.keep_alive();
    head_ = msg.method() == http::verb::head;
    method_ = MethodLabel(msg.method());
    received_ = Clock::now();
    auto self = shared_from_this();
    bool queued = server_->pool.TrySubmit([self, req = BuildRequest(std::move(msg), remote_)] {
      HttpServerResponse res = self->server_->Invoke(req);
      asio::post(self->stream_.get_executor(),
                 [self, res = std::move(res)]() mutable { self->WriteResponse(std::move(res)); });
    });
    if (!queued) {
      HttpServerResponse busy =
          ErrorResponse(503, "unavailable", "too many requests waiting; retry later");
      busy.headers.emplace_back("Retry-After", "1");
      WriteResponse(std::move(busy));
    }
  }

  void WriteResponse(HttpServerResponse r) {
    if (state_ == State::kClosed) return;
    state_ = State::kWriting;
    if (r.status < 200 || r.status > 999) {
      Log(LogLevel::kError, "http: handler returned status {}; answering 500", r.status);
      r = ErrorResponse(500, "internal", "internal server error");
    }
    keep_alive_ = keep_alive_ && !server_->stopping.load();
    res_ = {};
    res_.version(version_ == 10 ? 10 : 11);  // we speak HTTP/1.1, and 1.0 to 1.0 clients
    res_.result(static_cast<unsigned>(r.status));
    res_.set(http::field::date, HttpDate());
    if (!r.content_type.empty() && IsSafeValue(r.content_type)) {
      res_.set(http::field::content_type, BeastView(r.content_type));
    }
    for (const auto& [name, value] : r.headers) {
      if (!IsToken(name) || !IsSafeValue(value)) {
        Log(LogLevel::kError, "http: handler returned a malformed header {}; dropped",
            QuoteForMessage(name, 100));
        continue;
      }
      if (EqualsIgnoreCase(name, "content-length") || EqualsIgnoreCase(name, "transfer-encoding") ||
          EqualsIgnoreCase(name, "connection")) {
        continue;
      }
      if (EqualsIgnoreCase(name, "content-type")) {
        res_.set(http::field::content_type, BeastView(value));
      } else {
        res_.insert(BeastView(name), BeastView(value));
      }
    }
    // RFC 9110: 204 and 304 carry no body and no Content-Length describing one.
    bool bodiless = r.status == 204 || r.status == 304;
    if (!bodiless) {
      res_.content_length(r.body.size());
      if (!head_) res_.body() = std::move(r.body);  // HEAD: the length of the GET answer
    }
    res_.keep_alive(keep_alive_);
    status_ = r.status;
    stream_.expires_after(options().request_timeout);
    http::async_write(stream_, res_, [self = shared_from_this()](ErrorCode ec, std::size_t) {
      self->OnWritten(ec);
    });
  }

  void OnWritten(ErrorCode ec) {
    res_ = {};
    if (ec) return Close();
    server_->served.fetch_add(1);
    server_->Record(method_, status_, Clock::now() - received_);
    if (!keep_alive_) return Linger();
    ReadRequest();
  }

  void Linger() {
    state_ = State::kLingering;
    ErrorCode ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    if (ec) return Close();
    buffer_.clear();
    stream_.expires_after(server_->stopping.load() ? kStopLingerTime : kLingerTime);
    Drain();
  }

  void Drain() {
    stream_.async_read_some(buffer_.prepare(kFirstReadBytes),
                            [self = shared_from_this()](ErrorCode ec, std::size_t n) {
                              self->drained_ += n;
                              if (ec || self->drained_ > kLingerMaxBytes) return self->Close();
                              self->Drain();
                            });
  }

  Impl* const server_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> res_;
  State state_ = State::kIdle;
  std::string remote_;
  // The request being answered.
  unsigned version_ = 11;
  bool keep_alive_ = true;
  bool head_ = false;
  std::string_view method_ = "other";  // a MethodLabel
  int status_ = 0;
  Clock::time_point received_;
  std::size_t drained_ = 0;
};

Status HttpServer::Impl::Listen() {
  const std::string& listen = options.listen;
  std::string host;
  std::string port;
  if (!listen.empty() && listen.front() == '[') {
    std::size_t close = listen.find("]:");
    if (close == std::string::npos) {
      return Status::InvalidArgument(
          fmt::format("listen address {}: want [v6]:port", QuoteForMessage(listen, 100)));
    }
    host = listen.substr(1, close - 1);
    port = listen.substr(close + 2);
  } else {
    std::size_t colon = listen.rfind(':');
    if (colon == std::string::npos) {
      return Status::InvalidArgument(
          fmt::format("listen address {}: want host:port", QuoteForMessage(listen, 100)));
    }
    host = listen.substr(0, colon);
    port = listen.substr(colon + 1);
  }
  if (port.empty() || port.size() > 5 || !std::all_of(port.begin(), port.end(), IsDigit) ||
      std::stoi(port) > 65535) {
    return Status::InvalidArgument(
        fmt::format("listen address {}: bad port", QuoteForMessage(listen, 100)));
  }

  ErrorCode ec;
  tcp::resolver resolver(ioc);
  auto results =
      resolver.resolve(host, port, tcp::resolver::passive | tcp::resolver::numeric_service, ec);
  if (ec || results.empty()) {
    return Status::IOError(fmt::format("listen on {}: cannot resolve {}: {}", listen,
                                       QuoteForMessage(host, 100),
                                       ec ? ec.message() : "no address"));
  }
  for (const auto& entry : results) {
    ErrorCode bind_ec;
    tcp::endpoint ep = entry.endpoint();
    acceptor.open(ep.protocol(), bind_ec);
    if (!bind_ec) acceptor.set_option(tcp::acceptor::reuse_address(true), bind_ec);
    if (!bind_ec) acceptor.bind(ep, bind_ec);
    if (!bind_ec) acceptor.listen(asio::socket_base::max_listen_connections, bind_ec);
    if (!bind_ec) {
      local = acceptor.local_endpoint(bind_ec);
      if (!bind_ec) return Status::Ok();
    }
    ErrorCode ignored;
    acceptor.close(ignored);
    ec = bind_ec;
  }
  return Status::IOError(fmt::format("listen on {}: {}", listen, ec.message()));
}

void HttpServer::Impl::Run() {
  pool.Start(options.worker_threads);
  asio::post(acceptor.get_executor(), [this] { DoAccept(); });
  for (int i = 0; i < options.io_threads; ++i) {
    io_threads.emplace_back([this] {
      for (;;) {
        try {
          ioc.run();
          return;
        } catch (const std::exception& e) {
          Log(LogLevel::kError, "http: I/O thread: {}", e.what());
        } catch (...) {
          Log(LogLevel::kError, "http: I/O thread: unknown exception");
        }
      }
    });
  }
}

void HttpServer::Impl::DoAccept() {
  acceptor.async_accept(asio::make_strand(ioc), [this](ErrorCode ec, tcp::socket socket) {
    OnAccept(ec, std::move(socket));
  });
}

void HttpServer::Impl::OnAccept(ErrorCode ec, tcp::socket socket) {
  if (stopping.load() || ec == asio::error::operation_aborted || !acceptor.is_open()) return;
  if (ec) {
    // Typically EMFILE: wait instead of spinning on the error.
    Log(LogLevel::kWarning, "http: accept on {}: {}", EndpointString(local), ec.message());
    accept_retry.expires_after(kAcceptRetryDelay);
    accept_retry.async_wait([this](ErrorCode wait_ec) {
      if (!wait_ec && !stopping.load()) DoAccept();
    });
    return;
  }
  if (open.load() >= options.max_connections) {
    if (rejected++ % 1000 == 0) {
      Log(LogLevel::kWarning, "http: {} connections open (max_connections); closing new ones",
          open.load());
    }
    ErrorCode ignored;
    socket.close(ignored);
  } else {
    std::make_shared<Session>(this, std::move(socket))->Start();
  }
  DoAccept();
}

HttpServerResponse HttpServer::Impl::Invoke(const HttpServerRequest& req) {
  try {
    return handler(req);
  } catch (const std::exception& e) {
    Log(LogLevel::kError, "http: {} {} from {}: handler failed: {}", req.method,
        QuoteForMessage(req.path, 200), req.remote, e.what());
  } catch (...) {
    Log(LogLevel::kError, "http: {} {} from {}: handler failed with an unknown exception",
        req.method, QuoteForMessage(req.path, 200), req.remote);
  }
  return ErrorResponse(500, "internal", "internal server error");
}

void HttpServer::Impl::Record(std::string_view method, int status, Clock::duration elapsed) {
  if (options.metrics == nullptr) return;
  options.metrics
      ->GetCounter(kRequestsTotal, "HTTP requests answered, by method and status code.",
                   {{"method", std::string(method)}, {"code", std::to_string(status)}})
      .Inc();
  duration->Observe(std::chrono::duration<double>(elapsed).count());
}

void HttpServer::Impl::ForEachSession(
    const std::function<void(const std::shared_ptr<Session>&)>& fn) {
  std::vector<std::weak_ptr<Session>> all;
  {
    std::lock_guard lock(sessions_mu);
    all.reserve(sessions.size());
    for (const auto& [ptr, weak] : sessions) all.push_back(weak);
  }
  for (const auto& weak : all) {
    if (auto s = weak.lock()) fn(s);
  }
}

bool HttpServer::Impl::WaitForSessions(std::chrono::milliseconds limit) {
  std::unique_lock lock(sessions_mu);
  return sessions_cv.wait_for(lock, limit, [this] { return sessions.empty(); });
}

void HttpServer::Impl::Stop() {
  std::lock_guard stop_lock(stop_mu);
  if (stopped) return;
  stopped = true;
  stopping.store(true);
  // The port is closed when Stop() returns.
  std::promise<void> closed;
  asio::post(acceptor.get_executor(), [this, &closed] {
    ErrorCode ignored;
    acceptor.close(ignored);
    accept_retry.cancel();
    closed.set_value();
  });
  closed.get_future().wait();

  ForEachSession([](const std::shared_ptr<Session>& s) {
    asio::post(s->executor(), [s] { s->OnServerStop(); });
  });
  if (!WaitForSessions(options.shutdown_timeout)) {
    std::lock_guard lock(sessions_mu);
    Log(LogLevel::kWarning, "http: {}: {} connections still busy after {}s; closing them",
        EndpointString(local), sessions.size(), options.shutdown_timeout.count());
  }
  ForEachSession(
      [](const std::shared_ptr<Session>& s) { asio::post(s->executor(), [s] { s->Close(); }); });
  pool.Shutdown();  // waits for running handlers; their answers find the connection closed
  work.reset();
  WaitForSessions(kTeardownWait);
  ioc.stop();
  for (auto& t : io_threads) t.join();
  io_threads.clear();
}

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpServer::~HttpServer() { Stop(); }

Result<std::unique_ptr<HttpServer>> HttpServer::Start(HttpServerOptions options,
                                                      HttpHandler handler) {
  if (!handler) return Status::InvalidArgument("http server: no handler");
  if (options.io_threads < 1 || options.worker_threads < 1) {
    return Status::InvalidArgument(
        fmt::format("http server on {}: io_threads ({}) and worker_threads ({}) must be at least 1",
                    options.listen, options.io_threads, options.worker_threads));
  }
  if (options.max_header_bytes == 0 ||
      options.max_header_bytes > std::numeric_limits<std::uint32_t>::max()) {
    return Status::InvalidArgument(
        fmt::format("http server on {}: max_header_bytes {} out of range", options.listen,
                    options.max_header_bytes));
  }
  auto impl = std::make_unique<Impl>(std::move(options), std::move(handler));
  ASSAY_RETURN_IF_ERROR(impl->Listen());
  impl->Run();
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

void HttpServer::Stop() { impl_->Stop(); }

int HttpServer::port() const { return impl_->local.port(); }

std::string HttpServer::address() const { return EndpointString(impl_->local); }

std::size_t HttpServer::connections_open() const { return impl_->open.load(); }

std::uint64_t HttpServer::requests_served() const { return impl_->served.load(); }

std::size_t HttpServer::requests_queued() const { return impl_->pool.queued(); }

}  // namespace assay::base
