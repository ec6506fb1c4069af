// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// `assay vercmp --ecosystem ECO A B` and `assay vercmp --batch`.
#include <cstdio>
#include <iostream>
#include <string>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "versions/registry.h"

namespace assay::cli {
namespace {

struct VercmpOptions {
  std::string ecosystem;
  std::string a;
  std::string b;
  bool batch = false;
};

base::Result<int> CompareIn(std::string_view ecosystem, std::string_view a, std::string_view b) {
  const versions::Scheme* scheme = versions::ForEcosystem(ecosystem);
  if (scheme == nullptr) {
    return base::Status::InvalidArgument("unknown ecosystem \"" + std::string(ecosystem) + "\"");
  }
  ASSAY_ASSIGN_OR_RETURN(int c, scheme->Compare(a, b));
  return versions::Sign(c);
}

int RunBatch() {
  std::string line;
  size_t n = 0;
  while (std::getline(std::cin, line)) {
    ++n;
    nlohmann::json out;
    nlohmann::json in = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (in.is_discarded() || !in.is_object()) {
      out["error"] = "line " + std::to_string(n) + ": not a JSON object";
    } else if (!in.contains("ecosystem") || !in["ecosystem"].is_string() || !in.contains("a") ||
               !in["a"].is_string() || !in.contains("b") || !in["b"].is_string()) {
      out["error"] = "line " + std::to_string(n) + ": needs string fields ecosystem, a and b";
    } else {
      auto r = CompareIn(in["ecosystem"].get<std::string>(), in["a"].get<std::string>(),
                         in["b"].get<std::string>());
      if (r.ok()) {
        out["cmp"] = *r;
      } else {
        out["error"] = r.status().message();
      }
    }
    std::string s = out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    s += '\n';
    std::fwrite(s.data(), 1, s.size(), stdout);
  }
  std::fflush(stdout);
  return 0;
}

}  // namespace

void AddVercmp(CLI::App& app, int* exit_code) {
  auto opts = std::make_shared<VercmpOptions>();
  CLI::App* cmd = app.add_subcommand("vercmp", "Compare two versions of an ecosystem");
  cmd->add_option("--ecosystem,-e", opts->ecosystem, "OSV ecosystem name, e.g. Debian:12, PyPI");
  cmd->add_flag("--batch", opts->batch,
                "Read {\"ecosystem\",\"a\",\"b\"} JSON lines on stdin, write one result each");
  cmd->add_option("a", opts->a, "First version");
  cmd->add_option("b", opts->b, "Second version");
  cmd->callback([opts, exit_code, cmd] {
    if (opts->batch) {
      *exit_code = RunBatch();
      return;
    }
    if (opts->ecosystem.empty() || cmd->count("a") == 0 || cmd->count("b") == 0) {
      std::fprintf(stderr, "assay vercmp: needs --ecosystem ECO A B (or --batch)\n");
      *exit_code = 2;
      return;
    }
    auto r = CompareIn(opts->ecosystem, opts->a, opts->b);
    if (!r.ok()) {
      std::fprintf(stderr, "assay vercmp: %s\n", r.status().message().c_str());
      *exit_code = 2;
      return;
    }
    std::printf("%d\n", *r);
    *exit_code = 0;
  });
}

}  // namespace assay::cli
