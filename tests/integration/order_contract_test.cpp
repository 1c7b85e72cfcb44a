// The contract of the storage adapters for whole orders and holds, run against each of them.
#include <gtest/gtest.h>

#include <chrono>

#include "integration/test_database.hpp"

namespace allocation {
namespace {

using namespace domain;
using namespace service_layer;
using std::chrono::seconds;
using testing::TestDatabase;
using testing::Writer;

class OrderContract : public ::testing::TestWithParam<std::string> {
 protected:
  std::unique_ptr<TestDatabase> database = TestDatabase::create(GetParam());
};

commands::PlaceOrder order(std::string orderid, std::vector<commands::RequestedLine> lines,
                           std::optional<std::int64_t> hold_seconds = std::nullopt) {
  return {std::move(orderid), std::move(lines), hold_seconds, false};
}

TEST_P(OrderContract, HoldsAndSplitLinesSurviveReopeningAndExpireByTimeAlone) {
  Instant placed_at;
  {
    Writer writer{database->url()};
    placed_at = writer.clock.now();
    writer.handle(commands::CreateBatch{"b1", "LAMP", 10, std::nullopt});
    writer.handle(commands::CreateBatch{"b2", "LAMP", 3, Date::parse_iso("2027-01-01")});
    writer.handle(order("held", {{"LAMP", 4, false}}, 60));
    writer.handle(order("split", {{"LAMP", 9, true}}));
    writer.uow().make_durable();
  }
  Instant expiry = placed_at + seconds{60};
  Writer reopened{database->url()};
  reopened.uow().begin_group();
  const Product& product = *reopened.uow().products().get("LAMP");
  EXPECT_EQ(product.find_batch("b1")->hold_list(),
            (std::vector<Hold>{{{"held", "LAMP", 4}, expiry}}));
  EXPECT_EQ(product.find_batch("b1")->allocations(),
            (std::vector<OrderLine>{{"split", "LAMP", 6}}));
  EXPECT_EQ(product.find_batch("b2")->allocations(),
            (std::vector<OrderLine>{{"split", "LAMP", 3}}));
  reopened.uow().discard_group();

  auto& read_model = reopened.read_model();
  EXPECT_EQ(read_model.batches_for_sku("LAMP", expiry - seconds{1}),
            (std::vector<BatchView>{{"b1", std::nullopt, 10, 6, 4, 0},
                                    {"b2", "2027-01-01", 3, 3, 0, 0}}));
  EXPECT_EQ(read_model.batches_for_sku("LAMP", expiry),
            (std::vector<BatchView>{{"b1", std::nullopt, 10, 6, 0, 4},
                                    {"b2", "2027-01-01", 3, 3, 0, 0}}));
  EXPECT_EQ(read_model.order_lines("held", expiry - seconds{1}),
            (std::vector<OrderLineView>{{"LAMP", 4, "b1", std::nullopt, "held", expiry}}));
  EXPECT_EQ(
      read_model.order_lines("held", expiry),
      (std::vector<OrderLineView>{{"LAMP", 4, std::nullopt, std::nullopt, "expired", expiry}}));
  EXPECT_EQ(
      read_model.order_lines("split", expiry),
      (std::vector<OrderLineView>{{"LAMP", 6, "b1", std::nullopt, "allocated", std::nullopt},
                                  {"LAMP", 3, "b2", "2027-01-01", "allocated", std::nullopt}}));
  EXPECT_EQ(database->scalar("SELECT count(*) FROM outbox WHERE event = 'OrderHeld'"), 1);
  EXPECT_EQ(database->scalar("SELECT count(*) FROM audit WHERE action = 'OrderHeld'"), 1);
}

TEST_P(OrderContract, ConfirmationCancellationAndTheSweepChangeTheirRows) {
  Writer writer{database->url()};
  writer.handle(commands::CreateBatch{"b1", "LAMP", 3, std::nullopt});
  writer.handle(commands::CreateBatch{"b2", "LAMP", 3, std::nullopt});
  writer.handle(commands::CreateBatch{"rugs", "RUG", 10, std::nullopt});
  writer.handle(order("confirmed", {{"RUG", 5, false}}, 60));
  writer.handle(order("twins", {{"LAMP", 6, true}}));
  writer.handle(order("lapsed", {{"RUG", 2, false}}, 1));
  writer.handle(commands::ConfirmOrder{"confirmed", {{"RUG", 3, false}}});
  writer.handle(commands::CancelOrder{"twins", {}});
  writer.clock.advance(seconds{1});
  writer.handle(commands::ReleaseExpiredHolds{});
  writer.uow().make_durable();
  Instant now = writer.clock.now();

  EXPECT_EQ(database->scalar("SELECT count(*) FROM holds"), 0);
  EXPECT_EQ(database->scalar("SELECT count(*) FROM allocations WHERE orderid = 'confirmed'"), 1);
  EXPECT_EQ(database->scalar("SELECT sum(qty) FROM allocations WHERE orderid = 'confirmed'"), 3);
  EXPECT_EQ(
      writer.read_model().order_lines("confirmed", now),
      (std::vector<OrderLineView>{{"RUG", 3, "rugs", std::nullopt, "allocated", std::nullopt}}));
  EXPECT_EQ(writer.read_model().order_lines("twins", now),
            (std::vector<OrderLineView>{
                {"LAMP", 3, std::nullopt, std::nullopt, "cancelled", std::nullopt},
                {"LAMP", 3, std::nullopt, std::nullopt, "cancelled", std::nullopt}}));
  EXPECT_EQ(writer.read_model().order_lines("lapsed", now).at(0).state, "expired");
  EXPECT_EQ(writer.read_model().batches_for_sku("RUG", now),
            (std::vector<BatchView>{{"rugs", std::nullopt, 10, 3, 0, 7}}));
  EXPECT_EQ(database->scalar("SELECT count(*) FROM outbox WHERE event = 'HoldConfirmed'"), 1);
  EXPECT_EQ(database->scalar("SELECT count(*) FROM outbox WHERE event = 'HoldReleased'"), 1);
  EXPECT_EQ(database->scalar("SELECT count(*) FROM audit WHERE action = 'HoldReleased'"), 1);

  Writer reopened{database->url()};
  reopened.uow().begin_group();
  const Product& rugs = *reopened.uow().products().get("RUG");
  EXPECT_TRUE(rugs.find_batch("rugs")->hold_list().empty());
  EXPECT_EQ(rugs.find_batch("rugs")->allocations(),
            (std::vector<OrderLine>{{"confirmed", "RUG", 3}}));
  reopened.uow().discard_group();
}

INSTANTIATE_TEST_SUITE_P(Adapters, OrderContract, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace allocation
