#include "adapters/sqlite/outbox_reader.hpp"

#include "adapters/rows.hpp"
#include "adapters/sqlite/statements.hpp"

namespace allocation::adapters::sqlite {

std::vector<service_layer::OutboxEntry> SqliteOutboxReader::undelivered(std::string_view event_name,
                                                                        std::size_t limit) {
  StatementUse select{db_.statement(sql::select_undelivered)};
  select->bind(1, event_name).bind(2, static_cast<std::int64_t>(limit));
  std::vector<service_layer::OutboxEntry> entries;
  while (select->step()) {
    if (auto entry = outbox_entry_of(event_name, *select)) entries.push_back(std::move(*entry));
  }
  return entries;
}

void SqliteOutboxReader::mark_delivered(const std::vector<std::int64_t>& ids) {
  Transaction transaction{db_};
  for (std::int64_t id : ids) {
    StatementUse update{db_.statement(sql::mark_delivered)};
    update->bind(1, id).execute();
  }
  transaction.commit();
}

}  // namespace allocation::adapters::sqlite
