#pragma once
// Keeps a long-running process (the scheduled uploader) on the newest *good* mappings: when a
// file under mappings/ changes, the whole catalog is reloaded and checked; a bad edit keeps the
// last good catalog in force, and the reason is reported (and logged by the caller), so an IT
// typo never stops uploads nor lets a half-valid mapping through.
//
// Threading: current() may be called from any thread; reloadIfChanged() from one thread.

#include <memory>
#include <mutex>
#include <string>

#include "creditgw/Mapping.h"

namespace creditgw {

class MappingReloader {
public:
    /// Loads the catalog once; fails as MappingCatalog::load does (there is no last good yet).
    static Result<std::unique_ptr<MappingReloader>> create(const std::string& mappingsDir);

    /// The catalog in force. Callers keep the shared_ptr for the duration of one unit of work,
    /// so a reload never changes a mapping in the middle of a batch.
    std::shared_ptr<const MappingCatalog> current() const;

    struct Outcome {
        bool changed = false;   ///< files changed since the last look
        bool reloaded = false;  ///< and the new catalog is now in force
        Status status;          ///< why a changed catalog was refused (file:line lines)
    };
    /// Looks for changes (file names, sizes and modification times under the directory) and
    /// reloads if there are any.
    Outcome reloadIfChanged();

private:
    MappingReloader(std::string dir, std::shared_ptr<const MappingCatalog> catalog, std::string signature);

    std::string _dir;
    mutable std::mutex _mutex;
    std::shared_ptr<const MappingCatalog> _catalog;
    std::string _signature;  ///< of the files last looked at (good or bad)
};

/// A cheap fingerprint of every file under `dir`: path, size and modification time.
std::string directorySignature(const std::string& dir);

}  // namespace creditgw
