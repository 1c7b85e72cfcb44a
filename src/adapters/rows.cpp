#include "adapters/rows.hpp"

#include <spdlog/spdlog.h>

#include <charconv>
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

std::int64_t stored_instant(domain::Instant instant) { return instant.time_since_epoch().count(); }

std::optional<domain::Instant> instant_of(const std::optional<std::string>& milliseconds) {
  if (!milliseconds) return std::nullopt;
  std::int64_t count = 0;
  std::from_chars(milliseconds->data(), milliseconds->data() + milliseconds->size(), count);
  return domain::Instant{std::chrono::milliseconds{count}};
}

std::string_view line_state_after(domain::events::HoldReleaseReason reason) {
  switch (reason) {
    case domain::events::HoldReleaseReason::cancelled:
      return "cancelled";
    case domain::events::HoldReleaseReason::expired:
      return "expired";
    case domain::events::HoldReleaseReason::quantity_changed:
      return "unallocated";
  }
  return "cancelled";
}

domain::Product assemble_product(const std::string& sku, std::int64_t version,
                                 std::vector<domain::Batch> batches,
                                 const std::vector<AllocationRow>& allocations,
                                 const std::vector<HoldRow>& holds) {
  std::unordered_map<std::string, domain::Batch*> by_reference;
  for (domain::Batch& batch : batches) by_reference.emplace(batch.reference(), &batch);
  // Allocations are restored before holds, so that no hold stands in their way whatever the
  // time.
  constexpr domain::Instant any_time{};
  for (const AllocationRow& allocation : allocations) {
    by_reference.at(allocation.batchref)
        ->allocate(domain::OrderLine{allocation.orderid, sku, allocation.qty}, any_time);
  }
  for (const HoldRow& hold : holds) {
    by_reference.at(hold.batchref)
        ->hold(domain::OrderLine{hold.orderid, sku, hold.qty}, hold.expires_at);
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
