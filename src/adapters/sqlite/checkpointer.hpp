#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "adapters/sqlite/connection.hpp"

namespace allocation::adapters::sqlite {

// Copies committed pages from the WAL into the database file on a thread and connection of
// its own (PASSIVE checkpoints), so that a writer's commit never waits for a checkpoint.
class BackgroundCheckpointer {
 public:
  BackgroundCheckpointer(const std::string& path, std::chrono::milliseconds interval);
  BackgroundCheckpointer(const BackgroundCheckpointer&) = delete;
  BackgroundCheckpointer& operator=(const BackgroundCheckpointer&) = delete;
  ~BackgroundCheckpointer();

 private:
  void run();

  Connection db_;
  std::chrono::milliseconds interval_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace allocation::adapters::sqlite
