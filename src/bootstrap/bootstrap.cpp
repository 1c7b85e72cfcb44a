#include "bootstrap/bootstrap.hpp"

#include <spdlog/spdlog.h>

#include "adapters/sqlite/connection.hpp"
#include "adapters/sqlite/read_model.hpp"
#include "adapters/sqlite/unit_of_work.hpp"
#include "service_layer/handlers.hpp"

namespace allocation::bootstrap {

DatabaseUrl parse_database_url(const std::string& url) {
  constexpr std::string_view sqlite_scheme = "sqlite://";
  if (!url.starts_with(sqlite_scheme)) {
    throw InvalidConfiguration{"unsupported database URL '" + url +
                               "': expected sqlite:///ABSOLUTE/PATH or sqlite://RELATIVE/PATH"};
  }
  std::string path = url.substr(sqlite_scheme.size());
  if (path.empty() || path == "/") {
    throw InvalidConfiguration{"database URL '" + url + "' names no file"};
  }
  return DatabaseUrl{path};
}

Service::Service(const std::string& database_url, service_layer::GroupCommitter::Limits limits) {
  DatabaseUrl url = parse_database_url(database_url);
  try {
    uow_ = std::make_unique<adapters::sqlite::SqliteUnitOfWork>(url.sqlite_path);
    read_model_ = std::make_unique<adapters::sqlite::SqliteReadModel>(url.sqlite_path);
  } catch (const adapters::sqlite::SqliteError& error) {
    throw InvalidConfiguration{"cannot open database " + url.sqlite_path + ": " + error.what()};
  }
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
