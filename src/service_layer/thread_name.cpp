#include "service_layer/thread_name.hpp"

#include <pthread.h>

namespace allocation::service_layer {

void name_this_thread(const char* name) { pthread_setname_np(pthread_self(), name); }

}  // namespace allocation::service_layer
