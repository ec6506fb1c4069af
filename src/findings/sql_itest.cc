// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// The shared cases of sql_test_cases.h on both dialects: SQLite in a temporary directory and a
// real PostgreSQL server started for this test binary (skipped when PostgreSQL is not installed).
#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <tuple>

#include "base/file.h"
#include "base/testing/postgres.h"
#include "findings/sql.h"
#include "findings/sql_test_cases.h"

namespace assay::findings::sql {
namespace {

using assay::testing::PostgresServer;
using testing::SqlTestCase;
using testing::SqlTestEnv;

// One server for the whole binary, started by the first test that needs it and stopped after
// the last.
PostgresServer* server = nullptr;

class PostgresEnvironment : public ::testing::Environment {
 public:
  void TearDown() override {
    delete server;
    server = nullptr;
  }
};
[[maybe_unused]] ::testing::Environment* const kPostgresEnvironment =
    ::testing::AddGlobalTestEnvironment(new PostgresEnvironment);

// A fresh database on the shared server: its URL, or a failure.
::testing::AssertionResult NewPostgresDatabase(std::string* url) {
  if (server == nullptr) {
    server = new PostgresServer;
    auto started = server->Start();
    if (!started) return started;
    std::printf("[   INFO   ] PostgreSQL started in %lld ms (initdb, start-up, first database)\n",
                static_cast<long long>(server->start_time().count()));
  }
  static std::atomic<int> next{0};
  return server->NewDatabase("t" + std::to_string(next++), url);
}

class SqlCasesTest : public ::testing::TestWithParam<std::tuple<Dialect, SqlTestCase>> {
 protected:
  void SetUp() override {
    if (dialect() == Dialect::kSqlite) {
      auto dir = base::TempDir::Create("assay-sql");
      ASSERT_TRUE(dir.ok()) << dir.status().ToString();
      dir_.emplace(std::move(*dir));
      target_ = (dir_->path() / "state.db").string();
    } else {
      if (!PostgresServer::Available()) GTEST_SKIP() << PostgresServer::UnavailableReason();
      ASSERT_TRUE(NewPostgresDatabase(&target_));
    }
    auto conn = Open(target_);
    ASSERT_TRUE(conn.ok()) << conn.status().ToString();
    conn_ = std::move(*conn);
    ASSERT_EQ(conn_->dialect(), dialect());
  }

  Dialect dialect() const { return std::get<0>(GetParam()); }

  std::optional<base::TempDir> dir_;
  std::string target_;
  std::unique_ptr<Connection> conn_;
};

TEST_P(SqlCasesTest, Run) {
  SqlTestEnv env{*conn_, [this]() -> std::unique_ptr<Connection> {
                   auto other = Open(target_);
                   EXPECT_TRUE(other.ok()) << other.status().ToString();
                   return other.ok() ? std::move(*other) : nullptr;
                 }};
  std::get<1>(GetParam()).run(env);
}

INSTANTIATE_TEST_SUITE_P(Dialects, SqlCasesTest,
                         ::testing::Combine(::testing::Values(Dialect::kSqlite, Dialect::kPostgres),
                                            ::testing::ValuesIn(testing::SqlTestCases())),
                         [](const auto& info) {
                           return std::string(testing::DialectName(std::get<0>(info.param))) + "_" +
                                  std::get<1>(info.param).name;
                         });

class PostgresTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!PostgresServer::Available()) GTEST_SKIP() << PostgresServer::UnavailableReason();
    ASSERT_TRUE(NewPostgresDatabase(&url_));
  }
  std::string url_;
};

TEST_F(PostgresTest, DescribeLeavesOutThePassword) {
  // Trust authentication accepts any password: the URL carries one all the same.
  const std::string prefix = "postgres://assay";
  ASSERT_EQ(url_.rfind(prefix, 0), 0u) << url_;
  const std::string with_password = prefix + ":hunter2" + url_.substr(prefix.size());
  auto conn = Open(with_password);
  ASSERT_TRUE(conn.ok()) << conn.status().ToString();
  EXPECT_EQ((*conn)->Describe(), url_);
  base::Status st = (*conn)->Exec("SELECT * FROM missing").status();
  EXPECT_EQ(st.message().find("hunter2"), std::string::npos) << st.message();
  EXPECT_EQ(st.message().rfind(url_ + ": ", 0), 0u) << st.message();
}

TEST_F(PostgresTest, MissingDatabaseIsUnavailable) {
  const std::string url = url_.substr(0, url_.rfind('/')) + "/no_such_db";
  auto conn = Open(url);
  EXPECT_EQ(conn.status().code(), base::Code::kUnavailable) << conn.status().ToString();
  EXPECT_NE(conn.status().message().find("no_such_db"), std::string::npos);
}

TEST_F(PostgresTest, UninferableParameterNeedsACast) {
  auto conn = Open(url_);
  ASSERT_TRUE(conn.ok()) << conn.status().ToString();
  // `?1 + 1` makes the server guess INTEGER (32 bits): the largest BIGINT does not fit.
  base::Status st =
      (*conn)->Query("SELECT ?1 + 1", {testing::kMaxInt - 1}, [](const Row&) { return true; });
  EXPECT_EQ(st.code(), base::Code::kInvalidArgument) << st.ToString();
  EXPECT_EQ(testing::QueryInt(**conn, "SELECT CAST(?1 AS BIGINT) + 1", {testing::kMaxInt - 1}),
            testing::kMaxInt);
}

// The peak resident set size of this process in kB (VmHWM), or -1.
long PeakRssKb() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

TEST_F(PostgresTest, LargeResultsAreStreamed) {
  auto conn = Open(url_);
  ASSERT_TRUE(conn.ok()) << conn.status().ToString();
  // About 100 MB of rows; buffering them would raise the peak by as much.
  const long before = PeakRssKb();
  std::int64_t rows = 0;
  size_t bytes = 0;
  SQL_ASSERT_OK((*conn)->Query("SELECT x, repeat('x', 1000) FROM generate_series(1, ?1) AS x",
                               {std::int64_t{100000}}, [&](const Row& r) {
                                 ++rows;
                                 bytes += r.Text(1).size();
                                 return true;
                               }));
  EXPECT_EQ(rows, 100000);
  EXPECT_EQ(bytes, 100000u * 1000u);
  const long grown = PeakRssKb() - before;
  EXPECT_LT(grown, 32 * 1024) << "peak RSS grew by " << grown << " kB";
}

}  // namespace
}  // namespace assay::findings::sql
