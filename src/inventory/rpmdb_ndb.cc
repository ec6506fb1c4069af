// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// rpm's ndb package database (Packages.db), as laid out by lib/backend/ndb/rpmpkg.c. All words
// are little-endian 32-bit; the file is addressed in 16-byte blocks:
//   bytes 0-31: "RpmP", format version (0), generation, number of 4096-byte slot pages, next
//     package index;
//   slot pages: 16-byte slots "Slot", package index, block offset, block count (offset 0 = a
//     free slot); the first two slots of page 0 are the file header;
//   a blob at `block offset * 16`: "BlbS", package index, timestamp, blob length, the header
//     blob, zero padding, then adler32 (over head, blob and padding), blob length, "BlbE" at
//     the end of its `block count * 16` bytes.
// rpm itself trusts the slot table and checks the blob head and tail; it verifies the adler32
// only in `rpmdb --verifydb`. Here a checksum mismatch is reported and the blob still used.
#include <string>
#include <utility>
#include <vector>

#include "inventory/rpm.h"

namespace assay::inventory {
namespace {

using base::Status;

constexpr size_t kFileHeaderSize = 32;
constexpr size_t kSlotPageSize = 4096;
constexpr size_t kSlotSize = 16;
constexpr size_t kBlockSize = 16;
constexpr size_t kBlobHeadSize = 16;
constexpr size_t kBlobTailSize = 12;
constexpr std::string_view kFileMagic = "RpmP";
constexpr std::string_view kSlotMagic = "Slot";
constexpr std::string_view kBlobHeadMagic = "BlbS";
constexpr std::string_view kBlobTailMagic = "BlbE";

uint32_t Le32(std::string_view b, size_t pos) {
  return uint32_t{static_cast<uint8_t>(b[pos])} |
         (uint32_t{static_cast<uint8_t>(b[pos + 1])} << 8) |
         (uint32_t{static_cast<uint8_t>(b[pos + 2])} << 16) |
         (uint32_t{static_cast<uint8_t>(b[pos + 3])} << 24);
}

// RFC 1950's adler32, the checksum rpm's ndb backend uses.
uint32_t Adler32(std::string_view data) {
  constexpr uint32_t kMod = 65521;
  uint32_t a = 1;
  uint32_t b = 0;
  while (!data.empty()) {
    // 5552 bytes is the longest run whose sums cannot overflow 32 bits before the reduction.
    size_t n = data.size() < 5552 ? data.size() : 5552;
    for (size_t i = 0; i < n; ++i) {
      a += static_cast<uint8_t>(data[i]);
      b += a;
    }
    a %= kMod;
    b %= kMod;
    data.remove_prefix(n);
  }
  return (b << 16) | a;
}

void Problem(std::vector<std::string>* problems, std::string message) {
  if (problems != nullptr) problems->push_back(std::move(message));
}

}  // namespace

Status ReadRpmdbNdbBlobs(std::string_view bytes, const RpmdbBlobFn& on_blob,
                         std::vector<std::string>* problems) {
  if (bytes.size() < kFileHeaderSize || bytes.substr(0, 4) != kFileMagic) {
    return Status::InvalidArgument("not an rpm ndb Packages.db (magic RpmP missing)");
  }
  uint32_t version = Le32(bytes, 4);
  if (version != 0) return Status::NotSupported("ndb format version " + std::to_string(version));
  uint64_t slot_pages = Le32(bytes, 12);
  if (slot_pages == 0) return Status::Corruption("ndb header lists no slot pages");
  if (slot_pages * kSlotPageSize > bytes.size()) {
    return Status::Corruption("ndb truncated: " + std::to_string(slot_pages) + " slot pages need " +
                              std::to_string(slot_pages * kSlotPageSize) + " bytes, have " +
                              std::to_string(bytes.size()));
  }
  const uint64_t file_blocks = bytes.size() / kBlockSize;
  const uint64_t first_data_block = slot_pages * (kSlotPageSize / kBlockSize);
  // Slots never share blocks in a well-formed file, so the blobs together fit in the file; a
  // hostile slot table pointing every slot at one big blob must not cost quadratic time.
  uint64_t budget = bytes.size();
  const uint64_t slots = slot_pages * (kSlotPageSize / kSlotSize);
  for (uint64_t slot = kFileHeaderSize / kSlotSize; slot < slots; ++slot) {
    size_t off = slot * kSlotSize;
    if (bytes.substr(off, 4) != kSlotMagic) {
      Problem(problems, "slot " + std::to_string(slot) + ": bad slot magic");
      continue;
    }
    uint32_t pkgidx = Le32(bytes, off + 4);
    uint64_t blkoff = Le32(bytes, off + 8);
    uint64_t blkcnt = Le32(bytes, off + 12);
    if (blkoff == 0) continue;  // free slot
    // Built only on a problem: most slots of a slot page are free or fine.
    auto where = [&] {
      return "slot " + std::to_string(slot) + " (package " + std::to_string(pkgidx) + ")";
    };
    if (pkgidx == 0 || blkcnt == 0 || blkoff < first_data_block) {
      Problem(problems, where() + ": bad slot entry");
      continue;
    }
    if (blkoff + blkcnt > file_blocks) {
      Problem(problems, where() + ": blob runs past the end of the file");
      continue;
    }
    if (blkcnt * kBlockSize < kBlobHeadSize + kBlobTailSize) {
      Problem(problems, where() + ": blob too small");
      continue;
    }
    if (blkcnt * kBlockSize > budget) {
      return Status::Aborted("ndb slots reference more blob data than the file holds");
    }
    budget -= blkcnt * kBlockSize;
    std::string_view area = bytes.substr(blkoff * kBlockSize, blkcnt * kBlockSize);
    if (area.substr(0, 4) != kBlobHeadMagic || Le32(area, 4) != pkgidx) {
      Problem(problems, where() + ": bad blob head");
      continue;
    }
    uint64_t blob_len = Le32(area, 12);
    if (blkcnt != (kBlobHeadSize + blob_len + kBlobTailSize + kBlockSize - 1) / kBlockSize) {
      Problem(problems, where() + ": blob length " + std::to_string(blob_len) +
                            " does not match its " + std::to_string(blkcnt) + " blocks");
      continue;
    }
    std::string_view tail = area.substr(area.size() - kBlobTailSize);
    if (Le32(tail, 4) != blob_len || tail.substr(8, 4) != kBlobTailMagic) {
      Problem(problems, where() + ": bad blob tail");
      continue;
    }
    if (Adler32(area.substr(0, area.size() - kBlobTailSize)) != Le32(tail, 0)) {
      Problem(problems, where() + ": blob checksum mismatch (used anyway, as rpm does)");
    }
    on_blob(pkgidx, area.substr(kBlobHeadSize, blob_len));
  }
  return Status::Ok();
}

}  // namespace assay::inventory
