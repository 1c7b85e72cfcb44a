#include "service_layer/outbox_relay.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <thread>

namespace allocation::service_layer {
namespace {

using namespace std::chrono_literals;
using domain::events::Allocated;

struct Shared {
  std::mutex mutex;
  std::vector<OutboxEntry> entries;
  std::vector<std::int64_t> marked;
  std::vector<std::string> delivered;
  std::atomic<bool> destination_down{false};
};

class FakeStore final : public OutboxReader {
 public:
  explicit FakeStore(Shared& shared) : shared_{shared} {}
  std::vector<OutboxEntry> undelivered(std::string_view, std::size_t limit) override {
    std::lock_guard lock{shared_.mutex};
    std::vector<OutboxEntry> waiting;
    for (const auto& entry : shared_.entries) {
      if (std::find(shared_.marked.begin(), shared_.marked.end(), entry.id) ==
              shared_.marked.end() &&
          waiting.size() < limit) {
        waiting.push_back(entry);
      }
    }
    return waiting;
  }
  void mark_delivered(const std::vector<std::int64_t>& ids) override {
    std::lock_guard lock{shared_.mutex};
    shared_.marked.insert(shared_.marked.end(), ids.begin(), ids.end());
  }

 private:
  Shared& shared_;
};

class FakeDestination final : public EventDestination {
 public:
  explicit FakeDestination(Shared& shared) : shared_{shared} {}
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
  return {.event_name = "Allocated", .poll_interval = 5ms, .backoff_max = 20ms};
}

TEST(OutboxRelay, DeliversInOrderAndMarksWhatWasAccepted) {
  Shared shared;
  for (int i = 1; i <= 5; ++i)
    shared.entries.push_back({i, Allocated{"o" + std::to_string(i), "S", 1, "b"}});
  OutboxRelay relay{std::make_unique<FakeStore>(shared), std::make_unique<FakeDestination>(shared),
                    fast()};
  ASSERT_TRUE(eventually([&] { return relay.delivered() == 5; }));
  std::lock_guard lock{shared.mutex};
  EXPECT_EQ(shared.delivered, (std::vector<std::string>{"o1", "o2", "o3", "o4", "o5"}));
  EXPECT_EQ(shared.marked, (std::vector<std::int64_t>{1, 2, 3, 4, 5}));
}

TEST(OutboxRelay, KeepsEventsWhileTheDestinationIsDownAndDeliversThemWhenItIsBack) {
  Shared shared;
  shared.destination_down = true;
  shared.entries.push_back({1, Allocated{"o1", "S", 1, "b"}});
  OutboxRelay relay{std::make_unique<FakeStore>(shared), std::make_unique<FakeDestination>(shared),
                    fast()};
  std::this_thread::sleep_for(50ms);
  {
    std::lock_guard lock{shared.mutex};
    EXPECT_TRUE(shared.marked.empty());
    shared.entries.push_back({2, Allocated{"o2", "S", 1, "b"}});
  }
  shared.destination_down = false;
  ASSERT_TRUE(eventually([&] { return relay.delivered() == 2; }));
  std::lock_guard lock{shared.mutex};
  EXPECT_EQ(shared.delivered, (std::vector<std::string>{"o1", "o2"}));
}

}  // namespace
}  // namespace allocation::service_layer
