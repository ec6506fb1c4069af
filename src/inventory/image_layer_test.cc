// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include "inventory/image_layer.h"

#include <archive.h>
#include <archive_entry.h>
#include <sys/stat.h>

#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/file.h"
#include "base/sha256.h"

namespace assay::inventory::image {
namespace {

namespace stdfs = std::filesystem;
using ::testing::HasSubstr;

struct TarEntry {
  std::string name;
  char type = 'f';  // f file, d dir, l symlink, h hardlink, c char device
  std::string data;  // file contents, or the link target
  unsigned perm = 0644;
};

// A tar (optionally gzip-compressed) of `entries`, written by libarchive.
std::string MakeTar(const std::vector<TarEntry>& entries, bool gzip = false) {
  struct archive* a = archive_write_new();
  archive_write_set_format_pax_restricted(a);
  if (gzip) archive_write_add_filter_gzip(a);
  std::vector<char> buf(size_t{64} << 20);
  size_t used = 0;
  EXPECT_EQ(archive_write_open_memory(a, buf.data(), buf.size(), &used), ARCHIVE_OK);
  for (const TarEntry& t : entries) {
    struct archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, t.name.c_str());
    archive_entry_set_perm(e, t.perm);
    switch (t.type) {
      case 'd':
        archive_entry_set_filetype(e, AE_IFDIR);
        break;
      case 'l':
        archive_entry_set_filetype(e, AE_IFLNK);
        archive_entry_set_symlink(e, t.data.c_str());
        break;
      case 'h':
        archive_entry_set_filetype(e, AE_IFREG);
        archive_entry_set_hardlink(e, t.data.c_str());
        break;
      case 'c':
        archive_entry_set_filetype(e, AE_IFCHR);
        archive_entry_set_rdev(e, 0x0103);
        break;
      default:
        archive_entry_set_filetype(e, AE_IFREG);
        archive_entry_set_size(e, static_cast<la_int64_t>(t.data.size()));
    }
    EXPECT_EQ(archive_write_header(a, e), ARCHIVE_OK) << t.name;
    if (t.type == 'f' && !t.data.empty()) archive_write_data(a, t.data.data(), t.data.size());
    archive_entry_free(e);
  }
  archive_write_close(a);
  archive_write_free(a);
  return std::string(buf.data(), used);
}

class StringSource final : public ByteSource {
 public:
  explicit StringSource(std::string s) : s_(std::move(s)) {}
  base::Result<size_t> Read(char* buf, size_t n) override {
    size_t k = std::min(n, s_.size() - pos_);
    std::memcpy(buf, s_.data() + pos_, k);
    pos_ += k;
    return k;
  }

 private:
  std::string s_;
  size_t pos_ = 0;
};

class ImageLayerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto t = base::TempDir::Create("assay-layer-test");
    ASSERT_TRUE(t.ok());
    tmp_ = std::make_unique<base::TempDir>(std::move(*t));
    root_ = tmp_->path() / "sentinel" / "root";
    stdfs::create_directories(root_);
    stdfs::create_directories(tmp_->path() / "work");
    auto applier = LayerApplier::Create(root_);
    ASSERT_TRUE(applier.ok()) << applier.status().ToString();
    applier_ = std::move(*applier);
  }

  base::Result<LayerSummary> Extract(const std::string& tar, const ExtractLimits& limits = {}) {
    StringSource src(tar);
    return ExtractLayer(src, tmp_->path() / ("x" + std::to_string(n_++) + ".tar"),
                        tmp_->path() / "work", limits, "layer test");
  }

  // Extracts and applies one layer; returns its summary.
  LayerSummary Layer(const std::vector<TarEntry>& entries) {
    StringSource src(MakeTar(entries));
    stdfs::path x = tmp_->path() / ("x" + std::to_string(n_++) + ".tar");
    auto s = ExtractLayer(src, x, tmp_->path() / "work", {}, "layer test");
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    if (!s.ok()) return {};
    base::Status st = applier_->Apply(layer_++, x, s->whiteouts, warnings_);
    EXPECT_TRUE(st.ok()) << st.ToString();
    return *s;
  }

  bool Exists(const std::string& rel) {
    std::error_code ec;
    return stdfs::exists(stdfs::symlink_status(root_ / rel, ec));
  }
  std::string Read(const std::string& rel) {
    auto r = base::ReadFile(root_ / rel);
    return r.ok() ? *r : "<missing>";
  }

  std::unique_ptr<base::TempDir> tmp_;
  stdfs::path root_;
  std::unique_ptr<LayerApplier> applier_;
  std::vector<model::InventoryWarning> warnings_;
  int n_ = 0;
  int layer_ = 0;
};

TEST_F(ImageLayerTest, KeepsWhatCollectorsReadAndNothingElse) {
  LayerSummary s = Layer({
      {"/", 'd', ""},
      {"./etc/os-release", 'f', "ID=debian\n"},
      {"etc/passwd", 'f', "root:x:0:0\n"},
      {"var/lib/dpkg/status", 'f', "Package: a\n"},
      {"var/lib/dpkg/info/a.list", 'f', "/usr/bin/a\n"},
      {"var/lib/dpkg/info/a.md5sums", 'f', "x\n"},
      {"srv/app/node_modules/left-pad/package.json", 'f', "{}"},
      {"srv/app/node_modules/left-pad/package-lock.json", 'f', "{}"},
      {"usr/lib/python3/dist-packages/x-1.dist-info/METADATA", 'f', "Name: x\n"},
      {"usr/bin/script", 'f', "#!/bin/sh\necho hello, this is a shell script of some length....\n",
       0755},
      {"bin", 'l', "usr/bin"},
  });
  EXPECT_EQ(s.entries, 11u);
  EXPECT_EQ(Read("etc/os-release"), "ID=debian\n");
  EXPECT_FALSE(Exists("etc/passwd"));
  EXPECT_TRUE(Exists("var/lib/dpkg/status"));
  EXPECT_TRUE(Exists("var/lib/dpkg/info/a.list"));
  EXPECT_FALSE(Exists("var/lib/dpkg/info/a.md5sums"));
  EXPECT_TRUE(Exists("srv/app/node_modules/left-pad/package.json"));
  EXPECT_FALSE(Exists("srv/app/node_modules/left-pad/package-lock.json"));
  EXPECT_TRUE(Exists("usr/lib/python3/dist-packages/x-1.dist-info/METADATA"));
  EXPECT_FALSE(Exists("usr/bin/script"));  // executable bit, but not a binary
  EXPECT_TRUE(stdfs::is_symlink(root_ / "bin"));
  EXPECT_EQ(applier_->LayerOf("etc/os-release"), 0);
  EXPECT_TRUE(applier_->TouchedOsFiles(0));
  EXPECT_TRUE(warnings_.empty());
}

TEST_F(ImageLayerTest, KeepsExecutablesOnlyWithBuildInformation) {
  std::string elf = std::string("\x7f" "ELF\x02\x01\x01", 7) + std::string(200, '\0');
  std::string go = elf + std::string(100, 'x') + std::string("\xff Go buildinf:", 14) + "rest";
  std::string rust = elf + std::string(".text\0.dep-v0\0", 15) + std::string(70000, 'y');
  // The marker straddles the extractor's 1 MiB read blocks.
  std::string straddle = elf + std::string((size_t{1} << 20) - elf.size() - 5, 'z') +
                         std::string("\xff Go buildinf:", 14) + "tail";
  Layer({{"usr/bin/plain", 'f', elf, 0755},
         {"usr/local/bin/goprog", 'f', go, 0755},
         {"opt/rust/prog", 'f', rust, 0755},
         {"opt/big-no-exec-bit", 'f', straddle, 0644},
         {"opt/small-no-exec-bit", 'f', go, 0644}});
  EXPECT_FALSE(Exists("usr/bin/plain"));
  EXPECT_EQ(Read("usr/local/bin/goprog"), go);
  EXPECT_EQ(stdfs::status(root_ / "usr/local/bin/goprog").permissions() & stdfs::perms::owner_exec,
            stdfs::perms::owner_exec);
  EXPECT_EQ(Read("opt/rust/prog"), rust);
  EXPECT_EQ(Read("opt/big-no-exec-bit"), straddle);  // >= 1 MiB is sniffed without the bit
  EXPECT_FALSE(Exists("opt/small-no-exec-bit"));
}

TEST_F(ImageLayerTest, WhiteoutsAndOpaqueDirectoriesRemoveLowerLayersOnly) {
  Layer({{"usr/lib/python3/dist-packages/a-1.dist-info/METADATA", 'f', "Name: a\n"},
         {"usr/lib/python3/dist-packages/b-1.dist-info/METADATA", 'f', "Name: b\n"},
         {"srv/node_modules/x/package.json", 'f', "{}"},
         {"srv/node_modules/y/package.json", 'f', "{}"}});
  LayerSummary s = Layer({{"usr/lib/python3/dist-packages/.wh.a-1.dist-info", 'f', ""},
                          // this layer's own entry survives its opaque marker
                          {"srv/node_modules/z/package.json", 'f', "{\"z\":1}"},
                          {"srv/node_modules/.wh..wh..opq", 'f', ""}});
  EXPECT_EQ(s.whiteouts.size(), 2u);
  EXPECT_FALSE(Exists("usr/lib/python3/dist-packages/a-1.dist-info"));
  EXPECT_TRUE(Exists("usr/lib/python3/dist-packages/b-1.dist-info/METADATA"));
  EXPECT_FALSE(Exists("srv/node_modules/x"));
  EXPECT_FALSE(Exists("srv/node_modules/y"));
  EXPECT_EQ(Read("srv/node_modules/z/package.json"), "{\"z\":1}");
  EXPECT_EQ(applier_->LayerOf("srv/node_modules/z/package.json"), 1);
}

TEST_F(ImageLayerTest, EntriesReplaceWhatLowerLayersHad) {
  Layer({{"etc/os-release", 'l', "../usr/lib/os-release"},
         {"usr/lib/os-release", 'f', "ID=debian\n"},
         {"var/lib/dpkg/status.d/pkg", 'f', "Package: a\n"}});
  Layer({{"etc/os-release", 'f', "ID=ubuntu\n"},  // a file replaces the symlink
         {"var/lib/dpkg/status.d", 'l', "/nowhere"},  // a symlink replaces a directory
         {"usr/lib/os-release", 'f', "ID=alpine\n"}});
  EXPECT_FALSE(stdfs::is_symlink(root_ / "etc/os-release"));
  EXPECT_EQ(Read("etc/os-release"), "ID=ubuntu\n");
  EXPECT_EQ(Read("usr/lib/os-release"), "ID=alpine\n");
  EXPECT_TRUE(stdfs::is_symlink(root_ / "var/lib/dpkg/status.d"));
}

TEST_F(ImageLayerTest, NothingIsWrittenOutsideTheRoot) {
  LayerSummary s = Layer({
      {"../escape", 'f', "x"},
      {"a/../../escape2", 'f', "x"},
      {"etc/evil", 'l', "/"},
      {"etc/evil/tmp/../../../root-escape/os-release", 'f', "x"},
      {"lib", 'l', "../../.."},
      {"lib/apk/db/installed", 'f', "P:musl\nV:1\n\n"},
      {"var/lib/dpkg/status", 'h', "../../../../../outside"},
      {"dev/null", 'c', ""},
  });
  // Escaping names are skipped with warnings; symlinked parents resolve inside the root.
  EXPECT_EQ(s.warnings.size(), 5u);
  EXPECT_THAT(s.warnings[0].message, HasSubstr(".."));
  EXPECT_TRUE(stdfs::is_regular_file(root_ / "lib/apk/db/installed") ||
              stdfs::is_regular_file(root_ / "apk/db/installed"));
  // The sentinel directory around the root holds the root only.
  std::vector<std::string> around;
  for (const auto& e : stdfs::directory_iterator(root_.parent_path())) {
    around.push_back(e.path().filename().string());
  }
  EXPECT_EQ(around, std::vector<std::string>{"root"});
  EXPECT_FALSE(stdfs::exists(tmp_->path() / "escape"));
  EXPECT_FALSE(stdfs::exists(tmp_->path() / "outside"));
  EXPECT_FALSE(Exists("dev/null"));
}

TEST_F(ImageLayerTest, HardlinksToKeptFilesAreKept) {
  Layer({{"usr/lib/python3/dist-packages/a-1.dist-info/METADATA", 'f', "Name: a\n"},
         {"usr/lib/python3/dist-packages/b-1.dist-info/METADATA", 'h',
          "usr/lib/python3/dist-packages/a-1.dist-info/METADATA"},
         {"etc/hostname", 'f', "x"},
         {"etc/hostname2", 'h', "etc/hostname"}});
  EXPECT_EQ(Read("usr/lib/python3/dist-packages/b-1.dist-info/METADATA"), "Name: a\n");
  EXPECT_FALSE(Exists("etc/hostname2"));
}

TEST_F(ImageLayerTest, DigestCoversTheWholeBlob) {
  std::string tar = MakeTar({{"etc/os-release", 'f', "ID=debian\n"}}, /*gzip=*/true);
  auto s = Extract(tar);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->digest, "sha256:" + *base::Sha256Hex(tar));
  EXPECT_EQ(s->compressed_bytes, tar.size());
}

TEST_F(ImageLayerTest, LimitsStopBombsAndFloods) {
  // 80 MiB of zeros compresses to ~80 KiB: a ratio of ~1000.
  std::string zeros(size_t{80} << 20, 0);
  std::string bomb = MakeTar({{"var/lib/dpkg/status", 'f', zeros}}, /*gzip=*/true);
  zeros.clear();
  zeros.shrink_to_fit();
  ExtractLimits ratio;
  ratio.max_ratio = 100;
  auto r = Extract(bomb, ratio);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr("decompression ratio limit"));
  ExtractLimits size;
  size.max_bytes = 10 << 20;
  r = Extract(bomb, size);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr("layer size limit"));

  std::vector<TarEntry> many;
  for (int i = 0; i < 50; ++i) many.push_back({"f" + std::to_string(i), 'f', "x"});
  ExtractLimits entries;
  entries.max_entries = 10;
  r = Extract(MakeTar(many), entries);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr("entry count limit"));
}

TEST_F(ImageLayerTest, GarbageIsCorruption) {
  auto r = Extract(std::string(4096, 'x'));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), base::Code::kCorruption);
  EXPECT_THAT(r.status().message(), HasSubstr("layer test"));
  // A stream cut short.
  std::string tar = MakeTar({{"var/lib/dpkg/status", 'f', std::string(100000, 'a')}}, true);
  r = Extract(tar.substr(0, tar.size() / 2));
  ASSERT_FALSE(r.ok());
}

TEST(LooksExecutable, Magic) {
  EXPECT_TRUE(LooksExecutable(std::string("\x7f" "ELF\x02", 5)));
  EXPECT_TRUE(LooksExecutable(std::string("MZ\x90\x00", 4)));
  EXPECT_TRUE(LooksExecutable(std::string("\xcf\xfa\xed\xfe", 4)));
  EXPECT_TRUE(LooksExecutable(std::string("\xca\xfe\xba\xbe", 4)));
  EXPECT_FALSE(LooksExecutable("#!/bin/sh"));
  EXPECT_FALSE(LooksExecutable("ab"));
}

TEST(LayerSummaryJson, RoundTrips) {
  LayerSummary s{"sha256:" + std::string(64, 'a'), 10, 3, 2, {"a/.wh.b"}, {{"x", "y"}}};
  auto back = SummaryFromJson(SummaryToJson(s), "t");
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->digest, s.digest);
  EXPECT_EQ(back->whiteouts, s.whiteouts);
  EXPECT_EQ(back->warnings[0].message, "y");
  EXPECT_FALSE(SummaryFromJson("{", "t").ok());
}

}  // namespace
}  // namespace assay::inventory::image
