// Events as they are stored in the outbox and published: each kind back as it was written,
// and rows written by an earlier release still readable.
#include "adapters/event_json.hpp"

#include <gtest/gtest.h>

namespace allocation::adapters {
namespace {

using namespace domain;

TEST(EventJson, EveryEventReadsBackAsItWasWritten) {
  const std::vector<Event> all{
      events::BatchCreated{"b1", "LAMP", 10, Date::parse_iso("2027-01-15")},
      events::BatchCreated{"b2", "LAMP", 10, std::nullopt},
      events::BatchQuantityChanged{"b1", "LAMP", 5},
      events::BatchEtaChanged{"b1", "LAMP", std::nullopt},
      events::Allocated{"o1", "LAMP", 3, "b1"},
      events::Deallocated{"o1", "LAMP", 3, "b1", events::DeallocationReason::cancelled},
      events::LineShipped{"o1", "LAMP", 3, "b1"},
      events::LineUnallocated{"o1", "LAMP", 3},
      events::OutOfStock{"LAMP", "o2", 40},
  };
  for (const Event& event : all) {
    EXPECT_EQ(event_from_json(name_of(event), to_json(event)), event) << to_json(event);
  }
}

TEST(EventJson, IsWrittenWithTheContractsFieldNames) {
  EXPECT_EQ(to_json(events::Allocated{"o1", "LAMP", 3, "b1"}),
            R"({"orderid":"o1","sku":"LAMP","qty":3,"batchref":"b1"})");
  EXPECT_EQ(to_json(events::OutOfStock{"LAMP", "o2", 40}),
            R"({"sku":"LAMP","orderid":"o2","qty":40})");
}

TEST(EventJson, AnOutboxRowOfAnEarlierReleaseIsStillDelivered) {
  EXPECT_EQ(event_from_json("OutOfStock", R"({"sku":"LAMP"})"),
            (Event{events::OutOfStock{"LAMP", "", 0}}));
}

TEST(EventJson, WhatNoReleaseWroteIsUnreadable) {
  EXPECT_EQ(event_from_json("Allocated", R"({"orderid":1,"sku":"LAMP","qty":3,"batchref":"b1"})"),
            std::nullopt);
  EXPECT_EQ(event_from_json("Deallocated", R"({"orderid":"o","reason":"lost"})"), std::nullopt);
  EXPECT_EQ(event_from_json("NoSuchEvent", R"({})"), std::nullopt);
  EXPECT_EQ(event_from_json("Allocated", "not json"), std::nullopt);
}

}  // namespace
}  // namespace allocation::adapters
