#pragma once
// Files that are either wholly there or not at all, and stay there after a power cut: the
// exchange folders of a 前置机 are read by another program that must never see half a package.
// POSIX only: write a temp file in the same folder, fsync it, rename it over the final name,
// fsync the folder (the rename itself is only durable once the folder's entry is on disk).

#include <string>
#include <string_view>

#include "creditgw/Status.h"

namespace creditgw {

/// Writes `bytes` as `directory`/`name`, atomically and durably, mode 0640. The temp file is
/// `.<name>.part` (readers skip names starting with '.'), removed on failure. Transient for
/// I/O errors (a full disk, say), with the path and errno text; InvalidArgument for a name
/// with a '/' or starting with '.'.
Status writeFileAtomically(const std::string& directory, const std::string& name, std::string_view bytes);

/// Moves `directory`/`name` into `toDirectory` (same file system) and fsyncs both folders.
/// NotFound when the file is not there; Transient for other I/O errors.
Status moveFileDurably(const std::string& directory, const std::string& name, const std::string& toDirectory);

/// fsync of a folder, so the names created or removed in it survive a crash. Transient on error.
Status syncDirectory(const std::string& directory);

}  // namespace creditgw
