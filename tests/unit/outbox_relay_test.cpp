#include "service_layer/outbox_relay.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "service_layer/outbox_pruner.hpp"

namespace allocation::service_layer {
namespace {

using namespace std::chrono_literals;
using domain::events::Allocated;
using domain::events::OutOfStock;

struct Shared {
  std::mutex mutex;
  std::vector<OutboxEntry> entries;
  std::map<std::string, std::int64_t, std::less<>> places;
  std::vector<std::string> delivered;
  std::atomic<bool> destination_down{false};
};

class FakeOutbox final : public RelayOutbox {
 public:
  explicit FakeOutbox(Shared& shared) : shared_{shared} {}
  std::vector<OutboxEntry> undelivered(std::string_view destination, std::size_t limit) override {
    std::lock_guard lock{shared_.mutex};
    std::vector<OutboxEntry> waiting;
    for (const auto& entry : shared_.entries) {
      if (entry.id > place(destination) && waiting.size() < limit) waiting.push_back(entry);
    }
    return waiting;
  }
  void mark_delivered(std::string_view destination, std::int64_t through_id) override {
    std::lock_guard lock{shared_.mutex};
    shared_.places.insert_or_assign(std::string{destination}, through_id);
  }
  OutboxBacklog backlog(std::string_view destination) override {
    std::lock_guard lock{shared_.mutex};
    return {static_cast<std::uint64_t>(std::count_if(
                shared_.entries.begin(), shared_.entries.end(),
                [&](const OutboxEntry& entry) { return entry.id > place(destination); })),
            0};
  }
  std::size_t remove_delivered(const std::vector<std::string>& destinations, std::chrono::seconds,
                               std::size_t limit) override {
    std::lock_guard lock{shared_.mutex};
    std::int64_t all_past = destinations.empty() ? 0 : INT64_MAX;
    for (const auto& destination : destinations) all_past = std::min(all_past, place(destination));
    std::size_t removed = 0;
    std::erase_if(shared_.entries, [&](const OutboxEntry& entry) {
      return entry.id <= all_past && removed < limit && ++removed > 0;
    });
    return removed;
  }

 private:
  std::int64_t place(std::string_view destination) const {
    auto found = shared_.places.find(destination);
    return found == shared_.places.end() ? 0 : found->second;
  }
  Shared& shared_;
};

// Takes Allocated events only.
class FakeDestination final : public EventDestination {
 public:
  explicit FakeDestination(Shared& shared) : shared_{shared} {}
  [[nodiscard]] std::string_view name() const override { return "broker"; }
  [[nodiscard]] std::string address() const override { return "the broker"; }
  [[nodiscard]] bool takes(const domain::Event& event) const override {
    return std::holds_alternative<Allocated>(event);
  }
  void deliver(const OutboxEntry& entry) override {
    if (shared_.destination_down) throw std::runtime_error{"broker down"};
    std::lock_guard lock{shared_.mutex};
    shared_.delivered.push_back(std::get<Allocated>(entry.event).orderid);
  }

 private:
  Shared& shared_;
};

template <class Condition>
bool eventually(Condition condition) {
  for (int i = 0; i < 400; ++i) {
    if (condition()) return true;
    std::this_thread::sleep_for(5ms);
  }
  return false;
}

OutboxRelay::Settings fast() {
  return {.poll_interval = 5ms, .backoff_max = 20ms, .backlog_interval = 5ms};
}

std::uint64_t delivered(const OutboxRelay& relay) {
  auto statistics = relay.statistics();
  auto found = statistics.delivered_by_event.find("Allocated");
  return found == statistics.delivered_by_event.end() ? 0 : found->second;
}

TEST(OutboxRelay, DeliversInOrderWhatTheDestinationTakesAndMovesPastTheRest) {
  Shared shared;
  for (int i = 1; i <= 5; ++i)
    shared.entries.push_back({i, Allocated{"o" + std::to_string(i), "S", 1, "b"}});
  shared.entries.push_back({6, OutOfStock{"S", "o6", 1}});
  OutboxRelay relay{std::make_unique<FakeOutbox>(shared), std::make_unique<FakeDestination>(shared),
                    fast()};
  ASSERT_TRUE(eventually([&] { return delivered(relay) == 5; }));
  ASSERT_TRUE(eventually([&] { return relay.statistics().backlog.entries == 0; }));
  std::lock_guard lock{shared.mutex};
  EXPECT_EQ(shared.delivered, (std::vector<std::string>{"o1", "o2", "o3", "o4", "o5"}));
  EXPECT_EQ(shared.places.at("broker"), 6);
}

TEST(OutboxRelay, KeepsEventsWhileTheDestinationIsDownAndDeliversThemWhenItIsBack) {
  Shared shared;
  shared.destination_down = true;
  shared.entries.push_back({1, Allocated{"o1", "S", 1, "b"}});
  OutboxRelay relay{std::make_unique<FakeOutbox>(shared), std::make_unique<FakeDestination>(shared),
                    fast()};
  ASSERT_TRUE(eventually([&] { return relay.statistics().failures >= 2; }));
  {
    auto statistics = relay.statistics();
    EXPECT_FALSE(statistics.destination_up);
    EXPECT_GT(statistics.backoff, 0ms);
    EXPECT_EQ(statistics.backlog.entries, 1U);
    std::lock_guard lock{shared.mutex};
    EXPECT_FALSE(shared.places.contains("broker"));
    shared.entries.push_back({2, Allocated{"o2", "S", 1, "b"}});
  }
  shared.destination_down = false;
  ASSERT_TRUE(eventually([&] { return delivered(relay) == 2; }));
  ASSERT_TRUE(eventually([&] { return relay.statistics().backlog.entries == 0; }));
  auto statistics = relay.statistics();
  EXPECT_TRUE(statistics.destination_up);
  EXPECT_EQ(statistics.backoff, 0ms);
  std::lock_guard lock{shared.mutex};
  EXPECT_EQ(shared.delivered, (std::vector<std::string>{"o1", "o2"}));
}

TEST(OutboxPruner, RemovesWhatEveryDestinationIsPast) {
  Shared shared;
  for (int i = 1; i <= 5; ++i) shared.entries.push_back({i, Allocated{"o", "S", i, "b"}});
  shared.places = {{"broker", 4}, {"mail", 2}};
  OutboxPruner pruner{std::make_unique<FakeOutbox>(shared),
                      {.destinations = {"broker", "mail"}, .interval = 5ms}};
  ASSERT_TRUE(eventually([&] { return pruner.removed() == 2; }));
  std::this_thread::sleep_for(20ms);
  EXPECT_EQ(pruner.removed(), 2U);
  std::lock_guard lock{shared.mutex};
  EXPECT_EQ(shared.entries.front().id, 3);
}

}  // namespace
}  // namespace allocation::service_layer
