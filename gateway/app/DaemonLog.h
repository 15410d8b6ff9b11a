#pragma once
// The daemon's log: one line per event, "2026-12-02T09:15:00.123+08:00 INFO message", times in
// Asia/Shanghai with their offset whatever the server's zone; to stderr (the journal), and
// optionally to a file rotated by size with a number of old files kept (Poco::FileChannel).

#include <Poco/Logger.h>

#include <string>

#include "creditgw/Status.h"

namespace creditgw::cli {

/// The logger of `creditgw run`, writing to stderr until logToFile() adds a file.
Poco::Logger& daemonLogger();

/// Also writes to `path`, rotated when it reaches `rotation` (Poco's size syntax: "10 M",
/// "512 K") keeping `keep` old files (path.0, path.1, ...). InvalidArgument when the folder does
/// not exist or the rotation does not parse.
Status logToFile(const std::string& path, const std::string& rotation, int keep);

}  // namespace creditgw::cli
