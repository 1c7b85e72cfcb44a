#include "adapters/sqlite/tables.hpp"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <unordered_map>
#include <utility>

#include "adapters/event_json.hpp"
#include "adapters/sqlite/schema.hpp"
#include "adapters/table_unit_of_work.hpp"
#include "common/overloaded.hpp"
#include "service_layer/errors.hpp"

namespace allocation::adapters::sqlite {

using namespace domain;

namespace {

std::optional<std::string> iso(const std::optional<Date>& date) {
  if (!date) return std::nullopt;
  return date->iso();
}

// Runs `work`, turning SQLite's errors into the service layer's.
template <class Work>
auto guarded(Work&& work) {
  try {
    return work();
  } catch (const SqliteError& error) {
    // Another connection stored the same batch or product first.
    if (error.code() == SQLITE_CONSTRAINT) throw service_layer::ConcurrencyConflict{error.what()};
    throw service_layer::StorageUnavailable{error.what()};
  }
}

}  // namespace

SqliteTables::SqliteTables(const std::string& path, BackgroundCheckpointer::Settings checkpoints)
    : db_{path}, checkpointer_{path, checkpoints} {
  db_.execute("PRAGMA wal_autocheckpoint = 0; PRAGMA synchronous = NORMAL;");
  db_.watch_log([this](int frames) { checkpointer_.log_written(frames); });
  keep_log_file(checkpoints.restart_frames);
  migrate(db_);
  wal_descriptor_ = ::open(db_.wal_path().c_str(), O_RDONLY | O_CLOEXEC);
  if (wal_descriptor_ < 0) {
    throw SqliteError{SQLITE_CANTOPEN,
                      "cannot open " + db_.wal_path() + ": " + std::strerror(errno)};
  }
}

SqliteTables::~SqliteTables() { ::close(wal_descriptor_); }

void SqliteTables::keep_log_file(int restart_frames) {
  // A log started again reuses its file rather than freeing its blocks and allocating them
  // anew, unless a burst has made it much longer than usual.
  StatementUse page_size{db_.statement("PRAGMA page_size")};
  page_size->step();
  auto frame_bytes = page_size->int64(0) + 24;
  auto kept_bytes = restart_frames * frame_bytes * 5 / 4;
  db_.execute(("PRAGMA journal_size_limit = " + std::to_string(kept_bytes)).c_str());
}

void SqliteTables::begin() {
  if (checkpointer_.writer_should_finish()) {
    try {
      db_.checkpoint();
    } catch (const SqliteError& error) {
      spdlog::warn("msg=\"checkpoint failed\" error=\"{}\"", error.what());
    }
  }
  guarded([&] { db_.run("BEGIN IMMEDIATE"); });
}

void SqliteTables::commit() {
  guarded([&] { db_.run("COMMIT"); });
}

void SqliteTables::rollback() noexcept {
  try {
    db_.execute("ROLLBACK");
  } catch (const SqliteError&) {
    // SQLite has already rolled the transaction back (it does on some I/O errors).
  }
}

void SqliteTables::make_durable() {
  if (::fdatasync(wal_descriptor_) != 0) {
    throw service_layer::StorageUnavailable{"fdatasync of " + db_.wal_path() + ": " +
                                            std::strerror(errno)};
  }
}

std::unordered_map<std::string, std::int64_t> SqliteTables::product_versions(
    const std::vector<std::string>& skus) {
  // One query each costs no round trip here.
  return guarded([&] {
    std::unordered_map<std::string, std::int64_t> versions;
    for (const std::string& sku : skus) {
      StatementUse select{db_.statement("SELECT version_number FROM products WHERE sku = ?")};
      select->bind(1, sku);
      if (select->step()) versions.emplace(sku, select->int64(0));
    }
    return versions;
  });
}

Product SqliteTables::load_product(const std::string& sku, std::int64_t version) {
  return guarded([&] {
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
  });
}

std::optional<std::string> SqliteTables::sku_of_batch(std::string_view reference) {
  return guarded([&]() -> std::optional<std::string> {
    StatementUse select{db_.statement("SELECT sku FROM batches WHERE reference = ?")};
    select->bind(1, reference);
    if (!select->step()) return std::nullopt;
    return select->text(0);
  });
}

bool SqliteTables::store_version(const std::string& sku, std::optional<std::int64_t> expected,
                                 std::int64_t version) {
  return guarded([&] {
    if (expected) {
      StatementUse update{db_.statement(
          "UPDATE products SET version_number = ? WHERE sku = ? AND version_number = ?")};
      return update->bind(1, version).bind(2, sku).bind(3, *expected).execute() == 1;
    }
    StatementUse insert{db_.statement(
        "INSERT INTO products (sku, version_number) VALUES (?, ?) ON CONFLICT DO NOTHING")};
    return insert->bind(1, sku).bind(2, version).execute() == 1;
  });
}

void SqliteTables::store_change(const std::string& sku, const Event& event) {
  guarded([&] {
    std::visit(
        Overloaded{
            [&](const events::BatchCreated& e) {
              StatementUse insert{
                  db_.statement("INSERT INTO batches (reference, sku, purchased_quantity, eta) "
                                "VALUES (?, ?, ?, ?)")};
              insert->bind(1, e.ref).bind(2, sku).bind(3, e.qty).bind_optional(4, iso(e.eta));
              insert->execute();
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
              StatementUse remove{db_.statement(
                  "DELETE FROM allocations WHERE sku = ? AND orderid = ? AND qty = ?")};
              remove->bind(1, sku).bind(2, e.orderid).bind(3, e.qty).execute();
            },
            [](const events::OutOfStock&) {},
        },
        event);
  });
}

void SqliteTables::store_read_model_change(const ReadModelChange& change) {
  guarded([&] {
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
                     insert->bind(1, e.ref).bind(2, e.sku).bind_optional(3, iso(e.eta));
                     insert->bind(4, e.qty).bind(5, e.qty).execute();
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
  });
}

void SqliteTables::store_in_outbox(const Event& event) {
  guarded([&] {
    StatementUse insert{db_.statement("INSERT INTO outbox (event, payload) VALUES (?, ?)")};
    insert->bind(1, domain::name_of(event)).bind(2, to_json(event)).execute();
  });
}

void SqliteTables::store_in_audit(const service_layer::Actor& actor, const Event& event) {
  guarded([&] {
    StatementUse insert{db_.statement(
        "INSERT INTO audit (token_name, request_id, action, details) VALUES (?, ?, ?, ?)")};
    insert->bind(1, actor.token_name).bind(2, actor.request_id).bind(3, domain::name_of(event));
    insert->bind(4, to_json(event)).execute();
  });
}

std::unique_ptr<service_layer::UnitOfWork> open_unit_of_work(const std::string& path) {
  return std::make_unique<TableUnitOfWork>(std::make_unique<SqliteTables>(path));
}

}  // namespace allocation::adapters::sqlite
