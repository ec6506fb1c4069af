// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// The store suite (store_suite.h) on SQLite, each test in its own database file. The same suite
// runs on PostgreSQL in store_itest.cc.
#include <filesystem>

#include "base/file.h"
#include "findings/store_suite.h"

namespace assay::findings::testing {
namespace {

std::string SqlitePath(const std::string& test) {
  static auto dir = base::TempDir::Create("assay-store-test");
  if (!dir.ok()) return "";
  return (dir->path() / (test + ".db")).string();
}

INSTANTIATE_TEST_SUITE_P(Sqlite, StoreSuite, ::testing::Values(Backend{"sqlite", SqlitePath}),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace assay::findings::testing
