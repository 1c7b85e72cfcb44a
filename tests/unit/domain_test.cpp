#include <gtest/gtest.h>

#include <sstream>
#include <unordered_set>

#include "domain/batch.hpp"
#include "domain/commands.hpp"
#include "domain/date.hpp"
#include "domain/events.hpp"
#include "domain/product.hpp"

namespace allocation::domain {
namespace {

// Time stands still in the tests without holds.
constexpr Instant now{};

Date day(int y, unsigned m, unsigned d) {
  return Date{std::chrono::year{y} / std::chrono::month{m} / std::chrono::day{d}};
}

const Date today = day(2026, 11, 23);
const Date tomorrow = day(2026, 11, 24);
const Date later = day(2026, 12, 31);

TEST(Date, ParsesAndPrintsIsoDates) {
  EXPECT_EQ(Date::parse_iso("2026-11-23"), today);
  EXPECT_EQ(today.iso(), "2026-11-23");
  EXPECT_EQ(Date::parse_iso("2024-02-29"), day(2024, 2, 29));
}

TEST(Date, RejectsWhatIsNotACalendarDay) {
  for (const char* text : {"", "2026-1-23", "2026-13-01", "2025-02-29", "2026-11-23T10:00",
                           "20261123", "abcd-ef-gh", "2026-11-3 ", " 2026-11-23"}) {
    EXPECT_FALSE(Date::parse_iso(text)) << text;
  }
}

TEST(Date, OrdersChronologically) {
  EXPECT_LT(today, tomorrow);
  EXPECT_LT(tomorrow, later);
}

TEST(OrderLine, IsAValueThatHashesByItsFields) {
  OrderLine a{"order1", "LAMP", 2};
  EXPECT_EQ(a, (OrderLine{"order1", "LAMP", 2}));
  EXPECT_NE(a, (OrderLine{"order1", "LAMP", 3}));
  std::unordered_set<OrderLine> lines{a, OrderLine{"order1", "LAMP", 2},
                                      OrderLine{"o2", "LAMP", 2}};
  EXPECT_EQ(lines.size(), 2U);
  std::ostringstream text;
  text << a;
  EXPECT_EQ(text.str(), "OrderLine(order1, LAMP, 2)");
}

TEST(Batch, AllocatingReducesAvailableQuantity) {
  Batch batch{"batch-001", "SMALL-TABLE", 20, today};
  batch.allocate(OrderLine{"order-ref", "SMALL-TABLE", 2}, now);
  EXPECT_EQ(batch.available_quantity(now), 18);
}

TEST(Batch, CanAllocateWhenAvailableIsAtLeastRequired) {
  Batch batch{"b", "ELEGANT-LAMP", 20, std::nullopt};
  EXPECT_TRUE(batch.can_allocate(OrderLine{"o", "ELEGANT-LAMP", 2}, now));
  EXPECT_TRUE(batch.can_allocate(OrderLine{"o", "ELEGANT-LAMP", 20}, now));
  EXPECT_FALSE(batch.can_allocate(OrderLine{"o", "ELEGANT-LAMP", 21}, now));
}

TEST(Batch, CannotAllocateWhenSkusDoNotMatch) {
  Batch batch{"b", "UNCOMFORTABLE-CHAIR", 100, std::nullopt};
  EXPECT_FALSE(batch.can_allocate(OrderLine{"o", "EXPENSIVE-TOASTER", 10}, now));
}

TEST(Batch, AllocationIsIdempotent) {
  Batch batch{"b", "ANGULAR-DESK", 20, std::nullopt};
  OrderLine line{"o", "ANGULAR-DESK", 2};
  batch.allocate(line, now);
  batch.allocate(line, now);
  EXPECT_EQ(batch.available_quantity(now), 18);
  EXPECT_EQ(batch.allocations().size(), 1U);
}

TEST(Batch, DeallocatesMostRecentFirst) {
  Batch batch{"b", "DESK", 20, std::nullopt};
  batch.allocate(OrderLine{"first", "DESK", 2}, now);
  batch.allocate(OrderLine{"second", "DESK", 3}, now);
  EXPECT_EQ(batch.deallocate_most_recent(), (OrderLine{"second", "DESK", 3}));
  EXPECT_EQ(batch.available_quantity(now), 18);
  EXPECT_FALSE(batch.holds(OrderLine{"second", "DESK", 3}));
}

TEST(Batch, DeallocatesOnlyAnAllocatedLine) {
  Batch batch{"b", "DESK", 20, std::nullopt};
  batch.allocate(OrderLine{"first", "DESK", 2}, now);
  batch.allocate(OrderLine{"second", "DESK", 3}, now);
  EXPECT_FALSE(batch.deallocate(OrderLine{"third", "DESK", 2}));
  EXPECT_TRUE(batch.deallocate(OrderLine{"first", "DESK", 2}));
  EXPECT_FALSE(batch.deallocate(OrderLine{"first", "DESK", 2}));
  EXPECT_EQ(batch.available_quantity(now), 17);
  EXPECT_EQ(batch.allocations(), (std::vector<OrderLine>{{"second", "DESK", 3}}));
}

TEST(Batch, IsAnEntityComparedByReference) {
  EXPECT_EQ((Batch{"b1", "A", 1, std::nullopt}), (Batch{"b1", "B", 5, today}));
  EXPECT_NE((Batch{"b1", "A", 1, std::nullopt}), (Batch{"b2", "A", 1, std::nullopt}));
}

class ProductTest : public ::testing::Test {
 protected:
  Product product{"RETRO-CLOCK"};
  OrderLine line{"oref", "RETRO-CLOCK", 10};
};

TEST_F(ProductTest, PrefersWarehouseBatchesToShipments) {
  product.add_batch("shipment-batch", 100, tomorrow);
  product.add_batch("in-stock-batch", 100, std::nullopt);
  EXPECT_EQ(product.allocate(line, now), "in-stock-batch");
  EXPECT_EQ(product.find_batch("in-stock-batch")->available_quantity(now), 90);
  EXPECT_EQ(product.find_batch("shipment-batch")->available_quantity(now), 100);
}

TEST_F(ProductTest, PrefersEarlierShipments) {
  product.add_batch("slow", 100, later);
  product.add_batch("speedy", 100, today);
  product.add_batch("normal", 100, tomorrow);
  EXPECT_EQ(product.allocate(line, now), "speedy");
}

TEST_F(ProductTest, BreaksTiesByReference) {
  product.add_batch("b-second", 100, tomorrow);
  product.add_batch("a-first", 100, tomorrow);
  product.add_batch("z-warehouse", 100, std::nullopt);
  product.add_batch("y-warehouse", 100, std::nullopt);
  EXPECT_EQ(product.allocate(line, now), "y-warehouse");
  std::vector<std::string> order;
  for (const auto& batch : product.batches()) order.push_back(batch.reference());
  EXPECT_EQ(order, (std::vector<std::string>{"y-warehouse", "z-warehouse", "a-first", "b-second"}));
}

TEST_F(ProductTest, AShipmentThatArrivesIsPreferredForLinesToComeAndKeepsItsLines) {
  product.add_batch("early", 100, tomorrow);
  product.add_batch("late", 100, later);
  EXPECT_EQ(product.allocate(line, now), "early");
  auto version = product.version_number();
  product.take_events();
  product.change_batch_eta("late", std::nullopt);
  EXPECT_EQ(product.take_events(),
            (std::vector<Event>{events::BatchEtaChanged{"late", "RETRO-CLOCK", std::nullopt}}));
  EXPECT_EQ(product.version_number(), version + 1);
  EXPECT_EQ(product.batches().front().reference(), "late");
  EXPECT_TRUE(product.find_batch("early")->holds(line));
  EXPECT_EQ(product.allocate(OrderLine{"o2", "RETRO-CLOCK", 10}, now), "late");
}

TEST_F(ProductTest, ADelayedShipmentFallsBehindEarlierOnes) {
  product.add_batch("a", 100, today);
  product.add_batch("b", 100, tomorrow);
  product.change_batch_eta("a", later);
  EXPECT_EQ(product.batches().front().reference(), "b");
  EXPECT_EQ(product.find_batch("a")->eta(), later);
}

TEST_F(ProductTest, TheSameEtaAgainChangesNothing) {
  product.add_batch("a", 100, today);
  product.take_events();
  auto version = product.version_number();
  product.change_batch_eta("a", today);
  EXPECT_TRUE(product.take_events().empty());
  EXPECT_EQ(product.version_number(), version);
}

TEST_F(ProductTest, CancellingAnOrderReturnsEachOfItsLinesAndNoOtherOrders) {
  product.add_batch("stock", 100, std::nullopt);
  product.add_batch("ship", 100, tomorrow);
  product.allocate(line, now);
  product.allocate(OrderLine{"other", "RETRO-CLOCK", 5}, now);
  product.allocate(OrderLine{"oref", "RETRO-CLOCK", 95}, now);
  product.take_events();
  auto version = product.version_number();
  product.cancel_order("oref", now);
  using events::DeallocationReason::cancelled;
  EXPECT_EQ(
      product.take_events(),
      (std::vector<Event>{events::Deallocated{"oref", "RETRO-CLOCK", 10, "stock", cancelled},
                          events::Deallocated{"oref", "RETRO-CLOCK", 95, "ship", cancelled}}));
  EXPECT_EQ(product.version_number(), version + 1);
  EXPECT_EQ(product.find_batch("stock")->available_quantity(now), 95);
  EXPECT_EQ(product.find_batch("ship")->available_quantity(now), 100);
  product.cancel_order("oref", now);
  EXPECT_TRUE(product.take_events().empty());
  EXPECT_EQ(product.version_number(), version + 1);
}

TEST_F(ProductTest, ALineThatFindsNoBatchWhenPlacedAgainIsAnnouncedUnallocated) {
  product.add_batch("small", 5, std::nullopt);
  EXPECT_EQ(product.reallocate(line, now), std::nullopt);
  EXPECT_EQ(product.take_events(),
            (std::vector<Event>{events::BatchCreated{"small", "RETRO-CLOCK", 5, std::nullopt},
                                events::OutOfStock{"RETRO-CLOCK", "oref", 10},
                                events::LineUnallocated{"oref", "RETRO-CLOCK", 10}}));
}

TEST_F(ProductTest, ShippingAnOrderTakesItsLinesOutOfTheWarehouseAndRetiresThem) {
  product.add_batch("stock", 100, std::nullopt);
  product.allocate(line, now);
  product.allocate(OrderLine{"other", "RETRO-CLOCK", 5}, now);
  product.take_events();
  auto version = product.version_number();
  EXPECT_TRUE(product.lines_in_transit("oref").empty());
  product.ship_order("oref");
  EXPECT_EQ(product.take_events(),
            (std::vector<Event>{events::LineShipped{"oref", "RETRO-CLOCK", 10, "stock"}}));
  const Batch& stock = *product.find_batch("stock");
  EXPECT_EQ(stock.purchased_quantity(), 90);
  EXPECT_EQ(stock.available_quantity(now), 85);
  EXPECT_EQ(stock.allocations(), (std::vector<OrderLine>{{"other", "RETRO-CLOCK", 5}}));
  EXPECT_EQ(product.version_number(), version + 1);
  product.ship_order("oref");
  EXPECT_TRUE(product.take_events().empty());
}

TEST_F(ProductTest, ALineInABatchThatHasNotArrivedIsInTransit) {
  product.add_batch("ship", 100, tomorrow);
  product.allocate(line, now);
  auto in_transit = product.lines_in_transit("oref");
  ASSERT_EQ(in_transit.size(), 1U);
  EXPECT_EQ(in_transit[0].first, line);
  EXPECT_EQ(in_transit[0].second->reference(), "ship");
  EXPECT_TRUE(product.lines_in_transit("other").empty());
}

TEST_F(ProductTest, SkipsBatchesThatCannotTakeTheWholeLine) {
  product.add_batch("small-warehouse", 5, std::nullopt);
  product.add_batch("big-shipment", 100, tomorrow);
  EXPECT_EQ(product.allocate(line, now), "big-shipment");
  EXPECT_EQ(product.find_batch("small-warehouse")->available_quantity(now), 5);
}

TEST_F(ProductTest, RecordsAllocatedEvent) {
  product.add_batch("b1", 100, std::nullopt);
  product.take_events();
  product.allocate(line, now);
  EXPECT_EQ(product.take_events(),
            (std::vector<Event>{events::Allocated{"oref", "RETRO-CLOCK", 10, "b1"}}));
}

TEST_F(ProductTest, OutOfStockRecordsEventAndAllocatesNothing) {
  product.add_batch("b1", 10, std::nullopt);
  product.allocate(OrderLine{"order1", "RETRO-CLOCK", 10}, now);
  product.take_events();
  auto version = product.version_number();
  EXPECT_EQ(product.allocate(OrderLine{"order2", "RETRO-CLOCK", 1}, now), std::nullopt);
  EXPECT_EQ(product.take_events(),
            (std::vector<Event>{events::OutOfStock{"RETRO-CLOCK", "order2", 1}}));
  EXPECT_EQ(product.version_number(), version);
  EXPECT_EQ(product.find_batch("b1")->available_quantity(now), 0);
}

TEST_F(ProductTest, AllocatingTheSameLineTwiceChangesNothingAndRaisesNothing) {
  product.add_batch("b1", 100, std::nullopt);
  product.add_batch("b2", 100, tomorrow);
  EXPECT_EQ(product.allocate(line, now), "b1");
  product.take_events();
  auto version = product.version_number();
  EXPECT_EQ(product.allocate(line, now), "b1");
  EXPECT_TRUE(product.pending_events().empty());
  EXPECT_EQ(product.version_number(), version);
  EXPECT_EQ(product.find_batch("b1")->available_quantity(now), 90);
  EXPECT_EQ(product.find_batch("b2")->available_quantity(now), 100);
}

TEST_F(ProductTest, VersionIncrementsOnEveryChange) {
  EXPECT_EQ(product.version_number(), 0);
  product.add_batch("b1", 100, std::nullopt);
  EXPECT_EQ(product.version_number(), 1);
  product.allocate(line, now);
  EXPECT_EQ(product.version_number(), 2);
  product.change_batch_quantity("b1", 50, now);
  EXPECT_EQ(product.version_number(), 3);
}

TEST_F(ProductTest, ShrinkingABatchDeallocatesMostRecentLinesUntilItFits) {
  product.add_batch("b1", 20, std::nullopt);
  product.allocate(OrderLine{"o1", "RETRO-CLOCK", 10}, now);
  product.allocate(OrderLine{"o2", "RETRO-CLOCK", 5}, now);
  product.allocate(OrderLine{"o3", "RETRO-CLOCK", 5}, now);
  product.take_events();
  product.change_batch_quantity("b1", 12, now);
  EXPECT_EQ(product.take_events(),
            (std::vector<Event>{events::BatchQuantityChanged{"b1", "RETRO-CLOCK", 12},
                                events::Deallocated{"o3", "RETRO-CLOCK", 5, "b1"},
                                events::Deallocated{"o2", "RETRO-CLOCK", 5, "b1"}}));
  EXPECT_EQ(product.find_batch("b1")->available_quantity(now), 2);
}

TEST_F(ProductTest, GrowingABatchDeallocatesNothing) {
  product.add_batch("b1", 20, std::nullopt);
  product.allocate(line, now);
  product.take_events();
  product.change_batch_quantity("b1", 50, now);
  EXPECT_EQ(product.take_events(),
            (std::vector<Event>{events::BatchQuantityChanged{"b1", "RETRO-CLOCK", 50}}));
  EXPECT_EQ(product.find_batch("b1")->available_quantity(now), 40);
}

TEST(Messages, PrintTheWayAReaderExpects) {
  std::ostringstream text;
  text << Event{events::Allocated{"o1", "LAMP", 3, "b1"}} << "; "
       << Command{commands::CreateBatch{"b1", "LAMP", 10, today}} << "; "
       << Command{commands::ChangeBatchQuantity{"b1", 5, std::nullopt}};
  EXPECT_EQ(text.str(),
            "Allocated(orderid=o1, sku=LAMP, qty=3, batchref=b1); "
            "CreateBatch(ref=b1, sku=LAMP, qty=10, eta=2026-11-23); "
            "ChangeBatchQuantity(ref=b1, qty=5, expected_qty=null)");
}

}  // namespace
}  // namespace allocation::domain
