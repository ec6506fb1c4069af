// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include "inventory/siblings.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>

#include "inventory/fs.h"
#include "inventory/internal/test_tree.h"
#include "inventory/parser.h"

namespace assay::inventory {
namespace {

using internal::Tree;

TEST(SiblingPathTest, JoinsAndNormalises) {
  struct Case {
    const char* from;
    const char* ref;
    const char* want;
  };
  const Case cases[] = {
      {"app/requirements.txt", "base.txt", "app/base.txt"},
      {"app/requirements.txt", "./sub//dev.txt", "app/sub/dev.txt"},
      {"app/requirements.txt", "../shared/r.txt", "shared/r.txt"},
      {"app/sub/r.txt", "./../pip/../x.txt", "app/x.txt"},
      {"requirements.txt", "base.txt", "base.txt"},
      {"requirements.txt", "../up.txt", "../up.txt"},
      {"../proj/r.txt", "../proj/x.txt", "../proj/x.txt"},
      {"../proj/r.txt", "../../x.txt", "../../x.txt"},
      {"app/r.txt", "/etc/x.txt", "/etc/x.txt"},
      {"/srv/app/r.txt", "base.txt", "/srv/app/base.txt"},
      {"/srv/r.txt", "../../../x.txt", "/x.txt"},
      {"", "go.sum", "go.sum"},
      {"app/r.txt", "", ""},
      {"app/r.txt", ".", "app"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(SiblingPath(c.from, c.ref), c.want) << c.from << " + " << c.ref;
  }
}

class FsSiblingFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    tree_.File("app/requirements.txt", "-r base.txt\n")
        .File("app/base.txt", "django==4.2\n")
        .File("app/sub/dev.txt", "pytest==7.0\n")
        .File("etc/secret.txt", "x\n")
        .Symlink("/etc/secret.txt", "app/link.txt")
        .Fifo("app/fifo.txt");
    auto fs = OpenDirFs(tree_.root());
    ASSERT_TRUE(fs.ok()) << fs.status().ToString();
    fs_ = std::move(fs).value();
  }

  Tree tree_;
  std::unique_ptr<Fs> fs_;
};

TEST_F(FsSiblingFilesTest, RootRelative) {
  FsSiblingFiles files(*fs_, FsSiblingFiles::Naming::kRootRelative);
  EXPECT_EQ(files.Read("app/base.txt").value(), "django==4.2\n");
  // An absolute name is read from the root, as the tree's own programs would read it.
  EXPECT_EQ(files.Read("/app/sub/dev.txt").value(), "pytest==7.0\n");
  EXPECT_EQ(files.Name("/app/sub/dev.txt"), "app/sub/dev.txt");
  EXPECT_EQ(files.Name("app/base.txt"), "app/base.txt");
  // A symlink's target stays inside the root too.
  EXPECT_EQ(files.Read("app/link.txt").value(), "x\n");

  auto up = files.Read("../outside.txt");
  ASSERT_FALSE(up.ok());
  EXPECT_EQ(up.status().code(), base::Code::kInvalidArgument);
  EXPECT_NE(up.status().message().find("../outside.txt: outside the scanned tree"),
            std::string::npos)
      << up.status().ToString();

  auto missing = files.Read("app/nope.txt");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), base::Code::kNotFound);
  EXPECT_EQ(files.Read("app/fifo.txt").status().code(), base::Code::kInvalidArgument);
  EXPECT_EQ(files.Read("app/sub").status().code(), base::Code::kInvalidArgument);
}

TEST_F(FsSiblingFilesTest, SizeCap) {
  FsSiblingFiles files(*fs_, FsSiblingFiles::Naming::kRootRelative, "", 4);
  auto r = files.Read("app/base.txt");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), base::Code::kInvalidArgument);
}

TEST_F(FsSiblingFilesTest, BelowPrefix) {
  // The Fs root stands for the directory "proj/app" as the parsed file's path names it.
  auto app = OpenDirFs(tree_.root() / "app");
  ASSERT_TRUE(app.ok());
  FsSiblingFiles files(**app, FsSiblingFiles::Naming::kBelowPrefix, "proj/app");
  EXPECT_EQ(files.Read("proj/app/base.txt").value(), "django==4.2\n");
  EXPECT_EQ(files.Read("proj/app/sub/../base.txt").value(), "django==4.2\n");
  for (const char* outside : {"proj/base.txt", "proj/application/x.txt", "/etc/secret.txt",
                              "proj/app", "base.txt", "../x"}) {
    auto r = files.Read(outside);
    ASSERT_FALSE(r.ok()) << outside;
    EXPECT_EQ(r.status().code(), base::Code::kInvalidArgument) << outside;
    EXPECT_NE(r.status().message().find("outside the directory proj/app"), std::string::npos)
        << r.status().ToString();
  }
  // The symlink points at /etc/secret.txt, which inside this Fs is <app>/etc/secret.txt: absent.
  EXPECT_EQ(files.Read("proj/app/link.txt").status().code(), base::Code::kNotFound);
  // Messages name the file as the parser asked for it.
  auto missing = files.Read("proj/app/nope.txt");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().message().rfind("proj/app/nope.txt: ", 0), 0u)
      << missing.status().ToString();
}

TEST_F(FsSiblingFilesTest, BesideFile) {
  const std::string file = (tree_.root() / "app" / "requirements.txt").string();
  auto files = FsSiblingFiles::BesideFile(file);
  ASSERT_TRUE(files.ok()) << files.status().ToString();
  const std::string dir = (tree_.root() / "app").string();
  EXPECT_EQ((*files)->Read(SiblingPath(file, "base.txt")).value(), "django==4.2\n");
  EXPECT_EQ((*files)->Read(SiblingPath(file, "sub/dev.txt")).value(), "pytest==7.0\n");
  auto up = (*files)->Read(SiblingPath(file, "../etc/secret.txt"));
  ASSERT_FALSE(up.ok());
  EXPECT_EQ(up.status().code(), base::Code::kInvalidArgument);

  // A relative name: the directory as written, "" for the current one.
  auto in_dir = FsSiblingFiles::InDirectory(tree_.root() / "app", "requirements.txt");
  ASSERT_TRUE(in_dir.ok());
  EXPECT_EQ((*in_dir)->Read("base.txt").value(), "django==4.2\n");
  EXPECT_EQ((*in_dir)->Read("/etc/secret.txt").status().code(), base::Code::kInvalidArgument);
  EXPECT_EQ((*in_dir)->Read("../app/base.txt").status().code(), base::Code::kInvalidArgument);

  EXPECT_FALSE(FsSiblingFiles::BesideFile((tree_.root() / "nope" / "r.txt").string()).ok());
}

}  // namespace
}  // namespace assay::inventory
