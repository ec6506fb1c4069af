// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include <array>

#include "inventory/apk.h"
#include "inventory/dotnet.h"
#include "inventory/dpkg.h"
#include "inventory/golang.h"
#include "inventory/gosum.h"
#include "inventory/java.h"
#include "inventory/javascript.h"
#include "inventory/parser.h"
#include "inventory/php.h"
#include "inventory/python.h"
#include "inventory/rpm.h"
#include "inventory/ruby.h"
#include "inventory/rust.h"

namespace assay::inventory {
namespace {

// One line per parser.
constexpr std::array kParsers = {
    ParserEntry{kDpkgStatusType, &ParseDpkgStatus, kDpkgStatusParserVersion},
    ParserEntry{kApkInstalledType, &ParseApkInstalled, kApkInstalledParserVersion},
    ParserEntry{kRpmdbSqliteType, &ParseRpmdbSqlite, kRpmdbSqliteParserVersion},
    ParserEntry{kRpmdbBdbType, &ParseRpmdbBdb, kRpmdbBdbParserVersion},
    ParserEntry{kRpmdbNdbType, &ParseRpmdbNdb, kRpmdbNdbParserVersion},
    ParserEntry{kRpmFileType, &ParseRpmFile, kRpmFileParserVersion},
    // Python
    ParserEntry{kPythonMetadataType, &ParsePythonMetadata, kPythonMetadataParserVersion},
    ParserEntry{kRequirementsTxtType, &ParseRequirementsTxt, kRequirementsTxtParserVersion},
    ParserEntry{kPoetryLockType, &ParsePoetryLock, kPoetryLockParserVersion},
    ParserEntry{kPipfileLockType, &ParsePipfileLock, kPipfileLockParserVersion},
    ParserEntry{kPdmLockType, &ParsePdmLock, kPdmLockParserVersion},
    ParserEntry{kUvLockType, &ParseUvLock, kUvLockParserVersion},
    // JavaScript
    ParserEntry{kPackageLockJsonType, &ParsePackageLockJson, kPackageLockJsonParserVersion},
    ParserEntry{kYarnLockType, &ParseYarnLock, kYarnLockParserVersion},
    ParserEntry{kPnpmLockType, &ParsePnpmLock, kPnpmLockParserVersion},
    ParserEntry{kBunLockType, &ParseBunLock, kBunLockParserVersion},
    ParserEntry{kPackageJsonType, &ParsePackageJson, kPackageJsonParserVersion},
    // Go
    ParserEntry{kGoModType, &ParseGoMod, kGoModParserVersion},
    ParserEntry{kGoBinaryType, &ParseGoBinary, kGoBinaryParserVersion},
    ParserEntry{kGoSumType, &ParseGoSum, kGoSumParserVersion},
    // Rust
    ParserEntry{kCargoLockType, &ParseCargoLock, kCargoLockParserVersion},
    ParserEntry{kRustBinaryType, &ParseRustBinary, kRustBinaryParserVersion},
    // Ruby
    ParserEntry{kGemfileLockType, &ParseGemfileLock, kGemfileLockParserVersion},
    ParserEntry{kGemspecType, &ParseGemspec, kGemspecParserVersion},
    // PHP
    ParserEntry{kComposerLockType, &ParseComposerLock, kComposerLockParserVersion},
    ParserEntry{kComposerInstalledType, &ParseComposerInstalled, kComposerInstalledParserVersion},
    // .NET
    ParserEntry{kNugetLockType, &ParseNugetLock, kNugetLockParserVersion},
    ParserEntry{kDepsJsonType, &ParseDepsJson, kDepsJsonParserVersion},
    // Java
    ParserEntry{kJarType, &ParseJar, kJarParserVersion},
    ParserEntry{kPomXmlType, &ParsePomXml, kPomXmlParserVersion},
    ParserEntry{kGradleLockfileType, &ParseGradleLockfile, kGradleLockfileParserVersion},
};

}  // namespace

std::span<const ParserEntry> Parsers() { return kParsers; }

const ParserEntry* FindParser(std::string_view type) {
  for (const auto& p : kParsers) {
    if (p.type == type) return &p;
  }
  return nullptr;
}

}  // namespace assay::inventory
