// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// Berkeley DB hash databases, read without libdb. The layout is Berkeley DB's on-disk format
// (dbinc/db_page.h), in the byte order of the machine that wrote the file:
//   page 0, the hash meta page: magic 0x061561 at 12, hash version at 16, page size at 20,
//     encryption algorithm at 24, page type (8) at 25, meta flags at 26, last page number at 32;
//   every page: page number at 8, next page at 16, entry count at 20, high-free offset at 22,
//     page type at 25, then `entries` 16-bit item offsets from byte 26;
//   hash pages (type 13, or 2 before DB 4.6) hold key/data pairs: item 2k is a key, 2k+1 its
//     data; item i spans [offset[i], offset[i-1]) (the page end for i = 0) and starts with its
//     kind: 1 = bytes inline, 3 = off-page (3 pad bytes, first overflow page, total length);
//   overflow pages (type 7) carry `high-free offset` bytes from byte 26 and chain by next page.
// Pages are visited in file order rather than by walking the hash buckets: every live hash
// page is found either way, freed pages are re-typed to 0 by Berkeley DB, and a corrupt bucket
// table in the meta page cannot hide records.
#include <string>
#include <utility>

#include "inventory/rpm.h"

namespace assay::inventory {
namespace {

using base::Result;
using base::Status;

constexpr uint32_t kHashMagic = 0x061561;
constexpr uint32_t kBtreeMagic = 0x053162;
constexpr size_t kMetaSize = 512;  // the smallest page, enough for every meta field
constexpr size_t kPageHeaderSize = 26;
constexpr uint8_t kPageHashUnsorted = 2;
constexpr uint8_t kPageOverflow = 7;
constexpr uint8_t kPageHashMeta = 8;
constexpr uint8_t kPageHash = 13;
constexpr uint8_t kItemKeyData = 1;
constexpr uint8_t kItemOffPage = 3;
constexpr size_t kOffPageItemSize = 12;
constexpr uint8_t kMetaFlagChecksum = 0x01;

class Reader {
 public:
  Reader(std::string_view bytes, bool big_endian) : bytes_(bytes), be_(big_endian) {}

  uint16_t U16(std::string_view b, size_t pos) const {
    auto x = static_cast<uint8_t>(b[pos]);
    auto y = static_cast<uint8_t>(b[pos + 1]);
    return static_cast<uint16_t>(be_ ? (x << 8) | y : (y << 8) | x);
  }
  uint32_t U32(std::string_view b, size_t pos) const {
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) {
      uint32_t byte = static_cast<uint8_t>(b[pos + (be_ ? i : 3 - i)]);
      v = (v << 8) | byte;
    }
    return v;
  }

  void SetGeometry(uint32_t page_size, uint32_t pages) {
    page_size_ = page_size;
    pages_ = pages;
    // A well-formed file references each overflow page once, so all overflow data together is
    // smaller than the file; a hostile one could point every item at one long chain.
    overflow_budget_ = 2 * uint64_t{bytes_.size()} + 4096;
  }

  std::string_view Page(uint32_t n) const {
    return bytes_.substr(size_t{n} * page_size_, page_size_);
  }

  // Appends the `len` bytes of the overflow chain starting at `pgno` to `out`.
  Status ReadOverflow(uint32_t pgno, uint32_t len, std::string* out) {
    if (len > overflow_budget_) {
      // Aborted, not Corruption: the caller stops reading instead of skipping one item.
      return Status::Aborted("overflow items add up to more than the file holds");
    }
    overflow_budget_ -= len;
    out->clear();
    out->reserve(len);
    uint32_t remaining = len;
    uint32_t steps = 0;
    while (remaining > 0) {
      if (pgno == 0 || pgno >= pages_) {
        return Status::Corruption("overflow chain points at page " + std::to_string(pgno) +
                                  " outside the file");
      }
      if (++steps > pages_) return Status::Corruption("overflow chain loops");
      std::string_view pg = Page(pgno);
      if (static_cast<uint8_t>(pg[25]) != kPageOverflow || U32(pg, 8) != pgno) {
        return Status::Corruption("overflow chain reaches page " + std::to_string(pgno) +
                                  ", which is not an overflow page");
      }
      uint32_t plen = U16(pg, 22);
      if (plen > page_size_ - kPageHeaderSize || plen > remaining) {
        return Status::Corruption("overflow page " + std::to_string(pgno) + " claims " +
                                  std::to_string(plen) + " bytes");
      }
      if (plen == 0) {
        return Status::Corruption("overflow page " + std::to_string(pgno) + " is empty");
      }
      out->append(pg.substr(kPageHeaderSize, plen));
      remaining -= plen;
      pgno = U32(pg, 16);
    }
    return Status::Ok();
  }

  // The bytes of one key or data item; `buffer` holds overflow data.
  Result<std::string_view> Item(std::string_view pg, size_t offset, size_t end,
                                std::string* buffer) {
    uint8_t kind = static_cast<uint8_t>(pg[offset]);
    if (kind == kItemKeyData) return pg.substr(offset + 1, end - offset - 1);
    if (kind == kItemOffPage) {
      if (end - offset < kOffPageItemSize) return Status::Corruption("short off-page item");
      ASSAY_RETURN_IF_ERROR(ReadOverflow(U32(pg, offset + 4), U32(pg, offset + 8), buffer));
      return std::string_view(*buffer);
    }
    // 2 and 4 are duplicate sets, 5 an external blob: rpm never stores those in Packages.
    return Status::NotSupported("item kind " + std::to_string(kind));
  }

 private:
  std::string_view bytes_;
  bool be_;
  uint32_t page_size_ = 0;
  uint32_t pages_ = 0;
  uint64_t overflow_budget_ = 0;
};

void Problem(std::vector<std::string>* problems, std::string message) {
  if (problems != nullptr) problems->push_back(std::move(message));
}

}  // namespace

Result<BdbHashInfo> ReadBdbHash(std::string_view bytes, const BdbItemFn& on_item,
                                std::vector<std::string>* problems) {
  if (bytes.size() < kMetaSize) {
    return Status::InvalidArgument("not a Berkeley DB file: " + std::to_string(bytes.size()) +
                                   " bytes");
  }
  BdbHashInfo info;
  Reader le(bytes, false);
  uint32_t magic = le.U32(bytes, 12);
  if (magic == kHashMagic) {
    info.big_endian = false;
  } else if (Reader(bytes, true).U32(bytes, 12) == kHashMagic) {
    info.big_endian = true;
  } else if (magic == kBtreeMagic || Reader(bytes, true).U32(bytes, 12) == kBtreeMagic) {
    return Status::NotSupported("Berkeley DB btree database; rpm's Packages is a hash database");
  } else {
    return Status::InvalidArgument("not a Berkeley DB hash database (bad magic)");
  }
  Reader r(bytes, info.big_endian);
  if (static_cast<uint8_t>(bytes[25]) != kPageHashMeta) {
    return Status::Corruption("hash meta page has page type " +
                              std::to_string(static_cast<uint8_t>(bytes[25])));
  }
  uint32_t version = r.U32(bytes, 16);
  if (version < 7 || version > 10) {
    return Status::NotSupported("Berkeley DB hash version " + std::to_string(version));
  }
  if (bytes[24] != 0) return Status::NotSupported("encrypted Berkeley DB database");
  if (static_cast<uint8_t>(bytes[26]) & kMetaFlagChecksum) {
    return Status::NotSupported("Berkeley DB database with page checksums");
  }
  uint32_t page_size = r.U32(bytes, 20);
  if (page_size < 512 || page_size > 65536 || (page_size & (page_size - 1)) != 0) {
    return Status::Corruption("bad page size " + std::to_string(page_size));
  }
  uint64_t last_pgno = r.U32(bytes, 32);
  uint64_t in_file = bytes.size() / page_size;
  if (in_file == 0) return Status::Corruption("file shorter than one page");
  uint64_t pages = last_pgno + 1;
  if (pages > in_file) {
    Problem(problems, "file truncated: the meta page lists " + std::to_string(pages) +
                          " pages, the file holds " + std::to_string(in_file));
    pages = in_file;
  }
  info.page_size = page_size;
  info.pages = static_cast<uint32_t>(pages);
  r.SetGeometry(page_size, info.pages);

  std::string key_buffer;
  std::string value_buffer;
  for (uint32_t p = 1; p < info.pages; ++p) {
    std::string_view pg = r.Page(p);
    uint8_t type = static_cast<uint8_t>(pg[25]);
    if (type != kPageHash && type != kPageHashUnsorted) continue;
    auto where = [p] { return "page " + std::to_string(p); };
    if (r.U32(pg, 8) != p) {
      Problem(problems, where() + ": page header says page " + std::to_string(r.U32(pg, 8)));
      continue;
    }
    uint32_t entries = r.U16(pg, 20);
    size_t index_end = kPageHeaderSize + size_t{entries} * 2;
    if (index_end > page_size) {
      Problem(problems, where() + ": " + std::to_string(entries) + " entries overflow the page");
      continue;
    }
    if (entries % 2 != 0) Problem(problems, where() + ": odd entry count, last item ignored");
    auto bounds = [&](uint32_t i, size_t* begin, size_t* end) {
      *begin = r.U16(pg, kPageHeaderSize + size_t{i} * 2);
      *end = i == 0 ? page_size : r.U16(pg, kPageHeaderSize + size_t{i - 1} * 2);
      return *begin >= index_end && *begin < *end && *end <= page_size;
    };
    for (uint32_t i = 0; i + 1 < entries; i += 2) {
      auto item_where = [&] { return where() + " item " + std::to_string(i); };
      size_t kb, ke, vb, ve;
      if (!bounds(i, &kb, &ke) || !bounds(i + 1, &vb, &ve)) {
        Problem(problems, item_where() + ": item offsets outside the page");
        continue;
      }
      auto key = r.Item(pg, kb, ke, &key_buffer);
      if (!key.ok()) {
        if (key.status().code() == base::Code::kAborted) return key.status();
        Problem(problems, item_where() + ": key: " + key.status().message());
        continue;
      }
      // The key view may live in key_buffer, which the data read must not overwrite.
      auto value = r.Item(pg, vb, ve, &value_buffer);
      if (!value.ok()) {
        if (value.status().code() == base::Code::kAborted) return value.status();
        Problem(problems, item_where() + ": data: " + value.status().message());
        continue;
      }
      on_item(*key, *value);
    }
  }
  return info;
}

base::Status ReadRpmdbBdbBlobs(std::string_view bytes, const RpmdbBlobFn& on_blob,
                               std::vector<std::string>* problems) {
  // Keys are instance numbers in the file's byte order, which the magic tells.
  bool big_endian = bytes.size() >= 16 && Reader(bytes, false).U32(bytes, 12) != kHashMagic;
  auto on_item = [&](std::string_view key, std::string_view value) {
    if (key.size() != 4) {
      Problem(problems, "record with a " + std::to_string(key.size()) +
                            "-byte key (rpm uses 4-byte instance numbers); skipped");
      return;
    }
    uint32_t instance = Reader(key, big_endian).U32(key, 0);
    if (instance == 0) return;  // rpm's next-instance counter, not a header
    on_blob(instance, value);
  };
  return ReadBdbHash(bytes, on_item, problems).status();
}

}  // namespace assay::inventory
