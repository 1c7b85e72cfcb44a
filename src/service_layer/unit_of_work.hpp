#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "domain/events.hpp"
#include "domain/product.hpp"
#include "service_layer/idempotency.hpp"
#include "service_layer/identity.hpp"
#include "service_layer/read_model.hpp"

namespace allocation::service_layer {

class ProductRepository {
 public:
  virtual ~ProductRepository() = default;
  // The product for `sku`, or nullptr. The product stays valid until the unit of work's
  // next accept or discard; its events are collected on accept.
  virtual domain::Product* get(std::string_view sku) = 0;
  virtual domain::Product& add(domain::Product product) = 0;
  // The SKU of each of the batches with `references` that exist, whatever products they belong
  // to, by reference.
  virtual std::unordered_map<std::string, std::string> skus_of_batches(
      const std::vector<std::string>& references) = 0;
  // Every line `orderid` has had, as the read model has it at `now` (which the same
  // transaction keeps in step with the products).
  virtual std::vector<OrderLineView> lines_of_order(std::string_view orderid,
                                                    domain::Instant now) = 0;
  // Up to `products_max` SKUs of products with holds expired at `now`.
  virtual std::vector<std::string> skus_with_expired_holds(domain::Instant now,
                                                           std::int64_t products_max) = 0;
  // Products about to be got, so that storage may read them together rather than one by one.
  virtual void expect(const std::vector<std::string>& skus) = 0;
};

// Ports come in pairs, named by one rule: a unit of work writes through the `...Writer`; the
// `...Reader` reads on a connection of its own (read_model.hpp, outbox_relay.hpp, identity.hpp).

// The denormalised read models, kept up to date by event handlers.
class ReadModelWriter {
 public:
  virtual ~ReadModelWriter() = default;
  virtual void add_allocation(const domain::events::Allocated& allocated) = 0;
  virtual void remove_allocation(const domain::events::Deallocated& deallocated) = 0;
  virtual void add_batch(const domain::events::BatchCreated& created) = 0;
  virtual void set_purchased_quantity(const domain::events::BatchQuantityChanged& changed) = 0;
  virtual void set_eta(const domain::events::BatchEtaChanged& changed) = 0;
  virtual void mark_unallocated(const domain::events::LineUnallocated& unallocated) = 0;
  // The line leaves allocations_view and its batch's purchased quantity; its order keeps it.
  virtual void mark_shipped(const domain::events::LineShipped& shipped) = 0;
  virtual void add_hold(const domain::events::OrderHeld& held) = 0;
  // The hold becomes an allocation (add_allocation is not called for it).
  virtual void confirm_hold(const domain::events::HoldConfirmed& confirmed) = 0;
  virtual void release_hold(const domain::events::HoldReleased& released) = 0;
  virtual void add_available_quantity(std::string_view batch_reference, std::int64_t delta) = 0;
};

// Events that leave the service are written here, in the same transaction as the change
// that raised them, and delivered from here once that transaction is durable.
class OutboxWriter {
 public:
  virtual ~OutboxWriter() = default;
  virtual void add(const domain::Event& event) = 0;
};

// Changes of stock, recorded with the actor of the unit of work that made them.
class AuditWriter {
 public:
  virtual ~AuditWriter() = default;
  virtual void record(const domain::Event& event) = 0;
};

// Work is grouped. Each command's part of a group, a unit, is accepted into the group
// (accept) or discarded (discard) on its own; the group's accepted units are stored together
// (store_group) or all discarded (discard_group); and every group stored so far is made
// durable together (make_durable), while the next group is being handled.
class UnitOfWork {
 public:
  virtual ~UnitOfWork() = default;

  virtual ProductRepository& products() = 0;
  virtual ReadModelWriter& read_model() = 0;
  virtual OutboxWriter& outbox() = 0;
  virtual AuditWriter& audit() = 0;
  virtual ReplyRepository& replies() = 0;

  // The actor of the commands handled from now on.
  void act_for(Actor actor) { actor_ = std::move(actor); }
  [[nodiscard]] const Actor& actor() const { return actor_; }

  // Writes when storage was last checked for writes, in the group (GroupCommitter::check_writes).
  virtual void record_write_check(domain::Instant at) = 0;

  virtual void begin_group() = 0;
  // Accepts the changes made since the last accept or discard into the group and collects
  // the events that the products raised. Throws ConcurrencyConflict when a product was
  // changed by another writer; the caller then discards the group and handles it again.
  virtual void accept() = 0;
  // Undoes the changes made since the last accept or discard.
  virtual void discard() = 0;
  // Stores every accepted change of the group; they may not be durable until make_durable().
  // Throws StorageUnavailable; the whole group is then discarded.
  virtual void store_group() = 0;
  // Undoes the whole group.
  virtual void discard_group() = 0;
  // Makes every group stored so far durable. Safe to call from a thread other than the one
  // that handles groups, while it handles the next one. Throws StorageUnavailable.
  virtual void make_durable() = 0;

  // The events collected by accept() since the last call.
  std::vector<domain::Event> collect_new_events() { return std::exchange(new_events_, {}); }

 protected:
  void collect(std::vector<domain::Event> events) {
    for (auto& event : events) new_events_.push_back(std::move(event));
  }
  void discard_new_events() { new_events_.clear(); }

 private:
  std::vector<domain::Event> new_events_;
  Actor actor_;
};

}  // namespace allocation::service_layer
