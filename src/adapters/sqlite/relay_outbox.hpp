#pragma once

#include <string>

#include "adapters/sqlite/connection.hpp"
#include "service_layer/outbox_relay.hpp"

namespace allocation::adapters::sqlite {

// The outbox as a relay and the pruner see it, on a connection of their own. One process
// writes to an SQLite database at a time, so ids are in commit order.
class SqliteRelayOutbox final : public service_layer::RelayOutbox {
 public:
  explicit SqliteRelayOutbox(const std::string& path) : db_{path} {}
  std::vector<service_layer::OutboxEntry> undelivered(std::string_view destination,
                                                      std::size_t limit) override;
  void mark_delivered(std::string_view destination, std::int64_t through_id) override;
  service_layer::OutboxBacklog backlog(std::string_view destination) override;
  std::size_t remove_delivered(const std::vector<std::string>& destinations,
                               std::chrono::seconds retention, std::size_t limit) override;

 private:
  // The destination's place, which starts before the first entry.
  std::optional<std::int64_t> place_of(std::string_view destination);
  std::int64_t place_of_new(std::string_view destination);

  Connection db_;
};

}  // namespace allocation::adapters::sqlite
