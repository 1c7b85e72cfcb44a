#include <gtest/gtest.h>

#include "fakes/fake_unit_of_work.hpp"
#include "fakes/settable_clock.hpp"
#include "service_layer/errors.hpp"
#include "service_layer/message_bus.hpp"

namespace allocation::service_layer {
namespace {

using namespace domain;
using std::chrono::seconds;

class OrderHandlersTest : public ::testing::Test {
 protected:
  OrderHandlersTest() {
    handle(commands::CreateBatch{"lamps", "LAMP", 10, std::nullopt});
    handle(commands::CreateBatch{"rugs", "RUG", 2, std::nullopt});
  }

  CommandResult handle(const Command& command) {
    uow.begin_group();
    try {
      auto result = bus.handle(command);
      uow.store_group();
      return result;
    } catch (...) {
      uow.discard_group();
      throw;
    }
  }

  OrderPlacement place(const std::string& orderid, std::vector<commands::RequestedLine> lines,
                       std::optional<std::int64_t> hold_seconds = std::nullopt,
                       bool dry_run = false) {
    return handle(commands::PlaceOrder{orderid, std::move(lines), hold_seconds, dry_run}).placement;
  }

  testing::SettableClock clock;
  testing::FakeUnitOfWork uow;
  MessageBus bus{uow, default_handlers(clock)};
};

TEST_F(OrderHandlersTest, AnOrderThatCannotBeWholeChangesNothingAndSaysWhatIsMissing) {
  auto placement = place("o1", {{"LAMP", 3, false}, {"RUG", 2, false}, {"RUG", 1, false}});
  EXPECT_EQ(placement.unavailable, (std::vector<Shortfall>{{"RUG", 3, 2}}));
  EXPECT_TRUE(uow.order_lines("o1", clock.now()).empty());
  EXPECT_EQ(uow.batches_for_sku("LAMP", clock.now())[0].available_quantity, 10);
  EXPECT_THROW(place("o2", {{"NOSUCH", 1, false}}), InvalidSku);
}

TEST_F(OrderHandlersTest, TheSameOrderAgainChangesNothingAndAnotherWithItsIdIsRefused) {
  place("o1", {{"LAMP", 3, false}, {"RUG", 1, false}});
  auto audited = uow.durable().audit.size();
  EXPECT_TRUE(
      place("o1", {{"RUG", 1, false}, {"LAMP", 2, false}, {"LAMP", 1, false}}).already_placed);
  EXPECT_EQ(uow.durable().audit.size(), audited);
  EXPECT_THROW(place("o1", {{"LAMP", 4, false}}), OrderRefused);
}

TEST_F(OrderHandlersTest, EachOrderCommandSaysWhatTheOrderIsOnceItIsDone) {
  auto placed = handle(commands::PlaceOrder{"o1", {{"LAMP", 3, false}}, 60, false});
  EXPECT_EQ(placed.order, uow.order_lines("o1", clock.now()));
  EXPECT_EQ(handle(commands::PlaceOrder{"o1", {{"LAMP", 3, false}}, 60, false}).order,
            placed.order);
  auto confirmed = handle(commands::ConfirmOrder{"o1", {}});
  ASSERT_EQ(confirmed.order.size(), 1U);
  EXPECT_EQ(confirmed.order[0].state, "allocated");
  auto cancelled = handle(commands::CancelOrder{"o1", {}});
  ASSERT_EQ(cancelled.order.size(), 1U);
  EXPECT_EQ(cancelled.order[0].state, "cancelled");
  EXPECT_EQ(cancelled.order, uow.order_lines("o1", clock.now()));
  EXPECT_FALSE(cancelled.order_to_read);
}

TEST_F(OrderHandlersTest, ADryRunSaysWhatWouldHappenAndStoresNothing) {
  auto outbox_before = uow.durable().outbox;
  auto result = handle(commands::PlaceOrder{"o1", {{"LAMP", 3, false}}, 60, true});
  ASSERT_EQ(result.order.size(), 1U);
  EXPECT_EQ(result.order[0].batchref, "lamps");
  EXPECT_EQ(result.order[0].state, "held");
  EXPECT_EQ(result.placement.expires_at, clock.now() + seconds{60});
  EXPECT_TRUE(uow.order_lines("o1", clock.now()).empty());
  EXPECT_EQ(uow.durable().outbox, outbox_before);
  EXPECT_EQ(uow.batches_for_sku("LAMP", clock.now())[0].held_quantity, 0);
}

TEST_F(OrderHandlersTest, AHoldIsConfirmedOnceAndNotAfterItExpired) {
  place("o1", {{"LAMP", 4, false}}, 60);
  place("o2", {{"LAMP", 4, false}}, 60);
  EXPECT_EQ(uow.order_lines("o1", clock.now())[0].state, "held");
  handle(commands::ConfirmOrder{"o1", {{"LAMP", 3, false}}});
  EXPECT_EQ(uow.order_lines("o1", clock.now())[0].state, "allocated");
  EXPECT_EQ(uow.order_lines("o1", clock.now())[0].qty, 3);
  EXPECT_THROW(handle(commands::ConfirmOrder{"o1", {}}), OrderRefused);

  clock.advance(seconds{60});
  EXPECT_EQ(uow.order_lines("o2", clock.now())[0].state, "expired");
  EXPECT_EQ(uow.batches_for_sku("LAMP", clock.now())[0].available_quantity, 7);
  EXPECT_THROW(handle(commands::ConfirmOrder{"o2", {}}), OrderRefused);
  EXPECT_THROW(handle(commands::ConfirmOrder{"nobody", {}}), UnknownOrder);
}

TEST_F(OrderHandlersTest, TheSweepRecordsAnExpiryAfterItsStockWasTaken) {
  place("held", {{"RUG", 2, false}}, 1);
  clock.advance(seconds{1});
  EXPECT_TRUE(handle(commands::Allocate{"next", "RUG", 2}).allocated_batchref.has_value());
  handle(commands::ReleaseExpiredHolds{});
  const Event expired =
      events::HoldReleased{"held", "RUG", 2, "rugs", events::HoldReleaseReason::expired};
  EXPECT_EQ(uow.durable().outbox.back(), expired);
  EXPECT_EQ(uow.durable().audit.back().second, expired);
  EXPECT_EQ(uow.order_lines("held", clock.now())[0].state, "expired");
  EXPECT_EQ(uow.batches_for_sku("RUG", clock.now())[0].available_quantity, 0);
  EXPECT_EQ(uow.batches_for_sku("RUG", clock.now())[0].held_quantity, 0);
}

TEST_F(OrderHandlersTest, AHeldLineCannotShip) {
  place("o1", {{"LAMP", 1, false}}, 60);
  EXPECT_THROW(handle(commands::ShipOrder{"o1", {}}), OrderRefused);
  handle(commands::ConfirmOrder{"o1", {}});
  handle(commands::ShipOrder{"o1", {}});
  EXPECT_EQ(uow.order_lines("o1", clock.now())[0].state, "shipped");
}

}  // namespace
}  // namespace allocation::service_layer
