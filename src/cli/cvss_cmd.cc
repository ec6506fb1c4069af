// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// `assay cvss VECTOR` and `assay cvss --batch`.
#include "cli/cvss_cmd.h"

#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "cli/commands.h"
#include "model/cvss.h"

namespace assay::cli {
namespace {

struct CvssOptions {
  std::string vector;
  bool batch = false;
};

// Every key present, all null: consumers see one shape whatever the outcome.
nlohmann::ordered_json Blank() {
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  for (const char* key : {"version", "valid", "base", "temporal", "environmental", "score",
                          "nomenclature", "severity", "error"}) {
    out[key] = nullptr;
  }
  out["valid"] = false;
  return out;
}

nlohmann::ordered_json Invalid(const std::string& error) {
  nlohmann::ordered_json out = Blank();
  out["error"] = error;
  return out;
}

// Invalid UTF-8 in an echoed vector must not make dump() throw.
std::string Dump(const nlohmann::ordered_json& j) {
  return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

int RunBatch() {
  std::string line;
  size_t n = 0;
  while (std::getline(std::cin, line)) {
    std::string s = CvssBatchLine(line, ++n);
    s += '\n';
    std::fwrite(s.data(), 1, s.size(), stdout);
  }
  std::fflush(stdout);
  return 0;
}

}  // namespace

nlohmann::ordered_json CvssToJson(std::string_view vector) {
  auto r = model::ScoreCvss(vector);
  if (!r.ok()) return Invalid(r.status().message());
  nlohmann::ordered_json out = Blank();
  auto number = [](const std::optional<double>& x) -> nlohmann::ordered_json {
    return x ? nlohmann::ordered_json(*x) : nlohmann::ordered_json(nullptr);
  };
  out["version"] = std::string(model::CvssVersionName(r->version));
  out["valid"] = true;
  out["base"] = number(r->base);
  out["temporal"] = number(r->temporal);
  out["environmental"] = number(r->environmental);
  out["score"] = r->score;
  if (!r->nomenclature.empty()) out["nomenclature"] = r->nomenclature;
  out["severity"] = r->severity;
  return out;
}

std::string CvssBatchLine(std::string_view line, size_t line_number) {
  nlohmann::json in = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  std::string where = "line " + std::to_string(line_number) + ": ";
  if (in.is_discarded() || !in.is_object()) return Dump(Invalid(where + "not a JSON object"));
  auto it = in.find("vector");
  if (it == in.end() || !it->is_string()) {
    return Dump(Invalid(where + "needs a string field \"vector\""));
  }
  return Dump(CvssToJson(it->get<std::string>()));
}

void AddCvss(CLI::App& app, int* exit_code) {
  auto opts = std::make_shared<CvssOptions>();
  CLI::App* cmd = app.add_subcommand(
      "cvss", "Parse and score a CVSS v2, v3.0, v3.1 or v4.0 vector; prints one JSON object");
  cmd->add_flag("--batch", opts->batch,
                "Read {\"vector\": \"...\"} JSON lines on stdin, write one result object each");
  cmd->add_option("vector", opts->vector,
                  "The vector, e.g. CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H");
  cmd->callback([opts, exit_code, cmd] {
    if (opts->batch) {
      if (cmd->count("vector") != 0) {
        std::fprintf(stderr, "assay cvss: give either VECTOR or --batch, not both\n");
        *exit_code = 2;
        return;
      }
      *exit_code = RunBatch();
      return;
    }
    if (cmd->count("vector") == 0) {
      std::fprintf(stderr, "assay cvss: needs a VECTOR (or --batch)\n");
      *exit_code = 2;
      return;
    }
    nlohmann::ordered_json out = CvssToJson(opts->vector);
    std::string s = Dump(out) + "\n";
    std::fwrite(s.data(), 1, s.size(), stdout);
    std::fflush(stdout);
    *exit_code = out["valid"].get<bool>() ? 0 : 2;
  });
}

}  // namespace assay::cli
