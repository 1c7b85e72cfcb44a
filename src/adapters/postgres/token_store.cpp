#include "adapters/postgres/token_store.hpp"

#include "adapters/postgres/schema.hpp"

namespace allocation::adapters::postgres {

using service_layer::Identity;
using service_layer::Role;

PostgresTokenStore::PostgresTokenStore(const std::string& url) : db_{url} { migrate(db_); }

bool PostgresTokenStore::create(const std::string& name, Role role, const std::string& token_hash) {
  return db_.run(
                "INSERT INTO tokens (name, role, token_hash) VALUES ($1, $2, $3) "
                "ON CONFLICT DO NOTHING",
                {name, std::string{service_layer::role_name(role)}, token_hash})
             .affected_rows() == 1;
}

bool PostgresTokenStore::revoke(const std::string& name) {
  return db_.run("UPDATE tokens SET revoked_at = now() WHERE name = $1 AND revoked_at IS NULL",
                 {name})
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

}  // namespace allocation::adapters::postgres
