// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// Shared definitions of the advisories module.
#include "advisories/feed.h"

namespace assay::advisories {}  // namespace assay::advisories
