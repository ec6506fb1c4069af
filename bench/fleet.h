// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// The fleet the findings-service benchmarks (bench/rematch, bench/server) store: realistic
// inventories drawn from real package lists, the same for every run with the same seed.
//
// Pools:
//  - bases: the OS package databases of data/scan-targets (at least 10 OS packages), collected
//    with inventory::CollectInventory as `assay scan rootfs` does;
//  - lockfiles: the scan targets holding only language packages, and, when a conformance folder
//    is given, the lockfile fixtures of conformance/parsers read with inventory::CollectLockfile
//    as `assay sbom --lockfile` does (at least 3 packages each).
// Resource i (a seeded generator) is one base, uniformly chosen, in which each package is
// dropped with probability 1 % and moved to one of three newer versions (the suffix a point
// release or an ESM update would add) with probability 3 %, plus 0 to 3 lockfiles, each under
// its own srv/appN/ directory.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "findings/store.h"
#include "model/inventory.h"

namespace assay::bench {

// splitmix64: the same stream on every platform and standard library.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : s_(seed) {}
  std::uint64_t Next() {
    std::uint64_t z = (s_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  std::uint64_t Below(std::uint64_t n) { return n == 0 ? 0 : Next() % n; }
  double Unit() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  template <typename T>
  void Shuffle(std::vector<T>& v) {
    for (size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[Below(i)]);
  }

 private:
  std::uint64_t s_;
};

struct Named {
  std::string name;
  model::Inventory inv;
};

struct Pools {
  std::vector<Named> bases;      // an OS and its packages
  std::vector<Named> lockfiles;  // language packages only
};

// Exits with a message naming the folder when there is no OS base. `conformance` may be empty.
Pools LoadPools(const std::filesystem::path& data, const std::filesystem::path& conformance);

struct FleetResource {
  findings::ResourceInput input;
  model::Inventory inv;
  size_t base = 0;                // index in Pools::bases
  std::vector<size_t> lockfiles;  // indexes in Pools::lockfiles
};

struct Fleet {
  const Pools& pools;
  std::uint64_t seed;
  std::string account;

  // Resource i: id "host:fleet-NNNNNNN", tags base=<base name> and env=staging|production.
  FleetResource Make(std::int64_t i) const;
};

}  // namespace assay::bench
