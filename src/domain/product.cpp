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

std::optional<std::string> Product::allocate(const OrderLine& line, Instant now) {
  assert(line.sku == sku_);
  for (const Batch& batch : batches_) {
    if (batch.holds(line)) return batch.reference();
  }
  for (Batch& batch : batches_) {
    if (batch.can_allocate(line, now)) {
      batch.allocate(line, now);
      ++version_number_;
      events_.emplace_back(events::Allocated{line.orderid, line.sku, line.qty, batch.reference()});
      return batch.reference();
    }
  }
  events_.emplace_back(events::OutOfStock{sku_, line.orderid, line.qty});
  return std::nullopt;
}

std::optional<std::string> Product::reallocate(const OrderLine& line, Instant now) {
  // Not allocate(): a part of a split line may equal another part, in another batch, and is
  // still to be placed; it goes to a batch that does not hold its twin.
  assert(line.sku == sku_);
  for (Batch& batch : batches_) {
    if (batch.holds(line) || !batch.can_allocate(line, now)) continue;
    batch.allocate(line, now);
    ++version_number_;
    events_.emplace_back(events::Allocated{line.orderid, line.sku, line.qty, batch.reference()});
    return batch.reference();
  }
  events_.emplace_back(events::OutOfStock{sku_, line.orderid, line.qty});
  events_.emplace_back(events::LineUnallocated{line.orderid, line.sku, line.qty});
  return std::nullopt;
}

std::vector<Part> Product::plan(const OrderLine& line, bool split, Instant now) const {
  std::vector<Part> parts;
  std::int64_t wanted = line.qty;
  for (const Batch& batch : batches_) {
    auto available = batch.available_quantity(now);
    if (!split) {
      if (available >= wanted) return {Part{batch.reference(), wanted}};
      continue;
    }
    auto taken = std::min(available, wanted);
    if (taken <= 0) continue;
    parts.push_back(Part{batch.reference(), taken});
    wanted -= taken;
    if (wanted == 0) return parts;
  }
  return {};
}

std::int64_t Product::obtainable(bool split, Instant now) const {
  std::int64_t most = 0;
  for (const Batch& batch : batches_) {
    auto available = std::max<std::int64_t>(batch.available_quantity(now), 0);
    most = split ? most + available : std::max(most, available);
  }
  return most;
}

void Product::place(const OrderLine& line, const std::vector<Part>& parts,
                    std::optional<Instant> hold_until, Instant now) {
  assert(line.sku == sku_ && !parts.empty());
  for (const Part& part : parts) {
    Batch& batch = *batch_named(part.batchref);
    OrderLine share{line.orderid, sku_, part.qty};
    if (hold_until) {
      batch.hold(share, *hold_until);
      events_.emplace_back(
          events::OrderHeld{line.orderid, sku_, part.qty, part.batchref, *hold_until});
    } else {
      batch.allocate(share, now);
      events_.emplace_back(events::Allocated{line.orderid, sku_, part.qty, part.batchref});
    }
  }
  ++version_number_;
}

std::int64_t Product::held_for(std::string_view orderid, Instant now) const {
  std::int64_t held = 0;
  for (const Batch& batch : batches_) {
    for (const Hold& hold : batch.hold_list()) {
      if (hold.line.orderid == orderid && hold.expires_at > now) held += hold.line.qty;
    }
  }
  return held;
}

void Product::release(const Hold& hold, const Batch& batch, events::HoldReleaseReason reason) {
  events_.emplace_back(
      events::HoldReleased{hold.line.orderid, sku_, hold.line.qty, batch.reference(), reason});
}

void Product::confirm_holds(std::string_view orderid, std::int64_t qty, Instant now) {
  assert(qty >= 0 && qty <= held_for(orderid, now));
  std::int64_t wanted = qty;
  bool changed = false;
  for (Batch& batch : batches_) {
    for (const Hold& hold : batch.release_holds_of(orderid)) {
      changed = true;
      auto kept = std::min(wanted, hold.line.qty);
      wanted -= kept;
      if (kept == 0) {
        release(hold, batch, events::HoldReleaseReason::cancelled);
        continue;
      }
      batch.allocate(OrderLine{hold.line.orderid, sku_, kept}, now);
      events_.emplace_back(events::HoldConfirmed{hold.line.orderid, sku_, kept, batch.reference(),
                                                 hold.line.qty - kept});
    }
  }
  if (changed) ++version_number_;
}

void Product::cancel_order(std::string_view orderid, Instant now) {
  bool changed = false;
  for (Batch& batch : batches_) {
    for (OrderLine& line : batch.deallocate_order(orderid)) {
      events_.emplace_back(events::Deallocated{std::move(line.orderid), sku_, line.qty,
                                               batch.reference(),
                                               events::DeallocationReason::cancelled});
      changed = true;
    }
    for (const Hold& hold : batch.release_holds_of(orderid)) {
      release(hold, batch,
              hold.expires_at <= now ? events::HoldReleaseReason::expired
                                     : events::HoldReleaseReason::cancelled);
      changed = true;
    }
  }
  if (changed) ++version_number_;
}

void Product::release_expired_holds(Instant now) {
  bool changed = false;
  for (Batch& batch : batches_) {
    for (const Hold& hold : batch.release_expired_holds(now)) {
      release(hold, batch, events::HoldReleaseReason::expired);
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

void Product::change_batch_quantity(std::string_view reference, std::int64_t purchased_quantity,
                                    Instant now) {
  Batch* batch = batch_named(reference);
  if (batch == nullptr) {
    throw std::logic_error("product " + sku_ + " has no batch " + std::string{reference});
  }
  batch->set_purchased_quantity(purchased_quantity);
  ++version_number_;
  events_.emplace_back(events::BatchQuantityChanged{batch->reference(), sku_, purchased_quantity});
  while (batch->available_quantity(now) < 0) {
    if (batch->held_quantity(now) > 0) {
      release(*batch->release_latest_hold(), *batch, events::HoldReleaseReason::quantity_changed);
      continue;
    }
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
