#include "bootstrap/bootstrap.hpp"

#include <spdlog/spdlog.h>

#include "adapters/postgres/connection.hpp"
#include "adapters/postgres/read_model.hpp"
#include "adapters/postgres/tables.hpp"
#include "adapters/sqlite/connection.hpp"
#include "adapters/sqlite/read_model.hpp"
#include "adapters/sqlite/tables.hpp"
#include "domain/overloaded.hpp"
#include "service_layer/handlers.hpp"

namespace allocation::bootstrap {

DatabaseUrl parse_database_url(const std::string& url) {
  constexpr std::string_view sqlite_scheme = "sqlite://";
  if (url.starts_with(sqlite_scheme)) {
    std::string path = url.substr(sqlite_scheme.size());
    if (path.empty() || path == "/") {
      throw InvalidConfiguration{"database URL '" + url + "' names no file"};
    }
    return SqliteDatabase{path};
  }
  if (url.starts_with("postgresql://") || url.starts_with("postgres://")) {
    return PostgresDatabase{url};
  }
  throw InvalidConfiguration{"unsupported database URL '" + url +
                             "': expected sqlite:///ABSOLUTE/PATH, sqlite://RELATIVE/PATH or "
                             "postgresql://USER:PASS@HOST:PORT/DB"};
}

Storage open_storage(const std::string& database_url) {
  Storage storage;
  std::visit(
      Overloaded{
          [&](const SqliteDatabase& database) {
            try {
              storage.unit_of_work = adapters::sqlite::open_unit_of_work(database.path);
              storage.read_model =
                  std::make_unique<adapters::sqlite::SqliteReadModel>(database.path);
            } catch (const adapters::sqlite::SqliteError& error) {
              throw InvalidConfiguration{"cannot open database " + database.path + ": " +
                                         error.what()};
            }
          },
          [&](const PostgresDatabase& database) {
            try {
              storage.unit_of_work = adapters::postgres::open_unit_of_work(database.url);
              storage.read_model =
                  std::make_unique<adapters::postgres::PostgresReadModel>(database.url);
            } catch (const adapters::postgres::PostgresError& error) {
              // The message names host and database, never the password.
              throw InvalidConfiguration{std::string{"cannot open database: "} + error.what()};
            }
          },
      },
      parse_database_url(database_url));
  return storage;
}

Service::Service(const std::string& database_url, service_layer::GroupCommitter::Limits limits) {
  Storage storage = open_storage(database_url);
  uow_ = std::move(storage.unit_of_work);
  read_model_ = std::move(storage.read_model);
  bus_ =
      std::make_unique<service_layer::MessageBus>(*uow_, service_layer::default_event_handlers());
  committer_ = std::make_unique<service_layer::GroupCommitter>(*uow_, *bus_, limits);
}

Service::~Service() { committer_->stop(); }

void Service::stop() {
  committer_->stop();
  auto statistics = committer_->statistics();
  spdlog::info("msg=\"writer stopped\" groups_committed={} commands_committed={}",
               statistics.groups_committed, statistics.commands_committed);
}

}  // namespace allocation::bootstrap
