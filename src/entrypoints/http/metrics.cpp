#include "entrypoints/http/metrics.hpp"

#include <fmt/format.h>

#include <iterator>
#include <string_view>

namespace allocation::entrypoints::http {

namespace {

using Buffer = fmt::memory_buffer;

void header(Buffer& out, std::string_view name, std::string_view type, std::string_view help) {
  fmt::format_to(std::back_inserter(out), "# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
}

void counter(Buffer& out, std::string_view name, std::string_view help, std::uint64_t value) {
  header(out, name, "counter", help);
  fmt::format_to(std::back_inserter(out), "{} {}\n", name, value);
}

void gauge(Buffer& out, std::string_view name, std::string_view help, std::uint64_t value) {
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
  header(out, "allocation_events_delivered_total", "counter",
         "Events the outbox relay delivered to their destination, by event.");
  for (const auto& relay : service.deliveries) {
    fmt::format_to(std::back_inserter(out),
                   "allocation_events_delivered_total{{event=\"{}\"}} {}\n", relay.event,
                   relay.delivered);
  }
  if (!service.consumed) return;
  header(out, "allocation_messages_consumed_total", "counter",
         "Messages read from the change_batch_quantity channel, by outcome: received, "
         "malformed (skipped) and rejected (the command failed).");
  for (auto [outcome, count] : {std::pair{"received", service.consumed->received},
                                std::pair{"malformed", service.consumed->malformed},
                                std::pair{"rejected", service.consumed->rejected}}) {
    fmt::format_to(std::back_inserter(out),
                   "allocation_messages_consumed_total{{channel=\"change_batch_quantity\","
                   "outcome=\"{}\"}} {}\n",
                   outcome, count);
  }
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
  return fmt::to_string(out);
}

}  // namespace allocation::entrypoints::http
