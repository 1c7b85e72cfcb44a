#include "adapters/postgres/read_model_reader.hpp"

#include "adapters/postgres/statements.hpp"
#include "adapters/rows.hpp"
#include "service_layer/errors.hpp"

namespace allocation::adapters::postgres {

using service_layer::AllocationView;
using service_layer::BatchView;

std::vector<AllocationView> PostgresReadModelReader::allocations_for_order(
    std::string_view orderid) {
  try {
    Result result = run_reconnecting(db_, [&] {
      return db_.run(sql::select_allocations_view_of_order, {std::string{orderid}});
    });
    return result.rows_as([](const ResultRow& row) { return allocation_view_of(row); });
  } catch (const PostgresError& error) {
    throw service_layer::StorageUnavailable{error.what()};
  }
}

std::vector<BatchView> PostgresReadModelReader::batches_for_sku(std::string_view sku) {
  try {
    Result result = run_reconnecting(
        db_, [&] { return db_.run(sql::select_batches_view_of_product, {std::string{sku}}); });
    return result.rows_as([](const ResultRow& row) { return batch_view_of(row); });
  } catch (const PostgresError& error) {
    throw service_layer::StorageUnavailable{error.what()};
  }
}

}  // namespace allocation::adapters::postgres
