// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include "inventory/rpm_header.h"

#include <cstring>
#include <utility>

namespace assay::inventory {
namespace {

using base::Result;
using base::Status;

uint32_t Be32(std::string_view b, size_t pos) {
  return (uint32_t{static_cast<uint8_t>(b[pos])} << 24) |
         (uint32_t{static_cast<uint8_t>(b[pos + 1])} << 16) |
         (uint32_t{static_cast<uint8_t>(b[pos + 2])} << 8) |
         uint32_t{static_cast<uint8_t>(b[pos + 3])};
}

// Size of one element of a fixed-size type; 0 for the string types.
uint32_t FixedSize(RpmType type) {
  switch (type) {
    case RpmType::kNull:
      return 0;
    case RpmType::kChar:
    case RpmType::kInt8:
    case RpmType::kBin:
      return 1;
    case RpmType::kInt16:
      return 2;
    case RpmType::kInt32:
      return 4;
    case RpmType::kInt64:
      return 8;
    default:
      return 0;
  }
}

bool IsStringType(RpmType t) {
  return t == RpmType::kString || t == RpmType::kStringArray || t == RpmType::kI18nString;
}

std::string EntryName(size_t index, uint32_t tag) {
  return "entry " + std::to_string(index) + " (tag " + std::to_string(tag) + ")";
}

// Computes and checks the byte length of an entry's data inside `store`. `scan_budget` bounds
// the bytes searched for string terminators over the whole header: in a well-formed header the
// entries' data do not overlap, so their total is at most the store size, while a hostile one
// could point 65535 entries at the same megabyte of strings.
Result<uint32_t> DataLength(std::string_view store, const RpmHeaderEntry& e, size_t index,
                            uint64_t* scan_budget) {
  const uint64_t dl = store.size();
  if (e.offset > dl) {
    return Status::Corruption(EntryName(index, e.tag) + ": offset " + std::to_string(e.offset) +
                              " is past the data store (" + std::to_string(dl) + " bytes)");
  }
  if (!IsStringType(e.type)) {
    uint64_t len = uint64_t{e.count} * FixedSize(e.type);
    if (e.offset + len > dl) {
      return Status::Corruption(EntryName(index, e.tag) + ": " + std::to_string(e.count) +
                                " elements at offset " + std::to_string(e.offset) +
                                " run past the data store (" + std::to_string(dl) + " bytes)");
    }
    return static_cast<uint32_t>(len);
  }
  if (e.type == RpmType::kString && e.count != 1) {
    return Status::Corruption(EntryName(index, e.tag) + ": STRING with count " +
                              std::to_string(e.count));
  }
  // Each string takes at least its terminator, so a count above the remaining bytes is a lie.
  if (e.count > RpmHeader::kMaxStringArrayCount || e.count > dl - e.offset) {
    return Status::Corruption(EntryName(index, e.tag) + ": string count " +
                              std::to_string(e.count) + " does not fit the data store");
  }
  size_t pos = e.offset;
  for (uint32_t i = 0; i < e.count; ++i) {
    const void* nul = std::memchr(store.data() + pos, '\0', store.size() - pos);
    if (nul == nullptr) {
      return Status::Corruption(EntryName(index, e.tag) + ": string " + std::to_string(i) +
                                " is not terminated inside the data store");
    }
    size_t end = static_cast<size_t>(static_cast<const char*>(nul) - store.data()) + 1;
    uint64_t scanned = end - pos;
    if (scanned > *scan_budget) {
      return Status::Corruption(EntryName(index, e.tag) +
                                ": string data overlaps other entries beyond any real header");
    }
    *scan_budget -= scanned;
    pos = end;
  }
  return static_cast<uint32_t>(pos - e.offset);
}

std::string TypeError(uint32_t tag, RpmType type, std::string_view want) {
  return "tag " + std::to_string(tag) + " has type " + std::to_string(static_cast<uint32_t>(type)) +
         ", want " + std::string(want);
}

// Reads a required string tag for ReadRpmPackageInfo.
Status RequiredString(const RpmHeader& h, uint32_t tag, std::string_view name, std::string* out) {
  auto s = h.String(tag);
  if (!s.ok()) {
    if (s.status().code() == base::Code::kNotFound) {
      return Status::Corruption("header has no " + std::string(name) + " tag");
    }
    return s.status().WithContext(name);
  }
  if (s->empty()) return Status::Corruption("header has an empty " + std::string(name));
  *out = std::string(*s);
  return Status::Ok();
}

// Reads an optional string tag: absent leaves `out` empty.
Status OptionalString(const RpmHeader& h, uint32_t tag, std::string_view name, std::string* out) {
  if (!h.Has(tag)) return Status::Ok();
  auto s = h.String(tag);
  if (!s.ok()) return s.status().WithContext(name);
  *out = std::string(*s);
  return Status::Ok();
}

}  // namespace

Result<RpmHeader> RpmHeader::Parse(std::string_view bytes, RpmHeaderForm form) {
  size_t pos = 0;
  if (form == RpmHeaderForm::kOnDisk) {
    if (bytes.size() < 8 || bytes.substr(0, 4) != kMagic) {
      return Status::InvalidArgument("not an rpm header: magic 8eade801 missing");
    }
    pos = 8;  // magic + 4 reserved bytes
  }
  if (bytes.size() - pos < 8) {
    return Status::Corruption("rpm header truncated: " + std::to_string(bytes.size()) +
                              " bytes, need at least " + std::to_string(pos + 8));
  }
  const uint32_t il = Be32(bytes, pos);
  const uint32_t dl = Be32(bytes, pos + 4);
  if (il > kMaxIndexEntries) {
    return Status::Corruption("rpm header has " + std::to_string(il) +
                              " index entries (more than rpm allows)");
  }
  if (dl > kMaxDataSize) {
    return Status::Corruption("rpm header data store of " + std::to_string(dl) +
                              " bytes (more than rpm allows)");
  }
  const uint64_t index_start = pos + 8;
  const uint64_t store_start = index_start + uint64_t{il} * 16;
  const uint64_t end = store_start + dl;
  if (end > bytes.size()) {
    return Status::Corruption("rpm header truncated: " + std::to_string(il) + " entries and " +
                              std::to_string(dl) + " data bytes need " + std::to_string(end) +
                              " bytes, have " + std::to_string(bytes.size()));
  }

  RpmHeader h;
  h.store_ = bytes.substr(store_start, dl);
  h.size_ = end;
  h.entries_.reserve(il);
  uint64_t scan_budget = 2 * uint64_t{dl} + 64;  // slack; real headers need <= dl
  for (uint32_t i = 0; i < il; ++i) {
    size_t p = index_start + size_t{i} * 16;
    RpmHeaderEntry e;
    e.tag = Be32(bytes, p);
    uint32_t type = Be32(bytes, p + 4);
    e.offset = Be32(bytes, p + 8);
    e.count = Be32(bytes, p + 12);
    if (type > static_cast<uint32_t>(RpmType::kI18nString)) {
      return Status::Corruption(EntryName(i, e.tag) + ": unknown type " + std::to_string(type));
    }
    e.type = static_cast<RpmType>(type);
    auto len = DataLength(h.store_, e, i, &scan_budget);
    if (!len.ok()) return len.status();
    e.length = *len;
    h.entries_.push_back(e);
  }
  return h;
}

const RpmHeaderEntry* RpmHeader::Find(uint32_t tag) const {
  for (auto it = entries_.rbegin(); it != entries_.rend(); ++it) {
    if (it->tag == tag) return &*it;
  }
  return nullptr;
}

Result<std::string_view> RpmHeader::String(uint32_t tag) const {
  const RpmHeaderEntry* e = Find(tag);
  if (e == nullptr) return Status::NotFound("no tag " + std::to_string(tag));
  if (!IsStringType(e->type)) return Status::Corruption(TypeError(tag, e->type, "a string"));
  if (e->count == 0) return Status::Corruption("tag " + std::to_string(tag) + " has no strings");
  // Parse proved a terminator inside [offset, offset + length).
  std::string_view data = store_.substr(e->offset, e->length);
  return data.substr(0, data.find('\0'));
}

Result<std::vector<std::string_view>> RpmHeader::StringArray(uint32_t tag) const {
  const RpmHeaderEntry* e = Find(tag);
  if (e == nullptr) return Status::NotFound("no tag " + std::to_string(tag));
  if (e->type != RpmType::kStringArray && e->type != RpmType::kI18nString) {
    return Status::Corruption(TypeError(tag, e->type, "STRING_ARRAY"));
  }
  std::vector<std::string_view> out;
  out.reserve(e->count);  // bounded by Parse (kMaxStringArrayCount and the store size)
  std::string_view data = store_.substr(e->offset, e->length);
  for (uint32_t i = 0; i < e->count; ++i) {
    size_t nul = data.find('\0');
    if (nul == std::string_view::npos) {
      return Status::Internal("string array changed after validation");
    }
    out.push_back(data.substr(0, nul));
    data.remove_prefix(nul + 1);
  }
  return out;
}

Result<std::vector<uint32_t>> RpmHeader::Int32Array(uint32_t tag) const {
  const RpmHeaderEntry* e = Find(tag);
  if (e == nullptr) return Status::NotFound("no tag " + std::to_string(tag));
  if (e->type != RpmType::kInt32) return Status::Corruption(TypeError(tag, e->type, "INT32"));
  std::vector<uint32_t> out;
  out.reserve(e->count);  // Parse proved count * 4 bytes inside the store
  for (uint32_t i = 0; i < e->count; ++i) out.push_back(Be32(store_, e->offset + size_t{i} * 4));
  return out;
}

Result<std::vector<std::string>> ReadRpmFileList(const RpmHeader& header) {
  std::vector<std::string> files;
  if (header.Has(kRpmTagBasenames)) {
    auto base_names = header.StringArray(kRpmTagBasenames);
    if (!base_names.ok()) return base_names.status().WithContext("BASENAMES");
    // A missing companion array is a broken header, not an absent optional tag.
    auto dir_names = header.StringArray(kRpmTagDirNames);
    if (!dir_names.ok()) {
      return Status::Corruption("BASENAMES with unusable DIRNAMES: " +
                                dir_names.status().message());
    }
    auto dir_indexes = header.Int32Array(kRpmTagDirIndexes);
    if (!dir_indexes.ok()) {
      return Status::Corruption("BASENAMES with unusable DIRINDEXES: " +
                                dir_indexes.status().message());
    }
    if (dir_indexes->size() != base_names->size()) {
      return Status::Corruption("file list: " + std::to_string(base_names->size()) +
                                " BASENAMES but " + std::to_string(dir_indexes->size()) +
                                " DIRINDEXES");
    }
    // A short DIRNAMES entry shared by many files is normal; a long one shared by a million
    // files is an amplification attack, hence the byte cap.
    size_t total = 0;
    files.reserve(base_names->size());
    for (size_t i = 0; i < base_names->size(); ++i) {
      uint32_t d = (*dir_indexes)[i];
      if (d >= dir_names->size()) {
        return Status::Corruption("file list: DIRINDEXES[" + std::to_string(i) +
                                  "] = " + std::to_string(d) + " but only " +
                                  std::to_string(dir_names->size()) + " DIRNAMES");
      }
      std::string_view dir = (*dir_names)[d];
      std::string_view name = (*base_names)[i];
      total += dir.size() + name.size();
      if (total > kMaxFileListBytes) {
        return Status::Corruption("file list longer than " + std::to_string(kMaxFileListBytes) +
                                  " bytes");
      }
      std::string path;
      path.reserve(dir.size() + name.size());
      path.append(dir).append(name);
      files.push_back(std::move(path));
    }
    return files;
  }
  if (header.Has(kRpmTagOldFilenames)) {
    auto old = header.StringArray(kRpmTagOldFilenames);
    if (!old.ok()) return old.status().WithContext("OLDFILENAMES");
    files.assign(old->begin(), old->end());
  }
  return files;
}

Result<RpmPackageInfo> ReadRpmPackageInfo(const RpmHeader& header, bool with_files) {
  RpmPackageInfo info;
  ASSAY_RETURN_IF_ERROR(RequiredString(header, kRpmTagName, "NAME", &info.name));
  ASSAY_RETURN_IF_ERROR(RequiredString(header, kRpmTagVersion, "VERSION", &info.version));
  ASSAY_RETURN_IF_ERROR(RequiredString(header, kRpmTagRelease, "RELEASE", &info.release));
  if (header.Has(kRpmTagEpoch)) {
    auto epoch = header.Int32Array(kRpmTagEpoch);
    if (!epoch.ok()) return epoch.status().WithContext("EPOCH");
    if (epoch->empty()) return Status::Corruption("EPOCH tag without a value");
    info.epoch = epoch->front();
  }
  ASSAY_RETURN_IF_ERROR(OptionalString(header, kRpmTagArch, "ARCH", &info.arch));
  ASSAY_RETURN_IF_ERROR(OptionalString(header, kRpmTagSourceRpm, "SOURCERPM", &info.source_rpm));
  info.is_source = !header.Has(kRpmTagSourceRpm);
  if (with_files) {
    ASSAY_ASSIGN_OR_RETURN(info.files, ReadRpmFileList(header));
  }
  return info;
}

Result<RpmPackageInfo> ParseRpmHeaderBlob(std::string_view blob, bool with_files) {
  ASSAY_ASSIGN_OR_RETURN(RpmHeader header, RpmHeader::Parse(blob, RpmHeaderForm::kBlob));
  return ReadRpmPackageInfo(header, with_files);
}

std::string RpmEvr(const RpmPackageInfo& info) {
  std::string out;
  if (info.epoch) {
    out += std::to_string(*info.epoch);
    out += ':';
  }
  out += info.version;
  out += '-';
  out += info.release;
  return out;
}

std::string SourceRpmName(std::string_view source_rpm) {
  for (std::string_view suffix : {".src.rpm", ".nosrc.rpm"}) {
    if (source_rpm.size() > suffix.size() &&
        source_rpm.substr(source_rpm.size() - suffix.size()) == suffix) {
      source_rpm.remove_suffix(suffix.size());
      break;
    }
  }
  size_t release_dash = source_rpm.rfind('-');
  if (release_dash == std::string_view::npos || release_dash == 0) return "";
  size_t version_dash = source_rpm.rfind('-', release_dash - 1);
  if (version_dash == std::string_view::npos || version_dash == 0) return "";
  return std::string(source_rpm.substr(0, version_dash));
}

}  // namespace assay::inventory
