#include "adapters/consistency_queries.hpp"

namespace allocation::adapters {

namespace {

std::string text(const TextRow& row, std::size_t column) { return row.at(column).value_or("null"); }

}  // namespace

std::string describe_overcommitted_batch(const TextRow& row) {
  return "batch " + text(row, 0) + " of " + text(row, 1) + " has " + text(row, 3) +
         " allocated and " + text(row, 4) + " held, more than its quantity " + text(row, 2);
}

std::string describe_misplaced_line(const TextRow& row) {
  std::string where = row.at(5) ? "a batch of " + *row.at(5) : "which does not exist";
  return "line " + text(row, 1) + " " + text(row, 2) + " x" + text(row, 3) + " is " + text(row, 0) +
         " in batch " + text(row, 4) + ", " + where;
}

std::string describe_read_model(const TextRow& row) { return text(row, 0) + " " + text(row, 1); }

std::string describe_outbox_gap(const TextRow& row) {
  std::string first = text(row, 0);
  std::string last = text(row, 1);
  return "the outbox has no entry " + (first == last ? first : first + " to " + last) +
         ", between entries it has";
}

std::vector<service_layer::Drift> drifts_found(
    const std::vector<DriftQuery>& queries,
    const std::function<std::vector<TextRow>(const DriftQuery& query)>& run) {
  std::vector<service_layer::Drift> drifts;
  for (const DriftQuery& query : queries) {
    for (const TextRow& row : run(query)) drifts.push_back({query.kind, query.describe(row)});
  }
  return drifts;
}

}  // namespace allocation::adapters
