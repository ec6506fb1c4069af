// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// When a recurring assessment runs. A Schedule is parsed from one of three expression forms and
// evaluated in an IANA time zone (default "UTC"):
//
//   5-field cron   "minute hour day-of-month month day-of-week", as Vixie cron and cronie read
//                  it: `*`, lists `a,b`, ranges `a-b`, steps `*/n`, `a-b/n` and `a/n` (a to the
//                  field's maximum), month names JAN-DEC and day names SUN-SAT in any case,
//                  day-of-week 0-7 with 0 and 7 both Sunday. A field counts as unrestricted when
//                  its text starts with `*` (so `*/2` too); when neither day-of-month nor
//                  day-of-week is, a day matches if EITHER matches (`0 0 13 * 5` fires on every
//                  13th and every Friday), otherwise both must match.
//   EventBridge    "cron(Minutes Hours Day-of-month Month Day-of-week Year)", as AWS EventBridge
//                  documents it: six fields, exactly one of day-of-month and day-of-week is `?`
//                  (the other alone selects days), day-of-week 1-7 = SUN-SAT, year 1970-2199.
//                  Day-of-month takes `, - * / L W`: `L` (last day), `LW` (last weekday), `15W`
//                  (the weekday nearest the 15th, never crossing into another month; `31W` skips
//                  months without a 31st). Day-of-week takes `, - * L #` (no `/`): `L`
//                  alone is Saturday, `6L` the last Friday of the month, `2#1` the first
//                  Monday. `L`, `W` and `#` forms stand alone in their field.
//   rate           "rate(N unit)", unit minute|minutes|hour|hours|day|days, singular exactly
//                  when N = 1, 1 <= N <= 1000000. Fires at anchor + k * period, k >= 0,
//                  where the anchor is the schedule's start (its creation time). A day is 24
//                  hours of elapsed time: rates ignore the zone and its DST changes.
//
// Cron fields are wall-clock times in the schedule's zone. Daylight saving time:
//   - A wall time skipped by a spring-forward gap fires once, at the first instant after the
//     gap (02:30 on 2026-03-08 in America/New_York fires at 03:00 EDT = 07:00Z), as cronie runs
//     fixed-time jobs of the skipped hour right after the change. Several matching wall times in
//     one gap still fire once.
//   - A wall time repeated by a fall-back overlap fires once, at its first occurrence (01:30 on
//     2026-11-01 in America/New_York fires at 01:30 EDT = 05:30Z, not again at 01:30 EST).
//     So a schedule firing several times an hour is silent during the second pass of the
//     repeated hour.
// The zone rules come from the system's zoneinfo files (tzdata) through Howard Hinnant's date/tz
// library, which reads their explicit transitions only: past the last one (2037 in Debian's
// files) the offset in force then is kept and DST is no longer applied.
//
// Schedule is an immutable value; all methods are const and thread-safe.
#pragma once

#include <bitset>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"

namespace date {
class time_zone;
}  // namespace date

namespace assay::assess {

class Schedule {
 public:
  enum class Kind { kCron, kEventBridgeCron, kRate };

  // Parses `expression` (surrounding whitespace ignored; cron fields separated by runs of spaces
  // or tabs). `zone` is an IANA zone name; `anchor` is where a rate starts counting (ignored by
  // cron schedules; for rates it must lie in 1970..9999). Errors are InvalidArgument naming the
  // field and the offending text, e.g. `cron field 2 (hours) "25": value out of range 0-23`, or
  // the unknown zone.
  static base::Result<Schedule> Parse(std::string_view expression, std::string_view zone = "UTC",
                                      std::chrono::sys_seconds anchor = {});

  // The first fire time strictly after `t`, or nullopt when the schedule never fires again (a
  // year range in the past, Feb 30). 5-field cron looks 400 years ahead (one whole Gregorian
  // cycle, after which the calendar repeats, so nullopt really means never); EventBridge cron up
  // to its year field's end (2199). Fails only for `t` outside 1970-01-01..9999-12-31 (UTC) or an
  // unreadable zone file.
  base::Result<std::optional<std::chrono::sys_seconds>> NextAfter(std::chrono::sys_seconds t) const;

  // The latest fire time in (last_fire_or_created, now], or nullopt when there is none: after a
  // downtime a daily schedule runs once, not once per missed day. Needs O(log(now - last))
  // NextAfter calls. nullopt also when NextAfter fails.
  std::optional<std::chrono::sys_seconds> DueSince(std::chrono::sys_seconds last_fire_or_created,
                                                   std::chrono::sys_seconds now) const;

  // Canonical expression: single spaces, numbers without leading zeros, names as numbers,
  // "rate(N unit)" as entered. Parse(s.ToString(), s.zone(), s.anchor()) == s.
  std::string ToString() const { return text_; }

  Kind kind() const { return kind_; }
  const std::string& zone() const { return zone_name_; }
  std::chrono::sys_seconds anchor() const { return anchor_; }
  // The period of a rate schedule; zero for cron.
  std::chrono::seconds period() const { return period_; }

  // Same kind, canonical text and zone, and for rates the same anchor.
  friend bool operator==(const Schedule& a, const Schedule& b);

 private:
  // Allowed values of one cron field: bit v for value v (years: bit year - 1970).
  using Bits = std::bitset<256>;

  enum class DomRule : std::uint8_t {
    kBits,            // day-of-month values in dom_
    kAny,             // `?` (EventBridge) : day-of-week alone decides
    kLast,            // L
    kLastWeekday,     // LW
    kNearestWeekday,  // nW, n in dom_arg_
  };
  enum class DowRule : std::uint8_t {
    kBits,         // weekdays in dow_ (0 = Sunday)
    kAny,          // `?` (EventBridge): day-of-month alone decides
    kLastInMonth,  // nL: the last weekday dow_arg_ of the month
    kNth,          // n#k: occurrence dow_nth_ of weekday dow_arg_
  };

  struct Civil {
    int year, month, day, hour, minute;
  };

  Schedule() = default;

  bool DayMatches(int year, int month, int day) const;
  std::optional<Civil> NextLocalMatch(Civil from, int last_year) const;

  friend class ScheduleParser;

  Kind kind_ = Kind::kCron;
  std::string text_;
  std::string zone_name_ = "UTC";
  const date::time_zone* zone_ = nullptr;
  std::chrono::sys_seconds anchor_{};
  std::chrono::seconds period_{0};

  Bits minute_, hour_, dom_, month_, dow_, year_;
  bool dom_star_ = false, dow_star_ = false;  // text starts with `*` (5-field cron OR rule)
  DomRule dom_rule_ = DomRule::kBits;
  DowRule dow_rule_ = DowRule::kBits;
  int dom_arg_ = 0, dow_arg_ = 0, dow_nth_ = 0;
};

}  // namespace assay::assess
