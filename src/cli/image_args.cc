// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include "cli/image_args.h"

#include <cstdlib>
#include <filesystem>
#include <utility>

#include "advisories/db.h"

namespace assay::cli {

void AddImageFlags(CLI::App& cmd, ImageArgs& args) {
  cmd.add_option("--platform", args.platform,
                 "Platform to take from a multi-platform image: os/arch[/variant] "
                 "(default: this machine's)");
  cmd.add_flag("--insecure", args.insecure,
               "Talk plain HTTP to a registry on a loopback address");
  cmd.add_option("--username", args.username,
                 "Registry user name (default $ASSAY_REGISTRY_USERNAME); the password comes "
                 "from $ASSAY_REGISTRY_PASSWORD");
  cmd.add_option("--cache-dir", args.cache_dir,
                 "Directory of cached layer extracts (default: images/ beside the advisory DB)");
  cmd.add_flag("--no-cache", args.no_cache, "Neither read nor write the layer extract cache");
}

base::Result<CollectedImage> CollectImageResource(const std::string& reference,
                                                  const ImageArgs& args,
                                                  const inventory::CollectOptions& collect) {
  inventory::ImageOptions options;
  options.platform = args.platform;
  options.insecure = args.insecure;
  options.username = args.username;
  if (options.username.empty()) {
    if (const char* u = std::getenv("ASSAY_REGISTRY_USERNAME")) options.username = u;
  }
  if (const char* p = std::getenv("ASSAY_REGISTRY_PASSWORD")) options.password = p;
  if (!args.no_cache) {
    if (!args.cache_dir.empty()) {
      options.cache_dir = args.cache_dir;
    } else if (auto db = advisories::DefaultDbPath(/*create_dir=*/false); db.ok()) {
      options.cache_dir = db->parent_path() / "images";
    }
  }
  options.collect = collect;
  ASSAY_ASSIGN_OR_RETURN(inventory::ImageInventory got, inventory::CollectImage(reference, options));
  CollectedImage out;
  out.inventory = std::move(got.inventory);
  out.resource.type = "image";
  out.resource.id = inventory::ImageResourceId(got.image);
  out.resource.path = got.image.reference;
  report::ImageDetails details;
  details.manifest_digest = got.image.manifest_digest;
  details.config_digest = got.image.config_digest;
  details.tags = got.image.repo_tags;
  details.os = got.image.os;
  details.architecture = got.image.architecture;
  details.variant = got.image.variant;
  details.created = got.image.created;
  details.labels = got.image.labels;
  for (const inventory::ImageLayer& l : got.image.layers) details.layers.push_back(l.digest);
  out.resource.image = std::move(details);
  return out;
}

}  // namespace assay::cli
