#include "entrypoints/http/metrics.hpp"

#include <gtest/gtest.h>

#include <array>
#include <string>

#include "common/process_figures.hpp"
#include "service_layer/histogram.hpp"

using allocation::version;
using allocation::entrypoints::http::HttpStatistics;
using allocation::entrypoints::http::prometheus_text;
using allocation::entrypoints::http::ServiceFigures;
using allocation::service_layer::GroupCommitter;
using allocation::service_layer::Histogram;
namespace service_layer = allocation::service_layer;

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
  service_layer::OutboxRelay::Statistics redis;
  redis.delivered_by_event = {{"Allocated", 5}, {"OutOfStock", 1}};
  redis.failures = 3;
  redis.backoff = std::chrono::milliseconds{400};
  redis.backlog = {7, 2.5};
  service.deliveries.push_back({"redis", redis});
  service.outbox_entries_removed = 9;
  ServiceFigures::Consumption channel;
  channel.source = "channel=\"change_batch_quantity\"";
  channel.received = 4;
  channel.malformed = 1;
  channel.rejected = 2;
  service.consumed.push_back(channel);
  service.brokers.push_back({"redis", "delivery", false});
  service.brokers.push_back({"redis", "consumption", true});

  auto text = prometheus_text(service, {});

  EXPECT_TRUE(has_line(text, "allocation_event_handler_failures_total 2"));
  EXPECT_TRUE(has_line(
      text, "allocation_events_delivered_total{destination=\"redis\",event=\"Allocated\"} 5"));
  EXPECT_TRUE(has_line(
      text, "allocation_events_delivered_total{destination=\"redis\",event=\"OutOfStock\"} 1"));
  EXPECT_TRUE(has_line(text, "allocation_event_delivery_failures_total{destination=\"redis\"} 3"));
  EXPECT_TRUE(
      has_line(text, "allocation_event_delivery_backoff_seconds{destination=\"redis\"} 0.4"));
  EXPECT_TRUE(has_line(text, "allocation_outbox_backlog_events{destination=\"redis\"} 7"));
  EXPECT_TRUE(
      has_line(text, "allocation_outbox_oldest_undelivered_seconds{destination=\"redis\"} 2.5"));
  EXPECT_TRUE(has_line(text, "allocation_outbox_entries_removed_total 9"));
  EXPECT_TRUE(has_line(text, "allocation_broker_up{broker=\"redis\",use=\"delivery\"} 0"));
  EXPECT_TRUE(has_line(text, "allocation_broker_up{broker=\"redis\",use=\"consumption\"} 1"));
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

TEST(Metrics, ShowTheBuildAndTheProcess) {
  auto text = prometheus_text(ServiceFigures{}, {});
  EXPECT_TRUE(has_line(text, "allocation_build_info{version=\"" + std::string{version} + "\"} 1"));
  EXPECT_NE(text.find("\nprocess_cpu_seconds_total "), std::string::npos);
  for (const char* name :
       {"process_start_time_seconds ", "process_resident_memory_bytes ", "process_open_fds "}) {
    auto at = text.find(std::string{"\n"} + name);
    ASSERT_NE(at, std::string::npos) << name;
    EXPECT_GT(std::stod(text.substr(at + 1 + std::string_view{name}.size())), 0) << name;
  }
}

TEST(Metrics, LeaveOutConsumptionWhenNothingIsConsumed) {
  auto text = prometheus_text(ServiceFigures{}, {});
  EXPECT_EQ(text.find("allocation_messages_consumed_total"), std::string::npos);
  EXPECT_TRUE(has_line(text, "allocation_event_handler_failures_total 0"));
}
