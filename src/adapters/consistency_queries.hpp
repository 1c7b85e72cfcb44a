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
  int columns;
  std::string (*describe)(const TextRow& row);
};

// (reference, sku, purchased, allocated, live held)
std::string describe_overcommitted_batch(const TextRow& row);
// ('allocated' or 'held', orderid, sku, qty, batchref, the batch's sku or null)
std::string describe_misplaced_line(const TextRow& row);
// (table, what it lacks or has beyond the write tables, or how it differs)
std::string describe_read_model(const TextRow& row);
// (first missing id, last missing id)
std::string describe_outbox_gap(const TextRow& row);

// Runs each query through `run` (its rows) and describes what they find.
std::vector<service_layer::Drift> drifts_found(
    const std::vector<DriftQuery>& queries,
    const std::function<std::vector<TextRow>(const DriftQuery& query)>& run);

}  // namespace allocation::adapters
