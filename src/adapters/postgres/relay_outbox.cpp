#include "adapters/postgres/relay_outbox.hpp"

#include <algorithm>

#include "adapters/postgres/statements.hpp"
#include "adapters/rows.hpp"

namespace allocation::adapters::postgres {

namespace {

std::uint64_t txid_of(const std::string& text) { return std::stoull(text); }

}  // namespace

std::optional<PostgresRelayOutbox::Place> PostgresRelayOutbox::place_of(
    std::string_view destination) {
  Result cursor = db_.run(sql::select_outbox_cursor, {std::string{destination}});
  if (cursor.rows() == 0) return std::nullopt;
  return Place{txid_of(cursor.text(0, 0)), cursor.int64(0, 1)};
}

std::vector<service_layer::OutboxEntry> PostgresRelayOutbox::undelivered(
    std::string_view destination, std::size_t limit) {
  if (db_.lost()) relaying_to_.clear();
  if (!relaying_to_.contains(destination)) {
    db_.ensure_connected();
    bool locked = db_.run(sql::try_relay_lock,
                          {std::to_string(sql::advisory_lock_space), std::string{destination}})
                      .text(0, 0) == "t";
    if (!locked) return {};
    db_.run(sql::insert_outbox_cursor, {std::string{destination}});
    relaying_to_.emplace(destination);
  }
  Place place = place_of(destination).value_or(Place{});
  Result rows = db_.run(sql::select_undelivered, {std::to_string(place.txid),
                                                  std::to_string(place.id), std::to_string(limit)});
  txid_of_last_returned_.clear();
  std::vector<service_layer::OutboxEntry> entries;
  for (int row = 0; row < rows.rows(); ++row) {
    txid_of_last_returned_.emplace(rows.int64(row, 0), txid_of(rows.text(row, 3)));
    if (auto entry = outbox_entry_of(rows.row(row))) entries.push_back(std::move(*entry));
  }
  // Rows that cannot be read (logged) are passed, so that they hold nothing back.
  if (entries.empty() && rows.rows() > 0) {
    mark_delivered(destination, rows.int64(rows.rows() - 1, 0));
  }
  return entries;
}

void PostgresRelayOutbox::mark_delivered(std::string_view destination, std::int64_t through_id) {
  db_.run(sql::mark_delivered,
          {std::string{destination}, std::to_string(txid_of_last_returned_.at(through_id)),
           std::to_string(through_id)});
}

service_layer::OutboxBacklog PostgresRelayOutbox::backlog(std::string_view destination) {
  db_.ensure_connected();
  Place place = place_of(destination).value_or(Place{});
  Result backlog =
      db_.run(sql::select_outbox_backlog, {std::to_string(place.txid), std::to_string(place.id)});
  return {static_cast<std::uint64_t>(backlog.int64(0, 0)),
          static_cast<double>(std::max<std::int64_t>(backlog.int64(0, 1), 0)) / 1000.0};
}

std::size_t PostgresRelayOutbox::remove_delivered(const std::vector<std::string>& destinations,
                                                  std::chrono::seconds retention,
                                                  std::size_t limit) {
  if (destinations.empty()) return 0;
  db_.ensure_connected();
  std::optional<Place> all_past;
  for (const std::string& destination : destinations) {
    auto place = place_of(destination);
    if (!place) return 0;
    all_past = std::min(all_past.value_or(*place), *place);
  }
  Result removed =
      db_.run(sql::delete_delivered, {std::to_string(all_past->txid), std::to_string(all_past->id),
                                      std::to_string(retention.count()), std::to_string(limit)});
  return static_cast<std::size_t>(removed.affected_rows());
}

}  // namespace allocation::adapters::postgres
