// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// ParseGoMod never crashes, and every package has a name, a version and a purl. Besides the raw
// bytes, the input is spliced into a valid go.mod and used as directive arguments, so that a
// non-coverage-guided driver also reaches the block, replace and toolchain logic. The go.sum an
// old go.mod asks for is the input itself, and a template line for go 1.16 reads it.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "inventory/golang.h"
#include "inventory/internal/fake_siblings.h"

namespace {

constexpr std::string_view kTemplate =
    "module example.com/m\n\ngo 1.21\ntoolchain go1.22.1\n\nrequire (\n"
    "\tgithub.com/a/b v1.2.3\n\tgolang.org/x/net v0.5.6 // indirect\n)\n"
    "require c.io/d v2.0.0+incompatible\n"
    "replace golang.org/x/net v0.5.6 => example.com/fork/net v0.6.0\n"
    "replace (\n\tc.io/d => ./local/d\n)\nexclude a.io/x v1.0.0\n";

void Check(std::string_view bytes, std::string_view sum) {
  assay::inventory::internal::FakeSiblings siblings;
  siblings.ServeAnyPath(std::string(sum));
  auto r = assay::inventory::ParseGoMod({bytes, "go.mod", "", &siblings});
  if (!r.ok()) return;
  for (const auto& p : r->packages) {
    if (p.name.empty() || p.version.empty() || p.purl.empty()) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  Check(in, in);
  if (size == 0) return 0;
  // One structured variant per input keeps the harness fast under sanitizers.
  const std::string_view rest = in.substr(1);
  switch (data[0] % 3) {
    case 0: {
      std::string spliced(kTemplate);
      spliced.insert((static_cast<size_t>(data[0]) * 7) % (spliced.size() + 1), rest);
      Check(spliced, rest);
      break;
    }
    case 1: {
      const std::string a(rest);
      Check("require (\n\t" + a + " v1.0.0\n\tx.io/y " + a + "\n)\nreplace " + a + " => " + a +
                "\ngo " + a + "\ntoolchain " + a + "\n",
            a + " v1.0.0 h1:x=\nx.io/y " + a + " h1:y=\n");
      break;
    }
    default: {
      const std::string a(rest);
      Check("go 1.16\nrequire x.io/y v1.0.0\nreplace x.io/y " + a + " => z.io/w " + a +
                "\nreplace \"" + a + "\" `" + a + "` => ../" + a + "\n",
            rest);
      break;
    }
  }
  return 0;
}
