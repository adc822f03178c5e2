#pragma once
// Names the calling thread, so `top -H`, perf, gdb and /proc/<pid>/task/*/comm tell a worker
// from a sender or the poller. Linux keeps at most 15 characters; a longer name is cut.
#include <string_view>

namespace kt {

void name_this_thread(std::string_view name);

}  // namespace kt
