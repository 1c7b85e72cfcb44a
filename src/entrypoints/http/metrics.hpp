#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "service_layer/group_committer.hpp"
#include "service_layer/outbox_relay.hpp"

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
  struct Delivery {
    std::string destination;  // "redis", "smtp"
    service_layer::OutboxRelay::Statistics relay;
  };
  // Per destination events are relayed to.
  std::vector<Delivery> deliveries;
  std::uint64_t outbox_entries_removed = 0;
  struct Consumption {
    // The Prometheus label that names the source: `channel="change_batch_quantity"`.
    std::string source;
    std::uint64_t received = 0;
    std::uint64_t malformed = 0;
    std::uint64_t rejected = 0;
  };
  // Per source of commands consumed.
  std::vector<Consumption> consumed;
  struct BrokerConnection {
    std::string broker;  // "redis", "smtp"
    std::string use;     // "delivery", "consumption"
    bool up = false;
  };
  std::vector<BrokerConnection> brokers;
};

// What `GET /metrics` answers: the service's and the server's figures in the Prometheus text
// exposition format (version 0.0.4).
std::string prometheus_text(const ServiceFigures& service, const HttpStatistics& http);

}  // namespace allocation::entrypoints::http
