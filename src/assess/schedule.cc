// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include "assess/schedule.h"

#include <date/date.h>
#include <date/tz.h>

#include <algorithm>
#include <array>
#include <exception>
#include <string>
#include <vector>

namespace assay::assess {
namespace {

using std::chrono::sys_seconds;

constexpr std::size_t kMaxExpressionLength = 1024;
constexpr std::size_t kMaxZoneNameLength = 64;
constexpr int kFirstYear = 1970;  // EventBridge year field
constexpr int kLastYear = 2199;
constexpr int kMaxYear = 9999;  // NextAfter's domain and rate anchors: 1970..9999
// A Gregorian calendar repeats after 400 years (146097 days, a whole number of weeks), so a
// 5-field cron that matches nothing in 400 years never matches.
constexpr int kCronSearchYears = 400;
// Candidates skipped because they resolve to or before `t` (only inside a fall-back overlap,
// at most a few hours of minutes); a guard, never reached for real zones.
constexpr int kMaxSkippedCandidates = 100000;
constexpr std::int64_t kMaxRateValue = 1000000;

const sys_seconds kMinTime = date::sys_days{date::year{kFirstYear} / 1 / 1};
const sys_seconds kMaxTime = date::sys_days{date::year{kMaxYear} / 12 / 31} +
                             std::chrono::hours{23} + std::chrono::minutes{59} +
                             std::chrono::seconds{59};

constexpr std::array<std::string_view, 12> kMonthNames = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                                          "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
constexpr std::array<std::string_view, 7> kDayNames = {"SUN", "MON", "TUE", "WED",
                                                       "THU", "FRI", "SAT"};

enum class Names { kNone, kMonths, kDays };

// One cron field as the grammar sees it.
struct FieldDef {
  int number;  // 1-based position, for messages
  std::string_view name;
  int lo, hi;
  Names names;
  int first_name_value;  // value of JAN / SUN
};

constexpr FieldDef kMinutes{1, "minutes", 0, 59, Names::kNone, 0};
constexpr FieldDef kHours{2, "hours", 0, 23, Names::kNone, 0};
constexpr FieldDef kDayOfMonth{3, "day-of-month", 1, 31, Names::kNone, 0};
constexpr FieldDef kMonth{4, "month", 1, 12, Names::kMonths, 1};
constexpr FieldDef kCronDayOfWeek{5, "day-of-week", 0, 7, Names::kDays, 0};
constexpr FieldDef kAwsDayOfWeek{5, "day-of-week", 1, 7, Names::kDays, 1};
constexpr FieldDef kYear{6, "year", kFirstYear, kLastYear, Names::kNone, 0};

bool IsSpace(char c) { return c == ' ' || c == '\t'; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (IsSpace(s.front()) || s.front() == '\n' || s.front() == '\r')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (IsSpace(s.back()) || s.back() == '\n' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

std::vector<std::string_view> SplitSpaces(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && IsSpace(s[i])) ++i;
    std::size_t j = i;
    while (j < s.size() && !IsSpace(s[j])) ++j;
    if (j > i) out.push_back(s.substr(i, j - i));
    i = j;
  }
  return out;
}

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  for (;;) {
    std::size_t pos = s.find(sep, start);
    if (pos == std::string_view::npos) {
      out.push_back(s.substr(start));
      return out;
    }
    out.push_back(s.substr(start, pos - start));
    start = pos + 1;
  }
}

char Upper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }

bool EqualsUpper(std::string_view s, std::string_view upper) {
  if (s.size() != upper.size()) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (Upper(s[i]) != upper[i]) return false;
  }
  return true;
}

bool HasAnyOf(std::string_view s, std::string_view chars) {
  for (char c : s) {
    if (chars.find(Upper(c)) != std::string_view::npos) return true;
  }
  return false;
}

// Decimal digits only, at most 9 of them; nullopt otherwise.
std::optional<std::int64_t> ParseDigits(std::string_view s) {
  if (s.empty() || s.size() > 9) return std::nullopt;
  std::int64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

base::Status FieldError(const FieldDef& f, std::string_view text, std::string_view what) {
  return base::Status::InvalidArgument("cron field " + std::to_string(f.number) + " (" +
                                       std::string(f.name) + ") \"" + std::string(text) +
                                       "\": " + std::string(what));
}

std::string RangeText(int lo, int hi) { return std::to_string(lo) + "-" + std::to_string(hi); }

// A number or (where the field has them) a month or day name.
base::Result<int> ParseValue(const FieldDef& f, std::string_view term, std::string_view token) {
  if (token.empty()) return FieldError(f, term, "missing value");
  if (AllDigits(token)) {
    auto v = ParseDigits(token);
    if (!v || *v < f.lo || *v > f.hi) {
      return FieldError(f, term, "value out of range " + RangeText(f.lo, f.hi));
    }
    return static_cast<int>(*v);
  }
  if (f.names == Names::kMonths) {
    for (std::size_t i = 0; i < kMonthNames.size(); ++i) {
      if (EqualsUpper(token, kMonthNames[i])) return f.first_name_value + static_cast<int>(i);
    }
    return FieldError(f, term, "not a number or month name");
  }
  if (f.names == Names::kDays) {
    for (std::size_t i = 0; i < kDayNames.size(); ++i) {
      if (EqualsUpper(token, kDayNames[i])) return f.first_name_value + static_cast<int>(i);
    }
    return FieldError(f, term, "not a number or day name");
  }
  return FieldError(f, term, "not a number");
}

struct ParsedField {
  std::bitset<256> bits;  // bit v - f.lo for value v
  std::string text;       // canonical
  bool star = false;      // text starts with `*`
};

// `*`, `*/n`, `a`, `a-b`, `a-b/n`, `a/n`, comma-separated.
base::Result<ParsedField> ParseList(const FieldDef& f, std::string_view field) {
  ParsedField out;
  out.star = !field.empty() && field.front() == '*';
  for (std::string_view term : Split(field, ',')) {
    if (term.empty()) return FieldError(f, field, "empty list element");
    std::string_view base = term;
    int step = 1;
    bool has_step = false;
    if (std::size_t slash = term.find('/'); slash != std::string_view::npos) {
      base = term.substr(0, slash);
      std::string_view step_text = term.substr(slash + 1);
      int width = f.hi - f.lo + 1;
      if (!AllDigits(step_text)) return FieldError(f, term, "step is not a number");
      auto s = ParseDigits(step_text);
      if (!s || *s < 1 || *s > width) {
        return FieldError(f, term, "step out of range " + RangeText(1, width));
      }
      step = static_cast<int>(*s);
      has_step = true;
    }
    int lo = 0, hi = 0;
    std::string canonical;
    if (base == "*") {
      lo = f.lo;
      hi = f.hi;
      canonical = "*";
    } else if (std::size_t dash = base.find('-'); dash != std::string_view::npos) {
      ASSAY_ASSIGN_OR_RETURN(lo, ParseValue(f, term, base.substr(0, dash)));
      ASSAY_ASSIGN_OR_RETURN(hi, ParseValue(f, term, base.substr(dash + 1)));
      if (lo > hi) return FieldError(f, term, "range start after end");
      canonical = std::to_string(lo) + "-" + std::to_string(hi);
    } else {
      ASSAY_ASSIGN_OR_RETURN(lo, ParseValue(f, term, base));
      hi = has_step ? f.hi : lo;  // `a/n`: from a to the field's maximum
      canonical = std::to_string(lo);
    }
    if (has_step) canonical += "/" + std::to_string(step);
    for (int v = lo; v <= hi; v += step) out.bits.set(static_cast<std::size_t>(v - f.lo));
    if (!out.text.empty()) out.text += ',';
    out.text += canonical;
  }
  return out;
}

std::string Quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }

int DaysInMonth(int year, int month) {
  return static_cast<int>(static_cast<unsigned>(
      (date::year{year} / date::month{static_cast<unsigned>(month)} / date::last).day()));
}

// 0 = Sunday.
int Weekday(int year, int month, int day) {
  return static_cast<int>(
      date::weekday{date::sys_days{date::year{year} / static_cast<int>(month) / day}}.c_encoding());
}

int LastWeekdayOfMonth(int year, int month) {
  int last = DaysInMonth(year, month);
  switch (Weekday(year, month, last)) {
    case 6:
      return last - 1;
    case 0:
      return last - 2;
    default:
      return last;
  }
}

// The weekday nearest day n without leaving the month; 0 when the month has no day n.
int NearestWeekday(int year, int month, int n) {
  int last = DaysInMonth(year, month);
  if (n > last) return 0;
  switch (Weekday(year, month, n)) {
    case 6:  // Saturday: the Friday before, or the Monday after when n is the 1st
      return n == 1 ? 3 : n - 1;
    case 0:  // Sunday: the Monday after, or the Friday before when n is the last day
      return n == last ? n - 2 : n + 1;
    default:
      return n;
  }
}

}  // namespace

// Builds Schedules; a friend of Schedule so the parsed fields can be stored directly.
class ScheduleParser {
 public:
  static base::Result<Schedule> Parse(std::string_view expression, std::string_view zone,
                                      sys_seconds anchor) {
    std::string_view text = Trim(expression);
    if (text.empty()) return base::Status::InvalidArgument("schedule expression is empty");
    if (text.size() > kMaxExpressionLength) {
      return base::Status::InvalidArgument("schedule expression is longer than " +
                                           std::to_string(kMaxExpressionLength) + " characters");
    }
    Schedule s;
    s.anchor_ = anchor;
    ASSAY_RETURN_IF_ERROR(SetZone(s, zone));
    if (text.starts_with("cron(") || text.starts_with("rate(")) {
      if (text.back() != ')') {
        return base::Status::InvalidArgument("schedule expression " + Quoted(text) +
                                             ": missing closing \")\"");
      }
      std::string_view inner = Trim(text.substr(5, text.size() - 6));
      if (text.starts_with("rate(")) {
        ASSAY_RETURN_IF_ERROR(ParseRate(s, text, inner));
      } else {
        ASSAY_RETURN_IF_ERROR(ParseEventBridgeCron(s, text, inner));
      }
    } else {
      ASSAY_RETURN_IF_ERROR(ParseCron(s, text));
    }
    return s;
  }

 private:
  static base::Status SetZone(Schedule& s, std::string_view zone) {
    auto unknown = base::Status::InvalidArgument("unknown time zone " + Quoted(zone));
    // Only names the tz database can hold; nothing that walks out of its directory.
    if (zone.empty() || zone.size() > kMaxZoneNameLength || zone.find("..") != zone.npos ||
        zone.front() == '/') {
      return unknown;
    }
    for (char c : zone) {
      bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                c == '/' || c == '_' || c == '-' || c == '+' || c == '.';
      if (!ok) return unknown;
    }
    try {
      const date::time_zone* z = date::locate_zone(std::string(zone));
      (void)z->get_info(kMinTime);  // loads the zone file now, so evaluation cannot fail later
      s.zone_ = z;
      s.zone_name_ = std::string(zone);
    } catch (const std::exception&) {
      return unknown;
    }
    return base::Status::Ok();
  }

  static base::Status ParseRate(Schedule& s, std::string_view text, std::string_view inner) {
    auto error = [&](const std::string& what) {
      return base::Status::InvalidArgument("rate expression " + Quoted(text) + ": " + what);
    };
    std::vector<std::string_view> parts = SplitSpaces(inner);
    if (parts.size() != 2) return error("expected \"rate(value unit)\"");
    if (!AllDigits(parts[0])) return error("value " + Quoted(parts[0]) + " is not a number");
    auto value = ParseDigits(parts[0]);
    if (!value || *value < 1 || *value > kMaxRateValue) {
      return error("value " + Quoted(parts[0]) + " out of range 1-" +
                   std::to_string(kMaxRateValue));
    }
    struct Unit {
      std::string_view singular, plural;
      std::int64_t seconds;
    };
    static constexpr std::array<Unit, 3> kUnits = {
        Unit{"minute", "minutes", 60}, Unit{"hour", "hours", 3600}, Unit{"day", "days", 86400}};
    std::string_view unit = parts[1];
    for (const Unit& u : kUnits) {
      if (unit != u.singular && unit != u.plural) continue;
      if (*value == 1 && unit != u.singular) {
        return error("unit " + Quoted(unit) + " with value 1 must be " + Quoted(u.singular));
      }
      if (*value != 1 && unit != u.plural) {
        return error("unit " + Quoted(unit) + " with value " + std::to_string(*value) +
                     " must be " + Quoted(u.plural));
      }
      if (s.anchor_ < kMinTime || s.anchor_ > kMaxTime) {
        return base::Status::InvalidArgument("rate anchor " +
                                             std::to_string(s.anchor_.time_since_epoch().count()) +
                                             " is outside 1970-01-01..9999-12-31");
      }
      s.kind_ = Schedule::Kind::kRate;
      s.period_ = std::chrono::seconds{*value * u.seconds};
      s.text_ = "rate(" + std::to_string(*value) + " " + std::string(unit) + ")";
      return base::Status::Ok();
    }
    return error("unit " + Quoted(unit) + " is not one of minute, minutes, hour, hours, day, days");
  }

  // Shifts parsed bits (bit v - lo) to the schedule's layout (bit v), optionally mapping values.
  static Schedule::Bits Place(const ParsedField& p, const FieldDef& f) {
    Schedule::Bits out;
    for (int v = f.lo; v <= f.hi; ++v) {
      if (p.bits[static_cast<std::size_t>(v - f.lo)]) out.set(static_cast<std::size_t>(v));
    }
    return out;
  }

  static base::Status ParseCommonFields(Schedule& s, const std::vector<std::string_view>& fields,
                                        std::vector<std::string>& canonical) {
    for (const FieldDef* f : {&kMinutes, &kHours, &kMonth}) {
      std::string_view field = fields[static_cast<std::size_t>(f->number - 1)];
      if (field.find('?') != field.npos) {
        return FieldError(*f, field,
                          s.kind_ == Schedule::Kind::kEventBridgeCron
                              ? "\"?\" is only allowed in day-of-month or day-of-week"
                              : "\"?\" is only allowed in cron(...) expressions");
      }
      ASSAY_ASSIGN_OR_RETURN(ParsedField p, ParseList(*f, field));
      Schedule::Bits bits = Place(p, *f);
      if (f == &kMinutes) s.minute_ = bits;
      if (f == &kHours) s.hour_ = bits;
      if (f == &kMonth) s.month_ = bits;
      canonical[static_cast<std::size_t>(f->number - 1)] = p.text;
    }
    return base::Status::Ok();
  }

  static base::Status ParseCron(Schedule& s, std::string_view text) {
    std::vector<std::string_view> fields = SplitSpaces(text);
    if (fields.size() != 5) {
      return base::Status::InvalidArgument("cron expression " + Quoted(text) +
                                           ": expected 5 fields, got " +
                                           std::to_string(fields.size()));
    }
    s.kind_ = Schedule::Kind::kCron;
    std::vector<std::string> canonical(5);
    ASSAY_RETURN_IF_ERROR(ParseCommonFields(s, fields, canonical));
    for (const FieldDef* f : {&kDayOfMonth, &kCronDayOfWeek}) {
      std::string_view field = fields[static_cast<std::size_t>(f->number - 1)];
      if (field.find('?') != field.npos) {
        return FieldError(*f, field, "\"?\" is only allowed in cron(...) expressions");
      }
      ASSAY_ASSIGN_OR_RETURN(ParsedField p, ParseList(*f, field));
      canonical[static_cast<std::size_t>(f->number - 1)] = p.text;
      if (f == &kDayOfMonth) {
        s.dom_ = Place(p, *f);
        s.dom_star_ = p.star;
      } else {
        s.dow_ = Place(p, *f);
        if (s.dow_[7]) s.dow_.set(0);  // 7 is Sunday too
        s.dow_.reset(7);
        s.dow_star_ = p.star;
      }
    }
    s.text_ = canonical[0];
    for (std::size_t i = 1; i < canonical.size(); ++i) s.text_ += " " + canonical[i];
    return base::Status::Ok();
  }

  static base::Status ParseEventBridgeDayOfMonth(Schedule& s, std::string_view field,
                                                 std::string& canonical) {
    const FieldDef& f = kDayOfMonth;
    if (field == "?") {
      s.dom_rule_ = Schedule::DomRule::kAny;
      canonical = "?";
      return base::Status::Ok();
    }
    if (EqualsUpper(field, "L")) {
      s.dom_rule_ = Schedule::DomRule::kLast;
      canonical = "L";
      return base::Status::Ok();
    }
    if (EqualsUpper(field, "LW")) {
      s.dom_rule_ = Schedule::DomRule::kLastWeekday;
      canonical = "LW";
      return base::Status::Ok();
    }
    if (field.size() >= 2 && Upper(field.back()) == 'W' &&
        AllDigits(field.substr(0, field.size() - 1))) {
      ASSAY_ASSIGN_OR_RETURN(int n, ParseValue(f, field, field.substr(0, field.size() - 1)));
      s.dom_rule_ = Schedule::DomRule::kNearestWeekday;
      s.dom_arg_ = n;
      canonical = std::to_string(n) + "W";
      return base::Status::Ok();
    }
    if (HasAnyOf(field, "LW")) {
      return FieldError(f, field, "\"L\" and \"W\" stand alone, as in \"L\", \"LW\" or \"15W\"");
    }
    if (field.find('?') != field.npos) {
      return FieldError(f, field, "\"?\" stands alone in its field");
    }
    ASSAY_ASSIGN_OR_RETURN(ParsedField p, ParseList(f, field));
    s.dom_rule_ = Schedule::DomRule::kBits;
    s.dom_ = Place(p, f);
    canonical = p.text;
    return base::Status::Ok();
  }

  static base::Status ParseEventBridgeDayOfWeek(Schedule& s, std::string_view field,
                                                std::string& canonical) {
    const FieldDef& f = kAwsDayOfWeek;
    if (field == "?") {
      s.dow_rule_ = Schedule::DowRule::kAny;
      canonical = "?";
      return base::Status::Ok();
    }
    if (field.find('/') != field.npos) return FieldError(f, field, "\"/\" is not allowed here");
    if (field.find('?') != field.npos) {
      return FieldError(f, field, "\"?\" stands alone in its field");
    }
    if (std::size_t hash = field.find('#'); hash != field.npos) {
      std::string_view day = field.substr(0, hash), nth = field.substr(hash + 1);
      if (field.find(',') != field.npos || field.find('-') != field.npos ||
          nth.find('#') != nth.npos) {
        return FieldError(f, field, "\"#\" stands alone, as in \"2#1\"");
      }
      ASSAY_ASSIGN_OR_RETURN(int wd, ParseValue(f, field, day));
      auto k = AllDigits(nth) ? ParseDigits(nth) : std::nullopt;
      if (!k || *k < 1 || *k > 5) return FieldError(f, field, "occurrence out of range 1-5");
      s.dow_rule_ = Schedule::DowRule::kNth;
      s.dow_arg_ = wd - 1;
      s.dow_nth_ = static_cast<int>(*k);
      canonical = std::to_string(wd) + "#" + std::to_string(*k);
      return base::Status::Ok();
    }
    if (EqualsUpper(field, "L")) {  // the last day of the week: Saturday
      s.dow_rule_ = Schedule::DowRule::kBits;
      s.dow_.set(6);
      canonical = "7";
      return base::Status::Ok();
    }
    if (field.size() >= 2 && Upper(field.back()) == 'L' && field.find(',') == field.npos &&
        field.find('-') == field.npos) {
      ASSAY_ASSIGN_OR_RETURN(int wd, ParseValue(f, field, field.substr(0, field.size() - 1)));
      s.dow_rule_ = Schedule::DowRule::kLastInMonth;
      s.dow_arg_ = wd - 1;
      canonical = std::to_string(wd) + "L";
      return base::Status::Ok();
    }
    if (HasAnyOf(field, "L")) return FieldError(f, field, "\"L\" stands alone, as in \"6L\"");
    ASSAY_ASSIGN_OR_RETURN(ParsedField p, ParseList(f, field));
    s.dow_rule_ = Schedule::DowRule::kBits;
    for (int v = 1; v <= 7; ++v) {  // 1 = Sunday .. 7 = Saturday
      if (p.bits[static_cast<std::size_t>(v - f.lo)]) s.dow_.set(static_cast<std::size_t>(v - 1));
    }
    canonical = p.text;
    return base::Status::Ok();
  }

  static base::Status ParseEventBridgeCron(Schedule& s, std::string_view text,
                                           std::string_view inner) {
    std::vector<std::string_view> fields = SplitSpaces(inner);
    if (fields.size() != 6) {
      return base::Status::InvalidArgument("cron expression " + Quoted(text) +
                                           ": expected 6 fields, got " +
                                           std::to_string(fields.size()));
    }
    s.kind_ = Schedule::Kind::kEventBridgeCron;
    std::vector<std::string> canonical(6);
    ASSAY_RETURN_IF_ERROR(ParseCommonFields(s, fields, canonical));
    ASSAY_RETURN_IF_ERROR(ParseEventBridgeDayOfMonth(s, fields[2], canonical[2]));
    ASSAY_RETURN_IF_ERROR(ParseEventBridgeDayOfWeek(s, fields[4], canonical[4]));
    bool dom_any = s.dom_rule_ == Schedule::DomRule::kAny;
    bool dow_any = s.dow_rule_ == Schedule::DowRule::kAny;
    if (dom_any && dow_any) {
      return FieldError(kAwsDayOfWeek, fields[4],
                        "day-of-month is \"?\" already; exactly one of the two is \"?\"");
    }
    if (!dom_any && !dow_any) {
      return FieldError(kAwsDayOfWeek, fields[4],
                        "one of day-of-month and day-of-week must be \"?\"");
    }
    std::string_view year = fields[5];
    if (year.find('?') != year.npos) {
      return FieldError(kYear, year, "\"?\" is only allowed in day-of-month or day-of-week");
    }
    ASSAY_ASSIGN_OR_RETURN(ParsedField p, ParseList(kYear, year));
    s.year_ = p.bits;  // bit y - 1970
    canonical[5] = p.text;
    s.text_ = "cron(" + canonical[0];
    for (std::size_t i = 1; i < canonical.size(); ++i) s.text_ += " " + canonical[i];
    s.text_ += ")";
    return base::Status::Ok();
  }
};

namespace {

date::local_seconds ToLocalSeconds(int year, int month, int day, int hour, int minute) {
  return date::local_days{date::year{year} / month / day} + std::chrono::hours{hour} +
         std::chrono::minutes{minute};
}

// The instant a wall time in `zone` stands for: the first occurrence of a repeated wall time,
// the end of the gap for a skipped one.
sys_seconds Resolve(const date::time_zone* zone, date::local_seconds local) {
  date::local_info info = zone->get_info(local);
  if (info.result == date::local_info::nonexistent) return info.first.end;
  return sys_seconds{local.time_since_epoch()} - info.first.offset;
}

}  // namespace

base::Result<Schedule> Schedule::Parse(std::string_view expression, std::string_view zone,
                                       std::chrono::sys_seconds anchor) {
  return ScheduleParser::Parse(expression, zone, anchor);
}

bool operator==(const Schedule& a, const Schedule& b) {
  return a.kind_ == b.kind_ && a.text_ == b.text_ && a.zone_name_ == b.zone_name_ &&
         (a.kind_ != Schedule::Kind::kRate || a.anchor_ == b.anchor_);
}

bool Schedule::DayMatches(int year, int month, int day) const {
  auto dom_ok = [&] {
    switch (dom_rule_) {
      case DomRule::kBits:
        return dom_[static_cast<std::size_t>(day)];
      case DomRule::kAny:
        return true;
      case DomRule::kLast:
        return day == DaysInMonth(year, month);
      case DomRule::kLastWeekday:
        return day == LastWeekdayOfMonth(year, month);
      case DomRule::kNearestWeekday:
        return day == NearestWeekday(year, month, dom_arg_);
    }
    return false;
  };
  auto dow_ok = [&] {
    int wd = Weekday(year, month, day);
    switch (dow_rule_) {
      case DowRule::kBits:
        return dow_[static_cast<std::size_t>(wd)];
      case DowRule::kAny:
        return true;
      case DowRule::kLastInMonth:
        return wd == dow_arg_ && day + 7 > DaysInMonth(year, month);
      case DowRule::kNth:
        return wd == dow_arg_ && (day - 1) / 7 + 1 == dow_nth_;
    }
    return false;
  };
  if (kind_ == Kind::kEventBridgeCron) {
    return dom_rule_ == DomRule::kAny ? dow_ok() : dom_ok();
  }
  if (dom_star_ || dow_star_) return dom_ok() && dow_ok();
  return dom_ok() || dow_ok();
}

std::optional<Schedule::Civil> Schedule::NextLocalMatch(Civil c, int last_year) const {
  auto next_bit = [](const Bits& bits, int from, int hi) {
    for (int v = std::max(from, 0); v <= hi; ++v) {
      if (bits[static_cast<std::size_t>(v)]) return v;
    }
    return -1;
  };
  auto next_day = [](Civil& c) {
    c.hour = 0;
    c.minute = 0;
    if (++c.day <= DaysInMonth(c.year, c.month)) return;
    c.day = 1;
    if (++c.month <= 12) return;
    c.month = 1;
    ++c.year;
  };
  for (;;) {
    if (c.year > last_year) return std::nullopt;
    if (kind_ == Kind::kEventBridgeCron) {
      int index = c.year - kFirstYear;
      if (index < 0 || !year_[static_cast<std::size_t>(index)]) {
        int next = next_bit(year_, index + 1, kLastYear - kFirstYear);
        if (next < 0) return std::nullopt;
        c = {kFirstYear + next, 1, 1, 0, 0};
        continue;
      }
    }
    if (!month_[static_cast<std::size_t>(c.month)]) {
      int next = next_bit(month_, c.month + 1, 12);
      c = next < 0 ? Civil{c.year + 1, 1, 1, 0, 0} : Civil{c.year, next, 1, 0, 0};
      continue;
    }
    if (!DayMatches(c.year, c.month, c.day)) {
      next_day(c);
      continue;
    }
    if (!hour_[static_cast<std::size_t>(c.hour)]) {
      int next = next_bit(hour_, c.hour + 1, 23);
      if (next < 0) {
        next_day(c);
      } else {
        c.hour = next;
        c.minute = 0;
      }
      continue;
    }
    if (!minute_[static_cast<std::size_t>(c.minute)]) {
      int next = next_bit(minute_, c.minute + 1, 59);
      if (next >= 0) {
        c.minute = next;
      } else if (c.hour < 23) {
        ++c.hour;
        c.minute = 0;
      } else {
        next_day(c);
      }
      continue;
    }
    return c;
  }
}

base::Result<std::optional<std::chrono::sys_seconds>> Schedule::NextAfter(
    std::chrono::sys_seconds t) const {
  if (t < kMinTime || t > kMaxTime) {
    return base::Status::InvalidArgument("time " + std::to_string(t.time_since_epoch().count()) +
                                         " is outside 1970-01-01..9999-12-31");
  }
  if (kind_ == Kind::kRate) {
    if (t < anchor_) return std::optional<sys_seconds>(anchor_);
    auto k = (t - anchor_) / period_ + 1;
    return std::optional<sys_seconds>(anchor_ + k * period_);
  }
  try {
    date::local_seconds local = zone_->to_local(t);
    date::local_seconds start = date::floor<std::chrono::minutes>(local) + std::chrono::minutes{1};
    auto to_civil = [](date::local_seconds ls) {
      date::local_days day = date::floor<date::days>(ls);
      date::year_month_day ymd{day};
      auto minutes = std::chrono::duration_cast<std::chrono::minutes>(ls - day).count();
      return Civil{static_cast<int>(ymd.year()),
                   static_cast<int>(static_cast<unsigned>(ymd.month())),
                   static_cast<int>(static_cast<unsigned>(ymd.day())),
                   static_cast<int>(minutes / 60), static_cast<int>(minutes % 60)};
    };
    Civil from = to_civil(start);
    int last_year = kind_ == Kind::kEventBridgeCron ? kLastYear : from.year + kCronSearchYears;
    for (int skipped = 0; skipped < kMaxSkippedCandidates; ++skipped) {
      std::optional<Civil> match = NextLocalMatch(from, last_year);
      if (!match) return std::optional<sys_seconds>();
      date::local_seconds wall =
          ToLocalSeconds(match->year, match->month, match->day, match->hour, match->minute);
      sys_seconds at = Resolve(zone_, wall);
      if (at > t) return std::optional<sys_seconds>(at);
      // A wall time before t's in real time (t is in the second pass of an overlap).
      from = to_civil(wall + std::chrono::minutes{1});
    }
    return base::Status::Internal("schedule " + Quoted(text_) + " in " + zone_name_ +
                                  ": no progress after " +
                                  std::to_string(t.time_since_epoch().count()));
  } catch (const std::exception& e) {
    return base::Status::IOError("time zone " + Quoted(zone_name_) + ": " + e.what());
  }
}

std::optional<std::chrono::sys_seconds> Schedule::DueSince(
    std::chrono::sys_seconds last_fire_or_created, std::chrono::sys_seconds now) const {
  sys_seconds last = std::max(last_fire_or_created, kMinTime);
  now = std::min(now, kMaxTime);
  if (now <= last) return std::nullopt;
  if (kind_ == Kind::kRate) {
    if (now < anchor_) return std::nullopt;
    sys_seconds latest = anchor_ + ((now - anchor_) / period_) * period_;
    if (latest > last) return latest;
    return std::nullopt;
  }
  // Fires at or before now after x: true at `last` iff anything is due, false at `now`, and
  // monotone in x, so the largest such x is found by bisection; its next fire is the latest.
  auto fires_by_now = [&](sys_seconds x) -> std::optional<sys_seconds> {
    auto next = NextAfter(x);
    if (!next.ok() || !next->has_value() || **next > now) return std::nullopt;
    return **next;
  };
  std::optional<sys_seconds> latest = fires_by_now(last);
  if (!latest) return std::nullopt;
  sys_seconds lo = last, hi = now;
  while (hi - lo > std::chrono::seconds{1}) {
    sys_seconds mid = lo + (hi - lo) / 2;
    if (auto f = fires_by_now(mid)) {
      lo = mid;
      latest = f;
    } else {
      hi = mid;
    }
  }
  return latest;
}

}  // namespace assay::assess
