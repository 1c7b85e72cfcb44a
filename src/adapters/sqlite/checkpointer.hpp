#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "adapters/sqlite/connection.hpp"

namespace allocation::adapters::sqlite {

// Keeps a writer's commits from waiting for checkpoints, and its write-ahead log from growing
// without end. A thread with a connection of its own copies committed pages from the log into
// the database file (PASSIVE checkpoints, which never block the writer). SQLite starts the log
// again from its beginning only when a write transaction begins with every frame copied, which
// a busy writer never sees on its own; so once the log is long, this thread catches up to
// within a few frames of its end and tells the writer, whose own checkpoint then has almost
// nothing left to copy, and whose next transaction starts the log again.
class BackgroundCheckpointer {
 public:
  struct Settings {
    std::chrono::milliseconds interval{100};
    // Frames in the log from which to start it again.
    int restart_frames = 65536;
    // Frames the writer may be left to copy itself.
    int writer_frames_max = 64;
  };

  BackgroundCheckpointer(const std::string& path, Settings settings);
  BackgroundCheckpointer(const BackgroundCheckpointer&) = delete;
  BackgroundCheckpointer& operator=(const BackgroundCheckpointer&) = delete;
  ~BackgroundCheckpointer();

  // The writer's count of frames in the log after its latest commit.
  void log_written(int frames);
  // Whether the writer should now finish a checkpoint itself, so that the log starts again.
  [[nodiscard]] bool writer_should_finish() const;

 private:
  void run();
  void checkpoint();

  Connection db_;
  Settings settings_;
  std::atomic<int> frames_in_log_{0};
  std::atomic<int> frames_copied_{0};
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace allocation::adapters::sqlite
