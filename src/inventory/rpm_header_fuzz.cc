// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// RpmHeader::Parse and everything built on it never crash or read outside the input, whether
// the input is a raw header blob, an on-disk header, a whole .rpm file, or a valid header with
// bytes overwritten: the input bytes are also read as (position, value) edits applied to a
// built package header, so even short random inputs reach deep into the parser.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "inventory/internal/rpm_test_builders.h"
#include "inventory/rpm.h"
#include "inventory/rpm_header.h"

namespace {

using assay::inventory::RpmHeader;
using assay::inventory::RpmHeaderForm;

bool Inside(std::string_view part, std::string_view whole) {
  return part.empty() ||
         (part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size());
}

void Exercise(std::string_view bytes, RpmHeaderForm form) {
  auto h = RpmHeader::Parse(bytes, form);
  if (!h.ok()) return;
  if (h->size() > bytes.size() || h->entries().size() > RpmHeader::kMaxIndexEntries) std::abort();
  for (const auto& e : h->entries()) {
    if (auto s = h->String(e.tag); s.ok() && !Inside(*s, bytes)) std::abort();
    if (auto a = h->StringArray(e.tag); a.ok()) {
      for (auto s : *a) {
        if (!Inside(s, bytes)) std::abort();
      }
    }
    if (auto v = h->Int32Array(e.tag); v.ok() && v->size() * 4 > bytes.size()) std::abort();
  }
  auto info = assay::inventory::ReadRpmPackageInfo(*h, /*with_files=*/true);
  if (info.ok() && (info->name.empty() || info->version.empty() || info->release.empty())) {
    std::abort();
  }
}

const std::string& BaseHeader() {
  static const std::string* base = new std::string(assay::inventory::rpmtest::PackageBlob(
      assay::inventory::rpmtest::PackageSpec("bash")
          .Version("5.1.8")
          .Release("6.el9")
          .Epoch(1)
          .SourceRpm("bash-5.1.8-6.el9.src.rpm")
          .Files({"/usr/bin/", "/etc/"}, {"bash", "bashrc", "sh"}, {0, 1, 0})));
  return *base;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  Exercise(in, RpmHeaderForm::kBlob);
  Exercise(in, RpmHeaderForm::kOnDisk);
  auto file = assay::inventory::ParseRpmFile({in, "fuzz.rpm", ""});
  if (file.ok() && file->packages.size() > 1) std::abort();

  std::string m = BaseHeader();
  for (size_t i = 0; i + 2 < size; i += 3) {
    size_t pos = ((size_t{data[i]} << 8) | data[i + 1]) % m.size();
    m[pos] = static_cast<char>(data[i + 2]);
  }
  if (size % 7 == 1) m.resize((size * 37) % m.size());
  Exercise(m, RpmHeaderForm::kBlob);
  return 0;
}
