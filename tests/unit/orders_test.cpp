#include <gtest/gtest.h>

#include <chrono>

#include "domain/product.hpp"

namespace allocation::domain {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

const Instant start{std::chrono::sys_days{std::chrono::year{2026} / 12 / 1}};
const Instant expiry = start + seconds{900};

Product lamps_in(std::vector<std::pair<std::string, std::int64_t>> batches) {
  Product product{"LAMP"};
  for (auto& [reference, quantity] : batches) {
    product.add_batch(reference, quantity, std::nullopt);
  }
  product.take_events();
  return product;
}

// Plans the line and takes what the plan found, as a whole order does.
std::vector<Part> place(Product& product, const OrderLine& line, bool split,
                        std::optional<Instant> hold_until) {
  auto parts = product.plan(line, split, start);
  product.place(line, parts, hold_until, start);
  return parts;
}

TEST(Orders, ALineTakesOneBatchUnlessItMaySplit) {
  Product product = lamps_in({{"b1", 6}, {"b2", 6}});
  OrderLine line{"o1", "LAMP", 10};
  EXPECT_TRUE(product.plan(line, false, start).empty());
  EXPECT_EQ(product.obtainable(false, start), 6);
  EXPECT_EQ(product.obtainable(true, start), 12);
  EXPECT_EQ(product.plan(line, true, start), (std::vector<Part>{{"b1", 6}, {"b2", 4}}));
  EXPECT_EQ(place(product, line, true, std::nullopt), (std::vector<Part>{{"b1", 6}, {"b2", 4}}));
  EXPECT_EQ(product.take_events(), (std::vector<Event>{events::Allocated{"o1", "LAMP", 6, "b1"},
                                                       events::Allocated{"o1", "LAMP", 4, "b2"}}));
  EXPECT_EQ(product.find_batch("b2")->available_quantity(start), 2);
}

TEST(Orders, APartOfASplitLineThatLosesItsBatchIsPlacedAgainBesideItsTwin) {
  Product product = lamps_in({{"b1", 3}, {"b2", 3}, {"b3", 3}});
  OrderLine line{"o1", "LAMP", 6};
  place(product, line, true, std::nullopt);
  product.take_events();
  product.change_batch_quantity("b1", 0, start);
  product.take_events();
  EXPECT_EQ(product.reallocate(OrderLine{"o1", "LAMP", 3}, start), "b3");
  EXPECT_EQ(product.find_batch("b2")->allocated_quantity(), 3);
  EXPECT_EQ(product.find_batch("b3")->allocated_quantity(), 3);
}

TEST(Orders, APlanChangesNothing) {
  Product product = lamps_in({{"b1", 6}});
  auto version = product.version_number();
  EXPECT_EQ(product.plan(OrderLine{"o1", "LAMP", 2}, false, start), (std::vector<Part>{{"b1", 2}}));
  EXPECT_EQ(product.version_number(), version);
  EXPECT_TRUE(product.pending_events().empty());
  EXPECT_EQ(product.find_batch("b1")->available_quantity(start), 6);
}

TEST(Holds, AHoldTakesStockFromAvailabilityWithoutAllocatingIt) {
  Product product = lamps_in({{"b1", 10}});
  place(product, OrderLine{"o1", "LAMP", 4}, false, expiry);
  const Batch& batch = *product.find_batch("b1");
  EXPECT_EQ(batch.available_quantity(start), 6);
  EXPECT_EQ(batch.held_quantity(start), 4);
  EXPECT_EQ(batch.allocated_quantity(), 0);
  EXPECT_EQ(product.held_for("o1", start), 4);
  EXPECT_EQ(product.take_events(),
            (std::vector<Event>{events::OrderHeld{"o1", "LAMP", 4, "b1", expiry}}));
}

TEST(Holds, AHoldCountsUntilJustBeforeItsExpiryAndForNothingFromThenOn) {
  Product product = lamps_in({{"b1", 10}});
  place(product, OrderLine{"held", "LAMP", 10}, false, expiry);
  const Batch& batch = *product.find_batch("b1");
  EXPECT_EQ(batch.available_quantity(expiry - milliseconds{1}), 0);
  EXPECT_EQ(product.held_for("held", expiry - milliseconds{1}), 10);
  EXPECT_EQ(batch.available_quantity(expiry), 10);
  EXPECT_EQ(product.held_for("held", expiry), 0);
  EXPECT_EQ(batch.available_quantity(expiry + milliseconds{1}), 10);
}

TEST(Holds, TheNextRequestTakesAnExpiredHoldsStockBeforeAnySweep) {
  Product product = lamps_in({{"b1", 10}});
  place(product, OrderLine{"held", "LAMP", 10}, false, expiry);
  product.take_events();
  EXPECT_EQ(product.allocate(OrderLine{"early", "LAMP", 1}, expiry - milliseconds{1}),
            std::nullopt);
  EXPECT_EQ(product.allocate(OrderLine{"next", "LAMP", 10}, expiry), "b1");
  product.take_events();
  product.release_expired_holds(expiry);
  EXPECT_EQ(product.take_events(),
            (std::vector<Event>{events::HoldReleased{"held", "LAMP", 10, "b1",
                                                     events::HoldReleaseReason::expired}}));
  EXPECT_TRUE(product.find_batch("b1")->hold_list().empty());
  EXPECT_EQ(product.find_batch("b1")->available_quantity(expiry), 0);
}

TEST(Holds, ASweepBeforeExpiryReleasesNothing) {
  Product product = lamps_in({{"b1", 10}});
  place(product, OrderLine{"held", "LAMP", 3}, false, expiry);
  product.take_events();
  auto version = product.version_number();
  product.release_expired_holds(expiry - milliseconds{1});
  EXPECT_TRUE(product.pending_events().empty());
  EXPECT_EQ(product.version_number(), version);
}

TEST(Holds, AConfirmationOfLessReturnsTheRestInPreferenceOrder) {
  Product product = lamps_in({{"b1", 3}, {"b2", 10}});
  place(product, OrderLine{"o1", "LAMP", 5}, true, expiry);
  product.take_events();
  product.confirm_holds("o1", 4, start);
  EXPECT_EQ(product.take_events(),
            (std::vector<Event>{events::HoldConfirmed{"o1", "LAMP", 3, "b1", 0},
                                events::HoldConfirmed{"o1", "LAMP", 1, "b2", 1}}));
  EXPECT_EQ(product.find_batch("b1")->allocated_quantity(), 3);
  EXPECT_EQ(product.find_batch("b2")->allocated_quantity(), 1);
  EXPECT_EQ(product.find_batch("b2")->available_quantity(start), 9);
  EXPECT_EQ(product.held_for("o1", start), 0);
}

TEST(Holds, ConfirmingNothingOfAHoldReleasesIt) {
  Product product = lamps_in({{"b1", 10}});
  place(product, OrderLine{"o1", "LAMP", 5}, false, expiry);
  product.take_events();
  product.confirm_holds("o1", 0, start);
  EXPECT_EQ(product.take_events(),
            (std::vector<Event>{events::HoldReleased{"o1", "LAMP", 5, "b1",
                                                     events::HoldReleaseReason::cancelled}}));
  EXPECT_EQ(product.find_batch("b1")->available_quantity(start), 10);
}

TEST(Holds, CancellingReleasesALiveHoldAsCancelledAndAnExpiredOneAsExpired) {
  Product product = lamps_in({{"b1", 10}});
  place(product, OrderLine{"live", "LAMP", 2}, false, expiry + seconds{60});
  place(product, OrderLine{"late", "LAMP", 3}, false, expiry);
  product.take_events();
  product.cancel_order("live", expiry);
  product.cancel_order("late", expiry);
  EXPECT_EQ(
      product.take_events(),
      (std::vector<Event>{
          events::HoldReleased{"live", "LAMP", 2, "b1", events::HoldReleaseReason::cancelled},
          events::HoldReleased{"late", "LAMP", 3, "b1", events::HoldReleaseReason::expired}}));
  product.cancel_order("live", expiry);
  EXPECT_TRUE(product.pending_events().empty());
}

TEST(Holds, ASmallerBatchReleasesItsLatestHoldsBeforeItsAllocations) {
  Product product = lamps_in({{"b1", 10}});
  product.allocate(OrderLine{"allocated", "LAMP", 4}, start);
  place(product, OrderLine{"soon", "LAMP", 3}, false, expiry);
  place(product, OrderLine{"later", "LAMP", 3}, false, expiry + seconds{1});
  product.take_events();
  product.change_batch_quantity("b1", 6, start);
  EXPECT_EQ(
      product.take_events(),
      (std::vector<Event>{events::BatchQuantityChanged{"b1", "LAMP", 6},
                          events::HoldReleased{"later", "LAMP", 3, "b1",
                                               events::HoldReleaseReason::quantity_changed},
                          events::HoldReleased{"soon", "LAMP", 3, "b1",
                                               events::HoldReleaseReason::quantity_changed}}));
  EXPECT_EQ(product.find_batch("b1")->available_quantity(start), 2);
}

TEST(Instants, AreWrittenAndReadAsRfc3339InUtc) {
  Instant at = start + std::chrono::hours{13} + std::chrono::minutes{5} + milliseconds{7'042};
  EXPECT_EQ(rfc3339(at), "2026-12-01T13:05:07.042Z");
  EXPECT_EQ(parse_rfc3339("2026-12-01T13:05:07.042Z"), at);
  EXPECT_EQ(parse_rfc3339("2026-12-01T24:00:00.000Z"), std::nullopt);
  EXPECT_EQ(parse_rfc3339("2026-12-01 13:05:07Z"), std::nullopt);
}

}  // namespace
}  // namespace allocation::domain
