#include "adapters/sqlite/read_model_reader.hpp"

#include "service_layer/errors.hpp"

namespace allocation::adapters::sqlite {

using service_layer::AllocationView;
using service_layer::BatchView;

std::vector<AllocationView> SqliteReadModelReader::allocations_for_order(std::string_view orderid) {
  try {
    StatementUse select{
        db_.statement("SELECT sku, batchref FROM allocations_view WHERE orderid = ? ORDER BY id")};
    select->bind(1, orderid);
    std::vector<AllocationView> rows;
    while (select->step()) rows.push_back(AllocationView{select->text(0), select->text(1)});
    return rows;
  } catch (const SqliteError& error) {
    throw service_layer::StorageUnavailable{error.what()};
  }
}

std::vector<BatchView> SqliteReadModelReader::batches_for_sku(std::string_view sku) {
  try {
    StatementUse select{db_.statement(
        "SELECT reference, eta, purchased_quantity, available_quantity FROM batches_view "
        "WHERE sku = ? ORDER BY eta IS NOT NULL, eta, reference")};
    select->bind(1, sku);
    std::vector<BatchView> rows;
    while (select->step()) {
      rows.push_back(
          BatchView{select->text(0), select->optional_text(1), select->int64(2), select->int64(3)});
    }
    return rows;
  } catch (const SqliteError& error) {
    throw service_layer::StorageUnavailable{error.what()};
  }
}

}  // namespace allocation::adapters::sqlite
