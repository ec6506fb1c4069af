// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// ParseGemfileLock never crashes, and every package has a name and a version without blanks,
// the RubyGems ecosystem and a purl, and no (name, version) pair is listed twice. Besides the raw
// bytes, the input is spliced into a valid lockfile and used as a spec line, so that a
// non-coverage-guided driver also reaches the section and spec logic.
#include <cstdint>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>
#include <utility>

#include "inventory/ruby.h"

namespace {

constexpr std::string_view kTemplate =
    "GIT\n  remote: https://github.com/h/c.git\n  revision: 027dbe2e\n  specs:\n"
    "    hanami-controller (2.0.0.alpha1)\n      rack (~> 2.0)\n\nGEM\n"
    "  remote: https://rubygems.org/\n  specs:\n    nokogiri (1.13.3-x86_64-linux)\n"
    "      racc (~> 1.4)\n    rack (2.2.3)\n\nPLATFORMS\n  ruby\n\nDEPENDENCIES\n  rack\n\n"
    "BUNDLED WITH\n   2.3.7\n";

bool HasBlank(std::string_view s) {
  for (char c : s) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f') return true;
  }
  return false;
}

void Check(std::string_view bytes) {
  auto r = assay::inventory::ParseGemfileLock({bytes, "Gemfile.lock", ""});
  if (!r.ok()) return;
  std::set<std::pair<std::string, std::string>> seen;
  for (const auto& p : r->packages) {
    if (p.name.empty() || p.version.empty() || p.purl.empty() || p.ecosystem != "RubyGems" ||
        HasBlank(p.name) || HasBlank(p.version) || !seen.emplace(p.name, p.version).second) {
      std::abort();
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  Check(in);
  if (size == 0) return 0;
  if (data[0] % 2 == 0) {
    std::string spliced(kTemplate);
    spliced.insert((static_cast<size_t>(data[0]) * 7) % (spliced.size() + 1), in.substr(1));
    Check(spliced);
    return 0;
  }
  Check("GEM\n  specs:\n    " + std::string(in.substr(1)) + "\n    x (" +
        std::string(in.substr(1)) + ")\n");
  return 0;
}
