#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "service_layer/outbox_relay.hpp"

namespace allocation::service_layer {

// Removes the outbox entries that every destination is past, once they were stored
// `retention` ago, so that the outbox holds the backlog rather than the history.
class OutboxPruner {
 public:
  struct Settings {
    std::vector<std::string> destinations;
    std::chrono::seconds retention{0};
    std::chrono::milliseconds interval{200};
    std::size_t batch_entries_max = 4096;
  };

  OutboxPruner(std::unique_ptr<RelayOutbox> outbox, Settings settings);
  OutboxPruner(const OutboxPruner&) = delete;
  OutboxPruner& operator=(const OutboxPruner&) = delete;
  ~OutboxPruner();

  [[nodiscard]] std::uint64_t removed() const;

 private:
  void run();
  void prune();

  std::unique_ptr<RelayOutbox> outbox_;
  Settings settings_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::uint64_t removed_ = 0;
  std::thread thread_;
};

}  // namespace allocation::service_layer
