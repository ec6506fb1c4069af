// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// RegistryClient and registry references (registry.h). The file is not named registry.cc:
// that name belongs to the list of package parsers.
#include <arpa/inet.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <utility>

#include "base/http.h"
#include "base/sha256.h"
#include "base/strings.h"
#include "inventory/image_manifest.h"
#include "inventory/registry.h"

namespace assay::inventory {
namespace {

namespace fs = std::filesystem;
using base::Result;
using base::Status;
using json = nlohmann::json;

constexpr uint64_t kMaxManifestBytes = uint64_t{4} << 20;
constexpr uint64_t kMaxListPageBytes = uint64_t{16} << 20;  // one page of tags or the catalog
constexpr uint64_t kMaxTokenBytes = uint64_t{1} << 20;
constexpr int kMaxListPages = 100'000;
constexpr std::string_view kDockerPrefix = "docker://";

std::string Quote(std::string_view s) { return base::QuoteForMessage(s, 120); }

// Refused by the registry or its token realm (401/403 once the auth flow is done). base::Status
// has no permission code: the credentials are the caller's input, so InvalidArgument, and the
// message says "access denied".
Status Denied(const std::string& m) { return Status::InvalidArgument(m + " (access denied)"); }

bool IsLowerAlnum(char c) { return base::IsDigit(c) || (c >= 'a' && c <= 'z'); }

// One path component of a repository name: [a-z0-9]+ ((\.|_|__|-+) [a-z0-9]+)*
bool ValidRepoComponent(std::string_view c) {
  if (c.empty() || !IsLowerAlnum(c.front()) || !IsLowerAlnum(c.back())) return false;
  for (size_t i = 0; i < c.size();) {
    if (IsLowerAlnum(c[i])) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < c.size() && !IsLowerAlnum(c[j])) ++j;
    std::string_view sep = c.substr(i, j - i);
    bool ok = sep == "." || sep == "_" || sep == "__" ||
              sep.find_first_not_of('-') == std::string_view::npos;
    if (!ok) return false;
    i = j;
  }
  return true;
}

Status ValidateRepository(std::string_view repo) {
  auto bad = [&](std::string_view why) {
    return Status::InvalidArgument("repository " + Quote(repo) + ": " + std::string(why));
  };
  if (repo.empty()) return bad("empty");
  if (repo.size() > 255) return bad("longer than 255 bytes");
  for (std::string_view c : base::Split(repo, '/')) {
    if (!ValidRepoComponent(c)) {
      return bad("components are lowercase letters and digits separated by '.', '_', '__' or '-'");
    }
  }
  return Status::Ok();
}

Status ValidateTag(std::string_view tag) {
  bool ok = !tag.empty() && tag.size() <= 128 && tag.front() != '.' && tag.front() != '-';
  for (char c : tag) {
    if (!(base::IsAlnum(c) || c == '_' || c == '.' || c == '-')) ok = false;
  }
  if (!ok) {
    return Status::InvalidArgument("tag " + Quote(tag) +
                                   ": want [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
  }
  return Status::Ok();
}

// "a:b" -> {"a", "b"}; the host part of "[v6]:port" keeps its brackets.
std::pair<std::string_view, std::string_view> SplitHostPort(std::string_view host) {
  if (!host.empty() && host.front() == '[') {
    size_t close = host.find(']');
    if (close == std::string_view::npos) return {host, ""};
    std::string_view rest = host.substr(close + 1);
    if (!rest.empty() && rest.front() == ':') return {host.substr(0, close + 1), rest.substr(1)};
    return {host.substr(0, close + 1), rest};
  }
  size_t colon = host.rfind(':');
  if (colon == std::string_view::npos) return {host, ""};
  return {host.substr(0, colon), host.substr(colon + 1)};
}

std::string Base64(std::string_view in) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    uint32_t v = (uint32_t{static_cast<unsigned char>(in[i])} << 16) |
                 (uint32_t{static_cast<unsigned char>(in[i + 1])} << 8) |
                 uint32_t{static_cast<unsigned char>(in[i + 2])};
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(kAlphabet[(v >> 6) & 63]);
    out.push_back(kAlphabet[v & 63]);
  }
  if (i < in.size()) {
    uint32_t v = uint32_t{static_cast<unsigned char>(in[i])} << 16;
    if (i + 1 < in.size()) v |= uint32_t{static_cast<unsigned char>(in[i + 1])} << 8;
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(i + 1 < in.size() ? kAlphabet[(v >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}

std::string BareMediaType(std::string_view content_type) {
  size_t semi = content_type.find(';');
  return base::AsciiLower(base::Trim(content_type.substr(0, semi)));
}

// "CODE: message; CODE: message" from a registry's JSON error body, else a quoted snippet of
// the body, else "".
std::string RegistryErrorText(std::string_view body) {
  if (base::Trim(body).empty()) return "";
  json doc = json::parse(body.begin(), body.end(), nullptr, /*allow_exceptions=*/false);
  std::string out;
  if (doc.is_object() && doc.contains("errors") && doc["errors"].is_array()) {
    for (const auto& e : doc["errors"]) {
      if (!e.is_object()) continue;
      std::string code =
          e.contains("code") && e["code"].is_string() ? e["code"].get<std::string>() : "";
      std::string msg =
          e.contains("message") && e["message"].is_string() ? e["message"].get<std::string>() : "";
      if (code.empty() && msg.empty()) continue;
      if (!out.empty()) out += "; ";
      std::string one = code.empty() ? msg : msg.empty() ? code : code + ": " + msg;
      std::string quoted = Quote(one);
      out += quoted.substr(1, quoted.size() - 2);
      if (out.size() > 400) break;
    }
  }
  if (!out.empty()) return out;
  return Quote(base::Trim(body));
}

// The status a non-2xx registry answer becomes.
Status AnswerStatus(const base::HttpResponse& r, std::string_view what) {
  std::string msg = std::string(what) + ": HTTP " + std::to_string(r.status);
  std::string detail = RegistryErrorText(r.error_body);
  if (!detail.empty()) msg += ": " + detail;
  switch (r.status) {
    case 401:
    case 403:
      return Denied(msg);
    case 404:
      return Status::NotFound(msg);
    case 400:
      return Status::InvalidArgument(msg);
    default:
      return Status::Unavailable(msg);
  }
}

bool IsSuccess(long status) { return status >= 200 && status < 300; }

// Hashes a blob on its way to disk and refuses it when it is not what was asked for.
class DigestCheck : public base::HttpBodyObserver {
 public:
  DigestCheck(std::string want, std::string what)
      : want_(std::move(want)), what_(std::move(what)) {}
  void Restart() override { sha_ = base::Sha256(); }
  void Update(std::string_view chunk) override { sha_.Update(chunk); }
  Status Finish() override {
    ASSAY_ASSIGN_OR_RETURN(std::string hex, sha_.HexDigest());
    std::string got = "sha256:" + hex;
    if (got != want_) return Status::Corruption(what_ + ": digest mismatch: got " + got);
    return Status::Ok();
  }

 private:
  std::string want_;
  std::string what_;
  base::Sha256 sha_;
};

}  // namespace

Status ValidateRegistryHost(std::string_view host) {
  auto bad = [&] {
    return Status::InvalidArgument("registry host " + Quote(host) +
                                   ": want NAME[:PORT], IPv4[:PORT] or [IPv6][:PORT]");
  };
  if (host.empty() || host.size() > 255) return bad();
  auto [name, port] = SplitHostPort(host);
  if (host.find(':') != std::string_view::npos && host.front() != '[' && port.empty()) {
    return bad();
  }
  if (!port.empty() || (host.back() == ':')) {
    if (port.empty() || port.size() > 5) return bad();
    unsigned long v = 0;
    for (char c : port) {
      if (!base::IsDigit(c)) return bad();
      v = v * 10 + static_cast<unsigned long>(c - '0');
    }
    if (v == 0 || v > 65535) return bad();
  }
  if (name.empty()) return bad();
  if (name.front() == '[') {
    if (name.back() != ']') return bad();
    std::string inner(name.substr(1, name.size() - 2));
    in6_addr a6{};
    if (inet_pton(AF_INET6, inner.c_str(), &a6) != 1) return bad();
    return Status::Ok();
  }
  for (char c : name) {
    if (!(base::IsAlnum(c) || c == '.' || c == '-')) return bad();
  }
  if (name.front() == '.' || name.front() == '-' || name.back() == '.' || name.back() == '-') {
    return bad();
  }
  return Status::Ok();
}

bool IsLoopbackHost(std::string_view host) {
  std::string_view name = SplitHostPort(host).first;
  if (base::EqualsIgnoreCase(name, "localhost")) return true;
  if (name == "[::1]") return true;
  std::string s(name);
  in_addr a4{};
  if (inet_pton(AF_INET, s.c_str(), &a4) == 1) {
    return (ntohl(a4.s_addr) >> 24) == 127;
  }
  return false;
}

std::string RegistryRef::ToString() const {
  std::string out = host + "/" + repository;
  if (!tag.empty()) out += ":" + tag;
  if (!digest.empty()) out += "@" + digest;
  return out;
}

std::string RegistryRef::Reference() const { return digest.empty() ? tag : digest; }

Result<RegistryRef> ParseRegistryRef(std::string_view text) {
  std::string_view rest = text;
  if (base::StartsWithIgnoreCase(rest, kDockerPrefix)) rest.remove_prefix(kDockerPrefix.size());
  auto fail = [&](const Status& s) { return s.WithContext("image reference " + Quote(text)); };
  RegistryRef ref;
  size_t at = rest.find('@');
  if (at != std::string_view::npos) {
    ref.digest = std::string(rest.substr(at + 1));
    Status s = ValidateDigest(ref.digest, "digest");
    if (!s.ok()) return fail(s);
    rest = rest.substr(0, at);
  }
  size_t slash = rest.find('/');
  if (slash == std::string_view::npos) {
    return Status::InvalidArgument("image reference " + Quote(text) +
                                   ": names no registry host (want HOST[:PORT]/REPOSITORY[:TAG])");
  }
  std::string_view host = rest.substr(0, slash);
  if (host.find('.') == std::string_view::npos && host.find(':') == std::string_view::npos &&
      host != "localhost") {
    return Status::InvalidArgument(
        "image reference " + Quote(text) + ": names no registry host (" + Quote(host) +
        " has no '.' or ':' and is not localhost; write e.g. registry.example.com/" +
        std::string(rest) + ")");
  }
  Status s = ValidateRegistryHost(host);
  if (!s.ok()) return fail(s);
  ref.host = std::string(host);
  std::string_view path = rest.substr(slash + 1);
  size_t colon = path.rfind(':');
  size_t last_slash = path.rfind('/');
  if (colon != std::string_view::npos &&
      (last_slash == std::string_view::npos || colon > last_slash)) {
    ref.tag = std::string(path.substr(colon + 1));
    s = ValidateTag(ref.tag);
    if (!s.ok()) return fail(s);
    path = path.substr(0, colon);
  }
  s = ValidateRepository(path);
  if (!s.ok()) return fail(s);
  ref.repository = std::string(path);
  if (ref.tag.empty() && ref.digest.empty()) ref.tag = "latest";
  return ref;
}

std::vector<AuthChallenge> ParseWwwAuthenticate(std::string_view v) {
  // RFC 7235: challenge = scheme [ token68 / #( name = (token / quoted-string) ) ], and a
  // header value may list several challenges separated by commas.
  std::vector<AuthChallenge> out;
  const size_t n = v.size();
  size_t i = 0;
  auto skip_ws = [&](size_t k) {
    while (k < n && (v[k] == ' ' || v[k] == '\t')) ++k;
    return k;
  };
  auto token_end = [&](size_t k) {
    while (k < n && (base::IsAlnum(v[k]) ||
                     std::string_view("!#$%&'*+-.^_`|~/").find(v[k]) != std::string_view::npos)) {
      ++k;
    }
    return k;
  };
  while (i < n) {
    i = skip_ws(i);
    if (i < n && v[i] == ',') {
      ++i;
      continue;
    }
    size_t end = token_end(i);
    if (end == i) {  // a stray character
      ++i;
      continue;
    }
    std::string token(v.substr(i, end - i));
    size_t next = skip_ws(end);
    if (next < n && v[next] == '=' && !out.empty()) {
      size_t eqs = next;
      while (eqs < n && v[eqs] == '=') ++eqs;
      size_t after = skip_ws(eqs);
      if (eqs - next > 1 || after >= n || v[after] == ',') {
        // token68 ("abc==") of the current challenge
        out.back().params[""] = token + std::string(eqs - next, '=');
        i = eqs;
        continue;
      }
      std::string value;
      i = after;
      if (v[i] == '"') {
        ++i;
        while (i < n && v[i] != '"') {
          if (v[i] == '\\' && i + 1 < n) ++i;
          value.push_back(v[i++]);
        }
        if (i < n) ++i;  // the closing quote
      } else {
        size_t vs = i;
        while (i < n && v[i] != ',' && v[i] != ' ' && v[i] != '\t') ++i;
        value = std::string(v.substr(vs, i - vs));
      }
      out.back().params[base::AsciiLower(token)] = std::move(value);
      continue;
    }
    // A new challenge. A lone word after the scheme (up to a comma or the end) is its token68.
    AuthChallenge c;
    c.scheme = base::AsciiLower(token);
    out.push_back(std::move(c));
    i = next;
    size_t t68_end = token_end(i);
    if (t68_end > i) {
      size_t after = skip_ws(t68_end);
      if (after >= n || v[after] == ',') {
        out.back().params[""] = std::string(v.substr(i, t68_end - i));
        i = after;
      }
    }
  }
  return out;
}

std::string NextLinkTarget(std::string_view header) {
  size_t i = 0;
  while (i < header.size()) {
    size_t lt = header.find('<', i);
    if (lt == std::string_view::npos) return "";
    size_t gt = header.find('>', lt + 1);
    if (gt == std::string_view::npos) return "";
    std::string_view target = header.substr(lt + 1, gt - lt - 1);
    // Parameters up to the next link (a ',' outside quotes).
    size_t j = gt + 1;
    bool in_quote = false;
    size_t end = j;
    for (; end < header.size(); ++end) {
      char c = header[end];
      if (c == '"') in_quote = !in_quote;
      if (c == ',' && !in_quote) break;
    }
    std::string_view params = header.substr(j, end - j);
    for (std::string_view p : base::Split(params, ';')) {
      p = base::Trim(p);
      size_t eq = p.find('=');
      if (eq == std::string_view::npos) continue;
      if (!base::EqualsIgnoreCase(base::Trim(p.substr(0, eq)), "rel")) continue;
      std::string_view value = base::Trim(p.substr(eq + 1));
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
        value = value.substr(1, value.size() - 2);
      }
      for (std::string_view rel : base::Split(value, ' ')) {
        if (base::EqualsIgnoreCase(rel, "next")) return std::string(base::Trim(target));
      }
    }
    i = end + 1;
  }
  return "";
}

struct RegistryClient::Impl {
  std::string host;
  RegistryOptions options;
  std::string base_url;  // "https://host"
  base::HttpClient http;
  std::string basic;  // "Authorization: Basic …", "" without credentials
  mutable std::atomic<bool> basic_wanted{false};
  mutable std::mutex mu;
  mutable std::map<std::string, std::string> tokens;  // scope -> "Authorization: Bearer …"

  Impl(std::string h, RegistryOptions o, base::HttpOptions http_options)
      : host(std::move(h)), options(std::move(o)), http(std::move(http_options)) {}

  // One GET with the auth flow around it.
  struct Call {
    std::string url;
    std::string scope;  // "repository:NAME:pull", "registry:catalog:*"
    std::string what;   // names the object in messages
    std::vector<std::string> headers;
    uint64_t max_bytes = 0;
    base::HttpBodyObserver* observer = nullptr;
    const fs::path* dest = nullptr;  // into a file when set
  };
  Result<base::HttpResponse> Send(const Call& c) const;
  Status FetchToken(const AuthChallenge& challenge, const std::string& scope,
                    std::string_view what) const;
  std::string CachedToken(const std::string& scope) const {
    std::lock_guard<std::mutex> lock(mu);
    auto it = tokens.find(scope);
    return it == tokens.end() ? std::string() : it->second;
  }
  // Resolves a Link target against the registry; InvalidArgument when it leaves it.
  Result<std::string> ResolveLink(std::string_view target, std::string_view what) const;
  Result<std::vector<std::string>> ListPages(std::string url, const char* key, std::string scope,
                                             std::string what) const;
};

Result<base::HttpResponse> RegistryClient::Impl::Send(const Call& c) const {
  enum class Sent { kNone, kBasic, kCachedToken, kFreshToken };
  bool fetched_token = false;
  for (int round = 0;; ++round) {
    base::HttpRequestOptions req;
    req.headers = c.headers;
    req.max_body_bytes = c.max_bytes;
    req.observer = c.observer;
    Sent sent = Sent::kNone;
    std::string token = CachedToken(c.scope);
    if (!token.empty()) {
      req.headers.push_back(token);
      sent = fetched_token ? Sent::kFreshToken : Sent::kCachedToken;
    } else if (!basic.empty() && basic_wanted.load()) {
      req.headers.push_back(basic);
      sent = Sent::kBasic;
    }
    auto r = c.dest != nullptr ? http.FetchToFile(c.url, *c.dest, req) : http.Fetch(c.url, req);
    if (!r.ok()) return r.status().WithContext(c.what);
    if (r->status != 401 || round >= 3) return r;

    std::vector<AuthChallenge> challenges;
    for (const auto& [name, value] : r->headers) {
      if (name != "www-authenticate") continue;
      for (auto& ch : ParseWwwAuthenticate(value)) challenges.push_back(std::move(ch));
    }
    const AuthChallenge* bearer = nullptr;
    const AuthChallenge* basic_challenge = nullptr;
    for (const auto& ch : challenges) {
      if (ch.scheme == "bearer" && bearer == nullptr) bearer = &ch;
      if (ch.scheme == "basic" && basic_challenge == nullptr) basic_challenge = &ch;
    }
    if (bearer != nullptr) {
      if (sent == Sent::kFreshToken) {
        return AnswerStatus(*r, c.what + " (the token from the realm was refused)");
      }
      if (sent == Sent::kCachedToken) {
        std::lock_guard<std::mutex> lock(mu);
        tokens.erase(c.scope);  // expired: fetch another
      }
      ASSAY_RETURN_IF_ERROR(FetchToken(*bearer, c.scope, c.what));
      fetched_token = true;
      continue;
    }
    if (basic_challenge != nullptr) {
      if (basic.empty()) {
        return AnswerStatus(*r, c.what + " (the registry wants credentials; none were given)");
      }
      if (sent == Sent::kBasic) {
        return AnswerStatus(*r, c.what + " (the registry refused the credentials)");
      }
      basic_wanted.store(true);
      continue;
    }
    return AnswerStatus(*r, c.what + " (no Bearer or Basic challenge to answer)");
  }
}

Status RegistryClient::Impl::FetchToken(const AuthChallenge& challenge, const std::string& scope,
                                        std::string_view what) const {
  std::string ctx = std::string(what) + ": token";
  auto realm_it = challenge.params.find("realm");
  if (realm_it == challenge.params.end() || realm_it->second.empty()) {
    return Denied(ctx + ": Bearer challenge without a realm");
  }
  const std::string& realm = realm_it->second;
  std::string rest;
  if (base::StartsWithIgnoreCase(realm, "https://")) {
    rest = realm.substr(8);
  } else if (base::StartsWithIgnoreCase(realm, "http://")) {
    rest = realm.substr(7);
    std::string realm_host = rest.substr(0, rest.find_first_of("/?#"));
    if (!options.insecure || !IsLoopbackHost(realm_host)) {
      return Denied(ctx + ": realm " + Quote(realm) +
                    " is plain http (allowed only to loopback for an insecure "
                    "registry)");
    }
  } else {
    return Denied(ctx + ": realm " + Quote(realm) + " is not an http(s) URL");
  }
  std::string realm_host = rest.substr(0, rest.find_first_of("/?#"));
  if (realm_host.find('@') != std::string::npos || !ValidateRegistryHost(realm_host).ok() ||
      realm.find('#') != std::string::npos) {
    return Denied(ctx + ": realm " + Quote(realm) + " is not a usable URL");
  }
  std::string url = realm + (realm.find('?') == std::string::npos ? "?" : "&");
  bool first = true;
  auto add = [&](std::string_view k, std::string_view v) {
    if (!first) url += "&";
    first = false;
    url += std::string(k) + "=" + base::UrlEncodeComponent(v);
  };
  auto service = challenge.params.find("service");
  if (service != challenge.params.end()) add("service", service->second);
  auto asked = challenge.params.find("scope");
  std::string scopes = asked != challenge.params.end() ? asked->second : scope;
  for (std::string_view s : base::Split(scopes, ' ')) {
    if (!s.empty()) add("scope", s);
  }
  if (!options.username.empty()) add("account", options.username);

  base::HttpRequestOptions req;
  req.headers = {"Accept: application/json"};
  if (!basic.empty()) req.headers.push_back(basic);
  req.max_body_bytes = kMaxTokenBytes;
  auto r = http.Fetch(url, req);
  if (!r.ok()) return r.status().WithContext(ctx);
  if (!IsSuccess(r->status)) {
    std::string why =
        basic.empty() ? " (no credentials were given)" : " (the realm refused the credentials)";
    if (r->status != 401 && r->status != 403) why.clear();
    Status s = AnswerStatus(*r, ctx + " from " + Quote(realm) + why);
    if (s.code() == base::Code::kNotFound) return Denied(s.message());
    return s;
  }
  json doc = json::parse(r->body.begin(), r->body.end(), nullptr, /*allow_exceptions=*/false);
  std::string token;
  if (doc.is_object()) {
    for (const char* key : {"token", "access_token"}) {
      auto it = doc.find(key);
      if (it != doc.end() && it->is_string() && !it->get<std::string>().empty()) {
        token = it->get<std::string>();
        break;
      }
    }
  }
  if (token.empty()) {
    return Status::Corruption(ctx + ": the realm's answer has no \"token\" or \"access_token\"");
  }
  for (char c : token) {
    if (static_cast<unsigned char>(c) <= 0x20 || static_cast<unsigned char>(c) >= 0x7f) {
      return Status::Corruption(ctx + ": the realm's token has characters a header cannot carry");
    }
  }
  std::lock_guard<std::mutex> lock(mu);
  tokens[scope] = "Authorization: Bearer " + token;
  return Status::Ok();
}

Result<std::string> RegistryClient::Impl::ResolveLink(std::string_view target,
                                                      std::string_view what) const {
  if (!target.empty() && target.front() == '/' && (target.size() < 2 || target[1] != '/')) {
    return base_url + std::string(target);
  }
  if (base::StartsWithIgnoreCase(target, base_url + "/")) {
    return base_url + std::string(target.substr(base_url.size()));
  }
  return Status::InvalidArgument(std::string(what) + ": next-page Link " + Quote(target) +
                                 " leaves the registry");
}

Result<std::vector<std::string>> RegistryClient::Impl::ListPages(std::string url, const char* key,
                                                                 std::string scope,
                                                                 std::string what) const {
  std::vector<std::string> out;
  std::set<std::string> seen_urls;
  for (int page = 0;; ++page) {
    if (page >= kMaxListPages) {
      return Status::Corruption(what + ": more than " + std::to_string(kMaxListPages) + " pages");
    }
    if (url.find_first_of("\r\n") != std::string::npos || !seen_urls.insert(url).second) {
      return Status::Corruption(what + ": the next-page links loop");
    }
    Call c;
    c.url = url;
    c.scope = scope;
    c.what = what;
    c.headers = {"Accept: application/json"};
    c.max_bytes = kMaxListPageBytes;
    ASSAY_ASSIGN_OR_RETURN(base::HttpResponse r, Send(c));
    if (!IsSuccess(r.status)) return AnswerStatus(r, what);
    json doc = json::parse(r.body.begin(), r.body.end(), nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded() || !doc.is_object()) {
      return Status::Corruption(what + ": " + url + ": not a JSON object");
    }
    auto it = doc.find(key);
    if (it != doc.end() && !it->is_null()) {
      if (!it->is_array()) {
        return Status::Corruption(what + ": " + url + ": \"" + key + "\" is not an array");
      }
      for (const auto& v : *it) {
        if (!v.is_string()) {
          return Status::Corruption(what + ": " + url + ": \"" + key + "\" has a non-string");
        }
        out.push_back(v.get<std::string>());
      }
    }
    std::string next;
    for (const auto& [name, value] : r.headers) {
      if (name != "link") continue;
      next = NextLinkTarget(value);
      if (!next.empty()) break;
    }
    if (next.empty()) break;
    ASSAY_ASSIGN_OR_RETURN(url, ResolveLink(next, what));
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

RegistryClient::RegistryClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
RegistryClient::~RegistryClient() = default;

Result<std::unique_ptr<RegistryClient>> RegistryClient::Create(std::string host,
                                                               RegistryOptions options) {
  ASSAY_RETURN_IF_ERROR(ValidateRegistryHost(host));
  if (options.insecure && !IsLoopbackHost(host)) {
    return Status::InvalidArgument("registry " + Quote(host) +
                                   ": insecure (plain http) is allowed only to loopback hosts");
  }
  if (options.username.find(':') != std::string::npos) {
    return Status::InvalidArgument("registry " + Quote(host) + ": a user name cannot contain ':'");
  }
  for (const std::string* s : {&options.username, &options.password}) {
    if (s->find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos) {
      return Status::InvalidArgument("registry " + Quote(host) +
                                     ": credentials contain control characters");
    }
  }
  base::HttpOptions http;
  http.max_attempts = std::max(options.max_attempts, 1);
  http.initial_backoff = std::chrono::milliseconds(500);
  http.max_backoff = std::chrono::milliseconds(10'000);
  // Blobs are hashed as they arrive: a Content-Encoding some storage adds to an already
  // compressed layer must not be undone on the way.
  http.accept_compressed = false;
  auto impl = std::make_unique<Impl>(host, options, std::move(http));
  impl->base_url = (options.insecure ? "http://" : "https://") + host;
  if (!options.username.empty() || !options.password.empty()) {
    impl->basic = "Authorization: Basic " + Base64(options.username + ":" + options.password);
  }
  return std::unique_ptr<RegistryClient>(new RegistryClient(std::move(impl)));
}

const std::string& RegistryClient::host() const { return impl_->host; }

Result<FetchedManifest> RegistryClient::GetManifest(std::string_view repository,
                                                    std::string_view reference) const {
  ASSAY_RETURN_IF_ERROR(ValidateRepository(repository));
  bool by_digest = reference.find(':') != std::string_view::npos;
  if (by_digest) {
    ASSAY_RETURN_IF_ERROR(ValidateDigest(reference, "manifest digest"));
  } else {
    ASSAY_RETURN_IF_ERROR(ValidateTag(reference));
  }
  Impl::Call c;
  c.what = "manifest " + impl_->host + "/" + std::string(repository) + (by_digest ? "@" : ":") +
           std::string(reference);
  c.url =
      impl_->base_url + "/v2/" + std::string(repository) + "/manifests/" + std::string(reference);
  c.scope = "repository:" + std::string(repository) + ":pull";
  c.headers = {"Accept: " + ManifestAcceptHeader()};
  c.max_bytes = kMaxManifestBytes;
  auto r = impl_->Send(c);
  if (!r.ok()) {
    if (r.status().code() == base::Code::kCorruption &&
        r.status().message().find("larger than") != std::string::npos) {
      return Status::Corruption(c.what + ": larger than 4 MiB, refused");
    }
    return r.status();
  }
  if (!IsSuccess(r->status)) return AnswerStatus(*r, c.what);
  FetchedManifest m;
  m.media_type = BareMediaType(r->content_type);
  m.bytes = std::move(r->body);
  m.digest = DigestOf(m.bytes);
  if (by_digest && m.digest != reference) {
    return Status::Corruption(c.what + ": digest mismatch: got " + m.digest);
  }
  std::string claimed = r->Header("docker-content-digest");
  if (base::StartsWithIgnoreCase(claimed, "sha256:") && claimed != m.digest) {
    return Status::Corruption(c.what + ": Docker-Content-Digest " + Quote(claimed) +
                              " does not match the bytes received (" + m.digest + ")");
  }
  return m;
}

Result<std::string> RegistryClient::GetBlob(std::string_view repository, std::string_view digest,
                                            uint64_t max_bytes) const {
  ASSAY_RETURN_IF_ERROR(ValidateRepository(repository));
  ASSAY_RETURN_IF_ERROR(ValidateDigest(digest, "blob digest"));
  Impl::Call c;
  c.what = "blob " + impl_->host + "/" + std::string(repository) + "@" + std::string(digest);
  c.url = impl_->base_url + "/v2/" + std::string(repository) + "/blobs/" + std::string(digest);
  c.scope = "repository:" + std::string(repository) + ":pull";
  c.max_bytes = std::max<uint64_t>(max_bytes, 1);
  ASSAY_ASSIGN_OR_RETURN(base::HttpResponse r, impl_->Send(c));
  if (!IsSuccess(r.status)) return AnswerStatus(r, c.what);
  std::string got = DigestOf(r.body);
  if (got != digest) return Status::Corruption(c.what + ": digest mismatch: got " + got);
  return std::move(r.body);
}

Result<uint64_t> RegistryClient::GetBlobToFile(std::string_view repository, std::string_view digest,
                                               const fs::path& dest) const {
  ASSAY_RETURN_IF_ERROR(ValidateRepository(repository));
  ASSAY_RETURN_IF_ERROR(ValidateDigest(digest, "blob digest"));
  Impl::Call c;
  c.what = "blob " + impl_->host + "/" + std::string(repository) + "@" + std::string(digest);
  c.url = impl_->base_url + "/v2/" + std::string(repository) + "/blobs/" + std::string(digest);
  c.scope = "repository:" + std::string(repository) + ":pull";
  DigestCheck check(std::string(digest), c.what);
  c.observer = &check;
  c.dest = &dest;
  ASSAY_ASSIGN_OR_RETURN(base::HttpResponse r, impl_->Send(c));
  if (!IsSuccess(r.status)) return AnswerStatus(r, c.what);
  return r.body_bytes;
}

Result<std::vector<std::string>> RegistryClient::ListTags(std::string_view repository) const {
  ASSAY_RETURN_IF_ERROR(ValidateRepository(repository));
  std::string url = impl_->base_url + "/v2/" + std::string(repository) + "/tags/list";
  if (impl_->options.page_size > 0) url += "?n=" + std::to_string(impl_->options.page_size);
  return impl_->ListPages(url, "tags", "repository:" + std::string(repository) + ":pull",
                          "tags of " + impl_->host + "/" + std::string(repository));
}

Result<std::vector<std::string>> RegistryClient::Catalog() const {
  std::string url = impl_->base_url + "/v2/_catalog";
  if (impl_->options.page_size > 0) url += "?n=" + std::to_string(impl_->options.page_size);
  return impl_->ListPages(url, "repositories", "registry:catalog:*", "catalog of " + impl_->host);
}

}  // namespace assay::inventory
