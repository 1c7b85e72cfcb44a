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

// Stock set aside for a line until `expires_at`, not yet allocated to it.
struct Hold {
  OrderLine line;
  Instant expires_at;
  friend bool operator==(const Hold&, const Hold&) = default;
};

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
  // Held by holds that have not expired at `now`: from its expires_at on, a hold counts for
  // nothing, whether or not it has been released yet.
  [[nodiscard]] std::int64_t held_quantity(Instant now) const;
  [[nodiscard]] std::int64_t available_quantity(Instant now) const {
    return purchased_quantity_ - allocated_quantity_ - held_quantity(now);
  }
  // In the order they were allocated, oldest first.
  [[nodiscard]] const std::vector<OrderLine>& allocations() const { return allocations_; }
  // Earliest expiry first; expired ones stay until released.
  [[nodiscard]] const std::vector<Hold>& hold_list() const { return holds_; }

  [[nodiscard]] bool holds(const OrderLine& line) const { return lines_.contains(line); }
  [[nodiscard]] bool can_allocate(const OrderLine& line, Instant now) const {
    return line.sku == sku_ && available_quantity(now) >= line.qty;
  }

  // A line already allocated here, or one that does not fit, is left alone.
  void allocate(const OrderLine& line, Instant now);
  // Precondition: the line fits (can_allocate).
  void hold(const OrderLine& line, Instant expires_at);
  // Removes and returns the holds of `orderid`.
  std::vector<Hold> release_holds_of(std::string_view orderid);
  // Removes and returns the holds expired at `now`.
  std::vector<Hold> release_expired_holds(Instant now);
  // Removes and returns the hold that expires last, if any.
  std::optional<Hold> release_latest_hold();
  // Removes and returns the most recently allocated line, if any.
  std::optional<OrderLine> deallocate_most_recent();
  // Removes `line` when it is allocated here; true when it was.
  bool deallocate(const OrderLine& line);
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
  template <class Released>
  std::vector<Hold> release_holds_where(Released released);

  std::string reference_;
  std::string sku_;
  std::int64_t purchased_quantity_;
  std::optional<Date> eta_;
  std::vector<OrderLine> allocations_;
  std::unordered_set<OrderLine> lines_;
  std::int64_t allocated_quantity_ = 0;
  std::vector<Hold> holds_;
  std::int64_t recorded_held_quantity_ = 0;  // expired holds included, until released
};

}  // namespace allocation::domain
