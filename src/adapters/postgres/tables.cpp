#include "adapters/postgres/tables.hpp"

#include <unordered_map>
#include <utility>

#include "adapters/event_json.hpp"
#include "adapters/postgres/schema.hpp"
#include "adapters/table_unit_of_work.hpp"
#include "domain/overloaded.hpp"
#include "service_layer/errors.hpp"

namespace allocation::adapters::postgres {

using namespace domain;

namespace {

std::string number(std::int64_t value) { return std::to_string(value); }

bool is_conflict(const std::string& sqlstate) {
  return sqlstate == "40001"      // serialization_failure
         || sqlstate == "40P01"   // deadlock_detected
         || sqlstate == "23505";  // unique_violation: another writer stored it first
}

template <class Work>
auto guarded(Work&& work) {
  try {
    return work();
  } catch (const PostgresError& error) {
    if (is_conflict(error.sqlstate())) throw service_layer::ConcurrencyConflict{error.what()};
    throw service_layer::StorageUnavailable{error.what()};
  }
}

}  // namespace

PostgresTables::PostgresTables(const std::string& url) : db_{url} { migrate(db_); }

std::string PostgresTables::text(std::string_view value) const { return db_.literal(value); }

std::string PostgresTables::date(const std::optional<Date>& value) const {
  return value ? text(value->iso()) + "::date" : "NULL";
}

void PostgresTables::defer(std::string statement, bool must_change_one_row) {
  deferred_ += statement;
  deferred_ += ";\n";
  deferred_changing_one_row_.push_back(must_change_one_row);
}

std::vector<Result> PostgresTables::send_with_deferred(const std::string& statements,
                                                       std::size_t result_count) {
  bool begins = std::exchange(begin_pending_, false);
  std::string sql = begins ? "BEGIN;\n" : "";
  sql += std::exchange(deferred_, {});
  auto checks = std::exchange(deferred_changing_one_row_, {});
  sql += statements;
  // A transaction's first round trip has changed nothing yet, so it is safe to send again on a
  // new connection when the old one turns out to have been lost.
  std::vector<Result> results = begins && checks.empty()
                                    ? run_reconnecting(db_, [&] { return db_.execute_all(sql); })
                                    : db_.execute_all(sql);
  std::size_t first_check = begins ? 1 : 0;
  for (std::size_t i = 0; i < checks.size(); ++i) {
    if (checks[i] && results.at(first_check + i).affected_rows() != 1) {
      throw service_layer::ConcurrencyConflict{"a product's stored version changed"};
    }
  }
  return {std::make_move_iterator(results.end() - static_cast<std::ptrdiff_t>(result_count)),
          std::make_move_iterator(results.end())};
}

void PostgresTables::begin() {
  guarded([&] { db_.ensure_connected(); });
  begin_pending_ = true;
}

void PostgresTables::commit() {
  guarded([&] { send_with_deferred("COMMIT", 1); });
}

void PostgresTables::rollback() noexcept {
  deferred_.clear();
  deferred_changing_one_row_.clear();
  if (std::exchange(begin_pending_, false)) return;
  try {
    db_.execute("ROLLBACK");
  } catch (const PostgresError&) {
    // The connection is gone, and the server has dropped the transaction with it.
  }
}

std::optional<std::int64_t> PostgresTables::product_version(std::string_view sku) {
  // The row lock makes concurrent writers of one product take turns instead of colliding; it
  // is held until the group ends.
  return guarded([&]() -> std::optional<std::int64_t> {
    auto results = send_with_deferred(
        "SELECT version_number FROM products WHERE sku = " + text(sku) + " FOR UPDATE", 1);
    if (results[0].rows() == 0) return std::nullopt;
    return results[0].int64(0, 0);
  });
}

std::unordered_map<std::string, std::int64_t> PostgresTables::product_versions(
    const std::vector<std::string>& skus) {
  std::unordered_map<std::string, std::int64_t> versions;
  if (skus.empty()) return versions;
  std::string list;
  for (const std::string& sku : skus) {
    if (!list.empty()) list += ", ";
    list += text(sku);
  }
  // In SKU order, so that processes locking overlapping products do not deadlock.
  return guarded([&] {
    auto results = send_with_deferred("SELECT sku, version_number FROM products WHERE sku IN (" +
                                          list + ") ORDER BY sku FOR UPDATE",
                                      1);
    for (int row = 0; row < results[0].rows(); ++row) {
      versions.emplace(results[0].text(row, 0), results[0].int64(row, 1));
    }
    return versions;
  });
}

Product PostgresTables::load_product(const std::string& sku, std::int64_t version) {
  return guarded([&] {
    auto results = send_with_deferred(
        "SELECT reference, purchased_quantity, eta FROM batches WHERE sku = " + text(sku) +
            ";\nSELECT orderid, qty, batchref FROM allocations WHERE sku = " + text(sku) +
            " ORDER BY id",
        2);
    const Result& rows = results[0];
    std::vector<Batch> batches;
    for (int row = 0; row < rows.rows(); ++row) {
      std::optional<Date> eta;
      if (auto iso = rows.optional_text(row, 2)) eta = Date::parse_iso(*iso);
      batches.emplace_back(rows.text(row, 0), sku, rows.int64(row, 1), eta);
    }
    std::unordered_map<std::string, Batch*> by_reference;
    for (Batch& batch : batches) by_reference.emplace(batch.reference(), &batch);
    const Result& lines = results[1];
    for (int row = 0; row < lines.rows(); ++row) {
      by_reference.at(lines.text(row, 2))
          ->allocate(OrderLine{lines.text(row, 0), sku, lines.int64(row, 1)});
    }
    return Product{sku, version, std::move(batches)};
  });
}

std::optional<std::string> PostgresTables::sku_of_batch(std::string_view reference) {
  return guarded([&]() -> std::optional<std::string> {
    auto results =
        send_with_deferred("SELECT sku FROM batches WHERE reference = " + text(reference), 1);
    if (results[0].rows() == 0) return std::nullopt;
    return results[0].text(0, 0);
  });
}

bool PostgresTables::store_version(const std::string& sku, std::optional<std::int64_t> expected,
                                   std::int64_t version) {
  if (expected) {
    defer("UPDATE products SET version_number = " + number(version) + " WHERE sku = " + text(sku) +
              " AND version_number = " + number(*expected),
          true);
  } else {
    defer("INSERT INTO products (sku, version_number) VALUES (" + text(sku) + ", " +
              number(version) + ") ON CONFLICT DO NOTHING",
          true);
  }
  return true;
}

void PostgresTables::store_change(const std::string& sku, const Event& event) {
  std::visit(
      Overloaded{
          [&](const events::BatchCreated& e) {
            defer("INSERT INTO batches (reference, sku, purchased_quantity, eta) VALUES (" +
                  text(e.ref) + ", " + text(sku) + ", " + number(e.qty) + ", " + date(e.eta) + ")");
          },
          [&](const events::BatchQuantityChanged& e) {
            defer("UPDATE batches SET purchased_quantity = " + number(e.qty) +
                  " WHERE reference = " + text(e.ref));
          },
          [&](const events::Allocated& e) {
            defer("INSERT INTO allocations (sku, orderid, qty, batchref) VALUES (" + text(sku) +
                  ", " + text(e.orderid) + ", " + number(e.qty) + ", " + text(e.batchref) + ")");
          },
          [&](const events::Deallocated& e) {
            defer("DELETE FROM allocations WHERE sku = " + text(sku) +
                  " AND orderid = " + text(e.orderid) + " AND qty = " + number(e.qty));
          },
          [](const events::OutOfStock&) {},
      },
      event);
}

void PostgresTables::store_read_model_change(const ReadModelChange& change) {
  std::visit(
      Overloaded{
          [&](const events::Allocated& e) {
            defer("INSERT INTO allocations_view (orderid, sku, qty, batchref) VALUES (" +
                  text(e.orderid) + ", " + text(e.sku) + ", " + number(e.qty) + ", " +
                  text(e.batchref) + ")");
          },
          [&](const events::Deallocated& e) {
            defer(
                "DELETE FROM allocations_view WHERE id = (SELECT id FROM allocations_view "
                "WHERE orderid = " +
                text(e.orderid) + " AND sku = " + text(e.sku) + " AND qty = " + number(e.qty) +
                " AND batchref = " + text(e.batchref) + " LIMIT 1)");
          },
          [&](const events::BatchCreated& e) {
            defer(
                "INSERT INTO batches_view (reference, sku, eta, purchased_quantity, "
                "available_quantity) VALUES (" +
                text(e.ref) + ", " + text(e.sku) + ", " + date(e.eta) + ", " + number(e.qty) +
                ", " + number(e.qty) + ")");
          },
          [&](const events::BatchQuantityChanged& e) {
            defer("UPDATE batches_view SET available_quantity = available_quantity + (" +
                  number(e.qty) + " - purchased_quantity), purchased_quantity = " + number(e.qty) +
                  " WHERE reference = " + text(e.ref));
          },
          [&](const AvailableQuantityDelta& d) {
            defer("UPDATE batches_view SET available_quantity = available_quantity + " +
                  number(d.delta) + " WHERE reference = " + text(d.batch_reference));
          },
      },
      change);
}

void PostgresTables::store_in_outbox(const Event& event) {
  defer("INSERT INTO outbox (event, payload) VALUES (" + text(event_name(event)) + ", " +
        text(to_json(event)) + ")");
}

void PostgresTables::store_in_audit(const service_layer::Actor& actor, const Event& event) {
  defer("INSERT INTO audit (token_name, request_id, action, details) VALUES (" +
        text(actor.token_name) + ", " + text(actor.request_id) + ", " + text(event_name(event)) +
        ", " + text(to_json(event)) + ")");
}

std::unique_ptr<service_layer::UnitOfWork> open_unit_of_work(const std::string& url) {
  return std::make_unique<TableUnitOfWork>(std::make_unique<PostgresTables>(url));
}

}  // namespace allocation::adapters::postgres
