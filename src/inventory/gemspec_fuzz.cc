// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// ParseGemspec never crashes, and a successful parse yields exactly one package with a name and
// a version without blanks, the RubyGems ecosystem and a purl. Besides the raw bytes, the input
// is used as the name or version expression of an otherwise valid gemspec, so that a
// non-coverage-guided driver also reaches the Ruby literal reader.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "inventory/ruby.h"

namespace {

bool HasBlank(std::string_view s) {
  for (char c : s) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f') return true;
  }
  return false;
}

void Check(std::string_view bytes) {
  auto r = assay::inventory::ParseGemspec({bytes, "specifications/x.gemspec", ""});
  if (!r.ok()) return;
  if (r->packages.size() != 1) std::abort();
  const auto& p = r->packages[0];
  if (p.name.empty() || p.version.empty() || p.purl.empty() || p.ecosystem != "RubyGems" ||
      HasBlank(p.name) || HasBlank(p.version)) {
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  Check(in);
  if (size == 0) return 0;
  std::string rest(in.substr(1));
  switch (data[0] % 4) {
    case 0:
      Check("Gem::Specification.new do |s|\n  s.name = \"rake\".freeze\n  s.version = " + rest +
            "\nend\n");
      break;
    case 1:
      Check("Gem::Specification.new do |spec|\n  spec.name = " + rest +
            "\n  spec.version = Gem::Version.new(\"1.0\")\nend\n");
      break;
    case 2:
      Check("Gem::Specification.new do |s|\n  s.name = %q" + rest + "\n  s.version = %Q" + rest +
            "\nend\n");
      break;
    default:
      Check(rest + "\n  s.name = 'x'\n  s.version = '1'\n");
      break;
  }
  return 0;
}
