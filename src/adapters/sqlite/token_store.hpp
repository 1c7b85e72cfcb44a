#pragma once

#include <string>

#include "adapters/sqlite/connection.hpp"
#include "service_layer/identity.hpp"

namespace allocation::adapters::sqlite {

// Tokens, and the audit trail that records their changes.
class SqliteTokenStore final : public service_layer::TokenStore, public service_layer::AuditReader {
 public:
  // Opens the database, creating and migrating the schema as needed.
  explicit SqliteTokenStore(const std::string& path);
  bool create(const std::string& name, service_layer::Role role, const std::string& token_hash,
              const service_layer::Actor& actor) override;
  bool revoke(const std::string& name, const service_layer::Actor& actor) override;
  std::vector<service_layer::TokenRecord> all() override;
  void record_uses(const std::vector<std::pair<std::string, std::int64_t>>& uses) override;
  std::vector<std::pair<std::string, service_layer::Identity>> active_hashes() override;

  std::vector<service_layer::AuditEntry> recent(std::size_t limit) override;

 private:
  void record(const service_layer::Actor& actor, const std::string& action,
              const std::string& details);

  Connection db_;
};

}  // namespace allocation::adapters::sqlite
