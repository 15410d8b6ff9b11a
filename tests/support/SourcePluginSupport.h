#pragma once
// What the source plugin tests share: loading a plugin .so from the build's plugin folder the
// way the gateway does, and reading rows and memory.

#include <memory>
#include <string>

#include "creditgw/SourcePlugin.h"

namespace creditgw::test {

/// A new instance of `className` from CREDITGW_TEST_PLUGIN_DIR/`library` ("json.so"). Each
/// library is loaded once and never unloaded while the process runs: every plugin instance and
/// reader must be gone before the library's code is. Null (with a test failure) when it is
/// missing.
std::unique_ptr<SourcePlugin> loadSourcePlugin(const std::string& library, const std::string& className);

/// The value of `column` in `row`; a test failure when the row has no such column.
std::string columnValue(const SourceRow& row, const std::string& column);

/// Every problem of `row`, one "rule: message" per line (for failure messages and searches).
std::string allProblems(const SourceRow& row);

bool contains(const std::string& text, const std::string& part);

/// Peak resident memory of this process in KiB (VmHWM).
long peakResidentKib();

/// Lowers VmHWM to the current RSS where the kernel allows it, so a later peak measures only
/// what happens after this call. Where it does not, a memory check is merely looser.
void resetPeakResident();

}  // namespace creditgw::test
