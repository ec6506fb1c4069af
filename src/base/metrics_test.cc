// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include "base/metrics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <limits>
#include <string>
#include <thread>
#include <vector>

#include "base/log.h"

namespace assay::base {
namespace {

TEST(MetricsTest, RendersPrometheusText) {
  struct Case {
    std::string name;
    std::function<void(MetricsRegistry&)> fill;
    std::string want;
  };
  const std::vector<Case> cases = {
      {"counter without labels",
       [](MetricsRegistry& r) {
         Counter& c = r.GetCounter("jobs_total", "Jobs run.");
         c.Inc();
         c.Inc(2);
         c.Inc(-5);  // ignored: counters only go up
       },
       "# HELP jobs_total Jobs run.\n"
       "# TYPE jobs_total counter\n"
       "jobs_total 3\n"},
      {"labels sorted by name, values escaped",
       [](MetricsRegistry& r) {
         r.GetCounter("req_total", "Requests.", {{"path", "/a\"b\\c\nd"}, {"code", "200"}}).Inc();
       },
       "# HELP req_total Requests.\n"
       "# TYPE req_total counter\n"
       "req_total{code=\"200\",path=\"/a\\\"b\\\\c\\nd\"} 1\n"},
      {"series sorted, same labels in any order are one series",
       [](MetricsRegistry& r) {
         r.GetCounter("req_total", "Requests.", {{"code", "500"}, {"method", "GET"}}).Inc();
         r.GetCounter("req_total", "Requests.", {{"code", "200"}, {"method", "GET"}}).Inc();
         r.GetCounter("req_total", "Requests.", {{"method", "GET"}, {"code", "200"}}).Inc();
       },
       "# HELP req_total Requests.\n"
       "# TYPE req_total counter\n"
       "req_total{code=\"200\",method=\"GET\"} 2\n"
       "req_total{code=\"500\",method=\"GET\"} 1\n"},
      {"gauge with fractions and help escaping",
       [](MetricsRegistry& r) {
         Gauge& g = r.GetGauge("temp_celsius", "Line one\\two\nthree.");
         g.Set(1);
         g.Dec(2.5);
       },
       "# HELP temp_celsius Line one\\\\two\\nthree.\n"
       "# TYPE temp_celsius gauge\n"
       "temp_celsius -1.5\n"},
      {"gauge NaN",
       [](MetricsRegistry& r) {
         r.GetGauge("ratio", "Ratio.").Set(std::numeric_limits<double>::quiet_NaN());
       },
       "# HELP ratio Ratio.\n# TYPE ratio gauge\nratio NaN\n"},
      {"histogram: cumulative buckets, +Inf, sum, count; bounds sorted",
       [](MetricsRegistry& r) {
         Histogram& h = r.GetHistogram("lat_seconds", "Latency.", {1, 0.125, 0.5, 0.5});
         for (double v : {0.0625, 0.125, 0.5, 0.75, 3.0}) h.Observe(v);
       },
       "# HELP lat_seconds Latency.\n"
       "# TYPE lat_seconds histogram\n"
       "lat_seconds_bucket{le=\"0.125\"} 2\n"
       "lat_seconds_bucket{le=\"0.5\"} 3\n"
       "lat_seconds_bucket{le=\"1\"} 4\n"
       "lat_seconds_bucket{le=\"+Inf\"} 5\n"
       "lat_seconds_sum 4.4375\n"
       "lat_seconds_count 5\n"},
      {"histogram with labels puts le last",
       [](MetricsRegistry& r) {
         r.GetHistogram("size_bytes", "Sizes.", {1024}, {{"route", "/x"}}).Observe(10);
       },
       "# HELP size_bytes Sizes.\n"
       "# TYPE size_bytes histogram\n"
       "size_bytes_bucket{route=\"/x\",le=\"1024\"} 1\n"
       "size_bytes_bucket{route=\"/x\",le=\"+Inf\"} 1\n"
       "size_bytes_sum{route=\"/x\"} 10\n"
       "size_bytes_count{route=\"/x\"} 1\n"},
      {"families sorted by name; later help ignored",
       [](MetricsRegistry& r) {
         r.GetCounter("b_total", "B.").Inc();
         r.GetGauge("a_open", "A.").Set(7);
         r.GetCounter("b_total", "Other help.").Inc();
       },
       "# HELP a_open A.\n# TYPE a_open gauge\na_open 7\n"
       "# HELP b_total B.\n# TYPE b_total counter\nb_total 2\n"},
      {"misuse is not exported",
       [](MetricsRegistry& r) {
         r.GetCounter("x_total", "X.").Inc();
         r.GetGauge("x_total", "Same name, other type.").Set(3);         // type clash
         r.GetCounter("x_total", "X.", {{"extra", "1"}}).Inc();          // other label names
         r.GetCounter("1bad", "Bad name.").Inc();                        // invalid name
         r.GetCounter("y_total", "Y.", {{"__reserved", "1"}}).Inc();     // reserved label
         r.GetHistogram("h", "H.", {1}, {{"le", "1"}}).Observe(1);       // le is the buckets' label
         r.GetCounter("z_total", "Z.", {{"a", "1"}, {"a", "2"}}).Inc();  // repeated label
       },
       "# HELP x_total X.\n# TYPE x_total counter\nx_total 1\n"},
      {"empty registry", [](MetricsRegistry&) {}, ""},
  };
  LogLevel saved = GetLogLevel();
  SetLogLevel(LogLevel::kOff);  // the misuse case logs errors by design
  for (const auto& tc : cases) {
    SCOPED_TRACE(tc.name);
    MetricsRegistry registry;
    tc.fill(registry);
    EXPECT_EQ(registry.RenderPrometheus(), tc.want);
  }
  SetLogLevel(saved);
}

TEST(MetricsTest, MisusedMetricsStillWork) {
  LogLevel saved = GetLogLevel();
  SetLogLevel(LogLevel::kOff);
  MetricsRegistry registry;
  registry.GetCounter("x_total", "X.");
  Gauge& g = registry.GetGauge("x_total", "X.");
  g.Set(4);
  g.Inc();
  EXPECT_EQ(g.Value(), 5);
  SetLogLevel(saved);
}

TEST(MetricsTest, SameSeriesSameObject) {
  MetricsRegistry registry;
  Counter& a = registry.GetCounter("c_total", "C.", {{"k", "v"}});
  Counter& b = registry.GetCounter("c_total", "C.", {{"k", "v"}});
  Counter& c = registry.GetCounter("c_total", "C.", {{"k", "w"}});
  EXPECT_EQ(&a, &b);
  EXPECT_NE(&a, &c);
}

TEST(MetricsTest, FormatsValues) {
  struct Case {
    double value;
    std::string want;
  };
  const std::vector<Case> cases = {
      {0, "0"},
      {1, "1"},
      {-2, "-2"},
      {0.25, "0.25"},
      {123456789, "123456789"},
      {1e20, "1e+20"},
      {1e-5, "1e-05"},
      {std::numeric_limits<double>::infinity(), "+Inf"},
      {-std::numeric_limits<double>::infinity(), "-Inf"},
      {std::numeric_limits<double>::quiet_NaN(), "NaN"},
  };
  for (const auto& tc : cases) {
    SCOPED_TRACE(tc.want);
    EXPECT_EQ(FormatMetricValue(tc.value), tc.want);
  }
  EXPECT_EQ(EscapeMetricLabelValue("plain"), "plain");
  EXPECT_EQ(EscapeMetricLabelValue("a\\b\"c\nd"), "a\\\\b\\\"c\\nd");
}

TEST(MetricsTest, ConcurrentUpdatesAreExact) {
  MetricsRegistry registry;
  constexpr int kThreads = 4;
  constexpr int kPerThread = 20000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&registry, t] {
      Counter& c = registry.GetCounter("ops_total", "Ops.");
      Gauge& g = registry.GetGauge("level", "Level.");
      Histogram& h = registry.GetHistogram("val", "Values.", DefaultHistogramBuckets(),
                                           {{"thread", std::to_string(t % 2)}});
      for (int i = 0; i < kPerThread; ++i) {
        c.Inc();
        g.Inc();
        g.Dec(0.5);
        h.Observe(0.001 * (i % 100));
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(registry.GetCounter("ops_total", "Ops.").Value(), kThreads * kPerThread);
  EXPECT_EQ(registry.GetGauge("level", "Level.").Value(), kThreads * kPerThread * 0.5);
  Histogram::Snapshot s = registry.GetHistogram("val", "Values.", {}, {{"thread", "0"}}).Read();
  EXPECT_EQ(s.count, 2u * kPerThread);
  EXPECT_EQ(s.cumulative.back(), s.count);
  EXPECT_EQ(s.upper_bounds, DefaultHistogramBuckets());
}

}  // namespace
}  // namespace assay::base
