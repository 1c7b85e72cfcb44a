#include "adapters/sqlite/relay_outbox.hpp"

#include <algorithm>

#include "adapters/rows.hpp"
#include "adapters/sqlite/statements.hpp"

namespace allocation::adapters::sqlite {

std::optional<std::int64_t> SqliteRelayOutbox::place_of(std::string_view destination) {
  StatementUse select{db_.statement(sql::select_outbox_cursor)};
  select->bind(1, destination);
  if (!select->step()) return std::nullopt;
  return select->int64(0);
}

std::int64_t SqliteRelayOutbox::place_of_new(std::string_view destination) {
  if (auto place = place_of(destination)) return *place;
  StatementUse insert{db_.statement(sql::insert_outbox_cursor)};
  insert->bind(1, destination).execute();
  return 0;
}

std::vector<service_layer::OutboxEntry> SqliteRelayOutbox::undelivered(std::string_view destination,
                                                                       std::size_t limit) {
  StatementUse select{db_.statement(sql::select_undelivered)};
  select->bind(1, place_of_new(destination)).bind(2, static_cast<std::int64_t>(limit));
  std::vector<service_layer::OutboxEntry> entries;
  std::optional<std::int64_t> last_id;
  while (select->step()) {
    last_id = select->int64(0);
    if (auto entry = outbox_entry_of(*select)) entries.push_back(std::move(*entry));
  }
  // Rows that cannot be read (logged) are passed, so that they hold nothing back.
  if (entries.empty() && last_id) mark_delivered(destination, *last_id);
  return entries;
}

void SqliteRelayOutbox::mark_delivered(std::string_view destination, std::int64_t through_id) {
  StatementUse update{db_.statement(sql::mark_delivered)};
  update->bind(1, destination).bind(2, through_id).execute();
}

service_layer::OutboxBacklog SqliteRelayOutbox::backlog(std::string_view destination) {
  StatementUse select{db_.statement(sql::select_outbox_backlog)};
  select->bind(1, place_of(destination).value_or(0));
  select->step();
  return {static_cast<std::uint64_t>(select->int64(0)),
          static_cast<double>(std::max<std::int64_t>(select->int64(1), 0)) / 1000.0};
}

std::size_t SqliteRelayOutbox::remove_delivered(const std::vector<std::string>& destinations,
                                                std::chrono::seconds retention, std::size_t limit) {
  if (destinations.empty()) return 0;
  std::optional<std::int64_t> all_past;
  for (const std::string& destination : destinations) {
    auto place = place_of(destination);
    if (!place) return 0;
    all_past = std::min(all_past.value_or(*place), *place);
  }
  StatementUse remove{db_.statement(sql::delete_delivered)};
  std::string before = "-" + std::to_string(retention.count()) + " seconds";
  return static_cast<std::size_t>(remove->bind(1, *all_past)
                                      .bind(2, before)
                                      .bind(3, static_cast<std::int64_t>(limit))
                                      .execute());
}

}  // namespace allocation::adapters::sqlite
