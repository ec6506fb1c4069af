// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// `assay sbom`: collect an inventory from a directory or a lockfile and print it. The work is in
// the inventory library (fs.h, collector.h, inventory_json.h); this file parses flags, reads the
// lockfile the user named and prints.
#include "cli/sbom_cmd.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "advisories/db.h"
#include "base/file.h"
#include "base/status.h"
#include "cli/commands.h"
#include "inventory/collector.h"
#include "inventory/fs.h"
#include "inventory/inventory_json.h"
#include "inventory/parser.h"
#include "inventory/siblings.h"
#include "report/internal/render_util.h"
#include "report/render.h"

namespace assay::cli {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;

std::string RenderInventoryJson(const model::Inventory& inventory,
                                const report::ScannedResource& subject) {
  if (!subject.image) return inventory::InventoryToJsonText(inventory);
  nlohmann::ordered_json doc = nlohmann::ordered_json::object();
  doc["image"] = report::internal::ImageDetailsJson(*subject.image);
  doc["image"]["reference"] = subject.path;
  doc["image"]["id"] = subject.id;
  nlohmann::ordered_json inv = inventory::InventoryToJson(inventory);
  for (auto& [k, v] : inv.items()) doc[k] = std::move(v);
  return doc.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

template <report::RenderFn kRender>
std::string RenderWithReport(const model::Inventory& inventory,
                             const report::ScannedResource& subject) {
  report::RenderOptions opts;
  opts.tool_version = std::string(advisories::kAssayVersion);
  return kRender(report::InventoryResult(inventory, subject), opts);
}

constexpr std::array kFormats = {
    SbomFormat{"json", "assay's inventory JSON (os, packages, warnings, collectors)",
               &RenderInventoryJson},
    SbomFormat{"cyclonedx", "CycloneDX 1.5 JSON", &RenderWithReport<&report::RenderCycloneDx>},
    SbomFormat{"spdx", "SPDX 2.3 JSON", &RenderWithReport<&report::RenderSpdx>},
};

const SbomFormat* FindFormat(std::string_view name) {
  for (const auto& f : kFormats) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

// Reads the file the user named: a plain read-only open (a pipe such as <(...) works), capped
// at the inventory read limit.
base::Result<std::string> ReadUserFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) {
    int err = errno;
    if (err == ENOENT) return base::Status::NotFound(path + ": no such file");
    return base::Status::IOError(path + ": " + std::strerror(err));
  }
  struct stat st;
  if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    ::close(fd);
    return base::Status::InvalidArgument(path + ": is a directory");
  }
  std::string out;
  char buf[1 << 16];
  while (true) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      return base::Status::IOError(path + ": " + std::strerror(err));
    }
    if (n == 0) break;
    if (out.size() + static_cast<size_t>(n) > inventory::kDefaultMaxReadBytes) {
      ::close(fd);
      return base::Status::InvalidArgument(path + ": larger than the read limit of " +
                                           std::to_string(inventory::kDefaultMaxReadBytes) +
                                           " bytes");
    }
    out.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return out;
}

base::Result<model::Inventory> FromLockfile(const std::string& spec, bool include_dev) {
  size_t colon = spec.find(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == spec.size()) {
    return base::Status::InvalidArgument("--lockfile expects TYPE:FILE (types: " +
                                         inventory::KnownLockfileTypes() + "), got '" + spec + "'");
  }
  std::string type = spec.substr(0, colon);
  std::string file = spec.substr(colon + 1);
  // An unknown type is reported before the file is touched.
  if (inventory::FindParser(type) == nullptr) {
    return inventory::CollectLockfile(type, "", file).status();
  }
  ASSAY_ASSIGN_OR_RETURN(std::string bytes, ReadUserFile(file));
  // The files beside it that the format may refer to (requirements.txt -r/-c, an old go.mod's
  // go.sum): its directory and below, nothing above. Where the directory cannot be opened that
  // way (a kernel without openat2), such references stay warnings.
  auto siblings = inventory::FsSiblingFiles::BesideFile(file);
  return inventory::CollectLockfile(type, bytes, file, include_dev,
                                    siblings.ok() ? siblings->get() : nullptr);
}

base::Result<model::Inventory> FromDirectory(const SbomOptions& options) {
  ASSAY_ASSIGN_OR_RETURN(std::unique_ptr<inventory::Fs> fs, inventory::OpenDirFs(options.path));
  inventory::CollectOptions collect;
  collect.include_dev = options.include_dev;
  collect.skip_paths = options.skip_paths;
  return inventory::CollectInventory(*fs, collect);
}

SbomOutcome Fail(int code, std::string message) {
  SbomOutcome out;
  out.exit_code = code;
  out.error = std::move(message);
  return out;
}

}  // namespace

std::span<const SbomFormat> SbomFormats() { return kFormats; }

SbomOutcome RunSbom(const SbomOptions& options) {
  const SbomFormat* format = FindFormat(options.format);
  if (format == nullptr) {
    std::string known;
    for (const auto& f : kFormats) known += (known.empty() ? "" : ", ") + std::string(f.name);
    return Fail(kExitUsage, "unknown format '" + options.format + "' (known: " + known + ")");
  }
  if (!options.path.empty() + !options.lockfile.empty() + !options.image.empty() != 1) {
    return Fail(kExitUsage,
                "give either a PATH to collect from, --lockfile TYPE:FILE or image REF");
  }

  report::ScannedResource subject;
  subject.scanned_at = options.now.empty() ? report::NowRfc3339() : options.now;
  base::Result<model::Inventory> inv = model::Inventory{};
  if (!options.image.empty()) {
    inventory::CollectOptions collect;
    collect.include_dev = options.include_dev;
    collect.skip_paths = options.skip_paths;
    auto img = CollectImageResource(options.image, options.image_args, collect);
    if (!img.ok()) {
      const bool input = img.status().code() == base::Code::kInvalidArgument ||
                         img.status().code() == base::Code::kNotFound;
      return Fail(input ? kExitUsage : kExitFailed, img.status().message());
    }
    img->resource.scanned_at = subject.scanned_at;
    subject = std::move(img->resource);
    inv = std::move(img->inventory);
  } else {
    inv = options.lockfile.empty() ? FromDirectory(options)
                                   : FromLockfile(options.lockfile, options.include_dev);
  }
  if (!inv.ok()) {
    // Everything that stops a collection here is about the input the user named: a missing or
    // unreadable PATH, an unknown TYPE, a FILE that is not of that type.
    return Fail(kExitUsage, inv.status().message());
  }

  if (options.image.empty()) {
    std::string named = options.lockfile.empty()
                            ? options.path
                            : options.lockfile.substr(options.lockfile.find(':') + 1);
    std::error_code ec;
    std::filesystem::path abs = std::filesystem::absolute(named, ec);
    subject.path = (ec ? std::filesystem::path(named) : abs).lexically_normal().string();
    subject.type = options.lockfile.empty() ? "rootfs" : "lockfile";
    subject.id = subject.type + ":" + subject.path;
  }
  std::string document = format->render(*inv, subject);
  SbomOutcome out;
  if (options.output.empty()) {
    out.document = std::move(document);
    return out;
  }
  base::Status written = base::WriteFileAtomic(options.output, document);
  if (!written.ok()) return Fail(kExitFailed, written.message());
  return out;
}

void AddSbom(CLI::App& app, int* exit_code) {
  auto opts = std::make_shared<SbomOptions>();
  CLI::App* cmd = app.add_subcommand(
      "sbom", "List the packages of a root filesystem directory, or of one lockfile");
  cmd->add_option("path", opts->path, "Root filesystem directory to collect from (read-only)");
  cmd->add_option("--lockfile", opts->lockfile,
                  "TYPE:FILE: parse one file with a registered parser instead (types: " +
                      inventory::KnownLockfileTypes() + ")");
  std::vector<std::string> names;
  std::string help = "Output format:";
  for (const auto& f : kFormats) {
    names.emplace_back(f.name);
    help += " " + std::string(f.name) + " (" + std::string(f.description) + ")";
  }
  cmd->add_option("--format", opts->format, help)->check(CLI::IsMember(names));
  cmd->add_option("-o,--output", opts->output, "Write the document to FILE instead of stdout");
  cmd->add_flag("--include-dev", opts->include_dev,
                "Keep dependencies a lockfile marks development-only");
  cmd->add_option("--skip-dir", opts->skip_paths,
                  "Directory (relative to PATH) not to walk for language packages; repeatable");

  // assay sbom image REF: the same document for a container image.
  auto img = std::make_shared<SbomOptions>();
  CLI::App* image = cmd->add_subcommand(
      "image",
      "List the packages of a container image: oci:DIR[:TAG], oci-archive:FILE[:TAG], "
      "docker-archive:FILE[:REPO:TAG] or HOST[:PORT]/REPO[:TAG|@sha256:...]");
  image->add_option("ref", img->image, "Image reference")->required();
  image->add_option("--format", img->format, help)->check(CLI::IsMember(names));
  image->add_option("-o,--output", img->output, "Write the document to FILE instead of stdout");
  image->add_flag("--include-dev", img->include_dev,
                  "Keep dependencies a lockfile marks development-only");
  image->add_option("--skip-dir", img->skip_paths,
                    "Directory (relative to the image's root) not to walk for language packages; "
                    "repeatable");
  AddImageFlags(*image, img->image_args);
  image->callback([img, exit_code] {
    SbomOutcome out = RunSbom(*img);
    *exit_code = out.exit_code;
    if (out.exit_code != kExitOk) {
      std::fprintf(stderr, "assay sbom image: %s\n", out.error.c_str());
      return;
    }
    std::fwrite(out.document.data(), 1, out.document.size(), stdout);
    std::fflush(stdout);
  });

  cmd->callback([opts, exit_code, image] {
    if (image->parsed()) return;  // `assay sbom image REF` ran its own callback
    SbomOutcome out = RunSbom(*opts);
    *exit_code = out.exit_code;
    if (out.exit_code != kExitOk) {
      std::fprintf(stderr, "assay sbom: %s\n", out.error.c_str());
      return;
    }
    std::fwrite(out.document.data(), 1, out.document.size(), stdout);
    std::fflush(stdout);
  });
}

}  // namespace assay::cli
