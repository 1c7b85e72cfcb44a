// What only the SQLite adapter promises, beyond the shared contract.
#include <gtest/gtest.h>

#include <filesystem>

#include "adapters/sqlite/schema.hpp"
#include "integration/test_database.hpp"

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
  EXPECT_NO_THROW(writer.uow().sync());
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
