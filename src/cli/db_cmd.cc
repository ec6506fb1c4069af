// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
// `assay db`: placeholder until the advisory database lands.
#include "cli/commands.h"

namespace assay::cli {
void AddDb(CLI::App& app, int* exit_code) {
  app.add_subcommand("db", "Manage the advisory database")->callback([exit_code] {
    *exit_code = 2;
  });
}
}  // namespace assay::cli
