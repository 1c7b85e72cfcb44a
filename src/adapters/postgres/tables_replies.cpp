// The part of PostgresTables that stores the replies to keyed requests.
#include "adapters/postgres/statements.hpp"
#include "adapters/postgres/storage_errors.hpp"
#include "adapters/postgres/tables.hpp"
#include "adapters/rows.hpp"

namespace allocation::adapters::postgres {

using service_layer::StoredReply;

std::vector<std::optional<StoredReply>> PostgresTables::find_replies(
    const std::vector<const service_layer::IdempotencyKey*>& keys, domain::Instant since) {
  std::vector<std::string> owners;
  std::vector<std::string> names;
  for (const service_layer::IdempotencyKey* key : keys) {
    owners.push_back(key->owner);
    names.push_back(key->key);
  }
  return guarded([&] {
    auto results = send_with_deferred(
        {{sql::select_replies,
          {text_array(owners), text_array(names), std::to_string(stored_instant(since))}}});
    std::vector<std::optional<StoredReply>> found(keys.size());
    const Result& rows = results[0];
    for (int row = 0; row < rows.rows(); ++row) {
      auto position = static_cast<std::size_t>(rows.int64(row, 0) - 1);
      found.at(position) =
          StoredReply{rows.text(row, 1),
                      {static_cast<int>(rows.int64(row, 2)), rows.text(row, 3), rows.text(row, 4)}};
    }
    return found;
  });
}

void PostgresTables::store_reply(const service_layer::IdempotencyKey& key,
                                 const service_layer::RecordedReply& reply, domain::Instant at,
                                 domain::Instant since) {
  // A reply recorded meanwhile by another writer makes the insert a unique violation, which
  // aborts the whole transaction in the server, before its COMMIT: a conflict.
  defer("idempotency_keys",
        {sql::delete_expired_reply, {key.owner, key.key, std::to_string(stored_instant(since))}});
  defer("idempotency_keys", {sql::insert_reply,
                             {key.owner, key.key, key.request_digest, std::to_string(reply.status),
                              reply.content_type, reply.body, std::to_string(stored_instant(at))}});
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
