// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// ParsePackageLockJson and ParsePackageJson never crash, and every package has a name, a version
// and a purl. Besides the raw bytes, the input is spliced into valid v1 and v3 lockfiles (as a
// key, a version and raw text) so that a non-coverage-guided driver also reaches the walkers.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "inventory/javascript.h"

namespace {

constexpr std::string_view kV3 =
    R"({"lockfileVersion": 3, "packages": {"": {"name": "root"},
 "node_modules/a": {"version": "1.0.0", "dev": true},
 "node_modules/a/node_modules/@s/b": {"version": "2.0.0", "resolved": "git+ssh://h/b.git#abc"},
 "node_modules/w": {"resolved": "ws/w", "link": true}, "ws/w": {"version": "0.1.0"},
 "node_modules/c-cjs": {"name": "c", "version": "3.0.0", "devOptional": true}}})";

constexpr std::string_view kV1 =
    R"({"lockfileVersion": 1, "dependencies": {"a": {"version": "1.0.0", "dependencies":
 {"b": {"version": "npm:c@2.0.0", "dev": true}}}, "g": {"version": "github:x/g#abc"}}})";

void Check(std::string_view bytes) {
  for (auto parse : {assay::inventory::ParsePackageLockJson, assay::inventory::ParsePackageJson}) {
    auto r = parse({bytes, "package-lock.json", ""});
    if (!r.ok()) continue;
    for (const auto& p : r->packages) {
      if (p.name.empty() || p.version.empty() || p.purl.empty()) std::abort();
    }
  }
}

// `s` as the body of a JSON string.
std::string Escaped(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    if (static_cast<unsigned char>(c) < 0x20) continue;
    out.push_back(c);
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  Check(in);
  if (size == 0) return 0;
  std::string s = Escaped(in.substr(1));
  switch (data[0] % 4) {
    case 0: {
      std::string spliced(kV3);
      spliced.insert((static_cast<size_t>(data[0]) * 13) % (spliced.size() + 1), in.substr(1));
      Check(spliced);
      break;
    }
    case 1:
      Check(R"({"packages": {"node_modules/)" + s + R"(": {"version": ")" + s +
            R"("}, ")" + s + R"(": {"version": "1.0.0"}, "node_modules/l": {"link": true,
 "resolved": ")" + s + R"("}}, "name": ")" + s + R"(", "version": ")" + s + R"("})");
      break;
    case 2:
      Check(R"({"dependencies": {")" + s + R"(": {"version": "npm:)" + s +
            R"("}, "x": {"version": ")" + s + R"(", "dependencies": {")" + s +
            R"(": {"version": "1.0.0"}}}}})");
      break;
    default: {
      std::string spliced(kV1);
      spliced.insert((static_cast<size_t>(data[0]) * 7) % (spliced.size() + 1), in.substr(1));
      Check(spliced);
    }
  }
  return 0;
}
