#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "adapters/postgres/connection.hpp"
#include "adapters/tables.hpp"
#include "service_layer/unit_of_work.hpp"

namespace allocation::adapters::postgres {

// The writer's tables on a PostgreSQL server. A group is one READ COMMITTED transaction that
// locks each product row it reads, so processes writing one product take turns. Writes are
// deferred and sent in the same round trip as the next read or the COMMIT (libpq's pipeline
// mode), each a statement prepared once per connection, so the server neither parses nor plans
// them again; the rows a group adds to a table, and its version and available-quantity changes,
// go as one statement over arrays. What can still collide (a product or batch created by two
// processes at once, a deadlock between groups that lock products in different orders) is reported
// as ConcurrencyConflict so that the group is handled again. COMMIT is durable
// (synchronous_commit=on), so make_durable() has nothing left to do.
class PostgresTables final : public Tables {
 public:
  // Connects and migrates the schema; throws PostgresError.
  explicit PostgresTables(const std::string& url);

  void begin() override;
  void commit() override;
  void rollback() noexcept override;
  void make_durable() override {}

  std::unordered_map<std::string, std::int64_t> product_versions(
      const std::vector<std::string>& skus) override;
  domain::Product load_product(const std::string& sku, std::int64_t version) override;
  std::unordered_map<std::string, std::string> skus_of_batches(
      const std::vector<std::string>& references) override;
  std::vector<service_layer::OrderLineView> lines_of_order(std::string_view orderid,
                                                           domain::Instant now) override;
  std::vector<std::string> skus_with_expired_holds(domain::Instant now,
                                                   std::int64_t products_max) override;
  bool store_version(const std::string& sku, std::optional<std::int64_t> expected,
                     std::int64_t version) override;
  void store_change(const std::string& sku, const domain::Event& event) override;
  void store_read_model_change(const ReadModelChange& change) override;
  void store_in_outbox(const domain::Event& event) override;
  void store_in_audit(const service_layer::Actor& actor, const domain::Event& event) override;

  std::vector<std::optional<service_layer::StoredReply>> find_replies(
      const std::vector<const service_layer::IdempotencyKey*>& keys) override;
  void store_reply(const service_layer::IdempotencyKey& key,
                   const service_layer::RecordedReply& reply, domain::Instant at,
                   bool replacing) override;
  void store_write_check(domain::Instant at) override;
  std::int64_t delete_replies_before(domain::Instant before, std::int64_t replies_max) override;

 private:
  // A line allocated (again) leaves its earlier retired record, if any.
  void add_allocation_view(const std::string& orderid, const std::string& sku, std::int64_t qty,
                           const std::string& batchref);
  // Records a retired line's state.
  void set_order_line_state(const std::string& orderid, const std::string& sku, std::int64_t qty,
                            std::string_view state, const std::optional<std::string>& batchref);

  // A deferred write to `table`: one statement, or the rows gathered so far for a statement
  // over arrays (`columns`, one array per column), which writes them in the order they came.
  struct Write {
    std::string_view table;
    Statement statement;
    std::vector<std::vector<std::string>> columns;
    std::size_t rows = 1;
    bool must_change_each_row = false;
  };

  // Queues a write; `must_change_one_row` makes a mismatch a ConcurrencyConflict.
  void defer(std::string_view table, Statement statement, bool must_change_one_row = false);
  // Queues `row` for `array_sql`, which takes one array per column. Rows queued for the same
  // statement go as one, unless another write to `table` came between them.
  void defer_row(std::string_view table, const char* array_sql, std::vector<std::string> row,
                 bool must_change_one_row = false);
  // Sends the transaction's BEGIN if it is still to be sent, the deferred writes and then
  // `statements`, in one round trip; returns the results of `statements`.
  std::vector<Result> send_with_deferred(std::vector<Statement> statements);

  Connection db_;
  std::vector<Write> deferred_;
  std::unordered_map<std::string_view, std::size_t> last_write_to_table_;
  // BEGIN rides with the transaction's first statement, saving a round trip per group.
  bool begin_pending_ = false;
};

// The unit of work over a PostgreSQL database.
std::unique_ptr<service_layer::UnitOfWork> open_unit_of_work(const std::string& url);

}  // namespace allocation::adapters::postgres
