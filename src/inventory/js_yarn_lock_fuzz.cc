// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// ParseYarnLock never crashes, and every package has a name, a version and a purl. Besides the
// raw bytes, the input is spliced into valid classic and berry lockfiles (as raw text, a header
// and a field value) so that a non-coverage-guided driver also reaches the entry logic.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "inventory/javascript.h"

namespace {

constexpr std::string_view kClassic =
    "# yarn lockfile v1\n\n\"@babel/core@^7.0.0\", \"@babel/core@^7.1.0\":\n  version \"7.1.2\"\n"
    "  dependencies:\n    a \"^1\"\n\nstring-width-cjs@npm:string-width@^4:\n  version 4.2.3\n"
    "\nx@file:./x:\n  \"version\" \"0.0.1\"\n";

constexpr std::string_view kBerry =
    "__metadata:\n  version: 8\n\n\"a@npm:^1, a@npm:^1.1\":\n  version: 1.1.0\n"
    "  resolution: \"a@npm:1.1.0\"\n\n\"app@workspace:.\":\n  version: 0.0.0-use.local\n"
    "  resolution: \"app@workspace:.\"\n\n\"f@patch:f@~2#builtin<compat/f>\":\n  version: 2.1.3\n";

void Check(std::string_view bytes) {
  auto r = assay::inventory::ParseYarnLock({bytes, "yarn.lock", ""});
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
  std::string s(in.substr(1));
  switch (data[0] % 3) {
    case 0: {
      std::string spliced(data[0] & 4 ? kClassic : kBerry);
      spliced.insert((static_cast<size_t>(data[0]) * 7) % (spliced.size() + 1), s);
      Check(spliced);
      break;
    }
    case 1:
      Check(s + ":\n  version \"" + s + "\"\n\n\"" + s + "@npm:" + s + "\":\n  version " + s +
            "\n  resolution: " + s + "\n");
      break;
    default:
      Check("__metadata:\n  version: 6\n\n\"" + s + "\":\n  version: " + s +
            "\n  resolution: \"" + s + "\"\n");
  }
  return 0;
}
