// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// Java: archives, Maven POMs and Gradle lockfiles. Bytes in, packages out
// (see parser.h): each function is pure and thread-safe and never opens a file (the files a
// format refers to come through ParseInput::siblings). Every package carries ecosystem, name,
// version, purl (internal::LanguagePurl), path = input.path (or that of the referenced file it
// was found in), package_manager, and dev = true when the file marks it development-only.
#pragma once

#include <string_view>

#include "base/status.h"
#include "inventory/parser.h"

namespace assay::inventory {

// A jar/war/ear (zip, read from memory): every `pom.properties` (META-INF/maven/<g>/<a>/), else
// the MANIFEST.MF main section; a file name alone (`name-1.2.3.jar`, no groupId) is a warning.
// Nested archives are parsed too (bounded depth and decompressed size); their packages carry the
// path "outer.war!/WEB-INF/lib/x.jar". An input that is not a zip is an error. (java_archive.cc)
inline constexpr std::string_view kJarType = "jar";
inline constexpr int kJarParserVersion = 1;
base::Result<Parsed> ParseJar(const ParseInput& input);

// pom.xml: `dependencies` (and those of profiles active by default); `${...}` resolved from the
// file's properties and coordinates, missing versions from its dependencyManagement, version
// ranges reduced to their lower bound, scope test = dev. Local parent POMs (`<relativePath>`,
// default ../pom.xml) are read through ParseInput::siblings and merged as Maven merges them:
// their properties and dependencyManagement apply, their dependencies are inherited (with the
// parent's path). What stays unresolved (parents from a repository, BOMs) is a warning.
// Malformed XML is an error naming the line. (java_pom.cc)
inline constexpr std::string_view kPomXmlType = "pom-xml";
inline constexpr int kPomXmlParserVersion = 2;
base::Result<Parsed> ParsePomXml(const ParseInput& input);

// gradle.lockfile (`group:artifact:version=configurations`); dev when every configuration is a
// test one (test*). Malformed lines are warnings.
inline constexpr std::string_view kGradleLockfileType = "gradle-lockfile";
inline constexpr int kGradleLockfileParserVersion = 1;
base::Result<Parsed> ParseGradleLockfile(const ParseInput& input);

}  // namespace assay::inventory
