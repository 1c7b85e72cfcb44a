#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

#include "entrypoints/http/metrics.hpp"
#include "service_layer/clock.hpp"
#include "service_layer/consistency.hpp"
#include "service_layer/group_committer.hpp"
#include "service_layer/hold_sweeper.hpp"
#include "service_layer/identity.hpp"
#include "service_layer/message_bus.hpp"
#include "service_layer/outbox_pruner.hpp"
#include "service_layer/outbox_relay.hpp"
#include "service_layer/read_model.hpp"
#include "service_layer/unit_of_work.hpp"

namespace allocation::bootstrap {

struct SqliteDatabase {
  std::string path;
};

struct PostgresDatabase {
  std::string url;
};

using DatabaseUrl = std::variant<SqliteDatabase, PostgresDatabase>;

class InvalidConfiguration : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// `sqlite:///ABSOLUTE/PATH`, `sqlite://RELATIVE/PATH` or
// `postgresql://USER:PASS@HOST:PORT/DB`.
DatabaseUrl parse_database_url(const std::string& url);

// The storage adapters for a database URL: the writer's unit of work and a read model with a
// connection of its own. Opens (creating and migrating) the database; throws
// InvalidConfiguration naming the problem when it cannot.
struct Storage {
  std::unique_ptr<service_layer::UnitOfWork> unit_of_work;
  std::unique_ptr<service_layer::ReadModelReader> read_model;
};
Storage open_storage(const std::string& database_url);

// Creates or migrates the schema of `database_url` and returns its version; with a
// `serving_role` (PostgreSQL only), grants that role what serving needs and nothing more.
// Throws InvalidConfiguration naming the problem.
int migrate_database(const std::string& database_url, const std::string& serving_role);

// Every drift the consistency check finds in `database_url` at `now`, on a connection of its
// own; throws service_layer::StorageUnavailable when the database cannot be read.
std::vector<service_layer::Drift> check_database(const std::string& database_url,
                                                 domain::Instant now);

// The outbox as relays and its pruner see it, on a connection of its own.
std::unique_ptr<service_layer::RelayOutbox> open_relay_outbox(const std::string& database_url);

struct RedisAddress {
  std::string host;
  std::uint16_t port = 6379;
};

// `redis://HOST:PORT` (PORT defaults to 6379).
RedisAddress parse_redis_url(const std::string& url);

struct SmtpSettings {
  std::string url;  // smtp://HOST:PORT
  std::string sender = "allocations@example.com";
  std::string recipient = "stock@made.com";
};

struct ServiceSettings {
  std::string database_url;
  // With authentication, every request needs a bearer token of a sufficient role.
  bool authentication = false;
  // Without Redis, Allocated events wait in the outbox; without SMTP, OutOfStock ones do.
  std::optional<RedisAddress> redis;
  // With Redis, every event is also appended to this stream, kept to about
  // redis_stream_length_max entries; empty: none.
  std::string redis_stream = "allocation:events";
  std::int64_t redis_stream_length_max = 1'000'000;
  // With Redis, quantity changes are also read from this stream, as `redis_command_consumer`
  // of the consumer group `redis_command_group`; entries refused go to the dead-letter
  // stream. Empty: none.
  std::string redis_command_stream = "allocation:commands";
  std::string redis_command_group = "allocation";
  std::string redis_command_consumer;
  std::string redis_dead_letter_stream = "allocation:commands:dead";
  std::optional<SmtpSettings> smtp;
  // How long entries stay in the outbox once every destination has them.
  std::chrono::seconds outbox_retention{0};
  service_layer::GroupCommitter::Limits limits;
  // How often the expiry of holds is recorded (their stock is free from expires_at anyway).
  std::chrono::milliseconds hold_sweep_interval{1000};
};

// The service with its adapters wired in: the only place that knows which ones are in use.
class Service {
 public:
  // Opens (creating and migrating) the database and starts the outbox relays. Throws
  // InvalidConfiguration naming the problem when it cannot.
  explicit Service(const ServiceSettings& settings);
  ~Service();

  service_layer::GroupCommitter& commands() { return *committer_; }
  [[nodiscard]] const service_layer::Clock& clock() const { return clock_; }
  // Not thread-safe: use from one thread at a time.
  service_layer::ReadModelReader& read_model() { return *read_model_; }

  // Null when authentication is off.
  const service_layer::Authenticator* authenticator() const { return authenticator_.get(); }

  // Thread-safe.
  [[nodiscard]] entrypoints::http::ServiceFigures figures() const;
  // Thread-safe: each destination whose last delivery failed.
  [[nodiscard]] std::vector<std::string> broker_problems() const;

  // Handles what was already submitted, then stops taking commands.
  void stop();

 private:
  service_layer::SystemClock clock_;
  std::unique_ptr<service_layer::UnitOfWork> uow_;
  std::unique_ptr<service_layer::MessageBus> bus_;
  std::unique_ptr<service_layer::GroupCommitter> committer_;
  std::unique_ptr<service_layer::HoldSweeper> sweeper_;
  std::unique_ptr<service_layer::ReadModelReader> read_model_;
  std::vector<std::unique_ptr<service_layer::OutboxRelay>> relays_;
  std::unique_ptr<service_layer::OutboxPruner> pruner_;
  std::unique_ptr<service_layer::Authenticator> authenticator_;
};

// API tokens, and the audit trail, in the database of `database_url` (created and migrated as
// needed). Each throws InvalidConfiguration naming the problem.
std::unique_ptr<service_layer::TokenStore> open_token_store(const std::string& database_url);
std::unique_ptr<service_layer::AuditReader> open_audit_reader(const std::string& database_url);
// Stores a new token's hash and returns the token, which is not kept anywhere.
std::string create_token(service_layer::TokenStore& store, const std::string& name,
                         service_layer::Role role, const service_layer::Actor& actor);

}  // namespace allocation::bootstrap
