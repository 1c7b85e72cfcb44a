#pragma once

#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "adapters/tables.hpp"
#include "service_layer/unit_of_work.hpp"

namespace allocation::adapters {

// The unit of work of every storage engine. Products, once read, stay in memory between
// groups; each group checks the stored version of each product it uses so that a change by
// another writer is never missed. A group stores each product's version once, as it is stored,
// conditional on the version it found: the engines keep other writers from changing a version
// once a group has read it, and one update instead of one per command spares a product that
// every command of a group changes (a flash sale) a row rewritten hundreds of times. For the
// same reason the changes of a batch's available quantity in the read model are summed and
// stored once per group. A unit writes nothing until it is accepted, so discarding a unit needs no
// SQL; anything that fails inside the database undoes the whole group.
class TableUnitOfWork final : public service_layer::UnitOfWork,
                              service_layer::ProductRepository,
                              service_layer::ReadModelWriter,
                              service_layer::OutboxWriter,
                              service_layer::AuditWriter,
                              service_layer::ReplyRepository {
 public:
  explicit TableUnitOfWork(std::unique_ptr<Tables> tables) : tables_{std::move(tables)} {}

  service_layer::ProductRepository& products() override { return *this; }
  service_layer::ReadModelWriter& read_model() override { return *this; }
  service_layer::OutboxWriter& outbox() override { return *this; }
  service_layer::AuditWriter& audit() override { return *this; }
  service_layer::ReplyRepository& replies() override { return *this; }

  void begin_group() override;
  void accept() override;
  void discard() override;
  void store_group() override;
  void discard_group() override;
  void make_durable() override { tables_->make_durable(); }
  void record_write_check(domain::Instant at) override { tables_->store_write_check(at); }

  domain::Product* get(std::string_view sku) override;
  domain::Product& add(domain::Product product) override;
  std::unordered_map<std::string, std::string> skus_of_batches(
      const std::vector<std::string>& references) override {
    return tables_->skus_of_batches(references);
  }
  std::vector<service_layer::OrderLineView> lines_of_order(std::string_view orderid,
                                                           domain::Instant now) override {
    return tables_->lines_of_order(orderid, now);
  }
  std::vector<std::string> skus_with_expired_holds(domain::Instant now,
                                                   std::int64_t products_max) override {
    return tables_->skus_with_expired_holds(now, products_max);
  }
  void expect(const std::vector<std::string>& skus) override;

  void add_allocation(const domain::events::Allocated& allocated) override {
    read_model_changes_.emplace_back(allocated);
  }
  void remove_allocation(const domain::events::Deallocated& deallocated) override {
    read_model_changes_.emplace_back(deallocated);
  }
  void add_batch(const domain::events::BatchCreated& created) override {
    read_model_changes_.emplace_back(created);
  }
  void set_purchased_quantity(const domain::events::BatchQuantityChanged& changed) override {
    read_model_changes_.emplace_back(changed);
  }
  void set_eta(const domain::events::BatchEtaChanged& changed) override {
    read_model_changes_.emplace_back(changed);
  }
  void mark_unallocated(const domain::events::LineUnallocated& unallocated) override {
    read_model_changes_.emplace_back(unallocated);
  }
  void mark_shipped(const domain::events::LineShipped& shipped) override {
    read_model_changes_.emplace_back(shipped);
  }
  void add_hold(const domain::events::OrderHeld& held) override {
    read_model_changes_.emplace_back(held);
  }
  void confirm_hold(const domain::events::HoldConfirmed& confirmed) override {
    read_model_changes_.emplace_back(confirmed);
  }
  void release_hold(const domain::events::HoldReleased& released) override {
    read_model_changes_.emplace_back(released);
  }
  void add_available_quantity(std::string_view batch_reference, std::int64_t delta) override {
    read_model_changes_.emplace_back(AvailableQuantityDelta{std::string{batch_reference}, delta});
  }

  void add(const domain::Event& event) override { outbox_events_.push_back(event); }
  void record(const domain::Event& event) override { audit_events_.push_back(event); }

  // Replies are written at once, into the group's transaction: a reply's unit is handled and
  // accepted or discarded before it is recorded.
  std::vector<std::optional<service_layer::StoredReply>> find_replies(
      const std::vector<const service_layer::IdempotencyKey*>& keys) override {
    return tables_->find_replies(keys);
  }
  void add_reply(const service_layer::IdempotencyKey& key,
                 const service_layer::RecordedReply& reply, domain::Instant at,
                 bool replacing) override {
    tables_->store_reply(key, reply, at, replacing);
  }
  std::int64_t remove_replies_before(domain::Instant before, std::int64_t replies_max) override {
    return tables_->delete_replies_before(before, replies_max);
  }

 private:
  struct Cached {
    domain::Product product;
    std::optional<std::int64_t> stored_version;  // nullopt until first stored
  };

  void use(const std::string& sku);
  std::vector<domain::Event> store_products();
  void forget_unit();

  std::unique_ptr<Tables> tables_;
  std::unordered_map<std::string, Cached> cache_;
  // In the order the unit first used them, which is the order their events are raised in.
  std::vector<std::string> in_use_;
  std::unordered_set<std::string> stored_in_group_;
  // Stored versions read or written in this group, which no other writer can change before it
  // ends (the engines lock them), so they need not be read again.
  std::unordered_map<std::string, std::int64_t> versions_in_group_;
  // Per product changed in this group: the version it had in storage (none for a new product)
  // and the one to store.
  std::unordered_map<std::string, std::pair<std::optional<std::int64_t>, std::int64_t>>
      version_changes_;
  std::unordered_map<std::string, std::int64_t> available_deltas_;
  std::vector<ReadModelChange> read_model_changes_;
  std::vector<domain::Event> outbox_events_;
  std::vector<domain::Event> audit_events_;
  bool in_group_ = false;
};

}  // namespace allocation::adapters
