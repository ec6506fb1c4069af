// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include <cstdio>
#include <exception>

#include "base/log.h"
#include "cli/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"assay: vulnerability and compliance assessment"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "assay 0.1.0");
  bool verbose = false;
  app.add_flag("-v,--verbose", verbose, "Log progress to stderr");
  app.parse_complete_callback([&] {
    if (verbose) assay::base::SetLogLevel(assay::base::LogLevel::kInfo);
  });

  int exit_code = 0;
  using AddFn = void (*)(CLI::App&, int*);
  for (AddFn add : {&assay::cli::AddVercmp, &assay::cli::AddCvss, &assay::cli::AddDb,
                    &assay::cli::AddSbom, &assay::cli::AddScan, &assay::cli::AddRegistry,
                    &assay::cli::AddServer, &assay::cli::AddClient}) {
    add(app, &exit_code);
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "assay: internal error: %s\n", e.what());
    return 3;
  }
  return exit_code;
}
