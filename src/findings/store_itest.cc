// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// The store suite (store_suite.h) on a real PostgreSQL 15, started for this binary on a
// loopback port (skipped, saying why, when the PostgreSQL binaries are absent).
#include "base/testing/postgres.h"
#include "findings/store_suite.h"

namespace assay::findings::testing {
namespace {

std::string PostgresDb(const std::string& test) {
  if (!assay::testing::PostgresServer::Available()) return "";
  static assay::testing::PostgresServer server;
  static bool started = static_cast<bool>(server.Start());
  if (!started) {
    ADD_FAILURE() << "PostgreSQL is installed but did not start; see " << server.dir();
    return "";
  }
  std::string url;
  std::string name = "t_" + test;
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (name.size() > 60) name.resize(60);
  if (!server.NewDatabase(name, &url)) return "";
  return url;
}

INSTANTIATE_TEST_SUITE_P(Postgres, StoreSuite, ::testing::Values(Backend{"postgres", PostgresDb}),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace assay::findings::testing
