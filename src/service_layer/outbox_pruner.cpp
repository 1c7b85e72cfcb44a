#include "service_layer/outbox_pruner.hpp"

#include <spdlog/spdlog.h>

#include "common/thread_name.hpp"

namespace allocation::service_layer {

namespace {

// Rounds of removal before the pruner waits again, so that a long backlog of delivered
// entries goes quickly without holding the database's write lock for long at a time.
constexpr int rounds_max = 16;

}  // namespace

OutboxPruner::OutboxPruner(std::unique_ptr<RelayOutbox> outbox, Settings settings)
    : outbox_{std::move(outbox)}, settings_{std::move(settings)}, thread_{[this] {
        name_this_thread("outbox-pruner");
        run();
      }} {}

OutboxPruner::~OutboxPruner() {
  {
    std::lock_guard lock{mutex_};
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

std::uint64_t OutboxPruner::removed() const {
  std::lock_guard lock{mutex_};
  return removed_;
}

void OutboxPruner::prune() {
  for (int round = 0; round < rounds_max; ++round) {
    std::size_t removed = 0;
    try {
      removed = outbox_->remove_delivered(settings_.destinations, settings_.retention,
                                          settings_.batch_entries_max);
    } catch (const std::exception& error) {
      spdlog::warn("msg=\"delivered outbox entries not removed; will retry\" error=\"{}\"",
                   error.what());
      return;
    }
    std::lock_guard lock{mutex_};
    removed_ += removed;
    if (removed < settings_.batch_entries_max || stopping_) return;
  }
}

void OutboxPruner::run() {
  std::unique_lock lock{mutex_};
  while (!stopping_) {
    lock.unlock();
    prune();
    lock.lock();
    wake_.wait_for(lock, settings_.interval, [&] { return stopping_; });
  }
}

}  // namespace allocation::service_layer
