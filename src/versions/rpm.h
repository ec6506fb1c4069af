// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#pragma once

#include "versions/scheme.h"

namespace assay::versions {

const Scheme& RpmScheme();

}  // namespace assay::versions
