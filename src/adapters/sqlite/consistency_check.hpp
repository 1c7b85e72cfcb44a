#pragma once

#include <string>

#include "adapters/sqlite/connection.hpp"
#include "service_layer/consistency.hpp"

namespace allocation::adapters::sqlite {

// The consistency check, in one read transaction on a connection of its own.
class SqliteConsistencyCheck final : public service_layer::ConsistencyCheck {
 public:
  explicit SqliteConsistencyCheck(const std::string& path) : db_{path} {}
  std::vector<service_layer::Drift> drifts(domain::Instant now) override;

 private:
  Connection db_;
};

}  // namespace allocation::adapters::sqlite
