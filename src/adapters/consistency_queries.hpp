#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "service_layer/consistency.hpp"

namespace allocation::adapters {

// A row as text, whatever the engine's types.
using TextRow = std::vector<std::optional<std::string>>;

// One query of the consistency check: each row it selects is one drift of `kind`, told by
// `describe`. Every query takes the time of the check (milliseconds since the epoch) as its
// first parameter where it names one.
struct DriftQuery {
  const char* kind;
  const char* sql;
  // Whether the query takes the time of the check, as its one parameter ($1).
  bool at_time;
  int columns;
  std::string (*describe)(const TextRow& row);
};

// (first missing id, last missing id)
std::string describe_outbox_gap(const TextRow& row);

// The queries both engines run (an outbox gap is drift on SQLite alone).
const std::vector<DriftQuery>& consistency_queries();

// Runs each query through `run` (its rows) and describes what they find.
std::vector<service_layer::Drift> drifts_found(
    const std::vector<DriftQuery>& queries,
    const std::function<std::vector<TextRow>(const DriftQuery& query)>& run);

}  // namespace allocation::adapters
