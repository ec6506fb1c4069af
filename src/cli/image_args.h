// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// The flags every image verb shares (`assay scan image`, `assay sbom image`): platform,
// registry credentials, plain HTTP to loopback registries and the layer extract cache, and the
// collection of an image into an inventory plus the resource that describes it.
#pragma once

#include <string>

#include <CLI/CLI.hpp>

#include "base/status.h"
#include "inventory/collector.h"
#include "inventory/image.h"
#include "model/inventory.h"
#include "report/scan_result.h"

namespace assay::cli {

struct ImageArgs {
  std::string platform;   // --platform os/arch[/variant]
  bool insecure = false;  // --insecure
  std::string username;   // --username (else $ASSAY_REGISTRY_USERNAME)
  std::string password;   // $ASSAY_REGISTRY_PASSWORD (never a flag: it would show in ps)
  std::string cache_dir;  // --cache-dir; empty: <assay cache>/images
  bool no_cache = false;  // --no-cache
};

// Registers the flags above on `cmd`.
void AddImageFlags(CLI::App& cmd, ImageArgs& args);

struct CollectedImage {
  model::Inventory inventory;
  report::ScannedResource resource;  // type "image", id ImageResourceId, path the reference
};

// Collects the image at `reference` (inventory/image.h). Errors as CollectImage's.
base::Result<CollectedImage> CollectImageResource(const std::string& reference,
                                                  const ImageArgs& args,
                                                  const inventory::CollectOptions& collect);

}  // namespace assay::cli
