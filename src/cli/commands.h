// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// The `assay` command line: each verb registers its subcommand on the CLI11 app. The verb's
// callback stores the process exit code in `*exit_code` (0 ok, 1 findings/failure, 2 usage or
// invalid input). The one list of verbs is in main.cc.
#pragma once

#include <CLI/CLI.hpp>

namespace assay::cli {

void AddVercmp(CLI::App& app, int* exit_code);
void AddCvss(CLI::App& app, int* exit_code);
void AddDb(CLI::App& app, int* exit_code);
void AddSbom(CLI::App& app, int* exit_code);
void AddScan(CLI::App& app, int* exit_code);
void AddRegistry(CLI::App& app, int* exit_code);  // after AddScan: adds `scan registry` too
// `assay server`, and the local `assay accounts create` / `assay keys create`.
void AddServer(CLI::App& app, int* exit_code);
// The clients of the service: `assay findings`, `assay resources`, `assay suppress`.
void AddClient(CLI::App& app, int* exit_code);

}  // namespace assay::cli
