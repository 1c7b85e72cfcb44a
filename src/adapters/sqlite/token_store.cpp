#include "adapters/sqlite/token_store.hpp"

#include "adapters/sqlite/schema.hpp"
#include "adapters/tokens.hpp"

namespace allocation::adapters::sqlite {

using service_layer::Actor;
using service_layer::Identity;
using service_layer::Role;

namespace {

// Runs `change` in one write transaction, committed only when it reports that it changed
// something.
template <class Change>
bool in_transaction(Connection& db, Change&& change) {
  db.run("BEGIN IMMEDIATE");
  try {
    if (!change()) {
      db.run("ROLLBACK");
      return false;
    }
    db.run("COMMIT");
    return true;
  } catch (...) {
    db.execute("ROLLBACK");
    throw;
  }
}

}  // namespace

SqliteTokenStore::SqliteTokenStore(const std::string& path) : db_{path} { migrate(db_); }

void SqliteTokenStore::record(const Actor& actor, const std::string& action,
                              const std::string& details) {
  StatementUse insert{db_.statement(
      "INSERT INTO audit (token_name, request_id, action, details) VALUES (?, ?, ?, ?)")};
  insert->bind(1, actor.token_name).bind(2, actor.request_id).bind(3, action);
  insert->bind(4, details).execute();
}

bool SqliteTokenStore::create(const std::string& name, Role role, const std::string& token_hash,
                              const Actor& actor) {
  return in_transaction(db_, [&] {
    StatementUse insert{db_.statement(
        "INSERT INTO tokens (name, role, token_hash) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")};
    if (insert->bind(1, name)
            .bind(2, service_layer::role_name(role))
            .bind(3, token_hash)
            .execute() != 1) {
      return false;
    }
    record(actor, "TokenCreated", token_details(name, role));
    return true;
  });
}

bool SqliteTokenStore::revoke(const std::string& name, const Actor& actor) {
  return in_transaction(db_, [&] {
    StatementUse update{
        db_.statement("UPDATE tokens SET revoked_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') "
                      "WHERE name = ? AND revoked_at IS NULL")};
    if (update->bind(1, name).execute() != 1) return false;
    record(actor, "TokenRevoked", token_details(name, std::nullopt));
    return true;
  });
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

std::vector<service_layer::AuditEntry> SqliteTokenStore::recent(std::size_t limit) {
  StatementUse select{
      db_.statement("SELECT at, token_name, request_id, action, details FROM "
                    "(SELECT * FROM audit ORDER BY id DESC LIMIT ?) ORDER BY id")};
  select->bind(1, static_cast<std::int64_t>(limit));
  std::vector<service_layer::AuditEntry> entries;
  while (select->step()) {
    entries.push_back(
        {select->text(0), select->text(1), select->text(2), select->text(3), select->text(4)});
  }
  return entries;
}

}  // namespace allocation::adapters::sqlite
