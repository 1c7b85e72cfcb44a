#include "adapters/postgres/tables.hpp"

#include <iterator>
#include <unordered_map>
#include <utility>

#include "adapters/event_json.hpp"
#include "adapters/postgres/schema.hpp"
#include "adapters/postgres/statements.hpp"
#include "adapters/postgres/storage_errors.hpp"
#include "adapters/rows.hpp"
#include "adapters/table_unit_of_work.hpp"
#include "common/overloaded.hpp"
#include "service_layer/errors.hpp"

namespace allocation::adapters::postgres {

using namespace domain;

namespace {

Parameter number(std::int64_t value) { return std::to_string(value); }

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
  if (begins) sent.push_back({sql::begin, {}});
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
  guarded([&] { send_with_deferred({{sql::commit, {}}}); });
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
    auto results = send_with_deferred({{sql::lock_product_versions, {text_array(skus)}}});
    for (int row = 0; row < results[0].rows(); ++row) {
      versions.emplace(results[0].text(row, 0), results[0].int64(row, 1));
    }
    return versions;
  });
}

Product PostgresTables::load_product(const std::string& sku, std::int64_t version) {
  return guarded([&] {
    auto results = send_with_deferred({{sql::select_batches_of_product, {sku}},
                                       {sql::select_allocations_of_product, {sku}},
                                       {sql::select_holds_of_product, {sku}}});
    std::vector<Batch> batches;
    for (int row = 0; row < results[0].rows(); ++row) {
      batches.push_back(batch_of(results[0].row(row), sku));
    }
    auto allocations = results[1].rows_as([](const ResultRow& row) { return allocation_of(row); });
    auto holds = results[2].rows_as([](const ResultRow& row) { return hold_of(row); });
    return assemble_product(sku, version, std::move(batches), allocations, holds);
  });
}

std::unordered_map<std::string, std::string> PostgresTables::skus_of_batches(
    const std::vector<std::string>& references) {
  std::unordered_map<std::string, std::string> skus;
  if (references.empty()) return skus;
  return guarded([&] {
    auto results = send_with_deferred({{sql::select_skus_of_batches, {text_array(references)}}});
    for (int row = 0; row < results[0].rows(); ++row) {
      skus.emplace(results[0].text(row, 0), results[0].text(row, 1));
    }
    return skus;
  });
}

std::vector<service_layer::OrderLineView> PostgresTables::lines_of_order(std::string_view orderid,
                                                                         Instant now) {
  return guarded([&] {
    auto results = send_with_deferred(
        {{sql::select_order_lines, {std::string{orderid}, number(stored_instant(now))}}});
    return results[0].rows_as([](const ResultRow& row) { return order_line_view_of(row); });
  });
}

std::vector<std::string> PostgresTables::skus_with_expired_holds(Instant now,
                                                                 std::int64_t products_max) {
  return guarded([&] {
    auto results = send_with_deferred({{sql::select_skus_with_expired_holds,
                                        {number(stored_instant(now)), number(products_max)}}});
    return results[0].rows_as([](const ResultRow& row) { return row.text(0); });
  });
}

bool PostgresTables::store_version(const std::string& sku, std::optional<std::int64_t> expected,
                                   std::int64_t version) {
  if (expected) {
    defer_row("products", sql::update_product_versions,
              {sku, std::to_string(version), std::to_string(*expected)}, true);
  } else {
    defer_row("products", sql::insert_products, {sku, std::to_string(version)}, true);
  }
  return true;
}

void PostgresTables::store_change(const std::string& sku, const Event& event) {
  std::visit(
      Overloaded{
          [&](const events::BatchCreated& e) {
            defer("batches", {sql::insert_batch, {e.ref, sku, number(e.qty), iso_text(e.eta)}});
          },
          [&](const events::BatchQuantityChanged& e) {
            defer("batches", {sql::update_batch_quantity, {number(e.qty), e.ref}});
          },
          [&](const events::BatchEtaChanged& e) {
            defer("batches", {sql::update_batch_eta, {iso_text(e.eta), e.ref}});
          },
          [&](const events::Allocated& e) {
            defer_row("allocations", sql::insert_allocations,
                      {sku, e.orderid, std::to_string(e.qty), e.batchref});
          },
          [&](const events::Deallocated& e) {
            defer("allocations",
                  {sql::delete_allocation, {sku, e.orderid, number(e.qty), e.batchref}});
          },
          [&](const events::LineShipped& e) {
            defer("allocations",
                  {sql::delete_allocation, {sku, e.orderid, number(e.qty), e.batchref}});
            defer("batches", {sql::ship_from_batch, {number(e.qty), e.batchref}});
          },
          [&](const events::OrderHeld& e) {
            defer("holds", {sql::insert_hold,
                            {sku, e.orderid, number(e.qty), e.batchref,
                             number(stored_instant(e.expires_at))}});
          },
          [&](const events::HoldConfirmed& e) {
            defer("holds", {sql::delete_hold, {sku, e.orderid, e.batchref}});
            defer_row("allocations", sql::insert_allocations,
                      {sku, e.orderid, std::to_string(e.qty), e.batchref});
          },
          [&](const events::HoldReleased& e) {
            defer("holds", {sql::delete_hold, {sku, e.orderid, e.batchref}});
          },
          [](const events::LineUnallocated&) {},
          [](const events::OutOfStock&) {},
      },
      event);
}

void PostgresTables::store_read_model_change(const ReadModelChange& change) {
  std::visit(
      Overloaded{
          [&](const events::Allocated& e) {
            add_allocation_view(e.orderid, e.sku, e.qty, e.batchref);
          },
          [&](const events::Deallocated& e) {
            defer("allocations_view",
                  {sql::delete_allocation_view, {e.orderid, e.sku, number(e.qty), e.batchref}});
            if (e.reason == events::DeallocationReason::cancelled) {
              set_order_line_state(e.orderid, e.sku, e.qty, "cancelled", std::nullopt);
            }
          },
          [&](const events::LineShipped& e) {
            defer("allocations_view",
                  {sql::delete_allocation_view, {e.orderid, e.sku, number(e.qty), e.batchref}});
            defer("batches_view", {sql::ship_from_batch_view, {number(e.qty), e.batchref}});
            set_order_line_state(e.orderid, e.sku, e.qty, "shipped", e.batchref);
          },
          [&](const events::LineUnallocated& e) {
            set_order_line_state(e.orderid, e.sku, e.qty, "unallocated", std::nullopt);
          },
          [&](const events::OrderHeld& e) {
            defer("order_line_states", {sql::insert_order_line_state,
                                        {e.orderid, e.sku, number(e.qty), "held", e.batchref,
                                         number(stored_instant(e.expires_at))}});
          },
          [&](const events::HoldConfirmed& e) {
            defer("order_line_states", {sql::delete_held_line, {e.orderid, e.sku, e.batchref}});
            add_allocation_view(e.orderid, e.sku, e.qty, e.batchref);
          },
          [&](const events::HoldReleased& e) {
            defer("order_line_states",
                  {sql::release_held_line,
                   {std::string{line_state_after(e.reason)}, e.orderid, e.sku, e.batchref}});
          },
          [&](const events::BatchCreated& e) {
            defer("batches_view",
                  {sql::insert_batch_view, {e.ref, e.sku, iso_text(e.eta), number(e.qty)}});
          },
          [&](const events::BatchQuantityChanged& e) {
            defer("batches_view", {sql::set_batch_view_quantity, {number(e.qty), e.ref}});
          },
          [&](const events::BatchEtaChanged& e) {
            defer("batches_view", {sql::set_batch_view_eta, {iso_text(e.eta), e.ref}});
          },
          [&](const AvailableQuantityDelta& d) {
            defer_row("batches_view", sql::add_to_batches_view_available,
                      {d.batch_reference, std::to_string(d.delta)});
          },
      },
      change);
}

void PostgresTables::add_allocation_view(const std::string& orderid, const std::string& sku,
                                         std::int64_t qty, const std::string& batchref) {
  defer_row("allocations_view", sql::insert_allocations_view,
            {orderid, sku, std::to_string(qty), batchref});
  defer_row("order_line_states", sql::clear_order_line_states, {orderid, sku, std::to_string(qty)});
}

void PostgresTables::set_order_line_state(const std::string& orderid, const std::string& sku,
                                          std::int64_t qty, std::string_view state,
                                          const std::optional<std::string>& batchref) {
  defer("order_line_states", {sql::insert_order_line_state,
                              {orderid, sku, number(qty), std::string{state}, batchref, {}}});
}

void PostgresTables::store_in_outbox(const Event& event) {
  defer_row("outbox", sql::insert_outbox, {std::string{domain::name_of(event)}, to_json(event)});
}

void PostgresTables::store_in_audit(const service_layer::Actor& actor, const Event& event) {
  defer_row(
      "audit", sql::insert_audit,
      {actor.token_name, actor.request_id, std::string{domain::name_of(event)}, to_json(event)});
}

std::unique_ptr<service_layer::UnitOfWork> open_unit_of_work(const std::string& url) {
  return std::make_unique<TableUnitOfWork>(std::make_unique<PostgresTables>(url));
}

}  // namespace allocation::adapters::postgres
