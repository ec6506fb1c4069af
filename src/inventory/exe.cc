// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// Header layouts follow the System V ABI (ELF), Microsoft's PE/COFF specification and Apple's
// <mach-o/loader.h> / <mach-o/fat.h>.
#include "inventory/exe.h"

#include <algorithm>
#include <utility>

namespace assay::inventory::exe {

namespace {

// Whether [off, off + len) lies inside a buffer of `total` bytes, without overflow.
bool InRange(uint64_t off, uint64_t len, uint64_t total) {
  return off <= total && len <= total - off;
}

// A C string of at most `max` bytes at `off` (stops at the first NUL).
std::string FixedString(std::string_view b, uint64_t off, uint64_t max) {
  if (off >= b.size()) return "";
  const uint64_t n = std::min<uint64_t>(max, b.size() - off);
  std::string_view s = b.substr(static_cast<size_t>(off), static_cast<size_t>(n));
  return std::string(s.substr(0, s.find('\0')));
}

// Clips a (file offset, size) pair to a buffer of `total` bytes: offsets past the end become
// empty ranges.
void Clip(uint64_t total, uint64_t* offset, uint64_t* size) {
  if (*offset > total) {
    *offset = 0;
    *size = 0;
    return;
  }
  *size = std::min(*size, total - *offset);
}

// Bounds-checked reads in one byte order; a read outside the bytes sets `ok` to false and
// returns 0.
struct Bytes {
  std::string_view b;
  bool be = false;
  bool ok = true;

  uint64_t U(uint64_t off, int size) {
    auto v = ReadUint(b, off, size, be);
    if (!v) ok = false;
    return v.value_or(0);
  }
  uint64_t U8(uint64_t off) { return U(off, 1); }
  uint64_t U16(uint64_t off) { return U(off, 2); }
  uint64_t U32(uint64_t off) { return U(off, 4); }
  uint64_t U64(uint64_t off) { return U(off, 8); }
};

constexpr uint32_t kMachMagic32 = 0xfeedface;
constexpr uint32_t kMachMagic64 = 0xfeedfacf;
constexpr uint32_t kFatMagic = 0xcafebabe;
constexpr uint32_t kFatMagic64 = 0xcafebabf;
// Universal files list a handful of architectures; Java class files (same magic) continue with
// their version, at least 45.
constexpr uint64_t kMaxFatArches = 20;
// Bounds on the tables kept, far above what linkers write for executables, so that a hostile
// header cannot make the lists huge.
constexpr size_t kMaxSections = size_t{1} << 16;
constexpr size_t kMaxSegments = size_t{1} << 16;

}  // namespace

std::optional<uint64_t> ReadUint(std::string_view b, uint64_t off, int size, bool big_endian) {
  if (size < 1 || size > 8 || !InRange(off, static_cast<uint64_t>(size), b.size())) {
    return std::nullopt;
  }
  uint64_t v = 0;
  for (int i = 0; i < size; ++i) {
    const int idx = big_endian ? i : size - 1 - i;
    v = (v << 8) | static_cast<uint8_t>(b[static_cast<size_t>(off) + static_cast<size_t>(idx)]);
  }
  return v;
}

std::string_view FormatName(Format f) {
  switch (f) {
    case Format::kElf:
      return "ELF";
    case Format::kPe:
      return "PE";
    case Format::kMachO:
      return "Mach-O";
  }
  return "?";
}

bool LooksLikeExecutable(std::string_view b) {
  if (b.size() >= 4 && b.substr(0, 4) == std::string_view("\177ELF", 4)) return true;
  if (b.size() >= 2 && b.substr(0, 2) == "MZ") return true;
  if (b.size() < 4) return false;
  const uint64_t le = *ReadUint(b, 0, 4, false);
  const uint64_t be = *ReadUint(b, 0, 4, true);
  if (le == kMachMagic32 || le == kMachMagic64 || be == kMachMagic32 || be == kMachMagic64) {
    return true;
  }
  if (be == kFatMagic || be == kFatMagic64) {
    auto n = ReadUint(b, 4, 4, true);
    return n && *n >= 1 && *n < kMaxFatArches;
  }
  return false;
}

namespace detail {

class ExeParser {
 public:
  static base::Result<Executable> Parse(std::string_view bytes) {
    if (bytes.size() >= 4 && bytes.substr(0, 4) == std::string_view("\177ELF", 4)) {
      return Elf(bytes);
    }
    if (bytes.size() >= 2 && bytes.substr(0, 2) == "MZ") return Pe(bytes);
    if (bytes.size() >= 4) {
      const uint64_t be = *ReadUint(bytes, 0, 4, true);
      const uint64_t le = *ReadUint(bytes, 0, 4, false);
      if (le == kMachMagic32 || le == kMachMagic64 || be == kMachMagic32 || be == kMachMagic64) {
        return MachO(bytes, 0);
      }
      if (be == kFatMagic || be == kFatMagic64) return Fat(bytes, be == kFatMagic64);
    }
    return base::Status::NotSupported("no ELF, PE or Mach-O header");
  }

 private:
  // ---- ELF ----
  static base::Result<Executable> Elf(std::string_view b) {
    if (b.size() < 16) return base::Status::Corruption("ELF header truncated");
    const uint8_t cls = static_cast<uint8_t>(b[4]);
    const uint8_t data = static_cast<uint8_t>(b[5]);
    if ((cls != 1 && cls != 2) || (data != 1 && data != 2)) {
      return base::Status::Corruption("ELF header: unknown class or byte order");
    }
    Executable x;
    x.format_ = Format::kElf;
    x.is_64bit_ = cls == 2;
    x.big_endian_ = data == 2;
    x.image_ = b;
    const bool w = x.is_64bit_;
    Bytes r{b, x.big_endian_};
    const uint64_t phoff = w ? r.U64(0x20) : r.U32(0x1C);
    const uint64_t shoff = w ? r.U64(0x28) : r.U32(0x20);
    const uint64_t phentsize = r.U16(w ? 0x36 : 0x2A);
    uint64_t phnum = r.U16(w ? 0x38 : 0x2C);
    const uint64_t shentsize = r.U16(w ? 0x3A : 0x2E);
    uint64_t shnum = r.U16(w ? 0x3C : 0x30);
    uint64_t shstrndx = r.U16(w ? 0x3E : 0x32);
    if (!r.ok) return base::Status::Corruption("ELF header truncated");
    const uint64_t min_sh = w ? 64 : 40;
    const uint64_t min_ph = w ? 56 : 32;

    // Section header 0 carries the real counts when they overflow the 16-bit fields.
    const bool have_sh = shoff != 0 && shoff < b.size() && shentsize >= min_sh &&
                         InRange(shoff, shentsize, b.size());
    if (have_sh) {
      Bytes s0{b, x.big_endian_};
      const uint64_t size0 = w ? s0.U64(shoff + 0x20) : s0.U32(shoff + 0x14);
      const uint64_t link0 = s0.U32(shoff + (w ? 0x28 : 0x18));
      const uint64_t info0 = s0.U32(shoff + (w ? 0x2C : 0x1C));
      if (shnum == 0) shnum = size0;
      if (shstrndx == 0xffff) shstrndx = link0;
      if (phnum == 0xffff) phnum = info0;
    }

    // Program headers: the address map.
    if (phoff != 0 && phoff < b.size() && phentsize >= min_ph) {
      for (uint64_t i = 0; i < phnum && x.segments_.size() < kMaxSegments; ++i) {
        const uint64_t at = phoff + i * phentsize;
        if (i > b.size() / phentsize || !InRange(at, phentsize, b.size())) break;
        Bytes p{b, x.big_endian_};
        if (p.U32(at) != 1) continue;  // PT_LOAD
        Segment seg;
        uint64_t flags = 0;
        if (w) {
          flags = p.U32(at + 4);
          seg.offset = p.U64(at + 8);
          seg.addr = p.U64(at + 0x10);
          seg.file_size = p.U64(at + 0x20);
          seg.mem_size = p.U64(at + 0x28);
        } else {
          seg.offset = p.U32(at + 4);
          seg.addr = p.U32(at + 8);
          seg.file_size = p.U32(at + 0x10);
          seg.mem_size = p.U32(at + 0x14);
          flags = p.U32(at + 0x18);
        }
        if (!p.ok) break;
        seg.executable = (flags & 1) != 0;
        seg.writable = (flags & 2) != 0;
        Clip(b.size(), &seg.offset, &seg.file_size);
        x.segments_.push_back(std::move(seg));
      }
    }

    // Section headers: names come from the section-name string table.
    if (have_sh && shnum > 0) {
      std::string_view names;
      auto header = [&](uint64_t i, Section* s, uint64_t* name_off, uint64_t* type,
                        uint64_t* flags) {
        const uint64_t at = shoff + i * shentsize;
        if (i > b.size() / shentsize || !InRange(at, shentsize, b.size())) return false;
        Bytes h{b, x.big_endian_};
        *name_off = h.U32(at);
        *type = h.U32(at + 4);
        if (w) {
          *flags = h.U64(at + 8);
          s->addr = h.U64(at + 0x10);
          s->offset = h.U64(at + 0x18);
          s->mem_size = h.U64(at + 0x20);
        } else {
          *flags = h.U32(at + 8);
          s->addr = h.U32(at + 0xC);
          s->offset = h.U32(at + 0x10);
          s->mem_size = h.U32(at + 0x14);
        }
        return h.ok;
      };
      {
        Section strtab;
        uint64_t name_off = 0, type = 0, flags = 0;
        if (shstrndx < shnum && header(shstrndx, &strtab, &name_off, &type, &flags) && type != 8 &&
            InRange(strtab.offset, strtab.mem_size, b.size())) {
          names =
              b.substr(static_cast<size_t>(strtab.offset), static_cast<size_t>(strtab.mem_size));
        }
      }
      for (uint64_t i = 0; i < shnum && x.sections_.size() < kMaxSections; ++i) {
        Section s;
        uint64_t name_off = 0, type = 0, flags = 0;
        if (!header(i, &s, &name_off, &type, &flags)) break;
        if (i == 0) continue;  // the null section
        s.name = FixedString(names, name_off, names.size());
        s.writable = (flags & 1) != 0;
        s.executable = (flags & 4) != 0;
        s.file_size = type == 8 ? 0 : s.mem_size;  // SHT_NOBITS
        Clip(b.size(), &s.offset, &s.file_size);
        if (x.segments_.empty() && (flags & 2) != 0 && s.addr != 0) {  // SHF_ALLOC
          x.segments_.push_back(
              {"", s.addr, s.mem_size, s.offset, s.file_size, s.writable, s.executable});
        }
        x.sections_.push_back(std::move(s));
      }
    }
    return x;
  }

  // ---- PE ----
  static base::Result<Executable> Pe(std::string_view b) {
    Bytes r{b, false};
    const uint64_t lfanew = r.U32(0x3C);
    if (!r.ok) return base::Status::Corruption("PE: DOS header truncated");
    if (!InRange(lfanew, 24, b.size()) ||
        b.substr(static_cast<size_t>(lfanew), 4) != std::string_view("PE\0\0", 4)) {
      return base::Status::NotSupported("MZ file without a PE header");
    }
    const uint64_t coff = lfanew + 4;
    const uint64_t nsections = r.U16(coff + 2);
    const uint64_t symtab = r.U32(coff + 8);
    const uint64_t nsyms = r.U32(coff + 12);
    const uint64_t opt_size = r.U16(coff + 16);
    const uint64_t opt = coff + 20;
    const uint64_t magic = r.U16(opt);
    if (!r.ok) return base::Status::Corruption("PE: COFF header truncated");
    Executable x;
    x.format_ = Format::kPe;
    x.image_ = b;
    uint64_t image_base = 0;
    if (magic == 0x20b) {
      x.is_64bit_ = true;
      image_base = r.U64(opt + 24);
    } else if (magic == 0x10b) {
      image_base = r.U32(opt + 28);
    } else {
      return base::Status::Corruption("PE: unknown optional header magic");
    }
    if (!r.ok) return base::Status::Corruption("PE: optional header truncated");
    // Long section names ("/123") index the COFF string table after the symbol table.
    std::string_view strings;
    if (symtab != 0 && nsyms <= b.size() / 18) {
      const uint64_t at = symtab + nsyms * 18;
      if (at < b.size()) strings = b.substr(static_cast<size_t>(at));
    }
    const uint64_t table = opt + opt_size;
    for (uint64_t i = 0; i < nsections; ++i) {
      const uint64_t at = table + i * 40;
      if (!InRange(at, 40, b.size())) break;
      Section s;
      s.name = FixedString(b, at, 8);
      if (s.name.size() > 1 && s.name[0] == '/') {
        uint64_t off = 0;
        bool digits = true;
        for (char c : std::string_view(s.name).substr(1)) {
          if (c < '0' || c > '9' || off > b.size()) {
            digits = false;
            break;
          }
          off = off * 10 + static_cast<uint64_t>(c - '0');
        }
        if (digits && off < strings.size()) s.name = FixedString(strings, off, 256);
      }
      const uint64_t vsize = r.U32(at + 8);
      const uint64_t rva = r.U32(at + 12);
      const uint64_t raw_size = r.U32(at + 16);
      const uint64_t raw_ptr = r.U32(at + 20);
      const uint64_t chars = r.U32(at + 36);
      s.addr = image_base + rva;
      s.mem_size = vsize != 0 ? vsize : raw_size;
      s.offset = raw_ptr;
      s.file_size = (chars & 0x80) != 0 ? 0 : std::min(raw_size, s.mem_size);
      Clip(b.size(), &s.offset, &s.file_size);
      s.writable = (chars & 0x80000000u) != 0;
      s.executable = (chars & 0x20000000u) != 0;
      x.segments_.push_back(
          {s.name, s.addr, s.mem_size, s.offset, s.file_size, s.writable, s.executable});
      x.sections_.push_back(std::move(s));
    }
    return x;
  }

  // ---- Mach-O ----
  static base::Result<Executable> MachO(std::string_view b, uint64_t image_offset) {
    const uint64_t le = ReadUint(b, 0, 4, false).value_or(0);
    Executable x;
    x.format_ = Format::kMachO;
    x.image_ = b;
    x.image_offset_ = image_offset;
    x.big_endian_ = !(le == kMachMagic32 || le == kMachMagic64);
    Bytes r{b, x.big_endian_};
    const uint64_t magic = r.U32(0);
    x.is_64bit_ = magic == kMachMagic64;
    if (magic != kMachMagic32 && magic != kMachMagic64) {
      return base::Status::NotSupported("no Mach-O header");
    }
    const uint64_t ncmds = r.U32(16);
    const uint64_t sizeofcmds = r.U32(20);
    if (!r.ok) return base::Status::Corruption("Mach-O header truncated");
    const uint64_t first = x.is_64bit_ ? 32 : 28;
    const uint64_t end = std::min<uint64_t>(first + sizeofcmds, b.size());
    uint64_t at = first;
    for (uint64_t i = 0; i < ncmds; ++i) {
      if (!InRange(at, 8, end) || x.segments_.size() >= kMaxSegments) break;
      const uint64_t cmd = r.U32(at);
      const uint64_t cmdsize = r.U32(at + 4);
      if (cmdsize < 8 || !InRange(at, cmdsize, end)) break;
      if (cmd == 0x1 || cmd == 0x19) ReadSegment(x, at, cmdsize, cmd == 0x19);
      at += cmdsize;
    }
    return x;
  }

  static void ReadSegment(Executable& x, uint64_t at, uint64_t cmdsize, bool w) {
    std::string_view b = x.image_;
    Bytes r{b, x.big_endian_};
    exe::Segment seg;
    seg.name = FixedString(b, at + 8, 16);
    uint64_t prot = 0, nsects = 0, sect_at = 0;
    if (w) {
      seg.addr = r.U64(at + 24);
      seg.mem_size = r.U64(at + 32);
      seg.offset = r.U64(at + 40);
      seg.file_size = r.U64(at + 48);
      prot = r.U32(at + 60);
      nsects = r.U32(at + 64);
      sect_at = at + 72;
    } else {
      seg.addr = r.U32(at + 24);
      seg.mem_size = r.U32(at + 28);
      seg.offset = r.U32(at + 32);
      seg.file_size = r.U32(at + 36);
      prot = r.U32(at + 44);
      nsects = r.U32(at + 48);
      sect_at = at + 56;
    }
    if (!r.ok || sect_at > at + cmdsize) return;
    seg.writable = (prot & 2) != 0;
    seg.executable = (prot & 4) != 0;
    Clip(b.size(), &seg.offset, &seg.file_size);
    const uint64_t sect_size = w ? 80 : 68;
    const uint64_t room = (at + cmdsize - sect_at) / sect_size;
    for (uint64_t i = 0; i < std::min(nsects, room) && x.sections_.size() < kMaxSections; ++i) {
      const uint64_t s_at = sect_at + i * sect_size;
      Section s;
      s.name = FixedString(b, s_at, 16);
      s.segment = FixedString(b, s_at + 16, 16);
      uint64_t flags = 0;
      if (w) {
        s.addr = r.U64(s_at + 32);
        s.mem_size = r.U64(s_at + 40);
        s.offset = r.U32(s_at + 48);
        flags = r.U32(s_at + 64);
      } else {
        s.addr = r.U32(s_at + 32);
        s.mem_size = r.U32(s_at + 36);
        s.offset = r.U32(s_at + 40);
        flags = r.U32(s_at + 56);
      }
      if (!r.ok) break;
      const uint64_t type = flags & 0xff;
      const bool zerofill = type == 0x1 || type == 0xc || type == 0x12;
      s.file_size = zerofill ? 0 : s.mem_size;
      Clip(b.size(), &s.offset, &s.file_size);
      s.writable = seg.writable;
      s.executable = seg.executable || (flags & 0x80000400u) != 0;
      x.sections_.push_back(std::move(s));
    }
    x.segments_.push_back(std::move(seg));
  }

  static base::Result<Executable> Fat(std::string_view b, bool fat64) {
    Bytes r{b, true};
    const uint64_t narch = r.U32(4);
    if (!r.ok || narch == 0 || narch >= kMaxFatArches) {
      return base::Status::NotSupported("0xcafebabe file is no Mach-O universal binary");
    }
    const uint64_t entry = fat64 ? 32 : 20;
    base::Status last = base::Status::Corruption("Mach-O universal binary: no readable slice");
    for (uint64_t i = 0; i < narch; ++i) {
      const uint64_t at = 8 + i * entry;
      Bytes e{b, true};
      const uint64_t off = fat64 ? e.U64(at + 8) : e.U32(at + 8);
      const uint64_t size = fat64 ? e.U64(at + 16) : e.U32(at + 12);
      if (!e.ok) break;
      if (off == 0 || !InRange(off, size, b.size())) continue;
      std::string_view slice = b.substr(static_cast<size_t>(off), static_cast<size_t>(size));
      const uint64_t le = ReadUint(slice, 0, 4, false).value_or(0);
      const uint64_t be = ReadUint(slice, 0, 4, true).value_or(0);
      if (le != kMachMagic32 && le != kMachMagic64 && be != kMachMagic32 && be != kMachMagic64) {
        continue;
      }
      auto x = MachO(slice, off);
      if (x.ok()) return x;
      last = x.status();
    }
    return last;
  }
};

}  // namespace detail

base::Result<Executable> Executable::Parse(std::string_view bytes) {
  return detail::ExeParser::Parse(bytes);
}

const Section* Executable::FindSection(std::string_view name, std::string_view segment) const {
  for (const Section& s : sections_) {
    if (s.name == name && (segment.empty() || s.segment == segment)) return &s;
  }
  return nullptr;
}

std::string_view Executable::SectionBytes(const Section& s) const {
  if (!InRange(s.offset, s.file_size, image_.size())) return {};
  return image_.substr(static_cast<size_t>(s.offset), static_cast<size_t>(s.file_size));
}

std::optional<std::string_view> Executable::SectionData(std::string_view name,
                                                        std::string_view segment) const {
  const Section* s = FindSection(name, segment);
  if (s == nullptr) return std::nullopt;
  return SectionBytes(*s);
}

std::optional<std::string_view> Executable::ReadAddress(uint64_t addr, uint64_t size) const {
  for (const Segment& seg : segments_) {
    if (addr < seg.addr) continue;
    const uint64_t rel = addr - seg.addr;
    if (!InRange(rel, size, seg.file_size)) continue;
    const uint64_t off = seg.offset + rel;
    if (!InRange(off, size, image_.size())) continue;
    return image_.substr(static_cast<size_t>(off), static_cast<size_t>(size));
  }
  return std::nullopt;
}

std::optional<uint64_t> Executable::ReadAddressUint(uint64_t addr, int size) const {
  if (size < 1 || size > 8) return std::nullopt;
  auto b = ReadAddress(addr, static_cast<uint64_t>(size));
  if (!b) return std::nullopt;
  return ReadUint(*b, 0, size, big_endian_);
}

}  // namespace assay::inventory::exe
