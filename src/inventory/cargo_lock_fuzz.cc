// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// ParseCargoLock never crashes or throws, and every package has a name, a version and a purl.
// Besides the raw bytes, the input is spliced into a valid Cargo.lock and used as field values.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "inventory/rust.h"

namespace {

constexpr std::string_view kTemplate =
    "version = 3\n\n[[package]]\nname = \"addr2line\"\nversion = \"0.15.2\"\n"
    "source = \"registry+https://github.com/rust-lang/crates.io-index\"\n"
    "dependencies = [\n \"gimli\",\n]\n\n[[package]]\nname = \"local\"\nversion = \"0.1.0\"\n";

void Check(std::string_view bytes) {
  auto r = assay::inventory::ParseCargoLock({bytes, "Cargo.lock", ""});
  if (!r.ok()) return;
  for (const auto& p : r->packages) {
    if (p.name.empty() || p.version.empty() || p.purl.empty()) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  Check(in);
  if (size == 0) return 0;
  const std::string rest(in.substr(1));
  if (data[0] % 2 == 0) {
    std::string spliced(kTemplate);
    spliced.insert((static_cast<size_t>(data[0]) * 7) % (spliced.size() + 1), rest);
    Check(spliced);
  } else {
    Check("[[package]]\nname = \"" + rest + "\"\nversion = \"" + rest +
          "\"\n[[package]]\nname = " + rest + "\nversion = " + rest + "\n");
  }
  return 0;
}
