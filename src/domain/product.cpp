#include "domain/product.hpp"

#include <algorithm>
#include <cassert>
#include <stdexcept>
#include <utility>

namespace allocation::domain {

namespace {

bool preferred(const Batch& a, const Batch& b) { return a.is_preferred_to(b); }

}  // namespace

Product::Product(std::string sku, std::int64_t version_number, std::vector<Batch> batches)
    : sku_{std::move(sku)}, version_number_{version_number}, batches_{std::move(batches)} {
  std::sort(batches_.begin(), batches_.end(), preferred);
}

const Batch* Product::find_batch(std::string_view reference) const {
  auto found = std::find_if(batches_.begin(), batches_.end(),
                            [&](const Batch& batch) { return batch.reference() == reference; });
  return found == batches_.end() ? nullptr : &*found;
}

Batch* Product::batch_named(std::string_view reference) {
  return const_cast<Batch*>(std::as_const(*this).find_batch(reference));
}

void Product::add_batch(std::string reference, std::int64_t purchased_quantity,
                        std::optional<Date> eta) {
  if (find_batch(reference) != nullptr) {
    throw std::logic_error("batch " + reference + " already belongs to product " + sku_);
  }
  Batch batch{std::move(reference), sku_, purchased_quantity, eta};
  events_.emplace_back(events::BatchCreated{batch.reference(), sku_, purchased_quantity, eta});
  batches_.insert(std::upper_bound(batches_.begin(), batches_.end(), batch, preferred),
                  std::move(batch));
  ++version_number_;
}

std::optional<std::string> Product::allocate(const OrderLine& line) {
  assert(line.sku == sku_);
  for (const Batch& batch : batches_) {
    if (batch.holds(line)) return batch.reference();
  }
  for (Batch& batch : batches_) {
    if (batch.can_allocate(line)) {
      batch.allocate(line);
      ++version_number_;
      events_.emplace_back(events::Allocated{line.orderid, line.sku, line.qty, batch.reference()});
      return batch.reference();
    }
  }
  events_.emplace_back(events::OutOfStock{sku_, line.orderid, line.qty});
  return std::nullopt;
}

std::optional<std::string> Product::reallocate(const OrderLine& line) {
  auto batchref = allocate(line);
  if (!batchref) events_.emplace_back(events::LineUnallocated{line.orderid, line.sku, line.qty});
  return batchref;
}

void Product::cancel_order(std::string_view orderid) {
  bool changed = false;
  for (Batch& batch : batches_) {
    for (OrderLine& line : batch.deallocate_order(orderid)) {
      events_.emplace_back(events::Deallocated{std::move(line.orderid), sku_, line.qty,
                                               batch.reference(),
                                               events::DeallocationReason::cancelled});
      changed = true;
    }
  }
  if (changed) ++version_number_;
}

std::vector<std::pair<OrderLine, const Batch*>> Product::lines_in_transit(
    std::string_view orderid) const {
  std::vector<std::pair<OrderLine, const Batch*>> in_transit;
  for (const Batch& batch : batches_) {
    if (!batch.eta()) continue;
    for (const OrderLine& line : batch.allocations()) {
      if (line.orderid == orderid) in_transit.emplace_back(line, &batch);
    }
  }
  return in_transit;
}

void Product::ship_order(std::string_view orderid) {
  assert(lines_in_transit(orderid).empty());
  bool changed = false;
  for (Batch& batch : batches_) {
    for (OrderLine& line : batch.deallocate_order(orderid)) {
      batch.set_purchased_quantity(batch.purchased_quantity() - line.qty);
      events_.emplace_back(
          events::LineShipped{std::move(line.orderid), sku_, line.qty, batch.reference()});
      changed = true;
    }
  }
  if (changed) ++version_number_;
}

void Product::change_batch_quantity(std::string_view reference, std::int64_t purchased_quantity) {
  Batch* batch = batch_named(reference);
  if (batch == nullptr) {
    throw std::logic_error("product " + sku_ + " has no batch " + std::string{reference});
  }
  batch->set_purchased_quantity(purchased_quantity);
  ++version_number_;
  events_.emplace_back(events::BatchQuantityChanged{batch->reference(), sku_, purchased_quantity});
  while (batch->available_quantity() < 0) {
    std::optional<OrderLine> line = batch->deallocate_most_recent();
    if (!line) break;
    events_.emplace_back(
        events::Deallocated{std::move(line->orderid), sku_, line->qty, batch->reference()});
  }
}

void Product::change_batch_eta(std::string_view reference, std::optional<Date> eta) {
  Batch* batch = batch_named(reference);
  if (batch == nullptr) {
    throw std::logic_error("product " + sku_ + " has no batch " + std::string{reference});
  }
  if (batch->eta() == eta) return;
  batch->set_eta(eta);
  ++version_number_;
  events_.emplace_back(events::BatchEtaChanged{batch->reference(), sku_, eta});
  std::sort(batches_.begin(), batches_.end(), preferred);
}

std::vector<Event> Product::take_events() { return std::exchange(events_, {}); }

std::ostream& operator<<(std::ostream& out, const Product& product) {
  out << "Product(" << product.sku_ << ", version=" << product.version_number_ << ", batches=[";
  const char* separator = "";
  for (const Batch& batch : product.batches_) {
    out << separator << batch;
    separator = ", ";
  }
  return out << "])";
}

}  // namespace allocation::domain
