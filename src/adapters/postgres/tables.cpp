#include "adapters/postgres/tables.hpp"

#include <iterator>
#include <unordered_map>
#include <utility>

#include "adapters/event_json.hpp"
#include "adapters/postgres/schema.hpp"
#include "adapters/table_unit_of_work.hpp"
#include "common/overloaded.hpp"
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

void PostgresTables::defer(std::string_view table, Statement statement, bool must_change_one_row) {
  last_write_to_table_[table] = deferred_.size();
  deferred_.push_back(Write{table, std::move(statement), {}, 1, must_change_one_row});
}

void PostgresTables::defer_row(std::string_view table, const char* array_sql,
                               std::vector<std::string> row, bool must_change_one_row) {
  auto last = last_write_to_table_.find(table);
  if (last == last_write_to_table_.end() || deferred_[last->second].statement.sql != array_sql) {
    defer(table, {array_sql, {}}, must_change_one_row);
    deferred_.back().columns.resize(row.size());
    deferred_.back().rows = 0;
  }
  Write& write = deferred_[last_write_to_table_.at(table)];
  for (std::size_t column = 0; column < row.size(); ++column) {
    write.columns[column].push_back(std::move(row[column]));
  }
  ++write.rows;
}

std::vector<Result> PostgresTables::send_with_deferred(std::vector<Statement> statements) {
  bool begins = std::exchange(begin_pending_, false);
  auto writes = std::exchange(deferred_, {});
  last_write_to_table_.clear();
  std::vector<Statement> sent;
  sent.reserve(writes.size() + statements.size() + 1);
  if (begins) sent.push_back({"BEGIN", {}});
  for (Write& write : writes) {
    for (const auto& column : write.columns)
      write.statement.parameters.emplace_back(text_array(column));
    sent.push_back(std::move(write.statement));
  }
  std::move(statements.begin(), statements.end(), std::back_inserter(sent));
  // A transaction's first round trip has changed nothing yet, so it is safe to send again on a
  // new connection when the old one turns out to have been lost.
  std::vector<Result> results = begins && writes.empty()
                                    ? run_reconnecting(db_, [&] { return db_.run_pipelined(sent); })
                                    : db_.run_pipelined(sent);
  std::size_t first_write = begins ? 1 : 0;
  for (std::size_t i = 0; i < writes.size(); ++i) {
    if (writes[i].must_change_each_row &&
        results.at(first_write + i).affected_rows() != static_cast<std::int64_t>(writes[i].rows)) {
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
  last_write_to_table_.clear();
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
    defer_row("products",
              "UPDATE products AS p SET version_number = v.version "
              "FROM unnest($1::text[], $2::bigint[], $3::bigint[]) AS v (sku, version, expected) "
              "WHERE p.sku = v.sku AND p.version_number = v.expected",
              {sku, std::to_string(version), std::to_string(*expected)}, true);
  } else {
    defer_row("products",
              "INSERT INTO products (sku, version_number) "
              "SELECT sku, version FROM unnest($1::text[], $2::bigint[]) AS v (sku, version) "
              "ON CONFLICT DO NOTHING",
              {sku, std::to_string(version)}, true);
  }
  return true;
}

void PostgresTables::store_change(const std::string& sku, const Event& event) {
  std::visit(
      Overloaded{
          [&](const events::BatchCreated& e) {
            defer("batches", {"INSERT INTO batches (reference, sku, purchased_quantity, eta) "
                              "VALUES ($1, $2, $3, $4::date)",
                              {e.ref, sku, number(e.qty), date(e.eta)}});
          },
          [&](const events::BatchQuantityChanged& e) {
            defer("batches", {"UPDATE batches SET purchased_quantity = $1 WHERE reference = $2",
                              {number(e.qty), e.ref}});
          },
          [&](const events::Allocated& e) {
            defer_row("allocations",
                      "INSERT INTO allocations (sku, orderid, qty, batchref) "
                      "SELECT sku, orderid, qty, batchref "
                      "FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[]) "
                      "WITH ORDINALITY AS r (sku, orderid, qty, batchref, n) ORDER BY n",
                      {sku, e.orderid, std::to_string(e.qty), e.batchref});
          },
          [&](const events::Deallocated& e) {
            defer("allocations",
                  {"DELETE FROM allocations WHERE sku = $1 AND orderid = $2 AND qty = $3",
                   {sku, e.orderid, number(e.qty)}});
          },
          [](const events::OutOfStock&) {},
      },
      event);
}

void PostgresTables::store_read_model_change(const ReadModelChange& change) {
  std::visit(
      Overloaded{
          [&](const events::Allocated& e) {
            defer_row("allocations_view",
                      "INSERT INTO allocations_view (orderid, sku, qty, batchref) "
                      "SELECT orderid, sku, qty, batchref "
                      "FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[]) "
                      "WITH ORDINALITY AS r (orderid, sku, qty, batchref, n) ORDER BY n",
                      {e.orderid, e.sku, std::to_string(e.qty), e.batchref});
          },
          [&](const events::Deallocated& e) {
            defer("allocations_view",
                  {"DELETE FROM allocations_view WHERE id = (SELECT id FROM allocations_view "
                   "WHERE orderid = $1 AND sku = $2 AND qty = $3 AND batchref = $4 LIMIT 1)",
                   {e.orderid, e.sku, number(e.qty), e.batchref}});
          },
          [&](const events::BatchCreated& e) {
            defer("batches_view",
                  {"INSERT INTO batches_view (reference, sku, eta, purchased_quantity, "
                   "available_quantity) VALUES ($1, $2, $3::date, $4, $4)",
                   {e.ref, e.sku, date(e.eta), number(e.qty)}});
          },
          [&](const events::BatchQuantityChanged& e) {
            defer("batches_view",
                  {"UPDATE batches_view SET available_quantity = available_quantity + ($1 - "
                   "purchased_quantity), purchased_quantity = $1 WHERE reference = $2",
                   {number(e.qty), e.ref}});
          },
          [&](const AvailableQuantityDelta& d) {
            defer_row("batches_view",
                      "UPDATE batches_view AS b SET available_quantity = b.available_quantity + "
                      "d.delta FROM (SELECT reference, sum(delta)::bigint AS delta "
                      "FROM unnest($1::text[], $2::bigint[]) AS u (reference, delta) "
                      "GROUP BY reference) AS d WHERE b.reference = d.reference",
                      {d.batch_reference, std::to_string(d.delta)});
          },
      },
      change);
}

void PostgresTables::store_in_outbox(const Event& event) {
  defer_row("outbox",
            "INSERT INTO outbox (event, payload) SELECT event, payload "
            "FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS r (event, payload, n) "
            "ORDER BY n",
            {std::string{domain::name_of(event)}, to_json(event)});
}

void PostgresTables::store_in_audit(const service_layer::Actor& actor, const Event& event) {
  defer_row(
      "audit",
      "INSERT INTO audit (token_name, request_id, action, details) "
      "SELECT token_name, request_id, action, details "
      "FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) "
      "WITH ORDINALITY AS r (token_name, request_id, action, details, n) ORDER BY n",
      {actor.token_name, actor.request_id, std::string{domain::name_of(event)}, to_json(event)});
}

std::unique_ptr<service_layer::UnitOfWork> open_unit_of_work(const std::string& url) {
  return std::make_unique<TableUnitOfWork>(std::make_unique<PostgresTables>(url));
}

}  // namespace allocation::adapters::postgres
