// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
// `assay cvss`: placeholder until the CVSS module lands.
#include "cli/commands.h"

namespace assay::cli {
void AddCvss(CLI::App& app, int* exit_code) {
  app.add_subcommand("cvss", "Parse and score a CVSS vector")->callback([exit_code] {
    *exit_code = 2;
  });
}
}  // namespace assay::cli
