// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include "versions/osv_range.h"

#include <algorithm>
#include <optional>

#include "versions/npm.h"

namespace assay::versions {
namespace {

using Kind = model::OsvEvent::Kind;

std::string_view KindName(Kind k) {
  switch (k) {
    case Kind::kIntroduced: return "introduced";
    case Kind::kFixed: return "fixed";
    case Kind::kLastAffected: return "last_affected";
    case Kind::kLimit: return "limit";
  }
  return "event";
}

bool IsZero(const model::OsvEvent& e) { return e.kind == Kind::kIntroduced && e.version == "0"; }
bool IsInfinity(const model::OsvEvent& e) {
  return e.kind == Kind::kLimit && e.version.find('*') != std::string::npos;
}

// Lazily compares the installed version against event versions, remembering whether the
// installed version turned out to be invalid.
class VersionProbe {
 public:
  VersionProbe(std::string_view v, const Scheme& scheme) : v_(v), scheme_(scheme) {}

  // Compare(v, other) with errors attributed to the side that failed.
  base::Result<int> CompareTo(std::string_view other) const {
    if (!v_status_) v_status_ = scheme_.Validate(v_);
    if (!v_status_->ok()) return *v_status_;
    auto r = scheme_.Compare(v_, other);
    if (!r.ok()) return base::Status::Corruption(r.status().message());
    return *r;
  }

 private:
  std::string_view v_;
  const Scheme& scheme_;
  mutable std::optional<base::Status> v_status_;
};

bool IsSemverShaped(const Scheme& s) {
  return s.Name() == "npm" || s.Name() == "semver" || s.Name() == "go";
}

}  // namespace

base::Result<bool> RangeContains(const model::OsvRange& range, std::string_view version,
                                 const Scheme& scheme, std::string* fixed_version) {
  // Validate event versions first: an unparsable bound makes the whole range unusable.
  for (const auto& e : range.events) {
    if (IsZero(e) || IsInfinity(e)) continue;
    base::Status s = scheme.Validate(e.version);
    if (!s.ok()) {
      return base::Status::Corruption(std::string(KindName(e.kind)) + " \"" + e.version +
                                      "\" does not parse as " + std::string(scheme.Name()) +
                                      ": " + s.message());
    }
  }

  // Sort by version, ties in record order. Validation above makes Compare total here.
  std::vector<const model::OsvEvent*> events;
  events.reserve(range.events.size());
  for (const auto& e : range.events) {
    if (e.kind != Kind::kLimit) events.push_back(&e);
  }
  auto less = [&](const model::OsvEvent* a, const model::OsvEvent* b) {
    if (IsZero(*a)) return !IsZero(*b);
    if (IsZero(*b)) return false;
    auto c = scheme.Compare(a->version, b->version);
    return c.ok() && *c < 0;
  };
  std::stable_sort(events.begin(), events.end(), less);

  // An inverted range ("introduced 2, fixed 1") sorts into a dangling fix followed by an
  // introduced event that is never closed: evaluating it would widen the range to everything
  // above the introduced version, so refuse it instead.
  bool open = false;
  bool dangling_close = false;
  for (const auto* e : events) {
    if (e->kind == Kind::kIntroduced) {
      open = true;
    } else if (open) {
      open = false;
    } else {
      dangling_close = true;
    }
  }
  if (open && dangling_close) {
    return base::Status::Corruption(
        "inverted range: a fixed/last_affected event sorts before its introduced event and the "
        "range would stay open");
  }

  VersionProbe probe(version, scheme);

  // BeforeLimits: with limit events, v must be below at least one of them.
  bool has_limit = false;
  bool before_limit = false;
  for (const auto& e : range.events) {
    if (e.kind != Kind::kLimit) continue;
    has_limit = true;
    if (IsInfinity(e)) {
      before_limit = true;
      continue;
    }
    ASSAY_ASSIGN_OR_RETURN(int c, probe.CompareTo(e.version));
    if (c < 0) before_limit = true;
  }
  if (has_limit && !before_limit) return false;

  bool vulnerable = false;
  size_t i = 0;
  for (; i < events.size(); ++i) {
    const auto& e = *events[i];
    if (e.kind == Kind::kIntroduced) {
      if (IsZero(e)) {
        vulnerable = true;
        continue;
      }
      ASSAY_ASSIGN_OR_RETURN(int c, probe.CompareTo(e.version));
      if (c < 0) break;  // this and every later event sorts above v
      vulnerable = true;
    } else if (e.kind == Kind::kFixed) {
      ASSAY_ASSIGN_OR_RETURN(int c, probe.CompareTo(e.version));
      if (c < 0) break;
      vulnerable = false;
    } else if (e.kind == Kind::kLastAffected) {
      ASSAY_ASSIGN_OR_RETURN(int c, probe.CompareTo(e.version));
      if (c <= 0) break;
      vulnerable = false;
    }
  }
  if (vulnerable && fixed_version != nullptr) {
    // The first event above v closes v's interval; only a `fixed` one names a fix.
    fixed_version->clear();
    if (i < events.size() && events[i]->kind == Kind::kFixed) *fixed_version = events[i]->version;
  }
  return vulnerable;
}

base::Result<AffectedVerdict> EvaluateAffected(const model::OsvAffected& affected,
                                               std::string_view version, const Scheme& scheme) {
  AffectedVerdict verdict;
  for (const auto& listed : affected.versions) {
    bool equal = listed == version;
    if (!equal) {
      auto c = scheme.Compare(listed, version);
      equal = c.ok() && *c == 0;
    }
    if (equal) {
      verdict.affected = true;
      verdict.in_versions_list = true;
      return verdict;
    }
  }

  std::optional<base::Status> version_error;
  for (size_t r = 0; r < affected.ranges.size(); ++r) {
    const auto& range = affected.ranges[r];
    const Scheme* s = &scheme;
    if (range.type == model::OsvRange::Type::kSemver && !IsSemverShaped(scheme)) {
      // SEMVER ranges use SemVer 2.0 ordering; fall back to the ecosystem's scheme for versions
      // that are not SemVer (distributions sometimes label their ranges SEMVER).
      const Scheme& semver = SemverScheme();
      if (semver.Validate(version).ok()) s = &semver;
    } else if (range.type != model::OsvRange::Type::kEcosystem &&
               range.type != model::OsvRange::Type::kSemver) {
      continue;  // GIT (and unknown) ranges cannot be evaluated from a version string
    }
    std::string fixed;
    auto in = RangeContains(range, version, *s, &fixed);
    if (!in.ok()) {
      if (in.status().code() == base::Code::kInvalidArgument) {
        version_error = in.status();
      } else {
        verdict.problems.push_back("ranges[" + std::to_string(r) + "]: " + in.status().message());
      }
      continue;
    }
    if (*in) {
      verdict.affected = true;
      // Prefer the lowest fix across ranges that contain v (the earliest upgrade that helps).
      if (verdict.fixed_version.empty()) {
        verdict.fixed_version = fixed;
      } else if (!fixed.empty()) {
        auto c = s->Compare(fixed, verdict.fixed_version);
        if (c.ok() && *c < 0) verdict.fixed_version = fixed;
      }
    }
  }
  if (!verdict.affected && version_error) return *version_error;
  return verdict;
}

}  // namespace assay::versions
