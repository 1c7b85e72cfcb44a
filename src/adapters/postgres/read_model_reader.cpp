#include "adapters/postgres/read_model_reader.hpp"

#include "adapters/postgres/statements.hpp"
#include "adapters/rows.hpp"
#include "service_layer/errors.hpp"

namespace allocation::adapters::postgres {

using service_layer::AllocationView;
using service_layer::BatchView;
using service_layer::OrderLineView;
using service_layer::ProductView;

namespace {

// The rows `sql` selects with `parameters`, each through `map`; once more on a new connection
// when the old one turns out to be lost.
template <class Map>
auto rows_for(Connection& db, const char* sql, Map map, std::vector<Parameter> parameters) {
  try {
    auto results = run_reconnecting(db, [&] { return db.run_pipelined({{sql, parameters}}); });
    return results.at(0).rows_as(map);
  } catch (const PostgresError& error) {
    throw service_layer::StorageUnavailable{error.what()};
  }
}

}  // namespace

std::vector<AllocationView> PostgresReadModelReader::allocations_for_order(
    std::string_view orderid) {
  return rows_for(db_, sql::select_allocations_view_of_order,
                  [](const ResultRow& row) { return allocation_view_of(row); },
                  {std::string{orderid}});
}

std::vector<BatchView> PostgresReadModelReader::batches_for_sku(std::string_view sku,
                                                                domain::Instant now) {
  return rows_for(db_, sql::select_batches_view_of_product,
                  [](const ResultRow& row) { return batch_view_of(row); },
                  {std::string{sku}, std::to_string(stored_instant(now))});
}

std::vector<ProductView> PostgresReadModelReader::products(std::string_view after,
                                                           std::size_t limit, domain::Instant now) {
  return rows_for(db_, sql::select_products_view,
                  [](const ResultRow& row) { return product_view_of(row); },
                  {std::string{after}, std::to_string(stored_instant(now)), std::to_string(limit)});
}

std::vector<OrderLineView> PostgresReadModelReader::order_lines(std::string_view orderid,
                                                                domain::Instant now) {
  return rows_for(db_, sql::select_order_lines,
                  [](const ResultRow& row) { return order_line_view_of(row); },
                  {std::string{orderid}, std::to_string(stored_instant(now))});
}

}  // namespace allocation::adapters::postgres
