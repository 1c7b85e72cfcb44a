#include "adapters/sqlite/outbox_reader.hpp"

#include <spdlog/spdlog.h>

#include "adapters/event_json.hpp"

namespace allocation::adapters::sqlite {

std::vector<service_layer::OutboxEntry> SqliteOutboxReader::undelivered(std::string_view event_name,
                                                                        std::size_t limit) {
  StatementUse select{db_.statement(
      "SELECT id, payload FROM outbox WHERE event = ? AND delivered_at IS NULL ORDER BY id "
      "LIMIT ?")};
  select->bind(1, event_name).bind(2, static_cast<std::int64_t>(limit));
  std::vector<service_layer::OutboxEntry> entries;
  while (select->step()) {
    auto event = event_from_json(event_name, select->text(1));
    if (!event) {
      spdlog::error("msg=\"outbox entry unreadable; skipped\" outbox_id={}", select->int64(0));
      continue;
    }
    entries.push_back({select->int64(0), std::move(*event)});
  }
  return entries;
}

void SqliteOutboxReader::mark_delivered(const std::vector<std::int64_t>& ids) {
  db_.run("BEGIN IMMEDIATE");
  try {
    for (std::int64_t id : ids) {
      StatementUse update{db_.statement(
          "UPDATE outbox SET delivered_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?")};
      update->bind(1, id).execute();
    }
    db_.run("COMMIT");
  } catch (...) {
    db_.execute("ROLLBACK");
    throw;
  }
}

}  // namespace allocation::adapters::sqlite
