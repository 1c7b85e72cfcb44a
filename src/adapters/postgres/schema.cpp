#include "adapters/postgres/schema.hpp"

#include <array>
#include <string>
#include <utility>

#include "adapters/postgres/statements.hpp"

namespace allocation::adapters::postgres {

namespace {

// Append only: a released migration never changes. Version N is migrations[N - 1].
constexpr std::array migrations = {
    R"sql(
CREATE TABLE products (
  sku TEXT PRIMARY KEY,
  version_number BIGINT NOT NULL
);

CREATE TABLE batches (
  reference TEXT PRIMARY KEY,
  sku TEXT NOT NULL,
  purchased_quantity BIGINT NOT NULL,
  eta DATE
);
CREATE INDEX batches_by_sku ON batches (sku);

-- id keeps the order lines were allocated in.
CREATE TABLE allocations (
  id BIGSERIAL PRIMARY KEY,
  sku TEXT NOT NULL,
  orderid TEXT NOT NULL,
  qty BIGINT NOT NULL,
  batchref TEXT NOT NULL
);
CREATE UNIQUE INDEX allocations_by_line ON allocations (sku, orderid, qty);

CREATE TABLE allocations_view (
  id BIGSERIAL PRIMARY KEY,
  orderid TEXT NOT NULL,
  sku TEXT NOT NULL,
  qty BIGINT NOT NULL,
  batchref TEXT NOT NULL
);
CREATE INDEX allocations_view_by_order ON allocations_view (orderid);

CREATE TABLE batches_view (
  reference TEXT PRIMARY KEY,
  sku TEXT NOT NULL,
  eta DATE,
  purchased_quantity BIGINT NOT NULL,
  available_quantity BIGINT NOT NULL
);
CREATE INDEX batches_view_by_sku ON batches_view (sku);

CREATE TABLE outbox (
  id BIGSERIAL PRIMARY KEY,
  event TEXT NOT NULL,
  payload TEXT NOT NULL,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
)sql",
    R"sql(
-- The relay marks a row once its broker has accepted the event.
ALTER TABLE outbox ADD COLUMN delivered_at TIMESTAMPTZ;
CREATE INDEX outbox_undelivered ON outbox (event, id) WHERE delivered_at IS NULL;
)sql",
    R"sql(
-- API tokens, only as hashes; a name is never reused, revoked tokens stay for the record.
CREATE TABLE tokens (
  name TEXT PRIMARY KEY,
  role TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  revoked_at TIMESTAMPTZ
);
)sql",
    R"sql(
-- Who changed what and when; rows are only ever added.
CREATE TABLE audit (
  id BIGSERIAL PRIMARY KEY,
  at TIMESTAMPTZ NOT NULL DEFAULT now(),
  token_name TEXT NOT NULL,
  request_id TEXT NOT NULL,
  action TEXT NOT NULL,
  details TEXT NOT NULL
);
CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $audit$
BEGIN
  RAISE EXCEPTION 'the audit trail is append-only';
END
$audit$;
CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON audit
FOR EACH ROW EXECUTE FUNCTION audit_append_only();
)sql",
    R"sql(
-- The lines of an order that are not allocated (shipped, cancelled, unallocated), beside
-- allocations_view, which has the allocated ones; shown only while the line is not allocated.
CREATE TABLE order_line_states (
  id BIGSERIAL PRIMARY KEY,
  orderid TEXT NOT NULL,
  sku TEXT NOT NULL,
  qty BIGINT NOT NULL,
  state TEXT NOT NULL,
  batchref TEXT,
  UNIQUE (orderid, sku, qty)
);
)sql",
    R"sql(
-- Stock held for an order until expires_at (milliseconds since the epoch, UTC).
CREATE TABLE holds (
  id BIGSERIAL PRIMARY KEY,
  sku TEXT NOT NULL,
  orderid TEXT NOT NULL,
  qty BIGINT NOT NULL,
  batchref TEXT NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE INDEX holds_by_sku ON holds (sku);
CREATE INDEX holds_by_expiry ON holds (expires_at);
-- A line split over batches has one allocation, and one line state, per batch.
DROP INDEX allocations_by_line;
CREATE UNIQUE INDEX allocations_by_line ON allocations (sku, orderid, qty, batchref);
ALTER TABLE order_line_states DROP CONSTRAINT order_line_states_orderid_sku_qty_key;
CREATE INDEX order_line_states_by_line ON order_line_states (orderid, sku, qty);
-- A line allocated again is no longer retired: its earlier record goes, as it now does on
-- every allocation.
DELETE FROM order_line_states WHERE EXISTS (SELECT 1 FROM allocations_view v
  WHERE v.orderid = order_line_states.orderid AND v.sku = order_line_states.sku
  AND v.qty = order_line_states.qty);
-- Held lines are kept here too, until confirmed or released.
ALTER TABLE order_line_states ADD COLUMN expires_at BIGINT;
CREATE INDEX order_line_states_held ON order_line_states (batchref) WHERE state = 'held';
)sql",
    R"sql(
-- The reply to each request sent with an Idempotency-Key, written in the transaction of the
-- change it made; recorded_at in milliseconds since the epoch, UTC.
CREATE TABLE idempotency_keys (
  owner TEXT NOT NULL,
  idempotency_key TEXT NOT NULL,
  request_digest TEXT NOT NULL,
  status BIGINT NOT NULL,
  content_type TEXT NOT NULL,
  body TEXT NOT NULL,
  recorded_at BIGINT NOT NULL,
  PRIMARY KEY (idempotency_key, owner)
);
CREATE INDEX idempotency_keys_by_age ON idempotency_keys (recorded_at);
)sql",
    R"sql(
-- Emptying the audit trail at once is rewriting it too.
CREATE TRIGGER audit_not_truncated BEFORE TRUNCATE ON audit
FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
)sql",
    R"sql(
-- The last check that storage accepts writes (GET /readyz), one row rewritten.
CREATE TABLE write_checks (
  id INTEGER PRIMARY KEY,
  checked_at BIGINT NOT NULL
);
)sql",
    R"sql(
-- Entries in the order their transactions committed, as far as a reader can tell: by the id
-- of the transaction that wrote them (only ones older than every transaction still running
-- are read), then by id. Ids alone would let a relay pass an entry whose transaction took its
-- id first and committed last.
ALTER TABLE outbox ADD COLUMN txid xid8 NOT NULL DEFAULT pg_current_xact_id();
CREATE INDEX outbox_in_commit_order ON outbox (txid, id);
-- Each destination's place in the outbox: it has every entry up to (txid, delivered_through).
-- Entries every destination has are removed. Places start where delivered_at ended.
CREATE TABLE outbox_cursors (
  destination TEXT PRIMARY KEY,
  txid xid8 NOT NULL,
  delivered_through BIGINT NOT NULL
);
INSERT INTO outbox_cursors
  SELECT 'redis', pg_current_xact_id(), coalesce((SELECT min(id) - 1 FROM outbox
    WHERE delivered_at IS NULL AND event <> 'OutOfStock'), max(id))
  FROM outbox WHERE delivered_at IS NOT NULL AND event <> 'OutOfStock' HAVING count(*) > 0;
INSERT INTO outbox_cursors
  SELECT 'smtp', pg_current_xact_id(), coalesce((SELECT min(id) - 1 FROM outbox
    WHERE delivered_at IS NULL AND event = 'OutOfStock'), max(id))
  FROM outbox WHERE delivered_at IS NOT NULL AND event = 'OutOfStock' HAVING count(*) > 0;
DROP INDEX outbox_undelivered;
ALTER TABLE outbox DROP COLUMN delivered_at;
)sql",
    R"sql(
-- When each token was last presented, written about once a second by serving processes.
ALTER TABLE tokens ADD COLUMN last_used_at TIMESTAMPTZ;
)sql",
    R"sql(
-- SKUs are listed in byte order, whatever the database's collation.
CREATE INDEX batches_view_by_sku_bytes ON batches_view (sku COLLATE "C");
)sql",
};

}  // namespace

namespace {

constexpr char insufficient_privilege[] = "42501";

// What the role that serves may do to each table: change the service's state, add to the
// outbox and remove what was delivered, add to the audit trail but never change it, and
// nothing to the schema.
constexpr std::pair<const char*, const char*> serving_privileges[] = {
    {"SELECT, INSERT, UPDATE, DELETE",
     "products, batches, allocations, allocations_view, batches_view, order_line_states, holds, "
     "idempotency_keys, write_checks, outbox_cursors"},
    {"SELECT, INSERT, DELETE", "outbox"},
    {"SELECT, INSERT, UPDATE", "tokens"},
    {"SELECT, INSERT", "audit"},
    {"SELECT", "schema_migrations"},
    {"USAGE", "ALL SEQUENCES IN SCHEMA public"},
};

std::int64_t schema_version_of(Connection& db) {
  if (db.run(sql::schema_versions_exist).text(0, 0) != "t") return 0;
  return db.run(sql::select_schema_version).int64(0, 0);
}

void apply_migrations(Connection& db, std::int64_t version) {
  try {
    db.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER NOT NULL)");
    for (auto next = version; next < static_cast<std::int64_t>(migrations.size()); ++next) {
      db.execute(migrations[static_cast<std::size_t>(next)]);
      db.run(sql::insert_schema_version, {std::to_string(next + 1)});
    }
  } catch (const PostgresError& error) {
    if (error.sqlstate() != insufficient_privilege) throw;
    throw PostgresError{error.sqlstate(),
                        "the schema is at version " + std::to_string(version) + " of " +
                            std::to_string(migrations.size()) +
                            " and this role may not change it: run `allocation migrate` with "
                            "the database owner's URL (" +
                            error.what() + ")"};
  }
}

}  // namespace

int schema_version() { return static_cast<int>(migrations.size()); }

void migrate(Connection& db) {
  db.execute("BEGIN");
  try {
    db.run(sql::lock_migrations, {std::to_string(sql::migration_lock)});
    auto version = schema_version_of(db);
    if (version > schema_version()) {
      throw PostgresError{"", "the database has schema version " + std::to_string(version) +
                                  ", newer than this build's " + std::to_string(schema_version())};
    }
    // Up to date, it changes nothing, so that a role without rights on the schema can start.
    if (version < schema_version()) apply_migrations(db, version);
    db.execute("COMMIT");
  } catch (...) {
    db.execute("ROLLBACK");
    throw;
  }
}

void grant_serving(Connection& db, const std::string& role) {
  db.execute("BEGIN");
  try {
    for (auto [privileges, tables] : serving_privileges) {
      std::string grant = db.run(sql::grant_statement, {role, privileges, tables}).text(0, 0);
      db.execute(grant.c_str());
    }
    db.execute("COMMIT");
  } catch (...) {
    db.execute("ROLLBACK");
    throw;
  }
}

}  // namespace allocation::adapters::postgres
