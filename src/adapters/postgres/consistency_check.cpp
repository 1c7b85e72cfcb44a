#include "adapters/postgres/consistency_check.hpp"

#include "adapters/consistency_queries.hpp"
#include "adapters/rows.hpp"
#include "service_layer/errors.hpp"

namespace allocation::adapters::postgres {

std::vector<service_layer::Drift> PostgresConsistencyCheck::drifts(domain::Instant now) {
  try {
    // The outbox's ids come from a sequence, which skips the ids of transactions rolled back
    // (as colliding writers' are): a gap there is no drift, so the outbox is not checked.
    // One snapshot for every query, so that writes meanwhile cannot look like drift.
    db_.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    auto found = drifts_found(consistency_queries(), [&](const DriftQuery& query) {
      auto result = query.at_time ? db_.run(query.sql, {std::to_string(stored_instant(now))})
                                  : db_.run(query.sql);
      std::vector<TextRow> rows;
      for (int i = 0; i < result.rows(); ++i) {
        TextRow& row = rows.emplace_back();
        for (int column = 0; column < query.columns; ++column) {
          row.push_back(result.optional_text(i, column));
        }
      }
      return rows;
    });
    db_.execute("COMMIT");
    return found;
  } catch (const PostgresError& error) {
    // The connection is this check's alone, and goes with it: nothing to roll back.
    throw service_layer::StorageUnavailable{error.what()};
  }
}

}  // namespace allocation::adapters::postgres
