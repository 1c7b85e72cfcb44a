#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "domain/batch.hpp"
#include "domain/events.hpp"
#include "domain/order_line.hpp"

namespace allocation::domain {

// The share of a line that one batch takes.
struct Part {
  std::string batchref;
  std::int64_t qty = 0;
  friend bool operator==(const Part&, const Part&) = default;
};

// The aggregate and consistency boundary for one SKU: all its batches, and a version
// number that increases on every change so that concurrent writers can detect each other.
class Product {
 public:
  explicit Product(std::string sku, std::int64_t version_number = 0,
                   std::vector<Batch> batches = {});

  [[nodiscard]] const std::string& sku() const { return sku_; }
  [[nodiscard]] std::int64_t version_number() const { return version_number_; }
  // The version a store last saw, for one that keeps products outside this service.
  void set_version_number(std::int64_t version_number) { version_number_ = version_number; }
  // In allocation preference order.
  [[nodiscard]] const std::vector<Batch>& batches() const { return batches_; }
  [[nodiscard]] const Batch* find_batch(std::string_view reference) const;

  // Precondition: no batch of this product has `reference`.
  void add_batch(std::string reference, std::int64_t purchased_quantity, std::optional<Date> eta);

  // Allocates the whole line to the first batch that can take it at `now` and returns that
  // batch's reference. A line already allocated returns its batch and changes nothing. When no
  // batch can take it, records OutOfStock and returns nothing.
  std::optional<std::string> allocate(const OrderLine& line, Instant now);

  // Places again a line that lost its batch, in the first batch that can take it and does not
  // hold an equal line (the twin of a split line's part); when none can, the line is announced
  // as unallocated (LineUnallocated) besides OutOfStock.
  std::optional<std::string> reallocate(const OrderLine& line, Instant now);

  // The parts `line` would take at `now`, in preference order: all of it from the first batch
  // that can take it, or with `split` from as many batches as it needs; empty when the stock
  // falls short. Changes nothing.
  [[nodiscard]] std::vector<Part> plan(const OrderLine& line, bool split, Instant now) const;
  // The most one line could take at `now`: what the fullest batch has available, or with
  // `split`, what all of them have together.
  [[nodiscard]] std::int64_t obtainable(bool split, Instant now) const;
  // Takes the parts that plan() found for `line` at `now`, allocated (Allocated each) or, with
  // `hold_until`, held until then (OrderHeld each). Precondition: `parts` is not empty and
  // nothing changed the product since.
  void place(const OrderLine& line, const std::vector<Part>& parts,
             std::optional<Instant> hold_until, Instant now);

  // What the holds of `orderid` that have not expired at `now` set aside, together.
  [[nodiscard]] std::int64_t held_for(std::string_view orderid, Instant now) const;
  // The order's holds become allocations of `qty` in all, taken in preference order
  // (HoldConfirmed each); the rest returns to stock (HoldReleased, cancelled, for a hold of
  // which nothing is kept). Precondition: 0 <= qty <= held_for(orderid, now).
  void confirm_holds(std::string_view orderid, std::int64_t qty, Instant now);

  // Returns every allocated and held line of `orderid` to stock without placing it again
  // (Deallocated, reason cancelled; HoldReleased, reason cancelled, or expired for a hold whose
  // time has run out); an order with no line here changes nothing.
  void cancel_order(std::string_view orderid, Instant now);

  // Releases every hold expired at `now` (HoldReleased, reason expired); it already counted
  // for nothing.
  void release_expired_holds(Instant now);

  // The lines of `orderid` in batches that have not arrived (an ETA): they cannot ship.
  [[nodiscard]] std::vector<std::pair<OrderLine, const Batch*>> lines_in_transit(
      std::string_view orderid) const;

  // Every allocated line of `orderid` leaves the warehouse (LineShipped): its batch's quantity
  // goes down by the line's and the line is retired, so that it occupies no memory.
  // Precondition: none of them is in transit (lines_in_transit).
  void ship_order(std::string_view orderid);

  // Sets the purchased quantity; while the batch has less available than nothing at `now`, its
  // latest hold is released (HoldReleased, reason quantity_changed), and once none is left
  // its most recent lines are deallocated (a Deallocated event each) for the caller to
  // reallocate. Precondition: the product has a batch with `reference`.
  void change_batch_quantity(std::string_view reference, std::int64_t purchased_quantity,
                             Instant now);

  // A shipment's ETA moves, or it arrives (nullopt: in the warehouse). Its lines stay where
  // they are; the batch takes its place in the preference order for lines to come. The same
  // ETA again changes nothing. Precondition: the product has a batch with `reference`.
  void change_batch_eta(std::string_view reference, std::optional<Date> eta);

  [[nodiscard]] const std::vector<Event>& pending_events() const { return events_; }
  std::vector<Event> take_events();

  friend std::ostream& operator<<(std::ostream& out, const Product& product);

 private:
  Batch* batch_named(std::string_view reference);
  void release(const Hold& hold, const Batch& batch, events::HoldReleaseReason reason);

  std::string sku_;
  std::int64_t version_number_;
  std::vector<Batch> batches_;
  std::vector<Event> events_;
};

}  // namespace allocation::domain
