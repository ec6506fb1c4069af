// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// Test-only builders for small executables (exe_test.cc, golang_test.cc, rust_test.cc and the
// executable fuzz harness): ELF 32/64 in either byte order, PE32/PE32+, Mach-O 32/64 in either
// byte order and universal files, each holding the sections a test names, plus Go build
// information blobs and cargo-auditable sections. They follow the same format descriptions as
// the reader, so they prove nothing about real files on their own; the conformance fixtures and
// the Go binaries installed on the machine do that. Pure functions.
#pragma once

#include <zlib.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace assay::inventory::exetest {

struct Sec {
  std::string name;
  std::string data;
  uint64_t addr = 0;  // 0: not loaded (no program header / segment address)
  bool writable = false;
  bool executable = false;
  std::string segment = "__DATA";  // Mach-O only
};

inline void PutN(std::string* s, uint64_t v, int n, bool be) {
  for (int i = 0; i < n; ++i) {
    const int shift = 8 * (be ? n - 1 - i : i);
    s->push_back(static_cast<char>((v >> shift) & 0xff));
  }
}
inline void SetN(std::string* s, size_t pos, uint64_t v, int n, bool be) {
  std::string tmp;
  PutN(&tmp, v, n, be);
  s->replace(pos, static_cast<size_t>(n), tmp);
}
inline void PadTo(std::string* s, size_t align) {
  while (s->size() % align != 0) s->push_back('\0');
}
inline std::string Fixed(std::string_view name, size_t n) {
  std::string out(name.substr(0, n));
  out.resize(n, '\0');
  return out;
}

// An ELF executable: one PT_LOAD per section with an address (unless `program_headers` is
// false), section headers with a .shstrtab last.
inline std::string Elf(const std::vector<Sec>& secs, bool is64, bool be,
                       bool program_headers = true) {
  const size_t ehsize = is64 ? 64 : 52;
  const size_t phentsize = is64 ? 56 : 32;
  const size_t shentsize = is64 ? 64 : 40;
  const int w = is64 ? 8 : 4;
  size_t nph = 0;
  for (const Sec& s : secs) nph += (program_headers && s.addr != 0) ? 1 : 0;
  std::string out(ehsize + nph * phentsize, '\0');
  out.replace(0, 4, "\177ELF");
  out[4] = static_cast<char>(is64 ? 2 : 1);
  out[5] = static_cast<char>(be ? 2 : 1);
  out[6] = 1;
  std::vector<size_t> offsets;
  for (const Sec& s : secs) {
    PadTo(&out, 16);
    offsets.push_back(out.size());
    out += s.data;
  }
  std::string names(1, '\0');
  std::vector<size_t> name_off;
  for (const Sec& s : secs) {
    name_off.push_back(names.size());
    names += s.name + '\0';
  }
  const size_t shstr_name = names.size();
  names += std::string(".shstrtab") + '\0';
  const size_t names_at = out.size();
  out += names;
  PadTo(&out, 8);
  const size_t shoff = out.size();
  auto shdr = [&](size_t name, uint32_t type, uint64_t flags, uint64_t addr, uint64_t off,
                  uint64_t size) {
    PutN(&out, name, 4, be);
    PutN(&out, type, 4, be);
    PutN(&out, flags, w, be);
    PutN(&out, addr, w, be);
    PutN(&out, off, w, be);
    PutN(&out, size, w, be);
    PutN(&out, 0, 4, be);  // link
    PutN(&out, 0, 4, be);  // info
    PutN(&out, 1, w, be);  // addralign
    PutN(&out, 0, w, be);  // entsize
  };
  shdr(0, 0, 0, 0, 0, 0);
  for (size_t i = 0; i < secs.size(); ++i) {
    const Sec& s = secs[i];
    const uint64_t flags =
        (s.addr != 0 ? 2u : 0u) | (s.writable ? 1u : 0u) | (s.executable ? 4u : 0u);
    shdr(name_off[i], 1, flags, s.addr, offsets[i], s.data.size());
  }
  shdr(shstr_name, 3, 0, 0, names_at, names.size());
  // ELF header fields.
  SetN(&out, 16, 2, 2, be);                                 // e_type EXEC
  SetN(&out, 18, is64 ? 62 : 3, 2, be);                     // e_machine
  SetN(&out, 20, 1, 4, be);                                 // e_version
  SetN(&out, is64 ? 0x20 : 0x1C, nph ? ehsize : 0, w, be);  // e_phoff
  SetN(&out, is64 ? 0x28 : 0x20, shoff, w, be);             // e_shoff
  SetN(&out, is64 ? 0x34 : 0x28, ehsize, 2, be);            // e_ehsize
  SetN(&out, is64 ? 0x36 : 0x2A, phentsize, 2, be);         // e_phentsize
  SetN(&out, is64 ? 0x38 : 0x2C, nph, 2, be);               // e_phnum
  SetN(&out, is64 ? 0x3A : 0x2E, shentsize, 2, be);         // e_shentsize
  SetN(&out, is64 ? 0x3C : 0x30, secs.size() + 2, 2, be);   // e_shnum
  SetN(&out, is64 ? 0x3E : 0x32, secs.size() + 1, 2, be);   // e_shstrndx
  size_t ph = ehsize;
  for (size_t i = 0; i < secs.size(); ++i) {
    const Sec& s = secs[i];
    if (!program_headers || s.addr == 0) continue;
    const uint32_t flags = 4u | (s.writable ? 2u : 0u) | (s.executable ? 1u : 0u);
    std::string p;
    PutN(&p, 1, 4, be);  // PT_LOAD
    if (is64) {
      PutN(&p, flags, 4, be);
      PutN(&p, offsets[i], 8, be);
      PutN(&p, s.addr, 8, be);
      PutN(&p, s.addr, 8, be);
      PutN(&p, s.data.size(), 8, be);
      PutN(&p, s.data.size(), 8, be);
      PutN(&p, 16, 8, be);
    } else {
      PutN(&p, offsets[i], 4, be);
      PutN(&p, s.addr, 4, be);
      PutN(&p, s.addr, 4, be);
      PutN(&p, s.data.size(), 4, be);
      PutN(&p, s.data.size(), 4, be);
      PutN(&p, flags, 4, be);
      PutN(&p, 16, 4, be);
    }
    out.replace(ph, phentsize, p);
    ph += phentsize;
  }
  return out;
}

// A PE image (PE32+ when `pe32plus`); names longer than 8 bytes go to the COFF string table.
inline std::string Pe(const std::vector<Sec>& secs, bool pe32plus, uint64_t image_base) {
  std::string out(0x40, '\0');
  out[0] = 'M';
  out[1] = 'Z';
  SetN(&out, 0x3C, 0x40, 4, false);
  out += std::string("PE\0\0", 4);
  const size_t coff = out.size();
  out += std::string(20, '\0');
  const size_t opt_size = pe32plus ? 112 : 96;
  const size_t opt = out.size();
  out += std::string(opt_size, '\0');
  SetN(&out, opt, pe32plus ? 0x20b : 0x10b, 2, false);
  if (pe32plus) {
    SetN(&out, opt + 24, image_base, 8, false);
  } else {
    SetN(&out, opt + 28, image_base, 4, false);
  }
  const size_t table = out.size();
  out += std::string(40 * secs.size(), '\0');
  std::string strings(4, '\0');
  for (size_t i = 0; i < secs.size(); ++i) {
    const Sec& s = secs[i];
    PadTo(&out, 16);
    const size_t at = table + 40 * i;
    std::string name = s.name;
    if (name.size() > 8) {
      name = "/" + std::to_string(strings.size());
      strings += s.name + '\0';
    }
    out.replace(at, 8, Fixed(name, 8));
    uint32_t chars = s.executable ? 0x60000020u : 0x40000040u;
    if (s.writable) chars |= 0x80000000u;
    SetN(&out, at + 8, s.data.size(), 4, false);
    SetN(&out, at + 12, s.addr >= image_base ? s.addr - image_base : 0, 4, false);
    SetN(&out, at + 16, s.data.size(), 4, false);
    SetN(&out, at + 20, out.size(), 4, false);
    SetN(&out, at + 36, chars, 4, false);
    out += s.data;
  }
  SetN(&out, coff, pe32plus ? 0x8664 : 0x14c, 2, false);
  SetN(&out, coff + 2, secs.size(), 2, false);
  SetN(&out, coff + 16, opt_size, 2, false);
  if (strings.size() > 4) {
    SetN(&strings, 0, strings.size(), 4, false);
    SetN(&out, coff + 8, out.size(), 4, false);  // PointerToSymbolTable, no symbols
    out += strings;
  }
  return out;
}

// A thin Mach-O file: one segment per section (named by Sec::segment).
inline std::string MachO(const std::vector<Sec>& secs, bool is64, bool be) {
  const size_t header = is64 ? 32 : 28;
  const size_t segsize = is64 ? 72 : 56;
  const size_t sectsize = is64 ? 80 : 68;
  const size_t cmds = secs.size() * (segsize + sectsize);
  std::string out;
  PutN(&out, is64 ? 0xfeedfacf : 0xfeedface, 4, be);
  PutN(&out, is64 ? 0x01000007 : 7, 4, be);  // cputype
  PutN(&out, 3, 4, be);                      // cpusubtype
  PutN(&out, 2, 4, be);                      // MH_EXECUTE
  PutN(&out, secs.size(), 4, be);
  PutN(&out, cmds, 4, be);
  PutN(&out, 0, 4, be);
  if (is64) PutN(&out, 0, 4, be);
  out.resize(header + cmds, '\0');
  const int w = is64 ? 8 : 4;
  for (size_t i = 0; i < secs.size(); ++i) {
    const Sec& s = secs[i];
    PadTo(&out, 16);
    const size_t data_at = out.size();
    out += s.data;
    const uint32_t prot = 1u | (s.writable ? 2u : 0u) | (s.executable ? 4u : 0u);
    std::string c;
    PutN(&c, is64 ? 0x19 : 0x1, 4, be);
    PutN(&c, segsize + sectsize, 4, be);
    c += Fixed(s.segment, 16);
    PutN(&c, s.addr, w, be);
    PutN(&c, s.data.size(), w, be);
    PutN(&c, data_at, w, be);
    PutN(&c, s.data.size(), w, be);
    PutN(&c, prot, 4, be);  // maxprot
    PutN(&c, prot, 4, be);  // initprot
    PutN(&c, 1, 4, be);     // nsects
    PutN(&c, 0, 4, be);     // flags
    c += Fixed(s.name, 16);
    c += Fixed(s.segment, 16);
    PutN(&c, s.addr, w, be);
    PutN(&c, s.data.size(), w, be);
    PutN(&c, data_at, 4, be);
    c += std::string(segsize + sectsize - c.size(), '\0');
    out.replace(header + i * (segsize + sectsize), c.size(), c);
  }
  return out;
}

// A universal file holding `slices` (fat_arch, or fat_arch_64 when `fat64`).
inline std::string Fat(const std::vector<std::string>& slices, bool fat64 = false) {
  std::string out;
  PutN(&out, fat64 ? 0xcafebabf : 0xcafebabe, 4, true);
  PutN(&out, slices.size(), 4, true);
  const size_t entry = fat64 ? 32 : 20;
  out.resize(8 + entry * slices.size(), '\0');
  for (size_t i = 0; i < slices.size(); ++i) {
    PadTo(&out, 64);
    const size_t at = 8 + entry * i;
    SetN(&out, at, 0x01000007, 4, true);
    if (fat64) {
      SetN(&out, at + 8, out.size(), 8, true);
      SetN(&out, at + 16, slices[i].size(), 8, true);
    } else {
      SetN(&out, at + 8, out.size(), 4, true);
      SetN(&out, at + 12, slices[i].size(), 4, true);
    }
    out += slices[i];
  }
  return out;
}

// ---- Go build information ----

inline constexpr std::string_view kGoMagic("\xff Go buildinf:", 14);

// Module information lines framed by the linker's sentinels.
inline std::string GoModInfo(std::string_view lines) {
  return std::string("0w\xaf\x0c\x92t\x08\x02\x41\xe1\xc1\x07\xe6\xd6\x18\xe6", 16) +
         std::string(lines) +
         std::string("\xf9\x32\x43\x31\x86\x18 r\x00\x82\x42\x10\x41\x16\xd8\xf2", 16);
}

inline void PutUvarint(std::string* s, uint64_t v) {
  while (v >= 0x80) {
    s->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  s->push_back(static_cast<char>(v));
}

// The Go 1.18+ layout: header, then the version and module strings inline.
inline std::string GoBuildInfoInline(std::string_view version, std::string_view modinfo) {
  std::string out(kGoMagic);
  out.push_back(8);
  out.push_back(2);
  out += std::string(16, '\0');
  PutUvarint(&out, version.size());
  out += version;
  PutUvarint(&out, modinfo.size());
  out += modinfo;
  return out;
}

// The pre-1.18 layout, for a blob loaded at `base`: header with two pointers to Go string
// headers, the headers, then the bytes.
inline std::string GoBuildInfoPointer(int ptr, bool be, uint64_t base, std::string_view version,
                                      std::string_view modinfo) {
  std::string out(kGoMagic);
  out.push_back(static_cast<char>(ptr));
  out.push_back(be ? 1 : 0);
  const uint64_t hdrs = base + 32;
  PutN(&out, hdrs, ptr, be);
  PutN(&out, hdrs + 2 * static_cast<uint64_t>(ptr), ptr, be);
  out.resize(32, '\0');
  const uint64_t data = hdrs + 4 * static_cast<uint64_t>(ptr);
  PutN(&out, data, ptr, be);
  PutN(&out, version.size(), ptr, be);
  PutN(&out, data + version.size(), ptr, be);
  PutN(&out, modinfo.size(), ptr, be);
  out += version;
  out += modinfo;
  return out;
}

// ---- cargo-auditable ----

inline std::string Zlib(std::string_view data) {
  uLongf n = compressBound(static_cast<uLong>(data.size()));
  std::string out(n, '\0');
  compress2(reinterpret_cast<Bytef*>(out.data()), &n, reinterpret_cast<const Bytef*>(data.data()),
            static_cast<uLong>(data.size()), 9);
  out.resize(n);
  return out;
}

}  // namespace assay::inventory::exetest
