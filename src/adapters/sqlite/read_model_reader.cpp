#include "adapters/sqlite/read_model_reader.hpp"

#include "adapters/rows.hpp"
#include "adapters/sqlite/statements.hpp"
#include "service_layer/errors.hpp"

namespace allocation::adapters::sqlite {

using service_layer::AllocationView;
using service_layer::BatchView;
using service_layer::OrderLineView;

namespace {

// The rows `sql` selects for `key` (and `at`, if given), each through `map`.
template <class Map>
auto rows_for(Connection& db, const char* sql, std::string_view key,
              std::optional<domain::Instant> at, Map map) {
  try {
    StatementUse select{db.statement(sql)};
    select->bind(1, key);
    if (at) select->bind(2, stored_instant(*at));
    std::vector<decltype(map(*select))> rows;
    while (select->step()) rows.push_back(map(*select));
    return rows;
  } catch (const SqliteError& error) {
    throw service_layer::StorageUnavailable{error.what()};
  }
}

}  // namespace

std::vector<AllocationView> SqliteReadModelReader::allocations_for_order(std::string_view orderid) {
  return rows_for(db_, sql::select_allocations_view_of_order, orderid, std::nullopt,
                  [](const Statement& row) { return allocation_view_of(row); });
}

std::vector<BatchView> SqliteReadModelReader::batches_for_sku(std::string_view sku,
                                                              domain::Instant now) {
  return rows_for(db_, sql::select_batches_view_of_product, sku, now,
                  [](const Statement& row) { return batch_view_of(row); });
}

std::vector<OrderLineView> SqliteReadModelReader::order_lines(std::string_view orderid,
                                                              domain::Instant now) {
  return rows_for(db_, sql::select_order_lines, orderid, now,
                  [](const Statement& row) { return order_line_view_of(row); });
}

}  // namespace allocation::adapters::sqlite
