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

void Batch::allocate(const OrderLine& line) {
  if (holds(line) || !can_allocate(line)) return;
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
      << ", purchased=" << batch.purchased_quantity_ << ", available=" << batch.available_quantity()
      << ", eta=";
  if (batch.eta_) {
    out << *batch.eta_;
  } else {
    out << "null";
  }
  return out << ")";
}

}  // namespace allocation::domain
