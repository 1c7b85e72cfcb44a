#pragma once

namespace allocation {

// Names the calling thread, as `top -H`, perf and /proc/<pid>/task/*/comm show it; the kernel
// keeps the first 15 characters.
void name_this_thread(const char* name);

}  // namespace allocation
