#pragma once
// Crash points for recovery tests. When the environment variable CREDITGW_FAULT_POINT names a
// point, the process dies there at once (_exit, no cleanup, like kill -9), so the tests can
// check that a crash at that point loses no record and sends none twice. Costs one getenv.

namespace creditgw {

/// Points used: "after-enqueue", "after-mark-inflight", "after-send", "after-store-chunk".
void faultPoint(const char* name);

}  // namespace creditgw
