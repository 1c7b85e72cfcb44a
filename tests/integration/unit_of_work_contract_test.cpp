// The contract every storage adapter keeps, run against each of them.
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <thread>

#include "integration/test_database.hpp"
#include "service_layer/errors.hpp"
#include "service_layer/group_committer.hpp"

namespace allocation {
namespace {

using namespace domain;
using namespace service_layer;
using testing::TestDatabase;
using testing::Writer;

constexpr Instant now{};

class UnitOfWorkContract : public ::testing::TestWithParam<std::string> {
 protected:
  std::unique_ptr<TestDatabase> database = TestDatabase::create(GetParam());
};

TEST_P(UnitOfWorkContract, CommittedGroupsSurviveReopening) {
  {
    Writer writer{database->url()};
    writer.handle(commands::CreateBatch{"b1", "LAMP", 10, Date::parse_iso("2026-12-01")});
    writer.handle(commands::CreateBatch{"b2", "LAMP", 10, std::nullopt});
    writer.handle(commands::Allocate{"o1", "LAMP", 3});
    writer.handle(commands::Allocate{"o2", "LAMP", 4});
    writer.uow().make_durable();
  }
  Writer reopened{database->url()};
  reopened.uow().begin_group();
  Product* product = reopened.uow().products().get("LAMP");
  ASSERT_NE(product, nullptr);
  EXPECT_EQ(product->version_number(), 4);
  EXPECT_EQ(product->find_batch("b2")->allocations(),
            (std::vector<OrderLine>{{"o1", "LAMP", 3}, {"o2", "LAMP", 4}}));
  EXPECT_EQ(product->find_batch("b1")->eta(), Date::parse_iso("2026-12-01"));
  reopened.uow().discard_group();

  EXPECT_EQ(reopened.read_model().allocations_for_order("o2"),
            (std::vector<AllocationView>{{"LAMP", "b2"}}));
  EXPECT_EQ(reopened.read_model().batches_for_sku("LAMP", now),
            (std::vector<BatchView>{{"b2", std::nullopt, 10, 7, 0, 3},
                                    {"b1", "2026-12-01", 10, 0, 0, 10}}));
}

TEST_P(UnitOfWorkContract, AChangedEtaIsStoredAndOrdersTheBatchesAfterReopening) {
  {
    Writer writer{database->url()};
    writer.handle(commands::CreateBatch{"early", "LAMP", 10, Date::parse_iso("2027-01-01")});
    writer.handle(commands::CreateBatch{"late", "LAMP", 10, Date::parse_iso("2027-02-01")});
    writer.handle(commands::Allocate{"o1", "LAMP", 3});
    writer.handle(commands::ChangeBatchEta{"late", std::nullopt});
    writer.handle(commands::ChangeBatchEta{"early", Date::parse_iso("2027-03-01")});
    writer.uow().make_durable();
  }
  Writer reopened{database->url()};
  reopened.uow().begin_group();
  Product* product = reopened.uow().products().get("LAMP");
  ASSERT_NE(product, nullptr);
  EXPECT_EQ(product->batches().front().reference(), "late");
  EXPECT_EQ(product->find_batch("late")->eta(), std::nullopt);
  EXPECT_EQ(product->find_batch("early")->eta(), Date::parse_iso("2027-03-01"));
  EXPECT_EQ(product->find_batch("early")->allocations(),
            (std::vector<OrderLine>{{"o1", "LAMP", 3}}));
  reopened.uow().discard_group();
  EXPECT_EQ(reopened.read_model().batches_for_sku("LAMP", now),
            (std::vector<BatchView>{{"late", std::nullopt, 10, 0, 0, 10},
                                    {"early", "2027-03-01", 10, 3, 0, 7}}));
  EXPECT_EQ(database->scalar("SELECT count(*) FROM outbox WHERE event = 'BatchEtaChanged'"), 2);
  EXPECT_EQ(database->scalar("SELECT count(*) FROM audit WHERE action = 'BatchEtaChanged'"), 2);
}

TEST_P(UnitOfWorkContract, CancelledAndUnallocatedLinesStayOnTheirOrderAndLeaveTheProduct) {
  {
    Writer writer{database->url()};
    writer.handle(commands::CreateBatch{"stock", "LAMP", 10, std::nullopt});
    writer.handle(commands::CreateBatch{"rugs", "RUG", 5, Date::parse_iso("2027-01-01")});
    writer.handle(commands::Allocate{"o1", "LAMP", 4});
    writer.handle(commands::Allocate{"o1", "RUG", 5});
    writer.handle(commands::Allocate{"o2", "LAMP", 3});
    writer.handle(commands::CancelOrder{"o1", {"LAMP"}});
    writer.handle(commands::ChangeBatchQuantity{"rugs", 2, std::nullopt});
    writer.uow().make_durable();
    EXPECT_EQ(writer.read_model().order_lines("o1", now),
              (std::vector<OrderLineView>{
                  {"LAMP", 4, std::nullopt, std::nullopt, "cancelled", std::nullopt},
                  {"RUG", 5, std::nullopt, std::nullopt, "unallocated", std::nullopt}}));
    EXPECT_EQ(writer.read_model().order_lines("o2", now),
              (std::vector<OrderLineView>{
                  {"LAMP", 3, "stock", std::nullopt, "allocated", std::nullopt}}));
    EXPECT_TRUE(writer.read_model().order_lines("o3", now).empty());
  }
  Writer reopened{database->url()};
  reopened.uow().begin_group();
  EXPECT_EQ(reopened.uow().products().get("LAMP")->find_batch("stock")->allocations(),
            (std::vector<OrderLine>{{"o2", "LAMP", 3}}));
  EXPECT_TRUE(reopened.uow().products().get("RUG")->find_batch("rugs")->allocations().empty());
  reopened.uow().discard_group();
  reopened.handle(commands::Allocate{"o1", "LAMP", 4});
  EXPECT_EQ(reopened.read_model().order_lines("o1", now).at(0),
            (OrderLineView{"LAMP", 4, "stock", std::nullopt, "allocated", std::nullopt}));
  EXPECT_EQ(database->scalar("SELECT count(*) FROM outbox WHERE event = 'Deallocated'"), 2);
  EXPECT_EQ(database->scalar("SELECT count(*) FROM outbox WHERE event = 'LineUnallocated'"), 1);
  EXPECT_EQ(database->scalar("SELECT count(*) FROM audit WHERE action = 'LineUnallocated'"), 1);
}

TEST_P(UnitOfWorkContract, AShippedLineLeavesTheBatchTheProductAndTheAllocations) {
  {
    Writer writer{database->url()};
    writer.handle(commands::CreateBatch{"stock", "LAMP", 10, std::nullopt});
    writer.handle(commands::Allocate{"o1", "LAMP", 4});
    writer.handle(commands::Allocate{"o2", "LAMP", 1});
    writer.handle(commands::ShipOrder{"o1", {}});
    writer.uow().make_durable();
  }
  Writer reopened{database->url()};
  reopened.uow().begin_group();
  const Batch* stock = reopened.uow().products().get("LAMP")->find_batch("stock");
  EXPECT_EQ(stock->purchased_quantity(), 6);
  EXPECT_EQ(stock->allocations(), (std::vector<OrderLine>{{"o2", "LAMP", 1}}));
  reopened.uow().discard_group();
  EXPECT_EQ(reopened.read_model().batches_for_sku("LAMP", now),
            (std::vector<BatchView>{{"stock", std::nullopt, 6, 1, 0, 5}}));
  EXPECT_EQ(
      reopened.read_model().order_lines("o1", now),
      (std::vector<OrderLineView>{{"LAMP", 4, "stock", std::nullopt, "shipped", std::nullopt}}));
  EXPECT_EQ(database->scalar("SELECT count(*) FROM allocations"), 1);
  EXPECT_EQ(database->scalar("SELECT count(*) FROM outbox WHERE event = 'LineShipped'"), 1);
}

TEST_P(UnitOfWorkContract, ARolledBackUnitIsUndoneAndTheRestOfTheGroupKept) {
  Writer writer{database->url()};
  writer.uow().begin_group();
  writer.bus.handle(commands::CreateBatch{"b1", "LAMP", 10, std::nullopt});
  Product* product = writer.uow().products().get("LAMP");
  product->allocate(OrderLine{"o1", "LAMP", 5}, now);
  writer.uow().discard();
  writer.uow().store_group();

  EXPECT_EQ(database->scalar("SELECT count(*) FROM batches"), 1);
  EXPECT_EQ(database->scalar("SELECT count(*) FROM allocations"), 0);
  writer.uow().begin_group();
  EXPECT_EQ(writer.uow().products().get("LAMP")->find_batch("b1")->available_quantity(now), 10);
  writer.uow().discard_group();
}

TEST_P(UnitOfWorkContract, AGroupStoresOnceWhatManyOfItsCommandsChanged) {
  Writer writer{database->url()};
  writer.handle(commands::CreateBatch{"b1", "LAMP", 100, std::nullopt});
  writer.uow().begin_group();
  for (int line = 1; line <= 5; ++line) {
    writer.bus.handle(commands::Allocate{"o" + std::to_string(line), "LAMP", 1});
  }
  writer.uow().products().get("LAMP")->allocate(OrderLine{"undone", "LAMP", 1}, now);
  writer.uow().discard();
  writer.bus.handle(commands::Allocate{"o6", "LAMP", 1});
  writer.uow().store_group();
  EXPECT_EQ(database->scalar("SELECT version_number FROM products WHERE sku = 'LAMP'"), 7);

  Writer other{database->url()};
  other.handle(commands::Allocate{"o7", "LAMP", 1});
  writer.handle(commands::Allocate{"o8", "LAMP", 1});
  EXPECT_EQ(database->scalar("SELECT version_number FROM products WHERE sku = 'LAMP'"), 9);
  EXPECT_EQ(database->scalar("SELECT sum(qty) FROM allocations WHERE sku = 'LAMP'"), 8);
  EXPECT_EQ(writer.read_model().batches_for_sku("LAMP", now),
            (std::vector<BatchView>{{"b1", std::nullopt, 100, 8, 0, 92}}));
}

TEST_P(UnitOfWorkContract, AGroupThatAllocatesDeallocatesAndAllocatesAgainIsStoredInThatOrder) {
  {
    Writer writer{database->url()};
    writer.uow().begin_group();
    writer.bus.handle(commands::CreateBatch{"stock", "RUG", 10, std::nullopt});
    writer.bus.handle(commands::CreateBatch{"ship", "RUG", 10, Date::parse_iso("2030-01-01")});
    Product* product = writer.uow().products().get("RUG");
    for (const char* order : {"o1", "o2", "o3"}) product->allocate(OrderLine{order, "RUG", 3}, now);
    writer.uow().accept();
    product = writer.uow().products().get("RUG");
    product->change_batch_quantity("stock", 5, now);  // deallocates o3, then o2
    for (const char* order : {"o3", "o2"}) product->allocate(OrderLine{order, "RUG", 3}, now);
    product->allocate(OrderLine{"o4", "RUG", 1}, now);
    writer.uow().accept();
    writer.uow().store_group();
    writer.uow().make_durable();
  }
  Writer reopened{database->url()};
  reopened.uow().begin_group();
  Product* product = reopened.uow().products().get("RUG");
  ASSERT_NE(product, nullptr);
  EXPECT_EQ(product->find_batch("stock")->allocations(),
            (std::vector<OrderLine>{{"o1", "RUG", 3}, {"o4", "RUG", 1}}));
  EXPECT_EQ(product->find_batch("ship")->allocations(),
            (std::vector<OrderLine>{{"o3", "RUG", 3}, {"o2", "RUG", 3}}));
  EXPECT_EQ(product->find_batch("stock")->purchased_quantity(), 5);
  reopened.uow().discard_group();
}

TEST_P(UnitOfWorkContract, ARolledBackGroupLeavesNoTraceOnDiskOrInMemory) {
  Writer writer{database->url()};
  writer.handle(commands::CreateBatch{"b1", "LAMP", 10, std::nullopt});
  writer.uow().begin_group();
  writer.bus.handle(commands::Allocate{"o1", "LAMP", 5});
  writer.uow().discard_group();

  EXPECT_EQ(database->scalar("SELECT count(*) FROM allocations"), 0);
  EXPECT_EQ(database->scalar("SELECT count(*) FROM allocations_view"), 0);
  EXPECT_EQ(database->scalar("SELECT count(*) FROM outbox WHERE event <> 'BatchCreated'"), 0);
  writer.uow().begin_group();
  EXPECT_EQ(writer.uow().products().get("LAMP")->find_batch("b1")->available_quantity(now), 10);
  writer.uow().discard_group();
}

TEST_P(UnitOfWorkContract, EventsLeavingTheServiceAreInTheOutbox) {
  Writer writer{database->url()};
  writer.handle(commands::CreateBatch{"b1", "LAMP", 10, std::nullopt});
  writer.handle(commands::Allocate{"o1", "LAMP", 10});
  writer.handle(commands::Allocate{"o2", "LAMP", 1});
  EXPECT_EQ(database->scalar("SELECT count(*) FROM outbox"), 3);
  EXPECT_EQ(database->scalar("SELECT count(*) FROM outbox WHERE event = 'BatchCreated' AND id = "
                             "(SELECT min(id) FROM outbox)"),
            1);
  EXPECT_EQ(
      database->scalar("SELECT count(*) FROM outbox WHERE event = 'Allocated' AND payload = "
                       "'{\"orderid\":\"o1\",\"sku\":\"LAMP\",\"qty\":10,\"batchref\":\"b1\"}'"),
      1);
  EXPECT_EQ(database->scalar("SELECT count(*) FROM outbox WHERE event = 'OutOfStock' AND payload = "
                             "'{\"sku\":\"LAMP\",\"orderid\":\"o2\",\"qty\":1}' AND id = "
                             "(SELECT max(id) FROM outbox)"),
            1);
}

TEST_P(UnitOfWorkContract, AQuantityChangeIsStoredWithItsReallocations) {
  {
    Writer writer{database->url()};
    writer.handle(commands::CreateBatch{"stock", "RUG", 10, std::nullopt});
    writer.handle(commands::CreateBatch{"ship", "RUG", 10, Date::parse_iso("2030-01-01")});
    writer.handle(commands::Allocate{"o1", "RUG", 6});
    writer.handle(commands::Allocate{"o2", "RUG", 4});
    writer.handle(commands::ChangeBatchQuantity{"stock", 7, std::nullopt});
  }
  Writer reopened{database->url()};
  EXPECT_EQ(reopened.read_model().allocations_for_order("o2"),
            (std::vector<AllocationView>{{"RUG", "ship"}}));
  EXPECT_EQ(reopened.read_model().batches_for_sku("RUG", now),
            (std::vector<BatchView>{{"stock", std::nullopt, 7, 6, 0, 1},
                                    {"ship", "2030-01-01", 10, 4, 0, 6}}));
  reopened.uow().begin_group();
  EXPECT_EQ(reopened.uow().products().get("RUG")->find_batch("ship")->allocations(),
            (std::vector<OrderLine>{{"o2", "RUG", 4}}));
  reopened.uow().discard_group();
}

TEST_P(UnitOfWorkContract, ChangesOfStockAndTokensAreAuditedWithWhoMadeThem) {
  Writer writer{database->url()};
  writer.handle(commands::CreateBatch{"b1", "LAMP", 10, std::nullopt}, Actor{"ops", "req-1"});
  writer.handle(commands::Allocate{"o1", "LAMP", 3}, Actor{"shop", "req-2"});
  auto tokens = bootstrap::open_token_store(database->url());
  bootstrap::create_token(*tokens, "shop", Role::allocator, Actor{"", "cli:root"});
  tokens->revoke("shop", Actor{"", "cli:root"});

  auto entries = bootstrap::open_audit_reader(database->url())->recent(10);
  ASSERT_EQ(entries.size(), 4U);
  auto summary = [](const AuditEntry& entry) {
    return entry.token_name + " " + entry.request_id + " " + entry.action + " " + entry.details;
  };
  EXPECT_EQ(summary(entries[0]),
            "ops req-1 BatchCreated {\"ref\":\"b1\",\"sku\":\"LAMP\",\"qty\":10,\"eta\":null}");
  EXPECT_EQ(summary(entries[1]),
            "shop req-2 Allocated "
            "{\"orderid\":\"o1\",\"sku\":\"LAMP\",\"qty\":3,\"batchref\":\"b1\"}");
  EXPECT_EQ(summary(entries[2]),
            " cli:root TokenCreated {\"name\":\"shop\",\"role\":\"allocator\"}");
  EXPECT_EQ(summary(entries[3]), " cli:root TokenRevoked {\"name\":\"shop\"}");
  EXPECT_FALSE(entries[0].at.empty());
  EXPECT_EQ(bootstrap::open_audit_reader(database->url())->recent(1)[0].action, "TokenRevoked");
}

TEST_P(UnitOfWorkContract, TheAuditTrailCannotBeRewritten) {
  Writer{database->url()}.handle(commands::CreateBatch{"b1", "LAMP", 10, std::nullopt},
                                 Actor{"ops", "req-1"});
  EXPECT_ANY_THROW(database->execute("UPDATE audit SET token_name = 'someone-else'"));
  EXPECT_ANY_THROW(database->execute("DELETE FROM audit"));
  if (GetParam() == "postgresql") {
    EXPECT_ANY_THROW(database->execute("TRUNCATE audit"));
  }
  EXPECT_EQ(database->scalar("SELECT count(*) FROM audit WHERE token_name = 'ops'"), 1);
}

TEST_P(UnitOfWorkContract, MigratingAgainChangesNothing) {
  Writer{database->url()}.handle(commands::CreateBatch{"b1", "LAMP", 10, std::nullopt});
  Writer again{database->url()};
  EXPECT_EQ(database->scalar("SELECT count(*) FROM batches"), 1);
}

TEST_P(UnitOfWorkContract, AChangeByAnotherWriterIsSeenNotOverwritten) {
  Writer first{database->url()};
  Writer second{database->url()};
  first.handle(commands::CreateBatch{"b1", "LAMP", 10, std::nullopt});
  first.handle(commands::Allocate{"o1", "LAMP", 6});  // `first` now holds LAMP in memory
  second.handle(commands::Allocate{"o2", "LAMP", 4});
  EXPECT_EQ(first.handle(commands::Allocate{"o3", "LAMP", 1}).allocated_batchref, std::nullopt);
  EXPECT_EQ(database->scalar("SELECT sum(qty) FROM allocations"), 10);
}

TEST_P(UnitOfWorkContract, ProductsExpectedTogetherAreAsFreshAsProductsGotOneByOne) {
  Writer first{database->url()};
  Writer second{database->url()};
  first.handle(commands::CreateBatch{"b1", "LAMP", 10, std::nullopt});
  first.handle(commands::CreateBatch{"b2", "RUG", 10, std::nullopt});
  second.handle(commands::Allocate{"o1", "LAMP", 1});
  first.handle(commands::Allocate{"o2", "LAMP", 2});

  second.uow().begin_group();
  second.uow().products().expect({"LAMP", "NO-SUCH-SKU", "RUG"});
  EXPECT_EQ(second.uow().products().get("LAMP")->find_batch("b1")->available_quantity(now), 7);
  EXPECT_EQ(second.uow().products().get("RUG")->version_number(), 1);
  EXPECT_EQ(second.uow().products().get("NO-SUCH-SKU"), nullptr);
  second.uow().discard_group();
  second.handle(commands::Allocate{"o3", "LAMP", 3});
  EXPECT_EQ(database->scalar("SELECT sum(qty) FROM allocations WHERE sku = 'LAMP'"), 6);
}

TEST_P(UnitOfWorkContract, IdentifiersWithQuotesAndSeparatorsAreStoredAsGiven) {
  const std::string sku = R"(LAMP "deluxe", {v2}\ 'x')";
  const std::string reference = R"(b'1"\,)";
  const std::string order = R"(o{1}, "a"\)";
  {
    Writer writer{database->url()};
    writer.handle(commands::CreateBatch{reference, sku, 10, std::nullopt});
    writer.handle(commands::CreateBatch{"b2", "RUG", 10, std::nullopt});
    writer.handle(commands::Allocate{order, sku, 3});
  }
  Writer reopened{database->url()};
  reopened.uow().begin_group();
  reopened.uow().products().expect({sku, "RUG"});
  Product* product = reopened.uow().products().get(sku);
  ASSERT_NE(product, nullptr);
  EXPECT_EQ(product->find_batch(reference)->allocations(),
            (std::vector<OrderLine>{{order, sku, 3}}));
  reopened.uow().discard_group();
  EXPECT_EQ(reopened.uow().products().skus_of_batches({reference, "unknown"}),
            (std::unordered_map<std::string, std::string>{{reference, sku}}));
  EXPECT_EQ(reopened.read_model().allocations_for_order(order),
            (std::vector<AllocationView>{{sku, reference}}));
}

TEST_P(UnitOfWorkContract, TheSameReferenceFromTwoWritersIsADuplicate) {
  Writer first{database->url()};
  Writer second{database->url()};
  first.handle(commands::CreateBatch{"b1", "LAMP", 10, std::nullopt});
  EXPECT_THROW(second.handle(commands::CreateBatch{"b1", "CHAIR", 10, std::nullopt}),
               DuplicateBatch);
}

// Each writer thread is a whole writer (storage, bus, group committer), as separate
// processes would be.
TEST_P(UnitOfWorkContract, ConcurrentWritersOnOneProductNeverOversellOrLoseAnUpdate) {
  constexpr int writers = 4;
  constexpr int lines_per_writer = 60;
  constexpr int stock = 100;
  Writer{database->url()}.handle(commands::CreateBatch{"b1", "HOT", stock, std::nullopt});

  std::atomic<int> allocated{0};
  std::atomic<int> failed{0};
  std::vector<std::thread> threads;
  for (int w = 0; w < writers; ++w) {
    threads.emplace_back([&, w] {
      auto storage = bootstrap::open_storage(database->url());
      const testing::SettableClock clock;
      MessageBus bus{*storage.unit_of_work, default_handlers(clock)};
      GroupCommitter committer{*storage.unit_of_work, bus, clock, {}};
      std::vector<std::future<Outcome>> outcomes;
      for (int i = 0; i < lines_per_writer; ++i) {
        auto promise = std::make_shared<std::promise<Outcome>>();
        outcomes.push_back(promise->get_future());
        committer.submit(
            commands::Allocate{"order-" + std::to_string(w) + "-" + std::to_string(i), "HOT", 1},
            [promise](Outcome outcome) { promise->set_value(std::move(outcome)); });
      }
      for (auto& outcome : outcomes) {
        auto value = outcome.get();
        if (auto* result = std::get_if<CommandResult>(&value)) {
          if (result->allocated_batchref) ++allocated;
        } else {
          ++failed;
        }
      }
      committer.stop();
    });
  }
  for (auto& thread : threads) thread.join();

  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(allocated.load(), stock);
  EXPECT_EQ(database->scalar("SELECT sum(qty) FROM allocations"), stock);
  EXPECT_EQ(database->scalar("SELECT count(*) FROM allocations_view"), stock);
  EXPECT_EQ(database->scalar("SELECT available_quantity FROM batches_view"), 0);
  EXPECT_EQ(database->scalar("SELECT version_number FROM products"), 1 + stock);
}

INSTANTIATE_TEST_SUITE_P(Adapters, UnitOfWorkContract, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace allocation
