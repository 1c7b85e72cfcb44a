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

Parameter iso(const std::optional<Date>& date) {
  if (!date) return std::nullopt;
  return date->iso();
}

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

void PostgresTables::begin() {
  guarded([&] { run_reconnecting(db_, [&] { db_.execute("BEGIN"); }); });
}

void PostgresTables::commit() {
  guarded([&] { db_.execute("COMMIT"); });
}

void PostgresTables::rollback() noexcept {
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
    Result result = db_.run("SELECT version_number FROM products WHERE sku = $1 FOR UPDATE",
                            {std::string{sku}});
    if (result.rows() == 0) return std::nullopt;
    return result.int64(0, 0);
  });
}

Product PostgresTables::load_product(const std::string& sku, std::int64_t version) {
  return guarded([&] {
    std::vector<Batch> batches;
    Result rows =
        db_.run("SELECT reference, purchased_quantity, eta FROM batches WHERE sku = $1", {sku});
    for (int row = 0; row < rows.rows(); ++row) {
      std::optional<Date> eta;
      if (auto text = rows.optional_text(row, 2)) eta = Date::parse_iso(*text);
      batches.emplace_back(rows.text(row, 0), sku, rows.int64(row, 1), eta);
    }
    std::unordered_map<std::string, Batch*> by_reference;
    for (Batch& batch : batches) by_reference.emplace(batch.reference(), &batch);
    Result lines =
        db_.run("SELECT orderid, qty, batchref FROM allocations WHERE sku = $1 ORDER BY id", {sku});
    for (int row = 0; row < lines.rows(); ++row) {
      by_reference.at(lines.text(row, 2))
          ->allocate(OrderLine{lines.text(row, 0), sku, lines.int64(row, 1)});
    }
    return Product{sku, version, std::move(batches)};
  });
}

std::optional<std::string> PostgresTables::sku_of_batch(std::string_view reference) {
  return guarded([&]() -> std::optional<std::string> {
    Result result =
        db_.run("SELECT sku FROM batches WHERE reference = $1", {std::string{reference}});
    if (result.rows() == 0) return std::nullopt;
    return result.text(0, 0);
  });
}

bool PostgresTables::store_version(const std::string& sku, std::optional<std::int64_t> expected,
                                   std::int64_t version) {
  return guarded([&] {
    if (expected) {
      return db_.run(
                    "UPDATE products SET version_number = $1 WHERE sku = $2 AND version_number = "
                    "$3",
                    {number(version), sku, number(*expected)})
                 .affected_rows() == 1;
    }
    return db_.run(
                  "INSERT INTO products (sku, version_number) VALUES ($1, $2) ON CONFLICT DO "
                  "NOTHING",
                  {sku, number(version)})
               .affected_rows() == 1;
  });
}

void PostgresTables::store_change(const std::string& sku, const Event& event) {
  guarded([&] {
    std::visit(Overloaded{
                   [&](const events::BatchCreated& e) {
                     db_.run(
                         "INSERT INTO batches (reference, sku, purchased_quantity, eta) "
                         "VALUES ($1, $2, $3, $4)",
                         {e.ref, sku, number(e.qty), iso(e.eta)});
                   },
                   [&](const events::BatchQuantityChanged& e) {
                     db_.run("UPDATE batches SET purchased_quantity = $1 WHERE reference = $2",
                             {number(e.qty), e.ref});
                   },
                   [&](const events::Allocated& e) {
                     db_.run(
                         "INSERT INTO allocations (sku, orderid, qty, batchref) "
                         "VALUES ($1, $2, $3, $4)",
                         {sku, e.orderid, number(e.qty), e.batchref});
                   },
                   [&](const events::Deallocated& e) {
                     db_.run("DELETE FROM allocations WHERE sku = $1 AND orderid = $2 AND qty = $3",
                             {sku, e.orderid, number(e.qty)});
                   },
                   [](const events::OutOfStock&) {},
               },
               event);
  });
}

void PostgresTables::store_read_model_change(const ReadModelChange& change) {
  guarded([&] {
    std::visit(Overloaded{
                   [&](const events::Allocated& e) {
                     db_.run(
                         "INSERT INTO allocations_view (orderid, sku, qty, batchref) "
                         "VALUES ($1, $2, $3, $4)",
                         {e.orderid, e.sku, number(e.qty), e.batchref});
                   },
                   [&](const events::Deallocated& e) {
                     db_.run(
                         "DELETE FROM allocations_view WHERE id = (SELECT id FROM allocations_view "
                         "WHERE orderid = $1 AND sku = $2 AND qty = $3 AND batchref = $4 LIMIT 1)",
                         {e.orderid, e.sku, number(e.qty), e.batchref});
                   },
                   [&](const events::BatchCreated& e) {
                     db_.run(
                         "INSERT INTO batches_view (reference, sku, eta, purchased_quantity, "
                         "available_quantity) VALUES ($1, $2, $3, $4, $4)",
                         {e.ref, e.sku, iso(e.eta), number(e.qty)});
                   },
                   [&](const events::BatchQuantityChanged& e) {
                     db_.run(
                         "UPDATE batches_view SET available_quantity = available_quantity + ($1 - "
                         "purchased_quantity), purchased_quantity = $1 WHERE reference = $2",
                         {number(e.qty), e.ref});
                   },
                   [&](const AvailableQuantityDelta& d) {
                     db_.run(
                         "UPDATE batches_view SET available_quantity = available_quantity + $1 "
                         "WHERE reference = $2",
                         {number(d.delta), d.batch_reference});
                   },
               },
               change);
  });
}

void PostgresTables::store_in_outbox(const Event& event) {
  guarded([&] {
    db_.run("INSERT INTO outbox (event, payload) VALUES ($1, $2)",
            {std::string{event_name(event)}, to_json(event)});
  });
}

std::unique_ptr<service_layer::UnitOfWork> open_unit_of_work(const std::string& url) {
  return std::make_unique<TableUnitOfWork>(std::make_unique<PostgresTables>(url));
}

}  // namespace allocation::adapters::postgres
