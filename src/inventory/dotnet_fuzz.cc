// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// ParseNugetLock and ParseDepsJson never crash, and every package has a name and a version
// without blanks, the NuGet ecosystem and a purl, and no (name, version) pair is listed twice.
// Besides the raw bytes, the input is spliced into valid documents, so that a
// non-coverage-guided driver also reaches the package logic.
#include <cstdint>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>
#include <utility>

#include "inventory/dotnet.h"

namespace {

constexpr std::string_view kLock =
    R"({"version": 1, "dependencies": {"net6.0": {"A": {"type": "Direct", "resolved": "1.0"},)"
    R"( "p": {"type": "Project"}}, "net8.0": {"A": {"type": "Transitive", "resolved": "1.0"}}}})";
constexpr std::string_view kDeps =
    R"({"runtimeTarget": {"name": "t"}, "targets": {"t": {"App/1.0.0": {"runtime": {}},)"
    R"( "Meta/1.0": {}}}, "libraries": {"App/1.0.0": {"type": "project"}, "Meta/1.0": )"
    R"({"type": "package"}, "N/2.0": {"type": "package"}}})";

bool HasBlank(std::string_view s) {
  for (char c : s) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f') return true;
  }
  return false;
}

void Validate(const assay::base::Result<assay::inventory::Parsed>& r) {
  if (!r.ok()) return;
  std::set<std::pair<std::string, std::string>> seen;
  for (const auto& p : r->packages) {
    if (p.name.empty() || p.version.empty() || p.purl.empty() || p.ecosystem != "NuGet" ||
        HasBlank(p.name) || !seen.emplace(p.name, p.version).second) {
      std::abort();
    }
  }
}

void Check(std::string_view bytes) {
  Validate(assay::inventory::ParseNugetLock({bytes, "packages.lock.json", ""}));
  Validate(assay::inventory::ParseDepsJson({bytes, "App.deps.json", ""}));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  Check(in);
  if (size == 0) return 0;
  std::string doc(data[0] % 2 == 0 ? kLock : kDeps);
  doc.insert((static_cast<size_t>(data[0]) * 7) % (doc.size() + 1), in.substr(1));
  Check(doc);
  return 0;
}
