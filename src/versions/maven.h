// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// Maven version ordering: org.apache.maven.artifact.versioning.ComparableVersion as on Maven's
// current (4.x) line, which passes every vector of Maven's own ComparableVersionTest. That
// includes MNG-7644 (".X1" reads as "-X1", so 1.0.0.X1 < 1.0.0-X2) and MNG-7714 (a qualifier
// directly followed by a number, "rc1" or "sp-1", is one combination item). Answers that only
// older releases give (maven-artifact 3.8.x: "6.1.12.rc5" < "6.1.12rc1") are not reproduced.
//
// A version is split into items: numbers, qualifier strings, "combinations" (a qualifier
// directly followed by a number, such as "rc1" or "alpha-2") and nested lists, which start at a
// '-' and at every letter/digit transition. Separators are '.' and '-'. Known qualifiers order as
// alpha (a) < beta (b) < milestone (m) < rc (cr) < snapshot < "" = ga = final = release < sp;
// unknown qualifiers sort after them in lexical order. Trailing zeros and release qualifiers are
// dropped ("1.0-ga" == "1"). Letters are case-insensitive.
//
// Validity: Maven accepts every string; this scheme rejects only the empty string (which Maven
// would read as "0") because an empty version is never meaningful in inventory or advisories.
//
// Known differences from the Java implementation, all on inputs no real artifact uses:
//   * only ASCII letters are case-folded (Java's toLowerCase also folds e.g. "É");
//   * only ASCII digits count as digits; Java treats a '-' followed by a non-ASCII decimal digit
//     (e.g. "a-٣") as a combination and throws on some such inputs;
//   * strings longer than 256 characters are accepted (Maven 4 rejects them); evaluation is
//     iterative, so length costs only linear time.
//
// Thread-safe; the returned instance is shared and lives for the whole program.
#pragma once

#include "versions/scheme.h"

namespace assay::versions {

// Name() is "maven".
const Scheme& MavenScheme();

}  // namespace assay::versions
