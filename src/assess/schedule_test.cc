// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// Expected fire times were worked out independently of this code, with GNU date
// (`date -u -d 'TZ="America/New_York" 2026-03-08 06:00'`) and its calendar output.
#include "assess/schedule.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

namespace assay::assess {
namespace {

using std::chrono::sys_seconds;

// "2026-03-08T07:00Z" or "2026-03-08T07:00:30Z" (UTC).
sys_seconds Utc(const char* text) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  int n = std::sscanf(text, "%d-%d-%dT%d:%d:%dZ", &y, &mo, &d, &h, &mi, &s);
  if (n < 5) ADD_FAILURE() << "bad time literal " << text;
  auto day = std::chrono::sys_days{std::chrono::year{y} / mo / d};
  return day + std::chrono::hours{h} + std::chrono::minutes{mi} + std::chrono::seconds{s};
}

std::string Format(std::optional<sys_seconds> t) {
  if (!t) return "never";
  auto day = std::chrono::floor<std::chrono::days>(*t);
  std::chrono::year_month_day ymd{day};
  auto secs = (*t - day).count();
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02lld:%02lld:%02lldZ", int(ymd.year()),
                unsigned(ymd.month()), unsigned(ymd.day()), static_cast<long long>(secs / 3600),
                static_cast<long long>(secs / 60 % 60), static_cast<long long>(secs % 60));
  return buf;
}

TEST(ScheduleParseTest, AcceptsAndCanonicalises) {
  struct Case {
    const char* expression;
    const char* canonical;
    Schedule::Kind kind;
  };
  const Case cases[] = {
      {"*/5 * * * *", "*/5 * * * *", Schedule::Kind::kCron},
      {"  0\t 6 * * *  ", "0 6 * * *", Schedule::Kind::kCron},
      {"05 06 * jan-MAR mon-fri", "5 6 * 1-3 1-5", Schedule::Kind::kCron},
      {"*/15 0-23/2 1,15 * 7", "*/15 0-23/2 1,15 * 7", Schedule::Kind::kCron},
      {"0 0 1 1 0-7", "0 0 1 1 0-7", Schedule::Kind::kCron},
      {"5/20 * * DEC sun", "5/20 * * 12 0", Schedule::Kind::kCron},
      {"cron(0 6 * * ? *)", "cron(0 6 * * ? *)", Schedule::Kind::kEventBridgeCron},
      {"cron( 0  6 * * ? * )", "cron(0 6 * * ? *)", Schedule::Kind::kEventBridgeCron},
      {"cron(0 9 ? * MON#1 *)", "cron(0 9 ? * 2#1 *)", Schedule::Kind::kEventBridgeCron},
      {"cron(0 9 15w * ? *)", "cron(0 9 15W * ? *)", Schedule::Kind::kEventBridgeCron},
      {"cron(0 9 lw * ? *)", "cron(0 9 LW * ? *)", Schedule::Kind::kEventBridgeCron},
      {"cron(0 12 L * ? *)", "cron(0 12 L * ? *)", Schedule::Kind::kEventBridgeCron},
      {"cron(0/10 * ? * fril 2026-2030/2)", "cron(0/10 * ? * 6L 2026-2030/2)",
       Schedule::Kind::kEventBridgeCron},
      {"cron(0 0 ? * L *)", "cron(0 0 ? * 7 *)", Schedule::Kind::kEventBridgeCron},
      {"cron(15 10 ? * MON-FRI 2026,2028)", "cron(15 10 ? * 2-6 2026,2028)",
       Schedule::Kind::kEventBridgeCron},
      {"cron(0 8 1/5 JAN-jun ? *)", "cron(0 8 1/5 1-6 ? *)", Schedule::Kind::kEventBridgeCron},
      {"rate(1 minute)", "rate(1 minute)", Schedule::Kind::kRate},
      {"rate(15 minutes)", "rate(15 minutes)", Schedule::Kind::kRate},
      {"rate(01 day)", "rate(1 day)", Schedule::Kind::kRate},
      {"rate( 2  hours )", "rate(2 hours)", Schedule::Kind::kRate},
  };
  for (const Case& tc : cases) {
    SCOPED_TRACE(tc.expression);
    auto s = Schedule::Parse(tc.expression);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    EXPECT_EQ(s->ToString(), tc.canonical);
    EXPECT_EQ(s->kind(), tc.kind);
    EXPECT_EQ(s->zone(), "UTC");
    auto again = Schedule::Parse(s->ToString(), s->zone(), s->anchor());
    ASSERT_TRUE(again.ok()) << again.status().ToString();
    EXPECT_EQ(*again, *s);
  }
}

TEST(ScheduleParseTest, RejectsWithField) {
  struct Case {
    const char* expression;
    const char* zone;
    const char* message;
  };
  const Case cases[] = {
      {"", "UTC", "schedule expression is empty"},
      {"   ", "UTC", "schedule expression is empty"},
      {"0 25 * * *", "UTC", R"m(cron field 2 (hours) "25": value out of range 0-23)m"},
      {"60 * * * *", "UTC", R"m(cron field 1 (minutes) "60": value out of range 0-59)m"},
      {"0 0 0 * *", "UTC", R"m(cron field 3 (day-of-month) "0": value out of range 1-31)m"},
      {"0 0 * 13 *", "UTC", R"m(cron field 4 (month) "13": value out of range 1-12)m"},
      {"0 0 * * 8", "UTC", R"m(cron field 5 (day-of-week) "8": value out of range 0-7)m"},
      {"0 0 1,2,99 * *", "UTC", R"m(cron field 3 (day-of-month) "99": value out of range 1-31)m"},
      {"0 0 * FOO *", "UTC", R"m(cron field 4 (month) "FOO": not a number or month name)m"},
      {"0 0 * * FRIDAY", "UTC",
       R"m(cron field 5 (day-of-week) "FRIDAY": not a number or day name)m"},
      {"x * * * *", "UTC", R"m(cron field 1 (minutes) "x": not a number)m"},
      {"0 0 * * *,", "UTC", R"m(cron field 5 (day-of-week) "*,": empty list element)m"},
      {"1,,2 * * * *", "UTC", R"m(cron field 1 (minutes) "1,,2": empty list element)m"},
      {"30-10 * * * *", "UTC", R"m(cron field 1 (minutes) "30-10": range start after end)m"},
      {"*/0 * * * *", "UTC", R"m(cron field 1 (minutes) "*/0": step out of range 1-60)m"},
      {"*/x * * * *", "UTC", R"m(cron field 1 (minutes) "*/x": step is not a number)m"},
      {"1- * * * *", "UTC", R"m(cron field 1 (minutes) "1-": missing value)m"},
      {"0 6 * *", "UTC", R"m(cron expression "0 6 * *": expected 5 fields, got 4)m"},
      {"0 6 * * * *", "UTC", R"m(cron expression "0 6 * * * *": expected 5 fields, got 6)m"},
      {"0 0 ? * 1", "UTC",
       R"m(cron field 3 (day-of-month) "?": "?" is only allowed in cron(...) expressions)m"},
      {"0 0 L * *", "UTC", R"m(cron field 3 (day-of-month) "L": not a number)m"},
      {"0 0 * * 5L", "UTC", R"m(cron field 5 (day-of-week) "5L": not a number or day name)m"},
      {"0 6 * * *", "Mars/Olympus", R"m(unknown time zone "Mars/Olympus")m"},
      {"0 6 * * *", "", R"m(unknown time zone "")m"},
      {"0 6 * * *", "../../etc/passwd", R"m(unknown time zone "../../etc/passwd")m"},
      {"cron(0 6 * * ? *", "UTC",
       R"m(schedule expression "cron(0 6 * * ? *": missing closing ")")m"},
      {"cron(0 6 * * ?)", "UTC",
       R"m(cron expression "cron(0 6 * * ?)": expected 6 fields, got 5)m"},
      {"cron(0 6 * * * *)", "UTC",
       R"m(cron field 5 (day-of-week) "*": one of day-of-month and day-of-week must be "?")m"},
      {"cron(0 6 1 * MON *)", "UTC",
       R"m(cron field 5 (day-of-week) "MON": one of day-of-month and day-of-week must be "?")m"},
      {"cron(0 6 ? * ? *)", "UTC",
       R"m(cron field 5 (day-of-week) "?": day-of-month is "?" already; exactly one of the two is "?")m"},
      {"cron(? 6 * * ? *)", "UTC",
       R"m(cron field 1 (minutes) "?": "?" is only allowed in day-of-month or day-of-week)m"},
      {"cron(0 6 * * ? ?)", "UTC",
       R"m(cron field 6 (year) "?": "?" is only allowed in day-of-month or day-of-week)m"},
      {"cron(0 6 ? * 0 *)", "UTC", R"m(cron field 5 (day-of-week) "0": value out of range 1-7)m"},
      {"cron(0 6 ? * */2 *)", "UTC",
       R"m(cron field 5 (day-of-week) "*/2": "/" is not allowed here)m"},
      {"cron(0 6 * * ? 1969)", "UTC",
       R"m(cron field 6 (year) "1969": value out of range 1970-2199)m"},
      {"cron(0 6 * * ? 2200)", "UTC",
       R"m(cron field 6 (year) "2200": value out of range 1970-2199)m"},
      {"cron(0 6 1,LW * ? *)", "UTC",
       R"m(cron field 3 (day-of-month) "1,LW": "L" and "W" stand alone, as in "L", "LW" or "15W")m"},
      {"cron(0 6 32W * ? *)", "UTC",
       R"m(cron field 3 (day-of-month) "32W": value out of range 1-31)m"},
      {"cron(0 6 ? * 2#6 *)", "UTC",
       R"m(cron field 5 (day-of-week) "2#6": occurrence out of range 1-5)m"},
      {"cron(0 6 ? * 2#1,3#2 *)", "UTC",
       R"m(cron field 5 (day-of-week) "2#1,3#2": "#" stands alone, as in "2#1")m"},
      {"cron(0 6 ? * 2,6L *)", "UTC",
       R"m(cron field 5 (day-of-week) "2,6L": "L" stands alone, as in "6L")m"},
      {"cron(0 6 ? * 8L *)", "UTC", R"m(cron field 5 (day-of-week) "8L": value out of range 1-7)m"},
      {"rate(0 minutes)", "UTC",
       R"m(rate expression "rate(0 minutes)": value "0" out of range 1-1000000)m"},
      {"rate(5 minute)", "UTC",
       R"m(rate expression "rate(5 minute)": unit "minute" with value 5 must be "minutes")m"},
      {"rate(1 hours)", "UTC",
       R"m(rate expression "rate(1 hours)": unit "hours" with value 1 must be "hour")m"},
      {"rate(2 weeks)", "UTC",
       R"m(rate expression "rate(2 weeks)": unit "weeks" is not one of minute, minutes, hour, hours, day, days)m"},
      {"rate(-1 days)", "UTC", R"m(rate expression "rate(-1 days)": value "-1" is not a number)m"},
      {"rate(5)", "UTC", R"m(rate expression "rate(5)": expected "rate(value unit)")m"},
      {"rate(1 day", "UTC", R"m(schedule expression "rate(1 day": missing closing ")")m"},
  };
  for (const Case& tc : cases) {
    SCOPED_TRACE(tc.expression);
    auto s = Schedule::Parse(tc.expression, tc.zone);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.status().code(), base::Code::kInvalidArgument);
    EXPECT_EQ(s.status().message(), tc.message);
  }
  auto too_long = Schedule::Parse(std::string(1025, '1'));
  EXPECT_EQ(too_long.status().message(), "schedule expression is longer than 1024 characters");
  auto bad_anchor = Schedule::Parse("rate(1 day)", "UTC", sys_seconds{std::chrono::seconds{-1}});
  EXPECT_EQ(bad_anchor.status().message(), "rate anchor -1 is outside 1970-01-01..9999-12-31");
}

TEST(ScheduleNextAfterTest, ConsecutiveFireTimes) {
  struct Case {
    const char* name;
    const char* expression;
    const char* zone;
    const char* anchor;  // rates only
    const char* after;
    std::vector<const char*> want;  // "never" ends the schedule
  };
  const Case cases[] = {
      {"every 5 minutes",
       "*/5 * * * *",
       "UTC",
       nullptr,
       "2026-01-01T00:02:30Z",
       {"2026-01-01T00:05Z", "2026-01-01T00:10Z", "2026-01-01T00:15Z"}},
      {"every 5 minutes, from a fire time",
       "*/5 * * * *",
       "UTC",
       nullptr,
       "2026-01-01T00:05Z",
       {"2026-01-01T00:10Z", "2026-01-01T00:15Z"}},
      {"hourly at :30",
       "30 * * * *",
       "UTC",
       nullptr,
       "2026-01-01T00:30Z",
       {"2026-01-01T01:30Z", "2026-01-01T02:30Z", "2026-01-01T03:30Z"}},
      {"daily 06:00 UTC",
       "0 6 * * *",
       "UTC",
       nullptr,
       "2026-03-07T12:00Z",
       {"2026-03-08T06:00Z", "2026-03-09T06:00Z", "2026-03-10T06:00Z"}},
      {"daily 06:00 New York, spring forward",
       "0 6 * * *",
       "America/New_York",
       nullptr,
       "2026-03-06T12:00Z",
       {"2026-03-07T11:00Z", "2026-03-08T10:00Z", "2026-03-09T10:00Z"}},
      {"daily 06:00 New York, fall back",
       "0 6 * * *",
       "America/New_York",
       nullptr,
       "2026-10-30T12:00Z",
       {"2026-10-31T10:00Z", "2026-11-01T11:00Z", "2026-11-02T11:00Z"}},
      {"daily 06:00 Berlin, spring forward",
       "0 6 * * *",
       "Europe/Berlin",
       nullptr,
       "2026-03-27T12:00Z",
       {"2026-03-28T05:00Z", "2026-03-29T04:00Z", "2026-03-30T04:00Z"}},
      {"daily 06:00 Berlin, fall back",
       "0 6 * * *",
       "Europe/Berlin",
       nullptr,
       "2026-10-23T12:00Z",
       {"2026-10-24T04:00Z", "2026-10-25T05:00Z", "2026-10-26T05:00Z"}},
      {"02:30 skipped in New York fires at the gap's end",
       "30 2 * * *",
       "America/New_York",
       nullptr,
       "2026-03-06T12:00Z",
       {"2026-03-07T07:30Z", "2026-03-08T07:00Z", "2026-03-09T06:30Z"}},
      {"02:30 skipped in Berlin fires at the gap's end",
       "30 2 * * *",
       "Europe/Berlin",
       nullptr,
       "2026-03-27T12:00Z",
       {"2026-03-28T01:30Z", "2026-03-29T01:00Z", "2026-03-30T00:30Z"}},
      {"01:30 repeated in New York fires once",
       "30 1 * * *",
       "America/New_York",
       nullptr,
       "2026-10-30T12:00Z",
       {"2026-10-31T05:30Z", "2026-11-01T05:30Z", "2026-11-02T06:30Z"}},
      {"02:30 repeated in Berlin fires once",
       "30 2 * * *",
       "Europe/Berlin",
       nullptr,
       "2026-10-23T12:00Z",
       {"2026-10-24T00:30Z", "2026-10-25T00:30Z", "2026-10-26T01:30Z"}},
      {"every 5 minutes over the New York gap",
       "*/5 * * * *",
       "America/New_York",
       nullptr,
       "2026-03-08T06:50Z",
       {"2026-03-08T06:55Z", "2026-03-08T07:00Z", "2026-03-08T07:05Z"}},
      {"every 30 minutes over the New York overlap",
       "*/30 * * * *",
       "America/New_York",
       nullptr,
       "2026-11-01T05:10Z",
       {"2026-11-01T05:30Z", "2026-11-01T07:00Z", "2026-11-01T07:30Z"}},
      {"from inside the repeated hour",
       "*/30 * * * *",
       "America/New_York",
       nullptr,
       "2026-11-01T06:10Z",
       {"2026-11-01T07:00Z", "2026-11-01T07:30Z"}},
      {"Vixie OR: the 13th or a Friday",
       "0 0 13 * 5",
       "UTC",
       nullptr,
       "2026-04-01T00:00Z",
       {"2026-04-03T00:00Z", "2026-04-10T00:00Z", "2026-04-13T00:00Z", "2026-04-17T00:00Z"}},
      {"Vixie AND when a day field starts with *",
       "0 0 */10 * 5",
       "UTC",
       nullptr,
       "2026-01-01T00:00Z",
       {"2026-05-01T00:00Z", "2026-07-31T00:00Z", "2026-08-21T00:00Z"}},
      {"day-of-week 7 is Sunday",
       "0 0 * * 7",
       "UTC",
       nullptr,
       "2026-01-01T00:00Z",
       {"2026-01-04T00:00Z", "2026-01-11T00:00Z"}},
      {"names",
       "0 9 * jan-mar Mon-Fri",
       "UTC",
       nullptr,
       "2026-01-01T09:00Z",
       {"2026-01-02T09:00Z", "2026-01-05T09:00Z", "2026-01-06T09:00Z"}},
      {"Feb 29 after 2026",
       "0 0 29 2 *",
       "UTC",
       nullptr,
       "2026-01-01T00:00Z",
       {"2028-02-29T00:00Z", "2032-02-29T00:00Z", "2036-02-29T00:00Z"}},
      {"Feb 30 never", "0 0 30 2 *", "UTC", nullptr, "2026-01-01T00:00Z", {"never"}},
      {"EventBridge daily",
       "cron(0 6 * * ? *)",
       "UTC",
       nullptr,
       "2026-01-01T06:00Z",
       {"2026-01-02T06:00Z", "2026-01-03T06:00Z"}},
      {"EventBridge daily Berlin",
       "cron(0 6 * * ? *)",
       "Europe/Berlin",
       nullptr,
       "2026-03-28T12:00Z",
       {"2026-03-29T04:00Z", "2026-03-30T04:00Z"}},
      {"EventBridge last day",
       "cron(0 12 L * ? *)",
       "UTC",
       nullptr,
       "2026-01-01T00:00Z",
       {"2026-01-31T12:00Z", "2026-02-28T12:00Z", "2026-03-31T12:00Z", "2026-04-30T12:00Z"}},
      {"EventBridge last day, leap year",
       "cron(0 12 L * ? *)",
       "UTC",
       nullptr,
       "2028-02-01T00:00Z",
       {"2028-02-29T12:00Z", "2028-03-31T12:00Z"}},
      {"EventBridge first Monday",
       "cron(0 9 ? * 2#1 *)",
       "UTC",
       nullptr,
       "2026-01-01T00:00Z",
       {"2026-01-05T09:00Z", "2026-02-02T09:00Z", "2026-03-02T09:00Z", "2026-04-06T09:00Z"}},
      {"EventBridge 15W: Sundays move to Monday",
       "cron(0 9 15W * ? *)",
       "UTC",
       nullptr,
       "2026-01-20T00:00Z",
       {"2026-02-16T09:00Z", "2026-03-16T09:00Z", "2026-04-15T09:00Z"}},
      {"EventBridge 15W: Saturday moves to Friday",
       "cron(0 9 15W * ? *)",
       "UTC",
       nullptr,
       "2026-07-20T00:00Z",
       {"2026-08-14T09:00Z", "2026-09-15T09:00Z", "2026-10-15T09:00Z", "2026-11-16T09:00Z"}},
      {"EventBridge 1W on a Saturday moves to Monday 3rd",
       "cron(0 9 1W * ? *)",
       "UTC",
       nullptr,
       "2026-07-15T00:00Z",
       {"2026-08-03T09:00Z", "2026-09-01T09:00Z", "2026-10-01T09:00Z", "2026-11-02T09:00Z"}},
      {"EventBridge 31W skips short months",
       "cron(0 9 31W * ? *)",
       "UTC",
       nullptr,
       "2026-04-01T00:00Z",
       {"2026-05-29T09:00Z", "2026-07-31T09:00Z", "2026-08-31T09:00Z"}},
      {"EventBridge last weekday",
       "cron(0 9 LW * ? *)",
       "UTC",
       nullptr,
       "2026-05-01T00:00Z",
       {"2026-05-29T09:00Z", "2026-06-30T09:00Z", "2026-07-31T09:00Z"}},
      {"EventBridge last Friday",
       "cron(0 9 ? * 6L *)",
       "UTC",
       nullptr,
       "2026-01-01T00:00Z",
       {"2026-01-30T09:00Z", "2026-02-27T09:00Z", "2026-03-27T09:00Z", "2026-04-24T09:00Z"}},
      {"EventBridge L in day-of-week is Saturday",
       "cron(0 0 ? * L *)",
       "UTC",
       nullptr,
       "2026-01-01T00:00Z",
       {"2026-01-03T00:00Z", "2026-01-10T00:00Z"}},
      {"EventBridge weekdays",
       "cron(15 10 ? * MON-FRI *)",
       "UTC",
       nullptr,
       "2026-01-02T11:00Z",
       {"2026-01-05T10:15Z", "2026-01-06T10:15Z"}},
      {"EventBridge year range ends",
       "cron(0 0 1 1 ? 2027-2028)",
       "UTC",
       nullptr,
       "2026-06-01T00:00Z",
       {"2027-01-01T00:00Z", "2028-01-01T00:00Z", "never"}},
      {"EventBridge year in the past",
       "cron(0 0 1 1 ? 2020)",
       "UTC",
       nullptr,
       "2026-06-01T00:00Z",
       {"never"}},
      {"EventBridge 30W in February never",
       "cron(0 9 30W 2 ? *)",
       "UTC",
       nullptr,
       "2026-01-01T00:00Z",
       {"never"}},
      {"rate 1 day is 24 hours across DST",
       "rate(1 day)",
       "America/New_York",
       "2026-03-07T11:00Z",
       "2026-03-07T11:00Z",
       {"2026-03-08T11:00Z", "2026-03-09T11:00Z"}},
      {"rate 15 minutes starts at its anchor",
       "rate(15 minutes)",
       "UTC",
       "2026-01-01T00:07Z",
       "2026-01-01T00:00Z",
       {"2026-01-01T00:07Z", "2026-01-01T00:22Z", "2026-01-01T00:37Z"}},
      {"rate 15 minutes mid-period",
       "rate(15 minutes)",
       "UTC",
       "2026-01-01T00:07Z",
       "2026-01-02T00:00Z",
       {"2026-01-02T00:07Z", "2026-01-02T00:22Z"}},
  };
  for (const Case& tc : cases) {
    SCOPED_TRACE(tc.name);
    sys_seconds anchor = tc.anchor ? Utc(tc.anchor) : sys_seconds{};
    auto s = Schedule::Parse(tc.expression, tc.zone, anchor);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    sys_seconds t = Utc(tc.after);
    for (const char* want : tc.want) {
      auto next = s->NextAfter(t);
      ASSERT_TRUE(next.ok()) << next.status().ToString();
      ASSERT_EQ(Format(*next), std::string(want) == "never" ? "never" : Format(Utc(want)));
      if (!next->has_value()) break;
      t = **next;
    }
  }
}

TEST(ScheduleNextAfterTest, RejectsTimesOutsideDomain) {
  auto s = Schedule::Parse("0 6 * * *");
  ASSERT_TRUE(s.ok());
  auto before = s->NextAfter(sys_seconds{std::chrono::seconds{-1}});
  EXPECT_EQ(before.status().message(), "time -1 is outside 1970-01-01..9999-12-31");
  auto last = s->NextAfter(Utc("9999-12-31T12:00Z"));
  ASSERT_TRUE(last.ok());
  EXPECT_EQ(Format(*last), "10000-01-01T06:00:00Z");
}

TEST(ScheduleDueSinceTest, LatestMissedFireOnly) {
  struct Case {
    const char* name;
    const char* expression;
    const char* zone;
    const char* anchor;
    const char* last;
    const char* now;
    const char* want;  // nullptr: nothing due
  };
  const Case cases[] = {
      {"no fire yet", "0 6 * * *", "UTC", nullptr, "2026-01-01T06:00Z", "2026-01-01T12:00Z",
       nullptr},
      {"one fire", "0 6 * * *", "UTC", nullptr, "2026-01-01T06:00Z", "2026-01-02T07:00Z",
       "2026-01-02T06:00Z"},
      {"three days down: latest only", "0 6 * * *", "UTC", nullptr, "2026-01-01T06:00Z",
       "2026-01-04T05:59Z", "2026-01-03T06:00Z"},
      {"now is a fire time", "0 6 * * *", "UTC", nullptr, "2026-01-01T06:00Z", "2026-01-04T06:00Z",
       "2026-01-04T06:00Z"},
      {"now equals last", "0 6 * * *", "UTC", nullptr, "2026-01-04T06:00Z", "2026-01-04T06:00Z",
       nullptr},
      {"now before last", "0 6 * * *", "UTC", nullptr, "2026-01-04T06:00Z", "2026-01-01T06:00Z",
       nullptr},
      {"every 5 minutes, months down", "*/5 * * * *", "UTC", nullptr, "2026-01-01T00:00Z",
       "2026-06-01T12:03:20Z", "2026-06-01T12:00Z"},
      {"New York gap", "30 2 * * *", "America/New_York", nullptr, "2026-03-08T00:00Z",
       "2026-03-08T08:00Z", "2026-03-08T07:00Z"},
      {"Berlin daily over the fall back", "0 6 * * *", "Europe/Berlin", nullptr,
       "2026-10-20T00:00Z", "2026-10-26T04:59Z", "2026-10-25T05:00Z"},
      {"year range in the past", "cron(0 0 1 1 ? 2027-2028)", "UTC", nullptr, "2029-01-01T00:00Z",
       "2030-06-01T00:00Z", nullptr},
      {"year range, many missed", "cron(0 0 1 1 ? 2027-2028)", "UTC", nullptr, "2026-01-01T00:00Z",
       "2030-06-01T00:00Z", "2028-01-01T00:00Z"},
      {"rate within the first period", "rate(15 minutes)", "UTC", "2026-01-01T00:07Z",
       "2026-01-01T00:07Z", "2026-01-01T00:21:59Z", nullptr},
      {"rate at a fire", "rate(15 minutes)", "UTC", "2026-01-01T00:07Z", "2026-01-01T00:07Z",
       "2026-01-01T00:22Z", "2026-01-01T00:22Z"},
      {"rate, a day down", "rate(15 minutes)", "UTC", "2026-01-01T00:07Z", "2026-01-01T00:07Z",
       "2026-01-02T00:00Z", "2026-01-01T23:52Z"},
  };
  for (const Case& tc : cases) {
    SCOPED_TRACE(tc.name);
    sys_seconds anchor = tc.anchor ? Utc(tc.anchor) : sys_seconds{};
    auto s = Schedule::Parse(tc.expression, tc.zone, anchor);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    auto due = s->DueSince(Utc(tc.last), Utc(tc.now));
    EXPECT_EQ(Format(due), tc.want ? Format(Utc(tc.want)) : "never");
  }
}

}  // namespace
}  // namespace assay::assess
