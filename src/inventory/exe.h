// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// Executable files (ELF 32/64, little or big endian; PE32/PE32+; Mach-O 32/64 and universal
// "fat" files): the section table and the virtual-address map, read from the file's bytes.
// Every offset, size and count in the file is checked against the bytes actually present and
// against overflow, so a truncated or hostile header yields an error or a shorter list, never a
// read out of bounds. Nothing is copied: views point into the caller's bytes, which must outlive
// the Executable. Pure functions and const methods: thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace assay::inventory::exe {

namespace detail {
class ExeParser;
}  // namespace detail

enum class Format { kElf, kPe, kMachO };

// "ELF", "PE", "Mach-O".
std::string_view FormatName(Format f);

// Whether `first_bytes` (the start of a file; 8 bytes suffice) carry an ELF, PE ("MZ"), Mach-O
// or Mach-O universal magic. A universal header shares 0xcafebabe with Java class files; it counts
// only when the next word (the architecture count, a class file's version) is below 20.
bool LooksLikeExecutable(std::string_view first_bytes);

// A named section. Offsets are relative to Executable::image().
struct Section {
  std::string name;        // ".go.buildinfo", ".data"; Mach-O: "__go_buildinfo", "__data"
  std::string segment;     // Mach-O: the segment ("__DATA"); empty for ELF and PE
  uint64_t addr = 0;       // virtual address when loaded (PE: image base + RVA)
  uint64_t mem_size = 0;   // size in memory
  uint64_t offset = 0;     // where its bytes start in image()
  uint64_t file_size = 0;  // bytes the file holds for it, already clipped to image(); 0 for
                           // .bss-like sections
  bool writable = false;
  bool executable = false;
};

// A loaded range of the address space: ELF PT_LOAD program headers, Mach-O segments, PE
// sections (an ELF file without program headers maps its allocated sections instead).
struct Segment {
  std::string name;  // Mach-O segment or PE section name; empty for ELF
  uint64_t addr = 0;
  uint64_t mem_size = 0;
  uint64_t offset = 0;     // in image()
  uint64_t file_size = 0;  // clipped to image(); addresses past it read as zeros when loaded
  bool writable = false;
  bool executable = false;
};

class Executable {
 public:
  // Reads the headers of `bytes`. Fails with NotSupported when the bytes carry no executable
  // magic, with Corruption when the headers the format needs lie outside the bytes. A universal
  // Mach-O file yields its first architecture that parses. Section and segment entries that
  // point outside the file are kept with file_size 0 (their name still counts); at most 65,536
  // sections and 65,536 segments are kept.
  static base::Result<Executable> Parse(std::string_view bytes);

  Format format() const { return format_; }
  bool is_64bit() const { return is_64bit_; }
  bool big_endian() const { return big_endian_; }
  // The bytes the offsets refer to: the whole file, or the chosen slice of a universal file.
  std::string_view image() const { return image_; }
  // Offset of image() within the bytes given to Parse (non-zero only for universal files).
  uint64_t image_offset() const { return image_offset_; }

  const std::vector<Section>& sections() const { return sections_; }
  const std::vector<Segment>& segments() const { return segments_; }

  // The first section called `name` (and, when `segment` is not empty, in that Mach-O segment),
  // or nullptr.
  const Section* FindSection(std::string_view name, std::string_view segment = {}) const;

  // The file bytes of a section (empty when it has none).
  std::string_view SectionBytes(const Section& s) const;

  // FindSection + SectionBytes: nullopt when no such section exists.
  std::optional<std::string_view> SectionData(std::string_view name,
                                              std::string_view segment = {}) const;

  // The file bytes backing virtual addresses [addr, addr + size): nullopt unless the whole range
  // lies inside the file-backed part of one segment.
  std::optional<std::string_view> ReadAddress(uint64_t addr, uint64_t size) const;

  // Reads an unsigned integer of `size` bytes (1, 2, 4 or 8) at virtual address `addr` in the
  // file's byte order.
  std::optional<uint64_t> ReadAddressUint(uint64_t addr, int size) const;

 private:
  Executable() = default;

  Format format_ = Format::kElf;
  bool is_64bit_ = false;
  bool big_endian_ = false;
  std::string_view image_;
  uint64_t image_offset_ = 0;
  std::vector<Section> sections_;
  std::vector<Segment> segments_;

  friend class detail::ExeParser;
};

// Byte-order helpers for callers decoding structures found in sections: the value of `size`
// bytes (1..8) at `off`, or nullopt when they are not all inside `b`.
std::optional<uint64_t> ReadUint(std::string_view b, uint64_t off, int size, bool big_endian);

}  // namespace assay::inventory::exe
