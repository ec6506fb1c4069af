// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// ParseComposerLock and ParseComposerInstalled never crash, and every package has a name, a
// version, the Packagist ecosystem and a purl, and no (name, version) pair is listed twice.
// Besides the raw bytes, the input is spliced into valid documents, so that a
// non-coverage-guided driver also reaches the package logic.
#include <cstdint>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>
#include <utility>

#include "inventory/php.h"

namespace {

constexpr std::string_view kLock =
    R"({"packages": [{"name": "sentry/sdk", "version": "2.0.4"}, {"name": "a/b", "version":)"
    R"( "v1.0"}], "packages-dev": [{"name": "theseer/tokenizer", "version": "1.1.3"}]})";
constexpr std::string_view kInstalled =
    R"({"packages": [{"name": "psr/log", "version": "3.0.0"}, {"name": "p/u", "version": )"
    R"("10.5"}], "dev": true, "dev-package-names": ["p/u"]})";

void Validate(const assay::base::Result<assay::inventory::Parsed>& r) {
  if (!r.ok()) return;
  std::set<std::pair<std::string, std::string>> seen;
  for (const auto& p : r->packages) {
    if (p.name.empty() || p.version.empty() || p.purl.empty() || p.ecosystem != "Packagist" ||
        !seen.emplace(p.name, p.version).second) {
      std::abort();
    }
  }
}

void Check(std::string_view bytes) {
  Validate(assay::inventory::ParseComposerLock({bytes, "composer.lock", ""}));
  Validate(assay::inventory::ParseComposerInstalled({bytes, "vendor/composer/installed.json", ""}));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  Check(in);
  if (size == 0) return 0;
  std::string doc(data[0] % 2 == 0 ? kLock : kInstalled);
  doc.insert((static_cast<size_t>(data[0]) * 7) % (doc.size() + 1), in.substr(1));
  Check(doc);
  return 0;
}
