// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// ParsePnpmLock never crashes, and every package has a name, a version and a purl. Besides the
// raw bytes, the input is spliced into valid v5, v6 and v9 lockfiles (as raw text, a package key
// and a version) so that a non-coverage-guided driver also reaches the dependency-path parsing
// and the v9 dependency walk.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "inventory/javascript.h"

namespace {

constexpr std::string_view kV5 =
    "lockfileVersion: 5.4\npackages:\n  /a/1.0.0:\n    dev: true\n  /@s/b/2.0.0_a@1.0.0:\n"
    "    dev: false\n  file:x:\n    name: x\n    version: 0.1.0\n";

constexpr std::string_view kV9 =
    "lockfileVersion: '9.0'\nimporters:\n  .:\n    dependencies:\n      a:\n"
    "        specifier: ^1\n        version: 1.0.0(b@2.0.0)\n    devDependencies:\n      d:\n"
    "        specifier: ^1\n        version: 1.0.0\npackages:\n  a@1.0.0: {}\n  b@2.0.0: {}\n"
    "  d@1.0.0: {}\n  t@https://x/t.tgz:\n    version: 0.4.0\nsnapshots:\n  a@1.0.0(b@2.0.0):\n"
    "    dependencies:\n      b: 2.0.0\n  b@2.0.0: {}\n  d@1.0.0:\n    dependencies:\n"
    "      a: 1.0.0(b@2.0.0)\n";

void Check(std::string_view bytes) {
  auto r = assay::inventory::ParsePnpmLock({bytes, "pnpm-lock.yaml", ""});
  if (!r.ok()) return;
  for (const auto& p : r->packages) {
    if (p.name.empty() || p.version.empty() || p.purl.empty()) std::abort();
  }
}

// `s` as a single-quoted YAML scalar.
std::string Quoted(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out.push_back('\'');
    if (c == '\n' || c == '\r') continue;
    out.push_back(c);
  }
  return out + "'";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  Check(in);
  if (size == 0) return 0;
  std::string q = Quoted(in.substr(1));
  switch (data[0] % 3) {
    case 0: {
      std::string spliced(data[0] & 4 ? kV5 : kV9);
      spliced.insert((static_cast<size_t>(data[0]) * 7) % (spliced.size() + 1), in.substr(1));
      Check(spliced);
      break;
    }
    case 1: {
      const char* version = data[0] & 8 ? "'9.0'" : data[0] & 4 ? "'6.0'" : "5.3";
      Check(std::string("lockfileVersion: ") + version + "\npackages:\n  " + q + ":\n    dev: " +
            q + "\n  /a/" + "1.0.0:\n    version: " + q + "\n");
      break;
    }
    default:
      Check("lockfileVersion: '9.0'\nimporters:\n  .:\n    devDependencies:\n      " + q +
            ":\n        version: " + q + "\npackages:\n  " + q + ": {}\nsnapshots:\n  " + q +
            ":\n    dependencies:\n      " + q + ": " + q + "\n");
  }
  return 0;
}
