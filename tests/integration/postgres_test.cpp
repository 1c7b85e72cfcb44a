// What only the PostgreSQL adapter promises, beyond the shared contract.
#include <gtest/gtest.h>

#include "integration/test_database.hpp"

namespace allocation {
namespace {

using testing::TestPostgresDatabase;
using testing::Writer;

TEST(PostgresAdapter, ADatabaseFromANewerBuildIsRefused) {
  TestPostgresDatabase database;
  { Writer first{database.url()}; }
  adapters::postgres::Connection{database.url()}.execute(
      "INSERT INTO schema_migrations (version) VALUES (999)");
  EXPECT_THROW(Writer{database.url()}, bootstrap::InvalidConfiguration);
}

TEST(PostgresAdapter, AnUnreachableServerIsNamedWithoutItsPassword) {
  try {
    bootstrap::open_storage("postgresql://user:secret-password@127.0.0.1:1/nowhere");
    FAIL() << "expected InvalidConfiguration";
  } catch (const bootstrap::InvalidConfiguration& error) {
    std::string message = error.what();
    EXPECT_NE(message.find("cannot open database"), std::string::npos) << message;
    EXPECT_EQ(message.find("secret-password"), std::string::npos) << message;
  }
}

}  // namespace
}  // namespace allocation
