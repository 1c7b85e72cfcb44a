#pragma once

#include <cstdint>

// Every statement the PostgreSQL adapter sends, by name. Connections keep a statement prepared by
// its address, which an inline variable has once in the whole program.
namespace allocation::adapters::postgres::sql {

// The service's advisory locks: (advisory_lock_space, key) pairs, such as a relay's per
// destination, and `migration_lock`, so that other applications on the database can keep clear.
inline constexpr std::int32_t advisory_lock_space = 4711;
inline constexpr std::int64_t migration_lock = std::int64_t{advisory_lock_space} * 1'000'000 + 1;

inline constexpr char begin[] = "BEGIN";
inline constexpr char commit[] = "COMMIT";

inline constexpr char try_relay_lock[] = "SELECT pg_try_advisory_lock($1::integer, hashtext($2))";
// A place in the outbox is (txid, id): commit order as far as transactions that have all
// ended can tell, which is all that select_undelivered reads.
inline constexpr char insert_outbox_cursor[] =
    "INSERT INTO outbox_cursors (destination, txid, delivered_through) VALUES ($1, '0', 0) "
    "ON CONFLICT DO NOTHING";
inline constexpr char select_outbox_cursor[] =
    "SELECT txid::text, delivered_through FROM outbox_cursors WHERE destination = $1";
inline constexpr char select_undelivered[] =
    "SELECT id, event, payload, txid::text FROM outbox WHERE (txid, id) > ($1::xid8, $2::bigint) "
    "AND txid < pg_snapshot_xmin(pg_current_snapshot()) ORDER BY txid, id LIMIT $3";
inline constexpr char mark_delivered[] =
    "UPDATE outbox_cursors SET txid = $2::xid8, delivered_through = $3::bigint "
    "WHERE destination = $1 AND (txid, delivered_through) < ($2::xid8, $3::bigint)";
// How many entries are beyond a place, and how many milliseconds the oldest has waited.
inline constexpr char select_outbox_backlog[] =
    "SELECT count(*), coalesce((extract(epoch FROM now() - min(created_at)) * 1000)::bigint, 0) "
    "FROM outbox WHERE (txid, id) > ($1::xid8, $2::bigint)";
inline constexpr char delete_delivered[] =
    "DELETE FROM outbox WHERE id = ANY(ARRAY(SELECT id FROM outbox WHERE (txid, id) <= "
    "($1::xid8, $2::bigint) AND created_at <= now() - $3::bigint * interval '1 second' "
    "ORDER BY txid, id LIMIT $4))";
inline constexpr char select_allocations_view_of_order[] =
    "SELECT sku, batchref FROM allocations_view WHERE orderid = $1 ORDER BY id";
// Holds count while they have not expired at $2 (milliseconds since the epoch).
inline constexpr char select_batches_view_of_product[] =
    "SELECT b.reference, b.eta, b.purchased_quantity, b.available_quantity, "
    "COALESCE(SUM(CASE WHEN s.expires_at > $2::bigint THEN s.qty END), 0), "
    "COALESCE(SUM(s.qty), 0) FROM batches_view b LEFT JOIN order_line_states s "
    "ON s.batchref = b.reference AND s.state = 'held' WHERE b.sku = $1 "
    "GROUP BY b.reference, b.eta, b.purchased_quantity, b.available_quantity "
    "ORDER BY b.eta IS NOT NULL, b.eta, b.reference";
// A page of SKUs after $1 (at most $3), from the SKU index, then their batches' totals as at $2.
inline constexpr char select_products_view[] =
    "WITH page AS (SELECT DISTINCT sku COLLATE \"C\" AS sku FROM batches_view "
    "WHERE sku COLLATE \"C\" > $1 ORDER BY 1 LIMIT $3::bigint), batches AS (SELECT b.sku, "
    "b.reference, b.purchased_quantity, "
    "b.available_quantity FROM batches_view b JOIN page ON b.sku COLLATE \"C\" = page.sku), "
    "held AS (SELECT s.batchref, SUM(CASE WHEN s.expires_at > $2::bigint THEN s.qty ELSE 0 END) "
    "AS live, SUM(s.qty) AS recorded FROM order_line_states s JOIN batches ON s.batchref = "
    "batches.reference WHERE s.state = 'held' GROUP BY s.batchref) "
    "SELECT batches.sku, SUM(purchased_quantity)::bigint, SUM(available_quantity)::bigint, "
    "COALESCE(SUM(live), 0)::bigint, COALESCE(SUM(recorded), 0)::bigint FROM batches "
    "LEFT JOIN held ON held.batchref = batches.reference GROUP BY batches.sku "
    "ORDER BY batches.sku COLLATE \"C\"";
inline constexpr char lock_migrations[] = "SELECT pg_advisory_xact_lock($1::bigint)";
inline constexpr char select_schema_version[] =
    "SELECT coalesce(max(version), 0) FROM schema_migrations";
inline constexpr char schema_versions_exist[] =
    "SELECT to_regclass('schema_migrations') IS NOT NULL";
// `GRANT $2 ON $3 TO <$1 quoted as an identifier>`; $2 and $3 are this program's own text.
inline constexpr char grant_statement[] =
    "SELECT format('GRANT %s ON %s TO %I', $2::text, $3::text, $1::text)";
inline constexpr char insert_schema_version[] =
    "INSERT INTO schema_migrations (version) VALUES ($1)";
inline constexpr char insert_token[] =
    "WITH created AS (INSERT INTO tokens (name, role, token_hash) VALUES ($1, $2, $3) ON CONFLICT "
    "DO NOTHING RETURNING name) INSERT INTO audit (token_name, request_id, action, details) SELECT "
    "$4, $5, 'TokenCreated', $6 FROM created";
inline constexpr char revoke_token[] =
    "WITH revoked AS (UPDATE tokens SET revoked_at = now() WHERE name = $1 AND revoked_at IS NULL "
    "RETURNING name) INSERT INTO audit (token_name, request_id, action, details) SELECT $2, $3, "
    "'TokenRevoked', $4 FROM revoked";
inline constexpr char select_tokens[] =
    "SELECT name, role, to_char(created_at AT TIME ZONE 'UTC', "
    "'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'), to_char(revoked_at AT TIME ZONE 'UTC', "
    "'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'), to_char(last_used_at AT TIME ZONE 'UTC', "
    "'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"') FROM tokens ORDER BY name";
inline constexpr char record_token_uses[] =
    "UPDATE tokens SET last_used_at = to_timestamp(u.at / 1000.0) FROM unnest($1::text[], "
    "$2::bigint[]) AS u (name, at) WHERE tokens.name = u.name";
inline constexpr char select_active_token_hashes[] =
    "SELECT token_hash, name, role FROM tokens WHERE revoked_at IS NULL";
inline constexpr char select_recent_audit[] =
    "SELECT to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'), token_name, "
    "request_id, action, details FROM (SELECT * FROM audit ORDER BY id DESC LIMIT $1) AS newest "
    "ORDER BY id";
inline constexpr char lock_product_versions[] =
    "SELECT sku, version_number FROM products WHERE sku = ANY($1::text[]) ORDER BY sku FOR UPDATE";
inline constexpr char select_batches_of_product[] =
    "SELECT reference, purchased_quantity, eta FROM batches WHERE sku = $1";
inline constexpr char select_allocations_of_product[] =
    "SELECT orderid, qty, batchref FROM allocations WHERE sku = $1 ORDER BY id";
inline constexpr char select_skus_of_batches[] =
    "SELECT reference, sku FROM batches WHERE reference = ANY($1::text[])";
inline constexpr char update_product_versions[] =
    "UPDATE products AS p SET version_number = v.version FROM unnest($1::text[], $2::bigint[], "
    "$3::bigint[]) AS v (sku, version, expected) WHERE p.sku = v.sku AND p.version_number = "
    "v.expected";
inline constexpr char insert_products[] =
    "INSERT INTO products (sku, version_number) SELECT sku, version FROM unnest($1::text[], "
    "$2::bigint[]) AS v (sku, version)";
inline constexpr char insert_batch[] =
    "INSERT INTO batches (reference, sku, purchased_quantity, eta) VALUES ($1, $2, $3, $4::date)";
inline constexpr char update_batch_quantity[] =
    "UPDATE batches SET purchased_quantity = $1 WHERE reference = $2";
inline constexpr char update_batch_eta[] = "UPDATE batches SET eta = $1::date WHERE reference = $2";
inline constexpr char insert_allocations[] =
    "INSERT INTO allocations (sku, orderid, qty, batchref) SELECT sku, orderid, qty, batchref FROM "
    "unnest($1::text[], $2::text[], $3::bigint[], $4::text[]) WITH ORDINALITY AS r (sku, orderid, "
    "qty, batchref, n) ORDER BY n";
inline constexpr char delete_allocation[] =
    "DELETE FROM allocations WHERE sku = $1 AND orderid = $2 AND qty = $3 AND batchref = $4";
inline constexpr char select_holds_of_product[] =
    "SELECT orderid, qty, batchref, expires_at FROM holds WHERE sku = $1 ORDER BY id";
inline constexpr char insert_hold[] =
    "INSERT INTO holds (sku, orderid, qty, batchref, expires_at) VALUES ($1, $2, $3, $4, $5)";
inline constexpr char delete_hold[] =
    "DELETE FROM holds WHERE sku = $1 AND orderid = $2 AND batchref = $3";
inline constexpr char select_skus_with_expired_holds[] =
    "SELECT DISTINCT sku FROM holds WHERE expires_at <= $1::bigint LIMIT $2";
inline constexpr char insert_allocations_view[] =
    "INSERT INTO allocations_view (orderid, sku, qty, batchref) SELECT orderid, sku, qty, batchref "
    "FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[]) WITH ORDINALITY AS r (orderid, "
    "sku, qty, batchref, n) ORDER BY n";
inline constexpr char delete_allocation_view[] =
    "DELETE FROM allocations_view WHERE id = (SELECT id FROM allocations_view WHERE orderid = $1 "
    "AND sku = $2 AND qty = $3 AND batchref = $4 LIMIT 1)";
inline constexpr char insert_batch_view[] =
    "INSERT INTO batches_view (reference, sku, eta, purchased_quantity, available_quantity) VALUES "
    "($1, $2, $3::date, $4, $4)";
inline constexpr char set_batch_view_quantity[] =
    "UPDATE batches_view SET available_quantity = available_quantity + ($1 - purchased_quantity), "
    "purchased_quantity = $1 WHERE reference = $2";
inline constexpr char set_batch_view_eta[] =
    "UPDATE batches_view SET eta = $1::date WHERE reference = $2";
inline constexpr char add_to_batches_view_available[] =
    "UPDATE batches_view AS b SET available_quantity = b.available_quantity + d.delta FROM (SELECT "
    "reference, sum(delta)::bigint AS delta FROM unnest($1::text[], $2::bigint[]) AS u (reference, "
    "delta) GROUP BY reference) AS d WHERE b.reference = d.reference";
// Lines allocated (again) are no longer retired: their earlier records go.
inline constexpr char clear_order_line_states[] =
    "DELETE FROM order_line_states AS s USING unnest($1::text[], $2::text[], $3::bigint[]) AS "
    "a (orderid, sku, qty) WHERE s.orderid = a.orderid AND s.sku = a.sku AND s.qty = a.qty AND "
    "s.state <> 'held'";
inline constexpr char insert_order_line_state[] =
    "INSERT INTO order_line_states (orderid, sku, qty, state, batchref, expires_at) "
    "VALUES ($1, $2, $3, $4, $5, $6)";
inline constexpr char delete_held_line[] =
    "DELETE FROM order_line_states WHERE orderid = $1 AND sku = $2 AND batchref = $3 AND "
    "state = 'held'";
inline constexpr char release_held_line[] =
    "UPDATE order_line_states SET state = $1 WHERE orderid = $2 AND sku = $3 AND batchref = $4 "
    "AND state = 'held'";
inline constexpr char ship_from_batch[] =
    "UPDATE batches SET purchased_quantity = purchased_quantity - $1 WHERE reference = $2";
inline constexpr char ship_from_batch_view[] =
    "UPDATE batches_view SET purchased_quantity = purchased_quantity - $1 WHERE reference = $2";
// As at $2: a hold whose time has run out is expired, released or not.
inline constexpr char select_order_lines[] =
    "SELECT sku, qty, batchref, eta, state, expires_at FROM ("
    "SELECT v.id, 0 AS part, v.sku, v.qty, v.batchref, b.eta, 'allocated' AS state, "
    "NULL::bigint AS expires_at FROM allocations_view v LEFT JOIN batches_view b "
    "ON b.reference = v.batchref WHERE v.orderid = $1 "
    "UNION ALL SELECT s.id, 1, s.sku, s.qty, "
    "CASE WHEN s.state = 'shipped' OR (s.state = 'held' AND s.expires_at > $2::bigint) "
    "THEN s.batchref END, "
    "CASE WHEN s.state = 'held' AND s.expires_at > $2::bigint THEN b.eta END, "
    "CASE WHEN s.state = 'held' AND s.expires_at <= $2::bigint THEN 'expired' ELSE s.state END, "
    "s.expires_at FROM order_line_states s LEFT JOIN batches_view b ON b.reference = s.batchref "
    "WHERE s.orderid = $1) AS lines ORDER BY part, id";
inline constexpr char insert_outbox[] =
    "INSERT INTO outbox (event, payload) SELECT event, payload FROM unnest($1::text[], $2::text[]) "
    "WITH ORDINALITY AS r (event, payload, n) ORDER BY n";
inline constexpr char insert_audit[] =
    "INSERT INTO audit (token_name, request_id, action, details) SELECT token_name, request_id, "
    "action, details FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) WITH ORDINALITY "
    "AS r (token_name, request_id, action, details, n) ORDER BY n";

// Keys lead the primary key, so that this is one index look-up per key, and as cheap to plan.
inline constexpr char select_replies[] =
    "SELECT idempotency_key, owner, request_digest, status, content_type, body, recorded_at FROM "
    "idempotency_keys WHERE idempotency_key = ANY($1::text[])";
inline constexpr char upsert_write_check[] =
    "INSERT INTO write_checks (id, checked_at) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET "
    "checked_at = excluded.checked_at";
inline constexpr char delete_reply[] =
    "DELETE FROM idempotency_keys WHERE owner = $1 AND idempotency_key = $2";
inline constexpr char insert_replies[] =
    "INSERT INTO idempotency_keys (owner, idempotency_key, request_digest, status, content_type, "
    "body, recorded_at) SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], "
    "$5::text[], $6::text[], $7::bigint[])";
inline constexpr char delete_old_replies[] =
    "DELETE FROM idempotency_keys WHERE (owner, idempotency_key) IN (SELECT owner, "
    "idempotency_key FROM idempotency_keys WHERE recorded_at < $1 LIMIT $2)";

}  // namespace allocation::adapters::postgres::sql
