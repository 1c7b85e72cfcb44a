#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <filesystem>
#include <memory>
#include <random>
#include <thread>

#include "adapters/sqlite/connection.hpp"
#include "adapters/sqlite/read_model.hpp"
#include "adapters/sqlite/schema.hpp"
#include "adapters/sqlite/unit_of_work.hpp"
#include "service_layer/errors.hpp"
#include "service_layer/message_bus.hpp"

namespace allocation {
namespace {

using namespace domain;
using namespace service_layer;
namespace fs = std::filesystem;

class TemporaryDatabase {
 public:
  TemporaryDatabase() {
    std::random_device random;
    directory_ = fs::temp_directory_path() / ("allocation-test-" + std::to_string(random()));
    fs::create_directories(directory_);
  }
  ~TemporaryDatabase() { fs::remove_all(directory_); }
  [[nodiscard]] std::string path() const { return (directory_ / "allocation.db").string(); }

 private:
  fs::path directory_;
};

// One writer: a unit of work over the file and a message bus on it.
struct Writer {
  explicit Writer(const std::string& path) : uow{path} {}

  CommandResult handle(const Command& command) {
    uow.begin_group();
    try {
      auto result = bus.handle(command);
      uow.commit_group();
      return result;
    } catch (...) {
      uow.rollback_group();
      throw;
    }
  }

  adapters::sqlite::SqliteUnitOfWork uow;
  MessageBus bus{uow, default_event_handlers()};
};

std::int64_t count(const std::string& path, const char* sql) {
  adapters::sqlite::Connection db{path};
  adapters::sqlite::StatementUse select{db.statement(sql)};
  select->step();
  return select->int64(0);
}

class SqliteUnitOfWorkTest : public ::testing::Test {
 protected:
  TemporaryDatabase database;
};

TEST_F(SqliteUnitOfWorkTest, CommittedGroupsSurviveReopening) {
  {
    Writer writer{database.path()};
    writer.handle(commands::CreateBatch{"b1", "LAMP", 10, Date::parse_iso("2026-12-01")});
    writer.handle(commands::CreateBatch{"b2", "LAMP", 10, std::nullopt});
    writer.handle(commands::Allocate{"o1", "LAMP", 3});
    writer.handle(commands::Allocate{"o2", "LAMP", 4});
  }
  Writer reopened{database.path()};
  reopened.uow.begin_group();
  Product* product = reopened.uow.products().get("LAMP");
  ASSERT_NE(product, nullptr);
  EXPECT_EQ(product->version_number(), 4);
  EXPECT_EQ(product->find_batch("b2")->allocations(),
            (std::vector<OrderLine>{{"o1", "LAMP", 3}, {"o2", "LAMP", 4}}));
  EXPECT_EQ(product->find_batch("b1")->eta(), Date::parse_iso("2026-12-01"));
  reopened.uow.rollback_group();

  adapters::sqlite::SqliteReadModel read_model{database.path()};
  EXPECT_EQ(read_model.allocations_for_order("o2"), (std::vector<AllocationView>{{"LAMP", "b2"}}));
  EXPECT_EQ(read_model.batches_for_sku("LAMP"),
            (std::vector<BatchView>{{"b2", std::nullopt, 10, 3}, {"b1", "2026-12-01", 10, 10}}));
}

TEST_F(SqliteUnitOfWorkTest, ARolledBackUnitIsUndoneAndTheRestOfTheGroupKept) {
  Writer writer{database.path()};
  writer.uow.begin_group();
  writer.bus.handle(commands::CreateBatch{"b1", "LAMP", 10, std::nullopt});
  Product* product = writer.uow.products().get("LAMP");
  product->allocate(OrderLine{"o1", "LAMP", 5});
  writer.uow.rollback();
  writer.uow.commit_group();

  EXPECT_EQ(count(database.path(), "SELECT count(*) FROM batches"), 1);
  EXPECT_EQ(count(database.path(), "SELECT count(*) FROM allocations"), 0);
  writer.uow.begin_group();
  EXPECT_EQ(writer.uow.products().get("LAMP")->find_batch("b1")->available_quantity(), 10);
  writer.uow.rollback_group();
}

TEST_F(SqliteUnitOfWorkTest, ARolledBackGroupLeavesNoTraceOnDiskOrInMemory) {
  Writer writer{database.path()};
  writer.handle(commands::CreateBatch{"b1", "LAMP", 10, std::nullopt});
  writer.uow.begin_group();
  writer.bus.handle(commands::Allocate{"o1", "LAMP", 5});
  writer.uow.rollback_group();

  EXPECT_EQ(count(database.path(), "SELECT count(*) FROM allocations"), 0);
  EXPECT_EQ(count(database.path(), "SELECT count(*) FROM allocations_view"), 0);
  EXPECT_EQ(count(database.path(), "SELECT count(*) FROM outbox"), 0);
  writer.uow.begin_group();
  EXPECT_EQ(writer.uow.products().get("LAMP")->find_batch("b1")->available_quantity(), 10);
  writer.uow.rollback_group();
}

TEST_F(SqliteUnitOfWorkTest, EventsLeavingTheServiceAreInTheOutbox) {
  Writer writer{database.path()};
  writer.handle(commands::CreateBatch{"b1", "LAMP", 10, std::nullopt});
  writer.handle(commands::Allocate{"o1", "LAMP", 10});
  writer.handle(commands::Allocate{"o2", "LAMP", 1});
  adapters::sqlite::Connection db{database.path()};
  adapters::sqlite::StatementUse select{
      db.statement("SELECT event, payload FROM outbox ORDER BY id")};
  ASSERT_TRUE(select->step());
  EXPECT_EQ(select->text(0), "Allocated");
  EXPECT_EQ(select->text(1), R"({"orderid":"o1","sku":"LAMP","qty":10,"batchref":"b1"})");
  ASSERT_TRUE(select->step());
  EXPECT_EQ(select->text(0), "OutOfStock");
  EXPECT_EQ(select->text(1), R"({"sku":"LAMP"})");
  EXPECT_FALSE(select->step());
}

TEST_F(SqliteUnitOfWorkTest, GroupsGoToTheWriteAheadLogAndSyncMakesThemDurable) {
  Writer writer{database.path()};
  writer.handle(commands::CreateBatch{"b1", "LAMP", 10, std::nullopt});
  adapters::sqlite::Connection db{database.path()};
  adapters::sqlite::StatementUse mode{db.statement("PRAGMA journal_mode")};
  mode->step();
  EXPECT_EQ(mode->text(0), "wal");
  EXPECT_GT(fs::file_size(database.path() + "-wal"), 0U);
  EXPECT_NO_THROW(writer.uow.sync());
}

TEST_F(SqliteUnitOfWorkTest, MigratingAgainChangesNothing) {
  {
    Writer writer{database.path()};
    writer.handle(commands::CreateBatch{"b1", "LAMP", 10, std::nullopt});
  }
  { Writer writer{database.path()}; }
  EXPECT_EQ(count(database.path(), "PRAGMA user_version"), adapters::sqlite::schema_version());
  EXPECT_EQ(count(database.path(), "SELECT count(*) FROM batches"), 1);
}

TEST_F(SqliteUnitOfWorkTest, ADatabaseFromANewerBuildIsRefused) {
  {
    adapters::sqlite::Connection db{database.path()};
    db.execute("PRAGMA user_version = 999");
  }
  EXPECT_THROW(Writer{database.path()}, adapters::sqlite::SqliteError);
}

TEST_F(SqliteUnitOfWorkTest, AChangeByAnotherConnectionIsSeenNotOverwritten) {
  Writer first{database.path()};
  Writer second{database.path()};
  first.handle(commands::CreateBatch{"b1", "LAMP", 10, std::nullopt});
  first.handle(commands::Allocate{"o1", "LAMP", 6});  // `first` now holds LAMP in memory
  second.handle(commands::Allocate{"o2", "LAMP", 4});
  EXPECT_EQ(first.handle(commands::Allocate{"o3", "LAMP", 1}).allocated_batchref, std::nullopt);
  EXPECT_EQ(count(database.path(), "SELECT sum(qty) FROM allocations"), 10);
}

TEST_F(SqliteUnitOfWorkTest, TheSameReferenceFromTwoConnectionsIsADuplicate) {
  Writer first{database.path()};
  Writer second{database.path()};
  first.handle(commands::CreateBatch{"b1", "LAMP", 10, std::nullopt});
  EXPECT_THROW(second.handle(commands::CreateBatch{"b1", "CHAIR", 10, std::nullopt}),
               DuplicateBatch);
}

TEST_F(SqliteUnitOfWorkTest, ConcurrentWritersOnOneProductNeverOversellOrLoseAnUpdate) {
  constexpr int writers = 4;
  constexpr int lines_per_writer = 60;
  constexpr int stock = 100;
  Writer{database.path()}.handle(commands::CreateBatch{"b1", "HOT", stock, std::nullopt});

  std::atomic<int> allocated{0};
  std::vector<std::thread> threads;
  for (int w = 0; w < writers; ++w) {
    threads.emplace_back([&, w] {
      Writer writer{database.path()};
      for (int i = 0; i < lines_per_writer; ++i) {
        auto result = writer.handle(
            commands::Allocate{"order-" + std::to_string(w) + "-" + std::to_string(i), "HOT", 1});
        if (result.allocated_batchref) ++allocated;
      }
    });
  }
  for (auto& thread : threads) thread.join();

  EXPECT_EQ(allocated.load(), stock);
  EXPECT_EQ(count(database.path(), "SELECT sum(qty) FROM allocations"), stock);
  EXPECT_EQ(count(database.path(), "SELECT count(*) FROM allocations_view"), stock);
  EXPECT_EQ(count(database.path(), "SELECT available_quantity FROM batches_view"), 0);
  EXPECT_EQ(count(database.path(), "SELECT version_number FROM products"), 1 + stock);
}

}  // namespace
}  // namespace allocation
