#include "service_layer/hold_sweeper.hpp"

#include <spdlog/spdlog.h>

namespace allocation::service_layer {

HoldSweeper::HoldSweeper(GroupCommitter& commands, std::chrono::milliseconds interval)
    : commands_{commands}, interval_{interval}, thread_{[this] { sweep(); }} {}

HoldSweeper::~HoldSweeper() {
  {
    std::lock_guard lock{mutex_};
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
  // The last sweep's completion touches this object; wait for it.
  std::unique_lock lock{mutex_};
  wake_.wait(lock, [&] { return !sweep_pending_; });
}

void HoldSweeper::sweep() {
  std::unique_lock lock{mutex_};
  while (!wake_.wait_for(lock, interval_, [&] { return stopping_; })) {
    if (sweep_pending_) continue;
    sweep_pending_ = true;
    lock.unlock();
    commands_.submit(
        domain::commands::ReleaseExpiredHolds{},
        [this](const Outcome& outcome) {
          if (const auto* rejection = std::get_if<Rejection>(&outcome)) {
            spdlog::warn("msg=\"hold sweep failed; next one retries\" error=\"{}\"",
                         rejection->message);
          }
          std::lock_guard done{mutex_};
          sweep_pending_ = false;
          wake_.notify_all();
        },
        Actor{actor_name, {}});
    lock.lock();
  }
}

}  // namespace allocation::service_layer
