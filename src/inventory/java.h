// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// Java: archives, Maven POMs and Gradle lockfiles. Bytes in, packages out
// (see parser.h): each function is pure and thread-safe and never opens a file. Every package
// carries ecosystem, name, version, purl (internal::LanguagePurl), path = input.path,
// package_manager, and dev = true when the file marks it development-only.
#pragma once

#include <string_view>

#include "base/status.h"
#include "inventory/parser.h"

namespace assay::inventory {

// a jar/war/ear (zip): `META-INF/maven/**/pom.properties`, else MANIFEST.MF, else the file name; nested archives too.
inline constexpr std::string_view kJarType = "jar";
inline constexpr int kJarParserVersion = 1;
base::Result<Parsed> ParseJar(const ParseInput& input);

// pom.xml: `dependencies` with literal versions (properties from the same file resolved).
inline constexpr std::string_view kPomXmlType = "pom-xml";
inline constexpr int kPomXmlParserVersion = 1;
base::Result<Parsed> ParsePomXml(const ParseInput& input);

// gradle.lockfile (`group:artifact:version=configurations`).
inline constexpr std::string_view kGradleLockfileType = "gradle-lockfile";
inline constexpr int kGradleLockfileParserVersion = 1;
base::Result<Parsed> ParseGradleLockfile(const ParseInput& input);

}  // namespace assay::inventory
