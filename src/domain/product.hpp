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

// The aggregate and consistency boundary for one SKU: all its batches, and a version
// number that increases on every change so that concurrent writers can detect each other.
class Product {
 public:
  explicit Product(std::string sku, std::int64_t version_number = 0,
                   std::vector<Batch> batches = {});

  [[nodiscard]] const std::string& sku() const { return sku_; }
  [[nodiscard]] std::int64_t version_number() const { return version_number_; }
  // In allocation preference order.
  [[nodiscard]] const std::vector<Batch>& batches() const { return batches_; }
  [[nodiscard]] const Batch* find_batch(std::string_view reference) const;

  // Precondition: no batch of this product has `reference`.
  void add_batch(std::string reference, std::int64_t purchased_quantity, std::optional<Date> eta);

  // Allocates the whole line to the first batch that can take it and returns that batch's
  // reference. A line already allocated returns its batch and changes nothing. When no
  // batch can take it, records OutOfStock and returns nothing.
  std::optional<std::string> allocate(const OrderLine& line);

  // Places again a line that lost its batch, like allocate(); when no batch can take it, the
  // line is announced as unallocated (LineUnallocated) besides OutOfStock.
  std::optional<std::string> reallocate(const OrderLine& line);

  // Returns every line of `orderid` to stock without placing it again (Deallocated, reason
  // cancelled); an order with no line here changes nothing.
  void cancel_order(std::string_view orderid);

  // The lines of `orderid` in batches that have not arrived (an ETA): they cannot ship.
  [[nodiscard]] std::vector<std::pair<OrderLine, const Batch*>> lines_in_transit(
      std::string_view orderid) const;

  // Every line of `orderid` leaves the warehouse (LineShipped): its batch's quantity goes down
  // by the line's and the line is retired, so that it occupies no memory. Precondition: none
  // of them is in transit (lines_in_transit).
  void ship_order(std::string_view orderid);

  // Sets the purchased quantity; while the batch is over-allocated, its most recent lines
  // are deallocated (a Deallocated event each) for the caller to reallocate.
  // Precondition: the product has a batch with `reference`.
  void change_batch_quantity(std::string_view reference, std::int64_t purchased_quantity);

  // A shipment's ETA moves, or it arrives (nullopt: in the warehouse). Its lines stay where
  // they are; the batch takes its place in the preference order for lines to come. The same
  // ETA again changes nothing. Precondition: the product has a batch with `reference`.
  void change_batch_eta(std::string_view reference, std::optional<Date> eta);

  [[nodiscard]] const std::vector<Event>& pending_events() const { return events_; }
  std::vector<Event> take_events();

  friend std::ostream& operator<<(std::ostream& out, const Product& product);

 private:
  Batch* batch_named(std::string_view reference);

  std::string sku_;
  std::int64_t version_number_;
  std::vector<Batch> batches_;
  std::vector<Event> events_;
};

}  // namespace allocation::domain
