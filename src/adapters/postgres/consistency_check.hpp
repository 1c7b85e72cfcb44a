#pragma once

#include <string>

#include "adapters/postgres/connection.hpp"
#include "service_layer/consistency.hpp"

namespace allocation::adapters::postgres {

// The consistency check, in one read transaction on a connection of its own.
class PostgresConsistencyCheck final : public service_layer::ConsistencyCheck {
 public:
  explicit PostgresConsistencyCheck(const std::string& url) : db_{url} {}
  std::vector<service_layer::Drift> drifts(domain::Instant now) override;

 private:
  Connection db_;
};

}  // namespace allocation::adapters::postgres
