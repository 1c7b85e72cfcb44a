#pragma once

#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <variant>
#include <vector>

#include "adapters/sqlite/checkpointer.hpp"
#include "adapters/sqlite/connection.hpp"
#include "service_layer/unit_of_work.hpp"

namespace allocation::adapters::sqlite {

// Products, once read, stay in memory between groups; each use checks the stored version
// (one indexed read) so that a change made by another connection is never missed.
class SqliteProductRepository final : public service_layer::ProductRepository {
 public:
  explicit SqliteProductRepository(Connection& db) : db_{db} {}

  domain::Product* get(std::string_view sku) override;
  domain::Product& add(domain::Product product) override;
  std::optional<std::string> sku_of_batch(std::string_view reference) override;

  // Writes what the products used since the last call changed, and returns their events.
  // Throws SqliteError when a stored version no longer matches (impossible under the group lock).
  std::vector<domain::Event> write_changes();
  // Forgets the products used since the last write_changes(): their memory may be ahead of
  // the database.
  void forget_unwritten();
  // Forgets every product written since the last call too.
  void forget_group();
  void end_group() { written_in_group_.clear(); }

 private:
  struct Cached {
    domain::Product product;
    std::optional<std::int64_t> stored_version;  // nullopt until first stored
  };

  domain::Product load(const std::string& sku, std::int64_t version);
  void write(const std::string& sku, const domain::Event& event);

  Connection& db_;
  std::unordered_map<std::string, Cached> cache_;
  std::unordered_set<std::string> in_use_;
  std::unordered_set<std::string> written_in_group_;
};

// Changes are kept until the unit commits, so that a unit that fails has written nothing.
class SqliteReadModelStore final : public service_layer::ReadModelStore {
 public:
  explicit SqliteReadModelStore(Connection& db) : db_{db} {}
  void add_allocation(const domain::events::Allocated& allocated) override;
  void remove_allocation(const domain::events::Deallocated& deallocated) override;
  void add_batch(const domain::events::BatchCreated& created) override;
  void set_purchased_quantity(const domain::events::BatchQuantityChanged& changed) override;
  void add_available_quantity(std::string_view batch_reference, std::int64_t delta) override;

  void write_pending();
  void discard_pending() { pending_.clear(); }

 private:
  struct AvailableQuantityDelta {
    std::string batch_reference;
    std::int64_t delta;
  };
  using Change = std::variant<domain::events::Allocated, domain::events::Deallocated,
                              domain::events::BatchCreated, domain::events::BatchQuantityChanged,
                              AvailableQuantityDelta>;

  Connection& db_;
  std::vector<Change> pending_;
};

// Events are kept until the unit commits, so that a unit that fails has written nothing.
class SqliteOutbox final : public service_layer::Outbox {
 public:
  explicit SqliteOutbox(Connection& db) : db_{db} {}
  void add(const domain::Event& event) override { pending_.push_back(event); }

  void write_pending();
  void discard_pending() { pending_.clear(); }

 private:
  Connection& db_;
  std::vector<domain::Event> pending_;
};

// The writer's unit of work over one SQLite file. A group is one IMMEDIATE transaction, so no
// other connection can write between a product's version check and its update. A unit writes
// nothing until it commits, so undoing a unit needs no SQL; a failed write undoes the group.
// COMMIT writes the group to the WAL (synchronous=NORMAL) and sync() fdatasyncs the WAL, so
// the next group can be written while the previous ones are being made durable; this is the
// guarantee of synchronous=FULL, with one fsync for several groups. Checkpoints run in the
// background, not inside commits.
class SqliteUnitOfWork final : public service_layer::UnitOfWork {
 public:
  // Opens the file, creating and migrating the schema as needed.
  explicit SqliteUnitOfWork(const std::string& path);
  SqliteUnitOfWork(const SqliteUnitOfWork&) = delete;
  SqliteUnitOfWork& operator=(const SqliteUnitOfWork&) = delete;
  ~SqliteUnitOfWork() override;

  service_layer::ProductRepository& products() override { return products_; }
  service_layer::ReadModelStore& read_models() override { return read_models_; }
  service_layer::Outbox& outbox() override { return outbox_; }

  void begin_group() override;
  void commit() override;
  void rollback() override;
  void commit_group() override;
  void rollback_group() override;
  void sync() override;

 private:
  template <class Work>
  void storage_step(Work&& work);

  Connection db_;
  // Kept open for sync(): an fdatasync of the log covers every commit written to it before.
  int wal_descriptor_ = -1;
  BackgroundCheckpointer checkpointer_;
  SqliteProductRepository products_;
  SqliteReadModelStore read_models_;
  SqliteOutbox outbox_;
  bool in_group_ = false;
};

}  // namespace allocation::adapters::sqlite
