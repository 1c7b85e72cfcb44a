#include "adapters/sqlite/token_store.hpp"

#include "adapters/sqlite/schema.hpp"

namespace allocation::adapters::sqlite {

using service_layer::Identity;
using service_layer::Role;

SqliteTokenStore::SqliteTokenStore(const std::string& path) : db_{path} { migrate(db_); }

bool SqliteTokenStore::create(const std::string& name, Role role, const std::string& token_hash) {
  StatementUse insert{db_.statement(
      "INSERT INTO tokens (name, role, token_hash) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")};
  return insert->bind(1, name)
             .bind(2, service_layer::role_name(role))
             .bind(3, token_hash)
             .execute() == 1;
}

bool SqliteTokenStore::revoke(const std::string& name) {
  StatementUse update{
      db_.statement("UPDATE tokens SET revoked_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') "
                    "WHERE name = ? AND revoked_at IS NULL")};
  return update->bind(1, name).execute() == 1;
}

std::vector<service_layer::TokenRecord> SqliteTokenStore::active() {
  StatementUse select{db_.statement(
      "SELECT name, role, created_at FROM tokens WHERE revoked_at IS NULL ORDER BY name")};
  std::vector<service_layer::TokenRecord> records;
  while (select->step()) {
    records.push_back({select->text(0),
                       service_layer::parse_role(select->text(1)).value_or(Role::reader),
                       select->text(2)});
  }
  return records;
}

std::vector<std::pair<std::string, Identity>> SqliteTokenStore::active_hashes() {
  StatementUse select{
      db_.statement("SELECT token_hash, name, role FROM tokens WHERE revoked_at IS NULL")};
  std::vector<std::pair<std::string, Identity>> hashes;
  while (select->step()) {
    auto role = service_layer::parse_role(select->text(2));
    if (role) hashes.emplace_back(select->text(0), Identity{select->text(1), *role});
  }
  return hashes;
}

}  // namespace allocation::adapters::sqlite
