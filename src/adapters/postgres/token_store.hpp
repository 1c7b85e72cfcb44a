#pragma once

#include <string>

#include "adapters/postgres/connection.hpp"
#include "service_layer/identity.hpp"

namespace allocation::adapters::postgres {

// Tokens, and the audit trail that records their changes.
class PostgresTokenStore final : public service_layer::TokenStore,
                                 public service_layer::AuditReader {
 public:
  // Connects, creating and migrating the schema as needed.
  explicit PostgresTokenStore(const std::string& url);
  bool create(const std::string& name, service_layer::Role role, const std::string& token_hash,
              const service_layer::Actor& actor) override;
  bool revoke(const std::string& name, const service_layer::Actor& actor) override;
  std::vector<service_layer::TokenRecord> all() override;
  void record_uses(const std::vector<std::pair<std::string, std::int64_t>>& uses) override;
  std::vector<std::pair<std::string, service_layer::Identity>> active_hashes() override;

  std::vector<service_layer::AuditEntry> recent(std::size_t limit) override;

 private:
  Connection db_;
};

}  // namespace allocation::adapters::postgres
