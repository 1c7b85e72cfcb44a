#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <unordered_set>
#include <vector>

#include "domain/date.hpp"
#include "domain/order_line.hpp"

namespace allocation::domain {

// Stock of one SKU, identified by its reference: in the warehouse when it has no ETA,
// otherwise a shipment due on that date.
class Batch {
 public:
  Batch(std::string reference, std::string sku, std::int64_t purchased_quantity,
        std::optional<Date> eta);

  [[nodiscard]] const std::string& reference() const { return reference_; }
  [[nodiscard]] const std::string& sku() const { return sku_; }
  [[nodiscard]] const std::optional<Date>& eta() const { return eta_; }
  [[nodiscard]] std::int64_t purchased_quantity() const { return purchased_quantity_; }
  [[nodiscard]] std::int64_t allocated_quantity() const { return allocated_quantity_; }
  [[nodiscard]] std::int64_t available_quantity() const {
    return purchased_quantity_ - allocated_quantity_;
  }
  // In the order they were allocated, oldest first.
  [[nodiscard]] const std::vector<OrderLine>& allocations() const { return allocations_; }

  [[nodiscard]] bool holds(const OrderLine& line) const { return lines_.contains(line); }
  [[nodiscard]] bool can_allocate(const OrderLine& line) const {
    return line.sku == sku_ && available_quantity() >= line.qty;
  }

  // A line already held, or one that does not fit, is left alone.
  void allocate(const OrderLine& line);
  // Removes and returns the most recently allocated line, if any.
  std::optional<OrderLine> deallocate_most_recent();
  // Removes and returns the lines of `orderid`, oldest first.
  std::vector<OrderLine> deallocate_order(std::string_view orderid);
  void set_purchased_quantity(std::int64_t quantity) { purchased_quantity_ = quantity; }
  void set_eta(std::optional<Date> eta) { eta_ = eta; }

  // Warehouse stock first, then shipments by earliest ETA, ties by reference.
  [[nodiscard]] bool is_preferred_to(const Batch& other) const;

  // An entity: the same reference is the same batch.
  friend bool operator==(const Batch& a, const Batch& b) { return a.reference_ == b.reference_; }
  friend std::ostream& operator<<(std::ostream& out, const Batch& batch);

 private:
  std::string reference_;
  std::string sku_;
  std::int64_t purchased_quantity_;
  std::optional<Date> eta_;
  std::vector<OrderLine> allocations_;
  std::unordered_set<OrderLine> lines_;
  std::int64_t allocated_quantity_ = 0;
};

}  // namespace allocation::domain
