#pragma once

#include <memory>
#include <string>

#include "adapters/sqlite/checkpointer.hpp"
#include "adapters/sqlite/connection.hpp"
#include "adapters/tables.hpp"
#include "service_layer/unit_of_work.hpp"

namespace allocation::adapters::sqlite {

// The writer's tables in one SQLite file. A group is one IMMEDIATE transaction, so no other
// connection writes between a product's version check and its update. COMMIT writes the
// group to the WAL (synchronous=NORMAL) and make_durable() fdatasyncs the WAL, so the next group
// can be written while earlier ones are made durable: the guarantee of synchronous=FULL, with one
// fsync for several groups. Checkpoints run in the background, not inside commits; the writer
// only finishes one, at the start of a group, when the log is long enough to start again.
class SqliteTables final : public Tables {
 public:
  // Opens the file, creating and migrating the schema as needed; throws SqliteError.
  explicit SqliteTables(const std::string& path, BackgroundCheckpointer::Settings checkpoints = {});
  SqliteTables(const SqliteTables&) = delete;
  SqliteTables& operator=(const SqliteTables&) = delete;
  ~SqliteTables() override;

  void begin() override;
  void commit() override;
  void rollback() noexcept override;
  void make_durable() override;

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
  void keep_log_file(int restart_frames);
  void set_order_line_state(const std::string& orderid, const std::string& sku, std::int64_t qty,
                            std::string_view state, const std::optional<std::string>& batchref);
  // A line allocated (again) leaves its earlier retired record, if any.
  void add_allocation_view(const std::string& orderid, const std::string& sku, std::int64_t qty,
                           const std::string& batchref);
  void delete_hold(const std::string& sku, const std::string& orderid, const std::string& batchref);
  void remove_allocation_view(const std::string& orderid, const std::string& sku, std::int64_t qty,
                              const std::string& batchref);

  Connection db_;
  // Kept open for make_durable(): an fdatasync of the log covers every commit written to it before.
  int wal_descriptor_ = -1;
  BackgroundCheckpointer checkpointer_;
};

// The unit of work over an SQLite file.
std::unique_ptr<service_layer::UnitOfWork> open_unit_of_work(const std::string& path);

}  // namespace allocation::adapters::sqlite
