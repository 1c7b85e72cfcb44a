#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>

#include "adapters/postgres/connection.hpp"
#include "service_layer/outbox_relay.hpp"

namespace allocation::adapters::postgres {

// The outbox as a relay and the pruner see it, on a connection of their own. Of several
// processes, only the one holding the destination's advisory lock relays to it, so that
// events stay in order.
class PostgresRelayOutbox final : public service_layer::RelayOutbox {
 public:
  explicit PostgresRelayOutbox(const std::string& url) : db_{url} {}
  std::vector<service_layer::OutboxEntry> undelivered(std::string_view destination,
                                                      std::size_t limit) override;
  void mark_delivered(std::string_view destination, std::int64_t through_id) override;
  service_layer::OutboxBacklog backlog(std::string_view destination) override;
  std::size_t remove_delivered(const std::vector<std::string>& destinations,
                               std::chrono::seconds retention, std::size_t limit) override;

  // (txid, id), compared in that order.
  struct Place {
    std::uint64_t txid = 0;
    std::int64_t id = 0;
    auto operator<=>(const Place&) const = default;
  };

 private:
  // The destination's place, which starts before the first entry.
  std::optional<Place> place_of(std::string_view destination);

  Connection db_;
  // The destinations whose advisory lock this connection holds.
  std::set<std::string, std::less<>> relaying_to_;
  // The transaction of each entry `undelivered` returned last, by id.
  std::map<std::int64_t, std::uint64_t> txid_of_last_returned_;
};

}  // namespace allocation::adapters::postgres
