// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// ParseBunLock never crashes, and every package has a name, a version and a purl. Besides the raw
// bytes, the input is spliced into a valid bun.lock (as raw text, a package tuple's reference, a
// key and a workspace path) so that a non-coverage-guided driver also reaches the JSONC cleanup
// and the dependency walk.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "inventory/javascript.h"

namespace {

constexpr std::string_view kLock = R"({
  // comment
  "lockfileVersion": 1,
  "workspaces": {
    "": { "name": "app", "dependencies": { "a": "^1", }, "devDependencies": { "d": "^1" } },
    "libs/l": { "name": "l", "version": "1.0.0", "dependencies": { "a": "^1" } },
  },
  "packages": {
    "a": ["a@1.0.0", "", { "dependencies": { "b": "^2" } }, "sha512-x"],
    "a/b": ["b@2.0.0", "", {}, "sha512-x"], /* nested */
    "d": ["d@1.0.0", { "dependencies": { "a": "*", "@s/e": "1" } }, "sha512-x"],
    "@s/e": ["@s/e@1.0.0"],
    "l": ["l@workspace:libs/l"],
    "g": ["g@github:x/g#abc", {}, "x-g-abc"],
  },
})";

void Check(std::string_view bytes) {
  auto r = assay::inventory::ParseBunLock({bytes, "bun.lock", ""});
  if (!r.ok()) return;
  for (const auto& p : r->packages) {
    if (p.name.empty() || p.version.empty() || p.purl.empty()) std::abort();
  }
}

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
  if (data[0] % 2 == 0) {
    std::string spliced(kLock);
    spliced.insert((static_cast<size_t>(data[0]) * 11) % (spliced.size() + 1), in.substr(1));
    Check(spliced);
    return 0;
  }
  std::string s = Escaped(in.substr(1));
  Check(R"({"workspaces": {")" + s + R"(": {"name": ")" + s + R"(", "version": ")" + s +
        R"(", "dependencies": {")" + s + R"(": "1"}}}, "packages": {")" + s + R"(": [")" + s +
        R"(", {"dependencies": {")" + s + R"(": "1"}}], "x/)" + s + R"(": ["x@workspace:)" + s +
        R"("], "y": ["y@)" + s + R"("],}})");
  return 0;
}
