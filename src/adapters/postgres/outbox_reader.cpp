#include "adapters/postgres/outbox_reader.hpp"

#include "adapters/postgres/statements.hpp"
#include "adapters/rows.hpp"

namespace allocation::adapters::postgres {

std::vector<service_layer::OutboxEntry> PostgresOutboxReader::undelivered(
    std::string_view event_name, std::size_t limit) {
  if (!relaying_ || db_.lost()) {
    db_.ensure_connected();
    relaying_ = db_.run(sql::try_relay_lock,
                        {std::to_string(sql::advisory_lock_space), std::string{event_name}})
                    .text(0, 0) == "t";
    if (!relaying_) return {};
  }
  Result rows = db_.run(sql::select_undelivered, {std::string{event_name}, std::to_string(limit)});
  std::vector<service_layer::OutboxEntry> entries;
  for (int row = 0; row < rows.rows(); ++row) {
    if (auto entry = outbox_entry_of(event_name, rows.row(row)))
      entries.push_back(std::move(*entry));
  }
  return entries;
}

void PostgresOutboxReader::mark_delivered(const std::vector<std::int64_t>& ids) {
  std::string array = "{";
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (i > 0) array += ',';
    array += std::to_string(ids[i]);
  }
  array += '}';
  db_.run(sql::mark_delivered, {array});
}

}  // namespace allocation::adapters::postgres
