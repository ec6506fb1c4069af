// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// `assay vercmp --ecosystem ECO A B` and `assay vercmp --batch`.
#include "cli/vercmp.h"

#include <cstdio>
#include <iostream>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "versions/registry.h"

namespace assay::cli {

base::Result<int> CompareInEcosystem(std::string_view ecosystem, std::string_view a,
                                     std::string_view b) {
  const versions::Scheme* scheme = versions::ForEcosystem(ecosystem);
  if (scheme == nullptr) {
    return base::Status::InvalidArgument("unknown ecosystem \"" + std::string(ecosystem) + "\"");
  }
  ASSAY_ASSIGN_OR_RETURN(int c, scheme->Compare(a, b));
  return versions::Sign(c);
}

std::string VercmpBatchLine(std::string_view line, size_t line_number) {
  nlohmann::json out;
  nlohmann::json in = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  auto is_str = [&](const char* k) { return in.contains(k) && in[k].is_string(); };
  if (in.is_discarded() || !in.is_object()) {
    out["error"] = "line " + std::to_string(line_number) + ": not a JSON object";
  } else if (!is_str("ecosystem") || !is_str("a") || !is_str("b")) {
    out["error"] =
        "line " + std::to_string(line_number) + ": needs string fields ecosystem, a and b";
  } else {
    auto r = CompareInEcosystem(in["ecosystem"].get<std::string>(), in["a"].get<std::string>(),
                                in["b"].get<std::string>());
    if (r.ok()) {
      out["cmp"] = *r;
    } else {
      out["error"] = r.status().message();
    }
  }
  return out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

namespace {

struct VercmpOptions {
  std::string ecosystem;
  std::string a;
  std::string b;
  bool batch = false;
};

int RunBatch() {
  std::string line;
  size_t n = 0;
  while (std::getline(std::cin, line)) {
    std::string out = VercmpBatchLine(line, ++n);
    out += '\n';
    std::fwrite(out.data(), 1, out.size(), stdout);
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
    auto r = CompareInEcosystem(opts->ecosystem, opts->a, opts->b);
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
