#include "service_layer/outbox_relay.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "common/thread_name.hpp"

namespace allocation::service_layer {

OutboxRelay::OutboxRelay(std::unique_ptr<OutboxReader> outbox,
                         std::unique_ptr<EventDestination> destination, Settings settings)
    : outbox_{std::move(outbox)},
      destination_{std::move(destination)},
      settings_{std::move(settings)},
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

std::uint64_t OutboxRelay::delivered() const {
  std::lock_guard lock{mutex_};
  return delivered_;
}

bool OutboxRelay::deliver_waiting() {
  for (;;) {
    std::vector<OutboxEntry> entries;
    try {
      entries = outbox_->undelivered(settings_.event_name, settings_.batch_entries_max);
    } catch (const std::exception& error) {
      spdlog::warn("msg=\"outbox unreadable\" event={} error=\"{}\"", settings_.event_name,
                   error.what());
      return false;
    }
    if (entries.empty()) return true;
    std::vector<std::int64_t> accepted;
    bool destination_failed = false;
    for (const OutboxEntry& entry : entries) {
      try {
        destination_->deliver(entry);
        accepted.push_back(entry.id);
      } catch (const std::exception& error) {
        spdlog::warn("msg=\"event not delivered; will retry\" event={} outbox_id={} error=\"{}\"",
                     settings_.event_name, entry.id, error.what());
        destination_failed = true;
        break;
      }
    }
    if (!accepted.empty()) {
      try {
        outbox_->mark_delivered(accepted);
      } catch (const std::exception& error) {
        // They will be delivered again: at least once.
        spdlog::warn("msg=\"delivered events not marked\" event={} error=\"{}\"",
                     settings_.event_name, error.what());
        return false;
      }
      std::lock_guard lock{mutex_};
      delivered_ += accepted.size();
    }
    if (destination_failed) return false;
  }
}

void OutboxRelay::run() {
  auto pause = settings_.poll_interval;
  std::unique_lock lock{mutex_};
  while (!stopping_) {
    lock.unlock();
    bool ok = deliver_waiting();
    lock.lock();
    pause = ok ? settings_.poll_interval : std::min(pause * 2, settings_.backoff_max);
    wake_.wait_for(lock, pause, [&] { return stopping_; });
  }
}

}  // namespace allocation::service_layer
