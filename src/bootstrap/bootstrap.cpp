#include "bootstrap/bootstrap.hpp"

#include <spdlog/spdlog.h>

#include <charconv>

#include "adapters/email/smtp_notifications.hpp"
#include "adapters/postgres/connection.hpp"
#include "adapters/postgres/consistency_check.hpp"
#include "adapters/postgres/read_model_reader.hpp"
#include "adapters/postgres/relay_outbox.hpp"
#include "adapters/postgres/schema.hpp"
#include "adapters/postgres/tables.hpp"
#include "adapters/postgres/token_store.hpp"
#include "adapters/redis/publisher.hpp"
#include "adapters/sqlite/connection.hpp"
#include "adapters/sqlite/consistency_check.hpp"
#include "adapters/sqlite/read_model_reader.hpp"
#include "adapters/sqlite/relay_outbox.hpp"
#include "adapters/sqlite/schema.hpp"
#include "adapters/sqlite/tables.hpp"
#include "adapters/sqlite/token_store.hpp"
#include "adapters/tokens.hpp"
#include "common/overloaded.hpp"
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
                  std::make_unique<adapters::sqlite::SqliteReadModelReader>(database.path);
            } catch (const adapters::sqlite::SqliteError& error) {
              throw InvalidConfiguration{"cannot open database " + database.path + ": " +
                                         error.what()};
            }
          },
          [&](const PostgresDatabase& database) {
            try {
              storage.unit_of_work = adapters::postgres::open_unit_of_work(database.url);
              storage.read_model =
                  std::make_unique<adapters::postgres::PostgresReadModelReader>(database.url);
            } catch (const adapters::postgres::PostgresError& error) {
              // The message names host and database, never the password.
              throw InvalidConfiguration{std::string{"cannot open database: "} + error.what()};
            }
          },
      },
      parse_database_url(database_url));
  return storage;
}

int migrate_database(const std::string& database_url, const std::string& serving_role) {
  return std::visit(
      Overloaded{
          [&](const SqliteDatabase& database) {
            if (!serving_role.empty()) {
              throw InvalidConfiguration{"roles are PostgreSQL's: an SQLite database has none"};
            }
            try {
              adapters::sqlite::Connection db{database.path};
              adapters::sqlite::migrate(db);
            } catch (const adapters::sqlite::SqliteError& error) {
              throw InvalidConfiguration{"cannot migrate database " + database.path + ": " +
                                         error.what()};
            }
            return adapters::sqlite::schema_version();
          },
          [&](const PostgresDatabase& database) {
            try {
              adapters::postgres::Connection db{database.url};
              adapters::postgres::migrate(db);
              if (!serving_role.empty()) adapters::postgres::grant_serving(db, serving_role);
            } catch (const adapters::postgres::PostgresError& error) {
              throw InvalidConfiguration{std::string{"cannot migrate database: "} + error.what()};
            }
            return adapters::postgres::schema_version();
          },
      },
      parse_database_url(database_url));
}

RedisAddress parse_redis_url(const std::string& url) {
  constexpr std::string_view scheme = "redis://";
  if (!url.starts_with(scheme)) {
    throw InvalidConfiguration{"Redis URL '" + url + "' must be redis://HOST:PORT"};
  }
  std::string address = url.substr(scheme.size());
  if (!address.empty() && address.back() == '/') address.pop_back();
  auto colon = address.rfind(':');
  RedisAddress parsed{address.substr(0, colon), 6379};
  if (colon != std::string::npos) {
    std::string port = address.substr(colon + 1);
    unsigned value = 0;
    auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (port.empty() || error != std::errc{} || end != port.data() + port.size() || value == 0 ||
        value > 65535) {
      throw InvalidConfiguration{"Redis URL '" + url + "': port must be a number from 1 to 65535"};
    }
    parsed.port = static_cast<std::uint16_t>(value);
  }
  if (parsed.host.empty()) throw InvalidConfiguration{"Redis URL '" + url + "' names no host"};
  return parsed;
}

std::vector<service_layer::Drift> check_database(const std::string& database_url,
                                                 domain::Instant now) {
  return std::visit(
      Overloaded{
          [now](const SqliteDatabase& database) {
            return adapters::sqlite::SqliteConsistencyCheck{database.path}.drifts(now);
          },
          [now](const PostgresDatabase& database) {
            return adapters::postgres::PostgresConsistencyCheck{database.url}.drifts(now);
          },
      },
      parse_database_url(database_url));
}

std::unique_ptr<service_layer::RelayOutbox> open_relay_outbox(const std::string& database_url) {
  return std::visit(
      Overloaded{
          [](const SqliteDatabase& database) -> std::unique_ptr<service_layer::RelayOutbox> {
            return std::make_unique<adapters::sqlite::SqliteRelayOutbox>(database.path);
          },
          [](const PostgresDatabase& database) -> std::unique_ptr<service_layer::RelayOutbox> {
            return std::make_unique<adapters::postgres::PostgresRelayOutbox>(database.url);
          },
      },
      parse_database_url(database_url));
}

Service::Service(const ServiceSettings& settings) {
  Storage storage = open_storage(settings.database_url);
  uow_ = std::move(storage.unit_of_work);
  read_model_ = std::move(storage.read_model);
  bus_ =
      std::make_unique<service_layer::MessageBus>(*uow_, service_layer::default_handlers(clock_));
  committer_ =
      std::make_unique<service_layer::GroupCommitter>(*uow_, *bus_, clock_, settings.limits);
  sweeper_ =
      std::make_unique<service_layer::HoldSweeper>(*committer_, settings.hold_sweep_interval);
  if (settings.authentication) {
    authenticator_ = std::make_unique<adapters::TokenAuthenticator>(
        open_token_store(settings.database_url), std::chrono::milliseconds{1000});
  }
  std::vector<std::unique_ptr<service_layer::EventDestination>> destinations;
  if (settings.redis) {
    std::optional<adapters::redis::RedisStream> stream;
    if (!settings.redis_stream.empty()) {
      stream =
          adapters::redis::RedisStream{settings.redis_stream, settings.redis_stream_length_max};
    }
    destinations.push_back(std::make_unique<adapters::redis::RedisPublisher>(
        adapters::redis::RedisAddress{settings.redis->host, settings.redis->port}, stream));
  }
  if (settings.smtp) {
    destinations.push_back(
        std::make_unique<adapters::email::SmtpNotifications>(adapters::email::SmtpSettings{
            settings.smtp->url, settings.smtp->sender, settings.smtp->recipient}));
  }
  service_layer::OutboxPruner::Settings pruning;
  pruning.retention = settings.outbox_retention;
  for (auto& destination : destinations) {
    pruning.destinations.emplace_back(destination->name());
    relays_.push_back(std::make_unique<service_layer::OutboxRelay>(
        open_relay_outbox(settings.database_url), std::move(destination),
        service_layer::OutboxRelay::Settings{}));
  }
  if (!pruning.destinations.empty()) {
    pruner_ = std::make_unique<service_layer::OutboxPruner>(
        open_relay_outbox(settings.database_url), pruning);
  }
}

namespace {

// Tokens and the audit trail live in one store; `Port` is the side of it the caller needs.
template <class Port>
std::unique_ptr<Port> open_token_database(const std::string& database_url) {
  return std::visit(
      Overloaded{
          [](const SqliteDatabase& database) -> std::unique_ptr<Port> {
            try {
              return std::make_unique<adapters::sqlite::SqliteTokenStore>(database.path);
            } catch (const adapters::sqlite::SqliteError& error) {
              throw InvalidConfiguration{"cannot open database " + database.path + ": " +
                                         error.what()};
            }
          },
          [](const PostgresDatabase& database) -> std::unique_ptr<Port> {
            try {
              return std::make_unique<adapters::postgres::PostgresTokenStore>(database.url);
            } catch (const adapters::postgres::PostgresError& error) {
              throw InvalidConfiguration{std::string{"cannot open database: "} + error.what()};
            }
          },
      },
      parse_database_url(database_url));
}

}  // namespace

std::unique_ptr<service_layer::TokenStore> open_token_store(const std::string& database_url) {
  return open_token_database<service_layer::TokenStore>(database_url);
}

std::unique_ptr<service_layer::AuditReader> open_audit_reader(const std::string& database_url) {
  return open_token_database<service_layer::AuditReader>(database_url);
}

std::string create_token(service_layer::TokenStore& store, const std::string& name,
                         service_layer::Role role, const service_layer::Actor& actor) {
  std::string token = adapters::new_token();
  if (!store.create(name, role, adapters::token_hash(token), actor)) {
    throw InvalidConfiguration{"a token named '" + name +
                               "' already exists (names are not reused)"};
  }
  return token;
}

Service::~Service() {
  pruner_.reset();
  relays_.clear();
  sweeper_.reset();
  committer_->stop();
}

entrypoints::http::ServiceFigures Service::figures() const {
  entrypoints::http::ServiceFigures figures;
  figures.writer = committer_->statistics();
  figures.failed_event_handlers = bus_->failed_event_handlers();
  for (const auto& relay : relays_) {
    auto statistics = relay->statistics();
    figures.brokers.push_back({relay->destination(), "delivery", statistics.destination_up});
    figures.deliveries.push_back({relay->destination(), std::move(statistics)});
  }
  if (pruner_) figures.outbox_entries_removed = pruner_->removed();
  return figures;
}

std::vector<std::string> Service::broker_problems() const {
  std::vector<std::string> problems;
  for (const auto& relay : relays_) {
    if (!relay->statistics().destination_up) {
      problems.push_back(relay->address() + " did not accept the last event");
    }
  }
  return problems;
}

void Service::stop() {
  sweeper_.reset();
  committer_->stop();
  auto statistics = committer_->statistics();
  spdlog::info("msg=\"writer stopped\" groups_committed={} commands_committed={}",
               statistics.groups_committed, statistics.commands_committed);
}

}  // namespace allocation::bootstrap
