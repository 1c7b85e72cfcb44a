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

// Queries answered from the read models, never from the write model (CQRS).
class ReadModelReader {
 public:
  virtual ~ReadModelReader() = default;
  virtual std::vector<AllocationView> allocations_for_order(std::string_view orderid) = 0;
  // In allocation preference order; empty when the SKU has no batch.
  virtual std::vector<BatchView> batches_for_sku(std::string_view sku) = 0;
};

}  // namespace allocation::service_layer
