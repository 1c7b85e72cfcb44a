#include "common/process_figures.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace allocation {

namespace {

// Seconds since the epoch at which the machine booted, from /proc/stat's `btime`.
double boot_time_seconds() {
  std::ifstream stat{"/proc/stat"};
  std::string key;
  while (stat >> key) {
    if (key == "btime") {
      double seconds = 0;
      stat >> seconds;
      return seconds;
    }
    stat.ignore(std::numeric_limits<std::streamsize>::max(), '\n');
  }
  return 0;
}

}  // namespace

ProcessFigures process_figures() {
  ProcessFigures figures;
  std::ifstream stat_file{"/proc/self/stat"};
  std::string stat{std::istreambuf_iterator<char>{stat_file}, {}};
  // Fields after the command name, which is in parentheses and may hold spaces: the first
  // is field 3 (state); utime and stime are 14 and 15, starttime 22, vsize 23, rss 24.
  auto after_name = stat.rfind(')');
  if (after_name != std::string::npos) {
    std::istringstream fields{stat.substr(after_name + 2)};
    std::string field;
    double ticks_per_second = static_cast<double>(::sysconf(_SC_CLK_TCK));
    double page_bytes = static_cast<double>(::sysconf(_SC_PAGESIZE));
    for (int number = 3; fields >> field && number <= 24; ++number) {
      if (number == 14 || number == 15) figures.cpu_seconds += std::stod(field) / ticks_per_second;
      if (number == 22) {
        figures.start_time_seconds = boot_time_seconds() + std::stod(field) / ticks_per_second;
      }
      if (number == 23) figures.virtual_memory_bytes = std::stoull(field);
      if (number == 24) {
        figures.resident_memory_bytes = static_cast<std::uint64_t>(std::stod(field) * page_bytes);
      }
    }
  }
  std::error_code error;
  for (auto it = std::filesystem::directory_iterator{"/proc/self/fd", error};
       !error && it != std::filesystem::directory_iterator{}; it.increment(error)) {
    ++figures.open_descriptors;
  }
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) == 0) figures.descriptors_max = limit.rlim_cur;
  return figures;
}

}  // namespace allocation
