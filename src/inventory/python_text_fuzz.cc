// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// ParsePythonMetadata and ParseRequirementsTxt never crash, and every package they report has an
// ecosystem, a name, a version and a purl. Besides the raw bytes (also read as a wheel or egg when
// they start like a zip archive), the input is spliced into a valid METADATA and a valid
// requirements.txt, so that a non-coverage-guided driver also reaches the line logic. The
// requirements.txt variant is parsed with every include (-r / -c) answered by the same bytes, so
// that include cycles, depth and file limits and constraints are exercised too.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "inventory/internal/fake_siblings.h"
#include "inventory/python.h"

namespace {

constexpr std::string_view kMetadata =
    "Metadata-Version: 2.1\nName: passlib\nVersion: 1.7.4\nKeywords: a\n  b\n\nbody\n";
constexpr std::string_view kRequirements =
    "-r other.txt\n-c ../c.txt\nfoo==\\\n1.2.3\nbar [x] == 4.5 ; python_version < '3' --hash=sha256:1 \\\n"
    "  --hash=sha256:2\nbaz>=1,==2.*\n# c\nqux===1.0-x # c\n";

// `siblings`: when set, packages may come from included files (any non-empty path).
void Check(assay::inventory::ParseFn parse, std::string_view bytes, const char* path,
           const assay::inventory::SiblingFiles* siblings = nullptr) {
  auto r = parse({bytes, path, "", siblings});
  if (!r.ok()) return;
  for (const auto& p : r->packages) {
    if (p.ecosystem != "PyPI" || p.name.empty() || p.version.empty() || p.purl.empty() ||
        p.path.empty() || (siblings == nullptr && p.path != path)) {
      std::abort();
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  Check(&assay::inventory::ParsePythonMetadata, in, "x.dist-info/METADATA");
  Check(&assay::inventory::ParseRequirementsTxt, in, "requirements.txt");
  if (size == 0) return 0;
  // One structured variant per input keeps the harness fast under sanitizers.
  bool metadata = data[0] % 2 == 0;
  std::string spliced(metadata ? kMetadata : kRequirements);
  spliced.insert((static_cast<size_t>(data[0]) * 7) % (spliced.size() + 1), in.substr(1));
  if (metadata) {
    Check(&assay::inventory::ParsePythonMetadata, spliced, "PKG-INFO");
  } else {
    assay::inventory::internal::FakeSiblings siblings;
    siblings.ServeAnyPath(spliced);
    Check(&assay::inventory::ParseRequirementsTxt, spliced, "app/requirements.txt", &siblings);
  }
  return 0;
}
