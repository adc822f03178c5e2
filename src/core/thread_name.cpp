#include "core/thread_name.hpp"

#include <pthread.h>

#include <string>

namespace kt {

void name_this_thread(std::string_view name) {
  // Best effort: a failure only means the thread keeps the process's name.
  const std::string cut(name.substr(0, 15));
  (void)pthread_setname_np(pthread_self(), cut.c_str());
}

}  // namespace kt
