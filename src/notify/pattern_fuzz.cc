// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// EventPattern::ParseText never crashes on any bytes; an accepted pattern's ToJson parses back
// to an equal pattern with the same text, and both give the same answer on a few fixed events
// (a finding, a run, one full of arrays and nulls, and values that are not objects). Each input
// is also read as choices that build a pattern from the events' fields and every matcher, with
// operands sometimes of the wrong kind, and every fourth input is placed as raw text in string
// operands, so random bytes reach the matcher checks.
#include <array>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "notify/pattern.h"

namespace {

using assay::notify::EventPattern;
using Json = nlohmann::json;

const std::vector<Json>& Events() {
  static const std::vector<Json>* events = new std::vector<Json>{
      Json::parse(R"({"id": "evt-42", "source": "assay.findings", "detail-type": "finding.created",
        "time": "2026-11-25T06:00:00Z", "account": "acme", "resources": ["host:a"],
        "detail": {"severity": "CRITICAL", "score": 9.8, "vulnerabilityId": "CVE-2024-1",
                   "package": {"name": "openssl", "ecosystem": "Debian:12"},
                   "fixAvailable": "YES", "exploitAvailable": "NO",
                   "resourceTags": {"env": "prod"}}})"),
      Json::parse(R"({"id": "evt-43", "source": "assay.assess", "detail-type": "run.state-changed",
        "account": "acme", "detail": {"runId": "run-7", "state": "FAILED"}})"),
      Json::parse(R"({"source": ["assay.findings", 5, null], "resources": [],
        "account": null, "x": [[true], {"a": 1}],
        "detail": [{"severity": "HIGH", "score": "9.8"},
                   {"score": [0, -1, 1e9], "package": {"name": ["openssl", null]}},
                   {"resourceTags": [{"env": "PROD"}, {"env": "prod"}]}, "CRITICAL"]})"),
      Json::object(),
      Json::array({Json::object()}),
      Json("assay.findings"),
  };
  return *events;
}

void Check(const EventPattern& p) {
  const std::string text = p.ToJson();
  auto again = EventPattern::ParseText(text);
  if (!again.ok() || !(*again == p) || again->ToJson() != text) std::abort();
  for (const Json& e : Events()) {
    if (p.Matches(e) != again->Matches(e)) std::abort();
  }
}

void CheckValue(const Json& doc) {
  auto p = EventPattern::Parse(doc);
  if (p.ok()) Check(*p);
}

// Reads bytes as choices, cycling through the input (shifted on each pass) once it is used up.
class Choices {
 public:
  explicit Choices(std::string_view in) : in_(in) {}
  unsigned Next(unsigned n) {
    if (in_.empty()) return 0;
    unsigned b = static_cast<unsigned char>(in_[pos_ % in_.size()]) + pos_ / in_.size();
    ++pos_;
    return b % n;
  }

 private:
  std::string_view in_;
  std::size_t pos_ = 0;
};

class Builder {
 public:
  Builder(std::string_view in, std::string raw) : c_(in), raw_(std::move(raw)) {}

  Json Pattern(int depth) {
    Json obj = Json::object();
    unsigned fields = 1 + c_.Next(3);
    for (unsigned i = 0; i < fields; ++i) {
      static constexpr std::array<const char*, 5> kTop = {"source", "detail-type", "resources",
                                                          "account", "x"};
      static constexpr std::array<const char*, 6> kDetail = {
          "severity", "score", "fixAvailable", "package", "resourceTags", "state"};
      switch (c_.Next(5)) {
        case 0:
          if (depth < 3) {
            Json branches = Json::array();
            unsigned n = c_.Next(4);  // 0 or 1 are refused
            for (unsigned k = 0; k < n; ++k) branches.push_back(Pattern(depth + 1));
            obj["$or"] = std::move(branches);
            break;
          }
          [[fallthrough]];
        case 1:
          obj[kTop[c_.Next(kTop.size())]] = Leaf();
          break;
        default: {
          Json& detail = obj["detail"];
          if (!detail.is_object()) detail = Json::object();
          std::string name = kDetail[c_.Next(kDetail.size())];
          if (name == "package" || name == "resourceTags") {
            detail[name] = Json{{name == "package" ? "name" : "env", Leaf()}};
          } else {
            detail[name] = Leaf();
          }
          break;
        }
      }
    }
    return obj;
  }

 private:
  Json Leaf() {
    Json arr = Json::array();
    unsigned n = c_.Next(4);  // 0 is refused
    for (unsigned i = 0; i < n; ++i) arr.push_back(Matcher());
    return arr;
  }

  Json Text() {
    static constexpr std::array<const char*, 12> kTexts = {
        "assay.findings", "CRITICAL", "HIGH", "host:a", "openssl", "prod", "YES", "",
        "FAILED",         "acme",     "cve-", "Debian:"};
    if (c_.Next(4) == 0) return raw_;
    return kTexts[c_.Next(kTexts.size())];
  }

  Json Wildcard() {
    static constexpr std::array<const char*, 10> kWildcards = {
        "*", "CVE-*-1", "a**b", "a\\*", "h*:*", "\\", "*o*s*l", "*\\\\*", "", "**"};
    if (c_.Next(4) == 0) return raw_;
    return kWildcards[c_.Next(kWildcards.size())];
  }

  Json Number() {
    static constexpr std::array<double, 8> kNumbers = {9.8, 5, 0, -1, 1e9, 7.5, 9, -0.5};
    if (c_.Next(3) == 0) return static_cast<std::int64_t>(c_.Next(20)) - 5;
    return kNumbers[c_.Next(kNumbers.size())];
  }

  Json Operand() {
    switch (c_.Next(6)) {
      case 0:
        return Number();
      case 1:
        return Json::array({Text(), Text()});
      case 2:
        return nullptr;
      default:
        return Text();
    }
  }

  Json Numeric() {
    static constexpr std::array<const char*, 7> kOps = {"=", "<", "<=", ">", ">=", "=>", ""};
    Json arr = Json::array();
    unsigned n = c_.Next(6);
    for (unsigned i = 0; i < n; ++i) {
      if (i % 2 == 0) {
        arr.push_back(c_.Next(8) == 0 ? Number() : Json(kOps[c_.Next(kOps.size())]));
      } else {
        arr.push_back(c_.Next(8) == 0 ? Text() : Number());
      }
    }
    return arr;
  }

  Json AnythingBut() {
    switch (c_.Next(9)) {
      case 0:
        return Text();
      case 1:
        return Number();
      case 2:
        return Json::array({Text(), Text()});
      case 3:
        return Json::array({Number(), Number(), Number()});
      case 4:
        return Json::array({Text(), Number()});
      case 5:
        return Json{{c_.Next(2) ? "prefix" : "suffix", Operand()}};
      case 6:
        return Json{{"equals-ignore-case", c_.Next(2) ? Text() : Json::array({Text(), Text()})}};
      case 7:
        return Json{{"wildcard", c_.Next(2) ? Wildcard() : Json::array({Wildcard(), Wildcard()})}};
      default:
        return Json::array();
    }
  }

  Json Matcher() {
    switch (c_.Next(14)) {
      case 0:
        return Text();
      case 1:
        return Number();
      case 2:
        return c_.Next(3) == 0 ? Json(nullptr) : Json(c_.Next(2) == 0);
      case 3:
      case 4: {
        const char* key = c_.Next(2) ? "prefix" : "suffix";
        if (c_.Next(3) == 0) return Json{{key, Json{{"equals-ignore-case", Operand()}}}};
        return Json{{key, Operand()}};
      }
      case 5:
        return Json{{"equals-ignore-case", Operand()}};
      case 6:
        return Json{{"wildcard", Wildcard()}};
      case 7:
      case 8:
        return Json{{"numeric", Numeric()}};
      case 9:
        return Json{{"exists", c_.Next(5) == 0 ? Json("true") : Json(c_.Next(2) == 0)}};
      case 10:
      case 11:
        return Json{{"anything-but", AnythingBut()}};
      case 12:
        return Json{{"cidr", Text()}};
      default:
        return Json::object();
    }
  }

  Choices c_;
  std::string raw_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto p = EventPattern::ParseText(in);
  if (p.ok()) {
    Check(*p);
    // Text and value parsing agree.
    auto from_value = EventPattern::Parse(Json::parse(in));
    if (!from_value.ok() || !(*from_value == *p)) std::abort();
  }
  // Raw bytes, possibly not UTF-8, only every fourth input: most runs keep valid operands.
  std::string raw = size % 4 == 0 ? std::string(in) : std::string("CVE-*");
  CheckValue(Builder(in, raw).Pattern(0));
  return 0;
}
