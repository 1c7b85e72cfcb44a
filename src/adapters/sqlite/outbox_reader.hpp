#pragma once

#include <string>

#include "adapters/sqlite/connection.hpp"
#include "service_layer/outbox_relay.hpp"

namespace allocation::adapters::sqlite {

// The outbox as a relay reads it, on a connection of its own.
class SqliteOutboxReader final : public service_layer::OutboxReader {
 public:
  explicit SqliteOutboxReader(const std::string& path) : db_{path} {}
  std::vector<service_layer::OutboxEntry> undelivered(std::string_view event_name,
                                                      std::size_t limit) override;
  void mark_delivered(const std::vector<std::int64_t>& ids) override;

 private:
  Connection db_;
};

}  // namespace allocation::adapters::sqlite
