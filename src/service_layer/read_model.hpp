#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace allocation::service_layer {

struct AllocationView {
  std::string sku;
  std::string batchref;
  friend bool operator==(const AllocationView&, const AllocationView&) = default;
};

struct BatchView {
  std::string reference;
  std::optional<std::string> eta;  // ISO date
  std::int64_t purchased_quantity = 0;
  std::int64_t available_quantity = 0;
  friend bool operator==(const BatchView&, const BatchView&) = default;
};

// A line of an order as the shop sees it: allocated to a batch (whose ETA is the date the
// shop can promise; none: in the warehouse), or `cancelled`, or `unallocated` (it lost its
// batch and found no other), without a batch.
struct OrderLineView {
  std::string sku;
  std::int64_t qty = 0;
  std::optional<std::string> batchref;
  std::optional<std::string> eta;  // ISO date
  std::string state;
  friend bool operator==(const OrderLineView&, const OrderLineView&) = default;
};

// Queries answered from the read models, never from the write model (CQRS).
class ReadModelReader {
 public:
  virtual ~ReadModelReader() = default;
  virtual std::vector<AllocationView> allocations_for_order(std::string_view orderid) = 0;
  // In allocation preference order; empty when the SKU has no batch.
  virtual std::vector<BatchView> batches_for_sku(std::string_view sku) = 0;
  // Allocated lines first, each part in the order it came; empty for an unknown order.
  virtual std::vector<OrderLineView> order_lines(std::string_view orderid) = 0;
};

}  // namespace allocation::service_layer
