// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// The executable reader and the Go and Rust binary parsers never crash; every byte range the
// reader hands out lies inside the input; every package has a name, a version and a purl.
// Besides the raw bytes, the input becomes the Go build information or the cargo-auditable list
// of a well-formed ELF, PE, Mach-O or universal file, or corrupts the headers of one, so that a
// non-coverage-guided driver also reaches the section and string decoding.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "inventory/exe.h"
#include "inventory/golang.h"
#include "inventory/internal/exe_test_builders.h"
#include "inventory/rust.h"

namespace {

namespace exe = assay::inventory::exe;
namespace exetest = assay::inventory::exetest;

void CheckPackages(const assay::base::Result<assay::inventory::Parsed>& r) {
  if (!r.ok()) return;
  for (const auto& p : r->packages) {
    if (p.name.empty() || p.version.empty() || p.purl.empty()) std::abort();
  }
}

void Inside(std::string_view outer, std::string_view inner) {
  if (inner.empty()) return;
  if (inner.data() < outer.data() || inner.data() + inner.size() > outer.data() + outer.size()) {
    std::abort();
  }
}

void Check(std::string_view bytes) {
  (void)exe::LooksLikeExecutable(bytes);
  auto x = exe::Executable::Parse(bytes);
  if (x.ok()) {
    Inside(bytes, x->image());
    for (const exe::Section& s : x->sections()) {
      Inside(x->image(), x->SectionBytes(s));
      if (auto d = x->ReadAddress(s.addr, s.file_size)) Inside(x->image(), *d);
    }
    for (const exe::Segment& seg : x->segments()) {
      if (auto d = x->ReadAddress(seg.addr + 1, seg.file_size / 2)) Inside(x->image(), *d);
    }
  }
  CheckPackages(assay::inventory::ParseGoBinary({bytes, "bin/x", ""}));
  CheckPackages(assay::inventory::ParseRustBinary({bytes, "bin/x", ""}));
}

std::string Layout(uint8_t which, const std::vector<exetest::Sec>& secs) {
  switch (which % 8) {
    case 0:
      return exetest::Elf(secs, true, false);
    case 1:
      return exetest::Elf(secs, false, true);
    case 2:
      return exetest::Elf(secs, false, false, /*program_headers=*/false);
    case 3:
      return exetest::Pe(secs, true, 0x400000);
    case 4:
      return exetest::Pe(secs, false, 0x400000);
    case 5:
      return exetest::MachO(secs, true, false);
    case 6:
      return exetest::MachO(secs, false, true);
    default:
      return exetest::Fat({exetest::MachO(secs, true, false)}, (which & 8) != 0);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  Check(in);
  if (size < 2) return 0;
  const uint8_t layout = data[0];
  const std::string rest(in.substr(2));
  std::vector<exetest::Sec> secs = {{".text", "\x90\xc3", 0x401000, false, true, "__TEXT"}};
  // One structured variant per input keeps the harness fast under sanitizers.
  switch (data[1] % 6) {
    case 0:  // the input as module information lines
      secs.push_back({".go.buildinfo",
                      exetest::GoBuildInfoInline("go1.21.0", exetest::GoModInfo(rest)), 0x500000,
                      true, false});
      break;
    case 1:  // the input as the Go version and as unframed module information
      secs.push_back(
          {"__go_buildinfo", exetest::GoBuildInfoInline(rest, rest), 0x500000, true, false});
      break;
    case 2:  // pointer layout, the input as strings
      secs.push_back({".data",
                      exetest::GoBuildInfoPointer((data[1] & 8) ? 8 : 4, (data[1] & 16) != 0,
                                                  0x500000, rest, exetest::GoModInfo(rest)),
                      0x500000, true, false});
      break;
    case 3:  // the input right after the magic
      secs.push_back(
          {".go.buildinfo", std::string(exetest::kGoMagic) + rest, 0x500000, true, false});
      break;
    case 4:  // the input as cargo-auditable JSON
      secs.push_back({".dep-v0", exetest::Zlib(rest), 0x600000, false, false});
      break;
    default:  // the input as the raw .dep-v0 bytes
      secs.push_back({".dep-v0", rest, 0x600000, false, false});
      break;
  }
  std::string built = Layout(layout, secs);
  Check(built);
  // Corrupt the headers: the input's bytes written over the start of the file at a stride.
  if ((layout & 0x80) != 0 && !rest.empty()) {
    const size_t stride = 1 + (static_cast<size_t>(data[1]) % 13);
    // (The magic stays, so that the damaged headers are read.)
    for (size_t i = 0, at = 4; i < rest.size() && at < built.size(); ++i, at += stride) {
      built[at] = rest[i];
    }
    Check(built);
  }
  return 0;
}
