// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include "cli/client_cmd.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "base/file.h"

namespace assay::cli {
namespace {

// Sets (or, for nullptr, unsets) an environment variable for the life of the object.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) {
      old_ = old;
      had_ = true;
    }
    if (value != nullptr) {
      ::setenv(name, value, 1);
    } else {
      ::unsetenv(name);
    }
  }
  ~ScopedEnv() {
    if (had_) {
      ::setenv(name_, old_.c_str(), 1);
    } else {
      ::unsetenv(name_);
    }
  }

 private:
  const char* name_;
  std::string old_;
  bool had_ = false;
};

TEST(ClientCmdTest, ServerAndKeyComeFromFlagsOrEnvironment) {
  auto dir = base::TempDir::Create("assay-client-test");
  ASSERT_TRUE(dir.ok());
  const std::string key_file = (dir->path() / "key").string();
  ASSERT_TRUE(base::WriteFileAtomic(key_file, "  assay_key-1_secret\n").ok());
  const std::string empty_file = (dir->path() / "empty").string();
  ASSERT_TRUE(base::WriteFileAtomic(empty_file, "\n").ok());
  struct Case {
    const char* name;
    const char* env_server;
    const char* env_key;
    std::string server, key_file;
    std::string want;  // server() on success, else a part of the message
    bool ok;
  };
  const Case cases[] = {
      {"flags", nullptr, nullptr, "http://127.0.0.1:1/", key_file, "http://127.0.0.1:1", true},
      {"environment", "https://svc.example:8443//", "assay_key-2_s", "", "",
       "https://svc.example:8443", true},
      {"flag beats environment", "http://env:1", "k", "http://flag:2", "", "http://flag:2", true},
      {"no server", nullptr, "k", "", "", "$ASSAY_SERVER", false},
      {"no key", nullptr, nullptr, "http://127.0.0.1:1", "", "$ASSAY_API_KEY", false},
      {"not http", nullptr, "k", "ftp://x", "", "not an http:// or https:// URL", false},
      {"missing key file", nullptr, nullptr, "http://x", key_file + ".nope", "--api-key-file",
       false},
      {"empty key file", nullptr, nullptr, "http://x", empty_file, "empty", false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    ScopedEnv server("ASSAY_SERVER", c.env_server);
    ScopedEnv key("ASSAY_API_KEY", c.env_key);
    auto client = ApiClient::Make(c.server, c.key_file);
    ASSERT_EQ(client.ok(), c.ok) << client.status().ToString();
    if (c.ok) {
      EXPECT_EQ(client->server(), c.want);
    } else {
      EXPECT_EQ(client.status().code(), base::Code::kInvalidArgument);
      EXPECT_NE(client.status().message().find(c.want), std::string::npos)
          << client.status().message();
    }
  }
}

TEST(ClientCmdTest, UploadFlagsAreCheckedBeforeTheScan) {
  ScopedEnv key("ASSAY_API_KEY", "assay_key-1_s");
  UploadFlags f;
  f.url = "http://127.0.0.1:1";
  f.tags = {"env=prod", "empty="};
  EXPECT_TRUE(CheckUploadFlags(f).ok());
  f.tags = {"novalue"};
  EXPECT_EQ(CheckUploadFlags(f).message(), "--tag \"novalue\": not KEY=VALUE");
  f.tags = {"=v"};
  EXPECT_FALSE(CheckUploadFlags(f).ok());
  f.tags = {};
  f.url = "127.0.0.1:8080";
  EXPECT_FALSE(CheckUploadFlags(f).ok());
}

TEST(ClientCmdTest, AnUnreachableServerIsAnError) {
  ScopedEnv key("ASSAY_API_KEY", "assay_key-1_s");
  auto client = ApiClient::Make("http://127.0.0.1:1", "");
  ASSERT_TRUE(client.ok());
  auto r = client->Call("POST", "/v1/findings/list", nlohmann::ordered_json::object());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), base::Code::kUnavailable);
}

}  // namespace
}  // namespace assay::cli
