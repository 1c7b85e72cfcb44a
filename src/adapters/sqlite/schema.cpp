#include "adapters/sqlite/schema.hpp"

#include <array>
#include <string>

#include "adapters/sqlite/statements.hpp"

namespace allocation::adapters::sqlite {

namespace {

// Append only: a released migration never changes. Version N is migrations[N - 1].
constexpr std::array migrations = {
    R"sql(
CREATE TABLE products (
  sku TEXT PRIMARY KEY,
  version_number INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE batches (
  reference TEXT PRIMARY KEY,
  sku TEXT NOT NULL,
  purchased_quantity INTEGER NOT NULL,
  eta TEXT
) WITHOUT ROWID;
CREATE INDEX batches_by_sku ON batches (sku);

-- rowid keeps the order lines were allocated in.
CREATE TABLE allocations (
  id INTEGER PRIMARY KEY,
  sku TEXT NOT NULL,
  orderid TEXT NOT NULL,
  qty INTEGER NOT NULL,
  batchref TEXT NOT NULL
);
CREATE UNIQUE INDEX allocations_by_line ON allocations (sku, orderid, qty);

CREATE TABLE allocations_view (
  id INTEGER PRIMARY KEY,
  orderid TEXT NOT NULL,
  sku TEXT NOT NULL,
  qty INTEGER NOT NULL,
  batchref TEXT NOT NULL
);
CREATE INDEX allocations_view_by_order ON allocations_view (orderid);

CREATE TABLE batches_view (
  reference TEXT PRIMARY KEY,
  sku TEXT NOT NULL,
  eta TEXT,
  purchased_quantity INTEGER NOT NULL,
  available_quantity INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX batches_view_by_sku ON batches_view (sku);

CREATE TABLE outbox (
  id INTEGER PRIMARY KEY,
  event TEXT NOT NULL,
  payload TEXT NOT NULL,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
)sql",
    R"sql(
-- The relay marks a row once its broker has accepted the event.
ALTER TABLE outbox ADD COLUMN delivered_at TEXT;
CREATE INDEX outbox_undelivered ON outbox (event, id) WHERE delivered_at IS NULL;
)sql",
    R"sql(
-- API tokens, only as hashes; a name is never reused, revoked tokens stay for the record.
CREATE TABLE tokens (
  name TEXT PRIMARY KEY,
  role TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  revoked_at TEXT
);
)sql",
    R"sql(
-- Who changed what and when; rows are only ever added.
CREATE TABLE audit (
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  token_name TEXT NOT NULL,
  request_id TEXT NOT NULL,
  action TEXT NOT NULL,
  details TEXT NOT NULL
);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
)sql",
    R"sql(
-- The lines of an order that are not allocated (shipped, cancelled, unallocated), beside
-- allocations_view, which has the allocated ones; shown only while the line is not allocated.
CREATE TABLE order_line_states (
  id INTEGER PRIMARY KEY,
  orderid TEXT NOT NULL,
  sku TEXT NOT NULL,
  qty INTEGER NOT NULL,
  state TEXT NOT NULL,
  batchref TEXT
);
CREATE UNIQUE INDEX order_line_states_by_line ON order_line_states (orderid, sku, qty);
)sql",
    R"sql(
-- Stock held for an order until expires_at (milliseconds since the epoch, UTC).
CREATE TABLE holds (
  id INTEGER PRIMARY KEY,
  sku TEXT NOT NULL,
  orderid TEXT NOT NULL,
  qty INTEGER NOT NULL,
  batchref TEXT NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX holds_by_sku ON holds (sku);
CREATE INDEX holds_by_expiry ON holds (expires_at);
-- A line split over batches has one allocation, and one line state, per batch.
DROP INDEX allocations_by_line;
CREATE UNIQUE INDEX allocations_by_line ON allocations (sku, orderid, qty, batchref);
DROP INDEX order_line_states_by_line;
CREATE INDEX order_line_states_by_line ON order_line_states (orderid, sku, qty);
-- A line allocated again is no longer retired: its earlier record goes, as it now does on
-- every allocation.
DELETE FROM order_line_states WHERE EXISTS (SELECT 1 FROM allocations_view v
  WHERE v.orderid = order_line_states.orderid AND v.sku = order_line_states.sku
  AND v.qty = order_line_states.qty);
-- Held lines are kept here too, until confirmed or released.
ALTER TABLE order_line_states ADD COLUMN expires_at INTEGER;
CREATE INDEX order_line_states_held ON order_line_states (batchref) WHERE state = 'held';
)sql",
    R"sql(
-- The reply to each request sent with an Idempotency-Key, written in the transaction of the
-- change it made; recorded_at in milliseconds since the epoch, UTC.
CREATE TABLE idempotency_keys (
  owner TEXT NOT NULL,
  idempotency_key TEXT NOT NULL,
  request_digest TEXT NOT NULL,
  status INTEGER NOT NULL,
  content_type TEXT NOT NULL,
  body TEXT NOT NULL,
  recorded_at INTEGER NOT NULL,
  PRIMARY KEY (idempotency_key, owner)
);
CREATE INDEX idempotency_keys_by_age ON idempotency_keys (recorded_at);
)sql",
    R"sql(
-- The last check that storage accepts writes (GET /readyz), one row rewritten.
CREATE TABLE write_checks (
  id INTEGER PRIMARY KEY,
  checked_at INTEGER NOT NULL
);
)sql",
    R"sql(
-- Each destination's place in the outbox: it has every entry up to delivered_through. Entries
-- every destination has are removed, and ids are never reused (AUTOINCREMENT), so that the
-- sequence number a consumer sees stays unique. Places start where delivered_at ended.
CREATE TABLE outbox_cursors (
  destination TEXT PRIMARY KEY,
  delivered_through INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO outbox_cursors
  SELECT 'redis', coalesce((SELECT min(id) - 1 FROM outbox
    WHERE delivered_at IS NULL AND event <> 'OutOfStock'), max(id))
  FROM outbox WHERE delivered_at IS NOT NULL AND event <> 'OutOfStock' HAVING count(*) > 0;
INSERT INTO outbox_cursors
  SELECT 'smtp', coalesce((SELECT min(id) - 1 FROM outbox
    WHERE delivered_at IS NULL AND event = 'OutOfStock'), max(id))
  FROM outbox WHERE delivered_at IS NOT NULL AND event = 'OutOfStock' HAVING count(*) > 0;
CREATE TABLE outbox_entries (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  event TEXT NOT NULL,
  payload TEXT NOT NULL,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
INSERT INTO outbox_entries (id, event, payload, created_at)
  SELECT id, event, payload, created_at FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_entries RENAME TO outbox;
)sql",
    R"sql(
-- When each token was last presented, written about once a second by serving processes.
ALTER TABLE tokens ADD COLUMN last_used_at TEXT;
)sql",
};

}  // namespace

int schema_version() { return static_cast<int>(migrations.size()); }

void migrate(Connection& db) {
  Transaction transaction{db};
  Statement& read_version = db.statement(sql::read_schema_version);
  read_version.step();
  auto version = read_version.int64(0);
  read_version.reset();
  if (version > schema_version()) {
    throw SqliteError{0, "the database has schema version " + std::to_string(version) +
                             ", newer than this build's " + std::to_string(schema_version())};
  }
  for (auto next = version; next < schema_version(); ++next) {
    db.execute(migrations[static_cast<std::size_t>(next)]);
    db.execute(("PRAGMA user_version = " + std::to_string(next + 1)).c_str());
  }
  transaction.commit();
}

}  // namespace allocation::adapters::sqlite
