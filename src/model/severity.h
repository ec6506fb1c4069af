// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// Finding severity, as Inspector names it.
#pragma once

#include <optional>
#include <string_view>

namespace assay::model {

enum class Severity { kUntriaged = 0, kInformational, kLow, kMedium, kHigh, kCritical };

// "CRITICAL", "HIGH", ... "UNTRIAGED".
std::string_view SeverityName(Severity s);
// Case-insensitive; also accepts "NONE" (→ INFORMATIONAL) and "MODERATE"/"IMPORTANT" as used by
// distributions (→ MEDIUM/HIGH). nullopt when unknown.
std::optional<Severity> ParseSeverity(std::string_view s);

}  // namespace assay::model
