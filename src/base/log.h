// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// Minimal leveled logging to stderr. Thread-safe (one write per line).
#pragma once

#include <fmt/format.h>

#include <string_view>

namespace assay::base {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarning = 2, kError = 3, kOff = 4 };

void SetLogLevel(LogLevel level);
LogLevel GetLogLevel();
void LogLine(LogLevel level, std::string_view message);

template <typename... Args>
void Log(LogLevel level, fmt::format_string<Args...> f, Args&&... args) {
  if (level < GetLogLevel()) return;
  LogLine(level, fmt::format(f, std::forward<Args>(args)...));
}

}  // namespace assay::base
