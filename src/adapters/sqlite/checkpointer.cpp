#include "adapters/sqlite/checkpointer.hpp"

#include <spdlog/spdlog.h>

namespace allocation::adapters::sqlite {

BackgroundCheckpointer::BackgroundCheckpointer(const std::string& path,
                                               std::chrono::milliseconds interval)
    : db_{path}, interval_{interval}, thread_{[this] { run(); }} {}

BackgroundCheckpointer::~BackgroundCheckpointer() {
  {
    std::lock_guard lock{mutex_};
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

void BackgroundCheckpointer::run() {
  std::unique_lock lock{mutex_};
  while (!wake_.wait_for(lock, interval_, [&] { return stopping_; })) {
    try {
      db_.run("PRAGMA wal_checkpoint(PASSIVE)");
    } catch (const SqliteError& error) {
      spdlog::warn("msg=\"checkpoint failed\" error=\"{}\"", error.what());
    }
  }
}

}  // namespace allocation::adapters::sqlite
