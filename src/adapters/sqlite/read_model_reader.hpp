#pragma once

#include <string>

#include "adapters/sqlite/connection.hpp"
#include "service_layer/read_model.hpp"

namespace allocation::adapters::sqlite {

// Answers queries from the read-model tables on a connection of its own, so that reads run
// beside the writer (WAL) and always see the last durable group.
class SqliteReadModelReader final : public service_layer::ReadModelReader {
 public:
  explicit SqliteReadModelReader(const std::string& path) : db_{path} {}

  std::vector<service_layer::AllocationView> allocations_for_order(
      std::string_view orderid) override;
  std::vector<service_layer::BatchView> batches_for_sku(std::string_view sku,
                                                        domain::Instant now) override;
  std::vector<service_layer::ProductView> products(std::string_view after, std::size_t limit,
                                                   domain::Instant now) override;
  std::vector<service_layer::OrderLineView> order_lines(std::string_view orderid,
                                                        domain::Instant now) override;

 private:
  Connection db_;
};

}  // namespace allocation::adapters::sqlite
