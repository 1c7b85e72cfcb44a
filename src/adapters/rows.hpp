#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "domain/date.hpp"
#include "domain/product.hpp"
#include "service_layer/identity.hpp"
#include "service_layer/outbox_relay.hpp"
#include "service_layer/read_model.hpp"

// What every engine reads back the same way, written once. A `Row` is an engine's view of one
// result row: `text(column)`, `optional_text(column)` and `int64(column)`; each mapping names
// the columns it expects, in order.
namespace allocation::adapters {

// Dates are stored as ISO text (SQLite) or read back as it (PostgreSQL's date).
std::optional<std::string> iso_text(const std::optional<domain::Date>& date);
std::optional<domain::Date> date_of(const std::optional<std::string>& iso);

struct AllocationRow {
  std::string orderid;
  std::int64_t qty = 0;
  std::string batchref;
};

struct HoldRow {
  std::string orderid;
  std::int64_t qty = 0;
  std::string batchref;
  domain::Instant expires_at;
};

// Instants are stored as milliseconds since the epoch, UTC.
std::int64_t stored_instant(domain::Instant instant);
std::optional<domain::Instant> instant_of(const std::optional<std::string>& milliseconds);

// The state of an order's line after its hold is released for `reason`.
std::string_view line_state_after(domain::events::HoldReleaseReason reason);

// A product from its batches, its allocations in the order they were made, and its holds.
domain::Product assemble_product(const std::string& sku, std::int64_t version,
                                 std::vector<domain::Batch> batches,
                                 const std::vector<AllocationRow>& allocations,
                                 const std::vector<HoldRow>& holds);

// (reference, purchased_quantity, eta)
template <class Row>
domain::Batch batch_of(const Row& row, const std::string& sku) {
  return domain::Batch{row.text(0), sku, row.int64(1), date_of(row.optional_text(2))};
}

// (orderid, qty, batchref)
template <class Row>
AllocationRow allocation_of(const Row& row) {
  return {row.text(0), row.int64(1), row.text(2)};
}

// (orderid, qty, batchref, expires_at)
template <class Row>
HoldRow hold_of(const Row& row) {
  return {row.text(0), row.int64(1), row.text(2),
          domain::Instant{std::chrono::milliseconds{row.int64(3)}}};
}

// (sku, batchref)
template <class Row>
service_layer::AllocationView allocation_view_of(const Row& row) {
  return {row.text(0), row.text(1)};
}

// Allocated, held and available, from what a read-model row stores (purchased quantity,
// available quantity) beside the holds not yet expired (live) and all those not yet released
// (recorded): the stored available quantity leaves out every recorded hold.
struct StockCounts {
  std::int64_t allocated = 0;
  std::int64_t held = 0;
  std::int64_t available = 0;
};
template <class Row>
StockCounts stock_counts_of(const Row& row, int purchased_column) {
  auto purchased = row.int64(purchased_column);
  auto stored_available = row.int64(purchased_column + 1);
  auto live_held = row.int64(purchased_column + 2);
  auto recorded_held = row.int64(purchased_column + 3);
  return {purchased - stored_available - recorded_held, live_held,
          stored_available + recorded_held - live_held};
}

// (reference, eta, purchased_quantity, available_quantity, live held, recorded held)
template <class Row>
service_layer::BatchView batch_view_of(const Row& row) {
  auto counts = stock_counts_of(row, 2);
  return {row.text(0),      row.optional_text(1), row.int64(2),
          counts.allocated, counts.held,          counts.available};
}

// (sku, then the sums over its batches of batch_view_of's columns after the ETA)
template <class Row>
service_layer::ProductView product_view_of(const Row& row) {
  auto counts = stock_counts_of(row, 1);
  return {row.text(0), row.int64(1), counts.allocated, counts.held, counts.available};
}

// (sku, qty, batchref, eta, state, expires_at)
template <class Row>
service_layer::OrderLineView order_line_view_of(const Row& row) {
  return {row.text(0),          row.int64(1), row.optional_text(2),
          row.optional_text(3), row.text(4),  instant_of(row.optional_text(5))};
}

// The outbox entry of an (id, payload) row of `event_name`; nullopt, logged, when its payload
// is unreadable, so that one bad row does not hold back the rest.
std::optional<service_layer::OutboxEntry> outbox_entry_of(std::string_view event_name,
                                                          std::int64_t id,
                                                          std::string_view payload);
// (id, event, payload)
template <class Row>
std::optional<service_layer::OutboxEntry> outbox_entry_of(const Row& row) {
  return outbox_entry_of(row.text(1), row.int64(0), row.text(2));
}

// (name, role, created_at, revoked_at, last_used_at)
template <class Row>
service_layer::TokenRecord token_record_of(const Row& row) {
  return {row.text(0), service_layer::parse_role(row.text(1)).value_or(service_layer::Role::reader),
          row.text(2), row.optional_text(3), row.optional_text(4)};
}

// (token_hash, name, role); nullopt for a role this build does not know.
template <class Row>
std::optional<std::pair<std::string, service_layer::Identity>> token_identity_of(const Row& row) {
  auto role = service_layer::parse_role(row.text(2));
  if (!role) return std::nullopt;
  return std::pair{row.text(0), service_layer::Identity{row.text(1), *role}};
}

// (at, token_name, request_id, action, details)
template <class Row>
service_layer::AuditEntry audit_entry_of(const Row& row) {
  return {row.text(0), row.text(1), row.text(2), row.text(3), row.text(4)};
}

}  // namespace allocation::adapters
