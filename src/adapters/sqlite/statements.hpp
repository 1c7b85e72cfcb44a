#pragma once

// Every statement the SQLite adapter prepares, by name. Connections keep a statement prepared by
// its address, which an inline variable has once in the whole program.
namespace allocation::adapters::sqlite::sql {

inline constexpr char begin_immediate[] = "BEGIN IMMEDIATE";
inline constexpr char commit[] = "COMMIT";
inline constexpr char rollback[] = "ROLLBACK";
inline constexpr char read_schema_version[] = "PRAGMA user_version";
inline constexpr char read_page_size[] = "PRAGMA page_size";
inline constexpr char select_product_version[] =
    "SELECT version_number FROM products WHERE sku = ?";
inline constexpr char insert_product[] =
    "INSERT INTO products (sku, version_number) VALUES (?, ?) ON CONFLICT DO NOTHING";
inline constexpr char update_product_version[] =
    "UPDATE products SET version_number = ? WHERE sku = ? AND version_number = ?";
inline constexpr char select_batches_of_product[] =
    "SELECT reference, purchased_quantity, eta FROM batches WHERE sku = ?";
inline constexpr char select_allocations_of_product[] =
    "SELECT orderid, qty, batchref FROM allocations WHERE sku = ? ORDER BY id";
inline constexpr char select_sku_of_batch[] = "SELECT sku FROM batches WHERE reference = ?";
inline constexpr char insert_batch[] =
    "INSERT INTO batches (reference, sku, purchased_quantity, eta) VALUES (?, ?, ?, ?)";
inline constexpr char update_batch_quantity[] =
    "UPDATE batches SET purchased_quantity = ? WHERE reference = ?";
inline constexpr char update_batch_eta[] = "UPDATE batches SET eta = ? WHERE reference = ?";
inline constexpr char insert_allocation[] =
    "INSERT INTO allocations (sku, orderid, qty, batchref) VALUES (?, ?, ?, ?)";
inline constexpr char delete_allocation[] =
    "DELETE FROM allocations WHERE sku = ? AND orderid = ? AND qty = ? AND batchref = ?";
inline constexpr char select_holds_of_product[] =
    "SELECT orderid, qty, batchref, expires_at FROM holds WHERE sku = ? ORDER BY id";
inline constexpr char insert_hold[] =
    "INSERT INTO holds (sku, orderid, qty, batchref, expires_at) VALUES (?, ?, ?, ?, ?)";
inline constexpr char delete_hold[] =
    "DELETE FROM holds WHERE sku = ? AND orderid = ? AND batchref = ?";
inline constexpr char select_skus_with_expired_holds[] =
    "SELECT DISTINCT sku FROM holds WHERE expires_at <= ? LIMIT ?";
inline constexpr char insert_allocation_view[] =
    "INSERT INTO allocations_view (orderid, sku, qty, batchref) VALUES (?, ?, ?, ?)";
inline constexpr char delete_allocation_view[] =
    "DELETE FROM allocations_view WHERE id = (SELECT id FROM allocations_view WHERE orderid = ? "
    "AND sku = ? AND qty = ? AND batchref = ? LIMIT 1)";
inline constexpr char select_allocations_view_of_order[] =
    "SELECT sku, batchref FROM allocations_view WHERE orderid = ? ORDER BY id";
inline constexpr char insert_batch_view[] =
    "INSERT INTO batches_view (reference, sku, eta, purchased_quantity, available_quantity) VALUES "
    "(?, ?, ?, ?, ?)";
inline constexpr char set_batch_view_quantity[] =
    "UPDATE batches_view SET available_quantity = available_quantity + (?1 - purchased_quantity), "
    "purchased_quantity = ?1 WHERE reference = ?2";
inline constexpr char set_batch_view_eta[] = "UPDATE batches_view SET eta = ? WHERE reference = ?";
inline constexpr char add_to_batch_view_available[] =
    "UPDATE batches_view SET available_quantity = available_quantity + ? WHERE reference = ?";
// Holds count while they have not expired at ?2 (milliseconds since the epoch).
inline constexpr char select_batches_view_of_product[] =
    "SELECT b.reference, b.eta, b.purchased_quantity, b.available_quantity, "
    "COALESCE(SUM(CASE WHEN s.expires_at > ?2 THEN s.qty END), 0), COALESCE(SUM(s.qty), 0) "
    "FROM batches_view b LEFT JOIN order_line_states s ON s.batchref = b.reference AND "
    "s.state = 'held' WHERE b.sku = ?1 GROUP BY b.reference "
    "ORDER BY b.eta IS NOT NULL, b.eta, b.reference";
// A page of SKUs after ?1 (at most ?3), from the SKU index, then their batches' totals as at ?2.
inline constexpr char select_products_view[] =
    "WITH page AS (SELECT DISTINCT sku FROM batches_view WHERE sku > ?1 ORDER BY sku LIMIT ?3), "
    "batches AS (SELECT b.sku, b.reference, b.purchased_quantity, b.available_quantity "
    "FROM batches_view b JOIN page ON b.sku = page.sku), "
    "held AS (SELECT s.batchref, SUM(CASE WHEN s.expires_at > ?2 THEN s.qty ELSE 0 END) AS live, "
    "SUM(s.qty) AS recorded FROM order_line_states s JOIN batches ON s.batchref = "
    "batches.reference WHERE s.state = 'held' GROUP BY s.batchref) "
    "SELECT batches.sku, SUM(purchased_quantity), SUM(available_quantity), "
    "COALESCE(SUM(live), 0), COALESCE(SUM(recorded), 0) FROM batches LEFT JOIN held ON "
    "held.batchref = batches.reference GROUP BY batches.sku ORDER BY batches.sku";
// A line allocated (again) is no longer retired: its earlier record goes.
inline constexpr char clear_order_line_state[] =
    "DELETE FROM order_line_states WHERE orderid = ? AND sku = ? AND qty = ? AND state <> 'held'";
inline constexpr char insert_order_line_state[] =
    "INSERT INTO order_line_states (orderid, sku, qty, state, batchref, expires_at) "
    "VALUES (?, ?, ?, ?, ?, ?)";
inline constexpr char delete_held_line[] =
    "DELETE FROM order_line_states WHERE orderid = ? AND sku = ? AND batchref = ? AND "
    "state = 'held'";
inline constexpr char release_held_line[] =
    "UPDATE order_line_states SET state = ? WHERE orderid = ? AND sku = ? AND batchref = ? AND "
    "state = 'held'";
inline constexpr char ship_from_batch[] =
    "UPDATE batches SET purchased_quantity = purchased_quantity - ? WHERE reference = ?";
inline constexpr char ship_from_batch_view[] =
    "UPDATE batches_view SET purchased_quantity = purchased_quantity - ? WHERE reference = ?";
// As at ?2: a hold whose time has run out is expired, released or not.
inline constexpr char select_order_lines[] =
    "SELECT sku, qty, batchref, eta, state, expires_at FROM ("
    "SELECT v.id, 0 AS part, v.sku, v.qty, v.batchref, b.eta, 'allocated' AS state, "
    "NULL AS expires_at FROM allocations_view v LEFT JOIN batches_view b "
    "ON b.reference = v.batchref WHERE v.orderid = ?1 "
    "UNION ALL SELECT s.id, 1, s.sku, s.qty, "
    "CASE WHEN s.state = 'shipped' OR (s.state = 'held' AND s.expires_at > ?2) THEN s.batchref "
    "END, "
    "CASE WHEN s.state = 'held' AND s.expires_at > ?2 THEN b.eta END, "
    "CASE WHEN s.state = 'held' AND s.expires_at <= ?2 THEN 'expired' ELSE s.state END, "
    "s.expires_at FROM order_line_states s LEFT JOIN batches_view b ON b.reference = s.batchref "
    "WHERE s.orderid = ?1) ORDER BY part, id";
inline constexpr char insert_outbox[] = "INSERT INTO outbox (event, payload) VALUES (?, ?)";
inline constexpr char insert_outbox_cursor[] =
    "INSERT OR IGNORE INTO outbox_cursors (destination, delivered_through) VALUES (?, 0)";
inline constexpr char select_outbox_cursor[] =
    "SELECT delivered_through FROM outbox_cursors WHERE destination = ?";
inline constexpr char select_undelivered[] =
    "SELECT id, event, payload FROM outbox WHERE id > ? ORDER BY id LIMIT ?";
inline constexpr char mark_delivered[] =
    "UPDATE outbox_cursors SET delivered_through = ?2 WHERE destination = ?1 AND "
    "delivered_through < ?2";
// How many entries are beyond ?1, and how many milliseconds the first of them has waited.
inline constexpr char select_outbox_backlog[] =
    "SELECT count(*), coalesce(CAST((julianday('now') - julianday((SELECT created_at FROM outbox "
    "WHERE id > ?1 ORDER BY id LIMIT 1))) * 86400000 AS INTEGER), 0) FROM outbox WHERE id > ?1";
// ?2: how long ago, as an SQLite time modifier ('-60 seconds').
inline constexpr char delete_delivered[] =
    "DELETE FROM outbox WHERE id IN (SELECT id FROM outbox WHERE id <= ?1 AND created_at <= "
    "strftime('%Y-%m-%dT%H:%M:%fZ', 'now', ?2) ORDER BY id LIMIT ?3)";
inline constexpr char insert_audit[] =
    "INSERT INTO audit (token_name, request_id, action, details) VALUES (?, ?, ?, ?)";
inline constexpr char select_recent_audit[] =
    "SELECT at, token_name, request_id, action, details FROM (SELECT * FROM audit ORDER BY id DESC "
    "LIMIT ?) ORDER BY id";
inline constexpr char insert_token[] =
    "INSERT INTO tokens (name, role, token_hash) VALUES (?, ?, ?) ON CONFLICT DO NOTHING";
inline constexpr char revoke_token[] =
    "UPDATE tokens SET revoked_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE name = ? AND "
    "revoked_at IS NULL";
inline constexpr char select_tokens[] =
    "SELECT name, role, created_at, revoked_at, last_used_at FROM tokens ORDER BY name";
inline constexpr char record_token_use[] =
    "UPDATE tokens SET last_used_at = strftime('%Y-%m-%dT%H:%M:%fZ', ?2 / 1000.0, 'unixepoch') "
    "WHERE name = ?1";
inline constexpr char select_active_token_hashes[] =
    "SELECT token_hash, name, role FROM tokens WHERE revoked_at IS NULL";

inline constexpr char select_reply[] =
    "SELECT request_digest, status, content_type, body, recorded_at FROM idempotency_keys WHERE "
    "owner = ? AND idempotency_key = ?";
inline constexpr char upsert_write_check[] =
    "INSERT INTO write_checks (id, checked_at) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET "
    "checked_at = excluded.checked_at";
inline constexpr char delete_reply[] =
    "DELETE FROM idempotency_keys WHERE owner = ? AND idempotency_key = ?";
inline constexpr char insert_reply[] =
    "INSERT INTO idempotency_keys (owner, idempotency_key, request_digest, status, content_type, "
    "body, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)";
inline constexpr char delete_old_replies[] =
    "DELETE FROM idempotency_keys WHERE rowid IN (SELECT rowid FROM idempotency_keys WHERE "
    "recorded_at < ? LIMIT ?)";

}  // namespace allocation::adapters::sqlite::sql
