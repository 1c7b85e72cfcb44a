#include "adapters/sqlite/unit_of_work.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "adapters/event_json.hpp"
#include "adapters/sqlite/schema.hpp"
#include "domain/overloaded.hpp"
#include "service_layer/errors.hpp"

namespace allocation::adapters::sqlite {

using namespace domain;
using service_layer::StorageUnavailable;

namespace {

std::optional<std::string> iso(const std::optional<Date>& date) {
  if (!date) return std::nullopt;
  return date->iso();
}

std::optional<std::int64_t> stored_version(Connection& db, std::string_view sku) {
  StatementUse select{db.statement("SELECT version_number FROM products WHERE sku = ?")};
  select->bind(1, sku);
  if (!select->step()) return std::nullopt;
  return select->int64(0);
}

}  // namespace

Product* SqliteProductRepository::get(std::string_view sku_view) {
  std::string sku{sku_view};
  auto version = stored_version(db_, sku);
  auto found = cache_.find(sku);
  if (found != cache_.end() && found->second.stored_version != version) {
    cache_.erase(found);
    found = cache_.end();
  }
  if (found == cache_.end()) {
    if (!version) return nullptr;
    auto product = load(sku, *version);
    found = cache_.emplace(sku, Cached{std::move(product), version}).first;
  }
  in_use_.insert(sku);
  return &found->second.product;
}

Product SqliteProductRepository::load(const std::string& sku, std::int64_t version) {
  std::vector<Batch> batches;
  {
    StatementUse select{
        db_.statement("SELECT reference, purchased_quantity, eta FROM batches WHERE sku = ?")};
    select->bind(1, sku);
    while (select->step()) {
      std::optional<Date> eta;
      if (auto text = select->optional_text(2)) eta = Date::parse_iso(*text);
      batches.emplace_back(select->text(0), sku, select->int64(1), eta);
    }
  }
  std::unordered_map<std::string, Batch*> by_reference;
  for (Batch& batch : batches) by_reference.emplace(batch.reference(), &batch);
  StatementUse select{
      db_.statement("SELECT orderid, qty, batchref FROM allocations WHERE sku = ? ORDER BY id")};
  select->bind(1, sku);
  while (select->step()) {
    by_reference.at(select->text(2))->allocate(OrderLine{select->text(0), sku, select->int64(1)});
  }
  return Product{sku, version, std::move(batches)};
}

Product& SqliteProductRepository::add(Product product) {
  std::string sku = product.sku();
  auto [inserted, _] = cache_.insert_or_assign(sku, Cached{std::move(product), std::nullopt});
  in_use_.insert(sku);
  return inserted->second.product;
}

std::optional<std::string> SqliteProductRepository::sku_of_batch(std::string_view reference) {
  StatementUse select{db_.statement("SELECT sku FROM batches WHERE reference = ?")};
  select->bind(1, reference);
  if (!select->step()) return std::nullopt;
  return select->text(0);
}

std::vector<Event> SqliteProductRepository::write_changes() {
  std::vector<Event> raised;
  for (const std::string& sku : in_use_) {
    Cached& cached = cache_.at(sku);
    auto events = cached.product.take_events();
    auto version = cached.product.version_number();
    if (cached.stored_version != version) {
      if (cached.stored_version) {
        StatementUse update{db_.statement(
            "UPDATE products SET version_number = ? WHERE sku = ? AND version_number = ?")};
        update->bind(1, version).bind(2, sku).bind(3, *cached.stored_version);
        // The group's IMMEDIATE transaction excludes other writers and get() checked the
        // version inside it, so a mismatch here means the file changed under SQLite's lock.
        if (update->execute() != 1) {
          throw SqliteError{SQLITE_CORRUPT, "stored version of product " + sku + " changed"};
        }
      } else {
        StatementUse insert{db_.statement(
            "INSERT INTO products (sku, version_number) VALUES (?, ?) ON CONFLICT DO NOTHING")};
        insert->bind(1, sku).bind(2, version);
        if (insert->execute() != 1) {
          throw SqliteError{SQLITE_CORRUPT, "product " + sku + " appeared in the transaction"};
        }
      }
    }
    for (const Event& event : events) write(sku, event);
    cached.stored_version = version;
    written_in_group_.insert(sku);
    for (auto& event : events) raised.push_back(std::move(event));
  }
  in_use_.clear();
  return raised;
}

void SqliteProductRepository::write(const std::string& sku, const Event& event) {
  std::visit(
      Overloaded{
          [&](const events::BatchCreated& e) {
            StatementUse insert{
                db_.statement("INSERT INTO batches (reference, sku, purchased_quantity, eta) "
                              "VALUES (?, ?, ?, ?)")};
            insert->bind(1, e.ref)
                .bind(2, sku)
                .bind(3, e.qty)
                .bind_optional(4, iso(e.eta))
                .execute();
          },
          [&](const events::BatchQuantityChanged& e) {
            StatementUse update{
                db_.statement("UPDATE batches SET purchased_quantity = ? WHERE reference = ?")};
            update->bind(1, e.qty).bind(2, e.ref).execute();
          },
          [&](const events::Allocated& e) {
            StatementUse insert{db_.statement(
                "INSERT INTO allocations (sku, orderid, qty, batchref) VALUES (?, ?, ?, ?)")};
            insert->bind(1, sku).bind(2, e.orderid).bind(3, e.qty).bind(4, e.batchref).execute();
          },
          [&](const events::Deallocated& e) {
            StatementUse remove{
                db_.statement("DELETE FROM allocations WHERE sku = ? AND orderid = ? AND qty = ?")};
            remove->bind(1, sku).bind(2, e.orderid).bind(3, e.qty).execute();
          },
          [](const events::OutOfStock&) {},
      },
      event);
}

void SqliteProductRepository::forget_unwritten() {
  for (const std::string& sku : in_use_) cache_.erase(sku);
  in_use_.clear();
}

void SqliteProductRepository::forget_group() {
  forget_unwritten();
  for (const std::string& sku : written_in_group_) cache_.erase(sku);
  written_in_group_.clear();
}

void SqliteReadModelStore::add_allocation(const events::Allocated& allocated) {
  pending_.emplace_back(allocated);
}

void SqliteReadModelStore::remove_allocation(const events::Deallocated& deallocated) {
  pending_.emplace_back(deallocated);
}

void SqliteReadModelStore::add_batch(const events::BatchCreated& created) {
  pending_.emplace_back(created);
}

void SqliteReadModelStore::set_purchased_quantity(const events::BatchQuantityChanged& changed) {
  pending_.emplace_back(changed);
}

void SqliteReadModelStore::add_available_quantity(std::string_view batch_reference,
                                                  std::int64_t delta) {
  pending_.emplace_back(AvailableQuantityDelta{std::string{batch_reference}, delta});
}

void SqliteReadModelStore::write_pending() {
  for (const Change& change : pending_) {
    std::visit(Overloaded{
                   [&](const events::Allocated& e) {
                     StatementUse insert{
                         db_.statement("INSERT INTO allocations_view (orderid, sku, qty, batchref) "
                                       "VALUES (?, ?, ?, ?)")};
                     insert->bind(1, e.orderid)
                         .bind(2, e.sku)
                         .bind(3, e.qty)
                         .bind(4, e.batchref)
                         .execute();
                   },
                   [&](const events::Deallocated& e) {
                     StatementUse remove{db_.statement(
                         "DELETE FROM allocations_view WHERE id = (SELECT id FROM allocations_view "
                         "WHERE orderid = ? AND sku = ? AND qty = ? AND batchref = ? LIMIT 1)")};
                     remove->bind(1, e.orderid)
                         .bind(2, e.sku)
                         .bind(3, e.qty)
                         .bind(4, e.batchref)
                         .execute();
                   },
                   [&](const events::BatchCreated& e) {
                     StatementUse insert{db_.statement(
                         "INSERT INTO batches_view (reference, sku, eta, purchased_quantity, "
                         "available_quantity) VALUES (?, ?, ?, ?, ?)")};
                     insert->bind(1, e.ref)
                         .bind(2, e.sku)
                         .bind_optional(3, iso(e.eta))
                         .bind(4, e.qty)
                         .bind(5, e.qty)
                         .execute();
                   },
                   [&](const events::BatchQuantityChanged& e) {
                     StatementUse update{db_.statement(
                         "UPDATE batches_view SET available_quantity = available_quantity + (?1 - "
                         "purchased_quantity), purchased_quantity = ?1 WHERE reference = ?2")};
                     update->bind(1, e.qty).bind(2, e.ref).execute();
                   },
                   [&](const AvailableQuantityDelta& d) {
                     StatementUse update{db_.statement(
                         "UPDATE batches_view SET available_quantity = available_quantity + ? "
                         "WHERE reference = ?")};
                     update->bind(1, d.delta).bind(2, d.batch_reference).execute();
                   },
               },
               change);
  }
  pending_.clear();
}

void SqliteOutbox::write_pending() {
  for (const Event& event : pending_) {
    StatementUse insert{db_.statement("INSERT INTO outbox (event, payload) VALUES (?, ?)")};
    insert->bind(1, event_name(event)).bind(2, to_json(event)).execute();
  }
  pending_.clear();
}

SqliteUnitOfWork::SqliteUnitOfWork(const std::string& path)
    : db_{path},
      checkpointer_{path, std::chrono::milliseconds{100}},
      products_{db_},
      read_models_{db_},
      outbox_{db_} {
  db_.execute("PRAGMA wal_autocheckpoint = 0; PRAGMA synchronous = NORMAL;");
  migrate(db_);
  wal_descriptor_ = ::open(db_.wal_path().c_str(), O_RDONLY | O_CLOEXEC);
  if (wal_descriptor_ < 0) {
    throw SqliteError{SQLITE_CANTOPEN,
                      "cannot open " + db_.wal_path() + ": " + std::strerror(errno)};
  }
}

SqliteUnitOfWork::~SqliteUnitOfWork() { ::close(wal_descriptor_); }

void SqliteUnitOfWork::sync() {
  if (::fdatasync(wal_descriptor_) != 0) {
    throw StorageUnavailable{"fdatasync of " + db_.wal_path() + ": " + std::strerror(errno)};
  }
}

template <class Work>
void SqliteUnitOfWork::storage_step(Work&& work) {
  try {
    work();
  } catch (const SqliteError& error) {
    throw StorageUnavailable{error.what()};
  }
}

void SqliteUnitOfWork::begin_group() {
  storage_step([&] { db_.run("BEGIN IMMEDIATE"); });
  in_group_ = true;
}

void SqliteUnitOfWork::commit() {
  std::vector<Event> events;
  storage_step([&] {
    events = products_.write_changes();
    read_models_.write_pending();
    outbox_.write_pending();
  });
  collect(std::move(events));
}

void SqliteUnitOfWork::rollback() {
  products_.forget_unwritten();
  read_models_.discard_pending();
  outbox_.discard_pending();
}

void SqliteUnitOfWork::commit_group() {
  storage_step([&] { db_.run("COMMIT"); });
  in_group_ = false;
  products_.end_group();
}

void SqliteUnitOfWork::rollback_group() {
  rollback();
  products_.forget_group();
  discard_new_events();
  if (!in_group_) return;
  in_group_ = false;
  try {
    db_.execute("ROLLBACK");
  } catch (const SqliteError&) {
    // SQLite has already rolled the transaction back (it does on some I/O errors).
  }
}

}  // namespace allocation::adapters::sqlite
