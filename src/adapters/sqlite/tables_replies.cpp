// The parts of SqliteTables that store the replies to keyed requests and the checks of writes.
#include "adapters/rows.hpp"
#include "adapters/sqlite/statements.hpp"
#include "adapters/sqlite/storage_errors.hpp"
#include "adapters/sqlite/tables.hpp"

namespace allocation::adapters::sqlite {

using service_layer::StoredReply;

std::vector<std::optional<StoredReply>> SqliteTables::find_replies(
    const std::vector<const service_layer::IdempotencyKey*>& keys) {
  return guarded([&] {
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
  });
}

void SqliteTables::store_reply(const service_layer::IdempotencyKey& key,
                               const service_layer::RecordedReply& reply, domain::Instant at,
                               bool replacing) {
  guarded([&] {
    if (replacing) {
      StatementUse expired{db_.statement(sql::delete_reply)};
      expired->bind(1, key.owner).bind(2, key.key).execute();
    }
    StatementUse insert{db_.statement(sql::insert_reply)};
    insert->bind(1, key.owner).bind(2, key.key).bind(3, key.request_digest);
    insert->bind(4, std::int64_t{reply.status}).bind(5, reply.content_type).bind(6, reply.body);
    // Another connection may have recorded a reply to this key since the group looked.
    insert->bind(7, stored_instant(at)).execute();
  });
}

void SqliteTables::store_write_check(domain::Instant at) {
  guarded([&] {
    StatementUse upsert{db_.statement(sql::upsert_write_check)};
    upsert->bind(1, stored_instant(at)).execute();
  });
}

std::int64_t SqliteTables::delete_replies_before(domain::Instant before, std::int64_t replies_max) {
  return guarded([&]() -> std::int64_t {
    StatementUse remove{db_.statement(sql::delete_old_replies)};
    return remove->bind(1, stored_instant(before)).bind(2, replies_max).execute();
  });
}

}  // namespace allocation::adapters::sqlite
