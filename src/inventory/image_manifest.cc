// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include "inventory/image_manifest.h"

#include <cstddef>
#include <limits>
#include <nlohmann/json.hpp>
#include <utility>

#include "base/sha256.h"
#include "base/strings.h"

namespace assay::inventory {
namespace {

using base::Result;
using base::Status;
using json = nlohmann::json;

// Deeper nesting than any manifest, index or config has: refused before parsing.
constexpr int kMaxJsonDepth = 64;

std::string Quote(std::string_view s) { return base::QuoteForMessage(s, 80); }

// The media type of a Content-Type value: parameters dropped, lowercased, trimmed.
std::string BareMediaType(std::string_view content_type) {
  size_t semi = content_type.find(';');
  return base::AsciiLower(base::Trim(content_type.substr(0, semi)));
}

bool IsIndexType(std::string_view t) {
  return t == kOciIndexMediaType || t == kDockerListMediaType;
}
bool IsManifestType(std::string_view t) {
  return t == kOciManifestMediaType || t == kDockerManifestMediaType;
}
bool IsSchema1Type(std::string_view t) {
  return t == "application/vnd.docker.distribution.manifest.v1+json" ||
         t == "application/vnd.docker.distribution.manifest.v1+prettyjws";
}

// Nesting depth of JSON text, counting brackets outside strings; stops early past `limit`.
bool NestingWithin(std::string_view text, int limit) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > limit) return false;
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return true;
}

Result<json> ParseObject(std::string_view bytes, std::string_view what) {
  if (!NestingWithin(bytes, kMaxJsonDepth)) {
    return Status::InvalidArgument(std::string(what) + ": JSON nested deeper than " +
                                   std::to_string(kMaxJsonDepth) + " levels");
  }
  json doc;
  try {
    doc = json::parse(bytes.begin(), bytes.end());
  } catch (const json::parse_error& e) {
    return Status::InvalidArgument(std::string(what) + ": invalid JSON at byte " +
                                   std::to_string(e.byte));
  } catch (const json::exception&) {  // out_of_range: a number too large for a double
    return Status::InvalidArgument(std::string(what) + ": invalid JSON (number out of range)");
  }
  if (!doc.is_object()) {
    return Status::InvalidArgument(std::string(what) + ": not a JSON object");
  }
  return doc;
}

Status FieldError(std::string_view what, std::string_view field, std::string_view problem) {
  return Status::InvalidArgument(std::string(what) + ": " + std::string(field) + ": " +
                                 std::string(problem));
}

// Optional string member `key` of `obj` ("" when absent or null).
Result<std::string> OptString(const json& obj, const char* key, std::string_view what,
                              std::string_view path) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return std::string();
  if (!it->is_string()) return FieldError(what, path, "not a string");
  return it->get<std::string>();
}

// Optional object of string values (annotations, labels).
Result<std::map<std::string, std::string>> OptStringMap(const json& obj, const char* key,
                                                        std::string_view what,
                                                        std::string_view path) {
  std::map<std::string, std::string> out;
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return out;
  if (!it->is_object()) return FieldError(what, path, "not an object");
  for (const auto& [k, v] : it->items()) {
    if (!v.is_string()) {
      return FieldError(what, std::string(path) + "." + k, "not a string");
    }
    out.emplace(k, v.get<std::string>());
  }
  return out;
}

Result<Platform> ParsePlatformObject(const json& obj, std::string_view what,
                                     std::string_view path) {
  Platform p;
  if (!obj.is_object()) return FieldError(what, path, "not an object");
  ASSAY_ASSIGN_OR_RETURN(p.os, OptString(obj, "os", what, std::string(path) + ".os"));
  ASSAY_ASSIGN_OR_RETURN(p.architecture,
                         OptString(obj, "architecture", what, std::string(path) + ".architecture"));
  ASSAY_ASSIGN_OR_RETURN(p.variant,
                         OptString(obj, "variant", what, std::string(path) + ".variant"));
  return p;
}

Result<Descriptor> ParseDescriptor(const json& obj, std::string_view what,
                                   const std::string& path) {
  if (!obj.is_object()) return FieldError(what, path, "not an object");
  Descriptor d;
  ASSAY_ASSIGN_OR_RETURN(d.media_type, OptString(obj, "mediaType", what, path + ".mediaType"));
  auto digest = obj.find("digest");
  if (digest == obj.end() || !digest->is_string()) {
    return FieldError(what, path + ".digest", "missing or not a string");
  }
  d.digest = digest->get<std::string>();
  ASSAY_RETURN_IF_ERROR(ValidateDigest(d.digest, std::string(what) + ": " + path + ".digest"));
  auto size = obj.find("size");
  if (size == obj.end()) return FieldError(what, path + ".size", "missing");
  if (size->is_number_unsigned()) {
    auto v = size->get<uint64_t>();
    if (v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return FieldError(what, path + ".size", "out of range");
    }
    d.size = static_cast<int64_t>(v);
  } else if (size->is_number_integer()) {
    d.size = size->get<int64_t>();
    if (d.size < 0) return FieldError(what, path + ".size", "negative");
  } else {
    return FieldError(what, path + ".size", "not an integer");
  }
  auto platform = obj.find("platform");
  if (platform != obj.end() && !platform->is_null()) {
    ASSAY_ASSIGN_OR_RETURN(d.platform, ParsePlatformObject(*platform, what, path + ".platform"));
  }
  ASSAY_ASSIGN_OR_RETURN(d.annotations,
                         OptStringMap(obj, "annotations", what, path + ".annotations"));
  return d;
}

Result<std::vector<Descriptor>> ParseDescriptorArray(const json& doc, const char* key,
                                                     std::string_view what) {
  auto it = doc.find(key);
  if (it == doc.end() || !it->is_array()) return FieldError(what, key, "missing or not an array");
  std::vector<Descriptor> out;
  out.reserve(it->size());
  size_t i = 0;
  for (const auto& entry : *it) {
    ASSAY_ASSIGN_OR_RETURN(
        Descriptor d,
        ParseDescriptor(entry, what, std::string(key) + "[" + std::to_string(i) + "]"));
    out.push_back(std::move(d));
    ++i;
  }
  return out;
}

// Classification of a parsed document (see ClassifyManifest).
Result<ManifestKind> Classify(const json& doc, std::string_view hint, std::string_view what) {
  auto schema = doc.find("schemaVersion");
  if (schema != doc.end() && schema->is_number_integer() && schema->get<int64_t>() == 1) {
    return Status::NotSupported(std::string(what) +
                                ": Docker schema 1 manifests are not supported");
  }
  ASSAY_ASSIGN_OR_RETURN(std::string own, OptString(doc, "mediaType", what, "mediaType"));
  auto schema1 = [&] {
    return Status::NotSupported(std::string(what) +
                                ": Docker schema 1 manifests are not supported");
  };
  // The document's own mediaType is authoritative, whatever it names.
  std::string own_type = BareMediaType(own);
  if (!own_type.empty()) {
    if (IsIndexType(own_type)) return ManifestKind::kIndex;
    if (IsManifestType(own_type)) return ManifestKind::kManifest;
    if (IsSchema1Type(own_type)) return schema1();
    return Status::NotSupported(std::string(what) + ": media type " + Quote(own_type) +
                                " is not an image manifest or index");
  }
  // A Content-Type decides when it is a manifest type; an unfamiliar one (application/json,
  // text/plain from a static server) leaves it to the shape.
  std::string hint_type = BareMediaType(hint);
  if (IsIndexType(hint_type)) return ManifestKind::kIndex;
  if (IsManifestType(hint_type)) return ManifestKind::kManifest;
  if (IsSchema1Type(hint_type)) return schema1();
  auto manifests = doc.find("manifests");
  if (manifests != doc.end() && manifests->is_array()) return ManifestKind::kIndex;
  if (doc.contains("layers") || doc.contains("config")) return ManifestKind::kManifest;
  return Status::InvalidArgument(std::string(what) +
                                 ": neither an image manifest nor an image index (no "
                                 "\"manifests\", \"layers\" or \"config\")");
}

bool IsLowerHex(std::string_view s) {
  for (char c : s) {
    if (!(base::IsDigit(c) || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

// Canonical architecture names for the aliases people type.
std::string CanonicalArch(std::string arch) {
  if (arch == "x86_64" || arch == "x86-64") return "amd64";
  if (arch == "aarch64") return "arm64";
  if (arch == "i386" || arch == "i686") return "386";
  return arch;
}

// Whether an entry's variant satisfies the wanted one (see SelectPlatform).
bool VariantMatches(const Platform& entry, const Platform& want) {
  if (want.variant.empty() || entry.variant.empty()) return true;
  return entry.variant == want.variant;
}

bool VariantExact(const Platform& entry, const Platform& want) {
  if (entry.variant == want.variant) return true;
  // arm64 is v8 unless told otherwise.
  if (want.architecture == "arm64") {
    auto v8 = [](const std::string& v) { return v.empty() || v == "v8"; };
    return v8(entry.variant) && v8(want.variant);
  }
  return false;
}

}  // namespace

std::string ManifestAcceptHeader() {
  std::string out;
  for (std::string_view t : {kOciIndexMediaType, kOciManifestMediaType, kDockerListMediaType,
                             kDockerManifestMediaType}) {
    if (!out.empty()) out += ", ";
    out += t;
  }
  return out;
}

Status ValidateDigest(std::string_view digest, std::string_view what) {
  size_t colon = digest.find(':');
  auto bad = [&](std::string_view why) {
    return Status::InvalidArgument(std::string(what) + ": " + std::string(why) + " " +
                                   Quote(digest));
  };
  if (colon == std::string_view::npos || colon == 0) return bad("malformed digest");
  std::string_view algorithm = digest.substr(0, colon);
  std::string_view hex = digest.substr(colon + 1);
  // OCI: algorithm = [a-z0-9]+ ([+._-] [a-z0-9]+)*
  bool sep_ok = false;
  for (char c : algorithm) {
    bool alnum = base::IsDigit(c) || (c >= 'a' && c <= 'z');
    if (alnum) {
      sep_ok = true;
    } else if ((c == '+' || c == '.' || c == '_' || c == '-') && sep_ok) {
      sep_ok = false;
    } else {
      return bad("malformed digest");
    }
  }
  if (!sep_ok) return bad("malformed digest");
  if (algorithm != "sha256") {
    return Status::NotSupported(std::string(what) + ": digest algorithm " + Quote(algorithm) +
                                " is not supported (only sha256)");
  }
  if (hex.size() != 64 || !IsLowerHex(hex)) {
    return bad("malformed sha256 digest (want 64 lowercase hex digits)");
  }
  return Status::Ok();
}

std::string_view DigestHex(std::string_view digest) {
  size_t colon = digest.find(':');
  return colon == std::string_view::npos ? std::string_view() : digest.substr(colon + 1);
}

std::string DigestOf(std::string_view bytes) {
  return "sha256:" + base::Sha256Hex(bytes).value_or("");
}

std::string Platform::ToString() const {
  std::string out = os + "/" + architecture;
  if (!variant.empty()) out += "/" + variant;
  return out;
}

Result<Platform> ParsePlatform(std::string_view text) {
  std::vector<std::string_view> parts = base::Split(text, '/');
  auto bad = [&] {
    return Status::InvalidArgument("platform " + Quote(text) +
                                   ": want OS/ARCH[/VARIANT] or ARCH, e.g. linux/arm64/v8");
  };
  if (text.empty() || parts.size() > 3) return bad();
  for (std::string_view p : parts) {
    if (p.empty() || p.size() > 32) return bad();
    for (char c : p) {
      if (!(base::IsAlnum(c) || c == '_' || c == '-' || c == '.')) return bad();
    }
  }
  Platform out;
  if (parts.size() == 1) {
    out.os = "linux";
    out.architecture = base::AsciiLower(parts[0]);
  } else {
    out.os = base::AsciiLower(parts[0]);
    out.architecture = base::AsciiLower(parts[1]);
    if (parts.size() == 3) out.variant = base::AsciiLower(parts[2]);
  }
  out.architecture = CanonicalArch(out.architecture);
  return out;
}

Platform HostPlatform() {
  Platform p;
  p.os = "linux";
#if defined(__x86_64__)
  p.architecture = "amd64";
#elif defined(__aarch64__)
  p.architecture = "arm64";
  p.variant = "v8";
#elif defined(__i386__)
  p.architecture = "386";
#elif defined(__arm__)
  p.architecture = "arm";
  p.variant = "v7";
#elif defined(__powerpc64__) && defined(__LITTLE_ENDIAN__)
  p.architecture = "ppc64le";
#elif defined(__s390x__)
  p.architecture = "s390x";
#elif defined(__riscv) && __riscv_xlen == 64
  p.architecture = "riscv64";
#else
  p.architecture = "unknown";
#endif
  return p;
}

Result<ManifestKind> ClassifyManifest(std::string_view bytes, std::string_view media_type_hint,
                                      std::string_view what) {
  ASSAY_ASSIGN_OR_RETURN(json doc, ParseObject(bytes, what));
  return Classify(doc, media_type_hint, what);
}

Result<ImageManifest> ParseImageManifest(std::string_view bytes, std::string_view media_type_hint,
                                         std::string_view what) {
  ASSAY_ASSIGN_OR_RETURN(json doc, ParseObject(bytes, what));
  ASSAY_ASSIGN_OR_RETURN(ManifestKind kind, Classify(doc, media_type_hint, what));
  if (kind != ManifestKind::kManifest) {
    return Status::InvalidArgument(std::string(what) + ": an image index, not an image manifest");
  }
  ImageManifest m;
  ASSAY_ASSIGN_OR_RETURN(m.media_type, OptString(doc, "mediaType", what, "mediaType"));
  m.media_type = BareMediaType(m.media_type);
  if (m.media_type.empty()) m.media_type = BareMediaType(media_type_hint);
  auto config = doc.find("config");
  if (config == doc.end()) return FieldError(what, "config", "missing");
  ASSAY_ASSIGN_OR_RETURN(m.config, ParseDescriptor(*config, what, "config"));
  ASSAY_ASSIGN_OR_RETURN(m.layers, ParseDescriptorArray(doc, "layers", what));
  if (!IsManifestType(m.media_type)) {
    // No usable type anywhere: name it after its config, as Docker and OCI tools would.
    m.media_type =
        std::string(m.config.media_type == kDockerConfigMediaType ? kDockerManifestMediaType
                                                                  : kOciManifestMediaType);
  }
  return m;
}

Result<ImageIndex> ParseImageIndex(std::string_view bytes, std::string_view media_type_hint,
                                   std::string_view what) {
  ASSAY_ASSIGN_OR_RETURN(json doc, ParseObject(bytes, what));
  ASSAY_ASSIGN_OR_RETURN(ManifestKind kind, Classify(doc, media_type_hint, what));
  if (kind != ManifestKind::kIndex) {
    return Status::InvalidArgument(std::string(what) + ": an image manifest, not an image index");
  }
  ImageIndex index;
  ASSAY_ASSIGN_OR_RETURN(index.media_type, OptString(doc, "mediaType", what, "mediaType"));
  index.media_type = BareMediaType(index.media_type);
  if (!IsIndexType(index.media_type)) {
    std::string hint = BareMediaType(media_type_hint);
    index.media_type = IsIndexType(hint) ? hint : std::string(kOciIndexMediaType);
  }
  ASSAY_ASSIGN_OR_RETURN(index.manifests, ParseDescriptorArray(doc, "manifests", what));
  return index;
}

Result<Descriptor> SelectPlatform(const ImageIndex& index, const Platform& want,
                                  std::string_view what) {
  Platform w = want;
  w.architecture = CanonicalArch(w.architecture);
  const Descriptor* loose = nullptr;
  std::string have;
  for (const Descriptor& d : index.manifests) {
    const Platform& p = d.platform;
    if (p.os.empty() && p.architecture.empty()) continue;
    if (p.os == "unknown" || p.architecture == "unknown") continue;  // attestations
    if (!have.empty()) have += ", ";
    have += p.ToString();
    if (p.os != w.os || CanonicalArch(p.architecture) != w.architecture) continue;
    if (VariantExact(p, w)) return d;
    if (loose == nullptr && VariantMatches(p, w)) loose = &d;
  }
  if (loose != nullptr) return *loose;
  return Status::NotFound(std::string(what) + ": no manifest for " + w.ToString() +
                          "; the index has " + (have.empty() ? "no platform entries" : have));
}

Result<ImageConfig> ParseImageConfig(std::string_view bytes, std::string_view what) {
  ASSAY_ASSIGN_OR_RETURN(json doc, ParseObject(bytes, what));
  ImageConfig c;
  ASSAY_ASSIGN_OR_RETURN(c.platform.os, OptString(doc, "os", what, "os"));
  ASSAY_ASSIGN_OR_RETURN(c.platform.architecture,
                         OptString(doc, "architecture", what, "architecture"));
  ASSAY_ASSIGN_OR_RETURN(c.platform.variant, OptString(doc, "variant", what, "variant"));
  ASSAY_ASSIGN_OR_RETURN(c.created, OptString(doc, "created", what, "created"));
  ASSAY_ASSIGN_OR_RETURN(c.author, OptString(doc, "author", what, "author"));
  auto config = doc.find("config");
  if (config != doc.end() && !config->is_null()) {
    if (!config->is_object()) return FieldError(what, "config", "not an object");
    ASSAY_ASSIGN_OR_RETURN(c.labels, OptStringMap(*config, "Labels", what, "config.Labels"));
  }
  auto rootfs = doc.find("rootfs");
  if (rootfs != doc.end() && !rootfs->is_null()) {
    if (!rootfs->is_object()) return FieldError(what, "rootfs", "not an object");
    auto ids = rootfs->find("diff_ids");
    if (ids != rootfs->end() && !ids->is_null()) {
      if (!ids->is_array()) return FieldError(what, "rootfs.diff_ids", "not an array");
      size_t i = 0;
      for (const auto& id : *ids) {
        std::string path = "rootfs.diff_ids[" + std::to_string(i++) + "]";
        if (!id.is_string()) return FieldError(what, path, "not a string");
        std::string digest = id.get<std::string>();
        ASSAY_RETURN_IF_ERROR(ValidateDigest(digest, std::string(what) + ": " + path));
        c.diff_ids.push_back(std::move(digest));
      }
    }
  }
  return c;
}

}  // namespace assay::inventory
