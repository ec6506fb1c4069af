// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// Cargo.lock: every `[[package]]` table with a name and a version, registry or not (path and
// git packages are reported as well: they may share a name with a published crate and are what
// the build used). cargo-auditable binaries: the `.dep-v0` section (Mach-O: `__DATA,.dep-v0`)
// holds zlib-compressed JSON, `{"packages": [{"name", "version", "source", "kind", ...}]}`;
// build-time dependencies (`"kind": "build"`) are not in the binary and are left out.
#include "inventory/rust.h"

#include <toml++/toml.h>
#include <zlib.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>

#include "inventory/exe.h"
#include "inventory/internal/package_list.h"
#include "inventory/internal/purl.h"
#include "inventory/internal/toml.h"

namespace assay::inventory {
namespace {

constexpr std::string_view kEcosystem = "crates.io";
constexpr std::string_view kManager = "cargo";
// The decompressed dependency list of a binary is a few kilobytes; more is a decompression bomb.
constexpr size_t kMaxDepInfoBytes = size_t{8} << 20;

// The parse's packages: each (name, version) once.
class Packages : public internal::PackageList {
 public:
  explicit Packages(const ParseInput& input) : PackageList(input, kEcosystem, kManager) {}
};

// Inflates a zlib stream, failing past `limit` output bytes.
base::Result<std::string> Inflate(std::string_view in, size_t limit) {
  z_stream zs{};
  if (inflateInit(&zs) != Z_OK) return base::Status::Internal("zlib: inflateInit failed");
  std::string out;
  char buf[16384];
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  // zlib counts in uInt; the section is far below 4 GiB (the caller bounds it).
  zs.avail_in = static_cast<uInt>(std::min<size_t>(in.size(), 0xffffffffu));
  int rc = Z_OK;
  while (rc == Z_OK) {
    zs.next_out = reinterpret_cast<Bytef*>(buf);
    zs.avail_out = sizeof(buf);
    rc = inflate(&zs, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) break;
    out.append(buf, sizeof(buf) - zs.avail_out);
    if (out.size() > limit) {
      inflateEnd(&zs);
      return base::Status::Corruption("decompressed data exceeds " + std::to_string(limit >> 20) +
                                      " MiB");
    }
    if (rc == Z_OK && zs.avail_in == 0 && zs.avail_out != 0) {
      rc = Z_BUF_ERROR;  // input ended before the stream did
      break;
    }
  }
  const char* msg = zs.msg;
  inflateEnd(&zs);
  if (rc != Z_STREAM_END) {
    return base::Status::Corruption(std::string("zlib: ") +
                                    (msg != nullptr ? msg : "truncated or invalid stream"));
  }
  return out;
}

}  // namespace

base::Result<Parsed> ParseCargoLock(const ParseInput& input) {
  ASSAY_ASSIGN_OR_RETURN(toml::table doc,
                         internal::ParseTomlSafely(input.bytes, input.path, "Cargo.lock (TOML)"));
  Packages pkgs(input);
  const toml::node* list = doc.get("package");
  if (list == nullptr) return pkgs.Take();
  const toml::array* arr = list->as_array();
  if (arr == nullptr) {
    return base::Status::InvalidArgument(input.path + ":" +
                                         std::to_string(list->source().begin.line) +
                                         ": not a Cargo.lock (`package` is not an array of "
                                         "tables)");
  }
  size_t index = 0;
  for (const toml::node& n : *arr) {
    ++index;
    const std::string where = input.path + ":" + std::to_string(n.source().begin.line);
    const toml::table* t = n.as_table();
    if (t == nullptr) {
      pkgs.Warn(where, "package #" + std::to_string(index) + " is not a table; ignored");
      continue;
    }
    std::optional<std::string> name = (*t)["name"].value<std::string>();
    std::optional<std::string> version = (*t)["version"].value<std::string>();
    if (!name || name->empty()) {
      pkgs.Warn(where, "package #" + std::to_string(index) + " has no name; ignored");
      continue;
    }
    if (!version || version->empty()) {
      pkgs.Warn(where, "package " + *name + " has no version; ignored");
      continue;
    }
    pkgs.Add(std::move(*name), std::move(*version));
  }
  return pkgs.Take();
}

base::Result<Parsed> ParseRustBinary(const ParseInput& input) {
  auto x = exe::Executable::Parse(input.bytes);
  if (!x.ok()) {
    return base::Status::NotSupported(input.path + ": not a Rust binary (" + x.status().message() +
                                      ")");
  }
  const exe::Section* sec = x->FindSection(".dep-v0");
  if (sec == nullptr) sec = x->FindSection("__dep_v0");
  if (sec == nullptr) {
    return base::Status::NotSupported(input.path +
                                      ": no cargo-auditable dependency list (.dep-v0 section) in " +
                                      std::string(exe::FormatName(x->format())) + " file");
  }
  auto json_text = Inflate(x->SectionBytes(*sec), kMaxDepInfoBytes);
  if (!json_text.ok()) {
    return base::Status::Corruption(input.path +
                                    ": section .dep-v0: " + json_text.status().message());
  }
  nlohmann::json doc = nlohmann::json::parse(*json_text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    return base::Status::Corruption(input.path + ": section .dep-v0 holds no JSON object");
  }
  auto list = doc.find("packages");
  if (list == doc.end() || !list->is_array()) {
    return base::Status::Corruption(input.path + ": section .dep-v0 has no \"packages\" list");
  }
  Packages pkgs(input);
  const std::string where = input.path + ": .dep-v0";
  size_t index = 0;
  for (const nlohmann::json& p : *list) {
    const std::string which = "package #" + std::to_string(index++);
    if (!p.is_object()) {
      pkgs.Warn(where, which + " is not an object; ignored");
      continue;
    }
    auto str = [&p](const char* key) -> std::string {
      auto it = p.find(key);
      return it != p.end() && it->is_string() ? it->get<std::string>() : std::string();
    };
    if (str("kind") == "build") continue;
    std::string name = str("name");
    std::string version = str("version");
    if (name.empty()) {
      pkgs.Warn(where, which + " has no name; ignored");
      continue;
    }
    if (version.empty()) {
      pkgs.Warn(where, which + " (" + name + ") has no version; ignored");
      continue;
    }
    pkgs.Add(std::move(name), std::move(version));
  }
  return pkgs.Take();
}

}  // namespace assay::inventory
