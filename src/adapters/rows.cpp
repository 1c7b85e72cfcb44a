#include "adapters/rows.hpp"

#include <spdlog/spdlog.h>

#include <unordered_map>

#include "adapters/event_json.hpp"

namespace allocation::adapters {

std::optional<std::string> iso_text(const std::optional<domain::Date>& date) {
  if (!date) return std::nullopt;
  return date->iso();
}

std::optional<domain::Date> date_of(const std::optional<std::string>& iso) {
  if (!iso) return std::nullopt;
  return domain::Date::parse_iso(*iso);
}

domain::Product assemble_product(const std::string& sku, std::int64_t version,
                                 std::vector<domain::Batch> batches,
                                 const std::vector<AllocationRow>& allocations) {
  std::unordered_map<std::string, domain::Batch*> by_reference;
  for (domain::Batch& batch : batches) by_reference.emplace(batch.reference(), &batch);
  for (const AllocationRow& allocation : allocations) {
    by_reference.at(allocation.batchref)
        ->allocate(domain::OrderLine{allocation.orderid, sku, allocation.qty});
  }
  return domain::Product{sku, version, std::move(batches)};
}

std::optional<service_layer::OutboxEntry> outbox_entry_of(std::string_view event_name,
                                                          std::int64_t id,
                                                          std::string_view payload) {
  auto event = event_from_json(event_name, payload);
  if (!event) {
    spdlog::error("msg=\"outbox entry unreadable; skipped\" outbox_id={}", id);
    return std::nullopt;
  }
  return service_layer::OutboxEntry{id, std::move(*event)};
}

}  // namespace allocation::adapters
