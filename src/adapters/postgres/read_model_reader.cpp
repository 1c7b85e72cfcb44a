#include "adapters/postgres/read_model_reader.hpp"

#include "service_layer/errors.hpp"

namespace allocation::adapters::postgres {

using service_layer::AllocationView;
using service_layer::BatchView;

std::vector<AllocationView> PostgresReadModelReader::allocations_for_order(
    std::string_view orderid) {
  try {
    Result result = run_reconnecting(db_, [&] {
      return db_.run("SELECT sku, batchref FROM allocations_view WHERE orderid = $1 ORDER BY id",
                     {std::string{orderid}});
    });
    std::vector<AllocationView> rows;
    for (int row = 0; row < result.rows(); ++row) {
      rows.push_back(AllocationView{result.text(row, 0), result.text(row, 1)});
    }
    return rows;
  } catch (const PostgresError& error) {
    throw service_layer::StorageUnavailable{error.what()};
  }
}

std::vector<BatchView> PostgresReadModelReader::batches_for_sku(std::string_view sku) {
  try {
    Result result = run_reconnecting(db_, [&] {
      return db_.run(
          "SELECT reference, eta, purchased_quantity, available_quantity FROM batches_view "
          "WHERE sku = $1 ORDER BY eta IS NOT NULL, eta, reference",
          {std::string{sku}});
    });
    std::vector<BatchView> rows;
    for (int row = 0; row < result.rows(); ++row) {
      rows.push_back(BatchView{result.text(row, 0), result.optional_text(row, 1),
                               result.int64(row, 2), result.int64(row, 3)});
    }
    return rows;
  } catch (const PostgresError& error) {
    throw service_layer::StorageUnavailable{error.what()};
  }
}

}  // namespace allocation::adapters::postgres
