#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <variant>

#include "domain/date.hpp"

namespace allocation::domain::commands {

// Field names are part of the public contract: they appear in JSON.
struct CreateBatch {
  std::string ref;
  std::string sku;
  std::int64_t qty = 0;
  std::optional<Date> eta;
  friend bool operator==(const CreateBatch&, const CreateBatch&) = default;
};

struct Allocate {
  std::string orderid;
  std::string sku;
  std::int64_t qty = 0;
  friend bool operator==(const Allocate&, const Allocate&) = default;
};

struct ChangeBatchQuantity {
  std::string ref;
  std::int64_t qty = 0;
  friend bool operator==(const ChangeBatchQuantity&, const ChangeBatchQuantity&) = default;
};

}  // namespace allocation::domain::commands

namespace allocation::domain {

using Command =
    std::variant<commands::CreateBatch, commands::Allocate, commands::ChangeBatchQuantity>;

}  // namespace allocation::domain

namespace allocation::domain::commands {

// Declared here so that argument-dependent lookup finds it for the Command variant.
std::ostream& operator<<(std::ostream& out, const Command& command);

}  // namespace allocation::domain::commands
