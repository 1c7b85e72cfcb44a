#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "service_layer/group_committer.hpp"

namespace allocation::service_layer {

// Every `interval`, hands the writer a ReleaseExpiredHolds command, which records the expiry
// of each hold whose time has run out. Expiry itself needs no sweep: an expired hold counts
// for nothing from its expires_at on; the sweep records it (event, audit row, read model) and
// takes it out of memory.
class HoldSweeper {
 public:
  HoldSweeper(GroupCommitter& commands, std::chrono::milliseconds interval);
  HoldSweeper(const HoldSweeper&) = delete;
  HoldSweeper& operator=(const HoldSweeper&) = delete;
  ~HoldSweeper();

  // Audit rows of the sweep name this actor.
  static constexpr const char* actor_name = "hold-sweep";

 private:
  void sweep();

  GroupCommitter& commands_;
  std::chrono::milliseconds interval_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  // One sweep at a time: the next waits until the writer has answered the last.
  bool sweep_pending_ = false;
  std::thread thread_;
};

}  // namespace allocation::service_layer
