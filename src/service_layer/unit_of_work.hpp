#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "domain/events.hpp"
#include "domain/product.hpp"
#include "service_layer/identity.hpp"

namespace allocation::service_layer {

class ProductRepository {
 public:
  virtual ~ProductRepository() = default;
  // The product for `sku`, or nullptr. The product stays valid until the unit of work's
  // next commit or rollback; its events are collected on commit.
  virtual domain::Product* get(std::string_view sku) = 0;
  virtual domain::Product& add(domain::Product product) = 0;
  // The SKU of the batch with `reference`, whatever product it belongs to.
  virtual std::optional<std::string> sku_of_batch(std::string_view reference) = 0;
  // Products about to be got, so that storage may read them together rather than one by one.
  virtual void expect(const std::vector<std::string>& skus) = 0;
};

// The denormalised read models, kept up to date by event handlers.
class ReadModelStore {
 public:
  virtual ~ReadModelStore() = default;
  virtual void add_allocation(const domain::events::Allocated& allocated) = 0;
  virtual void remove_allocation(const domain::events::Deallocated& deallocated) = 0;
  virtual void add_batch(const domain::events::BatchCreated& created) = 0;
  virtual void set_purchased_quantity(const domain::events::BatchQuantityChanged& changed) = 0;
  virtual void add_available_quantity(std::string_view batch_reference, std::int64_t delta) = 0;
};

// Events that leave the service are written here, in the same transaction as the change
// that raised them, and delivered from here once that transaction is durable.
class Outbox {
 public:
  virtual ~Outbox() = default;
  virtual void add(const domain::Event& event) = 0;
};

// Changes of stock, recorded with the actor of the unit of work that made them.
class AuditLog {
 public:
  virtual ~AuditLog() = default;
  virtual void record(const domain::Event& event) = 0;
};

// Work is grouped: commands of one group are stored together (commit_group) and made durable
// together with any other stored groups (sync); each command's part of a group is accepted
// (commit) or undone (rollback) on its own.
class UnitOfWork {
 public:
  virtual ~UnitOfWork() = default;

  virtual ProductRepository& products() = 0;
  virtual ReadModelStore& read_models() = 0;
  virtual Outbox& outbox() = 0;
  virtual AuditLog& audit() = 0;

  // The actor of the commands handled from now on.
  void act_for(Actor actor) { actor_ = std::move(actor); }
  [[nodiscard]] const Actor& actor() const { return actor_; }

  virtual void begin_group() = 0;
  // Accepts the changes made since the last commit or rollback into the group and
  // collects the events that the products raised. Throws ConcurrencyConflict when a
  // product was changed by another writer; the caller then rolls back and retries.
  virtual void commit() = 0;
  // Undoes the changes made since the last commit or rollback.
  virtual void rollback() = 0;
  // Stores every accepted change of the group; they may not be durable until sync().
  // Throws StorageUnavailable; the whole group is then undone.
  virtual void commit_group() = 0;
  // Makes every group committed so far durable. Safe to call from a thread other than the one
  // that handles groups, while it handles the next one. Throws StorageUnavailable.
  virtual void sync() = 0;
  // Undoes the whole group.
  virtual void rollback_group() = 0;

  // The events collected by commit() since the last call.
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
