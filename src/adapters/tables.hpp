#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>
#include <vector>

#include "domain/events.hpp"
#include "domain/product.hpp"
#include "service_layer/idempotency.hpp"
#include "service_layer/identity.hpp"
#include "service_layer/read_model.hpp"

namespace allocation::adapters {

struct AvailableQuantityDelta {
  std::string batch_reference;
  std::int64_t delta = 0;
};

// A change to the read models, as the event handlers ask for it.
using ReadModelChange = std::variant<
    domain::events::Allocated, domain::events::Deallocated, domain::events::BatchCreated,
    domain::events::BatchQuantityChanged, domain::events::BatchEtaChanged,
    domain::events::LineShipped, domain::events::LineUnallocated, domain::events::OrderHeld,
    domain::events::HoldConfirmed, domain::events::HoldReleased, AvailableQuantityDelta>;

// The SQL of one database engine, behind the one unit of work that all engines share. Every
// method throws service_layer::StorageUnavailable when the database fails, and
// service_layer::ConcurrencyConflict when another writer got in the way.
class Tables {
 public:
  virtual ~Tables() = default;

  virtual void begin() = 0;
  virtual void commit() = 0;
  // Never throws: a transaction that cannot be rolled back is one the database dropped.
  virtual void rollback() noexcept = 0;
  // Makes every committed transaction durable (a no-op where commit already is).
  virtual void make_durable() = 0;

  // The stored versions of those of the products that exist, which cannot change until the
  // transaction ends.
  virtual std::unordered_map<std::string, std::int64_t> product_versions(
      const std::vector<std::string>& skus) = 0;
  virtual domain::Product load_product(const std::string& sku, std::int64_t version) = 0;
  virtual std::unordered_map<std::string, std::string> skus_of_batches(
      const std::vector<std::string>& references) = 0;
  // From the read model, which the same transaction keeps in step with the products.
  virtual std::vector<service_layer::OrderLineView> lines_of_order(std::string_view orderid,
                                                                   domain::Instant now) = 0;
  virtual std::vector<std::string> skus_with_expired_holds(domain::Instant now,
                                                           std::int64_t products_max) = 0;
  // Stores `version` for `sku` if the stored version is still `expected` (nullopt: no row
  // yet); false when it finds otherwise at once. An engine that sends writes later reports
  // the mismatch as ConcurrencyConflict from a later call instead.
  virtual bool store_version(const std::string& sku, std::optional<std::int64_t> expected,
                             std::int64_t version) = 0;
  // Stores what a product's event says changed (a batch, an allocation).
  virtual void store_change(const std::string& sku, const domain::Event& event) = 0;
  virtual void store_read_model_change(const ReadModelChange& change) = 0;
  virtual void store_in_outbox(const domain::Event& event) = 0;
  virtual void store_in_audit(const service_layer::Actor& actor, const domain::Event& event) = 0;

  // One row, rewritten: that storage accepts writes.
  virtual void store_write_check(domain::Instant at) = 0;
  // As service_layer::ReplyRepository says.
  virtual std::vector<std::optional<service_layer::StoredReply>> find_replies(
      const std::vector<const service_layer::IdempotencyKey*>& keys) = 0;
  virtual void store_reply(const service_layer::IdempotencyKey& key,
                           const service_layer::RecordedReply& reply, domain::Instant at,
                           bool replacing) = 0;
  virtual std::int64_t delete_replies_before(domain::Instant before, std::int64_t replies_max) = 0;
};

}  // namespace allocation::adapters
