// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// Schedule::Parse never crashes on any text; an accepted schedule's canonical text parses back to
// an equal schedule with the same fire times; NextAfter results strictly increase; DueSince
// returns the latest fire in (last, now]. Each input is tried as is, and also read as choices
// that build a 5-field cron, a cron(...) and a rate(...), so random bytes reach the field rules.
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "assess/schedule.h"

namespace {

using assay::assess::Schedule;
using std::chrono::sys_seconds;

constexpr std::array<const char*, 5> kZones = {"UTC", "America/New_York", "Europe/Berlin",
                                               "Australia/Lord_Howe", "Asia/Kolkata"};

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

// A cron-shaped expression: each field one or two terms in the forms the grammar knows, values
// mostly in range, sometimes just outside it.
std::string Structured(std::string_view in, bool event_bridge) {
  static constexpr std::array<std::string_view, 6> kNames = {"JAN", "dec", "MON",
                                                             "fri", "Sun", "XYZ"};
  static constexpr std::array<int, 6> kHi = {59, 23, 31, 12, 7, 2199};
  static constexpr std::array<int, 6> kLo = {0, 0, 1, 1, 0, 1970};
  Choices c(in);
  auto value = [&](std::size_t field) {
    int lo = kLo[field], hi = kHi[field];
    int v = lo - 1 + static_cast<int>(c.Next(static_cast<unsigned>(hi - lo + 3)));
    return std::to_string(v);
  };
  std::string out = event_bridge ? "cron(" : "";
  std::size_t fields = event_bridge ? 6 : 5;
  // EventBridge wants exactly one "?" in day-of-month (2) or day-of-week (4); mostly give it one.
  unsigned question = event_bridge ? c.Next(5) : 4;
  for (std::size_t f = 0; f < fields; ++f) {
    if (f > 0) out += ' ';
    if ((f == 2 && question < 2) || (f == 4 && (question == 2 || question == 3))) {
      out += '?';
      continue;
    }
    unsigned terms = 1 + c.Next(2);
    for (unsigned t = 0; t < terms; ++t) {
      if (t > 0) out += ',';
      unsigned form = c.Next(14);
      if (f != 2 && f != 4 && form >= 5 && form <= 10) form = 13;  // `?`, L, W, # are day forms
      switch (form) {
        case 0:
          out += "*";
          break;
        case 1:
          out += "*/" + std::to_string(c.Next(13));
          break;
        case 2:
          out += value(f) + "-" + value(f);
          break;
        case 3:
          out += value(f) + "-" + value(f) + "/" + std::to_string(c.Next(9));
          break;
        case 4:
          out += value(f) + "/" + std::to_string(1 + c.Next(9));
          break;
        case 5:
          out += "?";
          break;
        case 6:
          out += "L";
          break;
        case 7:
          out += "LW";
          break;
        case 8:
          out += value(f) + "W";
          break;
        case 9:
          out += value(f) + "L";
          break;
        case 10:
          out += value(f) + "#" + std::to_string(c.Next(7));
          break;
        case 11:
          out += kNames[c.Next(kNames.size())];
          break;
        default:
          out += value(f);
          break;
      }
    }
  }
  return event_bridge ? out + ")" : out;
}

// 2026-03-08T06:50Z (just before New York's spring-forward) and 2026-10-25T00:10Z (inside
// Berlin's repeated hour).
const sys_seconds kStarts[] = {sys_seconds{std::chrono::seconds{1772952600}},
                               sys_seconds{std::chrono::seconds{1792887000}}};
const sys_seconds kAnchor{std::chrono::seconds{1767225600}};  // 2026-01-01T00:00Z

void Check(std::string_view text, const char* zone) {
  auto s = Schedule::Parse(text, zone, kAnchor);
  if (!s.ok()) return;
  auto again = Schedule::Parse(s->ToString(), s->zone(), s->anchor());
  if (!again.ok() || !(*again == *s) || again->ToString() != s->ToString()) std::abort();
  for (sys_seconds t : kStarts) {
    for (int i = 0; i < 4; ++i) {
      auto next = s->NextAfter(t);
      auto next_again = again->NextAfter(t);
      if (!next.ok() || !next_again.ok() || *next != *next_again) std::abort();
      if (!next->has_value()) break;
      if (**next <= t) std::abort();
      t = **next;
    }
  }
  const sys_seconds last = kStarts[0];
  const sys_seconds now = last + std::chrono::hours{24 * 40};
  auto due = s->DueSince(last, now);
  if (!due) return;
  if (*due <= last || *due > now) std::abort();
  auto after = s->NextAfter(*due);
  if (!after.ok() || (after->has_value() && **after <= now)) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  const char* zone = kZones[size % kZones.size()];
  Check(in, zone);
  Check(Structured(in, false), zone);
  Check(Structured(in, true), zone);
  Choices c(in);
  static constexpr std::array<const char*, 6> kUnits = {"minute", "minutes", "hour",
                                                        "hours",  "day",     "days"};
  Check("rate(" + std::to_string(c.Next(200)) + " " + kUnits[c.Next(kUnits.size())] + ")", zone);
  return 0;
}
