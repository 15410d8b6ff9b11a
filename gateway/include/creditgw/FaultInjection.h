#pragma once
// Crash points for recovery tests. When the environment variable CREDITGW_FAULT_POINT names a
// point, the process dies there at once (_exit, no cleanup, like kill -9), so the tests can
// check that a crash at that point loses no record and sends none twice. Costs one getenv.

namespace creditgw {

/// When CREDITGW_PAUSE_POINT is "name:seconds" the process sleeps there instead, so a test can
/// let a second sender on the same store overtake it.
/// Points used: "after-enqueue", "after-mark-inflight", "after-send", "after-store-chunk",
/// "after-receipt-check" (a receipt asked for, not yet applied).
void faultPoint(const char* name);

}  // namespace creditgw
