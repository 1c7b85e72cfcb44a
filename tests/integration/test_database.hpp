#pragma once

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>

#include "adapters/postgres/connection.hpp"
#include "adapters/sqlite/connection.hpp"
#include "bootstrap/bootstrap.hpp"
#include "fakes/settable_clock.hpp"
#include "service_layer/message_bus.hpp"

namespace allocation::testing {

// A fresh, empty database of one engine, removed afterwards.
class TestDatabase {
 public:
  virtual ~TestDatabase() = default;
  [[nodiscard]] virtual std::string url() const = 0;
  // The first column of the first row of a query, as an integer.
  virtual std::int64_t scalar(const char* sql) = 0;
  // Runs statements that return no rows; throws what the engine's connection throws.
  virtual void execute(const char* sql) = 0;

  // "sqlite" or "postgresql"; PostgreSQL needs ALLOCATION_TEST_POSTGRES_URL (set by
  // scripts/with-test-servers) and fails the test without it.
  static std::unique_ptr<TestDatabase> create(const std::string& engine);
};

inline std::string random_name(const std::string& prefix) {
  std::random_device random;
  return prefix + std::to_string(random()) + std::to_string(random());
}

class TestSqliteDatabase final : public TestDatabase {
 public:
  TestSqliteDatabase()
      : directory_{std::filesystem::temp_directory_path() / random_name("allocation-test-")} {
    std::filesystem::create_directories(directory_);
  }
  ~TestSqliteDatabase() override { std::filesystem::remove_all(directory_); }
  [[nodiscard]] std::string path() const { return (directory_ / "allocation.db").string(); }
  [[nodiscard]] std::string url() const override { return "sqlite://" + path(); }
  std::int64_t scalar(const char* sql) override {
    adapters::sqlite::Connection db{path()};
    adapters::sqlite::StatementUse select{db.statement(sql)};
    select->step();
    return select->int64(0);
  }
  void execute(const char* sql) override { adapters::sqlite::Connection{path()}.execute(sql); }

 private:
  std::filesystem::path directory_;
};

class TestPostgresDatabase final : public TestDatabase {
 public:
  TestPostgresDatabase() : server_url_{server_url()}, name_{random_name("test_")} {
    adapters::postgres::Connection{server_url_}.execute(("CREATE DATABASE " + name_).c_str());
  }
  ~TestPostgresDatabase() override {
    adapters::postgres::Connection{server_url_}.execute(
        ("DROP DATABASE " + name_ + " WITH (FORCE)").c_str());
  }
  [[nodiscard]] std::string url() const override {
    return server_url_.substr(0, server_url_.rfind('/') + 1) + name_;
  }
  std::int64_t scalar(const char* sql) override {
    adapters::postgres::Connection db{url()};
    auto result = db.run(sql);
    return result.int64(0, 0);
  }
  void execute(const char* sql) override { adapters::postgres::Connection{url()}.execute(sql); }

 private:
  static std::string server_url() {
    const char* url = std::getenv("ALLOCATION_TEST_POSTGRES_URL");
    if (url == nullptr) {
      throw std::runtime_error{
          "ALLOCATION_TEST_POSTGRES_URL is not set: run the tests through scripts/test"};
    }
    return url;
  }

  std::string server_url_;
  std::string name_;
};

inline std::unique_ptr<TestDatabase> TestDatabase::create(const std::string& engine) {
  if (engine == "sqlite") return std::make_unique<TestSqliteDatabase>();
  return std::make_unique<TestPostgresDatabase>();
}

// One writer on a database: its storage and a message bus, handling one command per group.
struct Writer {
  explicit Writer(const std::string& url) : storage{bootstrap::open_storage(url)} {}

  service_layer::CommandResult handle(const domain::Command& command,
                                      const service_layer::Actor& actor = {}) {
    uow().begin_group();
    try {
      auto result = bus.handle(command, actor);
      uow().store_group();
      return result;
    } catch (...) {
      uow().discard_group();
      throw;
    }
  }

  service_layer::UnitOfWork& uow() { return *storage.unit_of_work; }
  service_layer::ReadModelReader& read_model() { return *storage.read_model; }

  SettableClock clock;
  bootstrap::Storage storage;
  service_layer::MessageBus bus{*storage.unit_of_work, service_layer::default_handlers(clock)};
};

}  // namespace allocation::testing
