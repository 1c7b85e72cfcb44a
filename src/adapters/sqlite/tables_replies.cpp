// The parts of SqliteTables that store the replies to keyed requests and the checks of writes.
#include <sqlite3.h>

#include "adapters/rows.hpp"
#include "adapters/sqlite/statements.hpp"
#include "adapters/sqlite/tables.hpp"
#include "service_layer/errors.hpp"

namespace allocation::adapters::sqlite {

using service_layer::StoredReply;

std::vector<std::optional<StoredReply>> SqliteTables::find_replies(
    const std::vector<const service_layer::IdempotencyKey*>& keys) {
  try {
    std::vector<std::optional<StoredReply>> found;
    for (const service_layer::IdempotencyKey* key : keys) {
      StatementUse select{db_.statement(sql::select_reply)};
      select->bind(1, key->owner).bind(2, key->key);
      if (!select->step()) {
        found.emplace_back();
        continue;
      }
      found.push_back(
          StoredReply{select->text(0),
                      {static_cast<int>(select->int64(1)), select->text(2), select->text(3)},
                      domain::Instant{std::chrono::milliseconds{select->int64(4)}}});
    }
    return found;
  } catch (const SqliteError& error) {
    throw service_layer::StorageUnavailable{error.what()};
  }
}

void SqliteTables::store_reply(const service_layer::IdempotencyKey& key,
                               const service_layer::RecordedReply& reply, domain::Instant at,
                               bool replacing) {
  try {
    if (replacing) {
      StatementUse expired{db_.statement(sql::delete_reply)};
      expired->bind(1, key.owner).bind(2, key.key).execute();
    }
    StatementUse insert{db_.statement(sql::insert_reply)};
    insert->bind(1, key.owner).bind(2, key.key).bind(3, key.request_digest);
    insert->bind(4, std::int64_t{reply.status}).bind(5, reply.content_type).bind(6, reply.body);
    insert->bind(7, stored_instant(at)).execute();
  } catch (const SqliteError& error) {
    // Another connection recorded a reply to this key since the group looked.
    if (error.code() == SQLITE_CONSTRAINT) throw service_layer::ConcurrencyConflict{error.what()};
    throw service_layer::StorageUnavailable{error.what()};
  }
}

void SqliteTables::store_write_check(domain::Instant at) {
  try {
    StatementUse upsert{db_.statement(sql::upsert_write_check)};
    upsert->bind(1, stored_instant(at)).execute();
  } catch (const SqliteError& error) {
    throw service_layer::StorageUnavailable{error.what()};
  }
}

std::int64_t SqliteTables::delete_replies_before(domain::Instant before, std::int64_t replies_max) {
  try {
    StatementUse remove{db_.statement(sql::delete_old_replies)};
    return remove->bind(1, stored_instant(before)).bind(2, replies_max).execute();
  } catch (const SqliteError& error) {
    throw service_layer::StorageUnavailable{error.what()};
  }
}

}  // namespace allocation::adapters::sqlite
