#include "adapters/postgres/tables.hpp"

#include <iterator>
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

Parameter number(std::int64_t value) { return std::to_string(value); }

Parameter date(const std::optional<Date>& value) {
  if (!value) return std::nullopt;
  return value->iso();
}

// A PostgreSQL array literal of `texts`, each quoted.
std::string text_array(const std::vector<std::string>& texts) {
  std::string array = "{";
  for (const std::string& text : texts) {
    if (array.size() > 1) array += ',';
    array += '"';
    for (char c : text) {
      if (c == '"' || c == '\\') array += '\\';
      array += c;
    }
    array += '"';
  }
  array += '}';
  return array;
}

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

void PostgresTables::defer(Statement statement, bool must_change_one_row) {
  deferred_.push_back(std::move(statement));
  deferred_changing_one_row_.push_back(must_change_one_row);
}

std::vector<Result> PostgresTables::send_with_deferred(std::vector<Statement> statements) {
  bool begins = std::exchange(begin_pending_, false);
  std::vector<Statement> sent;
  sent.reserve(deferred_.size() + statements.size() + 1);
  if (begins) sent.push_back({"BEGIN", {}});
  std::move(deferred_.begin(), deferred_.end(), std::back_inserter(sent));
  deferred_.clear();
  auto checks = std::exchange(deferred_changing_one_row_, {});
  std::move(statements.begin(), statements.end(), std::back_inserter(sent));
  // A transaction's first round trip has changed nothing yet, so it is safe to send again on a
  // new connection when the old one turns out to have been lost.
  std::vector<Result> results = begins && checks.empty()
                                    ? run_reconnecting(db_, [&] { return db_.run_pipelined(sent); })
                                    : db_.run_pipelined(sent);
  std::size_t first_check = begins ? 1 : 0;
  for (std::size_t i = 0; i < checks.size(); ++i) {
    if (checks[i] && results.at(first_check + i).affected_rows() != 1) {
      throw service_layer::ConcurrencyConflict{"a product's stored version changed"};
    }
  }
  return {std::make_move_iterator(results.end() - static_cast<std::ptrdiff_t>(statements.size())),
          std::make_move_iterator(results.end())};
}

void PostgresTables::begin() {
  guarded([&] { db_.ensure_connected(); });
  begin_pending_ = true;
}

void PostgresTables::commit() {
  guarded([&] { send_with_deferred({{"COMMIT", {}}}); });
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

std::unordered_map<std::string, std::int64_t> PostgresTables::product_versions(
    const std::vector<std::string>& skus) {
  std::unordered_map<std::string, std::int64_t> versions;
  if (skus.empty()) return versions;
  // The row locks make concurrent writers of one product take turns instead of colliding, and
  // are held until the group ends; taken in SKU order, so that processes locking overlapping
  // products do not deadlock.
  return guarded([&] {
    auto results = send_with_deferred(
        {{"SELECT sku, version_number FROM products WHERE sku = ANY($1::text[]) ORDER BY sku "
          "FOR UPDATE",
          {text_array(skus)}}});
    for (int row = 0; row < results[0].rows(); ++row) {
      versions.emplace(results[0].text(row, 0), results[0].int64(row, 1));
    }
    return versions;
  });
}

Product PostgresTables::load_product(const std::string& sku, std::int64_t version) {
  return guarded([&] {
    auto results = send_with_deferred(
        {{"SELECT reference, purchased_quantity, eta FROM batches WHERE sku = $1", {sku}},
         {"SELECT orderid, qty, batchref FROM allocations WHERE sku = $1 ORDER BY id", {sku}}});
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
    auto results = send_with_deferred(
        {{"SELECT sku FROM batches WHERE reference = $1", {std::string{reference}}}});
    if (results[0].rows() == 0) return std::nullopt;
    return results[0].text(0, 0);
  });
}

bool PostgresTables::store_version(const std::string& sku, std::optional<std::int64_t> expected,
                                   std::int64_t version) {
  if (expected) {
    defer({"UPDATE products SET version_number = $1 WHERE sku = $2 AND version_number = $3",
           {number(version), sku, number(*expected)}},
          true);
  } else {
    defer({"INSERT INTO products (sku, version_number) VALUES ($1, $2) ON CONFLICT DO NOTHING",
           {sku, number(version)}},
          true);
  }
  return true;
}

void PostgresTables::store_change(const std::string& sku, const Event& event) {
  std::visit(
      Overloaded{
          [&](const events::BatchCreated& e) {
            defer(
                {"INSERT INTO batches (reference, sku, purchased_quantity, eta) "
                 "VALUES ($1, $2, $3, $4::date)",
                 {e.ref, sku, number(e.qty), date(e.eta)}});
          },
          [&](const events::BatchQuantityChanged& e) {
            defer({"UPDATE batches SET purchased_quantity = $1 WHERE reference = $2",
                   {number(e.qty), e.ref}});
          },
          [&](const events::Allocated& e) {
            defer({"INSERT INTO allocations (sku, orderid, qty, batchref) VALUES ($1, $2, $3, $4)",
                   {sku, e.orderid, number(e.qty), e.batchref}});
          },
          [&](const events::Deallocated& e) {
            defer({"DELETE FROM allocations WHERE sku = $1 AND orderid = $2 AND qty = $3",
                   {sku, e.orderid, number(e.qty)}});
          },
          [](const events::OutOfStock&) {},
      },
      event);
}

void PostgresTables::store_read_model_change(const ReadModelChange& change) {
  std::visit(Overloaded{
                 [&](const events::Allocated& e) {
                   defer(
                       {"INSERT INTO allocations_view (orderid, sku, qty, batchref) "
                        "VALUES ($1, $2, $3, $4)",
                        {e.orderid, e.sku, number(e.qty), e.batchref}});
                 },
                 [&](const events::Deallocated& e) {
                   defer(
                       {"DELETE FROM allocations_view WHERE id = (SELECT id FROM allocations_view "
                        "WHERE orderid = $1 AND sku = $2 AND qty = $3 AND batchref = $4 LIMIT 1)",
                        {e.orderid, e.sku, number(e.qty), e.batchref}});
                 },
                 [&](const events::BatchCreated& e) {
                   defer(
                       {"INSERT INTO batches_view (reference, sku, eta, purchased_quantity, "
                        "available_quantity) VALUES ($1, $2, $3::date, $4, $4)",
                        {e.ref, e.sku, date(e.eta), number(e.qty)}});
                 },
                 [&](const events::BatchQuantityChanged& e) {
                   defer(
                       {"UPDATE batches_view SET available_quantity = available_quantity + ($1 - "
                        "purchased_quantity), purchased_quantity = $1 WHERE reference = $2",
                        {number(e.qty), e.ref}});
                 },
                 [&](const AvailableQuantityDelta& d) {
                   defer(
                       {"UPDATE batches_view SET available_quantity = available_quantity + $1 "
                        "WHERE reference = $2",
                        {number(d.delta), d.batch_reference}});
                 },
             },
             change);
}

void PostgresTables::store_in_outbox(const Event& event) {
  defer({"INSERT INTO outbox (event, payload) VALUES ($1, $2)",
         {std::string{event_name(event)}, to_json(event)}});
}

void PostgresTables::store_in_audit(const service_layer::Actor& actor, const Event& event) {
  defer({"INSERT INTO audit (token_name, request_id, action, details) VALUES ($1, $2, $3, $4)",
         {actor.token_name, actor.request_id, std::string{event_name(event)}, to_json(event)}});
}

std::unique_ptr<service_layer::UnitOfWork> open_unit_of_work(const std::string& url) {
  return std::make_unique<TableUnitOfWork>(std::make_unique<PostgresTables>(url));
}

}  // namespace allocation::adapters::postgres
