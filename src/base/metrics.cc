// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include "base/metrics.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "base/log.h"
#include "base/strings.h"

namespace assay::base {
namespace {

// [a-zA-Z_:][a-zA-Z0-9_:]*
bool ValidMetricName(std::string_view name) {
  if (name.empty() || IsDigit(name[0])) return false;
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return IsAlnum(c) || c == '_' || c == ':'; });
}

// [a-zA-Z_][a-zA-Z0-9_]*, without the reserved "__" prefix.
bool ValidLabelName(std::string_view name) {
  if (name.empty() || IsDigit(name[0]) || name.starts_with("__")) return false;
  return std::all_of(name.begin(), name.end(), [](char c) { return IsAlnum(c) || c == '_'; });
}

std::string EscapeHelp(std::string_view help) {
  std::string out;
  out.reserve(help.size());
  for (char c : help) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

// `{a="x",b="y"}` with an optional extra label last (histograms' `le`); empty without labels.
std::string RenderLabels(const MetricLabels& labels, std::string_view extra_name = {},
                         std::string_view extra_value = {}) {
  if (labels.empty() && extra_name.empty()) return {};
  std::string out = "{";
  bool first = true;
  auto add = [&](std::string_view name, std::string_view value) {
    if (!first) out += ',';
    first = false;
    out += name;
    out += "=\"";
    out += EscapeMetricLabelValue(value);
    out += '"';
  };
  for (const auto& [name, value] : labels) add(name, value);
  if (!extra_name.empty()) add(extra_name, extra_value);
  out += '}';
  return out;
}

}  // namespace

std::string FormatMetricValue(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  if (value == std::trunc(value) && std::fabs(value) < 1e15) {
    return fmt::format("{}", static_cast<long long>(value));
  }
  return fmt::format("{}", value);
}

std::string EscapeMetricLabelValue(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

void Counter::Inc(double delta) {
  if (!(delta >= 0)) return;  // also rejects NaN
  value_.fetch_add(delta, std::memory_order_relaxed);
}

Histogram::Histogram(std::vector<double> upper_bounds) : bounds_(std::move(upper_bounds)) {
  std::erase_if(bounds_, [](double b) { return !std::isfinite(b); });
  std::sort(bounds_.begin(), bounds_.end());
  bounds_.erase(std::unique(bounds_.begin(), bounds_.end()), bounds_.end());
  counts_ = std::make_unique<std::atomic<std::uint64_t>[]>(bounds_.size() + 1);
  for (std::size_t i = 0; i <= bounds_.size(); ++i) counts_[i].store(0);
}

void Histogram::Observe(double value) {
  // First bound >= value; NaN lands in the overflow bucket only.
  std::size_t i =
      std::isnan(value)
          ? bounds_.size()
          : static_cast<std::size_t>(std::lower_bound(bounds_.begin(), bounds_.end(), value) -
                                     bounds_.begin());
  counts_[i].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(value, std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::Read() const {
  Snapshot s;
  s.upper_bounds = bounds_;
  s.cumulative.reserve(bounds_.size() + 1);
  std::uint64_t total = 0;
  for (std::size_t i = 0; i <= bounds_.size(); ++i) {
    total += counts_[i].load(std::memory_order_relaxed);
    s.cumulative.push_back(total);
  }
  s.count = total;
  s.sum = sum_.load(std::memory_order_relaxed);
  return s;
}

std::vector<double> DefaultHistogramBuckets() {
  return {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

struct MetricsRegistry::Series {
  MetricLabels labels;  // sorted by name
  std::unique_ptr<Counter> counter;
  std::unique_ptr<Gauge> gauge;
  std::unique_ptr<Histogram> histogram;
};

struct MetricsRegistry::Family {
  std::string name;
  std::string help;
  Type type;
  std::vector<double> upper_bounds;                       // histograms
  std::vector<std::string> label_names;                   // of the first series, sorted
  std::map<std::string, std::unique_ptr<Series>> series;  // by encoded sorted labels
};

MetricsRegistry::MetricsRegistry() = default;
MetricsRegistry::~MetricsRegistry() = default;

std::string_view MetricsRegistry::TypeName(Type type) {
  switch (type) {
    case Type::kCounter:
      return "counter";
    case Type::kGauge:
      return "gauge";
    case Type::kHistogram:
      return "histogram";
  }
  return "untyped";
}

MetricsRegistry::Series* MetricsRegistry::Find(Type type, std::string_view name,
                                               std::string_view help, const MetricLabels& labels,
                                               const std::vector<double>* upper_bounds) {
  MetricLabels sorted = labels;
  std::sort(sorted.begin(), sorted.end());
  std::vector<std::string> names;
  std::string key;
  for (const auto& [n, v] : sorted) {
    names.push_back(n);
    key += n;
    key += '\0';
    key += v;
    key += '\0';
  }
  if (!ValidMetricName(name)) {
    Log(LogLevel::kError, "metrics: invalid metric name {}", QuoteForMessage(name, 80));
    return nullptr;
  }
  for (std::size_t i = 0; i < names.size(); ++i) {
    bool reserved = type == Type::kHistogram && names[i] == "le";
    if (!ValidLabelName(names[i]) || reserved || (i > 0 && names[i] == names[i - 1])) {
      Log(LogLevel::kError, "metrics: {}: invalid or repeated label name {}", name,
          QuoteForMessage(names[i], 80));
      return nullptr;
    }
  }

  auto it = families_.find(name);
  if (it == families_.end()) {
    auto family = std::make_unique<Family>();
    family->name = std::string(name);
    family->help = std::string(help);
    family->type = type;
    if (upper_bounds != nullptr) family->upper_bounds = *upper_bounds;
    family->label_names = names;
    it = families_.emplace(family->name, std::move(family)).first;
  }
  Family& family = *it->second;
  if (family.type != type) {
    Log(LogLevel::kError, "metrics: {} is already registered as a {}", name, TypeName(family.type));
    return nullptr;
  }
  if (family.label_names != names) {
    Log(LogLevel::kError, "metrics: {}: label names differ from the family's first series", name);
    return nullptr;
  }
  auto& slot = family.series[key];
  if (slot == nullptr) {
    slot = std::make_unique<Series>();
    slot->labels = std::move(sorted);
    switch (type) {
      case Type::kCounter:
        slot->counter = std::make_unique<Counter>();
        break;
      case Type::kGauge:
        slot->gauge = std::make_unique<Gauge>();
        break;
      case Type::kHistogram:
        slot->histogram = std::make_unique<Histogram>(family.upper_bounds);
        break;
    }
  }
  return slot.get();
}

Counter& MetricsRegistry::GetCounter(std::string_view name, std::string_view help,
                                     const MetricLabels& labels) {
  std::lock_guard lock(mu_);
  if (Series* s = Find(Type::kCounter, name, help, labels, nullptr)) return *s->counter;
  auto& s = detached_.emplace_back(std::make_unique<Series>());
  s->counter = std::make_unique<Counter>();
  return *s->counter;
}

Gauge& MetricsRegistry::GetGauge(std::string_view name, std::string_view help,
                                 const MetricLabels& labels) {
  std::lock_guard lock(mu_);
  if (Series* s = Find(Type::kGauge, name, help, labels, nullptr)) return *s->gauge;
  auto& s = detached_.emplace_back(std::make_unique<Series>());
  s->gauge = std::make_unique<Gauge>();
  return *s->gauge;
}

Histogram& MetricsRegistry::GetHistogram(std::string_view name, std::string_view help,
                                         const std::vector<double>& upper_bounds,
                                         const MetricLabels& labels) {
  std::lock_guard lock(mu_);
  if (Series* s = Find(Type::kHistogram, name, help, labels, &upper_bounds)) {
    return *s->histogram;
  }
  auto& s = detached_.emplace_back(std::make_unique<Series>());
  s->histogram = std::make_unique<Histogram>(upper_bounds);
  return *s->histogram;
}

std::string MetricsRegistry::RenderPrometheus() const {
  std::lock_guard lock(mu_);
  std::string out;
  for (const auto& [name, family] : families_) {
    out += fmt::format("# HELP {} {}\n", name, EscapeHelp(family->help));
    out += fmt::format("# TYPE {} {}\n", name, TypeName(family->type));
    for (const auto& [key, series] : family->series) {
      switch (family->type) {
        case Type::kCounter:
          out += fmt::format("{}{} {}\n", name, RenderLabels(series->labels),
                             FormatMetricValue(series->counter->Value()));
          break;
        case Type::kGauge:
          out += fmt::format("{}{} {}\n", name, RenderLabels(series->labels),
                             FormatMetricValue(series->gauge->Value()));
          break;
        case Type::kHistogram: {
          Histogram::Snapshot snap = series->histogram->Read();
          for (std::size_t i = 0; i < snap.upper_bounds.size(); ++i) {
            out += fmt::format(
                "{}_bucket{} {}\n", name,
                RenderLabels(series->labels, "le", FormatMetricValue(snap.upper_bounds[i])),
                snap.cumulative[i]);
          }
          out += fmt::format("{}_bucket{} {}\n", name, RenderLabels(series->labels, "le", "+Inf"),
                             snap.count);
          out += fmt::format("{}_sum{} {}\n", name, RenderLabels(series->labels),
                             FormatMetricValue(snap.sum));
          out += fmt::format("{}_count{} {}\n", name, RenderLabels(series->labels), snap.count);
          break;
        }
      }
    }
  }
  return out;
}

}  // namespace assay::base
