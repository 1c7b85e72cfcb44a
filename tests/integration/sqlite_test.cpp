// What only the SQLite adapter promises, beyond the shared contract.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

#include "adapters/sqlite/schema.hpp"
#include "adapters/sqlite/tables.hpp"
#include "adapters/table_unit_of_work.hpp"
#include "integration/test_database.hpp"
#include "service_layer/handlers.hpp"
#include "service_layer/message_bus.hpp"

namespace allocation {
namespace {

using namespace domain;
using testing::TestSqliteDatabase;
using testing::Writer;

TEST(SqliteAdapter, GroupsGoToTheWriteAheadLogAndSyncMakesThemDurable) {
  TestSqliteDatabase database;
  Writer writer{database.url()};
  writer.handle(commands::CreateBatch{"b1", "LAMP", 10, std::nullopt});
  adapters::sqlite::Connection db{database.path()};
  adapters::sqlite::StatementUse mode{db.statement("PRAGMA journal_mode")};
  mode->step();
  EXPECT_EQ(mode->text(0), "wal");
  EXPECT_GT(std::filesystem::file_size(database.path() + "-wal"), 0U);
  EXPECT_NO_THROW(writer.uow().make_durable());
}

TEST(SqliteAdapter, TheWriteAheadLogStartsAgainOnceLongInsteadOfGrowing) {
  TestSqliteDatabase database;
  constexpr int restart_frames = 200;
  adapters::sqlite::BackgroundCheckpointer::Settings checkpoints;
  // No background checkpoint, which could let the log start again on its own between two
  // groups: every frame is left for the writer to copy once the log is long.
  checkpoints.interval = std::chrono::hours{1};
  checkpoints.restart_frames = restart_frames;
  checkpoints.writer_frames_max = 1'000'000;
  adapters::TableUnitOfWork uow{
      std::make_unique<adapters::sqlite::SqliteTables>(database.path(), checkpoints)};
  testing::SettableClock clock;
  service_layer::MessageBus bus{uow, service_layer::default_handlers(clock)};
  auto group = [&](auto&& handle) {
    uow.begin_group();
    handle();
    uow.store_group();
    uow.make_durable();
  };
  constexpr int skus = 500;
  group([&] {
    for (int i = 0; i < skus; ++i) {
      bus.handle(commands::CreateBatch{"b" + std::to_string(i), "SKU" + std::to_string(i), 1000,
                                       std::nullopt});
    }
  });
  constexpr int groups = 600;
  constexpr int lines_per_group = 10;
  std::uintmax_t longest_log = 0;
  for (int g = 0; g < groups; ++g) {
    group([&] {
      for (int line = 0; line < lines_per_group; ++line) {
        bus.handle(commands::Allocate{"o" + std::to_string(g) + "-" + std::to_string(line),
                                      "SKU" + std::to_string((g * 37 + line * 101) % skus), 1});
      }
    });
    longest_log = std::max(longest_log, std::filesystem::file_size(database.path() + "-wal"));
  }
  // Written without starting again, these groups fill several thousand frames.
  constexpr std::uintmax_t frame_bytes = 4096 + 24;
  EXPECT_LT(longest_log, 3 * restart_frames * frame_bytes);
  EXPECT_EQ(database.scalar("SELECT count(*) FROM allocations"), groups * lines_per_group);
}

TEST(SqliteAdapter, RecordsItsSchemaVersion) {
  TestSqliteDatabase database;
  Writer writer{database.url()};
  EXPECT_EQ(database.scalar("PRAGMA user_version"), adapters::sqlite::schema_version());
}

TEST(SqliteAdapter, ADatabaseFromANewerBuildIsRefused) {
  TestSqliteDatabase database;
  { adapters::sqlite::Connection{database.path()}.execute("PRAGMA user_version = 999"); }
  EXPECT_THROW(Writer{database.url()}, bootstrap::InvalidConfiguration);
}

}  // namespace
}  // namespace allocation
