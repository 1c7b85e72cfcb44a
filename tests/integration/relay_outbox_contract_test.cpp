// The contract of the storage adapters for the outbox as relays and its pruner see it, run
// against each engine.
#include <gtest/gtest.h>

#include <chrono>

#include "integration/test_database.hpp"

namespace allocation {
namespace {

using namespace service_layer;
using std::chrono::seconds;
using testing::TestDatabase;
using testing::Writer;

class RelayOutboxContract : public ::testing::TestWithParam<std::string> {
 protected:
  void allocate(const std::string& orderid) {
    writer.handle(domain::commands::Allocate{orderid, "LAMP", 1});
  }

  static std::vector<std::int64_t> ids(const std::vector<OutboxEntry>& entries) {
    std::vector<std::int64_t> found;
    for (const auto& entry : entries) found.push_back(entry.id);
    return found;
  }

  std::unique_ptr<TestDatabase> database = TestDatabase::create(GetParam());
  Writer writer{database->url()};
  std::unique_ptr<RelayOutbox> outbox = bootstrap::open_relay_outbox(database->url());
};

TEST_P(RelayOutboxContract, EachDestinationHasAPlaceThatMovesPastWhatItWasGiven) {
  writer.handle(domain::commands::CreateBatch{"b1", "LAMP", 10, std::nullopt});
  allocate("o1");
  allocate("o2");
  auto entries = outbox->undelivered("redis", 10);
  ASSERT_EQ(entries.size(), 3U);
  EXPECT_TRUE(std::holds_alternative<domain::events::BatchCreated>(entries[0].event));
  EXPECT_EQ(entries[2].event, (domain::Event{domain::events::Allocated{"o2", "LAMP", 1, "b1"}}));
  EXPECT_LT(entries[0].id, entries[1].id);
  EXPECT_LT(entries[1].id, entries[2].id);
  EXPECT_EQ(outbox->backlog("redis").entries, 3U);

  outbox->mark_delivered("redis", entries[1].id);
  EXPECT_EQ(ids(outbox->undelivered("redis", 10)), std::vector<std::int64_t>{entries[2].id});
  EXPECT_EQ(outbox->backlog("redis").entries, 1U);
  EXPECT_GE(outbox->backlog("redis").oldest_age_seconds, 0);
  EXPECT_EQ(outbox->undelivered("smtp", 10).size(), 3U);

  auto other_process = bootstrap::open_relay_outbox(database->url());
  EXPECT_EQ(other_process->backlog("redis").entries, 1U);
  outbox.reset();
  EXPECT_EQ(ids(other_process->undelivered("redis", 1)), std::vector<std::int64_t>{entries[2].id});
}

TEST_P(RelayOutboxContract, OnlyWhatEveryDestinationHasIsRemovedAndIdsAreNeverReused) {
  writer.handle(domain::commands::CreateBatch{"b1", "LAMP", 10, std::nullopt});
  allocate("o1");
  allocate("o2");
  auto entries = outbox->undelivered("redis", 10);
  outbox->undelivered("smtp", 10);
  outbox->mark_delivered("redis", entries[2].id);
  outbox->mark_delivered("smtp", entries[0].id);

  EXPECT_EQ(outbox->remove_delivered({"redis", "smtp", "elsewhere"}, seconds{0}, 10), 0U);
  EXPECT_EQ(outbox->remove_delivered({"redis", "smtp"}, seconds{3600}, 10), 0U);
  EXPECT_EQ(outbox->remove_delivered({}, seconds{0}, 10), 0U);
  EXPECT_EQ(outbox->remove_delivered({"redis", "smtp"}, seconds{0}, 10), 1U);
  EXPECT_EQ(database->scalar("SELECT count(*) FROM outbox"), 2);
  EXPECT_EQ(outbox->remove_delivered({"redis"}, seconds{0}, 1), 1U);
  EXPECT_EQ(outbox->remove_delivered({"redis"}, seconds{0}, 10), 1U);
  EXPECT_EQ(database->scalar("SELECT count(*) FROM outbox"), 0);

  allocate("o3");
  auto next = outbox->undelivered("redis", 10);
  ASSERT_EQ(next.size(), 1U);
  EXPECT_GT(next[0].id, entries[2].id);
}

INSTANTIATE_TEST_SUITE_P(Adapters, RelayOutboxContract, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

// Ids are taken when a transaction writes its entry, not when it commits: a relay that went by
// ids alone would pass an entry whose transaction took its id first and committed last.
TEST(PostgresRelayOutbox, AnEntryCommittedAfterALaterOneIsNotPassed) {
  auto database = TestDatabase::create("postgresql");
  Writer writer{database->url()};
  writer.handle(domain::commands::CreateBatch{"b1", "LAMP", 10, std::nullopt});
  auto outbox = bootstrap::open_relay_outbox(database->url());
  auto first = outbox->undelivered("redis", 10);
  ASSERT_EQ(first.size(), 1U);
  outbox->mark_delivered("redis", first[0].id);

  adapters::postgres::Connection slow{database->url()};
  slow.execute(
      "BEGIN; INSERT INTO outbox (event, payload) VALUES ('OutOfStock', "
      "'{\"sku\":\"LAMP\",\"orderid\":\"slow\",\"qty\":1}')");
  writer.handle(domain::commands::Allocate{"fast", "LAMP", 1});
  EXPECT_TRUE(outbox->undelivered("redis", 10).empty());
  slow.execute("COMMIT");

  auto entries = outbox->undelivered("redis", 10);
  ASSERT_EQ(entries.size(), 2U);
  EXPECT_EQ(std::get<domain::events::OutOfStock>(entries[0].event).orderid, "slow");
  EXPECT_EQ(std::get<domain::events::Allocated>(entries[1].event).orderid, "fast");
  EXPECT_LT(entries[0].id, entries[1].id);
}

}  // namespace
}  // namespace allocation
