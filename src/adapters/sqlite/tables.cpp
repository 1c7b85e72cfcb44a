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
#include "adapters/rows.hpp"
#include "adapters/sqlite/schema.hpp"
#include "adapters/sqlite/statements.hpp"
#include "adapters/sqlite/storage_errors.hpp"
#include "adapters/table_unit_of_work.hpp"
#include "common/overloaded.hpp"
#include "service_layer/errors.hpp"

namespace allocation::adapters::sqlite {

using namespace domain;

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
  StatementUse page_size{db_.statement(sql::read_page_size)};
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
  guarded([&] { db_.run(sql::begin_immediate); });
}

void SqliteTables::commit() {
  guarded([&] { db_.run(sql::commit); });
}

void SqliteTables::rollback() noexcept { db_.rollback(); }

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
      StatementUse select{db_.statement(sql::select_product_version)};
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
      StatementUse select{db_.statement(sql::select_batches_of_product)};
      select->bind(1, sku);
      while (select->step()) batches.push_back(batch_of(*select, sku));
    }
    std::vector<AllocationRow> allocations;
    {
      StatementUse select{db_.statement(sql::select_allocations_of_product)};
      select->bind(1, sku);
      while (select->step()) allocations.push_back(allocation_of(*select));
    }
    std::vector<HoldRow> holds;
    StatementUse select{db_.statement(sql::select_holds_of_product)};
    select->bind(1, sku);
    while (select->step()) holds.push_back(hold_of(*select));
    return assemble_product(sku, version, std::move(batches), allocations, holds);
  });
}

std::unordered_map<std::string, std::string> SqliteTables::skus_of_batches(
    const std::vector<std::string>& references) {
  // One query each costs no round trip here.
  return guarded([&] {
    std::unordered_map<std::string, std::string> skus;
    for (const std::string& reference : references) {
      StatementUse select{db_.statement(sql::select_sku_of_batch)};
      select->bind(1, reference);
      if (select->step()) skus.emplace(reference, select->text(0));
    }
    return skus;
  });
}

std::vector<service_layer::OrderLineView> SqliteTables::lines_of_order(std::string_view orderid,
                                                                       Instant now) {
  return guarded([&] {
    StatementUse select{db_.statement(sql::select_order_lines)};
    select->bind(1, orderid).bind(2, stored_instant(now));
    std::vector<service_layer::OrderLineView> lines;
    while (select->step()) lines.push_back(order_line_view_of(*select));
    return lines;
  });
}

std::vector<std::string> SqliteTables::skus_with_expired_holds(Instant now,
                                                               std::int64_t products_max) {
  return guarded([&] {
    StatementUse select{db_.statement(sql::select_skus_with_expired_holds)};
    select->bind(1, stored_instant(now)).bind(2, products_max);
    std::vector<std::string> skus;
    while (select->step()) skus.push_back(select->text(0));
    return skus;
  });
}

void SqliteTables::set_order_line_state(const std::string& orderid, const std::string& sku,
                                        std::int64_t qty, std::string_view state,
                                        const std::optional<std::string>& batchref) {
  StatementUse insert{db_.statement(sql::insert_order_line_state)};
  insert->bind(1, orderid).bind(2, sku).bind(3, qty).bind(4, state);
  insert->bind_optional(5, batchref).bind_null(6).execute();
}

void SqliteTables::add_allocation_view(const std::string& orderid, const std::string& sku,
                                       std::int64_t qty, const std::string& batchref) {
  StatementUse insert{db_.statement(sql::insert_allocation_view)};
  insert->bind(1, orderid).bind(2, sku).bind(3, qty).bind(4, batchref).execute();
  StatementUse clear{db_.statement(sql::clear_order_line_state)};
  clear->bind(1, orderid).bind(2, sku).bind(3, qty).execute();
}

void SqliteTables::delete_hold(const std::string& sku, const std::string& orderid,
                               const std::string& batchref) {
  StatementUse remove{db_.statement(sql::delete_hold)};
  remove->bind(1, sku).bind(2, orderid).bind(3, batchref).execute();
}

void SqliteTables::remove_allocation_view(const std::string& orderid, const std::string& sku,
                                          std::int64_t qty, const std::string& batchref) {
  StatementUse remove{db_.statement(sql::delete_allocation_view)};
  remove->bind(1, orderid).bind(2, sku).bind(3, qty).bind(4, batchref).execute();
}

bool SqliteTables::store_version(const std::string& sku, std::optional<std::int64_t> expected,
                                 std::int64_t version) {
  return guarded([&] {
    if (expected) {
      StatementUse update{db_.statement(sql::update_product_version)};
      return update->bind(1, version).bind(2, sku).bind(3, *expected).execute() == 1;
    }
    StatementUse insert{db_.statement(sql::insert_product)};
    return insert->bind(1, sku).bind(2, version).execute() == 1;
  });
}

void SqliteTables::store_change(const std::string& sku, const Event& event) {
  guarded([&] {
    std::visit(
        Overloaded{
            [&](const events::BatchCreated& e) {
              StatementUse insert{db_.statement(sql::insert_batch)};
              insert->bind(1, e.ref).bind(2, sku).bind(3, e.qty).bind_optional(4, iso_text(e.eta));
              insert->execute();
            },
            [&](const events::BatchQuantityChanged& e) {
              StatementUse update{db_.statement(sql::update_batch_quantity)};
              update->bind(1, e.qty).bind(2, e.ref).execute();
            },
            [&](const events::BatchEtaChanged& e) {
              StatementUse update{db_.statement(sql::update_batch_eta)};
              update->bind_optional(1, iso_text(e.eta)).bind(2, e.ref).execute();
            },
            [&](const events::Allocated& e) {
              StatementUse insert{db_.statement(sql::insert_allocation)};
              insert->bind(1, sku).bind(2, e.orderid).bind(3, e.qty).bind(4, e.batchref).execute();
            },
            [&](const events::Deallocated& e) {
              StatementUse remove{db_.statement(sql::delete_allocation)};
              remove->bind(1, sku).bind(2, e.orderid).bind(3, e.qty).bind(4, e.batchref).execute();
            },
            [&](const events::LineShipped& e) {
              StatementUse remove{db_.statement(sql::delete_allocation)};
              remove->bind(1, sku).bind(2, e.orderid).bind(3, e.qty).bind(4, e.batchref).execute();
              StatementUse ship{db_.statement(sql::ship_from_batch)};
              ship->bind(1, e.qty).bind(2, e.batchref).execute();
            },
            [&](const events::OrderHeld& e) {
              StatementUse insert{db_.statement(sql::insert_hold)};
              insert->bind(1, sku).bind(2, e.orderid).bind(3, e.qty).bind(4, e.batchref);
              insert->bind(5, stored_instant(e.expires_at)).execute();
            },
            [&](const events::HoldConfirmed& e) {
              delete_hold(sku, e.orderid, e.batchref);
              StatementUse insert{db_.statement(sql::insert_allocation)};
              insert->bind(1, sku).bind(2, e.orderid).bind(3, e.qty).bind(4, e.batchref).execute();
            },
            [&](const events::HoldReleased& e) { delete_hold(sku, e.orderid, e.batchref); },
            [](const events::LineUnallocated&) {},
            [](const events::OutOfStock&) {},
        },
        event);
  });
}

void SqliteTables::store_read_model_change(const ReadModelChange& change) {
  guarded([&] {
    std::visit(Overloaded{
                   [&](const events::Allocated& e) {
                     add_allocation_view(e.orderid, e.sku, e.qty, e.batchref);
                   },
                   [&](const events::Deallocated& e) {
                     remove_allocation_view(e.orderid, e.sku, e.qty, e.batchref);
                     if (e.reason == events::DeallocationReason::cancelled) {
                       set_order_line_state(e.orderid, e.sku, e.qty, "cancelled", std::nullopt);
                     }
                   },
                   [&](const events::LineShipped& e) {
                     remove_allocation_view(e.orderid, e.sku, e.qty, e.batchref);
                     StatementUse ship{db_.statement(sql::ship_from_batch_view)};
                     ship->bind(1, e.qty).bind(2, e.batchref).execute();
                     set_order_line_state(e.orderid, e.sku, e.qty, "shipped", e.batchref);
                   },
                   [&](const events::LineUnallocated& e) {
                     set_order_line_state(e.orderid, e.sku, e.qty, "unallocated", std::nullopt);
                   },
                   [&](const events::OrderHeld& e) {
                     StatementUse insert{db_.statement(sql::insert_order_line_state)};
                     insert->bind(1, e.orderid).bind(2, e.sku).bind(3, e.qty).bind(4, "held");
                     insert->bind(5, e.batchref).bind(6, stored_instant(e.expires_at)).execute();
                   },
                   [&](const events::HoldConfirmed& e) {
                     StatementUse remove{db_.statement(sql::delete_held_line)};
                     remove->bind(1, e.orderid).bind(2, e.sku).bind(3, e.batchref).execute();
                     add_allocation_view(e.orderid, e.sku, e.qty, e.batchref);
                   },
                   [&](const events::HoldReleased& e) {
                     StatementUse release{db_.statement(sql::release_held_line)};
                     release->bind(1, line_state_after(e.reason)).bind(2, e.orderid);
                     release->bind(3, e.sku).bind(4, e.batchref).execute();
                   },
                   [&](const events::BatchCreated& e) {
                     StatementUse insert{db_.statement(sql::insert_batch_view)};
                     insert->bind(1, e.ref).bind(2, e.sku).bind_optional(3, iso_text(e.eta));
                     insert->bind(4, e.qty).bind(5, e.qty).execute();
                   },
                   [&](const events::BatchQuantityChanged& e) {
                     StatementUse update{db_.statement(sql::set_batch_view_quantity)};
                     update->bind(1, e.qty).bind(2, e.ref).execute();
                   },
                   [&](const events::BatchEtaChanged& e) {
                     StatementUse update{db_.statement(sql::set_batch_view_eta)};
                     update->bind_optional(1, iso_text(e.eta)).bind(2, e.ref).execute();
                   },
                   [&](const AvailableQuantityDelta& d) {
                     StatementUse update{db_.statement(sql::add_to_batch_view_available)};
                     update->bind(1, d.delta).bind(2, d.batch_reference).execute();
                   },
               },
               change);
  });
}

void SqliteTables::store_in_outbox(const Event& event) {
  guarded([&] {
    StatementUse insert{db_.statement(sql::insert_outbox)};
    insert->bind(1, domain::name_of(event)).bind(2, to_json(event)).execute();
  });
}

void SqliteTables::store_in_audit(const service_layer::Actor& actor, const Event& event) {
  guarded([&] {
    StatementUse insert{db_.statement(sql::insert_audit)};
    insert->bind(1, actor.token_name).bind(2, actor.request_id).bind(3, domain::name_of(event));
    insert->bind(4, to_json(event)).execute();
  });
}

std::unique_ptr<service_layer::UnitOfWork> open_unit_of_work(const std::string& path) {
  return std::make_unique<TableUnitOfWork>(std::make_unique<SqliteTables>(path));
}

}  // namespace allocation::adapters::sqlite
