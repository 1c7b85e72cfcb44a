#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "domain/events.hpp"

namespace allocation::service_layer {

// An event as the outbox keeps it; `id`, its sequence number, is never reused, so that a
// consumer that may see an event twice (delivery is at least once) can tell.
struct OutboxEntry {
  std::int64_t id = 0;
  domain::Event event;
};

// How far a destination is behind: the entries its relay has still to go through (of every
// kind, those it does not take included), and how long the oldest has waited.
struct OutboxBacklog {
  std::uint64_t entries = 0;
  double oldest_age_seconds = 0;
};

// The outbox as relays and its pruner see it, on a connection of their own. Each destination
// has a place in it: every entry up to there is delivered to it, or is of a kind it does not
// take. Places move only forwards, in the order entries were committed.
class RelayOutbox {
 public:
  virtual ~RelayOutbox() = default;
  // Up to `limit` entries beyond `destination`'s place, in commit order; none while another
  // process relays to the destination.
  virtual std::vector<OutboxEntry> undelivered(std::string_view destination, std::size_t limit) = 0;
  // Moves `destination`'s place to the entry `through_id`, one that `undelivered` returned.
  virtual void mark_delivered(std::string_view destination, std::int64_t through_id) = 0;
  virtual OutboxBacklog backlog(std::string_view destination) = 0;
  // Removes up to `limit` entries that each of `destinations` is past and that were stored at
  // least `retention` ago, oldest first; returns how many it removed. With no destinations it
  // removes none: their events wait.
  virtual std::size_t remove_delivered(const std::vector<std::string>& destinations,
                                       std::chrono::seconds retention, std::size_t limit) = 0;
};

// Where events go once they leave: a broker, a mail server.
class EventDestination {
 public:
  virtual ~EventDestination() = default;
  // Its name in the outbox and in metrics: "redis", "smtp".
  [[nodiscard]] virtual std::string_view name() const = 0;
  // How operators know it: "Redis at HOST:PORT".
  [[nodiscard]] virtual std::string address() const = 0;
  [[nodiscard]] virtual bool takes(const domain::Event& event) const = 0;
  // Throws when the destination did not accept the event; returns only once it did.
  virtual void deliver(const OutboxEntry& entry) = 0;
};

// Delivers the events a destination takes, at least once and in the order they were
// committed, moving the destination's place only past what it accepted. While the
// destination is down, entries wait; delivery resumes with backoff.
class OutboxRelay {
 public:
  struct Settings {
    std::chrono::milliseconds poll_interval{50};
    std::chrono::milliseconds backoff_max{5000};
    std::chrono::milliseconds backlog_interval{1000};
    std::size_t batch_entries_max = 256;
  };

  struct Statistics {
    std::map<std::string, std::uint64_t, std::less<>> delivered_by_event;
    std::uint64_t failures = 0;
    // Until the next attempt; zero while deliveries succeed.
    std::chrono::milliseconds backoff{0};
    // Whether its last attempt to deliver succeeded (or none has failed yet).
    bool destination_up = true;
    OutboxBacklog backlog;
  };

  OutboxRelay(std::unique_ptr<RelayOutbox> outbox, std::unique_ptr<EventDestination> destination,
              Settings settings);
  OutboxRelay(const OutboxRelay&) = delete;
  OutboxRelay& operator=(const OutboxRelay&) = delete;
  ~OutboxRelay();

  [[nodiscard]] const std::string& destination() const { return destination_name_; }
  [[nodiscard]] const std::string& address() const { return address_; }
  [[nodiscard]] Statistics statistics() const;

 private:
  void run();
  // Delivers what is waiting; false when the outbox or the destination failed.
  bool deliver_waiting();
  // Delivers the entries the destination takes, in order; the id of the last entry it is
  // past, if any, and whether the destination failed.
  std::pair<std::optional<std::int64_t>, bool> deliver(const std::vector<OutboxEntry>& entries);
  void measure_backlog();

  std::unique_ptr<RelayOutbox> outbox_;
  std::unique_ptr<EventDestination> destination_;
  std::string destination_name_;
  std::string address_;
  Settings settings_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  Statistics statistics_;
  std::thread thread_;
};

}  // namespace allocation::service_layer
