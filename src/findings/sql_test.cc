// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include "findings/sql.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "base/file.h"
#include "findings/internal/sql_util.h"
#include "findings/sql_test_cases.h"

namespace assay::findings::sql {
namespace {

using testing::SqlTestCase;
using testing::SqlTestEnv;

TEST(ToPostgresParams, RewritesPlaceholdersOutsideQuotesAndComments) {
  struct Case {
    const char* name;
    const char* in;
    const char* want;
  };
  const std::vector<Case> cases = {
      {"plain", "SELECT a FROM t WHERE b = ?1 AND c = ?2",
       "SELECT a FROM t WHERE b = $1 AND c = $2"},
      {"ten is not one", "VALUES (?1, ?10, ?100)", "VALUES ($1, $10, $100)"},
      {"string", "SELECT '?1', ?1", "SELECT '?1', $1"},
      {"escaped quote", "SELECT 'it''s ?1' || ?2", "SELECT 'it''s ?1' || $2"},
      {"identifier", "SELECT \"odd ?1 \"\"name\"\"\" FROM t WHERE x = ?1",
       "SELECT \"odd ?1 \"\"name\"\"\" FROM t WHERE x = $1"},
      {"line comment", "SELECT ?1 -- why ?2\n, ?3", "SELECT $1 -- why ?2\n, $3"},
      {"comment at end", "SELECT ?1 -- ?2", "SELECT $1 -- ?2"},
      {"block comment", "SELECT /* ?1 */ ?2", "SELECT /* ?1 */ $2"},
      {"dollar quoted", "DO $body$ SELECT '?1' $body$; SELECT ?1",
       "DO $body$ SELECT '?1' $body$; SELECT $1"},
      {"bare question mark", "SELECT ? , a ?| b", "SELECT ? , a ?| b"},
      {"unterminated string", "SELECT ?1, 'abc ?2", "SELECT $1, 'abc ?2"},
      {"minus is not a comment", "SELECT ?1 - ?2", "SELECT $1 - $2"},
      {"empty", "", ""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(ToPostgresParams(c.in), c.want);
  }
}

TEST(SqlUtil, QuoteStatement) {
  struct Case {
    const char* name;
    std::string in;
    std::string want;
  };
  const std::vector<Case> cases = {
      {"as is", "SELECT 1", "\"SELECT 1\""},
      {"blanks collapsed", "\n  SELECT\t1\n  FROM t  ", "\"SELECT 1 FROM t\""},
      {"leading comments dropped", "-- c\n/* d */ SELECT 1", "\"SELECT 1\""},
      {"cut at 80", std::string(100, 'a'), "\"" + std::string(80, 'a') + "...\""},
      {"exactly 80", std::string(80, 'a'), "\"" + std::string(80, 'a') + "\""},
      {"quotes escaped", "SELECT \"x\"", "\"SELECT \\x22x\\x22\""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(internal::QuoteStatement(c.in), c.want);
  }
}

TEST(SqlUtil, StatementAt) {
  const std::string script =
      "CREATE TABLE a (s TEXT DEFAULT ';');\nINSERT INTO b VALUES (1); -- ;\nX";
  EXPECT_EQ(internal::StatementAt(script, 0), "CREATE TABLE a (s TEXT DEFAULT ';')");
  EXPECT_EQ(internal::StatementAt(script, script.find("INSERT") + 3), "\nINSERT INTO b VALUES (1)");
  EXPECT_EQ(internal::StatementAt(script, script.size() - 1), " -- ;\nX");
  EXPECT_EQ(internal::StatementAt(script, 1000), " -- ;\nX");
}

// The shared cases, each on a fresh database file.
class SqliteCasesTest : public ::testing::TestWithParam<SqlTestCase> {};

TEST_P(SqliteCasesTest, Run) {
  auto dir = base::TempDir::Create("assay-sql");
  ASSERT_TRUE(dir.ok()) << dir.status().ToString();
  const std::filesystem::path db = dir->path() / "state.db";
  auto conn = OpenSqlite(db);
  ASSERT_TRUE(conn.ok()) << conn.status().ToString();
  SqlTestEnv env{**conn, [&]() -> std::unique_ptr<Connection> {
                   auto other = OpenSqlite(db);
                   EXPECT_TRUE(other.ok()) << other.status().ToString();
                   return other.ok() ? std::move(*other) : nullptr;
                 }};
  GetParam().run(env);
}

INSTANTIATE_TEST_SUITE_P(Cases, SqliteCasesTest, ::testing::ValuesIn(testing::SqlTestCases()),
                         [](const auto& info) { return std::string(info.param.name); });

class SqliteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = base::TempDir::Create("assay-sql");
    ASSERT_TRUE(dir.ok()) << dir.status().ToString();
    dir_.emplace(std::move(*dir));
  }
  std::filesystem::path Path(const std::string& name) const { return dir_->path() / name; }
  std::optional<base::TempDir> dir_;
};

TEST_F(SqliteTest, OpenSetsPragmas) {
  auto conn = Open(Path("p.db").string());
  ASSERT_TRUE(conn.ok()) << conn.status().ToString();
  Connection& c = **conn;
  EXPECT_EQ(c.dialect(), Dialect::kSqlite);
  EXPECT_EQ(c.Describe(), Path("p.db").string());
  struct Pragma {
    const char* name;
    std::string want;
  };
  for (const Pragma& p : std::vector<Pragma>{{"journal_mode", "wal"},
                                             {"foreign_keys", "1"},
                                             {"synchronous", "1"},  // NORMAL
                                             {"busy_timeout", "5000"}}) {
    SCOPED_TRACE(p.name);
    std::string got;
    SQL_ASSERT_OK(c.Query(std::string("PRAGMA ") + p.name, {}, [&](const Row& r) {
      got = r.Str(0);
      return false;
    }));
    EXPECT_EQ(got, p.want);
  }
  EXPECT_TRUE(std::filesystem::exists(Path("p.db")));
}

TEST_F(SqliteTest, ForeignKeysAreEnforced) {
  auto conn = OpenSqlite(Path("fk.db"));
  ASSERT_TRUE(conn.ok()) << conn.status().ToString();
  Connection& c = **conn;
  SQL_ASSERT_OK(c.ExecScript(
      "CREATE TABLE parent (id BIGINT PRIMARY KEY);"
      "CREATE TABLE child (id BIGINT PRIMARY KEY, parent BIGINT REFERENCES parent (id))"));
  base::Status st = c.Exec("INSERT INTO child (id, parent) VALUES (1, 99)").status();
  EXPECT_EQ(st.code(), base::Code::kInvalidArgument) << st.ToString();
  EXPECT_NE(st.message().find("FOREIGN KEY"), std::string::npos) << st.message();
}

TEST_F(SqliteTest, OpenErrorsNameTheFile) {
  auto missing_dir = OpenSqlite(Path("no/such/dir/x.db"));
  EXPECT_EQ(missing_dir.status().code(), base::Code::kIOError);
  EXPECT_NE(missing_dir.status().message().find(Path("no/such/dir/x.db").string()),
            std::string::npos)
      << missing_dir.status().message();
  std::ofstream(Path("garbage.db")) << std::string(4096, 'g');
  auto garbage = OpenSqlite(Path("garbage.db"));
  EXPECT_EQ(garbage.status().code(), base::Code::kCorruption) << garbage.status().ToString();
  EXPECT_NE(garbage.status().message().find(Path("garbage.db").string()), std::string::npos);
}

TEST_F(SqliteTest, SecondWriterWaitsForTheFirst) {
  auto a = OpenSqlite(Path("w.db"));
  auto b = OpenSqlite(Path("w.db"));
  ASSERT_TRUE(a.ok() && b.ok());
  SQL_ASSERT_OK((*a)->ExecScript("CREATE TABLE t (k BIGINT PRIMARY KEY)"));
  SQL_ASSERT_OK((*a)->Begin());
  SQL_ASSERT_OK((*a)->Exec("INSERT INTO t (k) VALUES (1)"));
  const auto t0 = std::chrono::steady_clock::now();
  std::thread committer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    SQL_EXPECT_OK((*a)->Commit());
  });
  base::Status begin = (*b)->Begin();  // BEGIN IMMEDIATE waits (busy timeout) for the lock
  const auto waited = std::chrono::steady_clock::now() - t0;
  committer.join();
  SQL_ASSERT_OK(begin);
  EXPECT_GE(waited, std::chrono::milliseconds(250));
  SQL_ASSERT_OK((*b)->Exec("INSERT INTO t (k) VALUES (2)"));
  SQL_ASSERT_OK((*b)->Commit());
  EXPECT_EQ(testing::QueryInt(**a, "SELECT COUNT(*) FROM t"), 2);
}

TEST(OpenPostgres, UnreachableServerIsUnavailableWithoutThePassword) {
  // Nothing listens on port 1 of the loopback: the connection is refused at once.
  struct Case {
    const char* name;
    std::string url;
    base::Code code;
    const char* names;  // a part of the message
  };
  const std::vector<Case> cases = {
      {"uri", "postgres://assay:s3cr%3Et@127.0.0.1:1/db", base::Code::kUnavailable,
       "postgres://assay@127.0.0.1:1/db"},
      {"uri with password in query", "postgresql://assay@127.0.0.1:1/db?password=s3cr%3Et",
       base::Code::kUnavailable, "127.0.0.1"},
      {"key=value", "host=127.0.0.1 port=1 user=assay password='s3cr>t' dbname=db",
       base::Code::kUnavailable, "127.0.0.1"},
      {"bad port", "postgres://assay:s3cr%3Et@127.0.0.1:notaport/db", base::Code::kUnavailable,
       "notaport"},
      {"unparsable", "postgres://assay:s3cr%3Et@127.0.0.1:1/db?bogus=s3cr%3Et",
       base::Code::kInvalidArgument, "bogus"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    auto conn = c.url.starts_with("postgres") ? Open(c.url) : OpenPostgres(c.url);
    ASSERT_FALSE(conn.ok());
    const std::string msg = conn.status().message();
    EXPECT_EQ(conn.status().code(), c.code) << msg;
    EXPECT_NE(msg.find(c.names), std::string::npos) << msg;
    EXPECT_EQ(msg.find("s3cr"), std::string::npos) << msg;
  }
}

}  // namespace
}  // namespace assay::findings::sql
