#include "adapters/consistency_queries.hpp"

namespace allocation::adapters {

namespace {

std::string text(const TextRow& row, std::size_t column) { return row.at(column).value_or("null"); }

// (reference, sku, purchased, allocated, live held)
std::string describe_overcommitted_batch(const TextRow& row) {
  return "batch " + text(row, 0) + " of " + text(row, 1) + " has " + text(row, 3) +
         " allocated and " + text(row, 4) + " held, more than its quantity " + text(row, 2);
}

// ('allocated' or 'held', orderid, sku, qty, batchref, the batch's sku or null)
std::string describe_misplaced_line(const TextRow& row) {
  std::string where = row.at(5) ? "a batch of " + *row.at(5) : "which does not exist";
  return "line " + text(row, 1) + " " + text(row, 2) + " x" + text(row, 3) + " is " + text(row, 0) +
         " in batch " + text(row, 4) + ", " + where;
}

// (table, what it lacks or has beyond the write tables, or how it differs)
std::string describe_read_model(const TextRow& row) { return text(row, 0) + " " + text(row, 1); }

// The engines' SQL in common: `$1` is a parameter in both, and `CAST`, `IS DISTINCT FROM` and
// `||` mean the same in both.
// What each batch's allocations and holds (all not yet released; live ones: expiring after
// $1) take.
#define TAKEN_BY_BATCH                                                                   \
  "LEFT JOIN (SELECT batchref, CAST(SUM(qty) AS BIGINT) AS qty FROM allocations "        \
  "GROUP BY batchref) a ON a.batchref = b.reference LEFT JOIN (SELECT batchref, "        \
  "CAST(SUM(qty) AS BIGINT) AS qty, CAST(SUM(CASE WHEN expires_at > CAST($1 AS BIGINT) " \
  "THEN qty ELSE 0 END) AS BIGINT) AS live FROM holds GROUP BY batchref) h "             \
  "ON h.batchref = b.reference "

// Built on first use: other translation units read it while they are initialized.
const std::vector<DriftQuery>& portable_queries() {
  static const std::vector<DriftQuery> queries{
      {"overcommitted_batch",
       "SELECT b.reference, b.sku, b.purchased_quantity, COALESCE(a.qty, 0), "
       "COALESCE(h.live, 0) FROM batches b " TAKEN_BY_BATCH
       "WHERE COALESCE(a.qty, 0) + COALESCE(h.live, 0) > b.purchased_quantity ORDER BY 1",
       true, 5, describe_overcommitted_batch},
      {"misplaced_line",
       "SELECT 'allocated', l.orderid, l.sku, l.qty, l.batchref, b.sku FROM allocations l "
       "LEFT JOIN batches b ON b.reference = l.batchref WHERE b.sku IS NULL OR b.sku <> "
       "l.sku UNION ALL SELECT 'held', l.orderid, l.sku, l.qty, l.batchref, b.sku FROM holds "
       "l LEFT JOIN batches b ON b.reference = l.batchref WHERE b.sku IS NULL OR b.sku <> "
       "l.sku ORDER BY 2, 3",
       false, 6, describe_misplaced_line},
      {"read_model",
       "SELECT 'allocations_view', 'lacks the allocation of line ' || l.orderid || ' ' || "
       "l.sku || ' x' || l.qty || ' to batch ' || l.batchref FROM (SELECT orderid, sku, qty, "
       "batchref FROM allocations EXCEPT SELECT orderid, sku, qty, batchref FROM "
       "allocations_view) l UNION ALL SELECT 'allocations_view', 'shows line ' || l.orderid "
       "|| ' ' || l.sku || ' x' || l.qty || ' in batch ' || l.batchref || ', which the "
       "allocations do not have' FROM (SELECT orderid, sku, qty, batchref FROM "
       "allocations_view EXCEPT SELECT orderid, sku, qty, batchref FROM allocations) l UNION "
       "ALL SELECT 'allocations_view', 'shows line ' || l.orderid || ' ' || l.sku || ' x' || "
       "l.qty || ' in batch ' || l.batchref || ' ' || count(*) || ' times' FROM "
       "allocations_view l GROUP BY l.orderid, l.sku, l.qty, l.batchref HAVING count(*) > 1",
       false, 2, describe_read_model},
      {"read_model",
       "SELECT 'batches_view', 'says batch ' || b.reference || ' has ' || COALESCE('sku ' || "
       "v.sku || ', eta ' || COALESCE(CAST(v.eta AS TEXT), 'none') || ', quantity ' || "
       "v.purchased_quantity || ', available ' || v.available_quantity, 'no row') || '; the "
       "write tables say sku ' || b.sku || ', eta ' || COALESCE(CAST(b.eta AS TEXT), 'none') "
       "|| ', quantity ' || b.purchased_quantity || ', available ' || (b.purchased_quantity "
       "- COALESCE(a.qty, 0) - COALESCE(h.qty, 0)) FROM batches b LEFT JOIN batches_view v "
       "ON v.reference = b.reference " TAKEN_BY_BATCH
       "WHERE v.reference IS NULL OR v.sku <> b.sku OR v.eta IS DISTINCT FROM b.eta OR "
       "v.purchased_quantity <> b.purchased_quantity OR v.available_quantity <> "
       "b.purchased_quantity - COALESCE(a.qty, 0) - COALESCE(h.qty, 0) UNION ALL SELECT "
       "'batches_view', 'has batch ' || v.reference || ', which the batches do not have' "
       "FROM batches_view v WHERE NOT EXISTS (SELECT 1 FROM batches b WHERE b.reference = "
       "v.reference)",
       true, 2, describe_read_model},
      {"read_model",
       "SELECT 'order_line_states', 'lacks the hold of line ' || l.orderid || ' ' || l.sku "
       "|| ' x' || l.qty || ' in batch ' || l.batchref FROM (SELECT orderid, sku, qty, "
       "batchref, expires_at FROM holds EXCEPT SELECT orderid, sku, qty, batchref, "
       "expires_at FROM order_line_states WHERE state = 'held') l UNION ALL SELECT "
       "'order_line_states', 'shows a hold of line ' || l.orderid || ' ' || l.sku || ' x' || "
       "l.qty || ' in batch ' || l.batchref || ', which the holds do not have' FROM (SELECT "
       "orderid, sku, qty, batchref, expires_at FROM order_line_states WHERE state = 'held' "
       "EXCEPT SELECT orderid, sku, qty, batchref, expires_at FROM holds) l",
       false, 2, describe_read_model},
  };
  return queries;
}

#undef TAKEN_BY_BATCH

}  // namespace

std::string describe_outbox_gap(const TextRow& row) {
  std::string first = text(row, 0);
  std::string last = text(row, 1);
  return "the outbox has no entry " + (first == last ? first : first + " to " + last) +
         ", between entries it has";
}

const std::vector<DriftQuery>& consistency_queries() { return portable_queries(); }

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
