#include "adapters/sqlite/consistency_check.hpp"

#include "adapters/consistency_queries.hpp"
#include "adapters/rows.hpp"
#include "service_layer/errors.hpp"

namespace allocation::adapters::sqlite {

namespace {

// What each batch's allocations and holds (all not yet released; live ones: expiring after
// ?1) take.
#define TAKEN_BY_BATCH                                                                 \
  "LEFT JOIN (SELECT batchref, SUM(qty) AS qty FROM allocations GROUP BY batchref) a " \
  "ON a.batchref = b.reference LEFT JOIN (SELECT batchref, SUM(qty) AS qty, "          \
  "SUM(CASE WHEN expires_at > ?1 THEN qty ELSE 0 END) AS live FROM holds GROUP BY "    \
  "batchref) h ON h.batchref = b.reference "
#define LINE_TEXT(t) " line ' || " t ".orderid || ' ' || " t ".sku || ' x' || " t ".qty"

const std::vector<DriftQuery> queries{
    {"overcommitted_batch",
     "SELECT b.reference, b.sku, b.purchased_quantity, COALESCE(a.qty, 0), COALESCE(h.live, 0) "
     "FROM batches b " TAKEN_BY_BATCH
     "WHERE COALESCE(a.qty, 0) + COALESCE(h.live, 0) > b.purchased_quantity ORDER BY 1",
     5, describe_overcommitted_batch},
    {"misplaced_line",
     "SELECT 'allocated', l.orderid, l.sku, l.qty, l.batchref, b.sku FROM allocations l "
     "LEFT JOIN batches b ON b.reference = l.batchref WHERE b.sku IS NULL OR b.sku <> l.sku "
     "UNION ALL SELECT 'held', l.orderid, l.sku, l.qty, l.batchref, b.sku FROM holds l "
     "LEFT JOIN batches b ON b.reference = l.batchref WHERE b.sku IS NULL OR b.sku <> l.sku "
     "ORDER BY 2, 3",
     6, describe_misplaced_line},
    {"read_model",
     "SELECT 'allocations_view', 'lacks the allocation of" LINE_TEXT(
         "l") " || ' to batch ' || "
              "l.batchref FROM (SELECT orderid, sku, qty, batchref FROM allocations EXCEPT SELECT "
              "orderid, sku, qty, batchref FROM allocations_view) l "
              "UNION ALL SELECT 'allocations_view', 'shows" LINE_TEXT(
                  "l") " || ' in batch ' || "
                       "l.batchref || ', which the allocations do not have' FROM (SELECT orderid, "
                       "sku, qty, "
                       "batchref FROM allocations_view EXCEPT SELECT orderid, sku, qty, batchref "
                       "FROM "
                       "allocations) l "
                       "UNION ALL SELECT 'allocations_view', 'shows" LINE_TEXT(
                           "l") " || ' in batch ' || "
                                "l.batchref || ' ' || count(*) || ' times' FROM allocations_view l "
                                "GROUP BY l.orderid, "
                                "l.sku, l.qty, l.batchref HAVING count(*) > 1",
     2, describe_read_model},
    {"read_model",
     "SELECT 'batches_view', 'says batch ' || b.reference || ' has ' || COALESCE('sku ' || "
     "v.sku || ', eta ' || COALESCE(v.eta, 'none') || ', quantity ' || v.purchased_quantity || "
     "', available ' || v.available_quantity, 'no row') || '; the write tables say sku ' || "
     "b.sku || ', eta ' || COALESCE(b.eta, 'none') || ', quantity ' || b.purchased_quantity || "
     "', available ' || (b.purchased_quantity - COALESCE(a.qty, 0) - COALESCE(h.qty, 0)) "
     "FROM batches b LEFT JOIN batches_view v ON v.reference = b.reference " TAKEN_BY_BATCH
     "WHERE v.reference IS NULL OR v.sku <> b.sku OR v.eta IS NOT b.eta OR "
     "v.purchased_quantity <> b.purchased_quantity OR v.available_quantity <> "
     "b.purchased_quantity - COALESCE(a.qty, 0) - COALESCE(h.qty, 0) "
     "UNION ALL SELECT 'batches_view', 'has batch ' || v.reference || ', which the batches do "
     "not have' FROM batches_view v WHERE NOT EXISTS (SELECT 1 FROM batches b WHERE "
     "b.reference = v.reference)",
     2, describe_read_model},
    {"read_model",
     "SELECT 'order_line_states', 'lacks the hold of" LINE_TEXT(
         "l") " || ' in batch ' || "
              "l.batchref FROM (SELECT orderid, sku, qty, batchref, expires_at FROM holds EXCEPT "
              "SELECT "
              "orderid, sku, qty, batchref, expires_at FROM order_line_states WHERE state = "
              "'held') l "
              "UNION ALL SELECT 'order_line_states', 'shows a hold of" LINE_TEXT(
                  "l") " || ' in batch ' "
                       "|| l.batchref || ', which the holds do not have' FROM (SELECT orderid, "
                       "sku, qty, "
                       "batchref, expires_at FROM order_line_states WHERE state = 'held' EXCEPT "
                       "SELECT orderid, "
                       "sku, qty, batchref, expires_at FROM holds) l",
     2, describe_read_model},
    {"outbox_gap",
     "SELECT previous + 1, id - 1 FROM (SELECT id, LAG(id) OVER (ORDER BY id) AS previous "
     "FROM outbox) WHERE id - previous > 1",
     2, describe_outbox_gap},
};

#undef TAKEN_BY_BATCH
#undef LINE_TEXT

}  // namespace

std::vector<service_layer::Drift> SqliteConsistencyCheck::drifts(domain::Instant now) {
  try {
    db_.execute("BEGIN");
    auto found = drifts_found(queries, [&](const DriftQuery& query) {
      StatementUse select{db_.statement(query.sql)};
      if (std::string_view{query.sql}.find("?1") != std::string_view::npos) {
        select->bind(1, stored_instant(now));
      }
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
