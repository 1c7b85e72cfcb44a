#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "domain/events.hpp"

namespace allocation::service_layer {

struct OutboxEntry {
  std::int64_t id = 0;
  domain::Event event;
};

// The outbox as the relay reads it, on a connection of its own.
class OutboxReader {
 public:
  virtual ~OutboxReader() = default;
  // Undelivered entries of one event kind ("Allocated", "OutOfStock"), oldest first.
  virtual std::vector<OutboxEntry> undelivered(std::string_view event_name, std::size_t limit) = 0;
  virtual void mark_delivered(const std::vector<std::int64_t>& ids) = 0;
};

// Where an event goes once it leaves: a broker, a mail server. Throws when the destination
// did not accept it; returns only once it did. The entry's id, the outbox sequence number,
// lets a consumer that may see an event twice (at least once) tell.
class EventDestination {
 public:
  virtual ~EventDestination() = default;
  virtual void deliver(const OutboxEntry& entry) = 0;
};

// Delivers one kind of event from the outbox to its destination, at least once and in the
// order the events were stored, marking each entry only after the destination accepted it.
// While the destination is down, entries wait; delivery resumes with backoff.
class OutboxRelay {
 public:
  struct Settings {
    std::string event_name;
    std::chrono::milliseconds poll_interval{50};
    std::chrono::milliseconds backoff_max{5000};
    std::size_t batch_entries_max = 256;
  };

  OutboxRelay(std::unique_ptr<OutboxReader> outbox, std::unique_ptr<EventDestination> destination,
              Settings settings);
  OutboxRelay(const OutboxRelay&) = delete;
  OutboxRelay& operator=(const OutboxRelay&) = delete;
  ~OutboxRelay();

  [[nodiscard]] const std::string& event_name() const { return settings_.event_name; }
  [[nodiscard]] std::uint64_t delivered() const;

 private:
  void run();
  // Delivers what is waiting; false when the outbox or the destination failed.
  bool deliver_waiting();

  std::unique_ptr<OutboxReader> outbox_;
  std::unique_ptr<EventDestination> destination_;
  Settings settings_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::uint64_t delivered_ = 0;
  std::thread thread_;
};

}  // namespace allocation::service_layer
