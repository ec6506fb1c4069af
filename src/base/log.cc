// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include "base/log.h"

#include <atomic>
#include <cstdio>
#include <string>

namespace assay::base {
namespace {
std::atomic<LogLevel> g_level{LogLevel::kWarning};

const char* Prefix(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug: return "debug";
    case LogLevel::kInfo: return "info";
    case LogLevel::kWarning: return "warning";
    case LogLevel::kError: return "error";
    case LogLevel::kOff: return "";
  }
  return "";
}
}  // namespace

void SetLogLevel(LogLevel level) { g_level.store(level); }
LogLevel GetLogLevel() { return g_level.load(); }

void LogLine(LogLevel level, std::string_view message) {
  std::string line = "assay: ";
  line += Prefix(level);
  line += ": ";
  line += message;
  line += '\n';
  std::fwrite(line.data(), 1, line.size(), stderr);
}

}  // namespace assay::base
