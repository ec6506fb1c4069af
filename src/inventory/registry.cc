// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include <array>

#include "inventory/apk.h"
#include "inventory/dpkg.h"
#include "inventory/parser.h"
#include "inventory/rpm.h"

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
