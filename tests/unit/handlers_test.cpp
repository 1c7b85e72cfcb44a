#include <gtest/gtest.h>

#include <future>

#include "fakes/fake_unit_of_work.hpp"
#include "fakes/settable_clock.hpp"
#include "service_layer/errors.hpp"
#include "service_layer/group_committer.hpp"
#include "service_layer/message_bus.hpp"

namespace allocation::service_layer {
namespace {

using namespace domain;
using testing::FakeUnitOfWork;
using testing::SettableClock;

// For the tests in which time plays no part.
const SettableClock fixed_clock;

const auto tomorrow = Date::parse_iso("2026-11-24");

class HandlersTest : public ::testing::Test {
 protected:
  CommandResult handle(const Command& command, const Actor& actor = {}) {
    uow.begin_group();
    try {
      auto result = bus.handle(command, actor);
      uow.store_group();
      return result;
    } catch (...) {
      uow.discard_group();
      throw;
    }
  }

  FakeUnitOfWork uow;
  SettableClock clock;
  MessageBus bus{uow, default_handlers(clock)};
};

TEST_F(HandlersTest, AddsABatchForANewProduct) {
  handle(commands::CreateBatch{"b1", "CRUNCHY-ARMCHAIR", 100, std::nullopt});
  EXPECT_NE(uow.get("CRUNCHY-ARMCHAIR"), nullptr);
  EXPECT_EQ(uow.batches_for_sku("CRUNCHY-ARMCHAIR", clock.now()),
            (std::vector<BatchView>{{"b1", std::nullopt, 100, 0, 0, 100}}));
}

TEST_F(HandlersTest, AddsABatchForAnExistingProduct) {
  handle(commands::CreateBatch{"b1", "GARISH-RUG", 100, std::nullopt});
  handle(commands::CreateBatch{"b2", "GARISH-RUG", 99, tomorrow});
  EXPECT_EQ(uow.get("GARISH-RUG")->batches().size(), 2U);
}

TEST_F(HandlersTest, RejectsASecondBatchWithAnExistingReference) {
  handle(commands::CreateBatch{"b1", "GARISH-RUG", 100, std::nullopt});
  EXPECT_THROW(handle(commands::CreateBatch{"b1", "OTHER-SKU", 5, std::nullopt}), DuplicateBatch);
  EXPECT_EQ(uow.get("OTHER-SKU"), nullptr);
  EXPECT_EQ(uow.get("GARISH-RUG")->batches().size(), 1U);
}

commands::CreateBatches batches(std::vector<commands::CreateBatch> wanted,
                                bool skip_refused = false, bool dry_run = false) {
  return {std::move(wanted), skip_refused, dry_run};
}

TEST_F(HandlersTest, CreatesBatchesTogetherAndLeavesTheSameOnesAsTheyAre) {
  auto created = handle(batches({{"b1", "LAMP", 10, std::nullopt}, {"b2", "RUG", 5, tomorrow}}));
  EXPECT_EQ(created.batches_creation, (BatchesCreation{2, 0, {}}));
  auto again = handle(batches({{"b1", "LAMP", 10, std::nullopt}, {"b3", "LAMP", 1, std::nullopt}}));
  EXPECT_EQ(again.batches_creation, (BatchesCreation{1, 1, {}}));
  EXPECT_EQ(uow.get("LAMP")->batches().size(), 2U);
}

TEST_F(HandlersTest, ABatchRefusedKeepsEveryOtherFromBeingCreated) {
  handle(commands::CreateBatch{"b1", "LAMP", 10, std::nullopt});
  auto refused = handle(batches({{"b2", "RUG", 5, std::nullopt},
                                 {"b1", "LAMP", 11, std::nullopt},
                                 {"b2", "RUG", 5, std::nullopt}}));
  EXPECT_EQ(refused.batches_creation,
            (BatchesCreation{0,
                             0,
                             {{1, "batch b1 exists with other values: sku LAMP, qty 10, eta none"},
                              {2, "batch b2 appears more than once in the request"}}}));
  EXPECT_EQ(uow.get("RUG"), nullptr);
}

TEST_F(HandlersTest, SkippingRefusedBatchesCreatesTheOthers) {
  handle(commands::CreateBatch{"b1", "LAMP", 10, std::nullopt});
  auto skipped =
      handle(batches({{"b1", "RUG", 10, std::nullopt}, {"b2", "RUG", 5, std::nullopt}}, true));
  EXPECT_EQ(skipped.batches_creation.created, 1);
  EXPECT_EQ(skipped.batches_creation.refused.size(), 1U);
  EXPECT_EQ(uow.get("RUG")->batches().size(), 1U);
}

TEST_F(HandlersTest, ADryRunOfBatchesSaysWhatWouldBeCreatedAndCreatesNothing) {
  auto dry_run = handle(batches({{"b1", "LAMP", 10, std::nullopt}}, false, true));
  EXPECT_EQ(dry_run.batches_creation, (BatchesCreation{1, 0, {}}));
  EXPECT_EQ(uow.get("LAMP"), nullptr);
}

TEST_F(HandlersTest, AllocateReturnsTheChosenBatch) {
  handle(commands::CreateBatch{"b1", "COMPLICATED-LAMP", 100, std::nullopt});
  EXPECT_EQ(handle(commands::Allocate{"o1", "COMPLICATED-LAMP", 10}).allocated_batchref, "b1");
}

TEST_F(HandlersTest, AllocateRejectsAnUnknownSku) {
  handle(commands::CreateBatch{"b1", "AREALSKU", 100, std::nullopt});
  try {
    handle(commands::Allocate{"o1", "NONEXISTENTSKU", 10});
    FAIL() << "expected InvalidSku";
  } catch (const InvalidSku& error) {
    EXPECT_STREQ(error.what(), "Invalid sku NONEXISTENTSKU");
  }
}

TEST_F(HandlersTest, AllocationUpdatesTheReadModelsAndTheOutbox) {
  handle(commands::CreateBatch{"b1", "LAMP", 100, std::nullopt});
  handle(commands::Allocate{"o1", "LAMP", 10});
  EXPECT_EQ(uow.allocations_for_order("o1"), (std::vector<AllocationView>{{"LAMP", "b1"}}));
  EXPECT_EQ(uow.batches_for_sku("LAMP", clock.now()),
            (std::vector<BatchView>{{"b1", std::nullopt, 100, 10, 0, 90}}));
  EXPECT_EQ(uow.durable().outbox,
            (std::vector<Event>{events::BatchCreated{"b1", "LAMP", 100, std::nullopt},
                                events::Allocated{"o1", "LAMP", 10, "b1"}}));
}

TEST_F(HandlersTest, TheSameLineTwiceIsListedAndPublishedOnce) {
  handle(commands::CreateBatch{"b1", "LAMP", 100, std::nullopt});
  handle(commands::Allocate{"o1", "LAMP", 10});
  EXPECT_EQ(handle(commands::Allocate{"o1", "LAMP", 10}).allocated_batchref, "b1");
  EXPECT_EQ(uow.allocations_for_order("o1").size(), 1U);
  EXPECT_EQ(uow.durable().outbox.size(), 2U);
  EXPECT_EQ(uow.batches_for_sku("LAMP", clock.now())[0].available_quantity, 90);
}

TEST_F(HandlersTest, OutOfStockGoesToTheOutboxAndAllocatesNothing) {
  handle(commands::CreateBatch{"b1", "POPULAR-CURTAINS", 9, std::nullopt});
  EXPECT_EQ(handle(commands::Allocate{"o1", "POPULAR-CURTAINS", 10}).allocated_batchref,
            std::nullopt);
  EXPECT_EQ(uow.durable().outbox.back(), (Event{events::OutOfStock{"POPULAR-CURTAINS", "o1", 10}}));
  EXPECT_EQ(uow.durable().outbox.size(), 2U);
  EXPECT_TRUE(uow.allocations_for_order("o1").empty());
}

TEST_F(HandlersTest, ChangingQuantityOfAnUnknownBatchIsRejected) {
  EXPECT_THROW(handle(commands::ChangeBatchQuantity{"nope", 10, std::nullopt}), UnknownBatch);
}

TEST_F(HandlersTest, AnArrivedShipmentIsShownInTheWarehouseAnnouncedAndAudited) {
  handle(commands::CreateBatch{"ship", "LAMP", 10, tomorrow}, Actor{"ops", "req-1"});
  handle(commands::Allocate{"o1", "LAMP", 4});
  handle(commands::ChangeBatchEta{"ship", std::nullopt}, Actor{"ops", "req-3"});
  EXPECT_EQ(uow.batches_for_sku("LAMP", clock.now()),
            (std::vector<BatchView>{{"ship", std::nullopt, 10, 4, 0, 6}}));
  EXPECT_EQ(uow.allocations_for_order("o1"), (std::vector<AllocationView>{{"LAMP", "ship"}}));
  const Event arrived = events::BatchEtaChanged{"ship", "LAMP", std::nullopt};
  EXPECT_EQ(uow.durable().outbox.back(), arrived);
  EXPECT_EQ(uow.durable().audit.back(), (std::pair{Actor{"ops", "req-3"}, arrived}));
}

TEST_F(HandlersTest, ChangingTheEtaOfAnUnknownBatchIsRejected) {
  EXPECT_THROW(handle(commands::ChangeBatchEta{"nope", tomorrow}), UnknownBatch);
}

TEST_F(HandlersTest, ShrinkingABatchReallocatesItsLinesElsewhere) {
  handle(commands::CreateBatch{"in-stock", "INDIFFERENT-TABLE", 50, std::nullopt});
  handle(commands::CreateBatch{"shipment", "INDIFFERENT-TABLE", 50, tomorrow});
  handle(commands::Allocate{"o1", "INDIFFERENT-TABLE", 20});
  handle(commands::Allocate{"o2", "INDIFFERENT-TABLE", 20});
  handle(commands::ChangeBatchQuantity{"in-stock", 25, std::nullopt});
  EXPECT_EQ(uow.allocations_for_order("o1"),
            (std::vector<AllocationView>{{"INDIFFERENT-TABLE", "in-stock"}}));
  EXPECT_EQ(uow.allocations_for_order("o2"),
            (std::vector<AllocationView>{{"INDIFFERENT-TABLE", "shipment"}}));
  EXPECT_EQ(uow.batches_for_sku("INDIFFERENT-TABLE", clock.now()),
            (std::vector<BatchView>{{"in-stock", std::nullopt, 25, 20, 0, 5},
                                    {"shipment", tomorrow->iso(), 50, 20, 0, 30}}));
  EXPECT_EQ(uow.durable().outbox.back(),
            (Event{events::Allocated{"o2", "INDIFFERENT-TABLE", 20, "shipment"}}));
}

TEST_F(HandlersTest, ALineShrunkOutOfItsBatchWithNowhereToGoStaysOnItsOrderUnallocated) {
  handle(commands::CreateBatch{"only", "RUG", 10, std::nullopt});
  handle(commands::Allocate{"o1", "RUG", 10});
  handle(commands::ChangeBatchQuantity{"only", 5, std::nullopt});
  EXPECT_TRUE(uow.allocations_for_order("o1").empty());
  EXPECT_EQ(uow.order_lines("o1", clock.now()),
            (std::vector<OrderLineView>{
                {"RUG", 10, std::nullopt, std::nullopt, "unallocated", std::nullopt}}));
  auto& outbox = uow.durable().outbox;
  EXPECT_EQ(std::vector<Event>(outbox.end() - 3, outbox.end()),
            (std::vector<Event>{events::Deallocated{"o1", "RUG", 10, "only"},
                                events::OutOfStock{"RUG", "o1", 10},
                                events::LineUnallocated{"o1", "RUG", 10}}));
}

TEST_F(HandlersTest, CancellingAnOrderReturnsItsStockAndPlacesNothingAgain) {
  handle(commands::CreateBatch{"stock", "LAMP", 10, std::nullopt});
  handle(commands::CreateBatch{"ship", "LAMP", 10, tomorrow});
  handle(commands::CreateBatch{"rugs", "RUG", 10, std::nullopt});
  handle(commands::Allocate{"o1", "LAMP", 4});
  handle(commands::Allocate{"o1", "RUG", 2});
  handle(commands::Allocate{"o2", "LAMP", 3});
  handle(commands::CancelOrder{"o1", {}}, Actor{"shop", "req-9"});
  EXPECT_TRUE(uow.allocations_for_order("o1").empty());
  EXPECT_EQ(uow.batches_for_sku("LAMP", clock.now())[0].available_quantity, 7);
  EXPECT_EQ(uow.batches_for_sku("LAMP", clock.now())[1].available_quantity, 10);
  EXPECT_EQ(uow.batches_for_sku("RUG", clock.now())[0].available_quantity, 10);
  EXPECT_EQ(uow.order_lines("o1", clock.now()),
            (std::vector<OrderLineView>{
                {"LAMP", 4, std::nullopt, std::nullopt, "cancelled", std::nullopt},
                {"RUG", 2, std::nullopt, std::nullopt, "cancelled", std::nullopt}}));
  const Event cancelled =
      events::Deallocated{"o1", "RUG", 2, "rugs", events::DeallocationReason::cancelled};
  EXPECT_EQ(uow.durable().outbox.back(), cancelled);
  EXPECT_EQ(uow.durable().audit.back(), (std::pair{Actor{"shop", "req-9"}, cancelled}));
  EXPECT_EQ(uow.order_lines("o2", clock.now()).at(0).state, "allocated");
}

TEST_F(HandlersTest, CancellingSomeSkusOfAnOrderKeepsTheOthersAndTwiceChangesNothing) {
  handle(commands::CreateBatch{"stock", "LAMP", 10, std::nullopt});
  handle(commands::CreateBatch{"rugs", "RUG", 10, std::nullopt});
  handle(commands::Allocate{"o1", "LAMP", 4});
  handle(commands::Allocate{"o1", "RUG", 2});
  handle(commands::CancelOrder{"o1", {"RUG"}});
  auto audited = uow.durable().audit.size();
  handle(commands::CancelOrder{"o1", {"RUG"}});
  EXPECT_EQ(uow.durable().audit.size(), audited);
  EXPECT_EQ(uow.order_lines("o1", clock.now()),
            (std::vector<OrderLineView>{
                {"LAMP", 4, "stock", std::nullopt, "allocated", std::nullopt},
                {"RUG", 2, std::nullopt, std::nullopt, "cancelled", std::nullopt}}));
}

TEST_F(HandlersTest, AShippedOrderLeavesTheWarehouseAndStaysListedAsShipped) {
  handle(commands::CreateBatch{"stock", "LAMP", 10, std::nullopt});
  handle(commands::Allocate{"o1", "LAMP", 4});
  handle(commands::Allocate{"o2", "LAMP", 1});
  handle(commands::ShipOrder{"o1", {}}, Actor{"warehouse", "req-5"});
  EXPECT_EQ(uow.batches_for_sku("LAMP", clock.now()),
            (std::vector<BatchView>{{"stock", std::nullopt, 6, 1, 0, 5}}));
  EXPECT_TRUE(uow.allocations_for_order("o1").empty());
  EXPECT_EQ(
      uow.order_lines("o1", clock.now()),
      (std::vector<OrderLineView>{{"LAMP", 4, "stock", std::nullopt, "shipped", std::nullopt}}));
  const Event shipped = events::LineShipped{"o1", "LAMP", 4, "stock"};
  EXPECT_EQ(uow.durable().outbox.back(), shipped);
  EXPECT_EQ(uow.durable().audit.back(), (std::pair{Actor{"warehouse", "req-5"}, shipped}));
}

TEST_F(HandlersTest, AnOrderWithALineInTransitDoesNotShipAtAll) {
  handle(commands::CreateBatch{"stock", "LAMP", 10, std::nullopt});
  handle(commands::CreateBatch{"ship", "RUG", 10, tomorrow});
  handle(commands::Allocate{"o1", "LAMP", 4});
  handle(commands::Allocate{"o1", "RUG", 2});
  try {
    handle(commands::ShipOrder{"o1", {}});
    FAIL() << "expected LineInTransit";
  } catch (const LineInTransit& error) {
    EXPECT_STREQ(error.what(),
                 "order o1 cannot ship: its line of RUG is in batch ship, which has not arrived "
                 "(ETA 2026-11-24)");
  }
  EXPECT_EQ(uow.order_lines("o1", clock.now()).size(), 2U);
  EXPECT_EQ(uow.order_lines("o1", clock.now())[0].state, "allocated");
  EXPECT_EQ(uow.batches_for_sku("LAMP", clock.now())[0].purchased_quantity, 10);
  handle(commands::ShipOrder{"o1", {"LAMP"}});
  EXPECT_EQ(uow.order_lines("o1", clock.now())[1].state, "shipped");
}

TEST_F(HandlersTest, ACancelledLineAllocatedAgainIsAllocated) {
  handle(commands::CreateBatch{"stock", "LAMP", 10, std::nullopt});
  handle(commands::Allocate{"o1", "LAMP", 4});
  handle(commands::CancelOrder{"o1", {}});
  handle(commands::Allocate{"o1", "LAMP", 4});
  EXPECT_EQ(
      uow.order_lines("o1", clock.now()),
      (std::vector<OrderLineView>{{"LAMP", 4, "stock", std::nullopt, "allocated", std::nullopt}}));
}

TEST_F(HandlersTest, EveryChangeOfStockIsAuditedWithTheActorOfItsCommand) {
  const Actor ops{"ops", "req-1"};
  const Actor shop{"shop", "req-2"};
  const Actor resize{"ops", "req-3"};
  handle(commands::CreateBatch{"in-stock", "TABLE", 10, std::nullopt}, ops);
  handle(commands::CreateBatch{"shipment", "TABLE", 10, tomorrow}, ops);
  handle(commands::Allocate{"o1", "TABLE", 6}, shop);
  handle(commands::Allocate{"o2", "TABLE", 20}, shop);
  handle(commands::ChangeBatchQuantity{"in-stock", 5, std::nullopt}, resize);
  using Entry = std::pair<Actor, Event>;
  EXPECT_EQ(uow.durable().audit,
            (std::vector<Entry>{
                {ops, events::BatchCreated{"in-stock", "TABLE", 10, std::nullopt}},
                {ops, events::BatchCreated{"shipment", "TABLE", 10, tomorrow}},
                {shop, events::Allocated{"o1", "TABLE", 6, "in-stock"}},
                {resize, events::BatchQuantityChanged{"in-stock", "TABLE", 5}},
                {resize, events::Deallocated{"o1", "TABLE", 6, "in-stock"}},
                {resize, events::Allocated{"o1", "TABLE", 6, "shipment"}},
            }));
}

TEST_F(HandlersTest, ARejectedCommandLeavesNothingInTheAuditTrail) {
  EXPECT_THROW(handle(commands::Allocate{"o1", "NO-SUCH-SKU", 1}, Actor{"shop", "req-1"}),
               InvalidSku);
  EXPECT_TRUE(uow.durable().audit.empty());
}

TEST_F(HandlersTest, AFailingEventHandlerIsCountedAndDoesNotFailTheCommand) {
  auto handlers = default_handlers(fixed_clock);
  handlers_of<events::OutOfStock>(handlers.events)
      .push_back([](const events::OutOfStock&, UnitOfWork&) {
        throw std::runtime_error{"mail server down"};
      });
  MessageBus failing_bus{uow, std::move(handlers)};
  uow.begin_group();
  failing_bus.handle(commands::CreateBatch{"b1", "LAMP", 1, std::nullopt});
  EXPECT_NO_THROW(failing_bus.handle(commands::Allocate{"o1", "LAMP", 5}));
  uow.store_group();
  EXPECT_EQ(failing_bus.failed_event_handlers(), 1U);
  EXPECT_EQ(uow.durable().outbox.back(), (Event{events::OutOfStock{"LAMP", "o1", 5}}));
}

TEST(GroupCommitter, ReportsEachOutcomeAfterTheGroupIsDurable) {
  FakeUnitOfWork uow;
  MessageBus bus{uow, default_handlers(fixed_clock)};
  GroupCommitter committer{uow, bus, fixed_clock, {}};
  auto submit = [&](Command command) {
    auto promise = std::make_shared<std::promise<Outcome>>();
    auto future = promise->get_future();
    committer.submit(std::move(command),
                     [promise](Outcome outcome) { promise->set_value(outcome); });
    return future;
  };
  auto created = submit(commands::CreateBatch{"b1", "LAMP", 10, std::nullopt});
  auto allocated = submit(commands::Allocate{"o1", "LAMP", 4});
  auto rejected = submit(commands::Allocate{"o2", "NOPE", 4});
  EXPECT_TRUE(std::holds_alternative<CommandResult>(created.get()));
  EXPECT_EQ(std::get<CommandResult>(allocated.get()).allocated_batchref, "b1");
  auto rejection = std::get<Rejection>(rejected.get());
  EXPECT_EQ(rejection.kind, ErrorKind::invalid_sku);
  EXPECT_EQ(rejection.message, "Invalid sku NOPE");
  committer.stop();
  EXPECT_EQ(uow.durable().allocations_view.size(), 1U);
  EXPECT_GE(committer.statistics().groups_committed, 1U);
  EXPECT_EQ(committer.statistics().commands_committed, 3U);
}

TEST(GroupCommitter, TellsWhereEachCommandsTimeWent) {
  FakeUnitOfWork uow;
  MessageBus bus{uow, default_handlers(fixed_clock)};
  GroupCommitter committer{uow, bus, fixed_clock, {}};
  std::promise<void> last_done;
  committer.submit(commands::CreateBatch{"b1", "LAMP", 10, std::nullopt}, [](const Outcome&) {});
  committer.submit(commands::Allocate{"o1", "LAMP", 4}, [](const Outcome&) {});
  committer.submit(commands::Allocate{"o2", "NOPE", 4},
                   [&](const Outcome&) { last_done.set_value(); });
  last_done.get_future().get();
  committer.stop();
  auto statistics = committer.statistics();
  EXPECT_EQ(statistics.waiting_seconds.count(), 3U);
  EXPECT_EQ(statistics.handling_seconds.count(), 3U);
  EXPECT_EQ(statistics.durability_seconds.count(), 3U);
  EXPECT_EQ(statistics.sync_seconds.count(), statistics.syncs);
  EXPECT_EQ(statistics.group_commands.count(), statistics.groups_committed);
  EXPECT_DOUBLE_EQ(statistics.group_commands.sum(), 3);
  EXPECT_EQ(statistics.commands_waiting, 0U);
}

TEST(GroupCommitter, ReportsAnOutcomeOnlyAfterASyncMadeItDurable) {
  FakeUnitOfWork uow;
  MessageBus bus{uow, default_handlers(fixed_clock)};
  GroupCommitter committer{uow, bus, fixed_clock, {}};
  std::promise<int> syncs_seen;
  committer.submit(commands::CreateBatch{"b1", "LAMP", 10, std::nullopt},
                   [&](const Outcome&) { syncs_seen.set_value(uow.syncs.load()); });
  EXPECT_GE(syncs_seen.get_future().get(), 1);
  committer.stop();
  EXPECT_GE(committer.statistics().syncs, 1U);
}

TEST(GroupCommitter, AGroupThatCollidesWithAnotherWriterIsHandledAgainOnFreshState) {
  FakeUnitOfWork uow;
  int attempts = 0;
  auto handlers = default_handlers(fixed_clock);
  auto& on_allocated = handlers_of<events::Allocated>(handlers.events);
  on_allocated.insert(on_allocated.begin(), [&](const events::Allocated&, UnitOfWork&) {
    if (++attempts == 1) throw ConcurrencyConflict{"LAMP"};
  });
  MessageBus bus{uow, std::move(handlers)};
  GroupCommitter committer{uow, bus, fixed_clock, {}};
  std::promise<Outcome> created;
  std::promise<Outcome> allocated;
  committer.submit(commands::CreateBatch{"b1", "LAMP", 10, std::nullopt},
                   [&](Outcome outcome) { created.set_value(std::move(outcome)); });
  created.get_future().get();
  committer.submit(commands::Allocate{"o1", "LAMP", 5},
                   [&](Outcome outcome) { allocated.set_value(std::move(outcome)); });
  EXPECT_EQ(std::get<CommandResult>(allocated.get_future().get()).allocated_batchref, "b1");
  committer.stop();
  EXPECT_EQ(attempts, 2);
  EXPECT_EQ(committer.statistics().conflicts, 1U);
  EXPECT_EQ(uow.allocations_for_order("o1").size(), 1U);
  EXPECT_EQ(uow.batches_for_sku("LAMP", fixed_clock.now())[0].available_quantity, 5);
}

TEST(GroupCommitter, RejectsWhatArrivesAfterStop) {
  FakeUnitOfWork uow;
  MessageBus bus{uow, default_handlers(fixed_clock)};
  GroupCommitter committer{uow, bus, fixed_clock, {}};
  committer.stop();
  std::optional<Outcome> outcome;
  committer.submit(commands::Allocate{"o1", "LAMP", 1}, [&](Outcome o) { outcome = o; });
  ASSERT_TRUE(outcome);
  EXPECT_EQ(std::get<Rejection>(*outcome).kind, ErrorKind::overloaded);
}

}  // namespace
}  // namespace allocation::service_layer
