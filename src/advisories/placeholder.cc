// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
// Placeholder translation unit; the advisory database lands here.
namespace assay::advisories {}
