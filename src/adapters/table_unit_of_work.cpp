#include "adapters/table_unit_of_work.hpp"

#include <algorithm>
#include <utility>

#include "service_layer/errors.hpp"

namespace allocation::adapters {

using domain::Event;
using domain::Product;

void TableUnitOfWork::begin_group() {
  tables_->begin();
  in_group_ = true;
}

void TableUnitOfWork::expect(const std::vector<std::string>& skus) {
  std::vector<std::string> unread;
  for (const std::string& sku : skus) {
    if (!versions_in_group_.contains(sku)) unread.push_back(sku);
  }
  if (unread.empty()) return;
  versions_in_group_.merge(tables_->product_versions(unread));
}

Product* TableUnitOfWork::get(std::string_view sku_view) {
  std::string sku{sku_view};
  expect({sku});
  std::optional<std::int64_t> version;
  if (auto known = versions_in_group_.find(sku); known != versions_in_group_.end()) {
    version = known->second;
  }
  auto found = cache_.find(sku);
  if (found != cache_.end() && found->second.stored_version != version) {
    cache_.erase(found);
    found = cache_.end();
  }
  if (found == cache_.end()) {
    if (!version) return nullptr;
    found = cache_.emplace(sku, Cached{tables_->load_product(sku, *version), version}).first;
  }
  use(sku);
  return &found->second.product;
}

void TableUnitOfWork::use(const std::string& sku) {
  if (std::find(in_use_.begin(), in_use_.end(), sku) == in_use_.end()) in_use_.push_back(sku);
}

Product& TableUnitOfWork::add(Product product) {
  std::string sku = product.sku();
  auto [inserted, _] = cache_.insert_or_assign(sku, Cached{std::move(product), std::nullopt});
  use(sku);
  return inserted->second.product;
}

std::vector<Event> TableUnitOfWork::store_products() {
  std::vector<Event> raised;
  for (const std::string& sku : in_use_) {
    Cached& cached = cache_.at(sku);
    auto events = cached.product.take_events();
    auto version = cached.product.version_number();
    stored_in_group_.insert(sku);
    if (cached.stored_version != version) {
      auto [change, first] = version_changes_.try_emplace(sku, cached.stored_version, version);
      if (!first) change->second.second = version;
    }
    for (const Event& event : events) tables_->store_change(sku, event);
    cached.stored_version = version;
    versions_in_group_.insert_or_assign(sku, version);
    for (auto& event : events) raised.push_back(std::move(event));
  }
  in_use_.clear();
  return raised;
}

void TableUnitOfWork::accept() {
  auto events = store_products();
  for (const ReadModelChange& change : read_model_changes_) {
    if (const auto* delta = std::get_if<AvailableQuantityDelta>(&change)) {
      available_deltas_[delta->batch_reference] += delta->delta;
    } else {
      tables_->store_read_model_change(change);
    }
  }
  read_model_changes_.clear();
  for (const Event& event : outbox_events_) tables_->store_in_outbox(event);
  outbox_events_.clear();
  for (const Event& event : audit_events_) tables_->store_in_audit(actor(), event);
  audit_events_.clear();
  collect(std::move(events));
}

void TableUnitOfWork::forget_unit() {
  for (const std::string& sku : in_use_) cache_.erase(sku);
  in_use_.clear();
  read_model_changes_.clear();
  outbox_events_.clear();
  audit_events_.clear();
}

void TableUnitOfWork::discard() { forget_unit(); }

void TableUnitOfWork::store_group() {
  for (const auto& [reference, delta] : available_deltas_) {
    if (delta != 0) tables_->store_read_model_change(AvailableQuantityDelta{reference, delta});
  }
  available_deltas_.clear();
  for (const auto& [sku, change] : version_changes_) {
    if (!tables_->store_version(sku, change.first, change.second)) {
      throw service_layer::ConcurrencyConflict{sku};
    }
  }
  version_changes_.clear();
  tables_->commit();
  in_group_ = false;
  stored_in_group_.clear();
  versions_in_group_.clear();
}

void TableUnitOfWork::discard_group() {
  forget_unit();
  for (const std::string& sku : stored_in_group_) cache_.erase(sku);
  stored_in_group_.clear();
  versions_in_group_.clear();
  version_changes_.clear();
  available_deltas_.clear();
  discard_new_events();
  if (in_group_) tables_->rollback();
  in_group_ = false;
}

}  // namespace allocation::adapters
