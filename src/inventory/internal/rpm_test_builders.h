// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// Test-only builders for rpm headers and the rpm database containers (rpm_test.cc and the rpm
// fuzz harnesses): they write well-formed inputs that tests then break on purpose. They follow
// the same format descriptions as the readers, so they prove nothing about real files on their
// own; the fixtures in testdata/rpm/ (made by rpm, rpmbuild and libdb) do that. Pure functions.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "inventory/rpm_header.h"

namespace assay::inventory::rpmtest {

inline void PutBe32(std::string* s, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) s->push_back(static_cast<char>(v >> shift));
}
inline void PutLe32(std::string* s, uint32_t v) {
  for (int shift = 0; shift <= 24; shift += 8) s->push_back(static_cast<char>(v >> shift));
}
inline void Put32(std::string* s, uint32_t v, bool big_endian) {
  big_endian ? PutBe32(s, v) : PutLe32(s, v);
}
inline void Set32(std::string* s, size_t pos, uint32_t v, bool big_endian) {
  std::string tmp;
  Put32(&tmp, v, big_endian);
  s->replace(pos, 4, tmp);
}
inline void Set16(std::string* s, size_t pos, uint16_t v, bool big_endian) {
  (*s)[pos] = static_cast<char>(big_endian ? v >> 8 : v);
  (*s)[pos + 1] = static_cast<char>(big_endian ? v : v >> 8);
}

// One index entry plus its data bytes.
struct Tag {
  uint32_t tag;
  RpmType type;
  uint32_t count;
  std::string data;
};

inline Tag StringTag(uint32_t tag, std::string_view s) {
  return {tag, RpmType::kString, 1, std::string(s) + '\0'};
}
inline Tag StringArrayTag(uint32_t tag, const std::vector<std::string>& v,
                          RpmType type = RpmType::kStringArray) {
  Tag t{tag, type, static_cast<uint32_t>(v.size()), ""};
  for (const auto& s : v) t.data += s + '\0';
  return t;
}
inline Tag Int32Tag(uint32_t tag, const std::vector<uint32_t>& v) {
  Tag t{tag, RpmType::kInt32, static_cast<uint32_t>(v.size()), ""};
  for (uint32_t x : v) PutBe32(&t.data, x);
  return t;
}

// A header holding `tags` in order, numeric data aligned as rpm aligns it.
inline std::string HeaderBytes(const std::vector<Tag>& tags,
                               RpmHeaderForm form = RpmHeaderForm::kBlob) {
  std::string index;
  std::string store;
  for (const auto& t : tags) {
    size_t align = t.type == RpmType::kInt16   ? 2
                   : t.type == RpmType::kInt32 ? 4
                   : t.type == RpmType::kInt64 ? 8
                                               : 1;
    while (store.size() % align != 0) store.push_back('\0');
    PutBe32(&index, t.tag);
    PutBe32(&index, static_cast<uint32_t>(t.type));
    PutBe32(&index, static_cast<uint32_t>(store.size()));
    PutBe32(&index, t.count);
    store += t.data;
  }
  std::string out;
  if (form == RpmHeaderForm::kOnDisk) out.append("\x8e\xad\xe8\x01\0\0\0\0", 8);
  PutBe32(&out, static_cast<uint32_t>(tags.size()));
  PutBe32(&out, static_cast<uint32_t>(store.size()));
  return out + index + store;
}

// A header with index entries and data store given verbatim; `il`/`dl` override the counts.
struct RawEntry {
  uint32_t tag;
  uint32_t type;
  uint32_t offset;
  uint32_t count;
};
inline std::string RawHeader(const std::vector<RawEntry>& entries, std::string_view store,
                             std::optional<uint32_t> il = std::nullopt,
                             std::optional<uint32_t> dl = std::nullopt) {
  std::string out;
  PutBe32(&out, il.value_or(static_cast<uint32_t>(entries.size())));
  PutBe32(&out, dl.value_or(static_cast<uint32_t>(store.size())));
  for (const auto& e : entries) {
    PutBe32(&out, e.tag);
    PutBe32(&out, e.type);
    PutBe32(&out, e.offset);
    PutBe32(&out, e.count);
  }
  out.append(store);
  return out;
}

// A package header to build; setters chain: PackageSpec("zlib").Release("40.el9").Epoch(1).
struct PackageSpec {
  explicit PackageSpec(std::string n) : name(std::move(n)) {}
  PackageSpec& Version(std::string v) {
    version = std::move(v);
    return *this;
  }
  PackageSpec& Release(std::string v) {
    release = std::move(v);
    return *this;
  }
  PackageSpec& Epoch(uint32_t v) {
    epoch = v;
    return *this;
  }
  PackageSpec& Arch(std::string v) {
    arch = std::move(v);
    return *this;
  }
  PackageSpec& SourceRpm(std::string v) {
    source_rpm = std::move(v);
    return *this;
  }
  PackageSpec& Files(std::vector<std::string> d, std::vector<std::string> b,
                     std::vector<uint32_t> i) {
    dirs = std::move(d);
    basenames = std::move(b);
    dir_indexes = std::move(i);
    return *this;
  }

  std::string name;
  std::string version = "1.0";
  std::string release = "1";
  std::optional<uint32_t> epoch;
  std::string arch = "x86_64";  // empty: no ARCH tag
  std::string source_rpm;       // empty: no SOURCERPM tag
  std::vector<std::string> dirs;
  std::vector<std::string> basenames;
  std::vector<uint32_t> dir_indexes;
};

inline std::vector<Tag> PackageTags(const PackageSpec& p) {
  std::vector<Tag> tags = {StringTag(kRpmTagName, p.name), StringTag(kRpmTagVersion, p.version),
                           StringTag(kRpmTagRelease, p.release)};
  if (p.epoch) tags.push_back(Int32Tag(kRpmTagEpoch, {*p.epoch}));
  if (!p.arch.empty()) tags.push_back(StringTag(kRpmTagArch, p.arch));
  if (!p.source_rpm.empty()) tags.push_back(StringTag(kRpmTagSourceRpm, p.source_rpm));
  if (!p.basenames.empty()) {
    tags.push_back(Int32Tag(kRpmTagDirIndexes, p.dir_indexes));
    tags.push_back(StringArrayTag(kRpmTagBasenames, p.basenames));
    tags.push_back(StringArrayTag(kRpmTagDirNames, p.dirs));
  }
  return tags;
}

inline std::string PackageBlob(const PackageSpec& p) { return HeaderBytes(PackageTags(p)); }

// A .rpm file: lead, a one-tag signature header (padded to 8 bytes), the main header, and a
// few payload bytes.
inline std::string RpmFile(const PackageSpec& p) {
  std::string out("\xed\xab\xee\xdb\x03\x00", 6);
  out.append(2, '\0');        // type: binary
  out.append("\x00\x01", 2);  // archnum
  std::string name = p.name.substr(0, 65);
  out += name;
  out.append(66 - name.size(), '\0');
  out.append("\x00\x01\x00\x05", 4);  // osnum, signature type 5 (header-style)
  out.append(16, '\0');
  out += HeaderBytes({Int32Tag(1000, {4242})}, RpmHeaderForm::kOnDisk);  // SIGTAG_SIZE
  while (out.size() % 8 != 0) out.push_back('\0');
  out += HeaderBytes(PackageTags(p), RpmHeaderForm::kOnDisk);
  out += "payload";
  return out;
}

// A Berkeley DB hash file (format version 9): meta page, one hash page holding every pair
// (keys inline; values inline up to `inline_max` bytes, else in an overflow chain), then the
// overflow pages. Returns "" when the pairs do not fit on one hash page.
inline std::string BdbHash(const std::vector<std::pair<std::string, std::string>>& items,
                           uint32_t page_size, bool big_endian, size_t inline_max) {
  const size_t header = 26;
  std::string hash(page_size, '\0');
  std::vector<std::string> overflow_pages;
  size_t cursor = page_size;
  size_t entries = items.size() * 2;
  std::vector<uint16_t> offsets;
  auto place = [&](const std::string& item) {
    if (item.size() > cursor || cursor - item.size() < header + entries * 2) return false;
    cursor -= item.size();
    hash.replace(cursor, item.size(), item);
    offsets.push_back(static_cast<uint16_t>(cursor));
    return true;
  };
  for (const auto& [key, value] : items) {
    if (!place('\x01' + key)) return "";
    std::string item;
    if (value.size() <= inline_max) {
      item = '\x01' + value;
    } else {
      uint32_t first = static_cast<uint32_t>(2 + overflow_pages.size());
      size_t chunk = page_size - header;
      for (size_t pos = 0; pos < value.size(); pos += chunk) {
        std::string pg(page_size, '\0');
        uint32_t pgno = static_cast<uint32_t>(2 + overflow_pages.size());
        size_t len = std::min(chunk, value.size() - pos);
        Set32(&pg, 8, pgno, big_endian);
        Set32(&pg, 12, pos == 0 ? 0 : pgno - 1, big_endian);
        Set32(&pg, 16, pos + len < value.size() ? pgno + 1 : 0, big_endian);
        Set16(&pg, 20, 1, big_endian);
        Set16(&pg, 22, static_cast<uint16_t>(len), big_endian);
        pg[25] = 7;
        pg.replace(header, len, value.substr(pos, len));
        overflow_pages.push_back(std::move(pg));
      }
      item = std::string("\x03\0\0\0", 4);
      Put32(&item, first, big_endian);
      Put32(&item, static_cast<uint32_t>(value.size()), big_endian);
    }
    if (!place(item)) return "";
  }
  Set32(&hash, 8, 1, big_endian);
  Set16(&hash, 20, static_cast<uint16_t>(entries), big_endian);
  Set16(&hash, 22, static_cast<uint16_t>(cursor), big_endian);
  hash[25] = 13;
  for (size_t i = 0; i < offsets.size(); ++i) Set16(&hash, header + i * 2, offsets[i], big_endian);

  std::string meta(page_size, '\0');
  Set32(&meta, 12, 0x061561, big_endian);
  Set32(&meta, 16, 9, big_endian);
  Set32(&meta, 20, page_size, big_endian);
  meta[25] = 8;
  Set32(&meta, 32, static_cast<uint32_t>(1 + overflow_pages.size()), big_endian);
  std::string out = meta + hash;
  for (const auto& pg : overflow_pages) out += pg;
  return out;
}

// A 4-byte rpm instance key in the given byte order.
inline std::string BdbKey(uint32_t instance, bool big_endian) {
  std::string k;
  Put32(&k, instance, big_endian);
  return k;
}

// An ndb Packages.db with one slot page and the blobs in order (see make_ndb.py).
inline uint32_t TestAdler32(std::string_view data) {
  uint32_t a = 1, b = 0;
  for (char c : data) {
    a = (a + static_cast<uint8_t>(c)) % 65521;
    b = (b + a) % 65521;
  }
  return (b << 16) | a;
}
inline std::string Ndb(const std::vector<std::pair<uint32_t, std::string>>& blobs) {
  std::string page;
  page += "RpmP";
  PutLe32(&page, 0);
  PutLe32(&page, 1);
  PutLe32(&page, 1);  // slot pages
  PutLe32(&page, static_cast<uint32_t>(blobs.size() + 1));
  page.append(12, '\0');
  std::string body;
  uint32_t blkoff = 4096 / 16;
  for (size_t slot = 2; slot < 4096 / 16; ++slot) {
    page += "Slot";
    size_t i = slot - 2;
    if (i >= blobs.size()) {
      page.append(12, '\0');
      continue;
    }
    const auto& [idx, blob] = blobs[i];
    uint32_t blkcnt = static_cast<uint32_t>((16 + blob.size() + 12 + 15) / 16);
    std::string area = "BlbS";
    PutLe32(&area, idx);
    PutLe32(&area, 1700000000);
    PutLe32(&area, static_cast<uint32_t>(blob.size()));
    area += blob;
    area.append(size_t{blkcnt} * 16 - 12 - area.size(), '\0');
    uint32_t adler = TestAdler32(area);
    PutLe32(&area, adler);
    PutLe32(&area, static_cast<uint32_t>(blob.size()));
    area += "BlbE";
    body += area;
    PutLe32(&page, idx);
    PutLe32(&page, blkoff);
    PutLe32(&page, blkcnt);
    blkoff += blkcnt;
  }
  return page + body;
}

}  // namespace assay::inventory::rpmtest
