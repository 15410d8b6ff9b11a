#pragma once
// `creditgw calendar years`: which years the working-day calendar knows, and from where.

#include "creditgw/Gateway.h"

namespace creditgw::cli {

/// Prints one line per known year with its file (shipped data/holidays/ or the local folder,
/// and whether a local file replaces a shipped one), then the local folder and next year's
/// state. Returns the exit code: 0, or 4 when a holiday file cannot be read.
int calendarYearsCommand(const GatewaySettings& settings);

}  // namespace creditgw::cli
