// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// The image manifest, index and config parsers never crash on hostile bytes, and what they
// accept is safe to use: every digest they return passes ValidateDigest (so it can name a file
// or a URL), sizes are non-negative, ClassifyManifest agrees with which parser accepts the
// document, and SelectPlatform never picks an attestation (unknown/unknown) entry.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "inventory/image_manifest.h"

namespace {

using assay::inventory::Descriptor;
using assay::inventory::ManifestKind;

void CheckDescriptor(const Descriptor& d) {
  if (!assay::inventory::ValidateDigest(d.digest, "fuzz").ok()) std::abort();
  if (d.size < 0) std::abort();
}

void CheckDocument(std::string_view in, std::string_view hint) {
  auto kind = assay::inventory::ClassifyManifest(in, hint, "fuzz");
  // What ClassifyManifest refuses both parsers refuse too: checked on a sample only, most
  // random inputs are not JSON at all.
  if (!kind.ok() && in.size() % 8 != 0) return;
  auto manifest = assay::inventory::ParseImageManifest(in, hint, "fuzz");
  auto index = assay::inventory::ParseImageIndex(in, hint, "fuzz");
  if (manifest.ok() && index.ok()) std::abort();
  if (manifest.ok()) {
    if (!kind.ok() || *kind != ManifestKind::kManifest) std::abort();
    CheckDescriptor(manifest->config);
    for (const auto& l : manifest->layers) CheckDescriptor(l);
  }
  if (index.ok()) {
    if (!kind.ok() || *kind != ManifestKind::kIndex) std::abort();
    for (const auto& m : index->manifests) CheckDescriptor(m);
    for (const char* want : {"linux/amd64", "linux/arm64", "linux/arm/v7", "unknown/unknown"}) {
      auto p = assay::inventory::ParsePlatform(want);
      if (!p.ok()) std::abort();
      auto chosen = assay::inventory::SelectPlatform(*index, *p, "fuzz");
      if (!chosen.ok()) continue;
      if (chosen->platform.os == "unknown" || chosen->platform.architecture == "unknown") {
        std::abort();
      }
      if (chosen->platform.os != p->os) std::abort();
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  static constexpr std::string_view kHints[] = {
      "", "application/vnd.oci.image.index.v1+json",
      "application/vnd.docker.distribution.manifest.v2+json; charset=utf-8", "application/json"};
  CheckDocument(in, kHints[size % 4]);
  auto config = assay::inventory::ParseImageConfig(in, "fuzz");
  if (config.ok()) {
    for (const auto& id : config->diff_ids) {
      if (!assay::inventory::ValidateDigest(id, "fuzz").ok()) std::abort();
    }
  }
  // Platform strings round-trip.
  auto p = assay::inventory::ParsePlatform(in);
  if (p.ok()) {
    auto again = assay::inventory::ParsePlatform(p->ToString());
    if (!again.ok() || again->ToString() != p->ToString()) std::abort();
  }
  // Documents built around the input: a descriptor whose fields are the input.
  std::string quoted;
  for (char c : in) {
    if (c == '"' || c == '\\') quoted.push_back('\\');
    if (static_cast<unsigned char>(c) >= 0x20) quoted.push_back(c);
  }
  // One per input, alternating.
  if (size % 2 == 0) {
    CheckDocument(R"({"schemaVersion":2,"config":{"digest":")" + quoted +
                      R"(","size":1},"layers":[{"digest":"sha256:)" + quoted + R"(","size":2}]})",
                  "");
  } else {
    CheckDocument(R"({"manifests":[{"digest":"sha256:)" + std::string(64, '0') +
                      R"(","size":3,"platform":{"os":"linux","architecture":")" + quoted +
                      R"("}}]})",
                  "");
  }
  return 0;
}
