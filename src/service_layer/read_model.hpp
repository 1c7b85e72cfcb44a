#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/date.hpp"

namespace allocation::service_layer {

struct AllocationView {
  std::string sku;
  std::string batchref;
  friend bool operator==(const AllocationView&, const AllocationView&) = default;
};

// At the time of the query: holds that have expired count for nothing.
struct BatchView {
  std::string reference;
  std::optional<std::string> eta;  // ISO date
  std::int64_t purchased_quantity = 0;
  std::int64_t allocated_quantity = 0;
  std::int64_t held_quantity = 0;
  std::int64_t available_quantity = 0;
  friend bool operator==(const BatchView&, const BatchView&) = default;
};

// A SKU's totals over its batches, as BatchView counts them.
struct ProductView {
  std::string sku;
  std::int64_t purchased_quantity = 0;
  std::int64_t allocated_quantity = 0;
  std::int64_t held_quantity = 0;
  std::int64_t available_quantity = 0;
  friend bool operator==(const ProductView&, const ProductView&) = default;
};

// A line of an order as the shop sees it: `allocated` or `held` in a batch (whose ETA is the
// date the shop can promise; none: in the warehouse), `shipped` from a batch, or without one
// `cancelled`, `expired` (a hold whose time ran out, released or not), or `unallocated` (it
// lost its batch and found no other). A line split over batches has one view per batch.
struct OrderLineView {
  std::string sku;
  std::int64_t qty = 0;
  std::optional<std::string> batchref;
  std::optional<std::string> eta;  // ISO date
  std::string state;
  std::optional<domain::Instant> expires_at;  // held and expired lines
  friend bool operator==(const OrderLineView&, const OrderLineView&) = default;
};

// Queries answered from the read models, never from the write model (CQRS).
class ReadModelReader {
 public:
  virtual ~ReadModelReader() = default;
  virtual std::vector<AllocationView> allocations_for_order(std::string_view orderid) = 0;
  // In allocation preference order, as at `now`; empty when the SKU has no batch.
  virtual std::vector<BatchView> batches_for_sku(std::string_view sku, domain::Instant now) = 0;
  // Up to `limit` SKUs that have batches, each after `after` in byte order ("": from the
  // first), as at `now`.
  virtual std::vector<ProductView> products(std::string_view after, std::size_t limit,
                                            domain::Instant now) = 0;
  // As at `now`: allocated lines first, then the others, each in the order it came; empty for
  // an unknown order.
  virtual std::vector<OrderLineView> order_lines(std::string_view orderid, domain::Instant now) = 0;
};

}  // namespace allocation::service_layer
