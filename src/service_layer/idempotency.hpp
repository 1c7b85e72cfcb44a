#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/date.hpp"

namespace allocation::service_layer {

// A reply as its client was given it.
struct RecordedReply {
  int status = 0;
  std::string content_type;
  std::string body;
  friend bool operator==(const RecordedReply&, const RecordedReply&) = default;
};

// A request named by a key that its client chose, so that sending it again does not carry
// it out again.
struct IdempotencyKey {
  // The token's name (keys of different tokens never meet); empty without authentication.
  std::string owner;
  std::string key;
  // What the request asks besides its key, as a digest: the same key with another request is
  // refused.
  std::string request_digest;
  friend bool operator==(const IdempotencyKey&, const IdempotencyKey&) = default;
};

struct StoredReply {
  std::string request_digest;
  RecordedReply reply;
  domain::Instant recorded_at;
  friend bool operator==(const StoredReply&, const StoredReply&) = default;
};

// The replies to keyed requests, read and written in the unit of work's transaction: a
// reply is stored with the change its request made, or with its refusal, never without.
class ReplyRepository {
 public:
  virtual ~ReplyRepository() = default;
  // For each of `keys`, the reply recorded for it, if any, however old.
  virtual std::vector<std::optional<StoredReply>> find_replies(
      const std::vector<const IdempotencyKey*>& keys) = 0;
  // Records `reply` to the request of `key` at `at`, `replacing` the (expired) one found. A
  // reply recorded meanwhile by another writer is a ConcurrencyConflict, from this call or
  // from the group's store.
  virtual void add_reply(const IdempotencyKey& key, const RecordedReply& reply, domain::Instant at,
                         bool replacing) = 0;
  // Forgets up to `replies_max` of the replies recorded before `before`; returns how many.
  virtual std::int64_t remove_replies_before(domain::Instant before, std::int64_t replies_max) = 0;
};

}  // namespace allocation::service_layer
