#include "adapters/postgres/token_store.hpp"

#include "adapters/postgres/schema.hpp"
#include "adapters/tokens.hpp"

namespace allocation::adapters::postgres {

using service_layer::Actor;
using service_layer::Identity;
using service_layer::Role;

PostgresTokenStore::PostgresTokenStore(const std::string& url) : db_{url} { migrate(db_); }

// Each change and its audit record are one statement, so one cannot be stored without the other.
bool PostgresTokenStore::create(const std::string& name, Role role, const std::string& token_hash,
                                const Actor& actor) {
  return db_.run(
                "WITH created AS (INSERT INTO tokens (name, role, token_hash) VALUES ($1, $2, $3) "
                "ON CONFLICT DO NOTHING RETURNING name) "
                "INSERT INTO audit (token_name, request_id, action, details) "
                "SELECT $4, $5, 'TokenCreated', $6 FROM created",
                {name, std::string{service_layer::role_name(role)}, token_hash, actor.token_name,
                 actor.request_id, token_details(name, role)})
             .affected_rows() == 1;
}

bool PostgresTokenStore::revoke(const std::string& name, const Actor& actor) {
  return db_.run(
                "WITH revoked AS (UPDATE tokens SET revoked_at = now() "
                "WHERE name = $1 AND revoked_at IS NULL RETURNING name) "
                "INSERT INTO audit (token_name, request_id, action, details) "
                "SELECT $2, $3, 'TokenRevoked', $4 FROM revoked",
                {name, actor.token_name, actor.request_id, token_details(name, std::nullopt)})
             .affected_rows() == 1;
}

std::vector<service_layer::TokenRecord> PostgresTokenStore::active() {
  Result rows = run_reconnecting(db_, [&] {
    return db_.run(
        "SELECT name, role, to_char(created_at AT TIME ZONE 'UTC', "
        "'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"') FROM tokens WHERE revoked_at IS NULL ORDER BY name");
  });
  std::vector<service_layer::TokenRecord> records;
  for (int row = 0; row < rows.rows(); ++row) {
    records.push_back({rows.text(row, 0),
                       service_layer::parse_role(rows.text(row, 1)).value_or(Role::reader),
                       rows.text(row, 2)});
  }
  return records;
}

std::vector<std::pair<std::string, Identity>> PostgresTokenStore::active_hashes() {
  Result rows = run_reconnecting(db_, [&] {
    return db_.run("SELECT token_hash, name, role FROM tokens WHERE revoked_at IS NULL");
  });
  std::vector<std::pair<std::string, Identity>> hashes;
  for (int row = 0; row < rows.rows(); ++row) {
    auto role = service_layer::parse_role(rows.text(row, 2));
    if (role) hashes.emplace_back(rows.text(row, 0), Identity{rows.text(row, 1), *role});
  }
  return hashes;
}

std::vector<service_layer::AuditEntry> PostgresTokenStore::recent(std::size_t limit) {
  Result rows = run_reconnecting(db_, [&] {
    return db_.run(
        "SELECT to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'), token_name, "
        "request_id, action, details FROM "
        "(SELECT * FROM audit ORDER BY id DESC LIMIT $1) AS newest ORDER BY id",
        {std::to_string(limit)});
  });
  std::vector<service_layer::AuditEntry> entries;
  for (int row = 0; row < rows.rows(); ++row) {
    entries.push_back({rows.text(row, 0), rows.text(row, 1), rows.text(row, 2), rows.text(row, 3),
                       rows.text(row, 4)});
  }
  return entries;
}

}  // namespace allocation::adapters::postgres
