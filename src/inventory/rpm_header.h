// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// RPM header parsing: the tagged, big-endian key/value structure that every rpm package database
// stores per installed package and every .rpm file carries twice (signature and main header).
//
// Layout (rpm's doc/manual/format.md):
//   [on-disk form only: 8 bytes magic 8e ad e8 01 + 4 reserved bytes]
//   il: uint32 number of index entries      dl: uint32 size of the data store
//   il x {tag, type, offset, count}: uint32 each, offset relative to the data store
//   data store: dl bytes
// The rpmdb backends (sqlite, bdb, ndb) store the form without the magic ("blob"); .rpm files use
// the on-disk form.
//
// Headers come from files assay scans and are hostile input. RpmHeader::Parse validates every
// index entry against the data store before anything is read (type known, data in bounds,
// strings terminated inside the store, counts bounded), with all arithmetic done in 64 bits, so
// no accessor can read outside the input. Alignment of numeric data is not enforced: values are
// assembled byte by byte, so misalignment is harmless.
//
// All functions are pure and thread-safe. An RpmHeader views the bytes it was parsed from; the
// caller keeps them alive while the header (and any string_view it returned) is in use.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace assay::inventory {

// Tag numbers (rpm's rpmtag.h) that assay reads.
inline constexpr uint32_t kRpmTagHeaderImmutable = 63;  // region tag of an rpmdb header blob
inline constexpr uint32_t kRpmTagName = 1000;
inline constexpr uint32_t kRpmTagVersion = 1001;
inline constexpr uint32_t kRpmTagRelease = 1002;
inline constexpr uint32_t kRpmTagEpoch = 1003;
inline constexpr uint32_t kRpmTagArch = 1022;
inline constexpr uint32_t kRpmTagOldFilenames = 1027;
inline constexpr uint32_t kRpmTagSourceRpm = 1044;
inline constexpr uint32_t kRpmTagSourcePackage = 1106;
inline constexpr uint32_t kRpmTagDirIndexes = 1116;
inline constexpr uint32_t kRpmTagBasenames = 1117;
inline constexpr uint32_t kRpmTagDirNames = 1118;

// Data types of index entries (rpm's rpmTagType).
enum class RpmType : uint32_t {
  kNull = 0,
  kChar = 1,
  kInt8 = 2,
  kInt16 = 3,
  kInt32 = 4,
  kInt64 = 5,
  kString = 6,
  kBin = 7,
  kStringArray = 8,
  kI18nString = 9,
};

enum class RpmHeaderForm {
  kBlob,    // starts with il/dl (rpmdb.sqlite, bdb and ndb Packages values)
  kOnDisk,  // starts with the 8-byte header magic (.rpm files)
};

struct RpmHeaderEntry {
  uint32_t tag = 0;
  RpmType type = RpmType::kNull;
  uint32_t offset = 0;  // into the data store
  uint32_t count = 0;
  uint32_t length = 0;  // bytes of data, computed and checked by Parse
};

class RpmHeader {
 public:
  // rpm's own limits (HEADER_TAGS_MAX, HEADER_DATA_MAX): larger values are corruption.
  static constexpr uint32_t kMaxIndexEntries = 0xffff;
  static constexpr uint32_t kMaxDataSize = 0x0fffffff;
  // Bound on the element count of one string array (the largest real packages own ~10^5
  // files); keeps a tiny hostile header from producing a huge vector of views.
  static constexpr uint32_t kMaxStringArrayCount = 1u << 20;
  static constexpr std::string_view kMagic{"\x8e\xad\xe8\x01", 4};

  // Parses and validates the header at the start of `bytes`; bytes after the header are
  // ignored (size() tells where it ended). Errors: InvalidArgument for a missing magic,
  // Corruption for anything truncated, out of bounds or of unknown type.
  static base::Result<RpmHeader> Parse(std::string_view bytes, RpmHeaderForm form);
  // The header would view a destroyed temporary: keep the bytes in a variable.
  static base::Result<RpmHeader> Parse(std::string&& bytes, RpmHeaderForm form) = delete;

  // Bytes the header occupies in the input, magic included.
  size_t size() const { return size_; }
  const std::vector<RpmHeaderEntry>& entries() const { return entries_; }

  // The entry for `tag`, or nullptr. When a tag occurs more than once the last entry wins, as
  // rpm lets entries appended after the immutable region override it.
  const RpmHeaderEntry* Find(uint32_t tag) const;
  bool Has(uint32_t tag) const { return Find(tag) != nullptr; }

  // Typed accessors. NotFound when the tag is absent, Corruption when its type does not fit.
  // String accepts STRING and the first element of I18NSTRING / STRING_ARRAY.
  base::Result<std::string_view> String(uint32_t tag) const;
  base::Result<std::vector<std::string_view>> StringArray(uint32_t tag) const;  // + I18NSTRING
  base::Result<std::vector<uint32_t>> Int32Array(uint32_t tag) const;

 private:
  RpmHeader() = default;

  std::string_view store_;  // the data store
  std::vector<RpmHeaderEntry> entries_;
  size_t size_ = 0;
};

// What assay keeps of an rpm header.
struct RpmPackageInfo {
  std::string name;
  std::string version;
  std::string release;
  std::optional<uint32_t> epoch;   // set only when the header has an EPOCH tag
  std::string arch;                // empty when absent (gpg-pubkey)
  std::string source_rpm;          // "bash-5.1.8-6.el9.src.rpm"; empty for source packages
  bool is_source = false;          // a source package: no SOURCERPM tag (rpm's headerIsSource)
  std::vector<std::string> files;  // absolute paths; filled only when asked for
};

// Reads name, version, release (all three required), epoch, arch, source rpm and, when
// `with_files`, the owned-file list. Corruption when a required tag is missing or a tag has the
// wrong type.
base::Result<RpmPackageInfo> ReadRpmPackageInfo(const RpmHeader& header, bool with_files);

// The owned files: DIRNAMES[DIRINDEXES[i]] + BASENAMES[i] (rpm >= 4.0 "compressed" file
// lists), else OLDFILENAMES, else none. Corruption when the three arrays disagree in length, an
// index is out of range, or the list would exceed kMaxFileListBytes.
inline constexpr size_t kMaxFileListBytes = size_t{64} << 20;
base::Result<std::vector<std::string>> ReadRpmFileList(const RpmHeader& header);

// Parses the header blob as stored in rpmdb and reads its package info in one step.
base::Result<RpmPackageInfo> ParseRpmHeaderBlob(std::string_view blob, bool with_files = false);

// "[epoch:]version-release": the version string assay stores for an rpm package.
std::string RpmEvr(const RpmPackageInfo& info);

// The package name inside a source rpm file name: "bash-5.1.8-6.el9.src.rpm" -> "bash" (the
// text before the second-to-last '-' once ".src.rpm"/".nosrc.rpm" is removed). Empty when the
// name has fewer than two '-'.
std::string SourceRpmName(std::string_view source_rpm);

}  // namespace assay::inventory
