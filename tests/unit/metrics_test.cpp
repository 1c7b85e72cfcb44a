#include "entrypoints/http/metrics.hpp"

#include <gtest/gtest.h>

#include <array>
#include <string>

#include "service_layer/histogram.hpp"

using allocation::entrypoints::http::HttpStatistics;
using allocation::entrypoints::http::prometheus_text;
using allocation::entrypoints::http::ServiceFigures;
using allocation::service_layer::GroupCommitter;
using allocation::service_layer::Histogram;

namespace {

constexpr std::array<double, 3> bounds{1, 2, 5};

bool has_line(const std::string& text, const std::string& line) {
  return text.find("\n" + line + "\n") != std::string::npos || text.starts_with(line + "\n");
}

}  // namespace

TEST(Histogram, CountsAValueUnderTheFirstBoundItDoesNotExceed) {
  Histogram histogram{bounds};
  histogram.observe(1);
  histogram.observe(1.5);
  histogram.observe(2, 3);
  histogram.observe(7);
  EXPECT_EQ(histogram.cumulative_counts(), (std::vector<std::uint64_t>{1, 5, 5, 6}));
  EXPECT_EQ(histogram.count(), 6U);
  EXPECT_DOUBLE_EQ(histogram.sum(), 1 + 1.5 + 2 * 3 + 7);
}

TEST(Metrics, AreInThePrometheusTextFormat) {
  ServiceFigures service;
  GroupCommitter::Statistics& writer = service.writer;
  writer.commands_committed = 7;
  writer.commands_waiting = 2;
  writer.sync_seconds.observe(0.0015);
  writer.sync_seconds.observe(0.003, 2);
  HttpStatistics http{.connections_open = 3, .connections_max = 100};
  http.responses_by_class[1] = 9;
  http.responses_by_class[3] = 1;

  auto text = prometheus_text(service, http);

  EXPECT_TRUE(has_line(text, "# TYPE allocation_commands_committed_total counter"));
  EXPECT_TRUE(has_line(text, "allocation_commands_committed_total 7"));
  EXPECT_TRUE(has_line(text, "# TYPE allocation_commands_waiting gauge"));
  EXPECT_TRUE(has_line(text, "allocation_commands_waiting 2"));
  EXPECT_TRUE(has_line(text, "# TYPE allocation_sync_seconds histogram"));
  EXPECT_TRUE(has_line(text, "allocation_sync_seconds_bucket{le=\"0.001\"} 0"));
  EXPECT_TRUE(has_line(text, "allocation_sync_seconds_bucket{le=\"0.002\"} 1"));
  EXPECT_TRUE(has_line(text, "allocation_sync_seconds_bucket{le=\"0.005\"} 3"));
  EXPECT_TRUE(has_line(text, "allocation_sync_seconds_bucket{le=\"+Inf\"} 3"));
  EXPECT_TRUE(has_line(text, "allocation_sync_seconds_sum 0.0075"));
  EXPECT_TRUE(has_line(text, "allocation_sync_seconds_count 3"));
  EXPECT_TRUE(has_line(text, "allocation_http_connections_open 3"));
  EXPECT_TRUE(has_line(text, "allocation_http_responses_total{code=\"2xx\"} 9"));
  EXPECT_TRUE(has_line(text, "allocation_http_responses_total{code=\"4xx\"} 1"));
  EXPECT_TRUE(text.ends_with("\n"));
}

TEST(Metrics, ShowEventDeliveryAndConsumption) {
  ServiceFigures service;
  service.failed_event_handlers = 2;
  service.deliveries = {{"Allocated", 5}, {"OutOfStock", 1}};
  service.consumed = ServiceFigures::Consumption{.received = 4, .malformed = 1, .rejected = 2};

  auto text = prometheus_text(service, {});

  EXPECT_TRUE(has_line(text, "allocation_event_handler_failures_total 2"));
  EXPECT_TRUE(has_line(text, "allocation_events_delivered_total{event=\"Allocated\"} 5"));
  EXPECT_TRUE(has_line(text, "allocation_events_delivered_total{event=\"OutOfStock\"} 1"));
  EXPECT_TRUE(has_line(text,
                       "allocation_messages_consumed_total{channel=\"change_batch_quantity\","
                       "outcome=\"received\"} 4"));
  EXPECT_TRUE(has_line(text,
                       "allocation_messages_consumed_total{channel=\"change_batch_quantity\","
                       "outcome=\"malformed\"} 1"));
  EXPECT_TRUE(has_line(text,
                       "allocation_messages_consumed_total{channel=\"change_batch_quantity\","
                       "outcome=\"rejected\"} 2"));
}

TEST(Metrics, LeaveOutConsumptionWhenNothingIsConsumed) {
  auto text = prometheus_text(ServiceFigures{}, {});
  EXPECT_EQ(text.find("allocation_messages_consumed_total"), std::string::npos);
  EXPECT_TRUE(has_line(text, "allocation_event_handler_failures_total 0"));
}
