#pragma once

#include <string>

#include "adapters/postgres/connection.hpp"
#include "service_layer/identity.hpp"

namespace allocation::adapters::postgres {

class PostgresTokenStore final : public service_layer::TokenStore {
 public:
  // Connects, creating and migrating the schema as needed.
  explicit PostgresTokenStore(const std::string& url);
  bool create(const std::string& name, service_layer::Role role,
              const std::string& token_hash) override;
  bool revoke(const std::string& name) override;
  std::vector<service_layer::TokenRecord> active() override;
  std::vector<std::pair<std::string, service_layer::Identity>> active_hashes() override;

 private:
  Connection db_;
};

}  // namespace allocation::adapters::postgres
