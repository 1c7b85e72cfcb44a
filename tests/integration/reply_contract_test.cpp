// The contract of the storage adapters for the replies to keyed requests, run against each.
#include <gtest/gtest.h>

#include <chrono>

#include "integration/test_database.hpp"
#include "service_layer/errors.hpp"

namespace allocation {
namespace {

using namespace service_layer;
using std::chrono::seconds;
using testing::TestDatabase;
using testing::Writer;

class ReplyContract : public ::testing::TestWithParam<std::string> {
 protected:
  // Records `reply` to `key` at `at` in a group of its own, made durable.
  static void record(Writer& writer, const IdempotencyKey& key, const RecordedReply& reply,
                     domain::Instant at, bool replacing = false) {
    writer.uow().begin_group();
    writer.uow().replies().add_reply(key, reply, at, replacing);
    writer.uow().store_group();
    writer.uow().make_durable();
  }

  static std::vector<std::optional<StoredReply>> find(Writer& writer,
                                                      const std::vector<IdempotencyKey>& keys) {
    std::vector<const IdempotencyKey*> pointers;
    for (const auto& key : keys) pointers.push_back(&key);
    writer.uow().begin_group();
    auto found = writer.uow().replies().find_replies(pointers);
    writer.uow().discard_group();
    return found;
  }

  std::unique_ptr<TestDatabase> database = TestDatabase::create(GetParam());
};

TEST_P(ReplyContract, AReplySurvivesReopeningAsItWasGivenByOwnerAndKey) {
  // Quotes, backslashes, commas and braces travel through PostgreSQL's array literals.
  IdempotencyKey odd{"erp \"main\"", R"(k\1,{2})", "digest-1"};
  IdempotencyKey plain{"shop", "k-2", "digest-2"};
  RecordedReply reply{409, "application/json",
                      "{\"message\":\"caf\xc3\xa9 \\\"quoted\\\"\\nline\"}"};
  domain::Instant at;
  {
    Writer writer{database->url()};
    at = writer.clock.now();
    record(writer, odd, reply, at);
    record(writer, plain, {201, "text/plain; charset=utf-8", "OK"}, at + seconds{1});
  }
  Writer reopened{database->url()};
  IdempotencyKey absent{"shop", "nope", "digest-3"};
  IdempotencyKey other_owner{"erp", "k-2", "digest-2"};
  auto found = find(reopened, {plain, absent, odd, other_owner});
  ASSERT_EQ(found.size(), 4U);
  EXPECT_EQ(found[0],
            (StoredReply{"digest-2", {201, "text/plain; charset=utf-8", "OK"}, at + seconds{1}}));
  EXPECT_FALSE(found[1]);
  EXPECT_EQ(found[2], (StoredReply{"digest-1", reply, at}));
  EXPECT_FALSE(found[3]);
}

TEST_P(ReplyContract, AReplyRecordedMeanwhileByAnotherWriterIsAConflictAndAnOldOneIsReplaced) {
  Writer first{database->url()};
  Writer second{database->url()};
  auto at = first.clock.now();
  IdempotencyKey key{"", "k", "digest"};
  record(second, key, {201, "text/plain", "OK"}, at);
  first.uow().begin_group();
  EXPECT_THROW(
      {
        first.uow().replies().add_reply(key, {409, "application/json", "{}"}, at, false);
        first.uow().store_group();
      },
      ConcurrencyConflict);
  first.uow().discard_group();
  EXPECT_EQ(find(first, {key})[0], (StoredReply{"digest", {201, "text/plain", "OK"}, at}));
  // Found expired, it is replaced.
  record(first, {"", "k", "other"}, {202, "text/plain", "OK"}, at + seconds{61}, true);
  EXPECT_EQ(find(first, {key})[0],
            (StoredReply{"other", {202, "text/plain", "OK"}, at + seconds{61}}));
}

TEST_P(ReplyContract, OldRepliesArePrunedAFewAtATime) {
  Writer writer{database->url()};
  auto at = writer.clock.now();
  for (int i = 0; i < 5; ++i) {
    record(writer, {"", "k" + std::to_string(i), "d"}, {200, "text/plain", "OK"}, at + seconds{i});
  }
  writer.uow().begin_group();
  EXPECT_EQ(writer.uow().replies().remove_replies_before(at + seconds{3}, 2), 2);
  EXPECT_EQ(writer.uow().replies().remove_replies_before(at + seconds{3}, 2), 1);
  EXPECT_EQ(writer.uow().replies().remove_replies_before(at + seconds{3}, 2), 0);
  writer.uow().store_group();
  auto found = find(writer, {{"", "k2", "d"}, {"", "k3", "d"}, {"", "k4", "d"}});
  EXPECT_FALSE(found[0]);
  EXPECT_TRUE(found[1]);
  EXPECT_TRUE(found[2]);
}

INSTANTIATE_TEST_SUITE_P(Adapters, ReplyContract, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace allocation
