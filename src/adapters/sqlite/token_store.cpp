#include "adapters/sqlite/token_store.hpp"

#include "adapters/rows.hpp"
#include "adapters/sqlite/schema.hpp"
#include "adapters/sqlite/statements.hpp"
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
  Transaction transaction{db};
  if (!change()) return false;
  transaction.commit();
  return true;
}

}  // namespace

SqliteTokenStore::SqliteTokenStore(const std::string& path) : db_{path} { migrate(db_); }

void SqliteTokenStore::record(const Actor& actor, const std::string& action,
                              const std::string& details) {
  StatementUse insert{db_.statement(sql::insert_audit)};
  insert->bind(1, actor.token_name).bind(2, actor.request_id).bind(3, action);
  insert->bind(4, details).execute();
}

bool SqliteTokenStore::create(const std::string& name, Role role, const std::string& token_hash,
                              const Actor& actor) {
  return in_transaction(db_, [&] {
    StatementUse insert{db_.statement(sql::insert_token)};
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
    StatementUse update{db_.statement(sql::revoke_token)};
    if (update->bind(1, name).execute() != 1) return false;
    record(actor, "TokenRevoked", token_details(name, std::nullopt));
    return true;
  });
}

void SqliteTokenStore::record_uses(const std::vector<std::pair<std::string, std::int64_t>>& uses) {
  in_transaction(db_, [&] {
    for (const auto& [name, at] : uses) {
      StatementUse update{db_.statement(sql::record_token_use)};
      update->bind(1, name).bind(2, at).execute();
    }
    return true;
  });
}

std::vector<service_layer::TokenRecord> SqliteTokenStore::all() {
  StatementUse select{db_.statement(sql::select_tokens)};
  std::vector<service_layer::TokenRecord> records;
  while (select->step()) records.push_back(token_record_of(*select));
  return records;
}

std::vector<std::pair<std::string, Identity>> SqliteTokenStore::active_hashes() {
  StatementUse select{db_.statement(sql::select_active_token_hashes)};
  std::vector<std::pair<std::string, Identity>> hashes;
  while (select->step()) {
    if (auto hash = token_identity_of(*select)) hashes.push_back(std::move(*hash));
  }
  return hashes;
}

std::vector<service_layer::AuditEntry> SqliteTokenStore::recent(std::size_t limit) {
  StatementUse select{db_.statement(sql::select_recent_audit)};
  select->bind(1, static_cast<std::int64_t>(limit));
  std::vector<service_layer::AuditEntry> entries;
  while (select->step()) entries.push_back(audit_entry_of(*select));
  return entries;
}

}  // namespace allocation::adapters::sqlite
