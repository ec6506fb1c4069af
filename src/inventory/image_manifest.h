// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// The JSON documents that describe a container image, as the OCI image spec (image-spec v1.1)
// and Docker's image manifest v2 schema 2 write them: an index (OCI image index or Docker
// manifest list) naming one manifest per platform, a manifest naming the config and the layers
// by digest, and the config (platform, labels, creation time, layer diff ids). Pure functions
// over bytes, shared by every image source (OCI layout, archives, registries).
//
// Every digest is checked for form ("sha256:" and 64 lowercase hex digits; other algorithms
// are NotSupported) before it is used to name a file or a URL, so a hostile manifest cannot
// name "../../etc/passwd". Errors name the document (`what`, e.g. "manifest sha256:ab12…") and
// the field.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace assay::inventory {

// Media types.
inline constexpr std::string_view kOciIndexMediaType = "application/vnd.oci.image.index.v1+json";
inline constexpr std::string_view kOciManifestMediaType =
    "application/vnd.oci.image.manifest.v1+json";
inline constexpr std::string_view kOciConfigMediaType = "application/vnd.oci.image.config.v1+json";
inline constexpr std::string_view kDockerListMediaType =
    "application/vnd.docker.distribution.manifest.list.v2+json";
inline constexpr std::string_view kDockerManifestMediaType =
    "application/vnd.docker.distribution.manifest.v2+json";
inline constexpr std::string_view kDockerConfigMediaType =
    "application/vnd.docker.container.image.v1+json";

// The Accept header value a registry client sends for manifests: the four index and manifest
// media types above, comma-separated.
std::string ManifestAcceptHeader();

// "sha256:<64 lowercase hex>": OK, else InvalidArgument naming `what`; another algorithm
// ("sha512:…") is NotSupported.
base::Status ValidateDigest(std::string_view digest, std::string_view what);

// The hex part of a valid digest ("sha256:ab…" -> "ab…"); call after ValidateDigest.
std::string_view DigestHex(std::string_view digest);

// "sha256:" + lowercase hex SHA-256 of `bytes`.
std::string DigestOf(std::string_view bytes);

struct Platform {
  std::string os;            // "linux"
  std::string architecture;  // "amd64", "arm64", ...
  std::string variant;       // "v8", "" when none
  // "linux/arm64/v8" or "linux/amd64".
  std::string ToString() const;
};

// "linux/amd64", "linux/arm64/v8", "amd64" (os defaults to linux): InvalidArgument otherwise.
base::Result<Platform> ParsePlatform(std::string_view text);

// This machine's platform as OCI names it (linux/amd64 on x86-64, linux/arm64/v8 on aarch64).
Platform HostPlatform();

struct Descriptor {
  std::string media_type;
  std::string digest;  // validated
  int64_t size = 0;    // bytes; >= 0
  Platform platform;   // index entries only; empty otherwise
  std::map<std::string, std::string> annotations;
};

// A manifest: OCI image manifest or Docker v2 schema 2 (Docker schema 1 is NotSupported).
struct ImageManifest {
  std::string media_type;  // from the document's mediaType, else `media_type_hint`
  Descriptor config;
  std::vector<Descriptor> layers;  // base first
};

// An OCI image index or a Docker manifest list.
struct ImageIndex {
  std::string media_type;
  std::vector<Descriptor> manifests;
};

// What a manifest-shaped document is: kIndex, kManifest, or NotSupported/InvalidArgument.
// Decided by the document's mediaType, then the HTTP Content-Type `media_type_hint`, then its
// shape ("manifests" vs "layers"); schemaVersion 1 is NotSupported ("Docker schema 1 manifests
// are not supported").
enum class ManifestKind { kIndex, kManifest };
base::Result<ManifestKind> ClassifyManifest(std::string_view bytes,
                                            std::string_view media_type_hint,
                                            std::string_view what);

base::Result<ImageManifest> ParseImageManifest(std::string_view bytes,
                                               std::string_view media_type_hint,
                                               std::string_view what);
base::Result<ImageIndex> ParseImageIndex(std::string_view bytes, std::string_view media_type_hint,
                                         std::string_view what);

// The entry of `index` for `want`: os and architecture equal, and variant equal when `want`
// has one (an entry without a variant matches any; arm64 entries without a variant match
// "v8"). Entries whose platform is "unknown/unknown" (attestations) are never chosen. NotFound
// listing the platforms the index has.
base::Result<Descriptor> SelectPlatform(const ImageIndex& index, const Platform& want,
                                        std::string_view what);

// The image configuration (OCI config / Docker container image JSON), the fields a scan
// records about the image.
struct ImageConfig {
  Platform platform;
  std::string created;                        // RFC 3339 as written, "" when absent
  std::map<std::string, std::string> labels;  // config.Labels
  std::vector<std::string> diff_ids;          // rootfs.diff_ids, validated digests
  std::string author;
};
base::Result<ImageConfig> ParseImageConfig(std::string_view bytes, std::string_view what);

}  // namespace assay::inventory
