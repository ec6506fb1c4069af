// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include <array>

#include "inventory/parser.h"

namespace assay::inventory {
namespace {

// One line per parser. Each parser's header is included above as it lands.
constexpr std::array<ParserEntry, 0> kParsers = {};

}  // namespace

std::span<const ParserEntry> Parsers() { return kParsers; }

const ParserEntry* FindParser(std::string_view type) {
  for (const auto& p : kParsers) {
    if (p.type == type) return &p;
  }
  return nullptr;
}

}  // namespace assay::inventory
