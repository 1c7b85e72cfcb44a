#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <variant>

#include "domain/date.hpp"

namespace allocation::domain::events {

// Field names are part of the public contract: they appear in JSON.
struct BatchCreated {
  std::string ref;
  std::string sku;
  std::int64_t qty = 0;
  std::optional<Date> eta;
  friend bool operator==(const BatchCreated&, const BatchCreated&) = default;
};

struct BatchQuantityChanged {
  std::string ref;
  std::string sku;
  std::int64_t qty = 0;
  friend bool operator==(const BatchQuantityChanged&, const BatchQuantityChanged&) = default;
};

struct Allocated {
  std::string orderid;
  std::string sku;
  std::int64_t qty = 0;
  std::string batchref;
  friend bool operator==(const Allocated&, const Allocated&) = default;
};

// `batchref` names the batch the line left; beyond the book's three fields.
struct Deallocated {
  std::string orderid;
  std::string sku;
  std::int64_t qty = 0;
  std::string batchref;
  friend bool operator==(const Deallocated&, const Deallocated&) = default;
};

struct OutOfStock {
  std::string sku;
  friend bool operator==(const OutOfStock&, const OutOfStock&) = default;
};

}  // namespace allocation::domain::events

namespace allocation::domain {

using Event = std::variant<events::BatchCreated, events::BatchQuantityChanged, events::Allocated,
                           events::Deallocated, events::OutOfStock>;

}  // namespace allocation::domain

namespace allocation::domain::events {

// Declared here so that argument-dependent lookup finds it for the Event variant.
std::ostream& operator<<(std::ostream& out, const Event& event);

}  // namespace allocation::domain::events
