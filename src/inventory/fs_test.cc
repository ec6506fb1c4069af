// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include "inventory/fs.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "base/file.h"

namespace assay::inventory {
namespace {

namespace stdfs = std::filesystem;

void WriteText(const stdfs::path& p, const std::string& text) {
  stdfs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
}

// A rootfs-like tree whose symlinks try every way out of the root. The host's /etc/passwd
// exists; the tree has its own etc/passwd, which is what every escape must land on.
class DirFsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto tmp = base::TempDir::Create("assay-fs-test");
    ASSERT_TRUE(tmp.ok()) << tmp.status().ToString();
    tmp_.emplace(std::move(tmp).value());
    root_ = tmp_->path() / "root";
    WriteText(root_ / "etc/passwd", "root:x:0:0:inside the tree\n");
    WriteText(root_ / "usr/lib/os-release", "ID=debian\n");
    WriteText(root_ / "usr/lib/x86_64/libfoo.so", "ELF");
    WriteText(root_ / "var/lib/dpkg/status", "Package: a\n");
    WriteText(tmp_->path() / "outside.txt", "outside the tree\n");
    stdfs::create_directories(root_ / "empty");
    Symlink("/etc/passwd", "abs-passwd");
    Symlink("../../../../../../../../etc/passwd", "etc/rel-passwd");
    Symlink("../../outside.txt", "var/outside");
    Symlink("../usr/lib/os-release", "etc/os-release");
    Symlink("/usr/lib", "lib");                     // an absolute symlink on the way to a file
    Symlink("/etc/hostname", "etc/host-hostname");  // exists on the host, not in the tree
    Symlink("loop-b", "loop-a");
    Symlink("loop-a", "loop-b");
    Symlink("self", "self");
    Symlink("/proc/self/root/etc/passwd", "proc-escape");
    Symlink("/", "rootlink");
    auto fs = OpenDirFs(root_);
    ASSERT_TRUE(fs.ok()) << fs.status().ToString();
    fs_ = std::move(fs).value();
  }

  void Symlink(const std::string& target, const std::string& rel) {
    ASSERT_EQ(::symlink(target.c_str(), (root_ / rel).c_str()), 0) << rel;
  }

  std::optional<base::TempDir> tmp_;
  stdfs::path root_;
  std::unique_ptr<Fs> fs_;
};

TEST_F(DirFsTest, SymlinksResolveInsideTheRoot) {
  struct Case {
    std::string rel;
    base::Code code;
    std::string content;  // when OK
  };
  const std::string passwd = "root:x:0:0:inside the tree\n";
  const std::vector<Case> cases = {
      {"etc/passwd", base::Code::kOk, passwd},
      {"abs-passwd", base::Code::kOk, passwd},
      {"etc/rel-passwd", base::Code::kOk, passwd},
      {"../../../etc/passwd", base::Code::kOk, passwd},
      {"/etc/passwd", base::Code::kOk, passwd},
      {"rootlink/etc/passwd", base::Code::kOk, passwd},
      {"rootlink/../rootlink/../etc/passwd", base::Code::kOk, passwd},
      {"etc/os-release", base::Code::kOk, "ID=debian\n"},
      {"lib/x86_64/libfoo.so", base::Code::kOk, "ELF"},
      {"var/outside", base::Code::kNotFound, ""},        // ../../outside.txt stays inside
      {"etc/host-hostname", base::Code::kNotFound, ""},  // the host's file is not reached
      {"proc-escape", base::Code::kNotFound, ""},        // no /proc inside the tree
      {"loop-a", base::Code::kInvalidArgument, ""},
      {"self", base::Code::kInvalidArgument, ""},
      {"missing", base::Code::kNotFound, ""},
      {"etc/passwd/x", base::Code::kNotFound, ""},  // through a regular file
      {"empty", base::Code::kInvalidArgument, ""},  // a directory
      {"", base::Code::kInvalidArgument, ""},       // the root directory
      {std::string("etc/passwd\0x", 12), base::Code::kInvalidArgument, ""},
  };
  for (const Case& tc : cases) {
    SCOPED_TRACE(tc.rel);
    base::Result<std::string> r = fs_->ReadFile(tc.rel, kDefaultMaxReadBytes);
    EXPECT_EQ(r.status().code(), tc.code) << r.status().ToString();
    if (r.ok()) {
      EXPECT_EQ(*r, tc.content);
    }
  }
}

TEST_F(DirFsTest, ErrorsNameTheFile) {
  auto r = fs_->ReadFile("var/lib/dpkg/missing", kDefaultMaxReadBytes);
  EXPECT_EQ(r.status().message(), "var/lib/dpkg/missing: no such file or directory");
  auto loop = fs_->ReadFile("loop-a", kDefaultMaxReadBytes);
  EXPECT_EQ(loop.status().message(), "loop-a: too many levels of symbolic links");
  EXPECT_EQ(fs_->Describe(), "directory " + root_.string());
}

TEST_F(DirFsTest, StatAndStatResolved) {
  struct Case {
    std::string rel;
    base::Code code;
    FileType type;      // Stat
    FileType resolved;  // StatResolved
  };
  const std::vector<Case> cases = {
      {"", base::Code::kOk, FileType::kDirectory, FileType::kDirectory},
      {"etc/passwd", base::Code::kOk, FileType::kRegular, FileType::kRegular},
      {"etc/os-release", base::Code::kOk, FileType::kSymlink, FileType::kRegular},
      {"abs-passwd", base::Code::kOk, FileType::kSymlink, FileType::kRegular},
      {"lib", base::Code::kOk, FileType::kSymlink, FileType::kDirectory},
      {"lib/x86_64", base::Code::kOk, FileType::kDirectory, FileType::kDirectory},
      {"rootlink", base::Code::kOk, FileType::kSymlink, FileType::kDirectory},
  };
  for (const Case& tc : cases) {
    SCOPED_TRACE(tc.rel);
    auto st = fs_->Stat(tc.rel);
    ASSERT_TRUE(st.ok()) << st.status().ToString();
    EXPECT_EQ(st->type, tc.type) << FileTypeName(st->type);
    auto rs = fs_->StatResolved(tc.rel);
    ASSERT_TRUE(rs.ok()) << rs.status().ToString();
    EXPECT_EQ(rs->type, tc.resolved) << FileTypeName(rs->type);
  }
  EXPECT_EQ(fs_->Stat("etc/passwd")->size, 27u);
  // A dangling symlink exists as a link, but resolves to nothing.
  EXPECT_EQ(fs_->Stat("etc/host-hostname")->type, FileType::kSymlink);
  EXPECT_EQ(fs_->StatResolved("etc/host-hostname").status().code(), base::Code::kNotFound);
  EXPECT_EQ(fs_->StatResolved("loop-a").status().code(), base::Code::kInvalidArgument);
  EXPECT_EQ(fs_->Stat("nope/nope").status().code(), base::Code::kNotFound);
}

TEST_F(DirFsTest, ListDirIsSortedAndTyped) {
  auto entries = fs_->ListDir("etc");
  ASSERT_TRUE(entries.ok()) << entries.status().ToString();
  std::vector<std::string> got;
  for (const auto& e : *entries) got.push_back(e.name + ":" + std::string(FileTypeName(e.type)));
  EXPECT_EQ(got, (std::vector<std::string>{"host-hostname:symlink", "os-release:symlink",
                                           "passwd:regular", "rel-passwd:symlink"}));
  // Through an absolute symlink, inside the root.
  auto lib = fs_->ListDir("lib");
  ASSERT_TRUE(lib.ok());
  ASSERT_EQ(lib->size(), 2u);
  EXPECT_EQ((*lib)[0].name, "os-release");
  EXPECT_EQ((*lib)[1].name, "x86_64");
  EXPECT_EQ((*lib)[1].type, FileType::kDirectory);
  // The root itself, and "/" through a symlink, list the tree, not the host.
  auto top = fs_->ListDir("rootlink");
  ASSERT_TRUE(top.ok());
  auto root = fs_->ListDir("");
  ASSERT_TRUE(root.ok());
  EXPECT_EQ(top->size(), root->size());
  EXPECT_TRUE(fs_->ListDir("empty")->empty());
  EXPECT_EQ(fs_->ListDir("etc/passwd").status().code(), base::Code::kInvalidArgument);
  EXPECT_EQ(fs_->ListDir("missing").status().code(), base::Code::kNotFound);
}

TEST_F(DirFsTest, SizeCap) {
  WriteText(root_ / "big", std::string(1000, 'x'));
  EXPECT_TRUE(fs_->ReadFile("big", 1000).ok());
  auto r = fs_->ReadFile("big", 999);
  EXPECT_EQ(r.status().code(), base::Code::kInvalidArgument);
  EXPECT_EQ(r.status().message(), "big: larger than the read limit of 999 bytes");
  EXPECT_EQ(fs_->ReadFile("empty-file-missing", 0).status().code(), base::Code::kNotFound);
  WriteText(root_ / "zero", "");
  EXPECT_EQ(fs_->ReadFile("zero", 0).value_or("x"), "");
}

TEST_F(DirFsTest, RangesMappingsAndModes) {
  WriteText(root_ / "bin/tool", "0123456789");
  ASSERT_EQ(::chmod((root_ / "bin/tool").c_str(), 0755), 0);
  WriteText(root_ / "bin/data", "abc");
  ASSERT_EQ(::chmod((root_ / "bin/data").c_str(), 0640), 0);

  EXPECT_EQ(fs_->ReadRange("bin/tool", 2, 3).value_or("?"), "234");
  EXPECT_EQ(fs_->ReadRange("bin/tool", 8, 100).value_or("?"), "89");  // short at the end
  EXPECT_EQ(fs_->ReadRange("bin/tool", 10, 4).value_or("?"), "");     // past the end
  EXPECT_EQ(fs_->ReadRange("lib/x86_64/libfoo.so", 0, 3).value_or("?"), "ELF");  // via symlink
  EXPECT_EQ(fs_->ReadRange("missing", 0, 1).status().code(), base::Code::kNotFound);
  EXPECT_EQ(fs_->ReadRange("empty", 0, 1).status().code(), base::Code::kInvalidArgument);

  auto mapped = fs_->MapFile("bin/tool", 100);
  ASSERT_TRUE(mapped.ok()) << mapped.status().ToString();
  EXPECT_EQ((*mapped)->bytes(), "0123456789");
  EXPECT_EQ(fs_->MapFile("bin/tool", 9).status().code(), base::Code::kInvalidArgument);
  WriteText(root_ / "zero", "");
  EXPECT_EQ(fs_->MapFile("zero", 9).value()->bytes(), "");

  // Modes and sizes only for the names the filter accepts.
  auto listed = fs_->ListDirWithModes("bin", [](std::string_view n) { return n == "tool"; });
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].name, "data");
  EXPECT_EQ((*listed)[0].mode, 0u);
  EXPECT_EQ((*listed)[1].mode, 0755u);
  EXPECT_EQ((*listed)[1].size, 10u);
  auto all = fs_->ListDirWithModes("bin", nullptr);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ((*all)[0].mode, 0640u);
  EXPECT_EQ((*all)[0].size, 3u);
}

TEST_F(DirFsTest, OpenFileReadsOneFileRepeatedly) {
  WriteText(root_ / "bin/tool", "0123456789");
  auto file = fs_->OpenFile("bin/tool");
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  EXPECT_EQ((*file)->size(), 10u);
  EXPECT_EQ((*file)->ReadRange(0, 4).value_or("?"), "0123");
  EXPECT_EQ((*file)->ReadRange(8, 100).value_or("?"), "89");
  EXPECT_EQ((*file)->ReadRange(10, 1).value_or("?"), "");
  auto mapped = (*file)->Map(100);
  ASSERT_TRUE(mapped.ok()) << mapped.status().ToString();
  EXPECT_EQ((*mapped)->bytes(), "0123456789");
  EXPECT_EQ((*file)->Map(9).status().code(), base::Code::kInvalidArgument);
  // The open file stays the file that was opened when its path is replaced.
  ASSERT_EQ(::rename((root_ / "etc/passwd").c_str(), (root_ / "bin/tool").c_str()), 0);
  EXPECT_EQ((*file)->ReadRange(0, 4).value_or("?"), "0123");
  EXPECT_EQ(fs_->ReadRange("bin/tool", 0, 4).value_or("?"), "root");

  struct Case {
    std::string rel;
    base::Code code;
  };
  const std::vector<Case> cases = {
      {"abs-passwd", base::Code::kNotFound},  // its target was renamed away above
      {"lib/x86_64/libfoo.so", base::Code::kOk},
      {"var/outside", base::Code::kNotFound},
      {"loop-a", base::Code::kInvalidArgument},
      {"empty", base::Code::kInvalidArgument},
      {"missing", base::Code::kNotFound},
  };
  for (const Case& tc : cases) {
    SCOPED_TRACE(tc.rel);
    EXPECT_EQ(fs_->OpenFile(tc.rel).status().code(), tc.code);
  }
  EXPECT_EQ(fs_->OpenFile("empty").status().message(), "empty: a directory, not read");
}

// An Fs that only has the path-based methods, for the defaults of the others.
class PathOnlyFs final : public Fs {
 public:
  explicit PathOnlyFs(const Fs& inner) : inner_(inner) {}
  std::string Describe() const override { return inner_.Describe(); }
  base::Result<std::string> ReadFile(std::string_view rel, uint64_t max) const override {
    return inner_.ReadFile(rel, max);
  }
  base::Result<FileInfo> Stat(std::string_view rel) const override { return inner_.Stat(rel); }
  base::Result<FileInfo> StatResolved(std::string_view rel) const override {
    return inner_.StatResolved(rel);
  }
  base::Result<std::vector<DirEntry>> ListDir(std::string_view rel) const override {
    return inner_.ListDir(rel);
  }

 private:
  const Fs& inner_;
};

TEST_F(DirFsTest, DefaultOpenFileGoesThroughThePath) {
  WriteText(root_ / "bin/tool", "0123456789");
  PathOnlyFs fs(*fs_);
  auto file = fs.OpenFile("bin/tool");
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  EXPECT_EQ((*file)->size(), 10u);
  EXPECT_EQ((*file)->ReadRange(2, 3).value_or("?"), "234");
  EXPECT_EQ((*file)->Map(100).value()->bytes(), "0123456789");
  EXPECT_EQ(fs.OpenFile("empty").status().code(), base::Code::kInvalidArgument);
  EXPECT_EQ(fs.OpenFile("missing").status().code(), base::Code::kNotFound);
  auto listed = fs.ListDirWithModes("bin", nullptr);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].size, 10u);
}

// Directories larger than one getdents64 buffer, listed whole and in bytewise order.
TEST_F(DirFsTest, ListDirOfALargeDirectory) {
  std::vector<std::string> names = {"Zdir"};
  for (int i = 0; i < 1500; ++i) {
    names.push_back(std::string(40, static_cast<char>('a' + i % 26)) + std::to_string(i));
    WriteText(root_ / "big" / names.back(), "x");
  }
  stdfs::create_directories(root_ / "big" / "Zdir");
  std::sort(names.begin(), names.end());
  std::vector<std::string> want;
  for (const std::string& n : names) want.push_back(n + (n == "Zdir" ? ":directory" : ":regular"));
  auto entries = fs_->ListDirWithModes("big", [](std::string_view n) { return n.back() == '7'; });
  ASSERT_TRUE(entries.ok()) << entries.status().ToString();
  std::vector<std::string> got;
  for (const auto& e : *entries) {
    got.push_back(e.name + ":" + std::string(FileTypeName(e.type)));
    const bool stated = e.type == FileType::kRegular && e.name.back() == '7';
    EXPECT_EQ(e.size, stated ? 1u : 0u) << e.name;
  }
  EXPECT_EQ(got, want);
}

TEST_F(DirFsTest, ListDirOfWhatIsNoDirectory) {
  stdfs::path fifo = root_ / "var/fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0644), 0) << std::strerror(errno);
  auto fut = std::async(std::launch::async, [&] { return fs_->ListDir("var/fifo").status(); });
  if (fut.wait_for(std::chrono::seconds(5)) != std::future_status::ready) {
    int w = ::open(fifo.c_str(), O_WRONLY | O_NONBLOCK);
    if (w >= 0) ::close(w);
    fut.wait();
    FAIL() << "ListDir blocked on a FIFO";
  }
  EXPECT_EQ(fut.get().code(), base::Code::kInvalidArgument);
  EXPECT_EQ(fs_->ListDir("etc/os-release").status().message(), "etc/os-release: not a directory");
  EXPECT_EQ(fs_->ListDir("etc/passwd/x").status().code(), base::Code::kNotFound);
  EXPECT_EQ(fs_->ListDir("loop-a").status().code(), base::Code::kInvalidArgument);
  EXPECT_EQ(fs_->ListDir("var/outside").status().code(), base::Code::kNotFound);
  EXPECT_EQ(fs_->ListDir(std::string("etc\0x", 5)).status().code(),
            base::Code::kInvalidArgument);
}

// A FIFO must be refused without being opened: opening one for reading blocks until a writer
// appears. If the implementation ever blocks, the test opens the write end itself to release
// it and then fails, rather than hanging the suite.
TEST_F(DirFsTest, FifoRefusedWithoutBlocking) {
  stdfs::path fifo = root_ / "var/fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0644), 0) << std::strerror(errno);
  ASSERT_EQ(::symlink("/var/fifo", (root_ / "fifo-link").c_str()), 0);
  for (std::string rel : {"var/fifo", "fifo-link"}) {
    SCOPED_TRACE(rel);
    auto fut = std::async(std::launch::async,
                          [&] { return fs_->ReadFile(rel, kDefaultMaxReadBytes).status(); });
    if (fut.wait_for(std::chrono::seconds(5)) != std::future_status::ready) {
      int w = ::open(fifo.c_str(), O_WRONLY | O_NONBLOCK);
      if (w >= 0) ::close(w);
      fut.wait();
      FAIL() << "ReadFile blocked on a FIFO";
    }
    base::Status s = fut.get();
    EXPECT_EQ(s.code(), base::Code::kInvalidArgument);
    EXPECT_EQ(s.message(), rel + ": a FIFO, not read");
  }
  EXPECT_EQ(fs_->Stat("var/fifo")->type, FileType::kOther);
  auto entries = fs_->ListDir("var");
  ASSERT_TRUE(entries.ok());
  EXPECT_EQ(entries->front().name, "fifo");
  EXPECT_EQ(entries->front().type, FileType::kOther);
}

TEST_F(DirFsTest, SocketRefused) {
  stdfs::path sock = root_ / "run.sock";
  int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  ASSERT_LT(sock.string().size(), sizeof addr.sun_path);
  std::strncpy(addr.sun_path, sock.c_str(), sizeof addr.sun_path - 1);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0) << std::strerror(errno);
  auto r = fs_->ReadFile("run.sock", kDefaultMaxReadBytes);
  ::close(fd);
  EXPECT_EQ(r.status().code(), base::Code::kInvalidArgument);
  EXPECT_EQ(r.status().message(), "run.sock: a socket, not read");
  EXPECT_EQ(fs_->Stat("run.sock")->type, FileType::kOther);
}

// Devices are never opened (a tape rewinds on open, a watchdog arms). Needs CAP_MKNOD.
TEST_F(DirFsTest, DeviceRefused) {
  stdfs::path dev = root_ / "dev-null";
  if (::mknod(dev.c_str(), S_IFCHR | 0666, makedev(1, 3)) != 0) {
    GTEST_SKIP() << "mknod: " << std::strerror(errno);
  }
  auto r = fs_->ReadFile("dev-null", kDefaultMaxReadBytes);
  EXPECT_EQ(r.status().code(), base::Code::kInvalidArgument);
  EXPECT_EQ(r.status().message(), "dev-null: a character device, not read");
}

// Magic links (/proc/<pid>/root, /proc/self/fd/N) jump anywhere; when a live root with /proc
// mounted is scanned they must not be followed.
TEST(OpenDirFsTest, MagicLinksRefused) {
  if (!stdfs::exists("/proc/self/root")) GTEST_SKIP() << "no /proc";
  auto fs = OpenDirFs("/");
  ASSERT_TRUE(fs.ok()) << fs.status().ToString();
  auto r = (*fs)->ReadFile("proc/self/root/etc/hostname", kDefaultMaxReadBytes);
  EXPECT_EQ(r.status().code(), base::Code::kInvalidArgument) << r.status().ToString();
  EXPECT_EQ((*fs)->Stat("proc/self/root/etc").status().code(), base::Code::kInvalidArgument);
  EXPECT_EQ((*fs)->ListDir("proc/self/root/etc").status().code(), base::Code::kInvalidArgument);
  EXPECT_EQ((*fs)->OpenFile("proc/self/root/etc/hostname").status().code(),
            base::Code::kInvalidArgument);
}

TEST(OpenDirFsTest, BadRoots) {
  auto tmp = base::TempDir::Create("assay-fs-test");
  ASSERT_TRUE(tmp.ok());
  EXPECT_EQ(OpenDirFs(tmp->path() / "missing").status().code(), base::Code::kNotFound);
  WriteText(tmp->path() / "file", "x");
  EXPECT_EQ(OpenDirFs(tmp->path() / "file").status().code(), base::Code::kInvalidArgument);
  // A symlink given as the root is the user's choice and is followed.
  ASSERT_EQ(::symlink(tmp->path().c_str(), (tmp->path() / "link").c_str()), 0);
  auto fs = OpenDirFs(tmp->path() / "link");
  ASSERT_TRUE(fs.ok());
  EXPECT_EQ((*fs)->ReadFile("file", 10).value_or(""), "x");
}

}  // namespace
}  // namespace assay::inventory
