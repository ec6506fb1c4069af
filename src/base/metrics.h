// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// Metrics: a small registry of counters, gauges and histograms with labels, rendered in the
// Prometheus text exposition format, version 0.0.4 (`# HELP`, `# TYPE`, one line per series,
// histograms as cumulative `_bucket{le="..."}` lines ending with le="+Inf", then `_sum` and
// `_count`).
//
// A metric is identified by its name and its label set (order of labels does not matter). The
// first Get*() call for a name fixes the family's type, help text and, for histograms, the bucket
// bounds; later calls return the same object. Returned references stay valid for the lifetime of
// the registry, so hot paths look a series up once and keep the reference.
//
// Thread-safe: the registry and every metric may be used from any thread. Updates are lock-free
// atomics; Get*() and RenderPrometheus() take the registry's mutex.
//
// Misuse is a programming error but never fatal: an invalid metric or label name, a name already
// registered with another type, or a label set whose names differ from the family's first series
// logs an error and returns a working metric that is not exported.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace assay::base {

// Label name/value pairs, e.g. {{"method", "GET"}, {"code", "200"}}.
using MetricLabels = std::vector<std::pair<std::string, std::string>>;

// A monotonically increasing value.
class Counter {
 public:
  // Adds `delta`; negative or NaN deltas are ignored (a counter never goes down).
  void Inc(double delta = 1);
  double Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

// A value that goes up and down.
class Gauge {
 public:
  void Set(double value) { value_.store(value, std::memory_order_relaxed); }
  void Inc(double delta = 1) { value_.fetch_add(delta, std::memory_order_relaxed); }
  void Dec(double delta = 1) { value_.fetch_sub(delta, std::memory_order_relaxed); }
  double Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

// Observations counted into buckets with fixed upper bounds (inclusive, as Prometheus' `le`).
class Histogram {
 public:
  // `upper_bounds` are sorted and deduplicated; NaN and infinite bounds are dropped (+Inf is
  // always implied).
  explicit Histogram(std::vector<double> upper_bounds);

  void Observe(double value);

  struct Snapshot {
    std::vector<double> upper_bounds;       // without +Inf
    std::vector<std::uint64_t> cumulative;  // one per bound, then the +Inf bucket (== count)
    double sum = 0;
    std::uint64_t count = 0;
  };
  Snapshot Read() const;

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> counts_;  // bounds_.size() + 1 (overflow)
  std::atomic<double> sum_{0};
};

// Prometheus' default buckets: .005 .01 .025 .05 .1 .25 .5 1 2.5 5 10 (seconds).
std::vector<double> DefaultHistogramBuckets();

class MetricsRegistry {
 public:
  // The Content-Type of RenderPrometheus()'s output.
  static constexpr std::string_view kContentType = "text/plain; version=0.0.4; charset=utf-8";

  MetricsRegistry();
  ~MetricsRegistry();
  MetricsRegistry(const MetricsRegistry&) = delete;
  MetricsRegistry& operator=(const MetricsRegistry&) = delete;

  Counter& GetCounter(std::string_view name, std::string_view help,
                      const MetricLabels& labels = {});
  Gauge& GetGauge(std::string_view name, std::string_view help, const MetricLabels& labels = {});
  // `upper_bounds` apply when the family is created; later calls reuse the family's buckets.
  Histogram& GetHistogram(std::string_view name, std::string_view help,
                          const std::vector<double>& upper_bounds, const MetricLabels& labels = {});

  // Every family sorted by name, every series sorted by its labels (sorted by label name).
  std::string RenderPrometheus() const;

 private:
  enum class Type { kCounter, kGauge, kHistogram };
  struct Family;
  struct Series;

  static std::string_view TypeName(Type type);

  // The series for (name, labels), created when missing; null after logging a misuse.
  Series* Find(Type type, std::string_view name, std::string_view help, const MetricLabels& labels,
               const std::vector<double>* upper_bounds);

  mutable std::mutex mu_;
  std::map<std::string, std::unique_ptr<Family>, std::less<>> families_;
  // Metrics handed out on misuse: they work but are never rendered.
  std::vector<std::unique_ptr<Series>> detached_;
};

// Value formatting of the exposition format: "+Inf", "-Inf", "NaN", integers without a
// fraction, other numbers in their shortest round-trip form.
std::string FormatMetricValue(double value);

// Escapes a label value (backslash, double quote, newline) for the exposition format.
std::string EscapeMetricLabelValue(std::string_view value);

}  // namespace assay::base
