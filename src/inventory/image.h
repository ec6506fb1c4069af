// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// Container images as inventory sources. An image reference names where the image is:
//
//   oci:DIR[:TAG]            an OCI image layout directory (TAG: the index entry whose
//                            org.opencontainers.image.ref.name annotation is TAG; without one,
//                            the only entry, else an error listing the tags)
//   oci-archive:FILE[:TAG]   the same layout in a tar file (skopeo's oci-archive)
//   docker-archive:FILE[:REPO:TAG]  `docker save` / `podman save` output
//   [docker://]HOST[:PORT]/REPO[:TAG|@sha256:…]  a registry, over the Registry HTTP API v2
//
// How an image is collected, without unpacking it:
//  1. Each layer is read once, as a stream (gzip, zstd or plain tar, told apart by their
//     bytes), into a *layer extract*: a small plain tar of the entries some collector may read
//     (package databases, OS release files, files the language rules name, executables that
//     carry Go or Rust build information), every symlink, and the whiteouts. Everything else
//     is skipped without being stored. The layer blob's SHA-256 is checked against its digest
//     while it streams; a mismatch fails the collection.
//  2. The extracts are applied in order to a private temporary directory, with the OCI
//     whiteout rules (".wh.NAME" removes NAME of the layers below, ".wh..wh..opq" empties a
//     directory of them, an entry replaces what lower layers had at its path).
//  3. The ordinary collectors run over that directory (so an image and the root filesystem it
//     was made from give the same inventory), and each package gets the digest of the layer
//     that introduced it: for a language package, the layer that last wrote its file; for an
//     OS package, the lowest layer whose package database already listed the same version.
//  4. The directory is removed.
// One simplification follows from keeping only what collectors may read: a plain file that
// replaces a whole directory of a lower layer removes it only when that file is itself kept
// (symlinks, whiteouts and kept files always do); image builders replace directories with
// whiteouts, so this is not seen in practice.
//
// Layer entries are hostile input: names with ".." components are skipped with a warning (and
// never written); everything is created below the private directory with symlinks resolved
// inside it (openat2 RESOLVE_IN_ROOT), so no symlink or hardlink can reach outside it; devices,
// FIFOs and sockets are skipped; setuid/setgid bits are dropped; decompressed bytes, the
// decompression ratio and the number of entries per layer are bounded (ImageLimits).
//
// Layer extracts are cached under `cache_dir` by layer digest and collector versions, so a
// second image sharing base layers reads (and downloads) only its new layers.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "inventory/collector.h"
#include "model/inventory.h"

namespace assay::inventory {

struct ImageLimits {
  uint64_t max_layer_bytes = uint64_t{64} << 30;  // decompressed bytes of one layer
  // Decompressed / compressed bytes, checked once a layer has produced 64 MiB.
  uint64_t max_ratio = 1000;
  uint64_t max_entries = 10'000'000;  // entries of one layer
  uint64_t max_layers = 1000;
  uint64_t max_kept_file_bytes = uint64_t{256} << 20;  // one kept file (executables included)
};

struct ImageOptions {
  std::string platform;  // "linux/arm64/v8"; empty: this machine's platform
  bool insecure = false;  // registries: plain http to loopback
  std::string username;   // registries: basic credentials / token realm credentials
  std::string password;
  std::filesystem::path cache_dir;  // layer extract cache; empty: no cache
  // Where the private directory goes; empty: $TMPDIR, else /dev/shm when it has 2 GiB free,
  // else /tmp.
  std::filesystem::path temp_dir;
  int parallel_layers = 2;          // layers read at once
  ImageLimits limits;
  CollectOptions collect;
};

struct ImageLayer {
  std::string digest;     // as the manifest names it (compressed blob); docker-archive: of the tar
  std::string diff_id;    // digest of the uncompressed tar, from the config ("" when unknown)
  std::string media_type;
  uint64_t size = 0;      // blob bytes
  bool from_cache = false;  // its extract came from cache_dir
};

struct ImageInfo {
  std::string reference;        // as given, normalised ("oci:/abs/dir:tag", "host/repo:tag")
  std::string manifest_digest;  // "sha256:…" of the manifest bytes
  std::string config_digest;
  std::string os;
  std::string architecture;
  std::string variant;
  std::string created;
  std::map<std::string, std::string> labels;
  std::vector<std::string> repo_tags;  // docker-archive RepoTags; registry: the tag asked for
  std::vector<ImageLayer> layers;      // base first
};

struct ImageInventory {
  ImageInfo image;
  model::Inventory inventory;  // every package's layer_digest is set
};

// Collects the inventory of the image at `reference`. InvalidArgument for a malformed reference
// or options; NotFound when the image, tag or platform is not there; Corruption for a digest
// mismatch or a malformed manifest, config or layer; Unavailable when a registry cannot be
// reached; InvalidArgument ("… (access denied)") when it refuses the credentials. Problems inside layers (skipped
// entries, unreadable files) are warnings in the inventory. Thread-safe.
base::Result<ImageInventory> CollectImage(std::string_view reference, const ImageOptions& options);

// The resource id of an image: "image:" + manifest digest (the same image under two tags or in
// two registries is one resource).
std::string ImageResourceId(const ImageInfo& image);

}  // namespace assay::inventory
