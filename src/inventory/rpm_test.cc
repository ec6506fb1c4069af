// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// RPM header and package database parsers: header edge cases (including hostile headers),
// the four formats against the fixtures made with rpm/rpmbuild/libdb (testdata/rpm/README.md),
// crafted broken containers, the shared conformance records, and truncated/garbage inputs.
#include "inventory/rpm.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "base/testing/conformance.h"
#include "inventory/internal/rpm_test_builders.h"
#include "inventory/rpm_header.h"

namespace assay::inventory {
namespace {

using rpmtest::BdbHash;
using rpmtest::BdbKey;
using rpmtest::HeaderBytes;
using rpmtest::Int32Tag;
using rpmtest::PackageBlob;
using rpmtest::PackageSpec;
using rpmtest::RawEntry;
using rpmtest::RawHeader;
using rpmtest::StringArrayTag;
using rpmtest::StringTag;
using rpmtest::Tag;

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

std::filesystem::path TestData(const std::string& rel) {
  return testing::SourceDir() / "src/inventory/testdata/rpm" / rel;
}

std::string Fixture(const std::string& rel) {
  std::string bytes = ReadFile(TestData(rel));
  EXPECT_FALSE(bytes.empty()) << "missing fixture " << rel;
  return bytes;
}

constexpr uint32_t kTypeString = static_cast<uint32_t>(RpmType::kString);
constexpr uint32_t kTypeInt32 = static_cast<uint32_t>(RpmType::kInt32);
constexpr uint32_t kTypeInt64 = static_cast<uint32_t>(RpmType::kInt64);
constexpr uint32_t kTypeStringArray = static_cast<uint32_t>(RpmType::kStringArray);

// ---------------------------------------------------------------------------------------------
// Header parsing

TEST(RpmHeaderTest, ReadsAllFieldsOfABuiltHeader) {
  PackageSpec spec = PackageSpec("bash")
                         .Version("5.1.8")
                         .Release("6.el9")
                         .Epoch(1)
                         .Arch("x86_64")
                         .SourceRpm("bash-5.1.8-6.el9.src.rpm")
                         .Files({"/usr/bin/", "/etc/"}, {"bash", "bashrc", "sh"}, {0, 1, 0});
  std::string blob = PackageBlob(spec);
  auto info = ParseRpmHeaderBlob(blob, /*with_files=*/true);
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->name, "bash");
  EXPECT_EQ(info->version, "5.1.8");
  EXPECT_EQ(info->release, "6.el9");
  EXPECT_EQ(info->epoch, 1u);
  EXPECT_EQ(info->arch, "x86_64");
  EXPECT_EQ(info->source_rpm, "bash-5.1.8-6.el9.src.rpm");
  EXPECT_FALSE(info->is_source);
  EXPECT_EQ(info->files, (std::vector<std::string>{"/usr/bin/bash", "/etc/bashrc", "/usr/bin/sh"}));
  EXPECT_EQ(RpmEvr(*info), "1:5.1.8-6.el9");

  // The on-disk form is the same with the magic in front; trailing bytes are not part of it.
  std::string disk = HeaderBytes(rpmtest::PackageTags(spec), RpmHeaderForm::kOnDisk);
  std::string with_payload = disk + "trailing payload";  // the header views these bytes
  auto h = RpmHeader::Parse(with_payload, RpmHeaderForm::kOnDisk);
  ASSERT_TRUE(h.ok()) << h.status().ToString();
  EXPECT_EQ(h->size(), disk.size());
  EXPECT_EQ(*h->String(kRpmTagName), "bash");
  // A blob is not an on-disk header and vice versa.
  EXPECT_EQ(RpmHeader::Parse(blob, RpmHeaderForm::kOnDisk).status().code(),
            base::Code::kInvalidArgument);
}

TEST(RpmHeaderTest, OldFilenamesAndNoFiles) {
  std::string blob = HeaderBytes({StringTag(kRpmTagName, "old"), StringTag(kRpmTagVersion, "1"),
                                  StringTag(kRpmTagRelease, "1"),
                                  StringArrayTag(kRpmTagOldFilenames, {"/bin/old", "/etc/old"})});
  auto info = ParseRpmHeaderBlob(blob, true);
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->files, (std::vector<std::string>{"/bin/old", "/etc/old"}));
  EXPECT_FALSE(info->epoch.has_value());
  EXPECT_TRUE(info->is_source);  // no SOURCERPM
  EXPECT_EQ(RpmEvr(*info), "1-1");

  auto none = ParseRpmHeaderBlob(PackageBlob(PackageSpec("empty")), true);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->files.empty());
}

TEST(RpmHeaderTest, LastDuplicateTagWins) {
  // rpm lets entries after the immutable region override it.
  std::string blob =
      HeaderBytes({StringTag(kRpmTagName, "first"), StringTag(kRpmTagVersion, "1"),
                   StringTag(kRpmTagRelease, "1"), StringTag(kRpmTagName, "second")});
  auto info = ParseRpmHeaderBlob(blob);
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->name, "second");
}

TEST(RpmHeaderTest, I18nStringAndStringArrayReadAsString) {
  std::string blob =
      HeaderBytes({StringArrayTag(kRpmTagName, {"i18n", "other"}, RpmType::kI18nString),
                   StringArrayTag(kRpmTagVersion, {"2"}), StringTag(kRpmTagRelease, "3")});
  auto info = ParseRpmHeaderBlob(blob);
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->name, "i18n");
  EXPECT_EQ(info->version, "2");
}

struct MalformedCase {
  std::string name;
  std::string bytes;
  RpmHeaderForm form = RpmHeaderForm::kBlob;
  base::Code code = base::Code::kCorruption;
  std::string message_part;
};

TEST(RpmHeaderTest, RejectsMalformedAndHostileHeaders) {
  const std::string name_data = std::string("pkg") + '\0';
  std::string long_string(1000, 'x');
  long_string += '\0';
  std::vector<RawEntry> overlapping(200, RawEntry{1004, kTypeString, 0, 1});
  std::string huge_count_strings(64, '\0');

  std::vector<MalformedCase> cases = {
      {"empty input", "", RpmHeaderForm::kBlob, base::Code::kCorruption, "truncated"},
      {"seven bytes", std::string(7, '\0'), RpmHeaderForm::kBlob, base::Code::kCorruption,
       "truncated"},
      {"on-disk without magic", std::string(16, '\0'), RpmHeaderForm::kOnDisk,
       base::Code::kInvalidArgument, "magic"},
      {"on-disk magic only", std::string("\x8e\xad\xe8\x01", 4), RpmHeaderForm::kOnDisk,
       base::Code::kInvalidArgument, "magic"},
      {"on-disk truncated after magic", std::string("\x8e\xad\xe8\x01\0\0\0\0\0\0", 10),
       RpmHeaderForm::kOnDisk, base::Code::kCorruption, "truncated"},
      {"index count above rpm's limit", RawHeader({}, "", 0x10000), RpmHeaderForm::kBlob,
       base::Code::kCorruption, "index entries"},
      {"index count 2^32-1", RawHeader({}, "", 0xffffffff), RpmHeaderForm::kBlob,
       base::Code::kCorruption, "index entries"},
      {"data size above rpm's limit", RawHeader({}, "", 0, 0x10000000), RpmHeaderForm::kBlob,
       base::Code::kCorruption, "data store"},
      {"index entries past the end", RawHeader({}, "", 3), RpmHeaderForm::kBlob,
       base::Code::kCorruption, "truncated"},
      {"data store past the end", RawHeader({}, "abc", 0, 4000), RpmHeaderForm::kBlob,
       base::Code::kCorruption, "truncated"},
      {"offset past the store", RawHeader({{1000, kTypeString, 5, 1}}, name_data),
       RpmHeaderForm::kBlob, base::Code::kCorruption, "offset"},
      {"offset 2^32-1", RawHeader({{1000, kTypeInt32, 0xffffffff, 1}}, name_data),
       RpmHeaderForm::kBlob, base::Code::kCorruption, "offset"},
      {"int32 count whose byte size wraps 32 bits",
       RawHeader({{1003, kTypeInt32, 0, 0x40000001}}, "abcd"), RpmHeaderForm::kBlob,
       base::Code::kCorruption, "run past"},
      {"int64 count 2^32-1", RawHeader({{1003, kTypeInt64, 0, 0xffffffff}}, "abcdefgh"),
       RpmHeaderForm::kBlob, base::Code::kCorruption, "run past"},
      {"int32 array one element too long", RawHeader({{1003, kTypeInt32, 0, 2}}, "abcdefg"),
       RpmHeaderForm::kBlob, base::Code::kCorruption, "run past"},
      {"unterminated string", RawHeader({{1000, kTypeString, 0, 1}}, "pkg"), RpmHeaderForm::kBlob,
       base::Code::kCorruption, "not terminated"},
      {"string at the very end", RawHeader({{1000, kTypeString, 3, 1}}, "pkg"),
       RpmHeaderForm::kBlob, base::Code::kCorruption, "does not fit"},
      {"STRING with count 2", RawHeader({{1000, kTypeString, 0, 2}}, name_data),
       RpmHeaderForm::kBlob, base::Code::kCorruption, "count 2"},
      {"string array count above the data",
       RawHeader({{1117, kTypeStringArray, 0, 5}}, "a\0b\0", std::nullopt, std::nullopt),
       RpmHeaderForm::kBlob, base::Code::kCorruption, "string count"},
      {"string array count 2^32-1",
       RawHeader({{1117, kTypeStringArray, 0, 0xffffffff}}, huge_count_strings),
       RpmHeaderForm::kBlob, base::Code::kCorruption, "string count"},
      {"string array with a missing terminator",
       RawHeader({{1117, kTypeStringArray, 0, 2}}, std::string("a\0bc", 4)), RpmHeaderForm::kBlob,
       base::Code::kCorruption, "not terminated"},
      {"unknown type 10", RawHeader({{1000, 10, 0, 1}}, name_data), RpmHeaderForm::kBlob,
       base::Code::kCorruption, "unknown type"},
      {"type 2^32-1", RawHeader({{1000, 0xffffffff, 0, 1}}, name_data), RpmHeaderForm::kBlob,
       base::Code::kCorruption, "unknown type"},
      {"200 entries sharing one long string", RawHeader(overlapping, long_string),
       RpmHeaderForm::kBlob, base::Code::kCorruption, "overlaps"},
  };
  for (const auto& tc : cases) {
    SCOPED_TRACE(tc.name);
    auto h = RpmHeader::Parse(tc.bytes, tc.form);
    ASSERT_FALSE(h.ok());
    EXPECT_EQ(h.status().code(), tc.code) << h.status().ToString();
    EXPECT_NE(h.status().message().find(tc.message_part), std::string::npos)
        << h.status().ToString();
  }
}

TEST(RpmHeaderTest, ZeroCountsAndEmptyHeadersAreStructurallyValid) {
  const std::string empty_bytes = RawHeader({}, "");
  auto empty = RpmHeader::Parse(empty_bytes, RpmHeaderForm::kBlob);
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->size(), 8u);
  EXPECT_EQ(empty->String(kRpmTagName).status().code(), base::Code::kNotFound);
  // No package without NAME, VERSION and RELEASE.
  EXPECT_NE(ReadRpmPackageInfo(*empty, false).status().message().find("no NAME"),
            std::string::npos);

  const std::string zero_bytes = RawHeader({{1116, kTypeInt32, 0, 0}}, "");
  auto zero = RpmHeader::Parse(zero_bytes, RpmHeaderForm::kBlob);
  ASSERT_TRUE(zero.ok()) << zero.status().ToString();
  EXPECT_TRUE(zero->Int32Array(1116)->empty());
}

struct InfoCase {
  std::string name;
  std::vector<Tag> tags;
  bool with_files = false;
  std::string message_part;  // empty: must succeed
};

TEST(RpmHeaderTest, PackageInfoRejectsWrongTypesAndBrokenFileLists) {
  auto base_tags = [] {
    return std::vector<Tag>{StringTag(kRpmTagName, "p"), StringTag(kRpmTagVersion, "1"),
                            StringTag(kRpmTagRelease, "1")};
  };
  auto with = [&](std::vector<Tag> extra) {
    auto t = base_tags();
    t.insert(t.end(), extra.begin(), extra.end());
    return t;
  };
  std::vector<InfoCase> cases = {
      {"minimal", base_tags(), true, ""},
      {"no VERSION",
       {StringTag(kRpmTagName, "p"), StringTag(kRpmTagRelease, "1")},
       false,
       "no VERSION"},
      {"no RELEASE",
       {StringTag(kRpmTagName, "p"), StringTag(kRpmTagVersion, "1")},
       false,
       "no RELEASE"},
      {"empty NAME",
       {StringTag(kRpmTagName, ""), StringTag(kRpmTagVersion, "1"), StringTag(kRpmTagRelease, "1")},
       false,
       "empty NAME"},
      {"NAME as INT32",
       {Int32Tag(kRpmTagName, {7}), StringTag(kRpmTagVersion, "1"), StringTag(kRpmTagRelease, "1")},
       false,
       "want a string"},
      {"EPOCH as STRING", with({StringTag(kRpmTagEpoch, "1")}), false, "want INT32"},
      {"EPOCH without a value", with({Int32Tag(kRpmTagEpoch, {})}), false, "without a value"},
      {"ARCH as INT32", with({Int32Tag(kRpmTagArch, {1})}), false, "ARCH"},
      {"DIRINDEXES out of range but files not asked for",
       with({Int32Tag(kRpmTagDirIndexes, {5}), StringArrayTag(kRpmTagBasenames, {"a"}),
             StringArrayTag(kRpmTagDirNames, {"/"})}),
       false, ""},
      {"DIRINDEXES out of range",
       with({Int32Tag(kRpmTagDirIndexes, {5}), StringArrayTag(kRpmTagBasenames, {"a"}),
             StringArrayTag(kRpmTagDirNames, {"/"})}),
       true, "only 1 DIRNAMES"},
      {"DIRINDEXES shorter than BASENAMES",
       with({Int32Tag(kRpmTagDirIndexes, {0}), StringArrayTag(kRpmTagBasenames, {"a", "b"}),
             StringArrayTag(kRpmTagDirNames, {"/"})}),
       true, "2 BASENAMES but 1 DIRINDEXES"},
      {"BASENAMES without DIRNAMES",
       with({Int32Tag(kRpmTagDirIndexes, {0}), StringArrayTag(kRpmTagBasenames, {"a"})}), true,
       "DIRNAMES"},
      {"BASENAMES as STRING",
       with({Int32Tag(kRpmTagDirIndexes, {0}), StringTag(kRpmTagBasenames, "a"),
             StringArrayTag(kRpmTagDirNames, {"/"})}),
       true, "want STRING_ARRAY"},
      {"DIRINDEXES as STRING_ARRAY",
       with({StringArrayTag(kRpmTagDirIndexes, {"0"}), StringArrayTag(kRpmTagBasenames, {"a"}),
             StringArrayTag(kRpmTagDirNames, {"/"})}),
       true, "want INT32"},
  };
  // One 64 KiB directory name shared by 1100 files: 70 MB of paths from a 70 KB header.
  std::vector<std::string> many(1100, "");
  cases.push_back({"file list amplification",
                   with({Int32Tag(kRpmTagDirIndexes, std::vector<uint32_t>(1100, 0)),
                         StringArrayTag(kRpmTagBasenames, many),
                         StringArrayTag(kRpmTagDirNames, {std::string(65536, 'd')})}),
                   true, "file list longer than"});
  for (const auto& tc : cases) {
    SCOPED_TRACE(tc.name);
    std::string bytes = HeaderBytes(tc.tags);
    auto h = RpmHeader::Parse(bytes, RpmHeaderForm::kBlob);
    ASSERT_TRUE(h.ok()) << h.status().ToString();
    auto info = ReadRpmPackageInfo(*h, tc.with_files);
    if (tc.message_part.empty()) {
      EXPECT_TRUE(info.ok()) << info.status().ToString();
    } else {
      ASSERT_FALSE(info.ok());
      EXPECT_EQ(info.status().code(), base::Code::kCorruption);
      EXPECT_NE(info.status().message().find(tc.message_part), std::string::npos)
          << info.status().ToString();
    }
  }
}

TEST(RpmHeaderTest, SourceRpmNames) {
  struct Case {
    std::string in, want;
  };
  for (const auto& tc : std::vector<Case>{
           {"bash-5.1.8-6.el9.src.rpm", "bash"},
           {"python-requests-2.25.1-8.el9.src.rpm", "python-requests"},
           {"kernel-5.14.0-362.8.1.el9_3.nosrc.rpm", "kernel"},
           {"glibc-2.34-60.el9", "glibc"},
           {"a-b-c.src.rpm", "a"},
           {"nodash.src.rpm", ""},
           {"one-dash.src.rpm", ""},
           {"-1-2.src.rpm", ""},
           {"", ""},
           {"(none)", ""},
       }) {
    EXPECT_EQ(SourceRpmName(tc.in), tc.want) << tc.in;
  }
}

// ---------------------------------------------------------------------------------------------
// Fixtures made with real rpm tooling (testdata/rpm/README.md)

// The five packages of every database fixture, in instance order (gpg-pubkey, instance 6, is
// skipped).
std::vector<model::Package> ExpectedFixturePackages(const std::string& path,
                                                    const std::string& ecosystem = "RPM",
                                                    const std::string& ns = "rpm") {
  auto pkg = [&](std::string name, std::string version, std::string source, std::string arch,
                 std::string purl) {
    model::Package p;
    p.ecosystem = ecosystem;
    p.name = std::move(name);
    p.version = std::move(version);
    p.source_name = std::move(source);
    p.arch = std::move(arch);
    p.purl = "pkg:rpm/" + ns + "/" + purl;
    p.path = path;
    p.package_manager = "rpm";
    return p;
  };
  return {
      pkg("assay-multi-libs", "10.4-7.fc40", "assay-multi", "x86_64",
          "assay-multi-libs@10.4-7.fc40?arch=x86_64"),
      pkg("assay-multi", "10.4-7.fc40", "", "x86_64", "assay-multi@10.4-7.fc40?arch=x86_64"),
      pkg("assay-hello", "1.2.3-4.el9", "", "noarch", "assay-hello@1.2.3-4.el9?arch=noarch"),
      pkg("assay-epoch", "2:0.9~rc1-1", "", "noarch", "assay-epoch@0.9~rc1-1?arch=noarch&epoch=2"),
      pkg("assay-empty-lib", "3.0.0^20240101git-0.1.fc40", "", "noarch",
          "assay-empty-lib@3.0.0%5E20240101git-0.1.fc40?arch=noarch"),
  };
}

// `rpm -ql` of each instance (1..6).
const std::map<uint64_t, std::vector<std::string>>& ExpectedFixtureFiles() {
  static const auto* files = new std::map<uint64_t, std::vector<std::string>>{
      {1, {"/usr/lib64/assay/libassay.so.10"}},
      {2, {"/usr/share/doc/assay-multi/README"}},
      {3, {"/etc/assay-hello.conf", "/usr/share/assay-hello", "/usr/share/assay-hello/hello.txt"}},
      {4, {"/usr/bin/assay-epoch"}},
      {5, {}},
      {6, {}},
  };
  return *files;
}

void ExpectPackages(const std::vector<model::Package>& got,
                    const std::vector<model::Package>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    SCOPED_TRACE(want[i].name);
    EXPECT_EQ(got[i].ecosystem, want[i].ecosystem);
    EXPECT_EQ(got[i].name, want[i].name);
    EXPECT_EQ(got[i].version, want[i].version);
    EXPECT_EQ(got[i].source_name, want[i].source_name);
    EXPECT_EQ(got[i].source_version, want[i].source_version);
    EXPECT_EQ(got[i].arch, want[i].arch);
    EXPECT_EQ(got[i].purl, want[i].purl);
    EXPECT_EQ(got[i].path, want[i].path);
    EXPECT_EQ(got[i].package_manager, want[i].package_manager);
  }
}

struct DbFixture {
  std::string file;
  ParseFn parse;
  base::Status (*read)(std::string_view, const RpmdbBlobFn&, std::vector<std::string>*);
};

std::vector<DbFixture> DbFixtures() {
  return {
      {"sqlite/rpmdb.sqlite", &ParseRpmdbSqlite, &ReadRpmdbSqliteBlobs},
      {"bdb-le4096/Packages", &ParseRpmdbBdb, &ReadRpmdbBdbBlobs},
      {"bdb-be16384/Packages", &ParseRpmdbBdb, &ReadRpmdbBdbBlobs},
      {"bdb-le512/Packages", &ParseRpmdbBdb, &ReadRpmdbBdbBlobs},
      {"ndb/Packages.db", &ParseRpmdbNdb, &ReadRpmdbNdbBlobs},
  };
}

TEST(RpmdbFixtureTest, EveryBackendYieldsTheInstalledPackages) {
  for (const auto& fx : DbFixtures()) {
    SCOPED_TRACE(fx.file);
    std::string bytes = Fixture(fx.file);
    std::string path = "var/lib/rpm/" + std::filesystem::path(fx.file).filename().string();
    auto parsed = fx.parse({bytes, path, ""});
    ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
    EXPECT_TRUE(parsed->warnings.empty()) << parsed->warnings.front().message;
    ExpectPackages(parsed->packages, ExpectedFixturePackages(path));
  }
}

TEST(RpmdbFixtureTest, DistributionEcosystemSetsThePurlNamespace) {
  std::string bytes = Fixture("sqlite/rpmdb.sqlite");
  auto parsed = ParseRpmdbSqlite({bytes, "var/lib/rpm/rpmdb.sqlite", "AlmaLinux:9"});
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  ExpectPackages(parsed->packages,
                 ExpectedFixturePackages("var/lib/rpm/rpmdb.sqlite", "AlmaLinux:9", "almalinux"));

  auto rocky = ParseRpmdbNdb({Fixture("ndb/Packages.db"), "", "Rocky Linux:9"});
  ASSERT_TRUE(rocky.ok());
  ASSERT_FALSE(rocky->packages.empty());
  EXPECT_EQ(rocky->packages[0].purl,
            "pkg:rpm/rocky-linux/assay-multi-libs@10.4-7.fc40?arch=x86_64");
}

TEST(RpmdbFixtureTest, EveryBackendYieldsTheSameBlobsAndFileLists) {
  for (const auto& fx : DbFixtures()) {
    SCOPED_TRACE(fx.file);
    std::string bytes = Fixture(fx.file);
    std::map<uint64_t, std::vector<std::string>> files;
    std::vector<std::string> problems;
    base::Status st = fx.read(
        bytes,
        [&](uint64_t instance, std::string_view blob) {
          auto info = ParseRpmHeaderBlob(blob, /*with_files=*/true);
          ASSERT_TRUE(info.ok()) << info.status().ToString();
          files[instance] = info->files;
        },
        &problems);
    ASSERT_TRUE(st.ok()) << st.ToString();
    EXPECT_TRUE(problems.empty());
    EXPECT_EQ(files, ExpectedFixtureFiles());
  }
}

TEST(RpmdbFixtureTest, BerkeleyDbGeometry) {
  struct Case {
    std::string file;
    bool big_endian;
    uint32_t page_size;
    uint32_t pages;
  };
  for (const auto& tc : std::vector<Case>{{"bdb-le4096/Packages", false, 4096, 9},
                                          {"bdb-be16384/Packages", true, 16384, 3},
                                          {"bdb-le512/Packages", false, 512, 27}}) {
    SCOPED_TRACE(tc.file);
    std::string bytes = Fixture(tc.file);
    int items = 0;
    auto info = ReadBdbHash(
        bytes, [&](std::string_view, std::string_view) { ++items; }, nullptr);
    ASSERT_TRUE(info.ok()) << info.status().ToString();
    EXPECT_EQ(info->big_endian, tc.big_endian);
    EXPECT_EQ(info->page_size, tc.page_size);
    EXPECT_EQ(info->pages, tc.pages);
    EXPECT_EQ(items, 7);  // six headers and rpm's instance counter (key 0)
  }
}

TEST(RpmFileFixtureTest, BinaryAndSourcePackages) {
  struct Case {
    std::string file;
    std::string name, version, source, arch, purl;
  };
  std::vector<Case> cases = {
      {"assay-hello-1.2.3-4.el9.noarch.rpm", "assay-hello", "1.2.3-4.el9", "", "noarch",
       "pkg:rpm/rpm/assay-hello@1.2.3-4.el9?arch=noarch"},
      {"assay-epoch-0.9~rc1-1.noarch.rpm", "assay-epoch", "2:0.9~rc1-1", "", "noarch",
       "pkg:rpm/rpm/assay-epoch@0.9~rc1-1?arch=noarch&epoch=2"},
      {"assay-empty-lib-3.0.0^20240101git-0.1.fc40.noarch.rpm", "assay-empty-lib",
       "3.0.0^20240101git-0.1.fc40", "", "noarch",
       "pkg:rpm/rpm/assay-empty-lib@3.0.0%5E20240101git-0.1.fc40?arch=noarch"},
      {"assay-multi-10.4-7.fc40.x86_64.rpm", "assay-multi", "10.4-7.fc40", "", "x86_64",
       "pkg:rpm/rpm/assay-multi@10.4-7.fc40?arch=x86_64"},
      {"assay-multi-libs-10.4-7.fc40.x86_64.rpm", "assay-multi-libs", "10.4-7.fc40", "assay-multi",
       "x86_64", "pkg:rpm/rpm/assay-multi-libs@10.4-7.fc40?arch=x86_64"},
      // rpm -qp names a source package NAME-VERSION-RELEASE.src.
      {"assay-epoch-0.9~rc1-1.src.rpm", "assay-epoch", "2:0.9~rc1-1", "", "src",
       "pkg:rpm/rpm/assay-epoch@0.9~rc1-1?arch=src&epoch=2"},
  };
  for (const auto& tc : cases) {
    SCOPED_TRACE(tc.file);
    std::string bytes = Fixture("rpms/" + tc.file);
    auto parsed = ParseRpmFile({bytes, tc.file, ""});
    ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
    ASSERT_EQ(parsed->packages.size(), 1u);
    const auto& p = parsed->packages[0];
    EXPECT_EQ(p.ecosystem, "RPM");
    EXPECT_EQ(p.name, tc.name);
    EXPECT_EQ(p.version, tc.version);
    EXPECT_EQ(p.source_name, tc.source);
    EXPECT_EQ(p.arch, tc.arch);
    EXPECT_EQ(p.purl, tc.purl);
    EXPECT_EQ(p.path, tc.file);
    EXPECT_EQ(p.package_manager, "rpm");
  }
}

// ---------------------------------------------------------------------------------------------
// Crafted containers

std::vector<std::pair<std::string, std::string>> TwoPackages(bool big_endian) {
  return {{BdbKey(0, big_endian), BdbKey(3, big_endian)},
          {BdbKey(2, big_endian),
           PackageBlob(PackageSpec("zlib").Version("1.2.11").Release("40.el9").SourceRpm(
               "zlib-1.2.11-40.el9.src.rpm"))},
          {BdbKey(1, big_endian), PackageBlob(PackageSpec("glibc-common")
                                                  .Version("2.34")
                                                  .Release("60.el9")
                                                  .Epoch(0)
                                                  .SourceRpm("glibc-2.34-60.el9.src.rpm"))}};
}

TEST(RpmdbBdbTest, InlineAndOverflowValuesInBothByteOrders) {
  for (bool big_endian : {false, true}) {
    for (size_t inline_max : {size_t{0}, size_t{100000}}) {
      SCOPED_TRACE(::testing::Message()
                   << "big_endian=" << big_endian << " inline_max=" << inline_max);
      std::string db = BdbHash(TwoPackages(big_endian), 512, big_endian, inline_max);
      ASSERT_FALSE(db.empty());
      auto parsed = ParseRpmdbBdb({db, "var/lib/rpm/Packages", ""});
      ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
      EXPECT_TRUE(parsed->warnings.empty());
      ASSERT_EQ(parsed->packages.size(), 2u);
      EXPECT_EQ(parsed->packages[0].name, "glibc-common");  // instance 1 first
      EXPECT_EQ(parsed->packages[0].version, "0:2.34-60.el9");
      EXPECT_EQ(parsed->packages[0].source_name, "glibc");
      EXPECT_EQ(parsed->packages[0].purl,
                "pkg:rpm/rpm/glibc-common@2.34-60.el9?arch=x86_64&epoch=0");
      EXPECT_EQ(parsed->packages[1].name, "zlib");
      EXPECT_EQ(parsed->packages[1].source_name, "");
    }
  }
}

TEST(RpmdbBdbTest, BadRecordsBecomeWarnings) {
  auto items = TwoPackages(false);
  items.push_back({BdbKey(7, false), "not a header"});
  items.push_back(
      {BdbKey(8, false),
       PackageBlob(PackageSpec("gpg-pubkey").Version("8783d481").Release("63ceb953").Arch(""))});
  items.push_back({"long key", PackageBlob(PackageSpec("x"))});
  std::string db = BdbHash(items, 1024, false, 0);
  ASSERT_FALSE(db.empty());
  auto parsed = ParseRpmdbBdb({db, "var/lib/rpm/Packages", ""});
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  ASSERT_EQ(parsed->packages.size(), 2u);  // gpg-pubkey skipped silently
  ASSERT_EQ(parsed->warnings.size(), 2u);
  EXPECT_EQ(parsed->warnings[0].location, "var/lib/rpm/Packages: header 7");
  EXPECT_NE(parsed->warnings[1].message.find("8-byte key"), std::string::npos);
}

TEST(RpmdbBdbTest, CorruptPagesAndChains) {
  // Values over 8 bytes go to overflow pages: page 2 holds zlib's blob, 3-5 glibc-common's.
  const std::string good = BdbHash(TwoPackages(false), 512, false, 8);
  ASSERT_FALSE(good.empty());
  const uint32_t page = 512;
  auto u32 = [&](const std::string& s, size_t pos) {
    return uint32_t{static_cast<uint8_t>(s[pos])} |
           uint32_t{static_cast<uint8_t>(s[pos + 1])} << 8 |
           uint32_t{static_cast<uint8_t>(s[pos + 2])} << 16 |
           uint32_t{static_cast<uint8_t>(s[pos + 3])} << 24;
  };
  const uint32_t last = u32(good, 32);
  struct Case {
    std::string name;
    std::string bytes;
    size_t packages;
    std::string warning_part;  // first warning must contain it; empty: no warnings
  };
  std::vector<Case> cases;
  {
    std::string b = good.substr(0, good.size() - page);  // drop the last overflow page
    cases.push_back({"truncated file", b, 1, "file truncated"});
  }
  {
    std::string b = good;  // the first overflow page links to itself forever
    size_t pg2 = 2 * page;
    rpmtest::Set32(&b, pg2 + 16, 2, false);
    rpmtest::Set16(&b, pg2 + 22, 1, false);
    cases.push_back({"overflow chain loop", b, 1, "loops"});
  }
  {
    std::string b = good;
    rpmtest::Set32(&b, 2 * page + 16, 9999, false);
    rpmtest::Set16(&b, 2 * page + 22, 1, false);
    cases.push_back({"overflow chain leaves the file", b, 1, "outside the file"});
  }
  {
    std::string b = good;
    b[2 * page + 25] = 13;  // overflow page re-typed as a hash page with garbage entries
    cases.push_back({"overflow page of the wrong type", b, 1, ""});
  }
  {
    std::string b = good;
    rpmtest::Set16(&b, page + 26, 600, false);  // first item offset past the page
    cases.push_back({"item offset outside the page", b, 2, "outside the page"});
  }
  {
    std::string b = good;
    rpmtest::Set16(&b, page + 20, 4000, false);
    cases.push_back({"entry count larger than the page", b, 0, "overflow the page"});
  }
  {
    std::string b = good;
    rpmtest::Set32(&b, page + 8, 77, false);
    cases.push_back({"page number mismatch", b, 0, "page header says page 77"});
  }
  {
    std::string b = good;
    rpmtest::Set32(&b, 32, last + 1000, false);
    cases.push_back({"meta page claims more pages", b, 2, "file truncated"});
  }
  for (const auto& tc : cases) {
    SCOPED_TRACE(tc.name);
    auto parsed = ParseRpmdbBdb({tc.bytes, "Packages", ""});
    ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
    EXPECT_EQ(parsed->packages.size(), tc.packages);
    if (!tc.warning_part.empty()) {
      ASSERT_FALSE(parsed->warnings.empty());
      EXPECT_NE(parsed->warnings[0].message.find(tc.warning_part), std::string::npos)
          << parsed->warnings[0].message;
    }
  }
}

TEST(RpmdbBdbTest, SharedOverflowChainsCannotCostQuadraticTime) {
  // Many items referencing one long overflow chain: a few KB of file, megabytes of reads.
  std::string blob = PackageBlob(PackageSpec("p").Release(std::string(20000, 'r')));
  std::string db = BdbHash({{BdbKey(1, false), blob}}, 4096, false, 0);
  ASSERT_FALSE(db.empty());
  // Point 150 more items on the hash page at the same chain.
  const size_t page = 4096;
  std::string item = db.substr(page + 4096 - 5 - 12, 12);  // the value item of the only pair
  ASSERT_EQ(item[0], '\x03');
  std::string hash(page, '\0');
  size_t cursor = page;
  std::vector<uint16_t> offsets;
  for (uint32_t i = 1; i <= 150; ++i) {
    std::string key = '\x01' + BdbKey(i, false);
    cursor -= key.size();
    hash.replace(cursor, key.size(), key);
    offsets.push_back(static_cast<uint16_t>(cursor));
    cursor -= item.size();
    hash.replace(cursor, item.size(), item);
    offsets.push_back(static_cast<uint16_t>(cursor));
  }
  rpmtest::Set32(&hash, 8, 1, false);
  rpmtest::Set16(&hash, 20, static_cast<uint16_t>(offsets.size()), false);
  hash[25] = 13;
  for (size_t i = 0; i < offsets.size(); ++i) rpmtest::Set16(&hash, 26 + i * 2, offsets[i], false);
  db.replace(page, page, hash);
  auto parsed = ParseRpmdbBdb({db, "Packages", ""});
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().code(), base::Code::kAborted) << parsed.status().ToString();
}

TEST(RpmdbBdbTest, NotABerkeleyDbHashFile) {
  std::string btree(4096, '\0');
  rpmtest::Set32(&btree, 12, 0x053162, false);
  EXPECT_EQ(ParseRpmdbBdb({btree, "Packages", ""}).status().code(), base::Code::kNotSupported);
  EXPECT_EQ(ParseRpmdbBdb({std::string(4096, 'x'), "Packages", ""}).status().code(),
            base::Code::kInvalidArgument);
  EXPECT_EQ(ParseRpmdbBdb({"", "Packages", ""}).status().code(), base::Code::kInvalidArgument);
  std::string good = BdbHash(TwoPackages(false), 512, false, 0);
  std::string encrypted = good;
  encrypted[24] = 1;
  EXPECT_EQ(ParseRpmdbBdb({encrypted, "Packages", ""}).status().code(), base::Code::kNotSupported);
  std::string bad_page_size = good;
  rpmtest::Set32(&bad_page_size, 20, 1000, false);
  EXPECT_EQ(ParseRpmdbBdb({bad_page_size, "Packages", ""}).status().code(),
            base::Code::kCorruption);
  std::string old_version = good;
  rpmtest::Set32(&old_version, 16, 5, false);
  EXPECT_EQ(ParseRpmdbBdb({old_version, "Packages", ""}).status().code(),
            base::Code::kNotSupported);
}

TEST(RpmdbNdbTest, SlotsAndBlobs) {
  std::string a = PackageBlob(PackageSpec("a").SourceRpm("a-1.0-1.src.rpm"));
  std::string b = PackageBlob(PackageSpec("b").Epoch(3));
  std::string c = PackageBlob(PackageSpec("c"));
  const std::string good = rpmtest::Ndb({{5, a}, {2, b}, {9, c}});
  auto parsed = ParseRpmdbNdb({good, "var/lib/rpm/Packages.db", ""});
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  ASSERT_EQ(parsed->packages.size(), 3u);
  EXPECT_EQ(parsed->packages[0].name, "b");  // package index 2 first
  EXPECT_EQ(parsed->packages[0].version, "3:1.0-1");
  EXPECT_TRUE(parsed->warnings.empty());

  auto slot = [](size_t n) { return n * 16; };
  auto blob_at = [&](size_t n) {  // byte offset of the blob of slot n (2, 3, 4)
    return size_t{static_cast<uint8_t>(good[slot(n) + 8])} * 16 +
           size_t{static_cast<uint8_t>(good[slot(n) + 9])} * 16 * 256;
  };
  struct Case {
    std::string name;
    std::string bytes;
    size_t packages;
    std::string warning_part;
  };
  std::vector<Case> cases;
  {
    std::string x = good;
    x[slot(2)] = 'X';
    cases.push_back({"bad slot magic", x, 2, "bad slot magic"});
  }
  {
    std::string x = good;
    rpmtest::Set32(&x, slot(3) + 8, 0, false);  // freed slot
    cases.push_back({"free slot", x, 2, ""});
  }
  {
    std::string x = good;
    rpmtest::Set32(&x, slot(3) + 8, 3, false);  // inside the slot page
    cases.push_back({"blob offset inside the slot pages", x, 2, "bad slot entry"});
  }
  {
    std::string x = good;
    rpmtest::Set32(&x, slot(3) + 12, 0x7fffffff, false);
    cases.push_back({"blob past the end", x, 2, "past the end"});
  }
  {
    std::string x = good;
    x[blob_at(4) + 16 + c.size() - 2] ^= 1;  // "x86_64" -> "x86_65": adler32 breaks
    cases.push_back({"checksum mismatch", x, 3, "checksum mismatch"});
  }
  {
    std::string x = good;
    rpmtest::Set32(&x, blob_at(2) + 4, 77, false);
    cases.push_back({"blob head names another package", x, 2, "bad blob head"});
  }
  {
    std::string x = good;
    rpmtest::Set32(&x, blob_at(2) + 12, 5, false);
    cases.push_back({"blob length disagrees with the slot", x, 2, "does not match"});
  }
  {
    std::string x = good;
    rpmtest::Set32(&x, blob_at(3) - 4, 0, false);  // tail magic of the first blob
    cases.push_back({"bad blob tail", x, 2, "bad blob tail"});
  }
  {
    std::string x = good;
    x.resize(x.size() - 20);
    cases.push_back({"truncated file", x, 2, "past the end"});
  }
  for (const auto& tc : cases) {
    SCOPED_TRACE(tc.name);
    auto p = ParseRpmdbNdb({tc.bytes, "Packages.db", ""});
    ASSERT_TRUE(p.ok()) << p.status().ToString();
    EXPECT_EQ(p->packages.size(), tc.packages);
    if (!tc.warning_part.empty()) {
      ASSERT_FALSE(p->warnings.empty());
      EXPECT_NE(p->warnings[0].message.find(tc.warning_part), std::string::npos)
          << p->warnings[0].message;
    }
  }

  // A header blob that does not parse is a warning located by package index.
  std::string bad = rpmtest::Ndb({{4, "garbage header"}, {6, a}});
  auto p = ParseRpmdbNdb({bad, "Packages.db", ""});
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->packages.size(), 1u);
  ASSERT_EQ(p->warnings.size(), 1u);
  EXPECT_EQ(p->warnings[0].location, "Packages.db: header 4");
}

TEST(RpmdbNdbTest, UnusableFiles) {
  EXPECT_EQ(ParseRpmdbNdb({"", "Packages.db", ""}).status().code(), base::Code::kInvalidArgument);
  EXPECT_EQ(ParseRpmdbNdb({std::string(4096, 'x'), "", ""}).status().code(),
            base::Code::kInvalidArgument);
  std::string good = rpmtest::Ndb({{1, PackageBlob(PackageSpec("a"))}});
  std::string v1 = good;
  rpmtest::Set32(&v1, 4, 1, false);
  EXPECT_EQ(ParseRpmdbNdb({v1, "", ""}).status().code(), base::Code::kNotSupported);
  std::string many_pages = good;
  rpmtest::Set32(&many_pages, 12, 0xffffffff, false);
  EXPECT_EQ(ParseRpmdbNdb({many_pages, "", ""}).status().code(), base::Code::kCorruption);
  std::string no_pages = good;
  rpmtest::Set32(&no_pages, 12, 0, false);
  EXPECT_EQ(ParseRpmdbNdb({no_pages, "", ""}).status().code(), base::Code::kCorruption);
  EXPECT_EQ(ParseRpmdbNdb({good.substr(0, 2000), "", ""}).status().code(), base::Code::kCorruption);

  // Every slot pointing at the same blob: each is valid alone, together they exceed the file.
  std::string shared = good;
  for (size_t s = 3; s < 256; ++s) shared.replace(s * 16, 16, shared.substr(2 * 16, 16));
  auto p = ParseRpmdbNdb({shared, "", ""});
  EXPECT_EQ(p.status().code(), base::Code::kAborted) << p.status().ToString();
}

// An SQLite database image built by `sql`, serialized to bytes.
std::string SqliteImage(const std::string& sql) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(":memory:", &db), SQLITE_OK);
  char* err = nullptr;
  EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err), SQLITE_OK) << (err ? err : "");
  sqlite3_free(err);
  sqlite3_int64 size = 0;
  unsigned char* data = sqlite3_serialize(db, "main", &size, 0);
  std::string out(reinterpret_cast<char*>(data), static_cast<size_t>(size));
  sqlite3_free(data);
  sqlite3_close(db);
  return out;
}

std::string SqlHex(const std::string& bytes) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out = "X'";
  for (char c : bytes) {
    out.push_back(kHex[static_cast<uint8_t>(c) >> 4]);
    out.push_back(kHex[static_cast<uint8_t>(c) & 15]);
  }
  return out + "'";
}

TEST(RpmdbSqliteTest, CraftedDatabases) {
  const std::string schema =
      "CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL);";
  std::string ok_blob =
      PackageBlob(PackageSpec("curl").Version("7.76.1").Release("26.el9").SourceRpm(
          "curl-7.76.1-26.el9.src.rpm"));
  std::string db = SqliteImage(schema + "INSERT INTO Packages VALUES (3, " + SqlHex(ok_blob) +
                               "), (1, X'00010203'), (2, 'text, not a blob');");
  auto parsed = ParseRpmdbSqlite({db, "var/lib/rpm/rpmdb.sqlite", "Fedora:40"});
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  ASSERT_EQ(parsed->packages.size(), 1u);
  EXPECT_EQ(parsed->packages[0].purl, "pkg:rpm/fedora/curl@7.76.1-26.el9?arch=x86_64");
  ASSERT_EQ(parsed->warnings.size(), 2u);
  EXPECT_EQ(parsed->warnings[0].location, "var/lib/rpm/rpmdb.sqlite: header 1");
  EXPECT_NE(parsed->warnings[1].message.find("not a BLOB"), std::string::npos);

  EXPECT_EQ(ParseRpmdbSqlite({SqliteImage("CREATE TABLE Other (x);"), "", ""}).status().code(),
            base::Code::kInvalidArgument);
  auto view = ParseRpmdbSqlite(
      {SqliteImage("CREATE TABLE T (hnum, blob); CREATE VIEW Packages AS SELECT * FROM T;"), "",
       ""});
  EXPECT_EQ(view.status().code(), base::Code::kInvalidArgument) << view.status().ToString();
  EXPECT_EQ(ParseRpmdbSqlite({"SQLite format 3", "", ""}).status().code(),
            base::Code::kInvalidArgument);
  EXPECT_EQ(ParseRpmdbSqlite({std::string(4096, '\0'), "", ""}).status().code(),
            base::Code::kInvalidArgument);
  auto empty = ParseRpmdbSqlite({SqliteImage(schema), "", ""});
  ASSERT_TRUE(empty.ok()) << empty.status().ToString();
  EXPECT_TRUE(empty->packages.empty());
}

TEST(RpmdbSqliteTest, ReadsTheWalModeFixtureWithoutItsWalFile) {
  std::string bytes = Fixture("sqlite/rpmdb.sqlite");
  ASSERT_GT(bytes.size(), 20u);
  EXPECT_EQ(bytes[18], 2);  // rpm leaves its database in WAL mode
  std::string copy = bytes;
  ASSERT_TRUE(ParseRpmdbSqlite({bytes, "", ""}).ok());
  EXPECT_EQ(bytes, copy);  // the input is never modified
}

TEST(RpmFileTest, CraftedFiles) {
  PackageSpec spec = PackageSpec("openssl-libs")
                         .Version("3.0.7")
                         .Release("24.el9")
                         .Epoch(1)
                         .SourceRpm("openssl-3.0.7-24.el9.src.rpm");
  std::string file = rpmtest::RpmFile(spec);
  auto parsed = ParseRpmFile({file, "x.rpm", "AlmaLinux:9"});
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  ASSERT_EQ(parsed->packages.size(), 1u);
  EXPECT_EQ(parsed->packages[0].version, "1:3.0.7-24.el9");
  EXPECT_EQ(parsed->packages[0].source_name, "openssl");
  EXPECT_EQ(parsed->packages[0].purl,
            "pkg:rpm/almalinux/openssl-libs@3.0.7-24.el9?arch=x86_64&epoch=1");

  EXPECT_EQ(ParseRpmFile({"", "", ""}).status().code(), base::Code::kInvalidArgument);
  EXPECT_EQ(ParseRpmFile({file.substr(0, 95), "", ""}).status().code(),
            base::Code::kInvalidArgument);
  std::string no_magic = file;
  no_magic[0] = 'x';
  EXPECT_EQ(ParseRpmFile({no_magic, "", ""}).status().code(), base::Code::kInvalidArgument);
  EXPECT_FALSE(ParseRpmFile({file.substr(0, 96), "", ""}).ok());
  EXPECT_FALSE(ParseRpmFile({file.substr(0, 140), "", ""}).ok());
  std::string no_main_magic = file;
  no_main_magic[136] = 'x';  // the main header starts at 96 + 36 + 4 bytes of padding
  auto nm = ParseRpmFile({no_main_magic, "", ""});
  EXPECT_NE(nm.status().message().find("rpm header"), std::string::npos) << nm.status().ToString();

  auto key = ParseRpmFile({rpmtest::RpmFile(PackageSpec("gpg-pubkey").Arch("")), "", ""});
  ASSERT_TRUE(key.ok());
  EXPECT_TRUE(key->packages.empty());
}

// ---------------------------------------------------------------------------------------------
// Conformance corpus (shared/conformance/parsers)

struct ConformanceFormat {
  std::string file;  // parsers/<file>
  ParseFn parse;
  std::string db_name;  // file to look for when a record's fixture is a directory
};

bool MatchesExpected(const model::Package& p, const nlohmann::json& want) {
  if (p.name != want.value("name", "")) return false;
  std::string version = want.value("version", "");
  if (want.contains("full_version")) {
    version = want["full_version"].get<std::string>();
  } else {
    std::string release = want.value("release", "");
    if (!release.empty() && (version.size() <= release.size() ||
                             version.compare(version.size() - release.size() - 1, std::string::npos,
                                             "-" + release) != 0)) {
      version += "-" + release;
    }
    if (want.contains("epoch") && want["epoch"].is_number() && want["epoch"].get<int64_t>() > 0) {
      version = std::to_string(want["epoch"].get<int64_t>()) + ":" + version;
    }
  }
  if (p.version != version) return false;
  if (want.contains("arch") && p.arch != want["arch"].get<std::string>()) return false;
  std::string source = p.source_name.empty() ? p.name : p.source_name;
  if (want.contains("source_rpm") && want["source_rpm"].is_string() &&
      source != SourceRpmName(want["source_rpm"].get<std::string>())) {
    return false;
  }
  if (want.contains("source") && want["source"].is_string() &&
      source != want["source"].get<std::string>()) {
    return false;
  }
  return p.ecosystem == want.value("ecosystem", "RPM");
}

TEST(RpmConformanceTest, ParsersCorpus) {
  auto dir = testing::ConformanceDir();
  if (!dir) GTEST_SKIP() << "conformance corpus not found";
  std::vector<ConformanceFormat> formats = {
      {"rpmdb_bdb.jsonl", &ParseRpmdbBdb, "Packages"},
      {"rpmdb_sqlite.jsonl", &ParseRpmdbSqlite, "rpmdb.sqlite"},
      {"rpmdb_ndb.jsonl", &ParseRpmdbNdb, "Packages.db"},
      {"rpm_package_file.jsonl", &ParseRpmFile, ""},
  };
  int files = 0;
  int total_failed = 0;
  for (const auto& fmt : formats) {
    auto path = *dir / "parsers" / fmt.file;
    if (!std::filesystem::exists(path)) continue;
    ++files;
    testing::PassTable table("rpm parsers: " + fmt.file);
    for (const auto& row : testing::ReadJsonLines(path)) {
      const auto& rec = row.value;
      SCOPED_TRACE(fmt.file + ":" + std::to_string(row.line));
      std::filesystem::path fixture = *dir / "parsers" / rec.value("fixture", "");
      if (std::filesystem::is_directory(fixture) && !fmt.db_name.empty()) {
        fixture /= fmt.db_name;
      }
      std::string group = rec.value("peer", "unknown");
      group = group.substr(0, group.find('@'));
      std::string bytes = ReadFile(fixture);
      ParseInput input{bytes, rec.value("fixture", ""), ""};
      auto parsed = fmt.parse(input);
      bool pass = false;
      if (rec.contains("expected_error")) {
        pass = !parsed.ok() || parsed->packages.empty();
      } else if (parsed.ok()) {
        const auto& expected = rec["expected"];
        std::vector<bool> used(parsed->packages.size(), false);
        size_t matched = 0;
        for (const auto& want : expected) {
          for (size_t i = 0; i < parsed->packages.size(); ++i) {
            if (!used[i] && MatchesExpected(parsed->packages[i], want)) {
              used[i] = true;
              ++matched;
              break;
            }
          }
        }
        pass = matched == expected.size() && matched == parsed->packages.size();
      }
      EXPECT_TRUE(pass) << (parsed.ok() ? std::to_string(parsed->packages.size()) + " packages"
                                        : parsed.status().ToString());
      table.Add(group, pass);
    }
    table.Print();
    total_failed += table.Failed();
  }
  if (files == 0) GTEST_SKIP() << "no rpm records in the conformance corpus";
  EXPECT_EQ(total_failed, 0);
}

// ---------------------------------------------------------------------------------------------
// Truncated and garbage input

TEST(RpmRobustnessTest, TruncatedAndMutatedInputsNeverCrash) {
  std::vector<std::pair<std::string, ParseFn>> inputs;
  for (const auto& fx : DbFixtures()) inputs.push_back({Fixture(fx.file), fx.parse});
  inputs.push_back({Fixture("rpms/assay-hello-1.2.3-4.el9.noarch.rpm"), &ParseRpmFile});
  const std::vector<ParseFn> all = {&ParseRpmdbSqlite, &ParseRpmdbBdb, &ParseRpmdbNdb,
                                    &ParseRpmFile};
  std::mt19937 rng(20240101);
  size_t runs = 0;
  auto check = [&](ParseFn parse, const std::string& bytes) {
    ++runs;
    auto r = parse({bytes, "x", ""});
    if (!r.ok()) return;
    for (const auto& p : r->packages) {
      EXPECT_FALSE(p.name.empty());
      EXPECT_FALSE(p.version.empty());
    }
  };
  for (const auto& [bytes, parse] : inputs) {
    // Prefixes: every length near the start, then 64 evenly spaced cuts.
    for (size_t n = 0; n < 200 && n < bytes.size(); ++n) check(parse, bytes.substr(0, n));
    for (size_t k = 1; k < 64; ++k) check(parse, bytes.substr(0, bytes.size() * k / 64));
    // Random byte flips.
    for (int round = 0; round < 40; ++round) {
      std::string m = bytes;
      int flips = 1 + round % 8;
      for (int f = 0; f < flips; ++f) {
        m[rng() % m.size()] = static_cast<char>(rng());
      }
      check(parse, m);
    }
    // Every parser on every other format.
    for (ParseFn other : all) check(other, bytes);
  }
  std::string noise(8192, '\0');
  for (auto& c : noise) c = static_cast<char>(rng());
  for (ParseFn parse : all) {
    check(parse, noise);
    check(parse, "");
  }
  EXPECT_GT(runs, 1000u);
}

}  // namespace
}  // namespace assay::inventory
