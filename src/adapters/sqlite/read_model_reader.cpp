#include "adapters/sqlite/read_model_reader.hpp"

#include "adapters/rows.hpp"
#include "adapters/sqlite/statements.hpp"
#include "service_layer/errors.hpp"

namespace allocation::adapters::sqlite {

using service_layer::AllocationView;
using service_layer::BatchView;
using service_layer::OrderLineView;
using service_layer::ProductView;

namespace {

// The rows `sql` selects with `parameters` bound in order, each through `map`.
template <class Map, class... Parameters>
auto rows_for(Connection& db, const char* sql, Map map, const Parameters&... parameters) {
  try {
    StatementUse select{db.statement(sql)};
    int index = 0;
    (select->bind(++index, parameters), ...);
    std::vector<decltype(map(*select))> rows;
    while (select->step()) rows.push_back(map(*select));
    return rows;
  } catch (const SqliteError& error) {
    throw service_layer::StorageUnavailable{error.what()};
  }
}

}  // namespace

std::vector<AllocationView> SqliteReadModelReader::allocations_for_order(std::string_view orderid) {
  return rows_for(
      db_, sql::select_allocations_view_of_order,
      [](const Statement& row) { return allocation_view_of(row); }, orderid);
}

std::vector<BatchView> SqliteReadModelReader::batches_for_sku(std::string_view sku,
                                                              domain::Instant now) {
  return rows_for(
      db_, sql::select_batches_view_of_product,
      [](const Statement& row) { return batch_view_of(row); }, sku, stored_instant(now));
}

std::vector<ProductView> SqliteReadModelReader::products(std::string_view after, std::size_t limit,
                                                         domain::Instant now) {
  return rows_for(
      db_, sql::select_products_view, [](const Statement& row) { return product_view_of(row); },
      after, stored_instant(now), static_cast<std::int64_t>(limit));
}

std::vector<OrderLineView> SqliteReadModelReader::order_lines(std::string_view orderid,
                                                              domain::Instant now) {
  return rows_for(
      db_, sql::select_order_lines, [](const Statement& row) { return order_line_view_of(row); },
      orderid, stored_instant(now));
}

}  // namespace allocation::adapters::sqlite
