#include "adapters/sqlite/consistency_check.hpp"

#include "adapters/consistency_queries.hpp"
#include "adapters/rows.hpp"
#include "service_layer/errors.hpp"

namespace allocation::adapters::sqlite {

namespace {

// SQLite reuses no outbox id (AUTOINCREMENT) and the pruner removes from the front only, so a
// gap between entries is entries lost.
std::vector<DriftQuery> sqlite_queries() {
  auto all = consistency_queries();
  all.push_back({"outbox_gap",
                 "SELECT previous + 1, id - 1 FROM (SELECT id, LAG(id) OVER (ORDER BY id) AS "
                 "previous FROM outbox) WHERE id - previous > 1",
                 false, 2, describe_outbox_gap});
  return all;
}

}  // namespace

std::vector<service_layer::Drift> SqliteConsistencyCheck::drifts(domain::Instant now) {
  try {
    db_.execute("BEGIN");
    static const auto queries = sqlite_queries();
    auto found = drifts_found(queries, [&](const DriftQuery& query) {
      StatementUse select{db_.statement(query.sql)};
      if (query.at_time) select->bind(1, stored_instant(now));
      std::vector<TextRow> rows;
      while (select->step()) {
        TextRow& row = rows.emplace_back();
        for (int column = 0; column < query.columns; ++column) {
          row.push_back(select->optional_text(column));
        }
      }
      return rows;
    });
    db_.execute("COMMIT");
    return found;
  } catch (const SqliteError& error) {
    db_.rollback();
    throw service_layer::StorageUnavailable{error.what()};
  }
}

}  // namespace allocation::adapters::sqlite
