// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// ParseRpmdbBdb never crashes on any input, and everything it reports is bounded by the input.
// Besides the raw input, the input bytes are read as (position, value) edits applied to a small
// built Berkeley DB hash file (512-byte pages, on-page and multi-page overflow values, either
// byte order), so short random inputs corrupt meta, hash and overflow pages in every way.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "inventory/internal/rpm_test_builders.h"
#include "inventory/rpm.h"

namespace {

namespace rt = assay::inventory::rpmtest;

std::string BuildBase(bool big_endian) {
  std::vector<std::pair<std::string, std::string>> items = {
      {rt::BdbKey(0, big_endian), rt::BdbKey(4, big_endian)},
      {rt::BdbKey(1, big_endian),
       rt::PackageBlob(
           rt::PackageSpec("zlib").Release("40.el9").SourceRpm("zlib-1-40.el9.src.rpm"))},
      {rt::BdbKey(2, big_endian),
       rt::PackageBlob(rt::PackageSpec("glibc").Epoch(2).Release(std::string(700, 'r')))},
      {rt::BdbKey(3, big_endian), "short"},
  };
  return rt::BdbHash(items, 512, big_endian, 40);
}

void Check(std::string_view bytes) {
  auto parsed = assay::inventory::ParseRpmdbBdb({bytes, "Packages", ""});
  if (!parsed.ok()) return;
  for (const auto& p : parsed->packages) {
    if (p.name.empty() || p.name.size() > bytes.size() || p.package_manager != "rpm") std::abort();
  }
  // Every package needs its own header blob of at least 8 bytes somewhere in the file.
  if (parsed->packages.size() > bytes.size() / 8) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Check(std::string_view(reinterpret_cast<const char*>(data), size));
  static const std::string* le = new std::string(BuildBase(false));
  static const std::string* be = new std::string(BuildBase(true));
  std::string m = size % 2 == 0 ? *le : *be;
  for (size_t i = 0; i + 2 < size; i += 3) {
    size_t pos = ((size_t{data[i]} << 8) | data[i + 1]) % m.size();
    m[pos] = static_cast<char>(data[i + 2]);
  }
  if (size % 7 == 1) m.resize((size * 131) % m.size());
  Check(m);
  return 0;
}
