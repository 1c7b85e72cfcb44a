#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "service_layer/group_committer.hpp"

namespace allocation::entrypoints::http {

struct HttpStatistics {
  std::size_t connections_open = 0;
  std::size_t connections_max = 0;
  // Responses sent, by the first digit of their status: [0] is 1xx, ..., [4] is 5xx.
  std::array<std::uint64_t, 5> responses_by_class{};
};

// What the service beside the server counts.
struct ServiceFigures {
  service_layer::GroupCommitter::Statistics writer;
  std::uint64_t failed_event_handlers = 0;
  struct Deliveries {
    std::string event;  // "Allocated", "OutOfStock"
    std::uint64_t delivered = 0;
  };
  // Per outbox relay.
  std::vector<Deliveries> deliveries;
  struct Consumption {
    std::uint64_t received = 0;
    std::uint64_t malformed = 0;
    std::uint64_t rejected = 0;
  };
  // Of the change_batch_quantity channel, when consumed.
  std::optional<Consumption> consumed;
};

// What `GET /metrics` answers: the service's and the server's figures in the Prometheus text
// exposition format (version 0.0.4).
std::string prometheus_text(const ServiceFigures& service, const HttpStatistics& http);

}  // namespace allocation::entrypoints::http
