// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// SBOM documents as scan input (`assay scan sbom FILE`): CycloneDX JSON (1.2 to 1.6) and SPDX
// 2.x JSON in, model::Inventory out. Like every parser here it takes bytes and never touches the
// filesystem; the caller reads the file.
//
// What is read:
//  CycloneDX  metadata.component and components[], walked depth-first including nested
//             `components` (at most kMaxSbomNesting levels). A component of type
//             "operating-system" names the OS (name → os-release ID, version → VERSION_ID,
//             description → pretty name). Every other component with a `purl` becomes a package;
//             its `version` is used when the purl has none. Properties fill in the source
//             package: assay's own ("assay:source-name", "assay:source-version"), and Trivy's
//             ("aquasecurity:trivy:SrcName", "...:SrcVersion", "...:SrcRelease", "...:SrcEpoch").
//  SPDX       packages[], each package's externalRefs of referenceType "purl". A package with
//             primaryPackagePurpose OPERATING-SYSTEM names the OS (name, versionInfo).
//             `sourceInfo` "built package from: <name> [<version>]" (as assay and Trivy write
//             it) names the source package.
//
// Package URLs (ParsePurl) map to OSV ecosystems (PackageFromPurl):
//   deb       namespace debian|ubuntu; the `distro` qualifier ("debian-12", "debian-12.5",
//             "bookworm", "ubuntu-22.04", "jammy") gives the release → "Debian:12",
//             "Ubuntu:22.04:LTS"; without it, the document's OS ecosystem when it is the same
//             distribution, else the bare "Debian"/"Ubuntu" (which the matcher reports as
//             unmatchable). `upstream` ("zlib" or "gcc-12@12.2.0-14") names the source package.
//   apk       namespace alpine|wolfi|chainguard; distro "alpine-3.19.1" → "Alpine:v3.19".
//   rpm       namespace and distro ("almalinux-9.3", "rhel-9.2", "rocky-9") → "AlmaLinux:9",
//             "Red Hat:enterprise_linux:9", "Rocky Linux:9"; the `epoch` qualifier is put in
//             front of the version ("1:3.0.7-24.el9"); `upstream` ("openssl-3.0.7-24.el9.src.rpm")
//             names the source rpm.
//   pypi → PyPI, npm → npm ("@scope/name"), golang → Go ("namespace/name"), cargo → crates.io,
//   gem → RubyGems, maven → Maven ("group:artifact"), nuget → NuGet, composer → Packagist
//   ("vendor/name").
// Other purl types have no OSV ecosystem assay matches: such packages are left out with a
// warning.
//
// Problems with single components are warnings located at "<path>: components[3]" (or
// "packages[3]" for SPDX), never fatal: a package-like component (CycloneDX type library or
// framework, or none; an SPDX package that is not the document's subject, an OS, a container
// or a file) without a purl, a purl that does not parse, a package without a version. At most
// kMaxWarningsPerKind warnings of one kind are listed, then one that counts the rest.
//
// Pure functions: thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"
#include "model/inventory.h"
#include "model/package.h"

namespace assay::inventory {

inline constexpr int kSbomInputVersion = 1;  // bump when the same document yields other packages
inline constexpr std::size_t kMaxSbomNesting = 64;
inline constexpr std::size_t kMaxWarningsPerKind = 20;

// A parsed package URL (https://github.com/package-url/purl-spec): every part percent-decoded,
// type and qualifier keys lower-cased, qualifiers in document order.
struct Purl {
  std::string type;
  std::vector<std::string> namespaces;  // the '/'-separated namespace segments
  std::string name;
  std::string version;
  std::vector<std::pair<std::string, std::string>> qualifiers;
  std::string subpath;

  std::string Namespace() const;                      // the segments joined with '/'
  std::string Qualifier(std::string_view key) const;  // "" when absent
};

// InvalidArgument naming the problem when `text` is not a package URL: no "pkg:" scheme, no
// type or name, a bad percent escape.
base::Result<Purl> ParsePurl(std::string_view text);

// The package a purl names, with ecosystem, name, version, source, arch and purl filled in (path
// and package_manager too: "dpkg", "apk", "rpm", "pip", "npm", "go", "cargo", "gem", "maven",
// "nuget", "composer"). `os_ecosystem` is the document's OS ecosystem (may be ""), used for OS
// packages whose purl does not say the release. NotSupported for purl types without an OSV
// ecosystem; InvalidArgument when the purl does not parse or has no version (`fallback_version`,
// the document's own version field, is used when the purl has none).
base::Result<model::Package> PackageFromPurl(std::string_view purl, std::string_view os_ecosystem,
                                             std::string_view fallback_version = {});

enum class SbomKind { kCycloneDx, kSpdx };

// Parses one CycloneDX or SPDX JSON document (the kind is detected from `bomFormat` /
// `spdxVersion`). `path` names the file in Package::path and in warnings. The result's
// collectors are {"cyclonedx@<kSbomInputVersion>"} or {"spdx@..."}; packages are sorted and
// exact duplicates (the same purl twice) kept once. When the document names no OS, one is
// inferred from the OS packages' ecosystems if they all agree (with a warning saying so).
// InvalidArgument (starting with `path`) when the bytes are not JSON, are CycloneDX XML or SPDX
// tag-value, or are JSON of neither kind, or when `components`/`packages` is not an array.
base::Result<model::Inventory> ParseSbom(std::string_view bytes, const std::string& path);

}  // namespace assay::inventory
