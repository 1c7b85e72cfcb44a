#include "entrypoints/http/metrics.hpp"

#include <fmt/format.h>

#include <chrono>
#include <iterator>
#include <string_view>

#include "common/process_figures.hpp"

namespace allocation::entrypoints::http {

namespace {

using Buffer = fmt::memory_buffer;

void header(Buffer& out, std::string_view name, std::string_view type, std::string_view help) {
  fmt::format_to(std::back_inserter(out), "# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
}

template <class Number>
void counter(Buffer& out, std::string_view name, std::string_view help, Number value) {
  header(out, name, "counter", help);
  fmt::format_to(std::back_inserter(out), "{} {}\n", name, value);
}

template <class Number>
void gauge(Buffer& out, std::string_view name, std::string_view help, Number value) {
  header(out, name, "gauge", help);
  fmt::format_to(std::back_inserter(out), "{} {}\n", name, value);
}

void histogram(Buffer& out, std::string_view name, std::string_view help,
               const service_layer::Histogram& histogram) {
  header(out, name, "histogram", help);
  auto bounds = histogram.upper_bounds();
  auto counts = histogram.cumulative_counts();
  for (std::size_t i = 0; i < bounds.size(); ++i) {
    fmt::format_to(std::back_inserter(out), "{}_bucket{{le=\"{}\"}} {}\n", name, bounds[i],
                   counts[i]);
  }
  fmt::format_to(std::back_inserter(out), "{}_bucket{{le=\"+Inf\"}} {}\n{}_sum {}\n{}_count {}\n",
                 name, counts.back(), name, histogram.sum(), name, histogram.count());
}

void delivery(Buffer& out, const ServiceFigures& service) {
  counter(out, "allocation_event_handler_failures_total",
          "Event handlers that failed; the command that raised the event was not failed.",
          service.failed_event_handlers);
  auto each = [&](std::string_view name, std::string_view type, std::string_view help,
                  auto&& value_of) {
    header(out, name, type, help);
    for (const auto& delivery : service.deliveries) {
      fmt::format_to(std::back_inserter(out), "{}{{destination=\"{}\"}} {}\n", name,
                     delivery.destination, value_of(delivery.relay));
    }
  };
  using Relay = service_layer::OutboxRelay::Statistics;
  each("allocation_outbox_backlog_events", "gauge",
       "Outbox entries the destination's relay has still to go through.",
       [](const Relay& relay) { return relay.backlog.entries; });
  each("allocation_outbox_oldest_undelivered_seconds", "gauge",
       "How long the oldest entry the destination's relay has still to go through has waited.",
       [](const Relay& relay) { return relay.backlog.oldest_age_seconds; });
  each("allocation_event_delivery_failures_total", "counter",
       "Attempts to deliver an event that the destination did not accept.",
       [](const Relay& relay) { return relay.failures; });
  each("allocation_event_delivery_backoff_seconds", "gauge",
       "How long the relay waits before its next attempt after a failure; 0 while delivering.",
       [](const Relay& relay) { return std::chrono::duration<double>(relay.backoff).count(); });
  header(out, "allocation_events_delivered_total", "counter",
         "Events the outbox relay delivered, by destination and event.");
  for (const auto& delivery : service.deliveries) {
    for (const auto& [event, count] : delivery.relay.delivered_by_event) {
      fmt::format_to(std::back_inserter(out),
                     "allocation_events_delivered_total{{destination=\"{}\",event=\"{}\"}} {}\n",
                     delivery.destination, event, count);
    }
  }
  counter(out, "allocation_outbox_entries_removed_total",
          "Outbox entries removed once every destination had them.",
          service.outbox_entries_removed);
}

void consumption(Buffer& out, const ServiceFigures& service) {
  if (!service.consumed.empty()) {
    header(out, "allocation_messages_consumed_total", "counter",
           "Messages of commands read, by source and outcome: received, malformed (skipped) and "
           "rejected (the command failed).");
  }
  for (const auto& source : service.consumed) {
    for (auto [outcome, count] :
         {std::pair{"received", source.received}, std::pair{"malformed", source.malformed},
          std::pair{"rejected", source.rejected}}) {
      fmt::format_to(std::back_inserter(out),
                     "allocation_messages_consumed_total{{{},outcome=\"{}\"}} {}\n", source.source,
                     outcome, count);
    }
  }
  header(out, "allocation_broker_up", "gauge",
         "Whether each broker connection works: 1 up, 0 down; by broker and use.");
  for (const auto& broker : service.brokers) {
    fmt::format_to(std::back_inserter(out), "allocation_broker_up{{broker=\"{}\",use=\"{}\"}} {}\n",
                   broker.broker, broker.use, broker.up ? 1 : 0);
  }
}

void process(Buffer& out) {
  header(out, "allocation_build_info", "gauge", "The build serving: always 1, with its version.");
  fmt::format_to(std::back_inserter(out), "allocation_build_info{{version=\"{}\"}} 1\n",
                 allocation::version);
  ProcessFigures figures = process_figures();
  counter(out, "process_cpu_seconds_total", "User and system CPU time spent, in seconds.",
          figures.cpu_seconds);
  gauge(out, "process_start_time_seconds", "When the process started, in seconds since the epoch.",
        figures.start_time_seconds);
  gauge(out, "process_resident_memory_bytes", "Resident memory size in bytes.",
        figures.resident_memory_bytes);
  gauge(out, "process_virtual_memory_bytes", "Virtual memory size in bytes.",
        figures.virtual_memory_bytes);
  gauge(out, "process_open_fds", "Open file descriptors.", figures.open_descriptors);
  gauge(out, "process_max_fds", "The most file descriptors the process may open.",
        figures.descriptors_max);
}

}  // namespace

std::string prometheus_text(const ServiceFigures& service, const HttpStatistics& http) {
  const auto& writer = service.writer;
  Buffer out;
  counter(out, "allocation_commands_committed_total",
          "Commands handled in a group that was stored.", writer.commands_committed);
  counter(out, "allocation_groups_committed_total",
          "Groups of commands stored, each in one transaction.", writer.groups_committed);
  counter(out, "allocation_syncs_total", "Syncs that made stored groups durable.", writer.syncs);
  counter(out, "allocation_conflicts_total",
          "Groups undone because another writer changed one of their products.", writer.conflicts);
  gauge(out, "allocation_commands_waiting", "Commands waiting for the writer now.",
        writer.commands_waiting);
  histogram(out, "allocation_command_waiting_seconds",
            "From a command's arrival until the writer takes it.", writer.waiting_seconds);
  histogram(out, "allocation_command_handling_seconds",
            "From the writer taking a command until its group is stored.", writer.handling_seconds);
  histogram(out, "allocation_command_durability_seconds",
            "From a command's group being stored until a sync made it durable.",
            writer.durability_seconds);
  histogram(out, "allocation_sync_seconds", "Duration of each sync.", writer.sync_seconds);
  histogram(out, "allocation_group_commands", "Commands in each group.", writer.group_commands);
  gauge(out, "allocation_http_connections_open", "HTTP connections open now.",
        http.connections_open);
  gauge(out, "allocation_http_connections_max",
        "HTTP connections beyond which new ones are refused.", http.connections_max);
  header(out, "allocation_http_responses_total", "counter",
         "HTTP responses sent, by status class.");
  for (std::size_t i = 0; i < http.responses_by_class.size(); ++i) {
    fmt::format_to(std::back_inserter(out), "allocation_http_responses_total{{code=\"{}xx\"}} {}\n",
                   i + 1, http.responses_by_class[i]);
  }
  delivery(out, service);
  consumption(out, service);
  process(out);
  return fmt::to_string(out);
}

}  // namespace allocation::entrypoints::http
