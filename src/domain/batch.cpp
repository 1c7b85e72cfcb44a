#include "domain/batch.hpp"

#include <algorithm>
#include <utility>

namespace allocation::domain {

Batch::Batch(std::string reference, std::string sku, std::int64_t purchased_quantity,
             std::optional<Date> eta)
    : reference_{std::move(reference)},
      sku_{std::move(sku)},
      purchased_quantity_{purchased_quantity},
      eta_{eta} {}

std::int64_t Batch::held_quantity(Instant now) const {
  std::int64_t held = recorded_held_quantity_;
  for (const Hold& hold : holds_) {
    if (hold.expires_at > now) break;
    held -= hold.line.qty;
  }
  return held;
}

void Batch::allocate(const OrderLine& line, Instant now) {
  if (holds(line) || !can_allocate(line, now)) return;
  allocations_.push_back(line);
  lines_.insert(line);
  allocated_quantity_ += line.qty;
}

std::optional<OrderLine> Batch::deallocate_most_recent() {
  if (allocations_.empty()) return std::nullopt;
  OrderLine line = std::move(allocations_.back());
  allocations_.pop_back();
  lines_.erase(line);
  allocated_quantity_ -= line.qty;
  return line;
}

bool Batch::deallocate(const OrderLine& line) {
  if (lines_.erase(line) == 0) return false;
  allocations_.erase(std::find(allocations_.begin(), allocations_.end(), line));
  allocated_quantity_ -= line.qty;
  return true;
}

std::vector<OrderLine> Batch::deallocate_order(std::string_view orderid) {
  std::vector<OrderLine> removed;
  auto kept = std::remove_if(allocations_.begin(), allocations_.end(), [&](OrderLine& line) {
    if (line.orderid != orderid) return false;
    removed.push_back(line);
    return true;
  });
  allocations_.erase(kept, allocations_.end());
  for (const OrderLine& line : removed) {
    lines_.erase(line);
    allocated_quantity_ -= line.qty;
  }
  return removed;
}

void Batch::hold(const OrderLine& line, Instant expires_at) {
  auto later = std::upper_bound(holds_.begin(), holds_.end(), expires_at,
                                [](Instant at, const Hold& hold) { return at < hold.expires_at; });
  holds_.insert(later, Hold{line, expires_at});
  recorded_held_quantity_ += line.qty;
}

template <class Released>
std::vector<Hold> Batch::release_holds_where(Released released) {
  std::vector<Hold> removed;
  auto kept = std::remove_if(holds_.begin(), holds_.end(), [&](Hold& hold) {
    if (!released(hold)) return false;
    removed.push_back(std::move(hold));
    return true;
  });
  holds_.erase(kept, holds_.end());
  for (const Hold& hold : removed) recorded_held_quantity_ -= hold.line.qty;
  return removed;
}

std::vector<Hold> Batch::release_holds_of(std::string_view orderid) {
  return release_holds_where([&](const Hold& hold) { return hold.line.orderid == orderid; });
}

std::vector<Hold> Batch::release_expired_holds(Instant now) {
  return release_holds_where([&](const Hold& hold) { return hold.expires_at <= now; });
}

std::optional<Hold> Batch::release_latest_hold() {
  if (holds_.empty()) return std::nullopt;
  Hold hold = std::move(holds_.back());
  holds_.pop_back();
  recorded_held_quantity_ -= hold.line.qty;
  return hold;
}

bool Batch::is_preferred_to(const Batch& other) const {
  if (eta_ != other.eta_) {
    if (!eta_) return true;
    if (!other.eta_) return false;
    return *eta_ < *other.eta_;
  }
  return reference_ < other.reference_;
}

std::ostream& operator<<(std::ostream& out, const Batch& batch) {
  out << "Batch(" << batch.reference_ << ", " << batch.sku_
      << ", purchased=" << batch.purchased_quantity_ << ", allocated=" << batch.allocated_quantity_
      << ", held=" << batch.recorded_held_quantity_ << ", eta=";
  if (batch.eta_) {
    out << *batch.eta_;
  } else {
    out << "null";
  }
  return out << ")";
}

}  // namespace allocation::domain
