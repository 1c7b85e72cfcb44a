#include "service_layer/outbox_relay.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "common/thread_name.hpp"

namespace allocation::service_layer {

OutboxRelay::OutboxRelay(std::unique_ptr<RelayOutbox> outbox,
                         std::unique_ptr<EventDestination> destination, Settings settings)
    : outbox_{std::move(outbox)},
      destination_{std::move(destination)},
      destination_name_{destination_->name()},
      address_{destination_->address()},
      settings_{settings},
      thread_{[this] {
        name_this_thread("outbox-relay");
        run();
      }} {}

OutboxRelay::~OutboxRelay() {
  {
    std::lock_guard lock{mutex_};
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

OutboxRelay::Statistics OutboxRelay::statistics() const {
  std::lock_guard lock{mutex_};
  return statistics_;
}

std::pair<std::optional<std::int64_t>, bool> OutboxRelay::deliver(
    const std::vector<OutboxEntry>& entries) {
  std::optional<std::int64_t> past;
  for (const OutboxEntry& entry : entries) {
    if (destination_->takes(entry.event)) {
      try {
        destination_->deliver(entry);
      } catch (const std::exception& error) {
        spdlog::warn(
            "msg=\"event not delivered; will retry\" destination={} outbox_id={} error=\"{}\"",
            destination_name_, entry.id, error.what());
        std::lock_guard lock{mutex_};
        ++statistics_.failures;
        statistics_.destination_up = false;
        return {past, true};
      }
      std::lock_guard lock{mutex_};
      ++statistics_.delivered_by_event[std::string{domain::name_of(entry.event)}];
      statistics_.destination_up = true;
    }
    past = entry.id;
  }
  return {past, false};
}

bool OutboxRelay::deliver_waiting() {
  for (;;) {
    std::vector<OutboxEntry> entries;
    try {
      entries = outbox_->undelivered(destination_name_, settings_.batch_entries_max);
    } catch (const std::exception& error) {
      spdlog::warn("msg=\"outbox unreadable\" destination={} error=\"{}\"", destination_name_,
                   error.what());
      return false;
    }
    if (entries.empty()) return true;
    auto [past, destination_failed] = deliver(entries);
    if (past) {
      try {
        outbox_->mark_delivered(destination_name_, *past);
      } catch (const std::exception& error) {
        // They will be delivered again: at least once.
        spdlog::warn("msg=\"delivered events not marked\" destination={} error=\"{}\"",
                     destination_name_, error.what());
        return false;
      }
    }
    if (destination_failed) return false;
    if (entries.size() < settings_.batch_entries_max) return true;
  }
}

void OutboxRelay::measure_backlog() {
  try {
    OutboxBacklog backlog = outbox_->backlog(destination_name_);
    std::lock_guard lock{mutex_};
    statistics_.backlog = backlog;
  } catch (const std::exception& error) {
    spdlog::warn("msg=\"outbox backlog unreadable\" destination={} error=\"{}\"", destination_name_,
                 error.what());
  }
}

void OutboxRelay::run() {
  using Clock = std::chrono::steady_clock;
  auto pause = settings_.poll_interval;
  auto next_attempt = Clock::now();
  auto next_measurement = Clock::now();
  std::unique_lock lock{mutex_};
  while (!stopping_) {
    lock.unlock();
    auto now = Clock::now();
    if (now >= next_attempt) {
      bool delivered = deliver_waiting();
      pause = delivered ? settings_.poll_interval : std::min(pause * 2, settings_.backoff_max);
      next_attempt = Clock::now() + pause;
      std::lock_guard statistics_lock{mutex_};
      statistics_.backoff = delivered ? std::chrono::milliseconds{0} : pause;
    }
    if (now >= next_measurement) {
      measure_backlog();
      next_measurement = Clock::now() + settings_.backlog_interval;
    }
    lock.lock();
    wake_.wait_until(lock, std::min(next_attempt, next_measurement), [&] { return stopping_; });
  }
}

}  // namespace allocation::service_layer
