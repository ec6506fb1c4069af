// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// Fuzz harness for ScoreCvss. Properties, checked on the raw input and on a well-formed vector
// built from the input bytes (random bytes almost never form a valid vector by themselves):
//   - no input crashes or throws;
//   - a vector that parses has every score in [0, 10], a rating matching its version's bands,
//     and re-parses to the identical result;
//   - a vector built only from valid metric values parses;
//   - v3: metric order does not matter; v4: supplemental metrics do not change the score.
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/strings.h"
#include "model/cvss.h"

namespace {

using assay::model::CvssScore;
using assay::model::CvssVersion;

void Check(bool ok) {
  if (!ok) std::abort();
}

bool InRange(std::optional<double> x) { return !x || (*x >= 0.0 && *x <= 10.0); }

bool SameScores(const CvssScore& a, const CvssScore& b) {
  return a.version == b.version && a.base == b.base && a.temporal == b.temporal &&
         a.environmental == b.environmental && a.score == b.score &&
         a.nomenclature == b.nomenclature && a.severity == b.severity;
}

// Scores `v` and checks the invariants of any accepted vector. Returns the result when accepted.
std::optional<CvssScore> CheckVector(std::string_view v) {
  auto r = assay::model::ScoreCvss(v);
  if (!r.ok()) {
    Check(!r.status().message().empty());
    return std::nullopt;
  }
  const CvssScore& s = *r;
  Check(s.vector == v);
  Check(InRange(s.score) && InRange(s.base) && InRange(s.temporal) && InRange(s.environmental));
  if (s.version == CvssVersion::kV40) {
    Check(!s.temporal && !s.environmental);
    Check(s.nomenclature.starts_with("CVSS-B"));
    Check(s.base.has_value() == (s.nomenclature == "CVSS-B"));
    Check(!s.base || *s.base == s.score);
    Check(s.severity == assay::model::CvssRating(s.version, s.score));
  } else {
    Check(s.base && s.temporal && s.environmental && s.nomenclature.empty());
    Check(s.severity == assay::model::CvssRating(s.version, *s.base));
  }
  auto again = assay::model::ScoreCvss(s.vector);
  Check(again.ok() && SameScores(*again, s));
  return s;
}

struct Metric {
  std::string_view name;
  std::string_view values;  // space-separated
  bool mandatory;
};

// clang-format off
const std::vector<Metric> kV2 = {
    {"AV", "L A N", true},        {"AC", "H M L", true},          {"Au", "M S N", true},
    {"C", "N P C", true},         {"I", "N P C", true},           {"A", "N P C", true},
    {"E", "U POC F H ND", false}, {"RL", "OF TF W U ND", false},   {"RC", "UC UR C ND", false},
    {"CDP", "N L LM MH H ND", false}, {"TD", "N L M H ND", false}, {"CR", "L M H ND", false},
    {"IR", "L M H ND", false},    {"AR", "L M H ND", false},
};
const std::vector<Metric> kV3 = {
    {"AV", "N A L P", true},  {"AC", "L H", true},        {"PR", "N L H", true},
    {"UI", "N R", true},      {"S", "U C", true},         {"C", "H L N", true},
    {"I", "H L N", true},     {"A", "H L N", true},       {"E", "X U P F H", false},
    {"RL", "X O T W U", false}, {"RC", "X U R C", false}, {"CR", "X L M H", false},
    {"IR", "X L M H", false}, {"AR", "X L M H", false},   {"MAV", "X N A L P", false},
    {"MAC", "X L H", false},  {"MPR", "X N L H", false},  {"MUI", "X N R", false},
    {"MS", "X U C", false},   {"MC", "X N L H", false},   {"MI", "X N L H", false},
    {"MA", "X N L H", false},
};
// In the mandatory v4.0 order; the last six are the supplemental metrics.
const std::vector<Metric> kV4 = {
    {"AV", "N A L P", true},   {"AC", "L H", true},         {"AT", "N P", true},
    {"PR", "N L H", true},     {"UI", "N P A", true},       {"VC", "H L N", true},
    {"VI", "H L N", true},     {"VA", "H L N", true},       {"SC", "H L N", true},
    {"SI", "H L N", true},     {"SA", "H L N", true},       {"E", "X A P U", false},
    {"CR", "X H M L", false},  {"IR", "X H M L", false},    {"AR", "X H M L", false},
    {"MAV", "X N A L P", false}, {"MAC", "X L H", false},   {"MAT", "X N P", false},
    {"MPR", "X N L H", false}, {"MUI", "X N P A", false},   {"MVC", "X H L N", false},
    {"MVI", "X H L N", false}, {"MVA", "X H L N", false},   {"MSC", "X H L N", false},
    {"MSI", "X S H L N", false}, {"MSA", "X S H L N", false}, {"S", "X N P", false},
    {"AU", "X N Y", false},    {"R", "X A U I", false},     {"V", "X D C", false},
    {"RE", "X L M H", false},  {"U", "X Clear Green Amber Red", false},
};
// clang-format on
constexpr size_t kV4Supplemental = 6;

// Reads input bytes one at a time; zeros once exhausted.
class Bytes {
 public:
  Bytes(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  unsigned Next() { return pos_ < size_ ? data_[pos_++] : 0; }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

// One component per chosen metric: mandatory metrics always, optional ones when the byte says.
std::vector<std::string> Components(const std::vector<Metric>& metrics, Bytes& in) {
  std::vector<std::string> out;
  for (const Metric& m : metrics) {
    std::vector<std::string_view> values = assay::base::Split(m.values, ' ');
    unsigned b = in.Next();
    if (!m.mandatory && b % 2 == 0) continue;
    out.push_back(std::string(m.name) + ":" + std::string(values[(b / 2) % values.size()]));
  }
  return out;
}

std::string Join(std::string_view prefix, const std::vector<std::string>& components) {
  return std::string(prefix) + assay::base::Join(components, "/");
}

// Builds valid vectors from the bytes and checks them; returns the last valid one built.
std::string CheckStructured(Bytes& in) {
  unsigned kind = in.Next() % 4;
  if (kind == 0) {
    std::string v = Join("", Components(kV2, in));
    Check(CheckVector(v).has_value());
    return v;
  }
  if (kind == 1 || kind == 2) {
    std::string prefix = kind == 1 ? "CVSS:3.0/" : "CVSS:3.1/";
    std::vector<std::string> c = Components(kV3, in);
    auto canonical = CheckVector(Join(prefix, c));
    Check(canonical.has_value());
    // A byte-driven permutation must not change anything but the vector text.
    for (size_t i = c.size(); i > 1; --i) std::swap(c[i - 1], c[in.Next() % i]);
    auto shuffled = CheckVector(Join(prefix, c));
    Check(shuffled.has_value() && SameScores(*shuffled, *canonical));
    return Join(prefix, c);
  }
  {
    std::vector<Metric> scored(kV4.begin(), kV4.end() - kV4Supplemental);
    std::vector<Metric> supplemental(kV4.end() - kV4Supplemental, kV4.end());
    std::vector<std::string> c = Components(scored, in);
    auto plain = CheckVector(Join("CVSS:4.0/", c));
    Check(plain.has_value());
    for (std::string& s : Components(supplemental, in)) c.push_back(std::move(s));
    auto with_supplemental = CheckVector(Join("CVSS:4.0/", c));
    Check(with_supplemental.has_value() && SameScores(*with_supplemental, *plain));
    std::string valid = Join("CVSS:4.0/", c);
    // Swapping two adjacent metrics breaks the mandatory order.
    size_t i = in.Next() % (c.size() - 1);
    std::swap(c[i], c[i + 1]);
    Check(!CheckVector(Join("CVSS:4.0/", c)).has_value());
    return valid;
  }
}

// A few byte-driven edits (overwrite, delete, insert) of a valid vector, to reach the checks
// behind the prefix; only "no crash and invariants hold" is expected of the result.
void CheckMutated(std::string v, Bytes& in) {
  static constexpr char kAlphabet[] = "/:ACHILMNPRSUXacx0123456789.() \t\0";  // embedded NUL
  constexpr size_t kAlphabetSize = sizeof(kAlphabet) - 1;
  for (unsigned edits = in.Next() % 4; edits > 0 && !v.empty(); --edits) {
    size_t pos = in.Next() % v.size();
    char c = kAlphabet[in.Next() % kAlphabetSize];
    switch (in.Next() % 3) {
      case 0:
        v[pos] = c;
        break;
      case 1:
        v.erase(pos, 1);
        break;
      default:
        v.insert(pos, 1, c);
        break;
    }
  }
  CheckVector(v);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  CheckVector(std::string_view(reinterpret_cast<const char*>(data), size));
  Bytes in(data, size);
  std::string valid = CheckStructured(in);
  CheckMutated(std::move(valid), in);
  return 0;
}
