#pragma once

#include <chrono>
#include <cstddef>
#include <iosfwd>
#include <string>

namespace allocation::cli::client {

// How progress is shown: a bar redrawn in place (for a terminal), a line now and then (for a
// log), or not at all.
enum class ProgressStyle { bar, lines, none };

// The progress of one phase of work over `total` rows: rows done, rows per second, time left.
class Progress {
 public:
  Progress(std::ostream& out, ProgressStyle style, std::string phase, std::size_t total);

  // Shows `done` if it is time to: a bar at most 10 times a second, a line at each tenth of
  // the work or every 5 seconds.
  void update(std::size_t done);
  // Shows the phase's last figures and ends its line.
  void finish(std::size_t done);

 private:
  void show(std::size_t done, bool last);

  std::ostream& out_;
  ProgressStyle style_;
  std::string phase_;
  std::size_t total_;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point shown_ = started_;
  std::size_t next_tenth_ = 1;
};

}  // namespace allocation::cli::client
