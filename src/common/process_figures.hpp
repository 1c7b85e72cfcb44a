#pragma once

#include <cstdint>
#include <string_view>

namespace allocation {

// The version of this build, from the project's version in CMake.
inline constexpr std::string_view version = ALLOCATION_VERSION;

// What the operating system says of this process now; zero for what it would not say.
struct ProcessFigures {
  double cpu_seconds = 0;
  double start_time_seconds = 0;  // since the epoch
  std::uint64_t resident_memory_bytes = 0;
  std::uint64_t virtual_memory_bytes = 0;
  std::uint64_t open_descriptors = 0;
  std::uint64_t descriptors_max = 0;
};

ProcessFigures process_figures();

}  // namespace allocation
