// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// A client of the OCI distribution API (Registry HTTP API v2), read-only: manifests, blobs,
// tag lists and the catalog. Authentication follows the registries' own flow: a request
// answered 401 with `WWW-Authenticate: Bearer realm=…,service=…,scope=…` fetches a token from
// the realm (with the basic credentials when there are some, anonymously otherwise) and retries
// with it; `WWW-Authenticate: Basic` retries with basic credentials (and sends them at once
// from then on). Tokens are cached per scope ("repository:NAME:pull", "registry:catalog:*") for
// the client's life; a cached token the registry refuses (expired) is replaced once, and a
// fresh token that is refused ends the request.
//
// Every blob is verified: its bytes must hash to the digest it was asked by, else Corruption
// ("blob HOST/REPO@sha256:…: digest mismatch: got sha256:…") and nothing is kept. A manifest
// fetched by digest is verified the same way; one fetched by tag reports the digest of the bytes
// received (and a Docker-Content-Digest header that disagrees with them is Corruption).
//
// TLS: https unless `insecure`; `insecure` means plain http, and only to loopback hosts
// (localhost, 127.0.0.0/8, [::1]) — anything else is InvalidArgument. A token realm must be
// https too (plain http only to a loopback realm of an `insecure` client): basic credentials are
// never sent in the clear to another machine. Authorization headers are not sent along a
// redirect to another host (blob storage), see base/http.h.
//
// Every digest and name is validated before it becomes part of a URL; registry JSON errors
// (`{"errors":[{"code","message"}]}`) are quoted in error messages.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace assay::inventory {

// A registry reference: "[docker://]host[:port]/repo/path[:tag][@sha256:…]". The first
// component is the registry host when it contains '.' or ':' or is "localhost" (docker's rule);
// references without one ("debian:12") are InvalidArgument here: assay names registries
// explicitly. The tag defaults to "latest" when neither tag nor digest is given. Repository
// components are lowercase [a-z0-9] separated by [._-] (at most 255 bytes in all); tags match
// [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}.
struct RegistryRef {
  std::string host;        // "127.0.0.1:5000", "registry.example.com"
  std::string repository;  // "library/debian"
  std::string tag;         // "12" ("" when only a digest was given)
  std::string digest;      // "sha256:…" or ""
  // host/repository[:tag][@digest]
  std::string ToString() const;
  // tag or digest: what the manifest URL names (the digest when both are given).
  std::string Reference() const;
};
base::Result<RegistryRef> ParseRegistryRef(std::string_view text);

struct RegistryOptions {
  bool insecure = false;  // plain http, loopback only
  std::string username;   // basic credentials (also sent to a bearer token realm)
  std::string password;
  int max_attempts = 3;  // per request, for connection failures and 5xx/429
  // Entries asked per page of tags/list and _catalog (`?n=`); 0 leaves it to the registry.
  int page_size = 0;
};

// Host syntax as RegistryRef::host: "name[:port]", "a.b.c.d[:port]" or "[v6][:port]".
base::Status ValidateRegistryHost(std::string_view host);

// Whether a host (with or without port) is loopback: localhost, 127.0.0.0/8 or [::1].
bool IsLoopbackHost(std::string_view host);

// One challenge of a WWW-Authenticate header value: the scheme lowercased ("bearer", "basic"),
// parameter names lowercased, quoted values unescaped. A value may hold several challenges.
struct AuthChallenge {
  std::string scheme;
  std::map<std::string, std::string> params;
};
std::vector<AuthChallenge> ParseWwwAuthenticate(std::string_view value);

// The target of the `rel="next"` link in a Link header value (RFC 8288), "" when there is none.
std::string NextLinkTarget(std::string_view link_header);

struct FetchedManifest {
  std::string media_type;  // the response Content-Type (parameters stripped)
  std::string digest;      // "sha256:" of the bytes
  std::string bytes;
};

// Thread-safe: calls may run concurrently (the token cache is locked).
//
// Errors every call may return: InvalidArgument for a malformed repository, tag or digest
// (before any request; another digest algorithm is NotSupported), InvalidArgument naming the
// refusal and saying "access denied" for 401/403 after the auth flow, NotFound for 404,
// Unavailable when the registry cannot be reached or keeps answering 5xx/429. Messages name the
// object ("manifest HOST/REPO:TAG") and quote the registry's JSON error.
class RegistryClient {
 public:
  // `host` as in RegistryRef::host. InvalidArgument for `insecure` with a non-loopback host.
  static base::Result<std::unique_ptr<RegistryClient>> Create(std::string host,
                                                              RegistryOptions options);
  ~RegistryClient();

  const std::string& host() const;

  // GET /v2/<repo>/manifests/<reference> with every manifest media type in Accept (a registry
  // answers 404 for an OCI manifest otherwise). NotFound when the registry says
  // MANIFEST_UNKNOWN / NAME_UNKNOWN (any 404); a 401/403 after the auth flow is InvalidArgument
  // whose message says "access denied" (base::Status has no permission code); at most 4 MiB,
  // Corruption beyond.
  base::Result<FetchedManifest> GetManifest(std::string_view repository,
                                            std::string_view reference) const;

  // GET /v2/<repo>/blobs/<digest> into memory (configs): at most `max_bytes` (Corruption
  // beyond); verified.
  base::Result<std::string> GetBlob(std::string_view repository, std::string_view digest,
                                    uint64_t max_bytes) const;

  // GET /v2/<repo>/blobs/<digest> streamed into `dest`: the bytes go to a temporary file next
  // to it and are hashed on the way; `dest` is replaced only when the blob is complete and
  // verified. Returns the bytes written.
  base::Result<uint64_t> GetBlobToFile(std::string_view repository, std::string_view digest,
                                       const std::filesystem::path& dest) const;

  // GET /v2/<repo>/tags/list, following `Link: <…>; rel="next"` pages (a link that leaves the
  // registry is InvalidArgument, one that loops Corruption); sorted, unique. NotFound for an
  // unknown repository.
  base::Result<std::vector<std::string>> ListTags(std::string_view repository) const;

  // GET /v2/_catalog, following pages; sorted.
  base::Result<std::vector<std::string>> Catalog() const;

 private:
  struct Impl;
  explicit RegistryClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace assay::inventory
