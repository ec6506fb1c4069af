// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// ParsePomXml never crashes, and every package has a name, a version and a purl. Besides the raw
// bytes, the input is spliced into a valid POM (as a property value and a dependency version),
// so that a non-coverage-guided driver also reaches the interpolation logic. Every parent POM
// the parser asks for is the input itself (a chain that loops, or names another project).
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "inventory/internal/fake_siblings.h"
#include "inventory/java.h"

namespace {

void Check(std::string_view bytes) {
  assay::inventory::internal::FakeSiblings siblings;
  siblings.ServeAnyPath(std::string(bytes));
  auto r = assay::inventory::ParsePomXml({bytes, "a/b/pom.xml", "", &siblings});
  if (!r.ok()) return;
  for (const auto& p : r->packages) {
    if (p.name.empty() || p.version.empty() || p.purl.empty()) std::abort();
  }
}

std::string Escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '\0':
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  Check(in);
  if (size == 0) return 0;
  std::string v = Escape(in.substr(1));
  if (data[0] % 2 == 0) {
    Check("<project><groupId>g</groupId><artifactId>a</artifactId><version>1</version>"
          "<parent><groupId>g</groupId><artifactId>a</artifactId><relativePath>" +
          v + "</relativePath></parent><properties><p>" + v +
          "</p><q>${p}${p}</q>"
          "</properties><dependencies><dependency><groupId>g</groupId><artifactId>a</artifactId>"
          "<version>${q}</version></dependency><dependency><groupId>g</groupId>"
          "<artifactId>b</artifactId><version>" +
          v +
          "</version></dependency></dependencies>"
          "</project>");
  } else {
    Check("<project><dependencies><dependency><groupId>g</groupId><artifactId>" + v +
          "</artifactId></dependency></dependencies><dependencyManagement><dependencies>"
          "<dependency><groupId>g</groupId><artifactId>" +
          v + "</artifactId><version>" + v +
          "</version></dependency></dependencies></dependencyManagement></project>");
  }
  return 0;
}
