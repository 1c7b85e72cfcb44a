#include "adapters/sqlite/read_model_reader.hpp"

#include "adapters/rows.hpp"
#include "adapters/sqlite/statements.hpp"
#include "service_layer/errors.hpp"

namespace allocation::adapters::sqlite {

using service_layer::AllocationView;
using service_layer::BatchView;

std::vector<AllocationView> SqliteReadModelReader::allocations_for_order(std::string_view orderid) {
  try {
    StatementUse select{db_.statement(sql::select_allocations_view_of_order)};
    select->bind(1, orderid);
    std::vector<AllocationView> rows;
    while (select->step()) rows.push_back(allocation_view_of(*select));
    return rows;
  } catch (const SqliteError& error) {
    throw service_layer::StorageUnavailable{error.what()};
  }
}

std::vector<BatchView> SqliteReadModelReader::batches_for_sku(std::string_view sku) {
  try {
    StatementUse select{db_.statement(sql::select_batches_view_of_product)};
    select->bind(1, sku);
    std::vector<BatchView> rows;
    while (select->step()) rows.push_back(batch_view_of(*select));
    return rows;
  } catch (const SqliteError& error) {
    throw service_layer::StorageUnavailable{error.what()};
  }
}

}  // namespace allocation::adapters::sqlite
