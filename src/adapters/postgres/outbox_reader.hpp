#pragma once

#include <string>

#include "adapters/postgres/connection.hpp"
#include "service_layer/outbox_relay.hpp"

namespace allocation::adapters::postgres {

// The outbox as a relay reads it, on a connection of its own. Of several processes, only the
// one holding the event kind's advisory lock relays it, so that events stay in order.
class PostgresOutboxReader final : public service_layer::OutboxReader {
 public:
  explicit PostgresOutboxReader(const std::string& url) : db_{url} {}
  std::vector<service_layer::OutboxEntry> undelivered(std::string_view event_name,
                                                      std::size_t limit) override;
  void mark_delivered(const std::vector<std::int64_t>& ids) override;

 private:
  Connection db_;
  bool relaying_ = false;
};

}  // namespace allocation::adapters::postgres
