#include "creditgw/FaultInjection.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>

namespace creditgw {

void faultPoint(const char* name) {
    static const char* armed = std::getenv("CREDITGW_FAULT_POINT");
    if (armed != nullptr && std::strcmp(armed, name) == 0) ::_exit(86);
    // "name:seconds": a pause instead of a crash, so a test can let a second sender overtake.
    static const char* paused = std::getenv("CREDITGW_PAUSE_POINT");
    if (paused == nullptr) return;
    const char* colon = std::strchr(paused, ':');
    if (colon == nullptr || std::string(paused, colon) != name) return;
    std::fprintf(stderr, "creditgw: paused at %s for %s s (CREDITGW_PAUSE_POINT)\n", name, colon + 1);
    std::fflush(stderr);
    std::this_thread::sleep_for(std::chrono::milliseconds(static_cast<long>(std::atof(colon + 1) * 1000)));
}

}  // namespace creditgw
