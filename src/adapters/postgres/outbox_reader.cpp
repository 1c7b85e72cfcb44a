#include "adapters/postgres/outbox_reader.hpp"

#include <spdlog/spdlog.h>

#include "adapters/event_json.hpp"

namespace allocation::adapters::postgres {

std::vector<service_layer::OutboxEntry> PostgresOutboxReader::undelivered(
    std::string_view event_name, std::size_t limit) {
  if (!relaying_ || db_.lost()) {
    db_.ensure_connected();
    relaying_ =
        db_.run("SELECT pg_try_advisory_lock(4711, hashtext($1))", {std::string{event_name}})
            .text(0, 0) == "t";
    if (!relaying_) return {};
  }
  Result rows = db_.run(
      "SELECT id, payload FROM outbox WHERE event = $1 AND delivered_at IS NULL ORDER BY id "
      "LIMIT $2",
      {std::string{event_name}, std::to_string(limit)});
  std::vector<service_layer::OutboxEntry> entries;
  for (int row = 0; row < rows.rows(); ++row) {
    auto event = event_from_json(event_name, rows.text(row, 1));
    if (!event) {
      spdlog::error("msg=\"outbox entry unreadable; skipped\" outbox_id={}", rows.int64(row, 0));
      continue;
    }
    entries.push_back({rows.int64(row, 0), std::move(*event)});
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
  db_.run("UPDATE outbox SET delivered_at = now() WHERE id = ANY($1::bigint[])", {array});
}

}  // namespace allocation::adapters::postgres
