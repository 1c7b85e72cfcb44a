#include "adapters/postgres/token_store.hpp"

#include "adapters/postgres/schema.hpp"
#include "adapters/postgres/statements.hpp"
#include "adapters/postgres/storage_errors.hpp"
#include "adapters/rows.hpp"
#include "adapters/tokens.hpp"

namespace allocation::adapters::postgres {

using service_layer::Actor;
using service_layer::Identity;
using service_layer::Role;

PostgresTokenStore::PostgresTokenStore(const std::string& url) : db_{url} { migrate(db_); }

// Each change and its audit record are one statement, so one cannot be stored without the other.
bool PostgresTokenStore::create(const std::string& name, Role role, const std::string& token_hash,
                                const Actor& actor) {
  return db_.run(sql::insert_token, {name, std::string{service_layer::role_name(role)}, token_hash,
                                     actor.token_name, actor.request_id, token_details(name, role)})
             .affected_rows() == 1;
}

bool PostgresTokenStore::revoke(const std::string& name, const Actor& actor) {
  return db_.run(sql::revoke_token,
                 {name, actor.token_name, actor.request_id, token_details(name, std::nullopt)})
             .affected_rows() == 1;
}

void PostgresTokenStore::record_uses(
    const std::vector<std::pair<std::string, std::int64_t>>& uses) {
  std::vector<std::string> names;
  std::string times = "{";
  for (const auto& [name, at] : uses) {
    names.push_back(name);
    times += (times.size() > 1 ? "," : "") + std::to_string(at);
  }
  times += "}";
  run_reconnecting(db_, [&] {
    return db_.run(sql::record_token_uses, {text_array(names), times});
  });
}

std::vector<service_layer::TokenRecord> PostgresTokenStore::all() {
  Result rows = run_reconnecting(db_, [&] { return db_.run(sql::select_tokens); });
  return rows.rows_as([](const ResultRow& row) { return token_record_of(row); });
}

std::vector<std::pair<std::string, Identity>> PostgresTokenStore::active_hashes() {
  Result rows = run_reconnecting(db_, [&] { return db_.run(sql::select_active_token_hashes); });
  std::vector<std::pair<std::string, Identity>> hashes;
  for (int row = 0; row < rows.rows(); ++row) {
    if (auto hash = token_identity_of(rows.row(row))) hashes.push_back(std::move(*hash));
  }
  return hashes;
}

std::vector<service_layer::AuditEntry> PostgresTokenStore::recent(std::size_t limit) {
  Result rows = run_reconnecting(
      db_, [&] { return db_.run(sql::select_recent_audit, {std::to_string(limit)}); });
  return rows.rows_as([](const ResultRow& row) { return audit_entry_of(row); });
}

}  // namespace allocation::adapters::postgres
