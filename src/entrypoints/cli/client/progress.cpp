#include "entrypoints/cli/client/progress.hpp"

#include <cmath>
#include <iomanip>
#include <ostream>
#include <sstream>

namespace allocation::cli::client {

namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t bar_width = 30;

std::string seconds_text(double seconds) {
  std::ostringstream text;
  if (seconds < 10) {
    text << std::fixed << std::setprecision(1) << seconds << " s";
  } else {
    text << static_cast<long>(std::lround(seconds)) << " s";
  }
  return text.str();
}

}  // namespace

Progress::Progress(std::ostream& out, ProgressStyle style, std::string phase, std::size_t total)
    : out_{out}, style_{style}, phase_{std::move(phase)}, total_{total} {}

void Progress::update(std::size_t done) {
  auto now = Clock::now();
  switch (style_) {
    case ProgressStyle::bar:
      if (now - shown_ < std::chrono::milliseconds{100}) return;
      break;
    case ProgressStyle::lines:
      if (done * 10 < next_tenth_ * total_ && now - shown_ < std::chrono::seconds{5}) return;
      while (next_tenth_ <= 10 && done * 10 >= next_tenth_ * total_) ++next_tenth_;
      break;
    case ProgressStyle::none:
      return;
  }
  shown_ = now;
  show(done, false);
}

void Progress::finish(std::size_t done) {
  if (style_ != ProgressStyle::none) show(done, true);
}

void Progress::show(std::size_t done, bool last) {
  double elapsed = std::chrono::duration<double>(Clock::now() - started_).count();
  double rate = elapsed > 0 ? static_cast<double>(done) / elapsed : 0;
  std::size_t percent = total_ == 0 ? 100 : done * 100 / total_;
  std::ostringstream line;
  line << phase_ << ": ";
  if (style_ == ProgressStyle::bar) {
    std::size_t filled = total_ == 0 ? bar_width : done * bar_width / total_;
    line << "[" << std::string(filled, '#') << std::string(bar_width - filled, '.') << "] ";
  }
  line << done << "/" << total_ << " rows (" << percent << "%), "
       << static_cast<long>(std::lround(rate)) << " rows/s, ";
  if (last) {
    line << seconds_text(elapsed) << " in all";
  } else if (rate > 0) {
    line << seconds_text(static_cast<double>(total_ - done) / rate) << " left";
  } else {
    line << "time left unknown";
  }
  if (style_ == ProgressStyle::bar) {
    // Spaces clear what a longer line drawn before left behind.
    out_ << "\r" << line.str() << "    " << (last ? "\n" : "") << std::flush;
  } else {
    out_ << line.str() << "\n" << std::flush;
  }
}

}  // namespace allocation::cli::client
