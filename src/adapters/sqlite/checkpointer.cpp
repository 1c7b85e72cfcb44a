#include "adapters/sqlite/checkpointer.hpp"

#include <spdlog/spdlog.h>

#include "common/thread_name.hpp"

namespace allocation::adapters::sqlite {

BackgroundCheckpointer::BackgroundCheckpointer(const std::string& path, Settings settings)
    : db_{path}, settings_{settings}, thread_{[this] {
        name_this_thread("checkpointer");
        run();
      }} {}

BackgroundCheckpointer::~BackgroundCheckpointer() {
  {
    std::lock_guard lock{mutex_};
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

void BackgroundCheckpointer::log_written(int frames) {
  frames_in_log_.store(frames, std::memory_order_relaxed);
}

bool BackgroundCheckpointer::writer_should_finish() const {
  int frames = frames_in_log_.load(std::memory_order_relaxed);
  return frames >= settings_.restart_frames &&
         frames - frames_copied_.load(std::memory_order_relaxed) <= settings_.writer_frames_max;
}

void BackgroundCheckpointer::checkpoint() {
  try {
    frames_copied_.store(db_.checkpoint(), std::memory_order_relaxed);
  } catch (const SqliteError& error) {
    spdlog::warn("msg=\"checkpoint failed\" error=\"{}\"", error.what());
  }
}

void BackgroundCheckpointer::run() {
  std::unique_lock lock{mutex_};
  while (!wake_.wait_for(lock, settings_.interval, [&] { return stopping_; })) {
    lock.unlock();
    checkpoint();
    // Each pass copies what was written during the one before, so a few passes end close to
    // the end of the log, however long it was.
    for (int pass = 0;
         pass < 8 && frames_in_log_.load(std::memory_order_relaxed) >= settings_.restart_frames &&
         !writer_should_finish();
         ++pass) {
      checkpoint();
    }
    lock.lock();
  }
}

}  // namespace allocation::adapters::sqlite
