// The parts of PostgresTables that store the replies to keyed requests and the checks of
// writes.
#include "adapters/postgres/statements.hpp"
#include "adapters/postgres/storage_errors.hpp"
#include "adapters/postgres/tables.hpp"
#include "adapters/rows.hpp"

namespace allocation::adapters::postgres {

using service_layer::StoredReply;

std::vector<std::optional<StoredReply>> PostgresTables::find_replies(
    const std::vector<const service_layer::IdempotencyKey*>& keys) {
  std::vector<std::string> names;
  for (const service_layer::IdempotencyKey* key : keys) names.push_back(key->key);
  return guarded([&] {
    auto results = send_with_deferred({{sql::select_replies, {text_array(names)}}});
    std::vector<std::optional<StoredReply>> found(keys.size());
    const Result& rows = results[0];
    for (int row = 0; row < rows.rows(); ++row) {
      for (std::size_t i = 0; i < keys.size(); ++i) {
        if (keys[i]->key != rows.text(row, 0) || keys[i]->owner != rows.text(row, 1)) continue;
        found[i] = StoredReply{
            rows.text(row, 2),
            {static_cast<int>(rows.int64(row, 3)), rows.text(row, 4), rows.text(row, 5)},
            domain::Instant{std::chrono::milliseconds{rows.int64(row, 6)}}};
      }
    }
    return found;
  });
}

void PostgresTables::store_reply(const service_layer::IdempotencyKey& key,
                                 const service_layer::RecordedReply& reply, domain::Instant at,
                                 bool replacing) {
  if (replacing) defer("idempotency_keys", {sql::delete_reply, {key.owner, key.key}});
  // A reply recorded meanwhile by another writer makes the insert a unique violation, which
  // aborts the whole transaction in the server, before its COMMIT: a conflict. A group's
  // replies go as one insert.
  defer_row("idempotency_keys", sql::insert_replies,
            {key.owner, key.key, key.request_digest, std::to_string(reply.status),
             reply.content_type, reply.body, std::to_string(stored_instant(at))});
}

void PostgresTables::store_write_check(domain::Instant at) {
  defer("write_checks", {sql::upsert_write_check, {std::to_string(stored_instant(at))}});
}

std::int64_t PostgresTables::delete_replies_before(domain::Instant before,
                                                   std::int64_t replies_max) {
  return guarded([&] {
    auto results = send_with_deferred(
        {{sql::delete_old_replies,
          {std::to_string(stored_instant(before)), std::to_string(replies_max)}}});
    return results[0].affected_rows();
  });
}

}  // namespace allocation::adapters::postgres
