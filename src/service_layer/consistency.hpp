#pragma once

#include <string>
#include <vector>

#include "domain/date.hpp"

namespace allocation::service_layer {

// Where the stored state disagrees with itself.
struct Drift {
  // `overcommitted_batch`, `misplaced_line`, `read_model` or `outbox_gap`.
  std::string kind;
  std::string detail;
  friend bool operator==(const Drift&, const Drift&) = default;
};

// Reads every table and reports each drift: a batch's allocations and live holds beyond its
// quantity, a line in a batch that does not exist or holds another SKU, a read model that
// differs from what the write tables say, a gap in the outbox's sequence.
class ConsistencyCheck {
 public:
  virtual ~ConsistencyCheck() = default;
  // As at `now`: holds expired by then count for nothing.
  virtual std::vector<Drift> drifts(domain::Instant now) = 0;
};

}  // namespace allocation::service_layer
