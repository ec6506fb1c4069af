// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// Fuzzes the enrichment parsers: the first byte picks KEV JSON, an NVD API page (each bare or
// wrapped in a valid outer document), or the CSV reader; none may crash, and the CSV reader must
// make progress on every record.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "advisories/feed.h"
#include "advisories/internal/feed_internal.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  // Templates put the fuzzed bytes where a record's fields go, past the outer shape checks.
  std::string wrapped;
  switch (data[0] % 5) {
    case 3:
      wrapped = R"({"totalResults":1,"vulnerabilities":[{"cve":{"id":"CVE-1","metrics":)" +
                std::string(text) + "}}]}";
      text = wrapped;
      break;
    case 4:
      wrapped = R"({"catalogVersion":"1","vulnerabilities":[)" + std::string(text) + "]}";
      text = wrapped;
      break;
    default:
      break;
  }
  switch (data[0] % 5) {
    case 0:
    case 4: {
      auto kev = assay::advisories::ParseKevJson(text);
      if (kev.ok()) {
        for (const auto& e : kev->entries) {
          if (e.cve.empty()) std::abort();  // entries without an id become warnings
        }
      }
      break;
    }
    case 1:
    case 3: {
      auto page = assay::advisories::ParseNvdApiPage(text);
      if (page.ok()) {
        for (const auto& c : page->items) {
          if (c.cve.empty()) std::abort();
          if (c.v3_score && (*c.v3_score < 0 || *c.v3_score > 10)) std::abort();
          if (c.v2_score && (*c.v2_score < 0 || *c.v2_score > 10)) std::abort();
        }
      }
      break;
    }
    default: {
      auto reader = assay::advisories::internal::CsvReader::FromString(text);
      std::vector<std::string> fields;
      std::int64_t last_line = 0;
      std::size_t records = 0;
      while (true) {
        auto more = reader.Next(&fields);
        if (!more.ok() || !*more) break;
        // Every record consumes input and none starts before the previous one.
        if (++records > text.size() || fields.empty() || reader.record_line() < last_line) {
          std::abort();
        }
        last_line = reader.record_line();
      }
      break;
    }
  }
  return 0;
}
